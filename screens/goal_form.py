"""Adding or editing a goal of an action plan, in the person's own words."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from keyworker.plans import Goal
from keyworker.vocabulary import GOAL_STATUSES, PATHWAYS
from screens.form import (
    ChoiceField,
    DateField,
    FormScreen,
    Item,
    LongTextField,
    TextField,
    missing,
)


class GoalForm(FormScreen[Goal]):
    """A new goal (active, added today) or an edit of one; its steps are kept as they are.

    An achieved goal needs the day it was achieved (today unless changed) and a removed
    one the reason; both are kept on the plan, so what was worked on stays visible.
    """

    def __init__(self, today: date, goal: Goal | None = None, pathway: str | None = None) -> None:
        self.today = today
        self.goal = goal
        self.pathway = pathway
        super().__init__(
            "Edit goal" if goal else "New goal",
            "What the person wants to achieve, written as they say it.",
        )

    def items(self) -> Iterable[Item]:
        goal = self.goal
        yield ChoiceField(
            name="pathway",
            label="Pathway",
            required=True,
            vocabulary=PATHWAYS,
            value=goal.pathway if goal else self.pathway,
        )
        yield LongTextField(
            name="words",
            label="In their words",
            required=True,
            value=goal.words if goal else "",
        )
        yield ChoiceField(
            name="status",
            label="Status",
            required=True,
            vocabulary=GOAL_STATUSES,
            value=goal.status if goal else "active",
            hint="Future: agreed, but to start later.",
        )
        yield DateField(
            name="target_date",
            label="Target date",
            today=self.today,
            value=goal.target_date if goal else None,
        )
        yield DateField(
            name="achieved_on",
            label="Achieved on",
            today=self.today,
            value=goal.achieved_on if goal else None,
            hint="For an achieved goal; today if left blank.",
        )
        yield TextField(
            name="removed_reason",
            label="Why removed",
            value=goal.removed_reason if goal else "",
            blank_is_none=True,
            hint="For a removed goal: it stays on the plan, marked removed.",
        )

    def build(self, values: dict[str, Any]) -> Goal:
        status = values["status"]
        if status == "removed" and not values["removed_reason"]:
            raise missing("Goal", ["removed_reason"])
        values["removed_reason"] = values["removed_reason"] if status == "removed" else None
        if status == "achieved":
            values["achieved_on"] = values["achieved_on"] or self.today
        else:
            values["achieved_on"] = None
        if self.goal is not None:
            data = self.goal.model_dump() | values
        else:
            data = {"added_on": self.today, **values}
        return Goal.model_validate(data)
