"""The demo caseload's appointments: what a worker opening the demo would find."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from uuid import UUID
from zoneinfo import ZoneInfo

import pytest

from keyworker.appointments import Appointment
from keyworker.cli import DEMO_BATCH, fill_with_demo
from keyworker.clock import FixedClock
from keyworker.demo import generate
from keyworker.demo_appointments import GROUP_BLOCK
from keyworker.models import ClientRecord
from keyworker.vocabulary import ABSENCE_REASONS, APPOINTMENT_OUTCOMES
from storage import Caseload, CaseloadPaths, KdfParams
from tests.conftest import NOW, PASSPHRASE

LONDON = ZoneInfo("Europe/London")
TODAY = NOW.date()
SEED = 31
OPEN = ("referred", "active", "paused")
EVER = (datetime(2000, 1, 1, tzinfo=UTC), datetime(2100, 1, 1, tzinfo=UTC))


@pytest.fixture(scope="module")
def records() -> list[ClientRecord]:
    return list(generate(40, SEED, TODAY, "Sam Keyworker", notes_per_client=3, assessments=True))


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Caseload]:
    """40 demo clients saved the way `keyworker demo` saves them."""
    paths = CaseloadPaths(Path(tmp_path_factory.mktemp("demo")) / "caseload")
    with Caseload.create(
        paths,
        PASSPHRASE,
        "Sam Keyworker",
        "Northgate Resettlement",
        clock=FixedClock(NOW),
        kdf=KdfParams.fast_for_tests(),
    ) as caseload:
        fill_with_demo(caseload, generate(40, SEED, TODAY, "Sam Keyworker", 3, assessments=True))
        yield caseload


def everything(caseload: Caseload) -> list[Appointment]:
    return caseload.appointments_between(*EVER)


def local(moment: datetime) -> datetime:
    return moment.astimezone(LONDON)


def test_the_demo_caseload_is_sound(demo: Caseload) -> None:
    assert demo.check() == []


def test_past_appointments_have_every_outcome_with_reasons_and_links(demo: Caseload) -> None:
    saved = everything(demo)
    by_id = {a.id: a for a in saved}
    past = [p for a in saved if a.end <= NOW for p in a.people]
    assert {p.outcome for p in past} >= set(APPOINTMENT_OUTCOMES.codes)
    attended = sum(p.outcome in ("attended", "attended_late") for p in past)
    assert attended > len(past) / 2
    absences = [p for p in past if p.outcome == "acceptable_absence"]
    assert all(p.reason in ABSENCE_REASONS.codes and p.note for p in absences)
    assert len({p.reason for p in absences}) >= 3
    for appointment in saved:
        for person in appointment.people:
            if person.outcome != "rescheduled":
                continue
            moved = by_id[person.rescheduled_to]
            assert moved.rescheduled_from == appointment.id
            assert moved.client_ids == [person.client_id]
            assert moved.start > appointment.start


def test_upcoming_appointments_fill_the_next_weeks_without_outcomes(demo: Caseload) -> None:
    upcoming = demo.appointments_between(NOW, NOW + timedelta(weeks=4))
    assert len(upcoming) > 40
    assert all(p.outcome is None for a in upcoming for p in a.people)
    assert not demo.appointments_between(NOW + timedelta(weeks=8), EVER[1])
    next_ones = [s.next_appointment for s in demo.clients(status="active")]
    assert sum(n is not None for n in next_ones) == len(next_ones)


def test_appointments_are_on_weekdays_in_office_hours_local_time(demo: Caseload) -> None:
    for appointment in everything(demo):
        start, end = local(appointment.start), local(appointment.end)
        assert start.weekday() < 5
        assert (start.hour, start.minute) >= (9, 0) and (end.hour, end.minute) <= (17, 30)


def test_a_group_session_has_several_people_each_with_their_own_outcome(demo: Caseload) -> None:
    groups = [a for a in everything(demo) if len(a.people) >= 3]
    assert groups
    assert all(a.kind == "group_session" and a.title for a in groups)
    past = [a for a in groups if a.end <= NOW and not a.cancelled]
    assert any(len({p.outcome for p in a.people}) > 1 for a in past)
    session = groups[0]
    for person in session.people:
        copy = next(a for a in demo.record(person.client_id).appointments if a.id == session.id)
        assert copy.people == [person]


def test_repeating_appointments_keep_their_local_time(demo: Caseload) -> None:
    series: dict[UUID, list[Appointment]] = defaultdict(list)
    for appointment in everything(demo):
        if appointment.series_id:
            series[appointment.series_id].append(appointment)
    one_to_ones = [s for s in series.values() if s[0].kind == "one_to_one"]
    assert one_to_ones and all(len(s) >= 2 for s in one_to_ones)
    assert any(s[0].end <= NOW < s[-1].start for s in one_to_ones)  # past and to come
    for occurrences in series.values():
        assert len({local(a.start).time() for a in occurrences}) == 1
        assert all(a.repeat == occurrences[0].repeat for a in occurrences)
    women = [s for s in series.values() if s[0].title == "Women's centre group"]
    assert women and any(
        local(s[0].start).utcoffset() != local(s[-1].start).utcoffset() for s in women
    )  # across the clock change


def test_missed_appointments_and_outcomes_due_need_attention(demo: Caseload) -> None:
    reasons = {i.reason for i in demo.attention(14, 28)}
    assert {"missed_appointments"} <= reasons
    due = demo.outcomes_due()
    assert due
    assert all(NOW - timedelta(days=8) <= d.start < NOW for d in due)


def test_home_visits_to_people_with_a_lone_working_flag_show_it(demo: Caseload) -> None:
    week = demo.agenda(NOW, NOW + timedelta(weeks=2))
    flagged = [e for e in week if e.kind == "home_visit" and e.staff_risk]
    assert flagged
    for entry in flagged:
        record = demo.record(entry.people[0].client_id)
        assert any(f.kind == "lone_working" and f.ended_on is None for f in record.flags)


def test_accompanied_appointments_say_who_was_met(demo: Caseload) -> None:
    accompanied = [a for a in everything(demo) if a.kind.startswith("accompanied_")]
    assert len({a.kind for a in accompanied}) >= 5
    assert all(a.met_with and a.location for a in accompanied)


def test_no_appointment_before_the_referral_or_after_the_case_closed(
    records: list[ClientRecord],
) -> None:
    for record in records:
        client = record.client
        closed = record.status_history[-1]
        for appointment in record.appointments:
            assert local(appointment.start).date() >= client.referral_date
            if client.status not in OPEN:
                assert appointment.start < NOW
                assert local(appointment.start).date() <= local(closed.at).date()


def test_open_cases_have_about_the_number_asked_for() -> None:
    made = list(generate(200, 4, TODAY, notes_per_client=1, appointments_per_client=12))
    open_cases = [len(r.appointments) for r in made if r.client.status in ("active", "paused")]
    closed = [len(r.appointments) for r in made if r.client.status == "closed"]
    assert 12 <= sum(open_cases) / len(open_cases) <= 24
    assert sum(closed) / len(closed) < sum(open_cases) / len(open_cases)
    none = list(generate(20, 4, TODAY, notes_per_client=1, appointments_per_client=0))
    assert not any(r.appointments for r in none)


def test_the_same_seed_gives_the_same_appointments() -> None:
    def dumped(seed: int) -> list[str]:
        made = generate(30, seed, TODAY, notes_per_client=1)
        return [a.model_dump_json() for r in made for a in r.appointments]

    assert dumped(3) == dumped(3)
    assert dumped(3) != dumped(4)


def test_the_rest_of_the_caseload_is_the_same_without_appointments() -> None:
    made = generate(40, 5, TODAY, notes_per_client=3, assessments=True)
    bare = generate(40, 5, TODAY, notes_per_client=3, assessments=True, appointments_per_client=0)
    for record, without in zip(made, bare, strict=True):
        assert record.appointments
        assert record.model_copy(update={"appointments": []}) == without


def test_group_sessions_stay_within_a_block_the_demo_command_saves_at_once() -> None:
    assert DEMO_BATCH % GROUP_BLOCK == 0
    blocks: dict[UUID, set[int]] = defaultdict(set)
    for index, record in enumerate(generate(450, 6, TODAY, notes_per_client=0)):
        for appointment in record.appointments:
            blocks[appointment.id].add(index // GROUP_BLOCK)
    assert all(len(found) == 1 for found in blocks.values())


def test_every_date_follows_the_day_the_caseload_is_as_at() -> None:
    summer = date(2027, 6, 15)
    made = list(generate(40, SEED, summer, notes_per_client=1))
    midnight = datetime(2027, 6, 15, tzinfo=LONDON)
    for record in made:
        for appointment in record.appointments:
            start = local(appointment.start)
            assert record.client.referral_date <= start.date() <= summer + timedelta(weeks=8)
            assert start.weekday() < 5 and start.hour >= 9
            if appointment.start >= midnight:
                assert all(p.outcome is None for p in appointment.people)
    active = [r for r in made if r.client.status == "active"]
    assert all(any(a.start >= midnight for a in r.appointments) for r in active)
