"""Recording signposting: information given to the person without a referral being made."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any
from uuid import UUID

from keyworker.plans import Agency, Signpost
from keyworker.vocabulary import PATHWAYS
from screens.form import (
    ChoiceField,
    DateField,
    FormScreen,
    Item,
    LongTextField,
    field_errors,
    missing,
)
from screens.referral_form import AgencyField, agency_options


class SignpostForm(FormScreen[Signpost]):
    """New signposting, given today by default, or an edit of it.

    The agency is optional: information is often about somewhere not in the directory
    (a food bank's drop-in times, a helpline), and then the words say where.
    """

    def __init__(
        self,
        client_id: UUID,
        today: date,
        agencies: Sequence[Agency],
        signpost: Signpost | None = None,
    ) -> None:
        self.client_id = client_id
        self.today = today
        self.agencies = list(agencies)
        self.signpost = signpost
        super().__init__(
            "Edit signposting" if signpost else "Signposting",
            "Information given without a referral; it is counted apart from referrals.",
        )

    def items(self) -> Iterable[Item]:
        signpost = self.signpost
        yield DateField(
            name="given_on",
            label="Given on",
            required=True,
            today=self.today,
            value=signpost.given_on if signpost else self.today,
        )
        yield ChoiceField(
            name="pathway",
            label="Pathway",
            required=True,
            vocabulary=PATHWAYS,
            value=signpost.pathway if signpost else None,
        )
        yield LongTextField(
            name="information",
            label="Information given",
            required=True,
            tall=True,
            value=signpost.information if signpost else "",
        )
        agency_id = signpost.agency_id if signpost else None
        yield AgencyField(
            name="agency_id",
            label="Agency",
            options=agency_options(self.agencies, agency_id),
            value=agency_id,
            prompt="None from the directory",
            hint="If it is not in the directory, name it above.",
        )

    def build(self, values: dict[str, Any]) -> Signpost:
        blank = [name for name in ("given_on", "pathway") if values[name] is None]
        if blank:
            raise missing("Signpost", blank)
        if values["given_on"] > self.today:
            raise field_errors("Signpost", {"given_on": "Cannot be after today."})
        data = self.signpost.model_dump() if self.signpost else {"client_id": self.client_id}
        data.update(values)
        return Signpost.model_validate(data)
