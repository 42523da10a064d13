"""The action plan's rules, without a database: suggestions, agreement, steps, referrals."""

from __future__ import annotations

from datetime import UTC, date, datetime
from uuid import uuid4

import pytest

from keyworker import plans as pl
from keyworker.assessments import Assessment, Ratings, SectionAnswers
from keyworker.plans import Agreement, Goal, Plan, Step

TODAY = date(2026, 11, 22)
CLIENT = uuid4()


def rated(pathway: str, need: str | None, immediate: bool = False, skipped: bool = False):
    return SectionAnswers(
        pathway=pathway,
        ratings=Ratings(need_level=need, immediate_need=immediate),
        skipped="Did not want to talk about it" if skipped else None,
    )


def assessment(**sections: SectionAnswers) -> Assessment:
    return Assessment(
        client_id=CLIENT,
        template_id="t",
        template_version=1,
        assessed_on=date(2026, 11, 2),
        started_at=datetime(2026, 11, 2, 10, tzinfo=UTC),
        sections=sections,
    )


def test_goals_are_suggested_for_high_medium_and_immediate_needs_most_urgent_first() -> None:
    found = assessment(
        a=rated("health", "medium"),
        b=rated("accommodation", "low", immediate=True),
        c=rated("drugs_alcohol", "high"),
        d=rated("education_skills_work", "low"),
        e=rated("finance_benefits_debt_id", "high"),
        f=rated("children_families_communities", "high", skipped=True),
        g=rated("sex_work", "none"),
    )
    goals = pl.suggest_goals(found, TODAY)
    assert [g.pathway for g in goals] == [
        "accommodation",  # immediate, though rated low
        "drugs_alcohol",  # high, in pathway order
        "finance_benefits_debt_id",
        "health",  # medium
    ]
    assert goals[0].words == "Have a safe, settled place to live"
    assert {(g.assessment_id, g.added_on, g.status) for g in goals} == {(found.id, TODAY, "active")}
    assert pl.why_suggested(found, "accommodation") == "Low need, immediate need"


def test_no_suggestions_from_an_assessment_without_needs() -> None:
    assert pl.suggest_goals(assessment(a=rated("health", "low")), TODAY) == []


def step(what: str, **fields) -> Step:
    return Step(what=what, **fields)


def plan_with(*goals: Goal, **fields) -> Plan:
    return Plan(client_id=CLIENT, started_on=date(2026, 11, 1), goals=list(goals), **fields)


def goal(*steps: Step, **fields) -> Goal:
    return Goal(
        pathway=fields.pop("pathway", "accommodation"),
        words="A flat of my own",
        added_on=date(2026, 11, 1),
        steps=list(steps),
        **fields,
    )


def test_overdue_steps_are_open_steps_on_live_goals_past_their_date() -> None:
    late = step("Ring the council", target_date=date(2026, 11, 10))
    later = step("Bank account", target_date=date(2026, 11, 20), status="in_progress")
    blocked = step("ID", target_date=date(2026, 11, 1), status="cannot_yet")
    future = step("Sign up", target_date=date(2026, 12, 1))
    on_removed_goal = step("Old", target_date=date(2026, 11, 1))
    plan = plan_with(
        goal(late, blocked, future),
        goal(later, pathway="finance_benefits_debt_id", status="future"),
        goal(on_removed_goal, pathway="health", status="removed", removed_reason="Moved"),
    )
    assert [s.what for _, s in pl.overdue_steps(plan, TODAY)] == [
        "Ring the council",
        "Bank account",
    ]
    assert pl.next_step_due(plan) == date(2026, 11, 10)
    ended = plan.model_copy(update={"status": "ended", "ended_on": TODAY, "end_reason": "x"})
    assert pl.next_step_due(ended) is None


def test_agreement_holds_until_the_goals_or_steps_change() -> None:
    plan = plan_with(goal(), revision=3, goals_revised=2)
    assert pl.agreement_words(plan) == "Not yet asked to agree"
    agreed = plan.model_copy(
        update={"agreements": [Agreement(answer="agreed", on=date(2026, 11, 3), revision=2)]}
    )
    assert agreed.agreed_as_it_stands
    changed = agreed.model_copy(update={"revision": 4, "goals_revised": 4})
    assert not changed.agreed_as_it_stands
    declined = agreed.model_copy(
        update={"agreements": [Agreement(answer="did_not_agree", on=TODAY, revision=3)]}
    )
    assert not declined.agreed_as_it_stands
    assert pl.agreement_words(declined) == "Did not agree on 22/11/2026"


def test_a_goal_and_step_must_say_when_they_were_achieved_or_why_removed() -> None:
    with pytest.raises(ValueError, match="achieved goal"):
        goal(status="achieved")
    with pytest.raises(ValueError, match="removed goal"):
        goal(status="removed")
    with pytest.raises(ValueError, match="completed step needs the date"):
        step("x", status="completed")
    with pytest.raises(ValueError, match="at least 1"):
        step("   ")


def test_referral_history_starts_made_and_closed_ones_do_not_move() -> None:
    made = pl.new_referral(CLIENT, uuid4(), "accommodation", date(2026, 11, 1), "email")
    declined = pl.referral_moved(made, "declined", date(2026, 11, 4), "No beds")
    assert [u.status for u in declined.history] == ["made", "declined"]
    assert declined.follow_up_on is None
    with pytest.raises(ValueError, match="was declined does not change again"):
        pl.referral_moved(declined, "accepted", date(2026, 11, 5))
    with pytest.raises(ValueError, match="date order"):
        pl.referral_moved(made, "accepted", date(2026, 10, 30))


def test_a_referral_moves_its_step_on_but_never_reopens_it() -> None:
    made = pl.new_referral(CLIENT, uuid4(), "accommodation", date(2026, 11, 1), "email")
    todo = step("Refer to Ash Housing", refer_to=made.agency_id)
    moving = pl.step_after_referral(todo, made, "Ash Housing")
    assert moving.status == "in_progress"
    withdrawn = pl.referral_moved(made, "withdrawn", date(2026, 11, 6))
    left = pl.step_after_referral(moving, withdrawn, "Ash Housing")
    assert left.status == "in_progress"  # the keyworker decides what next
    assert left.progress[-1].text == "Referral to Ash Housing withdrawn"
    done = step("x", status="completed", completed_on=date(2026, 11, 2))
    assert pl.step_after_referral(done, withdrawn, "Ash Housing") == done


def test_plan_changes_are_worded_for_the_history() -> None:
    before = plan_with(goal(step("Ring the council")), revision=1)
    first = before.goals[0]
    achieved = first.model_copy(
        update={
            "status": "achieved",
            "achieved_on": TODAY,
            "steps": [
                first.steps[0].model_copy(update={"status": "completed", "completed_on": TODAY})
            ],
        }
    )
    added = goal(pathway="health")
    after = before.model_copy(update={"goals": [achieved, added], "review_date": TODAY})
    assert pl.plan_changes(before, after) == [
        "Goal achieved: Accommodation",
        "Step completed: Ring the council",
        "Goal added: Health (physical and mental health)",
        "Review date set to 22/11/2026",
    ]
