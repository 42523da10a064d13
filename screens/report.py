"""The referrals and plans report: counts over a date range, shown and written as CSV.

The range is typed in the two date fields (Enter, or leaving the field, shows it) or
picked with a key: this month, last month, this quarter, this financial year. The
figures are counted in a worker, so a large caseload never holds the screen up; what
each figure counts is in `keyworker.plan_report`. `w` writes the report shown to a CSV
file; it holds counts only, so nothing personal leaves the caseload.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, ClassVar

from rich.console import Group
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Header, Input, Label, Static
from textual.worker import WorkerState, get_current_worker

from keyworker.clock import Clock
from keyworker.dates import uk_date
from keyworker.errors import CaseloadLocked, InvalidInput, KeyworkerError
from keyworker.plan_report import (
    NOTHING_PERSONAL,
    RANGES,
    ReferralReport,
    ReportTable,
    build_report,
    check_range,
    days_words,
    month_so_far,
    range_words,
    report_csv,
    report_file_name,
    report_tables,
    rich_table,
)
from screens.date_input import DateInput
from screens.footer import KeyFooter
from screens.form import FormScreen, Item, TextField, TickField
from storage import Caseload
from storage.exports import default_export_folder, write_export

TITLE = "Referrals and plans report"
LOAD_FAILED = "The report could not be counted."
COUNTING = "referrals-report"
_UNDER_WAY = (WorkerState.PENDING, WorkerState.RUNNING)
HOW_TO_CHANGE = "Type dates and press Enter, or pick a range below."


@dataclass(frozen=True)
class ReportFile:
    """Where to write the report, and whether a file already there may be replaced."""

    path: Path
    replace: bool = False


class ReportFileForm(FormScreen[ReportFile]):
    """Where to write the report's CSV; says that it holds counts only."""

    SAVE_LABEL = "Write file"

    def __init__(self, suggested: Path, range_said: str) -> None:
        self.suggested = suggested
        super().__init__(
            "Write the report to a CSV file",
            f"The report for {range_said}. {NOTHING_PERSONAL}",
        )

    def items(self) -> list[Item]:
        return [
            TextField(
                name="path",
                label="File",
                value=str(self.suggested),
                required=True,
                hint="Any spreadsheet opens a CSV file. Give a folder to use the name above.",
            ),
            TickField(name="replace", label="Replace it if it is there", value=False),
        ]

    def build(self, values: dict[str, Any]) -> ReportFile:
        typed = str(values["path"] or "").strip()
        return ReportFile(Path(typed).expanduser(), bool(values["replace"]))


class ReportTableView(Static):
    """One table of the report: its title, the table (fitted to the width), and a note."""

    DEFAULT_CSS = """
    ReportTableView {
        height: auto;
        margin-bottom: 1;
    }
    """


class ReportScreen(Screen[None]):
    """The referrals and plans report over a date range; Escape goes back."""

    HELP_TITLE = TITLE
    AUTO_FOCUS = "#report"

    DEFAULT_CSS = """
    ReportScreen {
        #title {
            padding: 0 1;
            text-style: bold;
        }
        #dates {
            height: auto;
            padding: 0 1;
        }
        #dates > Label {
            width: auto;
            padding-right: 1;
        }
        #dates > DateInput {
            width: 1fr;
        }
        #dates DateInput > Input {
            width: 14;
        }
        #about {
            padding: 0 1;
            color: $text-muted;
        }
        #problem {
            padding: 0 1;
            color: $text-warning;
            display: none;
        }
        #problem.-shown {
            display: block;
        }
        #report {
            height: 1fr;
            padding: 0 1;
            scrollbar-size-vertical: 1;
        }
        .table-title {
            text-style: bold;
        }
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "m",
            "range('month')",
            "This month",
            id="report_this_month",
            tooltip="From the first of this month to today.",
        ),
        Binding(
            "l",
            "range('last_month')",
            "Last month",
            id="report_last_month",
            tooltip="The whole of last month.",
        ),
        Binding(
            "q",
            "range('quarter')",
            "Quarter",
            id="report_this_quarter",
            tooltip="From the start of this quarter (January, April, July, October) to today.",
        ),
        Binding(
            "y",
            "range('year')",
            "Year",
            id="report_this_year",
            tooltip="From the start of this financial year (1 April) to today.",
        ),
        Binding(
            "w",
            "write",
            "Write CSV",
            id="report_write_csv",
            tooltip="Write the report shown to a CSV file: counts only, nothing personal.",
        ),
        Binding("escape", "back", "Back", id="report_back", tooltip="Back to the caseload."),
    ]

    @dataclass
    class _Loaded(Message):
        report: ReferralReport

    @dataclass
    class _Failed(Message):
        problem: str

    @dataclass
    class _Written(Message):
        path: Path

    @dataclass
    class _NotWritten(Message):
        problem: str

    def __init__(self, caseload: Caseload, clock: Clock) -> None:
        super().__init__()
        self.caseload = caseload
        self.clock = clock
        self.today = clock.today()
        self.wanted: tuple[date, date] = month_so_far(self.today)
        """The range asked for last: what the screen shows, or is counting."""
        self.report: ReferralReport | None = None

    def compose(self) -> ComposeResult:
        start, end = self.wanted
        yield Header()
        yield Static(f"{TITLE}. {NOTHING_PERSONAL}", id="title", markup=False)
        with Horizontal(id="dates"):
            yield Label("From", markup=False)
            yield DateInput(start, self.today, required=True, id="from")
            yield Label("To", markup=False)
            yield DateInput(end, self.today, required=True, id="to")
        yield Static("", id="problem", markup=False)
        yield Static("Counting…", id="about", markup=False)
        with VerticalScroll(id="report"):
            for key in ("referrals", "signposts", "goals", "agreements"):
                yield ReportTableView(id=f"table-{key}")
        yield KeyFooter(show_command_palette=False)

    def on_screen_resume(self) -> None:
        """Count on opening, and again after an unlock if the lock stopped the count."""
        if not self._shown_or_counting():
            self._load(*self.wanted)

    def _shown_or_counting(self) -> bool:
        report = self.report
        if report is not None and (report.start, report.end) == self.wanted:
            return True
        return self._counting()

    def _counting(self) -> bool:
        return any(
            w.node is self and w.group == COUNTING and w.state in _UNDER_WAY for w in self.workers
        )

    # The range --------------------------------------------------------------------

    def action_range(self, name: str) -> None:
        start, end = RANGES[name](self.today)
        self.query_one("#from", DateInput).input.value = uk_date(start)
        self.query_one("#to", DateInput).input.value = uk_date(end)
        self._ask(start, end)

    @on(Input.Submitted, "#dates Input")
    def _submitted(self) -> None:
        self._typed()

    @on(Input.Blurred, "#dates Input")
    def _left(self) -> None:
        self._typed()

    def _typed(self) -> None:
        """Show the range typed, or say what is wrong with it and keep the one shown."""
        if not self.is_current:
            return  # leaving the screen, or a form is over it
        try:
            start = self._read("#from", "From")
            end = self._read("#to", "To")
            check_range(start, end)
        except InvalidInput as exc:
            self._problem(f"✗ {exc}")
            return
        self._ask(start, end)

    def _read(self, selector: str, name: str) -> date:
        try:
            found = self.query_one(selector, DateInput).value
        except InvalidInput as exc:
            raise InvalidInput(f"{name}: {exc}") from None
        assert found is not None  # the fields are required
        return found

    def _problem(self, words: str) -> None:
        problem = self.query_one("#problem", Static)
        problem.update(words)
        problem.set_class(bool(words), "-shown")

    def _ask(self, start: date, end: date) -> None:
        self._problem("")
        if (start, end) == self.wanted and self._shown_or_counting():
            return
        self.wanted = (start, end)
        self.query_one("#about", Static).update(f"Counting {range_words(start, end)}…")
        self._load(start, end)

    # Counting ---------------------------------------------------------------------

    @work(thread=True, exclusive=True, group=COUNTING)
    def _load(self, start: date, end: date) -> None:
        caseload = self.caseload
        try:
            report = build_report(
                start,
                end,
                caseload.referrals_made(start, end),
                caseload.signposts_given(start, end),
                caseload.all_plans(),
                caseload.agencies(archived=True),
            )
        except CaseloadLocked:
            return
        except KeyworkerError as exc:
            self.post_message(self._Failed(str(exc)))
            return
        if not get_current_worker().is_cancelled:
            self.post_message(self._Loaded(report))

    @on(_Loaded)
    def _loaded(self, message: _Loaded) -> None:
        report = message.report
        if (report.start, report.end) != self.wanted:
            return  # a range asked for since is on its way
        self.report = report
        self.query_one("#about", Static).update(
            f"{days_words(report.start, report.end)}. {HOW_TO_CHANGE}"
        )
        for table in report_tables(report):
            view = self.query_one(f"#table-{table.key}", ReportTableView)
            view.update(_table_content(table))
        self.refresh_bindings()

    @on(_Failed)
    def _failed(self, message: _Failed) -> None:
        if self.report is None:
            self.query_one("#about", Static).update(f"{LOAD_FAILED} {message.problem}")
        self.notify(message.problem, title="Not counted", severity="error", timeout=10)

    # Writing ----------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "write":
            return self.report is not None or None
        return True

    def action_write(self) -> None:
        report = self.report
        if report is None:
            return
        suggested = default_export_folder() / report_file_name(report)

        def chosen(choice: ReportFile | None) -> None:
            if choice is not None:
                self._write(report, choice)

        self.app.push_screen(
            ReportFileForm(suggested, range_words(report.start, report.end)), chosen
        )

    @work(thread=True, exclusive=True, group="referrals-report-csv")
    def _write(self, report: ReferralReport, choice: ReportFile) -> None:
        path = choice.path
        if path.is_dir():
            path = path / report_file_name(report)
        try:
            path = write_export(path, report_csv(report), replace=choice.replace)
        except KeyworkerError as exc:
            self.post_message(self._NotWritten(str(exc)))
            return
        self.post_message(self._Written(path))

    @on(_Written)
    def _written(self, message: _Written) -> None:
        self.notify(
            f"Written to {message.path}. It holds counts only, nothing personal.",
            title="File written",
            timeout=10,
        )

    @on(_NotWritten)
    def _not_written(self, message: _NotWritten) -> None:
        self.notify(message.problem, title="Not written", severity="error", timeout=10)

    def action_back(self) -> None:
        self.app.pop_screen()


def _table_content(table: ReportTable) -> Group:
    """The table's title, the table fitted to the width it is shown at, and its note."""
    return Group(Text(table.title, style="bold"), rich_table(table), Text(table.note))
