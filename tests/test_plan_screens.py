"""The Plan tab: starting a plan from an assessment, goals, steps, agreement, history.

Each test drives the real client screen in a small host app, then checks what the
screen shows and what the caseload holds.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from textual.app import App
from textual.pilot import Pilot
from textual.widgets import Input, Select, TextArea

from keyworker.clock import FixedClock
from keyworker.models import Client
from keyworker.plans import Agency, Goal, Plan, Step
from screens.agreement_form import AgreementForm
from screens.date_input import DateInput
from screens.goal_form import GoalForm
from screens.plan_dates_form import EndPlanForm, ReviewDateForm
from screens.plan_history import PlanHistoryScreen
from screens.plan_pane import PlanPane, PlanTable
from screens.plan_start_form import StartPlanForm
from screens.step_form import StepForm
from storage import Caseload
from tests.conftest import make_client
from tests.test_assessment_storage import complete_one
from tests.test_client_screen import Host, opened, rows, screen_text, until

TODAY = date(2026, 11, 22)


async def on_plan_tab(pilot: Pilot) -> PlanPane:
    screen = await opened(pilot)
    await pilot.press("6")
    await pilot.pause()
    return screen.query_one(PlanPane)


async def form(pilot: Pilot, kind: type) -> Any:
    await until(pilot, lambda: isinstance(pilot.app.screen, kind))
    return pilot.app.screen


async def saved(pilot: Pilot, check) -> None:
    await pilot.press("ctrl+s")
    await until(pilot, check)


def type_into(app: App[Any], selector: str, text: str) -> None:
    widget = app.screen.query_one(selector)
    if isinstance(widget, DateInput):
        widget = widget.query_one(Input)
    if isinstance(widget, TextArea):
        widget.text = text
    else:
        assert isinstance(widget, Input)
        widget.value = text


def choose(app: App[Any], selector: str, value: str) -> None:
    app.screen.query_one(selector, Select).value = value


def a_plan(caseload: Caseload, client, *goals: Goal, **fields) -> Plan:
    plan = Plan(client_id=client.id, started_on=date(2026, 11, 1), goals=list(goals), **fields)
    return caseload.start_plan(plan)


def housing(*steps: Step, **fields) -> Goal:
    return Goal(
        pathway="accommodation",
        words="Have my own flat near my kids",
        added_on=date(2026, 11, 1),
        steps=list(steps),
        **fields,
    )


async def test_a_plan_starts_from_the_assessments_needs_in_the_persons_words(
    caseload: Caseload, clock: FixedClock
) -> None:
    client = make_client(caseload, status="active")
    assessed = complete_one(caseload, client, None, tonight="nowhere")
    async with Host(caseload, clock, client.id).run_test(size=(100, 40)) as pilot:
        pane = await on_plan_tab(pilot)
        assert "No action plan yet. Press g to start one" in screen_text(pilot.app)
        await pilot.press("g")
        start = await form(pilot, StartPlanForm)
        assert "Accommodation: high need, immediate need" in screen_text(pilot.app)
        type_into(pilot.app, "#field-words-0", "Somewhere safe to sleep, then my own place")
        await saved(pilot, lambda: pane.plan is not None)
        assert start.review_weeks == 12

    plan = caseload.live_plan(client.id)
    assert plan is not None
    assert [(g.pathway, g.words, g.assessment_id) for g in plan.goals] == [
        ("accommodation", "Somewhere safe to sleep, then my own place", assessed.id)
    ]
    assert plan.review_date == TODAY + timedelta(weeks=12)
    assert (plan.revision, plan.saved_by) == (1, caseload.worker)


async def test_an_unticked_suggestion_is_left_out(caseload: Caseload, clock: FixedClock) -> None:
    client = make_client(caseload, status="active")
    complete_one(caseload, client, None)
    async with Host(caseload, clock, client.id).run_test(size=(100, 40)) as pilot:
        pane = await on_plan_tab(pilot)
        await pilot.press("g")
        await form(pilot, StartPlanForm)
        pilot.app.screen.query_one("#field-keep-0").value = False
        await saved(pilot, lambda: pane.plan is not None)
    assert caseload.live_plan(client.id).goals == []


async def test_steps_are_added_completed_with_progress_and_the_plan_asks_again(
    caseload: Caseload, clock: FixedClock
) -> None:
    client = make_client(caseload, status="active")
    plan = a_plan(caseload, client, housing())
    caseload.agree_plan(plan.id, "agreed", date(2026, 11, 2))
    async with Host(caseload, clock, client.id).run_test(size=(100, 40)) as pilot:
        pane = await on_plan_tab(pilot)
        assert "Agreement: Agreed on 02/11/2026" in screen_text(pilot.app)
        await pilot.press("t")
        await form(pilot, StepForm)
        type_into(pilot.app, "#field-what", "Ring the council's housing options team")
        choose(pilot.app, "#field-who", "keyworker")
        type_into(pilot.app, "#field-target-date", "25/11/2026")
        await saved(pilot, lambda: len(rows(pane.query_one(PlanTable))) == 2)
        assert "ask again" in screen_text(pilot.app)

        await pilot.press("enter")  # the cursor is on the new step
        await form(pilot, StepForm)
        choose(pilot.app, "#field-status", "completed")
        type_into(pilot.app, "#field-progress-note", "Booked in for Thursday")
        await saved(pilot, lambda: "Completed 22/11/2026" in screen_text(pilot.app))

    step = caseload.live_plan(client.id).goals[0].steps[0]
    assert (step.what, step.who, step.target_date) == (
        "Ring the council's housing options team",
        "keyworker",
        date(2026, 11, 25),
    )
    assert (step.status, step.completed_on) == ("completed", TODAY)
    assert [(n.on, n.text, n.by) for n in step.progress] == [
        (TODAY, "Booked in for Thursday", caseload.worker)
    ]
    assert not caseload.live_plan(client.id).agreed_as_it_stands


async def test_agreement_is_recorded_against_the_plan_as_it_stands(
    caseload: Caseload, clock: FixedClock
) -> None:
    client = make_client(caseload, status="active")
    a_plan(caseload, client, housing())
    async with Host(caseload, clock, client.id).run_test(size=(100, 40)) as pilot:
        await on_plan_tab(pilot)
        assert "Not yet asked to agree" in screen_text(pilot.app)
        await pilot.press("a")
        await form(pilot, AgreementForm)
        choose(pilot.app, "#field-answer", "could_not_answer")
        await saved(pilot, lambda: "Could not answer on 22/11/2026" in screen_text(pilot.app))
    plan = caseload.live_plan(client.id)
    assert [(a.answer, a.on, a.revision) for a in plan.agreements] == [
        ("could_not_answer", TODAY, 1)
    ]


async def test_a_goal_removed_without_a_reason_is_refused_and_nothing_saved(
    caseload: Caseload, clock: FixedClock
) -> None:
    client = make_client(caseload, status="active")
    plan = a_plan(caseload, client, housing())
    async with Host(caseload, clock, client.id).run_test(size=(100, 40)) as pilot:
        await on_plan_tab(pilot)
        await pilot.press("enter")
        goal_form = await form(pilot, GoalForm)
        choose(pilot.app, "#field-status", "removed")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert goal_form.problem_for("removed_reason") == "✗ Fill this in."
        type_into(pilot.app, "#field-removed-reason", "Housed by the council")
        await saved(pilot, lambda: "Removed" in screen_text(pilot.app))
    goal = caseload.live_plan(client.id).goals[0]
    assert (goal.status, goal.removed_reason) == ("removed", "Housed by the council")
    assert len(caseload.plan_history(plan.id)) == 2


async def test_overdue_steps_and_review_say_so_in_words(
    caseload: Caseload, clock: FixedClock
) -> None:
    client = make_client(caseload, status="active")
    late = Step(what="Open a bank account", target_date=date(2026, 11, 10))
    a_plan(caseload, client, housing(late), review_date=date(2026, 11, 20))
    async with Host(caseload, clock, client.id).run_test(size=(100, 40)) as pilot:
        await on_plan_tab(pilot)
        shown = screen_text(pilot.app)
    assert "! Review overdue since 20/11/2026" in shown
    assert "! 1 step overdue" in shown
    assert "! Overdue: not started" in shown


async def test_review_date_history_and_ending_the_plan(
    caseload: Caseload, clock: FixedClock
) -> None:
    client = make_client(caseload, status="active")
    plan = a_plan(caseload, client, housing())
    async with Host(caseload, clock, client.id).run_test(size=(100, 40)) as pilot:
        pane = await on_plan_tab(pilot)
        await pilot.press("v")
        await form(pilot, ReviewDateForm)
        type_into(pilot.app, "#field-review-date", "1/2/2027")
        await saved(pilot, lambda: "Review by 01/02/2027" in screen_text(pilot.app))

        await pilot.press("h")
        await form(pilot, PlanHistoryScreen)
        shown = screen_text(pilot.app)
        assert "2 saved revisions, newest first" in shown
        assert "Review date set to 01/02/2027" in shown
        assert "Plan started on 01/11/2026" in shown
        await pilot.press("escape")

        await until(pilot, lambda: pane.is_attached and pilot.app.screen is pane.screen)
        await pilot.press("x")
        await form(pilot, EndPlanForm)
        type_into(pilot.app, "#field-reason", "Moved out of area")
        await saved(pilot, lambda: pane.plan is None)
        assert "1 earlier plan ended before" in screen_text(pilot.app)

    assert caseload.live_plan(client.id) is None
    ended = caseload.plans(client.id)[0]
    assert (ended.status, ended.ended_on, ended.end_reason) == ("ended", TODAY, "Moved out of area")
    assert [p.revision for p in caseload.plan_history(plan.id)] == [1, 2, 3]


async def test_a_step_that_refers_names_the_agency(caseload: Caseload, clock: FixedClock) -> None:
    client = make_client(caseload, status="active")
    ash = caseload.add_agency(Agency(name="Ash Housing Trust", category="accommodation"))
    a_plan(caseload, client, housing())
    async with Host(caseload, clock, client.id).run_test(size=(100, 40)) as pilot:
        pane = await on_plan_tab(pilot)
        await pilot.press("t")
        await form(pilot, StepForm)
        type_into(pilot.app, "#field-what", "Make a referral to Ash Housing Trust")
        choose(pilot.app, "#field-who", "agency")
        choose(pilot.app, "#field-refer-to", str(ash.id))
        await saved(pilot, lambda: len(rows(pane.query_one(PlanTable))) == 2)
        assert rows(pane.query_one(PlanTable))[1][1] == "Ash Housing Trust"
    assert caseload.live_plan(client.id).goals[0].steps[0].refer_to == ash.id


def fixed_client(caseload: Caseload) -> Client:
    """A client with the same case reference every run, as snapshots show it."""
    return caseload.add_client(
        Client(
            case_ref="KW-7F3Q2", legal_name="Daniel Price", preferred_name="Dan", status="active"
        )
    )


def snapshot_caseload(caseload: Caseload) -> Any:
    client = fixed_client(caseload)
    shelter = caseload.add_agency(Agency(name="Ash Housing Trust", category="accommodation"))
    steps = [
        Step(
            what="Make a referral to Ash Housing Trust",
            who="keyworker",
            refer_to=shelter.id,
            target_date=date(2026, 11, 18),
        ),
        Step(
            what="Bring ID to the council appointment",
            who="person",
            target_date=date(2026, 11, 30),
            status="in_progress",
        ),
    ]
    money = Goal(
        pathway="finance_benefits_debt_id",
        words="Get my Universal Credit sorted",
        added_on=date(2026, 11, 1),
        status="achieved",
        achieved_on=date(2026, 11, 20),
    )
    plan = a_plan(caseload, client, housing(*steps), money, review_date=date(2027, 2, 1))
    caseload.agree_plan(plan.id, "agreed", date(2026, 11, 2))
    return client


def test_plan_tab_snapshot(caseload: Caseload, clock: FixedClock, snap_compare) -> None:
    client = snapshot_caseload(caseload)

    async def run_before(pilot: Pilot) -> None:
        await on_plan_tab(pilot)

    assert snap_compare(
        Host(caseload, clock, client.id), terminal_size=(80, 24), run_before=run_before
    )


def test_plan_tab_wide_snapshot(caseload: Caseload, clock: FixedClock, snap_compare) -> None:
    client = snapshot_caseload(caseload)

    async def run_before(pilot: Pilot) -> None:
        await on_plan_tab(pilot)
        await pilot.press("down")

    assert snap_compare(
        Host(caseload, clock, client.id), terminal_size=(120, 40), run_before=run_before
    )


def test_start_plan_form_snapshot(caseload: Caseload, clock: FixedClock, snap_compare) -> None:
    client = fixed_client(caseload)
    complete_one(caseload, client, None, tonight="nowhere")

    async def run_before(pilot: Pilot) -> None:
        await on_plan_tab(pilot)
        await pilot.press("g")
        await form(pilot, StartPlanForm)

    assert snap_compare(
        Host(caseload, clock, client.id), terminal_size=(80, 24), run_before=run_before
    )


def test_plan_history_snapshot(caseload: Caseload, clock: FixedClock, snap_compare) -> None:
    client = snapshot_caseload(caseload)

    async def run_before(pilot: Pilot) -> None:
        await on_plan_tab(pilot)
        await pilot.press("h")
        await form(pilot, PlanHistoryScreen)

    assert snap_compare(
        Host(caseload, clock, client.id), terminal_size=(100, 30), run_before=run_before
    )


async def test_a_copy_for_the_person_is_written_where_chosen_after_the_warning(
    caseload: Caseload, clock: FixedClock, tmp_path
) -> None:
    from pypdf import PdfReader

    from screens.plan_copy_form import PlanCopyForm

    client = make_client(caseload, "Daniel Price", preferred_name="Dan", status="active")
    a_plan(caseload, client, housing(Step(what="Ring the council", who="keyworker")))
    target = tmp_path / "copy.pdf"
    async with Host(caseload, clock, client.id).run_test(size=(100, 40)) as pilot:
        await on_plan_tab(pilot)
        await pilot.press("w")
        await form(pilot, PlanCopyForm)
        assert "This file is not encrypted" in screen_text(pilot.app)
        assert client.case_ref in pilot.app.screen.query_one("#field-path", Input).value
        assert "Dan" not in pilot.app.screen.query_one("#field-path", Input).value
        type_into(pilot.app, "#field-path", str(target))
        await pilot.press("ctrl+s")
        await until(pilot, target.exists)
        notes = pilot.app._notifications
        await until(pilot, lambda: any("Written to" in n.message for n in notes))

    text = " ".join(page.extract_text() for page in PdfReader(target).pages)
    assert "Have my own flat near my kids" in text
    assert "Ring the council" in text
    assert "Dan" in text
    assert target.stat().st_mode & 0o077 == 0
