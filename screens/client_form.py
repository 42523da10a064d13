"""Adding a client, or editing their details."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from keyworker.models import Client
from keyworker.vocabulary import CLIENT_KINDS, REFERRAL_SOURCES
from screens.form import (
    ChoiceField,
    DateField,
    FormScreen,
    Item,
    LongTextField,
    Section,
    TextField,
)


class ClientForm(FormScreen[Client]):
    """A new client under `case_ref`, or `client`'s details edited.

    The case status is not asked here: closing and reopening a case record why. An edit
    keeps the client's id, case reference, status, closure reason and links.
    """

    def __init__(self, today: date, case_ref: str, client: Client | None = None) -> None:
        self.today = today
        self.client = client
        self.case_ref = client.case_ref if client else case_ref
        heading = "Edit client details" if client else "New client"
        super().__init__(heading, about=f"Case reference {self.case_ref}")

    def items(self) -> Iterable[Item]:
        client = self.client or Client.model_construct(case_ref=self.case_ref, legal_name="")
        ids = client.identifiers
        yield Section(title="The person")
        yield TextField(
            name="legal_name", label="Legal name", required=True, value=client.legal_name
        )
        yield TextField(name="preferred_name", label="Preferred name", value=client.preferred_name)
        yield TextField(
            name="pronouns", label="Pronouns", value=client.pronouns, placeholder="e.g. she/her"
        )
        yield DateField(
            name="date_of_birth",
            label="Date of birth",
            today=self.today,
            value=client.date_of_birth,
        )
        yield ChoiceField(
            name="kind", label="Kind", required=True, vocabulary=CLIENT_KINDS, value=client.kind
        )
        yield Section(title="Contact")
        yield TextField(
            name="phone",
            label="Phone",
            value=client.phone,
            placeholder="e.g. 07700 900123",
            blank_is_none=True,
        )
        yield TextField(
            name="email",
            label="Email",
            value=client.email,
            placeholder="e.g. name@example.org",
            blank_is_none=True,
        )
        yield LongTextField(name="address", label="Address", value=client.address)
        yield Section(title="Referral and key dates")
        yield ChoiceField(
            name="referral_source",
            label="Referred by",
            vocabulary=REFERRAL_SOURCES,
            value=client.referral_source,
            prompt="Not recorded",
        )
        yield DateField(
            name="referral_date",
            label="Referral date",
            today=self.today,
            value=client.referral_date,
        )
        yield TextField(name="keyworker", label="Keyworker", value=client.keyworker)
        yield DateField(
            name="release_date", label="Release date", today=self.today, value=client.release_date
        )
        yield DateField(
            name="order_end_date",
            label="Order end date",
            today=self.today,
            value=client.order_end_date,
        )
        yield Section(title="Identifiers other services use")
        yield TextField(
            name="identifiers.prison_number",
            label="Prison number",
            value=ids.prison_number,
            placeholder="e.g. A1234BC",
            blank_is_none=True,
        )
        yield TextField(
            name="identifiers.crn",
            label="Probation CRN",
            value=ids.crn,
            placeholder="e.g. X123456",
            blank_is_none=True,
        )
        yield TextField(
            name="identifiers.pnc",
            label="PNC number",
            value=ids.pnc,
            placeholder="e.g. 2012/1234567A",
            blank_is_none=True,
        )

    def build(self, values: dict[str, Any]) -> Client:
        if self.client is None:
            data: dict[str, Any] = {"case_ref": self.case_ref}
        else:
            data = self.client.model_dump()
        data.update(values)
        return Client.model_validate(data)
