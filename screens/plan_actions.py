"""The Plan tab's actions: start a plan, add and edit goals and steps, agree, review, end.

A mixin for the client screen, as `AssessmentStarter` is. Every change is a form that
returns a model; the screen saves it through the caseload in a thread (`_save`), which
adds a revision to the plan, and reads the record again. A plan changed elsewhere in the
meantime is refused by storage, not overwritten.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, Any

from textual import work

from keyworker.assessments import current
from keyworker.errors import KeyworkerError
from keyworker.plans import Agency, Agreement, Goal, Plan, Step
from screens.agreement_form import AgreementForm
from screens.goal_form import GoalForm
from screens.plan_dates_form import EndPlanForm, PlanEnding, ReviewDateForm
from screens.plan_pane import PlanPane, PlanRow, PlanTable
from screens.plan_start_form import StartPlanForm
from screens.step_form import StepForm

if TYPE_CHECKING:
    from uuid import UUID

    from textual.app import App
    from textual.screen import Screen

    from keyworker.clock import Clock
    from keyworker.models import ClientRecord
    from storage import Caseload

NO_LIVE_PLAN = "There is no live plan: press g to start one."
CHOOSE_A_GOAL = "Put the cursor on a goal, or one of its steps, first."

# The plan actions that need a live plan; `g` starts one when there is none.
NEEDS_PLAN = ("add_step", "agree_plan", "plan_review_date", "plan_copy", "end_plan")
PLAN_ACTIONS = (*NEEDS_PLAN, "add_goal", "refer_for_step", "plan_history")


class PlanActions:
    """The client screen's plan actions, bound on the plan table (see `PlanTable`)."""

    caseload: Caseload
    clock: Clock
    client_id: UUID
    record: ClientRecord | None
    agencies: list[Agency]
    _select: dict[type, str]
    app: App[Any]

    if TYPE_CHECKING:

        def notify(self, message: str, **kwargs: Any) -> None: ...
        def query_one(self, selector: Any, expect_type: Any = None) -> Any: ...
        def _save(
            self, done: str, change: Callable[[], object], then: Callable[[], None] | None = None
        ) -> None: ...
        def _ask(self, form: Screen[Any], then: Callable[[Any], None]) -> None: ...
        def refer_for_step(
            self, step_id: UUID, agency_id: UUID | None, pathway: str | None
        ) -> None: ...

    # What the tab shows -------------------------------------------------------------

    @property
    def plan(self) -> Plan | None:
        plan: Plan | None = self.query_one(PlanPane).plan
        return plan

    def _plan_row(self) -> PlanRow | None:
        row: PlanRow | None = self.query_one(PlanPane).current
        return row

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Plan actions that cannot apply now are hidden; others pass on."""
        if action in PLAN_ACTIONS:
            return self.plan_action_allowed(action)
        return super().check_action(action, parameters)  # type: ignore[misc]

    def plan_action_allowed(self, action: str) -> bool | None:
        """False hides an action that cannot apply now, so the footer offers what can."""
        if self.record is None:
            return None
        plan = self.plan
        if action in NEEDS_PLAN:
            return plan is not None
        if action == "refer_for_step":
            row = self._plan_row()
            step = row.step if row else None
            return plan is not None and step is not None and step.refer_to is not None
        return True

    def _agency_names(self) -> dict[UUID, str]:
        return {a.id: a.name for a in self.agencies}

    # Starting and goals -------------------------------------------------------------

    def action_add_goal(self) -> None:
        """Add a goal to the live plan, or start a plan when there is none."""
        if self.record is None:
            return
        plan = self.plan
        today = self.clock.today()
        if plan is None:
            done = current(self.record.assessments)
            weeks = getattr(getattr(self.app, "settings", None), "review_weeks", 12)
            form = StartPlanForm(self.client_id, today, done[-1] if done else None, weeks)
            self._ask(form, self._plan_started)
            return
        row = self._plan_row()
        pathway = row.goal.pathway if row else None
        self._ask(GoalForm(today, pathway=pathway), partial(self._goal_saved, plan, "Goal added."))

    def _plan_started(self, plan: Plan) -> None:
        self._save("Plan started.", partial(self.caseload.start_plan, plan))

    def _goal_saved(self, plan: Plan, done: str, goal: Goal) -> None:
        goals = [g for g in plan.goals if g.id != goal.id]
        if len(goals) == len(plan.goals):
            goals.append(goal)
        else:
            goals = [goal if g.id == goal.id else g for g in plan.goals]
        self._select[PlanTable] = str(goal.id)
        changed = plan.model_copy(update={"goals": goals})
        self._save(done, partial(self.caseload.save_plan, changed))

    def edit_plan_row(self) -> None:
        """Enter on a goal or step opens it to edit."""
        plan, row = self.plan, self._plan_row()
        if plan is None or row is None:
            return
        today = self.clock.today()
        if row.step is None:
            form = GoalForm(today, row.goal)
            self._ask(form, partial(self._goal_saved, plan, "Goal saved."))
            return
        form = StepForm(today, self.agencies, self.caseload.worker, row.goal.words, row.step)
        self._ask(form, partial(self._step_saved, plan, row.goal, "Step saved."))

    # Steps --------------------------------------------------------------------------

    def action_add_step(self) -> None:
        plan, row = self.plan, self._plan_row()
        if plan is None:
            self.notify(NO_LIVE_PLAN)
            return
        if row is None:
            self.notify(CHOOSE_A_GOAL)
            return
        today = self.clock.today()
        form = StepForm(today, self.agencies, self.caseload.worker, row.goal.words)
        self._ask(form, partial(self._step_saved, plan, row.goal, "Step added."))

    def _step_saved(self, plan: Plan, goal: Goal, done: str, step: Step) -> None:
        steps = list(goal.steps)
        at = next((i for i, s in enumerate(steps) if s.id == step.id), None)
        if at is None:
            steps.append(step)
        else:
            steps[at] = step
        changed_goal = goal.model_copy(update={"steps": steps})
        goals = [changed_goal if g.id == goal.id else g for g in plan.goals]
        self._select[PlanTable] = str(step.id)
        changed = plan.model_copy(update={"goals": goals})
        self._save(done, partial(self.caseload.save_plan, changed))

    def action_refer_for_step(self) -> None:
        row = self._plan_row()
        step = row.step if row else None
        if row is None or step is None or step.refer_to is None:
            self.notify("Choose a step that is making a referral (edit it to set 'Refer to').")
            return
        self._select[PlanTable] = str(step.id)
        self.refer_for_step(step.id, step.refer_to, row.goal.pathway)

    # Agreement, review and ending ---------------------------------------------------

    def action_agree_plan(self) -> None:
        plan = self.plan
        if plan is None:
            self.notify(NO_LIVE_PLAN)
            return
        last = plan.agreement
        changed = last is not None and last.revision < plan.goals_revised
        form = AgreementForm(self.clock.today(), plan.revision, changed)
        self._ask(form, partial(self._agreed, plan))

    def _agreed(self, plan: Plan, agreement: Agreement) -> None:
        agree = partial(
            self.caseload.agree_plan, plan.id, agreement.answer, agreement.on, agreement.note
        )
        self._save("Agreement recorded.", agree)

    def action_plan_review_date(self) -> None:
        plan = self.plan
        if plan is None:
            self.notify(NO_LIVE_PLAN)
            return
        form = ReviewDateForm(self.clock.today(), plan)
        self._ask(
            form, lambda p: self._save("Review date saved.", partial(self.caseload.save_plan, p))
        )

    def action_end_plan(self) -> None:
        plan = self.plan
        if plan is None:
            self.notify(NO_LIVE_PLAN)
            return
        self._ask(EndPlanForm(self.clock.today()), partial(self._ended, plan))

    def _ended(self, plan: Plan, ending: PlanEnding) -> None:
        end = partial(self.caseload.end_plan, plan.id, ending.on, ending.reason)
        self._save("Plan ended. It is kept in the plan's history.", end)

    # The person's copy ---------------------------------------------------------------

    def action_plan_copy(self) -> None:
        plan = self.plan
        if plan is None or self.record is None:
            self.notify(NO_LIVE_PLAN)
            return
        from keyworker.plan_pdf import plan_file_name
        from screens.plan_copy_form import PlanCopyForm
        from storage.exports import default_export_folder

        name = plan_file_name(self.record.client.case_ref, self.clock.today())
        form = PlanCopyForm(default_export_folder() / name)
        self._ask(form, partial(self._write_copy, plan, self.record.client.display_name, name))

    @work(thread=True, exclusive=True, group="plan-copy")
    def _write_copy(self, plan: Plan, person: str, file_name: str, choice: Any) -> None:
        from keyworker.plan_pdf import plan_pdf
        from storage.exports import write_export

        path = choice.path / file_name if choice.path.is_dir() else choice.path
        try:
            document = plan_pdf(
                plan,
                person_name=person,
                keyworker_name=self.caseload.worker,
                service=self.caseload.service,
                agencies=self._agency_names(),
                today=self.clock.today(),
                large_text=choice.large_text,
            )
            written = write_export(path, document, replace=choice.replace)
        except KeyworkerError as exc:
            self.app.call_from_thread(
                self.notify, str(exc), title="Not written", severity="error", timeout=10
            )
            return
        self.app.call_from_thread(
            self.notify,
            f"Written to {written}. It is not encrypted: delete it once it is printed or given.",
            title="File written",
            timeout=10,
        )

    def action_plan_history(self) -> None:
        if self.record is None:
            return
        from screens.plan_history import PlanHistoryScreen

        screen = PlanHistoryScreen(self.record.plans, self._agency_names(), self.clock.today())
        self.app.push_screen(screen)
