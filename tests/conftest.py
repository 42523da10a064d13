"""Fixtures: a fresh caseload in a temporary folder, with a cheap key derivation."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from keyworker.clock import FixedClock
from keyworker.models import CaseNote, Client, RiskFlag
from storage import Caseload, CaseloadPaths, KdfParams

PASSPHRASE = "correct horse battery staple"
NOW = datetime(2026, 11, 22, 10, 30, tzinfo=UTC)


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(NOW)


@pytest.fixture
def paths(tmp_path: Path) -> CaseloadPaths:
    return CaseloadPaths(tmp_path / "caseload")


@pytest.fixture
def caseload(paths: CaseloadPaths, clock: FixedClock) -> Iterator[Caseload]:
    with Caseload.create(
        paths,
        PASSPHRASE,
        "Sam Keyworker",
        "Northgate Resettlement",
        clock=clock,
        kdf=KdfParams.fast_for_tests(),
    ) as opened:
        yield opened


@pytest.fixture
def env_passphrase(monkeypatch: pytest.MonkeyPatch, paths: CaseloadPaths) -> None:
    monkeypatch.setenv("KEYWORKER_PASSPHRASE", PASSPHRASE)
    monkeypatch.setenv("KEYWORKER_HOME", str(paths.home))


def make_client(caseload: Caseload, name: str = "Daniel Price", **fields) -> Client:
    client = Client(case_ref=caseload.new_case_ref(), legal_name=name, **fields)
    return caseload.add_client(client)


def make_note(client: Client, text: str, day: int = 1, **fields) -> CaseNote:
    return CaseNote(
        client_id=client.id,
        at=datetime(2026, 11, day, 14, 0, tzinfo=UTC),
        contact_type=fields.pop("contact_type", "face_to_face"),
        text=text,
        **fields,
    )


def make_flag(client: Client, kind: str = "lone_working", **fields) -> RiskFlag:
    return RiskFlag(
        client_id=client.id,
        kind=kind,
        level=fields.pop("level", "high"),
        raised_on=fields.pop("raised_on", date(2026, 6, 1)),
        review_date=fields.pop("review_date", date(2026, 12, 1)),
        **fields,
    )


def folder_bytes(folder: Path) -> dict[str, str]:
    """Every file in the folder and a hash of its bytes, to prove nothing changed."""
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}
