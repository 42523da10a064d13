"""Booking and changing appointments on screen, outcomes, and the Appointments tab.

The tab runs on a small host screen of its own (the appointment pane with the actions
mixed in), as the client record will host it; each test checks what the screen shows
and what the caseload then holds.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from uuid import UUID

import pytest
from textual import work
from textual.app import App, ComposeResult
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import Header, Input, Select, Static, TabbedContent, TabPane

from keyworker import appointments as ap
from keyworker.appointments import Appointment, Repeat
from keyworker.clock import FixedClock
from keyworker.models import Client, ClientRecord
from keyworker.settings import Settings
from keyworker.times import zone_named
from screens.appointment_actions import AppointmentActions
from screens.appointment_form import (
    AppointmentForm,
    ChoiceScreen,
    EndInput,
    MoveForm,
    PeoplePicker,
    WarningScreen,
    WhenInput,
)
from screens.appointment_pane import AppointmentPane
from screens.client_text import title_line
from screens.client_widgets import FlagBanner
from screens.footer import KeyFooter
from screens.form import FormScreen
from screens.outcome_form import OutcomeForm
from storage import Caseload
from tests.conftest import make_appointment, make_client, make_flag
from tests.test_client_screen import footer_line, rows, static_text, until
from tests.test_plan_screens import fixed_client

LONDON = zone_named("Europe/London")


class AppointmentsScreen(AppointmentActions, Screen[None]):
    """The Appointments tab as a screen: what the client record will host."""

    def __init__(
        self, caseload: Caseload, clock: FixedClock, client_id: UUID, rows_for_person: bool
    ) -> None:
        super().__init__()
        self.caseload = caseload
        self.clock = clock
        self.client_id = client_id
        self.rows_for_person = rows_for_person
        self.record: ClientRecord | None = None

    DEFAULT_CSS = """
    AppointmentsScreen {
        #tabs, #tabs > ContentSwitcher, TabPane {
            height: 1fr;
        }
        TabPane {
            padding: 0;
        }
    }
    """

    def compose(self) -> ComposeResult:
        """Laid out as the client record is: a title, the flags, then the tabs."""
        yield Header()
        yield Static("", id="title", markup=False)
        yield FlagBanner(id="flags")
        with TabbedContent(id="tabs"), TabPane("Appointments", id="appointments"):
            yield AppointmentPane(id="appointment-pane")
        yield KeyFooter(show_command_palette=False)

    def on_mount(self) -> None:
        self._reload()

    @work(thread=True, exclusive=True)
    def _reload(self) -> None:
        record = self.caseload.record(self.client_id)
        self.app.call_from_thread(self._show, record)

    def _show(self, record: ClientRecord) -> None:
        first = self.record is None
        self.record = record
        self.query_one("#title", Static).update(title_line(record.client))
        self.query_one(FlagBanner).show(record.flags, self.clock.today())
        pane = self.query_one(AppointmentPane)
        pane.show(record, self.clock.now(), self.appointment_zone, self.take_selected_appointment())
        if first:  # as the record's tab key does
            pane.focus_table()

    def chosen_appointment(self) -> tuple[UUID, UUID | None] | None:
        chosen = self.query_one(AppointmentPane).chosen
        if chosen is None or self.rows_for_person:
            return chosen
        return chosen[0], None

    def booking_for(self) -> list[UUID]:
        return [self.client_id]

    def appointments_changed(self) -> None:
        self._reload()


class Host(App[None]):
    TITLE = "Keyworker Assistant"

    def __init__(
        self, caseload: Caseload, clock: FixedClock, client_id: UUID, rows_for_person: bool = True
    ) -> None:
        super().__init__()
        self.caseload, self.clock, self.client_id = caseload, clock, client_id
        self.rows_for_person = rows_for_person
        self.settings = Settings()

    def on_mount(self) -> None:
        self.push_screen(
            AppointmentsScreen(self.caseload, self.clock, self.client_id, self.rows_for_person)
        )


# Helpers -------------------------------------------------------------------------------


def tab(app: App[Any]) -> AppointmentsScreen:
    screen = next(s for s in app.screen_stack if isinstance(s, AppointmentsScreen))
    return screen


def pane(app: App[Any]) -> AppointmentPane:
    return tab(app).query_one(AppointmentPane)


async def shown(pilot: Pilot) -> AppointmentPane:
    await until(pilot, lambda: tab(pilot.app).record is not None)
    return pane(pilot.app)


async def on_screen(pilot: Pilot, kind: type) -> Any:
    await until(pilot, lambda: isinstance(pilot.app.screen, kind))
    return pilot.app.screen


def notified(app: App[Any], words: str) -> bool:
    return any(words in n.message for n in app._notifications)


async def saved(pilot: Pilot, words: str) -> None:
    await until(pilot, lambda: app_back(pilot.app) and notified(pilot.app, words))


def app_back(app: App[Any]) -> bool:
    return isinstance(app.screen, AppointmentsScreen)


def type_in(form: Screen[Any], name: str, text: str) -> None:
    widget = form.query_one(f"#field-{name.replace('_', '-')}")
    if isinstance(widget, WhenInput | EndInput | PeoplePicker):
        widget = widget.query_one(Input)
    assert isinstance(widget, Input)
    widget.value = text


def choose(form: Screen[Any], name: str, value: object) -> None:
    form.query_one(f"#field-{name.replace('_', '-')}", Select).value = value


def problem(form: FormScreen[Any], name: str) -> str:
    return form.problem_for(name)


def echo(form: Screen[Any], name: str) -> str:
    widget = form.query_one(f"#field-{name}")
    assert isinstance(widget, WhenInput | EndInput)
    return widget.echo


def start(day: int, hour: int, month: int = 11, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=UTC)


def only(caseload: Caseload, client: Client) -> Appointment:
    (found,) = caseload.client_appointments(client.id)
    return found


# Booking -------------------------------------------------------------------------------


async def test_an_appointment_booked_through_the_form_is_saved_as_typed(
    caseload: Caseload, clock: FixedClock
) -> None:
    client = make_client(caseload, "Daniel Price", preferred_name="Dan")
    app = Host(caseload, clock, client.id)
    async with app.run_test(size=(100, 40)) as pilot:
        shown_pane = await shown(pilot)
        assert rows(shown_pane.upcoming_table) == []
        await pilot.press("b")
        form = await on_screen(pilot, AppointmentForm)
        assert f"For {client.case_ref} Dan." in str(form.query_one("#form-about", Static).content)
        type_in(form, "when", "tue 10am")
        type_in(form, "ends", "11:30")
        await pilot.pause()
        assert echo(form, "when") == "Tue 24/11/2026 10:00"
        assert echo(form, "ends") == "Ends 11:30 (1 hour 30 minutes)"
        type_in(form, "location", "Hope Street office")
        type_in(form, "met_with", "Shelter Housing Advice")
        choose(form, "pathway", "accommodation")
        type_in(form, "purpose", "Housing forms")
        await pilot.press("ctrl+s")
        await saved(pilot, "Booked: One-to-one at the office, Tue 24/11/2026 10:00–11:30.")
        table = pane(app).upcoming_table
        assert rows(table) == [
            [
                "Tue 24/11/2026 10:00",
                "One-to-one at the office",
                "Shelter Housing Advice, Hope Street office",
                "Booked",
            ]
        ]
    booked = only(caseload, client)
    assert (booked.start, booked.end) == (start(24, 10), start(24, 11, minute=30))
    assert (booked.kind, booked.location, booked.purpose) == (
        "one_to_one",
        "Hope Street office",
        "Housing forms",
    )
    assert booked.pathway == "accommodation"
    assert booked.client_ids == [client.id]
    assert booked.series_id is None


async def test_a_blank_end_is_the_usual_length_from_settings(
    caseload: Caseload, clock: FixedClock
) -> None:
    client = make_client(caseload)
    app = Host(caseload, clock, client.id)
    app.settings = Settings(appointment_minutes=45)
    async with app.run_test(size=(100, 40)) as pilot:
        await shown(pilot)
        await pilot.press("b")
        form = await on_screen(pilot, AppointmentForm)
        type_in(form, "when", "tomorrow 9:15")
        await pilot.pause()
        assert echo(form, "ends") == "Ends 10:00 (45 minutes, as usual)"
        await pilot.press("ctrl+s")
        await saved(pilot, "Booked")
    booked = only(caseload, client)
    assert (booked.start, booked.end) == (start(23, 9, minute=15), start(23, 10))


async def test_a_time_that_cannot_be_read_is_one_line_and_nothing_is_saved(
    caseload: Caseload, clock: FixedClock
) -> None:
    client = make_client(caseload)
    app = Host(caseload, clock, client.id)
    async with app.run_test(size=(100, 40)) as pilot:
        await shown(pilot)
        await pilot.press("b")
        form = await on_screen(pilot, AppointmentForm)
        type_in(form, "when", "tue 3")
        await pilot.press("ctrl+s")
        await pilot.pause()
        said = problem(form, "when")
        assert said.startswith("✗ Is that 3am or 3pm?")
        assert "\n" not in said
        assert echo(form, "when").startswith("✗ ")
        type_in(form, "when", "tue 3pm")
        type_in(form, "ends", "2pm")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert problem(form, "ends") == "✗ The end must be after the start (15:00)."
        assert problem(form, "when") == ""
        assert app.screen is form
    assert caseload.client_appointments(client.id) == []


async def test_a_weekly_series_books_each_occurrence(caseload: Caseload, clock: FixedClock) -> None:
    client = make_client(caseload)
    app = Host(caseload, clock, client.id)
    async with app.run_test(size=(100, 40)) as pilot:
        await shown(pilot)
        await pilot.press("b")
        form = await on_screen(pilot, AppointmentForm)
        type_in(form, "when", "tue 10am")
        choose(form, "repeat", "weekly")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert problem(form, "until") == "✗ Give an end date, or a number of times below."
        type_in(form, "times", "4")
        await pilot.press("ctrl+s")
        await saved(pilot, "Booked 4 weekly appointments, Tue 24/11/2026 to Tue 15/12/2026.")
        statuses = [r[3] for r in rows(pane(app).upcoming_table)]
        assert statuses == ["Repeats weekly"] * 4
    series = caseload.client_appointments(client.id)
    assert [a.start for a in series] == [
        start(24, 10),
        start(1, 10, 12),
        start(8, 10, 12),
        start(15, 10, 12),
    ]
    assert len({a.series_id for a in series}) == 1
    assert series[0].repeat == Repeat(frequency="weekly", count=4)


async def test_a_group_session_books_people_added_by_reference_or_name(
    caseload: Caseload, clock: FixedClock
) -> None:
    client = make_client(caseload, "Ann Lee")
    bea = make_client(caseload, "Bea Cole")
    make_client(caseload, "Bea Moss")
    app = Host(caseload, clock, client.id)
    async with app.run_test(size=(100, 40)) as pilot:
        await shown(pilot)
        await pilot.press("b")
        form = await on_screen(pilot, AppointmentForm)
        picker = form.query_one(PeoplePicker)
        picker.focus()
        await pilot.press(*"bea", "enter")
        assert picker.message.startswith("2 people match:")
        type_in(form, "people", bea.case_ref.lower())
        await pilot.press("enter")
        assert picker.message == f"Added {bea.case_ref} Bea Cole."
        choose(form, "kind", "group_session")
        type_in(form, "title", "Women's centre group")
        type_in(form, "when", "thu 2pm")
        await pilot.press("ctrl+s")
        await saved(pilot, "Booked: Women's centre group, Thu 26/11/2026 14:00–15:00.")
    booked = only(caseload, client)
    assert caseload.appointment(booked.id).client_ids == [client.id, bea.id]
    assert booked.title == "Women's centre group"


# Warnings ------------------------------------------------------------------------------


async def test_a_clash_is_warned_about_and_can_be_booked_anyway(
    caseload: Caseload, clock: FixedClock
) -> None:
    client = make_client(caseload, "Dan Price")
    other = make_client(caseload, "Ann Lee")
    caseload.book([make_appointment(other, day=24, hour=10)])
    app = Host(caseload, clock, client.id)
    async with app.run_test(size=(100, 40)) as pilot:
        await shown(pilot)
        await pilot.press("b")
        form = await on_screen(pilot, AppointmentForm)
        type_in(form, "when", "tue 10:30")
        await pilot.press("ctrl+s")
        warning = await on_screen(pilot, WarningScreen)
        assert warning.lines == [
            "This clashes with another appointment:",
            f"– Tue 24/11/2026 10:00–11:00 One-to-one at the office with {other.case_ref} Ann Lee",
        ]
        await pilot.press("n")
        await on_screen(pilot, AppointmentForm)
        assert caseload.client_appointments(client.id) == []
        await pilot.press("ctrl+s")
        await on_screen(pilot, WarningScreen)
        await pilot.press("y")
        await saved(pilot, "Booked")
    assert only(caseload, client).start == start(24, 10, minute=30)


async def test_a_weekly_series_is_checked_for_clashes_on_every_occurrence(
    caseload: Caseload, clock: FixedClock
) -> None:
    client = make_client(caseload, "Dan Price")
    other = make_client(caseload, "Ann Lee")
    caseload.book([make_appointment(other, day=8, month=12, hour=10, kind="phone")])
    app = Host(caseload, clock, client.id)
    async with app.run_test(size=(100, 40)) as pilot:
        await shown(pilot)
        await pilot.press("b")
        form = await on_screen(pilot, AppointmentForm)
        type_in(form, "when", "tue 10am")
        choose(form, "repeat", "weekly")
        type_in(form, "times", "4")
        await pilot.press("ctrl+s")
        warning = await on_screen(pilot, WarningScreen)
        assert (
            warning.lines[1] == f"– Tue 08/12/2026 10:00–11:00 Phone with {other.case_ref} Ann Lee"
        )


async def test_a_home_visit_to_someone_with_a_lone_working_flag_shows_it(
    caseload: Caseload, clock: FixedClock
) -> None:
    client = make_client(caseload, "Dan Price")
    caseload.add_flag(make_flag(client, "lone_working", level="high", notes="Dog at the address"))
    app = Host(caseload, clock, client.id)
    async with app.run_test(size=(100, 40)) as pilot:
        await shown(pilot)
        await pilot.press("b")
        form = await on_screen(pilot, AppointmentForm)
        banner = form.query_one("#form-staff-risk", Static)
        assert not banner.display
        choose(form, "kind", "home_visit")
        await pilot.pause()
        risk = (
            f"⚠ RISK TO STAFF / LONE WORKING (HIGH): {client.case_ref} Dan Price. "
            "Dog at the address"
        )
        assert banner.display
        assert str(banner.content) == risk
        type_in(form, "when", "wed 11am")
        await pilot.press("ctrl+s")
        warning = await on_screen(pilot, WarningScreen)
        assert warning.lines == [risk]
        await pilot.press("y")
        await saved(pilot, "Booked: Home visit, Wed 25/11/2026 11:00–12:00.")
    assert only(caseload, client).kind == "home_visit"


# Changing a series ---------------------------------------------------------------------


def weekly(caseload: Caseload, client: Client, count: int = 4) -> list[Appointment]:
    first = make_appointment(client, day=24, location="Office")
    return caseload.book(ap.book_series(first, Repeat(frequency="weekly", count=count), LONDON))


async def second_row(pilot: Pilot) -> None:
    shown_pane = await shown(pilot)
    shown_pane.upcoming_table.focus()
    await pilot.press("down")


async def test_changing_just_this_one_leaves_the_rest_of_the_series(
    caseload: Caseload, clock: FixedClock
) -> None:
    client = make_client(caseload)
    series = weekly(caseload, client)
    app = Host(caseload, clock, client.id)
    async with app.run_test(size=(100, 40)) as pilot:
        await second_row(pilot)
        await pilot.press("enter")
        question = await on_screen(pilot, ChoiceScreen)
        assert question.question == "This appointment repeats. Change which?"
        await pilot.press("1")
        form = await on_screen(pilot, AppointmentForm)
        assert form.query_one("#field-when", WhenInput).text == "01/12/2026 10:00"
        type_in(form, "location", "Library")
        await pilot.press("ctrl+s")
        await saved(pilot, "Saved Tue 01/12/2026 10:00.")
    after = caseload.series(series[0].series_id)
    assert [a.location for a in after] == ["Office", "Library", "Office", "Office"]


async def test_changing_this_and_all_following_moves_them_on_the_local_clock(
    caseload: Caseload, clock: FixedClock
) -> None:
    client = make_client(caseload)
    series = weekly(caseload, client)
    app = Host(caseload, clock, client.id)
    async with app.run_test(size=(100, 40)) as pilot:
        await second_row(pilot)
        await pilot.press("enter")
        await on_screen(pilot, ChoiceScreen)
        await pilot.press("2")
        form = await on_screen(pilot, AppointmentForm)
        assert "This and the 2 following." in str(form.query_one("#form-about", Static).content)
        type_in(form, "when", "02/12/2026 14:00")
        await pilot.press("ctrl+s")
        await saved(pilot, "Changed 3 appointments, Wed 02/12/2026 to Wed 16/12/2026.")
    after = caseload.series(series[0].series_id)
    assert [a.start for a in after] == [
        start(24, 10),
        start(2, 14, 12),
        start(9, 14, 12),
        start(16, 14, 12),
    ]


# Outcomes ------------------------------------------------------------------------------


async def test_an_outcome_is_recorded_and_an_acceptable_absence_needs_its_reason(
    caseload: Caseload, clock: FixedClock
) -> None:
    client = make_client(caseload)
    booked = caseload.book([make_appointment(client, day=20, hour=14)])[0]
    app = Host(caseload, clock, client.id)
    async with app.run_test(size=(100, 40)) as pilot:
        shown_pane = await shown(pilot)
        assert rows(shown_pane.past_table)[0][3] == "⚠ Outcome to record"
        assert "⚠ 1 outcome to record" in static_text(tab(app), "#appointment-summary")
        shown_pane.past_table.focus()
        await pilot.press("o")
        form = await on_screen(pilot, OutcomeForm)
        choose(form, "outcome", "acceptable_absence")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert problem(form, "reason") == "✗ Choose the reason the absence was acceptable."
        assert caseload.appointment(booked.id).person(client.id).outcome is None
        choose(form, "reason", "medical")
        type_in(form, "note", "Hospital appointment")
        await pilot.press("ctrl+s")
        await saved(pilot, "Outcome recorded.")
        assert rows(pane(app).past_table)[0][3] == "Acceptable absence (medical)"
        assert "Attendance: no appointments have gone ahead yet" in static_text(
            tab(app), "#appointment-summary"
        )
    person = caseload.appointment(booked.id).person(client.id)
    assert (person.outcome, person.reason, person.note) == (
        "acceptable_absence",
        "medical",
        "Hospital appointment",
    )


async def test_attendance_before_the_appointment_starts_is_refused_in_one_line(
    caseload: Caseload, clock: FixedClock
) -> None:
    client = make_client(caseload)
    booked = caseload.book([make_appointment(client, day=24)])[0]
    app = Host(caseload, clock, client.id)
    async with app.run_test(size=(100, 40)) as pilot:
        await shown(pilot)
        await pilot.press("o")
        form = await on_screen(pilot, OutcomeForm)
        choose(form, "outcome", "attended")
        await pilot.press("ctrl+s")
        await pilot.pause()
        said = problem(form, "outcome")
        assert said.startswith("✗ This appointment has not started yet (24/11/2026).")
        assert "\n" not in said
    assert caseload.appointment(booked.id) == booked


async def test_a_group_session_has_an_outcome_row_for_each_person(
    caseload: Caseload, clock: FixedClock
) -> None:
    ann, bea = make_client(caseload, "Ann Lee"), make_client(caseload, "Bea Cole")
    group = caseload.book(
        [make_appointment(ann, bea, day=19, kind="group_session", title="Art group")]
    )[0]
    app = Host(caseload, clock, ann.id, rows_for_person=False)
    async with app.run_test(size=(100, 40)) as pilot:
        shown_pane = await shown(pilot)
        shown_pane.past_table.focus()
        await pilot.press("o")
        form = await on_screen(pilot, OutcomeForm)
        sections = [str(s.content) for s in form.query(".form-section").results(Static)]
        assert sections == [f"{ann.case_ref} Ann Lee", f"{bea.case_ref} Bea Cole"]
        choose(form, "p0_outcome", "attended")
        choose(form, "p1_outcome", "did_not_attend")
        await pilot.press("ctrl+s")
        await saved(pilot, "Outcomes recorded for 2 people.")
    saved_group = caseload.appointment(group.id)
    assert [p.outcome for p in saved_group.people] == ["attended", "did_not_attend"]


# Cancelling and moving -----------------------------------------------------------------


async def test_cancelling_asks_who_cancelled_and_keeps_the_appointment(
    caseload: Caseload, clock: FixedClock
) -> None:
    client = make_client(caseload)
    booked = caseload.book([make_appointment(client, day=25)])[0]
    app = Host(caseload, clock, client.id)
    async with app.run_test(size=(100, 40)) as pilot:
        await shown(pilot)
        await pilot.press("x")
        question = await on_screen(pilot, ChoiceScreen)
        assert question.question.endswith("Who cancelled it?")
        await pilot.press("2")
        await saved(pilot, "Cancelled Wed 25/11/2026 10:00 (by the service).")
        assert rows(pane(app).upcoming_table)[0][3] == "Cancelled by the service"
    assert caseload.appointment(booked.id).person(client.id).outcome == "cancelled_by_service"


async def test_cancelling_a_series_from_one_occurrence_cancels_those_still_to_come(
    caseload: Caseload, clock: FixedClock
) -> None:
    client = make_client(caseload)
    series = weekly(caseload, client)
    app = Host(caseload, clock, client.id)
    async with app.run_test(size=(100, 40)) as pilot:
        await second_row(pilot)
        await pilot.press("x")
        await on_screen(pilot, ChoiceScreen)
        await pilot.press("1")
        question = await until_question(pilot, "Cancel which?")
        assert question.choices[1][1] == "This and all following still to come (3 in all)"
        await pilot.press("2")
        await saved(pilot, "Cancelled 3 appointments, Tue 01/12/2026 to Tue 15/12/2026")
    outcomes = [a.people[0].outcome for a in caseload.series(series[0].series_id)]
    assert outcomes == [None, "cancelled_by_person", "cancelled_by_person", "cancelled_by_person"]


async def until_question(pilot: Pilot, words: str) -> ChoiceScreen:
    await until(
        pilot,
        lambda: isinstance(pilot.app.screen, ChoiceScreen) and words in pilot.app.screen.question,
    )
    screen = pilot.app.screen
    assert isinstance(screen, ChoiceScreen)
    return screen


async def test_moving_with_plus_one_week_books_the_new_one_linked_to_the_old(
    caseload: Caseload, clock: FixedClock
) -> None:
    client = make_client(caseload)
    booked = caseload.book([make_appointment(client, day=24, location="Office")])[0]
    app = Host(caseload, clock, client.id)
    async with app.run_test(size=(100, 40)) as pilot:
        await shown(pilot)
        await pilot.press("m")
        form = await on_screen(pilot, MoveForm)
        type_in(form, "when", "+1w")
        await pilot.pause()
        assert echo(form, "when") == "Tue 01/12/2026 10:00"
        await pilot.press("ctrl+s")
        await saved(pilot, "Moved to Tue 01/12/2026 10:00–11:00.")
        assert [r[3] for r in rows(pane(app).upcoming_table)] == [
            "Rescheduled to Tue 01/12 10:00",
            "Booked",
        ]
    old, new = caseload.client_appointments(client.id)
    assert old.id == booked.id
    assert old.person(client.id).rescheduled_to == new.id
    assert (new.start, new.location, new.rescheduled_from) == (start(1, 10, 12), "Office", old.id)


# The tab -------------------------------------------------------------------------------


async def test_the_tab_keys_show_in_the_footer_and_need_an_appointment(
    caseload: Caseload, clock: FixedClock
) -> None:
    client = make_client(caseload)
    app = Host(caseload, clock, client.id)
    async with app.run_test(size=(100, 40)) as pilot:
        await shown(pilot)
        assert footer_line(app).split() == ["b", "Book"]
        caseload.book([make_appointment(client, day=24)])
        tab(app).appointments_changed()
        await until(pilot, lambda: bool(pane(app).upcoming_table.rows))
        await until(pilot, lambda: "Outcome" in footer_line(app))
        assert footer_line(app).split() == (
            ["⏎", "Change", "b", "Book", "o", "Outcome", "m", "Move", "x", "Cancel", "appt"]
        )


def snapshot_caseload(caseload: Caseload) -> Client:
    """A fixed client with a mix of appointments past and to come."""
    client = fixed_client(caseload)
    caseload.add_flag(make_flag(client, "lone_working", level="high"))
    past = [
        make_appointment(client, day=2, hour=10, location="Hope Street office"),
        make_appointment(client, day=9, hour=10, location="Hope Street office"),
        make_appointment(client, day=13, hour=14, kind="accompanied_gp", met_with="Dr Shah"),
        make_appointment(client, day=16, hour=10, location="Hope Street office"),
        make_appointment(client, day=19, hour=11, kind="phone"),
    ]
    caseload.book(past)
    caseload.record_outcome(past[0].id, client.id, "attended")
    caseload.record_outcome(past[1].id, client.id, "attended_late")
    caseload.record_outcome(
        past[2].id, client.id, "acceptable_absence", reason="medical", note="In hospital"
    )
    caseload.record_outcome(past[3].id, client.id, "did_not_attend")
    first = make_appointment(
        client, day=24, hour=10, kind="home_visit", location="12 Hope Street", purpose="Check-in"
    )
    caseload.book(ap.book_series(first, Repeat(frequency="weekly", count=3), LONDON))
    court = caseload.book(
        [make_appointment(client, day=26, hour=9, kind="accompanied_court", met_with="Crown Court")]
    )[0]
    caseload.reschedule(court.id, client.id, start(27, 14), start(27, 15), "Listing moved")
    return client


@pytest.mark.parametrize("size", [(80, 24), (100, 30)], ids=["80x24", "100x30"])
def test_appointments_tab_snapshot(
    caseload: Caseload, clock: FixedClock, snap_compare: Any, size: tuple[int, int]
) -> None:
    client = snapshot_caseload(caseload)

    async def run_before(pilot: Pilot) -> None:
        await shown(pilot)
        await pilot.pause()

    assert snap_compare(Host(caseload, clock, client.id), terminal_size=size, run_before=run_before)


def test_booking_form_snapshot(caseload: Caseload, clock: FixedClock, snap_compare: Any) -> None:
    client = snapshot_caseload(caseload)

    async def run_before(pilot: Pilot) -> None:
        await shown(pilot)
        await pilot.press("b")
        form = await on_screen(pilot, AppointmentForm)
        type_in(form, "when", "tue 10am")
        choose(form, "kind", "home_visit")
        await pilot.pause()

    assert snap_compare(
        Host(caseload, clock, client.id), terminal_size=(80, 24), run_before=run_before
    )


def test_attendance_words_count_only_appointments_that_went_ahead() -> None:
    from screens.appointment_pane import attendance_words

    recent, ever = ap.Figures(), ap.Figures()
    for outcome in ("attended", "attended_late", "did_not_attend", "acceptable_absence"):
        recent.add(outcome)
        ever.add(outcome)
    ever.add("attended")
    assert attendance_words(recent, ever) == (
        "Attended 67% (2 of 3) in the last 3 months; 75% (3 of 4) in all"
    )


def test_booking_warning_snapshot(caseload: Caseload, clock: FixedClock, snap_compare: Any) -> None:
    client = snapshot_caseload(caseload)

    async def run_before(pilot: Pilot) -> None:
        await shown(pilot)
        await pilot.press("b")
        form = await on_screen(pilot, AppointmentForm)
        type_in(form, "when", "tue 10:30")
        choose(form, "kind", "home_visit")
        await pilot.press("ctrl+s")
        await on_screen(pilot, WarningScreen)

    assert snap_compare(
        Host(caseload, clock, client.id), terminal_size=(80, 24), run_before=run_before
    )
