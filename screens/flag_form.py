"""Raising, reviewing or ending a risk or safeguarding flag."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any
from uuid import UUID

from dateutil.relativedelta import relativedelta

from keyworker.models import RiskFlag
from keyworker.vocabulary import RISK_KINDS, RISK_LEVELS
from screens.form import ChoiceField, DateField, FormScreen, Item, LongTextField

# A new flag is due for review in three months unless the keyworker says otherwise.
REVIEW_AFTER = relativedelta(months=3)


class FlagForm(FormScreen[RiskFlag]):
    """A new flag, raised today and due for review in three months, or an edit of one.

    Only an edit offers "Ended on": a flag is ended when the risk has passed, never
    deleted, so its history stays on the record.
    """

    def __init__(self, client_id: UUID, today: date, flag: RiskFlag | None = None) -> None:
        self.client_id = client_id
        self.today = today
        self.flag = flag
        super().__init__(
            "Edit risk or safeguarding flag" if flag else "New risk or safeguarding flag"
        )

    def items(self) -> Iterable[Item]:
        flag = self.flag
        yield ChoiceField(
            name="kind",
            label="Kind",
            required=True,
            vocabulary=RISK_KINDS,
            value=flag.kind if flag else None,
        )
        yield ChoiceField(
            name="level",
            label="Level",
            required=True,
            vocabulary=RISK_LEVELS,
            value=flag.level if flag else None,
        )
        yield LongTextField(name="notes", label="Notes", value=flag.notes if flag else "")
        yield DateField(
            name="raised_on",
            label="Raised on",
            required=True,
            today=self.today,
            value=flag.raised_on if flag else self.today,
        )
        yield DateField(
            name="review_date",
            label="Review by",
            required=True,
            today=self.today,
            value=flag.review_date if flag else self.today + REVIEW_AFTER,
        )
        if flag is not None:
            yield DateField(
                name="ended_on",
                label="Ended on",
                today=self.today,
                value=flag.ended_on,
                hint="When the risk has passed; blank while it stands.",
            )

    def build(self, values: dict[str, Any]) -> RiskFlag:
        data = self.flag.model_dump() if self.flag else {"client_id": self.client_id}
        data.update(values)
        return RiskFlag.model_validate(data)
