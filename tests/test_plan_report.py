"""The referrals and plans report, checked against a caseload counted by hand.

`report_caseload` builds the fixture through the caseload, as the app would. The
figures each test expects are counted by hand from the list in its docstring, for the
range 01/11/2026 to 22/11/2026 (the month so far on the fixed clock's 22/11/2026).
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import stat
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from uuid import UUID

import pytest
from hypothesis import given
from hypothesis import strategies as st

from keyworker import cli
from keyworker import plans as pl
from keyworker.cli_report import add_report_commands
from keyworker.clock import FixedClock
from keyworker.errors import InvalidInput
from keyworker.models import Client
from keyworker.plan_report import (
    ReferralReport,
    ReportTable,
    build_report,
    financial_year_so_far,
    last_month,
    month_so_far,
    quarter_so_far,
    report_csv,
    report_file_name,
    report_tables,
)
from keyworker.plans import Agency, Goal, Plan, Signpost
from keyworker.vocabulary import AGENCY_CATEGORIES, PATHWAYS, REFERRAL_STATUSES
from storage import Caseload
from tests.conftest import NOW, make_client

START = date(2026, 11, 1)
END = date(2026, 11, 22)


def d(day: int, month: int = 11) -> date:
    return date(2026, month, day)


@dataclass(frozen=True)
class People:
    dan: Client
    priya: Client
    lee: Client
    chris: Client


def _refer(
    caseload: Caseload, client: Client, agency: Agency, made: date, *moves: tuple[str, date]
) -> None:
    referral = caseload.add_referral(
        pl.new_referral(client.id, agency.id, "accommodation", made, "phone", notes="Private")
    )
    for status, on in moves:
        referral = pl.referral_moved(referral, status, on)
        caseload.update_referral(referral)


def _signpost(caseload: Caseload, client: Client, on: date, pathway: str) -> None:
    caseload.add_signpost(
        Signpost(client_id=client.id, given_on=on, pathway=pathway, information="Leaflet")
    )


def _goal(pathway: str, **fields) -> Goal:
    return Goal(pathway=pathway, words="In their own words", added_on=d(1, 9), **fields)


def _achieved(plan: Plan, pathway: str, on: date | None) -> Plan:
    """The plan with its goal on `pathway` achieved on `on` (or made active again)."""
    goals = [
        g.model_copy(
            update={"status": "achieved" if on else "active", "achieved_on": on}
            if g.pathway == pathway
            else {}
        )
        for g in plan.goals
    ]
    return plan.model_copy(update={"goals": goals})


def report_caseload(caseload: Caseload) -> People:
    """Four people, four agencies, and work inside and outside 01/11 to 22/11/2026.

    Referrals (made on; where each stands now):
      Dan   Housing (accommodation)  01/11 made                        counted (first day)
      Dan   Recovery (dependency)    05/11 accepted 08/11, started 12/11  counted as started
      Dan   Housing                  15/11 withdrawn 16/11             counted
      Priya Housing                  22/11 made                        counted (last day)
      Priya Women's centre (archived, women's services) 10/11 declined 15/11  counted
      Lee   Jobs (education, training, employment) 03/11 accepted 04/11, completed 18/11
      Lee   Jobs                     31/10 completed 20/11             not counted (day before)
      Lee   Recovery                 23/11 made                        not counted (day after)
    Signposting: Dan accommodation 01/11 and finance 10/11; Chris finance 22/11;
      Priya health 31/10 and 23/11 (neither counted).
    Plans:
      Dan, live: accommodation achieved 20/11, finance achieved 22/11, drugs achieved
        30/10 (not counted), work active. Answers: agreed 05/10 (not counted), agreed
        03/11, did not agree 12/11, agreed 14/11.
      Priya, ended 21/11: health achieved 01/11, accommodation achieved 23/11 (not
        counted). Answer: could not answer 02/11. Then a new live plan agreed 22/11.
      Lee, live: accommodation achieved 10/11; work achieved 05/11 then made active
        again (not counted: the plan as it stands). Answer: agreed 01/11.
    """
    dan = make_client(caseload, "Daniel Price", status="active")
    priya = make_client(caseload, "Priya Shah", status="active")
    lee = make_client(caseload, "Lee Roberts", status="active")
    chris = make_client(caseload, "Chris Doyle", status="active")

    housing = caseload.add_agency(Agency(name="Northgate Housing Trust", category="accommodation"))
    recovery = caseload.add_agency(
        Agency(name="Step Forward Recovery", category="dependency_recovery")
    )
    jobs = caseload.add_agency(
        Agency(name="City Jobs Hub", category="education_training_employment")
    )
    centre = caseload.add_agency(
        Agency(name="Open Doors Women's Centre", category="womens_services")
    )

    _refer(caseload, dan, housing, d(1))
    _refer(caseload, dan, recovery, d(5), ("accepted", d(8)), ("started", d(12)))
    _refer(caseload, dan, housing, d(15), ("withdrawn", d(16)))
    _refer(caseload, priya, housing, d(22))
    _refer(caseload, priya, centre, d(10), ("declined", d(15)))
    _refer(caseload, lee, jobs, d(3), ("accepted", d(4)), ("completed", d(18)))
    _refer(caseload, lee, jobs, d(31, 10), ("completed", d(20)))
    _refer(caseload, lee, recovery, d(23))
    caseload.update_agency(centre.model_copy(update={"archived": True}))

    _signpost(caseload, dan, d(1), "accommodation")
    _signpost(caseload, dan, d(10), "finance_benefits_debt_id")
    _signpost(caseload, chris, d(22), "finance_benefits_debt_id")
    _signpost(caseload, priya, d(31, 10), "health")
    _signpost(caseload, priya, d(23), "health")

    plan = caseload.start_plan(
        Plan(
            client_id=dan.id,
            started_on=d(1, 10),
            goals=[_goal(p) for p in ("accommodation", "finance_benefits_debt_id")],
        )
    )
    plan = caseload.agree_plan(plan.id, "agreed", d(5, 10))
    plan = caseload.save_plan(
        plan.model_copy(update={"goals": [*plan.goals, _goal("education_skills_work")]})
    )
    plan = caseload.agree_plan(plan.id, "agreed", d(3))
    plan = caseload.save_plan(
        plan.model_copy(update={"goals": [*plan.goals, _goal("drugs_alcohol")]})
    )
    plan = caseload.agree_plan(plan.id, "did_not_agree", d(12))
    plan = caseload.agree_plan(plan.id, "agreed", d(14))
    plan = caseload.save_plan(_achieved(plan, "drugs_alcohol", d(30, 10)))
    plan = caseload.save_plan(_achieved(plan, "accommodation", d(20)))
    caseload.save_plan(_achieved(plan, "finance_benefits_debt_id", d(22)))

    plan = caseload.start_plan(
        Plan(
            client_id=priya.id,
            started_on=d(1, 9),
            goals=[_goal("health"), _goal("accommodation")],
        )
    )
    plan = caseload.agree_plan(plan.id, "could_not_answer", d(2))
    plan = caseload.save_plan(_achieved(plan, "health", d(1)))
    plan = caseload.save_plan(_achieved(plan, "accommodation", d(23)))
    caseload.end_plan(plan.id, d(21), "Reviewed after a move")
    plan = caseload.start_plan(Plan(client_id=priya.id, started_on=d(21), goals=[_goal("health")]))
    caseload.agree_plan(plan.id, "agreed", d(22))

    plan = caseload.start_plan(
        Plan(
            client_id=lee.id,
            started_on=d(1),
            goals=[_goal("accommodation"), _goal("education_skills_work")],
        )
    )
    plan = caseload.agree_plan(plan.id, "agreed", d(1))
    plan = caseload.save_plan(_achieved(plan, "accommodation", d(10)))
    plan = caseload.save_plan(_achieved(plan, "education_skills_work", d(5)))
    caseload.save_plan(_achieved(plan, "education_skills_work", None))
    return People(dan, priya, lee, chris)


def report_for(caseload: Caseload, start: date = START, end: date = END) -> ReferralReport:
    """As the command and the screen build it."""
    return build_report(
        start,
        end,
        caseload.referrals_made(start, end),
        caseload.signposts_given(start, end),
        caseload.all_plans(),
        caseload.agencies(archived=True),
    )


def table(report: ReferralReport, section: str) -> ReportTable:
    return next(t for t in report_tables(report) if t.section == section)


def shown(found: ReportTable) -> list[tuple[str, ...]]:
    """The table as rows of words and figures, its headings first."""
    return [found.columns, *((row.label, *map(str, row.counts)) for row in found.rows)]


@pytest.fixture
def counted(caseload: Caseload) -> ReferralReport:
    report_caseload(caseload)
    return report_for(caseload)


# The figures ------------------------------------------------------------------------


def test_referrals_are_counted_by_category_and_where_each_stands_now(
    counted: ReferralReport,
) -> None:
    assert shown(table(counted, "Referrals made")) == [
        (
            "Agency category",
            "Made",
            "Accepted",
            "Declined",
            "Started",
            "Completed",
            "Withdrawn",
            "Total",
        ),
        ("Accommodation", "2", "0", "0", "0", "0", "1", "3"),
        ("Education, training and employment", "0", "0", "0", "0", "1", "0", "1"),
        ("Finance, benefits and debt", "0", "0", "0", "0", "0", "0", "0"),
        ("Dependency and recovery", "0", "0", "0", "1", "0", "0", "1"),
        ("Family and significant others", "0", "0", "0", "0", "0", "0", "0"),
        ("Emotional wellbeing", "0", "0", "0", "0", "0", "0", "0"),
        ("Lifestyle and associates", "0", "0", "0", "0", "0", "0", "0"),
        ("Social inclusion", "0", "0", "0", "0", "0", "0", "0"),
        ("Women's services", "0", "0", "1", "0", "0", "0", "1"),
        ("Total", "2", "0", "1", "1", "1", "1", "6"),
    ]
    assert counted.people_referred == 3  # Dan, Priya and Lee
    assert table(counted, "Referrals made").note == "3 different people referred."


def test_signposting_is_counted_by_pathway_apart_from_referrals(
    counted: ReferralReport,
) -> None:
    rows = shown(table(counted, "Signposting"))
    assert rows[0] == ("Pathway", "Signposts")
    assert dict(rows[1:]) == {
        "Accommodation": "1",
        "Education, skills and work": "0",
        "Health (physical and mental health)": "0",
        "Drugs and alcohol": "0",
        "Finance, benefits, debt and ID": "2",
        "Children, families and communities": "0",
        "Attitudes, thinking and behaviour": "0",
        "Domestic and sexual abuse": "0",
        "Sex work": "0",
        "Total": "3",
    }
    assert counted.people_signposted == 2  # Dan and Chris


def test_goals_achieved_are_counted_from_each_plan_as_it_stands(
    counted: ReferralReport,
) -> None:
    rows = dict(shown(table(counted, "Goals achieved"))[1:])
    assert {label: n for label, n in rows.items() if n != "0"} == {
        "Accommodation": "2",  # Dan 20/11, Lee 10/11
        "Health (physical and mental health)": "1",  # Priya 01/11, on an ended plan
        "Finance, benefits, debt and ID": "1",  # Dan 22/11
        "Total": "4",
    }
    assert counted.people_achieving == 3


def test_plan_agreement_counts_every_answer_in_the_range_and_each_person_once(
    counted: ReferralReport,
) -> None:
    assert shown(table(counted, "Plan agreement")) == [
        ("Answer", "Answers", "People"),
        ("Agreed", "4", "3"),  # Dan twice, Priya's new plan, Lee
        ("Did not agree", "1", "1"),
        ("Could not answer", "1", "1"),
        ("Total", "6", "3"),
    ]
    assert counted.answered("agreed") == 4


def test_a_range_of_one_day_counts_that_day_only(caseload: Caseload) -> None:
    report_caseload(caseload)
    report = report_for(caseload, d(22), d(22))
    assert report.referrals_total == 1  # Priya's, made on 22/11
    assert sum(report.signposts) == 1
    assert sum(report.goals_achieved) == 1
    assert report.answer_counts == (1, 0, 0)
    assert report.days == 1


def test_an_empty_caseload_lists_every_category_at_nought(caseload: Caseload) -> None:
    report = report_for(caseload)
    referrals = table(report, "Referrals made")
    assert len(referrals.rows) == 10  # nine categories and the total
    assert all(set(row.counts) == {0} for row in referrals.rows)
    assert referrals.note == "Nobody referred."


def test_a_range_ending_before_it_starts_is_refused_plainly() -> None:
    with pytest.raises(InvalidInput) as refused:
        build_report(d(22), d(1), [], [], [], [])
    assert str(refused.value) == (
        "The report cannot end (01/11/2026) before it starts (22/11/2026). "
        "Choose an end date on or after the start date."
    )


def test_only_the_latest_revision_of_a_plan_counts_and_lists_may_hold_more(
    caseload: Caseload,
) -> None:
    people = report_caseload(caseload)
    lee_history = caseload.plan_history(caseload.live_plan(people.lee.id).id)
    everything = caseload.referrals_made(d(1, 1), d(31, 12))
    report = build_report(START, END, everything, [], lee_history, caseload.agencies(True))
    assert report.referrals_total == 6  # made outside the range: left out
    # Lee's work goal was achieved on 05/11 in one revision, then made active again.
    assert report.goals_achieved[report.pathways.index("education_skills_work")] == 0
    assert sum(report.goals_achieved) == 1


def test_a_referral_to_an_agency_missing_from_the_directory_still_counts() -> None:
    client, agency = make_ids()
    referral = pl.new_referral(client, agency, "accommodation", d(5), "email")
    report = build_report(START, END, [referral], [], [], [])
    referrals = table(report, "Referrals made")
    assert shown(referrals)[-2] == (
        "Agency not in the directory",
        "1",
        "0",
        "0",
        "0",
        "0",
        "0",
        "1",
    )
    assert referrals.rows[-1].counts[-1] == 1


def make_ids() -> tuple[UUID, UUID]:
    return UUID(int=101), UUID(int=102)


def test_months_run_from_the_first_to_today_or_to_the_month_end() -> None:
    assert month_so_far(d(22)) == (d(1), d(22))
    assert last_month(d(22)) == (d(1, 10), d(31, 10))
    assert last_month(date(2027, 1, 5)) == (date(2026, 12, 1), date(2026, 12, 31))
    assert last_month(date(2028, 3, 31)) == (date(2028, 2, 1), date(2028, 2, 29))


def test_quarters_and_the_financial_year_start_where_uk_services_count_from() -> None:
    assert quarter_so_far(d(22)) == (d(1, 10), d(22))
    assert quarter_so_far(date(2027, 2, 14)) == (date(2027, 1, 1), date(2027, 2, 14))
    assert financial_year_so_far(d(22)) == (date(2026, 4, 1), d(22))
    assert financial_year_so_far(date(2027, 3, 31)) == (date(2026, 4, 1), date(2027, 3, 31))
    assert financial_year_so_far(date(2027, 4, 1)) == (date(2027, 4, 1), date(2027, 4, 1))


# The CSV ----------------------------------------------------------------------------


def csv_rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def figure(rows: list[dict[str, str]], section: str, group: str, measure: str) -> str:
    (found,) = [
        r["count"]
        for r in rows
        if (r["section"], r["group"], r["measure"]) == (section, group, measure)
    ]
    return found


def test_the_csv_holds_every_figure_with_the_range_and_nothing_personal(
    counted: ReferralReport, caseload: Caseload
) -> None:
    text = report_csv(counted)
    rows = csv_rows(text)
    assert text.splitlines()[0] == "from,to,section,group,measure,count"
    assert {(r["from"], r["to"]) for r in rows} == {("01/11/2026", "22/11/2026")}
    assert figure(rows, "Referrals made", "Accommodation", "Made") == "2"
    assert figure(rows, "Referrals made", "Accommodation", "Withdrawn") == "1"
    assert figure(rows, "Referrals made", "Accommodation", "Total") == "3"
    assert figure(rows, "Referrals made", "Social inclusion", "Total") == "0"
    assert figure(rows, "Referrals made", "Total", "Declined") == "1"
    assert figure(rows, "Referrals made", "Total", "Total") == "6"
    assert figure(rows, "Referrals made", "Total", "People") == "3"
    assert figure(rows, "Signposting", "Finance, benefits, debt and ID", "Signposts") == "2"
    assert figure(rows, "Signposting", "Total", "People") == "2"
    assert figure(rows, "Goals achieved", "Accommodation", "Goals achieved") == "2"
    assert figure(rows, "Goals achieved", "Total", "People") == "3"
    assert figure(rows, "Plan agreement", "Agreed", "Answers") == "4"
    assert figure(rows, "Plan agreement", "Agreed", "People") == "3"
    assert figure(rows, "Plan agreement", "Could not answer", "Answers") == "1"
    assert figure(rows, "Plan agreement", "Total", "People") == "3"
    # 10 category rows x 7 columns, 10 pathway rows twice, 4 answer rows x 2, 3 people.
    assert len(rows) == 70 + 10 + 10 + 8 + 3
    for private in ("Daniel", "Priya", "Northgate", "Private", "Leaflet", "In their own words"):
        assert private not in text
    for client in caseload.clients():
        assert client.case_ref not in text


def test_the_file_name_holds_the_range_only(counted: ReferralReport) -> None:
    assert report_file_name(counted) == "referrals-report-2026-11-01-to-2026-11-22.csv"


# The command ------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def report_command(monkeypatch: pytest.MonkeyPatch) -> None:
    """The `keyworker` command with `report` among its commands, as `build_parser` adds it."""
    built = cli.build_parser

    def with_report() -> argparse.ArgumentParser:
        parser = built()
        commands = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
        if "report" not in commands.choices:
            common = argparse.ArgumentParser(add_help=False)
            common.add_argument("--home", default=argparse.SUPPRESS)
            common.add_argument("--passphrase-file", default=argparse.SUPPRESS)
            add_report_commands(commands, common)
        return parser

    monkeypatch.setattr(cli, "build_parser", with_report)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv), FixedClock(NOW))
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.fixture
def closed(caseload: Caseload, env_passphrase: None) -> People:
    people = report_caseload(caseload)
    caseload.close()
    return people


def test_the_command_prints_the_tables(closed: People, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "report", "referrals", "--from", "1/11", "--to", "today")
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert (
        lines[0] == "Referrals and plans report: 01/11/2026 to 22/11/2026 (22 days, both included)"
    )
    assert lines[1] == "Counts only: no names, case references or notes."
    squeezed = [" ".join(line.split()) for line in lines]
    assert "Accommodation 2 0 0 0 0 1 3" in squeezed
    assert "Women's services 0 0 1 0 0 0 1" in squeezed
    assert "Total 2 0 1 1 1 1 6" in squeezed
    assert "3 different people referred." in squeezed
    assert "Finance, benefits, debt and ID 2" in squeezed
    assert "Agreed 4 3" in squeezed
    assert "Daniel" not in out


def test_the_command_writes_the_csv_and_never_over_a_file(
    closed: People, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "november.csv"
    code, out, _ = run(
        capsys,
        "report",
        "referrals",
        "--from",
        "01/11/2026",
        "--to",
        "22/11/2026",
        "--csv",
        str(target),
    )
    assert code == 0
    assert out.splitlines() == [
        "Wrote the referrals and plans report for 01/11/2026 to 22/11/2026 (22 days, both "
        f"included) to {target}",
        "It holds counts only: no names, case references or notes.",
    ]
    rows = csv_rows(target.read_text(encoding="utf-8"))
    assert figure(rows, "Referrals made", "Total", "Total") == "6"
    if os.name == "posix":
        assert stat.S_IMODE(target.stat().st_mode) == 0o600

    target.write_text("kept", encoding="utf-8")
    code, _, err = run(
        capsys, "report", "referrals", "--from", "1/11", "--to", "10/11", "--csv", str(target)
    )
    assert code == 1
    assert err == (
        f"keyworker: There is already a file {target}. Nothing was written: add --replace to "
        "replace it, or choose another name with --csv.\n"
    )
    assert target.read_text(encoding="utf-8") == "kept"

    argv = ("report", "referrals", "--from", "1/11", "--to", "10/11", "--csv", str(target))
    code, _, _ = run(capsys, *argv, "--replace")
    assert code == 0
    rows = csv_rows(target.read_text(encoding="utf-8"))
    assert rows[0]["to"] == "10/11/2026"
    assert figure(rows, "Referrals made", "Total", "Total") == "4"


def test_a_csv_into_a_folder_is_named_for_the_dates(
    closed: People, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(
        capsys, "report", "referrals", "--from", "1 Nov", "--to", "22/11", "--csv", str(tmp_path)
    )
    target = tmp_path / "referrals-report-2026-11-01-to-2026-11-22.csv"
    assert code == 0
    assert out.splitlines()[0].endswith(f" to {target}")
    assert target.is_file()


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        (
            ("--from", "22/11", "--to", "1/11"),
            "keyworker: The report cannot end (01/11/2026) before it starts (22/11/2026). "
            "Choose an end date on or after the start date.",
        ),
        (
            ("--from", "31/11", "--to", "today"),
            'keyworker: --from: "31/11" is not a real date. Type a date like 22/11/2026, '
            "22 Nov, today or +2w.",
        ),
        (
            ("--from", "1/11", "--to", "soon"),
            'keyworker: --to: "soon" is not a date that can be read. Type a date like '
            "22/11/2026, 22 Nov, today or +2w.",
        ),
        (
            ("--from", "1/11", "--to", "today", "--replace"),
            "keyworker: --replace is for use with --csv FILE; nothing was written.",
        ),
    ],
)
def test_bad_dates_are_one_plain_line(
    closed: People, capsys: pytest.CaptureFixture[str], argv: tuple[str, ...], said: str
) -> None:
    code, out, err = run(capsys, "report", "referrals", *argv)
    assert (code, out, err) == (1, "", said + "\n")


def test_a_folder_that_is_not_there_is_one_plain_line(
    closed: People, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "nowhere" / "report.csv"
    code, _, err = run(
        capsys, "report", "referrals", "--from", "1/11", "--to", "today", "--csv", str(target)
    )
    assert code == 1
    assert err == f"keyworker: There is no folder {target.parent}. Nothing was written.\n"
    assert not target.parent.exists()


# Any referrals ----------------------------------------------------------------------

AGENCIES = [
    Agency(name=f"Agency {i}", category=code) for i, code in enumerate(AGENCY_CATEGORIES.codes)
]
CLIENTS = [UUID(int=n) for n in range(1, 5)]


@st.composite
def referrals(draw: st.DrawFn) -> pl.Referral:
    made = draw(st.dates(date(2026, 10, 20), date(2026, 12, 10)))
    referral = pl.new_referral(
        draw(st.sampled_from(CLIENTS)),
        draw(st.sampled_from(AGENCIES)).id,
        draw(st.sampled_from(PATHWAYS.codes)),
        made,
        "email",
    )
    status = draw(st.sampled_from(REFERRAL_STATUSES.codes))
    return pl.referral_moved(referral, status, made + timedelta(days=draw(st.integers(0, 40))))


@given(
    st.lists(referrals(), max_size=30),
    st.dates(date(2026, 10, 1), date(2026, 12, 31)),
    st.integers(0, 60),
)
def test_every_referral_made_in_the_range_is_counted_once_and_the_csv_agrees(
    made: list[pl.Referral], start: date, days: int
) -> None:
    end = start + timedelta(days=days)
    report = build_report(start, end, made, [], [], AGENCIES)
    inside = [r for r in made if start <= r.made_on <= end]
    category = {a.id: a.category for a in AGENCIES}

    assert report.referrals_total == len(inside)
    for code, row in zip(report.categories, report.referrals, strict=True):
        assert list(row) == [
            sum(1 for r in inside if category[r.agency_id] == code and r.status == status)
            for status in report.statuses
        ]
    assert report.people_referred == len({r.client_id for r in inside})
    rows = csv_rows(report_csv(report))
    assert figure(rows, "Referrals made", "Total", "Total") == str(len(inside))
    made_column = [
        int(r["count"])
        for r in rows
        if r["section"] == "Referrals made" and r["measure"] == "Made" and r["group"] != "Total"
    ]
    assert sum(made_column) == sum(1 for r in inside if r.status == "made")
