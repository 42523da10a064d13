"""Nothing personal can be read from the files on disk, and a killed write loses nothing."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
import textwrap
from datetime import date
from pathlib import Path

import pytest

from keyworker import demo
from keyworker.cli import main
from keyworker.demo_plans import DEMO_AGENCIES
from keyworker.templates import builtin_template
from storage import Caseload, CaseloadPaths, KdfParams
from tests.conftest import PASSPHRASE

TODAY = date(2026, 11, 22)


def test_no_name_or_note_text_in_the_raw_files(paths: CaseloadPaths) -> None:
    records = list(demo.generate(30, seed=5, today=TODAY, notes_per_client=20, assessments=True))
    with Caseload.create(paths, PASSPHRASE, "W", "S", kdf=KdfParams.fast_for_tests()) as open_:
        open_.keep_template(builtin_template())
        open_.import_agencies(DEMO_AGENCIES)
        open_.add_records(records)
        # While open, recent pages sit in the write-ahead log: read it too.
        files = {p.name: p.read_bytes() for p in paths.home.iterdir()}
    assert {"caseload.db", "caseload.db-wal", "caseload.key"} <= files.keys()
    secrets = set()
    for record in records:
        secrets |= {record.client.legal_name, *record.client.legal_name.split()}
        secrets |= {n.text[:40] for n in record.notes}
        secrets |= {m.name for m in record.family}
        for assessment in record.assessments:
            for own in assessment.sections.values():
                secrets |= {a[:40] for a in own.answers.values() if isinstance(a, str)}
                if own.ratings is not None:
                    secrets |= {own.ratings.strengths[:40], own.ratings.notes[:40]}
        for plan in record.plans:
            secrets |= {g.words[:40] for g in plan.goals}
            secrets |= {s.what[:40] for g in plan.goals for s in g.steps}
        secrets |= {r.outcome[:40] for r in record.referrals}
        secrets |= {s.information[:40] for s in record.signposts}
    secrets = {s for s in secrets if len(s) >= 6}
    assert len(secrets) > 100
    for name, data in files.items():
        for secret in secrets:
            assert secret.encode() not in data, f"{secret!r} readable in {name}"
            assert secret.lower().encode() not in data.lower(), f"{secret!r} readable in {name}"


def test_the_standard_sqlite3_cannot_read_the_database(paths: CaseloadPaths) -> None:
    Caseload.create(paths, PASSPHRASE, "W", "S", kdf=KdfParams.fast_for_tests()).close()
    with pytest.raises(sqlite3.DatabaseError, match="not a database"):
        sqlite3.connect(paths.database).execute("SELECT * FROM sqlite_master").fetchall()


WRITER = textwrap.dedent(
    """
    import sys
    from datetime import date
    from pathlib import Path
    from keyworker import demo
    from storage import Caseload, CaseloadPaths

    caseload = Caseload.open(CaseloadPaths(Path(sys.argv[1])), sys.argv[2])
    records = demo.generate(400, seed=9, today=date(2026, 11, 22), notes_per_client=40)

    def progress(done):
        if done == 100:
            print("writing", flush=True)

    caseload.add_records(records, progress=progress)
    print("finished", flush=True)
    """
)


def test_a_write_killed_halfway_leaves_all_or_nothing(
    paths: CaseloadPaths, capsys, monkeypatch
) -> None:
    with Caseload.create(paths, PASSPHRASE, "W", "S", kdf=KdfParams.fast_for_tests()) as c:
        c.add_records(demo.generate(5, seed=1, today=TODAY, notes_per_client=5))
    child = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(paths.home), PASSPHRASE],
        stdout=subprocess.PIPE,
        text=True,
        cwd=Path(__file__).parent.parent,
    )
    assert child.stdout is not None
    assert child.stdout.readline().strip() == "writing"
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=30)
    assert child.returncode == -signal.SIGKILL
    assert "finished" not in child.stdout.read()

    with Caseload.open(paths, PASSPHRASE) as reopened:
        assert len(reopened.clients()) in (5, 405)
        assert reopened.check() == []
    monkeypatch.setenv("KEYWORKER_PASSPHRASE", PASSPHRASE)
    assert main(["--home", str(paths.home), "check"]) == 0
    assert "All is well" in capsys.readouterr().out
