"""The terminal app, driven through Pilot on a real, temporary, encrypted caseload."""

from __future__ import annotations

import html
import re
import threading
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from uuid import UUID

import pytest
from textual.command import CommandList, CommandPalette
from textual.pilot import Pilot
from textual.widgets import Input, Label

from keyworker.clock import FixedClock
from keyworker.models import CaseNote, Client, RiskFlag
from keyworker.settings import Settings
from screens.app import TITLE, KeyworkerApp, make_app
from screens.dashboard import DashboardScreen
from screens.lock import LockScreen
from screens.setup import SetupScreen
from screens.unlock import PassphraseEntry, UnlockScreen
from storage import Caseload, CaseloadPaths, KdfParams

PASSPHRASE = "correct horse battery"
NOW = datetime(2026, 3, 16, 12, 0, tzinfo=UTC)


def _id(n: int) -> UUID:
    return UUID(f"00000000-0000-4000-8000-{n:012d}")


ALEX = Client(
    id=_id(1),
    case_ref="KW-2A3B4",
    legal_name="Alexandra Morgan",
    preferred_name="Alex Morgan",
    status="active",
    release_date=date(2026, 4, 2),
)
JORDAN = Client(id=_id(2), case_ref="KW-5C6D7", legal_name="Jordan Ellis")
PRIYA = Client(
    id=_id(3),
    case_ref="KW-8E9F2",
    legal_name="Priya Shah",
    status="paused",
    order_end_date=date(2026, 9, 30),
)
CHRIS = Client(
    id=_id(4),
    case_ref="KW-HJK3M",
    legal_name="Christopher Doyle",
    preferred_name="Chris Doyle",
    status="closed",
    closure_reason="needs_met",
)
ROOT = Path(__file__).resolve().parent.parent
CLIENTS = (ALEX, JORDAN, PRIYA, CHRIS)
NAMES = [c.display_name for c in CLIENTS]


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(NOW)


@pytest.fixture
def paths(tmp_path: Path, clock: FixedClock, monkeypatch: pytest.MonkeyPatch) -> CaseloadPaths:
    """A small caseload; HOME is the temporary folder so it shows as ~/caseload."""
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.chdir(tmp_path)
    paths = CaseloadPaths(tmp_path / "caseload")
    caseload = Caseload.create(
        paths,
        PASSPHRASE,
        worker="Sam Okafor",
        service="Bridges Resettlement",
        clock=clock,
        kdf=KdfParams.fast_for_tests(),
    )
    with caseload:
        for client in CLIENTS:
            caseload.add_client(client)
        caseload.add_note(
            CaseNote(
                id=_id(11),
                client_id=ALEX.id,
                at=datetime(2026, 3, 11, 12, 0, tzinfo=UTC),
                contact_type="face_to_face",
                text="Met at the office to plan the first week after release.",
            )
        )
        caseload.add_note(
            CaseNote(
                id=_id(12),
                client_id=PRIYA.id,
                at=datetime(2026, 2, 1, 12, 0, tzinfo=UTC),
                contact_type="phone",
                text="Phoned about the housing appointment.",
            )
        )
        for n, kind in enumerate(("lone_working", "domestic_abuse"), 21):
            caseload.add_flag(
                RiskFlag(
                    id=_id(n),
                    client_id=ALEX.id,
                    kind=kind,
                    level="high",
                    raised_on=date(2026, 1, 5),
                    review_date=date(2026, 4, 5),
                )
            )
        caseload.add_flag(
            RiskFlag(
                id=_id(23),
                client_id=PRIYA.id,
                kind="self_harm",
                level="medium",
                raised_on=date(2026, 1, 5),
                review_date=date(2026, 4, 5),
            )
        )
    return paths


async def until(pilot: Pilot, condition: Callable[[], bool], timeout: float = 10) -> None:
    """Let workers finish and messages land until `condition` holds."""
    for _ in range(int(timeout / 0.05)):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        if condition():
            return
        await pilot.pause(0.05)
    raise AssertionError("the app did not reach the expected state in time")


def loaded(app: KeyworkerApp) -> Callable[[], bool]:
    """The dashboard has painted the caseload."""

    def check() -> bool:
        screen = app.screen
        return isinstance(screen, DashboardScreen) and screen.ready

    return check


async def unlock(pilot: Pilot, passphrase: str = PASSPHRASE) -> None:
    await pilot.press(*passphrase, "enter")


def label_text(screen: object, selector: str) -> str:
    return str(screen.query_one(selector, Label).render())  # type: ignore[attr-defined]


def screen_text(app: KeyworkerApp) -> str:
    """Everything the terminal shows, as plain text."""
    svg = app.export_screenshot()
    return html.unescape(re.sub(r"<[^>]+>", "", svg)).replace("\xa0", " ")


async def test_unlocking_shows_the_caseload(paths: CaseloadPaths, clock: FixedClock) -> None:
    app = make_app(paths, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        assert isinstance(app.screen, UnlockScreen)
        await unlock(pilot)
        await until(pilot, loaded(app))

        assert app.title == TITLE
        assert app.sub_title == "Bridges Resettlement"
        assert app.caseload is not None and app.caseload.worker == "Sam Okafor"
        shown = screen_text(app)
        assert "Sam Okafor" in shown
        assert all(name in shown for name in NAMES[:3])


async def test_wrong_passphrase_is_refused_plainly(paths: CaseloadPaths, clock: FixedClock) -> None:
    app = make_app(paths, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await unlock(pilot, "not the passphrase")
        await until(pilot, lambda: "not right" in label_text(app.screen, "#message"))

        assert isinstance(app.screen, UnlockScreen)
        passphrase = app.screen.query_one("#passphrase", Input)
        assert passphrase.value == ""
        assert passphrase.has_focus
        assert not passphrase.disabled

        await unlock(pilot)
        await until(pilot, loaded(app))
        assert app.screen.row_count == len(CLIENTS)  # type: ignore[attr-defined]


async def test_unlocking_runs_in_the_background(
    paths: CaseloadPaths, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """While the key is derived the screen says so and the app still answers."""
    release = threading.Event()
    real_open = Caseload.open

    def slow_open(*args: object, **kwargs: object) -> Caseload:
        assert release.wait(10)
        return real_open(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Caseload, "open", slow_open)
    app = make_app(paths, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await unlock(pilot)
        await pilot.pause(0.2)
        assert label_text(app.screen, "#message") == "Unlocking…"
        assert app.screen.query_one("#passphrase", Input).disabled
        assert isinstance(app.screen, UnlockScreen)
        release.set()
        await until(pilot, loaded(app))


async def test_escape_on_the_unlock_screen_quits(paths: CaseloadPaths, clock: FixedClock) -> None:
    app = make_app(paths, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("escape")
        await pilot.pause()
        assert not app.is_running


async def test_empty_passphrase_asks_for_one(paths: CaseloadPaths, clock: FixedClock) -> None:
    app = make_app(paths, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, UnlockScreen)
        assert "Type the caseload's passphrase" in label_text(app.screen, "#message")


async def test_passphrase_is_masked(paths: CaseloadPaths, clock: FixedClock) -> None:
    app = make_app(paths, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(*"secret words")
        assert app.screen.query_one("#passphrase", Input).password
        assert "secret words" not in screen_text(app)


async def test_nothing_of_the_caseload_shows_before_unlock(
    paths: CaseloadPaths, clock: FixedClock
) -> None:
    app = make_app(paths, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        before = screen_text(app)
        assert "Keyworker Assistant" in before
        assert "~/caseload" in before
        await unlock(pilot, "wrong")
        await until(pilot, lambda: "not right" in label_text(app.screen, "#message"))
        refused = screen_text(app)

        await unlock(pilot)
        await until(pilot, loaded(app))
        after = screen_text(app)

    for shown in (before, refused):
        for secret in (*NAMES, "Alexandra", "KW-", "Sam Okafor", "Bridges"):
            assert secret not in shown
    # The same check finds them once unlocked, so it is not passing vacuously.
    assert all(name in after for name in NAMES)
    assert "Sam Okafor" in after


async def test_bindings_have_descriptions_and_ids(paths: CaseloadPaths, clock: FixedClock) -> None:
    for owner in (KeyworkerApp, UnlockScreen, SetupScreen, LockScreen):
        for binding in vars(owner).get("BINDINGS", []):
            assert binding.description and binding.id, (owner, binding)  # type: ignore[union-attr]
    app = make_app(paths, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        footer = screen_text(app).strip().splitlines()[-1]
        assert "Quit" in footer and "Help" in footer
        assert "Lock" not in footer, "nothing to lock yet"
        await unlock(pilot)
        await until(pilot, loaded(app))
        active = {b.binding.id for b in app.screen.active_bindings.values()}
        assert {"lock", "help"} <= active


async def test_q_quits_and_closes_the_caseload(paths: CaseloadPaths, clock: FixedClock) -> None:
    app = make_app(paths, clock, PASSPHRASE)
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, loaded(app))
        caseload = app.caseload
        assert caseload is not None
        await pilot.press("q")
        await pilot.pause()
    assert app.caseload is None
    with pytest.raises(Exception, match="closed"):
        caseload.clients()


async def test_passphrase_given_at_start_unlocks_straight_to_the_list(
    paths: CaseloadPaths, clock: FixedClock
) -> None:
    app = make_app(paths, clock, PASSPHRASE)
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, loaded(app))
        assert app.screen.row_count == len(CLIENTS)  # type: ignore[attr-defined]


async def test_wrong_passphrase_given_at_start_shows_the_unlock_screen(
    paths: CaseloadPaths, clock: FixedClock
) -> None:
    app = make_app(paths, clock, "wrong")
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: "not right" in label_text(app.screen, "#message"))
        assert isinstance(app.screen, UnlockScreen)
        assert app.screen.query_one("#passphrase", Input).has_focus


async def test_wrong_passphrase_at_start_then_the_right_one_typed_unlocks(
    paths: CaseloadPaths, clock: FixedClock
) -> None:
    app = make_app(paths, clock, "wrong")
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: "not right" in label_text(app.screen, "#message"))
        await unlock(pilot)
        await until(pilot, loaded(app))
        assert app.screen.row_count == len(CLIENTS)  # type: ignore[attr-defined]


async def test_a_passphrase_given_at_start_is_tried_before_anything_is_drawn(
    paths: CaseloadPaths, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Key derivation overlaps start-up: it begins on loading, before the first screen."""
    import screens.app

    started: list[int] = []
    real = screens.app.open_in_background

    def watched(*args: object, **kwargs: object):
        started.append(len(app.screen_stack))
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(screens.app, "open_in_background", watched)
    app = make_app(paths, clock, PASSPHRASE)
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, loaded(app))
    assert started == [0]


async def test_the_app_takes_a_caseload_the_command_began_opening(
    paths: CaseloadPaths, clock: FixedClock
) -> None:
    """`keyworker` starts unlocking before it loads the app, and hands the app the result."""
    from storage.opening import open_in_background

    app = make_app(paths, clock, opening=open_in_background(paths, PASSPHRASE, clock))
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, loaded(app))
        assert app.screen.row_count == len(CLIENTS)  # type: ignore[attr-defined]


async def test_a_wrong_passphrase_the_command_began_with_asks_again(
    paths: CaseloadPaths, clock: FixedClock
) -> None:
    from storage.opening import open_in_background

    app = make_app(paths, clock, opening=open_in_background(paths, "wrong", clock))
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: "not right" in label_text(app.screen, "#message"))
        await unlock(pilot)
        await until(pilot, loaded(app))
        assert app.screen.row_count == len(CLIENTS)  # type: ignore[attr-defined]


def test_start_up_imports_only_what_the_unlock_screen_needs() -> None:
    """The dashboard, sqlite-utils and the crash report are imported when first needed."""
    import subprocess
    import sys

    code = (
        "import sys, screens.app; "
        "print(sorted(m for m in ('screens.dashboard', 'sqlite_utils', 'rich.traceback',"
        " 'screens.client', 'screens.client_form') if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    ).stdout
    assert out.strip() == "[]"


async def test_a_folder_with_no_caseload_opens_setup_not_unlock(
    tmp_path: Path, clock: FixedClock
) -> None:
    app = make_app(CaseloadPaths(tmp_path / "nowhere"), clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, SetupScreen)
        assert not app.screen.query(PassphraseEntry)


async def test_no_screenshot_command_or_file(
    paths: CaseloadPaths, clock: FixedClock, tmp_path: Path
) -> None:
    app = make_app(paths, clock, PASSPHRASE)
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, loaded(app))
        commands = list(app.get_system_commands(app.screen))
        assert commands, "the other system commands are still there"
        for command in commands:
            assert "screenshot" not in f"{command.title} {command.help}".lower()

        await pilot.press("ctrl+p")
        await until(pilot, lambda: isinstance(app.screen, CommandPalette))
        await pilot.press(*"screenshot")
        await pilot.pause(0.5)
        await pilot.pause()
        results = app.screen.query_one(CommandList)
        prompts = [str(results.get_option_at_index(i).prompt) for i in range(results.option_count)]
        assert not any("screenshot" in p.lower() for p in prompts)
        await pilot.press("escape")
        await pilot.pause()

        app.action_screenshot()
        app.deliver_screenshot()
        app.save_screenshot()
        await pilot.pause()
    assert not list(tmp_path.rglob("*.svg"))


async def test_crash_report_leaves_out_local_variables(
    paths: CaseloadPaths, clock: FixedClock, capsys: pytest.CaptureFixture[str]
) -> None:
    app = make_app(paths, clock)

    def bug() -> None:
        secret_local = "-".join(["hidden", "from", "reports"])
        raise RuntimeError(f"a bug ({len(secret_local)})")

    with pytest.raises(RuntimeError, match="a bug"):
        async with app.run_test(size=(80, 24)) as pilot:
            app.call_later(bug)
            await pilot.pause()
    printed = capsys.readouterr()
    report = printed.out + printed.err
    assert "a bug" in report
    assert "hidden-from-reports" not in report


async def test_five_wrong_passphrases_in_a_row_make_the_worker_wait(
    paths: CaseloadPaths, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(PassphraseEntry, "second", 0.5)
    app = make_app(paths, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        passphrase = app.screen.query_one("#passphrase", Input)
        entry = app.screen.query_one(PassphraseEntry)
        for attempt in range(1, 5):
            await unlock(pilot, f"wrong {attempt}")
            await until(pilot, lambda attempt=attempt: entry.failures == attempt)
            assert "not right" in label_text(app.screen, "#message")
            assert not passphrase.disabled, f"no wait after {attempt} wrong passphrases"

        await unlock(pilot, "wrong 5")
        await until(pilot, lambda: "Too many" in label_text(app.screen, "#message"))
        assert label_text(app.screen, "#message") == (
            "Too many wrong passphrases. You can try again in 2 seconds."
        )
        assert passphrase.disabled
        await pilot.press("x", "enter")
        assert passphrase.value == ""
        assert passphrase.disabled
        assert entry.failures == 5

        await until(pilot, lambda: not passphrase.disabled, timeout=5)
        assert label_text(app.screen, "#message") == "You can try again now."
        assert passphrase.has_focus
        await unlock(pilot)
        await until(pilot, loaded(app))


async def test_question_mark_types_in_a_field_and_opens_help_elsewhere(
    paths: CaseloadPaths, clock: FixedClock
) -> None:
    from screens.help import HelpScreen

    app = make_app(paths, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("?", "?")
        await pilot.pause()
        assert app.screen.query_one("#passphrase", Input).value == "??"
        assert isinstance(app.screen, UnlockScreen)

        await pilot.press("f1")
        await until(pilot, lambda: isinstance(app.screen, HelpScreen))
        assert "Unlock" in screen_text(app)
        await pilot.press("f1")
        await until(pilot, lambda: isinstance(app.screen, UnlockScreen))

        app.screen.query_one("#passphrase", Input).value = ""
        await unlock(pilot)
        await until(pilot, loaded(app))
        await pilot.press("?")
        await until(pilot, lambda: isinstance(app.screen, HelpScreen))
        assert "Search" in screen_text(app)


async def test_the_palette_offers_the_apps_own_commands(
    paths: CaseloadPaths, clock: FixedClock
) -> None:
    app = make_app(paths, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        before = {c.title for c in app.get_system_commands(app.screen)}
        assert {"Help", "Settings", "Quit"} <= before
        assert "Lock" not in before, "nothing to lock before unlocking"
        assert "Theme" not in before, "themes are chosen, and saved, in settings"

        await unlock(pilot)
        await until(pilot, loaded(app))
        after = {c.title for c in app.get_system_commands(app.screen)}
        assert {"Lock", "Help", "Settings", "Quit"} <= after

        await pilot.press("ctrl+p")
        await until(pilot, lambda: isinstance(app.screen, CommandPalette))
        await pilot.press(*"Lock")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await until(pilot, lambda: app.caseload is not None and app.caseload.is_locked)
        assert "Alex Morgan" not in screen_text(app)


async def test_settings_from_the_palette_are_saved_and_used(
    paths: CaseloadPaths, clock: FixedClock
) -> None:
    from screens.settings import SettingsScreen
    from screens.themes import HIGH_CONTRAST
    from storage.config import load_settings

    app = make_app(paths, clock, PASSPHRASE)
    async with app.run_test(size=(100, 40)) as pilot:
        await until(pilot, loaded(app))
        await pilot.press("ctrl+p")
        await until(pilot, lambda: isinstance(app.screen, CommandPalette))
        await pilot.press(*"Settings")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, SettingsScreen))
        app.screen.query_one("#field-idle-lock-minutes", Input).value = "2"
        app.screen.query_one("#field-theme").value = HIGH_CONTRAST  # type: ignore[attr-defined]
        await pilot.press("ctrl+s")
        await until(pilot, loaded(app))

        assert app.settings.idle_lock_minutes == 2
        assert app.theme == HIGH_CONTRAST
    saved, problem = load_settings()
    assert problem is None
    assert (saved.idle_lock_minutes, saved.theme) == (2, HIGH_CONTRAST)


async def test_saved_settings_apply_at_start_and_a_damaged_file_is_explained(
    paths: CaseloadPaths, clock: FixedClock, private_settings: Path
) -> None:
    from screens.themes import HIGH_CONTRAST

    private_settings.parent.mkdir(parents=True)
    private_settings.write_text(f'{{"theme": "{HIGH_CONTRAST}", "idle_lock_minutes": 7}}')
    app = make_app(paths, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert app.theme == HIGH_CONTRAST
        assert app.settings.idle_lock_minutes == 7
        assert not app._notifications

    private_settings.write_text("{ not json")
    app = make_app(paths, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert app.theme == "textual-dark"
        assert [n.message for n in app._notifications] == [
            "Your settings file could not be read, so the usual settings are in use. "
            "It has been left as it was."
        ]
    assert private_settings.read_text() == "{ not json"


async def test_settings_that_cannot_be_saved_still_apply_and_say_so(
    paths: CaseloadPaths,
    clock: FixedClock,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from screens.themes import HIGH_CONTRAST

    (tmp_path / "a-file").write_text("")
    monkeypatch.setenv("KEYWORKER_CONFIG_FILE", str(tmp_path / "a-file" / "settings.json"))
    app = make_app(paths, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        app.save_settings(Settings(theme=HIGH_CONTRAST, idle_lock_minutes=3))
        await pilot.pause()
        assert app.theme == HIGH_CONTRAST
        assert app.settings.idle_lock_minutes == 3
        [note] = [n for n in app._notifications if n.severity == "error"]
        assert note.message.startswith("Your settings could not be saved")


# Snapshots: fixed clock, data, folder (~/caseload) and size; the cursor does not blink.


def test_unlock_screen_snapshot(paths: CaseloadPaths, clock: FixedClock, snap_compare) -> None:
    app = make_app(paths, clock)

    async def still_cursor(pilot: Pilot) -> None:
        app.screen.query_one("#passphrase", Input).cursor_blink = False
        await pilot.pause()

    assert snap_compare(app, terminal_size=(80, 24), run_before=still_cursor)


def test_unlock_screen_snapshot_large(
    paths: CaseloadPaths, clock: FixedClock, snap_compare
) -> None:
    app = make_app(paths, clock)

    async def still_cursor(pilot: Pilot) -> None:
        app.screen.query_one("#passphrase", Input).cursor_blink = False
        await pilot.pause()

    assert snap_compare(app, terminal_size=(120, 40), run_before=still_cursor)
