"""The guided assessment on screen: starting, answering, skipping, resuming, completing,
reviewing, correcting and writing one out, checked by what the caseload then holds."""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
from textual.app import App
from textual.pilot import Pilot
from textual.widgets import Input, Markdown, RadioButton, SelectionList, TextArea

from keyworker.assessments import Assessment, Ratings, SectionAnswers
from keyworker.clock import FixedClock
from keyworker.models import Client
from keyworker.settings import Settings
from keyworker.templates import Template, parse_template
from screens.app import make_app
from screens.assessment import AssessmentScreen
from screens.assessment_list import AssessmentsPane
from screens.assessment_summary import SkipForm, SummaryScreen
from screens.assessment_view import AssessmentView, ExportForm
from screens.client import ClientScreen
from screens.dashboard import DashboardScreen
from screens.date_input import DateInput
from screens.questions import RATING_PREFIX, Choices, QuestionBox
from screens.start_assessment_form import StartAssessmentForm
from storage import Caseload, CaseloadPaths, KdfParams
from storage.templates import BUILT_IN_ID, load_library
from tests.conftest import NOW, PASSPHRASE, make_client
from tests.test_client_screen import screen_text, until

TODAY = NOW.date()
SPECIALIST = ["domestic_sexual_abuse", "sex_work"]

ALL_KINDS = """
id = "all_kinds"
version = 1
title = "Every kind of question"

[[sections]]
id = "kinds"
title = "Each kind"
pathway = "accommodation"
help = "One question of each kind a template can ask."

[[sections.questions]]
id = "yes_no"
text = "Do you have somewhere to stay?"
kind = "yes_no"
required = true

[[sections.questions]]
id = "one_of"
text = "Where is it?"
kind = "single_choice"
choices = [
    { code = "flat", label = "A flat" },
    { code = "hostel", label = "A hostel" },
    { code = "sofa", label = "A friend's sofa" },
]

[[sections.questions]]
id = "any_of"
text = "Who lives there?"
kind = "multiple_choice"
choices = [
    { code = "partner", label = "A partner" },
    { code = "children", label = "Children" },
    { code = "friends", label = "Friends" },
]

[[sections.questions]]
id = "scale"
text = "How safe does it feel?"
kind = "scale"
min = 1
max = 5

[[sections.questions]]
id = "number"
text = "How much rent is owed, in pounds?"
kind = "number"
min = 0

[[sections.questions]]
id = "date"
text = "When did you move in?"
kind = "date"

[[sections.questions]]
id = "short"
text = "The landlord's name"
kind = "short_text"

[[sections.questions]]
id = "long"
text = "Anything else about where you live"
kind = "long_text"
"""


class Host(App[None]):
    """The client record on a caseload, with settings kept in memory."""

    TITLE = "Keyworker Assistant"

    def __init__(self, caseload: Caseload, clock: FixedClock, client_id: UUID, **settings: Any):
        super().__init__()
        self.caseload = caseload
        self.clock = clock
        self.client_id = client_id
        self.settings = Settings(**settings)

    def save_settings(self, settings: Settings) -> None:
        self.settings = settings

    def on_mount(self) -> None:
        self.push_screen(ClientScreen(self.caseload, self.clock, self.client_id))


def built_in(paths: CaseloadPaths) -> Template:
    template = load_library(paths).get(BUILT_IN_ID)
    assert template is not None
    return template


def on_screen(app: App[Any], kind: type) -> Callable[[], bool]:
    return lambda: isinstance(app.screen, kind)


def guided(app: App[Any]) -> AssessmentScreen:
    screen = app.screen
    assert isinstance(screen, AssessmentScreen), screen
    return screen


def box(app: App[Any], question_id: str) -> QuestionBox:
    return app.screen.query_one(f"#q-{question_id}", QuestionBox)


def choose(app: App[Any], question_id: str, label: str) -> None:
    """Press the radio button with this label, as a click would."""
    control = box(app, question_id).control
    assert isinstance(control, Choices)
    button = next(b for b in control.query(RadioButton) if str(b.label) == label)
    button.value = True


def fill(app: App[Any], question_id: str, value: Any) -> None:
    """Answer a question through its widget; the screen hears it as typing or a choice."""
    control = box(app, question_id).control
    if isinstance(control, Choices):
        labels = [str(b.label) for b in control.query(RadioButton)]
        choose(app, question_id, value if value in labels else labels[0])
    elif isinstance(control, SelectionList):
        for code in value:
            control.select(code)
    elif isinstance(control, DateInput):
        control.input.value = value
    elif isinstance(control, TextArea):
        control.insert(value)
    else:
        assert isinstance(control, Input)
        control.value = str(value)


async def answer_required(pilot: Pilot) -> None:
    """Answer every required question shown on this step, and the need level."""
    for question in list(pilot.app.screen.query(QuestionBox)):
        q = question.question
        if not question.display or not q.required:
            continue
        if question.answer_or_none()[0] is not None:
            continue
        if q.kind == "multiple_choice":
            fill(pilot.app, q.id, [q.choices[0].code])
        elif q.kind == "scale":
            fill(pilot.app, q.id, q.min)
        elif q.kind in ("yes_no", "single_choice"):
            fill(pilot.app, q.id, "")
        elif q.kind == "date":
            fill(pilot.app, q.id, "01/11/2026")
        else:
            fill(pilot.app, q.id, "Said plenty")
        await pilot.pause()


async def start(pilot: Pilot, *, review: bool = False) -> AssessmentScreen:
    """From the record: s, then start what the form offers."""
    app = pilot.app
    await until(pilot, lambda: isinstance(app.screen, ClientScreen) and app.screen.record)
    await pilot.press("s")
    await until(pilot, lambda: isinstance(app.screen, StartAssessmentForm | AssessmentScreen))
    if isinstance(app.screen, StartAssessmentForm):
        assert app.screen.kind == ("review" if review else "initial")
        await pilot.press("ctrl+s")
    await until(pilot, on_screen(app, AssessmentScreen))
    await pilot.pause()
    return guided(app)


def stored(caseload: Caseload, client_id: UUID) -> list[Assessment]:
    return caseload.assessments(client_id)


def completed_initial(caseload: Caseload, paths: CaseloadPaths, client_id: UUID) -> Assessment:
    """An initial assessment done on 1 September, through the caseload itself."""
    template = built_in(paths)
    off = SPECIALIST
    sections: dict[str, SectionAnswers] = {}
    for section in template.sections_for(frozenset(off)):
        answers: dict[str, Any] = {}
        for q in section.questions:
            if not q.required or q.show_when is not None:
                continue
            if q.kind == "multiple_choice":
                answers[q.id] = [q.choices[-1].code]
            elif q.kind == "single_choice":
                answers[q.id] = q.choices[0].code
            elif q.kind == "yes_no":
                answers[q.id] = False
            elif q.kind == "scale":
                answers[q.id] = q.min
        ratings = Ratings(need_level="high", own_rating=3, motivation="thinking_about_it")
        sections[section.id] = SectionAnswers(answers=answers, ratings=ratings)
    sections["accommodation"].answers["tonight"] = "nowhere_yet"
    draft = Assessment(
        client_id=client_id,
        template_id=template.id,
        template_version=template.version,
        assessed_on=date(2026, 9, 1),
        started_at=NOW - timedelta(days=82),
        assessor="Sam Keyworker",
        sections=sections,
        switched_off=off,
    )
    saved = caseload.start_assessment(draft, template)
    return caseload.complete_assessment(saved.id, NOW - timedelta(days=82), date(2026, 12, 1))


# The guided flow -------------------------------------------------------------------------


async def test_a_whole_assessment_through_the_screens(
    caseload: Caseload, clock: FixedClock, paths: CaseloadPaths
) -> None:
    client = make_client(caseload)
    app = Host(caseload, clock, client.id)
    async with app.run_test(size=(100, 40)) as pilot:
        screen = await start(pilot)
        assert "Step 1 of 7: Accommodation" in screen_text(app)
        # The first step by keyboard: the first choice for tonight, then its follow-up.
        box(app, "tonight").focus()
        await pilot.press("enter")
        await pilot.pause()
        assert box(app, "settled").display
        choose(app, "settled", "No")
        choose(app, f"{RATING_PREFIX}need_level", "High")
        choose(app, f"{RATING_PREFIX}immediate_need", "Yes")
        fill(app, f"{RATING_PREFIX}own_rating", 4)
        fill(app, f"{RATING_PREFIX}strengths", "Keeps every appointment")
        await pilot.pause()
        for _ in range(6):
            await pilot.press("ctrl+n")
            await pilot.pause()
            await answer_required(pilot)
            choose(app, f"{RATING_PREFIX}need_level", "Low")
            await pilot.pause()
        assert "Step 7 of 7" in screen_text(app)
        await pilot.press("ctrl+r")
        await until(pilot, on_screen(app, SummaryScreen))
        assert "7 of 7 sections ready" in screen_text(app)
        await pilot.press("ctrl+s")
        await until(pilot, on_screen(app, ClientScreen))
        assert "Completed" in screen_text(app)
        del screen

    [done] = stored(caseload, client.id)
    assert done.status == "completed"
    assert done.kind == "initial"
    assert done.assessed_on == TODAY
    assert done.completed_at == NOW
    assert done.next_review == TODAY + timedelta(weeks=12)
    assert done.switched_off == SPECIALIST
    home = done.sections["accommodation"]
    assert home.answers == {"tonight": "own_tenancy", "settled": False}
    assert home.ratings == Ratings(
        need_level="high", immediate_need=True, own_rating=4, strengths="Keeps every appointment"
    )
    others = [s for k, s in done.sections.items() if k != "accommodation"]
    assert len(others) == 6
    assert all(s.ratings and s.ratings.need_level == "low" for s in others)


async def test_questions_appear_and_go_as_answers_change(
    caseload: Caseload, clock: FixedClock
) -> None:
    client = make_client(caseload)
    app = Host(caseload, clock, client.id)
    async with app.run_test(size=(100, 40)) as pilot:
        screen = await start(pilot)
        assert not box(app, "settled").display
        choose(app, "tonight", "With family or friends")
        await pilot.pause()
        assert box(app, "settled").display and box(app, "at_risk").display
        assert not box(app, "at_risk_details").display
        choose(app, "at_risk", "Yes")
        await pilot.pause()
        assert box(app, "at_risk_details").display
        fill(app, "at_risk_details", "Notice to leave by Christmas")
        await pilot.pause()
        choose(app, "tonight", "Nowhere yet")
        await pilot.pause()
        shown = [b.question.id for b in screen.query(QuestionBox) if b.display]
        assert "settled" not in shown and "at_risk_details" not in shown
        assert "at_risk_details" not in screen.draft.all_answers
        # Changing it back brings the typed words back: nothing typed is thrown away.
        choose(app, "tonight", "With family or friends")
        await pilot.pause()
        assert screen.draft.all_answers["at_risk_details"] == "Notice to leave by Christmas"


async def test_a_skipped_section_keeps_its_reason(caseload: Caseload, clock: FixedClock) -> None:
    client = make_client(caseload)
    app = Host(caseload, clock, client.id)
    async with app.run_test(size=(100, 40)) as pilot:
        await start(pilot)
        await pilot.press("ctrl+n")
        await pilot.pause()
        await pilot.press("ctrl+t")
        await until(pilot, on_screen(app, SkipForm))
        await pilot.press(*"Working full time")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: "Step 3 of 7" in screen_text(app))
        assert screen_text(app).count("–") >= 1
        await pilot.press("escape")
        await until(pilot, on_screen(app, ClientScreen))
    [draft] = stored(caseload, client.id)
    assert draft.status == "draft"
    assert draft.sections["education_skills_work"].skipped == "Working full time"


async def test_the_summary_will_not_complete_what_is_missing(
    caseload: Caseload, clock: FixedClock
) -> None:
    client = make_client(caseload)
    app = Host(caseload, clock, client.id)
    async with app.run_test(size=(100, 40)) as pilot:
        await start(pilot)
        await pilot.press("ctrl+r")
        await until(pilot, on_screen(app, SummaryScreen))
        text = screen_text(app)
        assert "✗ Accommodation: still needs Where will you sleep tonight?" in text
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, SummaryScreen)
        assert "Finish or skip the sections marked" in screen_text(app)
        # Enter on a section goes back to it.
        await pilot.press("down", "down", "enter")
        await until(pilot, lambda: "Step 3 of 7" in screen_text(app))
    [draft] = stored(caseload, client.id)
    assert draft.status == "draft"


async def test_specialist_sections_are_asked_when_the_service_says_so(
    caseload: Caseload, clock: FixedClock
) -> None:
    client = make_client(caseload)
    app = Host(caseload, clock, client.id, specialist_sections=True)
    async with app.run_test(size=(100, 40)) as pilot:
        await start(pilot)
        assert "Step 1 of 9" in screen_text(app)
        await pilot.press("escape")
        await until(pilot, on_screen(app, ClientScreen))
    [draft] = stored(caseload, client.id)
    assert draft.switched_off == []


# Drafts survive -------------------------------------------------------------------------


async def test_a_draft_carries_on_after_the_app_is_closed(
    caseload: Caseload, clock: FixedClock, paths: CaseloadPaths
) -> None:
    client = make_client(caseload)
    app = Host(caseload, clock, client.id)
    async with app.run_test(size=(100, 40)) as pilot:
        await start(pilot)
        choose(app, "tonight", "Supported housing or a hostel")
        await pilot.pause()
        app.exit()  # straight away: the screen saves as it goes away
    caseload.close()
    reopened = Caseload.open(paths, PASSPHRASE, clock=clock)  # as the next day's app would
    [draft] = stored(reopened, client.id)
    assert draft.sections["accommodation"].answers == {"tonight": "supported_housing"}

    again = Host(reopened, clock, client.id)
    async with again.run_test(size=(100, 40)) as pilot:
        await start(pilot)
        control = box(again, "tonight").control
        assert isinstance(control, Choices)
        assert str(control.pressed_button.label) == "Supported housing or a hostel"
        assert box(again, "settled").display
    reopened.close()


async def test_a_draft_is_saved_before_the_caseload_locks(
    paths: CaseloadPaths, clock: FixedClock
) -> None:
    with Caseload.create(
        paths, PASSPHRASE, "Sam", "Northgate", clock=clock, kdf=KdfParams.fast_for_tests()
    ) as caseload:
        client = make_client(caseload)
    app = make_app(paths, clock, PASSPHRASE)
    async with app.run_test(size=(100, 40)) as pilot:
        await until(pilot, lambda: isinstance(app.screen, DashboardScreen))
        assert app.caseload is not None
        await app.push_screen(ClientScreen(app.caseload, clock, client.id))
        await start(pilot)
        choose(app, "tonight", "Approved premises (probation hostel)")
        await pilot.pause()
        app.action_lock()
        await until(pilot, lambda: app.caseload is not None and app.caseload.is_locked)
    with Caseload.open(paths, PASSPHRASE, clock=clock) as reopened:
        [draft] = reopened.assessments(client.id)
    assert draft.sections["accommodation"].answers == {"tonight": "approved_premises"}


# Reviews, corrections and writing one out ----------------------------------------------


async def test_a_review_starts_from_last_time_and_shows_what_changed(
    caseload: Caseload, clock: FixedClock, paths: CaseloadPaths
) -> None:
    client = make_client(caseload)
    first = completed_initial(caseload, paths, client.id)
    app = Host(caseload, clock, client.id)
    async with app.run_test(size=(100, 40)) as pilot:
        screen = await start(pilot, review=True)
        assert "Review (since 01/09/2026)" in screen_text(app)
        control = box(app, "tonight").control
        assert isinstance(control, Choices)
        assert str(control.pressed_button.label) == "Nowhere yet"
        choose(app, "tonight", "Supported housing or a hostel")
        choose(app, f"{RATING_PREFIX}need_level", "Medium")
        fill(app, f"{RATING_PREFIX}own_rating", 6)
        await pilot.pause()
        await answer_required(pilot)
        await pilot.pause()
        assert "Changed: was Nowhere yet" in screen_text(app)
        assert "Changed: was High" in screen_text(app)
        await pilot.press("ctrl+r")
        await until(pilot, on_screen(app, SummaryScreen))
        text = screen_text(app)
        assert "What changed since 01/09/2026" in text
        assert "Accommodation: Need level: High → Medium" in text
        assert "Accommodation: Own rating: 3 out of 10 → 6 out of 10" in text
        date_input = app.screen.query_one(DateInput)
        date_input.input.value = "15/01/2027"
        await pilot.pause()
        await pilot.press("ctrl+s")
        await until(pilot, on_screen(app, ClientScreen))
        del screen
    review = next(a for a in stored(caseload, client.id) if a.kind == "review")
    assert review.status == "completed"
    assert review.review_of == first.id
    assert review.next_review == date(2027, 1, 15)
    home = review.sections["accommodation"]
    assert home.answers["tonight"] == "supported_housing"
    assert home.ratings is not None and home.ratings.need_level == "medium"
    assert review.sections["health"] == first.sections["health"]


async def open_listed(pilot: Pilot) -> AssessmentView:
    app = pilot.app
    await until(pilot, lambda: isinstance(app.screen, ClientScreen) and app.screen.record)
    await pilot.press("5")
    await pilot.pause()
    await pilot.press("enter")
    await until(pilot, on_screen(app, AssessmentView))
    view = app.screen
    assert isinstance(view, AssessmentView)
    return view


async def test_a_completed_assessment_reads_only_and_corrects_with_a_reason(
    caseload: Caseload, clock: FixedClock, paths: CaseloadPaths
) -> None:
    client = make_client(caseload)
    first = completed_initial(caseload, paths, client.id)
    app = Host(caseload, clock, client.id)
    async with app.run_test(size=(100, 40)) as pilot:
        view = await open_listed(pilot)
        document = view.query_one(Markdown).source
        assert "Nowhere yet" in document
        assert not view.query(QuestionBox)  # nothing to change here
        await pilot.press("c")
        await until(pilot, on_screen(app, AssessmentScreen))
        assert "Correcting the initial assessment of 01/09/2026" in screen_text(app)
        choose(app, "tonight", "With family or friends")
        choose(app, "settled", "Yes")
        await pilot.pause()
        await pilot.press("ctrl+r")
        await until(pilot, on_screen(app, SummaryScreen))
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "Say why this correction is being made" in screen_text(app)
        app.screen.query_one("#summary-reason", Input).value = "Wrong answer picked"
        await pilot.press("ctrl+s")
        await until(pilot, on_screen(app, ClientScreen))
        assert "Corrected 22/11/2026" in screen_text(app)
    found = {a.id: a for a in stored(caseload, client.id)}
    assert found[first.id] == first  # the original is kept exactly as it was
    [correction] = [a for a in found.values() if a.corrects == first.id]
    assert correction.correction_reason == "Wrong answer picked"
    assert correction.sections["accommodation"].answers["tonight"] == "family_friends"
    assert correction.assessed_on == first.assessed_on


async def test_writing_an_assessment_to_a_file_warns_it_is_not_encrypted(
    caseload: Caseload, clock: FixedClock, paths: CaseloadPaths, tmp_path: Path
) -> None:
    client = make_client(caseload)
    completed_initial(caseload, paths, client.id)
    app = Host(caseload, clock, client.id)
    target = tmp_path / "out"
    target.mkdir()
    async with app.run_test(size=(100, 40)) as pilot:
        await open_listed(pilot)
        await pilot.press("x")
        await until(pilot, on_screen(app, ExportForm))
        assert "This file is not encrypted" in screen_text(app)
        app.screen.query_one("#field-path", Input).value = str(target)
        await pilot.press("ctrl+s")
        await until(pilot, lambda: bool(app._notifications))
        [written_note] = [n.message for n in app._notifications]
        assert "It is not encrypted" in written_note
    [written] = list(target.iterdir())
    assert written.name == f"{client.case_ref}-assessment-2026-09-01.md"
    assert client.legal_name not in written.name
    assert "Nowhere yet" in written.read_text(encoding="utf-8")
    if os.name == "posix":
        assert written.stat().st_mode & 0o777 == 0o600


async def test_the_assessments_tab_lists_drafts_first(
    caseload: Caseload, clock: FixedClock, paths: CaseloadPaths
) -> None:
    client = make_client(caseload)
    completed_initial(caseload, paths, client.id)
    app = Host(caseload, clock, client.id)
    async with app.run_test(size=(100, 40)) as pilot:
        await start(pilot, review=True)
        await pilot.press("escape")
        await until(pilot, on_screen(app, ClientScreen))
        await until(pilot, lambda: len(app.screen.query_one(AssessmentsPane).table.rows) == 2)
        table = app.screen.query_one(AssessmentsPane).table
        assert [table.row_text(i)[1:3] for i in range(2)] == [
            ["Review", "Draft"],
            ["Initial assessment", "Completed"],
        ]


# Snapshots ----------------------------------------------------------------------------


def all_kinds_answered(client_id: UUID, template: Template) -> Assessment:
    answers = {
        "yes_no": True,
        "one_of": "hostel",
        "any_of": ["partner", "children"],
        "scale": 4,
        "number": 120.5,
        "date": "2026-10-03",
        "short": "Mr Patel",
        "long": "Damp in the back bedroom.\nThe landlord says he will fix it.",
    }
    return Assessment(
        client_id=client_id,
        template_id=template.id,
        template_version=template.version,
        assessed_on=TODAY,
        started_at=NOW,
        sections={
            "kinds": SectionAnswers(
                answers=answers,
                ratings=Ratings(need_level="medium", own_rating=6, motivation="wants_to_change"),
            )
        },
    )


class SnapHost(App[None]):
    def __init__(self, screen_maker: Callable[[], AssessmentScreen]) -> None:
        super().__init__()
        self.screen_maker = screen_maker

    def on_mount(self) -> None:
        self.push_screen(self.screen_maker())


@pytest.mark.parametrize("size", [(80, 24), (100, 64)], ids=["80x24", "100x64"])
def test_each_kind_of_question_snapshot(
    caseload: Caseload, clock: FixedClock, snap_compare: Any, size: tuple[int, int]
) -> None:
    template = parse_template(ALL_KINDS, "test")
    client = caseload.add_client(Client(case_ref="KW-2A3B4", legal_name="Daniel Price"))
    draft = caseload.start_assessment(all_kinds_answered(client.id, template), template)
    app = SnapHost(lambda: AssessmentScreen(caseload, clock, template, draft, client))

    async def settle(pilot: Pilot) -> None:
        await pilot.pause()
        await pilot.pause()

    assert snap_compare(app, terminal_size=size, run_before=settle)


def test_review_summary_snapshot(
    caseload: Caseload, clock: FixedClock, paths: CaseloadPaths, snap_compare: Any
) -> None:
    client = make_client(caseload)
    completed_initial(caseload, paths, client.id)
    app = Host(caseload, clock, client.id)

    async def to_summary(pilot: Pilot) -> None:
        await start(pilot, review=True)
        choose(app, f"{RATING_PREFIX}need_level", "Medium")
        fill(app, f"{RATING_PREFIX}own_rating", 6)
        await pilot.pause()
        await pilot.press("ctrl+r")
        await until(pilot, on_screen(app, SummaryScreen))

    assert snap_compare(app, terminal_size=(80, 24), run_before=to_summary)


def test_completed_assessment_snapshot(
    caseload: Caseload, clock: FixedClock, paths: CaseloadPaths, snap_compare: Any
) -> None:
    client = caseload.add_client(Client(case_ref="KW-2A3B4", legal_name="Daniel Price"))
    completed_initial(caseload, paths, client.id)
    app = Host(caseload, clock, client.id)

    async def to_view(pilot: Pilot) -> None:
        await open_listed(pilot)
        await pilot.pause()

    assert snap_compare(app, terminal_size=(80, 24), run_before=to_view)


async def test_d_shows_distance_travelled_from_the_record(
    caseload: Caseload, clock: FixedClock, paths: CaseloadPaths
) -> None:
    from screens.distance import DistanceScreen

    client = make_client(caseload)
    completed_initial(caseload, paths, client.id)
    app = Host(caseload, clock, client.id)
    async with app.run_test(size=(100, 40)) as pilot:
        await until(pilot, lambda: isinstance(app.screen, ClientScreen) and app.screen.record)
        await pilot.press("d")
        await until(pilot, on_screen(app, DistanceScreen))
        await until(pilot, lambda: "01/09/2026" in screen_text(app))
        assert "Accommodation" in screen_text(app)
        await pilot.press("escape")
        await until(pilot, on_screen(app, ClientScreen))


async def test_leaving_an_untouched_correction_asks_nothing_and_saves_nothing(
    caseload: Caseload, clock: FixedClock, paths: CaseloadPaths
) -> None:
    client = make_client(caseload)
    first = completed_initial(caseload, paths, client.id)
    app = Host(caseload, clock, client.id)
    async with app.run_test(size=(100, 40)) as pilot:
        await open_listed(pilot)
        await pilot.press("c")
        await until(pilot, on_screen(app, AssessmentScreen))
        await pilot.pause(0.2)
        await pilot.press("escape")
        await until(pilot, on_screen(app, ClientScreen))
    assert stored(caseload, client.id) == [first]
