"""The Textual app: unlock the caseload, then work in it.

The app owns the open `Caseload` and closes it on exit. Nothing here may write client
data to disk unencrypted, so Textual's screenshot command and action are turned off and
crash reports leave out local variables (they would hold the passphrase and names).
"""

from __future__ import annotations

from collections.abc import Iterable

import rich
from rich.segment import Segments
from rich.traceback import Traceback
from textual import on
from textual.app import App, SystemCommand
from textual.screen import Screen

from keyworker.clock import Clock, SystemClock
from screens.caseload import CaseloadScreen
from screens.unlock import UnlockScreen
from storage import Caseload, CaseloadPaths

TITLE = "Keyworker Assistant"
SCREENSHOTS_OFF = "Screenshots are turned off: they would save client details to disk unencrypted."


class KeyworkerApp(App[None]):
    """Keyworker Assistant; build it with `make_app`."""

    TITLE = TITLE

    def __init__(self, paths: CaseloadPaths, clock: Clock, passphrase: str | None = None) -> None:
        super().__init__()
        self.paths = paths
        self.clock = clock
        self.caseload: Caseload | None = None
        self._passphrase = passphrase

    def on_mount(self) -> None:
        passphrase, self._passphrase = self._passphrase, None
        self.push_screen(UnlockScreen(self.paths, self.clock, passphrase))

    @on(UnlockScreen.Unlocked)
    def _unlocked(self, message: UnlockScreen.Unlocked) -> None:
        self.caseload = message.caseload
        self.sub_title = message.caseload.service
        self.switch_screen(CaseloadScreen(message.caseload, self.clock))

    def on_unmount(self) -> None:
        if self.caseload is not None:
            self.caseload.close()
            self.caseload = None

    # No screenshots: an SVG of the screen is client data in a plain file. -----------

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        for command in super().get_system_commands(screen):
            if "screenshot" not in f"{command.title} {command.help}".lower():
                yield command

    def action_screenshot(self, filename: str | None = None, path: str | None = None) -> None:
        self.notify(SCREENSHOTS_OFF, severity="warning")

    def deliver_screenshot(
        self,
        filename: str | None = None,
        path: str | None = None,
        time_format: str | None = None,
    ) -> str | None:
        self.notify(SCREENSHOTS_OFF, severity="warning")
        return None

    def save_screenshot(
        self,
        filename: str | None = None,
        path: str | None = None,
        time_format: str | None = None,
    ) -> str:
        """Refused; Textual calls this when TEXTUAL_SCREENSHOT is set."""
        self.notify(SCREENSHOTS_OFF, severity="warning")
        return ""

    def _fatal_error(self) -> None:
        """Textual's crash report, without the local variables it would print.

        Overrides a private Textual hook (pinned to Textual 8 in pyproject.toml):
        the default report shows locals, which here are passphrases and client names.
        """
        self.bell()
        report = Traceback(show_locals=False, width=None, suppress=[rich])
        self._exit_renderables.append(Segments(self.console.render(report, self.console.options)))
        self._close_messages_no_wait()


def make_app(
    paths: CaseloadPaths, clock: Clock | None = None, passphrase: str | None = None
) -> KeyworkerApp:
    """The app for the caseload at `paths`; with a passphrase it unlocks at once."""
    return KeyworkerApp(paths, clock or SystemClock(), passphrase)
