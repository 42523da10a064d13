"""A person's action plans through time: every saved revision, and what each changed.

Newest first. The revision with the cursor is shown whole underneath, exactly as it stood
when it was saved, so an agreement can be read against the plan the person agreed to.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import ClassVar
from uuid import UUID

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Header, Static

from keyworker import plans as pl
from keyworker.dates import uk_date, uk_datetime
from keyworker.plans import Plan
from keyworker.vocabulary import GOAL_STATUSES, PATHWAYS
from screens.client_widgets import RecordTable
from screens.footer import KeyFooter
from screens.plan_pane import plan_rows, status_words, who_words
from screens.row_table import Column

NO_HISTORY = "No action plan has been saved for this person yet."


def what_changed(plans: Sequence[Plan]) -> dict[tuple[UUID, int], list[str]]:
    """For each revision, keyed by (plan id, revision), what it changed from the last."""
    by_plan: dict[UUID, list[Plan]] = {}
    for plan in plans:
        by_plan.setdefault(plan.id, []).append(plan)
    changes: dict[tuple[UUID, int], list[str]] = {}
    for revisions in by_plan.values():
        revisions.sort(key=lambda p: p.revision)
        for before, after in zip([None, *revisions], revisions, strict=False):
            changes[after.id, after.revision] = pl.plan_changes(before, after)
    return changes


def plan_text(plan: Plan, agencies: Mapping[UUID, str], today: date) -> Text:
    """The plan as it stood at one revision, whole; "overdue" as on the day it was saved."""
    if plan.saved_at is not None:
        today = plan.saved_at.astimezone().date()
    text = Text()
    status = "Live" if plan.is_live else f"Ended {uk_date(plan.ended_on)}: {plan.end_reason}"
    text.append(f"Plan started {uk_date(plan.started_on)} · {status}", style="bold")
    text.append(f"\nRevision {plan.revision}, saved {uk_datetime(plan.saved_at)}")
    if plan.saved_by:
        text.append(f" by {plan.saved_by}")
    text.append(f"\nReview by: {uk_date(plan.review_date) or 'not set'}")
    text.append(f"\nAgreement: {pl.agreement_words(plan)}")
    for row in plan_rows(plan):
        if row.step is None:
            goal = row.goal
            text.append(f"\n\n{PATHWAYS.label(goal.pathway)}", style="bold")
            text.append(f" ({GOAL_STATUSES.label(goal.status).lower()})")
            text.append(f"\n{goal.words}")
            continue
        step = row.step
        by = f", by {uk_date(step.target_date)}" if step.target_date else ""
        text.append(f"\n  • {step.what} ({who_words(step, agencies)}{by})")
        text.append(f": {status_words(row, today)}")
        for note in step.progress:
            text.append(f"\n      {uk_date(note.on)} {note.text}")
    return text


class RevisionTable(RecordTable[Plan]):
    COLUMNS = (
        Column("saved", "Saved", 16),
        Column("plan", "Plan", 18, min_width=10, squeeze=1),
        Column("what", "What changed", 40, min_width=16, flex=True),
    )

    def __init__(self, changes: Mapping[tuple[UUID, int], list[str]]) -> None:
        self.changes = changes
        super().__init__(self.COLUMNS, self._cells, NO_HISTORY, id="revision-table")

    def fill(self, items: Sequence[Plan], keep: str | None) -> None:
        self.set_rows(items, 0)

    def _cells(self, plan: Plan) -> tuple[Text, ...]:
        said = self.changes.get((plan.id, plan.revision), [])
        what = "; ".join(said)
        which = f"Started {uk_date(plan.started_on)}"
        return (Text(uk_datetime(plan.saved_at)), Text(which), Text(what))


class PlanHistoryScreen(Screen[None]):
    """Every revision of the person's plans, newest first; Escape goes back."""

    DEFAULT_CSS = """
    PlanHistoryScreen {
        #history-title {
            padding: 0 1;
            text-style: bold;
        }
        RevisionTable {
            height: auto;
            max-height: 45%;
        }
        #revision-detail {
            height: 1fr;
            border-top: solid $foreground 30%;
            padding: 0 1;
        }
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", id="history_back", tooltip="Back to the record."),
    ]

    def __init__(self, plans: Sequence[Plan], agencies: Mapping[UUID, str], today: date) -> None:
        super().__init__()
        self.revisions = sorted(plans, key=lambda p: (p.saved_at, p.revision), reverse=True)
        self.agencies = agencies
        self.today = today
        self.changes = what_changed(plans)

    def compose(self) -> ComposeResult:
        yield Header()
        count = len(self.revisions)
        yield Static(
            f"Action plan history: {count} saved revision{'' if count == 1 else 's'}, newest first",
            id="history-title",
            markup=False,
        )
        yield RevisionTable(self.changes)
        with VerticalScroll(id="revision-detail"):
            yield Static(id="revision-text")
        yield KeyFooter(show_command_palette=False)

    def on_mount(self) -> None:
        table = self.query_one(RevisionTable)
        table.fill(self.revisions, None)
        table.focus()
        self._show()

    @on(RecordTable.CursorMoved)
    def _show(self) -> None:
        plan = self.query_one(RevisionTable).current
        shown = NO_HISTORY if plan is None else plan_text(plan, self.agencies, self.today)
        self.query_one("#revision-text", Static).update(shown)

    def action_back(self) -> None:
        self.app.pop_screen()
