"""App-wide keys: settings on F2, and every app key listed in help, from any screen."""

from __future__ import annotations

import json
from pathlib import Path

from textual.widgets import Input

from keyworker.clock import FixedClock
from screens.app import make_app
from screens.dashboard import DashboardScreen
from screens.help import HelpScreen
from screens.settings import SettingsScreen
from storage import CaseloadPaths
from tests.conftest import PASSPHRASE
from tests.test_app import screen_text, until


async def test_f2_opens_settings_and_saving_keeps_the_new_threshold(
    demo_paths: CaseloadPaths, clock: FixedClock, private_settings: Path
) -> None:
    app = make_app(demo_paths, clock, PASSPHRASE)
    async with app.run_test(size=(100, 40)) as pilot:
        await until(pilot, lambda: isinstance(app.screen, DashboardScreen) and app.screen.ready)
        await pilot.press("f2")
        await until(pilot, lambda: isinstance(app.screen, SettingsScreen))
        form = app.screen
        field = form.query_one("#field-no-contact-days", Input)
        field.value = "21"
        await pilot.press("ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, DashboardScreen))
        assert app.settings.no_contact_days == 21
    assert json.loads(private_settings.read_text())["no_contact_days"] == 21


async def test_help_lists_the_app_keys_on_the_dashboard(
    demo_paths: CaseloadPaths, clock: FixedClock
) -> None:
    app = make_app(demo_paths, clock, PASSPHRASE)
    async with app.run_test(size=(100, 40)) as pilot:
        await until(pilot, lambda: isinstance(app.screen, DashboardScreen) and app.screen.ready)
        await pilot.press("f1")
        await until(pilot, lambda: isinstance(app.screen, HelpScreen))
        shown = screen_text(app)
        for words in ("Ctrl+L", "Lock", "F1, ?", "Help", "F2", "Settings", "New client"):
            assert words in shown, words
