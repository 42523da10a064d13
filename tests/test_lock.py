"""Locking the caseload, and sharing one caseload between threads."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import uuid4

import pytest

from keyworker.errors import CaseloadLocked, DamagedFile, WrongPassphrase
from keyworker.models import CaseNote, Client, FamilyMember
from storage import Caseload, CaseloadPaths, KdfParams
from storage.audit import AuditTrail
from tests.conftest import PASSPHRASE, make_client, make_flag, make_note

LOCKED = "The caseload is locked. Unlock it to carry on."


def _every_use(client: Client) -> dict[str, Callable[[Caseload], Any]]:
    """One call of each public method that reads or writes the database."""
    return {
        "clients": lambda c: c.clients(),
        "client": lambda c: c.client(client.id),
        "client_by_ref": lambda c: c.client_by_ref(client.case_ref),
        "has_client": lambda c: c.has_client(client.id),
        "case_refs": lambda c: c.case_refs(),
        "new_case_ref": lambda c: c.new_case_ref(),
        "record": lambda c: c.record(client.id),
        "search": lambda c: c.search("Price"),
        "counts": lambda c: c.counts(),
        "check": lambda c: c.check(),
        "attention": lambda c: c.attention(14, 28),
        "add_client": lambda c: c.add_client(Client(case_ref="KW-22222", legal_name="New Person")),
        "update_client": lambda c: c.update_client(client.model_copy(update={"pronouns": "he"})),
        "change_status": lambda c: c.change_status(client.id, "active"),
        "add_note": lambda c: c.add_note(make_note(client, "Met at the office")),
        "add_flag": lambda c: c.add_flag(make_flag(client)),
        "update_flag": lambda c: c.update_flag(make_flag(client)),
        "update_note": lambda c: c.update_note(make_note(client, "Edited")),
        "add_family_member": lambda c: c.add_family_member(
            FamilyMember(client_id=client.id, name="Jo Price", relationship="partner")
        ),
        "remove_family_member": lambda c: c.remove_family_member(uuid4()),
        "add_records": lambda c: c.add_records([]),
    }


USES = list(_every_use(Client(case_ref="KW-33333", legal_name="Nobody")))


@pytest.mark.parametrize("use", USES)
def test_a_locked_caseload_refuses_every_read_and_write(caseload: Caseload, use: str) -> None:
    client = make_client(caseload)
    before = caseload.counts()
    caseload.lock()

    assert caseload.is_locked
    with pytest.raises(CaseloadLocked, match=LOCKED):
        _every_use(client)[use](caseload)

    caseload.unlock(PASSPHRASE)
    assert caseload.counts() == before


def test_locking_closes_the_database_and_drops_the_key(caseload: Caseload) -> None:
    make_client(caseload)
    caseload.lock()

    held = vars(caseload).values()
    assert not any(isinstance(value, bytes | AuditTrail) for value in held)
    assert caseload._db is None and caseload._audit is None


def test_unlocking_carries_on_where_it_was(caseload: Caseload, paths: CaseloadPaths) -> None:
    client = make_client(caseload, status="active")
    caseload.lock()
    assert caseload.is_locked

    caseload.unlock(PASSPHRASE)

    assert not caseload.is_locked
    caseload.add_note(make_note(client, "Seen after the lock", day=20))
    assert caseload.check() == []  # the audit trail carried on under the same key
    caseload.close()
    with Caseload.open(paths, PASSPHRASE) as reopened:
        assert [n.text for n in reopened.record(client.id).notes] == ["Seen after the lock"]
        assert reopened.check() == []


def test_a_wrong_passphrase_leaves_it_locked(caseload: Caseload) -> None:
    client = make_client(caseload)
    caseload.lock()

    with pytest.raises(WrongPassphrase):
        caseload.unlock("not the passphrase")

    assert caseload.is_locked
    with pytest.raises(CaseloadLocked):
        caseload.client(client.id)
    caseload.unlock(PASSPHRASE)
    assert caseload.client(client.id) == client


def test_unlocking_with_another_caseloads_key_file_is_refused(
    caseload: Caseload, paths: CaseloadPaths, tmp_path
) -> None:
    make_client(caseload)
    other = CaseloadPaths(tmp_path / "other")
    Caseload.create(
        other, PASSPHRASE, "Someone", "Elsewhere", kdf=KdfParams.fast_for_tests()
    ).close()
    caseload.lock()
    paths.key_file.write_bytes(other.key_file.read_bytes())

    with pytest.raises(DamagedFile, match="another caseload"):
        caseload.unlock(PASSPHRASE)
    assert caseload.is_locked


def test_locking_twice_unlocking_twice_and_closing_while_locked_are_harmless(
    caseload: Caseload,
) -> None:
    make_client(caseload)
    caseload.lock()
    caseload.lock()
    caseload.unlock(PASSPHRASE)
    caseload.unlock(PASSPHRASE)
    assert len(caseload.clients()) == 1
    with pytest.raises(WrongPassphrase):  # even when there is nothing to unlock
        caseload.unlock("not the passphrase")
    caseload.lock()
    caseload.close()
    caseload.close()


def test_lock_waits_for_a_query_running_in_another_thread(caseload: Caseload) -> None:
    make_client(caseload)
    started, release = threading.Event(), threading.Event()

    def slow() -> int:
        started.set()
        release.wait(5)
        return 1

    caseload._conn.create_function("slow", 0, slow)
    results: list[object] = []
    reader = threading.Thread(
        target=lambda: results.append(caseload._rows("SELECT slow() AS s, count(*) FROM clients"))
    )
    reader.start()
    assert started.wait(5)
    locker = threading.Thread(target=caseload.lock)
    locker.start()

    locker.join(0.2)
    assert locker.is_alive(), "lock() did not wait for the query"
    assert not caseload.is_locked
    release.set()
    reader.join(5)
    locker.join(5)

    assert results == [[{"s": 1, "count(*)": 1}]]
    assert caseload.is_locked


def test_locking_and_unlocking_under_a_busy_reader_only_ever_says_locked(
    caseload: Caseload,
) -> None:
    client = make_client(caseload, status="active")
    caseload.add_note(make_note(client, "Phone call"))
    stop, errors, reads = threading.Event(), [], [0]

    def read() -> None:
        while not stop.is_set():
            try:
                assert len(caseload.record(client.id).notes) == 1
                caseload.clients()
                reads[0] += 1
            except CaseloadLocked:
                pass
            except Exception as exc:  # any other error at all fails the test
                errors.append(exc)
                return

    reader = threading.Thread(target=read)
    reader.start()
    for _ in range(20):
        caseload.lock()
        time.sleep(0.002)  # let the reader run into the lock
        caseload.unlock(PASSPHRASE)
        done = reads[0]
        deadline = time.monotonic() + 5
        while reads[0] == done and time.monotonic() < deadline and not errors:
            time.sleep(0.001)  # and read again before the next lock
    stop.set()
    reader.join(10)

    assert errors == []
    assert reads[0] >= 20
    assert not caseload.is_locked and caseload.check() == []


def test_threads_reading_and_writing_at_once_stay_consistent(
    caseload: Caseload, paths: CaseloadPaths
) -> None:
    people = [make_client(caseload, f"Person {n}", status="active") for n in range(4)]
    notes_each, errors = 40, []
    seen_notes: list[int] = []

    def write(client: Client) -> None:
        try:
            for n in range(notes_each):
                at = datetime(2026, 11, 1, 9, tzinfo=UTC) + timedelta(minutes=n)
                note = CaseNote(client_id=client.id, at=at, contact_type="phone", text=f"Call {n}")
                caseload.add_note(note)
        except Exception as exc:  # any error at all fails the test
            errors.append(exc)

    def read(stop: threading.Event) -> None:
        try:
            while not stop.is_set():
                seen_notes.append(caseload.counts()["case_notes"])
                caseload.clients()
                caseload.record(people[0].id)
                caseload.search("Call")
                caseload.attention(14, 28)
        except Exception as exc:  # any error at all fails the test
            errors.append(exc)

    stop = threading.Event()
    readers = [threading.Thread(target=read, args=(stop,)) for _ in range(2)]
    writers = [threading.Thread(target=write, args=(p,)) for p in people[:2]]
    for thread in (*readers, *writers):
        thread.start()
    for thread in writers:
        thread.join(60)
    stop.set()
    for thread in readers:
        thread.join(60)

    assert errors == []
    assert seen_notes == sorted(seen_notes)  # never a half-written transaction seen
    expected = 2 * notes_each
    assert caseload.counts()["case_notes"] == expected
    assert caseload.check() == []
    caseload.close()
    with Caseload.open(paths, PASSPHRASE) as reopened:
        assert [len(reopened.record(p.id).notes) for p in people] == [notes_each] * 2 + [0, 0]
        assert reopened.counts()["audit"] == 2 * len(people) + expected  # client, status, notes
        assert reopened.check() == []
