"""`keyworker report referrals`: the referrals and plans report from the command line.

Shown as text tables, or written as CSV with `--csv FILE`. The report holds counts only
(see `keyworker.plan_report`), so the file holds nothing personal. Like `keyworker.cli`,
this wires storage in, and imports it only when the command runs.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from typing import TYPE_CHECKING

from keyworker.clock import Clock
from keyworker.errors import ExportFailed, InvalidInput

if TYPE_CHECKING:
    from keyworker.plan_report import ReferralReport

DATE_HELP = "like 1/11/2026, 1 Nov, 1/11 (this year) or today"


def add_report_commands(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    common: argparse.ArgumentParser,
) -> None:
    """Add `report referrals` to the `keyworker` command's subcommands."""
    report = commands.add_parser(
        "report", parents=[common], help="reports over a date range: counts only, nothing personal"
    )
    reports = report.add_subparsers(title="commands", metavar="COMMAND", required=True)
    referrals = reports.add_parser(
        "referrals",
        parents=[common],
        help="referrals by category and status, signposting, goals achieved and plans agreed",
        description=(
            "Counts for the days from --from to --to, both included: referrals made, by the "
            "agency's category and where each stands now; signposting and goals achieved, "
            "by pathway; and people's answers when asked to agree their plan."
        ),
    )
    referrals.add_argument(
        "--from", dest="start", required=True, metavar="DATE", help=f"the first day, {DATE_HELP}"
    )
    referrals.add_argument(
        "--to", dest="end", required=True, metavar="DATE", help=f"the last day, {DATE_HELP}"
    )
    referrals.add_argument(
        "--csv",
        metavar="FILE",
        help="write the report as CSV to FILE (or into a folder, named for the dates)",
    )
    referrals.add_argument(
        "--replace", action="store_true", help="replace a file already there (with --csv)"
    )
    referrals.set_defaults(run=run_referrals_report)


def read_range(start: str, end: str, today: date) -> tuple[date, date]:
    """The days typed for --from and --to; InvalidInput naming the option at fault."""
    from keyworker.dates import parse_date
    from keyworker.plan_report import check_range

    days = []
    for option, text in (("--from", start), ("--to", end)):
        try:
            days.append(parse_date(text, today))
        except InvalidInput as exc:
            raise InvalidInput(f"{option}: {exc}") from None
    check_range(*days)
    return days[0], days[1]


def run_referrals_report(args: argparse.Namespace, clock: Clock) -> int:
    from keyworker.cli import _export_path, _open
    from keyworker.plan_report import build_report, range_words, report_csv, report_file_name

    start, end = read_range(args.start, args.end, clock.today())
    if args.replace and not args.csv:
        raise InvalidInput("--replace is for use with --csv FILE; nothing was written.")
    with _open(args, clock) as caseload:
        report = build_report(
            start,
            end,
            caseload.referrals_made(start, end),
            caseload.signposts_given(start, end),
            caseload.all_plans(),
            caseload.agencies(archived=True),
        )
    if not args.csv:
        print_report(report)
        return 0
    from storage.exports import default_export_folder, write_export

    target = _export_path(args.csv, default_export_folder(), report_file_name(report))
    try:
        written = write_export(target, report_csv(report), replace=args.replace)
    except ExportFailed as exc:
        if not exc.file_exists:
            raise
        raise ExportFailed(
            f"There is already a file {target}. Nothing was written: add --replace to "
            "replace it, or choose another name with --csv.",
            file_exists=True,
        ) from None
    said = range_words(report.start, report.end)
    print(f"Wrote the referrals and plans report for {said} to {written}")
    print("It holds counts only: no names, case references or notes.")
    return 0


def print_report(report: ReferralReport) -> None:
    from rich.console import Console

    from keyworker.plan_report import NOTHING_PERSONAL, range_words, report_tables, rich_table

    # Off a terminal (a pipe or a file), rows are never wrapped into two lines.
    console = Console(highlight=False, width=None if sys.stdout.isatty() else 200)
    console.print(
        f"Referrals and plans report: {range_words(report.start, report.end)}", markup=False
    )
    console.print(NOTHING_PERSONAL, markup=False)
    for table in report_tables(report):
        console.print()
        console.print(table.title, style="bold", markup=False)
        console.print(rich_table(table))
        console.print(table.note, markup=False)
