"""The agency directory screen, the agency form and the CSV import, driven as a keyworker would.

The screen runs in a small host app on an open caseload; tests check what the screen
shows and what the caseload holds afterwards.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from textual.app import App
from textual.pilot import Pilot
from textual.widgets import Input, Select

from keyworker.clock import FixedClock
from keyworker.plans import Agency
from screens.agencies import AgencyDirectoryScreen, AgencyTable
from screens.agency_form import AgencyForm
from screens.agency_import import AgencyImportScreen, typed_path
from screens.confirm import ConfirmScreen
from storage import Caseload

ROWS_WITH_PROBLEMS = (
    "Name,Category,Telephone,Email,Opening hours\n"
    "Samaritans,Emotional wellbeing,116 123,jo@samaritans.org,Always\n"
    ",accommodation,,,\n"
    "shelter housing advice,Accommodation,0300 330 1234,,\n"
    "Turning Point,drugs,,,\n"
    "Nacro,social_inclusion,0300 123 1889,not an email,\n"
)


class Host(App[None]):
    """The smallest app the directory needs."""

    TITLE = "Keyworker Assistant"

    def __init__(self, caseload: Caseload, clock: FixedClock) -> None:
        super().__init__()
        self.caseload = caseload
        self.clock = clock

    def on_mount(self) -> None:
        self.push_screen(AgencyDirectoryScreen(self.caseload, self.clock))


@pytest.fixture
def directory(caseload: Caseload) -> Caseload:
    for agency in (
        Agency(
            name="Shelter Housing Advice",
            category="accommodation",
            contact_name="Jo Banks",
            phone="0808 800 4444",
            email="help@shelter.org.uk",
            address="1 High Street\nLeeds LS1 1AA",
            notes="Drop-in on Tuesdays; they need ID.",
        ),
        Agency(name="Women's Centre", category="womens_services", phone="0113 245 0000"),
        Agency(
            name="StepChange Debt Charity",
            category="finance_benefits_debt",
            phone="0800 138 1111",
            website="stepchange.org",
        ),
        Agency(name="Mind in Leeds", category="emotional_wellbeing", phone="0113 305 5800"),
        Agency(name="Northgate Hostel", category="accommodation", archived=True),
    ):
        caseload.add_agency(agency)
    return caseload


# Helpers --------------------------------------------------------------------------------


async def until(pilot: Pilot, condition: Callable[[], bool], timeout: float = 10) -> None:
    """Let workers finish and messages land until `condition` holds."""
    for _ in range(int(timeout / 0.05)):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        if condition():
            return
        await pilot.pause(0.05)
    raise AssertionError("the app did not reach the expected state in time")


def directory_screen(app: App[Any]) -> AgencyDirectoryScreen:
    screen = app.screen
    assert isinstance(screen, AgencyDirectoryScreen), screen
    return screen


def loaded(app: App[Any]) -> Callable[[], bool]:
    return lambda: isinstance(app.screen, AgencyDirectoryScreen) and app.screen.agencies is not None


async def opened(pilot: Pilot) -> AgencyDirectoryScreen:
    await until(pilot, loaded(pilot.app))
    return directory_screen(pilot.app)


def listed(screen: AgencyDirectoryScreen) -> list[list[str]]:
    table = screen.query_one(AgencyTable)
    return [table.row_text(i) for i in range(table.row_count)]


def names_listed(screen: AgencyDirectoryScreen) -> list[str]:
    return [row[0] for row in listed(screen)]


def screen_text(app: App[Any]) -> str:
    svg = app.export_screenshot()
    return html.unescape(re.sub(r"<[^>]+>", "", svg)).replace("\xa0", " ")


def on_screen(app: App[Any], kind: type) -> Callable[[], bool]:
    return lambda: isinstance(app.screen, kind)


def notes(app: App[Any]) -> list[str]:
    return [n.message for n in app._notifications]


async def put_cursor_on(pilot: Pilot, name: str) -> None:
    screen = directory_screen(pilot.app)
    table = screen.query_one(AgencyTable)
    table.move_cursor(names_listed(screen).index(name))
    table.focus()
    await pilot.pause()


async def read_file(pilot: Pilot, path: Path) -> AgencyImportScreen:
    await opened(pilot)  # "i" pressed before the directory has loaded would be lost
    await pilot.press("i")
    await until(pilot, on_screen(pilot.app, AgencyImportScreen))
    await pilot.press(*str(path), "enter")
    screen = pilot.app.screen
    assert isinstance(screen, AgencyImportScreen)
    await until(pilot, lambda: screen.found is not None or screen.summary.startswith("✗"))
    return screen


# The list -------------------------------------------------------------------------------


async def test_the_directory_lists_offered_agencies_by_name_with_details(
    directory: Caseload, clock: FixedClock
) -> None:
    app = Host(directory, clock)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await opened(pilot)
        assert listed(screen) == [
            ["Mind in Leeds", "Emotional wellbeing", "0113 305 5800", "Offered"],
            ["Shelter Housing Advice", "Accommodation", "0808 800 4444", "Offered"],
            ["StepChange Debt Charity", "Finance, benefits and debt", "0800 138 1111", "Offered"],
            ["Women's Centre", "Women's services", "0113 245 0000", "Offered"],
        ]
        text = screen_text(app)
        assert "4 agencies, 1 archived not shown" in text
        await put_cursor_on(pilot, "Shelter Housing Advice")
        text = screen_text(app)
        assert "Contact: Jo Banks · Phone: 0808 800 4444 · Email: help@shelter.org.uk" in text
        assert "Address: 1 High Street, Leeds LS1 1AA" in text
        assert "Notes: Drop-in on Tuesdays; they need ID." in text


async def test_v_shows_archived_agencies_in_words_and_hides_them_again(
    directory: Caseload, clock: FixedClock
) -> None:
    app = Host(directory, clock)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await opened(pilot)
        await pilot.press("v")
        assert ["Northgate Hostel", "Accommodation", "", "Archived"] in listed(screen)
        assert "5 agencies, archived shown" in screen_text(app)
        assert "Hide archived" in screen_text(app)
        await pilot.press("v")
        assert "Northgate Hostel" not in names_listed(screen)


async def test_typing_in_the_filter_narrows_the_list_and_escape_clears_it_then_leaves(
    directory: Caseload, clock: FixedClock
) -> None:
    app = Host(directory, clock)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await opened(pilot)
        await pilot.press("slash", *"accom")
        assert names_listed(screen) == ["Shelter Housing Advice"]
        assert "1 of 4 agencies" in screen_text(app)
        await pilot.press("enter")
        assert screen.query_one(AgencyTable).has_focus
        await pilot.press("escape")
        assert screen.query_one("#agency-filter", Input).value == ""
        assert len(names_listed(screen)) == 4
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, AgencyDirectoryScreen)


async def test_an_empty_directory_says_how_to_fill_it(
    caseload: Caseload, clock: FixedClock
) -> None:
    app = Host(caseload, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await opened(pilot)
        assert "No agencies yet. Press a to add one, or i to import a CSV file." in screen_text(app)


# Adding, editing, archiving ------------------------------------------------------------------


async def test_adding_an_agency_through_the_form(directory: Caseload, clock: FixedClock) -> None:
    app = Host(directory, clock)
    async with app.run_test(size=(100, 40)) as pilot:
        screen = await opened(pilot)
        await pilot.press("a")
        await until(pilot, on_screen(app, AgencyForm))
        await pilot.press(*"Nacro")
        app.screen.query_one("#field-category", Select).value = "social_inclusion"
        app.screen.query_one("#field-phone", Input).value = "0300 123 1889"
        app.screen.query_one("#field-email", Input).value = "help@nacro.org.uk"
        await pilot.press("ctrl+s")
        await until(pilot, lambda: "Nacro" in names_listed(screen))
        assert ["Nacro", "Social inclusion", "0300 123 1889", "Offered"] in listed(screen)
        assert screen.current is not None and screen.current.name == "Nacro"
        assert "Nacro added." in notes(app)
    (nacro,) = [a for a in directory.agencies() if a.name == "Nacro"]
    assert (nacro.category, nacro.phone, nacro.email) == (
        "social_inclusion",
        "0300 123 1889",
        "help@nacro.org.uk",
    )


async def test_the_form_refuses_a_name_already_in_the_directory_beside_the_field(
    directory: Caseload, clock: FixedClock
) -> None:
    app = Host(directory, clock)
    async with app.run_test(size=(100, 40)) as pilot:
        await opened(pilot)
        await pilot.press("a")
        await until(pilot, on_screen(app, AgencyForm))
        form = app.screen
        assert isinstance(form, AgencyForm)
        await pilot.press(*"NORTHGATE hostel")
        form.query_one("#field-category", Select).value = "accommodation"
        form.query_one("#field-email", Input).value = "nope"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is form
        assert form.problem_for("name") == (
            "✗ There is already an agency with this name in the directory."
        )
        assert form.problem_for("email") == (
            '✗ "nope" is not an email address; write it like name@example.org.'
        )
        assert form.form_message == "✗ Put right the 2 marked fields."
    assert len(directory.agencies(archived=True)) == 5


async def test_enter_edits_the_agency_with_the_cursor(
    directory: Caseload, clock: FixedClock
) -> None:
    app = Host(directory, clock)
    async with app.run_test(size=(100, 40)) as pilot:
        screen = await opened(pilot)
        await put_cursor_on(pilot, "Women's Centre")
        await pilot.press("enter")
        await until(pilot, on_screen(app, AgencyForm))
        assert app.screen.query_one("#field-name", Input).value == "Women's Centre"
        assert app.screen.query_one("#field-category", Select).value == "womens_services"
        app.screen.query_one("#field-phone", Input).value = "0113 245 9999"
        app.screen.query_one("#field-contact-name", Input).value = "Amira Khan"
        await pilot.press("ctrl+s")
        await until(pilot, lambda: "Women's Centre saved." in notes(app))
        assert ["Women's Centre", "Women's services", "0113 245 9999", "Offered"] in listed(screen)
        assert "Contact: Amira Khan" in screen_text(app)
    (centre,) = [a for a in directory.agencies() if a.name == "Women's Centre"]
    assert (centre.phone, centre.contact_name) == ("0113 245 9999", "Amira Khan")


async def test_x_archives_after_asking_and_restores_the_same_way(
    directory: Caseload, clock: FixedClock
) -> None:
    app = Host(directory, clock)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await opened(pilot)
        await put_cursor_on(pilot, "Mind in Leeds")
        await pilot.press("x")
        await until(pilot, on_screen(app, ConfirmScreen))
        await pilot.press("n")
        await pilot.pause()
        assert not next(a for a in directory.agencies() if a.name == "Mind in Leeds").archived
        await pilot.press("x")
        await until(pilot, on_screen(app, ConfirmScreen))
        assert "Archive Mind in Leeds?" in screen_text(app)
        await pilot.press("y")
        await until(pilot, lambda: "Mind in Leeds" not in names_listed(screen))
        assert "Mind in Leeds archived. Press v to show archived agencies." in notes(app)
        assert "Mind in Leeds" not in [a.name for a in directory.agencies()]
        await pilot.press("v")
        await put_cursor_on(pilot, "Mind in Leeds")
        assert "Restore" in screen_text(app)
        await pilot.press("x")
        await until(pilot, on_screen(app, ConfirmScreen))
        await pilot.press("y")
        await until(pilot, lambda: "Mind in Leeds restored." in notes(app))
        assert ["Mind in Leeds", "Emotional wellbeing", "0113 305 5800", "Offered"] in listed(
            screen
        )
    assert "Mind in Leeds" in [a.name for a in directory.agencies()]


async def test_every_key_has_a_description_and_the_main_ones_show_in_the_footer(
    directory: Caseload, clock: FixedClock
) -> None:
    app = Host(directory, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await opened(pilot)
        for binding in [*screen.BINDINGS, *AgencyTable.BINDINGS]:
            assert binding.description and binding.id  # type: ignore[union-attr]
        footer = [line for line in screen_text(app).splitlines() if line.strip()][-1]
        for words in ("Edit", "Add", "Archive", "Import CSV", "Show archived", "Filter", "Back"):
            assert words in footer


# Importing -------------------------------------------------------------------------------


async def test_importing_reports_bad_rows_then_imports_the_readable_ones(
    directory: Caseload, clock: FixedClock, tmp_path: Path
) -> None:
    (tmp_path / "agencies.csv").write_text(ROWS_WITH_PROBLEMS)
    app = Host(directory, clock)
    async with app.run_test(size=(100, 40)) as pilot:
        screen = await opened(pilot)
        importer = await read_file(pilot, tmp_path / "agencies.csv")
        assert importer.summary.splitlines()[:4] == [
            "2 agencies ready (1 new, 1 to update). 3 rows could not be read:",
            "Row 3: no name.",
            'Row 5: the category "drugs" is not one we know (use one of: Accommodation; '
            "Education, training and employment; Finance, benefits and debt; Dependency and "
            "recovery; Family and significant others; Emotional wellbeing; Lifestyle and "
            "associates; Social inclusion; Women's services).",
            "Row 6: the email address is not a valid one (write it like name@example.org).",
        ]
        assert "Columns not used: Opening hours." in importer.summary
        assert "Import the 2 that could be read" in screen_text(app)
        await pilot.press("ctrl+s")
        await until(pilot, lambda: "Added 1 agency and updated 1." in notes(app))
        assert "Samaritans" in names_listed(screen)
        assert "shelter housing advice" in names_listed(screen)
    by_name = {a.name: a for a in directory.agencies(archived=True)}
    assert set(by_name) == {
        "Samaritans",
        "shelter housing advice",
        "Women's Centre",
        "StepChange Debt Charity",
        "Mind in Leeds",
        "Northgate Hostel",
    }
    assert by_name["Samaritans"].phone == "116 123"
    assert by_name["shelter housing advice"].phone == "0300 330 1234"


async def test_cancelling_an_import_leaves_the_directory_as_it_was(
    directory: Caseload, clock: FixedClock, tmp_path: Path
) -> None:
    before = directory.agencies(archived=True)
    (tmp_path / "agencies.csv").write_text(ROWS_WITH_PROBLEMS)
    app = Host(directory, clock)
    async with app.run_test(size=(100, 40)) as pilot:
        screen = await opened(pilot)
        await read_file(pilot, tmp_path / "agencies.csv")
        await pilot.press("escape")
        await until(pilot, loaded(app))
        assert "Samaritans" not in names_listed(screen)
        assert not notes(app)
    assert directory.agencies(archived=True) == before


async def test_a_file_with_nothing_readable_offers_only_cancel(
    directory: Caseload, clock: FixedClock, tmp_path: Path
) -> None:
    before = directory.agencies(archived=True)
    (tmp_path / "bad.csv").write_text("Name,Category\n,accommodation\nNacro,\n")
    app = Host(directory, clock)
    async with app.run_test(size=(100, 40)) as pilot:
        importer = await read_file(pilot, tmp_path / "bad.csv")
        assert importer.summary.startswith("None of the 2 rows could be read:")
        assert not importer.query_one("#import-go").display
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is importer
    assert directory.agencies(archived=True) == before


async def test_a_file_that_cannot_be_read_is_one_line_and_a_new_path_clears_it(
    directory: Caseload, clock: FixedClock, tmp_path: Path
) -> None:
    (tmp_path / "photo.csv").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    app = Host(directory, clock)
    async with app.run_test(size=(100, 40)) as pilot:
        importer = await read_file(pilot, tmp_path / "photo.csv")
        assert importer.summary == "✗ photo.csv is not a CSV file: it does not hold text."
        assert not importer.query_one("#import-go").display
        await pilot.press("backspace")
        assert importer.summary.startswith("Type the file's path and press Enter")


def test_a_typed_path_loses_quotes_and_expands_home(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    (tmp_path / "my list.csv").write_text("Name,Category\n")
    assert typed_path("  '~/my list.csv' ") == tmp_path / "my list.csv"
    assert typed_path('"~/my list.csv"') == tmp_path / "my list.csv"
    assert typed_path("~/my\\ list.csv") == tmp_path / "my list.csv"
    assert typed_path("   ") is None


# Snapshots --------------------------------------------------------------------------------


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
def test_directory_snapshot(
    directory: Caseload, clock: FixedClock, snap_compare: Any, size: tuple[int, int]
) -> None:
    app = Host(directory, clock)

    async def settle(pilot: Pilot) -> None:
        await opened(pilot)
        for box in app.screen.query(Input):
            box.cursor_blink = False
        await put_cursor_on(pilot, "Shelter Housing Advice")

    assert snap_compare(app, terminal_size=size, run_before=settle)


def test_import_report_snapshot(
    directory: Caseload,
    clock: FixedClock,
    snap_compare: Any,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))  # so the path typed is the same every run
    (tmp_path / "agencies.csv").write_text(ROWS_WITH_PROBLEMS)
    app = Host(directory, clock)

    async def report(pilot: Pilot) -> None:
        await opened(pilot)
        await pilot.press("i")
        await until(pilot, on_screen(app, AgencyImportScreen))
        importer = app.screen
        assert isinstance(importer, AgencyImportScreen)
        box = importer.query_one(Input)
        box.cursor_blink = False
        box.value = "~/agencies.csv"
        await pilot.press("enter")
        await until(pilot, lambda: importer.found is not None)

    assert snap_compare(app, terminal_size=(80, 24), run_before=report)
