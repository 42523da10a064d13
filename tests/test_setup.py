"""First run: the setup screen makes the caseload, and the `keyworker` command opens it."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Input

from keyworker.cli import main
from keyworker.clock import FixedClock
from keyworker.passphrase import TOO_COMMON, TOO_SHORT
from screens.app import TITLE, KeyworkerApp, make_app
from screens.setup import DIFFERENT, NO_NAME, NO_SERVICE, SetupScreen
from screens.unlock import UnlockScreen
from storage import Caseload, CaseloadPaths, KdfParams
from tests.conftest import PASSPHRASE, folder_bytes
from tests.test_app import label_text, screen_text, until

FAST = KdfParams.fast_for_tests()


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CaseloadPaths:
    """No caseload yet; HOME is the temporary folder, so it shows as ~/caseload."""
    monkeypatch.setenv("HOME", str(tmp_path))
    return CaseloadPaths(tmp_path / "caseload")


def message(app: KeyworkerApp, field: str) -> str:
    return label_text(app.screen, f"#{field}-message")


def problem(text: str) -> str:
    """A message about a problem, marked with a cross (not only by colour)."""
    return f"✗ {text}"


def opened(app: KeyworkerApp) -> bool:
    return app.caseload is not None and not isinstance(app.screen, SetupScreen)


async def fill(
    pilot: Pilot,
    worker: str = "Sam Keyworker",
    service: str = "Northgate Resettlement",
    passphrase: str = PASSPHRASE,
    again: str = PASSPHRASE,
) -> None:
    """Fill each field in turn and press Enter: it moves on, and in the last one creates.

    Only the first test types every key (slow in Pilot); the others set the text.
    """
    for text in (worker, service, passphrase, again):
        field = pilot.app.focused
        assert isinstance(field, Input)
        field.value = text
        await pilot.press("enter")


async def type_in(pilot: Pilot, *texts: str) -> None:
    for text in texts:
        await pilot.press(*text, "enter")


async def test_setup_creates_the_caseload_and_opens_it(
    home: CaseloadPaths, clock: FixedClock
) -> None:
    app = make_app(home, clock, kdf=FAST)
    async with app.run_test(size=(80, 24)) as pilot:
        assert isinstance(app.screen, SetupScreen)
        assert app.screen.query_one("#worker", Input).has_focus
        assert "~/caseload" in screen_text(app)
        await type_in(pilot, "Sam Keyworker", "Northgate Resettlement", PASSPHRASE, PASSPHRASE)
        await until(pilot, lambda: opened(app))

        assert app.title == TITLE
        assert app.sub_title == "Northgate Resettlement"
        assert app.caseload is not None and app.caseload.clients() == []
        assert "Sam Keyworker" in screen_text(app)

    with Caseload.open(home, PASSPHRASE, clock=clock) as caseload:
        assert (caseload.worker, caseload.service) == ("Sam Keyworker", "Northgate Resettlement")


async def test_names_are_saved_without_stray_spaces(home: CaseloadPaths, clock: FixedClock) -> None:
    app = make_app(home, clock, kdf=FAST)
    async with app.run_test(size=(80, 24)) as pilot:
        await fill(pilot, worker="  Sam Keyworker ", service=" Northgate ")
        await until(pilot, lambda: opened(app))
    with Caseload.open(home, PASSPHRASE, clock=clock) as caseload:
        assert (caseload.worker, caseload.service) == ("Sam Keyworker", "Northgate")


async def test_different_passphrases_are_refused_and_nothing_is_made(
    home: CaseloadPaths, clock: FixedClock
) -> None:
    app = make_app(home, clock, kdf=FAST)
    async with app.run_test(size=(80, 24)) as pilot:
        await fill(pilot, again=PASSPHRASE + "s")
        await pilot.pause()
        assert isinstance(app.screen, SetupScreen)
        assert message(app, "again") == problem(DIFFERENT)
        assert app.screen.query_one("#again", Input).has_focus
        assert app.screen.query_one("#passphrase", Input).value == PASSPHRASE

        await pilot.press("ctrl+s")
        await pilot.pause(0.2)
        assert isinstance(app.screen, SetupScreen)
        assert app.caseload is None
    assert not home.home.exists()


@pytest.mark.parametrize(
    ("weak", "hint"),
    [("password123", TOO_COMMON), ("short one", TOO_SHORT)],
)
async def test_weak_passphrases_are_refused_and_nothing_is_made(
    home: CaseloadPaths, clock: FixedClock, weak: str, hint: str
) -> None:
    app = make_app(home, clock, kdf=FAST)
    async with app.run_test(size=(80, 24)) as pilot:
        await fill(pilot, passphrase=weak, again=weak)
        await pilot.pause(0.2)
        assert isinstance(app.screen, SetupScreen)
        assert message(app, "passphrase") == problem(hint)
        assert app.screen.query_one("#passphrase", Input).has_focus
        assert app.caseload is None
    assert not home.home.exists()


async def test_name_and_service_are_needed(home: CaseloadPaths, clock: FixedClock) -> None:
    app = make_app(home, clock, kdf=FAST)
    async with app.run_test(size=(80, 24)) as pilot:
        await fill(pilot, worker="  ", service="")
        await pilot.pause(0.2)
        assert message(app, "worker") == problem(NO_NAME)
        assert message(app, "service") == problem(NO_SERVICE)
        assert app.screen.query_one("#worker", Input).has_focus
        assert app.caseload is None

        await pilot.press(*"Sam")
        assert message(app, "worker") == ""
    assert not home.home.exists()


async def test_the_strength_hint_follows_the_typing(home: CaseloadPaths, clock: FixedClock) -> None:
    app = make_app(home, clock, kdf=FAST)
    async with app.run_test(size=(80, 24)) as pilot:
        app.screen.query_one("#passphrase", Input).focus()
        seen = []
        for word in ("purple", " kettle", " marching", " lantern"):
            await pilot.press(*word)
            seen.append(message(app, "passphrase").split(":")[0].rstrip("."))
        assert seen == ["✗ Too short", "Fair", "Good", "Strong"]
        assert PASSPHRASE not in screen_text(app)
        assert "purple" not in screen_text(app)


async def test_a_folder_that_cannot_be_made_is_explained(tmp_path: Path, clock: FixedClock) -> None:
    (tmp_path / "a-file").write_text("not a folder")
    paths = CaseloadPaths(tmp_path / "a-file" / "caseload")
    app = make_app(paths, clock, kdf=FAST)
    async with app.run_test(size=(100, 30)) as pilot:
        await fill(pilot)
        await until(pilot, lambda: "Cannot" in label_text(app.screen, "#status"))
        assert label_text(app.screen, "#status").startswith(
            problem(f"Cannot create the caseload folder {paths.home}")
        )
        assert isinstance(app.screen, SetupScreen)
        fields = list(app.screen.query(Input))
        assert not any(field.disabled for field in fields)
        assert app.screen.query_one("#again", Input).value == PASSPHRASE
    assert (tmp_path / "a-file").read_text() == "not a folder"


async def test_a_caseload_made_meanwhile_is_left_alone(
    home: CaseloadPaths, clock: FixedClock
) -> None:
    app = make_app(home, clock, kdf=FAST)
    async with app.run_test(size=(80, 24)) as pilot:
        Caseload.create(home, "another passphrase entirely", "Ann", "Other", kdf=FAST).close()
        before = folder_bytes(home.home)
        await fill(pilot)
        await until(pilot, lambda: "appeared" in label_text(app.screen, "#status"))
        assert app.caseload is None
        assert isinstance(app.screen, SetupScreen)
    assert folder_bytes(home.home) == before


# The `keyworker` command -------------------------------------------------------------


@pytest.fixture
def started(monkeypatch: pytest.MonkeyPatch) -> list[KeyworkerApp]:
    """Apps the command would have run, with the screen each would start on."""
    apps: list[KeyworkerApp] = []
    monkeypatch.setattr(KeyworkerApp, "run", lambda app, *a, **k: apps.append(app))
    return apps


def test_the_command_with_no_caseload_starts_setup(
    home: CaseloadPaths, started: list[KeyworkerApp], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--home", str(home.home)]) == 0
    assert [app.paths for app in started] == [home]
    assert capsys.readouterr().err == ""


async def test_the_command_opens_setup_and_unlock_screens(
    home: CaseloadPaths, started: list[KeyworkerApp], clock: FixedClock
) -> None:
    main(["--home", str(home.home)], clock=clock)
    async with started[0].run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(started[0].screen, SetupScreen)

    Caseload.create(home, PASSPHRASE, "Sam", "Northgate", kdf=FAST).close()
    main(["--home", str(home.home)], clock=clock)
    async with started[1].run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(started[1].screen, UnlockScreen)


def test_the_command_refuses_a_caseload_missing_its_database(
    home: CaseloadPaths, started: list[KeyworkerApp], capsys: pytest.CaptureFixture[str]
) -> None:
    Caseload.create(home, PASSPHRASE, "Sam", "Northgate", kdf=FAST).close()
    home.database.unlink()
    assert main(["--home", str(home.home)]) == 1
    assert "is missing" in capsys.readouterr().err
    assert started == []


# Snapshots: no caseload yet at ~/caseload; the cursor does not blink.


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
def test_setup_screen_snapshot(
    home: CaseloadPaths, clock: FixedClock, snap_compare, size: tuple[int, int]
) -> None:
    app = make_app(home, clock, kdf=FAST)

    async def still_cursor(pilot: Pilot) -> None:
        for field in app.screen.query(Input):
            field.cursor_blink = False
        await pilot.pause()

    assert snap_compare(app, terminal_size=size, run_before=still_cursor)


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
def test_setup_screen_with_problems_snapshot(
    home: CaseloadPaths, clock: FixedClock, snap_compare, size: tuple[int, int]
) -> None:
    """Every message showing at once: the fullest the screen gets."""
    app = make_app(home, clock, kdf=FAST)

    async def problems(pilot: Pilot) -> None:
        await pilot.pause()
        for field in app.screen.query(Input):
            field.cursor_blink = False
        await fill(pilot, worker="Sam Keyworker", service="", passphrase="short", again="shirt")
        await pilot.pause()

    assert snap_compare(app, terminal_size=size, run_before=problems)
