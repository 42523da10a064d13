"""The demo caseload: repeatable, valid, varied and unmistakably fictional."""

from __future__ import annotations

import re
from datetime import UTC, date, timedelta

import pytest

from keyworker.demo import generate
from keyworker.identifiers import normalise_pnc
from keyworker.models import ClientRecord
from keyworker.vocabulary import CLOSURE_REASONS, CONTACT_TYPES, PATHWAYS, RISK_KINDS

TODAY = date(2026, 3, 16)


@pytest.fixture(scope="module")
def caseload() -> list[ClientRecord]:
    return list(generate(100, seed=42, today=TODAY, notes_per_client=20))


def as_json(records: list[ClientRecord]) -> list[str]:
    return [record.model_dump_json() for record in records]


def test_same_arguments_give_identical_records() -> None:
    first = as_json(list(generate(25, seed=7, today=TODAY, notes_per_client=10)))
    again = as_json(list(generate(25, seed=7, today=TODAY, notes_per_client=10)))
    assert first == again


def test_another_seed_gives_another_caseload() -> None:
    one = as_json(list(generate(10, seed=1, today=TODAY, notes_per_client=5)))
    two = as_json(list(generate(10, seed=2, today=TODAY, notes_per_client=5)))
    assert one != two


def test_asks_for_exactly_the_number_of_clients() -> None:
    assert len(list(generate(0, seed=1, today=TODAY))) == 0
    assert len(list(generate(1, seed=1, today=TODAY, notes_per_client=3))) == 1
    assert len(list(generate(37, seed=1, today=TODAY, notes_per_client=3))) == 37


def test_every_record_survives_a_json_round_trip(caseload: list[ClientRecord]) -> None:
    for record in caseload:
        assert ClientRecord.model_validate_json(record.model_dump_json()) == record


def test_case_refs_are_unique_and_avoid_those_taken() -> None:
    taken = [r.client.case_ref for r in generate(60, seed=3, today=TODAY, notes_per_client=0)]
    # The same seed would hand out the same refs again if it ignored the taken ones.
    fresh = [
        r.client.case_ref
        for r in generate(60, seed=3, today=TODAY, notes_per_client=0, taken_refs=taken)
    ]
    assert len(set(taken)) == len(taken) == 60
    assert len(set(fresh)) == len(fresh) == 60
    assert not set(fresh) & set(taken)


def test_statuses_are_mixed_and_match_the_history(caseload: list[ClientRecord]) -> None:
    statuses = {record.client.status for record in caseload}
    assert {"referred", "active", "paused", "closed"} <= statuses
    assert sum(r.client.status == "active" for r in caseload) > len(caseload) / 3
    for record in caseload:
        history = record.status_history
        assert history[0].status == "referred"
        assert history[0].at.date() == record.client.referral_date
        assert history[-1].status == record.client.status
        assert [change.at for change in history] == sorted(change.at for change in history)
        assert all(change.at.tzinfo == UTC for change in history)


def test_closed_cases_have_a_reason_and_no_others_do(caseload: list[ClientRecord]) -> None:
    for record in caseload:
        client = record.client
        if client.status == "closed":
            assert client.closure_reason in CLOSURE_REASONS
            assert record.status_history[-1].reason == client.closure_reason
        else:
            assert client.closure_reason is None


def test_closed_cases_have_no_notes_after_closing(caseload: list[ClientRecord]) -> None:
    closed = [r for r in caseload if r.client.status == "closed" and r.notes]
    assert closed
    for record in closed:
        assert record.notes[-1].at.date() <= record.status_history[-1].at.date()


def test_family_clients_follow_the_justice_client_they_link_to(
    caseload: list[ClientRecord],
) -> None:
    seen: dict[object, ClientRecord] = {}
    family_clients = 0
    for record in caseload:
        client = record.client
        if client.kind == "family":
            family_clients += 1
            linked = seen[client.linked_client_id]
            assert linked.client.kind == "justice"
            assert client.relationship_to_linked is not None
            assert client.legal_name in {member.name for member in linked.family}
        seen[client.id] = record
    assert 5 <= family_clients <= 25  # about one in eight


def test_many_clients_have_family(caseload: list[ClientRecord]) -> None:
    members = [m for r in caseload for m in r.family]
    assert sum(bool(r.family) for r in caseload) > len(caseload) / 3
    children = [m for m in members if m.relationship == "child"]
    assert any(m.date_of_birth for m in children) and any(m.age is not None for m in children)
    assert any(m.lives_with_client for m in members)
    assert any(m.safeguarding_notes for m in members)


def test_risk_flags_include_lone_working_and_overdue_reviews(
    caseload: list[ClientRecord],
) -> None:
    flags = [flag for record in caseload for flag in record.flags]
    flagged = sum(bool(record.flags) for record in caseload)
    assert len(caseload) / 6 < flagged < len(caseload) / 2
    assert {flag.kind for flag in flags} <= set(RISK_KINDS.codes)
    assert any(flag.kind == "lone_working" for flag in flags)
    assert any(flag.review_date < TODAY and flag.is_active for flag in flags)
    assert any(flag.review_date >= TODAY for flag in flags)
    assert all(flag.raised_on < TODAY for flag in flags)


def test_notes_span_months_in_order_and_in_office_hours(
    caseload: list[ClientRecord],
) -> None:
    notes = [note for record in caseload for note in record.notes]
    assert max(n.at for n in notes) - min(n.at for n in notes) > timedelta(days=180)
    for record in caseload:
        moments = [note.at for note in record.notes]
        assert moments == sorted(moments)
    assert all(n.at.tzinfo == UTC and 7 <= n.at.hour <= 17 for n in notes)
    assert all(n.at.weekday() < 5 for n in notes)
    assert all(n.at.date() < TODAY for n in notes)


def test_notes_are_varied_and_searchable(caseload: list[ClientRecord]) -> None:
    notes = [note for record in caseload for note in record.notes]
    texts = [note.text for note in notes]
    assert len(set(texts)) > 0.9 * len(texts)
    everything = " ".join(texts)
    for word in ("housing", "benefits", "GP", "probation", "Universal Credit", "Jobcentre"):
        assert word in everything
    assert {note.contact_type for note in notes} <= set(CONTACT_TYPES.codes)
    assert len({note.contact_type for note in notes}) >= 7
    assert all(len(note.pathways) <= 2 for note in notes)
    assert {p for note in notes for p in note.pathways} <= set(PATHWAYS.codes)
    assert all(note.author == "Demo Worker" for note in notes)


def test_preferred_names_keep_the_surname_and_notes_use_them(
    caseload: list[ClientRecord],
) -> None:
    nicknamed = [r for r in caseload if r.client.preferred_name]
    assert nicknamed
    for record in nicknamed:
        called, surname = record.client.preferred_name.rsplit(" ", 1)
        assert record.client.legal_name.endswith(f" {surname}")
        assert called != record.client.legal_name.split()[0]
    assert all(
        any(r.client.preferred_name.split()[0] in note.text for note in r.notes)
        for r in nicknamed
        if len(r.notes) >= 10
    )


def test_average_notes_per_client_is_near_what_was_asked() -> None:
    records = list(generate(300, seed=5, today=TODAY, notes_per_client=12))
    average = sum(len(r.notes) for r in records) / len(records)
    assert 10.5 < average < 13.5
    assert len({len(r.notes) for r in records}) > 5


def test_contact_details_cannot_reach_anyone(caseload: list[ClientRecord]) -> None:
    clients = [record.client for record in caseload]
    phones = [c.phone for c in clients if c.phone]
    emails = [c.email for c in clients if c.email]
    assert phones and emails
    assert all(re.fullmatch(r"07700 900\d{3}", phone) for phone in phones)
    assert all(email.rsplit("@", 1)[1] in {"example.org", "example.com"} for email in emails)


def test_identifiers_are_well_formed_and_some_are_missing(
    caseload: list[ClientRecord],
) -> None:
    ids = [r.client.identifiers for r in caseload if r.client.kind == "justice"]
    pncs = [i.pnc for i in ids if i.pnc]
    assert pncs and all(normalise_pnc(pnc) == pnc for pnc in pncs)
    assert all(re.fullmatch(r"\d{4}/\d{7}[A-Z]", pnc) for pnc in pncs)
    assert any(i.prison_number for i in ids) and any(i.crn for i in ids)
    assert any(i.pnc is None for i in ids)


def test_dates_are_plausible(caseload: list[ClientRecord]) -> None:
    justice = [r.client for r in caseload if r.client.kind == "justice"]
    for client in justice:
        assert client.date_of_birth is not None
        age = (TODAY - client.date_of_birth).days / 365.25
        assert 18 <= age <= 71
        assert client.referral_date is not None
        assert TODAY - timedelta(days=2 * 366) <= client.referral_date < TODAY
    releases = [c.release_date for c in justice if c.release_date]
    assert any(d < TODAY for d in releases)
    assert any(TODAY < d <= TODAY + timedelta(days=28) for d in releases)
    assert any(c.order_end_date for c in justice)


@pytest.mark.parametrize(
    "today",
    [date(2024, 2, 29), date(2026, 3, 29), date(2025, 10, 27)],
    ids=["leap-day", "clocks-go-forward", "after-clocks-go-back"],
)
def test_awkward_days_still_give_valid_ordered_records(today: date) -> None:
    for record in generate(40, seed=9, today=today, notes_per_client=5):
        assert ClientRecord.model_validate_json(record.model_dump_json()) == record
        moments = [change.at for change in record.status_history] + [n.at for n in record.notes]
        assert all(moment.date() < today for moment in moments)
        history = [change.at for change in record.status_history]
        assert history == sorted(history)
