"""Distance travelled and the needs profile, driven through Pilot on real caseloads.

Assessments are made with the built-in template through the caseload, as the
assessment screens will make them: started, completed, then reviewed twice.
"""

from __future__ import annotations

import html
import io
import re
from collections.abc import Callable
from datetime import UTC, date, datetime
from importlib.resources import files
from typing import Any
from uuid import UUID

import pytest
from rich.console import Console
from textual.app import App
from textual.pilot import Pilot
from textual.widgets import Static

from keyworker.assessments import Assessment, Ratings, SectionAnswers, start_review
from keyworker.clock import FixedClock
from keyworker.errors import KeyworkerError
from keyworker.models import Client
from keyworker.settings import Settings
from keyworker.templates import parse_template
from screens.app import KeyworkerApp, make_app
from screens.dashboard import DashboardScreen
from screens.distance import (
    MEASURES,
    NO_ASSESSMENTS,
    DistanceScreen,
    DistanceTable,
    PathwayPanel,
    change_words,
    columns_that_fit,
)
from screens.help import KeyHelp, key_groups
from screens.needs_profile import NOBODY_ASSESSED, NeedsProfileScreen
from screens.row_table import RowTable
from storage import Caseload, CaseloadPaths
from tests.conftest import PASSPHRASE, make_client
from tests.test_client_screen import until

TEMPLATE = parse_template(
    (files("keyworker.builtin_templates") / "reducing_reoffending.toml").read_text("utf-8"),
    "reducing_reoffending.toml",
)
ANSWERS = {
    "accommodation": {"tonight": "family_friends", "settled": False},
    "education_skills_work": {"work_now": "looking"},
    "health": {"gp": True, "medication": False},
}
INITIAL_ON = date(2026, 6, 1)
FIRST_REVIEW_ON = date(2026, 9, 1)
SECOND_REVIEW_ON = date(2026, 11, 16)


def at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 11, 0, tzinfo=UTC)


def rated(need: str, own: int | None, motivation: str | None, immediate: bool = False) -> Ratings:
    return Ratings(need_level=need, own_rating=own, motivation=motivation, immediate_need=immediate)


def sections(ratings: dict[str, Ratings]) -> dict[str, SectionAnswers]:
    """Every section of the built-in template: the rated ones answered, the rest skipped."""
    return {
        s.id: SectionAnswers(answers=ANSWERS[s.id], ratings=ratings[s.id])
        if s.id in ratings
        else SectionAnswers(skipped="Not talked about yet")
        for s in TEMPLATE.sections
    }


def assess(
    caseload: Caseload,
    client: Client,
    on: date,
    ratings: dict[str, Ratings],
    previous: Assessment | None = None,
) -> Assessment:
    if previous is None:
        draft = Assessment(
            client_id=client.id,
            template_id=TEMPLATE.id,
            template_version=TEMPLATE.version,
            assessed_on=on,
            started_at=at(on),
            assessor="Sam Keyworker",
        )
    else:
        draft = start_review(previous, TEMPLATE, on, at(on))
    draft = caseload.start_assessment(draft.model_copy(update={"sections": {}}), TEMPLATE)
    draft = caseload.save_draft(draft.model_copy(update={"sections": sections(ratings)}))
    return caseload.complete_assessment(draft.id, at(on), None)


def assess_three_times(caseload: Caseload, client: Client) -> None:
    """An initial assessment and two reviews: housing gets better, work stays put."""
    initial = assess(
        caseload,
        client,
        INITIAL_ON,
        {
            "accommodation": rated("high", 3, "thinking_about_it", immediate=True),
            "education_skills_work": rated("medium", 5, "wants_to_change"),
            "health": rated("low", 6, "made_changes"),
        },
    )
    review = assess(
        caseload,
        client,
        FIRST_REVIEW_ON,
        {
            "accommodation": rated("medium", 5, "needs_help_to_change"),
            "education_skills_work": rated("medium", 5, "wants_to_change"),
            "health": rated("medium", None, "did_not_answer"),
        },
        initial,
    )
    assess(
        caseload,
        client,
        SECOND_REVIEW_ON,
        {
            "accommodation": rated("low", 7, "making_changes"),
            "education_skills_work": rated("medium", 4, "wants_to_change"),
            "health": rated("medium", 5, "making_changes"),
        },
        review,
    )


class Host(App[None]):
    """The smallest app the screen needs."""

    TITLE = "Keyworker Assistant"

    def __init__(self, caseload: Caseload, clock: FixedClock, client_id: UUID) -> None:
        super().__init__()
        self.caseload = caseload
        self.clock = clock
        self.client_id = client_id
        self.settings = Settings()

    def on_mount(self) -> None:
        self.push_screen(DistanceScreen(self.caseload, self.clock, self.client_id))


def distance_loaded(app: App[Any]) -> Callable[[], bool]:
    def check() -> bool:
        screen = app.screen
        return isinstance(screen, DistanceScreen) and bool(screen.query("#summary"))

    return check


def profile_loaded(app: App[Any]) -> Callable[[], bool]:
    def check() -> bool:
        screen = app.screen
        return isinstance(screen, NeedsProfileScreen) and screen.profile is not None

    return check


def text_of(screen: Any, selector: str) -> str:
    return str(screen.query_one(selector, Static).render())


def table_rows(table: RowTable) -> list[list[str]]:
    """What each row shows, as drawn: the header first."""
    header = [c.label for c in table.columns]
    return [header, *(table.row_text(i) for i in range(table.row_count))]


def chart_lines(panel: PathwayPanel) -> list[str]:
    """A pathway's chart as plain text, laid out at the width it has on screen."""
    chart = panel.query_one(".chart", Static)
    console = Console(file=io.StringIO(), width=chart.size.width, color_system=None)
    console.print(chart.content)
    return [line.rstrip() for line in console.file.getvalue().splitlines()]  # type: ignore[attr-defined]


def screen_text(app: App[Any]) -> str:
    svg = app.export_screenshot()
    return html.unescape(re.sub(r"<[^>]+>", "", svg)).replace("\xa0", " ")


# Distance travelled ---------------------------------------------------------------------


async def test_each_pathway_shows_its_ratings_at_every_assessment_and_the_change(
    caseload: Caseload, clock: FixedClock
) -> None:
    client = make_client(caseload, preferred_name="Dan Price")
    assess_three_times(caseload, client)
    app = Host(caseload, clock, client.id)
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, distance_loaded(app))
        screen = app.screen
        assert text_of(screen, "#title") == (
            f"Dan Price  ·  {client.case_ref}  ·  Distance travelled"
        )
        assert text_of(screen, "#summary").startswith(
            "3 completed assessments, 01/06/2026 to 16/11/2026 (I initial, R review)."
        )
        panels = list(screen.query(PathwayPanel))
        assert [p.pathway for p in panels] == ["accommodation", "education_skills_work", "health"]
        housing = panels[0].query_one(DistanceTable)
        assert table_rows(housing) == [
            ["Rating", "01/06/2026 I", "01/09/2026 R", "16/11/2026 R", "Change"],
            ["Need level", "High", "Medium", "Low", "High → Low, better"],
            ["Own rating", "3 out of 10", "5 out of 10", "7 out of 10", "3 → 7, better"],
            [
                "Motivation",
                "Considering",
                "Needs help",
                "Making changes",
                "Considering → Making changes, better",
            ],
            ["Immediate need", "Yes", "No", "No", "Yes → No, better"],
        ]
        work = panels[1].query_one(DistanceTable)
        assert [row[-1] for row in table_rows(work)[1:]] == [
            "No change",
            "5 → 4, worse",
            "No change",
            "No change",
        ]
        health = panels[2].query_one(DistanceTable)
        assert table_rows(health)[2] == [
            "Own rating",
            "6 out of 10",
            "Not answered",
            "5 out of 10",
            "6 → 5, worse",
        ]
        # "Did not want to answer" is not on the scale, so the change passes over it.
        assert table_rows(health)[3][-1] == "Made changes → Making changes, worse"
        assert chart_lines(panels[0]) == [
            "Own rating  ▃ ▄ ▆  out of 10: 3 → 5 → 7",
            "Need level  █ ▆ ▃  High → Medium → Low",
        ]
        assert chart_lines(panels[2])[0] == "Own rating  ▅ · ▄  out of 10: 6 → not given → 5"
        shown = screen_text(app)
        assert "showing the latest" not in shown
        assert "Not assessed (skipped or not asked): Drugs and alcohol;" in shown


async def test_a_narrow_screen_keeps_the_latest_assessments_and_says_so(
    caseload: Caseload, clock: FixedClock
) -> None:
    client = make_client(caseload)
    assess_three_times(caseload, client)
    app = Host(caseload, clock, client.id)
    async with app.run_test(size=(72, 24)) as pilot:
        await until(pilot, distance_loaded(app))
        panel = app.screen.query(PathwayPanel).first()
        header = table_rows(panel.query_one(DistanceTable))[0]
        assert header == ["Rating", "01/09/2026 R", "16/11/2026 R", "Change"]
        assert text_of(panel, ".pathway") == (
            "Accommodation · showing the latest 2 of 3 assessments"
        )
        # The change still runs from the first assessment, worded shorter where it must be.
        table = panel.query_one(DistanceTable)
        shown = [[cell.plain for cell in table._cells(row)] for row in table.rows]
        assert shown[0] == ["Need level", "Medium", "Low", "High → Low, better"]
        assert shown[2] == ["Motivation", "Needs help", "Making changes", "up 3, better"]


async def test_with_no_completed_assessment_it_says_so_plainly(
    caseload: Caseload, clock: FixedClock
) -> None:
    client = make_client(caseload)
    draft = Assessment(
        client_id=client.id,
        template_id=TEMPLATE.id,
        template_version=TEMPLATE.version,
        assessed_on=date(2026, 11, 20),
        started_at=at(date(2026, 11, 20)),
    )
    caseload.start_assessment(draft, TEMPLATE)  # a draft does not count
    app = Host(caseload, clock, client.id)
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, distance_loaded(app))
        assert text_of(app.screen, "#summary") == NO_ASSESSMENTS
        assert not app.screen.query(PathwayPanel)


async def test_a_record_that_cannot_be_read_is_explained_plainly(
    caseload: Caseload, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = make_client(caseload)
    problem = "The caseload database is damaged and cannot be read."

    def damaged(client_id: UUID) -> list[Assessment]:
        raise KeyworkerError(problem)

    monkeypatch.setattr(caseload, "assessments", damaged)
    app = Host(caseload, clock, client.id)
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: bool(app._notifications))
        assert text_of(app.screen, "#title") == f"Distance travelled could not be shown. {problem}"
        assert "Traceback" not in screen_text(app)


async def test_escape_goes_back_and_every_binding_is_described(
    caseload: Caseload, clock: FixedClock
) -> None:
    for owner in (DistanceScreen, NeedsProfileScreen):
        for binding in owner.BINDINGS:
            assert binding.description and binding.id  # type: ignore[union-attr]
    client = make_client(caseload)
    app = Host(caseload, clock, client.id)
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, distance_loaded(app))
        footer = [line for line in screen_text(app).splitlines() if line.strip()][-1]
        assert "Back" in footer
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, DistanceScreen)


def test_changes_pass_over_ratings_not_given() -> None:
    from keyworker.assessments import Point

    def point(own: int | None) -> Point:
        return Point(UUID(int=1), INITIAL_ON, "review", "low", False, own, None)

    own = MEASURES[1]
    motivation = MEASURES[2]
    assert change_words(own, [point(None), point(4), point(None), point(9)]) == (
        "4 → 9, better",
        "up 5, better",
    )
    assert change_words(own, [point(None), point(4)])[0] == "Only one rating"
    assert change_words(motivation, [point(1), point(2)])[0] == "Not rated"


def test_the_latest_columns_that_fit_are_kept() -> None:
    assert columns_that_fit([12, 12, 12], 120) == 3
    assert columns_that_fit([12, 12, 12], 60) == 2
    assert columns_that_fit([12, 12, 12], 10) == 1  # always the latest, at the least


# The needs profile ----------------------------------------------------------------------


def app_for(paths: CaseloadPaths, clock: FixedClock) -> KeyworkerApp:
    return make_app(paths, clock, PASSPHRASE, Settings())


async def open_profile(pilot: Pilot) -> NeedsProfileScreen:
    app = pilot.app
    await until(pilot, lambda: isinstance(app.screen, DashboardScreen) and app.screen.ready)
    await pilot.press("p")
    await until(pilot, profile_loaded(app))
    assert isinstance(app.screen, NeedsProfileScreen)
    return app.screen


def profile_caseload(paths: CaseloadPaths, clock: FixedClock) -> None:
    """Three people assessed on open cases, one on a closed case, one not assessed."""
    with Caseload.open(paths, PASSPHRASE, clock=clock) as caseload:
        dan = make_client(caseload, "Daniel Price", status="active")
        assess_three_times(caseload, dan)  # latest: housing low, nothing immediate
        for name, housing, immediate in (
            ("Priya Shah", "high", True),
            ("Lee Roberts", "high", False),
        ):
            person = make_client(caseload, name, status="active")
            assess(
                caseload,
                person,
                INITIAL_ON,
                {
                    "accommodation": rated(housing, 2, None, immediate=immediate),
                    "health": rated("high", 2, None, immediate=True),
                },
            )
        closed = make_client(caseload, "Chris Doyle", status="active")
        assess(caseload, closed, INITIAL_ON, {"accommodation": rated("high", 1, None, True)})
        caseload.change_status(closed.id, "closed", "needs_met", "")
        make_client(caseload, "Jordan Ellis", status="active")


@pytest.fixture
def profile_paths(caseload: Caseload, paths: CaseloadPaths, clock: FixedClock) -> CaseloadPaths:
    caseload.close()
    profile_caseload(paths, clock)
    return paths


async def test_the_needs_profile_counts_each_persons_latest_assessment(
    profile_paths: CaseloadPaths, clock: FixedClock
) -> None:
    app = app_for(profile_paths, clock)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_profile(pilot)
        assert text_of(screen, "#about").startswith(
            "Counts the latest completed assessment of 3 people on open cases, as of 22/11/2026."
        )
        table = screen.query_one("#profile", RowTable)
        counts = {
            row[0]: (row[1].split()[0], row[2].split()[0])
            for row in (table.row_text(i) for i in range(table.row_count))
        }
        assert counts["Accommodation"] == ("2", "1")
        assert counts["Health (physical and mental health)"] == ("2", "2")
        assert counts["Education, skills and work"] == ("0", "0")
        assert len(counts) == 9
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, DashboardScreen)


async def test_the_needs_profile_of_a_caseload_nobody_assessed_says_so(
    caseload: Caseload, paths: CaseloadPaths, clock: FixedClock
) -> None:
    make_client(caseload)
    caseload.close()
    app = app_for(paths, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_profile(pilot)
        assert text_of(screen, "#about") == NOBODY_ASSESSED
        assert not screen.query_one("#profile").display


async def test_p_is_in_help_on_the_dashboard(
    caseload: Caseload, paths: CaseloadPaths, clock: FixedClock
) -> None:
    caseload.close()
    app = app_for(paths, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: isinstance(app.screen, DashboardScreen) and app.screen.ready)
        keys = [key for group in key_groups(app.screen) for key in group.keys]
        assert KeyHelp("p", "Needs profile") in keys


# Snapshots ------------------------------------------------------------------------------


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
def test_distance_snapshot(
    caseload: Caseload, clock: FixedClock, snap_compare: Any, size: tuple[int, int]
) -> None:
    client = caseload.add_client(
        Client(
            id=UUID(int=5),
            case_ref="KW-MN4P5",
            legal_name="Daniel Price",
            preferred_name="Dan Price",
            status="active",
        )
    )
    assess_three_times(caseload, client)
    app = Host(caseload, clock, client.id)

    async def settle(pilot: Pilot) -> None:
        await until(pilot, distance_loaded(app))
        await pilot.pause()

    assert snap_compare(app, terminal_size=size, run_before=settle)


def test_needs_profile_snapshot(
    profile_paths: CaseloadPaths, clock: FixedClock, snap_compare: Any
) -> None:
    app = app_for(profile_paths, clock)

    async def settle(pilot: Pilot) -> None:
        await open_profile(pilot)
        await pilot.pause()

    assert snap_compare(app, terminal_size=(80, 24), run_before=settle)
