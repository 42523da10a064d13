"""Making a referral to a partner agency, and moving one on until it ends.

The agency comes from the directory; choosing it chooses the pathway its category most
often serves (which can be changed). A follow-up is set a week after the referral is made
unless the keyworker sets another. A referral that has ended (declined, completed,
withdrawn) does not change status again: the update form says so and offers only its
outcome and notes.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, ClassVar
from uuid import UUID

from textual import on
from textual.widget import Widget
from textual.widgets import Input, Select

from keyworker.dates import long_date, uk_date
from keyworker.errors import InvalidInput
from keyworker.plans import (
    CLOSED_REFERRAL_STATUSES,
    Agency,
    Referral,
    new_referral,
    referral_moved,
)
from keyworker.vocabulary import (
    AGENCY_CATEGORIES,
    PATHWAY_CATEGORIES,
    PATHWAYS,
    REFERRAL_METHODS,
    REFERRAL_STATUSES,
)
from screens.date_input import DateInput
from screens.form import (
    CHOOSE_ONE,
    ChoiceField,
    DateField,
    FormField,
    FormScreen,
    Item,
    LongTextField,
    field_errors,
    missing,
)
from screens.referral_list import method_words

FOLLOW_UP_AFTER = timedelta(days=7)
NOT_AFTER_TODAY = "Cannot be after today."

# The pathway a referral to each category of agency is most often for: the first one
# whose usual category it is.
CATEGORY_PATHWAYS: dict[str, str] = {}
for _pathway, _category in PATHWAY_CATEGORIES.items():
    CATEGORY_PATHWAYS.setdefault(_category, _pathway)


def agency_label(agency: Agency) -> str:
    label = f"{agency.name} ({AGENCY_CATEGORIES.label(agency.category)})"
    return f"{label}, archived" if agency.archived else label


def agency_options(agencies: Sequence[Agency], keep: UUID | None) -> tuple[tuple[str, str], ...]:
    """The directory as choices: agencies still offered, and `keep` even if archived."""
    return tuple((agency_label(a), str(a.id)) for a in agencies if not a.archived or a.id == keep)


def pathway_for(agency: Agency | None) -> str | None:
    return CATEGORY_PATHWAYS.get(agency.category) if agency else None


@dataclass(frozen=True, kw_only=True)
class AgencyField(FormField):
    """An agency from the directory, shown by name and category and stored by its id."""

    options: tuple[tuple[str, str], ...]
    value: UUID | None = None
    prompt: str = "Choose an agency…"
    required_message: ClassVar[str] = CHOOSE_ONE

    def make_widget(self) -> Widget:
        return Select(
            self.options,
            prompt=self.prompt,
            allow_blank=not (self.required and self.value is not None),
            value=str(self.value) if self.value is not None else Select.NULL,
            id=self.widget_id,
            compact=True,
        )

    def raw(self, widget: Widget) -> object:
        assert isinstance(widget, Select)
        return widget.value

    def read(self, widget: Widget) -> UUID | None:
        assert isinstance(widget, Select)
        return None if widget.is_blank() else UUID(str(widget.value))


class ReferralForm(FormScreen[Referral]):
    """A new referral, made today by default, to an agency in the directory.

    Args:
        agencies: the directory, archived agencies included (they are offered only when
            pre-chosen).
        agency_id, pathway: chosen already, for a referral a plan step asks for.
        step_id, step_words: the plan step the referral is made for, if any.
    """

    def __init__(
        self,
        client_id: UUID,
        today: date,
        agencies: Sequence[Agency],
        *,
        agency_id: UUID | None = None,
        pathway: str | None = None,
        step_id: UUID | None = None,
        step_words: str = "",
    ) -> None:
        self.client_id = client_id
        self.today = today
        self.agencies = {a.id: a for a in agencies}
        self.agency_id = agency_id if agency_id in self.agencies else None
        self._auto_pathway = None if pathway else pathway_for(self.agencies.get(agency_id))
        self.pathway = pathway or self._auto_pathway
        self.step_id = step_id
        self._auto_follow_up = uk_date(today + FOLLOW_UP_AFTER)
        about = "Refer the person to a partner agency from the directory."
        if step_id is not None:
            about = f"For the plan step: {step_words}" if step_words else "For a plan step."
        super().__init__("Make a referral", about)

    def items(self) -> Iterable[Item]:
        yield AgencyField(
            name="agency_id",
            label="Agency",
            required=True,
            options=agency_options(list(self.agencies.values()), self.agency_id),
            value=self.agency_id,
            hint="Type a name's first letters to jump to it.",
        )
        yield ChoiceField(
            name="pathway",
            label="Pathway",
            required=True,
            vocabulary=PATHWAYS,
            value=self.pathway,
        )
        yield DateField(
            name="made_on", label="Made on", required=True, today=self.today, value=self.today
        )
        yield ChoiceField(name="method", label="How", required=True, vocabulary=REFERRAL_METHODS)
        yield DateField(
            name="follow_up_on",
            label="Follow up on",
            today=self.today,
            value=self.today + FOLLOW_UP_AFTER,
            hint="A week after it was made, unless changed.",
        )
        yield LongTextField(name="notes", label="Notes")

    @on(Select.Changed, "#field-agency-id")
    def _agency_chosen(self, event: Select.Changed) -> None:
        """Choose the pathway the agency's category serves, unless one was chosen by hand."""
        chosen = None if event.select.is_blank() else UUID(str(event.value))
        pathway = pathway_for(self.agencies.get(chosen)) if chosen else None
        select = self.query_one("#field-pathway", Select)
        current = None if select.is_blank() else select.value
        if pathway is not None and current in (None, self._auto_pathway):
            self._auto_pathway = pathway
            select.value = pathway

    @on(Input.Changed, "#field-made-on > Input")
    def _made_on_changed(self, event: Input.Changed) -> None:
        """Keep the follow-up a week after the day made, unless it was set by hand."""
        made = self.query_one("#field-made-on", DateInput)
        follow_up = self.query_one("#field-follow-up-on", DateInput)
        try:
            day = made.value
        except InvalidInput:
            return
        if day is None or follow_up.text.strip() != self._auto_follow_up:
            return
        self._auto_follow_up = uk_date(day + FOLLOW_UP_AFTER)
        follow_up.input.value = self._auto_follow_up

    def build(self, values: dict[str, Any]) -> Referral:
        needed = ("agency_id", "pathway", "made_on", "method")
        blank = [name for name in needed if values[name] is None]
        if blank:
            raise missing("Referral", blank)
        made_on, follow_up = values["made_on"], values["follow_up_on"]
        problems = {}
        if made_on > self.today:
            problems["made_on"] = "A referral cannot be made after today."
        if follow_up is not None and follow_up < made_on:
            problems["follow_up_on"] = "A follow-up cannot be before the referral was made."
        if problems:
            raise field_errors("Referral", problems)
        return new_referral(
            self.client_id,
            values["agency_id"],
            values["pathway"],
            made_on,
            values["method"],
            follow_up_on=follow_up,
            notes=values["notes"],
            step_id=self.step_id,
        )


def referral_about(referral: Referral, agency_name: str) -> str:
    """Where the referral went and where it stands, for the top of the update form."""
    made = (
        f"Referral to {agency_name}, made {long_date(referral.made_on)} "
        f"{method_words(referral.method)}."
    )
    status = REFERRAL_STATUSES.label(referral.status)
    if referral.is_open:
        return f"{made} Now: {status} since {long_date(referral.status_on)}."
    return (
        f"{made} {status} on {long_date(referral.status_on)}. "
        f"A referral that was {status.lower()} "
        "does not change status again: record its outcome here, or make a new referral (m) "
        "to try again."
    )


class ReferralUpdateForm(FormScreen[Referral]):
    """A referral moved on (a new status from a date, with a note), its outcome recorded,
    or its follow-up changed. An ended referral offers only its outcome and notes."""

    def __init__(self, referral: Referral, agency_name: str, today: date) -> None:
        self.referral = referral
        self.today = today
        super().__init__("Update referral", referral_about(referral, agency_name))

    def items(self) -> Iterable[Item]:
        referral = self.referral
        if referral.is_open:
            yield ChoiceField(
                name="status",
                label="Status",
                required=True,
                vocabulary=REFERRAL_STATUSES,
                value=referral.status,
            )
            yield DateField(
                name="on",
                label="Changed on",
                required=True,
                today=self.today,
                value=self.today,
            )
            yield LongTextField(
                name="note", label="Note on the change", hint="Kept with the new status."
            )
        yield LongTextField(name="outcome", label="Outcome", value=referral.outcome)
        if referral.is_open:
            yield DateField(
                name="follow_up_on",
                label="Follow up on",
                today=self.today,
                value=referral.follow_up_on,
                hint="Blank for none; cleared when the referral ends.",
            )
        yield LongTextField(name="notes", label="Notes", value=referral.notes)

    def build(self, values: dict[str, Any]) -> Referral:
        referral = self.referral
        data = referral.model_dump()
        if referral.is_open:
            moved = self._moved(values)
            data = moved.model_dump()
            if moved.is_open:
                data["follow_up_on"] = values["follow_up_on"]
        data |= {"outcome": values["outcome"], "notes": values["notes"]}
        return Referral.model_validate(data)

    def _moved(self, values: dict[str, Any]) -> Referral:
        referral = self.referral
        status = values["status"] or referral.status
        on = values["on"] or self.today
        problems = {}
        if status != referral.status:
            if on > self.today:
                problems["on"] = NOT_AFTER_TODAY
            elif on < referral.status_on:
                problems["on"] = (
                    f"Cannot be before the last change, {long_date(referral.status_on)}."
                )
        elif values["note"]:
            problems["note"] = (
                "A note goes with a change of status: choose the new status, or write this "
                "in the outcome or notes."
            )
        follow_up = values["follow_up_on"]
        if status not in CLOSED_REFERRAL_STATUSES and follow_up and follow_up < referral.made_on:
            problems["follow_up_on"] = "A follow-up cannot be before the referral was made."
        if problems:
            raise field_errors("Referral", problems)
        return referral_moved(referral, status, on, values["note"])
