"""Setting an action plan's review date, or ending the plan."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from keyworker.plans import Plan
from screens.form import DateField, FormScreen, Item, TextField


class ReviewDateForm(FormScreen[Plan]):
    """Dismisses with the plan carrying its new review date (blank clears it)."""

    def __init__(self, today: date, plan: Plan) -> None:
        self.today = today
        self.plan = plan
        super().__init__("Plan review date", "When to go through the plan with the person again.")

    def items(self) -> Iterable[Item]:
        yield DateField(
            name="review_date", label="Review by", today=self.today, value=self.plan.review_date
        )

    def build(self, values: dict[str, Any]) -> Plan:
        return Plan.model_validate({**self.plan.model_dump(), **values})


class PlanEnding(BaseModel):
    """When and why a plan ends."""

    model_config = ConfigDict(str_strip_whitespace=True)

    on: date
    reason: str = Field(min_length=1, max_length=200)


class EndPlanForm(FormScreen[PlanEnding]):
    """Ending the live plan: it is kept, read-only, and a new one can be started."""

    SAVE_LABEL = "End plan"

    def __init__(self, today: date) -> None:
        self.today = today
        super().__init__(
            "End the action plan",
            "The plan is kept as it is, and can be read from its history. A new plan can "
            "then be started.",
        )

    def items(self) -> Iterable[Item]:
        yield DateField(
            name="on", label="Ended on", required=True, today=self.today, value=self.today
        )
        yield TextField(
            name="reason",
            label="Why",
            required=True,
            placeholder="New assessment after recall",
        )

    def build(self, values: dict[str, Any]) -> PlanEnding:
        return PlanEnding.model_validate(values)
