"""Adding or editing someone in the client's life."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any
from uuid import UUID

from keyworker.models import FamilyMember
from keyworker.vocabulary import RELATIONSHIPS
from screens.form import (
    ChoiceField,
    DateField,
    FormScreen,
    Item,
    LongTextField,
    TextField,
    TickField,
    WholeNumberField,
)


class FamilyForm(FormScreen[FamilyMember]):
    """A family member or other important person: their date of birth or, if that is
    not known, their age."""

    def __init__(self, client_id: UUID, today: date, member: FamilyMember | None = None) -> None:
        self.client_id = client_id
        self.today = today
        self.member = member
        super().__init__("Edit family member" if member else "New family member")

    def items(self) -> Iterable[Item]:
        member = self.member
        yield TextField(
            name="name", label="Name", required=True, value=member.name if member else ""
        )
        yield ChoiceField(
            name="relationship",
            label="Relationship",
            required=True,
            vocabulary=RELATIONSHIPS,
            value=member.relationship if member else None,
        )
        yield DateField(
            name="date_of_birth",
            label="Date of birth",
            today=self.today,
            value=member.date_of_birth if member else None,
        )
        yield WholeNumberField(
            name="age",
            label="Age",
            value=member.age if member else None,
            unit="years",
            example=8,
            hint="If the date of birth is not known.",
        )
        yield TickField(
            name="lives_with_client",
            label="Lives with the client",
            value=member.lives_with_client if member else False,
        )
        yield LongTextField(
            name="contact_arrangements",
            label="Contact arrangements",
            value=member.contact_arrangements if member else "",
        )
        yield LongTextField(
            name="safeguarding_notes",
            label="Safeguarding notes",
            value=member.safeguarding_notes if member else "",
        )

    def build(self, values: dict[str, Any]) -> FamilyMember:
        data = self.member.model_dump() if self.member else {"client_id": self.client_id}
        data.update(values)
        return FamilyMember.model_validate(data)
