"""Adding or editing a step towards a goal: what, who, by when, and progress."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from keyworker.plans import Agency, ProgressNote, Step
from keyworker.vocabulary import STEP_OWNERS, STEP_STATUSES
from screens.form import ChoiceField, DateField, FormScreen, Item, LongTextField, TextField
from screens.referral_form import AgencyField, agency_options


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
        self.agencies = agencies
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
        refer_to = step.refer_to if step else None
        yield AgencyField(
            name="refer_to",
            label="Refer to",
            options=agency_options(self.agencies, refer_to),
            value=refer_to,
            prompt="None",
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
