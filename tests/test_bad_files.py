"""Bad input never loses data: each gives one plain line and leaves every file as it was."""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from pathlib import Path

import pytest

from keyworker.cli import main
from keyworker.errors import KeyworkerError
from storage import Caseload, CaseloadPaths, KdfParams, driver
from storage.keyfile import KeyFile
from tests.conftest import PASSPHRASE, folder_bytes, make_client, make_note


@pytest.fixture
def saved(caseload: Caseload) -> CaseloadPaths:
    client = make_client(caseload, "Daniel Price")
    caseload.add_note(make_note(client, "Talked about his tenancy"))
    caseload.close()
    return caseload.paths


def _run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def _assert_one_plain_line(err: str, expected: str) -> None:
    assert err.count("\n") == 1, err
    assert err.startswith("keyworker: ")
    assert expected in err
    assert "Traceback" not in err


def test_wrong_passphrase(saved, capsys, monkeypatch) -> None:
    before = folder_bytes(saved.home)
    monkeypatch.setenv("KEYWORKER_PASSPHRASE", "not the passphrase")
    code, out, err = _run(capsys, "--home", str(saved.home), "clients")
    assert code == 1 and out == ""
    _assert_one_plain_line(err, "That passphrase is not right for this caseload")
    assert folder_bytes(saved.home) == before


def test_truncated_key_file(saved, capsys, env_passphrase) -> None:
    data = saved.key_file.read_bytes()
    saved.key_file.write_bytes(data[: len(data) // 2])
    before = folder_bytes(saved.home)
    code, _, err = _run(capsys, "clients")
    assert code == 1
    _assert_one_plain_line(err, "key file")
    assert "damaged or incomplete" in err
    assert folder_bytes(saved.home) == before


@pytest.mark.parametrize("content", [b"", b"\x00\xff" * 40, b"[]", b'{"format": 3}'])
def test_key_file_with_garbage(saved, capsys, env_passphrase, content: bytes) -> None:
    saved.key_file.write_bytes(content)
    before = folder_bytes(saved.home)
    code, _, err = _run(capsys, "check")
    assert code == 1
    _assert_one_plain_line(err, "damaged or incomplete")
    assert folder_bytes(saved.home) == before


def test_key_file_from_another_caseload(saved, tmp_path, capsys, env_passphrase) -> None:
    other = CaseloadPaths(tmp_path / "other")
    Caseload.create(other, PASSPHRASE, "B", "B", kdf=KdfParams.fast_for_tests()).close()
    shutil.copy(other.key_file, saved.key_file)
    before = folder_bytes(saved.home)
    code, _, err = _run(capsys, "clients")
    assert code == 1
    _assert_one_plain_line(err, "belongs to another caseload")
    assert folder_bytes(saved.home) == before


def test_database_from_a_newer_version(saved, capsys, env_passphrase) -> None:
    key = KeyFile.load(saved.key_file).unwrap(PASSPHRASE)
    raw = driver.connect(saved.database, key)
    raw.execute("PRAGMA user_version = 99")
    raw.close()
    before = folder_bytes(saved.home)
    code, _, err = _run(capsys, "clients")
    assert code == 1
    _assert_one_plain_line(err, "saved by a newer version of Keyworker Assistant")
    assert "Update the app" in err
    assert folder_bytes(saved.home) == before


def test_key_file_from_a_newer_version(saved, capsys, env_passphrase) -> None:
    saved.key_file.write_text(saved.key_file.read_text().replace('"version": 1', '"version": 2'))
    before = folder_bytes(saved.home)
    code, _, err = _run(capsys, "clients")
    assert code == 1
    _assert_one_plain_line(err, "made by a newer version")
    assert folder_bytes(saved.home) == before


def test_missing_database_beside_its_key(saved, capsys, env_passphrase) -> None:
    saved.database.unlink()
    code, _, err = _run(capsys, "clients")
    assert code == 1
    _assert_one_plain_line(err, "is missing; only its key file is there")


def test_altered_kdf_cost_in_key_file_is_refused_not_weakened(saved, capsys, env_passphrase):
    text = saved.key_file.read_text().replace('"iterations": 1', '"iterations": 2')
    saved.key_file.write_text(text)
    code, _, err = _run(capsys, "clients")
    assert code == 1
    _assert_one_plain_line(err, "passphrase is not right")


def test_damaged_database(saved, capsys, env_passphrase) -> None:
    data = bytearray(saved.database.read_bytes())
    data[5000:5100] = bytes(100)
    saved.database.write_bytes(bytes(data))
    before = folder_bytes(saved.home)
    code, out, err = _run(capsys, "check")
    assert code == 1
    assert "Traceback" not in out + err
    assert folder_bytes(saved.home) == before


def test_damaged_database_says_so(saved, capsys, env_passphrase) -> None:
    data = bytearray(saved.database.read_bytes())
    data[5000:5100] = bytes(100)
    saved.database.write_bytes(bytes(data))
    code, _, err = _run(capsys, "clients")
    assert code == 1
    _assert_one_plain_line(err, "The caseload database is damaged")


@contextlib.contextmanager
def _as_ordinary_user(*owned: Path):
    """Root can write to any folder whatever its permissions, so drop to `nobody`."""
    if os.geteuid() != 0:
        yield
        return
    nobody = 65534
    for path in owned:
        os.chown(path, nobody, nobody)
    os.setegid(nobody)
    os.seteuid(nobody)
    try:
        yield
    finally:
        os.seteuid(0)
        os.setegid(0)


def test_read_only_data_folder(saved, capsys, monkeypatch) -> None:
    outer = Path(tempfile.mkdtemp())
    home = outer / "caseload"
    shutil.copytree(saved.home, home)
    os.chmod(outer, 0o755)
    monkeypatch.setenv("KEYWORKER_PASSPHRASE", PASSPHRASE)
    try:
        with _as_ordinary_user(home, *home.iterdir()):
            os.chmod(home, 0o500)
            before = folder_bytes(home)
            code, _, err = _run(capsys, "--home", str(home), "clients")
            after = folder_bytes(home)
            os.chmod(home, 0o700)
        assert code == 1
        _assert_one_plain_line(err, "Cannot save to the caseload folder")
        assert "read-only" in err
        assert after == before
    finally:
        shutil.rmtree(outer)


def test_no_caseload_yet(tmp_path, capsys, monkeypatch) -> None:
    monkeypatch.setenv("KEYWORKER_PASSPHRASE", "x")
    code, _, err = _run(capsys, "--home", str(tmp_path / "none"), "clients")
    assert code == 1
    _assert_one_plain_line(err, "There is no caseload in")
    assert not (tmp_path / "none").exists()


def test_full_disk_saves_nothing_and_says_so(caseload: Caseload) -> None:
    client = make_client(caseload)
    # SQLite reports a database that may not grow exactly as it reports a full disk.
    pages = caseload._conn.execute("PRAGMA page_count").fetchone()[0]
    caseload._conn.execute(f"PRAGMA max_page_count = {pages + 2}")
    notes = [make_note(client, "A long note about housing. " * 200) for _ in range(50)]
    with pytest.raises(KeyworkerError, match="The disk is full, so the change was not saved"):
        for note in notes:
            caseload.add_note(note)
    caseload._conn.execute("PRAGMA max_page_count = 1073741823")
    saved = caseload.record(client.id).notes
    assert all(n.text.startswith("A long note") for n in saved)
    assert len(saved) < len(notes)
    assert caseload.check() == []
