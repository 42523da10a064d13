"""The agenda: a week of appointments across the whole caseload, a day at a time.

The week runs Monday to Sunday on the worker's local clock. It is read in a thread
(`Caseload.agenda`, a few thousand lines for a large caseload) and drawn by a table that
paints only the lines on screen, so moving a week is quick whatever the caseload's size.
Each day has a heading, today's says "Today", and a home visit to someone with a
lone-working flag has the flag written out under it: never colour alone.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, ClassVar
from uuid import UUID
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict
from rich.style import Style
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.geometry import Region
from textual.message import Message
from textual.screen import Screen
from textual.strip import Strip
from textual.widgets import Header, Static
from textual.worker import get_current_worker

from keyworker.appointments import ATTENDED, AgendaEntry, AgendaPerson
from keyworker.assessment_text import NOT_ENCRYPTED_WARNING
from keyworker.calendar import calendar_file
from keyworker.cli_appointments import NAMES_WARNING, NO_NAMES
from keyworker.clock import Clock
from keyworker.errors import CaseloadLocked, KeyworkerError
from keyworker.times import day_heading, local_range_bounds, uk_time, week_of, when_text
from keyworker.vocabulary import APPOINTMENT_OUTCOMES
from screens.appointment_actions import AppointmentActions
from screens.appointment_form import ChoiceScreen
from screens.confirm import ConfirmScreen
from screens.footer import KeyFooter
from screens.form import DateField, FormScreen, Item, TextField, TickField, field_errors, missing
from screens.row_table import MARGIN, Column, RowTable
from storage import Caseload
from storage.exports import default_export_folder, write_export

TITLE = "Agenda"
LOADING = "Loading the week…"
NO_APPOINTMENTS = "No appointments"
OUTCOME_TO_RECORD = "Outcome to record"
ON_NOW = "On now"
CANCELLED = "Cancelled"
TODAY = "Today"
RISK_MARK = "⚠"
MAX_EXPORT_DAYS = 731
BIG_GROUP = 2
"""From this many people a line says "6 people" rather than naming them."""

AGENDA_COLUMNS = (
    Column("time", "Time", 11),
    Column("what", "Appointment", 24, min_width=10, squeeze=1),
    Column("who", "Who", 26, min_width=14, squeeze=1),
    Column("where", "With or where", 24, min_width=8, squeeze=0),
    Column("outcome", "Outcome", 17, min_width=17, squeeze=2, flex=True),
)
COLUMN_KEYS = [c.key for c in AGENDA_COLUMNS]
NARROW_COLUMNS = tuple(c for c in AGENDA_COLUMNS if c.key != "where")
WIDE = 100
"""From this width there is room for who the worker meets and where."""
WIDTH_CAPS = {"what": 28, "who": 32, "where": 36, "outcome": 24}


# Lines of the agenda ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DayLine:
    """A day's heading: "Tuesday 24 November 2026 · Today · 3 appointments"."""

    day: date
    today: bool
    count: int

    def words(self) -> str:
        parts = [day_heading(self.day)]
        if self.today:
            parts.append(TODAY)
        if self.count:
            parts.append("1 appointment" if self.count == 1 else f"{self.count} appointments")
        return " · ".join(parts)


@dataclass(frozen=True, slots=True)
class NothingLine:
    """Under a day with no appointments."""

    day: date


@dataclass(frozen=True, slots=True)
class EntryLine:
    """One appointment."""

    entry: AgendaEntry
    day: date


@dataclass(frozen=True, slots=True)
class RiskLine:
    """The risk-to-staff flag of a home visit, written out under it."""

    entry: AgendaEntry
    words: str


AgendaLine = DayLine | NothingLine | EntryLine | RiskLine


def agenda_lines(
    entries: Sequence[AgendaEntry], monday: date, today: date, zone: ZoneInfo
) -> list[AgendaLine]:
    """The week's lines: each day's heading, then its appointments in order (or "none")."""
    by_day: dict[date, list[AgendaEntry]] = {monday + timedelta(days=n): [] for n in range(7)}
    for entry in entries:
        day = entry.start.astimezone(zone).date()
        if day in by_day:
            by_day[day].append(entry)
    lines: list[AgendaLine] = []
    for day, found in by_day.items():
        lines.append(DayLine(day, day == today, len(found)))
        if not found:
            lines.append(NothingLine(day))
        for entry in found:
            lines.append(EntryLine(entry, day))
            risk = risk_words(entry)
            if risk:
                lines.append(RiskLine(entry, risk))
    return lines


def risk_words(entry: AgendaEntry) -> str:
    """ "⚠ Risk to staff / lone working (high)", with case refs when it is a group."""
    risky = [p for p in entry.people if p.staff_risk]
    if not risky:
        return ""
    if len(entry.people) == 1:
        return f"{RISK_MARK} {risky[0].staff_risk}"
    return f"{RISK_MARK} " + "; ".join(f"{p.case_ref} {p.staff_risk}" for p in risky)


def person_words(person: AgendaPerson) -> str:
    return f"{person.case_ref} {person.name}"


def people_words(entry: AgendaEntry) -> str:
    """The person's case ref and name, or "6 people" for a group."""
    if len(entry.people) >= BIG_GROUP:
        return f"{len(entry.people)} people"
    return person_words(entry.people[0])


def where_words(entry: AgendaEntry) -> str:
    return ", ".join(part for part in (entry.met_with, entry.location) if part)


def outcome_words(entry: AgendaEntry, now: datetime) -> str:
    """What happened, or what is still to do: in words, never a colour alone."""
    people = entry.people
    if entry.cancelled:
        outcomes = {p.outcome for p in people}
        if len(outcomes) == 1:
            return APPOINTMENT_OUTCOMES.label(outcomes.pop())
        return CANCELLED
    if now < entry.start:
        return ""
    if now < entry.end:
        return ON_NOW
    waiting = len(entry.awaiting)
    if len(people) == 1:
        return OUTCOME_TO_RECORD if waiting else APPOINTMENT_OUTCOMES.label(people[0].outcome)
    if waiting:
        return f"{waiting} outcome{'s' if waiting > 1 else ''} to record"
    came = sum(p.outcome in ATTENDED for p in people)
    return f"{came} of {len(people)} attended"


def time_words(entry: AgendaEntry, zone: ZoneInfo) -> str:
    return f"{uk_time(entry.start, zone)}–{uk_time(entry.end, zone)}"


def entry_cells(entry: AgendaEntry, now: datetime, zone: ZoneInfo) -> tuple[Text, ...]:
    outcome = outcome_words(entry, now)
    if outcome == OUTCOME_TO_RECORD or outcome.endswith("to record"):
        shown = Text(outcome, style="bold")
    elif entry.cancelled:
        shown = Text(outcome, style="dim")
    else:
        shown = Text(outcome)
    return (
        Text(time_words(entry, zone)),
        Text(entry.label()),
        Text(people_words(entry)),
        Text(where_words(entry)),
        shown,
    )


def column_widths(entries: Sequence[AgendaEntry], now: datetime) -> dict[str, int]:
    """Widths that fit the week's text, within limits, so a wide screen is not wasted."""
    widths = {"what": 11, "who": 3, "where": 13, "outcome": 7}
    labels = {e.title or e.kind: e for e in entries}
    for entry in labels.values():
        widths["what"] = max(widths["what"], len(entry.label()))
    for entry in entries:
        if len(entry.people) < BIG_GROUP:
            person = entry.people[0]
            widths["who"] = max(widths["who"], len(person.case_ref) + 1 + len(person.name))
        else:
            widths["who"] = max(widths["who"], 10)
        widths["where"] = max(widths["where"], len(entry.met_with) + 2 + len(entry.location))
        widths["outcome"] = max(widths["outcome"], len(outcome_words(entry, now)))
    return {key: min(width, WIDTH_CAPS[key]) for key, width in widths.items()}


def entry_detail(entry: AgendaEntry, now: datetime, zone: ZoneInfo) -> Text:
    """Everything about the appointment with the cursor, in a few lines under the table."""
    text = Text()
    text.append(when_text(entry.start, entry.end, zone), style="bold")
    text.append(f" · {entry.label()}")
    where = where_words(entry)
    if where:
        text.append(f" · {where}")
    outcome = outcome_words(entry, now)
    if outcome:
        text.append(f" · {outcome}")
    if len(entry.people) > 1:
        people = [
            person_words(p) + (f" ({APPOINTMENT_OUTCOMES.label(p.outcome)})" if p.outcome else "")
            for p in entry.people
        ]
        text.append("\n" + ", ".join(people))
    risk = risk_words(entry)
    if risk:
        text.append("\n" + risk, style="bold")
    return text


def week_words(monday: date, today: date) -> str:
    """ "Week of Monday 23 November 2026 (this week)"."""
    this_monday = week_of(today)[0]
    words = f"Week of {day_heading(monday)}"
    if monday == this_monday:
        return f"{words} (this week)"
    if monday == this_monday + timedelta(weeks=1):
        return f"{words} (next week)"
    if monday == this_monday - timedelta(weeks=1):
        return f"{words} (last week)"
    return words


def week_summary(entries: Sequence[AgendaEntry], now: datetime) -> str:
    booked = sum(not e.cancelled for e in entries)
    due = sum(bool(e.awaiting) and e.end <= now and not e.cancelled for e in entries)
    words = "1 appointment" if booked == 1 else f"{booked:,} appointments"
    if due:
        words += f" · {due:,} to record"
    return words


# The table -------------------------------------------------------------------------------


class AgendaTable(RowTable):
    """The week's lines; the cursor moves between appointments, passing over headings.

    A day's heading and a risk line take the whole width. The risk line under a home
    visit is highlighted with it, as part of the same appointment.
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = RowTable.COMPONENT_CLASSES | {
        "agenda-table--day",
        "agenda-table--today",
        "agenda-table--quiet",
        "agenda-table--risk",
    }

    DEFAULT_CSS = """
    AgendaTable {
        & > .agenda-table--day {
            text-style: bold;
            background: $boost;
            color: $text-accent;
        }
        & > .agenda-table--today {
            text-style: bold reverse;
            color: $text-accent;
        }
        & > .agenda-table--quiet {
            color: $text-muted;
        }
        & > .agenda-table--risk {
            text-style: bold;
            color: $text-warning;
        }
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "enter",
            "select",
            "Record",
            id="agenda_open_record",
            tooltip="Open the record of the person at the appointment with the cursor.",
        ),
        Binding(
            "o",
            "screen.record_outcome",
            "Outcome",
            id="record_outcome",
            tooltip="Record whether the person came, or why not.",
        ),
        Binding(
            "b",
            "screen.book_appointment",
            "Book",
            id="book_appointment",
            tooltip="Book an appointment (one-off or repeating).",
        ),
        Binding(
            "e",
            "screen.edit_appointment",
            "Change",
            id="edit_appointment",
            show=False,
            tooltip="Change the appointment's time, details or people.",
        ),
        Binding(
            "m",
            "screen.reschedule_appointment",
            "Move",
            id="reschedule_appointment",
            show=False,
            tooltip="Move the appointment to a new time (kept, linked to the new one).",
        ),
        Binding(
            "x",
            "screen.cancel_appointment",
            "Cancel appt",
            id="cancel_appointment",
            show=False,
            tooltip="Cancel the appointment, saying who cancelled it.",
        ),
    ]

    @dataclass
    class Highlighted(Message):
        """The cursor is on another appointment (or on none)."""

        table: AgendaTable
        entry: AgendaEntry | None

    def __init__(self, now: Callable[[], datetime], zone: ZoneInfo, **kwargs: Any) -> None:
        super().__init__(
            AGENDA_COLUMNS,
            key_of=_line_key,
            cells_of=self._cells,
            **kwargs,
        )
        self._now = now
        self._zone = zone
        self._moment = now()
        self._extra: dict[str, Style] = {}
        self._fitted: dict[str, int] = {}

    def fit_to(self, widths: dict[str, int]) -> None:
        """Columns as wide as the week's text needs (within limits), for the width there is."""
        self._fitted = widths
        self._choose_columns()

    def _choose_columns(self) -> None:
        """Where and with whom is left to the line under the table on a narrow screen."""
        base = AGENDA_COLUMNS if self.size.width >= WIDE else NARROW_COLUMNS
        wanted = [replace(c, width=self._fitted.get(c.key, c.width)) for c in base]
        if wanted != self.columns:
            self.set_columns(wanted)

    def on_resize(self) -> None:
        self._choose_columns()
        super().on_resize()

    def _cells(self, line: AgendaLine) -> Sequence[Text]:
        assert isinstance(line, EntryLine)
        cells = entry_cells(line.entry, self._moment, self._zone)
        if len(self._columns) == len(cells):
            return cells
        return [cells[COLUMN_KEYS.index(c.key)] for c in self._columns]

    def set_rows(self, rows: Sequence[Any], cursor: int = 0) -> None:
        self._moment = self._now()
        super().set_rows(rows, cursor)

    @property
    def cursor_entry(self) -> AgendaEntry | None:
        if not self.rows:
            return None
        line = self.rows[self.cursor_row]
        return line.entry if isinstance(line, EntryLine) else None

    # Moving over headings -----------------------------------------------------------

    def _landing(self, index: int, step: int) -> int:
        """The appointment line nearest `index`, looking in the direction moved first."""
        rows = self.rows
        if not rows:
            return 0
        index = max(0, min(index, len(rows) - 1))
        for direction in (step, -step):
            at = index
            while 0 <= at < len(rows):
                if isinstance(rows[at], EntryLine):
                    return at
                at += direction
        return index

    def move_cursor(self, index: int, step: int = 1) -> None:
        super().move_cursor(self._landing(index, step))

    def action_cursor_up(self) -> None:
        self.move_cursor(self.cursor_row - 1, -1)

    def action_cursor_down(self) -> None:
        self.move_cursor(self.cursor_row + 1, 1)

    def action_page_up(self) -> None:
        self.move_cursor(self.cursor_row - self._page, -1)

    def action_page_down(self) -> None:
        self.move_cursor(self.cursor_row + self._page, 1)

    def action_first(self) -> None:
        self.move_cursor(0, 1)

    def action_last(self) -> None:
        self.move_cursor(len(self.rows) - 1, -1)

    def _scroll_to_cursor(self) -> None:
        """Show the day's heading above the first appointment, and the risk line under."""
        rows = self.rows
        cursor = self.cursor_row
        first = cursor
        while first > 0 and isinstance(rows[first - 1], DayLine):
            first -= 1
        last = (
            cursor + 1
            if cursor + 1 < len(rows) and isinstance(rows[cursor + 1], RiskLine)
            else cursor
        )
        top = round(self.scroll_y)
        if first < top:
            self.scroll_to(y=first, animate=False, immediate=True)
        elif last >= top + self._page:
            self.scroll_to(y=max(first, last - self._page + 1), animate=False, immediate=True)

    def watch_cursor_row(self) -> None:
        super().watch_cursor_row()
        self.post_message(self.Highlighted(self, self.cursor_entry))

    def action_select(self) -> None:
        if self.cursor_entry is not None:
            super().action_select()

    # Drawing ------------------------------------------------------------------------

    def render_lines(self, crop: Region) -> list[Strip]:
        self._extra = {
            name: self.get_component_rich_style(name)
            for name in self.COMPONENT_CLASSES
            if name.startswith("agenda-table--")
        }
        return super().render_lines(crop)

    def render_line(self, y: int) -> Strip:
        index = self.scroll_offset.y + y - self._top
        rows = self.rows
        if y < self._top or not 0 <= index < len(rows):
            return super().render_line(y)
        line = rows[index]
        if isinstance(line, EntryLine):
            return super().render_line(y)
        width = self.scrollable_content_region.width
        style = self._base_style
        if isinstance(line, DayLine):
            style += self._extra["agenda-table--day"]
            if line.today:
                style += self._extra["agenda-table--today"]
            text = Text(line.words())
        elif isinstance(line, NothingLine):
            style += self._extra["agenda-table--quiet"]
            text = Text(f"  {NO_APPOINTMENTS}")
        else:
            if self.cursor_entry is line.entry:
                style += self._styles["row-table--cursor"]
            style += self._extra["agenda-table--risk"]
            indent = " " * (self.column_x("what") - MARGIN)
            text = Text(indent + line.words)
        return self._strip([text], style, width, [width - MARGIN])


def _line_key(line: AgendaLine) -> str:
    if isinstance(line, EntryLine):
        return str(line.entry.id)
    if isinstance(line, RiskLine):
        return f"risk-{line.entry.id}"
    return f"day-{line.day.isoformat()}"


# Export --------------------------------------------------------------------------------


def calendar_file_name(first: date, last: date) -> str:
    return f"keyworker-appointments-{first.isoformat()}-to-{last.isoformat()}.ics"


class CalendarChoice(BaseModel):
    """What to export, where to, and whether names go in it."""

    model_config = ConfigDict(frozen=True)

    path: Path
    first: date
    last: date
    with_names: bool = False
    replace: bool = False


class CalendarForm(FormScreen[CalendarChoice]):
    """Where to write the calendar file, for which days, and whether with names."""

    SAVE_LABEL = "Write file"

    def __init__(self, suggested: Path, first: date, last: date, today: date) -> None:
        self.suggested = suggested
        self.first = first
        self.last = last
        self.today = today
        super().__init__("Export appointments to a calendar file", f"⚠ {NOT_ENCRYPTED_WARNING}")

    def items(self) -> list[Item]:
        return [
            TextField(
                name="path",
                label="File",
                value=str(self.suggested),
                required=True,
                hint="An .ics file: Outlook and other calendars import it.",
            ),
            DateField(
                name="first", label="From", today=self.today, value=self.first, required=True
            ),
            DateField(name="last", label="To", today=self.today, value=self.last, required=True),
            TickField(
                name="with_names",
                label="Include names",
                value=False,
                hint="Without names the file shows case references and kinds of appointment "
                "only. With names you are warned first.",
            ),
            TickField(name="replace", label="Replace it if it is there", value=False),
        ]

    def build(self, values: dict[str, Any]) -> CalendarChoice:
        typed = str(values["path"] or "").strip()
        blank = [name for name in ("first", "last") if values[name] is None]
        if blank:
            raise missing("CalendarChoice", blank)
        if values["last"] < values["first"]:
            raise field_errors("CalendarChoice", {"last": "The last day is before the first."})
        if (values["last"] - values["first"]).days > MAX_EXPORT_DAYS:
            raise field_errors(
                "CalendarChoice", {"last": "Export at most two years of appointments at a time."}
            )
        return CalendarChoice(
            path=Path(typed).expanduser(),
            first=values["first"],
            last=values["last"],
            with_names=bool(values["with_names"]),
            replace=bool(values["replace"]),
        )


# The screen ------------------------------------------------------------------------------


class AgendaScreen(AppointmentActions, Screen[None]):
    """A week of appointments across the caseload; Escape goes back.

    For the benchmark: `show_week(monday, painted)` calls `painted()` once that week is
    on screen; `query_seconds` is then how long its database query took and
    `line_count` how many lines it has. `ready` is True once the first week is painted.
    """

    HELP_TITLE = TITLE
    AUTO_FOCUS = "#agenda"

    DEFAULT_CSS = """
    AgendaScreen {
        #agenda-week {
            height: auto;
            padding: 0 1;
            text-style: bold;
        }
        #agenda {
            height: 1fr;
        }
        #agenda-detail {
            height: auto;
            max-height: 3;
            padding: 0 1;
            background: $boost;
        }
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "left_square_bracket",
            "week(-1)",
            "Week before",
            id="agenda_previous_week",
            key_display="[",
            tooltip="Show the week before.",
        ),
        Binding(
            "right_square_bracket",
            "week(1)",
            "Week after",
            id="agenda_next_week",
            key_display="]",
            tooltip="Show the week after.",
        ),
        Binding(
            "t",
            "this_week",
            "This week",
            id="agenda_this_week",
            tooltip="Go back to this week, with today's first appointment.",
        ),
        Binding(
            "i",
            "export_calendar",
            "Export",
            id="agenda_export_calendar",
            show=False,
            tooltip="Write appointments to a calendar file (.ics) for Outlook or any calendar.",
        ),
        Binding(
            "a",
            "attendance",
            "Attendance",
            show=False,
            id="agenda_attendance",
            tooltip="Attendance rates for the caseload and each person over a period.",
        ),
        Binding(
            "r",
            "outcomes_due",
            "To record",
            id="agenda_outcomes_due",
            show=False,
            tooltip="Appointments that have ended with outcomes still to record.",
        ),
        Binding("escape", "back", "Back", id="agenda_back", tooltip="Back to the caseload."),
    ]

    @dataclass
    class _Loaded(Message):
        generation: int
        monday: date
        entries: list[AgendaEntry]
        lines: list[AgendaLine]
        widths: dict[str, int]
        query_seconds: float

    @dataclass
    class _Failed(Message):
        problem: str

    def __init__(self, caseload: Caseload, clock: Clock, zone: ZoneInfo) -> None:
        super().__init__()
        self.caseload = caseload
        self.clock = clock
        self.zone = zone
        self.monday = week_of(self._today())[0]
        """The week asked for last: the one shown, or being read."""
        self.entries: list[AgendaEntry] = []
        self.ready = False
        self.query_seconds = 0.0
        self._shown: date | None = None
        self._generation = 0
        self._painted: Callable[[], object] | None = None
        self._keep: UUID | None = None

    def _today(self) -> date:
        return self.clock.now().astimezone(self.zone).date()

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(week_words(self.monday, self._today()), id="agenda-week", markup=False)
        yield AgendaTable(self.clock.now, self.zone, id="agenda")
        yield Static("", id="agenda-detail", markup=False)
        yield KeyFooter(show_command_palette=False)

    @property
    def table(self) -> AgendaTable:
        return self.query_one("#agenda", AgendaTable)

    @property
    def line_count(self) -> int:
        return self.table.row_count

    def on_screen_resume(self) -> None:
        """Read the week on opening, and again on coming back (a record may have changed it)."""
        self.reload()

    # Choosing the week ----------------------------------------------------------------

    def action_week(self, step: int) -> None:
        self.show_week(self.monday + timedelta(weeks=step))

    def action_this_week(self) -> None:
        self.show_week(week_of(self._today())[0])

    def show_week(self, monday: date, painted: Callable[[], object] | None = None) -> None:
        """Read and show the week starting `monday`; `painted()` once it is on screen."""
        self._keep = None
        self._ask(monday, painted)

    def reload(self, keep: UUID | None = None) -> None:
        """Read the week shown again, keeping the cursor on the same appointment."""
        self._keep = keep or (self.table.cursor_entry.id if self.table.cursor_entry else None)
        self._ask(self.monday, None)

    def _ask(self, monday: date, painted: Callable[[], object] | None) -> None:
        self.monday = monday
        self._generation += 1
        self._painted = painted
        self.query_one("#agenda-week", Static).update(
            f"{week_words(monday, self._today())} · {LOADING}"
        )
        self._load(self._generation, monday, self._today())

    @work(thread=True, exclusive=True, group="agenda-week")
    def _load(self, generation: int, monday: date, today: date) -> None:
        start, end = local_range_bounds(monday, monday + timedelta(days=6), self.zone)
        started = time.perf_counter()
        try:
            entries = self.caseload.agenda(start, end)
        except CaseloadLocked:
            return
        except KeyworkerError as exc:
            self.post_message(self._Failed(str(exc)))
            return
        queried = time.perf_counter() - started
        if get_current_worker().is_cancelled:
            return
        lines = agenda_lines(entries, monday, today, self.zone)
        widths = column_widths(entries, self.clock.now())
        self.post_message(self._Loaded(generation, monday, entries, lines, widths, queried))

    @on(_Loaded)
    def _loaded(self, message: _Loaded) -> None:
        if message.generation != self._generation:
            return  # another week was asked for since
        moved = message.monday != self._shown
        self._shown = message.monday
        self.entries = message.entries
        self.query_seconds = message.query_seconds
        table = self.table
        table.fit_to(message.widths)
        table.set_rows(message.lines, cursor=self._cursor_for(message.lines, moved))
        self.query_one("#agenda-week", Static).update(
            f"{week_words(message.monday, self._today())} · "
            f"{week_summary(message.entries, self.clock.now())}"
        )
        self._show_detail(table.cursor_entry)
        painted, self._painted = self._painted, None
        table.call_after_drawing(lambda: self._drawn(painted))

    def _drawn(self, painted: Callable[[], object] | None) -> None:
        self.ready = True
        if painted is not None:
            painted()

    def _cursor_for(self, lines: Sequence[AgendaLine], moved: bool) -> int:
        """The appointment kept, else today's first (or the next), else the week's first."""
        entries = [(i, line) for i, line in enumerate(lines) if isinstance(line, EntryLine)]
        if not entries:
            return 0
        if self._keep is not None:
            for i, line in entries:
                if line.entry.id == self._keep:
                    return i
            if not moved:
                return min(self.table.cursor_row, len(lines) - 1)
        today = self._today()
        if not self.monday <= today < self.monday + timedelta(weeks=1):
            return entries[0][0]
        for i, line in entries:
            if line.day >= today:
                return i
        return entries[-1][0]  # nothing from today on: the last, nearest today

    @on(_Failed)
    def _failed(self, message: _Failed) -> None:
        self.query_one("#agenda-week", Static).update(
            f"{week_words(self.monday, self._today())} · Not loaded"
        )
        self.notify(message.problem, title="Agenda not loaded", severity="error", timeout=10)

    # The appointment with the cursor ----------------------------------------------------

    @on(AgendaTable.Highlighted)
    def _highlighted(self, message: AgendaTable.Highlighted) -> None:
        self._show_detail(message.entry)

    def _show_detail(self, entry: AgendaEntry | None) -> None:
        detail = self.query_one("#agenda-detail", Static)
        if entry is None:
            detail.update("")
            detail.display = False
            return
        detail.display = True
        detail.update(entry_detail(entry, self.clock.now(), self.zone))

    def chosen_appointment(self) -> tuple[UUID, UUID | None] | None:
        """The appointment with the cursor, and its person (None for a group)."""
        entry = self.table.cursor_entry
        if entry is None:
            return None
        person = entry.people[0].client_id if len(entry.people) == 1 else None
        return entry.id, person

    def booking_for(self) -> list[UUID]:
        """Nobody is chosen on the agenda: the booking form asks who the appointment is for."""
        return []

    def appointments_changed(self) -> None:
        self.reload(keep=self.selected_appointment)

    # Going elsewhere ----------------------------------------------------------------

    @on(RowTable.RowSelected, "#agenda")
    def _selected(self, message: RowTable.RowSelected) -> None:
        entry = self.table.cursor_entry
        if entry is None:
            return
        if len(entry.people) == 1:
            self.open_record(entry.people[0].client_id)
            return

        def chosen(code: str | None) -> None:
            if code is not None:
                self.open_record(UUID(code))

        question = f"Whose record? {entry.label()}, {when_text(entry.start, entry.end, self.zone)}"
        people = [(str(p.client_id), person_words(p)) for p in entry.people]
        self.app.push_screen(ChoiceScreen(question, people), chosen)

    def open_record(self, client_id: UUID) -> None:
        from screens.client import ClientScreen

        self.app.push_screen(ClientScreen(self.caseload, self.clock, client_id))

    def action_export_calendar(self) -> None:
        first, last = self.monday, self.monday + timedelta(days=6)

        def chosen(choice: CalendarChoice | None) -> None:
            if choice is None:
                return
            if not choice.with_names:
                self._export(choice)
                return

            def confirmed(yes: bool | None) -> None:
                if yes:
                    self._export(choice)

            self.app.push_screen(
                ConfirmScreen(f"⚠ {NAMES_WARNING} Write the file with names?", "Write with names"),
                confirmed,
            )

        suggested = default_export_folder() / calendar_file_name(first, last)
        self.app.push_screen(CalendarForm(suggested, first, last, self._today()), chosen)

    @work(thread=True, exclusive=True, group="agenda-export")
    def _export(self, choice: CalendarChoice) -> None:
        path = choice.path
        if path.is_dir():
            path = path / calendar_file_name(choice.first, choice.last)
        start, end = local_range_bounds(choice.first, choice.last, self.zone)
        try:
            entries = self.caseload.agenda(start, end)
            content = calendar_file(
                entries, self.zone, with_names=choice.with_names, made_at=self.clock.now()
            )
            path = write_export(path, content, replace=choice.replace)
        except CaseloadLocked:
            return
        except KeyworkerError as exc:
            self.app.call_from_thread(
                self.notify, str(exc), title="Not written", severity="error", timeout=10
            )
            return
        count = "1 appointment" if len(entries) == 1 else f"{len(entries):,} appointments"
        said = NAMES_WARNING if choice.with_names else NO_NAMES
        self.app.call_from_thread(
            self.notify, f"{count} written to {path}. {said}", title="File written", timeout=10
        )

    def action_attendance(self) -> None:
        from screens.attendance import AttendanceScreen

        self.app.push_screen(AttendanceScreen(self.caseload, self.clock, self.zone))

    def action_outcomes_due(self) -> None:
        from screens.outcomes_due import OutcomesDueScreen

        self.app.push_screen(OutcomesDueScreen(self.caseload, self.clock, self.zone))

    def action_back(self) -> None:
        self.app.pop_screen()
