"""Finding templates: built in and in a service's folder, and the `assessment` commands."""

from __future__ import annotations

from pathlib import Path

from keyworker.cli import main
from storage import CaseloadPaths
from storage.templates import BUILT_IN_ID, load_library, templates_folder

FAMILY = """
id = "family_support"
version = {version}
title = "Family support intake"

[[sections]]
id = "family"
title = "The family"
pathway = "children_families_communities"

[[sections.questions]]
id = "children_at_home"
text = "How many children live at home?"
kind = "number"
min = 0
"""


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def folder(tmp_path: Path) -> tuple[CaseloadPaths, Path]:
    paths = CaseloadPaths(tmp_path / "caseload")
    templates = templates_folder(paths)
    templates.mkdir(parents=True)
    return paths, templates


def test_the_built_in_assessment_is_always_there(tmp_path: Path) -> None:
    library = load_library(CaseloadPaths(tmp_path / "nothing here"))
    assert library.get(BUILT_IN_ID) is not None
    assert library.problems == []


def test_a_service_adds_its_own_template_by_dropping_in_a_file(tmp_path: Path) -> None:
    paths, templates = folder(tmp_path)
    (templates / "family.toml").write_text(FAMILY.format(version=1))
    library = load_library(paths)
    assert [t.id for t in library.sorted()] == [BUILT_IN_ID, "family_support"]


def test_a_broken_file_is_reported_and_skipped_never_fatal(tmp_path: Path) -> None:
    paths, templates = folder(tmp_path)
    (templates / "family.toml").write_text(FAMILY.format(version=1))
    (templates / "broken.toml").write_text('id = "x"\nversion = 1\n[[sections]\n')
    (templates / "binary.json").write_bytes(b"\xff\xfe\x00junk")
    (templates / "notes.txt").write_text("not a template, not looked at")
    library = load_library(paths)
    assert sorted(library.templates) == sorted([BUILT_IN_ID, "family_support"])
    reported = {p.source: p.problems for p in library.problems}
    assert set(reported) == {"broken.toml", "binary.json"}
    assert "not valid TOML" in reported["broken.toml"][0]
    assert reported["binary.json"] == ["the file is not text (UTF-8)"]


def test_the_highest_version_of_a_template_is_offered(tmp_path: Path) -> None:
    paths, templates = folder(tmp_path)
    (templates / "family-v2.toml").write_text(FAMILY.format(version=2))
    (templates / "family-v1.toml").write_text(FAMILY.format(version=1))
    library = load_library(paths)
    assert library.get("family_support").version == 2  # type: ignore[union-attr]
    assert library.problems == []


def test_two_files_with_one_template_version_are_reported(tmp_path: Path) -> None:
    paths, templates = folder(tmp_path)
    (templates / "a.toml").write_text(FAMILY.format(version=1))
    (templates / "b.toml").write_text(FAMILY.format(version=1).replace("intake", "form"))
    library = load_library(paths)
    assert library.get("family_support").title == "Family support intake"  # type: ignore[union-attr]
    [problem] = library.problems
    assert problem.source == "b.toml"
    assert "higher version number" in problem.problems[0]


def test_templates_command_lists_them_and_reports_broken_files(
    tmp_path: Path, capsys, monkeypatch
) -> None:
    paths, templates = folder(tmp_path)
    (templates / "family.toml").write_text(FAMILY.format(version=1))
    (templates / "broken.toml").write_text("title = ")
    monkeypatch.delenv("KEYWORKER_PASSPHRASE", raising=False)  # no passphrase needed
    code, out, err = run(capsys, "assessment", "templates", "--home", str(paths.home))
    assert code == 0
    lines = out.splitlines()
    assert lines[0].startswith(f"{BUILT_IN_ID}  version 1  Needs assessment")
    assert lines[1] == "family_support  version 1  Family support intake  (1 section, 1 question)"
    assert str(templates) in lines[-1]
    assert err.startswith("keyworker: skipped The assessment template broken.toml has 1 problem")


def test_validate_says_a_good_file_is_usable(tmp_path: Path, capsys) -> None:
    file = tmp_path / "family.toml"
    file.write_text(FAMILY.format(version=3))
    code, out, err = run(capsys, "assessment", "validate", str(file))
    assert code == 0
    assert out == (
        f"{file}: a usable template: Family support intake (family_support, version 3), "
        "1 section, 1 question.\n"
    )
    assert err == ""


def test_validate_names_every_problem_with_its_place(tmp_path: Path, capsys) -> None:
    file = tmp_path / "family.toml"
    broken = (
        FAMILY.format(version=0)
        .replace('kind = "number"', 'kind = "numeric"')
        .replace('title = "The family"', 'titel = "The family"')
    )
    file.write_text(broken)
    code, out, err = run(capsys, "assessment", "validate", str(file))
    assert code == 1
    problems = out.splitlines()
    assert len(problems) == 4
    assert all(line.startswith(f"{file}: ") for line in problems)
    assert any("`version`" in line and "greater than or equal to 1" in line for line in problems)
    assert any("section 2" not in line and "`title` is missing" in line for line in problems)
    assert any("`titel` is not a template key" in line for line in problems)
    assert any(
        "section 'family', question 'children_at_home': kind must be one of" in line
        for line in problems
    )
    assert err == f"keyworker: {file} is not a usable template: 4 problems.\n"


def test_validate_a_missing_file_is_one_plain_line(tmp_path: Path, capsys) -> None:
    code, out, err = run(capsys, "assessment", "validate", str(tmp_path / "nope.toml"))
    assert (code, out) == (1, "")
    assert err == f"keyworker: There is no file {tmp_path / 'nope.toml'}.\n"


def test_the_example_template_in_the_readme_is_usable() -> None:
    from keyworker.templates import parse_template

    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text()
    start = readme.index('```toml\nid = "family_support"') + len("```toml\n")
    example = parse_template(readme[start : readme.index("```", start)], "README.md")
    assert [q.kind for q in example.sections[0].questions] == ["number", "yes_no"]
