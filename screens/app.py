"""The Textual app: set up or unlock the caseload, then work in it; lock it when away.

The app owns the open `Caseload` and closes it on exit. Nothing here may write client
data to disk unencrypted, so Textual's screenshot command and action are turned off and
crash reports leave out local variables (they would hold the passphrase and names).
The title never changes: it is the one thing a terminal or window list may show.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterable
from concurrent.futures import Future
from typing import ClassVar

from textual import events, on
from textual.actions import SkipAction
from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.worker import get_current_worker

from keyworker.clock import Clock, SystemClock
from keyworker.errors import KeyworkerError
from keyworker.settings import Settings
from screens.lock import LockScreen
from screens.setup import SetupScreen
from screens.themes import register_themes
from screens.unlock import UnlockScreen
from storage import Caseload, CaseloadPaths, KdfParams, config
from storage.opening import open_in_background

TITLE = "Keyworker Assistant"
SCREENSHOTS_OFF = "Screenshots are turned off: they would save client details to disk unencrypted."
NO_THEME = "The theme {name} is not available here, so the usual one is in use."

IDLE_CHECK_SECONDS = 5.0
LOCK_GRACE_SECONDS = 5.0
"""How long locking waits for database work already running to finish."""

# What counts as someone being at the keyboard. A bare mouse move does not: a nudge
# of the desk should not keep client records on an unattended screen.
ACTIVITY = (
    events.Key,
    events.Paste,
    events.MouseDown,
    events.MouseUp,
    events.MouseScrollDown,
    events.MouseScrollUp,
    events.MouseScrollLeft,
    events.MouseScrollRight,
)


class KeyworkerApp(App[None]):
    """Keyworker Assistant; build it with `make_app`."""

    TITLE = TITLE

    # Priority, so they reach past a modal form; an Input still takes a typed "?".
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "ctrl+l",
            "lock",
            "Lock",
            id="lock",
            priority=True,
            tooltip="Cover the screen and lock the caseload until the passphrase is typed.",
        ),
        Binding(
            "f1,question_mark",
            "help",
            "Help",
            id="help",
            priority=True,
            tooltip="List every key that works here.",
        ),
        Binding(
            "f2",
            "settings",
            "Settings",
            id="settings",
            show=False,
            tooltip="Idle lock, attention, theme and assessment settings.",
        ),
    ]

    def __init__(
        self,
        paths: CaseloadPaths,
        clock: Clock,
        settings: Settings,
        *,
        passphrase: str | None = None,
        opening: Future[Caseload] | None = None,
        settings_problem: str | None = None,
        kdf: KdfParams | None = None,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__()
        self.paths = paths
        self.clock = clock
        self.settings = settings
        self.caseload: Caseload | None = None
        self._passphrase = passphrase
        self._opening = opening
        self._settings_problem = settings_problem
        self._kdf = kdf
        self._monotonic = monotonic
        self._last_activity = monotonic()
        self._locking = False
        register_themes(self)

    def on_load(self) -> None:
        """With the passphrase given at launch, start unlocking before anything is drawn
        (unless the `keyworker` command started even earlier and passed `opening`)."""
        passphrase, self._passphrase = self._passphrase, None
        if passphrase and self._opening is None and self.paths.exists():
            self._opening = open_in_background(self.paths, passphrase, self.clock)

    def on_mount(self) -> None:
        self._apply_theme()
        if self._settings_problem:
            self.notify(self._settings_problem, severity="warning", timeout=10)
        opening, self._opening = self._opening, None
        if self.paths.exists():
            self.push_screen(UnlockScreen(self.paths, self.clock, opening=opening))
        else:
            self.push_screen(SetupScreen(self.paths, self.clock, self._kdf))
        self.set_interval(IDLE_CHECK_SECONDS, self.lock_if_idle)
        self.call_after_refresh(_import_dashboard)

    @on(UnlockScreen.Unlocked)
    @on(SetupScreen.Created)
    def _opened(self, message: UnlockScreen.Unlocked | SetupScreen.Created) -> None:
        self.caseload = message.caseload
        self.sub_title = message.caseload.service
        self._last_activity = self._monotonic()
        from screens.dashboard import DashboardScreen

        self.switch_screen(DashboardScreen(message.caseload, self.clock, self.settings))

    def on_unmount(self) -> None:
        if self.caseload is not None:
            self._save_open_work()
            self.caseload.close()
            self.caseload = None

    # Settings -----------------------------------------------------------------------

    def save_settings(self, settings: Settings) -> None:
        """Keep the new settings and use them now (theme, idle minutes) even if unsaved."""
        try:
            config.save_settings(settings)
        except KeyworkerError as exc:
            self.notify(str(exc), severity="error", timeout=10)
        self.settings = settings
        self._apply_theme()

    def _apply_theme(self) -> None:
        name = self.settings.theme
        if name in self.available_themes:
            self.theme = name
        else:
            self.notify(NO_THEME.format(name=name), severity="warning")

    async def action_settings(self) -> None:
        from screens.settings import SettingsScreen

        def saved(settings: Settings | None) -> None:
            if settings is not None:
                self.save_settings(settings)

        await self.push_screen(SettingsScreen(self.settings), callback=saved)

    # Help ---------------------------------------------------------------------------

    async def action_help(self) -> None:
        from screens.help import HelpScreen

        if isinstance(self.screen, HelpScreen):
            raise SkipAction()  # help's own keys close it
        await self.push_screen(HelpScreen(self.screen))

    # Locking ------------------------------------------------------------------------

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, ACTIVITY) and not event.is_forwarded:
            self._last_activity = self._monotonic()
        await super().on_event(event)

    def lock_if_idle(self) -> None:
        """Lock once nobody has pressed a key or clicked for the idle lock minutes."""
        idle = self._monotonic() - self._last_activity
        if idle >= self.settings.idle_lock_minutes * 60:
            self.action_lock()

    @property
    def is_locked(self) -> bool:
        return self.caseload is not None and self.caseload.is_locked

    def action_lock(self) -> None:
        """Close the database, drop the key and cover everything with the lock screen.

        Does nothing before the caseload is open or while it is locked already. Runs
        in a worker, so the app keeps answering while database work under way finishes.
        """
        caseload = self.caseload
        if caseload is None or caseload.is_locked or self._locking:
            return
        self._locking = True
        self.run_worker(self._lock(caseload), name="lock", group="lock", exclusive=True)

    async def _lock(self, caseload: Caseload) -> None:
        try:
            await self._let_workers_finish()
            self._save_open_work()
            caseload.lock()  # no await since the last check, so no worker slipped in
            self.sub_title = ""
            self.clear_notifications()  # a message may name someone: none over the lock
            await self.push_screen(LockScreen(caseload), callback=self._unlocked)
        finally:
            self._locking = False

    async def _let_workers_finish(self) -> None:
        """Wait for database work already running, then cancel whatever still runs."""
        me = get_current_worker()
        for _ in range(int(LOCK_GRACE_SECONDS / 0.01)):
            others = [w for w in self.workers if w is not me and not w.is_finished]
            if not others:
                return
            await asyncio.sleep(0.01)
        for worker in others:
            worker.cancel()

    def _save_open_work(self) -> None:
        """Let screens holding unsaved work (a draft assessment) save it before the
        caseload locks or closes: each such screen has a `save_before_closing` method."""
        for screen in self.screen_stack:
            save = getattr(screen, "save_before_closing", None)
            if save is not None:
                save()

    def _unlocked(self, _: None = None) -> None:
        if self.caseload is not None:
            self.sub_title = self.caseload.service
        self._last_activity = self._monotonic()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "lock":
            return self.caseload is not None and not self.caseload.is_locked
        if action in ("help", "settings", "command_palette"):
            return not isinstance(self.screen, LockScreen)
        return True

    # The command palette --------------------------------------------------------------

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """The app's own commands; no screenshots, and themes are chosen in settings."""
        for command in super().get_system_commands(screen):
            if "screenshot" in f"{command.title} {command.help}".lower():
                continue
            if command.title == "Theme":
                continue
            yield command
        if self.check_action("lock", ()):
            yield SystemCommand(
                "Lock", "Cover the screen and lock the caseload (Ctrl+L)", self.action_lock
            )
        yield SystemCommand("Help", "List every key that works here (F1 or ?)", self.action_help)
        yield SystemCommand(
            "Settings",
            "Idle lock, attention, theme and assessment settings (F2)",
            self.action_settings,
        )

    # No screenshots: an SVG of the screen is client data in a plain file. -----------

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
        import rich
        from rich.segment import Segments
        from rich.traceback import Traceback

        self.bell()
        report = Traceback(show_locals=False, width=None, suppress=[rich])
        self._exit_renderables.append(Segments(self.console.render(report, self.console.options)))
        self._close_messages_no_wait()


def _import_dashboard() -> None:
    """Import the dashboard while the unlock screen waits for the key to be derived.

    Key derivation runs in a thread and lets go of the interpreter, so the import
    (a tenth of a second) is done by the time the caseload opens, rather than after.
    """
    import screens.dashboard  # noqa: F401


def make_app(
    paths: CaseloadPaths,
    clock: Clock | None = None,
    passphrase: str | None = None,
    settings: Settings | None = None,
    *,
    opening: Future[Caseload] | None = None,
    kdf: KdfParams | None = None,
    monotonic: Callable[[], float] = time.monotonic,
) -> KeyworkerApp:
    """The app for the caseload at `paths`: setup if there is none, else unlock.

    With a passphrase it unlocks at once; with `opening` (from `open_in_background`) it
    takes the caseload that is being opened already. Without settings it loads the
    saved ones.
    `kdf` is passed to a caseload made on the setup screen (tests make it cheap), and
    `monotonic` is the idle timer's clock (tests make time pass).
    """
    problem = None
    if settings is None:
        settings, problem = config.load_settings()
    return KeyworkerApp(
        paths,
        clock or SystemClock(),
        settings,
        passphrase=passphrase,
        opening=opening,
        settings_problem=problem,
        kdf=kdf,
        monotonic=monotonic,
    )
