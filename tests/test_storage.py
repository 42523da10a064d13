"""The caseload store: what the database holds after each kind of change."""

from __future__ import annotations

from datetime import date

import pytest

from keyworker.errors import CaseloadExists, InvalidInput, UnknownClient, WrongPassphrase
from keyworker.models import FamilyMember, Identifiers
from storage import Caseload, KdfParams
from tests.conftest import PASSPHRASE, make_client, make_flag, make_note


def test_a_client_saved_is_read_back_whole(caseload: Caseload) -> None:
    client = make_client(
        caseload,
        preferred_name="Dan",
        pronouns="he/him",
        date_of_birth=date(1990, 4, 2),
        phone="07700 900123",
        identifiers=Identifiers(prison_number="a1234bc", crn="X123456"),
        status="active",
    )
    caseload.add_family_member(
        FamilyMember(client_id=client.id, name="Mia Price", relationship="child", age=6)
    )
    caseload.add_flag(make_flag(client))
    caseload.add_note(make_note(client, "Went with Dan to the housing office", day=3))
    caseload.add_note(make_note(client, "Phoned about the benefits claim", day=5))

    record = caseload.record(client.id)

    assert record.client.identifiers.prison_number == "A1234BC"
    assert record.client.keyworker == "Sam Keyworker"  # allocated to the worker by default
    assert [m.name for m in record.family] == ["Mia Price"]
    assert [f.kind for f in record.flags] == ["lone_working"]
    assert [n.text for n in record.notes] == [
        "Phoned about the benefits claim",
        "Went with Dan to the housing office",
    ]
    assert [s.status for s in record.status_history] == ["active"]


def test_caseload_list_shows_last_contact_flags_and_next_key_date(caseload: Caseload) -> None:
    client = make_client(caseload, release_date=date(2026, 12, 10), order_end_date=date(2027, 6, 1))
    caseload.add_note(make_note(client, "First meeting", day=2))
    caseload.add_note(make_note(client, "Second meeting", day=9))
    caseload.add_flag(make_flag(client, "domestic_abuse"))
    caseload.add_flag(make_flag(client, "self_harm", ended_on=date(2026, 9, 1)))
    make_client(caseload, "Ann Other", status="active")

    rows = {s.legal_name: s for s in caseload.clients()}

    dan = rows["Daniel Price"]
    assert dan.last_contact is not None and dan.last_contact.day == 9
    assert dan.active_flags == ["domestic_abuse"]
    assert dan.next_key_date == date(2026, 12, 10)
    assert rows["Ann Other"].last_contact is None
    assert [s.legal_name for s in caseload.clients(status="active")] == ["Ann Other"]


def test_closing_needs_a_reason_and_history_keeps_every_step(caseload: Caseload) -> None:
    client = make_client(caseload, status="active")

    with pytest.raises(InvalidInput, match="closure reason"):
        caseload.change_status(client.id, "closed")
    caseload.change_status(client.id, "closed", "moved_out_of_area", note="Moved to Leeds")
    caseload.change_status(client.id, "active", note="Came back to the area")

    record = caseload.record(client.id)
    assert record.client.status == "active"
    assert record.client.closure_reason is None
    assert [(s.status, s.reason) for s in record.status_history] == [
        ("active", None),
        ("closed", "moved_out_of_area"),
        ("active", None),
    ]


def test_editing_a_client_cannot_sneak_a_status_change_past_the_history(
    caseload: Caseload,
) -> None:
    client = make_client(caseload)
    with pytest.raises(InvalidInput):
        caseload.update_client(client.model_copy(update={"status": "active"}))
    assert caseload.client(client.id).status == "referred"


def test_update_records_only_the_fields_changed(caseload: Caseload) -> None:
    client = make_client(caseload)
    changed = caseload.update_client(client.model_copy(update={"pronouns": "they/them"}))
    assert changed == ["pronouns"]
    assert caseload.client(client.id).pronouns == "they/them"
    assert caseload.update_client(caseload.client(client.id)) == []


def test_audit_trail_names_fields_never_values(caseload: Caseload) -> None:
    client = make_client(caseload, preferred_name="Dan")
    caseload.update_client(client.model_copy(update={"legal_name": "Daniel Q Price"}))
    entries = caseload._conn.execute(
        "SELECT worker, action, record_table, fields FROM audit ORDER BY seq"
    ).fetchall()
    assert ("Sam Keyworker", "update", "clients", '["legal_name"]') in entries
    dump = repr(caseload._conn.execute("SELECT * FROM audit").fetchall())
    assert "Daniel" not in dump and "Dan" not in dump


def test_family_member_removed_is_gone_and_audited(caseload: Caseload) -> None:
    client = make_client(caseload)
    member = FamilyMember(client_id=client.id, name="Lee Price", relationship="sibling")
    caseload.add_family_member(member)
    caseload.remove_family_member(member.id)
    assert caseload.record(client.id).family == []
    assert caseload.check() == []


def test_unknown_case_reference_is_a_plain_message(caseload: Caseload) -> None:
    with pytest.raises(UnknownClient, match="no client KW-22222"):
        caseload.client_by_ref("kw22222")
    with pytest.raises(UnknownClient, match="look like KW-7F3Q2"):
        caseload.client_by_ref("not a ref")


def test_case_reference_lookup_forgives_case_and_missing_dash(caseload: Caseload) -> None:
    client = make_client(caseload)
    assert caseload.client_by_ref(client.case_ref.lower().replace("-", "")).id == client.id


def test_create_refuses_an_existing_caseload(caseload: Caseload) -> None:
    with pytest.raises(CaseloadExists):
        Caseload.create(caseload.paths, "x", "Someone", "Else", kdf=KdfParams.fast_for_tests())


def test_changing_the_passphrase_rewraps_the_key_only(caseload: Caseload) -> None:
    make_client(caseload)
    caseload.close()
    paths = caseload.paths
    database_before = paths.database.read_bytes()

    Caseload.change_passphrase(paths, PASSPHRASE, "a new passphrase entirely")

    assert paths.database.read_bytes() == database_before
    with pytest.raises(WrongPassphrase):
        Caseload.open(paths, PASSPHRASE)
    with Caseload.open(paths, "a new passphrase entirely") as reopened:
        assert len(reopened.clients()) == 1


def test_files_are_private_to_the_owner(caseload: Caseload) -> None:
    make_client(caseload)
    paths = caseload.paths
    assert paths.home.stat().st_mode & 0o777 == 0o700
    for file in paths.home.iterdir():
        assert file.stat().st_mode & 0o777 == 0o600, file.name


def test_sqlite_utils_is_loaded_late_and_still_encrypts(caseload: Caseload) -> None:
    """driver.database() imports sqlite-utils on first use; it must use sqlcipher3."""
    import sqlcipher3
    import sqlite_utils.db

    from storage import driver

    db = driver.database(caseload._conn)
    assert sqlite_utils.db.sqlite3 is sqlcipher3
    assert "clients" in db.table_names()
