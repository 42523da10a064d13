"""The person's own copy of their action plan as a PDF, read back as its text."""

from __future__ import annotations

import argparse
import io
import os
import re
import stat
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from uuid import uuid4

import pypdf
import pytest

from keyworker import cli
from keyworker.assessment_text import NOT_ENCRYPTED_WARNING
from keyworker.cli_plan import add_plan_commands
from keyworker.errors import ExportFailed
from keyworker.plan_pdf import plan_file_name, plan_pdf
from keyworker.plans import Agency, Agreement, Goal, Plan, Step
from storage import Caseload
from storage.exports import write_export
from tests.conftest import make_client, make_flag, make_note

TODAY = date(2026, 11, 22)
SHELTER = uuid4()
AGENCIES = {SHELTER: "Shelter Housing Advice"}
STEP_WORDS = (
    "Ring the council's housing options team",
    "Go to the housing appointment at the council on Tuesday morning",
    "Assess me for supported housing",
    "Ask my mum if I can stay with her until the flat is ready",
)


def pdf_text(data: bytes) -> str:
    """All the PDF's text, with runs of space (non-breaking too) as one space."""
    reader = pypdf.PdfReader(io.BytesIO(data))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def without_footers(text: str) -> str:
    return re.sub(r" ?My action plan, made on [^·]+· page \d+ of \d+", "", text)


def pages(data: bytes) -> int:
    return len(pypdf.PdfReader(io.BytesIO(data)).pages)


def font_size_of(data: bytes, words: str) -> float:
    """The size in points that `words` are printed at on the first page."""
    found: list[float] = []

    def visit(text: str, cm: object, tm: object, font: object, size: float) -> None:
        if words in text:
            found.append(size)

    pypdf.PdfReader(io.BytesIO(data)).pages[0].extract_text(visitor_text=visit)
    assert found, f"{words!r} is not on the first page"
    return found[0]


def step(index: int, **fields) -> Step:
    """One of the four kinds of step: the keyworker's, mine, an agency's, someone else's."""
    kinds = [
        {"who": "keyworker"},
        {"who": "person"},
        {"who": "agency", "refer_to": SHELTER},
        {"who": "other", "who_detail": "My mum, Zoë"},
    ]
    details = kinds[index % 4] | {"target_date": date(2026, 12, 1 + 7 * (index % 4))}
    return Step(what=STEP_WORDS[index % 4], **(details | fields))


def goal(words: str, steps: int = 3, **fields) -> Goal:
    return Goal(
        pathway=fields.pop("pathway", "accommodation"),
        words=words,
        added_on=date(2026, 11, 1),
        steps=fields.pop("steps_given", None) or [step(i) for i in range(steps)],
        **fields,
    )


GOAL_WORDS = (
    "Have my own flat near my kids",
    "Get back into work, ideally on a building site",
    "Sort out my benefits and open a bank account",
    "See my daughter every weekend",
    "Cut down my drinking to weekends only",
)


def typical_plan(goals: int = 4, steps: int = 3, **fields) -> Plan:
    """Goals with steps, the last goal for later; agreed on 5 November, review in February."""
    made = [
        goal(
            GOAL_WORDS[i % 5] + ("" if i < 5 else f" ({i + 1})"),
            steps,
            status="future" if i == goals - 1 and goals > 1 else "active",
        )
        for i in range(goals)
    ]
    defaults = {
        "client_id": uuid4(),
        "started_on": date(2026, 11, 1),
        "review_date": date(2027, 2, 22),
        "goals": made,
        "agreements": [Agreement(answer="agreed", on=date(2026, 11, 5), revision=2)],
        "revision": 3,
        "goals_revised": 2,
    }
    return Plan(**(defaults | fields))


def printed(plan: Plan, **fields) -> bytes:
    defaults = {
        "person_name": "Zoë O’Brien",
        "keyworker_name": "Sam Keyworker",
        "service": "Northgate Resettlement",
        "agencies": AGENCIES,
        "today": TODAY,
    }
    return plan_pdf(plan, **(defaults | fields))


# What the person reads ----------------------------------------------------------------


def test_the_copy_is_written_to_the_person_with_goals_steps_and_who_does_each() -> None:
    text = pdf_text(printed(typical_plan()))

    assert text.startswith("My action plan Zoë O’Brien")
    assert "My keyworker Sam Keyworker, Northgate Resettlement" in text
    assert "Next review Monday 22 February 2027" in text
    assert "I agreed this plan on 5 November 2026." in text
    assert "What I want to achieve Working on now 1. Have my own flat near my kids Steps" in text
    assert "Ring the council's housing options team Who: My keyworker · By: 1 December 2026" in text
    assert "Who: Me · By: 8 December 2026" in text
    assert "Who: Shelter Housing Advice · By: 15 December 2026" in text
    # Active goals first, then the future one under its own label.
    assert text.index("3. Sort out my benefits") < text.index("For later 4. See my daughter")
    assert "page 1 of 2" in text


def test_someone_else_and_an_agency_not_in_the_directory_are_named_as_written() -> None:
    steps = [
        step(3),
        Step(what="Hold a bed for me", who="agency", who_detail="St Mungo’s night shelter"),
        Step(what="Check my benefits claim", who="agency"),
    ]
    plan = typical_plan(goals=1).model_copy(
        update={"goals": [goal("Somewhere to sleep tonight", steps_given=steps)]}
    )
    text = pdf_text(printed(plan, agencies={}))
    assert "Ask my mum if I can stay with her until the flat is ready Who: My mum, Zoë" in text
    assert "Hold a bed for me Who: St Mungo’s night shelter" in text
    assert "Check my benefits claim Who: A support service" in text


def test_done_steps_say_done_in_words_and_steps_no_longer_needed_are_left_out() -> None:
    steps = [
        step(0, status="completed", completed_on=date(2026, 11, 10)),
        step(1, status="in_progress"),
        step(2, status="cannot_yet"),
        step(3, status="not_needed"),
    ]
    plan = typical_plan().model_copy(
        update={"goals": [goal("Have my own flat near my kids", steps_given=steps)]}
    )
    text = pdf_text(printed(plan))

    assert "Who: My keyworker · Done on 10 November 2026" in text
    assert "By: 1 December 2026" not in text  # a done step says when it was done instead
    assert "Who: Me · By: 8 December 2026 · Started" in text
    # Moved whole to its own line when it does not fit beside the date.
    assert re.search(r"By: 15 December 2026 (· )?Cannot be done yet", text)
    assert "Ask my mum" not in text


def test_achieved_goals_are_listed_briefly_and_removed_goals_not_at_all() -> None:
    plan = typical_plan(goals=2)
    plan = plan.model_copy(
        update={
            "goals": [
                *plan.goals,
                goal("Register with a GP", 0, status="achieved", achieved_on=date(2026, 11, 3)),
                goal("Move to Leeds", 2, status="removed", removed_reason="Changed my mind"),
            ]
        }
    )
    text = pdf_text(printed(plan))

    assert "Already achieved Register with a GP (achieved on 3 November 2026)" in text
    assert "Leeds" not in text
    assert "Changed my mind" not in text


def test_the_goal_date_and_a_goal_with_no_steps_are_said_plainly() -> None:
    plan = typical_plan().model_copy(
        update={
            "goals": [
                goal("Have my own flat", 0, target_date=date(2027, 2, 1)),
            ]
        }
    )
    text = pdf_text(printed(plan))
    assert "1. Have my own flat I aim to do this by 1 February 2027." in text
    assert "No steps yet: we will agree them together." in text


@pytest.mark.parametrize(
    ("agreements", "goals_revised", "said"),
    [
        ([], 2, "We have not yet gone through this plan together to agree it."),
        (
            [Agreement(answer="did_not_agree", on=date(2026, 11, 5), revision=2)],
            2,
            "When we went through this plan on 5 November 2026, I did not agree with it.",
        ),
        (
            [Agreement(answer="could_not_answer", on=date(2026, 11, 5), revision=2)],
            2,
            "On 5 November 2026 I could not say whether I agree with this plan.",
        ),
        (
            [Agreement(answer="agreed", on=date(2026, 11, 5), revision=2)],
            3,
            "I agreed this plan on 5 November 2026. It has changed since, so we will go "
            "through it together again.",
        ),
    ],
)
def test_whether_the_person_agreed_is_said_in_their_words(
    agreements: list[Agreement], goals_revised: int, said: str
) -> None:
    plan = typical_plan(agreements=agreements, goals_revised=goals_revised)
    assert f"Agreement {said}" in pdf_text(printed(plan))


def test_a_plan_with_no_review_date_or_goals_says_so() -> None:
    plan = typical_plan(goals=1, review_date=None).model_copy(update={"goals": []})
    text = pdf_text(printed(plan))
    assert "Next review To be agreed" in text
    assert "What I want to achieve No goals yet: we will agree them together." in text


def test_names_in_any_alphabet_and_curly_punctuation_print_as_typed() -> None:
    agency = {SHELTER: "Café “Open Door” – Łódź"}
    steps = [step(2), Step(what="Call Łukasz about the “move-on” flat – soon", who="person")]
    plan = typical_plan().model_copy(
        update={"goals": [goal("Żaneta’s goal: a home – not a hostel", steps_given=steps)]}
    )
    text = pdf_text(
        printed(
            plan,
            person_name="Zoë O’Brien-Łukasiewicz",
            keyworker_name="Siân Ó Dónaill",
            agencies=agency,
        )
    )

    assert "Zoë O’Brien-Łukasiewicz" in text
    assert "Siân Ó Dónaill, Northgate Resettlement" in text
    assert "Żaneta’s goal: a home – not a hostel" in text
    assert "Who: Café “Open Door” – Łódź" in text
    assert "Call Łukasz about the “move-on” flat – soon" in text


def test_words_that_look_like_the_page_count_placeholder_print_as_typed() -> None:
    steps = [Step(what="Bring form {nb} and **both** letters -- the blue ones", who="person")]
    plan = typical_plan().model_copy(update={"goals": [goal("Paperwork", steps_given=steps)]})
    assert "Bring form {nb} and **both** letters -- the blue ones" in pdf_text(printed(plan))


# Length and print size ----------------------------------------------------------------


def test_a_small_plan_fits_one_page_and_a_large_typical_plan_two() -> None:
    assert pages(printed(typical_plan(goals=3, steps=2))) == 1
    assert pages(printed(typical_plan(goals=5, steps=4))) == 2


def test_large_text_prints_bigger_and_a_typical_plan_still_fits_two_pages() -> None:
    plan = typical_plan(goals=4, steps=3)
    standard = printed(plan)
    large = printed(plan, large_text=True)

    assert font_size_of(standard, "Ring the council") == 12
    assert font_size_of(large, "Ring the council") == 16
    assert pages(standard) == 2
    assert pages(large) == 2
    assert without_footers(pdf_text(large)) == without_footers(pdf_text(standard))


def test_large_text_runs_a_small_plan_onto_more_pages() -> None:
    plan = typical_plan(goals=3, steps=2)
    assert pages(printed(plan)) == 1
    assert pages(printed(plan, large_text=True)) == 2


def test_a_very_long_plan_runs_on_rather_than_being_cut() -> None:
    long_words = "Keep every appointment at the clinic, and ring if I cannot go. " * 12
    plan = typical_plan(goals=12, steps=4).model_copy(
        update={
            "goals": [
                goal(
                    f"Goal number {n}",
                    steps_given=[step(i) for i in range(3)]
                    + [Step(what=f"{long_words}(step {n})", who="person")],
                )
                for n in range(1, 13)
            ]
        }
    )
    data = printed(plan, large_text=True)
    text = pdf_text(data)

    assert pages(data) > 4
    assert f"page {pages(data)} of {pages(data)}" in text
    for n in range(1, 13):
        assert f"{n}. Goal number {n} Steps" in text
        assert f"(step {n})" in text
    assert text.count("Assess me for supported housing") == 12
    assert text.endswith(
        "If anything here is wrong, or I want to change it, I can talk to Sam Keyworker, "
        "my keyworker at Northgate Resettlement. My action plan, made on 22 November 2026 · "
        f"page {pages(data)} of {pages(data)}"
    )


# The file itself ----------------------------------------------------------------------


def test_the_metadata_names_nobody() -> None:
    reader = pypdf.PdfReader(io.BytesIO(printed(typical_plan())))
    metadata = dict(reader.metadata or {})

    assert metadata["/Title"] == "Action plan"
    assert "/Author" not in metadata
    assert "/Subject" not in metadata
    assert "/Keywords" not in metadata
    for value in metadata.values():
        assert "Zoë" not in str(value)
        assert "Sam Keyworker" not in str(value)
        assert "Northgate" not in str(value)


def test_the_same_plan_on_the_same_day_gives_the_same_bytes() -> None:
    plan = typical_plan()
    assert printed(plan) == printed(plan)
    assert printed(plan) != printed(plan, today=date(2026, 11, 23))


def test_the_file_name_has_the_case_reference_and_date_never_a_name() -> None:
    assert plan_file_name("KW-7F3Q2", TODAY) == "KW-7F3Q2-action-plan-2026-11-22.pdf"
    assert plan_file_name("KW 7F/3Q2", TODAY) == "KW-7F-3Q2-action-plan-2026-11-22.pdf"
    assert plan_file_name("///", TODAY) == "client-action-plan-2026-11-22.pdf"


def test_write_export_writes_bytes_as_they_are_and_privately(tmp_path: Path) -> None:
    data = printed(typical_plan())
    target = write_export(tmp_path / "plan.pdf", data)

    assert target.read_bytes() == data
    assert list(tmp_path.iterdir()) == [target]
    if os.name == "posix":
        assert stat.S_IMODE(target.stat().st_mode) == 0o600


def test_write_export_never_overwrites_bytes_unless_told_to(tmp_path: Path) -> None:
    target = tmp_path / "plan.pdf"
    target.write_bytes(b"the person's earlier copy")

    with pytest.raises(ExportFailed, match="already a file") as raised:
        write_export(target, b"%PDF-new")
    assert raised.value.file_exists
    assert "\n" not in str(raised.value)
    assert target.read_bytes() == b"the person's earlier copy"

    write_export(target, b"%PDF-new", replace=True)
    assert target.read_bytes() == b"%PDF-new"


def test_write_export_of_bytes_into_a_missing_folder_is_refused_in_a_line(tmp_path: Path) -> None:
    with pytest.raises(ExportFailed, match="There is no folder") as raised:
        write_export(tmp_path / "nowhere" / "plan.pdf", b"%PDF")
    assert "\n" not in str(raised.value)
    assert list(tmp_path.iterdir()) == []


# keyworker plan pdf ---------------------------------------------------------------------


@pytest.fixture
def with_plan_command(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """`keyworker` with `plan pdf` in it: as wired into build_parser, or added here if the
    command is not wired yet, so main's own error handling is what runs."""
    built = cli.build_parser

    def build_parser() -> argparse.ArgumentParser:
        parser = built()
        commands = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
        if "plan" not in commands.choices:
            common = argparse.ArgumentParser(add_help=False)
            common.add_argument("--home", default=argparse.SUPPRESS)
            common.add_argument("--passphrase-file", default=argparse.SUPPRESS)
            add_plan_commands(commands, common)
        return parser

    monkeypatch.setattr(cli, "build_parser", build_parser)
    yield


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.fixture
def out_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "exports"
    folder.mkdir()
    return folder


@pytest.fixture
def planned(caseload: Caseload, env_passphrase: None, with_plan_command: None):
    """Daniel ("Dan") with a live plan, a case note and a risk flag; the caseload closed."""
    client = make_client(caseload, "Daniel Price", preferred_name="Dan", status="active")
    shelter = caseload.add_agency(Agency(name="Shelter Housing Advice", category="accommodation"))
    steps = [
        Step(what="Make a referral to Shelter", who="keyworker", refer_to=shelter.id),
        Step(
            what="Assess me for supported housing",
            who="agency",
            refer_to=shelter.id,
            target_date=date(2026, 12, 15),
        ),
    ]
    plan = caseload.start_plan(
        Plan(
            client_id=client.id,
            started_on=date(2026, 11, 1),
            review_date=date(2027, 2, 22),
            goals=[goal("Have my own flat near my kids", steps_given=steps)],
        )
    )
    caseload.agree_plan(plan.id, "agreed", date(2026, 11, 5))
    caseload.add_note(make_note(client, "Disclosed relapse after the court date", day=3))
    caseload.add_flag(make_flag(client, notes="Ex-partner waits outside the office"))
    caseload.close()
    return client


def test_plan_pdf_writes_the_persons_copy_and_warns_it_is_not_encrypted(
    planned, out_folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "plan", "pdf", planned.case_ref, "--to", str(out_folder))

    target = out_folder / f"{planned.case_ref}-action-plan-2026-11-22.pdf"
    assert code == 0
    assert list(out_folder.iterdir()) == [target]
    assert out.strip() == f"Wrote the action plan for {planned.case_ref} to {target}"
    assert err.strip() == f"Warning: {NOT_ENCRYPTED_WARNING}"
    if os.name == "posix":
        assert stat.S_IMODE(target.stat().st_mode) == 0o600
    text = pdf_text(target.read_bytes())
    assert text.startswith("My action plan Dan My keyworker Sam Keyworker, Northgate Resettlement")
    assert "I agreed this plan on 5 November 2026." in text
    assert "Assess me for supported housing Who: Shelter Housing Advice · By: 15 December 2026" in (
        text
    )
    assert "Daniel" not in target.name
    assert "relapse" not in text
    assert "Ex-partner" not in text
    assert "Lone working" not in text and "lone working" not in text


def test_plan_pdf_large_text_prints_bigger(
    planned, out_folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = out_folder / "large.pdf"
    code, out, _ = run(capsys, "plan", "pdf", planned.case_ref, "--to", str(target), "--large-text")

    assert code == 0
    assert out.strip() == (
        f"Wrote the action plan for {planned.case_ref} in large text to {target}"
    )
    assert font_size_of(target.read_bytes(), "Make a referral to Shelter") == 16


def test_plan_pdf_keeps_a_file_already_there_unless_told_to_replace(
    planned, out_folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = out_folder / "copy.pdf"
    target.write_bytes(b"earlier copy")

    code, out, err = run(capsys, "plan", "pdf", planned.case_ref, "--to", str(target))
    assert code == 1
    assert out == ""
    assert err.strip() == (
        f"keyworker: There is already a file {target}. Nothing was written: add --replace "
        "to replace it, or choose another name with --to."
    )
    assert target.read_bytes() == b"earlier copy"

    code, _, _ = run(capsys, "plan", "pdf", planned.case_ref, "--to", str(target), "--replace")
    assert code == 0
    assert "Have my own flat near my kids" in pdf_text(target.read_bytes())


def test_plan_pdf_refuses_in_a_line_when_there_is_no_live_plan(
    caseload: Caseload,
    env_passphrase: None,
    with_plan_command: None,
    out_folder: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    client = make_client(caseload, "Priya Shah")
    caseload.close()

    code, out, err = run(capsys, "plan", "pdf", client.case_ref, "--to", str(out_folder))

    assert code == 1
    assert out == ""
    assert err == f"keyworker: {client.case_ref} has no live action plan to print.\n"
    assert list(out_folder.iterdir()) == []


def test_plan_pdf_for_an_unknown_reference_says_so_in_a_line(
    planned, out_folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(capsys, "plan", "pdf", "KW-ZZZZZ", "--to", str(out_folder))
    assert code == 1
    assert err.count("\n") == 1
    assert "There is no client KW-ZZZZZ" in err
    assert list(out_folder.iterdir()) == []


def test_add_plan_commands_reads_the_options() -> None:
    parser = argparse.ArgumentParser()
    add_plan_commands(parser.add_subparsers(), argparse.ArgumentParser(add_help=False))
    args = parser.parse_args(["plan", "pdf", "KW-7F3Q2", "--to", "out/", "--large-text"])
    assert (args.ref, args.to, args.large_text, args.replace) == ("KW-7F3Q2", "out/", True, False)
    assert args.run.__name__ == "run_plan_pdf"
