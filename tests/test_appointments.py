"""The rules of appointments, without a database: repeats, changes, outcomes, attendance."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from uuid import uuid4
from zoneinfo import ZoneInfo

import pytest
from pydantic import ValidationError

from keyworker import appointments as ap
from keyworker.appointments import Appointment, Attendance, Repeat
from keyworker.errors import InvalidInput
from keyworker.models import RiskFlag
from keyworker.times import zone_named

LONDON = ZoneInfo("Europe/London")
NOW = datetime(2026, 11, 22, 10, 30, tzinfo=UTC)


def at(year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime:
    """A London wall-clock time as UTC."""
    return ap.from_local(datetime(year, month, day, hour, minute), LONDON)


def one(start: datetime, minutes: int = 60, *people, **fields) -> Appointment:
    return Appointment(
        start=start,
        end=start + timedelta(minutes=minutes),
        kind=fields.pop("kind", "one_to_one"),
        people=[Attendance(client_id=p) for p in (people or [uuid4()])],
        **fields,
    )


def local(appointments: list[Appointment]) -> list[str]:
    return [ap.to_local(a.start, LONDON).strftime("%a %d/%m %H:%M %Z") for a in appointments]


# Repeats across daylight saving ---------------------------------------------------------


def test_a_weekly_10am_stays_at_10am_when_the_clocks_go_forward_in_march() -> None:
    series = ap.book_series(one(at(2026, 3, 17, 10)), Repeat(frequency="weekly", count=3), LONDON)
    assert local(series) == ["Tue 17/03 10:00 GMT", "Tue 24/03 10:00 GMT", "Tue 31/03 10:00 BST"]
    assert [a.start.hour for a in series] == [10, 10, 9]  # in UTC
    assert all(a.end - a.start == timedelta(hours=1) for a in series)


def test_a_weekly_10am_stays_at_10am_when_the_clocks_go_back_in_october() -> None:
    series = ap.book_series(one(at(2026, 10, 20, 10)), Repeat(frequency="weekly", count=3), LONDON)
    assert local(series) == ["Tue 20/10 10:00 BST", "Tue 27/10 10:00 GMT", "Tue 03/11 10:00 GMT"]


def test_a_series_is_one_record_per_occurrence_sharing_a_series_id() -> None:
    first = one(at(2026, 11, 24, 10))
    series = ap.book_series(
        first, Repeat(frequency="fortnightly", until=date(2026, 12, 22)), LONDON
    )
    assert series[0].id == first.id
    assert len({a.id for a in series}) == 3
    assert {a.series_id for a in series} != {None}
    assert len({a.series_id for a in series}) == 1
    assert local(series)[-1] == "Tue 22/12 10:00 GMT"


def test_monthly_on_the_31st_falls_on_the_last_day_of_shorter_months() -> None:
    series = ap.book_series(
        one(at(2026, 1, 31, 10)), Repeat(frequency="monthly_date", count=4), LONDON
    )
    assert [a.start.date().day for a in series] == [31, 28, 31, 30]


def test_monthly_on_the_same_weekday_keeps_the_second_tuesday() -> None:
    series = ap.book_series(
        one(at(2026, 1, 13, 10)), Repeat(frequency="monthly_weekday", count=4), LONDON
    )
    assert local(series) == [
        "Tue 13/01 10:00 GMT",
        "Tue 10/02 10:00 GMT",
        "Tue 10/03 10:00 GMT",
        "Tue 14/04 10:00 BST",
    ]


def test_a_repeat_that_ends_before_a_second_occurrence_is_refused() -> None:
    with pytest.raises(InvalidInput, match="ends before a second appointment"):
        ap.book_series(
            one(at(2026, 11, 24, 10)), Repeat(frequency="weekly", until=date(2026, 11, 30)), LONDON
        )


def test_a_repeat_of_more_than_two_years_of_weeks_is_refused() -> None:
    with pytest.raises(InvalidInput, match="more than 104 appointments"):
        ap.book_series(
            one(at(2026, 11, 24, 10)), Repeat(frequency="weekly", until=date(2029, 1, 1)), LONDON
        )


def test_a_repeat_ends_by_date_or_by_count_not_both() -> None:
    with pytest.raises(ValidationError):
        Repeat(frequency="weekly", until=date(2027, 1, 1), count=4)
    with pytest.raises(ValidationError):
        Repeat(frequency="weekly")


# Changing one or all following ----------------------------------------------------------


def test_moving_one_occurrence_to_11am_moves_every_following_one_across_the_change() -> None:
    series = ap.book_series(one(at(2026, 10, 13, 10)), Repeat(frequency="weekly", count=4), LONDON)
    second = series[1]
    moved = second.model_copy(
        update={"start": at(2026, 10, 21, 11), "end": at(2026, 10, 21, 12), "location": "Hub"}
    )
    following = ap.this_and_following(series, second)
    changed = ap.change_following(following, second, moved, LONDON)
    assert local(changed) == ["Wed 21/10 11:00 BST", "Wed 28/10 11:00 GMT", "Wed 04/11 11:00 GMT"]
    assert {a.location for a in changed} == {"Hub"}
    assert [a.id for a in changed] == [a.id for a in series[1:]]


def test_occurrences_with_an_outcome_already_are_not_changed_with_the_rest() -> None:
    series = ap.book_series(one(at(2026, 11, 2, 10)), Repeat(frequency="weekly", count=4), LONDON)
    who = series[0].client_ids[0]
    series[2] = ap.cancelled(series[2], "person", NOW)
    following = ap.this_and_following(series, series[1])
    assert [a.id for a in following] == [series[1].id, series[3].id]
    assert series[0].person(who).outcome is None


def test_a_changed_series_keeps_each_occurrences_own_notes() -> None:
    series = ap.book_series(one(at(2026, 11, 24, 10)), Repeat(frequency="weekly", count=3), LONDON)
    series[2] = series[2].model_copy(update={"notes": "Bring payslips"})
    edited = series[0].model_copy(update={"notes": "First session", "kind": "video"})
    changed = ap.change_following(series, series[0], edited, LONDON)
    assert [a.notes for a in changed] == ["First session", "", "Bring payslips"]
    assert {a.kind for a in changed} == {"video"}


# Outcomes -------------------------------------------------------------------------------


def test_attendance_is_recorded_only_once_the_appointment_has_started() -> None:
    future = one(at(2026, 11, 24, 10))
    who = future.client_ids[0]
    with pytest.raises(InvalidInput, match="has not started yet"):
        ap.with_outcome(future, who, "did_not_attend", NOW)
    ahead = ap.with_outcome(future, who, "acceptable_absence", NOW, reason="court_legal")
    assert ahead.person(who).reason == "court_legal"


def test_an_acceptable_absence_needs_a_reason_and_only_it_has_one() -> None:
    past = one(at(2026, 11, 20, 10))
    who = past.client_ids[0]
    with pytest.raises(InvalidInput, match="reason"):
        ap.with_outcome(past, who, "acceptable_absence", NOW)
    came = ap.with_outcome(past, who, "attended", NOW, reason="medical")
    assert came.person(who).reason is None
    with pytest.raises(ValidationError):
        Attendance(client_id=who, outcome="attended", reason="medical")


def test_rescheduling_makes_a_linked_appointment_for_that_person_only() -> None:
    ann, bea = uuid4(), uuid4()
    group = one(at(2026, 11, 24, 10), 60, ann, bea, kind="group_session", title="Group")
    old, new = ap.rescheduled(group, bea, at(2026, 11, 26, 14), at(2026, 11, 26, 15), NOW)
    assert old.person(bea).outcome == "rescheduled"
    assert old.person(bea).rescheduled_to == new.id
    assert old.person(ann).outcome is None
    assert (new.client_ids, new.rescheduled_from, new.title) == ([bea], group.id, "Group")
    assert new.series_id is None


def test_cancelling_leaves_outcomes_already_recorded() -> None:
    ann, bea = uuid4(), uuid4()
    group = one(at(2026, 11, 22, 9), 60, ann, bea, kind="group_session")
    group = ap.with_outcome(group, ann, "attended", NOW)
    done = ap.cancelled(group, "service", NOW, "Room flooded")
    assert [p.outcome for p in done.people] == ["attended", "cancelled_by_service"]
    assert not done.cancelled  # Ann came


def test_outcomes_due_are_ended_appointments_with_someone_awaiting() -> None:
    ended = one(at(2026, 11, 21, 10))
    running = one(at(2026, 11, 22, 10))  # 10:00-11:00, and it is 10:30
    recorded = one(at(2026, 11, 20, 10), 60, ended.client_ids[0])
    recorded = ap.with_outcome(recorded, ended.client_ids[0], "attended", NOW)
    assert ap.outcomes_due([running, recorded, ended], NOW) == [ended]


def test_an_appointment_ends_after_it_starts_and_within_12_hours() -> None:
    with pytest.raises(ValidationError, match="end after it starts"):
        one(at(2026, 11, 24, 10), 0)
    with pytest.raises(ValidationError, match="12 hours"):
        one(at(2026, 11, 24, 8), 13 * 60)


def test_nobody_is_booked_twice_on_one_appointment() -> None:
    ann = uuid4()
    with pytest.raises(ValidationError, match="listed twice"):
        one(at(2026, 11, 24, 10), 60, ann, ann)


# Warnings -------------------------------------------------------------------------------


def test_overlaps_leave_out_cancelled_and_back_to_back_appointments() -> None:
    new = one(at(2026, 11, 24, 10), 60)
    clash = one(at(2026, 11, 24, 10, 30), 60)
    before = one(at(2026, 11, 24, 9), 60)  # ends as the new one starts
    called_off = ap.cancelled(one(at(2026, 11, 24, 10), 30), "person", NOW)
    assert ap.overlapping(new, [before, called_off, clash, new]) == [clash]


def test_staff_risk_shows_for_home_visits_to_someone_with_a_live_lone_working_flag() -> None:
    who = uuid4()
    flags = [
        RiskFlag(
            client_id=who,
            kind="lone_working",
            level="high",
            raised_on=date(2026, 9, 1),
            review_date=date(2027, 1, 1),
        ),
        RiskFlag(
            client_id=who,
            kind="lone_working",
            level="low",
            raised_on=date(2025, 1, 1),
            review_date=date(2025, 6, 1),
            ended_on=date(2025, 6, 1),
        ),
        RiskFlag(
            client_id=who,
            kind="self_harm",
            level="high",
            raised_on=date(2026, 9, 1),
            review_date=date(2027, 1, 1),
        ),
    ]
    assert [f.level for f in ap.staff_risk("home_visit", flags)] == ["high"]
    assert ap.staff_risk("one_to_one", flags) == []


# Attendance -----------------------------------------------------------------------------


def test_attendance_against_a_hand_counted_month() -> None:
    ann, bea = uuid4(), uuid4()
    outcomes = {
        ann: ["attended", "attended_late", "did_not_attend", "acceptable_absence", None],
        bea: ["did_not_attend", "did_not_attend", "cancelled_by_service", "attended"],
    }
    appointments = []
    for who, found in outcomes.items():
        for day, outcome in enumerate(found, start=2):
            made = one(at(2026, 10, day, 10), 60, who)
            if outcome:
                reason = "medical" if outcome == "acceptable_absence" else None
                made = ap.with_outcome(made, who, outcome, NOW, reason=reason)
            appointments.append(made)
    october = (date(2026, 10, 1), date(2026, 10, 31))
    # Ann: came twice (one late) out of three that went ahead; absence and blank aside.
    ann_figures = ap.attendance(appointments, *october, LONDON, client_id=ann)
    assert (ann_figures.attended, ann_figures.expected, ann_figures.not_recorded) == (2, 3, 1)
    assert ann_figures.rate_text() == "67% (2 of 3)"
    # Everyone: 3 attended of 6 expected.
    assert ap.attendance(appointments, *october, LONDON).rate_text() == "50% (3 of 6)"
    assert ap.attendance(appointments, date(2026, 11, 1), date(2026, 11, 30), LONDON).rate is None
    assert (
        ap.attendance(appointments, date(2026, 11, 1), date(2026, 11, 30), LONDON).rate_text()
        == "No appointments went ahead"
    )


def test_attendance_counts_days_on_the_local_clock() -> None:
    # 00:30 on 1 October in London is 23:30 on 30 September in UTC.
    made = one(at(2026, 10, 1, 0, 30))
    made = ap.with_outcome(made, made.client_ids[0], "attended", NOW)
    assert made.start.day == 30
    assert ap.attendance([made], date(2026, 10, 1), date(2026, 10, 1), LONDON).attended == 1
    assert ap.attendance([made], date(2026, 9, 30), date(2026, 9, 30), LONDON).attended == 0


@pytest.mark.parametrize(
    ("outcomes", "run"),
    [
        ([], 0),
        (["did_not_attend"], 1),
        (["did_not_attend", "did_not_attend"], 2),
        (["did_not_attend", "attended", "did_not_attend"], 1),
        (["did_not_attend", "acceptable_absence", "cancelled_by_service", "did_not_attend"], 2),
        (["did_not_attend", "did_not_attend", "attended_late"], 0),
        (["did_not_attend", None, "did_not_attend", "rescheduled"], 2),
    ],
)
def test_missed_in_a_row_counts_back_to_the_last_time_they_came(outcomes, run) -> None:
    assert ap.missed_in_a_row(outcomes) == run


def test_an_unknown_time_zone_is_refused_in_words() -> None:
    with pytest.raises(InvalidInput, match="Unknown time zone"):
        zone_named("Europe/Narnia")
