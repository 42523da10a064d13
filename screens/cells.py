"""How a client reads in a table cell, and how the caseload sorts: text, never colour alone."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from operator import attrgetter
from typing import Any
from zoneinfo import ZoneInfo

from rich.text import Text

from keyworker.attention import AttentionItem
from keyworker.dates import uk_date
from keyworker.models import ClientSummary, SearchHit
from keyworker.times import short_when
from keyworker.vocabulary import CLIENT_STATUSES, RISK_KINDS

# Short words for flags, so a flag reads the same on any terminal and to anyone.
# A service's own flag kinds fall back to their code.
FLAG_WORDS = {
    "lone_working": "LONE WORKING",
    "domestic_abuse": "DA",
    "child_safeguarding": "CHILD SG",
    "self_harm": "SELF-HARM",
    "substance_use": "SUBSTANCE",
    "exploitation": "EXPLOITATION",
    "other": "OTHER",
}

NO_CONTACT = "none yet"

# Search snippets mark the matching words [like this]; the brackets stay, and bold helps.
_MARKED = re.compile(r"\[[^\]]*\]")


def _flag_order(kind: str) -> tuple[int, str]:
    order = RISK_KINDS.codes
    return (order.index(kind) if kind in order else len(order)), kind


@lru_cache(maxsize=256)
def _flag_words(kinds: tuple[str, ...]) -> str:
    ordered = sorted(kinds, key=_flag_order)
    return ", ".join(FLAG_WORDS.get(k, k.replace("_", " ").upper()) for k in ordered)


def flag_words(kinds: list[str]) -> str:
    """Active flag kinds as short words, in the vocabulary's order."""
    return _flag_words(tuple(kinds))


def _days(days: int) -> str:
    return "1 day" if days == 1 else f"{days} days"


def last_contact(value: datetime | None, today: date) -> str:
    """The date of the last contact and how long ago, in the laptop's local calendar."""
    if value is None:
        return NO_CONTACT
    day = value.astimezone().date()
    days = (today - day).days
    return f"{uk_date(day)} ({'today' if days == 0 else _days(days)})"


def contact_ago(value: datetime | None, today: date) -> str:
    """How long since the last contact, for a narrow table: "21 days ago"."""
    if value is None:
        return NO_CONTACT
    days = (today - value.astimezone().date()).days
    return "today" if days == 0 else f"{_days(days)} ago"


def client_cells(
    summary: ClientSummary,
    today: date,
    compact: bool = False,
    zone: ZoneInfo | None = None,
    appointment_width: int = 15,
) -> tuple[Text, ...]:
    """One client's row; every cell is plain Text so a name can never be read as markup.

    `compact`: the last contact says only how long ago; a next appointment narrower
    than 15 leaves out its day's name.
    """
    contact = contact_ago if compact else last_contact
    coming = short_when(summary.next_appointment, zone) if summary.next_appointment else ""
    return (
        Text(summary.case_ref),
        Text(summary.display_name),
        Text(flag_words(summary.active_flags), style="bold"),
        Text(CLIENT_STATUSES.label(summary.status)),
        Text(contact(summary.last_contact, today)),
        Text(uk_date(summary.next_key_date)),
        Text(coming if appointment_width >= len(coming) else coming[4:]),
    )


def client_widths(summaries: Sequence[ClientSummary], today: date) -> dict[str, int]:
    """The width each column needs for these clients, worked out without drawing a row."""
    # Each distinct set of flags and status is put into words once, not once a client.
    flag_sets = {tuple(s.active_flags) for s in summaries}
    statuses = {s.status for s in summaries}
    oldest = min(filter(None, map(attrgetter("last_contact"), summaries)), default=None)
    most_days = len(_days((today - oldest.astimezone().date()).days)) if oldest else 0
    return {
        "ref": max(map(len, map(attrgetter("case_ref"), summaries)), default=0),
        "name": max(map(len, map(attrgetter("display_name"), summaries)), default=0),
        "flags": max((len(flag_words(flags)) for flags in flag_sets), default=0),
        "status": max((len(CLIENT_STATUSES.label(status)) for status in statuses), default=0),
        "contact": max(len(NO_CONTACT), len("dd/mm/yyyy ()") + most_days),
        "contact_ago": max(len(NO_CONTACT), len(" ago") + most_days),
    }


def _near_match(snippet: str, words_before: int = 2) -> str:
    """The snippet from a few words before its first match, so a narrow column shows it."""
    first = snippet.find("[")
    before = snippet[:first].split() if first > 0 else []
    if len(before) <= words_before:
        return snippet
    kept = " ".join(before[-words_before:]) if words_before else ""
    return f"…{kept} {snippet[first:]}" if kept else f"…{snippet[first:]}"


def why_matched(hit: SearchHit) -> Text:
    """Where a search matched, in words: "Note of 01/11/2026: …the [housing] appointment…"."""
    where = hit.matched[:1].upper() + hit.matched[1:]
    snippet = _near_match(hit.snippet)
    text = Text(f"{where}: " if snippet else where, style="italic")
    start = 0
    for marked in _MARKED.finditer(snippet):
        text.append(snippet[start : marked.start()])
        text.append(marked[0], style="bold")
        start = marked.end()
    text.append(snippet[start:])
    return text


def hit_cells(hit: SearchHit) -> tuple[Text, ...]:
    return (
        Text(hit.case_ref),
        Text(hit.display_name),
        Text(CLIENT_STATUSES.label(hit.status)),
        why_matched(hit),
    )


def attention_cells(item: AttentionItem) -> tuple[Text, ...]:
    return Text(item.case_ref), Text(item.display_name), Text(item.detail)


# Sorting -------------------------------------------------------------------------------


@dataclass(frozen=True)
class SortColumn:
    """A column the caseload can be sorted by, and how its order reads in words.

    `value` gives None for "none yet", which sorts last whichever way round.
    """

    key: str
    label: str
    value: Callable[[ClientSummary], Any]
    ascending: str
    descending: str


@lru_cache(maxsize=64)
def _status_rank(status: str) -> tuple[int, str]:
    codes = CLIENT_STATUSES.codes
    return (codes.index(status) if status in codes else len(codes)), status


def _status_order(summary: ClientSummary) -> tuple[int, str]:
    return _status_rank(summary.status)


@lru_cache(maxsize=256)
def _flags_rank(kinds: tuple[str, ...]) -> tuple[int, list[tuple[int, str]]]:
    return -len(kinds), sorted(map(_flag_order, kinds))


def _flags_order(summary: ClientSummary) -> tuple[int, list[tuple[int, str]]]:
    return _flags_rank(tuple(summary.active_flags))


SORT_COLUMNS = (
    SortColumn("ref", "Case ref", lambda s: s.case_ref, "A to Z", "Z to A"),
    SortColumn("name", "Name", lambda s: s.display_name.casefold(), "A to Z", "Z to A"),
    SortColumn("flags", "Flags", _flags_order, "most flags first", "fewest flags first"),
    SortColumn("status", "Status", _status_order, "Referred first", "Transferred first"),
    SortColumn("contact", "Last contact", lambda s: s.last_contact, "oldest first", "newest first"),
    SortColumn(
        "key_date", "Next key date", lambda s: s.next_key_date, "soonest first", "latest first"
    ),
    SortColumn(
        "appointment",
        "Next appointment",
        lambda s: s.next_appointment,
        "soonest first",
        "latest first",
    ),
)
SORTS_BY_KEY = {column.key: column for column in SORT_COLUMNS}


@dataclass(frozen=True)
class SortOrder:
    column: str = "ref"
    descending: bool = False

    def describe(self) -> str:
        """ "Sorted by last contact, oldest first"."""
        column = SORTS_BY_KEY[self.column]
        way = column.descending if self.descending else column.ascending
        return f"Sorted by {column.label.lower()}, {way}"

    def next_column(self) -> SortOrder:
        keys = [c.key for c in SORT_COLUMNS]
        return SortOrder(keys[(keys.index(self.column) + 1) % len(keys)])

    def reversed(self) -> SortOrder:
        return SortOrder(self.column, not self.descending)


def sort_summaries(summaries: Sequence[ClientSummary], order: SortOrder) -> list[ClientSummary]:
    """The clients in `order`; ties by case ref, and "none yet" always last."""
    by_ref = sorted(summaries, key=attrgetter("case_ref"))
    if order.column == "ref":  # the usual order, and every client has a case ref
        return by_ref[::-1] if order.descending else by_ref
    value = SORTS_BY_KEY[order.column].value
    present = [s for s in by_ref if value(s) is not None]
    missing = [s for s in by_ref if value(s) is None]
    present.sort(key=value, reverse=order.descending)
    return present + missing
