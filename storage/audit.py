"""The audit trail: every change, hash-chained, naming fields but never their values.

Each entry records when, which worker, which record and which fields changed, plus a
keyed digest of the row as the app left it. Entries are chained with HMAC-SHA256 under a
key derived from the database key, and the chain's head is sealed in `meta`. So:
- a row edited, added or deleted behind the app's back no longer matches its digest;
- an audit entry altered, removed or reordered breaks the chain;
- entries cut from the end no longer match the sealed head.
The digests are keyed, so they reveal nothing about the values they cover.
"""

from __future__ import annotations

import hmac
import json
import operator
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from storage.driver import Connection

GENESIS = bytes(32)
CREATED = '["*"]'  # the fields of a new record: all of them
HEAD_KEY = "audit_head"

# The tables whose rows the trail covers, and how a problem names their records.
AUDITED_TABLES = {
    "clients": "client",
    "status_history": "status change",
    "family_members": "family member",
    "risk_flags": "risk flag",
    "case_notes": "case note",
    "assessment_templates": "assessment template",
    "assessments": "assessment",
    "agencies": "partner agency",
    "plans": "action plan",
    "referrals": "referral",
    "signposts": "signposting record",
    "appointments": "appointment",
}
# How the trail names a row: by its `id`, or by these columns joined with "/" ("mini/1").
RECORD_KEYS = {
    "assessment_templates": ("template_id", "version"),
    "plans": ("id", "revision"),
}


@dataclass(frozen=True)
class Problem:
    """One thing `keyworker check` found wrong, in words for a keyworker."""

    what: str

    def __str__(self) -> str:
        return self.what


def audit_key(database_key: bytes) -> bytes:
    return HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=b"keyworker audit trail v1"
    ).derive(database_key)


# One encoder, made once: json.dumps with options builds a new one on every call.
_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


def _canonical(values: Sequence[object]) -> bytes:
    return _ENCODER.encode(list(values)).encode()


class AuditTrail:
    """Appends to and verifies the trail on one connection.

    Appends happen inside the caller's transaction; `begin`, `commit` and `rollback`
    keep the cached chain head in step with what the database holds.
    """

    def __init__(self, conn: Connection, key: bytes, worker: str) -> None:
        self._conn = conn
        self._key = key
        self.worker = worker
        self._columns = {t: _columns(conn, t) for t in AUDITED_TABLES}
        self._getters = {t: operator.itemgetter(*c) for t, c in self._columns.items()}
        self._head = self._load_head()
        self._saved_head = self._head

    def columns(self, table: str) -> list[str]:
        return self._columns[table]

    def values(self, table: str, row: dict[str, object]) -> tuple[object, ...]:
        """The row's values in the table's column order, as stored and digested."""
        return self._getters[table](row)

    def digest(self, table: str, values: tuple[object, ...]) -> bytes:
        return hmac.digest(self._key, _canonical((table, *values)), "sha256")

    def record(
        self,
        at: str,
        action: str,
        table: str,
        changes: list[tuple[str, str, tuple[object, ...] | None]],
    ) -> None:
        """Append one entry per (record id, `field_names`, values as saved or None if deleted)."""
        seq, prev = self._head
        entries = []
        for record_id, names, values in changes:
            seq += 1
            digest = self.digest(table, values) if values is not None else None
            entry = (seq, at, self.worker, action, table, record_id, names)
            prev = self._chain(prev, entry, digest)
            entries.append((*entry, digest, prev))
        self._conn.executemany(
            "INSERT INTO audit (seq, at, worker, action, record_table, record_id, fields,"
            " row_digest, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            entries,
        )
        self._head = (seq, prev)

    def begin(self) -> None:
        self._saved_head = self._head

    def commit(self) -> None:
        """Seal the head; call inside the transaction, just before COMMIT."""
        if self._head == self._saved_head:
            return
        seq, entry_hash = self._head
        seal = self._seal(seq, entry_hash)
        sealed = json.dumps({"seq": seq, "hash": entry_hash.hex(), "seal": seal})
        self._conn.execute(
            "INSERT INTO meta (key, value) VALUES (?, ?) "
            "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            (HEAD_KEY, sealed),
        )

    def rollback(self) -> None:
        self._head = self._saved_head

    def _chain(self, prev: bytes, entry: tuple[object, ...], digest: bytes | None) -> bytes:
        content = _canonical((*entry, digest.hex() if digest is not None else None))
        return hmac.digest(self._key, prev + content, "sha256")

    def _seal(self, seq: int, entry_hash: bytes) -> str:
        return hmac.digest(self._key, b"head:%d:" % seq + entry_hash, "sha256").hex()

    def _load_head(self) -> tuple[int, str]:
        row = self._conn.execute("SELECT value FROM meta WHERE key = ?", (HEAD_KEY,)).fetchone()
        if row is None:
            return (0, GENESIS)
        try:
            head = json.loads(row[0])
            return (int(head["seq"]), bytes.fromhex(head["hash"]))
        except (ValueError, KeyError, TypeError):
            # `verify` reports it; new entries chain on from the trail's real end.
            last = self._conn.execute("SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1")
            found = last.fetchone()
            return (found[0], found[1]) if found else (0, GENESIS)

    def verify(self) -> list[Problem]:
        """Check the chain, its sealed head, and every audited row against its digest."""
        problems: list[Problem] = []
        latest: dict[str, dict[str, bytes | None]] = {t: {} for t in AUDITED_TABLES}
        prev, expected_seq = GENESIS, 1
        for entry in self._conn.execute(
            "SELECT seq, at, worker, action, record_table, record_id, fields, row_digest, hash"
            " FROM audit ORDER BY seq"
        ):
            *content, digest, entry_hash = entry
            intact = content[0] == expected_seq and (digest is None or isinstance(digest, bytes))
            if not intact or not _same(entry_hash, self._chain(prev, tuple(content), digest)):
                problems.append(
                    Problem(
                        f"The audit trail has been altered at entry {content[0]}: entries were "
                        "changed, removed or added outside Keyworker Assistant."
                    )
                )
                return problems
            table, record_id = content[4], content[5]
            if table in latest:
                latest[table][record_id] = digest
            prev, expected_seq = entry_hash, expected_seq + 1
        problems.extend(self._verify_head(expected_seq - 1, prev))
        for table in AUDITED_TABLES:
            problems.extend(self._verify_rows(table, latest[table]))
        return problems

    def _verify_head(self, seq: int, entry_hash: bytes) -> list[Problem]:
        row = self._conn.execute("SELECT value FROM meta WHERE key = ?", (HEAD_KEY,)).fetchone()
        if row is None and seq == 0:
            return []
        try:
            head = json.loads(row[0]) if row else {}
            sealed_ok = hmac.compare_digest(
                str(head.get("seal", "")), self._seal(int(head["seq"]), bytes.fromhex(head["hash"]))
            )
            if sealed_ok and head["seq"] == seq and head["hash"] == entry_hash.hex():
                return []
        except (ValueError, KeyError, TypeError):
            pass
        return [
            Problem(
                "The end of the audit trail does not match its seal: recent entries were "
                "removed or the trail was edited outside Keyworker Assistant."
            )
        ]

    def _verify_rows(self, table: str, latest: dict[str, bytes | None]) -> Iterator[Problem]:
        noun = AUDITED_TABLES[table]
        seen: set[str] = set()
        columns = self._columns[table]
        cursor = self._conn.execute(f"SELECT {', '.join(columns)} FROM {table} ORDER BY rowid")
        for values in cursor:
            row = dict(zip(columns, values, strict=True))
            record_id = record_key(table, row)
            seen.add(record_id)
            expected = latest.get(record_id)
            if expected is None:
                how = "added" if record_id not in latest else "restored after deletion"
                yield Problem(
                    f"{self._name(table, noun, row)} was {how} outside Keyworker Assistant."
                )
            elif not _same(expected, self.digest(table, values)):
                yield Problem(
                    f"{self._name(table, noun, row)} was changed outside Keyworker Assistant."
                )
        for record_id, digest in latest.items():
            if digest is not None and record_id not in seen:
                yield Problem(f"{_a(noun)} ({record_id}) was deleted outside Keyworker Assistant.")

    def _name(self, table: str, noun: str, row: dict[str, object]) -> str:
        if table == "clients":
            return f"Client {row['case_ref']}"
        found = None
        if "client_id" in row:
            found = self._conn.execute(
                "SELECT case_ref FROM clients WHERE id = ?", (row["client_id"],)
            ).fetchone()
        owner = f" of client {found[0]}" if found else ""
        return f"{_a(noun)} ({record_key(table, row)}){owner}"


def record_key(table: str, row: dict[str, object]) -> str:
    """The record id the trail gives a row of `table`."""
    return "/".join(str(row[c]) for c in RECORD_KEYS.get(table, ("id",)))


def _a(noun: str) -> str:
    return f"{'An' if noun[0] in 'aeiou' else 'A'} {noun}"


def _same(stored: object, computed: bytes) -> bool:
    """Stored (possibly tampered with, so of any type) against what it should be."""
    return isinstance(stored, bytes) and hmac.compare_digest(stored, computed)


def field_names(fields: Sequence[str]) -> str:
    """Column names as a JSON list; they are plain identifiers, so quoting is enough."""
    return '["' + '","'.join(fields) + '"]' if fields else "[]"


def _columns(conn: Connection, table: str) -> list[str]:
    return [r[1] for r in conn.execute(f"PRAGMA table_info({table})") if r[1] != "seq"]
