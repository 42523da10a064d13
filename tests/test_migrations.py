"""Schema migrations: from an empty database and from every earlier version."""

from __future__ import annotations

import os

import pytest

from storage import driver, migrations
from storage.files import create_private_file


def _schema(conn) -> set[tuple[str, str]]:
    return {
        (name, sql)
        for name, sql in conn.execute("SELECT name, sql FROM sqlite_master WHERE sql IS NOT NULL")
    }


@pytest.fixture
def new_db(tmp_path):
    def make(name: str):
        path = tmp_path / name
        create_private_file(path)
        return driver.connect(path, os.urandom(32))

    return make


def test_empty_database_migrates_to_latest(new_db) -> None:
    conn = new_db("empty.db")
    assert migrations.schema_version(conn) == 0
    assert migrations.migrate(conn) == list(range(1, migrations.LATEST + 1))
    assert migrations.schema_version(conn) == migrations.LATEST
    assert migrations.migrate(conn) == []


@pytest.mark.parametrize("start", range(migrations.LATEST))
def test_every_earlier_version_migrates_to_the_same_schema(new_db, start: int) -> None:
    fresh = new_db("fresh.db")
    migrations.migrate(fresh)
    old = new_db(f"v{start}.db")
    migrations.migrate(old, target=start)
    assert migrations.migrate(old) == list(range(start + 1, migrations.LATEST + 1))
    assert _schema(old) == _schema(fresh)


def test_a_failing_migration_leaves_the_previous_version_intact(new_db, monkeypatch) -> None:
    conn = new_db("broken.db")
    migrations.migrate(conn)
    broken = "CREATE TABLE half_done (x); INSERT INTO no_such_table VALUES (1);"
    monkeypatch.setattr(migrations, "MIGRATIONS", [*migrations.MIGRATIONS, broken])
    with pytest.raises(driver.OperationalError):
        migrations.migrate(conn, target=migrations.LATEST + 1)
    assert migrations.schema_version(conn) == migrations.LATEST
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
    assert "half_done" not in tables
