"""Reading a list of partner agencies from a CSV file, as a spreadsheet saves one.

Services keep their agency lists in spreadsheets, so the reader takes what Excel and
others write: UTF-8 with or without a byte-order mark, Excel's older Windows-1252, and
commas, semicolons (Excel in much of Europe) or tabs between cells. The first row names
the columns; headings are matched ignoring case, spaces and punctuation, with the usual
other words for each ("Telephone" for phone, "Contact" for contact name).

Rows are checked one by one and each row that cannot be used is reported with its row
number as the spreadsheet shows it (the heading row is row 1), so the keyworker can put
it right. A file that cannot be read at all raises `InvalidInput` with one plain line.
Nothing here saves anything: the caller imports what was read, all in one go.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from keyworker.errors import InvalidInput
from keyworker.plans import Agency
from keyworker.vocabulary import AGENCY_CATEGORIES

MAX_FILE_BYTES = 2_000_000
"""Far more than any agency list needs: thousands of agencies with their details."""
MAX_ROWS = 5_000
SHOWN_VALUE = 30
"""The most of a cell a message repeats back."""

DELIMITERS = {",": "comma", ";": "semicolon", "\t": "tab"}

COLUMNS: dict[str, tuple[str, ...]] = {
    "name": (
        "name",
        "agency",
        "agencyname",
        "organisation",
        "organisationname",
        "organization",
        "organizationname",
        "service",
        "servicename",
    ),
    "category": ("category", "agencycategory", "type", "agencytype", "servicetype"),
    "contact_name": ("contact", "contactname", "contactperson", "keycontact", "namedcontact"),
    "phone": (
        "phone",
        "phonenumber",
        "phoneno",
        "telephone",
        "telephonenumber",
        "tel",
        "telno",
        "contactnumber",
        "number",
    ),
    "email": ("email", "emailaddress", "mail"),
    "address": (
        "address",
        "postaladdress",
        "fulladdress",
        "addressline1",
        "addressline2",
        "addressline3",
        "address1",
        "address2",
        "address3",
        "street",
        "town",
        "city",
        "county",
        "postcode",
        "postalcode",
    ),
    "website": ("website", "websiteaddress", "web", "webaddress", "url", "site"),
    "notes": ("notes", "note", "comments", "comment", "description", "details"),
}
"""Each field and the headings taken for it, as `_key` leaves them. Several address
columns (street, town, postcode...) are joined into the one address."""

COLUMN_WORDS = {
    "name": "name",
    "category": "category",
    "contact_name": "contact name",
    "phone": "phone number",
    "email": "email address",
    "address": "address",
    "website": "website",
    "notes": "note",
}
REQUIRED = ("name", "category")
ADDRESS_JOIN = ", "

_HEADINGS = {heading: name for name, headings in COLUMNS.items() for heading in headings}


def _key(text: str) -> str:
    """A heading or category as compared: lower case letters and digits only, & as "and"."""
    return re.sub(r"[^a-z0-9]", "", text.casefold().replace("&", "and"))


def _category_keys() -> dict[str, str]:
    keys: dict[str, str] = {}
    for term in AGENCY_CATEGORIES:
        keys[_key(term.code)] = term.code
        keys[_key(term.label)] = term.code
    return keys


@dataclass(frozen=True)
class RowProblem:
    """Why one row of the file cannot be used."""

    row: int
    """As the spreadsheet numbers it: the heading row is row 1."""
    problems: tuple[str, ...]

    def __str__(self) -> str:
        return f"Row {self.row}: {'; '.join(self.problems)}."


@dataclass(frozen=True)
class AgencyList:
    """What a file held: the agencies that can be imported and the rows that cannot."""

    agencies: tuple[Agency, ...]
    problems: tuple[RowProblem, ...] = ()
    unused_columns: tuple[str, ...] = ()
    """Headings of columns nothing is read from, to say so rather than drop them quietly."""

    @property
    def rows_read(self) -> int:
        return len(self.agencies) + len(self.problems)


@dataclass(frozen=True)
class ImportPreview:
    """What importing the agencies would do to the directory."""

    new: int = 0
    changed: int = 0
    unchanged: int = 0

    @property
    def total(self) -> int:
        return self.new + self.changed + self.unchanged


@dataclass
class _Columns:
    """Where each field is in a row, by cell index."""

    at: dict[str, list[int]] = field(default_factory=dict)
    width: int = 0
    unused: list[str] = field(default_factory=list)


# Reading a file ------------------------------------------------------------------------


def read_agency_file(path: Path) -> AgencyList:
    """The agencies in a CSV file; raises InvalidInput when the file cannot be read at all."""
    name = path.name or str(path)
    if "\0" in str(path):
        raise InvalidInput("That is not a file path: it has a character paths cannot have.")
    try:
        if not path.exists():
            raise InvalidInput(f"There is no file at {path}.")
        if path.is_dir():
            raise InvalidInput(f"{path} is a folder. Give the CSV file inside it.")
        if not path.is_file():
            raise InvalidInput(f"{name} is not a file that can be read as CSV.")
        with path.open("rb") as file:
            data = file.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        reason = (exc.strerror or "it could not be opened").lower()
        raise InvalidInput(f"{name} could not be read: {reason}.") from None
    return parse_agency_csv(data, name)


def parse_agency_csv(data: bytes, name: str = "The file") -> AgencyList:
    """The agencies in CSV bytes; `name` is how messages speak of the file."""
    if len(data) > MAX_FILE_BYTES:
        raise InvalidInput(
            f"{name} is too big for a list of agencies "
            f"(the most is {MAX_FILE_BYTES // 1_000_000} MB)."
        )
    text = _decode(data, name)
    if not text.strip():
        raise InvalidInput(f"{name} is empty.")
    delimiter = _delimiter(text)
    records = _records(text, delimiter, name)
    header = next(records, None)
    if header is None:
        raise InvalidInput(f"{name} is empty.")
    columns = _columns(header, name)
    categories = _category_keys()
    agencies: list[Agency] = []
    problems: list[RowProblem] = []
    first_row_named: dict[str, int] = {}
    for number, cells in enumerate(records, start=2):
        if number > MAX_ROWS + 1:
            raise InvalidInput(
                f"{name} has more than {MAX_ROWS:,} rows, too many to import at once."
            )
        if not any(cell.strip() for cell in cells):
            continue
        agency, wrong = _row(cells, columns, categories, DELIMITERS[delimiter])
        named = _cell_of(cells, columns, "name").strip().casefold()
        if named:
            earlier = first_row_named.setdefault(named, number)
            if earlier != number:
                wrong.append(f"the name is the same as on row {earlier}; list each agency once")
        if wrong:
            problems.append(RowProblem(number, tuple(wrong)))
        elif agency is not None:
            agencies.append(agency)
    if not agencies and not problems:
        raise InvalidInput(f"{name} has its column headings but no agencies under them.")
    return AgencyList(tuple(agencies), tuple(problems), tuple(columns.unused))


def _decode(data: bytes, name: str) -> str:
    if data.startswith(b"PK\x03\x04") or data.startswith(b"\xd0\xcf\x11\xe0"):
        raise InvalidInput(
            f"{name} is a spreadsheet workbook, not a CSV file. "
            "Save it from the spreadsheet as CSV and import that."
        )
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encodings: Sequence[str] = ("utf-16",)
    elif data.startswith(codecs.BOM_UTF8):
        encodings = ("utf-8-sig",)
    else:
        encodings = ("utf-8", "cp1252")
    for encoding in encodings:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" not in text:
            return text
        break
    raise InvalidInput(f"{name} is not a CSV file: it does not hold text.")


def _delimiter(text: str) -> str:
    """The separator that makes the most of the first row into known headings."""

    def known(delimiter: str) -> int:
        first = next(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), [])
        return sum(_key(cell) in _HEADINGS for cell in first)

    return max(DELIMITERS, key=known)  # the first of equals: comma


def _records(text: str, delimiter: str, name: str) -> Iterator[list[str]]:
    """Each record of the file as a list of cells, failing in plain words."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    row = 0
    while True:
        row += 1
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            if "field larger" in str(exc):
                raise InvalidInput(
                    f"Row {row} of {name} has a cell too long to be part of an agency list."
                ) from None
            raise InvalidInput(
                f"{name} could not be read past row {row}: a quote mark there is out of "
                "place or never closed. Check that row in a spreadsheet."
            ) from None
        yield [cell.replace("\r\n", "\n").replace("\r", "\n") for cell in cells]


def _columns(header: list[str], name: str) -> _Columns:
    columns = _Columns(width=len(header))
    for index, heading in enumerate(header):
        field_name = _HEADINGS.get(_key(heading))
        if field_name is None:
            if heading.strip():
                columns.unused.append(_shown(heading.strip()))
            continue
        found = columns.at.setdefault(field_name, [])
        if found and field_name != "address":
            raise InvalidInput(
                f"{name} has two {COLUMN_WORDS[field_name]} columns "
                f"({_letter(found[0])} and {_letter(index)}). Keep one and import again."
            )
        found.append(index)
    missing = [COLUMN_WORDS[f].capitalize() for f in REQUIRED if f not in columns.at]
    if len(missing) == len(REQUIRED):
        raise InvalidInput(
            f"The first row of {name} must be the column headings, "
            "with at least a Name and a Category column."
        )
    if missing:
        raise InvalidInput(f"{name} has no {missing[0]} column; every agency needs one.")
    return columns


def _letter(index: int) -> str:
    """A column as a spreadsheet names it: 0 -> A, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def _shown(value: str) -> str:
    """As much of a value as a message needs to repeat."""
    value = " ".join(value.split())
    return value if len(value) <= SHOWN_VALUE else value[: SHOWN_VALUE - 1] + "…"


# One row ------------------------------------------------------------------------------


def _row(
    cells: list[str], columns: _Columns, categories: dict[str, str], separator: str
) -> tuple[Agency | None, list[str]]:
    """The agency in a row, or None, and what is wrong with the row in words."""
    wrong: list[str] = []
    if any(cell.strip() for cell in cells[columns.width :]):
        wrong.append(
            f"it has more cells than there are column headings (is there a {separator} "
            "inside a cell that is not in quotes?)"
        )

    data: dict[str, Any] = {f: _cell_of(cells, columns, f).strip() for f in COLUMNS}
    data["email"] = data["email"] or None
    if not data["name"]:
        wrong.append("no name")
        data["name"] = "-"  # a stand-in, so the other cells are still checked
    category = data["category"]
    if not category:
        wrong.append("no category")
    elif _key(category) not in categories:
        allowed = "; ".join(term.label for term in AGENCY_CATEGORIES)
        wrong.append(
            f'the category "{_shown(category)}" is not one we know (use one of: {allowed})'
        )
    data["category"] = categories.get(_key(category), AGENCY_CATEGORIES.codes[0])
    try:
        agency = Agency.model_validate(data)
    except ValidationError as exc:
        wrong.extend(_plain(error) for error in exc.errors(include_url=False))
        return None, wrong
    return (None if wrong else agency), wrong


def _cell_of(cells: list[str], columns: _Columns, field_name: str) -> str:
    """A field's cell in a row; address parts joined; "" for a column not in the file."""
    parts = (cells[i].strip() for i in columns.at.get(field_name, ()) if i < len(cells))
    return ADDRESS_JOIN.join(part for part in parts if part)


def _plain(error: Any) -> str:
    """One of pydantic's errors about a cell, in the keyworker's words."""
    location = error["loc"][0] if error["loc"] else ""
    words = COLUMN_WORDS.get(str(location), "row")
    kind = error["type"]
    ctx = error.get("ctx") or {}
    if location == "email":
        return "the email address is not a valid one (write it like name@example.org)"
    if kind == "string_too_long":
        return f"the {words} is longer than {ctx['max_length']:,} characters"
    if kind == "value_error":
        text = str(ctx.get("error", error["msg"])).removeprefix("Value error, ")
        return f"the {words} {text}" if text.startswith(("is ", "must ", "contains ")) else text
    return f"the {words} could not be read"


# What an import would do -----------------------------------------------------------------


def preview_import(agencies: Iterable[Agency], directory: Iterable[Agency]) -> ImportPreview:
    """How many of `agencies` are new, would change one in the directory, or match it.

    Matches by name ignoring case, as `Caseload.import_agencies` does; an archived agency
    brought back counts as changed.
    """
    known = {agency.name.casefold(): agency for agency in directory}
    new = changed = unchanged = 0
    for agency in agencies:
        stored = known.get(agency.name.casefold())
        if stored is None:
            new += 1
        elif agency.model_copy(update={"id": stored.id, "archived": False}) != stored:
            changed += 1
        else:
            unchanged += 1
    return ImportPreview(new, changed, unchanged)


def counted(count: int, thing: str, things: str | None = None) -> str:
    return f"{count:,} {thing if count == 1 else (things or thing + 's')}"


def report_heading(preview: ImportPreview, problems: int) -> str:
    """ "12 agencies ready (9 new, 3 to update). 2 rows could not be read:" """
    if preview.total:
        parts = [
            f"{preview.new:,} new" if preview.new else "",
            f"{preview.changed:,} to update" if preview.changed else "",
            f"{preview.unchanged:,} already up to date" if preview.unchanged else "",
        ]
        what = ", ".join(p for p in parts if p)
        ready = f"{counted(preview.total, 'agency', 'agencies')} ready ({what})."
    else:
        ready = "No agencies could be read."
    if not problems:
        return ready
    if not preview.total:
        return f"None of the {counted(problems, 'row')} could be read:"
    return f"{ready} {counted(problems, 'row')} could not be read:"


def imported_words(added: int, updated: int) -> str:
    """What an import did, in a sentence."""
    if added and updated:
        return f"Added {counted(added, 'agency', 'agencies')} and updated {updated:,}."
    if added:
        return f"Added {counted(added, 'agency', 'agencies')}."
    if updated:
        return f"Updated {counted(updated, 'agency', 'agencies')}."
    return "Nothing to change: the directory already has these agencies as they are."
