"""A caseload: one encrypted database and its key file, opened with the passphrase.

Every change goes through this class, in a transaction, with an audit entry per row
written; nothing is changed on disk until the passphrase has been proved right and
the database shown to be one this version understands.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import threading
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, date, datetime, time, timedelta
from operator import attrgetter
from typing import Any
from uuid import UUID, uuid4

from pydantic import TypeAdapter

from keyworker import __version__
from keyworker import attention as attn
from keyworker.attention import CONTACT_EXPECTED, OPEN_STATUSES, AttentionItem
from keyworker.bulk import fewer_gc_pauses
from keyworker.clock import Clock, SystemClock
from keyworker.errors import (
    CaseloadExists,
    CaseloadLocked,
    DamagedFile,
    FolderNotWritable,
    InvalidInput,
    KeyworkerError,
    NewerVersion,
    UnknownClient,
)
from keyworker.identifiers import new_case_ref, normalise_case_ref
from keyworker.models import (
    CaseNote,
    Client,
    ClientRecord,
    ClientSummary,
    FamilyMember,
    RiskFlag,
    SearchHit,
    StatusChange,
)
from storage import driver, rows
from storage.appointments import AppointmentStore
from storage.assessments import (
    CLIENT_ASSESSMENTS,
    AssessmentStore,
    assessment_from_row,
    first_error,
)
from storage.assessments import ReviewDue as ReviewDue  # where callers have found it
from storage.audit import CREATED, AuditTrail, Problem, audit_key, field_names, record_key
from storage.files import (
    CaseloadPaths,
    create_private_file,
    ensure_writable,
    make_private_dir,
)
from storage.keyfile import KdfParams, KeyFile
from storage.migrations import LATEST, migrate, schema_version
from storage.opening import unlock
from storage.plans import PlanStore, from_row
from storage.search import INDEX_NEW, search

Progress = Callable[[int], None]
CHUNK = 100  # records written per round of statements inside one transaction

# Each client's last contact (migration 2), moved on by a batch of new notes; worked
# out from the batch in hand, as reading the notes back costs 5% of a bulk import.
LAST_CONTACT_NEW = (
    "INSERT INTO last_contact (client_id, at) VALUES (?, ?)"
    " ON CONFLICT (client_id) DO UPDATE SET at = excluded.at"
    " WHERE excluded.at > last_contact.at"
)


class Caseload(AssessmentStore, PlanStore, AppointmentStore):
    """One open caseload, shared by the screens and their worker threads.

    Every use of the connection holds `_lock`, a re-entrant lock, so a worker's read
    never interleaves with a write on the UI thread, and a write's whole transaction
    runs as one. `lock()` closes the connection and forgets the key; while locked, the
    `_conn` property refuses every read and write with `CaseloadLocked`.
    """

    def __init__(
        self,
        conn: driver.Connection,
        paths: CaseloadPaths,
        key: bytes,
        clock: Clock,
    ) -> None:
        self._lock = threading.RLock()
        self._db: driver.Connection | None = conn
        self._closed = False
        self.paths = paths
        self._clock = clock
        meta = dict(conn.execute("SELECT key, value FROM meta").fetchall())
        self.caseload_id = UUID(meta["caseload_id"])
        self.worker: str = meta["worker"]
        self.service: str = meta["service"]
        self._audit: AuditTrail | None = AuditTrail(conn, audit_key(key), self.worker)
        self._writes = 0  # every write counts, so a preloaded client list knows it is stale
        self._preloaded: tuple[int, date, list[ClientSummary]] | None = None

    # Opening and closing ------------------------------------------------------------

    @classmethod
    def create(
        cls,
        paths: CaseloadPaths,
        passphrase: str,
        worker: str,
        service: str,
        *,
        clock: Clock | None = None,
        kdf: KdfParams | None = None,
    ) -> Caseload:
        """A new, empty caseload; refuses to touch one that already exists."""
        require_new(paths)
        if not passphrase:
            raise InvalidInput("The passphrase cannot be empty.")
        make_private_dir(paths.home)
        ensure_writable(paths.home)
        clock = clock or SystemClock()
        key, caseload_id = os.urandom(32), uuid4()
        conn = None
        try:
            create_private_file(paths.database)
            conn = driver.connect(paths.database, key)
            driver.enable_wal(conn)
            migrate(conn)
            conn.executemany(
                "INSERT INTO meta (key, value) VALUES (?, ?)",
                [
                    ("caseload_id", str(caseload_id)),
                    ("worker", worker),
                    ("service", service),
                    ("created_at", clock.now().isoformat()),
                    ("created_by_version", __version__),
                ],
            )
            # The key file comes last: its presence marks a finished caseload.
            KeyFile.wrap(key, passphrase, caseload_id, kdf).save(paths.key_file)
        except BaseException:
            if conn is not None:
                conn.close()
            for leftover in (paths.database, *paths.sidecars(), paths.key_file):
                with contextlib.suppress(FileNotFoundError):
                    leftover.unlink()
            raise
        return cls(conn, paths, key, clock)

    @classmethod
    def open(cls, paths: CaseloadPaths, passphrase: str, *, clock: Clock | None = None) -> Caseload:
        """Open with the passphrase; see also `storage.opening.open_in_background`."""
        key_file, key = unlock(paths, passphrase)
        return cls.open_unlocked(paths, key_file, key, clock=clock)

    @classmethod
    def open_unlocked(
        cls, paths: CaseloadPaths, key_file: KeyFile, key: bytes, *, clock: Clock | None = None
    ) -> Caseload:
        """Open with the key that `storage.opening.unlock` got from the key file."""
        conn = _connect_existing(paths, key)
        try:
            found = schema_version(conn)
            if found > LATEST:
                raise NewerVersion(
                    "This caseload was saved by a newer version of Keyworker Assistant "
                    f"(database version {found}; this version reads up to {LATEST}). "
                    "Update the app to open it; nothing was changed."
                )
            if found < 1:
                raise DamagedFile(
                    f"The caseload database in {paths.home} is empty or unfinished. "
                    "Restore it from a backup; nothing was changed."
                )
            stored_id = conn.execute("SELECT value FROM meta WHERE key = 'caseload_id'").fetchone()
            if stored_id is None or UUID(stored_id[0]) != key_file.caseload_id:
                raise DamagedFile(
                    "The key file does not belong to this caseload's database. "
                    "Restore the right key file; nothing was changed."
                )
            driver.enable_wal(conn)
            migrate(conn)
            return cls(conn, paths, key, clock or SystemClock())
        except driver.DatabaseError as exc:
            conn.close()
            raise _storage_error(exc) from None
        except BaseException:
            conn.close()
            raise

    @staticmethod
    def change_passphrase(
        paths: CaseloadPaths, old: str, new: str, kdf: KdfParams | None = None
    ) -> None:
        """Rewrap the database key under the new passphrase; the database is not touched."""
        if not new:
            raise InvalidInput("The new passphrase cannot be empty.")
        key_file, key = unlock(paths, old)
        _connect_existing(paths, key).close()
        key_file.rewrap(old, new, kdf).save(paths.key_file)

    def close(self) -> None:
        """Close for good; waits for a query running in another thread. Locked is fine."""
        with self._lock:
            self._closed = True
            self._disconnect()

    # Locking ------------------------------------------------------------------------

    @property
    def is_locked(self) -> bool:
        return self._db is None

    def lock(self) -> None:
        """Close the database and drop every copy of its key until `unlock`.

        Waits for a query or write running in another thread to finish first.
        """
        with self._lock:
            if self._db is not None and self._db.in_transaction:
                raise RuntimeError("The caseload cannot be locked from inside a write.")
            self._disconnect()

    def unlock(self, passphrase: str) -> None:
        """Reopen this same caseload after `lock`; a wrong passphrase leaves it locked."""
        if self._closed:
            raise RuntimeError("This caseload was closed; open it again instead.")
        # The slow key derivation runs outside `_lock`: other threads are not held up.
        # It runs even when already unlocked, so a wrong passphrase is never accepted.
        key_file, key = unlock(self.paths, passphrase)
        if key_file.caseload_id != self.caseload_id:
            raise DamagedFile(
                f"The key file in {self.paths.home} now belongs to another caseload, so this "
                "one cannot be unlocked. Restore the right key file; nothing was changed."
            )
        if not self.is_locked:
            return
        conn = _connect_existing(self.paths, key)
        try:
            stored_id = conn.execute("SELECT value FROM meta WHERE key = 'caseload_id'").fetchone()
            if stored_id is None or UUID(stored_id[0]) != self.caseload_id:
                raise DamagedFile(
                    f"The database in {self.paths.home} was replaced by another caseload's "
                    "while it was locked. Nothing was changed."
                )
            if schema_version(conn) != LATEST:
                raise DamagedFile(
                    f"The database in {self.paths.home} was changed by another version of "
                    "Keyworker Assistant while it was locked. Close the app and open it again."
                )
            driver.enable_wal(conn)
            audit = AuditTrail(conn, audit_key(key), self.worker)
        except driver.DatabaseError as exc:
            conn.close()
            raise _storage_error(exc) from None
        except BaseException:
            conn.close()
            raise
        with self._lock:
            if self._db is not None or self._closed:  # another thread got there first
                conn.close()
                return
            self._db, self._audit = conn, audit

    def _disconnect(self) -> None:
        conn, self._db, self._audit = self._db, None, None
        if conn is not None:
            conn.close()

    @property
    def _conn(self) -> driver.Connection:
        """The connection, or `CaseloadLocked`; use it only while holding `_lock`."""
        if self._db is None:
            raise self._unavailable()
        return self._db

    @property
    def _trail(self) -> AuditTrail:
        if self._audit is None:
            raise self._unavailable()
        return self._audit

    def _unavailable(self) -> Exception:
        if self._closed:
            return RuntimeError("This caseload was closed; open it again to use it.")
        return CaseloadLocked()

    def __enter__(self) -> Caseload:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # Writing ------------------------------------------------------------------------

    @contextlib.contextmanager
    def _write(self) -> Iterator[driver.Connection]:
        """One transaction, holding `_lock` from BEGIN to COMMIT or ROLLBACK."""
        with self._lock:
            conn, audit = self._conn, self._trail
            if conn.in_transaction:
                raise RuntimeError("A write cannot start inside another write.")
            self._writes += 1
            try:
                conn.execute("BEGIN IMMEDIATE")
            except driver.OperationalError as exc:
                raise _storage_error(exc) from None
            audit.begin()
            try:
                yield conn
                audit.commit()
                conn.execute("COMMIT")
            except BaseException as exc:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                audit.rollback()
                if isinstance(exc, driver.OperationalError | driver.IntegrityError):
                    raise _storage_error(exc) from None
                raise

    @contextlib.contextmanager
    def _reading(self) -> Iterator[driver.Connection]:
        """The connection for reads, holding `_lock`; finish with cursors inside it."""
        with self._lock:
            conn = self._conn
            try:
                yield conn
            except driver.DatabaseError as exc:
                raise _storage_error(exc) from None

    def _now(self) -> str:
        return self._clock.now().isoformat()

    def _insert(self, table: str, batch: list[rows.Row]) -> None:
        if not batch:
            return
        columns = self._trail.columns(table)
        index_new = INDEX_NEW.get(table)
        if index_new:
            before = self._conn.execute(f"SELECT coalesce(max(seq), 0) FROM {table}").fetchone()[0]
        values = [self._trail.values(table, row) for row in batch]
        self._conn.executemany(
            f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
            values,
        )
        if index_new:
            self._conn.execute(index_new, (before,))
        if table == "case_notes":
            self._conn.executemany(LAST_CONTACT_NEW, _latest_notes(batch).items())
        self._trail.record(
            self._now(),
            "create",
            table,
            [
                (record_key(table, row), CREATED, saved)
                for row, saved in zip(batch, values, strict=True)
            ],
        )

    def _update(self, table: str, row: rows.Row) -> list[str]:
        columns = self._trail.columns(table)
        old = self._conn.execute(
            f"SELECT {', '.join(columns)} FROM {table} WHERE id = ?", (row["id"],)
        ).fetchone()
        if old is None:
            raise UnknownClient(
                f"That {table.replace('_', ' ')[:-1]} is no longer on the caseload."
            )
        changed = [c for c, before in zip(columns, old, strict=True) if row[c] != before]
        if changed:
            self._conn.execute(
                f"UPDATE {table} SET {', '.join(f'{c} = ?' for c in changed)} WHERE id = ?",
                (*(row[c] for c in changed), row["id"]),
            )
            saved = (row["id"], field_names(changed), self._trail.values(table, row))
            self._trail.record(self._now(), "update", table, [saved])
        return changed

    def new_case_ref(self) -> str:
        while True:
            ref = new_case_ref()
            if not self._rows("SELECT 1 FROM clients WHERE case_ref = ?", (ref,)):
                return ref

    def add_client(self, client: Client, note: str = "") -> Client:
        """Save a new client with the first entry of their status history.

        A client with no allocated keyworker is allocated to this caseload's worker.
        """
        if not client.keyworker:
            client = client.model_copy(update={"keyworker": self.worker})
        change = StatusChange(
            status=client.status,
            at=self._clock.now(),
            reason=client.closure_reason,
            note=note,
            by=self.worker,
        )
        self.add_records([ClientRecord(client=client, status_history=[change])])
        return client

    def update_client(self, client: Client) -> list[str]:
        """Save edits to a client's details; status changes go through `change_status`."""
        current = self.client(client.id)
        if (client.status, client.closure_reason) != (current.status, current.closure_reason):
            raise InvalidInput("Change a case's status with close, reopen or change status.")
        with self._write():
            return self._update("clients", rows.to_row(client))

    def change_status(
        self, client_id: UUID, status: str, reason: str | None = None, note: str = ""
    ) -> Client:
        """Move a case to a new status (closing needs a reason), recorded in its history."""
        client = self.client(client_id)
        try:
            updated = client.model_copy(update={"status": status, "closure_reason": reason})
            Client.model_validate(dict(updated))
            change = StatusChange(
                status=status, at=self._clock.now(), reason=reason, note=note, by=self.worker
            )
        except ValueError as exc:
            raise InvalidInput(first_error(exc)) from None
        with self._write():
            self._update("clients", rows.to_row(updated))
            self._insert("status_history", [rows.status_row(change, client_id, uuid4())])
        return updated

    def add_family_member(self, member: FamilyMember) -> None:
        self.client(member.client_id)
        with self._write():
            self._insert("family_members", [rows.to_row(member)])

    def update_family_member(self, member: FamilyMember) -> list[str]:
        with self._write():
            return self._update("family_members", rows.to_row(member))

    def remove_family_member(self, member_id: UUID) -> None:
        with self._write() as conn:
            gone = conn.execute(
                "DELETE FROM family_members WHERE id = ?", (str(member_id),)
            ).rowcount
            if gone:
                deleted = (str(member_id), "[]", None)
                self._trail.record(self._now(), "delete", "family_members", [deleted])

    def add_flag(self, flag: RiskFlag) -> None:
        self.client(flag.client_id)
        with self._write():
            self._insert("risk_flags", [rows.to_row(flag)])

    def update_flag(self, flag: RiskFlag) -> list[str]:
        with self._write():
            return self._update("risk_flags", rows.to_row(flag))

    def add_note(self, note: CaseNote) -> None:
        self.client(note.client_id)
        with self._write():
            self._insert("case_notes", [rows.to_row(note)])

    def update_note(self, note: CaseNote) -> list[str]:
        with self._write():
            return self._update("case_notes", rows.to_row(note))

    def add_records(self, records: Iterable[ClientRecord], progress: Progress | None = None) -> int:
        """Save whole client records in one transaction: all of them, or none.

        The templates of any assessments must be kept (`keep_template`) first, and the
        agencies that referrals and signposting name must be in the directory. Returns the
        number of notes written; `progress` hears the running count of clients.
        """
        notes_written = done = 0
        records = iter(records)
        appointments = []
        with self._write(), fewer_gc_pauses():
            while chunk := list(itertools.islice(records, CHUNK)):
                self._insert("clients", [rows.to_row(r.client) for r in chunk])
                self._insert(
                    "status_history",
                    [
                        rows.status_row(change, r.client.id, uuid4())
                        for r in chunk
                        for change in r.status_history
                    ],
                )
                self._insert("family_members", [rows.to_row(m) for r in chunk for m in r.family])
                self._insert("risk_flags", [rows.to_row(f) for r in chunk for f in r.flags])
                notes = [rows.to_row(n) for r in chunk for n in r.notes]
                self._insert("case_notes", notes)
                self._insert_assessments(self._fitted([a for r in chunk for a in r.assessments]))
                self._insert_plan_records(
                    [p for r in chunk for p in r.plans],
                    [x for r in chunk for x in r.referrals],
                    [g for r in chunk for g in r.signposts],
                )
                appointments.extend(a for r in chunk for a in r.appointments)
                notes_written += len(notes)
                done += len(chunk)
                if progress:
                    progress(done)
            # After every person is in: a group session appears in each person's record.
            self._insert_record_appointments(appointments)
        return notes_written

    # Reading ------------------------------------------------------------------------

    def _rows(self, sql: str, params: tuple[Any, ...] = ()) -> list[rows.Row]:
        with self._reading() as conn:
            cursor = conn.execute(sql, params)
            names = [d[0] for d in cursor.description]
            return [dict(zip(names, values, strict=True)) for values in cursor]

    def client(self, client_id: UUID) -> Client:
        found = self._rows("SELECT * FROM clients WHERE id = ?", (str(client_id),))
        if not found:
            raise UnknownClient("That client is no longer on this caseload.")
        return rows.client_from_row(found[0])

    def has_client(self, client_id: UUID) -> bool:
        return bool(self._rows("SELECT 1 FROM clients WHERE id = ?", (str(client_id),)))

    def client_by_ref(self, case_ref: str) -> Client:
        try:
            ref = normalise_case_ref(case_ref)
        except ValueError as exc:
            raise UnknownClient(str(exc)) from None
        found = self._rows("SELECT * FROM clients WHERE case_ref = ?", (ref,))
        if not found:
            raise UnknownClient(f"There is no client {ref} on this caseload.")
        return rows.client_from_row(found[0])

    def case_refs(self) -> set[str]:
        return {r["case_ref"] for r in self._rows("SELECT case_ref FROM clients")}

    def record(self, client_id: UUID) -> ClientRecord:
        """Everything held about one client, notes newest first."""
        cid = (str(client_id),)
        with self._lock:  # one consistent read; the models are built after
            client = self.client(client_id)
            history = self._rows(
                "SELECT * FROM status_history WHERE client_id = ? ORDER BY at, seq", cid
            )
            family = self._rows(
                "SELECT * FROM family_members WHERE client_id = ? ORDER BY seq", cid
            )
            flags = self._rows("SELECT * FROM risk_flags WHERE client_id = ? ORDER BY seq", cid)
            notes = self._rows(
                "SELECT * FROM case_notes WHERE client_id = ? ORDER BY at DESC, seq DESC", cid
            )
            assessments = self._rows(CLIENT_ASSESSMENTS, cid)
            planning = self._client_plan_rows(client_id)
            booked = self._client_appointment_rows(client_id)
        return ClientRecord(
            client=client,
            status_history=[rows.status_from_row(r) for r in history],
            family=[rows.family_from_row(r) for r in family],
            flags=[rows.flag_from_row(r) for r in flags],
            notes=[rows.note_from_row(r) for r in notes],
            assessments=[assessment_from_row(r) for r in assessments],
            plans=[from_row("plans", r) for r in planning["plans"]],
            referrals=[from_row("referrals", r) for r in planning["referrals"]],
            signposts=[from_row("signposts", r) for r in planning["signposts"]],
            appointments=[from_row("appointments", r).only_for(client_id) for r in booked],
        )

    def clients(self, status: str | None = None) -> list[ClientSummary]:
        """Every client, or those with one status, in case reference order.

        The dashboard loads this for the whole caseload at every start. SQLite writes the
        summaries as one JSON array and pydantic validates it in one call: a third
        quicker than building 10,000 models one by one, and every value still validated.
        Python sorts them (as SQLite would: both compare text by code point) in a tenth
        of the time SQLite takes to order an aggregate.
        """
        with self._lock:  # waits for a preload running in another thread
            preloaded, self._preloaded = self._preloaded, None
        today = self._clock.today()
        if status is None and preloaded is not None and preloaded[:2] == (self._writes, today):
            return preloaded[2]
        params = {"status": status, "today": today.isoformat(), "now": _utc_text(self._clock.now())}
        with self._reading() as conn:
            (found,) = conn.execute(_CLIENT_SUMMARIES, params).fetchone()
        with fewer_gc_pauses():
            summaries = _SUMMARIES.validate_json(found)
        summaries.sort(key=attrgetter("case_ref"))
        return summaries

    def preload_clients(self) -> None:
        """Load every client now, for the next `clients()` to return without waiting.

        For start-up: the thread that opened the caseload reads it while the app draws
        the dashboard. Only the next call of `clients()` gets the list, and only when
        nothing was written meanwhile; a call made during the preload waits for it.
        """
        with self._lock:
            writes = self._writes
            self._preloaded = (writes, self._clock.today(), self.clients())

    def attention(self, no_contact_days: int, key_date_days: int) -> list[AttentionItem]:
        """What needs acting on today, most urgent first; the rules are in keyworker.attention.

        One query per reason, none of them reading notes: each client's last contact
        is kept in `last_contact` (migration 2), so the notes' number does not matter.
        """
        today = self._clock.today()
        horizon = today + timedelta(days=key_date_days)
        with self._lock:
            flags = self._rows(_OVERDUE_FLAGS, (today.isoformat(),))
            dates = self._rows(_KEY_DATES, (today.isoformat(), horizon.isoformat()))
            assessments = self._review_rows(horizon)
            quiet = self._rows(_NO_CONTACT, _no_contact_bounds(today, no_contact_days))
            planning = self._plan_attention_rows(today)
            missed = self._missed_rows()
            unrecorded = self._outcome_due_rows()
        items: list[AttentionItem] = []
        reviews: dict[tuple[str, str], list[str]] = {}
        for r in flags:
            reviews.setdefault((r["id"], r["review_date"]), []).append(r["kind"])
        planned = [r for found in planning.values() for r in found]
        who = {
            r["id"]: _who(r)
            for r in (*flags, *dates, *assessments, *quiet, *planned, *missed, *unrecorded)
        }
        for (cid, review), kinds in reviews.items():
            items.append(attn.flag_review(who[cid], kinds, date.fromisoformat(review)))
        for r in dates:
            events: dict[date, list[str]] = {}
            for event, column in (("release", "release_date"), ("order_end", "order_end_date")):
                on = _date(r[column])
                if on is not None and today <= on <= horizon:
                    events.setdefault(on, []).append(event)
            for on, names in events.items():
                items.append(attn.key_date(who[r["id"]], names, on, today))
        for r in assessments:
            due = date.fromisoformat(r["next_review"])
            items.append(attn.review_due(who[r["id"]], r["title"], due, today))
        for r in planning["plan_review"]:
            due = date.fromisoformat(r["review_date"])
            items.append(attn.plan_review(who[r["id"]], due))
        for r in planning["step_overdue"]:
            due = date.fromisoformat(r["next_step_due"])
            items.append(attn.steps_overdue(who[r["id"]], r["overdue"], due))
        follow_ups: dict[str, list[rows.Row]] = {}
        for r in planning["follow_up"]:
            follow_ups.setdefault(r["id"], []).append(r)
        for cid, due_rows in follow_ups.items():
            agencies = [r["agency"] for r in due_rows]
            due = date.fromisoformat(due_rows[0]["follow_up_on"])
            items.append(attn.follow_up(who[cid], agencies, due, today))
        for r in missed:
            last_missed = _local_date(r["last_missed"] + "+00:00")
            items.append(attn.missed_appointments(who[r["id"]], r["missed"], last_missed))
        for r in unrecorded:
            oldest = _local_date(r["oldest"] + "+00:00") or today
            items.append(attn.outcome_due(who[r["id"]], r["due"], oldest))
        for r in quiet:
            last = _local_date(r["last_at"])
            referred = _date(r["referral_date"]) or _local_date(r["added_at"]) or today
            since = last or referred
            if (today - since).days >= no_contact_days:
                items.append(attn.no_contact(who[r["id"]], last, referred, no_contact_days, today))
        return attn.most_urgent_first(items)

    def search(self, text: str, limit: int = 50) -> list[SearchHit]:
        with self._reading() as conn:
            return search(conn, text, limit)

    def counts(self) -> dict[str, int]:
        tables = ("clients", "family_members", "risk_flags", "case_notes", "audit")
        with self._reading() as conn:
            return {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in tables}

    # Checking -----------------------------------------------------------------------

    def check(self) -> list[Problem]:
        """Everything wrong with the database and its audit trail; empty when sound."""
        try:
            with self._lock:
                return self._check()
        except driver.DatabaseError as exc:
            return [Problem(f"The database file is damaged and could not be read through ({exc}).")]

    def _check(self) -> list[Problem]:
        problems = [
            Problem(f"The database file is damaged: {message}.")
            for (message,) in self._conn.execute("PRAGMA integrity_check")
            if message != "ok"
        ]
        for table, _rowid, parent, _fk in self._conn.execute("PRAGMA foreign_key_check"):
            problems.append(Problem(f"A row in {table} points at a missing row in {parent}."))
        try:
            self._conn.execute("INSERT INTO note_search(note_search) VALUES ('integrity-check')")
        except driver.DatabaseError:
            problems.append(Problem("The search index of notes is out of step with the notes."))
        if self._conn.execute(_LAST_CONTACT_DRIFT).fetchone():
            problems.append(
                Problem("The record of each client's last contact is out of step with the notes.")
            )
        problems.extend(self._check_assessments())
        problems.extend(self._check_plans())
        problems.extend(self._check_appointments())
        problems.extend(self._trail.verify())
        return problems


def require_new(paths: CaseloadPaths) -> None:
    """Refuse, before asking for anything, to set up over an existing caseload."""
    if paths.exists():
        raise CaseloadExists(
            f"There is already a caseload in {paths.home}; it was left as it is. "
            "Use --home to choose another folder."
        )


def _connect_existing(paths: CaseloadPaths, key: bytes) -> driver.Connection:
    try:
        return driver.connect(paths.database, key)
    except driver.DatabaseError as exc:
        if "not a database" in str(exc):
            raise DamagedFile(
                "The key file does not unlock this caseload's database: it belongs to another "
                "caseload, or the database is damaged. Nothing was changed."
            ) from None
        raise _storage_error(exc) from None


def _storage_error(exc: Exception) -> KeyworkerError:
    text = str(exc).lower()
    if "malformed" in text or "not a database" in text or "corrupt" in text:
        return DamagedFile(
            "The caseload database is damaged and cannot be read. Restore it from a backup; "
            "nothing was changed."
        )
    if "full" in text:
        return KeyworkerError(
            "The disk is full, so the change was not saved. Free some space and try again."
        )
    if "readonly" in text or "read-only" in text:
        return FolderNotWritable(
            "The caseload cannot be saved to: its folder or file is read-only. "
            "The change was not saved."
        )
    if "locked" in text or "busy" in text:
        return KeyworkerError(
            "The caseload is busy in another window of Keyworker Assistant. Try again shortly."
        )
    if "constraint" in text:
        return InvalidInput("That change clashes with a record already saved; it was not saved.")
    return KeyworkerError(f"The caseload could not be saved ({exc}). Nothing was changed.")


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _latest_notes(notes: list[rows.Row]) -> dict[str, str]:
    """The moment of each client's latest note among `notes`, as stored."""
    latest: dict[str, str] = {}
    for note in notes:
        client_id, at = note["client_id"], note["at"]
        if at > latest.get(client_id, ""):
            latest[client_id] = at
    return latest


def _local_date(stamp: str | None) -> date | None:
    """The day a stored UTC moment fell on here, as the keyworker counts days."""
    return datetime.fromisoformat(stamp).astimezone().date() if stamp else None


def _who(row: rows.Row) -> attn.Who:
    return (UUID(row["id"]), row["case_ref"], row["preferred_name"] or row["legal_name"])


_OPEN = ", ".join(f"'{s}'" for s in OPEN_STATUSES)
_EXPECTING_CONTACT = ", ".join(f"'{s}'" for s in CONTACT_EXPECTED)
_WHO = "c.id, c.case_ref, c.preferred_name, c.legal_name"

_LAST_CONTACT_DRIFT = """
SELECT 1 FROM (
    SELECT client_id, max(at) FROM case_notes GROUP BY client_id
    EXCEPT SELECT client_id, at FROM last_contact
) UNION ALL SELECT 1 FROM (
    SELECT client_id, at FROM last_contact
    EXCEPT SELECT client_id, max(at) FROM case_notes GROUP BY client_id
) LIMIT 1
"""
_SUMMARIES = TypeAdapter(list[ClientSummary])
# The next key date is the sooner of release and order end still to come ('9999' is none).
_CLIENT_SUMMARIES = """
SELECT json_group_array(json_object(
    'id', c.id,
    'case_ref', c.case_ref,
    'display_name', iif(c.preferred_name != '', c.preferred_name, c.legal_name),
    'legal_name', c.legal_name,
    'status', c.status,
    'kind', c.kind,
    'keyworker', c.keyworker,
    'last_contact', lc.at,
    'next_key_date', nullif(min(
        coalesce(iif(c.release_date >= :today, c.release_date, NULL), '9999'),
        coalesce(iif(c.order_end_date >= :today, c.order_end_date, NULL), '9999')), '9999'),
    'active_flags', json(coalesce(f.kinds, '[]')),
    'next_appointment', (
        SELECT min(p.starts_at) || 'Z' FROM appointment_people p
        WHERE p.client_id = c.id AND p.outcome IS NULL AND p.starts_at >= :now)
))
FROM clients c
LEFT JOIN last_contact lc ON lc.client_id = c.id
LEFT JOIN (
    SELECT client_id, json_group_array(DISTINCT kind ORDER BY kind) AS kinds
    FROM risk_flags WHERE ended_on IS NULL GROUP BY client_id
) f ON f.client_id = c.id
WHERE :status IS NULL OR c.status = :status
"""
_OVERDUE_FLAGS = (
    f"SELECT {_WHO}, f.kind, f.review_date FROM risk_flags f"
    " JOIN clients c ON c.id = f.client_id"
    f" WHERE f.ended_on IS NULL AND f.review_date < ? AND c.status IN ({_OPEN})"
    " ORDER BY f.seq"
)
_KEY_DATES = (
    f"SELECT {_WHO}, c.release_date, c.order_end_date FROM clients c"
    f" WHERE c.status IN ({_OPEN})"
    " AND (c.release_date BETWEEN ?1 AND ?2 OR c.order_end_date BETWEEN ?1 AND ?2)"
)
# Stored moments are ISO text in UTC, so they compare as text with a cut-off moment.
# `added_at` (the case's first status change) counts only when there is no referral date.
_NO_CONTACT = (
    f"SELECT {_WHO}, c.referral_date, lc.at AS last_at,"
    " (SELECT min(s.at) FROM status_history s WHERE s.client_id = c.id) AS added_at"
    " FROM clients c LEFT JOIN last_contact lc ON lc.client_id = c.id"
    f" WHERE c.status IN ({_EXPECTING_CONTACT}) AND CASE"
    " WHEN last_at IS NOT NULL THEN last_at < :cutoff"
    " WHEN c.referral_date IS NOT NULL THEN c.referral_date <= :last_day"
    " ELSE added_at < :cutoff END"
)


def _no_contact_bounds(today: date, days: int) -> dict[str, str]:
    """The last day that counts as `days` ago, and the moment the day after began here."""
    last_day = today - timedelta(days=days)
    began = datetime.combine(last_day + timedelta(days=1), time()).astimezone()
    return {"last_day": last_day.isoformat(), "cutoff": _utc_text(began)}


def _utc_text(moment: datetime) -> str:
    """A moment as stored moments begin (no offset), so text comparison orders them."""
    return moment.astimezone(UTC).replace(tzinfo=None).isoformat()
