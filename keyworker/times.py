"""Appointment times read the way keyworkers type them, and shown in local time.

Moments are stored as aware UTC datetimes and typed and shown in a local zone
(Europe/London unless the worker chose another). Local wall-clock time is what people
mean, so "+1w" from a 10:00 appointment is 10:00 the next week even when the clocks
change in between. As with dates, anything that could mean two things is refused with
an example rather than guessed: "tue 3" could be 3am or 3pm; "22.11" could be a date or
a time; 01:30 on the morning the clocks go forward never happens.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from typing import NamedTuple
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from keyworker.dates import _RELATIVE, MONTHS, WEEKDAYS, _echo, parse_date, uk_date
from keyworker.errors import InvalidInput

WHEN_EXAMPLE = 'for example "tue 10am" or "22/11 14:30"'
TIME_EXAMPLE = "Type a time like 10am, 2.30pm or 14:30."
END_EXAMPLE = "Type something like 11:30, 1h or 45 mins."
NO_TIME = 'Please add a time, for example "tue 10am" or "+1w 10am".'
LONGEST = timedelta(hours=12)
# Hours a person could mean either side of noon when they leave off am or pm.
_EITHER_SIDE_OF_NOON = range(1, 8)

_TWELVE_HOUR = re.compile(r"(?P<hour>\d{1,2})(?:[:.](?P<minute>\d{2}))?(?P<half>am|pm)", re.ASCII)
_CLOCK = re.compile(r"(?P<hour>\d{1,2})[:.](?P<minute>\d{1,2})", re.ASCII)
_DIGITS = re.compile(r"\d{1,4}", re.ASCII)
_NAMED_TIMES = {"noon": time(12), "midday": time(12)}
_FILLER = {"at", "@", "on"}

_HOURS = r"(?:h|hr|hrs|hour|hours)"
_MINUTES = r"(?:m|min|mins|minute|minutes)"
_LENGTH = re.compile(
    rf"(?:(?P<hours>\d{{1,2}}(?:\.\d+)?)\s*{_HOURS}"
    rf"(?:\s*(?:and\s+)?(?P<and_minutes>\d{{1,2}})\s*{_MINUTES}?)?"
    rf"|(?P<minutes>\d{{1,3}})\s*{_MINUTES})",
    re.ASCII,
)
_WORDED_LENGTHS = {
    "an hour": 60,
    "one hour": 60,
    "half an hour": 30,
    "half hour": 30,
    "an hour and a half": 90,
}


class _Clock(NamedTuple):
    """A time of day as typed; `either_side` means am or pm was left off an hour 1–7."""

    hour: int
    minute: int
    either_side: bool

    def shown(self, hour: int | None = None) -> str:
        hour = self.hour if hour is None else hour
        return f"{hour:02d}:{self.minute:02d}"

    def twelve_hour(self) -> str:
        return f"{self.hour}:{self.minute:02d}" if self.minute else str(self.hour)


class _Reading(NamedTuple):
    day: date
    clock: _Clock
    date_part: str


def parse_when(text: str, now: datetime, zone: ZoneInfo, base: datetime | None = None) -> datetime:
    """Read when an appointment starts, as typed, and give it as an aware UTC datetime.

    Accepts a date part that `keyworker.dates.parse_date` reads (22/11, 22 Nov, tue,
    next tue, tomorrow, +1w, in 2 weeks...) and a time before or after it (10am, 2.30pm,
    10:30, 14:30, 1030, noon). Everything is local wall-clock time in `zone`.

    Args:
        text: what was typed.
        now: the current moment, aware.
        zone: the zone the worker types and reads times in.
        base: the appointment being moved, if any. A date without a time keeps base's
            clock time; offsets (+1w, in 2 days) count from base's local date; a time
            without a date stays on base's local date. Named days (today, tue) always
            count from now.

    Raises:
        InvalidInput: blank, unreadable, ambiguous or impossible input, or a local time
            the clocks skip; the message is one line and has an example.
    """
    cleaned = re.sub(r"\s*/\s*", "/", " ".join(text.lower().split()))
    cleaned = cleaned.replace("a.m.", "am").replace("p.m.", "pm").replace("@", " @ ")
    tokens = _tokens(cleaned)
    if not tokens:
        raise InvalidInput(f"Please give a date and time, {WHEN_EXAMPLE}.")
    if len(tokens) == 1 and tokens[0].isdigit():
        raise InvalidInput(f"{_echo(text)} needs a date and a time, {WHEN_EXAMPLE}.")
    today = now.astimezone(zone).date()
    base_local = base.astimezone(zone) if base is not None else None

    whole = " ".join(tokens)
    date_only: date | None = None
    date_problem: InvalidInput | None = None
    try:
        date_only = parse_date(whole, _anchor(whole, today, base_local))
    except InvalidInput as problem:
        date_problem = problem

    readings, problems = _readings(tokens, today, base_local)
    if date_only is not None and readings:
        reading = readings[0]
        raise InvalidInput(
            f"{_echo(text)} could mean {uk_date(date_only)} or {uk_date(reading.day)} "
            f"{reading.clock.shown()}. Write dates with slashes and times with a colon, "
            "like 22/11 14:30."
        )
    if date_only is not None:
        if base_local is None:
            raise InvalidInput(NO_TIME)
        return _to_utc(datetime.combine(date_only, base_local.time()), zone)
    if readings:
        if len({(reading.day, reading.clock) for reading in readings}) > 1:
            raise InvalidInput(
                f"{_echo(text)} could be read more than one way. Type the date first, "
                "like 22/11 14:30."
            )
        reading = readings[0]
        clock = reading.clock
        if clock.either_side:
            raise _am_or_pm(clock, reading.date_part)
        return _to_utc(datetime.combine(reading.day, time(clock.hour, clock.minute)), zone)
    if problems:
        raise problems[0]
    if date_problem is not None and re.search(r"\d", whole):
        raise date_problem
    raise InvalidInput(
        f"{_echo(text)} is not a date and time that can be read. Type something like "
        f'"tue 10am", "22/11 14:30" or "+1w 10am".'
    )


def parse_end(text: str, start: datetime, zone: ZoneInfo) -> datetime:
    """Read when an appointment ends: a clock time on the start's day, or a length.

    Accepts 11:30, 11.30am, 3pm, 1h, 90m, 1h30, 1.5h, 45 mins, 2 hours, half an hour.
    An hour 1–7 without am or pm is taken whichever way puts it after the start and
    within 12 hours; only one way ever can.

    Raises:
        InvalidInput: blank, unreadable, not after the start, longer than 12 hours, or
            an end the clocks skip.
    """
    start = start.astimezone(UTC)  # lengths are real time, whatever the clocks do
    cleaned = " ".join(text.lower().split()).replace("a.m.", "am").replace("p.m.", "pm")
    cleaned = re.sub(r"(\d)\s+(am|pm)\b", r"\1\2", cleaned)
    if not cleaned:
        raise InvalidInput("Please give an end time or a length, like 11:30 or 1h.")
    minutes = _length_minutes(cleaned, text)
    if minutes is not None:
        return _checked_end(start, start + timedelta(minutes=minutes), zone)
    clock = _read_clock(cleaned, text)
    if clock is None:
        raise InvalidInput(
            f"{_echo(text)} is not an end time or a length that can be read. {END_EXAMPLE}"
        )
    start_day = start.astimezone(zone).date()
    if clock.either_side:
        afternoon = datetime.combine(start_day, time(clock.hour + 12, clock.minute))
        if start < afternoon.replace(tzinfo=zone) <= start + LONGEST:
            return _checked_end(start, _to_utc(afternoon, zone), zone)
    morning = datetime.combine(start_day, time(clock.hour, clock.minute))
    return _checked_end(start, _to_utc(morning, zone), zone)


def local(moment: datetime, zone: ZoneInfo) -> datetime:
    """The moment as wall-clock time in `zone`."""
    return moment.astimezone(zone)


def uk_time(moment: datetime, zone: ZoneInfo) -> str:
    """14:30"""
    return local(moment, zone).strftime("%H:%M")


def when_text(start: datetime, end: datetime, zone: ZoneInfo) -> str:
    """Tue 24/11/2026 10:00–11:00, or both days when it runs past midnight."""
    first, last = local(start, zone), local(end, zone)
    opening = f"{_short_day(first.date())} {uk_date(first.date())} {first:%H:%M}"
    if first.date() == last.date():
        return f"{opening}–{last:%H:%M}"
    return f"{opening} – {_short_day(last.date())} {uk_date(last.date())} {last:%H:%M}"


def day_heading(day: date) -> str:
    """Tuesday 24 November 2026"""
    return f"{WEEKDAYS[day.weekday()].title()} {day.day} {MONTHS[day.month - 1].title()} {day.year}"


def duration_text(start: datetime, end: datetime) -> str:
    """1 hour, 1 hour 30 minutes, 45 minutes (whole minutes; seconds are dropped)."""
    if end < start:
        raise ValueError("an appointment cannot end before it starts")
    hours, minutes = divmod(int((end - start).total_seconds()) // 60, 60)
    parts = [_plural(hours, "hour")] if hours else []
    if minutes or not hours:
        parts.append(_plural(minutes, "minute"))
    return " ".join(parts)


def week_of(day: date) -> tuple[date, date]:
    """The Monday and Sunday of the week that holds `day`."""
    monday = day - timedelta(days=day.weekday())
    return monday, monday + timedelta(days=6)


def local_day_bounds(day: date, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """The UTC moments a local day starts (inclusive) and ends (exclusive).

    A day is 23 or 25 hours long when the clocks change.
    """
    return local_range_bounds(day, day, zone)


def local_range_bounds(first: date, last: date, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """The UTC moments from the start of local day `first` to the end of local day `last`.

    Raises:
        InvalidInput: `last` is before `first`.
    """
    if last < first:
        raise InvalidInput(
            f"The last day ({uk_date(last)}) must not be before the first ({uk_date(first)})."
        )
    return _day_start(first, zone), _day_start(last + timedelta(days=1), zone)


def zone_named(name: str) -> ZoneInfo:
    """The time zone with this name (Europe/London), ignoring case.

    Raises:
        InvalidInput: there is no such zone.
    """
    wanted = name.strip()
    if not wanted:
        raise InvalidInput("Please give a time zone, like Europe/London.")
    try:
        return ZoneInfo(wanted)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        pass
    for known in available_timezones():
        if known.lower() == wanted.lower():
            return ZoneInfo(known)
    raise InvalidInput(f"Unknown time zone {_echo(name)}. Use a name like Europe/London.")


def _tokens(cleaned: str) -> list[str]:
    """Words, with a lone am/pm joined to the number before it ("10 am" -> "10am")."""
    tokens: list[str] = []
    for word in cleaned.split():
        if word in _FILLER:
            continue
        if word.rstrip(",") in ("am", "pm") and tokens and tokens[-1][-1:].isdigit():
            tokens[-1] += word.rstrip(",")
            continue
        tokens.append(word)
    return tokens


def _readings(
    tokens: list[str], today: date, base_local: datetime | None
) -> tuple[list[_Reading], list[InvalidInput]]:
    """Every way of reading the tokens as a time at one end and a date in the rest."""
    splits = [(tokens[-1], tokens[:-1])]
    if len(tokens) > 1:
        splits.append((tokens[0], tokens[1:]))
    readings: list[_Reading] = []
    problems: list[InvalidInput] = []
    for time_word, rest in splits:
        time_word = time_word.strip(",")
        date_part = " ".join(rest).strip(" ,")
        if not _looks_like_time(time_word):
            continue
        try:
            if date_part:
                day = parse_date(date_part, _anchor(date_part, today, base_local))
            else:
                day = base_local.date() if base_local is not None else today
            clock = _read_clock(time_word, time_word)
        except InvalidInput as problem:
            problems.append(problem)
            continue
        if clock is not None:
            readings.append(_Reading(day, clock, date_part))
    return readings, problems


def _anchor(date_part: str, today: date, base_local: datetime | None) -> date:
    """The day a date part counts from: base's day for offsets like +1w, else today."""
    offset = _RELATIVE.fullmatch(date_part)
    if base_local is None or not offset or "from" in (offset["ago"] or ""):
        return today
    return base_local.date()


def _looks_like_time(word: str) -> bool:
    return bool(
        word in _NAMED_TIMES
        or word == "midnight"
        or _TWELVE_HOUR.fullmatch(word)
        or _CLOCK.fullmatch(word)
        or _DIGITS.fullmatch(word)
    )


def _read_clock(word: str, text: str) -> _Clock | None:
    """The time of day in `word`, None if it is not shaped like a time.

    Raises:
        InvalidInput: shaped like a time but impossible or unreadable for sure.
    """
    if word in _NAMED_TIMES:
        named = _NAMED_TIMES[word]
        return _Clock(named.hour, named.minute, either_side=False)
    if word == "midnight":
        raise InvalidInput("Midnight could be the start or the end of a day. Type 00:00 or 23:59.")
    impossible = InvalidInput(f"{_echo(text)} is not a real time. {TIME_EXAMPLE}")
    if match := _TWELVE_HOUR.fullmatch(word):
        hour, minute = int(match["hour"]), int(match["minute"] or 0)
        if not 1 <= hour <= 12 or minute > 59:
            raise impossible
        hour = hour % 12 + (12 if match["half"] == "pm" else 0)
        return _Clock(hour, minute, either_side=False)
    if match := _CLOCK.fullmatch(word):
        if len(match["minute"]) != 2:
            raise impossible
        return _twenty_four_hour(match["hour"], int(match["minute"]), impossible)
    if _DIGITS.fullmatch(word):
        if len(word) <= 2:
            return _twenty_four_hour(word, 0, impossible)
        if len(word) == 3:
            raise InvalidInput(f"{_echo(text)} could be read more than one way. {TIME_EXAMPLE}")
        if 1900 <= int(word) <= 2199:
            raise InvalidInput(
                f"{_echo(text)} could be a year or a time. "
                f"Write a time with a colon, like {word[:2]}:{word[2:]}."
            )
        return _twenty_four_hour(word[:2], int(word[2:]), impossible)
    return None


def _twenty_four_hour(hour_digits: str, minute: int, impossible: InvalidInput) -> _Clock:
    hour = int(hour_digits)
    if hour > 23 or minute > 59:
        raise impossible
    either_side = hour in _EITHER_SIDE_OF_NOON and not hour_digits.startswith("0")
    return _Clock(hour, minute, either_side)


def _am_or_pm(clock: _Clock, date_part: str) -> InvalidInput:
    before = f"{date_part} " if date_part else ""
    if len(before) > 20:
        before = ""
    typed = clock.twelve_hour()
    return InvalidInput(
        f"Is that {typed}am or {typed}pm? "
        f'Type "{before}{typed}pm" or "{before}{clock.shown(clock.hour + 12)}".'
    )


def _length_minutes(cleaned: str, text: str) -> int | None:
    if cleaned in _WORDED_LENGTHS:
        return _WORDED_LENGTHS[cleaned]
    match = _LENGTH.fullmatch(cleaned)
    if not match:
        return None
    if match["minutes"]:
        return int(match["minutes"])
    exact = float(match["hours"]) * 60
    if exact != int(exact) or (match["and_minutes"] and "." in match["hours"]):
        raise InvalidInput(
            f"{_echo(text)} is not a whole number of minutes. Type something like 1h20 or 80 mins."
        )
    extra = int(match["and_minutes"] or 0)
    if extra > 59:
        raise InvalidInput(f"{_echo(text)} is not a length that can be read. {END_EXAMPLE}")
    return int(exact) + extra


def _checked_end(start: datetime, end: datetime, zone: ZoneInfo) -> datetime:
    if end <= start:
        raise InvalidInput(f"The end must be after the start ({uk_time(start, zone)}).")
    if end - start > LONGEST:
        raise InvalidInput("An appointment can be at most 12 hours long.")
    return end


def _to_utc(wall_clock: datetime, zone: ZoneInfo) -> datetime:
    """Local wall-clock time as UTC; the first of two when the clocks go back.

    Raises:
        InvalidInput: the clocks skip this time (they go forward over it).
    """
    moment = wall_clock.replace(tzinfo=zone, fold=0).astimezone(UTC)
    shown = moment.astimezone(zone).replace(tzinfo=None)
    if shown != wall_clock:
        raise InvalidInput(
            f"That time does not exist on {uk_date(wall_clock.date())}: the clocks go "
            f"forward. Try {shown:%H:%M}."
        )
    return moment


def _day_start(day: date, zone: ZoneInfo) -> datetime:
    # fold=0 puts a midnight the clocks skip at the moment they jump, which is when the
    # day really starts, and a midnight that happens twice at its first time.
    return datetime.combine(day, time(0), tzinfo=zone).astimezone(UTC)


def short_when(moment: datetime, zone: ZoneInfo | None) -> str:
    """ "Tue 24/11 10:00": a moment this year or next, for a narrow column."""
    shown = moment.astimezone(zone)
    return f"{_short_day(shown.date())} {shown:%d/%m %H:%M}"


def _short_day(day: date) -> str:
    return WEEKDAYS[day.weekday()][:3].title()


def _plural(count: int, unit: str) -> str:
    return f"{count} {unit}" if count == 1 else f"{count} {unit}s"
