"""The calendar file: read back with icalendar, in local time, and nothing personal in it."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from uuid import UUID
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from keyworker import appointments as ap
from keyworker.appointments import AgendaEntry, AgendaPerson, Repeat
from keyworker.calendar import calendar_file, time_zone_component
from storage import Caseload
from tests.conftest import NOW, make_appointment, make_client

LONDON = ZoneInfo("Europe/London")
WEEK = (datetime(2026, 11, 23, tzinfo=UTC), datetime(2026, 11, 30, tzinfo=UTC))


def entry(*people: tuple[str, str, str | None], kind: str = "one_to_one", **fields) -> AgendaEntry:
    start = fields.pop("start", datetime(2026, 11, 24, 10, tzinfo=UTC))
    return AgendaEntry(
        id=fields.pop("id", UUID("8a1d6c3e-0000-4000-8000-000000000001")),
        start=start,
        end=start + timedelta(hours=1),
        kind=kind,
        title=fields.pop("title", ""),
        location=fields.pop("location", ""),
        met_with=fields.pop("met_with", ""),
        series_id=None,
        people=tuple(
            AgendaPerson(UUID(int=n + 1), ref, name, outcome)
            for n, (ref, name, outcome) in enumerate(people)
        ),
    )


def parsed(data: bytes) -> Calendar:
    return Calendar.from_ical(data)


def test_one_event_per_appointment_with_case_reference_and_kind() -> None:
    entries = [
        entry(("KW-7F3Q2", "Dan Price", None), kind="home_visit"),
        entry(
            ("KW-AAAAA", "Ann Lee", None),
            ("KW-BBBBB", "Bea Cole", None),
            ("KW-CCCCC", "Cat Day", "cancelled_by_person"),
            kind="group_session",
            title="Women's centre group",
            id=UUID("8a1d6c3e-0000-4000-8000-000000000002"),
        ),
    ]
    calendar = parsed(calendar_file(entries, LONDON, with_names=False, made_at=NOW))
    events = calendar.events
    assert len(events) == 2
    assert [str(e["SUMMARY"]) for e in events] == [
        "KW-7F3Q2 · Home visit",
        "Women's centre group · 2 people",
    ]
    assert str(events[1]["DESCRIPTION"]) == "KW-AAAAA\nKW-BBBBB"
    assert "DESCRIPTION" not in events[0]
    assert [str(e["STATUS"]) for e in events] == ["CONFIRMED", "CONFIRMED"]
    assert events[0].DTSTAMP == NOW
    assert str(calendar["PRODID"]) == "-//Keyworker Assistant//Appointments//EN"
    assert calendar.calendar_name == "Keyworker appointments"


def test_times_are_local_with_the_zones_rules_in_the_file() -> None:
    summer = entry(("KW-7F3Q2", "Dan Price", None), start=datetime(2026, 7, 1, 9, tzinfo=UTC))
    winter = entry(
        ("KW-7F3Q2", "Dan Price", None),
        start=datetime(2026, 12, 1, 10, tzinfo=UTC),
        id=UUID("8a1d6c3e-0000-4000-8000-000000000003"),
    )
    calendar = parsed(calendar_file([summer, winter], LONDON, with_names=False, made_at=NOW))
    starts = [e["DTSTART"] for e in calendar.events]
    assert [s.params["TZID"] for s in starts] == ["Europe/London", "Europe/London"]
    assert [s.dt.replace(tzinfo=None) for s in starts] == [
        datetime(2026, 7, 1, 10),
        datetime(2026, 12, 1, 10),
    ]
    assert [t.tz_name for t in calendar.timezones] == ["Europe/London"]
    # The zone's rules as written (not looked up by name) give the right offsets.
    rules = calendar.timezones[0].to_tz(lookup_tzid=False)
    assert datetime(2026, 7, 1, 10, tzinfo=rules).utcoffset() == timedelta(hours=1)
    assert datetime(2026, 12, 1, 10, tzinfo=rules).utcoffset() == timedelta(0)
    daylight = calendar.timezones[0].walk("DAYLIGHT")[0]
    assert daylight["RRULE"].to_ical() == b"FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3"


@pytest.mark.parametrize(
    "name", ["Europe/London", "America/New_York", "Australia/Sydney", "Asia/Kolkata"]
)
def test_the_written_rules_agree_with_the_zone_every_hour_for_two_years(name: str) -> None:
    zone = ZoneInfo(name)
    holder = Calendar()
    holder.add_component(time_zone_component(zone, 2026, 2027))
    rules = parsed(holder.to_ical()).timezones[0].to_tz(lookup_tzid=False)
    wrong = [
        moment
        for hour in range(0, 2 * 365 * 24)
        for moment in (datetime(2026, 1, 1, tzinfo=UTC) + timedelta(hours=hour),)
        if moment.astimezone(rules).utcoffset() != moment.astimezone(zone).utcoffset()
    ]
    assert wrong == []


def test_a_weekly_ten_oclock_stays_at_ten_across_the_october_change(caseload: Caseload) -> None:
    client = make_client(caseload, "Dan Price")
    first = make_appointment(client, day=13, month=10, hour=9)  # 10:00 BST
    series = caseload.book(ap.book_series(first, Repeat(frequency="weekly", count=4), LONDON))
    entries = caseload.agenda(datetime(2026, 10, 1, tzinfo=UTC), datetime(2026, 11, 30, tzinfo=UTC))
    calendar = parsed(calendar_file(entries, LONDON, with_names=False, made_at=NOW))
    starts = [e["DTSTART"] for e in calendar.events]
    assert [s.dt.replace(tzinfo=None) for s in starts] == [
        datetime(2026, 10, day, 10) for day in (13, 20, 27)
    ] + [datetime(2026, 11, 3, 10)]
    assert {s.params["TZID"] for s in starts} == {"Europe/London"}
    # Across the change the UTC hour moves, the local one does not.
    assert [a.start.hour for a in series] == [9, 9, 10, 10]


def test_cancelled_or_moved_for_everyone_is_a_cancelled_event() -> None:
    entries = [
        entry(("KW-7F3Q2", "Dan Price", "cancelled_by_service")),
        entry(
            ("KW-AAAAA", "Ann Lee", "rescheduled"),
            ("KW-BBBBB", "Bea Cole", "cancelled_by_person"),
            kind="group_session",
            id=UUID("8a1d6c3e-0000-4000-8000-000000000002"),
        ),
        entry(
            ("KW-CCCCC", "Cat Day", "did_not_attend"),
            id=UUID("8a1d6c3e-0000-4000-8000-000000000003"),
        ),
    ]
    calendar = parsed(calendar_file(entries, LONDON, with_names=False, made_at=NOW))
    assert [str(e["STATUS"]) for e in calendar.events] == ["CANCELLED", "CANCELLED", "CONFIRMED"]
    # A group called off for everyone still says how many were booked.
    assert str(calendar.events[1]["SUMMARY"]) == "Group session · 2 people"


def test_the_uid_is_the_appointments_and_stays_the_same_on_another_export() -> None:
    one = entry(("KW-7F3Q2", "Dan Price", None))
    first = parsed(calendar_file([one], LONDON, with_names=False, made_at=NOW))
    later = NOW + timedelta(days=3)
    again = parsed(calendar_file([one], LONDON, with_names=True, made_at=later))
    uids = [str(c.events[0]["UID"]) for c in (first, again)]
    assert uids == ["8a1d6c3e-0000-4000-8000-000000000001@keyworker-assistant"] * 2
    assert later == again.events[0].DTSTAMP


def test_an_empty_range_is_still_a_calendar() -> None:
    calendar = parsed(calendar_file([], LONDON, with_names=False, made_at=NOW))
    assert calendar.events == []
    assert [t.tz_name for t in calendar.timezones] == ["Europe/London"]


PRIVATE = (
    "Zephaniah",
    "Quennell-Ashby",
    "Zeph",
    "Marguerite",
    "Okonkwo-Vance",
    "17 Larkspur Terrace",
    "Larkspur",
    "Flat 3b Mossgiel Court",
    "Mossgiel",
    "Dr Hollingbrook",
    "Hollingbrook",
    "Talked about relapse",
    "relapse",
    "Tenancy sustainment forms",
    "sustainment",
    "HMP Brackenfield",
    "Brackenfield",
)


def _private_caseload(caseload: Caseload):
    zeph = make_client(
        caseload,
        "Zephaniah Quennell-Ashby",
        preferred_name="Zeph",
        address="17 Larkspur Terrace, Hull",
    )
    marguerite = make_client(caseload, "Marguerite Okonkwo-Vance")
    caseload.book(
        [
            make_appointment(
                zeph,
                kind="home_visit",
                location="17 Larkspur Terrace",
                notes="Talked about relapse",
                purpose="Tenancy sustainment forms",
                met_with="Dr Hollingbrook",
            ),
            make_appointment(
                zeph,
                marguerite,
                day=25,
                kind="group_session",
                location="Flat 3b Mossgiel Court",
                met_with="HMP Brackenfield",
            ),
            make_appointment(
                marguerite,
                day=26,
                kind="accompanied_gp",
                location="Flat 3b Mossgiel Court",
                met_with="Dr Hollingbrook",
                notes="Talked about relapse",
            ),
        ]
    )
    return zeph, marguerite


def test_nothing_personal_is_in_the_file_by_default(caseload: Caseload) -> None:
    zeph, marguerite = _private_caseload(caseload)
    data = calendar_file(caseload.agenda(*WEEK), LONDON, with_names=False, made_at=NOW)
    text = data.decode("utf-8")
    # Folded lines are unfolded first, so a word split across two lines is still found.
    unfolded = text.replace("\r\n ", "")
    leaked = [word for word in PRIVATE if word in unfolded]
    assert leaked == []
    assert zeph.case_ref in unfolded and marguerite.case_ref in unfolded
    assert len(parsed(data).events) == 3
    assert all("LOCATION" not in e for e in parsed(data).events)


def test_names_appear_only_when_asked_and_only_in_summary_and_description(
    caseload: Caseload,
) -> None:
    zeph, marguerite = _private_caseload(caseload)
    data = calendar_file(caseload.agenda(*WEEK), LONDON, with_names=True, made_at=NOW)
    events = parsed(data).events
    assert str(events[0]["SUMMARY"]) == f"{zeph.case_ref} Zeph · Home visit"
    assert str(events[1]["SUMMARY"]) == "Group session · 2 people"
    assert sorted(str(events[1]["DESCRIPTION"]).split("\n")) == sorted(
        [f"{zeph.case_ref} Zeph", f"{marguerite.case_ref} Marguerite Okonkwo-Vance"]
    )
    unfolded = data.decode("utf-8").replace("\r\n ", "")
    named = [line for line in unfolded.split("\r\n") if "Zeph" in line or "Marguerite" in line]
    assert len(named) == 5  # each one-to-one in both, the group in its description
    assert all(line.startswith(("SUMMARY:", "DESCRIPTION:")) for line in named)
    others = [w for w in PRIVATE if w not in ("Zeph", "Marguerite", "Okonkwo-Vance")]
    assert [w for w in others if w in unfolded] == []


def test_a_zone_without_clock_changes_has_one_standard_time() -> None:
    component = time_zone_component(ZoneInfo("Asia/Tokyo"), 2026, 2026)
    assert [c.name for c in component.subcomponents] == ["STANDARD"]
    assert component.subcomponents[0]["TZOFFSETTO"].td == timedelta(hours=9)
    assert date(2025, 1, 1) == component.subcomponents[0].DTSTART.date()
