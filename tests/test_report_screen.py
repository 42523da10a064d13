"""The referrals and plans report screen, driven through Pilot on the hand-counted caseload.

The caseload is `report_caseload` from test_plan_report, where each figure is counted
by hand; the fixed clock's today is 22/11/2026, so the screen opens on 01/11 to 22/11.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console
from textual.app import App
from textual.pilot import Pilot
from textual.widgets import Input, Static

from keyworker.clock import FixedClock
from keyworker.errors import KeyworkerError
from keyworker.settings import Settings
from screens import report as report_screen
from screens.help import KeyHelp, key_groups
from screens.report import LOAD_FAILED, ReportFileForm, ReportScreen, ReportTableView
from storage import Caseload
from tests.test_client_screen import until
from tests.test_distance_screens import screen_text
from tests.test_plan_report import report_caseload


class Host(App[None]):
    """The smallest app the screen needs, with a first screen to go back to."""

    TITLE = "Keyworker Assistant"

    def __init__(self, caseload: Caseload, clock: FixedClock) -> None:
        super().__init__()
        self.caseload = caseload
        self.clock = clock
        self.settings = Settings()

    def on_mount(self) -> None:
        self.push_screen(ReportScreen(self.caseload, self.clock))


def shown_range(app: App[Any], start: str, end: str) -> bool:
    screen = app.screen
    return (
        isinstance(screen, ReportScreen)
        and screen.report is not None
        and (screen.report.start.strftime("%d/%m/%Y"), screen.report.end.strftime("%d/%m/%Y"))
        == (start, end)
        and "Counting" not in text_of(screen, "#about")
    )


def text_of(screen: Any, selector: str) -> str:
    return str(screen.query_one(selector, Static).render())


def table_lines(screen: ReportScreen, key: str) -> list[str]:
    """A table as drawn at the width it has on screen, spaces squeezed, blank lines out."""
    view = screen.query_one(f"#table-{key}", ReportTableView)
    console = Console(file=io.StringIO(), width=view.size.width, color_system=None)
    console.print(view.content)
    lines = console.file.getvalue().splitlines()  # type: ignore[attr-defined]
    return [" ".join(line.split()) for line in lines if line.strip()]


def figures(screen: ReportScreen, key: str) -> dict[str, str]:
    """Each row's label and its figures, from the table as drawn (one-line labels only)."""
    found = {}
    for line in table_lines(screen, key):
        words = line.split()
        count = len([w for w in words if w.isdigit()])
        if count and all(w.isdigit() for w in words[-count:]) and count < len(words):
            found[" ".join(words[:-count])] = " ".join(words[-count:])
    return found


@pytest.fixture
def counted_caseload(caseload: Caseload) -> Caseload:
    report_caseload(caseload)
    return caseload


async def opened(pilot: Pilot) -> ReportScreen:
    await until(pilot, lambda: shown_range(pilot.app, "01/11/2026", "22/11/2026"))
    screen = pilot.app.screen
    assert isinstance(screen, ReportScreen)
    return screen


async def type_date(pilot: Pilot, selector: str, text: str) -> None:
    field = pilot.app.screen.query_one(f"{selector} Input", Input)
    field.focus()
    field.value = ""
    await pilot.press(*text)
    await pilot.press("enter")


async def test_it_opens_on_the_month_so_far_with_the_hand_counted_figures(
    counted_caseload: Caseload, clock: FixedClock
) -> None:
    app = Host(counted_caseload, clock)
    async with app.run_test(size=(120, 60)) as pilot:
        screen = await opened(pilot)
        assert text_of(screen, "#title") == (
            "Referrals and plans report. Counts only: no names, case references or notes."
        )
        assert text_of(screen, "#about") == (
            "22 days, both included. Type dates and press Enter, or pick a range below."
        )
        referrals = figures(screen, "referrals")
        assert referrals["Accommodation"] == "2 0 0 0 0 1 3"
        assert referrals["Dependency and recovery"] == "0 0 0 1 0 0 1"
        assert referrals["Social inclusion"] == "0 0 0 0 0 0 0"
        assert referrals["Total"] == "2 0 1 1 1 1 6"
        assert "3 different people referred." in table_lines(screen, "referrals")
        assert figures(screen, "signposts")["Finance, benefits, debt and ID"] == "2"
        assert figures(screen, "signposts")["Total"] == "3"
        assert figures(screen, "goals")["Accommodation"] == "2"
        assert figures(screen, "goals")["Total"] == "4"
        assert figures(screen, "agreements") == {
            "Agreed": "4 3",
            "Did not agree": "1 1",
            "Could not answer": "1 1",
            "Total": "6 3",
        }
        assert "Daniel" not in screen_text(app)


async def test_changing_the_range_changes_the_figures(
    counted_caseload: Caseload, clock: FixedClock
) -> None:
    app = Host(counted_caseload, clock)
    async with app.run_test(size=(120, 60)) as pilot:
        screen = await opened(pilot)
        await type_date(pilot, "#to", "10/11")
        await until(pilot, lambda: shown_range(app, "01/11/2026", "10/11/2026"))
        # Made 01/11 to 10/11: Dan housing (made), Dan recovery (started), Priya's
        # women's centre (declined), Lee jobs (completed).
        assert figures(screen, "referrals")["Total"] == "1 0 1 1 1 0 4"
        assert figures(screen, "signposts")["Total"] == "2"
        assert figures(screen, "goals")["Total"] == "2"  # Priya 01/11, Lee 10/11
        # Lee agreed 01/11, Priya could not answer 02/11, Dan agreed 03/11.
        assert figures(screen, "agreements")["Total"] == "3 3"

        screen.query_one("#report").focus()
        await pilot.press("l")  # last month: October
        await until(pilot, lambda: shown_range(app, "01/10/2026", "31/10/2026"))
        assert screen.query_one("#from Input", Input).value == "01/10/2026"
        assert screen.query_one("#to Input", Input).value == "31/10/2026"
        assert figures(screen, "referrals")["Education, training and employment"] == (
            "0 0 0 0 1 0 1"  # Lee's, made 31/10 and completed since
        )
        assert figures(screen, "signposts")["Health (physical and mental health)"] == "1"
        assert figures(screen, "goals")["Drugs and alcohol"] == "1"
        assert figures(screen, "agreements")["Agreed"] == "1 1"

        await pilot.press("m")
        await until(pilot, lambda: shown_range(app, "01/11/2026", "22/11/2026"))
        assert figures(screen, "referrals")["Total"] == "2 0 1 1 1 1 6"


async def test_a_range_that_cannot_be_is_explained_and_the_report_kept(
    counted_caseload: Caseload, clock: FixedClock
) -> None:
    app = Host(counted_caseload, clock)
    async with app.run_test(size=(100, 40)) as pilot:
        screen = await opened(pilot)
        await type_date(pilot, "#from", "23/11")
        await pilot.pause()
        assert text_of(screen, "#problem") == (
            "✗ The report cannot end (22/11/2026) before it starts (23/11/2026). "
            "Choose an end date on or after the start date."
        )
        assert shown_range(app, "01/11/2026", "22/11/2026")

        await type_date(pilot, "#from", "31/11")
        await pilot.pause()
        assert text_of(screen, "#problem").startswith('✗ From: "31/11" is not a real date.')

        await type_date(pilot, "#from", "2/11")
        await until(pilot, lambda: shown_range(app, "02/11/2026", "22/11/2026"))
        assert not screen.query_one("#problem").display
        assert figures(screen, "referrals")["Total"] == "1 0 1 1 1 1 5"


async def test_w_writes_the_report_shown_as_csv_and_never_over_a_file(
    counted_caseload: Caseload,
    clock: FixedClock,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    folder = tmp_path / "documents"
    folder.mkdir()
    monkeypatch.setattr(report_screen, "default_export_folder", lambda: folder)
    target = folder / "referrals-report-2026-11-01-to-2026-11-22.csv"
    app = Host(counted_caseload, clock)
    async with app.run_test(size=(100, 40)) as pilot:
        await opened(pilot)
        await pilot.press("w")
        await until(pilot, lambda: isinstance(app.screen, ReportFileForm))
        assert app.screen.query_one("#field-path", Input).value == str(target)
        await pilot.press("ctrl+s")
        await until(pilot, target.is_file)
        rows = list(csv.DictReader(io.StringIO(target.read_text(encoding="utf-8"))))
        assert {(r["from"], r["to"]) for r in rows} == {("01/11/2026", "22/11/2026")}
        total = [
            r
            for r in rows
            if (r["section"], r["group"], r["measure"])
            == (
                "Referrals made",
                "Total",
                "Total",
            )
        ]
        assert [r["count"] for r in total] == ["6"]
        await until(pilot, lambda: bool(app._notifications))
        assert any(
            n.title == "File written" and str(target) in n.message for n in app._notifications
        )

        app.clear_notifications()
        target.write_text("kept", encoding="utf-8")
        await pilot.press("w")
        await until(pilot, lambda: isinstance(app.screen, ReportFileForm))
        await pilot.press("ctrl+s")
        await until(pilot, lambda: bool(app._notifications))
        (problem,) = app._notifications
        assert problem.title == "Not written"
        assert problem.message.startswith(f"There is already a file {target}.")
        assert target.read_text(encoding="utf-8") == "kept"


async def test_figures_that_cannot_be_counted_are_explained_plainly(
    caseload: Caseload, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    problem = "A saved action plan is damaged and cannot be read."

    def damaged() -> list[Any]:
        raise KeyworkerError(problem)

    monkeypatch.setattr(caseload, "all_plans", damaged)
    app = Host(caseload, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: bool(app._notifications))
        assert text_of(app.screen, "#about") == f"{LOAD_FAILED} {problem}"
        assert "Traceback" not in screen_text(app)
        await pilot.press("w")  # nothing to write
        await pilot.pause()
        assert isinstance(app.screen, ReportScreen)


async def test_every_key_is_described_in_the_footer_and_help_and_escape_goes_back(
    counted_caseload: Caseload, clock: FixedClock
) -> None:
    for binding in ReportScreen.BINDINGS:
        assert binding.description and binding.id  # type: ignore[union-attr]
    app = Host(counted_caseload, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await opened(pilot)
        footer = [line for line in screen_text(app).splitlines() if line.strip()][-1]
        for words in ("This month", "Last month", "Quarter", "Year", "Write CSV", "Back"):
            assert words in footer
        keys = [key for group in key_groups(screen) for key in group.keys]
        assert KeyHelp("w", "Write CSV") in keys
        assert KeyHelp("q", "Quarter") in keys
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, ReportScreen)


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
def test_report_snapshot(
    counted_caseload: Caseload, clock: FixedClock, snap_compare: Any, size: tuple[int, int]
) -> None:
    app = Host(counted_caseload, clock)

    async def settle(pilot: Pilot) -> None:
        await opened(pilot)
        await pilot.pause()

    assert snap_compare(app, terminal_size=size, run_before=settle)
