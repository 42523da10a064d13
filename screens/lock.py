"""The lock screen: covers everything while the caseload is locked.

It is a full, opaque screen pushed on top of the stack, so the screens beneath stay
mounted (half-typed forms included) but none of them can be seen or reached.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual import on, work
from textual.app import ComposeResult
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Static

from keyworker.errors import KeyworkerError, WrongPassphrase
from screens.unlock import PassphraseBox, PassphraseEntry
from storage import Caseload

LOCKED = "Locked. Type your passphrase to carry on where you were."


class LockScreen(Screen[None]):
    """Shows the app's name and a passphrase field; dismisses itself once unlocked."""

    DEFAULT_CSS = """
    LockScreen {
        align: center middle;
        background: $background;
    }
    """

    @dataclass
    class _Refused(Message):
        reason: str
        wrong_passphrase: bool

    class _Unlocked(Message):
        pass

    def __init__(self, caseload: Caseload) -> None:
        super().__init__()
        self.caseload = caseload

    def compose(self) -> ComposeResult:
        with PassphraseBox(id="lock-box"):
            yield Static(self.app.title, classes="app-name", markup=False)
            yield Static(LOCKED, classes="box-note")
            yield PassphraseEntry(id="entry")

    def on_mount(self) -> None:
        self.query_one(PassphraseEntry).focus_field()

    @on(PassphraseEntry.Submitted)
    def _submitted(self, message: PassphraseEntry.Submitted) -> None:
        self._unlock(message.passphrase)

    @work(thread=True, exclusive=True, group="unlock")
    def _unlock(self, passphrase: str) -> None:
        try:
            self.caseload.unlock(passphrase)
        except KeyworkerError as exc:
            self.post_message(self._Refused(str(exc), isinstance(exc, WrongPassphrase)))
            return
        self.post_message(self._Unlocked())

    @on(_Refused)
    def _refused(self, message: _Refused) -> None:
        self.query_one(PassphraseEntry).refused(
            message.reason, wrong_passphrase=message.wrong_passphrase
        )

    @on(_Unlocked)
    def _unlocked(self) -> None:
        self.dismiss()
