"""Attendance over a period: the caseload's rate and outcomes, and a line per person.

The period is typed in the two date fields (Enter, or leaving a field, shows it) or
picked with a key: this month, last month, the last 3 or 12 months. It counts the
appointments that started in it, up to now: later ones have not happened yet. The rate
is the appointments people came to (on time or late) out of those that went ahead
(`keyworker.appointments.Figures`); people are listed lowest rate first, and any column
sorts with `s` or a click on its heading.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import ClassVar
from uuid import UUID
from zoneinfo import ZoneInfo

from dateutil.relativedelta import relativedelta
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Header, Input, Label, Static

from keyworker.appointments import Figures
from keyworker.clock import Clock
from keyworker.dates import uk_date
from keyworker.errors import CaseloadLocked, InvalidInput, KeyworkerError
from keyworker.times import local_range_bounds
from keyworker.vocabulary import APPOINTMENT_OUTCOMES
from screens.date_input import DateInput
from screens.footer import KeyFooter
from screens.row_table import Column, RowTable
from storage import Caseload

TITLE = "Attendance"
COUNTING = "Counting…"
NOBODY = "No appointments started in this period."
NO_RATE = "–"
LEGEND = (
    "Rate: appointments attended (on time or late) out of those that went ahead; "
    f"{NO_RATE} when none did. Missed: did not attend. Acceptable: an acceptable absence. "
    "Cancelled: by the person or the service, or rescheduled."
)
HOW_TO_CHANGE = "Type dates and press Enter, or press m, l, 3 or y."


def this_month(today: date) -> tuple[date, date]:
    return today.replace(day=1), today


def last_month(today: date) -> tuple[date, date]:
    last = today.replace(day=1) - timedelta(days=1)
    return last.replace(day=1), last


def months_back(count: int) -> Callable[[date], tuple[date, date]]:
    def period(today: date) -> tuple[date, date]:
        return today - relativedelta(months=count) + timedelta(days=1), today

    return period


PERIODS: dict[str, Callable[[date], tuple[date, date]]] = {
    "month": this_month,
    "last_month": last_month,
    "3_months": months_back(3),
    "12_months": months_back(12),
}


@dataclass(frozen=True, slots=True)
class PersonAttendance:
    """One person's line: who, and what happened at their appointments in the period."""

    client_id: UUID
    case_ref: str
    name: str
    figures: Figures

    def count(self, *codes: str) -> int:
        return sum(self.figures.counts.get(code, 0) for code in codes)


COUNTED: dict[str, tuple[str, ...]] = {
    "attended": ("attended",),
    "late": ("attended_late",),
    "missed": ("did_not_attend",),
    "acceptable": ("acceptable_absence",),
    "cancelled": ("cancelled_by_person", "cancelled_by_service", "rescheduled"),
}

PEOPLE_COLUMNS = (
    Column("ref", "Case ref", 8),
    Column("name", "Name", 22, min_width=10, squeeze=1, flex=True),
    Column("rate", "Rate", 4),
    Column("attended", "Attended", 8),
    Column("late", "Late", 4),
    Column("missed", "Missed", 6),
    Column("acceptable", "Acceptable", 10),
    Column("cancelled", "Cancelled", 9),
    Column("to_record", "To record", 9),
)
SORT_KEYS = [c.key for c in PEOPLE_COLUMNS]


def rate_words(figures: Figures) -> str:
    rate = figures.rate
    return NO_RATE if rate is None else f"{round(rate * 100)}%"


def person_cells(line: PersonAttendance) -> tuple[Text, ...]:
    counts = [str(line.count(*codes)) for codes in COUNTED.values()]
    return (
        Text(line.case_ref),
        Text(line.name),
        Text(rate_words(line.figures)),
        *(Text(c) for c in counts),
        Text(str(line.figures.not_recorded)),
    )


def sort_people(
    people: list[PersonAttendance], key: str, reverse: bool = False
) -> list[PersonAttendance]:
    """Names and refs A to Z, rates lowest first (none last), counts highest first."""
    if key == "ref":
        ordered = sorted(people, key=lambda p: p.case_ref)
    elif key == "name":
        ordered = sorted(people, key=lambda p: (p.name.casefold(), p.case_ref))
    elif key == "rate":
        ordered = sorted(
            people,
            key=lambda p: (
                p.figures.rate is None,
                p.figures.rate or 0.0,
                -p.figures.expected,
                p.case_ref,
            ),
        )
    elif key == "to_record":
        ordered = sorted(people, key=lambda p: (-p.figures.not_recorded, p.case_ref))
    else:
        codes = COUNTED[key]
        ordered = sorted(people, key=lambda p: (-p.count(*codes), p.case_ref))
    return ordered[::-1] if reverse else ordered


def caseload_words(figures: Figures) -> Text:
    """The caseload's rate, then every outcome counted, in words."""
    text = Text()
    text.append("Caseload: ", style="bold")
    text.append(figures.rate_text(), style="bold")
    for code in APPOINTMENT_OUTCOMES.codes:
        text.append(f" · {APPOINTMENT_OUTCOMES.label(code)} {figures.counts.get(code, 0):,}")
    text.append(f" · Outcome to record {figures.not_recorded:,}")
    return text


def period_words(first: date, last: date) -> str:
    return f"{uk_date(first)} to {uk_date(last)}"


class AttendanceScreen(Screen[None]):
    """Attendance for the caseload and each person over a period; Escape goes back."""

    HELP_TITLE = TITLE
    AUTO_FOCUS = "#people"

    DEFAULT_CSS = """
    AttendanceScreen {
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
        #problem {
            padding: 0 1;
            color: $text-warning;
            display: none;
        }
        #problem.-shown {
            display: block;
        }
        #caseload, #legend {
            height: auto;
            padding: 0 1;
        }
        #legend {
            color: $text-muted;
        }
        #people {
            height: 1fr;
        }
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "m",
            "period('month')",
            "This month",
            id="attendance_this_month",
            tooltip="From the first of this month to today.",
        ),
        Binding(
            "l",
            "period('last_month')",
            "Last month",
            id="attendance_last_month",
            tooltip="The whole of last month.",
        ),
        Binding(
            "3",
            "period('3_months')",
            "3 months",
            id="attendance_3_months",
            tooltip="The last 3 months, to today.",
        ),
        Binding(
            "y",
            "period('12_months')",
            "12 months",
            id="attendance_12_months",
            tooltip="The last 12 months, to today.",
        ),
        Binding("s", "next_sort", "Sort", id="attendance_sort", tooltip="Sort by the next column."),
        Binding(
            "r",
            "reverse_sort",
            "Reverse",
            id="attendance_reverse_sort",
            show=False,
            tooltip="Turn the order round.",
        ),
        Binding("escape", "back", "Back", id="attendance_back", tooltip="Back to the agenda."),
    ]

    @dataclass
    class _Counted(Message):
        first: date
        last: date
        caseload: Figures
        people: list[PersonAttendance]

    @dataclass
    class _Failed(Message):
        problem: str

    def __init__(self, caseload: Caseload, clock: Clock, zone: ZoneInfo) -> None:
        super().__init__()
        self.caseload = caseload
        self.clock = clock
        self.zone = zone
        self.today = clock.now().astimezone(zone).date()
        self.wanted: tuple[date, date] = PERIODS["3_months"](self.today)
        """The period asked for last: the one shown, or being counted."""
        self.shown: tuple[date, date] | None = None
        self.caseload_figures: Figures | None = None
        self.people: list[PersonAttendance] = []
        self.sort_key = "rate"
        self.sort_reversed = False

    def compose(self) -> ComposeResult:
        first, last = self.wanted
        yield Header()
        yield Static(TITLE, id="title", markup=False)
        with Horizontal(id="dates"):
            yield Label("From", markup=False)
            yield DateInput(first, self.today, required=True, id="from")
            yield Label("To", markup=False)
            yield DateInput(last, self.today, required=True, id="to")
        yield Static("", id="problem", markup=False)
        yield Static(COUNTING, id="caseload", markup=False)
        yield Static(LEGEND, id="legend", markup=False)
        yield RowTable(PEOPLE_COLUMNS, _key, person_cells, empty_text=NOBODY, id="people")
        yield KeyFooter(show_command_palette=False)

    @property
    def table(self) -> RowTable:
        return self.query_one("#people", RowTable)

    def on_mount(self) -> None:
        self._count(*self.wanted)

    # The period -------------------------------------------------------------------

    def action_period(self, name: str) -> None:
        first, last = PERIODS[name](self.today)
        self.query_one("#from", DateInput).input.value = uk_date(first)
        self.query_one("#to", DateInput).input.value = uk_date(last)
        self._ask(first, last)

    @on(Input.Submitted, "#dates Input")
    @on(Input.Blurred, "#dates Input")
    def _typed(self) -> None:
        """Show the period typed, or say what is wrong with it and keep the one shown."""
        if not self.is_current:
            return
        try:
            first = self._read("#from", "From")
            last = self._read("#to", "To")
            local_range_bounds(first, last, self.zone)
        except InvalidInput as exc:
            self._problem(f"✗ {exc}")
            return
        self._ask(first, last)

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

    def _ask(self, first: date, last: date) -> None:
        self._problem("")
        if (first, last) == self.wanted and self.shown == self.wanted:
            return
        self.wanted = (first, last)
        self.query_one("#caseload", Static).update(f"Counting {period_words(first, last)}…")
        self._count(first, last)

    # Counting ---------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="attendance")
    def _count(self, first: date, last: date) -> None:
        start, end = local_range_bounds(first, last, self.zone)
        end = min(end, max(start, self.clock.now()))  # what is still to come is not counted
        try:
            everyone = self.caseload.attendance(start, end)
            by_client = self.caseload.attendance_by_client(start, end)
            names = {s.id: s for s in self.caseload.clients()} if by_client else {}
        except CaseloadLocked:
            return
        except KeyworkerError as exc:
            self.post_message(self._Failed(str(exc)))
            return
        people = [
            PersonAttendance(cid, names[cid].case_ref, names[cid].display_name, figures)
            for cid, figures in by_client.items()
            if cid in names
        ]
        self.post_message(self._Counted(first, last, everyone, people))

    @on(_Counted)
    def _counted(self, message: _Counted) -> None:
        if (message.first, message.last) != self.wanted:
            return  # another period was asked for since
        self.shown = self.wanted
        self.caseload_figures = message.caseload
        self.people = message.people
        summary = Text(f"{period_words(message.first, message.last)}. ", style="bold")
        summary.append_text(caseload_words(message.caseload))
        self.query_one("#caseload", Static).update(summary)
        self._show_people()

    def _show_people(self, keep: str | None = None) -> None:
        ordered = sort_people(self.people, self.sort_key, self.sort_reversed)
        cursor = 0
        if keep is not None:
            cursor = next((i for i, p in enumerate(ordered) if str(p.client_id) == keep), 0)
        table = self.table
        labels = {c.key: c.label for c in PEOPLE_COLUMNS}
        marked = []
        for column in PEOPLE_COLUMNS:
            label = labels[column.key]
            if column.key == self.sort_key:
                label = f"{label} {'▲' if self.sort_reversed else '▼'}"
            marked.append(replace(column, label=label))
        table.set_columns(marked)
        table.set_rows(ordered, cursor=cursor)

    @on(_Failed)
    def _failed(self, message: _Failed) -> None:
        self.query_one("#caseload", Static).update(f"Not counted. {message.problem}")
        self.notify(message.problem, title="Not counted", severity="error", timeout=10)

    # Sorting and opening ------------------------------------------------------------

    def action_next_sort(self) -> None:
        self.sort_key = SORT_KEYS[(SORT_KEYS.index(self.sort_key) + 1) % len(SORT_KEYS)]
        self.sort_reversed = False
        self._show_people(self.table.cursor_key)

    def action_reverse_sort(self) -> None:
        self.sort_reversed = not self.sort_reversed
        self._show_people(self.table.cursor_key)

    @on(RowTable.HeaderSelected, "#people")
    def _header(self, message: RowTable.HeaderSelected) -> None:
        if message.column == self.sort_key:
            self.action_reverse_sort()
            return
        self.sort_key = message.column
        self.sort_reversed = False
        self._show_people(self.table.cursor_key)

    @on(RowTable.RowSelected, "#people")
    def _open(self, message: RowTable.RowSelected) -> None:
        from screens.client import ClientScreen

        self.app.push_screen(ClientScreen(self.caseload, self.clock, UUID(message.key)))

    def action_back(self) -> None:
        self.app.pop_screen()


def _key(line: PersonAttendance) -> str:
    return str(line.client_id)
