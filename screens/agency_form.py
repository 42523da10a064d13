"""Adding a partner agency to the directory, or editing one."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from textual.widget import Widget

from keyworker.errors import InvalidInput
from keyworker.plans import Agency
from keyworker.vocabulary import AGENCY_CATEGORIES
from screens.form import ChoiceField, FormScreen, Item, LongTextField, TextField


@dataclass(frozen=True, kw_only=True)
class AgencyNameField(TextField):
    """The agency's name, refused when another agency in the directory already has it."""

    taken: frozenset[str] = frozenset()
    """Names of the other agencies, in `str.casefold` form."""

    def read(self, widget: Widget) -> str | None:
        name = super().read(widget)
        if name and name.strip().casefold() in self.taken:
            raise InvalidInput("There is already an agency with this name in the directory.")
        return name


class AgencyForm(FormScreen[Agency]):
    """A new agency, or an edit of one; dismisses with the Agency, or None when cancelled.

    Archiving is not here: the directory does it with a question, since an archived
    agency stops being offered when referring.

    Args:
        agency: the agency to edit; None for a new one.
        other_names: the names of the other agencies in the directory, archived ones
            included, so a name already used is refused beside the field.
    """

    def __init__(self, agency: Agency | None = None, other_names: Iterable[str] = ()) -> None:
        self.agency = agency
        self.taken = frozenset(name.casefold() for name in other_names)
        super().__init__("Edit partner agency" if agency else "New partner agency")

    def items(self) -> Iterable[Item]:
        agency = self.agency
        yield AgencyNameField(
            name="name",
            label="Name",
            required=True,
            value=agency.name if agency else "",
            taken=self.taken,
        )
        yield ChoiceField(
            name="category",
            label="Category",
            required=True,
            vocabulary=AGENCY_CATEGORIES,
            value=agency.category if agency else None,
        )
        yield TextField(
            name="contact_name",
            label="Contact name",
            value=agency.contact_name if agency else "",
        )
        yield TextField(name="phone", label="Phone", value=agency.phone if agency else "")
        yield TextField(
            name="email",
            label="Email",
            value=agency.email if agency else "",
            blank_is_none=True,
            placeholder="name@example.org",
        )
        yield LongTextField(name="address", label="Address", value=agency.address if agency else "")
        yield TextField(name="website", label="Website", value=agency.website if agency else "")
        yield LongTextField(
            name="notes",
            label="Notes",
            value=agency.notes if agency else "",
            hint="What they offer, who they take, how to refer: no client details.",
        )

    def build(self, values: dict[str, Any]) -> Agency:
        data = self.agency.model_dump() if self.agency else {}
        data.update(values)
        return Agency.model_validate(data)
