"""What needs the keyworker's attention: flag reviews, key dates, assessment reviews, contact.

Storage finds the candidates with a few indexed queries; this module words them and puts
them in order, so the rules read (and test) without a database.

The rules, on open cases (referred, active or paused; never closed or transferred):
- flag_review: an active flag whose review date has passed. Flags are what must never be
  missed, so these come first, the longest overdue first.
- key_date: a release date or the end of an order from today to `key_date_days` ahead.
  Next, soonest first: they are set by courts and prisons, and cannot be moved.
- missed_appointments: two or more appointments in a row the person did not attend
  (acceptable absences, cancellations and reschedules passed over), counted since they
  last came; dated by the latest miss, the longest-standing first. Missed appointments
  are the first sign someone is slipping, so they come straight after the fixed dates.
- outcome_due: appointments that have ended with the person's outcome not yet
  recorded; one item counts them, dated by the oldest. Listed so the worker completes
  them when the app opens: attendance figures and missed-appointment warnings rest on
  them.
- review_due: the review date of a person's current assessment (their latest completed
  one, a correction standing in for what it corrects), whenever overdue, or from today
  to `key_date_days` ahead. A review already started as a draft still counts until it is
  completed. Next, the longest overdue first: a review is a date agreed with the person,
  work the keyworker can plan but should not let slide; it comes before no_contact,
  which can run to hundreds of people on a large caseload and would bury it.
- plan_review: a live action plan whose review date has passed. Next, the longest
  overdue first, for the same reason as an assessment review.
- follow_up: a referral still under way (made, accepted or started) whose follow-up date
  is today or past: the agency needs chasing. One item names every agency due.
- step_overdue: open steps (not started or in progress) on a live plan's active or
  future goals whose target date has passed; one item counts them, dated by the oldest.
- no_contact: a referred or active case (a paused one is left out: nobody expects
  contact) whose last case note was `no_contact_days` or more days ago; with no note at
  all, counted from the referral date, or from the day the case was added when there is
  none, so a new referral nobody has met shows up too. Last, the longest without first.
One item per client per reason per date: flags reviewed on the same day, or a release on
the day an order ends, make one item naming them all.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from typing import Literal
from uuid import UUID

from keyworker.dates import long_date
from keyworker.models import Record
from keyworker.vocabulary import RISK_KINDS

Reason = Literal[
    "no_contact",
    "flag_review",
    "key_date",
    "review_due",
    "plan_review",
    "follow_up",
    "step_overdue",
    "missed_appointments",
    "outcome_due",
]
Who = tuple[UUID, str, str]  # client id, case reference, name to show

OPEN_STATUSES = ("referred", "active", "paused")
CONTACT_EXPECTED = ("referred", "active")  # paused cases expect no contact
# Most urgent reason first; within a reason, the earliest `due` first.
REASON_ORDER: dict[str, int] = {
    "flag_review": 0,
    "key_date": 1,
    "missed_appointments": 2,
    "outcome_due": 3,
    "review_due": 4,
    "plan_review": 5,
    "follow_up": 6,
    "step_overdue": 7,
    "no_contact": 8,
}
KEY_DATE_EVENTS = {"release": "Release", "order_end": "Order end"}


class AttentionItem(Record):
    """One thing to act on for one client, worded for the dashboard."""

    client_id: UUID
    case_ref: str
    display_name: str
    reason: Reason
    detail: str
    due: date | None
    """flag_review: the review date missed; key_date: the date itself; review_due: the
    assessment's next review date; plan_review: the plan's review date; follow_up: the
    earliest follow-up date; step_overdue: the oldest target date missed; no_contact: the
    day contact fell due (the last contact, or the referral, plus `no_contact_days`)."""


def flag_review(who: Who, kinds: Iterable[str], review_date: date) -> AttentionItem:
    """Active flags (one or more kinds) whose review, due on `review_date`, was missed."""
    labels = [RISK_KINDS.label(k) for k in kinds]
    noun = "flag" if len(labels) == 1 else "flags"
    return _item(
        who,
        "flag_review",
        f"{_and(labels)} {noun}: review overdue since {long_date(review_date)}",
        review_date,
    )


def key_date(who: Who, events: Iterable[str], on: date, today: date) -> AttentionItem:
    """`events` ("release", "order_end") falling on the same day, `on`."""
    names = list(events)
    if names == ["release"]:
        what, verb = "Release", ""
    elif names == ["order_end"]:
        what, verb = "Order", " ends"
    else:
        what, verb = _and([KEY_DATE_EVENTS[e] for e in names]), ""
    days = (on - today).days
    if days == 0:
        when = f"today ({long_date(on)})"
    elif days == 1:
        when = f"tomorrow ({long_date(on)})"
    else:
        when = f"on {long_date(on)}, in {days} days"
    return _item(who, "key_date", f"{what}{verb} {when}", on)


def review_due(who: Who, template_title: str, due: date, today: date) -> AttentionItem:
    """The review of an assessment made with the template titled `template_title`."""
    days = (due - today).days
    if days < 0:
        when = f"overdue since {long_date(due)}"
    elif days == 0:
        when = "due today"
    elif days == 1:
        when = f"due tomorrow, {long_date(due)}"
    else:
        when = f"due on {long_date(due)}, in {days} days"
    return _item(who, "review_due", f"Assessment review {when} ({template_title})", due)


def plan_review(who: Who, due: date) -> AttentionItem:
    """A live action plan whose review date, `due`, has passed."""
    return _item(who, "plan_review", f"Action plan review overdue since {long_date(due)}", due)


def follow_up(who: Who, agencies: list[str], due: date, today: date) -> AttentionItem:
    """Referrals to `agencies` to follow up, the earliest due on `due`."""
    when = "today" if due == today else f"since {long_date(due)}"
    noun = "referral" if len(agencies) == 1 else "referrals"
    names = agencies[0] if len(agencies) == 1 else ", ".join(agencies[:-1]) + " and " + agencies[-1]
    return _item(who, "follow_up", f"Follow up {noun} to {names}: due {when}", due)


def steps_overdue(who: Who, count: int, oldest: date) -> AttentionItem:
    """`count` plan steps past their target dates, the oldest due on `oldest`."""
    if count == 1:
        detail = f"Plan step overdue since {long_date(oldest)}"
    else:
        detail = f"{count} plan steps overdue, the oldest since {long_date(oldest)}"
    return _item(who, "step_overdue", detail, oldest)


def missed_appointments(who: Who, count: int, last: date | None) -> AttentionItem:
    """`count` appointments missed in a row, the latest on `last`."""
    detail = f"Missed the last {count} appointments in a row (latest {long_date(last)})"
    return _item(who, "missed_appointments", detail, last)


def outcome_due(who: Who, count: int, oldest: date) -> AttentionItem:
    """`count` ended appointments without the person's outcome, the oldest on `oldest`."""
    if count == 1:
        detail = f"Record what happened at the appointment on {long_date(oldest)}"
    else:
        detail = f"Record what happened at {count} appointments, the first on {long_date(oldest)}"
    return _item(who, "outcome_due", detail, oldest)


def no_contact(
    who: Who, last_contact: date | None, referred: date, days: int, today: date
) -> AttentionItem:
    """No case note for `days` or more: since `last_contact`, or ever since `referred`."""
    if last_contact is None:
        ago = (today - referred).days
        detail = f"No contact yet, referred {_days(ago)} ago ({long_date(referred)})"
        due = referred + timedelta(days=days)
    else:
        ago = (today - last_contact).days
        detail = f"No contact for {_days(ago)} (last on {long_date(last_contact)})"
        due = last_contact + timedelta(days=days)
    return _item(who, "no_contact", detail, due)


def most_urgent_first(items: Iterable[AttentionItem]) -> list[AttentionItem]:
    """Overdue flag reviews, key dates soonest first, reviews, plan work, then contact."""
    return sorted(
        items,
        key=lambda i: (REASON_ORDER[i.reason], i.due or date.max, i.case_ref, i.detail),
    )


def _item(who: Who, reason: Reason, detail: str, due: date | None) -> AttentionItem:
    client_id, case_ref, display_name = who
    return AttentionItem(
        client_id=client_id,
        case_ref=case_ref,
        display_name=display_name,
        reason=reason,
        detail=detail,
        due=due,
    )


def _days(count: int) -> str:
    return "1 day" if count == 1 else f"{count} days"


def _and(labels: list[str]) -> str:
    """ "Domestic abuse and self-harm or suicide": later labels lose their capital."""
    words = [labels[0], *(_lower_first(label) for label in labels[1:])]
    if len(words) == 1:
        return words[0]
    return ", ".join(words[:-1]) + " and " + words[-1]


def _lower_first(label: str) -> str:
    # Leave acronyms such as "GP" alone.
    return label[0].lower() + label[1:] if label[1:2].islower() else label
