"""Changes made behind the app's back are found by `check` and named."""

from __future__ import annotations

import pytest

from keyworker.cli import main
from storage import Caseload, driver
from storage.keyfile import KeyFile
from tests.conftest import PASSPHRASE, make_client, make_flag, make_note
from tests.test_assessment_storage import WORDS, complete_one


def _raw_connection(caseload: Caseload):
    """A connection as someone with the passphrase and a SQLCipher tool would have."""
    key = KeyFile.load(caseload.paths.key_file).unwrap(PASSPHRASE)
    return driver.connect(caseload.paths.database, key)


@pytest.fixture
def filled(caseload: Caseload):
    client = make_client(caseload, "Daniel Price", status="active")
    caseload.add_note(make_note(client, "Housing appointment kept"))
    caseload.add_flag(make_flag(client))
    assert caseload.check() == []
    caseload.close()
    return caseload, client


def _check(capsys, env_passphrase) -> tuple[int, str]:
    code = main(["check"])
    out = capsys.readouterr()
    return code, out.out + out.err


def test_sound_caseload_passes_check(filled, capsys, env_passphrase) -> None:
    code, output = _check(capsys, env_passphrase)
    assert code == 0
    assert "All is well: 1 clients, 1 case notes" in output


def test_a_row_changed_outside_the_app_is_named(filled, capsys, env_passphrase) -> None:
    caseload, client = filled
    with _raw_connection(caseload) as raw:
        raw.execute("UPDATE clients SET legal_name = 'Someone Else'")
    code, output = _check(capsys, env_passphrase)
    assert code == 1
    assert f"Client {client.case_ref} was changed outside Keyworker Assistant." in output
    assert "Someone Else" not in output


def test_a_note_deleted_outside_the_app_is_found(filled, capsys, env_passphrase) -> None:
    caseload, _ = filled
    with _raw_connection(caseload) as raw:
        raw.execute("DELETE FROM case_notes")
    code, output = _check(capsys, env_passphrase)
    assert code == 1
    assert "A case note" in output and "was deleted outside Keyworker Assistant" in output


def test_a_row_added_outside_the_app_is_found(filled, capsys, env_passphrase) -> None:
    caseload, client = filled
    with _raw_connection(caseload) as raw:
        raw.execute(
            "INSERT INTO risk_flags (id, client_id, kind, level, raised_on, review_date) "
            "VALUES ('x1', ?, 'other', 'low', '2026-01-01', '2026-02-01')",
            (str(client.id),),
        )
    code, output = _check(capsys, env_passphrase)
    assert code == 1
    assert f"A risk flag (x1) of client {client.case_ref} was added outside" in output


def test_an_altered_audit_entry_breaks_the_chain(filled, capsys, env_passphrase) -> None:
    caseload, _ = filled
    with _raw_connection(caseload) as raw:
        raw.execute("UPDATE audit SET worker = 'Somebody' WHERE seq = 2")
    code, output = _check(capsys, env_passphrase)
    assert code == 1
    assert "audit trail has been altered at entry 2" in output


def test_audit_entries_cut_from_the_end_are_found(filled, capsys, env_passphrase) -> None:
    caseload, _ = filled
    with _raw_connection(caseload) as raw:
        last = raw.execute("SELECT max(seq) FROM audit").fetchone()[0]
        raw.execute("DELETE FROM audit WHERE seq = ?", (last,))
        raw.execute("DELETE FROM risk_flags")
    code, output = _check(capsys, env_passphrase)
    assert code == 1
    assert "end of the audit trail does not match its seal" in output


def test_app_keeps_working_and_chaining_after_a_check(filled) -> None:
    caseload, client = filled
    with Caseload.open(caseload.paths, PASSPHRASE) as reopened:
        reopened.add_note(make_note(client, "Another visit"))
        assert reopened.check() == []


def test_an_audit_hash_replaced_with_text_is_found(filled, capsys, env_passphrase) -> None:
    caseload, _ = filled
    with _raw_connection(caseload) as raw:
        raw.execute("UPDATE audit SET hash = 'abc', row_digest = 'x' WHERE seq = 1")
    code, output = _check(capsys, env_passphrase)
    assert code == 1
    assert "audit trail has been altered at entry 1" in output


@pytest.fixture
def assessed(caseload: Caseload):
    client = make_client(caseload, "Daniel Price", status="active")
    done = complete_one(caseload, client, None, tonight="nowhere")
    assert caseload.check() == []
    caseload.close()
    return caseload, client, done


def test_an_assessment_changed_outside_the_app_is_named_without_its_answers(
    assessed, capsys, env_passphrase
) -> None:
    caseload, client, done = assessed
    with _raw_connection(caseload) as raw:
        raw.execute("UPDATE assessments SET body = replace(body, 'nowhere', 'own_home')")
    code, output = _check(capsys, env_passphrase)
    assert code == 1
    assert (
        f"An assessment ({done.id}) of client {client.case_ref} was changed outside "
        "Keyworker Assistant." in output
    )
    # Its council answer is now one the template hides, so it no longer fits.
    assert f"of client {client.case_ref} does not fit its template ('mini' version 1)" in output
    for value in (WORDS, "own_home", "nowhere", "Daniel"):
        assert value not in output


def test_an_assessments_columns_changed_apart_from_its_body_are_found(
    assessed, capsys, env_passphrase
) -> None:
    caseload, client, done = assessed
    with _raw_connection(caseload) as raw:
        raw.execute("UPDATE assessments SET next_review = '2026-12-01'")
    code, output = _check(capsys, env_passphrase)
    assert code == 1
    assert (
        f"An assessment ({done.id}) of client {client.case_ref} is damaged: the columns "
        "beside its saved content do not agree with it." in output
    )


def test_an_assessment_added_or_deleted_outside_the_app_is_found(
    assessed, capsys, env_passphrase
) -> None:
    caseload, client, done = assessed
    with _raw_connection(caseload) as raw:
        raw.execute(
            "INSERT INTO assessments (id, client_id, template_id, template_version, kind,"
            " status, assessed_on, started_at, body)"
            " SELECT 'x1', client_id, template_id, template_version, kind, 'draft',"
            " assessed_on, started_at, 'not an assessment' FROM assessments"
        )
        raw.execute("DELETE FROM assessments WHERE id = ?", (str(done.id),))
    code, output = _check(capsys, env_passphrase)
    assert code == 1
    assert f"An assessment (x1) of client {client.case_ref} was added outside" in output
    assert "An assessment (x1) of client" in output and "cannot be read as an assessment" in output
    assert f"An assessment ({done.id}) was deleted outside Keyworker Assistant." in output


def test_a_kept_template_changed_or_removed_outside_the_app_is_found(
    assessed, capsys, env_passphrase
) -> None:
    caseload, client, done = assessed
    with _raw_connection(caseload) as raw:
        raw.execute("UPDATE assessment_templates SET body = replace(body, 'Mini', 'Maxi')")
    code, output = _check(capsys, env_passphrase)
    assert code == 1
    assert "An assessment template (mini/1) was changed outside Keyworker Assistant." in output

    with _raw_connection(caseload) as raw:
        raw.execute("PRAGMA foreign_keys = OFF")
        raw.execute("DELETE FROM assessment_templates")
    code, output = _check(capsys, env_passphrase)
    assert code == 1
    assert "An assessment template (mini/1) was deleted outside Keyworker Assistant." in output
    assert "A row in assessments points at a missing row in assessment_templates." in output
    assert (
        f"An assessment ({done.id}) of client {client.case_ref} was made with a template "
        "that is not kept ('mini' version 1)." in output
    )


def test_a_kept_template_that_no_longer_reads_is_named_once(
    assessed, capsys, env_passphrase
) -> None:
    caseload, _, _ = assessed
    with _raw_connection(caseload) as raw:
        raw.execute("UPDATE assessment_templates SET body = '{}'")
    code, output = _check(capsys, env_passphrase)
    assert code == 1
    assert output.count("'mini' version 1") == 1
    assert (
        "The kept assessment template 'mini' version 1 is damaged: it cannot be read as that "
        "template." in output
    )
