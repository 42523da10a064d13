"""A client's whole record as plain text, for `keyworker client show`.

Active risk and safeguarding flags come first, lone working before anything else,
so they cannot be missed.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, tzinfo
from uuid import UUID

from keyworker import appointments as ap
from keyworker import plans as pl
from keyworker.dates import long_date, uk_date, uk_datetime
from keyworker.models import CaseNote, Client, ClientRecord, FamilyMember, RiskFlag, StatusChange
from keyworker.vocabulary import (
    ABSENCE_REASONS,
    APPOINTMENT_OUTCOMES,
    CLIENT_KINDS,
    CLIENT_STATUSES,
    CLOSURE_REASONS,
    CONTACT_TYPES,
    PATHWAYS,
    REFERRAL_METHODS,
    REFERRAL_SOURCES,
    REFERRAL_STATUSES,
    RELATIONSHIPS,
    RISK_KINDS,
    RISK_LEVELS,
    STEP_STATUSES,
)

INDENT = "      "


def format_record(
    record: ClientRecord,
    agencies: Mapping[UUID, str] | None = None,
    zone: tzinfo | None = None,
    now: datetime | None = None,
) -> str:
    """The record as text; `agencies` names the partner agencies referrals go to, and
    appointments are in `zone` (the laptop's own when None), as they stand at `now`."""
    names = agencies or {}
    now = now or datetime.now(UTC)
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
        ("Action plan", plan_lines(pl.live_plan(record.plans))),
        ("Referrals", [referral_line(r, names) for r in record.referrals]),
        ("Signposting", [signpost_line(s, names) for s in record.signposts]),
        ("Appointments", [appointment_line(a, zone, now) for a in record.appointments]),
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


def plan_lines(plan: pl.Plan | None) -> list[str]:
    """The live plan: its dates and agreement, then each goal with its steps."""
    if plan is None:
        return []
    review = uk_date(plan.review_date) or "not set"
    lines = [
        f"Started {uk_date(plan.started_on)}; review by {review}",
        f"Agreement: {pl.agreement_words(plan)}",
    ]
    for goal in plan.goals:
        status = goal.status + (f" {uk_date(goal.achieved_on)}" if goal.achieved_on else "")
        lines.append(f"{PATHWAYS.label(goal.pathway)} ({status}): {goal.words}")
        for step in goal.steps:
            by = f", by {uk_date(step.target_date)}" if step.target_date else ""
            lines.append(f"  - {step.what} ({STEP_STATUSES.label(step.status).lower()}{by})")
    return lines


def referral_line(r: pl.Referral, agencies: Mapping[UUID, str]) -> str:
    follow = f"; follow up {uk_date(r.follow_up_on)}" if r.follow_up_on else ""
    return _join(
        f"{uk_date(r.made_on)}  {agencies.get(r.agency_id, 'An agency')}",
        f" ({PATHWAYS.label(r.pathway)}), by {REFERRAL_METHODS.label(r.method).lower()}",
        f": {REFERRAL_STATUSES.label(r.status).lower()} {uk_date(r.status_on)}{follow}",
        r.outcome and f"\n{INDENT}Outcome: {r.outcome}",
    )


def appointment_line(a: ap.Appointment, zone: tzinfo | None, now: datetime) -> str:
    """ "Tue 24/11/2026 10:00-11:00  Home visit, with Shelter: attended late"."""
    start, end = a.start.astimezone(zone), a.end.astimezone(zone)
    person = a.people[0]
    if person.outcome is None:
        outcome = "to come" if a.end > now else "outcome not recorded"
    else:
        outcome = APPOINTMENT_OUTCOMES.label(person.outcome).lower()
        if person.reason:
            outcome += f" ({ABSENCE_REASONS.label(person.reason).lower()})"
    return _join(
        f"{long_date(start.date())} {start:%H:%M}-{end:%H:%M}  {a.label()}",
        a.met_with and f", with {a.met_with}",
        a.location and f", at {a.location}",
        f": {outcome}",
        a.series_id and " (repeating)",
    )


def signpost_line(s: pl.Signpost, agencies: Mapping[UUID, str]) -> str:
    where = agencies.get(s.agency_id, "") if s.agency_id else ""
    return _join(
        f"{uk_date(s.given_on)}  {PATHWAYS.label(s.pathway)}: {s.information}",
        where and f" ({where})",
    )
