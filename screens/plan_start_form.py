"""Starting an action plan: goals offered from the latest assessment, to keep and reword.

Each pathway the assessment found a high, medium or immediate need on is offered as a
goal with a plain starting wording; the keyworker ticks the ones the person wants to
work on and rewrites each in the person's own words. Nothing is saved until the form is.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any
from uuid import UUID

from keyworker import plans as pl
from keyworker.assessments import Assessment
from keyworker.dates import uk_date
from keyworker.plans import Plan
from keyworker.vocabulary import PATHWAYS
from screens.form import DateField, FormScreen, Item, Section, TextField, TickField, missing


class StartPlanForm(FormScreen[Plan]):
    """Dismisses with the new plan (not yet saved), or None."""

    SAVE_LABEL = "Start plan"

    def __init__(
        self,
        client_id: UUID,
        today: date,
        assessment: Assessment | None,
        review_weeks: int = 12,
    ) -> None:
        self.client_id = client_id
        self.today = today
        self.assessment = assessment
        self.review_weeks = review_weeks
        self.suggested = pl.suggest_goals(assessment, today) if assessment else []
        if assessment is None:
            about = (
                "There is no completed assessment to suggest goals from. Start the plan, "
                "then add goals with g."
            )
        elif not self.suggested:
            about = (
                f"The assessment of {uk_date(assessment.assessed_on)} found no high, medium "
                "or immediate needs. Start the plan, then add goals with g."
            )
        else:
            about = (
                f"Goals suggested from the assessment of {uk_date(assessment.assessed_on)}. "
                "Untick any the person does not want, and put each in their own words."
            )
        super().__init__("Start an action plan", about)

    def items(self) -> Iterable[Item]:
        for i, goal in enumerate(self.suggested):
            why = pl.why_suggested(self.assessment, goal.pathway) if self.assessment else ""
            title = PATHWAYS.label(goal.pathway)
            yield Section(title=f"{title}: {why.lower()}" if why else title)
            yield TickField(name=f"keep_{i}", label="Work on this", value=True)
            yield TextField(name=f"words_{i}", label="In their words", value=goal.words)
        yield Section(title="The plan")
        yield DateField(
            name="started_on", label="Started on", required=True, today=self.today, value=self.today
        )
        yield DateField(
            name="review_date",
            label="Review by",
            today=self.today,
            value=self.today + timedelta(weeks=self.review_weeks),
        )

    def build(self, values: dict[str, Any]) -> Plan:
        goals = []
        for i, goal in enumerate(self.suggested):
            if values[f"keep_{i}"]:
                words = values[f"words_{i}"]
                goals.append(goal.model_copy(update={"words": words}))
        # Validated whole below: a blank wording is refused beside its field.
        data = {
            "client_id": self.client_id,
            "started_on": values["started_on"],
            "review_date": values["review_date"],
            "goals": [g.model_dump() for g in goals],
        }
        try:
            return Plan.model_validate(data)
        except ValueError:
            blank = [
                f"words_{i}"
                for i in range(len(self.suggested))
                if values[f"keep_{i}"] and not str(values[f"words_{i}"]).strip()
            ]
            if blank:
                raise missing("Plan", blank) from None
            raise
