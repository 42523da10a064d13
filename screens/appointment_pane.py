"""The Appointments tab of a client's record: what is coming up, what happened, attendance.

Coming up is soonest first, past is latest first; the row with the cursor is shown whole
underneath. Times are the worker's local time with UK dates. An appointment that has
ended without an outcome says "Outcome to record" in words (with a "⚠"), never by colour
alone; a moved one says where it went.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, ClassVar
from uuid import UUID
from zoneinfo import ZoneInfo

from dateutil.relativedelta import relativedelta
from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import Label, Static

from keyworker import appointments as ap
from keyworker.appointments import Appointment, Attendance, Figures, Repeat
from keyworker.dates import WEEKDAYS, uk_date
from keyworker.models import ClientRecord
from keyworker.plans import live_plan
from keyworker.times import duration_text, when_text
from keyworker.vocabulary import ABSENCE_REASONS, APPOINTMENT_OUTCOMES, PATHWAYS
from screens.client_text import MARKER, one_line
from screens.client_widgets import RecordTable
from screens.row_table import Column, RowTable

NO_UPCOMING = "Nothing booked. Press b to book an appointment."
NO_PAST = "No past appointments."
TO_RECORD = f"{MARKER} Outcome to record"
RECENT_MONTHS = 3
REPEAT_WORDS = {
    "weekly": "weekly",
    "fortnightly": "fortnightly",
    "monthly_date": "monthly",
    "monthly_weekday": "monthly",
}


def short_day(moment: datetime) -> str:
    return WEEKDAYS[moment.weekday()][:3].title()


def start_words(start: datetime, zone: ZoneInfo) -> str:
    """Tue 24/11/2026 10:00"""
    local = start.astimezone(zone)
    return f"{short_day(local)} {uk_date(local.date())} {local:%H:%M}"


def brief_words(start: datetime, zone: ZoneInfo) -> str:
    """Thu 26/11 14:00: a time near enough not to need its year."""
    local = start.astimezone(zone)
    return f"{short_day(local)} {local:%d/%m %H:%M}"


def repeat_mark(repeat: Repeat | None) -> str:
    """ "Repeats weekly", or "" for a one-off."""
    return f"Repeats {REPEAT_WORDS.get(repeat.frequency, 'regularly')}" if repeat else ""


def repeat_words(repeat: Repeat) -> str:
    """ "Repeats weekly until 15/12/2026" or "Repeats fortnightly, 6 times"."""
    if repeat.until is not None:
        return f"{repeat_mark(repeat)} until {uk_date(repeat.until)}"
    return f"{repeat_mark(repeat)}, {repeat.count} times"


def outcome_words(
    person: Attendance, ended: bool, moved_to: Appointment | None, zone: ZoneInfo
) -> str:
    """What happened for the person, in words; "" for an appointment still to come."""
    if person.outcome is None:
        return TO_RECORD if ended else ""
    if person.outcome == "rescheduled":
        return f"Rescheduled to {brief_words(moved_to.start, zone)}" if moved_to else "Rescheduled"
    words = APPOINTMENT_OUTCOMES.label(person.outcome)
    if person.outcome == "acceptable_absence" and person.reason:
        words += f" ({ABSENCE_REASONS.label(person.reason).lower()})"
    return words


def with_whom(appointment: Appointment) -> str:
    """Who the worker meets with, or where: the partner agency first."""
    parts = [p for p in (appointment.met_with, appointment.location) if p]
    return ", ".join(parts)


def recent_first(day: date) -> date:
    return day - relativedelta(months=RECENT_MONTHS)


def attendance_words(recent: Figures, ever: Figures) -> str:
    """ "Attended 67% (2 of 3) in the last 3 months; 71% (5 of 7) in all"."""
    period = f"in the last {RECENT_MONTHS} months"
    if recent.rate is None and ever.rate is None:
        return "Attendance: no appointments have gone ahead yet"
    if recent.rate is None:
        return f"No appointments went ahead {period}; attended {ever.rate_text()} in all"
    return f"Attended {recent.rate_text()} {period}; {ever.rate_text()} in all"


@dataclass(frozen=True)
class Split:
    """One person's appointments: still to come (soonest first) and past (latest first)."""

    upcoming: list[Appointment]
    past: list[Appointment]


def split(appointments: Sequence[Appointment], now: datetime) -> Split:
    upcoming = sorted((a for a in appointments if a.end > now), key=lambda a: a.start)
    past = sorted((a for a in appointments if a.end <= now), key=lambda a: a.start, reverse=True)
    return Split(upcoming, past)


def summary(
    client_id: UUID, appointments: Sequence[Appointment], now: datetime, zone: ZoneInfo
) -> Text:
    """The lines above the tables: attendance, a run of misses, what needs doing."""
    today = now.astimezone(zone).date()
    recent = ap.attendance(appointments, recent_first(today), today, zone, client_id)
    ever = ap.attendance(appointments, date.min, today, zone, client_id)
    text = Text(attendance_words(recent, ever), style="bold")
    notes: list[tuple[str, str]] = []
    in_order = sorted(appointments, key=lambda a: a.start)
    done = [a.person(client_id).outcome for a in in_order if a.end <= now]
    missed = ap.missed_in_a_row(done)
    if missed >= ap.MISSED_IN_A_ROW:
        notes.append((f"{MARKER} Did not attend the last {missed} in a row", "bold"))
    due = sum(1 for a in in_order if a.end <= now and a.person(client_id).outcome is None)
    if due:
        notes.append((f"{MARKER} {due} outcome{'s' if due > 1 else ''} to record", "bold"))
    coming = [a for a in in_order if a.start > now and a.person(client_id).outcome is None]
    if coming:
        notes.append((f"Next: {start_words(coming[0].start, zone)} {coming[0].label()}", ""))
    for index, (words, style) in enumerate(notes):
        text.append("\n" if index == 0 else "  ·  ")
        text.append(words, style=style)
    return text


def appointment_detail(
    appointment: Appointment,
    client_id: UUID,
    now: datetime,
    zone: ZoneInfo,
    others: Mapping[UUID, Appointment],
    goals: Mapping[UUID, str],
) -> Text:
    """The whole appointment as this person's record shows it."""
    text = Text()
    text.append(appointment.label(), style="bold")
    if appointment.title:
        text.append(f" ({ap.APPOINTMENT_KINDS.label(appointment.kind)})")
    text.append(f"\n{when_text(appointment.start, appointment.end, zone)}")
    text.append(f" ({duration_text(appointment.start, appointment.end)})")
    if appointment.repeat is not None:
        text.append(f"  ·  {repeat_words(appointment.repeat)}")
    place = []
    if appointment.location:
        place.append(f"Where: {appointment.location}")
    if appointment.met_with:
        place.append(f"With: {appointment.met_with}")
    if place:
        text.append("\n" + "  ·  ".join(place))
    about = []
    if appointment.purpose:
        about.append(f"Purpose: {appointment.purpose}")
    if appointment.pathway:
        about.append(f"Pathway: {PATHWAYS.label(appointment.pathway)}")
    if appointment.goal_id is not None:
        about.append(f"Goal: {goals.get(appointment.goal_id, 'a goal no longer in the plan')}")
    if about:
        text.append("\n" + "  ·  ".join(about))
    earlier = others.get(appointment.rescheduled_from) if appointment.rescheduled_from else None
    if earlier is not None:
        text.append(f"\nMoved here from {start_words(earlier.start, zone)}.")
    person = appointment.person(client_id)
    moved_to = others.get(person.rescheduled_to) if person.rescheduled_to else None
    ended = appointment.end <= now
    outcome = outcome_words(person, ended, moved_to, zone)
    if outcome:
        text.append("\nOutcome: ", style="bold")
        text.append(outcome, style="bold" if outcome == TO_RECORD else "")
        if person.recorded_at is not None:
            text.append(f", recorded {uk_date(person.recorded_at.astimezone(zone).date())}")
        if person.note:
            text.append(f". {one_line(person.note)}")
    if appointment.notes:
        text.append("\nNotes: ", style="bold")
        text.append(appointment.notes)
    if person.outcome is None:
        hint = "o: record the outcome  ·  m: move it  ·  x: cancel it  ·  Enter: change it"
    else:
        hint = "o: change the outcome  ·  Enter: change the details"
    text.append(f"\n{hint}", style="italic")
    return text


def _book(show: bool = True) -> Binding:
    return Binding(
        "b",
        "screen.book_appointment",
        "Book",
        show=show,
        id="book_appointment",
        tooltip="Book an appointment (one-off or repeating).",
    )


class AppointmentTable(RecordTable[Appointment]):
    """A list of one person's appointments, with the appointment keys."""

    COLUMNS: ClassVar[tuple[Column, ...]] = ()
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "enter",
            "screen.edit_appointment",
            "Change",
            id="edit_appointment",
            tooltip="Change the appointment's time, details or people.",
        ),
        _book(),
        Binding(
            "o",
            "screen.record_outcome",
            "Outcome",
            id="record_outcome",
            tooltip="Record whether the person came, or why not.",
        ),
        Binding(
            "m",
            "screen.reschedule_appointment",
            "Move",
            id="reschedule_appointment",
            tooltip="Move the appointment to a new time (kept, linked to the new one).",
        ),
        Binding(
            "x",
            "screen.cancel_appointment",
            "Cancel appt",
            id="cancel_appointment",
            tooltip="Cancel the appointment, saying who cancelled it.",
        ),
    ]

    def __init__(self, cells_of: Any, empty_text: str, id: str) -> None:
        super().__init__(self.COLUMNS, cells_of, empty_text, id=id)


# "Rescheduled to Thu 26/11 14:00" and "Acceptable absence (court or legal)" fit whole.
OUTCOME_WIDTH = 30


class UpcomingTable(AppointmentTable):
    COLUMNS = (
        Column("when", "When", 20),
        Column("what", "What", 24, min_width=12, squeeze=2),
        Column("where", "With or where", 18, min_width=8, squeeze=1),
        Column("status", "Status", OUTCOME_WIDTH, min_width=14, squeeze=3, flex=True),
    )


class PastTable(AppointmentTable):
    COLUMNS = (
        Column("when", "When", 20),
        Column("what", "What", 24, min_width=12, squeeze=2),
        Column("where", "With or where", 18, min_width=8, squeeze=1),
        Column("outcome", "Outcome", OUTCOME_WIDTH, min_width=18, squeeze=3, flex=True),
    )


class AppointmentPane(Vertical):
    """Attendance, the appointments to come, those past, and the one with the cursor."""

    DEFAULT_CSS = """
    AppointmentPane {
        & > #appointment-summary {
            height: auto;
            padding: 0 1;
        }
        & > .appointment-heading {
            padding: 0 1;
            text-style: bold;
        }
        & > #upcoming-table {
            max-height: 30%;
        }
        & > #past-table {
            max-height: 35%;
        }
        & > .detail {
            height: 1fr;
            min-height: 3;
            border-top: solid $foreground 30%;
            padding: 0 1;
        }
    }
    """

    @dataclass
    class Chosen(Message):
        """Enter, or a click on the cursor row: to change that appointment."""

        appointment: Appointment

    def __init__(self, id: str) -> None:
        super().__init__(id=id)
        self.client_id: UUID | None = None
        self.now = datetime.min
        self.zone = ZoneInfo(ap.DEFAULT_ZONE)
        self.appointments: list[Appointment] = []
        self.goals: dict[UUID, str] = {}
        self._by_id: dict[UUID, Appointment] = {}
        self._showing: AppointmentTable | None = None

    def compose(self) -> ComposeResult:
        yield Static(id="appointment-summary")
        yield Label("Coming up", id="upcoming-heading", classes="appointment-heading")
        yield UpcomingTable(self._upcoming_cells, NO_UPCOMING, id="upcoming-table")
        yield Label("Past", id="past-heading", classes="appointment-heading")
        yield PastTable(self._past_cells, NO_PAST, id="past-table")
        with VerticalScroll(classes="detail"):
            yield Static(id="appointment-detail")

    # Cells ----------------------------------------------------------------------------

    def _common(self, a: Appointment) -> dict[str, Text]:
        return {
            "when": Text(start_words(a.start, self.zone)),
            "what": Text(a.label()),
            "where": Text(with_whom(a) or "—"),
        }

    def _outcome(self, a: Appointment) -> str:
        person = a.people[0]
        moved_to = self._by_id.get(person.rescheduled_to) if person.rescheduled_to else None
        return outcome_words(person, a.end <= self.now, moved_to, self.zone)

    def _upcoming_cells(self, a: Appointment) -> list[Text]:
        cells = self._common(a)
        cells["status"] = Text(self._outcome(a) or repeat_mark(a.repeat) or "Booked")
        return [cells[c.key] for c in self.upcoming_table.columns]

    def _past_cells(self, a: Appointment) -> list[Text]:
        cells = self._common(a)
        words = self._outcome(a)
        cells["outcome"] = Text(words, style="bold" if words == TO_RECORD else "")
        return [cells[c.key] for c in self.past_table.columns]

    # Showing --------------------------------------------------------------------------

    @property
    def upcoming_table(self) -> UpcomingTable:
        return self.query_one(UpcomingTable)

    @property
    def past_table(self) -> PastTable:
        return self.query_one(PastTable)

    def show(
        self,
        record: ClientRecord,
        now: datetime,
        zone: ZoneInfo,
        select: UUID | None = None,
    ) -> None:
        """Show the person's appointments; `select` puts the cursor on one (and its table)."""
        self.client_id = record.client.id
        self.now, self.zone = now, zone
        self.appointments = list(record.appointments)
        self._by_id = {a.id: a for a in self.appointments}
        plan = live_plan(record.plans)
        self.goals = {g.id: one_line(g.words, 60) for g in plan.goals} if plan else {}
        parts = split(self.appointments, now)
        self.query_one("#appointment-summary", Static).update(
            summary(record.client.id, self.appointments, now, zone)
        )
        self.query_one("#upcoming-heading", Label).update(f"Coming up ({len(parts.upcoming)})")
        self.query_one("#past-heading", Label).update(f"Past ({len(parts.past)})")
        wanted = str(select) if select else None
        for table, rows in ((self.upcoming_table, parts.upcoming), (self.past_table, parts.past)):
            keys = [str(a.id) for a in rows]
            table.fill(rows, wanted if wanted in keys else table.cursor_key)
            if wanted in keys:
                self._showing = table
                if self.screen.focused in (self.upcoming_table, self.past_table):
                    table.focus()
        focused = self.screen.focused
        tables = (self.upcoming_table, self.past_table)
        if focused in tables and not focused.rows:  # type: ignore[union-attr]
            self.focus_table()
        self.show_detail()
        self.screen.refresh_bindings()

    def focus_table(self) -> None:
        """Focus the table last used, else upcoming (past if nothing is to come)."""
        table = self._showing
        if table is None or not table.rows:
            table = self.upcoming_table if self.upcoming_table.rows else self.past_table
        table.focus()

    @property
    def current(self) -> Appointment | None:
        table = self._showing or self.upcoming_table
        if not table.rows and table is self.upcoming_table and self._showing is None:
            table = self.past_table
        appointment: Appointment | None = table.current
        return appointment

    @property
    def chosen(self) -> tuple[UUID, UUID] | None:
        """(appointment id, this person) for the row with the cursor, for the actions."""
        appointment = self.current
        if appointment is None or self.client_id is None:
            return None
        return appointment.id, self.client_id

    def show_detail(self) -> None:
        self.query_one("#appointment-detail", Static).update(self.detail())

    def detail(self) -> Text | str:
        appointment = self.current
        if appointment is None or self.client_id is None:
            return NO_UPCOMING
        return appointment_detail(
            appointment, self.client_id, self.now, self.zone, self._by_id, self.goals
        )

    @on(RecordTable.CursorMoved)
    def _cursor_moved(self, event: RecordTable.CursorMoved) -> None:
        if event.table is self._showing or self._showing is None:
            self.show_detail()

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        if isinstance(event.widget, AppointmentTable):
            self._showing = event.widget
            self.show_detail()
            self.screen.refresh_bindings()

    @on(RowTable.RowSelected)
    def _row_chosen(self, event: RowTable.RowSelected) -> None:
        event.stop()
        if isinstance(event.table, AppointmentTable):
            current = event.table.current
            if current is not None:
                self.post_message(self.Chosen(current))
