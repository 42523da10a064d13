"""The Plan tab of a client's record: the live action plan, goal by goal, step by step.

Above the table, where the plan stands: when it started, its review date and whether the
person agreed it as it stands now. Each goal is a row, its steps indented under it; the
row with the cursor is shown whole underneath. Overdue steps and reviews say so in words
(and with a "!"), never by colour alone.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import ClassVar
from uuid import UUID

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widgets import Static

from keyworker import plans as pl
from keyworker.dates import uk_date
from keyworker.plans import Goal, Plan, Step
from keyworker.vocabulary import GOAL_STATUSES, PATHWAYS, STEP_OWNERS, STEP_STATUSES
from screens.client_widgets import RecordPane, RecordTable
from screens.row_table import Column

NO_PLAN = "No action plan yet. Press g to start one from the latest assessment."
NO_GOALS = "No goals yet. Press g to add one."
OVERDUE = "!"


@dataclass(frozen=True)
class PlanRow:
    """A goal, or one of its steps, as a row of the table."""

    goal: Goal
    step: Step | None = None

    @property
    def id(self) -> UUID:
        return self.step.id if self.step else self.goal.id


def plan_rows(plan: Plan | None) -> list[PlanRow]:
    """Live goals first (active, then future), then achieved, then removed; steps under each."""
    if plan is None:
        return []
    order = {code: i for i, code in enumerate(GOAL_STATUSES.codes)}
    goals = sorted(plan.goals, key=lambda g: order.get(g.status, len(order)))
    found: list[PlanRow] = []
    for goal in goals:
        found.append(PlanRow(goal))
        found.extend(PlanRow(goal, step) for step in goal.steps)
    return found


SHORT_OWNERS = {"person": "Person", "keyworker": "Keyworker"}


def who_words(step: Step, agencies: Mapping[UUID, str], short: bool = False) -> str:
    """Who does the step: "The person", "The keyworker", the agency's name, or who else."""
    if step.refer_to is not None and step.who == "agency":
        return agencies.get(step.refer_to, step.who_detail or "A partner agency")
    if step.who_detail and step.who in ("agency", "other"):
        return step.who_detail
    if short and step.who in SHORT_OWNERS:
        return SHORT_OWNERS[step.who]
    return STEP_OWNERS.label(step.who)


def step_overdue(goal: Goal, step: Step, today: date) -> bool:
    return (
        goal.is_live and step.is_open and step.target_date is not None and step.target_date < today
    )


def status_words(row: PlanRow, today: date) -> str:
    goal, step = row.goal, row.step
    if step is None:
        words = GOAL_STATUSES.label(goal.status)
        if goal.status == "achieved":
            words += f" {uk_date(goal.achieved_on)}"
        return words
    words = STEP_STATUSES.label(step.status)
    if step.status == "completed":
        words += f" {uk_date(step.completed_on)}"
    if step_overdue(goal, step, today):
        words = f"{OVERDUE} Overdue: {words.lower()}"
    return words


class PlanTable(RecordTable[PlanRow]):
    COLUMNS = (
        Column("what", "Goal or step", 40, min_width=18, squeeze=0, flex=True),
        Column("who", "Who", 16, min_width=9, squeeze=1),
        Column("by", "By", 10),
        Column("status", "Status", 23, min_width=12, squeeze=1),
    )
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "select", "Edit", id="edit_plan_row", tooltip="Edit the goal or step."),
        Binding(
            "g",
            "screen.add_goal",
            "Add goal",
            id="add_goal",
            tooltip="Add a goal; with no plan yet, start one from the latest assessment.",
        ),
        Binding(
            "t", "screen.add_step", "Add step", id="add_step", tooltip="A step towards the goal."
        ),
        Binding(
            "a",
            "screen.agree_plan",
            "Agreement",
            id="agree_plan",
            tooltip="Record whether the person agrees the plan as it stands.",
        ),
        Binding(
            "m",
            "screen.refer_for_step",
            "Make referral",
            id="refer_for_step",
            tooltip="Make the referral this step is for.",
        ),
        Binding(
            "w",
            "screen.plan_copy",
            "Copy for person",
            id="plan_copy",
            tooltip="Write the plan as a PDF for the person (not encrypted).",
        ),
        Binding(
            "v",
            "screen.plan_review_date",
            "Review date",
            id="plan_review_date",
            show=False,
            tooltip="Set when to go through the plan again.",
        ),
        Binding(
            "h",
            "screen.plan_history",
            "History",
            id="plan_history",
            show=False,
            tooltip="Every saved version of the plan, and earlier plans.",
        ),
        Binding(
            "x",
            "screen.end_plan",
            "End plan",
            id="end_plan",
            show=False,
            tooltip="End the plan; it is kept, and a new one can be started.",
        ),
    ]

    def __init__(self) -> None:
        self.today = date.min
        self.agencies: Mapping[UUID, str] = {}
        super().__init__(self.COLUMNS, self._cells, NO_PLAN, id="plan-table")

    def _cells(self, row: PlanRow) -> tuple[Text, ...]:
        goal, step = row.goal, row.step
        if step is None:
            what = Text(f"{PATHWAYS.label(goal.pathway)}: ", style="bold")
            what.append(" ".join(goal.words.split()))
            return (
                what,
                Text(""),
                Text(uk_date(goal.target_date)),
                Text(status_words(row, self.today)),
            )
        return (
            Text(f"  • {' '.join(step.what.split())}"),
            Text(who_words(step, self.agencies, short=True)),
            Text(uk_date(step.target_date)),
            Text(status_words(row, self.today)),
        )


def plan_summary(plan: Plan | None, earlier: int, today: date) -> Text:
    """The lines above the table: where the plan stands."""
    text = Text()
    if plan is None:
        text.append("No live action plan.", style="bold")
        if earlier:
            text.append(f" {_plans(earlier)} ended before: press h to read them.")
        return text
    text.append(f"Plan started {uk_date(plan.started_on)}", style="bold")
    if plan.review_date is None:
        text.append(" · No review date set (press v)")
    elif pl.review_overdue(plan, today):
        text.append(f" · {OVERDUE} Review overdue since {uk_date(plan.review_date)}", style="bold")
    else:
        text.append(f" · Review by {uk_date(plan.review_date)}")
    text.append("\n")
    agreed = pl.agreement_words(plan)
    style = "" if plan.agreed_as_it_stands else "bold"
    marker = "" if plan.agreed_as_it_stands else f"{OVERDUE} "
    text.append(f"{marker}Agreement: {agreed}", style=style)
    live = [g for g in plan.goals if g.is_live]
    done = sum(1 for g in plan.goals if g.status == "achieved")
    text.append(f"\n{_count(len(live), 'goal')} being worked on, {done} achieved")
    overdue = len(pl.overdue_steps(plan, today))
    if overdue:
        text.append(f"; {OVERDUE} {_count(overdue, 'step')} overdue", style="bold")
    if earlier:
        text.append(f". {_plans(earlier)} ended before (h).")
    return text


def row_detail(row: PlanRow, agencies: Mapping[UUID, str], today: date) -> Text:
    """The whole of a goal or step: its words, dates and progress notes."""
    goal, step = row.goal, row.step
    text = Text()
    if step is None:
        text.append(f"Goal: {PATHWAYS.label(goal.pathway)}", style="bold")
        text.append(f"\nIn their words: {goal.words}")
        text.append(f"\nStatus: {status_words(row, today)}")
        if goal.removed_reason:
            text.append(f" because: {goal.removed_reason}")
        text.append(f"\nAdded {uk_date(goal.added_on)}")
        if goal.target_date:
            text.append(f" · Target {uk_date(goal.target_date)}")
        if goal.assessment_id:
            text.append(" · From an assessed need")
        text.append(f"\n{_count(len(goal.steps), 'step')}. Press t to add one.")
        return text
    text.append(f"Step: {step.what}", style="bold")
    text.append(f"\nWho: {who_words(step, agencies)}")
    if step.refer_to is not None:
        text.append(f" · Refer to {agencies.get(step.refer_to, 'an agency')} (press m)")
    text.append(f"\nBy: {uk_date(step.target_date) or 'no date set'}")
    text.append(f" · Status: {status_words(row, today)}")
    text.append(f"\nFor the goal: {PATHWAYS.label(goal.pathway)}")
    for note in step.progress:
        text.append(f"\n{uk_date(note.on)}  {note.text}")
    if not step.progress:
        text.append("\nNo progress notes yet: add one with Enter.")
    return text


def _count(number: int, thing: str) -> str:
    return f"{number} {thing}{'' if number == 1 else 's'}"


def _plans(number: int) -> str:
    return "1 earlier plan" if number == 1 else f"{number} earlier plans"


class PlanPane(RecordPane):
    """The live plan: where it stands, its goals and steps, and the row with the cursor."""

    DEFAULT_CSS = """
    PlanPane {
        #plan-summary {
            height: auto;
            padding: 0 1;
            border-bottom: solid $foreground 30%;
        }
    }
    """

    def __init__(self, id: str) -> None:
        super().__init__(id=id)
        self.plan: Plan | None = None
        self.agencies: Mapping[UUID, str] = {}

    def compose(self) -> ComposeResult:
        yield Static(id="plan-summary")
        yield PlanTable()
        with VerticalScroll(classes="detail"):
            yield Static(id="plan-detail")

    def show(
        self,
        plans: Sequence[Plan],
        agencies: Mapping[UUID, str],
        today: date,
        select: str | None,
    ) -> None:
        """Show the live plan among `plans` (every revision of every plan)."""
        latest = pl.latest_revisions(plans)
        self.plan = next((p for p in latest if p.is_live), None)
        earlier = sum(1 for p in latest if not p.is_live)
        self.agencies = agencies
        self.today = today
        table = self.query_one(PlanTable)
        table.today, table.agencies = today, agencies
        table.empty_text = NO_PLAN if self.plan is None else NO_GOALS
        self.query_one("#plan-summary", Static).update(plan_summary(self.plan, earlier, today))
        table.fill(plan_rows(self.plan), select or table.cursor_key)
        self.show_detail()

    def show_detail(self) -> None:
        super().show_detail()
        self.screen.refresh_bindings()  # "Make referral" is offered on a referral step

    def detail(self) -> Text | str:
        row = self.current
        if row is None:
            return NO_PLAN if self.plan is None else NO_GOALS
        return row_detail(row, self.agencies, self.today)
