"""Fixtures: a fresh caseload in a temporary folder, with a cheap key derivation."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from keyworker.appointments import Appointment, Attendance
from keyworker.clock import FixedClock
from keyworker.demo import generate
from keyworker.demo_plans import DEMO_AGENCIES
from keyworker.models import CaseNote, Client, RiskFlag
from keyworker.templates import builtin_template
from storage import Caseload, CaseloadPaths, KdfParams

PASSPHRASE = "correct horse battery staple"
NOW = datetime(2026, 11, 22, 10, 30, tzinfo=UTC)


DEMO_SEED = 2026
DEMO_CLIENTS = 24


@pytest.fixture(autouse=True)
def private_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test keeps its settings in its own folder, never the user's real ones."""
    settings_file = tmp_path / "config" / "settings.json"
    monkeypatch.setenv("KEYWORKER_CONFIG_FILE", str(settings_file))
    return settings_file


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
def demo_paths(tmp_path: Path, clock: FixedClock, monkeypatch: pytest.MonkeyPatch) -> CaseloadPaths:
    """A closed demo caseload, the same every run: for pilot and snapshot tests.

    HOME is the temporary folder, so the caseload shows as ~/demo on screen.
    """
    monkeypatch.setenv("HOME", str(tmp_path))
    paths = CaseloadPaths(tmp_path / "demo")
    with Caseload.create(
        paths,
        PASSPHRASE,
        "Sam Keyworker",
        "Northgate Resettlement",
        clock=clock,
        kdf=KdfParams.fast_for_tests(),
    ) as opened:
        records = generate(
            DEMO_CLIENTS, DEMO_SEED, NOW.date(), "Sam Keyworker", 12, assessments=True
        )
        opened.keep_template(builtin_template())
        opened.import_agencies(DEMO_AGENCIES)
        opened.add_records(records)
    return paths


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


def make_appointment(
    *clients: Client,
    day: int = 24,
    hour: int = 10,
    minutes: int = 60,
    kind: str = "one_to_one",
    month: int = 11,
    **fields,
) -> Appointment:
    """An appointment in November 2026 (GMT, so UTC hours are London hours)."""
    start = datetime(2026, month, day, hour, 0, tzinfo=UTC)
    return Appointment(
        start=start,
        end=start + timedelta(minutes=minutes),
        kind=kind,
        people=[Attendance(client_id=c.id) for c in clients],
        **fields,
    )
