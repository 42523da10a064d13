"""Needs assessments: a person's answers to a template, their review, and distance travelled.

An assessment starts as a draft, saved as it goes, and is completed once every required
answer of every section asked is given (or the section is skipped with a reason). A
completed assessment never changes: a correction is a new assessment that names the one
it corrects and why, and both are kept. A review starts from the previous assessment's
answers (`review_of`), and `changes` lists what moved.

Distance travelled is the series of standard ratings (need level, the person's own
rating, motivation, immediate need) for each pathway across completed assessments, a
correction standing in for the assessment it corrects.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Annotated, Literal, Self
from uuid import UUID

from pydantic import Field, ValidationError, model_validator

from keyworker.errors import InvalidInput
from keyworker.identifiers import new_id
from keyworker.models import Record, UtcDatetime
from keyworker.templates import Answer, Section, Template, visible_questions
from keyworker.vocabulary import MOTIVATIONS, NEED_LEVELS, PATHWAYS, coded

Status = Literal["draft", "completed"]
Kind = Literal["initial", "review"]
NEED_ORDER = {code: rank for rank, code in enumerate(NEED_LEVELS.codes)}


class Ratings(Record):
    """The standard ratings of a pathway section, the same in every template."""

    need_level: coded(NEED_LEVELS) | None = None  # type: ignore[valid-type]
    immediate_need: bool = False
    own_rating: Annotated[int, Field(ge=1, le=10)] | None = None
    motivation: coded(MOTIVATIONS) | None = None  # type: ignore[valid-type]
    strengths: str = Field("", max_length=2000)
    notes: str = Field("", max_length=10_000)

    @property
    def empty(self) -> bool:
        return self == Ratings()


class SectionAnswers(Record):
    pathway: coded(PATHWAYS) | None = None  # type: ignore[valid-type]
    """The section's pathway, copied from the template so distance travelled needs none."""
    answers: dict[str, Answer] = Field(default_factory=dict)
    ratings: Ratings | None = None
    skipped: str | None = Field(None, min_length=1, max_length=500)
    """Why the section was skipped, if it was."""


class Assessment(Record):
    id: UUID = Field(default_factory=new_id)
    client_id: UUID
    template_id: str
    template_version: int = Field(ge=1)
    kind: Kind = "initial"
    status: Status = "draft"
    assessed_on: date
    started_at: UtcDatetime
    completed_at: UtcDatetime | None = None
    assessor: str = Field("", max_length=200)
    sections: dict[str, SectionAnswers] = Field(default_factory=dict)
    switched_off: list[str] = Field(default_factory=list)
    """Specialist sections the service does not ask."""
    next_review: date | None = None
    review_of: UUID | None = None
    corrects: UUID | None = None
    correction_reason: str | None = Field(None, max_length=1000)

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if self.status == "completed" and self.completed_at is None:
            raise ValueError("a completed assessment needs the time it was completed")
        if self.status == "draft" and self.completed_at is not None:
            raise ValueError("a draft has not been completed")
        if self.corrects is not None and not self.correction_reason:
            raise ValueError("a correction needs a reason")
        if self.kind == "review" and self.review_of is None and self.corrects is None:
            raise ValueError("a review needs the assessment it reviews")
        if self.next_review is not None and self.next_review < self.assessed_on:
            raise ValueError("the next review cannot be before the assessment")
        return self

    @property
    def all_answers(self) -> dict[str, Answer]:
        """Every answer, across sections: conditions may look back at any of them."""
        merged: dict[str, Answer] = {}
        for section in self.sections.values():
            merged.update(section.answers)
        return merged

    def section(self, section_id: str) -> SectionAnswers:
        return self.sections.get(section_id) or SectionAnswers()


def given(answer: object) -> bool:
    """Whether an answer says anything: blank text and an empty choice list do not."""
    if answer is None:
        return False
    if isinstance(answer, str):
        return bool(answer.strip())
    if isinstance(answer, list):
        return bool(answer)
    return True


def _valid(assessment: Assessment) -> Assessment:
    """Checked again as a whole: `model_copy` would skip the model's own rules."""
    try:
        return Assessment.model_validate(assessment.model_dump())
    except ValidationError as exc:
        problem = exc.errors(include_url=False)[0]["msg"].removeprefix("Value error, ")
        raise InvalidInput(f"{problem[:1].upper()}{problem[1:]}.") from None


@dataclass(frozen=True)
class Step:
    """One section of the guided flow, with what it still needs."""

    section: Section
    answered: int
    shown: int
    missing: tuple[str, ...]
    skipped: str | None

    @property
    def done(self) -> bool:
        return self.skipped is not None or not self.missing


def steps(template: Template, assessment: Assessment) -> list[Step]:
    """The sections to go through, in order, with each one's progress."""
    answers = template.visible_answers(assessment.all_answers)
    result = []
    for section in template.sections_for(frozenset(assessment.switched_off)):
        own = assessment.section(section.id)
        shown = visible_questions(section, answers)
        missing = tuple(q.text for q in shown if q.required and not given(own.answers.get(q.id)))
        if section.rated and (own.ratings is None or own.ratings.need_level is None):
            missing += ("Need level",)
        answered = sum(1 for q in shown if given(own.answers.get(q.id)))
        result.append(Step(section, answered, len(shown), missing, own.skipped))
    return result


def checked(template: Template, assessment: Assessment) -> Assessment:
    """The assessment with answers that fit the template, hidden answers dropped.

    Raises InvalidInput naming the first answer that does not fit. An answer to a
    question no longer shown (an earlier answer changed) is dropped rather than kept
    out of sight.
    """
    if assessment.template_id != template.id or assessment.template_version != template.version:
        raise InvalidInput("This assessment was started from another template version.")
    known = {s.id: s for s in template.sections}
    unknown = [s for s in assessment.sections if s not in known]
    if unknown:
        raise InvalidInput(f"The assessment has a section its template does not: {unknown[0]}.")
    all_answers = template.visible_answers(assessment.all_answers)
    sections = {}
    for section_id, own in assessment.sections.items():
        section = known[section_id]
        shown = {q.id: q for q in visible_questions(section, all_answers)}
        questions = {q.id for q in section.questions}
        kept: dict[str, Answer] = {}
        for question_id, answer in own.answers.items():
            if question_id not in questions:
                raise InvalidInput(f"The section {section.title} has no question '{question_id}'.")
            if question_id not in shown or not given(answer):
                continue
            try:
                kept[question_id] = shown[question_id].check(answer)
            except ValueError as exc:
                raise InvalidInput(f"{shown[question_id].text}: {exc}.") from None
        ratings = own.ratings if section.rated else None
        sections[section_id] = own.model_copy(
            update={"answers": kept, "ratings": ratings, "pathway": section.pathway}
        )
    return _valid(assessment.model_copy(update={"sections": sections}))


def completed(template: Template, assessment: Assessment, at: datetime) -> Assessment:
    """The assessment completed at `at`, or InvalidInput saying what is still needed."""
    if assessment.status == "completed":
        raise InvalidInput("This assessment is already complete; correct it instead.")
    assessment = checked(template, assessment)
    for step in steps(template, assessment):
        if not step.done:
            raise InvalidInput(
                f"{step.section.title} still needs: {', '.join(step.missing)} "
                "(or skip the section with a reason)."
            )
    return _valid(assessment.model_copy(update={"status": "completed", "completed_at": at}))


def start_review(previous: Assessment, template: Template, on: date, at: datetime) -> Assessment:
    """A draft review starting from the previous assessment's answers and ratings.

    Sections skipped last time start empty; nothing else is carried over unseen: the
    review shows every answer for the keyworker to confirm or change.
    """
    sections = {
        section_id: own.model_copy(update={"skipped": None})
        for section_id, own in previous.sections.items()
        if own.skipped is None
    }
    draft = Assessment(
        client_id=previous.client_id,
        template_id=template.id,
        template_version=template.version,
        kind="review",
        assessed_on=on,
        started_at=at,
        assessor=previous.assessor,
        sections=sections,
        switched_off=previous.switched_off,
        review_of=previous.id,
    )
    if previous.template_version != template.version or previous.template_id != template.id:
        draft = _valid(_fitted(template, draft))
    return draft


def _fitted(template: Template, draft: Assessment) -> Assessment:
    """Keep only the answers that still fit a newer template version."""
    known = {s.id: s for s in template.sections}
    sections = {}
    for section_id, own in draft.sections.items():
        section = known.get(section_id)
        if section is None:
            continue
        questions = {q.id: q for q in section.questions}
        kept = {}
        for question_id, answer in own.answers.items():
            question = questions.get(question_id)
            if question is None:
                continue
            try:
                kept[question_id] = question.check(answer)
            except ValueError:
                continue
        ratings = own.ratings if section.rated else None
        sections[section_id] = own.model_copy(
            update={"answers": kept, "ratings": ratings, "pathway": section.pathway}
        )
    return draft.model_copy(update={"sections": sections})


# What changed between two assessments ----------------------------------------------


@dataclass(frozen=True)
class Change:
    section_id: str
    what: str
    """The question's text, or the name of a rating."""
    before: object
    after: object


RATING_NAMES = {
    "need_level": "Need level",
    "immediate_need": "Immediate need",
    "own_rating": "Own rating",
    "motivation": "Motivation to change",
    "strengths": "Strengths",
    "notes": "Notes",
}


def changes(template: Template, before: Assessment, after: Assessment) -> list[Change]:
    """What differs between two assessments of one person, section by section."""
    found = []
    for section in template.sections:
        old, new = before.section(section.id), after.section(section.id)
        for question in section.questions:
            was, now = old.answers.get(question.id), new.answers.get(question.id)
            if was != now:
                found.append(Change(section.id, question.text, was, now))
        if section.rated:
            was_r, now_r = old.ratings or Ratings(), new.ratings or Ratings()
            for field, name in RATING_NAMES.items():
                if getattr(was_r, field) != getattr(now_r, field):
                    found.append(
                        Change(section.id, name, getattr(was_r, field), getattr(now_r, field))
                    )
        if old.skipped != new.skipped:
            found.append(Change(section.id, "Skipped", old.skipped, new.skipped))
    return found


# Distance travelled -------------------------------------------------------------------


@dataclass(frozen=True)
class Point:
    """One pathway's standard ratings at one completed assessment."""

    assessment_id: UUID
    on: date
    kind: Kind
    need_level: str | None
    immediate_need: bool
    own_rating: int | None
    motivation: str | None


def current(assessments: Iterable[Assessment]) -> list[Assessment]:
    """Completed assessments, oldest first, each correction standing in for the original."""
    done = [a for a in assessments if a.status == "completed"]
    corrected = {a.corrects for a in done if a.corrects is not None}
    latest = [a for a in done if a.id not in corrected]
    return sorted(latest, key=lambda a: (a.assessed_on, a.completed_at))


def distance_travelled(assessments: Iterable[Assessment]) -> dict[str, list[Point]]:
    """For each pathway assessed, its ratings at each completed assessment, oldest first."""
    series: dict[str, list[Point]] = {}
    for assessment in current(assessments):
        for own in assessment.sections.values():
            if own.skipped is not None or own.ratings is None or own.pathway is None:
                continue
            r = own.ratings
            series.setdefault(own.pathway, []).append(
                Point(
                    assessment.id,
                    assessment.assessed_on,
                    assessment.kind,
                    r.need_level,
                    r.immediate_need,
                    r.own_rating,
                    r.motivation,
                )
            )
    return {p: series[p] for p in PATHWAYS.codes if p in series}


def needs_profile(latest: Sequence[Assessment]) -> dict[str, tuple[int, int]]:
    """Caseload-wide, per pathway: (people with a high need, people with an immediate need).

    `latest` holds each person's most recent completed assessment.
    """
    profile = {code: (0, 0) for code in PATHWAYS.codes}
    for assessment in latest:
        for own in assessment.sections.values():
            if own.pathway is None or own.ratings is None or own.skipped is not None:
                continue
            high, immediate = profile[own.pathway]
            profile[own.pathway] = (
                high + (own.ratings.need_level == "high"),
                immediate + own.ratings.immediate_need,
            )
    return profile
