"""Recording whether the person agreed their action plan, as it stands now."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from keyworker.plans import Agreement
from keyworker.vocabulary import AGREEMENTS
from screens.form import ChoiceField, DateField, FormScreen, Item, LongTextField


class AgreementForm(FormScreen[Agreement]):
    """Dismisses with the answer; storage dates it to the plan's revision when saved."""

    def __init__(self, today: date, revision: int, changed_since: bool) -> None:
        self.today = today
        self.revision = revision
        about = "Ask the person whether they agree the plan as it is now."
        if changed_since:
            about += " It has changed since they last agreed it."
        super().__init__("Agreement to the plan", about)

    def items(self) -> Iterable[Item]:
        yield ChoiceField(name="answer", label="Their answer", required=True, vocabulary=AGREEMENTS)
        yield DateField(name="on", label="On", required=True, today=self.today, value=self.today)
        yield LongTextField(name="note", label="Note", hint="What they said, if it helps.")

    def build(self, values: dict[str, Any]) -> Agreement:
        return Agreement.model_validate({**values, "revision": max(self.revision, 1)})
