"""Open SQLCipher connections the one safe way.

sqlite-utils looks for `pysqlite3` before the standard library's sqlite3; registering
sqlcipher3 under that name, here before anything can import sqlite-utils, makes it use
the encrypting driver throughout (otherwise `drop(ignore=True)` and `INSERT ... RETURNING`
misbehave on keyed connections). sqlite-utils itself is imported only when `database()`
is first called: it brings click and pluggy, a twentieth of a second of every start-up.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import sqlcipher3

if TYPE_CHECKING:
    import sqlite_utils

sys.modules.setdefault("pysqlite3", sqlcipher3)

DatabaseError = sqlcipher3.DatabaseError
OperationalError = sqlcipher3.OperationalError
IntegrityError = sqlcipher3.IntegrityError
Connection = sqlcipher3.Connection


def connect(path: Path, key: bytes) -> sqlcipher3.Connection:
    """A keyed connection in autocommit mode; callers open transactions explicitly.

    Raises DatabaseError ("file is not a database") when the key does not fit.
    """
    conn = sqlcipher3.connect(str(path), isolation_level=None, check_same_thread=False)
    try:
        # Before anything else, or SQLCipher prints its errors straight onto the terminal.
        conn.execute("PRAGMA cipher_log_level = NONE")
        # PRAGMA key cannot take a bound parameter; the key is hex from our own bytes.
        conn.execute(f"PRAGMA key = \"x'{key.hex()}'\"")
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        # Sorts and temporary indexes stay in memory, never in an unencrypted temp file.
        conn.execute("PRAGMA temp_store = MEMORY")
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA busy_timeout = 5000")
        # 64 MiB of page cache: a large batch stays in memory until it commits.
        conn.execute("PRAGMA cache_size = -65536")
    except BaseException:
        conn.close()
        raise
    return conn


def enable_wal(conn: sqlcipher3.Connection) -> None:
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = NORMAL")


def database(conn: sqlcipher3.Connection) -> sqlite_utils.Database:
    import sqlite_utils
    import sqlite_utils.db

    if sqlite_utils.db.sqlite3 is not sqlcipher3:  # pragma: no cover - import-order bug
        raise RuntimeError("sqlite-utils was imported before storage.driver; it would not encrypt")
    return sqlite_utils.Database(conn)
