"""Property-based round trips: models through storage and through JSON, identifiers."""

from __future__ import annotations

import tempfile
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from keyworker.identifiers import (
    CASE_REF_ALPHABET,
    normalise_case_ref,
    normalise_crn,
    normalise_pnc,
    normalise_prison_number,
    pnc_check_letter,
)
from keyworker.models import CaseNote, Client, ClientRecord, FamilyMember, Identifiers, RiskFlag
from keyworker.vocabulary import (
    CLIENT_STATUSES,
    CLOSURE_REASONS,
    CONTACT_TYPES,
    PATHWAYS,
    RELATIONSHIPS,
    RISK_KINDS,
    RISK_LEVELS,
)
from storage import Caseload, CaseloadPaths, KdfParams

UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
words = (
    st.text(st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp")), min_size=1, max_size=40)
    .map(str.strip)
    .filter(bool)
)
long_text = st.text(
    st.characters(exclude_categories=("Cs", "Cc"), include_characters="\n\t\r"), max_size=300
).map(str.strip)
days = st.dates(min_value=date(1930, 1, 1), max_value=date(2025, 12, 31))
moments = st.datetimes(
    min_value=datetime(2000, 1, 1), max_value=datetime(2030, 1, 1), timezones=st.just(UTC)
)
case_refs = st.text(st.sampled_from(CASE_REF_ALPHABET), min_size=5, max_size=5).map("KW-".__add__)
prison_numbers = st.builds(
    lambda a, n, b: f"{a}{n:04d}{b}",
    st.sampled_from(UPPER),
    st.integers(0, 9999),
    st.text(st.sampled_from(UPPER), min_size=2, max_size=2),
)
crns = st.builds(lambda a, n: f"{a}{n:06d}", st.sampled_from(UPPER), st.integers(0, 999_999))


@st.composite
def pncs(draw) -> str:
    year = draw(st.integers(1950, 2030))
    serial = f"{draw(st.integers(0, 9_999_999)):07d}"
    return f"{year}/{serial}{pnc_check_letter(str(year), serial)}"


@st.composite
def clients(draw) -> Client:
    status = draw(st.sampled_from(CLIENT_STATUSES.codes))
    return Client(
        case_ref=draw(case_refs),
        kind=draw(st.sampled_from(["justice", "family"])),
        legal_name=draw(words),
        preferred_name=draw(st.one_of(st.just(""), words)),
        pronouns=draw(st.sampled_from(["", "she/her", "he/him", "they/them"])),
        date_of_birth=draw(st.one_of(st.none(), days)),
        phone=draw(st.one_of(st.none(), st.just("07700 900123"))),
        email=draw(st.one_of(st.none(), st.just("someone@example.org"))),
        address=draw(long_text),
        identifiers=Identifiers(
            prison_number=draw(st.one_of(st.none(), prison_numbers)),
            crn=draw(st.one_of(st.none(), crns)),
            pnc=draw(st.one_of(st.none(), pncs())),
        ),
        status=status,
        closure_reason=draw(st.sampled_from(CLOSURE_REASONS.codes)) if status == "closed" else None,
        referral_date=draw(st.one_of(st.none(), days)),
        keyworker=draw(words),
        release_date=draw(st.one_of(st.none(), days)),
        order_end_date=draw(st.one_of(st.none(), days)),
    )


@st.composite
def records(draw) -> ClientRecord:
    client = draw(clients())
    family = [
        FamilyMember(
            client_id=client.id,
            name=draw(words),
            relationship=draw(st.sampled_from(RELATIONSHIPS.codes)),
            age=draw(st.one_of(st.none(), st.integers(0, 99))),
            lives_with_client=draw(st.booleans()),
            safeguarding_notes=draw(long_text),
        )
        for _ in range(draw(st.integers(0, 2)))
    ]
    flags = []
    for _ in range(draw(st.integers(0, 2))):
        raised = draw(days)
        flags.append(
            RiskFlag(
                client_id=client.id,
                kind=draw(st.sampled_from(RISK_KINDS.codes)),
                level=draw(st.sampled_from(RISK_LEVELS.codes)),
                notes=draw(long_text),
                raised_on=raised,
                review_date=raised,
            )
        )
    notes = [
        CaseNote(
            client_id=client.id,
            at=draw(moments),
            contact_type=draw(st.sampled_from(CONTACT_TYPES.codes)),
            duration_minutes=draw(st.one_of(st.none(), st.integers(0, 1440))),
            pathways=draw(st.lists(st.sampled_from(PATHWAYS.codes), unique=True, max_size=3)),
            text=draw(long_text.filter(bool)),
            author=draw(words),
        )
        for _ in range(draw(st.integers(0, 3)))
    ]
    notes.sort(key=lambda n: n.at, reverse=True)
    return ClientRecord(client=client, family=family, flags=flags, notes=notes)


@pytest.fixture(scope="module")
def store():
    with tempfile.TemporaryDirectory() as folder:
        paths = CaseloadPaths(Path(folder) / "caseload")
        with Caseload.create(paths, "p", "W", "S", kdf=KdfParams.fast_for_tests()) as caseload:
            yield caseload


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(record=records())
def test_records_round_trip_through_storage(store: Caseload, record: ClientRecord) -> None:
    if record.client.case_ref in store.case_refs():
        return
    store.add_records([record])
    loaded = store.record(record.client.id)
    assert loaded.client == record.client
    assert loaded.family == record.family
    assert loaded.flags == record.flags
    assert sorted(loaded.notes, key=lambda n: n.id) == sorted(record.notes, key=lambda n: n.id)


@settings(max_examples=100, deadline=None)
@given(record=records())
def test_records_round_trip_through_json(record: ClientRecord) -> None:
    assert ClientRecord.model_validate_json(record.model_dump_json(indent=2)) == record


@given(
    st.sampled_from(CASE_REF_ALPHABET),
    st.text(st.sampled_from(CASE_REF_ALPHABET), min_size=5, max_size=5),
)
def test_case_refs_are_found_however_typed(_, suffix: str) -> None:
    assert normalise_case_ref(f" kw {suffix.lower()} ") == f"KW-{suffix}"


@given(prison_numbers)
def test_prison_numbers_normalise(value: str) -> None:
    assert normalise_prison_number(f" {value.lower()} ") == value


@given(crns)
def test_crns_normalise(value: str) -> None:
    assert normalise_crn(value.lower()) == value


@given(pncs())
def test_pnc_numbers_with_the_right_check_letter_are_accepted(value: str) -> None:
    assert normalise_pnc(value.lower()) == value
    assert normalise_pnc(value.replace("/", "")) == value


@given(pncs(), st.sampled_from(UPPER))
def test_pnc_numbers_with_a_wrong_check_letter_are_refused(value: str, letter: str) -> None:
    if letter == value[-1]:
        return
    with pytest.raises(ValueError, match="last letter does not match"):
        normalise_pnc(value[:-1] + letter)
