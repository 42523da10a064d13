"""The first screen: the passphrase, and nothing of the caseload until it is right."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Header, Input, Label, Static
from textual.worker import get_current_worker

from keyworker.clock import Clock
from keyworker.errors import KeyworkerError
from storage import Caseload, CaseloadPaths

UNLOCKING = "Unlocking…"
EMPTY_PASSPHRASE = "Type the caseload's passphrase, then press Enter."


def folder_for_display(folder: Path) -> str:
    """The caseload folder with the home folder shortened to ~, as people write it."""
    try:
        return str(Path("~") / folder.relative_to(Path.home()))
    except (ValueError, RuntimeError):
        return str(folder)


class UnlockScreen(Screen[None]):
    """Asks for the passphrase and opens the caseload in a thread.

    Key derivation is deliberately slow, so opening runs in a worker and the screen
    says it is unlocking; on success the screen posts `Unlocked` for the app to act on.
    """

    DEFAULT_CSS = """
    UnlockScreen {
        align: center middle;

        #unlock-box {
            width: 64;
            height: auto;
            padding: 1 2;
            border: round $primary;
        }
        #app-name {
            text-style: bold;
            width: 100%;
            content-align: center middle;
        }
        #folder {
            color: $text-muted;
            margin-bottom: 1;
        }
        #passphrase {
            margin-bottom: 1;
        }
        #message {
            width: 100%;
        }
        #message.-problem {
            text-style: bold;
        }
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

    def __init__(self, paths: CaseloadPaths, clock: Clock, passphrase: str | None = None) -> None:
        super().__init__()
        self.paths = paths
        self.clock = clock
        self._first_passphrase = passphrase

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="unlock-box"):
            yield Static(self.app.title, id="app-name")
            yield Static(
                f"Caseload folder: {folder_for_display(self.paths.home)}", id="folder", markup=False
            )
            yield Label("Passphrase")
            yield Input(password=True, id="passphrase")
            yield Label("Press Enter to unlock.", id="message", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        passphrase, self._first_passphrase = self._first_passphrase, None
        if passphrase:
            self._start_unlocking(passphrase)
        else:
            self.query_one("#passphrase", Input).focus()

    @on(Input.Submitted, "#passphrase")
    def _submitted(self, event: Input.Submitted) -> None:
        passphrase = event.value
        event.input.clear()
        if not passphrase:
            self._show_problem(EMPTY_PASSPHRASE)
            return
        self._start_unlocking(passphrase)

    def _start_unlocking(self, passphrase: str) -> None:
        self.query_one("#passphrase", Input).disabled = True
        message = self.query_one("#message", Label)
        message.remove_class("-problem")
        message.update(UNLOCKING)
        self._unlock(passphrase)

    @work(thread=True, exclusive=True, group="unlock")
    def _unlock(self, passphrase: str) -> None:
        try:
            caseload = Caseload.open(self.paths, passphrase, clock=self.clock)
        except KeyworkerError as exc:
            self.post_message(self._Refused(str(exc)))
            return
        if get_current_worker().is_cancelled:
            caseload.close()
            return
        self.post_message(self.Unlocked(caseload))

    @on(_Refused)
    def _refused(self, message: _Refused) -> None:
        self._show_problem(message.reason)

    def _show_problem(self, text: str) -> None:
        label = self.query_one("#message", Label)
        label.update(text)
        label.add_class("-problem")
        passphrase = self.query_one("#passphrase", Input)
        passphrase.disabled = False
        passphrase.clear()
        passphrase.focus()
