"""A client's whole record as plain text, for `keyworker client show`.

Active risk and safeguarding flags come first, lone working before anything else,
so they cannot be missed.
"""

from __future__ import annotations

from keyworker.dates import long_date, uk_date, uk_datetime
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

INDENT = "      "


def format_record(record: ClientRecord) -> str:
    c = record.client
    active = sorted(
        (f for f in record.flags if f.is_active), key=lambda f: f.kind != "lone_working"
    )
    lines = [flag_banner(f) for f in active]
    if active:
        lines.append("")
    lines.append(f"{c.case_ref}  {c.display_name}  [{CLIENT_STATUSES.label(c.status)}]")
    lines.extend(f"  {label}: {value}" for label, value in client_details(c) if value)
    sections = [
        ("Status history", [status_line(s) for s in record.status_history]),
        ("Family and dependants", [family_line(m) for m in record.family]),
        ("Risks and safeguarding", [flag_line(f) for f in record.flags]),
        (f"Case notes ({len(record.notes)}, newest first)", [note_line(n) for n in record.notes]),
    ]
    for title, items in sections:
        lines.extend(["", title])
        lines.extend(f"  {item}" for item in items or ["(none)"])
    return "\n".join(lines)


def flag_banner(flag: RiskFlag) -> str:
    return (
        f"!! {RISK_KINDS.label(flag.kind).upper()} ({RISK_LEVELS.label(flag.level)} risk)"
        f" - review by {uk_date(flag.review_date)}"
    )


def client_details(c: Client) -> list[tuple[str, str]]:
    referral = [REFERRAL_SOURCES.label(c.referral_source or ""), long_date(c.referral_date)]
    linked = ""
    if c.linked_client_id:
        linked = f"{c.linked_client_id} ({RELATIONSHIPS.label(c.relationship_to_linked or '')})"
    return [
        ("Legal name", c.legal_name),
        ("Preferred name", c.preferred_name),
        ("Pronouns", c.pronouns),
        ("Date of birth", long_date(c.date_of_birth)),
        ("Kind", CLIENT_KINDS.label(c.kind)),
        ("Phone", c.phone or ""),
        ("Email", c.email or ""),
        ("Address", c.address.replace("\n", ", ")),
        ("Prison number", c.identifiers.prison_number or ""),
        ("CRN", c.identifiers.crn or ""),
        ("PNC number", c.identifiers.pnc or ""),
        ("Referral", " on ".join(x for x in referral if x)),
        ("Keyworker", c.keyworker),
        ("Release date", long_date(c.release_date)),
        ("Order or licence ends", long_date(c.order_end_date)),
        ("Closure reason", CLOSURE_REASONS.label(c.closure_reason or "")),
        ("Linked to", linked),
    ]


def _join(*parts: object) -> str:
    """Join the parts that apply; a part that does not apply is falsy."""
    return "".join(str(p) for p in parts if p)


def status_line(s: StatusChange) -> str:
    return _join(
        f"{uk_datetime(s.at)}  {CLIENT_STATUSES.label(s.status)}",
        s.reason and f" ({CLOSURE_REASONS.label(s.reason)})",
        s.note and f" - {s.note}",
    )


def family_line(m: FamilyMember) -> str:
    return _join(
        f"{m.name}, {RELATIONSHIPS.label(m.relationship)}",
        m.date_of_birth and f", born {uk_date(m.date_of_birth)}",
        (m.age is not None and f", aged {m.age}") or "",
        (m.lives_with_client and ", lives with client") or "",
        m.contact_arrangements and f"\n{INDENT}Contact: {m.contact_arrangements}",
        m.safeguarding_notes and f"\n{INDENT}Safeguarding: {m.safeguarding_notes}",
    )


def flag_line(f: RiskFlag) -> str:
    return _join(
        f"{RISK_KINDS.label(f.kind)} ({RISK_LEVELS.label(f.level)})",
        f" raised {uk_date(f.raised_on)}, review {uk_date(f.review_date)}",
        f.ended_on and f", ended {uk_date(f.ended_on)}",
        f.notes and f"\n{INDENT}{f.notes}",
    )


def note_line(n: CaseNote) -> str:
    return _join(
        f"{uk_datetime(n.at)}  {CONTACT_TYPES.label(n.contact_type)}",
        n.duration_minutes and f", {n.duration_minutes} min",
        n.pathways and f"  [{', '.join(PATHWAYS.label(p) for p in n.pathways)}]",
        f"\n{INDENT}{n.text}",
    )
