"""A client's record in words, for the client screen: flags, family, notes and dates.

Everything is plain `rich.text.Text` built from the record, so a name or a note can never
be read as markup, and every state is said in words (never by colour alone).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from keyworker.dates import long_date
from keyworker.models import CaseNote, Client, ClientRecord, FamilyMember, RiskFlag, StatusChange
from keyworker.vocabulary import (
    CLIENT_KINDS,
    CLIENT_STATUSES,
    CLOSURE_REASONS,
    CONTACT_TYPES,
    PATHWAYS,
    REFERRAL_SOURCES,
    RELATIONSHIPS,
    RISK_KINDS,
    RISK_LEVELS,
)

MARKER = "⚠"
NO_FLAGS = "No active risk flags"
CLOSED_STATUSES = ("closed", "transferred")

# The banner's words for a flag kind; a kind a service adds falls back to its label.
BANNER_WORDS = {"lone_working": "LONE WORKING"}
# The tables' shorter name for a kind; the others read well as the vocabulary has them.
KIND_WORDS = {"lone_working": "Lone working"}
# The notes table's shorter name for a contact type; the note itself shows the full one.
CONTACT_WORDS = {"third_party": "Third party"}
LABEL_WIDTH = 21  # the overview's labels line up across its sections


# Dates -------------------------------------------------------------------------------


def relative_days(day: date, today: date) -> str:
    """How far off a day is, in words: "today", "in 11 days", "3 days ago"."""
    days = (day - today).days
    if days == 0:
        return "today"
    if days == 1:
        return "tomorrow"
    if days == -1:
        return "yesterday"
    return f"in {days} days" if days > 0 else f"{-days} days ago"


def long_datetime(value: datetime) -> str:
    """Fri 20 Nov 2026 14:00, in the laptop's local time."""
    local = value.astimezone()
    return f"{long_date(local.date())} {local:%H:%M}"


def age_on(born: date, today: date) -> int:
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


# Flags -------------------------------------------------------------------------------


def _kind_order(flag: RiskFlag) -> tuple[int, str]:
    """Lone working first, then the vocabulary's order; a service's own kinds last."""
    codes = RISK_KINDS.codes
    return (codes.index(flag.kind) if flag.kind in codes else len(codes)), flag.kind


def active_flags(flags: Iterable[RiskFlag]) -> list[RiskFlag]:
    return sorted((f for f in flags if f.is_active), key=_kind_order)


def flags_in_order(flags: Sequence[RiskFlag]) -> list[RiskFlag]:
    """Active flags first (lone working at the top), then ended ones, latest ended first."""
    ended = sorted(
        (f for f in flags if not f.is_active), key=lambda f: f.ended_on or f.raised_on, reverse=True
    )
    return active_flags(flags) + ended


def level_words(flag: RiskFlag) -> str:
    return RISK_LEVELS.label(flag.level).lower()


def kind_words(kind: str) -> str:
    return KIND_WORDS.get(kind, RISK_KINDS.label(kind))


def is_overdue(flag: RiskFlag, today: date) -> bool:
    return flag.is_active and flag.review_date < today


def review_words(flag: RiskFlag, today: date) -> str:
    """When the flag is to be reviewed, in words, e.g. review by Tue 1 Dec 2026."""
    if not flag.is_active:
        return f"ended {long_date(flag.ended_on)}"
    if flag.review_date == today:
        return "review due today"
    if flag.review_date < today:
        return f"review overdue since {long_date(flag.review_date)}"
    return f"review by {long_date(flag.review_date)}"


def banner_line(flag: RiskFlag, today: date) -> str:
    """⚠ LONE WORKING — high — review by Tue 1 Dec 2026"""
    kind = BANNER_WORDS.get(flag.kind, RISK_KINDS.label(flag.kind).upper())
    return f"{MARKER} {kind} — {level_words(flag)} — {review_words(flag, today)}"


def flag_cells(flag: RiskFlag, today: date) -> tuple[Text, ...]:
    if not flag.is_active:
        state = Text(f"Ended {long_date(flag.ended_on)}")
    elif is_overdue(flag, today):
        state = Text(f"{MARKER} REVIEW OVERDUE since {long_date(flag.review_date)}", style="bold")
    else:
        when = relative_days(flag.review_date, today)
        state = Text(f"Review by {long_date(flag.review_date)}, {when}")
    return (
        Text(kind_words(flag.kind), style="bold" if flag.is_active else ""),
        Text(RISK_LEVELS.label(flag.level)),
        state,
        Text(one_line(flag.notes)),
    )


def flag_detail(flag: RiskFlag, today: date) -> Text:
    text = Text()
    text.append(f"{RISK_KINDS.label(flag.kind)} — {level_words(flag)}", style="bold")
    text.append(f"\nRaised {long_date(flag.raised_on)}")
    if flag.is_active:
        text.append(f"; {review_words(flag, today)} ({relative_days(flag.review_date, today)})")
    else:
        text.append(
            f"; reviewed by {long_date(flag.review_date)}; ended {long_date(flag.ended_on)}"
        )
    text.append("\n")
    text.append(flag.notes or "No notes on this flag.")
    return text


# Family ------------------------------------------------------------------------------


def age_words(member: FamilyMember, today: date) -> str:
    if member.date_of_birth:
        return f"{age_on(member.date_of_birth, today)} (born {long_date(member.date_of_birth)})"
    if member.age is not None:
        return str(member.age)
    return "not known"


def family_cells(member: FamilyMember, today: date) -> tuple[Text, ...]:
    born = member.date_of_birth
    age = member.age if born is None else age_on(born, today)
    return (
        Text(member.name),
        Text(RELATIONSHIPS.label(member.relationship)),
        Text("not known" if age is None else str(age)),
        Text("Yes" if member.lives_with_client else "No"),
        Text(f"{MARKER} Yes" if member.safeguarding_notes else "None"),
    )


def family_detail(member: FamilyMember, today: date) -> Text:
    text = Text()
    text.append(f"{member.name}, {RELATIONSHIPS.label(member.relationship)}", style="bold")
    text.append(f"; age {age_words(member, today)}")
    text.append("; lives with the client" if member.lives_with_client else "")
    text.append("\nContact arrangements: ", style="bold")
    text.append(member.contact_arrangements or "none recorded")
    text.append("\nSafeguarding: ", style="bold")
    text.append(member.safeguarding_notes or "none recorded")
    return text


# Notes -------------------------------------------------------------------------------


def one_line(text: str, limit: int = 160) -> str:
    """A note's start on one line, for a table cell that crops the rest."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def pathway_words(pathways: Sequence[str]) -> str:
    return "; ".join(PATHWAYS.label(p) for p in pathways)


def notes_matching(
    notes: Sequence[CaseNote], contact_type: str | None, pathway: str | None
) -> list[CaseNote]:
    return [
        n
        for n in notes
        if (contact_type is None or n.contact_type == contact_type)
        and (pathway is None or pathway in n.pathways)
    ]


def notes_count(shown: int, total: int) -> str:
    """How many notes the filters leave, e.g. 12 of 40 notes."""
    noun = "note" if total == 1 else "notes"
    return f"{total} {noun}" if shown == total else f"{shown} of {total} {noun}"


def note_cells(note: CaseNote, wide: bool) -> tuple[Text, ...]:
    when = Text(long_datetime(note.at))
    contact = Text(CONTACT_WORDS.get(note.contact_type, CONTACT_TYPES.label(note.contact_type)))
    text = Text(one_line(note.text))
    if not wide:
        return when, contact, text
    pathways = Text(one_line(pathway_words(note.pathways) or "—", 28))
    return when, contact, pathways, Text(note.author), text


def note_detail(note: CaseNote) -> Text:
    heading = [long_datetime(note.at), CONTACT_TYPES.label(note.contact_type)]
    if note.duration_minutes:
        heading.append(f"{note.duration_minutes} minutes")
    if note.author:
        heading.append(f"by {note.author}")
    text = Text()
    text.append(" · ".join(heading), style="bold")
    text.append("\nPathways: ", style="bold")
    text.append(pathway_words(note.pathways) or "none tagged")
    text.append("\n")
    text.append(note.text)
    return text


# The client and the overview ---------------------------------------------------------


def status_words(client: Client) -> str:
    """The case status in words, with the reason a closed case was closed."""
    words = CLIENT_STATUSES.label(client.status)
    if client.closure_reason:
        words += f" ({CLOSURE_REASONS.label(client.closure_reason)})"
    return words


def title_line(client: Client) -> Text:
    """Dan Price  ·  KW-RZKAK  ·  Status: Active"""
    text = Text()
    text.append(client.display_name, style="bold")
    text.append(f"  ·  {client.case_ref}  ·  Status: ")
    text.append(status_words(client), style="bold")
    return text


def _grid(rows: Iterable[tuple[str, str]]) -> Table:
    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold", no_wrap=True, min_width=LABEL_WIDTH)
    table.add_column(overflow="fold")
    for label, value in rows:
        table.add_row(Text(label), Text(value))
    return table


def _section(title: str, body: RenderableType) -> Group:
    return Group(Text(title, style="bold underline"), body, Text(""))


def _dated(day: date | None, today: date) -> str:
    return f"{long_date(day)} ({relative_days(day, today)})" if day else ""


def details_section(client: Client, today: date, linked: str) -> Group:
    born = client.date_of_birth
    rows = [
        ("Legal name", client.legal_name),
        ("Preferred name", client.preferred_name),
        ("Pronouns", client.pronouns),
        ("Date of birth", born and f"{long_date(born)} (aged {age_on(born, today)})"),
        ("Kind", CLIENT_KINDS.label(client.kind)),
        ("Phone", client.phone),
        ("Email", client.email),
        ("Address", client.address),
        ("Keyworker", client.keyworker),
        ("Linked to", linked),
    ]
    return _section("Details", _grid((k, v) for k, v in rows if v))


def identifiers_section(client: Client) -> Group:
    ids = client.identifiers
    rows = [
        ("Prison number", ids.prison_number or "none recorded"),
        ("CRN", ids.crn or "none recorded"),
        ("PNC number", ids.pnc or "none recorded"),
    ]
    return _section("Identifiers", _grid(rows))


def key_dates_section(record: ClientRecord, today: date) -> Group:
    client = record.client
    last = record.notes[0].at.astimezone().date() if record.notes else None
    rows = [
        ("Release date", _dated(client.release_date, today) or "none recorded"),
        ("Order or licence ends", _dated(client.order_end_date, today) or "none recorded"),
        ("Last contact", _dated(last, today) or "none yet"),
    ]
    return _section("Key dates", _grid(rows))


def referral_section(client: Client, today: date) -> Group:
    source = client.referral_source
    rows = [
        ("Referred by", REFERRAL_SOURCES.label(source) if source else "not recorded"),
        ("Referral date", _dated(client.referral_date, today) or "not recorded"),
    ]
    return _section("Referral", _grid(rows))


def status_entry(change: StatusChange) -> Text:
    """Fri 8 Aug 2025 16:50  Closed: Needs met / completed (by Sam Keyworker), then the note."""
    text = Text(f"{long_datetime(change.at)}  ")
    words = CLIENT_STATUSES.label(change.status)
    if change.reason:
        words += f": {CLOSURE_REASONS.label(change.reason)}"
    text.append(words, style="bold")
    if change.by:
        text.append(f" (by {change.by})")
    if change.note:
        text.append(f"\n    {change.note}", style="italic")
    return text


def history_section(history: Sequence[StatusChange]) -> Group:
    entries = [status_entry(c) for c in reversed(history)] or [Text("No changes recorded.")]
    return _section("Status history, latest first", Group(*entries))


def linked_words(linked: Client | None, relationship: str | None) -> str:
    """The linked client and this client's relationship to them: Partner of Dan Price."""
    if linked is None:
        return ""
    words = f"{linked.display_name} ({linked.case_ref})"
    return f"{RELATIONSHIPS.label(relationship)} of {words}" if relationship else words
