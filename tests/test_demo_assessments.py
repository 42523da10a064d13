"""The demo caseload's needs assessments: valid, believable, repeatable and saved."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from itertools import pairwise

import pytest

from keyworker.assessments import Assessment, checked, completed, current, distance_travelled
from keyworker.cli import main
from keyworker.clock import FixedClock
from keyworker.demo import FEMALE_NAMES, generate
from keyworker.models import ClientRecord
from keyworker.templates import builtin_template
from storage import Caseload
from tests.conftest import DEMO_CLIENTS, DEMO_SEED, NOW, PASSPHRASE

TODAY = NOW.date()
TEMPLATE = builtin_template()
OPEN = ("referred", "active", "paused")
NEED_ORDER = ("none", "low", "medium", "high")


@pytest.fixture(scope="module")
def demo() -> list[ClientRecord]:
    return list(generate(300, seed=11, today=TODAY, notes_per_client=2, assessments=True))


def every(records: list[ClientRecord]) -> list[tuple[ClientRecord, Assessment]]:
    return [(record, a) for record in records for a in record.assessments]


def latest(record: ClientRecord) -> Assessment | None:
    done = current(record.assessments)
    return done[-1] if done else None


def test_every_assessment_fits_the_built_in_template(demo: list[ClientRecord]) -> None:
    found = every(demo)
    assert len(found) > 300
    for _, assessment in found:
        assert (assessment.template_id, assessment.template_version) == TEMPLATE.key
        assert checked(TEMPLATE, assessment) == assessment  # no hidden or stray answers
        if assessment.status == "completed":
            draft = assessment.model_copy(update={"status": "draft", "completed_at": None})
            assert completed(TEMPLATE, draft, assessment.completed_at) == assessment


def test_most_open_cases_and_some_closed_ones_are_assessed(demo: list[ClientRecord]) -> None:
    assessed = Counter()
    cases = Counter()
    for record in demo:
        status = record.client.status
        group = "open" if status in ("active", "paused") else status
        cases[group] += 1
        assessed[group] += latest(record) is not None
    assert assessed["open"] > 0.8 * cases["open"]
    assert 0 < assessed["closed"] < 0.7 * cases["closed"]
    assert assessed["referred"] == 0  # a new referral has at most a draft


def test_assessments_belong_to_the_case_and_its_keyworker(demo: list[ClientRecord]) -> None:
    for record, assessment in every(demo):
        client = record.client
        assert assessment.assessor == client.keyworker
        assert client.referral_date <= assessment.assessed_on < TODAY
        assert assessment.started_at.date() == assessment.assessed_on
        if assessment.completed_at:
            assert assessment.started_at < assessment.completed_at < NOW
        if client.status == "closed":
            assert assessment.assessed_on <= record.status_history[-1].at.date()
    for record in demo:
        days = [a.assessed_on for a in record.assessments]
        assert days == sorted(days)


def test_reviews_follow_an_earlier_completed_assessment_of_the_same_person(
    demo: list[ClientRecord],
) -> None:
    reviews = 0
    for record in demo:
        mine = {a.id: a for a in record.assessments}
        for assessment in record.assessments:
            if assessment.kind != "review" or assessment.corrects:
                continue
            reviews += 1
            reviewed = mine[assessment.review_of]
            assert reviewed.status == "completed"
            assert reviewed.assessed_on + timedelta(weeks=4) <= assessment.assessed_on
            assert reviewed.switched_off == assessment.switched_off
    initials = sum(a.kind == "initial" and a.status == "completed" for _, a in every(demo))
    assert reviews > initials / 2


def test_ratings_move_between_assessments_mostly_for_the_better(
    demo: list[ClientRecord],
) -> None:
    moves = Counter()
    for record in demo:
        for series in distance_travelled(record.assessments).values():
            for before, after in pairwise(series):
                change = NEED_ORDER.index(after.need_level) - NEED_ORDER.index(before.need_level)
                moves["need fell" if change < 0 else "need rose" if change > 0 else "same"] += 1
                if before.own_rating and after.own_rating:
                    moves["own up"] += after.own_rating > before.own_rating
                    moves["own down"] += after.own_rating < before.own_rating
                moves["immediate cleared"] += before.immediate_need and not after.immediate_need
                moves["motivation moved"] += before.motivation != after.motivation
    assert moves["need fell"] > 2 * moves["need rose"] > 0
    assert moves["own up"] > moves["own down"] > 0
    assert moves["immediate cleared"] > 0
    assert moves["motivation moved"] > 0


def test_answers_agree_with_the_ratings(demo: list[ClientRecord]) -> None:
    for _, assessment in every(demo):
        for section_id, own in assessment.sections.items():
            if own.skipped or own.ratings is None:
                continue
            answers, ratings = own.answers, own.ratings
            if section_id == "accommodation" and ratings.need_level == "none":  # "other": custody
                assert answers["tonight"] in ("own_tenancy", "family_friends", "other")
            if section_id == "drugs_alcohol":
                assert (answers["substances"] == ["none"]) == (ratings.need_level == "none")
            if section_id == "finance_benefits_debt_id" and ratings.immediate_need:
                assert answers["id_documents"] == ["none"] and not answers["bank_account"]


def test_some_reviews_are_due_soon_and_some_overdue(demo: list[ClientRecord]) -> None:
    due = Counter()
    for record in demo:
        last = latest(record)
        if last is None or record.client.status not in OPEN:
            continue
        assert last.next_review is not None
        days = (last.next_review - TODAY).days
        due["overdue" if days < 0 else "within 4 weeks" if days <= 28 else "later"] += 1
    assert due["later"] > due["within 4 weeks"] > 0
    assert due["later"] > due["overdue"] > 0


def test_drafts_are_for_people_not_yet_assessed(demo: list[ClientRecord]) -> None:
    drafts = [(r, a) for r, a in every(demo) if a.status == "draft"]
    assert len(drafts) >= 2
    for record, draft in drafts:
        assert record.client.status in OPEN
        assert [a.status for a in record.assessments] == ["draft"]
        assert draft.completed_at is None and draft.kind == "initial"
        assert draft.sections


def test_a_correction_says_why_and_stands_in_for_the_original(
    demo: list[ClientRecord],
) -> None:
    corrections = [(r, a) for r, a in every(demo) if a.corrects is not None]
    assert corrections
    for record, correction in corrections:
        original = next(a for a in record.assessments if a.id == correction.corrects)
        assert original.status == correction.status == "completed"
        assert correction.correction_reason
        assert correction.completed_at > original.completed_at
        assert correction.started_at == original.started_at
        assert correction.sections != original.sections
        assert latest(record) == correction


def test_skipped_sections_say_why_and_hold_nothing_else(demo: list[ClientRecord]) -> None:
    skipped = [
        own
        for _, assessment in every(demo)
        for own in assessment.sections.values()
        if own.skipped is not None
    ]
    assert 0 < len(skipped) < len(every(demo)) / 4
    assert all(len(own.skipped) > 30 and not own.answers and not own.ratings for own in skipped)


def test_specialist_sections_are_asked_of_a_few_women_only(demo: list[ClientRecord]) -> None:
    asked = [(r, a) for r, a in every(demo) if not a.switched_off]
    switched_off = [a for _, a in every(demo) if a.switched_off]
    assert 0 < len(asked) < len(switched_off) / 3
    assert all(record.client.legal_name.split()[0] in FEMALE_NAMES for record, _ in asked)
    assert {"domestic_sexual_abuse", "sex_work"} <= {s for _, a in asked for s in a.sections}
    for assessment in switched_off:
        assert assessment.switched_off == ["domestic_sexual_abuse", "sex_work"]
        assert not {"domestic_sexual_abuse", "sex_work"} & set(assessment.sections)


def test_the_same_seed_gives_the_same_assessments() -> None:
    def dumped(seed: int) -> list[str]:
        records = generate(60, seed=seed, today=TODAY, notes_per_client=1, assessments=True)
        return [a.model_dump_json() for r in records for a in r.assessments]

    assert dumped(3) == dumped(3)
    assert dumped(3) != dumped(4)


def test_the_rest_of_the_caseload_is_the_same_without_assessments() -> None:
    made = generate(40, seed=5, today=TODAY, notes_per_client=3, assessments=True)
    bare = generate(40, seed=5, today=TODAY, notes_per_client=3)
    for record, without in zip(made, bare, strict=True):
        planning = {"assessments": [], "plans": [], "referrals": [], "signposts": []}
        assert record.model_copy(update=planning) == without


def test_the_small_demo_has_a_draft_a_correction_and_a_review_due() -> None:
    records = list(generate(DEMO_CLIENTS, DEMO_SEED, TODAY, "Sam Keyworker", 12, assessments=True))
    found = every(records)
    assert any(a.status == "draft" for _, a in found)
    assert any(a.corrects for _, a in found)
    horizon = TODAY + timedelta(weeks=4)
    assert any(
        (last := latest(r)) is not None and r.client.status in OPEN and last.next_review <= horizon
        for r in records
    )


def test_the_demo_command_saves_the_assessments(caseload: Caseload, env_passphrase, capsys) -> None:
    caseload.close()
    clock = FixedClock(NOW)
    assert main(["demo", "--clients", "20", "--seed", "8", "--notes", "2"], clock) == 0
    expected = generate(20, 8, TODAY, "Sam Keyworker", notes_per_client=2, assessments=True)
    saved = 0
    with Caseload.open(caseload.paths, PASSPHRASE) as reopened:
        for record in expected:
            saved += len(record.assessments)
            assert reopened.assessments(record.client.id) == record.assessments
        assert reopened.reviews_due(TODAY, 28)
        assert reopened.template(TEMPLATE.id, TEMPLATE.version) == TEMPLATE
    assert saved > 10
