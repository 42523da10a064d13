"""Models to rows and back. Rows hold only SQLite types: str, int and None.

Reading builds models through validation, so a row damaged outside the app cannot
become a model that claims to be sound.
"""

from __future__ import annotations

import json
from typing import Any
from uuid import UUID

from keyworker.models import (
    CaseNote,
    Client,
    FamilyMember,
    RiskFlag,
    StatusChange,
)
from storage.audit import field_names

Row = dict[str, Any]
_IDENTIFIERS = ("prison_number", "crn", "pnc")


def to_row(model: Client | FamilyMember | RiskFlag | CaseNote) -> Row:
    """JSON-mode values (str, int, None) as SQLite holds them; lists as JSON text."""
    data = model.model_dump(mode="json")
    if isinstance(model, Client):
        data.update(data.pop("identifiers"))
    elif isinstance(model, CaseNote):
        data["pathways"] = field_names(data["pathways"])  # pathway codes are identifiers
    elif isinstance(model, FamilyMember):
        data["lives_with_client"] = int(data["lives_with_client"])
    return data


def status_row(change: StatusChange, client_id: UUID, change_id: UUID) -> Row:
    return {"id": str(change_id), "client_id": str(client_id), **change.model_dump(mode="json")}


def client_from_row(row: Row) -> Client:
    data = dict(row)
    data.pop("seq", None)
    data["identifiers"] = {name: data.pop(name) for name in _IDENTIFIERS}
    return Client.model_validate_json(json.dumps(data))


def status_from_row(row: Row) -> StatusChange:
    data = {k: v for k, v in row.items() if k not in ("seq", "id", "client_id")}
    return StatusChange.model_validate_json(json.dumps(data))


def family_from_row(row: Row) -> FamilyMember:
    data = {k: v for k, v in row.items() if k != "seq"}
    data["lives_with_client"] = bool(data["lives_with_client"])
    return FamilyMember.model_validate_json(json.dumps(data))


def flag_from_row(row: Row) -> RiskFlag:
    return RiskFlag.model_validate_json(json.dumps({k: v for k, v in row.items() if k != "seq"}))


def note_from_row(row: Row) -> CaseNote:
    data = {k: v for k, v in row.items() if k != "seq"}
    data["pathways"] = json.loads(data["pathways"])
    return CaseNote.model_validate_json(json.dumps(data))
