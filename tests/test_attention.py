"""What needs attention: overdue flag reviews, key dates, assessment reviews, no contact.

Today is Sun 22 Nov 2026 (the FixedClock); thresholds are 14 days without contact and
key dates up to 28 days ahead unless a test says otherwise.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from uuid import uuid4

from keyworker import attention
from keyworker.clock import FixedClock
from storage import Caseload, CaseloadPaths
from storage.migrations import LATEST, schema_version
from tests.conftest import NOW, PASSPHRASE, make_client, make_flag, make_note
from tests.test_assessment_storage import LATER, TEMPLATE, complete_one, draft_for


def _shown(caseload: Caseload, no_contact_days: int = 14, key_date_days: int = 28) -> list:
    return [
        (i.display_name, i.reason, i.detail, i.due)
        for i in caseload.attention(no_contact_days, key_date_days)
    ]


def test_no_contact_for_the_threshold_or_longer_on_referred_and_active_cases(
    caseload: Caseload,
) -> None:
    for name, status, day in [
        ("Old Contact", "active", 1),
        ("Exactly Fourteen", "referred", 8),
        ("Thirteen Days", "active", 9),
        ("Paused Case", "paused", 1),
        ("Transferred Case", "transferred", 1),
    ]:
        client = make_client(caseload, name, status=status)
        caseload.add_note(make_note(client, "Phone call", day=day))
    closed = make_client(caseload, "Closed Case", status="closed", closure_reason="needs_met")
    caseload.add_note(make_note(closed, "Last meeting", day=1))

    assert _shown(caseload) == [
        (
            "Old Contact",
            "no_contact",
            "No contact for 21 days (last on Sun 1 Nov 2026)",
            date(2026, 11, 15),
        ),
        (
            "Exactly Fourteen",
            "no_contact",
            "No contact for 14 days (last on Sun 8 Nov 2026)",
            date(2026, 11, 22),
        ),
    ]
    assert [name for name, *_ in _shown(caseload, no_contact_days=21)] == ["Old Contact"]


def test_a_referral_nobody_has_met_yet_counts_from_referral_or_from_being_added(
    caseload: Caseload, clock: FixedClock
) -> None:
    make_client(caseload, "Referred Long Ago", referral_date=date(2026, 11, 3))
    make_client(caseload, "Referred Recently", referral_date=date(2026, 11, 15))
    clock.moment = NOW - timedelta(days=20)
    make_client(caseload, "Added Long Ago")
    clock.moment = NOW
    make_client(caseload, "Added Today")

    assert _shown(caseload) == [
        (
            "Added Long Ago",
            "no_contact",
            "No contact yet, referred 20 days ago (Mon 2 Nov 2026)",
            date(2026, 11, 16),
        ),
        (
            "Referred Long Ago",
            "no_contact",
            "No contact yet, referred 19 days ago (Tue 3 Nov 2026)",
            date(2026, 11, 17),
        ),
    ]


def test_active_flags_past_review_on_open_cases_one_item_per_date(caseload: Caseload) -> None:
    active = make_client(caseload, "Active Case", status="active")
    caseload.add_flag(make_flag(active, review_date=date(2026, 11, 1)))
    caseload.add_flag(make_flag(active, "substance_use", review_date=NOW.date()))
    ended = make_flag(
        active, "exploitation", review_date=date(2026, 10, 1), ended_on=date(2026, 10, 5)
    )
    caseload.add_flag(ended)
    paused = make_client(caseload, "Paused Case", status="paused")
    caseload.add_flag(make_flag(paused, "domestic_abuse", review_date=date(2026, 11, 10)))
    caseload.add_flag(make_flag(paused, "self_harm", review_date=date(2026, 11, 10)))
    closed = make_client(caseload, "Closed Case", status="closed", closure_reason="needs_met")
    caseload.add_flag(make_flag(closed, review_date=date(2026, 9, 1)))

    assert _shown(caseload) == [
        (
            "Active Case",
            "flag_review",
            "Risk to staff / lone working flag: review overdue since Sun 1 Nov 2026",
            date(2026, 11, 1),
        ),
        (
            "Paused Case",
            "flag_review",
            "Domestic abuse and self-harm or suicide flags: review overdue since Tue 10 Nov 2026",
            date(2026, 11, 10),
        ),
    ]


def test_release_and_order_end_dates_from_today_to_the_horizon(caseload: Caseload) -> None:
    today = NOW.date()
    for name, status, release, order_end in [
        ("Released Soon", "active", date(2026, 12, 3), None),
        ("Order Tomorrow", "active", None, date(2026, 11, 23)),
        ("Both Today", "referred", today, today),
        ("Two Dates", "active", date(2026, 11, 24), date(2026, 12, 10)),
        ("Last Day In", "paused", None, date(2026, 12, 20)),
        ("One Day Too Far", "active", date(2026, 12, 21), None),
        ("Already Past", "active", date(2026, 11, 21), None),
    ]:
        make_client(caseload, name, status=status, release_date=release, order_end_date=order_end)
    make_client(
        caseload,
        "Closed Case",
        status="closed",
        closure_reason="needs_met",
        release_date=date(2026, 11, 30),
    )

    assert [(name, detail, due) for name, _, detail, due in _shown(caseload)] == [
        ("Both Today", "Release and order end today (Sun 22 Nov 2026)", today),
        ("Order Tomorrow", "Order ends tomorrow (Mon 23 Nov 2026)", date(2026, 11, 23)),
        ("Two Dates", "Release on Tue 24 Nov 2026, in 2 days", date(2026, 11, 24)),
        ("Released Soon", "Release on Thu 3 Dec 2026, in 11 days", date(2026, 12, 3)),
        ("Two Dates", "Order ends on Thu 10 Dec 2026, in 18 days", date(2026, 12, 10)),
        ("Last Day In", "Order ends on Sun 20 Dec 2026, in 28 days", date(2026, 12, 20)),
    ]
    assert {reason for _, reason, *_ in _shown(caseload)} == {"key_date"}
    assert [name for name, *_ in _shown(caseload, key_date_days=1)] == [
        "Both Today",
        "Order Tomorrow",
    ]


def test_overdue_reviews_come_first_then_key_dates_then_the_longest_without_contact(
    caseload: Caseload,
) -> None:
    quiet = make_client(caseload, "Long Quiet", status="active")
    caseload.add_note(make_note(quiet, "Seen", day=1))
    quieter = make_client(caseload, "Longer Quiet", status="active")
    in_october = make_note(quieter, "Seen").model_copy(
        update={"at": datetime(2026, 10, 1, 9, tzinfo=UTC)}
    )
    caseload.add_note(in_october)
    everything = make_client(
        caseload, "Everything Due", status="active", release_date=date(2026, 12, 1)
    )
    caseload.add_note(make_note(everything, "Seen", day=2))
    caseload.add_flag(make_flag(everything, review_date=date(2026, 11, 20)))
    flagged = make_client(caseload, "Flag Only", status="active")
    caseload.add_flag(make_flag(flagged, "other", review_date=date(2026, 10, 20)))

    assert [(name, reason) for name, reason, *_ in _shown(caseload)] == [
        ("Flag Only", "flag_review"),
        ("Everything Due", "flag_review"),
        ("Everything Due", "key_date"),
        ("Longer Quiet", "no_contact"),
        ("Long Quiet", "no_contact"),
        ("Everything Due", "no_contact"),
    ]


def test_assessment_reviews_due_or_overdue_on_open_cases(caseload: Caseload) -> None:
    today = NOW.date()
    for name, status, next_review, on in [
        ("Olly Overdue", "active", date(2026, 11, 1), date(2026, 8, 1)),
        ("Tara Today", "paused", today, date(2026, 9, 1)),
        ("Tom Tomorrow", "referred", date(2026, 11, 23), date(2026, 9, 1)),
        ("Fay Four Days", "active", date(2026, 11, 26), date(2026, 9, 1)),
        ("Lee Last Day", "active", date(2026, 12, 20), date(2026, 9, 1)),
        ("Far Off", "active", date(2026, 12, 21), date(2026, 9, 1)),
        ("No Review Set", "active", None, date(2026, 9, 1)),
    ]:
        complete_one(caseload, make_client(caseload, name, status=status), next_review, on=on)
    closed = make_client(caseload, "Closed Case", status="active")
    complete_one(caseload, closed, date(2026, 11, 1), on=date(2026, 8, 1))
    caseload.change_status(closed.id, "closed", "moved_out_of_area")
    moved = make_client(caseload, "Moved Over", status="transferred")
    complete_one(caseload, moved, date(2026, 11, 1), on=date(2026, 8, 1))

    assert [(name, reason, detail, due) for name, reason, detail, due in _shown(caseload)] == [
        (
            "Olly Overdue",
            "review_due",
            "Assessment review overdue since Sun 1 Nov 2026 (Mini assessment)",
            date(2026, 11, 1),
        ),
        ("Tara Today", "review_due", "Assessment review due today (Mini assessment)", today),
        (
            "Tom Tomorrow",
            "review_due",
            "Assessment review due tomorrow, Mon 23 Nov 2026 (Mini assessment)",
            date(2026, 11, 23),
        ),
        (
            "Fay Four Days",
            "review_due",
            "Assessment review due on Thu 26 Nov 2026, in 4 days (Mini assessment)",
            date(2026, 11, 26),
        ),
        (
            "Lee Last Day",
            "review_due",
            "Assessment review due on Sun 20 Dec 2026, in 28 days (Mini assessment)",
            date(2026, 12, 20),
        ),
    ]
    assert [name for name, *_ in _shown(caseload, key_date_days=1)] == [
        "Olly Overdue",
        "Tara Today",
        "Tom Tomorrow",
    ]


def test_only_each_persons_current_assessment_counts_for_review(caseload: Caseload) -> None:
    reviewed = make_client(caseload, "Rhea Reviewed", status="active")
    complete_one(caseload, reviewed, date(2026, 10, 1), on=date(2026, 6, 1))
    complete_one(caseload, reviewed, date(2027, 2, 1), on=date(2026, 10, 1))
    ended = make_client(caseload, "Nora No More Reviews", status="active")
    complete_one(caseload, ended, date(2026, 10, 1), on=date(2026, 6, 1))
    complete_one(caseload, ended, None, on=date(2026, 10, 1))
    sooner = make_client(caseload, "Cora Corrected", status="active")
    original = complete_one(caseload, sooner, date(2027, 2, 1), on=date(2026, 10, 1))
    caseload.correct_assessment(
        original.id,
        original.model_copy(update={"next_review": date(2026, 11, 25)}),
        "The review agreed was sooner",
        LATER,
    )
    later = make_client(caseload, "Colin Corrected Later", status="active")
    original = complete_one(caseload, later, date(2026, 11, 10), on=date(2026, 10, 1))
    caseload.correct_assessment(
        original.id,
        original.model_copy(update={"next_review": date(2027, 1, 10)}),
        "The review agreed was later",
        LATER,
    )
    started = make_client(caseload, "Dee Draft Started", status="active")
    done = complete_one(caseload, started, date(2026, 11, 15), on=date(2026, 8, 15))
    review = draft_for(started).model_copy(update={"kind": "review", "review_of": done.id})
    caseload.start_assessment(review, TEMPLATE)

    assert [(name, due) for name, _, _, due in _shown(caseload)] == [
        ("Dee Draft Started", date(2026, 11, 15)),
        ("Cora Corrected", date(2026, 11, 25)),
    ]
    due = caseload.reviews_due(NOW.date(), 28)
    assert [(d.display_name, d.due) for d in due] == [
        ("Dee Draft Started", date(2026, 11, 15)),
        ("Cora Corrected", date(2026, 11, 25)),
    ]


def test_reviews_come_after_flags_and_key_dates_and_before_no_contact(
    caseload: Caseload,
) -> None:
    everything = make_client(
        caseload, "Everything Due", status="active", release_date=date(2026, 12, 1)
    )
    caseload.add_note(make_note(everything, "Seen", day=2))
    caseload.add_flag(make_flag(everything, review_date=date(2026, 11, 20)))
    complete_one(caseload, everything, date(2026, 11, 1), on=date(2026, 8, 1))
    reviewed = make_client(caseload, "Review Only", status="active")
    complete_one(caseload, reviewed, date(2026, 10, 1), on=date(2026, 8, 1))

    assert [(name, reason) for name, reason, *_ in _shown(caseload)] == [
        ("Everything Due", "flag_review"),
        ("Everything Due", "key_date"),
        ("Review Only", "review_due"),
        ("Everything Due", "review_due"),
        ("Everything Due", "no_contact"),
    ]


def test_last_contact_follows_notes_added_and_edited(caseload: Caseload) -> None:
    client = make_client(caseload, "Dan Price", status="active")
    caseload.add_note(make_note(client, "First meeting", day=1))
    assert _shown(caseload)[0][2] == "No contact for 21 days (last on Sun 1 Nov 2026)"

    latest = make_note(client, "Phone call", day=20)
    caseload.add_note(latest)
    assert _shown(caseload) == []
    assert caseload.clients()[0].last_contact == datetime(2026, 11, 20, 14, tzinfo=UTC)

    caseload.update_note(latest.model_copy(update={"at": datetime(2026, 11, 2, 9, tzinfo=UTC)}))
    assert _shown(caseload)[0][2] == "No contact for 20 days (last on Mon 2 Nov 2026)"
    assert caseload.clients()[0].last_contact == datetime(2026, 11, 2, 9, tzinfo=UTC)
    assert caseload.check() == []


def test_an_older_caseload_gains_last_contacts_when_opened(
    caseload: Caseload, paths: CaseloadPaths, clock: FixedClock
) -> None:
    client = make_client(caseload, "Dan Price", status="active")
    caseload.add_note(make_note(client, "First meeting", day=1))
    caseload.add_note(make_note(client, "Phone call", day=3))
    caseload._conn.executescript(  # back to version 1: undo migrations 5, 4, 3 and 2
        "DROP TABLE appointment_people;"
        "DROP TABLE appointments;"
        "DROP TABLE signposts;"
        "DROP TABLE referrals;"
        "DROP TABLE plans;"
        "DROP TABLE agencies;"
        "DROP TABLE assessments;"
        "DROP TABLE assessment_templates;"
        "DROP TRIGGER case_notes_last_contact_update;"
        "DROP TRIGGER case_notes_last_contact_delete;"
        "DROP TABLE last_contact;"
        "PRAGMA user_version = 1;"
    )
    caseload.close()

    with Caseload.open(paths, PASSPHRASE, clock=clock) as reopened:
        assert schema_version(reopened._conn) == LATEST == 5
        assert reopened.clients()[0].last_contact == datetime(2026, 11, 3, 14, tzinfo=UTC)
        assert _shown(reopened)[0][2] == "No contact for 19 days (last on Tue 3 Nov 2026)"
        assert reopened.check() == []


def test_check_finds_last_contacts_out_of_step_with_the_notes(caseload: Caseload) -> None:
    client = make_client(caseload, status="active")
    caseload.add_note(make_note(client, "First meeting", day=1))

    caseload._conn.execute("UPDATE last_contact SET at = '2026-11-21T09:00:00Z'")

    assert [str(p) for p in caseload.check()] == [
        "The record of each client's last contact is out of step with the notes."
    ]


def test_wording_of_single_days_and_several_flags() -> None:
    who = (uuid4(), "KW-22222", "Dan")
    today = NOW.date()
    item = attention.no_contact(who, today - timedelta(days=1), today, 1, today)
    assert item.detail == "No contact for 1 day (last on Sat 21 Nov 2026)"
    three = attention.flag_review(
        who,
        ["domestic_abuse", "child_safeguarding", "other"],
        date(2026, 11, 1),
    )
    assert three.detail == (
        "Domestic abuse, child safeguarding and other flags: review overdue since Sun 1 Nov 2026"
    )


def test_wording_of_assessment_reviews() -> None:
    who = (uuid4(), "KW-22222", "Dan")
    today = NOW.date()
    title = "Needs assessment: reducing reoffending pathways"
    worded = [
        attention.review_due(who, title, today + timedelta(days=days), today).detail
        for days in (-1, 0, 1, 2)
    ]
    assert worded == [
        f"Assessment review overdue since Sat 21 Nov 2026 ({title})",
        f"Assessment review due today ({title})",
        f"Assessment review due tomorrow, Mon 23 Nov 2026 ({title})",
        f"Assessment review due on Tue 24 Nov 2026, in 2 days ({title})",
    ]
