"""The demo caseload's plans, referrals and signposting: valid, varied, repeatable and saved."""

from __future__ import annotations

import re
from collections import Counter
from datetime import timedelta
from itertools import pairwise

import pytest

from keyworker import plans as pl
from keyworker.demo import generate
from keyworker.demo_plans import DEMO_AGENCIES, PARTNERS
from keyworker.models import ClientRecord
from keyworker.templates import builtin_template
from keyworker.vocabulary import AGENCY_CATEGORIES, GOAL_PROMPTS, REFERRAL_STATUSES
from storage import Caseload
from tests.conftest import DEMO_CLIENTS, DEMO_SEED, NOW

TODAY = NOW.date()
OPEN = ("referred", "active", "paused")
AGENCY_IDS = {a.id for a in DEMO_AGENCIES}


@pytest.fixture(scope="module")
def demo() -> list[ClientRecord]:
    return list(generate(200, seed=11, today=TODAY, notes_per_client=2, assessments=True))


@pytest.fixture(scope="module")
def small() -> list[ClientRecord]:
    """The caseload the app's demo and screen tests show."""
    return list(generate(DEMO_CLIENTS, DEMO_SEED, TODAY, "Sam Keyworker", 12, assessments=True))


def saved(caseload: Caseload, records: list[ClientRecord]) -> Caseload:
    assert caseload.import_agencies(DEMO_AGENCIES) == (len(DEMO_AGENCIES), 0)
    caseload.keep_template(builtin_template())
    caseload.add_records(records)
    return caseload


def stages(records: list[ClientRecord]) -> Counter[str]:
    """Where each open case's plans stand, as a keyworker opening the record would see."""
    found: Counter[str] = Counter()
    for record in records:
        if record.client.status not in OPEN:
            continue
        plans = pl.latest_revisions(record.plans)
        live = pl.live_plan(record.plans)
        if not plans:
            found["no plan, " + record.client.status] += 1
        if any(not p.is_live for p in plans) and live is not None:
            found["replaced"] += 1
        if live is None:
            continue
        if not live.agreements:
            found["not yet asked to agree"] += 1
        elif live.agreement and live.agreement.answer != "agreed":
            found["did not agree or could not answer"] += 1
        elif live.agreed_as_it_stands:
            found["agreed as it stands"] += 1
        else:
            found["changed since agreed"] += 1
        if pl.review_overdue(live, TODAY):
            found["review overdue"] += 1
        if pl.overdue_steps(live, TODAY):
            found["steps overdue"] += 1
    return found


def test_the_records_save_and_the_caseload_checks_clean(
    caseload: Caseload, demo: list[ClientRecord]
) -> None:
    saved(caseload, demo[:120])
    assert caseload.check() == []
    with_plans = [r for r in demo[:120] if r.plans]
    assert len(with_plans) > 40
    for record in with_plans[:15]:
        back = caseload.record(record.client.id)
        assert back.plans == record.plans
        assert back.referrals == record.referrals
        assert back.signposts == record.signposts
        for plan in pl.latest_revisions(record.plans):
            history = caseload.plan_history(plan.id)
            assert history == [p for p in record.plans if p.id == plan.id]
            assert history[-1] == plan


def test_the_dashboard_finds_plan_reviews_overdue_steps_and_follow_ups(
    caseload: Caseload, demo: list[ClientRecord]
) -> None:
    saved(caseload, demo[:120])
    items = caseload.attention(28, 14)
    reasons = Counter(item.reason for item in items)
    assert reasons["plan_review"] >= 3
    assert reasons["step_overdue"] >= 3
    assert reasons["follow_up"] >= 3
    records = {r.client.id: r for r in demo[:120]}
    for item in items:
        record = records[item.client_id]
        live = pl.live_plan(record.plans)
        if item.reason == "plan_review":
            assert live is not None and live.review_date == item.due < TODAY
        elif item.reason == "step_overdue":
            assert live is not None and pl.overdue_steps(live, TODAY)[0][1].target_date == item.due
        elif item.reason == "follow_up":
            due = [r.follow_up_on for r in record.referrals if r.is_open and r.follow_up_on]
            assert min(due) == item.due <= TODAY


def test_the_small_demo_shows_plans_at_every_stage(small: list[ClientRecord]) -> None:
    found = stages(small)
    for stage in (
        "not yet asked to agree",
        "did not agree or could not answer",
        "agreed as it stands",
        "changed since agreed",
        "replaced",
        "review overdue",
        "steps overdue",
    ):
        assert found[stage], stage
    assert any(k.startswith("no plan") for k in found)
    ended = [p for r in small for p in pl.latest_revisions(r.plans) if not p.is_live]
    assert any(p.end_reason.startswith("Case closed") for p in ended)
    assert any(p.end_reason.startswith("Replaced by a new plan") for p in ended)


def test_the_small_demo_has_every_referral_status_and_signposting(
    small: list[ClientRecord],
) -> None:
    referrals = [x for r in small for x in r.referrals]
    assert {x.status for x in referrals} == set(REFERRAL_STATUSES.codes)
    assert any(x.step_id for x in referrals) and any(x.step_id is None for x in referrals)
    assert sum(bool(r.signposts) for r in small) >= 5


def test_plans_are_made_from_needs_and_worded_as_people_say_them(
    demo: list[ClientRecord],
) -> None:
    goals = 0
    for record in demo:
        assessments = {a.id: a for a in record.assessments}
        for plan in record.plans:
            for goal in plan.goals:
                if goal.assessment_id is None:
                    continue
                goals += 1
                suggested = pl.suggest_goals(assessments[goal.assessment_id], goal.added_on)
                assert goal.pathway in {g.pathway for g in suggested}
                assert goal.words != GOAL_PROMPTS[goal.pathway]
                assert "{" not in goal.words
    assert goals > 200
    latest = [p for r in demo for p in pl.latest_revisions(r.plans)]
    words = {g.words for p in latest for g in p.goals}
    assert len(words) > 40
    statuses = Counter(g.status for p in latest for g in p.goals)
    assert statuses.keys() == {"active", "future", "achieved", "removed"}
    steps = [s for p in latest for g in p.goals for s in g.steps]
    assert {s.who for s in steps} == {"person", "keyworker", "agency", "other"}
    assert {s.status for s in steps} == {
        "not_started",
        "in_progress",
        "completed",
        "cannot_yet",
        "not_needed",
    }
    assert any(s.target_date is None for s in steps)


def test_revisions_are_numbered_and_stamped_as_storage_saves_them(
    demo: list[ClientRecord],
) -> None:
    for record in demo:
        assert sum(p.is_live for p in pl.latest_revisions(record.plans)) <= 1
        by_plan: dict[object, list[pl.Plan]] = {}
        for plan in record.plans:
            by_plan.setdefault(plan.id, []).append(plan)
        for revisions in by_plan.values():
            first = revisions[0]
            assert [p.revision for p in revisions] == list(range(1, len(revisions) + 1))
            assert first.goals_revised == 1 and first.agreements == []
            assert all(p.saved_by == "Demo Worker" for p in revisions)
            assert all(p.is_live for p in revisions[:-1])
            for before, after in pairwise(revisions):
                assert before.saved_at < after.saved_at
                assert after.started_on == before.started_on
                assert after != before
                changed = after.goals != before.goals
                assert after.goals_revised == (after.revision if changed else before.goals_revised)
                if after.agreements != before.agreements:
                    assert after.agreements[:-1] == before.agreements
                    assert after.agreements[-1].revision == before.revision
                    assert after.agreements[-1].on == after.saved_at.date()
                    assert not changed


def test_referrals_made_for_steps_move_them_on_as_the_step_rule_says(
    demo: list[ClientRecord],
) -> None:
    names = {a.id: a.name for a in DEMO_AGENCIES}
    moved = 0
    for record in demo:
        for referral in record.referrals:
            if referral.step_id is None:
                continue
            revisions = [p for p in record.plans if p.step(referral.step_id)]
            assert revisions, "the step is in the plan"
            assert revisions[0].step(referral.step_id)[1].refer_to == referral.agency_id
            for count in range(1, len(referral.history) + 1):
                so_far = referral.model_copy(update={"history": referral.history[:count]})
                update = so_far.history[-1]
                name = names[referral.agency_id]
                text = f"Referral to {name} {REFERRAL_STATUSES.label(update.status).lower()}"
                note = pl.ProgressNote(on=update.on, text=text)
                for before, after in pairwise(revisions):
                    step_before = before.step(referral.step_id)[1]
                    step_after = after.step(referral.step_id)[1]
                    if step_after.progress[-1:] == [note] and step_before.progress[-1:] != [note]:
                        assert step_after == pl.step_after_referral(step_before, so_far, name)
                        moved += 1
    assert moved > 30


def test_dates_are_plausible(demo: list[ClientRecord]) -> None:
    for record in demo:
        client = record.client
        start = client.referral_date
        closed = client.status in ("closed", "transferred")
        last = record.status_history[-1].at.date() if closed else TODAY - timedelta(days=1)
        assessed = [a.assessed_on for a in record.assessments if a.status == "completed"]
        for plan in record.plans:
            assert min(assessed) <= plan.started_on
            assert plan.saved_at.date() <= last and plan.saved_at < NOW
            for agreement in plan.agreements:
                assert plan.started_on <= agreement.on <= last
            for goal in plan.goals:
                assert goal.added_on <= last and (goal.achieved_on or start) <= last
                for step in goal.steps:
                    assert (step.completed_on or start) <= last
                    assert all(n.on <= last for n in step.progress)
        if closed:
            assert pl.live_plan(record.plans) is None
        for referral in record.referrals:
            assert start <= referral.made_on
            assert all(u.on <= last for u in referral.history)
            if closed:
                assert not referral.is_open
        for signpost in record.signposts:
            assert start <= signpost.given_on <= last


def test_referrals_have_outcomes_and_open_ones_are_followed_up(demo: list[ClientRecord]) -> None:
    referrals = [x for r in demo for x in r.referrals if r.client.status in OPEN]
    for referral in referrals:
        if referral.status in ("completed", "declined", "withdrawn"):
            assert referral.outcome and referral.follow_up_on is None
    follow_ups = [x.follow_up_on for x in referrals if x.is_open and x.follow_up_on]
    assert any(day <= TODAY for day in follow_ups) and any(day > TODAY for day in follow_ups)
    assert {x.method for x in referrals} == {"email", "phone", "online_form", "in_person"}


def test_the_agencies_are_fictional_and_named_by_every_referral(
    demo: list[ClientRecord],
) -> None:
    assert {a.category for a in DEMO_AGENCIES} == set(AGENCY_CATEGORIES.codes)
    assert 15 <= len(DEMO_AGENCIES) <= 20
    assert len({a.name for a in DEMO_AGENCIES}) == len({a.id for a in DEMO_AGENCIES})
    for agency in DEMO_AGENCIES:
        assert re.fullmatch(r"(01632 960|07700 900)\d{3}", agency.phone), agency.phone
        assert agency.email and agency.email.endswith("@example.org")
    closed = {p.agency.id: p.closed_o for p in PARTNERS.values() if p.closed_o}
    for record in demo:
        for referral in record.referrals:
            assert referral.agency_id in AGENCY_IDS
            if referral.agency_id in closed:
                assert referral.made_on.toordinal() < closed[referral.agency_id]
        for signpost in record.signposts:
            assert signpost.agency_id is None or signpost.agency_id in AGENCY_IDS
            if signpost.agency_id in closed:
                assert signpost.given_on.toordinal() < closed[signpost.agency_id]
        for plan in record.plans:
            refer_to = {s.refer_to for g in plan.goals for s in g.steps if s.refer_to}
            assert refer_to <= AGENCY_IDS


def test_the_same_seed_gives_the_same_plans_and_referrals() -> None:
    def dumped(seed: int) -> list[str]:
        records = generate(40, seed=seed, today=TODAY, notes_per_client=1, assessments=True)
        return [
            f"{r.plans!r}{r.referrals!r}{r.signposts!r}"
            for r in records
            if r.plans or r.referrals or r.signposts
        ]

    assert dumped(3) == dumped(3)
    assert dumped(3) != dumped(4)


def test_the_rest_of_the_caseload_is_the_same_without_plans() -> None:
    made = generate(40, seed=5, today=TODAY, notes_per_client=3, assessments=True)
    bare = generate(40, seed=5, today=TODAY, notes_per_client=3)
    empty = {"assessments": [], "plans": [], "referrals": [], "signposts": []}
    for record, without in zip(made, bare, strict=True):
        assert record.model_copy(update=empty) == without
