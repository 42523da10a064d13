"""The client record screen: flags first, the four tabs, and every change it saves.

Most tests run the screen in a small host app on an open caseload, and check what the
screen shows and, after the app has gone, what the database holds when opened again.
"""

from __future__ import annotations

import html
import io
import re
import time
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import UUID

import pytest
from rich.console import Console
from rich.text import Text
from textual.app import App
from textual.pilot import Pilot
from textual.widgets import Input, Label, Select, Static, TabbedContent, TextArea

from keyworker.clock import FixedClock
from keyworker.errors import DamagedFile, KeyworkerError
from keyworker.models import CaseNote, Client, FamilyMember
from keyworker.settings import Settings
from screens.app import make_app
from screens.assessment_list import AssessmentTable
from screens.client import ClientScreen
from screens.client_form import ClientForm
from screens.client_text import (
    banner_line,
    notes_count,
    relative_days,
    review_words,
)
from screens.client_widgets import FamilyTable, FlagBanner, FlagTable, NotesTable
from screens.confirm import ConfirmScreen
from screens.dashboard import DashboardScreen
from screens.family_form import FamilyForm
from screens.flag_form import FlagForm
from screens.note_form import NoteForm
from screens.row_table import RowTable
from screens.status_form import CloseCaseForm, ReopenCaseForm
from storage import Caseload, CaseloadPaths, config
from tests.conftest import NOW, PASSPHRASE, make_client, make_flag, make_note

TODAY = NOW.date()
JORDAN = "KW-KAC8K"  # demo: closed, two active flags (one overdue), 14 notes, no family
ASH = "KW-4VQXN"  # demo: referred, two active flags, four family members, 2 notes


class Host(App[None]):
    """The smallest app the screen needs: it keeps settings in memory."""

    TITLE = "Keyworker Assistant"

    def __init__(self, caseload: Caseload, clock: FixedClock, client_id: UUID) -> None:
        super().__init__()
        self.caseload = caseload
        self.clock = clock
        self.client_id = client_id
        self.settings = Settings()
        self.saved: list[Settings] = []

    def save_settings(self, settings: Settings) -> None:
        self.settings = settings
        self.saved.append(settings)

    def on_mount(self) -> None:
        self.push_screen(ClientScreen(self.caseload, self.clock, self.client_id))


# Helpers -------------------------------------------------------------------------------


async def until(pilot: Pilot, condition: Callable[[], bool], timeout: float = 10) -> None:
    """Let workers finish and messages land until `condition` holds."""
    for _ in range(int(timeout / 0.05)):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        if condition():
            return
        await pilot.pause(0.05)
    raise AssertionError("the app did not reach the expected state in time")


def record_screen(app: App[Any]) -> ClientScreen:
    screen = app.screen_stack[-1]
    assert isinstance(screen, ClientScreen), screen
    return screen


def loaded(app: App[Any]) -> Callable[[], bool]:
    return lambda: isinstance(app.screen, ClientScreen) and app.screen.record is not None


async def opened(pilot: Pilot) -> ClientScreen:
    await until(pilot, loaded(pilot.app))
    return record_screen(pilot.app)


def text_of(screen: ClientScreen, selector: str) -> str:
    widget = screen.query_one(selector)
    rendered = widget.render()
    return rendered.plain if isinstance(rendered, Text) else str(rendered)


def static_text(screen: ClientScreen, selector: str) -> str:
    """A Static's content as plain text, laid out at the width it has on screen."""
    static = screen.query_one(selector, Static)
    content = static.content
    console = Console(file=io.StringIO(), width=static.size.width or 80, color_system=None)
    console.print(Text(content) if isinstance(content, str) else content)
    return console.file.getvalue()  # type: ignore[attr-defined]


def rows(table: RowTable) -> list[list[str]]:
    """Each row's cells in full, as a person reads them (the screen may end them in …)."""
    return [table.row_text(i) for i in range(table.row_count)]


def row_keys(table: RowTable) -> list[str]:
    return [str(record.id) for record in table.rows]


def screen_text(app: App[Any]) -> str:
    """Everything the terminal shows, as plain text."""
    svg = app.export_screenshot()
    return html.unescape(re.sub(r"<[^>]+>", "", svg)).replace("\xa0", " ")


def footer_line(app: App[Any]) -> str:
    return [line for line in screen_text(app).splitlines() if line.strip()][-1]


def count(screen: ClientScreen) -> str:
    return str(screen.query_one("#note-count", Label).render())


@pytest.fixture
def demo(demo_paths: CaseloadPaths, clock: FixedClock) -> Iterator[Caseload]:
    with Caseload.open(demo_paths, PASSPHRASE, clock=clock) as caseload:
        yield caseload


def reopened(paths: CaseloadPaths, clock: FixedClock) -> Caseload:
    return Caseload.open(paths, PASSPHRASE, clock=clock)


async def save_form(pilot: Pilot, form_type: type) -> None:
    await until(pilot, lambda: isinstance(pilot.app.screen, form_type))
    await pilot.press("ctrl+s")
    await until(pilot, loaded(pilot.app))


async def answer_yes(pilot: Pilot) -> None:
    await until(pilot, lambda: isinstance(pilot.app.screen, ConfirmScreen))
    await pilot.press("y")


# The header ----------------------------------------------------------------------------


async def test_header_shows_lone_working_before_anything_else(
    caseload: Caseload, clock: FixedClock
) -> None:
    client = make_client(caseload, "Daniel Price", preferred_name="Dan", status="active")
    caseload.add_flag(make_flag(client, "other", level="low", review_date=date(2027, 1, 4)))
    caseload.add_flag(make_flag(client, "self_harm", level="medium", review_date=date(2026, 11, 1)))
    caseload.add_flag(make_flag(client, "domestic_abuse", ended_on=date(2026, 10, 1)))
    caseload.add_flag(make_flag(client, "lone_working", review_date=date(2026, 12, 1)))
    caseload.add_flag(make_flag(client, "substance_use", level="very_high", review_date=TODAY))

    app = Host(caseload, clock, client.id)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await opened(pilot)
        banner = screen.query_one(FlagBanner).lines
        title = text_of(screen, "#title")
        shown = screen_text(app)

    assert banner == [
        "⚠ LONE WORKING — high — review by Tue 1 Dec 2026",
        "⚠ SELF-HARM OR SUICIDE — medium — review overdue since Sun 1 Nov 2026",
        "⚠ SUBSTANCE USE — very high — review due today",
        "⚠ OTHER — low — review by Mon 4 Jan 2027",
    ]
    assert title == f"Dan  ·  {client.case_ref}  ·  Status: Active"
    # Lone working is the first thing on screen after the name, above the tabs.
    lines = [line.strip() for line in shown.splitlines() if line.strip()]
    name_line = next(i for i, line in enumerate(lines) if line.startswith("Dan"))
    assert lines[name_line + 1].startswith("⚠ LONE WORKING")
    assert shown.index("LONE WORKING") < shown.index("Overview")
    assert "DOMESTIC ABUSE" not in shown  # an ended flag is not in the banner


async def test_no_active_flags_is_one_quiet_line(caseload: Caseload, clock: FixedClock) -> None:
    client = make_client(caseload, "Jordan Ellis")
    caseload.add_flag(make_flag(client, "lone_working", ended_on=date(2026, 9, 1)))
    app = Host(caseload, clock, client.id)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await opened(pilot)
        assert screen.query_one(FlagBanner).lines == ["No active risk flags"]
        assert text_of(screen, "#title").endswith("Status: Referred")


def test_flag_words() -> None:
    client_id = UUID(int=1)
    flag = make_flag(Client(id=client_id, case_ref="KW-2A3B4", legal_name="A"), "exploitation")
    assert banner_line(flag, TODAY) == "⚠ EXPLOITATION — high — review by Tue 1 Dec 2026"
    assert review_words(flag, date(2026, 12, 1)) == "review due today"
    assert review_words(flag, date(2026, 12, 2)) == "review overdue since Tue 1 Dec 2026"
    ended = flag.model_copy(update={"ended_on": date(2026, 7, 1)})
    assert review_words(ended, TODAY) == "ended Wed 1 Jul 2026"
    assert [relative_days(TODAY + timedelta(days=d), TODAY) for d in (-3, -1, 0, 1, 11)] == [
        "3 days ago",
        "yesterday",
        "today",
        "tomorrow",
        "in 11 days",
    ]
    assert notes_count(12, 40) == "12 of 40 notes"
    assert notes_count(40, 40) == "40 notes"
    assert notes_count(1, 1) == "1 note"


# The tabs ------------------------------------------------------------------------------


async def test_overview_shows_details_identifiers_key_dates_and_history(
    demo: Caseload, clock: FixedClock
) -> None:
    ash = demo.client_by_ref(ASH)
    app = Host(demo, clock, ash.id)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await opened(pilot)
        assert screen.query_one(TabbedContent).active == "overview"
        left = static_text(screen, "#overview-left")
        right = static_text(screen, "#overview-right")

    for words in ("Legal name", "Ash Thompson", "they/them", "Thu 12 Oct 2000 (aged 26)"):
        assert words in left
    for words in ("Prison number", "C3608BP", "CRN", "Y523275", "2026/5576898Q"):
        assert words in left
    assert "Release date" in right
    assert "Mon 18 Jan 2027 (in 57 days)" in right
    assert "Order or licence ends  none recorded" in right
    assert "Last contact" in right and "(6 days ago)" in right
    assert "Prison (resettlement team)" in right
    assert "Fri 30 Oct 2026 (23 days ago)" in right
    assert "Fri 30 Oct 2026 08:35  Referred (by Sam Keyworker)" in right
    assert "Referral received." in right


async def test_overview_lists_status_history_latest_first_with_reasons(
    demo: Caseload, clock: FixedClock
) -> None:
    jordan = demo.client_by_ref(JORDAN)
    app = Host(demo, clock, jordan.id)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await opened(pilot)
        history = static_text(screen, "#overview-right").split("Status history")[1]
    closed = history.index("Closed: Needs met / completed")
    assert closed < history.index("Active") < history.index("Referred")
    assert "Goals achieved and Jordan settled" in history


async def test_family_tab_lists_family_and_dependants(demo: Caseload, clock: FixedClock) -> None:
    ash = demo.client_by_ref(ASH)
    app = Host(demo, clock, ash.id)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await opened(pilot)
        await pilot.press("2")
        assert screen.query_one(TabbedContent).active == "family"
        table = screen.query_one(FamilyTable)
        assert table.has_focus
        assert rows(table) == [
            ["Rebecca Patel", "Partner", "31", "No", "None"],
            ["Chidinma Thompson", "Former partner", "26", "No", "None"],
            ["Natasha Thompson", "Parent", "46", "No", "None"],
            ["Archie Lewis", "Child", "4", "No", "None"],
        ]
        detail = static_text(screen, "#family-detail")
        assert "Rebecca Patel, Partner" in detail
        assert "Phone calls from the prison most days." in detail
        await pilot.press("down")
        assert "Chidinma Thompson" in static_text(screen, "#family-detail")


async def test_risks_tab_shows_active_and_ended_flags_with_review_status(
    caseload: Caseload, clock: FixedClock
) -> None:
    client = make_client(caseload, "Priya Shah", status="active")
    caseload.add_flag(make_flag(client, "domestic_abuse", ended_on=date(2026, 10, 1)))
    caseload.add_flag(
        make_flag(client, "self_harm", level="medium", review_date=date(2026, 11, 1), notes="Ask.")
    )
    caseload.add_flag(make_flag(client, "lone_working"))
    app = Host(caseload, clock, client.id)
    async with app.run_test(size=(120, 30)) as pilot:
        screen = await opened(pilot)
        await pilot.press("3")
        table = screen.query_one(FlagTable)
        assert rows(table) == [
            ["Lone working", "High", "Review by Tue 1 Dec 2026, in 9 days", ""],
            ["Self-harm or suicide", "Medium", "⚠ REVIEW OVERDUE since Sun 1 Nov 2026", "Ask."],
            ["Domestic abuse", "High", "Ended Thu 1 Oct 2026", ""],
        ]
        assert "Risk to staff / lone working — high" in static_text(screen, "#flag-detail")


async def test_notes_newest_first_and_filtered_by_contact_type_and_pathway(
    demo: Caseload, clock: FixedClock
) -> None:
    jordan = demo.record(demo.client_by_ref(JORDAN).id)
    notes = jordan.notes
    app = Host(demo, clock, jordan.client.id)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await opened(pilot)
        await pilot.press("4")
        table = screen.query_one(NotesTable)
        assert count(screen) == f"{len(notes)} notes"
        shown = rows(table)
        assert [r[0] for r in shown] == [
            "Thu 7 Aug 2025 14:00",
            "Tue 5 Aug 2025 12:15",
            "Thu 24 Jul 2025 10:25",
            "Wed 16 Jul 2025 13:25",
            "Tue 15 Jul 2025 10:25",
            "Mon 7 Jul 2025 09:45",
            "Thu 3 Jul 2025 12:10",
            "Fri 27 Jun 2025 13:25",
            "Wed 25 Jun 2025 09:15",
            "Wed 28 May 2025 12:00",
            "Thu 22 May 2025 12:15",
            "Wed 21 May 2025 15:05",
            "Thu 15 May 2025 14:15",
            "Thu 1 May 2025 08:05",
        ]
        assert shown[0][:2] == ["Thu 7 Aug 2025 14:00", "Face to face"]
        assert shown[0][3] == "Sam Keyworker"

        contact = screen.query_one("#contact-filter", Select)
        contact.focus()
        await pilot.press("enter")  # the keyboard way: open the list, type, choose
        await pilot.press(*"home", "enter")
        await until(pilot, lambda: contact.value == "home_visit")
        home_visits = [n for n in notes if n.contact_type == "home_visit"]
        assert count(screen) == f"{len(home_visits)} of {len(notes)} notes"
        assert {r[1] for r in rows(table)} == {"Home visit"}

        screen.query_one("#pathway-filter", Select).value = "education_skills_work"
        await pilot.pause()
        both = [n for n in home_visits if "education_skills_work" in n.pathways]
        assert 0 < len(both) < len(home_visits)
        assert count(screen) == f"{len(both)} of {len(notes)} notes"
        assert row_keys(table) == [str(n.id) for n in both]

        contact.value = Select.NULL
        await pilot.pause()
        await pilot.resize_terminal(80, 24)  # narrower: no room for pathways and author
        await until(pilot, lambda: not table.wide)
        assert [c.label for c in table.columns] == ["When", "Contact", "Note"]
        education = [n for n in notes if "education_skills_work" in n.pathways]
        assert count(screen) == f"{len(education)} of {len(notes)} notes"

        screen.query_one("#pathway-filter", Select).value = "sex_work"
        await pilot.pause()
        assert count(screen) == f"0 of {len(notes)} notes"
        assert "No notes match these filters." in static_text(screen, "#note-detail")


async def test_a_long_note_is_shown_whole_and_wrapped(
    caseload: Caseload, clock: FixedClock
) -> None:
    client = make_client(caseload)
    words = " ".join(f"word{i}" for i in range(300)) + " THE END"
    caseload.add_note(
        make_note(client, words, pathways=["accommodation", "health"], author="Sam Keyworker")
    )
    app = Host(caseload, clock, client.id)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await opened(pilot)
        await pilot.press("4")
        detail = static_text(screen, "#note-detail")
        assert "Sun 1 Nov 2026 14:00 · Face to face · by Sam Keyworker" in detail
        assert "Accommodation; Health (physical and mental health)" in detail
        assert words in " ".join(detail.split())
        # On screen the note runs on over several lines of its panel, not off the edge.
        lines = [line.strip() for line in screen_text(app).splitlines()]
        wrapped = [line for line in lines if line.startswith("word")]
        assert len(wrapped) >= 2
        assert wrapped[0].startswith("word0 word1 word2")
        assert wrapped[1].startswith("word") and "word0 " not in wrapped[1]


async def test_hundreds_of_notes_stay_responsive(caseload: Caseload, clock: FixedClock) -> None:
    client = make_client(caseload)
    kinds = ["phone", "face_to_face", "email"]
    notes = [
        CaseNote(
            client_id=client.id,
            at=datetime(2026, 1, 1, 9, 0, tzinfo=UTC) + timedelta(hours=7 * i),
            contact_type=kinds[i % 3],
            text=f"Note number {i}. " + "Some words about the contact. " * 10,
            pathways=["accommodation"] if i % 2 else [],
        )
        for i in range(800)
    ]
    caseload.add_records([])  # nothing; the notes go in below in one go
    for note in notes:
        caseload.add_note(note)
    app = Host(caseload, clock, client.id)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await opened(pilot)
        await pilot.press("4")
        table = screen.query_one(NotesTable)
        assert table.row_count == 800
        assert table.row_text(0)[4].startswith("Note number 799.")
        started = time.perf_counter()
        screen.query_one("#contact-filter", Select).value = "phone"
        await pilot.pause()
        assert count(screen) == "267 of 800 notes"
        for _ in range(20):
            await pilot.press("down")
        took = time.perf_counter() - started
        assert "Note number 738." in static_text(screen, "#note-detail")  # 20 phone calls on
        assert took < 3, f"filtering and moving through 800 notes took {took:.2f} s"


# Changes -------------------------------------------------------------------------------


async def test_quick_note_from_every_tab_and_from_a_table(
    demo_paths: CaseloadPaths, demo: Caseload, clock: FixedClock
) -> None:
    ash = demo.client_by_ref(ASH)
    before = len(demo.record(ash.id).notes)
    app = Host(demo, clock, ash.id)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await opened(pilot)
        for number, tab in enumerate(("overview", "family", "risks", "notes"), start=1):
            await pilot.press(str(number))
            assert screen.query_one(TabbedContent).active == tab
            if tab in ("family", "risks"):
                assert isinstance(app.focused, RowTable)
            await pilot.press("n")
            await until(pilot, lambda: isinstance(app.screen, NoteForm))
            assert isinstance(app.focused, TextArea)
            await pilot.press(*f"From {tab}")
            await save_form(pilot, NoteForm)
            await until(pilot, lambda n=number: len(screen.record.notes) == before + n)
        # And with a filter list focused, on the notes tab.
        screen.query_one("#pathway-filter", Select).focus()
        await pilot.press("n")
        await until(pilot, lambda: isinstance(app.screen, NoteForm))
        app.screen.query_one("#field-text", TextArea).text = "From the filter"
        await save_form(pilot, NoteForm)
        await until(pilot, lambda: len(screen.record.notes) == before + 5)
        assert count(screen) == f"{before + 5} notes"
        assert "Note saved." in [n.message for n in app._notifications]
    demo.close()

    with reopened(demo_paths, clock) as again:
        saved = again.record(ash.id).notes
    texts = {n.text for n in saved}
    for text in ("From overview", "From family", "From risks", "From notes", "From the filter"):
        assert text in texts
    mine = [n for n in saved if n.text.startswith("From")]
    assert {n.author for n in mine} == {"Sam Keyworker"}
    assert {n.at for n in mine} == {NOW.replace(second=0, microsecond=0)}


async def test_note_form_remembers_the_last_contact_type(
    caseload: Caseload, clock: FixedClock
) -> None:
    client = make_client(caseload)
    app = Host(caseload, clock, client.id)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await opened(pilot)
        await pilot.press("n")
        await until(pilot, lambda: isinstance(app.screen, NoteForm))
        form = app.screen
        assert form.query_one("#field-contact-type", Select).value == "face_to_face"
        form.query_one("#field-text", TextArea).text = "Rang about the housing form."
        form.query_one("#field-contact-type", Select).value = "phone"
        await save_form(pilot, NoteForm)
        await until(pilot, lambda: len(screen.record.notes) == 1)
        assert app.settings.last_contact_type == "phone"
        assert len(app.saved) == 1

        await pilot.press("n")
        await until(pilot, lambda: isinstance(app.screen, NoteForm))
        assert app.screen.query_one("#field-contact-type", Select).value == "phone"
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, ClientScreen))
    assert caseload.record(client.id).notes[0].contact_type == "phone"


async def test_edit_client_details(
    demo_paths: CaseloadPaths, demo: Caseload, clock: FixedClock
) -> None:
    jordan = demo.client_by_ref(JORDAN)
    app = Host(demo, clock, jordan.id)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await opened(pilot)
        await pilot.press("e")
        await until(pilot, lambda: isinstance(app.screen, ClientForm))
        preferred = app.screen.query_one("#field-preferred-name", Input)
        preferred.value = "Jojo"
        await save_form(pilot, ClientForm)
        await until(pilot, lambda: screen.record.client.preferred_name == "Jojo")
        assert text_of(screen, "#title").startswith("Jojo  ·  KW-KAC8K")
    demo.close()
    with reopened(demo_paths, clock) as again:
        saved = again.client(jordan.id)
    assert saved.preferred_name == "Jojo"
    assert saved.legal_name == jordan.legal_name
    assert saved.status == "closed"


async def test_add_edit_and_remove_a_family_member(
    paths: CaseloadPaths, caseload: Caseload, clock: FixedClock
) -> None:
    client = make_client(caseload)
    app = Host(caseload, clock, client.id)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await opened(pilot)
        await pilot.press("2")
        assert "No family members" in static_text(screen, "#family-detail")
        await pilot.press("a")
        await until(pilot, lambda: isinstance(app.screen, FamilyForm))
        await pilot.press(*"Lily Price")
        app.screen.query_one("#field-relationship", Select).value = "child"
        await save_form(pilot, FamilyForm)
        await until(pilot, lambda: len(screen.record.family) == 1)
        table = screen.query_one(FamilyTable)
        assert rows(table) == [["Lily Price", "Child", "not known", "No", "None"]]

        await pilot.press("f")  # from anywhere in the record, too
        await until(pilot, lambda: isinstance(app.screen, FamilyForm))
        await pilot.press(*"Mark Price")
        app.screen.query_one("#field-relationship", Select).value = "sibling"
        await save_form(pilot, FamilyForm)
        await until(pilot, lambda: len(screen.record.family) == 2)
        assert table.cursor_row == 1  # the new member has the cursor

        table.focus()
        table.move_cursor(0)
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, FamilyForm))
        app.screen.query_one("#field-age", Input).value = "7"
        await save_form(pilot, FamilyForm)
        await until(pilot, lambda: screen.record.family[0].age == 7)
        assert rows(table)[0][2] == "7"

        table.move_cursor(1)
        await pilot.press("delete")
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        assert "Remove Mark Price" in str(app.screen.query_one("#confirm-question").render())
        await pilot.press("n")  # no: nothing is removed
        await until(pilot, lambda: isinstance(app.screen, ClientScreen))
        assert len(screen.record.family) == 2
        await pilot.press("delete")
        await answer_yes(pilot)
        await until(pilot, lambda: len(screen.record.family) == 1)
        assert rows(table) == [["Lily Price", "Child", "7", "No", "None"]]
    caseload.close()
    with reopened(paths, clock) as again:
        family = again.record(client.id).family
    assert [(m.name, m.relationship, m.age) for m in family] == [("Lily Price", "child", 7)]


async def test_add_a_flag_and_end_it(
    paths: CaseloadPaths, caseload: Caseload, clock: FixedClock
) -> None:
    client = make_client(caseload, status="active")
    app = Host(caseload, clock, client.id)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await opened(pilot)
        assert screen.query_one(FlagBanner).lines == ["No active risk flags"]
        await pilot.press("r")
        await until(pilot, lambda: isinstance(app.screen, FlagForm))
        app.screen.query_one("#field-kind", Select).value = "lone_working"
        app.screen.query_one("#field-level", Select).value = "very_high"
        await save_form(pilot, FlagForm)
        await until(pilot, lambda: len(screen.record.flags) == 1)
        assert screen.query_one(FlagBanner).lines == [
            "⚠ LONE WORKING — very high — review by Mon 22 Feb 2027"
        ]

        await pilot.press("3")
        await pilot.press("x")
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        question = str(app.screen.query_one("#confirm-question").render())
        assert question.startswith("End the lone working flag today, Sun 22 Nov 2026?")
        await pilot.press("y")
        await until(pilot, lambda: not screen.record.flags[0].is_active)
        assert screen.query_one(FlagBanner).lines == ["No active risk flags"]
        assert rows(screen.query_one(FlagTable))[0][2] == "Ended Sun 22 Nov 2026"
    caseload.close()
    with reopened(paths, clock) as again:
        (flag,) = again.record(client.id).flags
    assert (flag.kind, flag.level, flag.raised_on, flag.ended_on) == (
        "lone_working",
        "very_high",
        TODAY,
        TODAY,
    )


async def test_edit_a_flag_with_enter(
    paths: CaseloadPaths, caseload: Caseload, clock: FixedClock
) -> None:
    client = make_client(caseload)
    caseload.add_flag(make_flag(client, "exploitation", level="low"))
    app = Host(caseload, clock, client.id)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await opened(pilot)
        await pilot.press("3", "enter")
        await until(pilot, lambda: isinstance(app.screen, FlagForm))
        app.screen.query_one("#field-level", Select).value = "high"
        await save_form(pilot, FlagForm)
        await until(pilot, lambda: screen.record.flags[0].level == "high")
        assert screen.query_one(FlagBanner).lines[0].startswith("⚠ EXPLOITATION — high")
    caseload.close()
    with reopened(paths, clock) as again:
        assert again.record(client.id).flags[0].level == "high"


async def test_close_a_case_with_a_reason_and_reopen_it(
    paths: CaseloadPaths, caseload: Caseload, clock: FixedClock
) -> None:
    client = make_client(caseload, status="active")
    app = Host(caseload, clock, client.id)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await opened(pilot)
        footer = screen_text(app)
        assert "Close case" in footer and "Reopen case" not in footer

        await pilot.press("c")
        await until(pilot, lambda: isinstance(app.screen, CloseCaseForm))
        app.screen.query_one("#field-reason", Select).value = "moved_out_of_area"
        app.screen.query_one("#field-note", TextArea).text = "Moved to live with family."
        await save_form(pilot, CloseCaseForm)
        await until(pilot, lambda: screen.record.client.status == "closed")
        assert text_of(screen, "#title").endswith("Status: Closed (Moved out of area)")
        footer = screen_text(app)
        assert "Reopen case" in footer and "Close case" not in footer

        clock.moment = NOW + timedelta(days=3)
        await pilot.press("c")
        await until(pilot, lambda: isinstance(app.screen, ReopenCaseForm))
        app.screen.query_one("#field-note", TextArea).text = "Back in the area."
        await save_form(pilot, ReopenCaseForm)
        await until(pilot, lambda: screen.record.client.status == "active")
        history = static_text(screen, "#overview-right")
        assert history.index("Back in the area.") < history.index("Moved to live with family.")
    caseload.close()
    with reopened(paths, clock) as again:
        record = again.record(client.id)
    assert (record.client.status, record.client.closure_reason) == ("active", None)
    assert [(s.status, s.reason, s.note, s.at) for s in record.status_history[1:]] == [
        ("closed", "moved_out_of_area", "Moved to live with family.", NOW),
        ("active", None, "Back in the area.", NOW + timedelta(days=3)),
    ]


async def test_a_transferred_case_offers_reopen(caseload: Caseload, clock: FixedClock) -> None:
    client = make_client(caseload, status="transferred")
    app = Host(caseload, clock, client.id)
    async with app.run_test(size=(100, 30)) as pilot:
        await opened(pilot)
        await pilot.press("c")
        await until(pilot, lambda: isinstance(app.screen, ReopenCaseForm))


async def video_note_in_the_app(paths: CaseloadPaths, clock: FixedClock, text: str) -> object:
    """Open Jordan from the dashboard, write a video note; the contact type offered first."""
    app = make_app(paths, clock, PASSPHRASE)
    async with app.run_test(size=(100, 30)) as pilot:
        await until(pilot, lambda: isinstance(app.screen, DashboardScreen) and app.screen.ready)
        dashboard = app.screen
        assert isinstance(dashboard, DashboardScreen) and app.caseload is not None
        dashboard.open_client(app.caseload.client_by_ref(JORDAN).id)
        screen = await opened(pilot)
        await pilot.press("n")
        await until(pilot, lambda: isinstance(app.screen, NoteForm))
        contact = app.screen.query_one("#field-contact-type", Select)
        offered = contact.value
        contact.value = "video"
        app.screen.query_one("#field-text", TextArea).text = text
        await save_form(pilot, NoteForm)
        await until(
            pilot, lambda: screen.record is not None and screen.record.notes[0].text == text
        )
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is dashboard)
    return offered


async def test_in_the_app_the_contact_type_is_remembered_from_one_run_to_the_next(
    demo_paths: CaseloadPaths, clock: FixedClock
) -> None:
    """The real app: opened from the dashboard, kept in the settings file, back with Escape."""
    assert await video_note_in_the_app(demo_paths, clock, "Video call, first run.") == (
        "face_to_face"
    )
    assert config.load_settings()[0].last_contact_type == "video"
    assert await video_note_in_the_app(demo_paths, clock, "Video call, next run.") == "video"
    with reopened(demo_paths, clock) as again:
        notes = again.record(again.client_by_ref(JORDAN).id).notes
    assert [(n.text, n.contact_type) for n in notes[:2]] == [
        ("Video call, next run.", "video"),
        ("Video call, first run.", "video"),
    ]


# Problems ------------------------------------------------------------------------------


async def test_a_record_that_cannot_be_read_is_explained_plainly(
    caseload: Caseload, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = make_client(caseload)
    problem = "The caseload database is damaged and cannot be read. Restore it from a backup."

    def damaged(client_id: UUID) -> None:
        raise DamagedFile(problem)

    monkeypatch.setattr(caseload, "record", damaged)
    app = Host(caseload, clock, client.id)
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: bool(app._notifications))
        screen = record_screen(app)
        assert text_of(screen, "#title") == f"This record could not be opened. {problem}"
        assert [n.message for n in app._notifications] == [problem]
        await pilot.press("n")  # nothing to write a note about yet
        await pilot.pause()
        assert app.screen is screen
        assert "Traceback" not in screen_text(app)
        assert app.is_running


async def test_a_change_that_cannot_be_saved_is_explained_plainly(
    caseload: Caseload, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = make_client(caseload)
    full = "The disk is full, so the change was not saved. Free some space and try again."

    def disk_full(note: CaseNote) -> None:
        raise KeyworkerError(full)

    app = Host(caseload, clock, client.id)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await opened(pilot)
        monkeypatch.setattr(caseload, "add_note", disk_full)
        await pilot.press("n")
        await until(pilot, lambda: isinstance(app.screen, NoteForm))
        app.screen.query_one("#field-text", TextArea).text = "Not saved."
        await pilot.press("ctrl+s")
        await until(pilot, lambda: bool(app._notifications))
        assert [n.message for n in app._notifications] == [full]
        assert app.screen is screen
        assert screen.record is not None and screen.record.notes == []
        assert app.settings.last_contact_type == "face_to_face"  # nothing was saved


# Keys ----------------------------------------------------------------------------------


async def test_escape_goes_back(caseload: Caseload, clock: FixedClock) -> None:
    client = make_client(caseload)
    app = Host(caseload, clock, client.id)
    async with app.run_test(size=(80, 24)) as pilot:
        await opened(pilot)
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, ClientScreen)


async def test_every_binding_has_a_description_and_an_id(
    caseload: Caseload, clock: FixedClock
) -> None:
    for owner in (ClientScreen, FamilyTable, FlagTable, AssessmentTable):
        for binding in owner.BINDINGS:
            assert binding.description and binding.id  # type: ignore[union-attr]
    client = make_client(caseload, status="active")
    app = Host(caseload, clock, client.id)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await opened(pilot)
        footer = footer_line(app)
        for words in ("Quick note", "Close case", "Edit details", "Back", "Assess"):
            assert words in footer
        await pilot.press("2")
        footer = footer_line(app)
        for words in ("Edit", "Add", "Remove", "Quick note", "Back"):
            assert words in footer
        tabs = screen.query_one(TabbedContent)
        tab_names = ("assessments", "notes", "risks", "family", "overview")
        for key, tab in zip("54321", tab_names, strict=True):
            await pilot.press(key)
            assert tabs.active == tab


async def test_family_members_born_on_a_date_show_their_age(
    caseload: Caseload, clock: FixedClock
) -> None:
    client = make_client(caseload)
    caseload.add_family_member(
        FamilyMember(
            client_id=client.id,
            name="Ruby Price",
            relationship="child",
            date_of_birth=date(2019, 11, 23),
            lives_with_client=True,
            safeguarding_notes="Subject to a child protection plan.",
        )
    )
    app = Host(caseload, clock, client.id)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await opened(pilot)
        await pilot.press("2")
        assert rows(screen.query_one(FamilyTable)) == [["Ruby Price", "Child", "6", "Yes", "⚠ Yes"]]
        detail = static_text(screen, "#family-detail")
        assert "age 6 (born Sat 23 Nov 2019); lives with the client" in detail
        assert "Safeguarding: Subject to a child protection plan." in detail


# Snapshots -----------------------------------------------------------------------------


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
@pytest.mark.parametrize(
    "tab", ["1", "2", "3", "4", "5"], ids=["overview", "family", "risks", "notes", "assessments"]
)
def test_client_screen_snapshot(
    demo_paths: CaseloadPaths,
    clock: FixedClock,
    snap_compare: Any,
    tab: str,
    size: tuple[int, int],
) -> None:
    with Caseload.open(demo_paths, PASSPHRASE, clock=clock) as demo:
        ash = demo.client_by_ref(ASH)
        demo.add_flag(make_flag(ash, "lone_working", review_date=date(2026, 11, 20)))
        app = Host(demo, clock, ash.id)

        async def show_tab(pilot: Pilot) -> None:
            await until(pilot, loaded(app))
            await pilot.press(tab)
            await pilot.pause()

        assert snap_compare(app, terminal_size=size, run_before=show_tab)
