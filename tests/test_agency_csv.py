"""Reading agency lists from CSV files as spreadsheets save them, and the command."""

from __future__ import annotations

import argparse
import codecs
import csv
import io
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from keyworker import cli
from keyworker.agency_csv import (
    MAX_FILE_BYTES,
    MAX_ROWS,
    ImportPreview,
    imported_words,
    parse_agency_csv,
    preview_import,
    read_agency_file,
    report_heading,
)
from keyworker.cli_agencies import add_agency_commands
from keyworker.errors import InvalidInput
from keyworker.plans import Agency
from keyworker.vocabulary import AGENCY_CATEGORIES
from storage import Caseload, CaseloadPaths
from tests.conftest import PASSPHRASE


def parsed(text: str, encoding: str = "utf-8"):
    return parse_agency_csv(text.encode(encoding), "agencies.csv")


def problems(text: str) -> list[str]:
    return [str(p) for p in parsed(text).problems]


def refused(data: bytes | str) -> str:
    raw = data.encode() if isinstance(data, str) else data
    with pytest.raises(InvalidInput) as caught:
        parse_agency_csv(raw, "agencies.csv")
    message = str(caught.value)
    assert "\n" not in message
    return message


# Reading what spreadsheets write -----------------------------------------------------------


def test_every_column_is_read_under_its_usual_headings() -> None:
    found = parsed(
        "Organisation,Type,Contact Person,Telephone,E-mail,Address line 1,Town,Post_code,"
        "Web site,Comments\n"
        "Shelter Housing Advice,accommodation,Jo Banks,0808 800 4444,help@shelter.org.uk,"
        "1 High St,Leeds,LS1 1AA,shelter.org.uk,Drop-in Tuesdays\n"
    )
    assert found.problems == ()
    (agency,) = found.agencies
    assert agency.name == "Shelter Housing Advice"
    assert agency.category == "accommodation"
    assert agency.contact_name == "Jo Banks"
    assert agency.phone == "0808 800 4444"
    assert agency.email == "help@shelter.org.uk"
    assert agency.address == "1 High St, Leeds, LS1 1AA"
    assert agency.website == "shelter.org.uk"
    assert agency.notes == "Drop-in Tuesdays"
    assert agency.archived is False


@pytest.mark.parametrize(
    "written",
    [
        "Women's services",
        "womens_services",
        "WOMENS SERVICES",
        "women’s services",
        " Womens-Services ",
    ],
)
def test_a_category_is_taken_as_its_label_or_code_ignoring_case(written: str) -> None:
    found = parsed(f"Name,Category\nWomen's Centre,{written}\n")
    assert [a.category for a in found.agencies] == ["womens_services"]


def test_an_ampersand_stands_for_and_in_a_category() -> None:
    found = parsed('Name,Category\nStepChange,"Finance, benefits & debt"\n')
    assert [a.category for a in found.agencies] == ["finance_benefits_debt"]


def test_excel_european_csv_with_semicolons_and_a_byte_order_mark() -> None:
    text = "Name;Category;Phone\nMind;Emotional wellbeing;0300 123 3393\nShelter;accommodation;\n"
    found = parse_agency_csv(codecs.BOM_UTF8 + text.encode(), "agencies.csv")
    assert [(a.name, a.phone) for a in found.agencies] == [
        ("Mind", "0300 123 3393"),
        ("Shelter", ""),
    ]


def test_excels_windows_1252_is_read_when_the_file_is_not_utf8() -> None:
    text = "Name,Category,Notes\nWomen’s Centre,Women’s services,£5 lunch – café\n"
    found = parsed(text, "cp1252")
    assert [(a.name, a.notes) for a in found.agencies] == [("Women’s Centre", "£5 lunch – café")]


def test_excels_unicode_text_utf16_with_tabs_is_read() -> None:
    found = parsed("Name\tCategory\nNaomi’s Place\tWomen's services\n", "utf-16")
    assert [a.name for a in found.agencies] == ["Naomi’s Place"]


def test_a_cell_over_several_lines_is_one_row_as_in_the_spreadsheet() -> None:
    found = parsed(
        'Name,Category,Address\nShelter,accommodation,"1 High St\r\nLeeds"\nMind,wellbeing,\n'
    )
    assert found.agencies[0].address == "1 High St\nLeeds"
    assert [p.row for p in found.problems] == [3]


def test_blank_rows_and_trailing_empty_cells_are_passed_over_but_still_counted() -> None:
    text = "Name,Category,,\nShelter,accommodation,,\n,,,\n\nMind,no such thing,,\n"
    found = parsed(text)
    assert [a.name for a in found.agencies] == ["Shelter"]
    assert [p.row for p in found.problems] == [5]


def test_columns_that_are_not_used_are_named() -> None:
    found = parsed("Name,Category,Opening hours,Referral route\nShelter,accommodation,9-5,\n")
    assert found.unused_columns == ("Opening hours", "Referral route")


# Rows that cannot be read ------------------------------------------------------------------


def test_each_bad_row_is_named_by_its_spreadsheet_row_and_what_is_wrong() -> None:
    text = (
        "Name,Category,Email\n"
        "Shelter,accommodation,help@shelter.org.uk\n"  # row 2: fine
        ",accommodation,\n"  # row 3
        "Mind,,\n"  # row 4
        "Turning Point,drugs,\n"  # row 5
        "Samaritans,emotional wellbeing,jo at samaritans\n"  # row 6
        "SHELTER,accommodation,\n"  # row 7
        "Nacro,social inclusion,,extra cell\n"  # row 8
        "Women's Centre,womens_services,\n"  # row 9: fine
    )
    found = parsed(text)
    assert [a.name for a in found.agencies] == ["Shelter", "Women's Centre"]
    allowed = "; ".join(term.label for term in AGENCY_CATEGORIES)
    assert [str(p) for p in found.problems] == [
        "Row 3: no name.",
        "Row 4: no category.",
        f'Row 5: the category "drugs" is not one we know (use one of: {allowed}).',
        "Row 6: the email address is not a valid one (write it like name@example.org).",
        "Row 7: the name is the same as on row 2; list each agency once.",
        "Row 8: it has more cells than there are column headings "
        "(is there a comma inside a cell that is not in quotes?).",
    ]


def test_every_problem_with_a_row_is_given_together() -> None:
    (problem,) = problems("Name,Category,Email\n,,nope\n")
    assert str(problem) == (
        "Row 2: no name; no category; "
        "the email address is not a valid one (write it like name@example.org)."
    )


def test_a_semicolon_file_says_semicolon_when_a_row_has_too_many_cells() -> None:
    (problem,) = problems("Name;Category\nShelter;accommodation;Leeds\n")
    assert "is there a semicolon inside a cell" in problem


def test_a_bad_value_is_repeated_back_no_further_than_needed() -> None:
    secret = "x" * 200
    (category,) = problems(f"Name,Category\nShelter,{secret}\n")
    assert f'"{"x" * 29}…"' in category and "x" * 31 not in category
    (email,) = problems(f"Name,Category,Email\nShelter,accommodation,{secret}\n")
    assert "xxx" not in email


def test_a_value_too_long_or_over_two_lines_is_a_problem_in_words() -> None:
    long_name = "n" * 201
    assert problems(f"Name,Category\n{long_name},accommodation\n") == [
        "Row 2: the name is longer than 200 characters."
    ]
    assert problems('Name,Category,Phone\nShelter,accommodation,"0808\n800"\n') == [
        "Row 2: the phone number must be on one line."
    ]


def test_rows_with_problems_are_left_out_and_the_rest_kept_in_order() -> None:
    found = parsed("Name,Category\nB,accommodation\n,x\nA,social_inclusion\n")
    assert [a.name for a in found.agencies] == ["B", "A"]
    assert found.rows_read == 3


# Files that cannot be read at all --------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "says"),
    [
        (b"", "agencies.csv is empty."),
        (b"  \r\n\r\n", "agencies.csv is empty."),
        (b"PK\x03\x04\x14\x00\x06\x00", "is a spreadsheet workbook, not a CSV file"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "is a spreadsheet workbook, not a CSV file"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "is not a CSV file: it does not hold text"),
        (b"\x81\x8d\x8f", "is not a CSV file: it does not hold text"),
        (
            b"Shelter,accommodation,0808 800 4444\n",
            "The first row of agencies.csv must be the column headings",
        ),
        (b"Name,Phone\nShelter,0808\n", "agencies.csv has no Category column"),
        (b"Category,Phone\naccommodation,0808\n", "agencies.csv has no Name column"),
        (b"Name,Category,Agency\nA,accommodation,B\n", "two name columns (A and C)"),
        (b"Name,Category\n", "has its column headings but no agencies under them"),
        (b"Name,Category\n,,\n", "has its column headings but no agencies under them"),
        (b'Name,Category\nShelter,accommodation\n"Mind,wellbeing\n', "past row 3: a quote mark"),
    ],
)
def test_a_file_that_cannot_be_used_gets_one_plain_line(data: bytes, says: str) -> None:
    assert says in refused(data)


def test_a_file_too_big_or_too_long_is_refused() -> None:
    assert "too big for a list of agencies" in refused(b"x" * (MAX_FILE_BYTES + 1))
    rows = "".join(f"Agency {i},accommodation\n" for i in range(MAX_ROWS + 1))
    assert f"more than {MAX_ROWS:,} rows" in refused("Name,Category\n" + rows)
    huge_cell = "Name,Category,Notes\nShelter,accommodation," + "y" * 200_000 + "\n"
    message = refused(huge_cell)
    assert message == "Row 2 of agencies.csv has a cell too long to be part of an agency list."


def test_reading_a_file_names_a_missing_file_or_a_folder(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match=r"There is no file at .*nothing\.csv"):
        read_agency_file(tmp_path / "nothing.csv")
    with pytest.raises(InvalidInput, match="is a folder"):
        read_agency_file(tmp_path)
    good = tmp_path / "list.csv"
    good.write_text("Name,Category\nShelter,accommodation\n")
    assert [a.name for a in read_agency_file(good).agencies] == ["Shelter"]
    (tmp_path / "big.csv").write_bytes(b"Name,Category\n" + b"a" * MAX_FILE_BYTES)
    with pytest.raises(InvalidInput, match=r"big\.csv is too big"):
        read_agency_file(tmp_path / "big.csv")


# Every agency written by a spreadsheet reads back the same --------------------------------

one_line = st.text(st.characters(exclude_categories=("Cc", "Cs")), max_size=40).map(str.strip)
some_lines = st.text(
    st.characters(exclude_categories=("Cc", "Cs"), include_characters="\n"), max_size=80
).map(str.strip)
agencies = st.builds(
    Agency,
    name=one_line.filter(bool),
    category=st.sampled_from(AGENCY_CATEGORIES.codes),
    contact_name=one_line,
    phone=one_line,
    email=st.none() | st.from_regex(r"[a-z]{1,8}@[a-z]{1,8}\.org", fullmatch=True),
    address=some_lines,
    website=one_line,
    notes=some_lines,
)
HEADINGS = ["Name", "Category", "Contact", "Phone", "Email", "Address", "Website", "Notes"]


@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(agencies, min_size=1, max_size=8, unique_by=lambda a: a.name.casefold()),
    st.sampled_from([",", ";", "\t"]),
    st.sampled_from(["utf-8", "utf-8-sig", "utf-16"]),
    st.booleans(),
)
def test_agencies_read_back_as_written(
    written: list[Agency], delimiter: str, encoding: str, by_label: bool
) -> None:
    out = io.StringIO(newline="")
    sheet = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    sheet.writerow(HEADINGS)
    for a in written:
        category = AGENCY_CATEGORIES.label(a.category) if by_label else a.category
        sheet.writerow(
            [
                a.name,
                category,
                a.contact_name,
                a.phone,
                a.email or "",
                a.address,
                a.website,
                a.notes,
            ]
        )
    found = parse_agency_csv(out.getvalue().encode(encoding), "agencies.csv")
    assert found.problems == ()
    strip = {"id": None}
    assert [a.model_copy(update=strip) for a in found.agencies] == [
        a.model_copy(update=strip) for a in written
    ]


# What an import would do, in words -------------------------------------------------------


def test_the_preview_counts_new_changed_and_unchanged_agencies() -> None:
    shelter = Agency(name="Shelter", category="accommodation", phone="0808 800 4444")
    mind = Agency(name="Mind", category="emotional_wellbeing", archived=True)
    nacro = Agency(name="Nacro", category="social_inclusion")
    incoming = [
        Agency(name="SHELTER", category="accommodation", phone="0808 800 4444"),  # new case
        Agency(name="mind", category="emotional_wellbeing"),  # archived: brought back
        Agency(name="Nacro", category="social_inclusion"),  # as it is
        Agency(name="Samaritans", category="emotional_wellbeing"),
    ]
    assert preview_import(incoming, [shelter, mind, nacro]) == ImportPreview(1, 2, 1)


def test_report_headings_and_import_words() -> None:
    assert (
        report_heading(ImportPreview(9, 3), 2)
        == "12 agencies ready (9 new, 3 to update). 2 rows could not be read:"
    )
    assert report_heading(ImportPreview(1), 0) == "1 agency ready (1 new)."
    assert report_heading(ImportPreview(0, 0, 2), 1) == (
        "2 agencies ready (2 already up to date). 1 row could not be read:"
    )
    assert report_heading(ImportPreview(), 3) == "None of the 3 rows could be read:"
    assert imported_words(9, 3) == "Added 9 agencies and updated 3."
    assert imported_words(1, 0) == "Added 1 agency."
    assert imported_words(0, 1) == "Updated 1 agency."
    assert imported_words(0, 0).startswith("Nothing to change")


# The command ------------------------------------------------------------------------------


@pytest.fixture
def agencies_command(monkeypatch: pytest.MonkeyPatch) -> None:
    """`keyworker` with the agencies commands, built as `keyworker.cli` builds its own."""

    def build_parser() -> argparse.ArgumentParser:
        common = argparse.ArgumentParser(add_help=False)
        common.add_argument("--home", default=argparse.SUPPRESS)
        common.add_argument("--passphrase-file", default=argparse.SUPPRESS)
        parser = argparse.ArgumentParser(prog="keyworker", parents=[common])
        add_agency_commands(parser.add_subparsers(required=True), common)
        return parser

    monkeypatch.setattr(cli, "build_parser", build_parser)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def names_in(paths: CaseloadPaths) -> list[tuple[str, bool]]:
    with Caseload.open(paths, PASSPHRASE) as opened:
        return [(a.name, a.archived) for a in opened.agencies(archived=True)]


@pytest.fixture
def directory(caseload: Caseload, env_passphrase: None, agencies_command: None) -> CaseloadPaths:
    caseload.add_agency(Agency(name="Shelter", category="accommodation", phone="0808 800 4444"))
    caseload.add_agency(Agency(name="Old Hostel", category="accommodation", archived=True))
    caseload.close()
    return caseload.paths


BAD_FILE = (
    "Name,Category,Phone\n"
    "shelter,accommodation,0300 330 1234\n"
    ",accommodation,\n"
    "Mind,Emotional wellbeing,0300 123 3393\n"
    "Turning Point,drugs,\n"
)


def test_agencies_list_prints_the_directory(directory: CaseloadPaths, capsys) -> None:
    code, out, _ = run(capsys, "agencies", "list")
    assert code == 0
    assert "Shelter" in out and "Accommodation" in out and "0808 800 4444" in out
    assert "Old Hostel" not in out
    assert out.rstrip().endswith("1 agency")
    code, out, _ = run(capsys, "agencies", "list", "--archived")
    assert "Old Hostel" in out and "Archived" in out and "2 agencies" in out


def test_agencies_list_json_for_scripts(directory: CaseloadPaths, capsys) -> None:
    code, out, _ = run(capsys, "agencies", "list", "--json", "--archived")
    assert code == 0
    rows = json.loads(out)
    assert [(r["name"], r["category"], r["archived"]) for r in rows] == [
        ("Old Hostel", "accommodation", True),
        ("Shelter", "accommodation", False),
    ]


def test_import_with_a_bad_row_imports_nothing_and_names_the_rows(
    directory: CaseloadPaths, tmp_path: Path, capsys
) -> None:
    before = names_in(directory)
    (tmp_path / "list.csv").write_text(BAD_FILE)
    code, out, err = run(capsys, "agencies", "import", str(tmp_path / "list.csv"))
    assert code == 1
    assert "Row 3: no name." in out
    assert 'Row 5: the category "drugs" is not one we know' in out
    assert err.strip() == (
        "keyworker: Nothing was imported: 2 rows could not be read. Put them right and "
        "import again, or use --skip-bad to import the other 2."
    )
    assert names_in(directory) == before


def test_import_skipping_bad_rows_imports_the_rest_in_one_go(
    directory: CaseloadPaths, tmp_path: Path, capsys
) -> None:
    (tmp_path / "list.csv").write_text(BAD_FILE)
    code, out, _ = run(capsys, "agencies", "import", str(tmp_path / "list.csv"), "--skip-bad")
    assert code == 0
    assert "Row 3: no name." in out
    assert out.splitlines()[-1] == (
        "Added 1 agency and updated 1. Left out 2 rows that could not be read."
    )
    with Caseload.open(directory, PASSPHRASE) as opened:
        by_name = {a.name: a for a in opened.agencies(archived=True)}
    assert set(by_name) == {"shelter", "Mind", "Old Hostel"}
    assert by_name["shelter"].phone == "0300 330 1234"
    assert by_name["Mind"].category == "emotional_wellbeing"


def test_a_good_file_is_imported_and_brings_back_an_archived_agency(
    directory: CaseloadPaths, tmp_path: Path, capsys
) -> None:
    (tmp_path / "list.csv").write_text(
        "Name,Category\nold hostel,accommodation\nNacro,social inclusion\n"
    )
    code, out, _ = run(capsys, "agencies", "import", str(tmp_path / "list.csv"))
    assert (code, out) == (0, "Added 1 agency and updated 1.\n")
    assert names_in(directory) == [("Nacro", False), ("old hostel", False), ("Shelter", False)]


def test_a_file_with_nothing_readable_imports_nothing_even_skipping(
    directory: CaseloadPaths, tmp_path: Path, capsys
) -> None:
    before = names_in(directory)
    (tmp_path / "list.csv").write_text("Name,Category\n,accommodation\n")
    code, _, err = run(capsys, "agencies", "import", str(tmp_path / "list.csv"), "--skip-bad")
    assert code == 1
    assert err == "keyworker: None of the rows could be read (1 row), so nothing was imported.\n"
    assert names_in(directory) == before


def test_a_missing_file_is_one_line(directory: CaseloadPaths, tmp_path: Path, capsys) -> None:
    code, out, err = run(capsys, "agencies", "import", str(tmp_path / "gone.csv"))
    assert (code, out) == (1, "")
    assert err.count("\n") == 1 and "There is no file at" in err


def test_a_file_that_cannot_be_opened_is_one_line(tmp_path: Path) -> None:
    locked = tmp_path / "locked.csv"
    locked.write_text("Name,Category\nShelter,accommodation\n")
    locked.chmod(0)
    try:
        locked.read_bytes()
    except PermissionError:
        pass
    else:
        pytest.skip("this user can read any file (root)")
    with pytest.raises(InvalidInput, match=r"^locked\.csv could not be read: permission denied\.$"):
        read_agency_file(locked)


def test_a_path_no_file_can_have_is_one_line() -> None:
    with pytest.raises(InvalidInput, match="not a file path"):
        read_agency_file(Path("bad\0name.csv"))
