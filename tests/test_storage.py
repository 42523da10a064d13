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


# Opening early and loading the client list ahead -----------------------------------


def test_a_preloaded_client_list_is_used_once(caseload: Caseload) -> None:
    first = make_client(caseload, "Daniel Price")
    caseload.preload_clients()
    preloaded = caseload.clients()
    assert [s.id for s in preloaded] == [first.id]
    again = caseload.clients()
    assert again is not preloaded  # read afresh: a preload serves one call only
    assert again == preloaded


def test_a_write_after_the_preload_makes_the_list_read_afresh(caseload: Caseload) -> None:
    make_client(caseload, "Daniel Price")
    caseload.preload_clients()
    added = make_client(caseload, "Priya Shah")
    assert added.id in {s.id for s in caseload.clients()}


def test_a_status_filter_never_gets_the_preloaded_list(caseload: Caseload) -> None:
    make_client(caseload, "Daniel Price", status="active")
    make_client(caseload, "Priya Shah", status="paused")
    caseload.preload_clients()
    assert [s.legal_name for s in caseload.clients("paused")] == ["Priya Shah"]


def test_clients_come_in_case_reference_order(caseload: Caseload) -> None:
    for name in ("Daniel Price", "Priya Shah", "Alex Morgan", "Jordan Ellis", "Chris Doyle"):
        make_client(caseload, name)
    refs = [s.case_ref for s in caseload.clients()]
    assert refs == sorted(refs)


def test_open_in_background_opens_and_preloads(caseload: Caseload) -> None:
    from storage.opening import open_in_background

    client = make_client(caseload)
    paths, clock = caseload.paths, caseload._clock
    caseload.close()
    opened = open_in_background(paths, PASSPHRASE, clock).result(timeout=30)
    try:
        assert [s.id for s in opened.clients()] == [client.id]
    finally:
        opened.close()


def test_open_in_background_reports_a_wrong_passphrase(caseload: Caseload) -> None:
    from storage.opening import open_in_background

    future = open_in_background(caseload.paths, "not the passphrase", caseload._clock)
    with pytest.raises(WrongPassphrase):
        future.result(timeout=30)


def test_starting_to_unlock_needs_neither_the_database_layer_nor_textual() -> None:
    """`keyworker` starts the deliberately slow unlocking before loading the rest."""
    import subprocess
    import sys
    from pathlib import Path

    code = (
        "import sys, keyworker.cli, storage.opening; "
        "print(sorted(m for m in ('pydantic', 'textual', 'sqlcipher3', 'storage.caseload')"
        " if m in sys.modules))"
    )
    root = Path(__file__).resolve().parent.parent
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=root
    ).stdout
    assert out.strip() == "[]"


def test_fewer_gc_pauses_nests_and_restores_the_usual_setting() -> None:
    import gc
    import threading

    from keyworker.bulk import fewer_gc_pauses

    usual = gc.get_threshold()
    inside = threading.Event()
    leave = threading.Event()

    def other_thread() -> None:
        with fewer_gc_pauses():
            inside.set()
            leave.wait(10)

    worker = threading.Thread(target=other_thread)
    worker.start()
    inside.wait(10)
    with fewer_gc_pauses():
        assert gc.get_threshold()[0] >= 100_000
    assert gc.get_threshold()[0] >= 100_000  # the other thread is still at it
    leave.set()
    worker.join(10)
    assert gc.get_threshold() == usual
