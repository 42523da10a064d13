"""An assessment as a document (Markdown), its file name, and writing it where chosen."""

from __future__ import annotations

import errno
import os
import stat
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from keyworker.assessment_text import (
    NOT_ENCRYPTED_WARNING,
    assessment_document,
    export_file_name,
)
from keyworker.assessments import Assessment, Ratings, SectionAnswers, completed, start_review
from keyworker.dates import uk_datetime
from keyworker.errors import ExportFailed, KeyworkerError
from keyworker.models import Client
from keyworker.templates import Template
from storage import exports
from storage.exports import default_export_folder, write_export
from storage.templates import BUILT_IN_ID, load_library
from tests.conftest import NOW

TEMPLATE: Template = load_library(None).templates[BUILT_IN_ID]
TITLE = "Needs assessment: reducing reoffending pathways"
CLIENT = Client(case_ref="KW-7F3Q2", legal_name="Daniel Price", preferred_name="Dan")
TODAY = NOW.date()
AT = NOW + timedelta(hours=1)
SPECIALIST = ["domestic_sexual_abuse", "sex_work"]
ASKED = ("accommodation", "education_skills_work")
SKIP_REASON = "Not today: Dan wanted to talk about housing first"


def accommodation(tonight: str = "family_friends", **extra: object) -> SectionAnswers:
    answers = {"tonight": tonight, **extra}
    if tonight == "family_friends":
        answers.setdefault("settled", False)
    return SectionAnswers(
        answers=answers,
        ratings=Ratings(
            need_level="high",
            immediate_need=True,
            own_rating=3,
            motivation="making_changes",
            notes="Cousin's sofa until Friday",
        ),
    )


def work() -> SectionAnswers:
    return SectionAnswers(
        answers={"work_now": "looking", "work_wanted": "Forklift driving"},
        ratings=Ratings(need_level="low"),
    )


def draft(
    switched_off: list[str] = SPECIALIST, client: Client = CLIENT, **sections: SectionAnswers
) -> Assessment:
    """A draft with the sections given; every other section asked is skipped."""
    answered = {"accommodation": accommodation(), "education_skills_work": work(), **sections}
    for section in TEMPLATE.sections_for(frozenset(switched_off)):
        answered.setdefault(section.id, SectionAnswers(skipped=SKIP_REASON))
    return Assessment(
        client_id=client.id,
        template_id=TEMPLATE.id,
        template_version=TEMPLATE.version,
        assessed_on=TODAY,
        started_at=NOW,
        assessor="Sam Keyworker",
        sections=answered,
        switched_off=switched_off,
    )


def done(assessment: Assessment | None = None, next_review: date | None = None) -> Assessment:
    assessment = assessment or draft()
    return completed(TEMPLATE, assessment.model_copy(update={"next_review": next_review}), AT)


def document(assessment: Assessment, **kwargs: Assessment) -> str:
    return assessment_document(assessment, TEMPLATE, CLIENT, **kwargs)


def blocks(markdown: str) -> list[str]:
    return markdown.split("\n\n")


# The document ------------------------------------------------------------------------


def test_an_initial_assessment_reads_as_a_document() -> None:
    text = document(done(next_review=date(2027, 2, 22)))

    assert text.startswith(f"# {TITLE} for Daniel Price\n\n")
    assert blocks(text)[1].splitlines() == [
        "- **Case reference:** KW-7F3Q2",
        "- **Known as:** Dan",
        "- **Date assessed:** 22/11/2026",
        "- **Kind:** Initial assessment",
        "- **Assessor:** Sam Keyworker",
        f"- **Completed:** {uk_datetime(AT)}",
        f"- **Template:** {TITLE}, version 1",
        "- **Next review:** 22/02/2027",
    ]
    assert "## Accommodation\n\n**Where will you sleep tonight?**  \nWith family or friends" in text
    assert "**Is it somewhere you can stay for the next few months?**  \nNo" in text
    assert "**Has anyone made a housing referral to the council for you?**  \nNot answered" in text
    assert "**What kind of work would you like to do?**  \nForklift driving" in text
    ratings = text.split("## Accommodation")[1].split("## Education")[0]
    assert "### Ratings" in ratings
    for shown in (
        "**Need level**  \nHigh",
        "**Immediate need**  \nYes",
        "**Own rating**  \n3 out of 10",
        "**Motivation to change**  \nIs making changes",
        "**Strengths**  \nNot answered",
        "**Notes**  \nCousin's sofa until Friday",
    ):
        assert shown in ratings
    assert "What changed" not in text and "Corrects" not in text
    assert text.endswith("\n") and not text.endswith("\n\n")


def test_no_next_review_and_no_preferred_name_leave_their_lines_out() -> None:
    plain = Client(case_ref="KW-7F3Q2", legal_name="Ann Okafor")

    text = assessment_document(done(draft(client=plain)), TEMPLATE, plain)

    assert text.startswith(f"# {TITLE} for Ann Okafor\n")
    assert "Known as" not in text and "Next review" not in text


def test_a_skipped_section_gives_its_reason_and_no_questions() -> None:
    text = document(done())

    health = text.split("## Health (physical and mental health)\n\n")[1].split("\n\n## ")[0]
    assert health == f"Skipped: {SKIP_REASON}"
    assert "Are you registered with a GP?" not in text


def test_questions_hidden_by_an_earlier_answer_are_left_out() -> None:
    text = document(done(draft(accommodation=accommodation("nowhere_yet"))))

    assert "**Where will you sleep tonight?**  \nNowhere yet" in text
    assert "Is it somewhere you can stay" not in text
    assert "could mean you lose it" not in text
    assert "Has anyone made a housing referral" in text  # never conditional


def test_follow_up_questions_shown_when_their_condition_is_met() -> None:
    details = "Notice to leave by 1 December"
    section = accommodation(at_risk=True, at_risk_details=details)

    text = document(done(draft(accommodation=section)))

    assert f"**What is happening, and is there a date you have to leave by?**  \n{details}" in text


def test_specialist_sections_switched_off_are_left_out() -> None:
    off = document(done())
    on = document(done(draft(switched_off=[])))

    for title in ("Domestic and sexual abuse", "Sex work"):
        assert f"## {title}" not in off
        assert f"## {title}\n\nSkipped: {SKIP_REASON}" in on


def test_a_review_lists_what_changed_since_the_previous_assessment() -> None:
    first = done()
    review = start_review(first, TEMPLATE, date(2027, 2, 22), AT)
    housed = SectionAnswers(
        answers={"tonight": "own_tenancy", "settled": True},
        ratings=Ratings(need_level="low", own_rating=7, motivation="making_changes"),
    )
    sections = review.sections | {"accommodation": housed}
    sections |= {s: SectionAnswers(skipped=SKIP_REASON) for s in first.sections if s not in ASKED}
    later = done(review.model_copy(update={"sections": sections}))

    text = document(later, previous=first)

    assert "- **Kind:** Review" in text
    changed = text.split("## What changed since 22/11/2026\n\n")[1]
    assert changed.startswith("### Accommodation\n\n")
    assert changed.splitlines()[2:] == [
        "- **Where will you sleep tonight?** With family or friends → My own home or tenancy",
        "- **Is it somewhere you can stay for the next few months?** No → Yes",
        "- **Need level:** High → Low",
        "- **Immediate need:** Yes → No",
        "- **Own rating:** 3 out of 10 → 7 out of 10",
        "- **Notes:** Cousin's sofa until Friday → Not answered",
    ]


def test_a_review_with_nothing_changed_says_so() -> None:
    first = done()
    same = done(
        start_review(first, TEMPLATE, date(2027, 2, 22), AT).model_copy(
            update={"sections": first.sections}
        )
    )

    assert document(same, previous=first).endswith(
        "## What changed since 22/11/2026\n\nNothing changed.\n"
    )


def test_a_skipped_section_and_long_text_changes_are_worded() -> None:
    first = done()
    review = start_review(first, TEMPLATE, date(2027, 2, 22), AT)
    notes = Ratings(need_level="high", notes="Moved in.\nKeys on Monday")
    sections = review.sections | {
        "accommodation": SectionAnswers(skipped="Ran out of time"),
        "education_skills_work": work().model_copy(update={"ratings": notes}),
    }
    sections |= {s: SectionAnswers(skipped=SKIP_REASON) for s in first.sections if s not in ASKED}

    text = document(done(review.model_copy(update={"sections": sections})), previous=first)

    assert "- **Skipped:** No → Yes: Ran out of time" in text
    assert "- **Notes:** Not answered  \n  → Moved in.  \n  Keys on Monday" in text


def test_a_correction_says_what_it_corrects_and_why() -> None:
    original = done()
    reason = "Wrong answer about tonight: he is at his cousin's"
    correction = original.model_copy(
        update={"corrects": original.id, "correction_reason": reason, "completed_at": AT}
    )

    text = document(correction, corrected=original)
    unknown = document(correction)

    assert f"Corrects the assessment completed on {uk_datetime(AT)}, because:  \n" in text
    assert text.split("because:  \n")[1].startswith("Wrong answer about tonight: he is at his")
    assert "Corrects an earlier assessment, because:" in unknown


# Markdown escaping -------------------------------------------------------------------

NASTY = (
    "# Not a heading\n* not a list | not a table\n<script>x</script>\n1. not numbered\n"
    "===\n    four spaces, not code\nTom &amp; Jerry &#35;1 [link](x) `code` _em_ ~~gone~~"
)
ALLOWED_BLOCKS = {
    "heading_open",
    "heading_close",
    "paragraph_open",
    "paragraph_close",
    "bullet_list_open",
    "bullet_list_close",
    "list_item_open",
    "list_item_close",
    "inline",
}
ALLOWED_INLINE = {"text", "softbreak", "hardbreak", "strong_open", "strong_close"}
PARSER = MarkdownIt("commonmark").enable("table").enable("strikethrough")


def typed_everywhere(words: str, assessor: str = "Sam Keyworker") -> Assessment:
    """A completed assessment with `words` wherever a person types freely."""
    section = accommodation("family_friends", at_risk=True, at_risk_details=words).model_copy(
        update={"ratings": Ratings(need_level="high", notes=words, strengths=words)}
    )
    base = draft(accommodation=section, health=SectionAnswers(skipped=words))
    return base.model_copy(update={"status": "completed", "completed_at": AT, "assessor": assessor})


def structure(markdown: str) -> tuple[list[tuple[str, str]], int, int]:
    """Headings (level and text), bullet lists and bold runs: what typing must not add."""
    tokens = PARSER.parse(markdown)
    headings = [
        (t.tag, tokens[i + 1].content) for i, t in enumerate(tokens) if t.type == "heading_open"
    ]
    lists = sum(t.type == "bullet_list_open" for t in tokens)
    bold = sum(
        c.type == "strong_open" for t in tokens if t.type == "inline" for c in t.children or []
    )
    return headings, lists, bold


def rendered_text(markdown: str) -> str:
    """The words a reader sees: text as shown, line breaks kept, blocks a blank line apart."""
    shown = []
    for token in PARSER.parse(markdown):
        if token.type != "inline":
            continue
        words = {"hardbreak": "\n", "softbreak": " "}
        shown.append("".join(words.get(c.type, c.content) for c in token.children or []))
    return "\n\n".join(shown)


def as_read(words: str) -> str:
    """Typed words as a reader should see them: each line trimmed, blank lines merged."""
    paragraphs = [p for p in "\n".join(line.strip() for line in words.splitlines()).split("\n\n")]
    return "\n\n".join(p.strip("\n") for p in paragraphs if p.strip())


def test_typed_markdown_is_shown_as_typed() -> None:
    text = document(typed_everywhere(NASTY, assessor="*Sam* <b>|"))

    assert structure(text) == structure(document(typed_everywhere("plain words")))
    tokens = PARSER.parse(text)
    assert {t.type for t in tokens} <= ALLOWED_BLOCKS
    assert {c.type for t in tokens if t.type == "inline" for c in t.children or []} <= (
        ALLOWED_INLINE
    )
    shown = rendered_text(text)
    assert as_read(NASTY) in shown
    assert "Assessor: *Sam* <b>|" in shown
    assert "\\# Not a heading  \n\\* not a list \\| not a table  \n\\<script\\>" in text


def test_long_text_keeps_its_line_breaks() -> None:
    words = "First line\nsecond line\n\nA new paragraph"

    shown = rendered_text(document(typed_everywhere(words)))

    assert "First line\nsecond line\n\nA new paragraph" in shown


PREVIOUS = done()
typed = st.text(
    st.one_of(
        st.sampled_from("#*_|<>[]()`~!-+=.:;&$\\1 \n\t"),
        st.characters(exclude_categories=("Cs", "Cc")),
    ),
    max_size=200,
).filter(str.strip)


@settings(max_examples=150, deadline=None)
@given(words=typed, assessor=typed.map(lambda t: t[:200]))
def test_nothing_typed_changes_the_document_s_shape(words: str, assessor: str) -> None:
    text = document(typed_everywhere(words, assessor), previous=PREVIOUS)

    assert structure(text) == structure(document(typed_everywhere("plain"), previous=PREVIOUS))
    tokens = PARSER.parse(text)
    assert {t.type for t in tokens} <= ALLOWED_BLOCKS
    assert {c.type for t in tokens if t.type == "inline" for c in t.children or []} <= (
        ALLOWED_INLINE
    )
    shown = rendered_text(text)
    assert as_read(words) in shown
    assert f"Assessor: {' '.join(assessor.split())}" in shown


@given(name=st.text(st.characters(exclude_categories=("Cs", "Cc")), max_size=60).filter(str.strip))
def test_a_name_never_leaves_the_title(name: str) -> None:
    client = CLIENT.model_copy(update={"legal_name": name})

    heading = PARSER.parse(assessment_document(done(), TEMPLATE, client))[:4]

    assert [t.type for t in heading] == [
        "heading_open",
        "inline",
        "heading_close",
        "bullet_list_open",
    ]
    assert rendered_text(heading[1].content) == f"{TITLE} for {' '.join(name.split())}"


# The file name -----------------------------------------------------------------------


def test_the_file_name_has_the_case_reference_and_date_but_no_name() -> None:
    assessment = done()

    name = export_file_name(CLIENT, assessment)

    assert name == "KW-7F3Q2-assessment-2026-11-22.md"
    assert "Daniel" not in name and "Price" not in name and "Dan" not in name


def test_a_correction_s_file_name_differs_from_the_original_s() -> None:
    original = done()
    correction = original.model_copy(update={"corrects": original.id, "correction_reason": "x"})

    assert export_file_name(CLIENT, correction) == "KW-7F3Q2-assessment-2026-11-22-corrected.md"


@given(ref=st.text(min_size=1, max_size=30))
def test_the_file_name_is_safe_on_windows(ref: str) -> None:
    client = Client.model_construct(case_ref=ref, legal_name="Daniel Price")

    name = export_file_name(client, done())

    assert not set(name) & set('<>:"/\\|?*') and name.isprintable() and name.isascii()
    assert name.endswith(".md") and not name.startswith((".", "-"))


# Writing the file --------------------------------------------------------------------

DOC = "# A document\n\nWith words: café, £20 → done\n"


def test_write_export_writes_utf8_and_nothing_else(tmp_path: Path) -> None:
    target = tmp_path / "KW-7F3Q2-assessment-2026-11-22.md"

    written = write_export(target, DOC)

    assert written == target
    assert target.read_bytes() == DOC.encode("utf-8")
    assert sorted(tmp_path.iterdir()) == [target]


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
def test_the_file_is_readable_by_its_owner_only(tmp_path: Path) -> None:
    target = write_export(tmp_path / "out.md", DOC)

    assert stat.S_IMODE(target.stat().st_mode) == 0o600


def test_an_existing_file_is_never_overwritten_unless_asked(tmp_path: Path) -> None:
    target = tmp_path / "out.md"
    target.write_text("what was there", encoding="utf-8")

    with pytest.raises(ExportFailed, match=r"^There is already a file .*out\.md\. Nothing was"):
        write_export(target, DOC)
    assert target.read_text(encoding="utf-8") == "what was there"
    assert sorted(tmp_path.iterdir()) == [target]

    write_export(target, DOC, replace=True)
    assert target.read_text(encoding="utf-8") == DOC


def test_the_exists_error_says_so(tmp_path: Path) -> None:
    (tmp_path / "out.md").write_text("x", encoding="utf-8")

    with pytest.raises(ExportFailed) as raised:
        write_export(tmp_path / "out.md", DOC)

    assert raised.value.file_exists
    assert isinstance(raised.value, KeyworkerError)


def test_a_missing_folder_is_named_and_not_made(tmp_path: Path) -> None:
    target = tmp_path / "no such folder" / "out.md"

    with pytest.raises(ExportFailed) as raised:
        write_export(target, DOC)

    assert str(raised.value) == f"There is no folder {target.parent}. Nothing was written."
    assert not raised.value.file_exists
    assert list(tmp_path.iterdir()) == []


def test_a_folder_is_not_a_file(tmp_path: Path) -> None:
    with pytest.raises(ExportFailed, match=r"is a folder, not a file\. Nothing was written\.$"):
        write_export(tmp_path, DOC, replace=True)


def fail_with(monkeypatch: pytest.MonkeyPatch, code: int, where: str = "fsync") -> None:
    """The system refuses part way through: after the temporary file exists."""

    def refuse(*args: object) -> None:
        raise OSError(code, os.strerror(code))

    monkeypatch.setattr(f"storage.files.os.{where}", refuse)


@pytest.mark.parametrize("existing", [False, True])
def test_a_full_disk_leaves_nothing_behind(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, existing: bool
) -> None:
    target = tmp_path / "out.md"
    if existing:
        target.write_text("what was there", encoding="utf-8")
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    fail_with(monkeypatch, errno.ENOSPC)

    with pytest.raises(ExportFailed) as raised:
        write_export(target, DOC, replace=True)

    assert str(raised.value) == (
        "The disk is full, so out.md was not written. Free some space and try again."
    )
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before


@pytest.mark.parametrize(
    ("code", "message"),
    [
        (errno.EACCES, "You do not have permission to write in {folder} (or it is read-only)."),
        (errno.EROFS, "You do not have permission to write in {folder} (or it is read-only)."),
        (errno.EIO, "Cannot write {folder}/out.md: input/output error."),
    ],
)
def test_other_refusals_are_one_plain_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, code: int, message: str
) -> None:
    fail_with(monkeypatch, code, where="replace")

    with pytest.raises(ExportFailed) as raised:
        write_export(tmp_path / "out.md", DOC)

    said = str(raised.value)
    assert said == f"{message.format(folder=tmp_path)} Nothing was written."
    assert "\n" not in said
    assert list(tmp_path.iterdir()) == []


def test_no_permission_to_make_a_file_at_all(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr("storage.files.tempfile.mkstemp", refuse)

    with pytest.raises(ExportFailed, match=r"^You do not have permission to write in"):
        write_export(tmp_path / "out.md", DOC)


def test_the_default_folder_is_documents_else_home(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    documents = tmp_path / "Documents"
    monkeypatch.setattr(exports.platformdirs, "user_documents_dir", lambda: str(documents))
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("USERPROFILE", str(tmp_path))

    assert default_export_folder() == Path.home()

    documents.mkdir()
    assert default_export_folder() == documents


def test_the_warning_is_plain_english() -> None:
    assert NOT_ENCRYPTED_WARNING.startswith("This file is not encrypted.")
    assert "delete it" in NOT_ENCRYPTED_WARNING
