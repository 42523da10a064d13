"""`keyworker assessment export`: the latest completed assessment written as a document."""

from __future__ import annotations

import os
import stat
from datetime import date
from pathlib import Path

import pytest

from keyworker.assessment_text import NOT_ENCRYPTED_WARNING
from keyworker.assessments import Ratings, SectionAnswers, start_review
from keyworker.cli import main
from keyworker.models import Client
from storage import Caseload, exports
from tests.conftest import make_client
from tests.test_assessment_text import AT, SKIP_REASON, TEMPLATE, TITLE, draft


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def file_name(client: Client, on: str = "2026-11-22") -> str:
    return f"{client.case_ref}-assessment-{on}.md"


@pytest.fixture
def assessed(caseload: Caseload, env_passphrase: None) -> Client:
    """Daniel Price with one completed initial assessment; the caseload closed."""
    client = make_client(caseload, "Daniel Price", preferred_name="Dan")
    saved = caseload.start_assessment(draft(client=client), TEMPLATE)
    caseload.complete_assessment(saved.id, AT, date(2027, 2, 22))
    caseload.close()
    return client


@pytest.fixture
def out_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "exports"
    folder.mkdir()
    return folder


def test_export_writes_the_document_into_a_folder(
    assessed: Client, out_folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "assessment", "export", assessed.case_ref, "--to", str(out_folder))

    target = out_folder / file_name(assessed)
    assert code == 0
    assert list(out_folder.iterdir()) == [target]
    text = target.read_text(encoding="utf-8")
    assert text.startswith(f"# {TITLE} for Daniel Price\n")
    assert "- **Next review:** 22/02/2027" in text
    assert f"Skipped: {SKIP_REASON}" in text
    assert out.strip() == (
        f"Wrote the assessment of 22/11/2026 for {assessed.case_ref} to {target}"
    )
    assert err.strip() == f"Warning: {NOT_ENCRYPTED_WARNING}"
    if os.name == "posix":
        assert stat.S_IMODE(target.stat().st_mode) == 0o600


def test_export_writes_to_a_file_name_given(
    assessed: Client, out_folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = out_folder / "for-housing-referral.md"

    code, _, _ = run(capsys, "assessment", "export", assessed.case_ref.lower(), "--to", str(target))

    assert code == 0
    assert target.read_text(encoding="utf-8").startswith(f"# {TITLE} for Daniel Price")


def test_export_goes_to_the_documents_folder_by_default(
    assessed: Client,
    out_folder: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(exports.platformdirs, "user_documents_dir", lambda: str(out_folder))

    code, out, _ = run(capsys, "assessment", "export", assessed.case_ref)

    assert code == 0
    assert (out_folder / file_name(assessed)).is_file()
    assert str(out_folder / file_name(assessed)) in out


def test_export_never_overwrites_unless_asked(
    assessed: Client, out_folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = out_folder / file_name(assessed)
    target.write_text("someone else's file", encoding="utf-8")

    code, out, err = run(capsys, "assessment", "export", assessed.case_ref, "--to", str(out_folder))

    assert code == 1 and out == ""
    assert err == (
        f"keyworker: There is already a file {target}. Nothing was written: add --replace to "
        "replace it, or choose another name with --to.\n"
    )
    assert target.read_text(encoding="utf-8") == "someone else's file"
    assert list(out_folder.iterdir()) == [target]

    code, _, err = run(
        capsys, "assessment", "export", assessed.case_ref, "--to", str(out_folder), "--replace"
    )
    assert code == 0 and NOT_ENCRYPTED_WARNING in err
    assert target.read_text(encoding="utf-8").startswith(f"# {TITLE}")


def test_a_missing_folder_is_one_plain_line(
    assessed: Client, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "not made"

    code, out, err = run(
        capsys, "assessment", "export", assessed.case_ref, "--to", f"{missing}{os.sep}"
    )

    assert code == 1 and out == ""
    assert err == f"keyworker: There is no folder {missing}. Nothing was written.\n"
    assert not missing.exists()


def test_no_completed_assessment_is_one_plain_line(
    caseload: Caseload,
    env_passphrase: None,
    out_folder: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    client = make_client(caseload, "Ann Okafor")
    caseload.start_assessment(draft(client=client), TEMPLATE)  # a draft does not count
    caseload.close()

    code, out, err = run(capsys, "assessment", "export", client.case_ref, "--to", str(out_folder))

    assert code == 1 and out == ""
    assert err == f"keyworker: {client.case_ref} has no completed assessment to export.\n"
    assert list(out_folder.iterdir()) == []


def test_an_unknown_case_reference_writes_nothing(
    assessed: Client, out_folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(capsys, "assessment", "export", "KW-22222", "--to", str(out_folder))

    assert code == 1 and "There is no client KW-22222" in err
    assert list(out_folder.iterdir()) == []


def test_a_review_is_exported_with_what_changed(
    caseload: Caseload,
    env_passphrase: None,
    out_folder: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    client = make_client(caseload, "Daniel Price")
    first = caseload.start_assessment(draft(client=client), TEMPLATE)
    first = caseload.complete_assessment(first.id, AT, date(2027, 2, 22))
    review = start_review(first, TEMPLATE, date(2027, 2, 22), AT)
    housed = SectionAnswers(
        answers={"tonight": "own_tenancy", "settled": True}, ratings=Ratings(need_level="low")
    )
    review = review.model_copy(update={"sections": first.sections | {"accommodation": housed}})
    saved = caseload.start_assessment(review, TEMPLATE)
    caseload.complete_assessment(saved.id, AT, None)
    caseload.close()

    code, _, _ = run(capsys, "assessment", "export", client.case_ref, "--to", str(out_folder))

    assert code == 0
    text = (out_folder / file_name(client, "2027-02-22")).read_text(encoding="utf-8")
    assert "- **Kind:** Review" in text
    assert "## What changed since 22/11/2026\n\n### Accommodation\n\n" in text
    assert "- **Need level:** High → Low" in text


def test_a_correction_is_exported_in_place_of_the_original(
    caseload: Caseload,
    env_passphrase: None,
    out_folder: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    client = make_client(caseload, "Daniel Price")
    first = caseload.start_assessment(draft(client=client), TEMPLATE)
    first = caseload.complete_assessment(first.id, AT, None)
    caseload.correct_assessment(first.id, first, "Wrong person's *notes*", AT)
    caseload.close()

    code, _, _ = run(capsys, "assessment", "export", client.case_ref, "--to", str(out_folder))

    assert code == 0
    [written] = out_folder.iterdir()
    assert written.name == f"{client.case_ref}-assessment-2026-11-22-corrected.md"
    assert "because:  \nWrong person's \\*notes\\*" in written.read_text(encoding="utf-8")
