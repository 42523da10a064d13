"""Locking: on ctrl+l and after idle minutes the caseload closes and the screen is covered.

Unlocking returns the worker to exactly where they were, half-typed forms included.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from textual import work
from textual.app import ComposeResult
from textual.command import CommandPalette
from textual.pilot import Pilot
from textual.screen import ModalScreen
from textual.widgets import Input, TextArea

import screens.app
from keyworker.clock import FixedClock
from keyworker.errors import CaseloadLocked
from keyworker.settings import Settings
from screens.app import TITLE, KeyworkerApp, make_app
from screens.lock import LockScreen
from screens.note_form import NoteForm
from screens.setup import SetupScreen
from screens.unlock import PassphraseEntry, UnlockScreen
from storage import Caseload, CaseloadPaths
from tests.conftest import NOW, PASSPHRASE
from tests.test_app import label_text, screen_text, until


class FakeMonotonic:
    """The idle timer's clock: time passes only when the test says so."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


class HalfFilledForm(ModalScreen[str]):
    """A stand-in for any modal form: one field that must keep what was typed."""

    def compose(self) -> ComposeResult:
        yield Input(id="scribble")


@pytest.fixture
def names(demo_paths: CaseloadPaths, clock: FixedClock) -> list[str]:
    """Everything personal the demo caseload would show, to look for on screen."""
    with Caseload.open(demo_paths, PASSPHRASE, clock=clock) as opened:
        return [s.display_name for s in opened.clients()] + [opened.worker]


def working(app: KeyworkerApp, names: list[str]) -> Callable[[], bool]:
    """The caseload is open and its clients are on screen."""

    def check() -> bool:
        if app.caseload is None or isinstance(app.screen, (UnlockScreen, SetupScreen)):
            return False
        return any(name in screen_text(app) for name in names)

    return check


def locked(app: KeyworkerApp) -> Callable[[], bool]:
    return lambda: app.is_locked and isinstance(app.screen, LockScreen)


async def type_passphrase(pilot: Pilot, passphrase: str = PASSPHRASE) -> None:
    await pilot.press(*passphrase, "enter")


async def test_ctrl_l_covers_everything_and_unlocking_returns_to_the_same_screen(
    demo_paths: CaseloadPaths, clock: FixedClock, names: list[str]
) -> None:
    app = make_app(demo_paths, clock, PASSPHRASE)
    async with app.run_test(size=(100, 40)) as pilot:
        await until(pilot, working(app, names))
        caseload = app.caseload
        assert caseload is not None
        working_screen, stack = app.screen, list(app.screen_stack)

        await pilot.press("ctrl+l")
        await until(pilot, locked(app))
        shown = screen_text(app)
        assert "Keyworker Assistant" in shown
        assert "Passphrase" in shown
        for personal in (*names, "Northgate", "KW-"):
            assert personal not in shown
        assert app.title == TITLE
        assert app.sub_title == ""
        assert app.screen.query_one("#passphrase", Input).has_focus
        with pytest.raises(CaseloadLocked):
            caseload.clients()

        await type_passphrase(pilot)
        await until(pilot, lambda: not app.is_locked and app.screen is working_screen)
        assert app.screen_stack == stack
        assert app.caseload is caseload
        assert app.sub_title == "Northgate Resettlement"
        assert len(caseload.clients()) == 24
        assert any(name in screen_text(app) for name in names)


async def test_a_wrong_passphrase_keeps_it_locked(
    demo_paths: CaseloadPaths, clock: FixedClock, names: list[str]
) -> None:
    app = make_app(demo_paths, clock, PASSPHRASE)
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, working(app, names))
        await pilot.press("ctrl+l")
        await until(pilot, locked(app))

        await type_passphrase(pilot, "not the passphrase")
        await until(pilot, lambda: "not right" in label_text(app.screen, "#message"))
        assert locked(app)()
        field = app.screen.query_one("#passphrase", Input)
        assert (field.value, field.disabled, field.has_focus) == ("", False, True)
        assert not any(name in screen_text(app) for name in names)


async def test_repeated_wrong_passphrases_on_the_lock_screen_make_the_worker_wait(
    demo_paths: CaseloadPaths,
    clock: FixedClock,
    names: list[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(PassphraseEntry, "second", 0.25)
    app = make_app(demo_paths, clock, PASSPHRASE)
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, working(app, names))
        await pilot.press("ctrl+l")
        await until(pilot, locked(app))
        field = app.screen.query_one("#passphrase", Input)
        entry = app.screen.query_one(PassphraseEntry)
        for attempt in range(1, 6):
            await type_passphrase(pilot, f"guess {attempt}")
            await until(pilot, lambda attempt=attempt: entry.failures == attempt)
        assert label_text(app.screen, "#message") == (
            "Too many wrong passphrases. You can try again in 2 seconds."
        )
        assert field.disabled
        await until(pilot, lambda: not field.disabled, timeout=5)
        await type_passphrase(pilot)
        await until(pilot, working(app, names))


async def test_locking_before_unlock_or_twice_does_nothing(
    demo_paths: CaseloadPaths, clock: FixedClock, names: list[str]
) -> None:
    app = make_app(demo_paths, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+l")
        await pilot.pause()
        assert isinstance(app.screen, UnlockScreen)
        assert app.caseload is None
        assert "Lock" not in {c.title for c in app.get_system_commands(app.screen)}

        await type_passphrase(pilot)
        await until(pilot, working(app, names))
        depth = len(app.screen_stack)
        await pilot.press("ctrl+l")
        await until(pilot, locked(app))
        app.action_lock()
        app.lock_if_idle()
        await pilot.press("ctrl+l")
        await pilot.pause()
        assert len(app.screen_stack) == depth + 1


async def test_nothing_but_the_passphrase_works_while_locked(
    demo_paths: CaseloadPaths, clock: FixedClock, names: list[str]
) -> None:
    app = make_app(demo_paths, clock, PASSPHRASE)
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, working(app, names))
        await pilot.press("ctrl+l")
        await until(pilot, locked(app))
        await pilot.press("ctrl+p", "f1", "escape")
        await pilot.pause()
        assert isinstance(app.screen, LockScreen)
        assert not any(isinstance(s, CommandPalette) for s in app.screen_stack)
        await pilot.press("?")
        assert app.screen.query_one("#passphrase", Input).value == "?"


async def test_quitting_at_the_lock_screen_closes_the_caseload(
    demo_paths: CaseloadPaths, clock: FixedClock, names: list[str]
) -> None:
    app = make_app(demo_paths, clock, PASSPHRASE)
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, working(app, names))
        caseload = app.caseload
        assert caseload is not None
        await pilot.press("ctrl+l")
        await until(pilot, locked(app))
        await pilot.press("ctrl+q")
        await pilot.pause()
    assert app.caseload is None
    assert app.return_code == 0
    with pytest.raises(RuntimeError, match="closed"):
        caseload.unlock(PASSPHRASE)


async def test_idle_minutes_lock_the_caseload(
    demo_paths: CaseloadPaths,
    clock: FixedClock,
    names: list[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(screens.app, "IDLE_CHECK_SECONDS", 0.02)
    monotonic = FakeMonotonic()
    app = make_app(demo_paths, clock, PASSPHRASE, Settings(), monotonic=monotonic)
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, working(app, names))
        monotonic.advance(4 * 60 + 59)
        await pilot.pause(0.1)
        assert not app.is_locked

        await pilot.press("down")  # someone is there: the five minutes start again
        monotonic.advance(2)
        await pilot.pause(0.1)
        assert not app.is_locked

        monotonic.advance(5 * 60)
        await until(pilot, locked(app))
        assert not any(name in screen_text(app) for name in names)

        # Sitting at the lock screen does not lock it again, and unlocking starts afresh.
        monotonic.advance(60 * 60)
        await pilot.pause(0.1)
        await type_passphrase(pilot)
        await until(pilot, working(app, names))
        await pilot.pause(0.1)
        assert not app.is_locked


async def test_the_idle_minutes_come_from_the_settings(
    demo_paths: CaseloadPaths,
    clock: FixedClock,
    names: list[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(screens.app, "IDLE_CHECK_SECONDS", 0.02)
    monotonic = FakeMonotonic()
    app = make_app(
        demo_paths, clock, PASSPHRASE, Settings(idle_lock_minutes=10), monotonic=monotonic
    )
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, working(app, names))
        monotonic.advance(9 * 60)
        await pilot.pause(0.1)
        assert not app.is_locked

        app.save_settings(Settings(idle_lock_minutes=1))
        monotonic.advance(60)
        await until(pilot, locked(app))


@pytest.mark.parametrize("form", ["note form", "any modal"])
async def test_half_typed_form_survives_locking(
    demo_paths: CaseloadPaths, clock: FixedClock, names: list[str], form: str
) -> None:
    app = make_app(demo_paths, clock, PASSPHRASE)
    async with app.run_test(size=(100, 40)) as pilot:
        await until(pilot, working(app, names))
        caseload = app.caseload
        assert caseload is not None
        client = caseload.clients()[0]
        if form == "note form":
            modal = NoteForm(client.id, NOW, caseload.worker, "phone")
            selector, field_type = "#field-text", TextArea
        else:
            modal = HalfFilledForm()
            selector, field_type = "#scribble", Input
        app.push_screen(modal)
        await until(pilot, lambda: app.screen is modal)
        app.screen.query_one(selector).focus()
        await pilot.press(*"Rang about the housing? Half way thr")
        field = modal.query_one(selector, field_type)
        typed = field.text if isinstance(field, TextArea) else field.value
        assert typed == "Rang about the housing? Half way thr"

        await pilot.press("ctrl+l")
        await until(pilot, locked(app))
        assert "Rang about" not in screen_text(app)
        assert client.display_name not in screen_text(app)

        await type_passphrase(pilot)
        await until(pilot, lambda: app.screen is modal)
        field = modal.query_one(selector, field_type)
        assert (field.text if isinstance(field, TextArea) else field.value) == typed
        assert field.has_focus
        await pilot.press(*"ough")
        assert (field.text if isinstance(field, TextArea) else field.value) == typed + "ough"


async def test_locking_lets_running_database_work_finish_first(
    demo_paths: CaseloadPaths, clock: FixedClock, names: list[str]
) -> None:
    """A read already under way completes; it is not cut off by the closing database."""
    release = threading.Event()
    results: list[int] = []
    app = make_app(demo_paths, clock, PASSPHRASE)
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, working(app, names))
        caseload = app.caseload
        assert caseload is not None

        @work(thread=True)
        def slow_read(_: object) -> None:
            assert release.wait(10)
            results.append(len(caseload.clients()))

        slow_read(app.screen)
        await pilot.press("ctrl+l")
        await pilot.pause(0.2)
        assert not app.is_locked
        release.set()
        await until(pilot, locked(app))
        assert results == [24]


async def test_locking_clears_messages_from_the_screen(
    demo_paths: CaseloadPaths, clock: FixedClock, names: list[str]
) -> None:
    app = make_app(demo_paths, clock, PASSPHRASE)
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, working(app, names))
        await until(pilot, lambda: bool(app._notifications))  # outcomes waiting
        await pilot.press("ctrl+l")
        await until(pilot, locked(app))
        assert not list(app._notifications)
        assert "Outcomes to record" not in screen_text(app)


# Snapshots: the demo caseload at a fixed clock; the cursor does not blink.


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
def test_lock_screen_snapshot(
    demo_paths: CaseloadPaths,
    clock: FixedClock,
    names: list[str],
    snap_compare,
    size: tuple[int, int],
) -> None:
    app = make_app(demo_paths, clock, PASSPHRASE)

    async def lock(pilot: Pilot) -> None:
        await until(pilot, working(app, names))
        await pilot.press("ctrl+l")
        await until(pilot, locked(app))
        for field in app.screen.query(Input):
            field.cursor_blink = False
        await pilot.pause()

    assert snap_compare(app, terminal_size=size, run_before=lock)
