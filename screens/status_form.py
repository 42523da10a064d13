"""Closing a case with its reason, and reopening it: both kept in the status history."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from keyworker.models import Client, StatusChange
from keyworker.vocabulary import CLOSURE_REASONS
from screens.form import ChoiceField, FormScreen, Item, LongTextField


def _about(client: Client) -> str:
    return f"{client.display_name} · {client.case_ref}"


class CloseCaseForm(FormScreen[StatusChange]):
    """Why the case is closing, from the service's closure reasons, and a note."""

    SAVE_LABEL = "Close case"

    def __init__(self, client: Client, now: datetime, by: str) -> None:
        self.client = client
        self.now = now
        self.by = by
        super().__init__("Close the case", about=_about(client))

    def items(self) -> Iterable[Item]:
        yield ChoiceField(name="reason", label="Reason", required=True, vocabulary=CLOSURE_REASONS)
        yield LongTextField(name="note", label="Note", tall=True)

    def build(self, values: dict[str, Any]) -> StatusChange:
        return StatusChange.model_validate(
            {"status": "closed", "at": self.now, "by": self.by, **values}
        )


class ReopenCaseForm(FormScreen[StatusChange]):
    """Reopening a closed case makes it active again; the note says why."""

    SAVE_LABEL = "Reopen case"

    def __init__(self, client: Client, now: datetime, by: str) -> None:
        self.client = client
        self.now = now
        self.by = by
        super().__init__("Reopen the case", about=_about(client))

    def items(self) -> Iterable[Item]:
        yield LongTextField(name="note", label="Reason", required=True, tall=True)

    def build(self, values: dict[str, Any]) -> StatusChange:
        return StatusChange.model_validate(
            {"status": "active", "at": self.now, "by": self.by, **values}
        )
