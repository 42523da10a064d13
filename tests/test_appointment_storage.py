"""Appointments in the caseload: booking, changing, outcomes, and what is read back."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from keyworker import appointments as ap
from keyworker.appointments import Repeat
from keyworker.clock import FixedClock
from keyworker.errors import InvalidInput, UnknownClient
from storage import Caseload, CaseloadPaths, KdfParams
from tests.conftest import PASSPHRASE, make_appointment, make_client, make_flag

LONDON = ZoneInfo("Europe/London")


def test_a_booked_appointment_reads_back_whole_and_in_the_persons_record(
    caseload: Caseload,
) -> None:
    client = make_client(caseload, "Dan Price")
    booked = caseload.book(
        [make_appointment(client, location="Hope Street office", purpose="Housing forms")]
    )[0]
    assert booked.booked_at == caseload._clock.now()
    assert caseload.appointment(booked.id) == booked
    assert caseload.record(client.id).appointments == [booked]
    assert caseload.check() == []


def test_a_group_session_shows_only_the_person_in_their_record(caseload: Caseload) -> None:
    ann, bea = make_client(caseload, "Ann Lee"), make_client(caseload, "Bea Cole")
    group = caseload.book(
        [make_appointment(ann, bea, kind="group_session", title="Women's centre group")]
    )[0]
    shown = caseload.record(ann.id).appointments
    assert [a.client_ids for a in shown] == [[ann.id]]
    assert shown[0].title == "Women's centre group"
    assert caseload.appointment(group.id).client_ids == [ann.id, bea.id]


def test_each_person_at_a_group_session_has_their_own_outcome(
    caseload: Caseload, clock: FixedClock
) -> None:
    ann, bea = make_client(caseload, "Ann Lee"), make_client(caseload, "Bea Cole")
    group = caseload.book([make_appointment(ann, bea, day=20, kind="group_session")])[0]
    caseload.record_outcome(group.id, ann.id, "attended")
    caseload.record_outcome(
        group.id, bea.id, "acceptable_absence", reason="medical", note="Hospital appointment"
    )
    saved = caseload.appointment(group.id)
    assert saved.person(ann.id).outcome == "attended"
    assert saved.person(bea.id).reason == "medical"
    assert saved.person(bea.id).recorded_at == clock.now()
    assert caseload.outcomes_due() == []
    assert caseload.check() == []


def test_attendance_cannot_be_recorded_before_the_appointment_starts(caseload: Caseload) -> None:
    client = make_client(caseload)
    booked = caseload.book([make_appointment(client, day=24)])[0]
    with pytest.raises(InvalidInput, match="has not started yet"):
        caseload.record_outcome(booked.id, client.id, "attended")
    assert caseload.appointment(booked.id) == booked


def test_an_acceptable_absence_needs_its_reason(caseload: Caseload) -> None:
    client = make_client(caseload)
    booked = caseload.book([make_appointment(client, day=20)])[0]
    with pytest.raises(InvalidInput, match="reason"):
        caseload.record_outcome(booked.id, client.id, "acceptable_absence")
    assert caseload.appointment(booked.id).person(client.id).outcome is None


def test_rescheduling_links_the_old_appointment_to_the_new_one(caseload: Caseload) -> None:
    client = make_client(caseload)
    booked = caseload.book([make_appointment(client, day=24, location="Office")])[0]
    start = datetime(2026, 11, 26, 14, tzinfo=UTC)
    old, new = caseload.reschedule(booked.id, client.id, start, start + timedelta(hours=1))
    assert old.person(client.id).outcome == "rescheduled"
    assert old.person(client.id).rescheduled_to == new.id
    assert new.rescheduled_from == booked.id
    assert (new.start, new.location) == (start, "Office")
    assert [a.id for a in caseload.record(client.id).appointments] == [booked.id, new.id]
    assert caseload.clients()[0].next_appointment == start


def test_the_dashboard_row_shows_the_next_appointment_still_to_come(
    caseload: Caseload,
) -> None:
    client = make_client(caseload)
    caseload.book(
        [
            make_appointment(client, day=20),
            make_appointment(client, day=27),
            make_appointment(client, day=25),
        ]
    )
    assert caseload.clients()[0].next_appointment == datetime(2026, 11, 25, 10, tzinfo=UTC)


def test_a_weekly_series_changed_from_one_occurrence_moves_the_rest(caseload: Caseload) -> None:
    client = make_client(caseload)
    first = make_appointment(client, day=24)
    series = caseload.book(ap.book_series(first, Repeat(frequency="weekly", count=4), LONDON))
    third = series[2]
    moved = third.model_copy(
        update={"start": third.start + timedelta(hours=4), "end": third.end + timedelta(hours=4)}
    )
    following = ap.this_and_following(caseload.series(third.series_id), third)
    caseload.save_appointments(ap.change_following(following, third, moved, LONDON))
    hours = [a.start.hour for a in caseload.series(third.series_id)]
    assert hours == [10, 10, 14, 14]


def test_cancelling_keeps_the_appointment_with_who_cancelled(caseload: Caseload) -> None:
    client = make_client(caseload)
    booked = caseload.book([make_appointment(client, day=25)])[0]
    (done,) = caseload.cancel_appointments([booked.id], "service", "Worker off sick")
    assert done.person(client.id).outcome == "cancelled_by_service"
    assert caseload.appointment(booked.id).cancelled
    assert caseload.clients()[0].next_appointment is None


def test_clashes_are_other_live_appointments_overlapping_in_time(caseload: Caseload) -> None:
    ann, bea = make_client(caseload, "Ann Lee"), make_client(caseload, "Bea Cole")
    caseload.book([make_appointment(ann, day=24, hour=10, minutes=90)])
    called_off = caseload.book([make_appointment(bea, day=24, hour=11)])[0]
    caseload.cancel_appointments([called_off.id], "person")
    caseload.book([make_appointment(bea, day=24, hour=12)])  # starts as the new one ends
    new = make_appointment(bea, day=24, hour=11, minutes=60)
    clashes = caseload.clashes(new)
    assert [(c.start.hour, [p.name for p in c.people]) for c in clashes] == [(10, ["Ann Lee"])]


def test_the_agenda_lists_the_week_with_names_and_staff_risk_on_home_visits(
    caseload: Caseload,
) -> None:
    ann, bea = make_client(caseload, "Ann Lee"), make_client(caseload, "Bea Cole")
    caseload.add_flag(make_flag(ann, "lone_working", level="high"))
    caseload.add_flag(make_flag(bea, "lone_working", level="medium"))
    caseload.book(
        [
            make_appointment(ann, day=24, kind="home_visit"),
            make_appointment(bea, day=23, kind="one_to_one"),
            make_appointment(ann, day=30),  # next week
        ]
    )
    week = caseload.agenda(datetime(2026, 11, 23, tzinfo=UTC), datetime(2026, 11, 30, tzinfo=UTC))
    assert [(e.start.day, e.kind, e.people[0].name) for e in week] == [
        (23, "one_to_one", "Bea Cole"),
        (24, "home_visit", "Ann Lee"),
    ]
    assert week[0].staff_risk == []  # not a visit: the office is not lone working
    assert week[1].staff_risk == [f"{ann.case_ref} Risk to staff / lone working (high)"]


def test_outcomes_due_are_ended_appointments_without_one(
    caseload: Caseload, clock: FixedClock
) -> None:
    client = make_client(caseload, status="active")
    done = caseload.book([make_appointment(client, day=18)])[0]
    caseload.record_outcome(done.id, client.id, "attended")
    waiting = caseload.book([make_appointment(client, day=19)])[0]
    caseload.book([make_appointment(client, day=22, hour=10, minutes=60)])  # ends 11:00
    assert [e.id for e in caseload.outcomes_due()] == [waiting.id]
    clock.moment = datetime(2026, 11, 22, 11, 0, tzinfo=UTC)
    assert len(caseload.outcomes_due()) == 2


def test_two_missed_in_a_row_since_they_last_came_need_attention(caseload: Caseload) -> None:
    client = make_client(caseload, "Dan Price", status="active")
    outcomes = ["did_not_attend", "attended", "did_not_attend", "cancelled_by_service"]
    outcomes += ["did_not_attend"]
    for day, outcome in enumerate(outcomes, start=10):
        booked = caseload.book([make_appointment(client, day=day)])[0]
        caseload.record_outcome(booked.id, client.id, outcome)
    items = [i for i in caseload.attention(14, 28) if i.reason == "missed_appointments"]
    assert [i.detail for i in items] == [
        "Missed the last 2 appointments in a row (latest Sat 14 Nov 2026)"
    ]
    later = caseload.book([make_appointment(client, day=20)])[0]
    caseload.record_outcome(later.id, client.id, "attended_late")
    assert not [i for i in caseload.attention(14, 28) if i.reason == "missed_appointments"]


def test_attendance_counts_per_person_and_for_the_caseload(caseload: Caseload) -> None:
    ann, bea = make_client(caseload, "Ann Lee"), make_client(caseload, "Bea Cole")
    for day, who, outcome in [
        (2, ann, "attended"),
        (3, ann, "did_not_attend"),
        (4, ann, "attended_late"),
        (5, ann, "cancelled_by_person"),
        (6, bea, "did_not_attend"),
        (9, bea, "attended"),
        (30, bea, "attended"),  # outside the period
    ]:
        booked = caseload.book([make_appointment(who, day=day, month=10)])[0]
        caseload.record_outcome(booked.id, who.id, outcome)
    start, end = datetime(2026, 10, 1, tzinfo=UTC), datetime(2026, 10, 15, tzinfo=UTC)
    assert caseload.attendance(start, end, ann.id).rate_text() == "67% (2 of 3)"
    assert caseload.attendance(start, end).rate_text() == "60% (3 of 5)"
    by_client = caseload.attendance_by_client(start, end)
    assert by_client[bea.id].rate_text() == "50% (1 of 2)"
    assert by_client[ann.id].counts["cancelled_by_person"] == 1


def test_booking_someone_no_longer_on_the_caseload_saves_nothing(caseload: Caseload) -> None:
    client = make_client(caseload)
    other = make_client(caseload, "Bea Cole")
    ghost = other.model_copy(update={"id": ap.new_id()})
    with pytest.raises(UnknownClient, match="Nothing was saved"):
        caseload.book([make_appointment(client), make_appointment(ghost)])
    assert caseload.record(client.id).appointments == []


def test_check_finds_the_people_table_out_of_step(caseload: Caseload) -> None:
    client = make_client(caseload)
    caseload.book([make_appointment(client)])
    with caseload._lock:
        caseload._conn.execute("UPDATE appointment_people SET outcome = 'attended'")
    assert [str(p) for p in caseload.check()] == [
        "The list of who is booked on each appointment is out of step with the "
        "appointments themselves."
    ]


def test_a_record_with_appointments_goes_into_another_caseload_whole(
    caseload: Caseload, tmp_path
) -> None:
    ann, bea = make_client(caseload, "Ann Lee"), make_client(caseload, "Bea Cole")
    group = caseload.book([make_appointment(ann, bea, kind="group_session")])[0]
    records = [caseload.record(ann.id), caseload.record(bea.id)]
    dumped = [json.loads(r.model_dump_json()) for r in records]
    assert [a["id"] for a in dumped[0]["appointments"]] == [str(group.id)]
    with Caseload.create(
        CaseloadPaths(tmp_path / "other"),
        PASSPHRASE,
        "Sam Keyworker",
        "Northgate Resettlement",
        clock=caseload._clock,
        kdf=KdfParams.fast_for_tests(),
    ) as other:
        other.add_records(records)
        assert other.appointment(group.id).client_ids == [ann.id, bea.id]
        assert other.check() == []


def test_appointments_waiting_for_an_outcome_are_listed_for_attention(
    caseload: Caseload,
) -> None:
    client = make_client(caseload, "Dan Price", status="active")
    closed = make_client(caseload, "Bea Cole", status="closed", closure_reason="needs_met")
    caseload.book(
        [
            make_appointment(client, day=19),
            make_appointment(client, day=20),
            make_appointment(client, day=26),  # still to come
            make_appointment(closed, day=20),  # a closed case is not asked about
        ]
    )
    items = [i for i in caseload.attention(14, 28) if i.reason == "outcome_due"]
    assert [(i.case_ref, i.detail) for i in items] == [
        (
            client.case_ref,
            "Record what happened at 2 appointments, the first on Thu 19 Nov 2026",
        )
    ]


def test_a_group_session_arriving_in_separate_batches_is_still_one_appointment(
    caseload: Caseload, tmp_path
) -> None:
    ann, bea = make_client(caseload, "Ann Lee"), make_client(caseload, "Bea Cole")
    group = caseload.book([make_appointment(ann, bea, kind="group_session")])[0]
    first, second = caseload.record(ann.id), caseload.record(bea.id)
    with Caseload.create(
        CaseloadPaths(tmp_path / "other"),
        PASSPHRASE,
        "Sam Keyworker",
        "Northgate Resettlement",
        clock=caseload._clock,
        kdf=KdfParams.fast_for_tests(),
    ) as other:
        other.add_records([first])
        other.add_records([second])
        assert other.appointment(group.id).client_ids == [ann.id, bea.id]
        assert other.record(bea.id).appointments[0].id == group.id
        assert other.check() == []
