"""Dates shown the way people in the UK read them, and read the way they type them.

Parsing is deliberately strict: a date that could mean two things, or that is missing a
part, is refused with an example rather than guessed. The day always comes before the
month (22/11/2026), as it does on every UK form.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

from dateutil.relativedelta import relativedelta

from keyworker.errors import InvalidInput

EXAMPLE = "Type a date like 22/11/2026, 22 Nov, today or +2w."
EARLIEST_YEAR = 1900
LATEST_YEAR = 2199
# A two-digit year lands in the century that puts it no more than this far ahead.
TWO_DIGIT_YEARS_AHEAD = 20
_ECHO_LENGTH = 20

MONTHS = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")

_DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?"
_MONTH = r"(?P<month>[a-z]{3,9})\.?"
_WEEKDAY = r"(?:(?P<weekday>[a-z]{3,9})\.?,?\s+)?"
_SEP = r"[\s,./-]+"
_NUMERIC = re.compile(
    r"(?P<day>\d{1,2})(?P<sep>[/.-])(?P<month>\d{1,2})(?:(?P=sep)(?P<year>\d{4}|\d{2}))?",
    re.ASCII,
)
_YEAR_FIRST = re.compile(
    r"(?P<year>\d{4})(?P<sep>[/.-])(?P<month>\d{1,2})(?P=sep)(?P<day>\d{1,2})", re.ASCII
)
_DAY_MONTH = re.compile(
    rf"{_WEEKDAY}{_DAY}{_SEP}(?:of\s+)?{_MONTH}(?:{_SEP}(?P<year>\d{{4}}|\d{{2}}))?", re.ASCII
)
_MONTH_DAY = re.compile(rf"{_WEEKDAY}{_MONTH}{_SEP}{_DAY}(?:{_SEP}(?P<year>\d{{4}}))?", re.ASCII)
_RELATIVE = re.compile(
    r"(?:in\s+)?(?P<sign>[+-]?)\s*(?P<count>\d{1,4}\s*|(?:an?|next)\s+)"
    r"(?P<unit>d|days?|w|wks?|weeks?|m|mths?|months?|y|yrs?|years?|fortnights?)"
    r"(?P<ago>\s+ago|\s+time|\s+from\s+(?:now|today))?",
    re.ASCII,
)
_NAMED_WEEKDAY = re.compile(
    r"(?P<which>next\s+|this\s+|last\s+)?(?P<weekday>[a-z]{3,9})\.?", re.ASCII
)
_WORDS = {"today": 0, "now": 0, "tomorrow": 1, "tmrw": 1, "yesterday": -1}
_UNIT_DAYS = {"d": 1, "w": 7, "f": 14}


def uk_date(value: date | None) -> str:
    """22/11/2026"""
    return value.strftime("%d/%m/%Y") if value else ""


def long_date(value: date | None) -> str:
    """Sun 22 Nov 2026"""
    return value.strftime("%a %d %b %Y").replace(" 0", " ", 1) if value else ""


def uk_datetime(value: datetime | None) -> str:
    """22/11/2026 14:30, in the laptop's local time."""
    return value.astimezone().strftime("%d/%m/%Y %H:%M") if value else ""


def parse_optional_date(text: str, today: date) -> date | None:
    """Like `parse_date`, but a blank entry means "no date" rather than a mistake."""
    if not text or not text.strip():
        return None
    return parse_date(text, today)


def parse_date(text: str, today: date) -> date:
    """Read a date the way people in the UK type it.

    Accepts 22/11/2026, 22/11/26, 22-11-2026, 22.11.2026, 2026-11-22, 22/11 (this year),
    22 Nov, 22nd November 2026, Sun 22 Nov 2026, Nov 22 2026, today, yesterday, tomorrow,
    +2w, -3d, +1m, "2 weeks", "in 3 days", "3 days ago", "next week", mon, "next monday" (the next
    one after today) and "last friday".

    Args:
        text: what was typed.
        today: the day relative dates count from.

    Raises:
        InvalidInput: the text is blank, not a date, incomplete or impossible; the
            message is one line and includes an example of what works.
    """
    cleaned = re.sub(r"\s*/\s*", "/", " ".join(text.lower().split()))
    if not cleaned:
        raise InvalidInput(f"Please give a date. {EXAMPLE}")
    for reader in (_word, _relative, _numeric, _year_first, _named, _weekday):
        found = reader(cleaned, today, text)
        if found is not None:
            return _in_range(found, text)
    raise InvalidInput(_not_understood(cleaned, text))


def _word(cleaned: str, today: date, text: str) -> date | None:
    if cleaned not in _WORDS:
        return None
    return _shift(today, text, days=_WORDS[cleaned])


def _relative(cleaned: str, today: date, text: str) -> date | None:
    match = _RELATIVE.fullmatch(cleaned)
    if not match:
        return None
    count = int(match["count"]) if match["count"].strip().isdigit() else 1
    if match["sign"] == "-" or (match["ago"] or "").strip() == "ago":
        count = -count
    unit = match["unit"][0]
    if unit == "m":
        return _shift(today, text, months=count)
    if unit == "y":
        return _shift(today, text, years=count)
    return _shift(today, text, days=count * _UNIT_DAYS[unit])


def _numeric(cleaned: str, today: date, text: str) -> date | None:
    match = _NUMERIC.fullmatch(cleaned)
    if not match:
        return None
    year = _year(match["year"], today) if match["year"] else today.year
    return _real_date(year, int(match["month"]), int(match["day"]), text)


def _year_first(cleaned: str, today: date, text: str) -> date | None:
    match = _YEAR_FIRST.fullmatch(cleaned)
    if not match:
        return None
    return _real_date(int(match["year"]), int(match["month"]), int(match["day"]), text)


def _named(cleaned: str, today: date, text: str) -> date | None:
    match = _DAY_MONTH.fullmatch(cleaned) or _MONTH_DAY.fullmatch(cleaned)
    if not match:
        return None
    month = _month_number(match["month"])
    if month is None:
        return None
    year = _year(match["year"], today) if match["year"] else today.year
    found = _real_date(year, month, int(match["day"]), text)
    if match["weekday"]:
        weekday = _weekday_number(match["weekday"])
        if weekday is None:
            return None
        if weekday != found.weekday():
            raise InvalidInput(
                f"{_echo(text)} does not add up: {long_date(found)} is a "
                f"{WEEKDAYS[found.weekday()].title()}. {EXAMPLE}"
            )
    return found


def _weekday(cleaned: str, today: date, text: str) -> date | None:
    match = _NAMED_WEEKDAY.fullmatch(cleaned)
    if not match:
        return None
    weekday = _weekday_number(match["weekday"])
    if weekday is None:
        return None
    if (match["which"] or "").strip() == "last":
        return _shift(today, text, days=-((today.weekday() - weekday - 1) % 7 + 1))
    return _shift(today, text, days=(weekday - today.weekday() - 1) % 7 + 1)


def _month_number(word: str) -> int | None:
    if word == "sept":
        return 9
    for number, name in enumerate(MONTHS, start=1):
        if name.startswith(word):
            return number
    return None


def _weekday_number(word: str) -> int | None:
    short = {"tues": 1, "weds": 2, "thur": 3, "thurs": 3}
    if word in short:
        return short[word]
    for number, name in enumerate(WEEKDAYS):
        if name.startswith(word):
            return number
    return None


def _year(digits: str, today: date) -> int:
    if len(digits) == 4:
        return int(digits)
    latest = today.year + TWO_DIGIT_YEARS_AHEAD
    year = latest - (latest - int(digits)) % 100
    return year


def _real_date(year: int, month: int, day: int, text: str) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise InvalidInput(f"{_echo(text)} is not a real date. {EXAMPLE}") from None


def _shift(today: date, text: str, days: int = 0, months: int = 0, years: int = 0) -> date:
    try:
        return today + timedelta(days=days) + relativedelta(months=months, years=years)
    except (OverflowError, ValueError):
        raise InvalidInput(_out_of_range(text)) from None


def _in_range(found: date, text: str) -> date:
    if not EARLIEST_YEAR <= found.year <= LATEST_YEAR:
        raise InvalidInput(_out_of_range(text))
    return found


def _out_of_range(text: str) -> str:
    return f"{_echo(text)} is too far in the past or future. {EXAMPLE}"


def _not_understood(cleaned: str, text: str) -> str:
    if re.fullmatch(r"\d{1,2}(?:st|nd|rd|th)?", cleaned, re.ASCII):
        return f"{_echo(text)} needs a month too. Type a date like 22/11, 22 Nov or 22/11/2026."
    if re.fullmatch(r"[a-z]{3,9}\.?(?:\s+\d{4})?", cleaned, re.ASCII) and _month_number(
        cleaned.split()[0].rstrip(".")
    ):
        return f"{_echo(text)} needs a day too. Type a date like 22 Nov or 22/11/2026."
    if re.fullmatch(r"\d{5,8}", cleaned, re.ASCII):
        return f"{_echo(text)} could be read more than one way. Use slashes, like 22/11/2026."
    return f"{_echo(text)} is not a date that can be read. {EXAMPLE}"


def _echo(text: str) -> str:
    """What was typed, quoted, on one line and never long enough to swamp the message."""
    shown = " ".join("".join(c if c.isprintable() else " " for c in text).split())
    if len(shown) > _ECHO_LENGTH:
        shown = shown[: _ECHO_LENGTH - 1] + "…"
    return f'"{shown}"'
