"""Adding or editing a step towards a goal: what, who, by when, and progress."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import UUID

from textual.widget import Widget
from textual.widgets import Select

from keyworker.plans import Agency, ProgressNote, Step
from keyworker.vocabulary import STEP_OWNERS, STEP_STATUSES
from screens.form import (
    ChoiceField,
    DateField,
    FormField,
    FormScreen,
    Item,
    LongTextField,
    TextField,
)


@dataclass(frozen=True, kw_only=True)
class AgencyChoice(FormField):
    """An agency from the directory, or none."""

    agencies: Sequence[Agency]
    value: UUID | None = None
    prompt: str = "None"

    def make_widget(self) -> Widget:
        options = [(a.name, str(a.id)) for a in self.agencies]
        known = self.value is not None and any(a.id == self.value for a in self.agencies)
        return Select(
            options,
            prompt=self.prompt,
            allow_blank=True,
            value=str(self.value) if known else Select.NULL,
            id=self.widget_id,
            compact=True,
        )

    def raw(self, widget: Widget) -> object:
        assert isinstance(widget, Select)
        return widget.value

    def read(self, widget: Widget) -> UUID | None:
        assert isinstance(widget, Select)
        return None if widget.is_blank() else UUID(str(widget.value))


class StepForm(FormScreen[Step]):
    """A new step (not started) or an edit of one, with a progress note to add.

    A step can be "make a referral to X": choose the agency under "Refer to", and make
    the referral from the plan with m; the referral then moves the step on.
    """

    def __init__(
        self,
        today: date,
        agencies: Sequence[Agency],
        worker: str,
        goal_words: str,
        step: Step | None = None,
    ) -> None:
        self.today = today
        self.worker = worker
        self.step = step
        live = [a for a in agencies if not a.archived]
        if step is not None and step.refer_to is not None:
            live += [a for a in agencies if a.id == step.refer_to and a.archived]
        self.agencies = live
        super().__init__("Edit step" if step else "New step", f"Towards: {goal_words}")

    def items(self) -> Iterable[Item]:
        step = self.step
        yield TextField(
            name="what",
            label="What",
            required=True,
            value=step.what if step else "",
            placeholder="Ring the council's housing options team",
        )
        yield ChoiceField(
            name="who",
            label="Who does it",
            required=True,
            vocabulary=STEP_OWNERS,
            value=step.who if step else "person",
        )
        yield TextField(
            name="who_detail",
            label="Which agency or who",
            value=step.who_detail if step else "",
            hint="For an agency not in the directory, or someone else.",
        )
        yield AgencyChoice(
            name="refer_to",
            label="Refer to",
            agencies=self.agencies,
            value=step.refer_to if step else None,
            hint="For a step that is making a referral: press m on it to make it.",
        )
        yield DateField(
            name="target_date",
            label="By",
            today=self.today,
            value=step.target_date if step else None,
        )
        yield ChoiceField(
            name="status",
            label="Status",
            required=True,
            vocabulary=STEP_STATUSES,
            value=step.status if step else "not_started",
        )
        yield LongTextField(
            name="progress_note",
            label="Progress note",
            hint="What has happened, dated today. Earlier notes are kept.",
        )

    def build(self, values: dict[str, Any]) -> Step:
        note = values.pop("progress_note")
        step = self.step
        data = step.model_dump() if step else {}
        data.update(values)
        if values["status"] == "completed":
            data["completed_on"] = (step.completed_on if step else None) or self.today
        else:
            data["completed_on"] = None
        progress = list(step.progress) if step else []
        if note:
            progress.append(ProgressNote(on=self.today, text=note, by=self.worker))
        data["progress"] = progress
        return Step.model_validate(data)
