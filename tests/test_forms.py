"""The forms, each driven in a small host app the way a keyworker would use it.

Each form is a modal screen that dismisses with a validated model (or None); the host
keeps what it was given, so the tests assert on exactly what a caller would save.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID

import pytest
from textual.app import App
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import Button, Checkbox, Input, Label, Select, SelectionList, TextArea

from keyworker.models import CaseNote, Client, FamilyMember, RiskFlag, StatusChange
from screens.client_form import ClientForm
from screens.confirm import ConfirmScreen
from screens.date_input import DateInput
from screens.family_form import FamilyForm
from screens.flag_form import FlagForm
from screens.form import FormScreen
from screens.note_form import NoteForm
from screens.status_form import CloseCaseForm, ReopenCaseForm

NOW = datetime(2026, 11, 22, 10, 30, tzinfo=UTC)
TODAY = NOW.date()
CLIENT_ID = UUID("00000000-0000-4000-8000-000000000001")
OTHER_ID = UUID("00000000-0000-4000-8000-000000000002")
CASE_REF = "KW-7F3Q2"
AUTHOR = "Sam Keyworker"
BAD_DATE = "31/02/2026"

CLOSED_CLIENT = Client(
    id=CLIENT_ID,
    case_ref=CASE_REF,
    legal_name="Daniel Price",
    preferred_name="Dan Price",
    status="closed",
    closure_reason="needs_met",
    linked_client_id=OTHER_ID,
    relationship_to_linked="partner",
    keyworker=AUTHOR,
)
FLAG = RiskFlag(
    client_id=CLIENT_ID,
    kind="lone_working",
    level="high",
    notes="Two workers for home visits.",
    raised_on=date(2026, 9, 1),
    review_date=date(2026, 12, 1),
)
NOTE = CaseNote(
    client_id=CLIENT_ID,
    at=datetime(2026, 11, 20, 14, 0, tzinfo=UTC),
    contact_type="home_visit",
    pathways=["accommodation"],
    text="Visited at the hostel.",
    author="Alex Former",
)
MEMBER = FamilyMember(client_id=CLIENT_ID, name="Mia Price", relationship="child", age=8)


@pytest.fixture(autouse=True)
def london_time(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Times are typed in local time; pin it so results and snapshots never drift."""
    monkeypatch.setenv("TZ", "Europe/London")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


class Host(App[None]):
    """Opens one form and keeps what it was dismissed with."""

    def __init__(self, form: Screen[Any]) -> None:
        super().__init__()
        self.form = form
        self.results: list[Any] = []

    def on_mount(self) -> None:
        self.push_screen(self.form, self.results.append)


def still(app: App[Any]) -> None:
    for widget in app.screen.query("Input, TextArea"):
        widget.cursor_blink = False  # type: ignore[attr-defined]


async def type_into(pilot: Pilot, selector: str, text: str) -> None:
    """Focus a field, clear it and type, as a keyworker would."""
    widget = pilot.app.screen.query_one(selector)
    widget.focus()
    await pilot.pause()
    focused = pilot.app.focused
    if isinstance(focused, Input):
        focused.value = ""
    elif isinstance(focused, TextArea):
        focused.clear()
    await pilot.press(*["enter" if char == "\n" else char for char in text])


def form_of(app: Host) -> FormScreen[Any]:
    assert isinstance(app.screen, FormScreen)
    return app.screen


def error_beside(app: Host, widget_id: str) -> str:
    """The message shown in the same row as the field, if any."""
    widget = app.screen.query_one(f"#{widget_id}")
    row = next(a for a in widget.ancestors if a.has_class("form-row"))
    shown = [str(label.content) for label in row.query(".field-error.-shown").results(Label)]
    return " ".join(shown)


def choose(app: Host, widget_id: str, code: str) -> None:
    app.screen.query_one(f"#{widget_id}", Select).value = code


# --- Client form ----------------------------------------------------------------------


async def test_new_client_is_returned_with_what_was_typed() -> None:
    app = Host(ClientForm(TODAY, CASE_REF))
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        assert app.focused is app.screen.query_one("#field-legal-name")
        await type_into(pilot, "#field-legal-name", "Daniel Price")
        await type_into(pilot, "#field-preferred-name", "Dan Price")
        await type_into(pilot, "#field-pronouns", "he/him")
        await type_into(pilot, "#field-date-of-birth", "3/4/1990")
        await type_into(pilot, "#field-phone", "07700 900123")
        await type_into(pilot, "#field-address", "Flat 2\n14 Hill Street")
        choose(app, "field-referral-source", "probation")
        await type_into(pilot, "#field-referral-date", "yesterday")
        await type_into(pilot, "#field-release-date", "+2w")
        await type_into(pilot, "#field-identifiers-crn", "x123456")
        await pilot.click("#form-save")
        await pilot.pause()
    [client] = app.results
    assert isinstance(client, Client)
    assert client.case_ref == CASE_REF
    assert client.legal_name == "Daniel Price"
    assert client.preferred_name == "Dan Price"
    assert client.pronouns == "he/him"
    assert client.date_of_birth == date(1990, 4, 3)
    assert client.phone == "07700 900123"
    assert client.email is None
    assert client.address == "Flat 2\n14 Hill Street"
    assert client.kind == "justice"
    assert client.referral_source == "probation"
    assert client.referral_date == date(2026, 11, 21)
    assert client.release_date == date(2026, 12, 6)
    assert client.order_end_date is None
    assert client.identifiers.crn == "X123456"
    assert client.identifiers.prison_number is None
    assert client.status == "referred"


async def test_editing_a_client_keeps_their_id_status_and_links() -> None:
    app = Host(ClientForm(TODAY, CASE_REF, CLOSED_CLIENT))
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        assert app.screen.query_one("#field-legal-name", Input).value == "Daniel Price"
        await type_into(pilot, "#field-preferred-name", "Danny")
        await pilot.press("ctrl+s")
        await pilot.pause()
    [client] = app.results
    assert client.preferred_name == "Danny"
    assert client.legal_name == "Daniel Price"
    assert client.id == CLIENT_ID
    assert (client.status, client.closure_reason) == ("closed", "needs_met")
    assert (client.linked_client_id, client.relationship_to_linked) == (OTHER_ID, "partner")
    assert client.keyworker == AUTHOR


async def test_problems_show_beside_their_fields_and_typed_text_stays() -> None:
    app = Host(ClientForm(TODAY, CASE_REF))
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        await type_into(pilot, "#field-legal-name", "Daniel Price")
        await type_into(pilot, "#field-phone", "12ab")
        await type_into(pilot, "#field-identifiers-crn", "zz9")
        await type_into(pilot, "#field-date-of-birth", "1/1/2190")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.results == []
        form = form_of(app)
        assert error_beside(app, "field-date-of-birth") == (
            "✗ A date of birth cannot be in the future."
        )
        assert '"12ab" is not a phone number' in error_beside(app, "field-phone")
        assert "07700 900123" in error_beside(app, "field-phone")
        assert "'zz9' is not a probation case reference number" in error_beside(
            app, "field-identifiers-crn"
        )
        assert "Value error" not in error_beside(app, "field-phone")
        assert error_beside(app, "field-legal-name") == ""
        assert "3 marked fields" in form.form_message
        assert app.screen.query_one("#field-phone", Input).value == "12ab"
        assert app.screen.query_one("#field-identifiers-crn", Input).value == "zz9"
        assert app.screen.query_one("#field-legal-name", Input).value == "Daniel Price"
        assert app.focused is app.screen.query_one("#field-date-of-birth", DateInput).input

        await type_into(pilot, "#field-date-of-birth", "")
        await type_into(pilot, "#field-phone", "07700 900123")
        await type_into(pilot, "#field-identifiers-crn", "X123456")
        await pilot.press("ctrl+s")
        await pilot.pause()
    [client] = app.results
    assert client.identifiers.crn == "X123456"
    assert client.date_of_birth is None


async def test_a_blank_required_field_says_fill_this_in() -> None:
    app = Host(ClientForm(TODAY, CASE_REF))
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        await type_into(pilot, "#field-preferred-name", "Dan")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.results == []
        assert error_beside(app, "field-legal-name") == "✗ Fill this in."
        assert app.focused is app.screen.query_one("#field-legal-name")
        assert app.screen.query_one("#field-preferred-name", Input).value == "Dan"


async def test_every_problem_shows_at_once() -> None:
    app = Host(ClientForm(TODAY, CASE_REF))
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        await type_into(pilot, "#field-release-date", "soon")
        await type_into(pilot, "#field-email", "dan at home")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.results == []
        assert error_beside(app, "field-legal-name") == "✗ Fill this in."
        assert '"soon" is not a date that can be read' in error_beside(app, "field-release-date")
        assert '"dan at home" is not an email address' in error_beside(app, "field-email")
        assert form_of(app).form_message == "✗ Put right the 3 marked fields."
        assert app.focused is app.screen.query_one("#field-legal-name")


# --- Bad dates in every date field of every form ----------------------------------------


def _client_ready(app: Host) -> None:
    app.screen.query_one("#field-legal-name", Input).value = "Daniel Price"


def _family_ready(app: Host) -> None:
    app.screen.query_one("#field-name", Input).value = "Mia Price"
    choose(app, "field-relationship", "child")


def _flag_ready(app: Host) -> None:
    choose(app, "field-kind", "self_harm")
    choose(app, "field-level", "medium")


def _note_ready(app: Host) -> None:
    app.screen.query_one("#field-text", TextArea).text = "Met at the office."


DATE_FIELDS: list[tuple[str, Callable[[], Screen[Any]], Callable[[Host], None], str]] = [
    ("client", lambda: ClientForm(TODAY, CASE_REF), _client_ready, "date-of-birth"),
    ("client", lambda: ClientForm(TODAY, CASE_REF), _client_ready, "referral-date"),
    ("client", lambda: ClientForm(TODAY, CASE_REF), _client_ready, "release-date"),
    ("client", lambda: ClientForm(TODAY, CASE_REF), _client_ready, "order-end-date"),
    ("family", lambda: FamilyForm(CLIENT_ID, TODAY), _family_ready, "date-of-birth"),
    ("flag", lambda: FlagForm(CLIENT_ID, TODAY), _flag_ready, "raised-on"),
    ("flag", lambda: FlagForm(CLIENT_ID, TODAY), _flag_ready, "review-date"),
    ("flag edit", lambda: FlagForm(CLIENT_ID, TODAY, FLAG), lambda app: None, "ended-on"),
    ("note", lambda: NoteForm(CLIENT_ID, NOW, AUTHOR, "phone"), _note_ready, "date"),
]


@pytest.mark.parametrize(
    ("form", "make", "ready", "field"), DATE_FIELDS, ids=[f"{f[0]}-{f[3]}" for f in DATE_FIELDS]
)
async def test_a_bad_date_is_refused_beside_its_field(
    form: str, make: Callable[[], Screen[Any]], ready: Callable[[Host], None], field: str
) -> None:
    app = Host(make())
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        ready(app)
        await type_into(pilot, f"#field-{field}", BAD_DATE)
        date_input = app.screen.query_one(f"#field-{field}", DateInput)
        assert "✗ Not a real date" in str(date_input.query_one(".date-echo", Label).content)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.results == []
        beside = error_beside(app, f"field-{field}")
        assert f'"{BAD_DATE}" is not a real date' in beside
        assert "Type a date like 22/11/2026" in beside
        assert date_input.text == BAD_DATE
        assert app.focused is date_input.input
        # Put right, it saves.
        await type_into(pilot, f"#field-{field}", "today")
        assert "Sun 22 Nov 2026" in str(date_input.query_one(".date-echo", Label).content)
        await pilot.press("ctrl+s")
        await pilot.pause()
    assert len(app.results) == 1
    assert app.results[0] is not None


# --- Family form ------------------------------------------------------------------------


async def test_new_family_member() -> None:
    app = Host(FamilyForm(CLIENT_ID, TODAY))
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        await type_into(pilot, "#field-name", "Mia Price")
        choose(app, "field-relationship", "child")
        await type_into(pilot, "#field-age", "8")
        await pilot.click("#field-lives-with-client")
        await type_into(pilot, "#field-contact-arrangements", "Weekends with dad")
        await pilot.press("ctrl+s")
        await pilot.pause()
    [member] = app.results
    assert isinstance(member, FamilyMember)
    assert member.client_id == CLIENT_ID
    assert (member.name, member.relationship, member.age) == ("Mia Price", "child", 8)
    assert member.date_of_birth is None
    assert member.lives_with_client is True
    assert member.contact_arrangements == "Weekends with dad"


async def test_family_member_with_both_birth_date_and_age_is_refused_in_plain_words() -> None:
    app = Host(FamilyForm(CLIENT_ID, TODAY, MEMBER))
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        await type_into(pilot, "#field-date-of-birth", "1/6/2018")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.results == []
        assert form_of(app).form_message == "✗ Give a date of birth or an age, not both."
        assert app.screen.query_one("#field-age", Input).value == "8"
        await type_into(pilot, "#field-age", "")
        await pilot.press("ctrl+s")
        await pilot.pause()
    [member] = app.results
    assert member.id == MEMBER.id
    assert (member.date_of_birth, member.age) == (date(2018, 6, 1), None)


async def test_an_age_out_of_range_is_refused_beside_it() -> None:
    app = Host(FamilyForm(CLIENT_ID, TODAY, MEMBER))
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        await type_into(pilot, "#field-age", "300")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.results == []
        assert error_beside(app, "field-age") == "✗ Must be 120 or less."


# --- Flag form --------------------------------------------------------------------------


async def test_new_flag_is_raised_today_for_review_in_three_months() -> None:
    app = Host(FlagForm(CLIENT_ID, TODAY))
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        assert not app.screen.query("#field-ended-on")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.results == []
        assert error_beside(app, "field-kind") == "✗ Choose one."
        assert error_beside(app, "field-level") == "✗ Choose one."
        choose(app, "field-kind", "self_harm")
        choose(app, "field-level", "high")
        await type_into(pilot, "#field-notes", "Talked about last month.")
        await pilot.press("ctrl+s")
        await pilot.pause()
    [flag] = app.results
    assert isinstance(flag, RiskFlag)
    assert (flag.kind, flag.level, flag.client_id) == ("self_harm", "high", CLIENT_ID)
    assert flag.raised_on == TODAY
    assert flag.review_date == date(2027, 2, 22)
    assert flag.ended_on is None
    assert flag.notes == "Talked about last month."


async def test_ending_a_flag_and_a_date_out_of_order() -> None:
    app = Host(FlagForm(CLIENT_ID, TODAY, FLAG))
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        await type_into(pilot, "#field-ended-on", "1/8/2026")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.results == []
        assert form_of(app).form_message == "✗ A flag cannot end before it was raised."
        await type_into(pilot, "#field-ended-on", "today")
        await pilot.press("ctrl+s")
        await pilot.pause()
    [flag] = app.results
    assert flag.id == FLAG.id
    assert flag.ended_on == TODAY
    assert not flag.is_active


async def test_a_required_date_left_blank_is_refused() -> None:
    app = Host(FlagForm(CLIENT_ID, TODAY, FLAG))
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        await type_into(pilot, "#field-review-date", "")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.results == []
        assert "Please give a date" in error_beside(app, "field-review-date")


# --- Note form --------------------------------------------------------------------------


async def test_new_note_with_the_remembered_contact_type() -> None:
    app = Host(NoteForm(CLIENT_ID, NOW, AUTHOR, "phone"))
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        assert app.focused is app.screen.query_one("#field-text")
        assert app.screen.query_one("#field-contact-type", Select).value == "phone"
        assert app.screen.query_one("#field-time", Input).value == "10:30"
        await pilot.press(*"Rang about the housing appointment.")
        await type_into(pilot, "#field-date", "yesterday")
        await type_into(pilot, "#field-time", "09:15")
        await type_into(pilot, "#field-duration-minutes", "20")
        pathways = app.screen.query_one("#field-pathways", SelectionList)
        pathways.focus()
        await pilot.press("space", "down", "down", "down", "space")
        await pilot.press("ctrl+s")
        await pilot.pause()
    [note] = app.results
    assert isinstance(note, CaseNote)
    assert note.text == "Rang about the housing appointment."
    assert note.contact_type == "phone"
    assert note.at == datetime(2026, 11, 21, 9, 15, tzinfo=UTC)
    assert note.duration_minutes == 20
    assert note.pathways == ["accommodation", "drugs_alcohol"]
    assert (note.author, note.client_id) == (AUTHOR, CLIENT_ID)


async def test_note_time_is_local_and_stored_in_utc() -> None:
    summer = datetime(2026, 7, 1, 12, 0, tzinfo=UTC)
    app = Host(NoteForm(CLIENT_ID, summer, AUTHOR, "video"))
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        assert app.screen.query_one("#field-time", Input).value == "13:00"
        await pilot.press(*"Video call.")
        await pilot.press("ctrl+s")
        await pilot.pause()
    [note] = app.results
    assert note.at == summer


async def test_bad_time_and_empty_note_are_refused() -> None:
    app = Host(NoteForm(CLIENT_ID, NOW, AUTHOR, "phone"))
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        await type_into(pilot, "#field-time", "25:00")
        await type_into(pilot, "#field-duration-minutes", "2000")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.results == []
        assert error_beside(app, "field-text") == "✗ Fill this in."
        assert "is not a time on the 24-hour clock. Type a time like 14:30" in error_beside(
            app, "field-time"
        )
        assert app.screen.query_one("#field-time", Input).value == "25:00"
        assert app.focused is app.screen.query_one("#field-text")
        await pilot.press(*"Phoned.")
        await type_into(pilot, "#field-time", "14:05")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.results == []
        assert error_beside(app, "field-duration-minutes") == "✗ Must be 1440 or less."


async def test_editing_a_note_keeps_its_author_and_id() -> None:
    app = Host(NoteForm(CLIENT_ID, NOW, AUTHOR, "phone", NOTE))
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        assert app.screen.query_one("#field-contact-type", Select).value == "home_visit"
        assert app.screen.query_one("#field-time", Input).value == "14:00"
        await type_into(pilot, "#field-text", "Visited at the hostel with the housing officer.")
        await pilot.press("ctrl+s")
        await pilot.pause()
    [note] = app.results
    assert note.id == NOTE.id
    assert note.author == "Alex Former"
    assert note.at == NOTE.at
    assert note.contact_type == "home_visit"
    assert note.pathways == ["accommodation"]
    assert note.text == "Visited at the hostel with the housing officer."


# --- Close and reopen -------------------------------------------------------------------


async def test_closing_a_case_needs_a_reason() -> None:
    app = Host(CloseCaseForm(CLOSED_CLIENT, NOW, AUTHOR))
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.results == []
        assert error_beside(app, "field-reason") == "✗ Choose one."
        reason = app.screen.query_one("#field-reason", Select)
        reason.focus()
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("down", "down", "enter")
        await pilot.pause()
        assert reason.value == "disengaged"
        await type_into(pilot, "#field-note", "No contact since August.")
        await pilot.click("#form-save")
        await pilot.pause()
    [change] = app.results
    assert isinstance(change, StatusChange)
    assert (change.status, change.reason) == ("closed", "disengaged")
    assert (change.at, change.by, change.note) == (NOW, AUTHOR, "No contact since August.")


async def test_reopening_a_case_says_why() -> None:
    app = Host(ReopenCaseForm(CLOSED_CLIENT, NOW, AUTHOR))
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.results == []
        assert error_beside(app, "field-note") == "✗ Fill this in."
        await pilot.press(*"Referred again by probation.")
        await pilot.press("ctrl+s")
        await pilot.pause()
    [change] = app.results
    assert (change.status, change.reason, change.note) == (
        "active",
        None,
        "Referred again by probation.",
    )


# --- Escape -----------------------------------------------------------------------------

ALL_FORMS: list[tuple[str, Callable[[], Screen[Any]]]] = [
    ("client", lambda: ClientForm(TODAY, CASE_REF)),
    ("client-edit", lambda: ClientForm(TODAY, CASE_REF, CLOSED_CLIENT)),
    ("family", lambda: FamilyForm(CLIENT_ID, TODAY)),
    ("family-edit", lambda: FamilyForm(CLIENT_ID, TODAY, MEMBER)),
    ("flag", lambda: FlagForm(CLIENT_ID, TODAY)),
    ("flag-edit", lambda: FlagForm(CLIENT_ID, TODAY, FLAG)),
    ("note", lambda: NoteForm(CLIENT_ID, NOW, AUTHOR, "phone")),
    ("note-edit", lambda: NoteForm(CLIENT_ID, NOW, AUTHOR, "phone", NOTE)),
    ("close", lambda: CloseCaseForm(CLOSED_CLIENT, NOW, AUTHOR)),
    ("reopen", lambda: ReopenCaseForm(CLOSED_CLIENT, NOW, AUTHOR)),
]


@pytest.mark.parametrize(("name", "make"), ALL_FORMS, ids=[f[0] for f in ALL_FORMS])
async def test_escape_without_changes_closes_at_once(
    name: str, make: Callable[[], Screen[Any]]
) -> None:
    app = Host(make())
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert app.results == [None]
        assert not isinstance(app.screen, FormScreen | ConfirmScreen)


@pytest.mark.parametrize(("name", "make"), ALL_FORMS, ids=[f[0] for f in ALL_FORMS])
async def test_escape_with_changes_asks_first(name: str, make: Callable[[], Screen[Any]]) -> None:
    app = Host(make())
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        app.screen.query("Input, TextArea").first().focus()
        await pilot.press("x")
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        assert app.screen.query_one("#confirm-question", Label).content == ("Discard your changes?")
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, FormScreen)
        assert app.results == []
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
    assert app.results == [None]


async def test_cancel_button_asks_too_and_keep_editing_keeps_the_text() -> None:
    app = Host(FamilyForm(CLIENT_ID, TODAY))
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        await type_into(pilot, "#field-name", "Mia")
        await pilot.click("#form-cancel")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.click("#confirm-no")
        await pilot.pause()
        assert app.screen.query_one("#field-name", Input).value == "Mia"
        await pilot.click("#form-cancel")
        await pilot.pause()
        await pilot.click("#confirm-yes")
        await pilot.pause()
    assert app.results == [None]


async def test_ticking_a_box_counts_as_a_change() -> None:
    app = Host(FamilyForm(CLIENT_ID, TODAY, MEMBER))
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        app.screen.query_one("#field-lives-with-client", Checkbox).toggle()
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)


async def test_enter_moves_to_the_next_field() -> None:
    app = Host(FamilyForm(CLIENT_ID, TODAY))
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        await pilot.press(*"Mia", "enter")
        assert app.focused is app.screen.query_one("#field-relationship")
        assert app.results == []


async def test_escape_in_an_open_list_closes_only_the_list() -> None:
    app = Host(FlagForm(CLIENT_ID, TODAY))
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        kind = app.screen.query_one("#field-kind", Select)
        assert app.focused is kind
        await pilot.press("enter")
        await pilot.pause()
        assert kind.expanded
        await pilot.press("escape")
        await pilot.pause()
        assert not kind.expanded
        assert isinstance(app.screen, FlagForm)
        assert app.results == []


# --- Confirm ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("keys", "answer"),
    [(("y",), True), (("n",), False), (("escape",), False), (("enter",), False)],
)
async def test_confirm_keys(keys: tuple[str, ...], answer: bool) -> None:
    app = Host(ConfirmScreen("Close the case?", yes="Close it", no="Keep it open"))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert app.screen.query_one("#confirm-yes", Button).label.plain == "Close it"
        await pilot.press(*keys)
        await pilot.pause()
    assert app.results == [answer]


# --- Snapshots --------------------------------------------------------------------------

SNAPSHOT_FORMS: list[tuple[str, Callable[[], Screen[Any]]]] = [
    ("client", lambda: ClientForm(TODAY, CASE_REF)),
    ("family", lambda: FamilyForm(CLIENT_ID, TODAY)),
    ("flag-edit", lambda: FlagForm(CLIENT_ID, TODAY, FLAG)),
    ("note", lambda: NoteForm(CLIENT_ID, NOW, AUTHOR, "phone")),
    ("close", lambda: CloseCaseForm(CLOSED_CLIENT, NOW, AUTHOR)),
    ("reopen", lambda: ReopenCaseForm(CLOSED_CLIENT, NOW, AUTHOR)),
    ("confirm", lambda: ConfirmScreen("Discard your changes?", "Discard", "Keep editing")),
]
SIZES = [(80, 24), (120, 40)]


@pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
@pytest.mark.parametrize(("name", "make"), SNAPSHOT_FORMS, ids=[f[0] for f in SNAPSHOT_FORMS])
def test_form_snapshot(
    name: str, make: Callable[[], Screen[Any]], size: tuple[int, int], snap_compare
) -> None:
    app = Host(make())

    async def settle(pilot: Pilot) -> None:
        await pilot.pause()
        still(app)
        await pilot.pause()

    assert snap_compare(app, terminal_size=size, run_before=settle)


@pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
def test_client_form_with_problems_snapshot(size: tuple[int, int], snap_compare) -> None:
    app = Host(ClientForm(TODAY, CASE_REF))

    async def refuse(pilot: Pilot) -> None:
        await pilot.pause()
        await type_into(pilot, "#field-preferred-name", "Dan Price")
        await type_into(pilot, "#field-date-of-birth", BAD_DATE)
        await type_into(pilot, "#field-phone", "12ab")
        await pilot.press("ctrl+s")
        await pilot.pause()
        still(app)
        await pilot.pause()

    assert snap_compare(app, terminal_size=size, run_before=refuse)
