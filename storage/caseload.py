"""A caseload: one encrypted database and its key file, opened with the passphrase.

Every change goes through this class, in a transaction, with an audit entry per row
written; nothing is changed on disk until the passphrase has been proved right and
the database shown to be one this version understands.
"""

from __future__ import annotations

import contextlib
import itertools
import os
from collections.abc import Callable, Iterable, Iterator
from datetime import date, datetime
from typing import Any
from uuid import UUID, uuid4

from keyworker import __version__
from keyworker.bulk import fewer_gc_pauses
from keyworker.clock import Clock, SystemClock
from keyworker.errors import (
    CaseloadExists,
    CaseloadNotFound,
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
from storage.audit import CREATED, AuditTrail, Problem, audit_key, field_names
from storage.files import (
    CaseloadPaths,
    create_private_file,
    ensure_writable,
    make_private_dir,
)
from storage.keyfile import KdfParams, KeyFile
from storage.migrations import LATEST, migrate, schema_version
from storage.search import INDEX_NEW, search

Progress = Callable[[int], None]
CHUNK = 100  # records written per round of statements inside one transaction


class Caseload:
    def __init__(
        self,
        conn: driver.Connection,
        paths: CaseloadPaths,
        key: bytes,
        clock: Clock,
    ) -> None:
        self._conn = conn
        self.paths = paths
        self._clock = clock
        meta = dict(conn.execute("SELECT key, value FROM meta").fetchall())
        self.caseload_id = UUID(meta["caseload_id"])
        self.worker: str = meta["worker"]
        self.service: str = meta["service"]
        self._audit = AuditTrail(conn, audit_key(key), self.worker)

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
        key_file, key = unlock(paths, passphrase)
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
        self._conn.close()

    def __enter__(self) -> Caseload:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # Writing ------------------------------------------------------------------------

    @contextlib.contextmanager
    def _write(self) -> Iterator[None]:
        try:
            self._conn.execute("BEGIN IMMEDIATE")
        except driver.OperationalError as exc:
            raise _storage_error(exc) from None
        self._audit.begin()
        try:
            yield
            self._audit.commit()
            self._conn.execute("COMMIT")
        except BaseException as exc:
            if self._conn.in_transaction:
                self._conn.execute("ROLLBACK")
            self._audit.rollback()
            if isinstance(exc, driver.OperationalError | driver.IntegrityError):
                raise _storage_error(exc) from None
            raise

    def _now(self) -> str:
        return self._clock.now().isoformat()

    def _insert(self, table: str, batch: list[rows.Row]) -> None:
        if not batch:
            return
        columns = self._audit.columns(table)
        index_new = INDEX_NEW.get(table)
        if index_new:
            before = self._conn.execute(f"SELECT coalesce(max(seq), 0) FROM {table}").fetchone()[0]
        values = [self._audit.values(table, row) for row in batch]
        self._conn.executemany(
            f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
            values,
        )
        if index_new:
            self._conn.execute(index_new, (before,))
        self._audit.record(
            self._now(),
            "create",
            table,
            [(row["id"], CREATED, saved) for row, saved in zip(batch, values, strict=True)],
        )

    def _update(self, table: str, row: rows.Row) -> list[str]:
        columns = self._audit.columns(table)
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
            saved = (row["id"], field_names(changed), self._audit.values(table, row))
            self._audit.record(self._now(), "update", table, [saved])
        return changed

    def new_case_ref(self) -> str:
        while True:
            ref = new_case_ref()
            if not self._conn.execute(
                "SELECT 1 FROM clients WHERE case_ref = ?", (ref,)
            ).fetchone():
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
            raise InvalidInput(_first_error(exc)) from None
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
        with self._write():
            gone = self._conn.execute(
                "DELETE FROM family_members WHERE id = ?", (str(member_id),)
            ).rowcount
            if gone:
                deleted = (str(member_id), "[]", None)
                self._audit.record(self._now(), "delete", "family_members", [deleted])

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

        Returns the number of notes written; `progress` hears the running count of clients.
        """
        notes_written = done = 0
        records = iter(records)
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
                notes_written += len(notes)
                done += len(chunk)
                if progress:
                    progress(done)
        return notes_written

    # Reading ------------------------------------------------------------------------

    def _rows(self, sql: str, params: tuple[Any, ...] = ()) -> list[rows.Row]:
        with _reading():
            cursor = self._conn.execute(sql, params)
            names = [d[0] for d in cursor.description]
            return [dict(zip(names, values, strict=True)) for values in cursor]

    def client(self, client_id: UUID) -> Client:
        found = self._rows("SELECT * FROM clients WHERE id = ?", (str(client_id),))
        if not found:
            raise UnknownClient("That client is no longer on this caseload.")
        return rows.client_from_row(found[0])

    def has_client(self, client_id: UUID) -> bool:
        with _reading():
            found = self._conn.execute("SELECT 1 FROM clients WHERE id = ?", (str(client_id),))
            return found.fetchone() is not None

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
        return {r[0] for r in self._conn.execute("SELECT case_ref FROM clients")}

    def record(self, client_id: UUID) -> ClientRecord:
        """Everything held about one client, notes newest first."""
        cid = (str(client_id),)
        return ClientRecord(
            client=self.client(client_id),
            status_history=[
                rows.status_from_row(r)
                for r in self._rows(
                    "SELECT * FROM status_history WHERE client_id = ? ORDER BY at, seq", cid
                )
            ],
            family=[
                rows.family_from_row(r)
                for r in self._rows(
                    "SELECT * FROM family_members WHERE client_id = ? ORDER BY seq", cid
                )
            ],
            flags=[
                rows.flag_from_row(r)
                for r in self._rows(
                    "SELECT * FROM risk_flags WHERE client_id = ? ORDER BY seq", cid
                )
            ],
            notes=[
                rows.note_from_row(r)
                for r in self._rows(
                    "SELECT * FROM case_notes WHERE client_id = ? ORDER BY at DESC, seq DESC", cid
                )
            ],
        )

    def clients(self, status: str | None = None) -> list[ClientSummary]:
        today = self._clock.today()
        summaries = []
        for r in self._rows(
            "SELECT c.id, c.case_ref, c.preferred_name, c.legal_name, c.status, c.kind,"
            " c.keyworker, c.release_date, c.order_end_date,"
            " (SELECT max(at) FROM case_notes n WHERE n.client_id = c.id) AS last_contact,"
            " (SELECT group_concat(kind) FROM risk_flags f"
            "   WHERE f.client_id = c.id AND f.ended_on IS NULL) AS flags"
            " FROM clients c WHERE ?1 IS NULL OR c.status = ?1 ORDER BY c.case_ref",
            (status,),
        ):
            key_dates = [
                d
                for d in (_date(r["release_date"]), _date(r["order_end_date"]))
                if d is not None and d >= today
            ]
            summaries.append(
                ClientSummary(
                    id=UUID(r["id"]),
                    case_ref=r["case_ref"],
                    display_name=r["preferred_name"] or r["legal_name"],
                    legal_name=r["legal_name"],
                    status=r["status"],
                    kind=r["kind"],
                    keyworker=r["keyworker"],
                    last_contact=datetime.fromisoformat(r["last_contact"])
                    if r["last_contact"]
                    else None,
                    next_key_date=min(key_dates, default=None),
                    active_flags=sorted(set(r["flags"].split(","))) if r["flags"] else [],
                )
            )
        return summaries

    def search(self, text: str, limit: int = 50) -> list[SearchHit]:
        with _reading():
            return search(self._conn, text, limit)

    def counts(self) -> dict[str, int]:
        tables = ("clients", "family_members", "risk_flags", "case_notes", "audit")
        return {t: self._conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in tables}

    # Checking -----------------------------------------------------------------------

    def check(self) -> list[Problem]:
        """Everything wrong with the database and its audit trail; empty when sound."""
        try:
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
        problems.extend(self._audit.verify())
        return problems


def require_new(paths: CaseloadPaths) -> None:
    """Refuse, before asking for anything, to set up over an existing caseload."""
    if paths.exists():
        raise CaseloadExists(
            f"There is already a caseload in {paths.home}; it was left as it is. "
            "Use --home to choose another folder."
        )


def require_existing(paths: CaseloadPaths) -> None:
    """Refuse, before asking for a passphrase, when there is nothing to unlock."""
    has_key, has_db = paths.key_file.exists(), paths.database.exists()
    if not has_key and not has_db:
        raise CaseloadNotFound(
            f"There is no caseload in {paths.home}. Create one with `keyworker init` "
            "or try the demo with `keyworker demo`."
        )
    if not has_db:
        raise DamagedFile(
            f"The caseload database {paths.database} is missing; only its key file is there. "
            "Restore it from a backup; nothing was changed."
        )


def unlock(paths: CaseloadPaths, passphrase: str) -> tuple[KeyFile, bytes]:
    """Prove the passphrase against the key file; touches nothing on disk."""
    require_existing(paths)
    ensure_writable(paths.home)
    key_file = KeyFile.load(paths.key_file)
    return key_file, key_file.unwrap(passphrase)


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


@contextlib.contextmanager
def _reading() -> Iterator[None]:
    try:
        yield
    except driver.DatabaseError as exc:
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


def _first_error(exc: ValueError) -> str:
    errors = getattr(exc, "errors", None)
    if callable(errors):
        first = errors()[0]
        where = ".".join(str(p) for p in first.get("loc", ()))
        message = str(first.get("msg", "")).removeprefix("Value error, ")
        return f"{where}: {message}" if where else message
    return str(exc)


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None
