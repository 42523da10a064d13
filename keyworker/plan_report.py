"""The referrals and plans report: what the caseload's work added up to over a date range.

Counts only, never names, case references or free text, so the report (and the CSV it
writes) holds nothing personal. Every day from the start to the end is included, both
ends too. The figures are:

- **Referrals made**: referrals made (their `made_on`) in the range, counted by the
  category of the agency referred to and by where each referral stands now (its current
  status), with a total for each row and column. Every category and status is listed,
  even at 0. A referral made before the range is not counted, whatever happened to it
  in the range.
- **People referred**: how many different people those referrals were for.
- **Signposting**: information given without a referral, in the range, by pathway, with
  how many different people it was given to. Counted apart from referrals.
- **Goals achieved**: goals whose date achieved falls in the range, by pathway, from
  every plan as it stands now (its latest revision), live or ended, with how many
  different people achieved them. A goal since reopened or deleted is not counted.
- **Plan agreement**: the answers people gave when asked to agree their plan, dated in
  the range: agreed, did not agree, could not answer. Agreeing again after the plan
  changed is another answer; the people column counts each person once.

`build_report` works these out from what the caseload gives it (`referrals_made`,
`signposts_given`, `all_plans`, `agencies(archived=True)`); `report_tables` lays them out
as the tables the app and the `keyworker report referrals` command show; `report_csv`
writes them as one tidy table for a spreadsheet: a row a figure, with the columns
from, to, section, group, measure, count.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING
from uuid import UUID

from keyworker.dates import uk_date
from keyworker.errors import InvalidInput
from keyworker.plans import Agency, Plan, Referral, Signpost, latest_revisions
from keyworker.vocabulary import AGENCY_CATEGORIES, AGREEMENTS, PATHWAYS, REFERRAL_STATUSES

if TYPE_CHECKING:
    from rich.table import Table

NOT_IN_DIRECTORY = "not_in_directory"
"""The category of a referral whose agency is missing from the directory."""
NOT_IN_DIRECTORY_LABEL = "Agency not in the directory"
TOTAL = "Total"
LABEL_MIN_WIDTH = 19
"""A table's labels wrap onto more lines rather than narrow past this."""
PEOPLE = "People"

REFERRALS_SECTION = "Referrals made"
SIGNPOSTS_SECTION = "Signposting"
GOALS_SECTION = "Goals achieved"
AGREEMENT_SECTION = "Plan agreement"
CSV_COLUMNS = ("from", "to", "section", "group", "measure", "count")

NOTHING_PERSONAL = "Counts only: no names, case references or notes."


@dataclass(frozen=True)
class ReferralReport:
    """The figures for one date range; see the module docstring for what each counts."""

    start: date
    end: date
    categories: tuple[str, ...]
    """Agency category codes, in the vocabulary's order: the rows of `referrals`."""
    statuses: tuple[str, ...]
    """Referral status codes, in the vocabulary's order: the columns of `referrals`."""
    referrals: tuple[tuple[int, ...], ...]
    """Referrals made in the range: a row a category, a column a current status."""
    people_referred: int
    pathways: tuple[str, ...]
    signposts: tuple[int, ...]
    """Signposting given in the range, one count a pathway."""
    people_signposted: int
    goals_achieved: tuple[int, ...]
    """Goals achieved in the range, one count a pathway."""
    people_achieving: int
    answers: tuple[str, ...]
    """Plan agreement answer codes: agreed, did not agree, could not answer."""
    answer_counts: tuple[int, ...]
    answer_people: tuple[int, ...]
    people_answering: int
    """Different people who gave any answer in the range."""

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def referrals_total(self) -> int:
        return sum(map(sum, self.referrals))

    def status_totals(self) -> tuple[int, ...]:
        return tuple(sum(column) for column in zip(*self.referrals, strict=True))

    def answered(self, answer: str) -> int:
        """How many times `answer` was given in the range."""
        return self.answer_counts[self.answers.index(answer)]


def check_range(start: date, end: date) -> None:
    if end < start:
        raise InvalidInput(
            f"The report cannot end ({uk_date(end)}) before it starts ({uk_date(start)}). "
            "Choose an end date on or after the start date."
        )


def build_report(
    start: date,
    end: date,
    referrals: Iterable[Referral],
    signposts: Iterable[Signpost],
    plans: Iterable[Plan],
    agencies: Iterable[Agency],
) -> ReferralReport:
    """The report for `start` to `end`, both days included.

    Anything outside the range is left out here, so the lists may hold more than the
    range; `plans` may hold every revision (only each plan's latest is counted).

    Raises:
        InvalidInput: `end` is before `start`.
    """
    check_range(start, end)

    def within(day: date | None) -> bool:
        return day is not None and start <= day <= end

    made = [r for r in referrals if within(r.made_on)]
    given = [s for s in signposts if within(s.given_on)]
    latest = latest_revisions(plans)
    category_of = {a.id: a.category for a in agencies}

    categories = AGENCY_CATEGORIES.codes
    found = [category_of.get(r.agency_id, NOT_IN_DIRECTORY) for r in made]
    if NOT_IN_DIRECTORY in found:
        categories.append(NOT_IN_DIRECTORY)
    statuses = REFERRAL_STATUSES.codes
    table = [[0] * len(statuses) for _ in categories]
    for referral, category in zip(made, found, strict=True):
        table[categories.index(category)][statuses.index(referral.status)] += 1

    achieved = [
        (plan.client_id, goal.pathway)
        for plan in latest
        for goal in plan.goals
        if within(goal.achieved_on)
    ]
    answered = [
        (plan.client_id, agreement.answer)
        for plan in latest
        for agreement in plan.agreements
        if within(agreement.on)
    ]
    answers = AGREEMENTS.codes
    pathways = PATHWAYS.codes
    return ReferralReport(
        start=start,
        end=end,
        categories=tuple(categories),
        statuses=tuple(statuses),
        referrals=tuple(tuple(row) for row in table),
        people_referred=len({r.client_id for r in made}),
        pathways=tuple(pathways),
        signposts=_counted(pathways, [s.pathway for s in given]),
        people_signposted=len({s.client_id for s in given}),
        goals_achieved=_counted(pathways, [pathway for _, pathway in achieved]),
        people_achieving=len({who for who, _ in achieved}),
        answers=tuple(answers),
        answer_counts=_counted(answers, [answer for _, answer in answered]),
        answer_people=tuple(_people(answered, answer) for answer in answers),
        people_answering=len({who for who, _ in answered}),
    )


def _counted(codes: Sequence[str], found: Sequence[str]) -> tuple[int, ...]:
    return tuple(found.count(code) for code in codes)


def _people(answered: Sequence[tuple[UUID, str]], answer: str) -> int:
    return len({who for who, said in answered if said == answer})


# Ranges offered in the app -----------------------------------------------------------


def month_so_far(today: date) -> tuple[date, date]:
    """The start of this month to today."""
    return today.replace(day=1), today


def last_month(today: date) -> tuple[date, date]:
    """The whole of the month before this one."""
    end = today.replace(day=1) - timedelta(days=1)
    return end.replace(day=1), end


def quarter_so_far(today: date) -> tuple[date, date]:
    """The start of this quarter (January, April, July or October) to today.

    The same quarters as the financial year's, which starts in April.
    """
    return date(today.year, (today.month - 1) // 3 * 3 + 1, 1), today


def financial_year_so_far(today: date) -> tuple[date, date]:
    """1 April (this year's, or last year's before April) to today."""
    year = today.year if today.month >= 4 else today.year - 1
    return date(year, 4, 1), today


RANGES: dict[str, Callable[[date], tuple[date, date]]] = {
    "month": month_so_far,
    "last_month": last_month,
    "quarter": quarter_so_far,
    "year": financial_year_so_far,
}
"""Ranges offered with one key in the app, by name: each works out the range from today."""


# Tables -----------------------------------------------------------------------------


@dataclass(frozen=True)
class TableRow:
    label: str
    counts: tuple[int, ...]


@dataclass(frozen=True)
class ReportTable:
    """One table of the report as the app, the command and the CSV give it.

    The last row is the total; `people` is how many different people the table's
    figures are for, when the table has no column for them.
    """

    key: str
    """What the table is of, for finding it: referrals, signposts, goals, agreements."""
    section: str
    """Its name in the CSV's section column."""
    title: str
    columns: tuple[str, ...]
    """The heading of the row labels, then of each count."""
    rows: tuple[TableRow, ...]
    note: str
    people: int | None = None


def days_words(start: date, end: date) -> str:
    """22 days, both included"""
    count = (end - start).days + 1
    return "1 day" if count == 1 else f"{count} days, both included"


def range_words(start: date, end: date) -> str:
    """01/11/2026 to 22/11/2026 (22 days, both included)"""
    return f"{uk_date(start)} to {uk_date(end)} ({days_words(start, end)})"


def people_words(count: int, done: str) -> str:
    """1 person referred; 3 different people referred; nobody referred."""
    if count == 1:
        return f"1 person {done}."
    return f"{count} different people {done}." if count else f"Nobody {done}."


def report_tables(report: ReferralReport) -> tuple[ReportTable, ...]:
    """The referrals, signposting, goals and agreement tables, in that order."""
    return (
        _referral_table(report),
        _pathway_table(
            report,
            "signposts",
            SIGNPOSTS_SECTION,
            "Signposting (information given, no referral made), by pathway",
            "Signposts",
            report.signposts,
            report.people_signposted,
            "signposted",
        ),
        _pathway_table(
            report,
            "goals",
            GOALS_SECTION,
            "Goals achieved, by pathway (from each plan as it stands)",
            "Goals achieved",
            report.goals_achieved,
            report.people_achieving,
            "achieved a goal",
        ),
        _agreement_table(report),
    )


def category_label(code: str) -> str:
    return NOT_IN_DIRECTORY_LABEL if code == NOT_IN_DIRECTORY else AGENCY_CATEGORIES.label(code)


def _referral_table(report: ReferralReport) -> ReportTable:
    rows = [
        TableRow(category_label(code), (*counts, sum(counts)))
        for code, counts in zip(report.categories, report.referrals, strict=True)
    ]
    rows.append(TableRow(TOTAL, (*report.status_totals(), report.referrals_total)))
    return ReportTable(
        "referrals",
        REFERRALS_SECTION,
        "Referrals made, by the agency's category and where each stands now",
        ("Agency category", *(REFERRAL_STATUSES.label(s) for s in report.statuses), TOTAL),
        tuple(rows),
        people_words(report.people_referred, "referred"),
        report.people_referred,
    )


def _pathway_table(
    report: ReferralReport,
    key: str,
    section: str,
    title: str,
    measure: str,
    counts: tuple[int, ...],
    people: int,
    done: str,
) -> ReportTable:
    rows = [
        TableRow(PATHWAYS.label(code), (count,))
        for code, count in zip(report.pathways, counts, strict=True)
    ]
    rows.append(TableRow(TOTAL, (sum(counts),)))
    return ReportTable(
        key, section, title, ("Pathway", measure), tuple(rows), people_words(people, done), people
    )


def _agreement_table(report: ReferralReport) -> ReportTable:
    rows = [
        TableRow(AGREEMENTS.label(code), (count, people))
        for code, count, people in zip(
            report.answers, report.answer_counts, report.answer_people, strict=True
        )
    ]
    rows.append(TableRow(TOTAL, (sum(report.answer_counts), report.people_answering)))
    return ReportTable(
        "agreements",
        AGREEMENT_SECTION,
        "Plan agreement: the answers people gave when asked to agree their plan",
        ("Answer", "Answers", PEOPLE),
        tuple(rows),
        "Agreeing again after the plan changed is another answer; People counts each once.",
    )


def rich_table(table: ReportTable) -> Table:
    """A report table for a terminal: counts right-aligned, the total row ruled off below.

    The title is left to the caller, so it can wrap to the screen rather than the table.
    """
    from rich import box
    from rich.table import Table
    from rich.text import Text

    *rows, total = table.rows
    shown = Table(
        box=box.SIMPLE,
        header_style="bold",
        footer_style="bold",
        show_footer=True,
        show_edge=False,
        padding=0,
    )
    shown.add_column(table.columns[0], footer=total.label, min_width=LABEL_MIN_WIDTH)
    for heading, count in zip(table.columns[1:], total.counts, strict=True):
        shown.add_column(heading, footer=str(count), justify="right", no_wrap=True)
    for row in rows:
        shown.add_row(Text(row.label), *(str(n) for n in row.counts))
    return shown


# CSV --------------------------------------------------------------------------------


def report_file_name(report: ReferralReport) -> str:
    """referrals-report-2026-11-01-to-2026-11-22.csv: the range, never anyone's name."""
    return f"referrals-report-{report.start.isoformat()}-to-{report.end.isoformat()}.csv"


def report_rows(report: ReferralReport) -> list[tuple[str, str, str, int]]:
    """Every figure the tables show as (section, group, measure, count), in their order.

    A table's cell is its row's label (the group) and its column's heading (the
    measure); a table's different people are a "People" figure on its total row.
    """
    found: list[tuple[str, str, str, int]] = []
    for table in report_tables(report):
        for row in table.rows:
            found.extend(
                (table.section, row.label, measure, count)
                for measure, count in zip(table.columns[1:], row.counts, strict=True)
            )
        if table.people is not None:
            found.append((table.section, TOTAL, PEOPLE, table.people))
    return found


def report_csv(report: ReferralReport) -> str:
    """The report as one CSV table, a row a figure, each row carrying the range.

    Columns: from, to (the range, as 01/11/2026), section, group (the agency category,
    pathway or answer, or Total), measure (the referral status, what is counted, or
    People), count.
    """
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    start, end = uk_date(report.start), uk_date(report.end)
    for section, group, measure, count in report_rows(report):
        writer.writerow((start, end, _cell(section), _cell(group), _cell(measure), count))
    return out.getvalue()


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(text: str) -> str:
    """Text a spreadsheet will not run as a formula (a service's own labels included)."""
    return "'" + text if text.startswith(_FORMULA_START) else text
