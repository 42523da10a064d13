"""Assessments as the domain sees them: what is still needed, reviews, distance travelled."""

from __future__ import annotations

from datetime import UTC, date, datetime
from uuid import uuid4

import pytest

from keyworker.assessments import (
    Assessment,
    Ratings,
    SectionAnswers,
    changes,
    checked,
    completed,
    current,
    distance_travelled,
    needs_profile,
    start_review,
    steps,
)
from keyworker.errors import InvalidInput
from keyworker.templates import parse_template

TEMPLATE = parse_template(
    """
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

[[sections.questions]]
id = "asked_council"
text = "Have you asked the council for help?"
kind = "yes_no"
required = true
show_when = { question = "tonight", equals = "nowhere" }

[[sections]]
id = "money"
title = "Money"
pathway = "finance_benefits_debt_id"

[[sections.questions]]
id = "bank_account"
text = "Do you have a bank account?"
kind = "yes_no"

[[sections]]
id = "safety"
title = "Safety"
pathway = "domestic_sexual_abuse"
specialist = true
""",
    "mini",
)
CLIENT = uuid4()
AT = datetime(2026, 11, 22, 10, 30, tzinfo=UTC)


def draft(**sections: SectionAnswers) -> Assessment:
    return Assessment(
        client_id=CLIENT,
        template_id="mini",
        template_version=1,
        assessed_on=date(2026, 11, 22),
        started_at=AT,
        sections=sections,
        switched_off=["safety"],
    )


def housing(tonight: str, need: str = "high", rating: int = 2, **answers: object) -> SectionAnswers:
    return SectionAnswers(
        answers={"tonight": tonight, **answers},  # type: ignore[dict-item]
        ratings=Ratings(need_level=need, immediate_need=tonight == "nowhere", own_rating=rating),
    )


MONEY = SectionAnswers(answers={"bank_account": False}, ratings=Ratings(need_level="medium"))


def test_each_step_says_what_it_still_needs() -> None:
    progress = {s.section.id: s.missing for s in steps(TEMPLATE, draft())}
    assert progress == {
        "housing": ("Where will you sleep tonight?", "Need level"),
        "money": ("Need level",),
    }  # the specialist section is switched off
    answered = steps(TEMPLATE, draft(housing=housing("nowhere"), money=MONEY))
    assert [(s.section.id, s.missing, s.answered, s.shown) for s in answered] == [
        ("housing", ("Have you asked the council for help?",), 1, 2),
        ("money", (), 1, 1),
    ]


def test_completing_names_what_is_missing_then_completes() -> None:
    with pytest.raises(InvalidInput) as refused:
        completed(TEMPLATE, draft(housing=housing("nowhere"), money=MONEY), AT)
    assert str(refused.value) == (
        "Where you live still needs: Have you asked the council for help? "
        "(or skip the section with a reason)."
    )
    done = completed(
        TEMPLATE, draft(housing=housing("nowhere", asked_council=True), money=MONEY), AT
    )
    assert (done.status, done.completed_at) == ("completed", AT)
    assert done.sections["housing"].pathway == "accommodation"


def test_a_skipped_section_needs_only_its_reason() -> None:
    done = completed(
        TEMPLATE,
        draft(
            housing=housing("own_home", "low", 8),
            money=SectionAnswers(skipped="Did not want to talk about money today"),
        ),
        AT,
    )
    assert done.sections["money"].skipped == "Did not want to talk about money today"


def test_answers_to_questions_no_longer_shown_are_dropped() -> None:
    changed_mind = draft(housing=housing("own_home", asked_council=False))
    assert checked(TEMPLATE, changed_mind).sections["housing"].answers == {"tonight": "own_home"}


def test_an_answer_that_does_not_fit_is_refused_in_words() -> None:
    with pytest.raises(InvalidInput, match="Where will you sleep tonight\\?: choose one"):
        checked(TEMPLATE, draft(housing=housing("a tent")))


def test_a_completed_assessment_cannot_be_completed_again() -> None:
    done = completed(TEMPLATE, draft(housing=housing("own_home", "low"), money=MONEY), AT)
    with pytest.raises(InvalidInput, match="correct it instead"):
        completed(TEMPLATE, done, AT)


def test_a_review_starts_from_the_previous_answers_and_shows_what_changed() -> None:
    first = completed(
        TEMPLATE, draft(housing=housing("nowhere", asked_council=True), money=MONEY), AT
    )
    review = start_review(first, TEMPLATE, date(2027, 2, 22), AT)
    assert (review.kind, review.review_of, review.status) == ("review", first.id, "draft")
    assert review.sections == first.sections  # every answer there to confirm or change

    review.sections["housing"] = housing("own_home", "low", 7)
    second = completed(TEMPLATE, review, AT)
    found = [(c.what, c.before, c.after) for c in changes(TEMPLATE, first, second)]
    assert found == [
        ("Where will you sleep tonight?", "nowhere", "own_home"),
        ("Have you asked the council for help?", True, None),
        ("Need level", "high", "low"),
        ("Immediate need", True, False),
        ("Own rating", 2, 7),
    ]


def test_distance_travelled_follows_each_pathway_and_corrections_stand_in() -> None:
    first = completed(
        TEMPLATE, draft(housing=housing("nowhere", asked_council=True), money=MONEY), AT
    )
    review = start_review(first, TEMPLATE, date(2027, 2, 22), AT)
    review.sections["housing"] = housing("own_home", "low", 7)
    second = completed(TEMPLATE, review, AT)
    wrong_rating = second.sections["housing"].model_copy(
        update={"ratings": Ratings(need_level="low", own_rating=6)}
    )
    correction = second.model_copy(
        update={
            "id": uuid4(),
            "corrects": second.id,
            "correction_reason": "Rating misheard",
            "sections": {**second.sections, "housing": wrong_rating},
        }
    )
    assert [a.id for a in current([correction, first, second])] == [first.id, correction.id]
    series = distance_travelled([first, second, correction])
    assert list(series) == ["accommodation", "finance_benefits_debt_id"]
    assert [(p.need_level, p.own_rating, p.immediate_need) for p in series["accommodation"]] == [
        ("high", 2, True),
        ("low", 6, False),
    ]


def test_the_needs_profile_counts_high_and_immediate_needs_by_pathway() -> None:
    one = completed(
        TEMPLATE, draft(housing=housing("nowhere", asked_council=True), money=MONEY), AT
    )
    two = completed(TEMPLATE, draft(housing=housing("own_home", "high", 5), money=MONEY), AT)
    profile = needs_profile([one, two])
    assert profile["accommodation"] == (2, 1)
    assert profile["finance_benefits_debt_id"] == (0, 0)


def test_an_assessment_round_trips_through_json_unchanged() -> None:
    done = completed(
        TEMPLATE, draft(housing=housing("nowhere", asked_council=True), money=MONEY), AT
    )
    assert Assessment.model_validate_json(done.model_dump_json()) == done


def test_a_review_from_an_older_template_version_keeps_what_still_fits() -> None:
    first = completed(
        TEMPLATE, draft(housing=housing("nowhere", asked_council=True), money=MONEY), AT
    )
    newer = TEMPLATE.model_copy(
        update={
            "version": 2,
            "sections": [s for s in TEMPLATE.sections if s.id != "money"],
        }
    )
    review = start_review(first, newer, date(2027, 2, 22), AT)
    assert review.template_version == 2
    assert list(review.sections) == ["housing"]


def test_a_blank_answer_is_not_an_answer() -> None:
    blank = SectionAnswers(
        answers={"tonight": "nowhere", "asked_council": True},
        ratings=Ratings(need_level="low"),
    )
    text_template = parse_template(
        """
id = "notes"
version = 1
title = "Notes"
[[sections]]
id = "talk"
title = "Talk"
[[sections.questions]]
id = "said"
text = "What did they say?"
kind = "short_text"
required = true
""",
        "notes",
    )
    empty = Assessment(
        client_id=CLIENT,
        template_id="notes",
        template_version=1,
        assessed_on=date(2026, 11, 22),
        started_at=AT,
        sections={"talk": SectionAnswers(answers={"said": "   "})},
    )
    with pytest.raises(InvalidInput, match="Talk still needs: What did they say\\?"):
        completed(text_template, empty, AT)
    assert checked(TEMPLATE, draft(housing=blank)).sections["housing"].answers["tonight"]
