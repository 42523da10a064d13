"""Appointments: booking, repeating, outcomes and attendance.

An appointment has a start and an end (kept in UTC, read and typed in the worker's own
time zone, Europe/London unless they choose another) and one or more people: a
one-to-one has one, a group session several, and each person has their own outcome.

Repeating appointments are built with dateutil's rrule on the local wall clock, so a
weekly 10:00 stays at 10:00 when the clocks change; each occurrence is then its own
appointment carrying the series' id, so one can be changed or cancelled alone, or it
and all that follow it.

Attendance counts what happened: the rate is the appointments attended (on time or
late) out of those the person was expected at that went ahead (attended, late, or did
not attend). Acceptable absences, cancellations and rescheduled appointments are counted
apart and do not lower it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Annotated, Literal, Self
from uuid import UUID
from zoneinfo import ZoneInfo

from dateutil.rrule import FR, MO, MONTHLY, SA, SU, TH, TU, WE, WEEKLY, rrule
from pydantic import Field, model_validator

from keyworker.dates import uk_date
from keyworker.errors import InvalidInput
from keyworker.identifiers import new_id
from keyworker.models import Line, Pathway, Record, RiskFlag, Text, UtcDatetime
from keyworker.times import local as to_local
from keyworker.vocabulary import (
    ABSENCE_REASONS,
    APPOINTMENT_KINDS,
    APPOINTMENT_OUTCOMES,
    REPEAT_FREQUENCIES,
    coded,
)

AppointmentKind = coded(APPOINTMENT_KINDS)
Outcome = coded(APPOINTMENT_OUTCOMES)
AbsenceReason = coded(ABSENCE_REASONS)
Frequency = coded(REPEAT_FREQUENCIES)

DEFAULT_ZONE = "Europe/London"
MAX_LENGTH = timedelta(hours=12)
MAX_OCCURRENCES = 104
"""Two years of weekly appointments: more than that is a mistake in the end date."""
MAX_PEOPLE = 60
"""A large group session; more than this is a mistake."""

ATTENDED = ("attended", "attended_late")
"""The person came."""
EXPECTED = ("attended", "attended_late", "did_not_attend")
"""The appointment went ahead and the person was expected: these make the rate."""
NEUTRAL = ("acceptable_absence", "cancelled_by_person", "cancelled_by_service", "rescheduled")
"""Neither attended nor missed: they do not count towards the rate or a run of misses."""
OFF = ("cancelled_by_person", "cancelled_by_service", "rescheduled")
"""The appointment is no longer happening for this person."""
NEEDS_START = ("attended", "attended_late", "did_not_attend")
"""Outcomes that can only be known once the appointment has started."""
STAFF_RISK_FLAGS = ("lone_working",)
"""Flags that matter when the worker goes to the person alone."""
VISIT_KINDS = ("home_visit",)
"""Kinds of appointment where the worker goes to the person's home."""
MISSED_IN_A_ROW = 2
"""Consecutive non-attendances that make an engagement concern (shared/domain.md)."""

_WEEKDAYS = (MO, TU, WE, TH, FR, SA, SU)


class Attendance(Record):
    """One person at an appointment and what happened for them."""

    client_id: UUID
    outcome: Outcome | None = None
    reason: AbsenceReason | None = None
    """Why an acceptable absence was acceptable."""
    note: Text = ""
    rescheduled_to: UUID | None = None
    """The appointment this one was moved to, when the outcome is "rescheduled"."""
    recorded_at: UtcDatetime | None = None

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if self.outcome == "acceptable_absence" and self.reason is None:
            raise ValueError("an acceptable absence needs a reason")
        if self.reason is not None and self.outcome != "acceptable_absence":
            raise ValueError("a reason is only given for an acceptable absence")
        if self.rescheduled_to is not None and self.outcome != "rescheduled":
            raise ValueError("only a rescheduled appointment links to a new one")
        return self


class Repeat(Record):
    """How a series repeats: how often, and until a date or for a number of times."""

    frequency: Frequency
    until: date | None = None
    count: Annotated[int, Field(ge=2, le=MAX_OCCURRENCES)] | None = None

    @model_validator(mode="after")
    def _one_end(self) -> Self:
        if (self.until is None) == (self.count is None):
            raise ValueError("a repeat ends on a date or after a number of times, not both")
        return self


class Appointment(Record):
    """A time booked with one person (or several, for a group session)."""

    id: UUID = Field(default_factory=new_id)
    start: UtcDatetime
    end: UtcDatetime
    kind: AppointmentKind
    title: Line = ""
    """A name for a group session ("Women's centre group"), shown instead of the kind."""
    location: Line = ""
    met_with: Line = ""
    """The partner agency or person met (the GP surgery, the housing officer)."""
    agency_id: UUID | None = None
    pathway: Pathway | None = None
    goal_id: UUID | None = None
    """The plan goal this appointment works towards, if any."""
    purpose: Line = ""
    notes: Text = ""
    people: Annotated[list[Attendance], Field(min_length=1, max_length=MAX_PEOPLE)]
    series_id: UUID | None = None
    repeat: Repeat | None = None
    rescheduled_from: UUID | None = None
    booked_at: UtcDatetime | None = None

    @model_validator(mode="after")
    def _sensible(self) -> Self:
        if self.end <= self.start:
            raise ValueError("an appointment must end after it starts")
        if self.end - self.start > MAX_LENGTH:
            raise ValueError("an appointment can last at most 12 hours")
        ids = [p.client_id for p in self.people]
        if len(set(ids)) != len(ids):
            raise ValueError("a person is listed twice at the same appointment")
        if (self.series_id is None) != (self.repeat is None):
            raise ValueError("a repeating appointment needs both its series and its repeat")
        return self

    @property
    def client_ids(self) -> list[UUID]:
        return [p.client_id for p in self.people]

    @property
    def is_group(self) -> bool:
        return self.kind == "group_session" or len(self.people) > 1

    @property
    def cancelled(self) -> bool:
        """Nobody is coming any more: every person's appointment was cancelled or moved."""
        return all(p.outcome in OFF for p in self.people)

    @property
    def awaiting(self) -> list[UUID]:
        """People whose outcome has not been recorded yet."""
        return [p.client_id for p in self.people if p.outcome is None]

    def person(self, client_id: UUID) -> Attendance:
        for attendance in self.people:
            if attendance.client_id == client_id:
                return attendance
        raise InvalidInput("That person is not booked on this appointment.")

    def label(self) -> str:
        """What the appointment is, for lists: the group's title or the kind."""
        return self.title or APPOINTMENT_KINDS.label(self.kind)

    def only_for(self, client_id: UUID) -> Appointment:
        """This appointment as one person's record shows it: without the other people."""
        return self.model_copy(update={"people": [self.person(client_id)]})


# Time zones ----------------------------------------------------------------------------


def from_local(wall: datetime, zone: ZoneInfo) -> datetime:
    """A naive local wall-clock time as aware UTC (the first of two in the autumn hour)."""
    return wall.replace(tzinfo=zone, fold=0).astimezone(UTC)


# Repeating -----------------------------------------------------------------------------


def occurrence_starts(start: datetime, repeat: Repeat, zone: ZoneInfo) -> list[datetime]:
    """The start of each occurrence, in UTC, keeping the first one's local clock time.

    Monthly on the same date falls on the month's last day when it is shorter (the 31st
    becomes the 30th in April); monthly on the same weekday keeps "the 2nd Tuesday", or
    "the last Friday" when the first was in the last week of its month.

    Raises:
        InvalidInput: the series would be empty or longer than two years of weeks.
    """
    wall = to_local(start, zone).replace(tzinfo=None)
    rule = _rule(wall, repeat)
    walls = list(rule.xafter(wall - timedelta(seconds=1), count=MAX_OCCURRENCES + 1, inc=True))
    if repeat.until is not None:
        walls = [w for w in walls if w.date() <= repeat.until]
    if len(walls) > MAX_OCCURRENCES:
        raise InvalidInput(
            f"That would book more than {MAX_OCCURRENCES} appointments. Choose an earlier end "
            "date or a number of times."
        )
    if len(walls) < 2:
        raise InvalidInput(
            f"The repeat ends before a second appointment (end date {uk_date(repeat.until)}). "
            "Choose a later end date."
        )
    return [from_local(w, zone) for w in walls]


def _rule(wall: datetime, repeat: Repeat) -> rrule:
    count = repeat.count or MAX_OCCURRENCES + 1
    if repeat.frequency == "weekly":
        return rrule(WEEKLY, dtstart=wall, count=count)
    if repeat.frequency == "fortnightly":
        return rrule(WEEKLY, interval=2, dtstart=wall, count=count)
    if repeat.frequency == "monthly_date":
        if wall.day <= 28:
            return rrule(MONTHLY, dtstart=wall, count=count)
        return rrule(MONTHLY, dtstart=wall, bymonthday=(wall.day, -1), bysetpos=1, count=count)
    nth = (wall.day - 1) // 7 + 1
    last_week = (wall + timedelta(days=7)).month != wall.month
    weekday = _WEEKDAYS[wall.weekday()]
    which = weekday(-1) if last_week and nth > 4 else weekday(nth)
    return rrule(MONTHLY, dtstart=wall, byweekday=which, count=count)


def book_series(first: Appointment, repeat: Repeat, zone: ZoneInfo) -> list[Appointment]:
    """Every appointment of a new series, the first one first; each its own record."""
    length = first.end - first.start
    series = new_id()
    return [
        first.model_copy(
            update={
                "id": first.id if index == 0 else new_id(),
                "start": start,
                "end": start + length,
                "series_id": series,
                "repeat": repeat,
            }
        )
        for index, start in enumerate(occurrence_starts(first.start, repeat, zone))
    ]


def this_and_following(series: Iterable[Appointment], this: Appointment) -> list[Appointment]:
    """This occurrence and the later ones still to happen (no outcome yet for anyone)."""
    return sorted(
        (
            a
            for a in series
            if a.series_id == this.series_id
            and (a.id == this.id or (a.start > this.start and len(a.awaiting) == len(a.people)))
        ),
        key=lambda a: a.start,
    )


_SHARED = ("kind", "title", "location", "met_with", "agency_id", "pathway", "goal_id", "purpose")


def change_following(
    following: Sequence[Appointment], before: Appointment, after: Appointment, zone: ZoneInfo
) -> list[Appointment]:
    """Apply one occurrence's change to it and every occurrence after it.

    A move in time is made on the local wall clock (Tuesday 10:00 to Wednesday 11:00
    moves every later Tuesday 10:00 to the Wednesday at 11:00, whatever the clocks do);
    the new length, details and people apply to all. Notes stay each occurrence's own,
    except on the one that was edited.
    """
    shift = _wall(after.start, zone) - _wall(before.start, zone)
    length = after.end - after.start
    details = {name: getattr(after, name) for name in _SHARED}
    changed = []
    for occurrence in following:
        if occurrence.id == after.id:
            changed.append(after)
            continue
        start = from_local(_wall(occurrence.start, zone) + shift, zone)
        people = [Attendance(client_id=p.client_id) for p in after.people]
        changed.append(
            occurrence.model_copy(
                update={**details, "start": start, "end": start + length, "people": people}
            )
        )
    return changed


def _wall(moment: datetime, zone: ZoneInfo) -> datetime:
    return to_local(moment, zone).replace(tzinfo=None)


# Outcomes ------------------------------------------------------------------------------


def with_outcome(
    appointment: Appointment,
    client_id: UUID,
    outcome: str,
    now: datetime,
    *,
    reason: str | None = None,
    note: str = "",
    rescheduled_to: UUID | None = None,
) -> Appointment:
    """The appointment with one person's outcome recorded.

    Raises:
        InvalidInput: attendance recorded before the appointment has started, or an
            acceptable absence without its reason.
    """
    if outcome in NEEDS_START and appointment.start > now:
        raise InvalidInput(
            f"This appointment has not started yet ({uk_date(appointment.start.date())}). "
            "Record whether they came once it has, or cancel or reschedule it."
        )
    if outcome == "acceptable_absence" and not reason:
        raise InvalidInput("Please choose the reason the absence was acceptable.")
    try:
        recorded = Attendance(
            client_id=client_id,
            outcome=outcome,
            reason=reason if outcome == "acceptable_absence" else None,
            note=note,
            rescheduled_to=rescheduled_to,
            recorded_at=now,
        )
    except ValueError as error:
        raise InvalidInput(f"That outcome cannot be recorded: {error}.") from error
    appointment.person(client_id)
    people = [recorded if p.client_id == client_id else p for p in appointment.people]
    return appointment.model_copy(update={"people": people})


def cancelled(
    appointment: Appointment, by: Literal["person", "service"], now: datetime, note: str = ""
) -> Appointment:
    """The appointment called off for everyone still due to come."""
    outcome = f"cancelled_by_{by}"
    people = [
        p
        if p.outcome is not None
        else Attendance(client_id=p.client_id, outcome=outcome, note=note, recorded_at=now)
        for p in appointment.people
    ]
    return appointment.model_copy(update={"people": people})


def rescheduled(
    appointment: Appointment,
    client_id: UUID,
    start: datetime,
    end: datetime,
    now: datetime,
    note: str = "",
) -> tuple[Appointment, Appointment]:
    """Move one person's appointment: the old one says "rescheduled" and links to the new.

    The new appointment is for that person alone (the rest of a group stay where they
    are), with the same details, and is not part of any series.
    """
    fresh = Appointment(
        **appointment.model_dump(
            include={"kind", "title", "location", "met_with", "agency_id", "pathway"}
            | {"goal_id", "purpose", "notes"}
        ),
        start=start,
        end=end,
        people=[Attendance(client_id=client_id)],
        rescheduled_from=appointment.id,
        booked_at=now,
    )
    old = with_outcome(
        appointment, client_id, "rescheduled", now, note=note, rescheduled_to=fresh.id
    )
    return old, fresh


def outcomes_due(appointments: Iterable[Appointment], now: datetime) -> list[Appointment]:
    """Appointments that have ended with someone's outcome still to record, oldest first."""
    return sorted((a for a in appointments if a.end <= now and a.awaiting), key=lambda a: a.start)


# Warnings ------------------------------------------------------------------------------


def overlapping(candidate: Appointment, others: Iterable[Appointment]) -> list[Appointment]:
    """The worker's other appointments that clash with this one (cancelled ones aside)."""
    return sorted(
        (
            other
            for other in others
            if other.id != candidate.id
            and not other.cancelled
            and other.start < candidate.end
            and candidate.start < other.end
        ),
        key=lambda a: a.start,
    )


def staff_risk(kind: str, flags: Iterable[RiskFlag]) -> list[RiskFlag]:
    """The person's live risk-to-staff flags, when this kind of appointment is a visit."""
    if kind not in VISIT_KINDS:
        return []
    return [f for f in flags if f.kind in STAFF_RISK_FLAGS and f.ended_on is None]


# Attendance ----------------------------------------------------------------------------


@dataclass
class Figures:
    """What happened at a set of appointments, counted per person booked."""

    counts: dict[str, int] = field(
        default_factory=lambda: dict.fromkeys(APPOINTMENT_OUTCOMES.codes, 0)
    )
    not_recorded: int = 0

    def add(self, outcome: str | None) -> None:
        if outcome is None:
            self.not_recorded += 1
        else:
            self.counts[outcome] = self.counts.get(outcome, 0) + 1

    @property
    def attended(self) -> int:
        return sum(self.counts.get(code, 0) for code in ATTENDED)

    @property
    def expected(self) -> int:
        return sum(self.counts.get(code, 0) for code in EXPECTED)

    @property
    def rate(self) -> float | None:
        """Attended out of expected, or None when nothing went ahead."""
        return self.attended / self.expected if self.expected else None

    def rate_text(self) -> str:
        """ "75% (3 of 4)", or "No appointments went ahead"."""
        if self.rate is None:
            return "No appointments went ahead"
        return f"{round(self.rate * 100)}% ({self.attended} of {self.expected})"


def attendance(
    appointments: Iterable[Appointment],
    first: date,
    last: date,
    zone: ZoneInfo,
    client_id: UUID | None = None,
) -> Figures:
    """Outcomes of appointments that started on local days first..last (inclusive).

    For one person when `client_id` is given, otherwise for everyone booked.
    """
    figures = Figures()
    for appointment in appointments:
        if not first <= to_local(appointment.start, zone).date() <= last:
            continue
        for person in appointment.people:
            if client_id is None or person.client_id == client_id:
                figures.add(person.outcome)
    return figures


def missed_in_a_row(outcomes: Iterable[str | None]) -> int:
    """How many of the most recent appointments in a row the person did not attend.

    `outcomes` in time order. Acceptable absences, cancellations and reschedules are
    passed over; an attendance ends the run; appointments without an outcome yet are
    passed over (they are listed to be completed).
    """
    run = 0
    for outcome in outcomes:
        if outcome in ATTENDED:
            run = 0
        elif outcome == "did_not_attend":
            run += 1
    return run


# Agenda rows ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AgendaPerson:
    """One person on an agenda line: enough to show and find them, nothing more."""

    client_id: UUID
    case_ref: str
    name: str
    outcome: str | None
    staff_risk: str = ""
    """The risk-to-staff flag to show on a home visit ("Risk to staff / lone working: high")."""


@dataclass(frozen=True, slots=True)
class AgendaEntry:
    """An appointment as the agenda lists it."""

    id: UUID
    start: datetime
    end: datetime
    kind: str
    title: str
    location: str
    met_with: str
    series_id: UUID | None
    people: tuple[AgendaPerson, ...]

    def label(self) -> str:
        return self.title or APPOINTMENT_KINDS.label(self.kind)

    @property
    def cancelled(self) -> bool:
        return all(p.outcome in OFF for p in self.people)

    @property
    def awaiting(self) -> list[UUID]:
        return [p.client_id for p in self.people if p.outcome is None]

    @property
    def staff_risk(self) -> list[str]:
        return [f"{p.case_ref} {p.staff_risk}" for p in self.people if p.staff_risk]
