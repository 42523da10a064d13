"""Starting an assessment: which template, initial or review, and the day it is done."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationInfo, field_validator

from keyworker.assessments import Assessment, current
from keyworker.dates import uk_date
from keyworker.templates import Template
from keyworker.vocabulary import ASSESSMENT_KINDS, Vocabulary
from screens.form import ChoiceField, DateField, FormScreen, Item

NO_REVIEW = "There is no completed assessment with this template to review: start an initial one."


class StartChoice(BaseModel):
    """What to start; checked against what the person has had before (the context)."""

    model_config = ConfigDict(frozen=True)

    template_id: str
    kind: str
    assessed_on: date

    @field_validator("kind")
    @classmethod
    def _reviewable(cls, kind: str, info: ValidationInfo) -> str:
        reviewable = (info.context or {}).get("reviewable", set())
        if kind == "review" and info.data.get("template_id") not in reviewable:
            raise ValueError(NO_REVIEW)
        return kind

    @field_validator("assessed_on")
    @classmethod
    def _not_ahead(cls, on: date, info: ValidationInfo) -> date:
        today = (info.context or {}).get("today")
        if today is not None and on > today:
            raise ValueError(f"An assessment is done on or before today ({uk_date(today)}).")
        return on


def latest_completed(assessments: Sequence[Assessment], template_id: str) -> Assessment | None:
    """The assessment a review of this template follows: the latest current one."""
    done = [a for a in current(assessments) if a.template_id == template_id]
    return done[-1] if done else None


class StartAssessmentForm(FormScreen[StartChoice]):
    SAVE_LABEL = "Start"

    def __init__(
        self, templates: Sequence[Template], assessments: Sequence[Assessment], today: date
    ) -> None:
        self.templates = list(templates)
        self.today = today
        self.reviewable = {
            t.id for t in self.templates if latest_completed(assessments, t.id) is not None
        }
        self.vocabulary = Vocabulary("assessment template", [(t.id, t.title) for t in templates])
        first = self.templates[0].id
        self.kind = "review" if first in self.reviewable else "initial"
        about = "A review starts from the answers of the last assessment."
        super().__init__("Start an assessment", about)

    def items(self) -> list[Item]:
        return [
            ChoiceField(
                name="template_id",
                label="Assessment",
                vocabulary=self.vocabulary,
                value=self.templates[0].id,
                required=True,
            ),
            ChoiceField(
                name="kind",
                label="Kind",
                vocabulary=ASSESSMENT_KINDS,
                value=self.kind,
                required=True,
            ),
            DateField(
                name="assessed_on",
                label="Done on",
                today=self.today,
                value=self.today,
                required=True,
            ),
        ]

    def build(self, values: dict[str, Any]) -> StartChoice:
        return StartChoice.model_validate(
            values, context={"reviewable": self.reviewable, "today": self.today}
        )
