"""The agenda, the outcomes still to record, and attendance, driven as a keyworker would.

Today is Sunday 22 November 2026, 10:30 (GMT, so London time is UTC): the last day of
the week of Monday 16 November. The fixtures book a week of appointments around it.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar
from textual.app import App
from textual.pilot import Pilot
from textual.widgets import Input, Select

from keyworker.appointments import Appointment, Attendance
from keyworker.clock import FixedClock
from keyworker.models import Client
from keyworker.settings import Settings
from screens.agenda import AgendaScreen, CalendarForm, EntryLine
from screens.appointment_form import ChoiceScreen
from screens.attendance import AttendanceScreen
from screens.client import ClientScreen
from screens.confirm import ConfirmScreen
from screens.date_input import DateInput
from screens.outcome_form import OutcomeForm
from screens.outcomes_due import ALL_RECORDED, OutcomesDueScreen
from storage import Caseload
from tests.conftest import make_appointment, make_flag
from tests.test_client_screen import screen_text, until

LONDON = ZoneInfo("Europe/London")


class Host(App[None]):
    """The smallest app the screens need: settings in memory, one screen pushed."""

    TITLE = "Keyworker Assistant"

    def __init__(self, caseload: Caseload, clock: FixedClock, make: Any) -> None:
        super().__init__()
        self.caseload = caseload
        self.clock = clock
        self.settings = Settings()
        self._make = make

    def save_settings(self, settings: Settings) -> None:
        self.settings = settings

    def on_mount(self) -> None:
        self.push_screen(self._make(self.caseload, self.clock))


def agenda_host(caseload: Caseload, clock: FixedClock) -> Host:
    return Host(caseload, clock, lambda c, k: AgendaScreen(c, k, LONDON))


CLIENTS = (
    ("KW-7F3Q2", "Daniel Price", "Dan"),
    ("KW-3M8RT", "Ashley Khan", ""),
    ("KW-9PX4D", "Jordan Ellis", ""),
    ("KW-2HX7N", "Maria Santos", ""),
    ("KW-5CW9B", "Priya Shah", ""),
    ("KW-8RD2K", "Tom Walsh", ""),
    ("KW-4TJ6V", "Chloe Brennan", ""),
)


def fixed_clients(caseload: Caseload) -> list[Client]:
    """Seven clients with the same case references every run, as snapshots show them."""
    return [
        caseload.add_client(
            Client(case_ref=ref, legal_name=name, preferred_name=preferred, status="active")
        )
        for ref, name, preferred in CLIENTS
    ]


def outcome(appointment: Appointment, *outcomes: str | None, **fields: Any) -> Appointment:
    """The appointment with each person's outcome, in the order they were booked."""
    people = [
        Attendance(
            client_id=p.client_id,
            outcome=o,
            recorded_at=appointment.end if o else None,
            **(fields if o == "acceptable_absence" else {}),
        )
        for p, o in zip(appointment.people, outcomes, strict=True)
    ]
    return appointment.model_copy(update={"people": people})


def book_week(caseload: Caseload) -> dict[str, Any]:
    """A week of appointments around today, and one the week after.

    Dan has a high lone-working flag; his home visit today says so, his one-to-one
    does not need to.
    """
    dan, ash, jordan, maria, priya, tom, chloe = fixed_clients(caseload)
    caseload.add_flag(make_flag(dan, "lone_working", level="high"))
    group = make_appointment(
        ash,
        jordan,
        maria,
        priya,
        tom,
        chloe,
        day=18,
        hour=14,
        minutes=120,
        kind="group_session",
        title="Thinking skills group",
        location="Northgate office",
    )
    booked = {
        "monday": outcome(
            make_appointment(dan, day=16, hour=9, location="Northgate office"), "attended"
        ),
        "tuesday": outcome(
            make_appointment(
                ash, day=17, hour=11, kind="accompanied_gp", met_with="Dr Shah", location="Hill St"
            ),
            "did_not_attend",
        ),
        "group": outcome(
            group, "attended", "attended", "attended_late", "did_not_attend", "attended", None
        ),
        "thursday": outcome(make_appointment(jordan, day=19, hour=15), "cancelled_by_person"),
        "friday": outcome(
            make_appointment(maria, day=20, hour=10, kind="phone"),
            "acceptable_absence",
            reason="medical",
        ),
        "today_early": make_appointment(priya, day=22, hour=8, minutes=90, kind="video"),
        "today_now": make_appointment(tom, day=22, hour=10, kind="phone"),
        "today_visit": make_appointment(
            dan, day=22, hour=14, kind="home_visit", location="12 Mill Lane"
        ),
        "next_week": make_appointment(dan, day=24, hour=10),
    }
    caseload.book(list(booked.values()))
    booked["clients"] = {c.case_ref: c for c in (dan, ash, jordan, maria, priya, tom, chloe)}
    return booked


async def agenda_shown(pilot: Pilot) -> AgendaScreen:
    await until(
        pilot, lambda: isinstance(pilot.app.screen, AgendaScreen) and pilot.app.screen.ready
    )
    screen = pilot.app.screen
    assert isinstance(screen, AgendaScreen)
    await until(pilot, lambda: "Loading" not in screen_text(pilot.app))
    return screen


def shown_lines(screen: AgendaScreen) -> list[str]:
    """Every line of the week as a person reads it, headings included, off screen too."""
    table = screen.table
    found = []
    for i, line in enumerate(table.rows):
        if isinstance(line, EntryLine):
            found.append("  ".join(cell for cell in table.row_text(i) if cell))
        elif hasattr(line, "words") and callable(line.words):
            found.append(line.words())
        elif hasattr(line, "words"):
            found.append(line.words)
        else:
            found.append("No appointments")
    return found


# The agenda ------------------------------------------------------------------------------


async def test_the_agenda_opens_on_this_week_with_todays_first_appointment(
    caseload: Caseload, clock: FixedClock
) -> None:
    booked = book_week(caseload)
    async with agenda_host(caseload, clock).run_test(size=(120, 40)) as pilot:
        screen = await agenda_shown(pilot)
        lines = shown_lines(screen)
        assert lines[0] == "Monday 16 November 2026 · 1 appointment"
        assert "Sunday 22 November 2026 · Today · 3 appointments" in lines
        assert "Saturday 21 November 2026" in lines
        assert lines[lines.index("Saturday 21 November 2026") + 1] == "No appointments"
        assert screen.chosen_appointment() == (
            booked["today_early"].id,
            booked["clients"]["KW-5CW9B"].id,
        )
        assert "Week of Monday 16 November 2026 (this week)" in screen_text(pilot.app)


async def test_what_happened_is_said_in_words_on_each_line(
    caseload: Caseload, clock: FixedClock
) -> None:
    book_week(caseload)
    async with agenda_host(caseload, clock).run_test(size=(120, 40)) as pilot:
        lines = shown_lines(await agenda_shown(pilot))
    assert lines[1:2] == [
        "09:00–10:00  One-to-one at the office  KW-7F3Q2 Dan  Northgate office  Attended"
    ]
    assert (
        "11:00–12:00  Accompanied: GP  KW-3M8RT Ashley Khan  Dr Shah, Hill St  Did not attend"
        in lines
    )
    assert (
        "14:00–16:00  Thinking skills group  6 people  Northgate office  1 outcome to record"
        in lines
    )
    assert (
        "15:00–16:00  One-to-one at the office  KW-9PX4D Jordan Ellis  Cancelled by the person"
        in lines
    )
    assert "08:00–09:30  Video  KW-5CW9B Priya Shah  Outcome to record" in lines
    assert "10:00–11:00  Phone  KW-8RD2K Tom Walsh  On now" in lines


async def test_a_home_visit_to_someone_with_a_lone_working_flag_says_so(
    caseload: Caseload, clock: FixedClock
) -> None:
    book_week(caseload)
    async with agenda_host(caseload, clock).run_test(size=(80, 24)) as pilot:
        screen = await agenda_shown(pilot)
        lines = shown_lines(screen)
        visit = lines.index("14:00–15:00  Home visit  KW-7F3Q2 Dan")
        assert lines[visit + 1] == "⚠ Risk to staff / lone working (high)"
        assert lines.count("⚠ Risk to staff / lone working (high)") == 1  # not his one-to-one
        assert "⚠ Risk to staff / lone working (high)" in screen_text(pilot.app)


async def test_week_keys_move_a_week_at_a_time_and_t_comes_back(
    caseload: Caseload, clock: FixedClock
) -> None:
    booked = book_week(caseload)
    dan = booked["clients"]["KW-7F3Q2"].id
    async with agenda_host(caseload, clock).run_test(size=(100, 30)) as pilot:
        screen = await agenda_shown(pilot)
        await pilot.press("right_square_bracket")
        await until(
            pilot,
            lambda: "Week of Monday 23 November 2026 (next week) · 1" in screen_text(pilot.app),
        )
        lines = shown_lines(screen)
        assert lines[0] == "Monday 23 November 2026"
        assert "Tuesday 24 November 2026 · 1 appointment" in lines
        assert screen.chosen_appointment() == (booked["next_week"].id, dan)

        await pilot.press("left_square_bracket", "left_square_bracket")
        await until(pilot, lambda: shown_lines(screen)[0] == "Monday 9 November 2026")
        assert shown_lines(screen).count("No appointments") == 7
        assert screen.chosen_appointment() is None
        await until(
            pilot,
            lambda: "Monday 9 November 2026 (last week) · 0 appointments" in screen_text(pilot.app),
        )

        await pilot.press("t")
        await until(
            pilot, lambda: shown_lines(screen)[0] == "Monday 16 November 2026 · 1 appointment"
        )
        assert screen.chosen_appointment() == (
            booked["today_early"].id,
            booked["clients"]["KW-5CW9B"].id,
        )


async def test_the_cursor_passes_over_headings_and_enter_opens_the_record(
    caseload: Caseload, clock: FixedClock
) -> None:
    booked = book_week(caseload)
    async with agenda_host(caseload, clock).run_test(size=(120, 40)) as pilot:
        screen = await agenda_shown(pilot)
        await pilot.press("up")  # over Sunday's heading and Saturday's "no appointments"
        assert screen.chosen_appointment() == (
            booked["friday"].id,
            booked["clients"]["KW-2HX7N"].id,
        )
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(pilot.app.screen, ClientScreen))
        assert pilot.app.screen.client_id == booked["clients"]["KW-2HX7N"].id
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(pilot.app.screen, AgendaScreen))

        await pilot.press("up", "up")  # Thursday, then the group on Wednesday
        assert screen.chosen_appointment() == (booked["group"].id, None)
        assert "KW-4TJ6V Chloe Brennan" in screen_text(pilot.app)  # the line under the table
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(pilot.app.screen, ChoiceScreen))
        assert "KW-4TJ6V Chloe Brennan" in screen_text(pilot.app)


async def test_an_outcome_recorded_from_the_agenda_is_saved_and_shown(
    caseload: Caseload, clock: FixedClock
) -> None:
    booked = book_week(caseload)
    priya = booked["clients"]["KW-5CW9B"].id
    async with agenda_host(caseload, clock).run_test(size=(120, 40)) as pilot:
        screen = await agenda_shown(pilot)
        await pilot.press("o")
        form = await on_screen(pilot, OutcomeForm)
        form.query_one("#field-outcome", Select).value = "attended_late"
        await pilot.press("ctrl+s")
        await until(
            pilot,
            lambda: "08:00–09:30  Video  KW-5CW9B Priya Shah  Attended late" in shown_lines(screen),
        )
        assert screen.chosen_appointment() == (booked["today_early"].id, priya)
    assert caseload.appointment(booked["today_early"].id).person(priya).outcome == "attended_late"


async def test_the_week_goes_to_a_calendar_file_without_names_unless_asked(
    caseload: Caseload, clock: FixedClock, tmp_path: Path
) -> None:
    book_week(caseload)
    plain, named = tmp_path / "week.ics", tmp_path / "named.ics"
    async with agenda_host(caseload, clock).run_test(size=(120, 40)) as pilot:
        await agenda_shown(pilot)
        await pilot.press("i")
        form = await on_screen(pilot, CalendarForm)
        form.query_one("#field-path", Input).value = str(plain)
        await pilot.press("ctrl+s")
        await until(pilot, lambda: plain.exists())

        await pilot.press("i")
        form = await on_screen(pilot, CalendarForm)
        form.query_one("#field-path", Input).value = str(named)
        form.query_one("#field-with-names").value = True
        await pilot.press("ctrl+s")
        question = await on_screen(pilot, ConfirmScreen)
        assert "people's names" in question.question
        await pilot.press("y")
        await until(pilot, lambda: named.exists())
    calendar = Calendar.from_ical(plain.read_bytes())
    events = calendar.walk("VEVENT")
    assert len(events) == 8  # the week of 16 November: the group counts once
    text = plain.read_text()
    assert "KW-7F3Q2" in text
    assert not any(name in text for _, name, _ in CLIENTS)
    assert "Dan" not in text and "Mill Lane" not in text
    with_names = named.read_text()
    assert "KW-7F3Q2 Dan" in with_names and "KW-5CW9B Priya Shah" in with_names


# Outcomes to record ---------------------------------------------------------------------


async def on_screen(pilot: Pilot, kind: type) -> Any:
    await until(pilot, lambda: isinstance(pilot.app.screen, kind))
    return pilot.app.screen


def due_host(caseload: Caseload, clock: FixedClock) -> Host:
    return Host(caseload, clock, lambda c, k: OutcomesDueScreen(c, k, LONDON))


def due_rows(screen: OutcomesDueScreen) -> list[list[str]]:
    table = screen.table
    return [table.row_text(i) for i in range(table.row_count)]


async def test_outcomes_to_record_go_as_they_are_recorded(
    caseload: Caseload, clock: FixedClock
) -> None:
    booked = book_week(caseload)
    async with due_host(caseload, clock).run_test(size=(120, 40)) as pilot:
        screen = await on_screen(pilot, OutcomesDueScreen)
        await until(pilot, lambda: screen.loaded)
        assert [r[0] for r in due_rows(screen)] == [
            "Wed 18/11/2026 14:00–16:00",
            "Sun 22/11/2026 08:00–09:30",
        ]
        assert due_rows(screen)[0][1:3] == ["Thinking skills group", "KW-4TJ6V Chloe Brennan"]
        assert "2 outcomes to record, oldest first" in screen_text(pilot.app)

        await pilot.press("o")
        form = await on_screen(pilot, OutcomeForm)
        form.query_one("#field-outcome", Select).value = "did_not_attend"
        await pilot.press("ctrl+s")
        await until(pilot, lambda: len(due_rows(screen)) == 1)
        assert due_rows(screen)[0][2] == "KW-5CW9B Priya Shah"
        assert "1 outcome to record" in screen_text(pilot.app)

        await pilot.press("o")
        form = await on_screen(pilot, OutcomeForm)
        form.query_one("#field-outcome", Select).value = "attended"
        await pilot.press("ctrl+s")
        await until(pilot, lambda: not due_rows(screen))
        assert ALL_RECORDED in screen_text(pilot.app)
    chloe = booked["clients"]["KW-4TJ6V"].id
    assert caseload.appointment(booked["group"].id).person(chloe).outcome == "did_not_attend"
    assert caseload.outcomes_due() == []


# Attendance ------------------------------------------------------------------------------


def attendance_host(caseload: Caseload, clock: FixedClock) -> Host:
    return Host(caseload, clock, lambda c, k: AttendanceScreen(c, k, LONDON))


def people_rows(screen: AttendanceScreen) -> list[list[str]]:
    table = screen.table
    return [table.row_text(i) for i in range(table.row_count)]


def book_october(caseload: Caseload, clients: dict[str, Client]) -> None:
    """Last month for Dan: attended, late, did not attend twice; Ash cancelled once."""
    dan, ash = clients["KW-7F3Q2"], clients["KW-3M8RT"]
    october = [
        outcome(make_appointment(dan, month=10, day=5), "attended"),
        outcome(make_appointment(dan, month=10, day=12), "attended_late"),
        outcome(make_appointment(dan, month=10, day=19), "did_not_attend"),
        outcome(make_appointment(dan, month=10, day=26), "did_not_attend"),
        outcome(make_appointment(ash, month=10, day=6), "cancelled_by_service"),
    ]
    caseload.book(october)


async def test_attendance_figures_match_a_hand_count_and_follow_the_period(
    caseload: Caseload, clock: FixedClock
) -> None:
    booked = book_week(caseload)
    book_october(caseload, booked["clients"])
    async with attendance_host(caseload, clock).run_test(size=(120, 40)) as pilot:
        screen = await on_screen(pilot, AttendanceScreen)
        await until(pilot, lambda: screen.shown is not None)
        # The last 3 months: 23/08/2026 to today, appointments up to now.
        assert screen.shown == (date(2026, 8, 23), date(2026, 11, 22))
        figures = screen.caseload_figures
        # Came: Dan 1 + 1 late + Monday; group 3 + 1 late. Missed: Dan 2, Ash, group 1.
        assert (figures.attended, figures.expected) == (7, 11)
        assert figures.not_recorded == 3  # Chloe, Priya's video, Tom's call under way
        text = screen_text(pilot.app)
        assert "Caseload: 64% (7 of 11)" in text
        assert "Did not attend 4" in text and "Outcome to record 3" in text
        # Lowest rate first, then the most that went ahead, then case ref; "–" (nothing
        # went ahead) last.
        assert people_rows(screen) == [
            ["KW-5CW9B", "Priya Shah", "0%", "0", "0", "1", "0", "0", "1"],
            ["KW-3M8RT", "Ashley Khan", "50%", "1", "0", "1", "0", "1", "0"],
            ["KW-7F3Q2", "Dan", "60%", "2", "1", "2", "0", "0", "0"],
            ["KW-2HX7N", "Maria Santos", "100%", "0", "1", "0", "1", "0", "0"],
            ["KW-8RD2K", "Tom Walsh", "100%", "1", "0", "0", "0", "0", "1"],
            ["KW-9PX4D", "Jordan Ellis", "100%", "1", "0", "0", "0", "1", "0"],
            ["KW-4TJ6V", "Chloe Brennan", "–", "0", "0", "0", "0", "0", "1"],
        ]

        await pilot.press("l")  # last month: October only
        await until(pilot, lambda: screen.shown == (date(2026, 10, 1), date(2026, 10, 31)))
        assert people_rows(screen) == [
            ["KW-7F3Q2", "Dan", "50%", "1", "1", "2", "0", "0", "0"],
            ["KW-3M8RT", "Ashley Khan", "–", "0", "0", "0", "0", "1", "0"],
        ]
        assert "Caseload: 50% (2 of 4)" in screen_text(pilot.app)

        date_from = screen.query_one("#from", DateInput)
        date_from.input.value = "16/11/2026"
        screen.query_one("#to", DateInput).input.value = "16/11/2026"
        date_from.input.focus()
        await pilot.press("enter")
        await until(pilot, lambda: screen.shown == (date(2026, 11, 16), date(2026, 11, 16)))
        assert people_rows(screen) == [["KW-7F3Q2", "Dan", "100%", "1", "0", "0", "0", "0", "0"]]

        screen.query_one("#to", DateInput).input.value = "15/11/2026"
        await pilot.press("enter")
        await pilot.pause()
        assert "must not be before the first" in screen_text(pilot.app)
        assert screen.shown == (date(2026, 11, 16), date(2026, 11, 16))


async def test_attendance_sorts_by_any_column(caseload: Caseload, clock: FixedClock) -> None:
    booked = book_week(caseload)
    book_october(caseload, booked["clients"])
    async with attendance_host(caseload, clock).run_test(size=(80, 24)) as pilot:
        screen = await on_screen(pilot, AttendanceScreen)
        await until(pilot, lambda: screen.shown is not None)
        await pilot.press("s")  # rate, then attended... "s" moves on to the next column
        assert screen.sort_key == "attended"
        assert people_rows(screen)[0][0] == "KW-7F3Q2"  # 2 on time, the most
        await pilot.press("r")
        assert people_rows(screen)[-1][0] == "KW-7F3Q2"


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
def test_agenda_snapshot(
    caseload: Caseload, clock: FixedClock, snap_compare: Any, size: tuple[int, int]
) -> None:
    book_week(caseload)

    async def run_before(pilot: Pilot) -> None:
        await agenda_shown(pilot)

    assert snap_compare(agenda_host(caseload, clock), terminal_size=size, run_before=run_before)


def test_outcomes_due_snapshot(caseload: Caseload, clock: FixedClock, snap_compare: Any) -> None:
    book_week(caseload)

    async def run_before(pilot: Pilot) -> None:
        screen = await on_screen(pilot, OutcomesDueScreen)
        await until(pilot, lambda: screen.loaded)

    assert snap_compare(due_host(caseload, clock), terminal_size=(80, 24), run_before=run_before)


def test_attendance_snapshot(caseload: Caseload, clock: FixedClock, snap_compare: Any) -> None:
    booked = book_week(caseload)
    book_october(caseload, booked["clients"])

    async def run_before(pilot: Pilot) -> None:
        screen = await on_screen(pilot, AttendanceScreen)
        await until(pilot, lambda: screen.shown is not None)

    assert snap_compare(
        attendance_host(caseload, clock), terminal_size=(80, 24), run_before=run_before
    )
