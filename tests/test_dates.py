"""Reading dates the way keyworkers type them, and refusing what cannot be trusted."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from keyworker.dates import (
    EARLIEST_YEAR,
    LATEST_YEAR,
    long_date,
    parse_date,
    parse_optional_date,
    uk_date,
)
from keyworker.errors import InvalidInput

TODAY = date(2026, 11, 22)  # a Sunday
EXAMPLE = "Type a date like 22/11/2026, 22 Nov, today or +2w."


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("22/11/2026", date(2026, 11, 22)),
        ("22/11/26", date(2026, 11, 22)),
        ("2/3/2027", date(2027, 3, 2)),
        ("02/03/2027", date(2027, 3, 2)),
        ("22-11-2026", date(2026, 11, 22)),
        ("22.11.2026", date(2026, 11, 22)),
        ("2026-11-22", date(2026, 11, 22)),
        ("2026/11/22", date(2026, 11, 22)),
        ("12/11", date(2026, 11, 12)),
        ("3/4", date(2026, 4, 3)),
        ("22 Nov", date(2026, 11, 22)),
        ("22 November", date(2026, 11, 22)),
        ("22 Nov 2026", date(2026, 11, 22)),
        ("22 nov 27", date(2027, 11, 22)),
        ("22nd Nov", date(2026, 11, 22)),
        ("1st Jan 2027", date(2027, 1, 1)),
        ("3rd of May", date(2026, 5, 3)),
        ("22-Nov-2026", date(2026, 11, 22)),
        ("Sun 22 Nov 2026", date(2026, 11, 22)),
        ("Sunday, 22 November 2026", date(2026, 11, 22)),
        ("Nov 22 2026", date(2026, 11, 22)),
        ("November 22nd, 2026", date(2026, 11, 22)),
        ("Sept 3", date(2026, 9, 3)),
        ("  22 / 11 / 2026  ", date(2026, 11, 22)),
        ("TODAY", date(2026, 11, 22)),
        ("today", date(2026, 11, 22)),
        ("yesterday", date(2026, 11, 21)),
        ("tomorrow", date(2026, 11, 23)),
        ("+2w", date(2026, 12, 6)),
        ("+3d", date(2026, 11, 25)),
        ("+1m", date(2026, 12, 22)),
        ("+1y", date(2027, 11, 22)),
        ("-1w", date(2026, 11, 15)),
        ("2 weeks", date(2026, 12, 6)),
        ("in 3 days", date(2026, 11, 25)),
        ("3 days ago", date(2026, 11, 19)),
        ("in a fortnight", date(2026, 12, 6)),
        ("next week", date(2026, 11, 29)),
        ("next month", date(2026, 12, 22)),
        ("mon", date(2026, 11, 23)),
        ("Monday", date(2026, 11, 23)),
        ("next monday", date(2026, 11, 23)),
        ("tues", date(2026, 11, 24)),
        ("sun", date(2026, 11, 29)),
        ("last friday", date(2026, 11, 20)),
        ("last sunday", date(2026, 11, 15)),
    ],
)
def test_reads_the_ways_people_in_the_uk_type_dates(typed: str, expected: date) -> None:
    assert parse_date(typed, TODAY) == expected


def test_day_comes_before_month() -> None:
    assert parse_date("01/02/2027", TODAY) == date(2027, 2, 1)


def test_a_month_on_the_31st_ends_at_the_end_of_a_short_month() -> None:
    assert parse_date("+1m", date(2027, 1, 31)) == date(2027, 2, 28)


def test_two_digit_years_fall_in_the_nearest_sensible_century() -> None:
    assert parse_date("1/1/46", TODAY) == date(2046, 1, 1)
    assert parse_date("1/1/47", TODAY) == date(1947, 1, 1)
    assert parse_date("14/6/85", TODAY) == date(1985, 6, 14)


@pytest.mark.parametrize(
    ("typed", "problem"),
    [
        ("31/02/2026", '"31/02/2026" is not a real date.'),
        ("0/1/2026", '"0/1/2026" is not a real date.'),
        ("22/13/2026", '"22/13/2026" is not a real date.'),
        ("29 Feb 2027", '"29 Feb 2027" is not a real date.'),
        ("hello", '"hello" is not a date that can be read.'),
        ("1/1/1850", '"1/1/1850" is too far in the past or future.'),
        ("+9999y", '"+9999y" is too far in the past or future.'),
        ("Mon 22 Nov 2026", '"Mon 22 Nov 2026" does not add up: Sun 22 Nov 2026 is a Sunday.'),
    ],
)
def test_refuses_impossible_dates_with_an_example(typed: str, problem: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        parse_date(typed, TODAY)
    assert str(refused.value) == f"{problem} {EXAMPLE}"


@pytest.mark.parametrize(
    ("typed", "problem"),
    [
        ("12", '"12" needs a month too.'),
        ("12th", '"12th" needs a month too.'),
        ("Nov", '"Nov" needs a day too.'),
        ("Nov 2026", '"Nov 2026" needs a day too.'),
        ("1122026", '"1122026" could be read more than one way.'),
        ("22112026", '"22112026" could be read more than one way.'),
    ],
)
def test_refuses_incomplete_or_ambiguous_dates_rather_than_guessing(
    typed: str, problem: str
) -> None:
    with pytest.raises(InvalidInput) as refused:
        parse_date(typed, TODAY)
    assert str(refused.value).startswith(problem)
    assert "22" in str(refused.value).removeprefix(problem)  # an example follows


@pytest.mark.parametrize(
    "typed", ["22/11-2026", "22/11/202", "Nov 22 26", "2026-22-11", "22 Nov 2026 2026", "1.5.6.7"]
)
def test_refuses_mixed_or_garbled_forms(typed: str) -> None:
    with pytest.raises(InvalidInput):
        parse_date(typed, TODAY)


def test_long_input_is_not_echoed_in_full() -> None:
    with pytest.raises(InvalidInput) as refused:
        parse_date("not a date at all, just a long sentence typed by mistake", TODAY)
    message = str(refused.value)
    assert message.startswith('"not a date at all, …" is not a date')
    assert "mistake" not in message


def test_message_is_one_line_whatever_was_typed() -> None:
    with pytest.raises(InvalidInput) as refused:
        parse_date("22\n11\t2026\x00", TODAY)
    assert "\n" not in str(refused.value)
    assert "\x00" not in str(refused.value)


def test_blank_is_refused_where_a_date_is_needed() -> None:
    with pytest.raises(InvalidInput, match="Please give a date"):
        parse_date("   ", TODAY)


@pytest.mark.parametrize("typed", ["", "   ", "\t"])
def test_blank_means_no_date_where_one_is_optional(typed: str) -> None:
    assert parse_optional_date(typed, TODAY) is None


def test_optional_date_still_reads_and_refuses() -> None:
    assert parse_optional_date("+2w", TODAY) == date(2026, 12, 6)
    with pytest.raises(InvalidInput):
        parse_optional_date("31/02/2026", TODAY)


def test_shown_dates_are_unchanged() -> None:
    assert uk_date(date(2026, 11, 2)) == "02/11/2026"
    assert long_date(date(2026, 11, 2)) == "Mon 2 Nov 2026"
    assert uk_date(None) == long_date(None) == ""


shown_dates = st.dates(min_value=date(EARLIEST_YEAR, 1, 1), max_value=date(LATEST_YEAR, 12, 31))


@given(shown_dates, st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 1, 1)))
def test_every_date_shown_reads_back_as_itself(day: date, today: date) -> None:
    assert parse_date(uk_date(day), today) == day
    assert parse_date(long_date(day), today) == day
    assert parse_date(day.isoformat(), today) == day


@given(st.text(max_size=60), st.dates(min_value=date(1901, 1, 1), max_value=date(2198, 1, 1)))
def test_anything_typed_gives_a_date_or_a_plain_refusal(typed: str, today: date) -> None:
    try:
        found = parse_optional_date(typed, today)
    except InvalidInput as refused:
        assert "\n" not in str(refused)
        assert len(str(refused)) < 200
    else:
        assert found is None or EARLIEST_YEAR <= found.year <= LATEST_YEAR


date_like = st.text(st.sampled_from("0123456789/-. +dwmy"), max_size=14) | st.builds(
    lambda a, b, c: f"{a} {b} {c}",
    st.integers(-5, 40),
    st.sampled_from(["nov", "sept", "may", "of", "mon", "next", "days", "w"]),
    st.integers(-5, 3000),
)


@given(date_like)
def test_date_like_text_gives_a_date_or_a_plain_refusal(typed: str) -> None:
    try:
        found = parse_optional_date(typed, TODAY)
    except InvalidInput as refused:
        assert str(refused).startswith('"')
        assert "22" in str(refused)  # an example of what works
    else:
        assert found is None or isinstance(found, date)
