"""The first screen: the passphrase, and nothing of the caseload until it is right.

`PassphraseEntry`, the masked field with its message line and the wait after repeated
wrong passphrases, is shared with the lock screen.
"""

from __future__ import annotations

import math
from concurrent.futures import Future
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Header, Input, Label, Static
from textual.worker import get_current_worker

from keyworker.clock import Clock
from keyworker.errors import KeyworkerError, WrongPassphrase
from keyworker.passphrase import unlock_delay
from screens.footer import KeyFooter
from storage import Caseload, CaseloadPaths

UNLOCKING = "Unlocking…"
EMPTY_PASSPHRASE = "Type the caseload's passphrase, then press Enter."
PRESS_ENTER = "Press Enter to unlock."
TRY_AGAIN = "You can try again now."


def folder_for_display(folder: Path) -> str:
    """The caseload folder with the home folder shortened to ~, as people write it."""
    try:
        return str(Path("~") / folder.relative_to(Path.home()))
    except (ValueError, RuntimeError):
        return str(folder)


def wait_message(seconds: int) -> str:
    unit = "second" if seconds == 1 else "seconds"
    return f"Too many wrong passphrases. You can try again in {seconds} {unit}."


class PassphraseBox(Vertical):
    """The bordered box the unlock and lock screens ask for the passphrase in."""

    DEFAULT_CSS = """
    PassphraseBox {
        width: 64;
        max-width: 100%;
        height: auto;
        padding: 1 2;
        border: round $primary;

        & > .app-name {
            text-style: bold;
            width: 100%;
            content-align: center middle;
        }
        & > .box-note {
            color: $text-muted;
            margin-bottom: 1;
        }
    }
    """


class PassphraseEntry(Vertical):
    """A masked passphrase field and its message line.

    It posts `Submitted` for the screen to act on, and after several wrong passphrases
    in a row (`unlock_delay`) it refuses input for a while, counting down.
    """

    DEFAULT_CSS = """
    PassphraseEntry {
        height: auto;

        #passphrase {
            margin-bottom: 1;
        }
        #message {
            width: 100%;
        }
        #message.-problem {
            color: $text-error;
            text-style: bold;
        }
    }
    """

    second: ClassVar[float] = 1.0
    """How long a second of the countdown lasts; tests make it short."""

    @dataclass
    class Submitted(Message):
        """A passphrase to try; the field is disabled until `refused` is called."""

        entry: PassphraseEntry
        passphrase: str

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.failures = 0
        """Wrong passphrases in a row."""
        self._wait_left = 0
        self._countdown: Timer | None = None

    def compose(self) -> ComposeResult:
        yield Label("Passphrase")
        yield Input(password=True, id="passphrase")
        yield Label(PRESS_ENTER, id="message", markup=False)

    @property
    def waiting(self) -> bool:
        return self._wait_left > 0

    def focus_field(self) -> None:
        self.query_one("#passphrase", Input).focus()

    @on(Input.Submitted, "#passphrase")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        passphrase = event.value
        event.input.clear()
        if self.waiting:
            return
        if not passphrase:
            self._show(EMPTY_PASSPHRASE, problem=True)
            return
        self.busy()
        self.post_message(self.Submitted(self, passphrase))

    def busy(self) -> None:
        """Say the passphrase is being tried; the field takes nothing meanwhile."""
        self.query_one("#passphrase", Input).disabled = True
        self._show(UNLOCKING, problem=False)

    def refused(self, reason: str, *, wrong_passphrase: bool) -> None:
        """Show why, and make the worker wait if the passphrase was wrong too often."""
        if wrong_passphrase:
            self.failures += 1
        delay = unlock_delay(self.failures) if wrong_passphrase else 0
        if delay > 0:
            self._start_wait(math.ceil(delay))
        else:
            self._show(reason, problem=True)
            self._enable()

    def _start_wait(self, seconds: int) -> None:
        self._wait_left = seconds
        self.query_one("#passphrase", Input).disabled = True
        self._show(wait_message(seconds), problem=True)
        self._countdown = self.set_interval(self.second, self._tick)

    def _tick(self) -> None:
        self._wait_left -= 1
        if self._wait_left > 0:
            self._show(wait_message(self._wait_left), problem=True)
            return
        if self._countdown is not None:
            self._countdown.stop()
            self._countdown = None
        self._show(TRY_AGAIN, problem=False)
        self._enable()

    def _enable(self) -> None:
        field = self.query_one("#passphrase", Input)
        field.disabled = False
        field.clear()
        field.focus()

    def _show(self, text: str, *, problem: bool) -> None:
        label = self.query_one("#message", Label)
        label.update(text)
        label.set_class(problem, "-problem")


class UnlockScreen(Screen[None]):
    """Asks for the passphrase and opens the caseload in a thread.

    Key derivation is deliberately slow, so opening runs in a worker and the screen
    says it is unlocking; on success the screen posts `Unlocked` for the app to act on.
    """

    DEFAULT_CSS = """
    UnlockScreen {
        align: center middle;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.quit", "Quit", id="quit", tooltip="Leave without unlocking."),
    ]

    @dataclass
    class Unlocked(Message):
        """The caseload is open; the receiver now owns it and must close it."""

        caseload: Caseload

    @dataclass
    class _Refused(Message):
        reason: str
        wrong_passphrase: bool

    def __init__(
        self,
        paths: CaseloadPaths,
        clock: Clock,
        passphrase: str | None = None,
        *,
        opening: Future[Caseload] | None = None,
    ) -> None:
        """With `passphrase`, unlock with it at once; with `opening` (see
        `storage.opening.open_in_background`), wait for that, and ask for the passphrase
        only if it failed."""
        super().__init__()
        self.paths = paths
        self.clock = clock
        self._first_passphrase = passphrase
        self._opening = opening

    def compose(self) -> ComposeResult:
        yield Header()
        with PassphraseBox(id="unlock-box"):
            yield Static(self.app.title, classes="app-name")
            yield Static(
                f"Caseload folder: {folder_for_display(self.paths.home)}",
                classes="box-note",
                markup=False,
            )
            yield PassphraseEntry(id="entry")
        yield KeyFooter()

    def on_mount(self) -> None:
        passphrase, self._first_passphrase = self._first_passphrase, None
        opening, self._opening = self._opening, None
        entry = self.query_one(PassphraseEntry)
        if opening is not None:
            entry.busy()
            self._unlock(None, opening)
        elif passphrase:
            entry.busy()
            self._unlock(passphrase)
        else:
            entry.focus_field()

    @on(PassphraseEntry.Submitted)
    def _submitted(self, message: PassphraseEntry.Submitted) -> None:
        self._unlock(message.passphrase)

    @work(thread=True, exclusive=True, group="unlock")
    def _unlock(self, passphrase: str | None, opening: Future[Caseload] | None = None) -> None:
        try:
            if opening is not None:
                caseload = opening.result()
            else:
                assert passphrase is not None
                caseload = Caseload.open(self.paths, passphrase, clock=self.clock)
        except KeyworkerError as exc:
            self.post_message(self._Refused(str(exc), isinstance(exc, WrongPassphrase)))
            return
        if get_current_worker().is_cancelled:
            caseload.close()
            return
        self.post_message(self.Unlocked(caseload))

    @on(_Refused)
    def _refused(self, message: _Refused) -> None:
        self.query_one(PassphraseEntry).refused(
            message.reason, wrong_passphrase=message.wrong_passphrase
        )
