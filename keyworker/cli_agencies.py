"""The `keyworker agencies` commands: list the partner agency directory, import a CSV file.

An import is all or nothing: unless `--skip-bad` is given, one row that cannot be read
means nothing is imported, and every such row is named so it can be put right. The file
is read before the caseload is unlocked, so a bad file fails at once.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from keyworker.clock import Clock
from keyworker.errors import InvalidInput
from keyworker.vocabulary import AGENCY_CATEGORIES

if TYPE_CHECKING:
    from keyworker.plans import Agency


def add_agency_commands(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    common: argparse.ArgumentParser,
) -> None:
    """Add `agencies list` and `agencies import` to the `keyworker` command."""
    agencies = commands.add_parser(
        "agencies", parents=[common], help="the partner agency directory (list it, import a CSV)"
    )
    agency_commands = agencies.add_subparsers(title="commands", metavar="COMMAND", required=True)
    listing = agency_commands.add_parser(
        "list", parents=[common], help="list the agencies in the directory"
    )
    listing.add_argument("--json", action="store_true", help="print JSON for scripts")
    listing.add_argument(
        "--archived", action="store_true", help="include archived agencies (no longer offered)"
    )
    listing.set_defaults(run=run_agencies_list)
    importing = agency_commands.add_parser(
        "import",
        parents=[common],
        help="add or update agencies from a CSV file (all of it, or nothing)",
    )
    importing.add_argument(
        "file",
        metavar="FILE",
        help="a CSV file with a heading row; Name and Category columns are needed",
    )
    importing.add_argument(
        "--skip-bad",
        action="store_true",
        help="import the rows that can be read and leave out the rest (default: import nothing)",
    )
    importing.set_defaults(run=run_agencies_import)


def run_agencies_list(args: argparse.Namespace, clock: Clock) -> int:
    from keyworker.cli import _open

    with _open(args, clock) as caseload:
        agencies = caseload.agencies(archived=args.archived)
    if args.json:
        print(json.dumps([a.model_dump(mode="json") for a in agencies], indent=2))
    else:
        _print_agencies(agencies, args.archived)
    return 0


def _print_agencies(agencies: list[Agency], with_archived: bool) -> None:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    from keyworker.agency_csv import counted

    table = Table(box=None, header_style="bold", pad_edge=False)
    headings = ["Name", "Category", "Phone", "Email"]
    if with_archived:
        headings.append("Archived")
    for heading in headings:
        table.add_column(heading)
    for agency in agencies:
        cells = [
            agency.name,
            AGENCY_CATEGORIES.label(agency.category),
            agency.phone,
            agency.email or "",
        ]
        if with_archived:
            cells.append("Archived" if agency.archived else "")
        table.add_row(*(Text(cell) for cell in cells))
    console = Console(highlight=False, width=None if sys.stdout.isatty() else 200)
    console.print(table)
    console.print(counted(len(agencies), "agency", "agencies"), markup=False)


def run_agencies_import(args: argparse.Namespace, clock: Clock) -> int:
    from keyworker.agency_csv import counted, imported_words, read_agency_file
    from keyworker.cli import _open

    found = read_agency_file(Path(args.file).expanduser())
    for problem in found.problems:
        print(problem)
    if found.unused_columns:
        print(f"Columns not used: {', '.join(found.unused_columns)}.")
    bad = counted(len(found.problems), "row")
    if not found.agencies:
        raise InvalidInput(f"None of the rows could be read ({bad}), so nothing was imported.")
    if found.problems and not args.skip_bad:
        raise InvalidInput(
            f"Nothing was imported: {bad} could not be read. Put them right and import "
            f"again, or use --skip-bad to import the other {len(found.agencies):,}."
        )
    with _open(args, clock) as caseload:
        added, updated = caseload.import_agencies(found.agencies)
    words = imported_words(added, updated)
    if found.problems:
        words += f" Left out {bad} that could not be read."
    print(words)
    return 0
