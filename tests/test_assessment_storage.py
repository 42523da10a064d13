"""Assessments in the caseload: what the database holds after each change."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta, timezone
from uuid import uuid4

import pytest

from keyworker.assessments import Assessment, Ratings, SectionAnswers, current
from keyworker.errors import DamagedFile, InvalidInput, UnknownClient
from keyworker.models import Client, ClientRecord
from keyworker.templates import Template, parse_template
from storage import Caseload, CaseloadPaths
from storage.assessments import ASSESSMENT_COLUMNS
from storage.caseload import ReviewDue
from tests.conftest import NOW, PASSPHRASE, make_client, make_note

TEMPLATE_TEXT = """
id = "mini"
version = 1
title = "Mini assessment"

[[sections]]
id = "housing"
title = "Where you live"
pathway = "accommodation"

[[sections.questions]]
id = "tonight"
text = "Where will you sleep tonight?"
kind = "single_choice"
required = true
choices = [
    { code = "own_home", label = "My own home" },
    { code = "nowhere", label = "Nowhere yet" },
]
{council}
[[sections]]
id = "story"
title = "In your words"

[[sections.questions]]
id = "in_own_words"
text = "What would help most?"
kind = "long_text"
required = true
"""
COUNCIL_QUESTION = """
[[sections.questions]]
id = "asked_council"
text = "Have you asked the council for help?"
kind = "yes_no"
required = true
show_when = { question = "tonight", equals = "nowhere" }
"""
TEMPLATE = parse_template(TEMPLATE_TEXT.replace("{council}", COUNCIL_QUESTION), "test")
# Version 2 drops the council question: assessments made with version 1 must not notice.
TEMPLATE_V2 = parse_template(
    TEMPLATE_TEXT.replace("version = 1", "version = 2").replace("{council}", ""), "test"
)
WORDS = "A sofa at my cousin's flat until Friday"
TODAY = NOW.date()
LATER = NOW + timedelta(hours=1)


def housing(tonight: str, **extra: object) -> SectionAnswers:
    return SectionAnswers(
        answers={"tonight": tonight, **extra},
        ratings=Ratings(need_level="high", immediate_need=tonight == "nowhere", own_rating=3),
    )


def story(words: str = WORDS) -> SectionAnswers:
    return SectionAnswers(answers={"in_own_words": words})


def draft_for(client: Client, on: date = TODAY, **sections: SectionAnswers) -> Assessment:
    return Assessment(
        client_id=client.id,
        template_id=TEMPLATE.id,
        template_version=TEMPLATE.version,
        assessed_on=on,
        started_at=NOW,
        assessor="Sam Keyworker",
        sections=sections,
    )


def complete_one(
    caseload: Caseload,
    client: Client,
    next_review: date | None,
    on: date = TODAY,
    template: Template = TEMPLATE,
    tonight: str = "own_home",
) -> Assessment:
    extra = {"asked_council": False} if tonight == "nowhere" else {}
    draft = draft_for(client, on, housing=housing(tonight, **extra), story=story())
    draft = draft.model_copy(update={"template_version": template.version})
    saved = caseload.start_assessment(draft, template)
    return caseload.complete_assessment(saved.id, LATER, next_review)


def stored_row(caseload: Caseload, assessment_id: object) -> dict[str, object]:
    cursor = caseload._conn.execute("SELECT * FROM assessments WHERE id = ?", (str(assessment_id),))
    names = [d[0] for d in cursor.description]
    found = cursor.fetchone()
    return dict(zip(names, found, strict=True)) if found else {}


def count(caseload: Caseload, table: str) -> int:
    return caseload._conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


# Drafts ---------------------------------------------------------------------------------


def test_a_started_draft_is_saved_and_read_back_equal(caseload: Caseload) -> None:
    client = make_client(caseload)
    draft = draft_for(client, housing=housing("own_home"))

    saved = caseload.start_assessment(draft, TEMPLATE)

    assert saved == draft.model_copy(update={"sections": saved.sections})
    assert caseload.assessment(saved.id) == saved
    assert caseload.assessments(client.id) == [saved]
    assert caseload.draft_for(client.id, "mini") == saved
    row = stored_row(caseload, saved.id)
    assert (row["status"], row["kind"], row["template_version"]) == ("draft", "initial", 1)
    assert Assessment.model_validate_json(row["body"]) == saved
    assert caseload.template("mini", 1) == TEMPLATE
    assert caseload.check() == []


def test_saving_a_draft_updates_the_one_row(caseload: Caseload) -> None:
    client = make_client(caseload)
    saved = caseload.start_assessment(draft_for(client, housing=housing("own_home")), TEMPLATE)

    changed = saved.model_copy(update={"sections": {**saved.sections, "story": story()}})
    again = caseload.save_draft(changed)

    assert caseload.assessment(saved.id) == again == changed
    assert count(caseload, "assessments") == 1
    assert json.loads(stored_row(caseload, saved.id)["body"])["sections"]["story"]["answers"] == {
        "in_own_words": WORDS
    }


def test_answers_a_condition_hides_are_dropped(caseload: Caseload) -> None:
    client = make_client(caseload)
    draft = draft_for(client, housing=housing("own_home", asked_council=True))

    saved = caseload.start_assessment(draft, TEMPLATE)

    assert saved.sections["housing"].answers == {"tonight": "own_home"}
    assert "asked_council" not in stored_row(caseload, saved.id)["body"]


def test_one_draft_at_a_time_per_person_and_template(caseload: Caseload) -> None:
    client = make_client(caseload)
    first = caseload.start_assessment(draft_for(client), TEMPLATE)

    with pytest.raises(InvalidInput, match=r"already a draft Mini assessment.*carry on"):
        caseload.start_assessment(draft_for(client), TEMPLATE)

    other = make_client(caseload, "Ann Other")
    caseload.start_assessment(draft_for(other), TEMPLATE)
    assert [a.id for a in caseload.assessments(client.id)] == [first.id]


def test_a_draft_for_someone_not_on_the_caseload_is_refused(caseload: Caseload) -> None:
    stranger = Client(case_ref="KW-22222", legal_name="Not Here")

    with pytest.raises(UnknownClient):
        caseload.start_assessment(draft_for(stranger), TEMPLATE)

    assert count(caseload, "assessments") == count(caseload, "assessment_templates") == 0


def test_a_draft_cannot_move_to_another_person(caseload: Caseload) -> None:
    client, other = make_client(caseload), make_client(caseload, "Ann Other")
    saved = caseload.start_assessment(draft_for(client), TEMPLATE)

    with pytest.raises(InvalidInput, match="person, template and kind cannot be changed"):
        caseload.save_draft(saved.model_copy(update={"client_id": other.id}))

    assert stored_row(caseload, saved.id)["client_id"] == str(client.id)


def test_a_review_must_follow_a_completed_assessment_of_the_same_person(
    caseload: Caseload,
) -> None:
    client, other = make_client(caseload), make_client(caseload, "Ann Other")
    done = complete_one(caseload, client, date(2027, 2, 1))
    review = draft_for(other).model_copy(update={"kind": "review", "review_of": done.id})

    with pytest.raises(InvalidInput, match="review follows a completed assessment"):
        caseload.start_assessment(review, TEMPLATE)

    saved = caseload.start_assessment(review.model_copy(update={"client_id": client.id}), TEMPLATE)
    assert stored_row(caseload, saved.id)["review_of"] == str(done.id)


# Completing -----------------------------------------------------------------------------


def test_completion_names_what_is_missing_then_completes(caseload: Caseload) -> None:
    client = make_client(caseload)
    saved = caseload.start_assessment(
        draft_for(client, housing=housing("nowhere"), story=story()), TEMPLATE
    )

    with pytest.raises(
        InvalidInput, match="Where you live still needs: Have you asked the council"
    ):
        caseload.complete_assessment(saved.id, LATER, date(2027, 2, 22))
    assert stored_row(caseload, saved.id)["status"] == "draft"

    answered = saved.sections["housing"].answers | {"asked_council": True}
    sections = saved.sections | {
        "housing": saved.sections["housing"].model_copy(update={"answers": answered})
    }
    caseload.save_draft(saved.model_copy(update={"sections": sections}))
    done = caseload.complete_assessment(saved.id, LATER, date(2027, 2, 22))

    row = stored_row(caseload, saved.id)
    assert (row["status"], row["completed_at"], row["next_review"]) == (
        "completed",
        "2026-11-22T11:30:00Z",
        "2027-02-22",
    )
    assert caseload.assessment(saved.id) == done
    assert done.sections["housing"].answers["asked_council"] is True
    assert caseload.draft_for(client.id, "mini") is None


def test_a_review_date_before_the_assessment_is_refused(caseload: Caseload) -> None:
    client = make_client(caseload)
    saved = caseload.start_assessment(
        draft_for(client, housing=housing("own_home"), story=story()), TEMPLATE
    )

    with pytest.raises(InvalidInput, match="next review cannot be before"):
        caseload.complete_assessment(saved.id, LATER, date(2026, 1, 1))

    assert stored_row(caseload, saved.id)["status"] == "draft"


def test_a_completed_assessment_is_read_only(caseload: Caseload) -> None:
    client = make_client(caseload)
    done = complete_one(caseload, client, date(2027, 2, 22))
    before = stored_row(caseload, done.id)

    with pytest.raises(InvalidInput, match=r"^A completed assessment cannot be changed; correct"):
        caseload.save_draft(done.model_copy(update={"assessor": "Someone Else"}))
    with pytest.raises(InvalidInput, match="already complete; correct it instead"):
        caseload.complete_assessment(done.id, LATER, None)
    with pytest.raises(InvalidInput, match="cannot be discarded"):
        caseload.discard_draft(done.id)

    assert stored_row(caseload, done.id) == before


def test_discarding_removes_a_draft_only(caseload: Caseload) -> None:
    client = make_client(caseload)
    done = complete_one(caseload, client, date(2027, 2, 22))
    draft = caseload.start_assessment(draft_for(client), TEMPLATE)

    caseload.discard_draft(draft.id)
    caseload.discard_draft(draft.id)  # gone already is fine

    assert [a.id for a in caseload.assessments(client.id)] == [done.id]
    assert caseload.draft_for(client.id, "mini") is None
    assert caseload.check() == []


# Correcting -----------------------------------------------------------------------------


def test_a_correction_is_a_second_row_and_the_original_is_untouched(caseload: Caseload) -> None:
    client = make_client(caseload)
    original = complete_one(caseload, client, date(2027, 2, 22))
    before = stored_row(caseload, original.id)
    fixed = original.model_copy(
        update={"sections": original.sections | {"story": story("A room at the hostel")}}
    )

    correction = caseload.correct_assessment(
        original.id, fixed, "Wrote down the wrong place", LATER + timedelta(days=1)
    )

    assert correction.id != original.id
    assert (correction.corrects, correction.correction_reason) == (
        original.id,
        "Wrote down the wrong place",
    )
    assert correction.status == "completed"
    assert stored_row(caseload, original.id) == before
    assert stored_row(caseload, correction.id)["corrects"] == str(original.id)
    assert caseload.assessments(client.id) == [original, correction]
    assert current(caseload.assessments(client.id)) == [correction]
    assert caseload.check() == []


def test_a_corrected_assessment_is_corrected_through_its_latest_version(
    caseload: Caseload,
) -> None:
    client = make_client(caseload)
    original = complete_one(caseload, client, date(2027, 2, 22))
    first = caseload.correct_assessment(original.id, original, "Wrong date", LATER)

    with pytest.raises(InvalidInput, match="already been corrected; correct the latest version"):
        caseload.correct_assessment(original.id, original, "Again", LATER)

    second = caseload.correct_assessment(first.id, first, "Wrong date again", LATER)
    assert current(caseload.assessments(client.id)) == [second]
    assert count(caseload, "assessments") == 3


def test_a_correction_must_be_complete_and_have_a_reason(caseload: Caseload) -> None:
    client = make_client(caseload)
    original = complete_one(caseload, client, date(2027, 2, 22))
    emptied = original.model_copy(
        update={"sections": original.sections | {"story": SectionAnswers()}}
    )
    draft = caseload.start_assessment(draft_for(client), TEMPLATE)

    with pytest.raises(InvalidInput, match="needs a reason"):
        caseload.correct_assessment(original.id, original, "  ", LATER)
    with pytest.raises(InvalidInput, match="In your words still needs: What would help most"):
        caseload.correct_assessment(original.id, emptied, "Tidying", LATER)
    with pytest.raises(InvalidInput, match="Only a completed assessment is corrected"):
        caseload.correct_assessment(draft.id, draft, "Tidying", LATER)

    assert count(caseload, "assessments") == 2


# Templates --------------------------------------------------------------------------------


def test_a_changed_template_needs_a_new_version_number(caseload: Caseload) -> None:
    caseload.keep_template(TEMPLATE)
    caseload.keep_template(TEMPLATE)  # the same again is fine
    changed = TEMPLATE.model_copy(update={"title": "Mini needs check"})

    with pytest.raises(InvalidInput, match="a changed template needs a new version number"):
        caseload.keep_template(changed)

    assert count(caseload, "assessment_templates") == 1
    assert caseload.template("mini", 1) == TEMPLATE


def test_a_template_not_kept_is_a_plain_error(caseload: Caseload) -> None:
    with pytest.raises(DamagedFile, match="'mini' version 3 is not in this caseload"):
        caseload.template("mini", 3)


def test_an_old_assessment_reads_and_completes_with_its_own_template_version(
    caseload: Caseload,
) -> None:
    client = make_client(caseload)
    old = caseload.start_assessment(
        draft_for(client, housing=housing("nowhere", asked_council=True), story=story()),
        TEMPLATE,
    )
    caseload.keep_template(TEMPLATE_V2)
    assert "asked_council" not in {q.id for q in TEMPLATE_V2.section("housing").questions}

    done = caseload.complete_assessment(old.id, LATER, None)

    assert done.sections["housing"].answers["asked_council"] is True
    assert caseload.template("mini", 1) == TEMPLATE
    assert caseload.template("mini", 2) == TEMPLATE_V2
    assert caseload.assessment(old.id).template_version == 1


# Reviews and the needs profile -------------------------------------------------------------


def test_reviews_due_lists_open_cases_due_or_overdue_from_the_latest_assessment(
    caseload: Caseload,
) -> None:
    today = NOW.date()
    overdue = make_client(caseload, "Olly Overdue", status="active")
    soon = make_client(caseload, "Sue Soon", status="referred")
    later = make_client(caseload, "Larry Later", status="active")
    closed = make_client(caseload, "Cleo Closed", status="active")
    reviewed = make_client(caseload, "Rhea Reviewed", status="active")
    corrected = make_client(caseload, "Cora Corrected", status="paused")
    make_client(caseload, "Nell Never", status="active")

    complete_one(caseload, overdue, today - timedelta(days=3), on=date(2026, 8, 1))
    due_soon = complete_one(caseload, soon, today + timedelta(days=10), on=date(2026, 10, 1))
    complete_one(caseload, later, today + timedelta(days=60), on=date(2026, 10, 1))
    complete_one(caseload, closed, today - timedelta(days=30), on=date(2026, 8, 1))
    caseload.change_status(closed.id, "closed", "moved_out_of_area")
    complete_one(caseload, reviewed, today - timedelta(days=40), on=date(2026, 6, 1))
    complete_one(caseload, reviewed, today + timedelta(days=90), on=date(2026, 10, 1))
    original = complete_one(caseload, corrected, today + timedelta(days=60), on=date(2026, 10, 1))
    fixed = caseload.correct_assessment(
        original.id,
        original.model_copy(update={"next_review": today + timedelta(days=5)}),
        "Review date agreed was sooner",
        LATER,
    )
    caseload.start_assessment(draft_for(later), TEMPLATE)  # drafts have no say

    due = caseload.reviews_due(today, 14)

    assert [(d.display_name, d.due) for d in due] == [
        ("Olly Overdue", today - timedelta(days=3)),
        ("Cora Corrected", today + timedelta(days=5)),
        ("Sue Soon", today + timedelta(days=10)),
    ]
    assert due[1] == ReviewDue(
        corrected.id, corrected.case_ref, "Cora Corrected", fixed.id, fixed.next_review
    )
    assert due[2].assessment_id == due_soon.id
    assert caseload.reviews_due(today, 0) == due[:1]
    for person in (overdue, soon, later, reviewed, corrected):
        latest = current(caseload.assessments(person.id))[-1]
        found = [d for d in caseload.reviews_due(today, 365) if d.client_id == person.id]
        assert [d.assessment_id for d in found] == [latest.id]


def test_needs_profile_counts_each_open_persons_latest_assessment(caseload: Caseload) -> None:
    homeless = make_client(caseload, "Ann Nowhere", status="active")
    housed = make_client(caseload, "Bea Housed", status="active")
    moved_on = make_client(caseload, "Cal Better", status="active")
    closed = make_client(caseload, "Dee Closed", status="active")
    complete_one(caseload, homeless, None, tonight="nowhere")
    complete_one(caseload, housed, None)
    complete_one(caseload, moved_on, None, on=date(2026, 6, 1), tonight="nowhere")
    complete_one(caseload, moved_on, None)
    complete_one(caseload, closed, None, tonight="nowhere")
    caseload.change_status(closed.id, "closed", "moved_out_of_area")

    profile = caseload.needs_profile()

    assert profile["accommodation"] == (3, 1)  # all rated high; one with nowhere tonight
    assert profile["finance_benefits_debt_id"] == (0, 0)


# The record, the audit trail and storage itself ------------------------------------------


def test_the_record_includes_assessments_and_round_trips_as_json(caseload: Caseload) -> None:
    client = make_client(caseload)
    caseload.add_note(make_note(client, "First meeting"))
    done = complete_one(caseload, client, date(2027, 2, 22))
    draft = caseload.start_assessment(
        draft_for(client).model_copy(update={"kind": "review", "review_of": done.id}), TEMPLATE
    )

    record = caseload.record(client.id)

    assert record.assessments == [done, draft]
    assert ClientRecord.model_validate_json(record.model_dump_json()) == record


def test_whole_records_with_assessments_are_added_once_their_template_is_kept(
    caseload: Caseload, clock
) -> None:
    source = make_client(caseload)
    done = complete_one(caseload, source, date(2027, 2, 22))
    client = Client(case_ref=caseload.new_case_ref(), legal_name="Moved Over")
    moved = done.model_copy(update={"client_id": client.id, "id": uuid4()})
    record = ClientRecord(client=client, assessments=[moved])

    caseload.add_records([record])

    assert caseload.record(client.id).assessments == [moved]
    assert caseload.check() == []


def test_whole_records_need_their_assessments_templates_kept(caseload: Caseload) -> None:
    client = Client(case_ref=caseload.new_case_ref(), legal_name="Moved Over")
    assessment = draft_for(client, housing=housing("own_home"))

    with pytest.raises(InvalidInput, match="'mini' version 1 is not kept"):
        caseload.add_records([ClientRecord(client=client, assessments=[assessment])])

    assert not caseload.has_client(client.id)


def test_every_assessment_write_is_audited_without_its_answers(caseload: Caseload) -> None:
    client = make_client(caseload)
    caseload.start_assessment(
        draft_for(client, housing=housing("nowhere", asked_council=True)), TEMPLATE
    )
    saved = caseload.draft_for(client.id, "mini")
    assert saved is not None
    caseload.save_draft(saved.model_copy(update={"sections": saved.sections | {"story": story()}}))
    done = caseload.complete_assessment(saved.id, LATER, date(2027, 2, 22))
    caseload.correct_assessment(done.id, done, "Typed the wrong date", LATER)
    draft = caseload.start_assessment(draft_for(client), TEMPLATE)
    caseload.discard_draft(draft.id)

    entries = caseload._conn.execute(
        "SELECT action, record_table, fields FROM audit"
        " WHERE record_table LIKE 'assessment%' ORDER BY seq"
    ).fetchall()
    assert entries == [
        ("create", "assessment_templates", '["*"]'),
        ("create", "assessments", '["*"]'),
        ("update", "assessments", '["sections"]'),
        ("update", "assessments", '["status","completed_at","next_review"]'),
        ("create", "assessments", '["*"]'),
        ("create", "assessments", '["*"]'),
        ("delete", "assessments", "[]"),
    ]
    kept = caseload._conn.execute(
        "SELECT record_id FROM audit WHERE record_table = 'assessment_templates'"
    ).fetchall()
    assert kept == [("mini/1",)]
    dump = repr(caseload._conn.execute("SELECT * FROM audit").fetchall())
    for value in (WORDS, "cousin", "nowhere", "own_home", "Typed the wrong date"):
        assert value not in dump
    assert caseload.check() == []


def test_the_audit_digests_assessment_rows_in_the_tables_column_order(
    caseload: Caseload,
) -> None:
    columns = [r[1] for r in caseload._conn.execute("PRAGMA table_info(assessments)")]
    assert columns == ["seq", *ASSESSMENT_COLUMNS, "body"]


def test_an_assessment_damaged_outside_the_app_is_refused(caseload: Caseload) -> None:
    client = make_client(caseload)
    saved = caseload.start_assessment(draft_for(client), TEMPLATE)
    with caseload._lock:
        caseload._conn.execute(
            "UPDATE assessments SET status = 'completed' WHERE id = ?", (str(saved.id),)
        )

    with pytest.raises(DamagedFile, match="assessment is damaged"):
        caseload.assessment(saved.id)
    assert [str(p) for p in caseload.check()] == [
        f"An assessment ({saved.id}) of client {client.case_ref} is damaged: the columns beside "
        "its saved content do not agree with it.",
        f"An assessment ({saved.id}) of client {client.case_ref} was changed outside "
        "Keyworker Assistant.",
    ]


def test_a_version_2_caseload_gains_assessments_and_keeps_its_clients(
    caseload: Caseload, paths: CaseloadPaths, clock
) -> None:
    client = make_client(caseload, status="active")
    caseload.add_note(make_note(client, "Met at the gate"))
    with caseload._lock:
        caseload._conn.executescript(
            "DROP TABLE appointment_people; DROP TABLE appointments;"
            "DROP TABLE signposts; DROP TABLE referrals; DROP TABLE plans; DROP TABLE agencies;"
            "DROP TABLE assessments; DROP TABLE assessment_templates; PRAGMA user_version = 2;"
        )
    caseload.close()

    with Caseload.open(paths, PASSPHRASE, clock=clock) as reopened:
        assert reopened._conn.execute("PRAGMA user_version").fetchone()[0] == 5
        assert reopened.record(client.id).client == client
        assert [n.text for n in reopened.record(client.id).notes] == ["Met at the gate"]
        done = complete_one(reopened, client, date(2027, 2, 22))
        assert reopened.assessments(client.id) == [done]
        assert reopened.check() == []


def test_moments_are_kept_in_utc(caseload: Caseload) -> None:
    client = make_client(caseload)
    elsewhere = datetime(2026, 11, 22, 14, 30, tzinfo=timezone(timedelta(hours=2)))
    saved = caseload.start_assessment(
        draft_for(client).model_copy(update={"started_at": elsewhere}), TEMPLATE
    )

    assert stored_row(caseload, saved.id)["started_at"] == "2026-11-22T12:30:00Z"


def test_people_assessed_counts_open_cases_with_a_completed_assessment(
    caseload: Caseload,
) -> None:
    assert caseload.people_assessed() == 0
    for name in ("Ann Open", "Bea Open", "Cal Closed"):
        client = make_client(caseload, name)
        caseload.keep_template(TEMPLATE)
        draft = caseload.start_assessment(
            Assessment(
                client_id=client.id,
                template_id=TEMPLATE.id,
                template_version=TEMPLATE.version,
                assessed_on=NOW.date(),
                started_at=NOW,
                sections={
                    "housing": SectionAnswers(
                        answers={"tonight": "own_home"}, ratings=Ratings(need_level="high")
                    ),
                    "story": SectionAnswers(answers={"in_own_words": "A job"}),
                },
            ),
            TEMPLATE,
        )
        if name != "Bea Open":
            caseload.complete_assessment(draft.id, NOW, None)
        if name == "Cal Closed":
            caseload.change_status(client.id, "closed", "moved_out_of_area", "")
    assert caseload.people_assessed() == 1
    assert caseload.needs_profile()["accommodation"] == (1, 0)
