"""Appointment times typed the way keyworkers type them, in UK local time."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from keyworker.dates import uk_date
from keyworker.errors import InvalidInput
from keyworker.times import (
    day_heading,
    duration_text,
    local,
    local_day_bounds,
    local_range_bounds,
    parse_end,
    parse_when,
    uk_time,
    week_of,
    when_text,
    zone_named,
)

LONDON = ZoneInfo("Europe/London")
NOW = datetime(2026, 11, 22, 10, 30, tzinfo=UTC)  # a Sunday, GMT
NO_TIME = 'Please add a time, for example "tue 10am" or "+1w 10am".'
TIME_EXAMPLE = "Type a time like 10am, 2.30pm or 14:30."


def utc(year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def london(year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=LONDON)


def refusal(typed: str, base: datetime | None = None) -> str:
    with pytest.raises(InvalidInput) as refused:
        parse_when(typed, NOW, LONDON, base)
    return str(refused.value)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("tue 10am", utc(2026, 11, 24, 10)),
        ("tuesday 10:30", utc(2026, 11, 24, 10, 30)),
        ("next tue 2pm", utc(2026, 11, 24, 14)),
        ("22/11 14:30", utc(2026, 11, 22, 14, 30)),
        ("22/11/2026 9am", utc(2026, 11, 22, 9)),
        ("22 Nov 2.30pm", utc(2026, 11, 22, 14, 30)),
        ("tomorrow 9:15", utc(2026, 11, 23, 9, 15)),
        ("today 16:00", utc(2026, 11, 22, 16)),
        ("+1w 10am", utc(2026, 11, 29, 10)),
        ("+2d 9am", utc(2026, 11, 24, 9)),
        ("in 2 weeks 11:00", utc(2026, 12, 6, 11)),
        ("14:30", utc(2026, 11, 22, 14, 30)),
        ("noon", utc(2026, 11, 22, 12)),
        ("midday", utc(2026, 11, 22, 12)),
        ("12pm", utc(2026, 11, 22, 12)),
        ("12am tue", utc(2026, 11, 24, 0)),
        ("10am tue", utc(2026, 11, 24, 10)),
        ("10 am tue", utc(2026, 11, 24, 10)),
        ("Tue at 10 a.m.", utc(2026, 11, 24, 10)),
        ("tue, 10am", utc(2026, 11, 24, 10)),
        ("tue 10.30am", utc(2026, 11, 24, 10, 30)),
        ("tue 10.30", utc(2026, 11, 24, 10, 30)),
        ("tue 1030", utc(2026, 11, 24, 10, 30)),
        ("tue 0930", utc(2026, 11, 24, 9, 30)),
        ("tue 10", utc(2026, 11, 24, 10)),
        ("tue 8", utc(2026, 11, 24, 8)),
        ("tue 03:00", utc(2026, 11, 24, 3)),
        ("tue 0:30", utc(2026, 11, 24, 0, 30)),
        ("TUE 2PM", utc(2026, 11, 24, 14)),
        ("Sunday, 22 November 2026 10am", utc(2026, 11, 22, 10)),
        ("22 / 11 / 2026 14:30", utc(2026, 11, 22, 14, 30)),
        ("2 weeks from now 9am", utc(2026, 12, 6, 9)),
    ],
)
def test_reads_the_ways_keyworkers_type_appointment_times(typed: str, expected: datetime) -> None:
    found = parse_when(typed, NOW, LONDON)
    assert found == expected
    assert found.tzinfo is UTC


def test_summer_times_are_local_clock_times() -> None:
    assert parse_when("1/7/2027 10am", NOW, LONDON) == utc(2027, 7, 1, 9)
    assert uk_time(parse_when("1/7/2027 10am", NOW, LONDON), LONDON) == "10:00"


def test_other_zones_are_read_in_their_own_local_time() -> None:
    new_york = ZoneInfo("America/New_York")
    # 10:30 UTC is 05:30 on Sunday in New York, so "today" is still 22/11 there.
    assert parse_when("today 9am", NOW, new_york) == utc(2026, 11, 22, 14)


def test_today_is_the_local_day_not_the_utc_day() -> None:
    late_evening = utc(2026, 6, 30, 23, 30)  # 00:30 on 1 July in London
    assert parse_when("today 14:00", late_evening, LONDON) == utc(2026, 7, 1, 13)


# Moving an appointment: base is the appointment being moved, Tue 24/11/2026 10:00.
BASE = utc(2026, 11, 24, 10)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("+1w", utc(2026, 12, 1, 10)),
        ("+2d", utc(2026, 11, 26, 10)),
        ("in 2 weeks", utc(2026, 12, 8, 10)),
        ("next week", utc(2026, 12, 1, 10)),
        ("+1w 2pm", utc(2026, 12, 1, 14)),
        ("-1d", utc(2026, 11, 23, 10)),
        # Named days count from today, not from the appointment.
        ("thu", utc(2026, 11, 26, 10)),
        ("tomorrow", utc(2026, 11, 23, 10)),
        ("22/12", utc(2026, 12, 22, 10)),
        ("2 weeks from now", utc(2026, 12, 6, 10)),
        # A time alone keeps the appointment's day.
        ("14:30", utc(2026, 11, 24, 14, 30)),
    ],
)
def test_moving_an_appointment_keeps_what_was_not_typed(typed: str, expected: datetime) -> None:
    assert parse_when(typed, NOW, LONDON, base=BASE) == expected


@pytest.mark.parametrize("typed", ["+1w", "+2d", "tue", "22/11", "22 Nov 2026", "tomorrow"])
def test_a_date_without_a_time_is_refused_when_nothing_is_being_moved(typed: str) -> None:
    assert refusal(typed) == NO_TIME


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("tue 3", 'Is that 3am or 3pm? Type "tue 3pm" or "tue 15:00".'),
        ("3:30", 'Is that 3:30am or 3:30pm? Type "3:30pm" or "15:30".'),
        ("22/11 7.45", 'Is that 7:45am or 7:45pm? Type "22/11 7:45pm" or "22/11 19:45".'),
        ("1 tue", 'Is that 1am or 1pm? Type "tue 1pm" or "tue 13:00".'),
        ("10", '"10" needs a date and a time, for example "tue 10am" or "22/11 14:30".'),
        ("1030", '"1030" needs a date and a time, for example "tue 10am" or "22/11 14:30".'),
        ("13pm", f'"13pm" is not a real time. {TIME_EXAMPLE}'),
        ("0am tue", f'"0am" is not a real time. {TIME_EXAMPLE}'),
        ("25:00", f'"25:00" is not a real time. {TIME_EXAMPLE}'),
        ("tue 10:75", f'"10:75" is not a real time. {TIME_EXAMPLE}'),
        ("tue 10:7", f'"10:7" is not a real time. {TIME_EXAMPLE}'),
        ("tue 2460", f'"2460" is not a real time. {TIME_EXAMPLE}'),
        ("tue 930", f'"930" could be read more than one way. {TIME_EXAMPLE}'),
        ("22/11 2030", '"2030" could be a year or a time. Write a time with a colon, like 20:30.'),
        ("tue midnight", "Midnight could be the start or the end of a day. Type 00:00 or 23:59."),
        (
            "22 nov 10",
            '"22 nov 10" could mean 22/11/2010 or 22/11/2026 10:00. '
            "Write dates with slashes and times with a colon, like 22/11 14:30.",
        ),
        (
            "12.11",
            '"12.11" could mean 12/11/2026 or 22/11/2026 12:11. '
            "Write dates with slashes and times with a colon, like 22/11 14:30.",
        ),
        (
            "10 dec 3",
            '"10 dec 3" could be read more than one way. Type the date first, like 22/11 14:30.',
        ),
        (
            "hello",
            '"hello" is not a date and time that can be read. '
            'Type something like "tue 10am", "22/11 14:30" or "+1w 10am".',
        ),
        (
            "31/02 10am",
            '"31/02" is not a real date. Type a date like 22/11/2026, 22 Nov, today or +2w.',
        ),
        ("   ", 'Please give a date and time, for example "tue 10am" or "22/11 14:30".'),
    ],
)
def test_refuses_what_cannot_be_trusted_with_an_example(typed: str, message: str) -> None:
    assert refusal(typed) == message


def test_ambiguous_hour_example_leaves_out_a_long_date_part() -> None:
    message = refusal("wednesday 25 november 2026 3")
    assert message == 'Is that 3am or 3pm? Type "3pm" or "15:00".'


def test_long_input_is_not_echoed_in_full() -> None:
    message = refusal("see them sometime next week after their doctor 10am")
    assert "doctor" not in message
    assert "\n" not in message


def test_a_time_the_clocks_skip_is_refused() -> None:
    assert refusal("29/03/2026 01:30") == (
        "That time does not exist on 29/03/2026: the clocks go forward. Try 02:30."
    )


def test_either_side_of_the_spring_gap_is_fine() -> None:
    assert parse_when("29/03/2026 00:59", NOW, LONDON) == utc(2026, 3, 29, 0, 59)
    assert parse_when("29/03/2026 02:00", NOW, LONDON) == utc(2026, 3, 29, 1)


def test_a_time_that_happens_twice_when_the_clocks_go_back_is_the_first() -> None:
    found = parse_when("25/10/2026 01:30", NOW, LONDON)
    assert found == utc(2026, 10, 25, 0, 30)  # 01:30 BST, not 01:30 GMT
    assert uk_time(found, LONDON) == "01:30"


def test_a_week_on_across_the_spring_change_stays_at_ten_local() -> None:
    base = london(2026, 3, 22, 10)  # Sun 22/03, GMT, 10:00 UTC
    moved = parse_when("+1w", NOW, LONDON, base=base)
    assert moved == utc(2026, 3, 29, 9)  # 10:00 BST
    assert local(moved, LONDON).strftime("%d/%m/%Y %H:%M") == "29/03/2026 10:00"


def test_a_week_on_across_the_autumn_change_stays_at_ten_local() -> None:
    base = london(2026, 10, 24, 10)  # Sat 24/10, BST, 09:00 UTC
    moved = parse_when("+1w", NOW, LONDON, base=base)
    assert moved == utc(2026, 10, 31, 10)  # 10:00 GMT
    assert uk_time(moved, LONDON) == "10:00"


@given(
    st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 12, 31)),
    st.integers(0, 23),
    st.integers(0, 59),
)
def test_a_typed_local_time_reads_back_as_itself(day: date, hour: int, minute: int) -> None:
    typed = f"{uk_date(day)} {hour:02d}:{minute:02d}"
    try:
        found = parse_when(typed, NOW, LONDON)
    except InvalidInput as refused:
        # Only the hour the clocks skip in spring may be refused.
        assert "the clocks go forward" in str(refused)
        assert day.month == 3 and day.weekday() == 6 and hour == 1
        return
    assert found.tzinfo is UTC
    assert uk_time(found, LONDON) == f"{hour:02d}:{minute:02d}"
    assert local(found, LONDON).date() == day


@given(st.text(max_size=40))
def test_anything_typed_gives_a_time_or_a_plain_refusal(typed: str) -> None:
    try:
        found = parse_when(typed, NOW, LONDON, base=BASE)
    except InvalidInput as refused:
        assert "\n" not in str(refused)
        assert len(str(refused)) < 200
    else:
        assert found.tzinfo is UTC


time_like = st.lists(
    st.sampled_from(
        [
            "tue",
            "next",
            "+1w",
            "22/11",
            "22",
            "nov",
            "10am",
            "3",
            "3:30",
            "2.30pm",
            "pm",
            "1030",
            "2026",
            "noon",
            "in",
            "2",
            "weeks",
            "29/03/2026",
            "01:30",
            ",",
            "at",
            "99:99",
        ]
    ),
    max_size=5,
).map(" ".join) | st.text("0123456789:./ amph+-wd", max_size=12)


@given(time_like)
def test_anything_time_shaped_gives_a_time_or_a_plain_refusal(typed: str) -> None:
    for base in (None, BASE):
        try:
            found = parse_when(typed, NOW, LONDON, base=base)
        except InvalidInput as refused:
            assert "\n" not in str(refused)
        else:
            assert found.tzinfo is UTC


START = utc(2026, 11, 24, 10)  # Tue 24/11/2026 10:00 GMT


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("11:30", utc(2026, 11, 24, 11, 30)),
        ("11.30am", utc(2026, 11, 24, 11, 30)),
        ("11.30 am", utc(2026, 11, 24, 11, 30)),
        ("3pm", utc(2026, 11, 24, 15)),
        ("1h", utc(2026, 11, 24, 11)),
        ("90m", utc(2026, 11, 24, 11, 30)),
        ("1h30", utc(2026, 11, 24, 11, 30)),
        ("1h 30m", utc(2026, 11, 24, 11, 30)),
        ("1.5h", utc(2026, 11, 24, 11, 30)),
        ("45 mins", utc(2026, 11, 24, 10, 45)),
        ("2 hours", utc(2026, 11, 24, 12)),
        ("1 hour 30 minutes", utc(2026, 11, 24, 11, 30)),
        ("half an hour", utc(2026, 11, 24, 10, 30)),
        ("12h", utc(2026, 11, 24, 22)),
        # Only one of 3am and 3pm is after a 10:00 start.
        ("3", utc(2026, 11, 24, 15)),
        ("3:30", utc(2026, 11, 24, 15, 30)),
    ],
)
def test_reads_the_end_as_a_time_or_a_length(typed: str, expected: datetime) -> None:
    assert parse_end(typed, START, LONDON) == expected


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("9:00", "The end must be after the start (10:00)."),
        ("10am", "The end must be after the start (10:00)."),
        ("0m", "The end must be after the start (10:00)."),
        ("13h", "An appointment can be at most 12 hours long."),
        ("800 mins", "An appointment can be at most 12 hours long."),
        ("1.33h", '"1.33h" is not a whole number of minutes. Type something like 1h20 or 80 mins.'),
        ("25:00", f'"25:00" is not a real time. {TIME_EXAMPLE}'),
        (
            "soon",
            '"soon" is not an end time or a length that can be read. '
            "Type something like 11:30, 1h or 45 mins.",
        ),
        ("", "Please give an end time or a length, like 11:30 or 1h."),
    ],
)
def test_refuses_an_end_that_cannot_be(typed: str, message: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        parse_end(typed, START, LONDON)
    assert str(refused.value) == message


def test_an_hour_without_am_or_pm_is_the_one_after_the_start() -> None:
    # 07:00 and 19:00 are both after 06:30, but 19:00 is over 12 hours on.
    assert parse_end("7", utc(2026, 11, 24, 6, 30), LONDON) == utc(2026, 11, 24, 7)
    assert parse_end("1", START, LONDON) == utc(2026, 11, 24, 13)
    with pytest.raises(InvalidInput, match=r"The end must be after the start \(20:00\)"):
        parse_end("3", utc(2026, 11, 24, 20), LONDON)


def test_an_end_time_is_on_the_local_day_of_the_start() -> None:
    start = utc(2026, 6, 30, 23, 30)  # 00:30 BST on 1 July
    assert parse_end("01:30", start, LONDON) == utc(2026, 7, 1, 0, 30)


def test_a_length_is_real_time_across_the_clock_change() -> None:
    start = london(2026, 10, 25, 0, 30)  # 00:30 BST, the night the clocks go back
    end = parse_end("2h", start, LONDON)
    assert end == utc(2026, 10, 25, 1, 30)
    assert uk_time(end, LONDON) == "01:30"  # the second 01:30, in GMT


@given(st.integers(1, 12 * 60))
def test_a_length_shown_reads_back_as_itself(minutes: int) -> None:
    end = START + timedelta(minutes=minutes)
    assert parse_end(duration_text(START, end), START, LONDON) == end


def test_times_are_shown_in_local_time() -> None:
    summer = utc(2026, 7, 1, 13, 30)
    assert uk_time(summer, LONDON) == "14:30"
    assert local(summer, LONDON).hour == 14
    assert uk_time(utc(2026, 11, 24, 9, 5), LONDON) == "09:05"


def test_when_text_shows_day_date_and_times() -> None:
    assert when_text(START, START + timedelta(hours=1), LONDON) == "Tue 24/11/2026 10:00–11:00"
    summer = utc(2026, 7, 1, 9)
    assert when_text(summer, summer + timedelta(minutes=45), LONDON) == "Wed 01/07/2026 10:00–10:45"


def test_when_text_shows_both_days_past_midnight() -> None:
    late = utc(2026, 11, 24, 22)
    assert (
        when_text(late, late + timedelta(hours=3), LONDON)
        == "Tue 24/11/2026 22:00 – Wed 25/11/2026 01:00"
    )


def test_day_heading_is_written_out() -> None:
    assert day_heading(date(2026, 11, 24)) == "Tuesday 24 November 2026"
    assert day_heading(date(2026, 3, 1)) == "Sunday 1 March 2026"


@pytest.mark.parametrize(
    ("minutes", "shown"),
    [
        (60, "1 hour"),
        (90, "1 hour 30 minutes"),
        (45, "45 minutes"),
        (120, "2 hours"),
        (61, "1 hour 1 minute"),
        (1, "1 minute"),
        (0, "0 minutes"),
    ],
)
def test_duration_text(minutes: int, shown: str) -> None:
    assert duration_text(START, START + timedelta(minutes=minutes)) == shown


def test_week_runs_monday_to_sunday() -> None:
    assert week_of(date(2026, 11, 22)) == (date(2026, 11, 16), date(2026, 11, 22))
    assert week_of(date(2026, 11, 23)) == (date(2026, 11, 23), date(2026, 11, 29))
    assert week_of(date(2026, 12, 31)) == (date(2026, 12, 28), date(2027, 1, 3))


def test_an_ordinary_day_is_24_hours_from_local_midnight() -> None:
    start, end = local_day_bounds(date(2026, 7, 1), LONDON)
    assert start == utc(2026, 6, 30, 23)
    assert end - start == timedelta(hours=24)


def test_the_days_the_clocks_change_are_23_and_25_hours() -> None:
    spring_start, spring_end = local_day_bounds(date(2026, 3, 29), LONDON)
    assert (spring_start, spring_end) == (utc(2026, 3, 29, 0), utc(2026, 3, 29, 23))
    assert spring_end - spring_start == timedelta(hours=23)
    autumn_start, autumn_end = local_day_bounds(date(2026, 10, 25), LONDON)
    assert (autumn_start, autumn_end) == (utc(2026, 10, 24, 23), utc(2026, 10, 26, 0))
    assert autumn_end - autumn_start == timedelta(hours=25)


def test_a_week_across_the_change_holds_every_appointment_in_it() -> None:
    monday, sunday = week_of(date(2026, 10, 25))
    start, end = local_range_bounds(monday, sunday, LONDON)
    assert (start, end) == (utc(2026, 10, 18, 23), utc(2026, 10, 26, 0))
    late_sunday = parse_when("25/10/2026 23:30", NOW, LONDON)
    assert start <= late_sunday < end
    assert not start <= parse_when("26/10/2026 00:00", NOW, LONDON) < end


def test_a_range_backwards_is_refused() -> None:
    with pytest.raises(InvalidInput) as refused:
        local_range_bounds(date(2026, 11, 30), date(2026, 11, 1), LONDON)
    assert str(refused.value) == (
        "The last day (01/11/2026) must not be before the first (30/11/2026)."
    )


def test_zones_are_found_by_name() -> None:
    assert zone_named("Europe/London") == LONDON
    assert zone_named(" europe/london ") == LONDON
    assert zone_named("America/New_York").key == "America/New_York"


@pytest.mark.parametrize("name", ["Mars/Olympus", "Europe", "../etc/passwd", "London"])
def test_unknown_zones_are_refused(name: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        zone_named(name)
    assert str(refused.value) == f'Unknown time zone "{name}". Use a name like Europe/London.'


def test_a_blank_zone_asks_for_one() -> None:
    with pytest.raises(InvalidInput) as refused:
        zone_named("  ")
    assert str(refused.value) == "Please give a time zone, like Europe/London."
