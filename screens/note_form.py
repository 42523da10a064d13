"""Recording a contact with or about the client: the keyworker's everyday form."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, time
from typing import Any
from uuid import UUID

from textual.widget import Widget
from textual.widgets import Input

from keyworker.errors import InvalidInput
from keyworker.models import CaseNote
from keyworker.vocabulary import CONTACT_TYPES, PATHWAYS
from screens.form import (
    ChoiceField,
    DateField,
    FormField,
    FormScreen,
    Item,
    LongTextField,
    ManyChoiceField,
    WholeNumberField,
)

_TIME = re.compile(r"(?P<hour>\d{1,2})(?:[:.]?(?P<minute>\d{2}))?", re.ASCII)
TIME_EXAMPLE = "Type a time like 14:30."


def parse_time(text: str) -> time:
    """14:30, 9:05, 09.05 or 1430, on the 24-hour clock."""
    cleaned = text.strip()
    match = _TIME.fullmatch(cleaned)
    if not cleaned:
        raise InvalidInput(f"Please give a time. {TIME_EXAMPLE}")
    if match and match["minute"] is None:
        raise InvalidInput(f'"{cleaned}" needs minutes too. {TIME_EXAMPLE}')
    if match and int(match["hour"]) < 24 and int(match["minute"]) < 60:
        return time(int(match["hour"]), int(match["minute"]))
    raise InvalidInput(f'"{cleaned[:20]}" is not a time on the 24-hour clock. {TIME_EXAMPLE}')


@dataclass(frozen=True, kw_only=True)
class TimeField(FormField):
    """A time of day, HH:MM in the laptop's local time."""

    value: time | None = None

    def make_widget(self) -> Widget:
        return Input(
            self.value.strftime("%H:%M") if self.value else "",
            placeholder="14:30",
            id=self.widget_id,
            classes="number",
            compact=True,
        )

    def raw(self, widget: Widget) -> object:
        assert isinstance(widget, Input)
        return widget.value

    def read(self, widget: Widget) -> time:
        assert isinstance(widget, Input)
        return parse_time(widget.value)


class NoteForm(FormScreen[CaseNote]):
    """A new case note, dated now and of the contact type given, or an edit of one.

    The date and time are typed in local time and stored in UTC. An edit keeps the
    note's author; a new note is by `author`.
    """

    def __init__(
        self,
        client_id: UUID,
        now: datetime,
        author: str,
        contact_type: str,
        note: CaseNote | None = None,
    ) -> None:
        self.client_id = client_id
        self.now = now
        self.author = author
        self.contact_type = contact_type if contact_type in CONTACT_TYPES else None
        self.note = note
        super().__init__("Edit case note" if note else "New case note")

    def items(self) -> Iterable[Item]:
        note = self.note
        at = (note.at if note else self.now).astimezone()
        yield LongTextField(
            name="text", label="Note", required=True, tall=True, value=note.text if note else ""
        )
        yield ChoiceField(
            name="contact_type",
            label="Contact type",
            required=True,
            vocabulary=CONTACT_TYPES,
            value=note.contact_type if note else self.contact_type,
        )
        today = self.now.astimezone().date()
        yield DateField(name="date", label="Date", required=True, today=today, value=at.date())
        yield TimeField(name="time", label="Time", required=True, value=at.time())
        yield WholeNumberField(
            name="duration_minutes",
            label="Duration",
            value=note.duration_minutes if note else None,
            unit="minutes",
        )
        yield ManyChoiceField(
            name="pathways",
            label="Pathways",
            vocabulary=PATHWAYS,
            value=tuple(note.pathways) if note else (),
        )

    def build(self, values: dict[str, Any]) -> CaseNote:
        data = self.note.model_dump() if self.note else {"client_id": self.client_id}
        data.setdefault("author", self.author)
        day, clock_time = values.pop("date"), values.pop("time")
        known = day is not None and clock_time is not None
        at = datetime.combine(day, clock_time).astimezone() if known else self.now
        data.update(values, at=at)
        return CaseNote.model_validate(data)
