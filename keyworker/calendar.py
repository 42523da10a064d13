"""Appointments as an iCalendar file, for Outlook or any other calendar.

A work calendar is seen by colleagues, assistants, phones and sync services, so by
default the file says no more than the worker needs to find the appointment: when, the
case reference and the kind of appointment. Names appear only when the worker asks for
them; addresses, locations (a home visit's location is an address), notes, purposes and
the people met never do.

Times are written in the worker's own time zone with a VTIMEZONE that states its rules
as yearly patterns ("the last Sunday in October"). Outlook misreads the list-of-dates
form some libraries write and shifts summer appointments by an hour; the yearly form is
what calendars themselves write, and every calendar reads it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, Timezone, TimezoneDaylight, TimezoneStandard

from keyworker.appointments import OFF, AgendaEntry, AgendaPerson
from keyworker.vocabulary import APPOINTMENT_KINDS

PRODUCT_ID = "-//Keyworker Assistant//Appointments//EN"
CALENDAR_NAME = "Keyworker appointments"
UID_DOMAIN = "keyworker-assistant"
_SEPARATOR = " · "
_WEEKDAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
_SCAN_STEP = timedelta(minutes=15)


def calendar_file(
    entries: Sequence[AgendaEntry], zone: ZoneInfo, *, with_names: bool, made_at: datetime
) -> bytes:
    """The appointments as an .ics file, one event each, times in `zone`.

    Args:
        entries: the appointments, as the agenda reads them.
        zone: the worker's time zone; times are written in it, with its rules.
        with_names: add people's names to each event's summary and description.
        made_at: when the file is made (each event's DTSTAMP).
    """
    calendar = Calendar()
    calendar.add("PRODID", PRODUCT_ID)
    calendar.add("VERSION", "2.0")
    calendar.add("CALSCALE", "GREGORIAN")
    calendar.add("METHOD", "PUBLISH")
    calendar.calendar_name = CALENDAR_NAME
    days = [local.date() for e in entries for local in (e.start.astimezone(zone),)]
    first = min(days, default=made_at.astimezone(zone).date())
    last = max(days, default=first)
    calendar.add_component(time_zone_component(zone, first.year, last.year))
    for entry in entries:
        calendar.add_component(_event(entry, zone, with_names, made_at))
    return calendar.to_ical()


def event_uid(entry: AgendaEntry) -> str:
    """The same appointment keeps the same UID, so importing again updates it."""
    return f"{entry.id}@{UID_DOMAIN}"


def summary(entry: AgendaEntry, *, with_names: bool) -> str:
    """KW-7F3Q2 · Home visit; a group: Women's centre group · 6 people."""
    people = _expected(entry)
    if len(entry.people) == 1:
        person = entry.people[0]
        who = f"{person.case_ref} {person.name}" if with_names else person.case_ref
        return f"{who}{_SEPARATOR}{_kind(entry)}"
    count = len(people)
    return f"{entry.label()}{_SEPARATOR}{count} {'person' if count == 1 else 'people'}"


def description(entry: AgendaEntry, *, with_names: bool) -> str:
    """Who is coming to a group session (case references; names only when asked)."""
    if len(entry.people) == 1:
        person = entry.people[0]
        return f"{person.case_ref} {person.name}" if with_names else ""
    return "\n".join(_who(p, with_names) for p in _expected(entry))


def _event(entry: AgendaEntry, zone: ZoneInfo, with_names: bool, made_at: datetime) -> Event:
    event = Event()
    event.add("UID", event_uid(entry))
    event.add("DTSTAMP", made_at.astimezone(UTC))
    event.add("DTSTART", entry.start.astimezone(zone))
    event.add("DTEND", entry.end.astimezone(zone))
    event.add("SUMMARY", summary(entry, with_names=with_names))
    text = description(entry, with_names=with_names)
    if text:
        event.add("DESCRIPTION", text)
    event.add("STATUS", "CANCELLED" if entry.cancelled else "CONFIRMED")
    event.add("CLASS", "PRIVATE")
    return event


def _kind(entry: AgendaEntry) -> str:
    """A one-to-one's kind: its title is free text and is not needed to find it."""
    return APPOINTMENT_KINDS.label(entry.kind)


def _expected(entry: AgendaEntry) -> tuple[AgendaPerson, ...]:
    """People still coming (everyone, once the whole appointment is called off)."""
    coming = tuple(p for p in entry.people if p.outcome not in OFF)
    return coming or entry.people


def _who(person: AgendaPerson, with_names: bool) -> str:
    return f"{person.case_ref} {person.name}" if with_names else person.case_ref


# The time zone's rules -----------------------------------------------------------------


def time_zone_component(zone: ZoneInfo, first_year: int, last_year: int) -> Timezone:
    """A VTIMEZONE for `zone`, right for every day from a year before `first_year` to a
    year after `last_year`.

    The clock changes are written as yearly rules (BYMONTH, BYDAY) when the zone follows
    the same rule in every one of those years, as most do; otherwise (a zone whose rules
    changed in that time, or that follow no yearly rule) each change is written on its
    own, which is right for every calendar that follows the standard.
    """
    years = range(first_year - 1, last_year + 2)
    changes = [change for year in years for change in _changes(zone, year)]
    component = Timezone()
    component.add("TZID", zone.key)
    rules = _yearly_rules(changes, years) if changes else None
    if rules is not None:
        for (before, after, name, summer), (onset, month, byday) in rules.items():
            observance = _observance(onset, before, after, name, summer)
            observance.add("RRULE", {"FREQ": "YEARLY", "BYMONTH": month, "BYDAY": byday})
            component.add_component(observance)
        return component
    opening = datetime(years[0], 1, 1, tzinfo=UTC).astimezone(zone)
    offset = opening.utcoffset() or timedelta()
    component.add_component(
        _observance(
            datetime(years[0], 1, 1), offset, offset, opening.tzname() or "", bool(opening.dst())
        )
    )
    for change in changes:
        component.add_component(_observance(*change))
    return component


def _observance(
    onset: datetime, before: timedelta, after: timedelta, name: str, summer: bool
) -> TimezoneStandard | TimezoneDaylight:
    observance = TimezoneDaylight() if summer else TimezoneStandard()
    observance.add("DTSTART", onset)
    observance.add("TZOFFSETFROM", before)
    observance.add("TZOFFSETTO", after)
    if name:
        observance.add("TZNAME", name)
    return observance


_Change = tuple[datetime, timedelta, timedelta, str, bool]
"""A clock change: the local time it happens (on the clock before), the offsets before
and after, the zone's name after, and whether it is summer time after."""


def _changes(zone: ZoneInfo, year: int) -> list[_Change]:
    """The clock changes in `zone` during `year`, in order."""
    moment = datetime(year, 1, 1, tzinfo=UTC)
    end = datetime(year + 1, 1, 1, tzinfo=UTC)
    found: list[_Change] = []
    offset = _offset(moment, zone)
    while moment < end:
        next_day = moment + timedelta(days=1)
        if _offset(next_day, zone) != offset:
            moment = _change_within(moment, next_day, offset, zone)
            local = moment.astimezone(zone)
            after = _offset(moment, zone)
            found.append(
                (
                    (moment + offset).replace(tzinfo=None),
                    offset,
                    after,
                    local.tzname() or "",
                    bool(local.dst()),
                )
            )
            offset = after
        moment = next_day
    return found


def _change_within(start: datetime, end: datetime, before: timedelta, zone: ZoneInfo) -> datetime:
    moment = start
    while moment < end and _offset(moment, zone) == before:
        moment += _SCAN_STEP
    return moment


def _offset(moment: datetime, zone: ZoneInfo) -> timedelta:
    return moment.astimezone(zone).utcoffset() or timedelta()


def _yearly_rules(
    changes: list[_Change], years: range
) -> dict[tuple[timedelta, timedelta, str, bool], tuple[datetime, int, str]] | None:
    """Each kind of change and its yearly rule, or None when they are not yearly rules."""
    rules: dict[tuple[timedelta, timedelta, str, bool], tuple[datetime, int, str]] = {}
    seen: dict[tuple[timedelta, timedelta, str, bool], int] = {}
    for onset, before, after, name, summer in changes:
        key = (before, after, name, summer)
        rule = (onset.month, _byday(onset.date()), onset.time())
        first = rules.get(key)
        if first is None:
            rules[key] = (onset, rule[0], rule[1])
        elif (first[1], first[2], first[0].time()) != rule:
            return None
        seen[key] = seen.get(key, 0) + 1
    if any(count != len(years) for count in seen.values()):
        return None
    return rules


def _byday(day: date) -> str:
    """The day as a yearly rule reads it: 1SU (the first Sunday) or -1SU (the last)."""
    weekday = _WEEKDAY_CODES[day.weekday()]
    if (day + timedelta(days=7)).month != day.month:
        return f"-1{weekday}"
    return f"{(day.day - 1) // 7 + 1}{weekday}"
