"""Action plans, partner agencies, referrals and signposting.

A plan is what the person and keyworker agree to work on: goals on the pathways the
assessment found needs in, each with steps, who does them and by when. A plan is never
edited in place: each save is a new revision, so its whole history reads back as it was.
One plan at a time is live per person; an ended plan is kept.

A referral sends the person to a partner agency from the directory and is followed up
until it ends; signposting (information given, no referral made) is counted apart. A
step can be "make a referral to X": the referral made from it names the step, and the
referral's progress moves the step on (`step_after_referral`).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import TYPE_CHECKING, Annotated, Self
from uuid import UUID

from pydantic import Field, model_validator

from keyworker.dates import uk_date
from keyworker.identifiers import new_id
from keyworker.models import Email, Line, Name, Pathway, Record, Text, UtcDatetime
from keyworker.vocabulary import (
    AGENCY_CATEGORIES,
    AGREEMENTS,
    GOAL_PROMPTS,
    GOAL_STATUSES,
    PATHWAYS,
    PLAN_STATUSES,
    REFERRAL_METHODS,
    REFERRAL_STATUSES,
    STEP_OWNERS,
    STEP_STATUSES,
    coded,
)

if TYPE_CHECKING:
    from keyworker.assessments import Assessment

GoalStatus = coded(GOAL_STATUSES)
StepStatus = coded(STEP_STATUSES)
StepOwner = coded(STEP_OWNERS)
AgreementAnswer = coded(AGREEMENTS)
PlanStatus = coded(PLAN_STATUSES)
AgencyCategory = coded(AGENCY_CATEGORIES)
ReferralStatus = coded(REFERRAL_STATUSES)
ReferralMethod = coded(REFERRAL_METHODS)


Words = Annotated[Text, Field(min_length=1, max_length=1000)]
"""A goal or step in words: required, up to a short paragraph."""

OPEN_STEP_STATUSES = ("not_started", "in_progress")
"""Steps still to do: these fall overdue. "Cannot be done yet" waits on something else."""
OPEN_REFERRAL_STATUSES = ("made", "accepted", "started")
"""Referrals still under way, to follow up."""
CLOSED_REFERRAL_STATUSES = ("declined", "completed", "withdrawn")
LIVE_GOAL_STATUSES = ("active", "future")


# Plans -------------------------------------------------------------------------------


class ProgressNote(Record):
    """What happened on a step, dated."""

    on: date
    text: Words
    by: Line = ""


class Step(Record):
    """One thing to do towards a goal, by someone, perhaps by a date."""

    id: UUID = Field(default_factory=new_id)
    what: Words
    who: StepOwner = "person"
    who_detail: Line = ""
    """Who exactly, when it is someone else or an agency not in the directory."""
    refer_to: UUID | None = None
    """The agency to refer to, for a step that is "make a referral to X"."""
    target_date: date | None = None
    status: StepStatus = "not_started"
    completed_on: date | None = None
    progress: list[ProgressNote] = Field(default_factory=list)

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STEP_STATUSES

    @model_validator(mode="after")
    def _completion_dated(self) -> Self:
        if self.status == "completed" and self.completed_on is None:
            raise ValueError("a completed step needs the date it was completed")
        if self.status != "completed" and self.completed_on is not None:
            raise ValueError("only a completed step has a completion date")
        return self


class Goal(Record):
    """What the person wants to achieve on one pathway, in their own words."""

    id: UUID = Field(default_factory=new_id)
    pathway: Pathway
    words: Words
    assessment_id: UUID | None = None
    """The assessment that found the need, where there was one."""
    status: GoalStatus = "active"
    added_on: date
    target_date: date | None = None
    achieved_on: date | None = None
    removed_reason: Annotated[Line, Field(min_length=1)] | None = None
    steps: list[Step] = Field(default_factory=list)

    @property
    def is_live(self) -> bool:
        return self.status in LIVE_GOAL_STATUSES

    @model_validator(mode="after")
    def _status_consistent(self) -> Self:
        if (self.status == "achieved") != (self.achieved_on is not None):
            raise ValueError("an achieved goal, and only that, has the date it was achieved")
        if (self.status == "removed") != (self.removed_reason is not None):
            raise ValueError("a removed goal, and only that, has the reason it was removed")
        if len({s.id for s in self.steps}) != len(self.steps):
            raise ValueError("each step appears once")
        return self


class Agreement(Record):
    """The person's answer when asked to agree the plan, as it stood at `revision`."""

    answer: AgreementAnswer
    on: date
    revision: int = Field(ge=1)
    note: Text = ""


class Plan(Record):
    """One revision of a person's action plan.

    `revision`, `goals_revised`, `saved_at` and `saved_by` are set by storage when the
    revision is saved; anything else is the keyworker's.
    """

    id: UUID = Field(default_factory=new_id)
    client_id: UUID
    started_on: date
    status: PlanStatus = "live"
    ended_on: date | None = None
    end_reason: Annotated[Line, Field(min_length=1)] | None = None
    review_date: date | None = None
    goals: list[Goal] = Field(default_factory=list)
    agreements: list[Agreement] = Field(default_factory=list)
    revision: int = Field(0, ge=0)
    """0 until first saved, then 1, 2, ... one per save."""
    goals_revised: int = Field(0, ge=0)
    """The revision at which the goals or steps last changed."""
    saved_at: UtcDatetime | None = None
    saved_by: Line = ""

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if (self.status == "ended") != (self.ended_on is not None):
            raise ValueError("an ended plan, and only that, has the date it ended")
        if (self.status == "ended") != (self.end_reason is not None):
            raise ValueError("an ended plan, and only that, has the reason it ended")
        goal_ids = [g.id for g in self.goals]
        if len(set(goal_ids)) != len(goal_ids):
            raise ValueError("each goal appears once")
        step_ids = [s.id for g in self.goals for s in g.steps]
        if len(set(step_ids)) != len(step_ids):
            raise ValueError("each step appears once in a plan")
        if self.goals_revised > self.revision:
            raise ValueError("the goals cannot have changed after the plan was saved")
        for agreement in self.agreements:
            if agreement.revision > max(self.revision, 1):
                raise ValueError("an agreement cannot be with a later revision of the plan")
        return self

    @property
    def is_live(self) -> bool:
        return self.status == "live"

    @property
    def agreement(self) -> Agreement | None:
        """The latest answer, whatever it was."""
        return self.agreements[-1] if self.agreements else None

    @property
    def agreed_as_it_stands(self) -> bool:
        """The person agreed the plan, and its goals and steps have not changed since."""
        last = self.agreement
        return last is not None and last.answer == "agreed" and last.revision >= self.goals_revised

    def step(self, step_id: UUID) -> tuple[Goal, Step] | None:
        for goal in self.goals:
            for step in goal.steps:
                if step.id == step_id:
                    return goal, step
        return None


def agreement_words(plan: Plan) -> str:
    """Where agreement stands, in a line: what the person said and whether it still holds."""
    last = plan.agreement
    if last is None:
        return "Not yet asked to agree"
    said = f"{AGREEMENTS.label(last.answer)} on {uk_date(last.on)}"
    if last.revision < plan.goals_revised:
        return f"{said}; the plan has changed since, so ask again"
    return said


def open_steps(plan: Plan) -> list[tuple[Goal, Step]]:
    """Steps still to do on goals still being worked on, soonest target first."""
    found = [(g, s) for g in plan.goals if g.is_live for s in g.steps if s.is_open]
    return sorted(found, key=lambda gs: gs[1].target_date or date.max)


def overdue_steps(plan: Plan, today: date) -> list[tuple[Goal, Step]]:
    """Open steps whose target date has passed, the longest overdue first."""
    return [
        (g, s) for g, s in open_steps(plan) if s.target_date is not None and s.target_date < today
    ]


def next_step_due(plan: Plan) -> date | None:
    """The earliest target date among the open steps of a live plan."""
    if not plan.is_live:
        return None
    dates = [s.target_date for _, s in open_steps(plan) if s.target_date is not None]
    return min(dates, default=None)


def review_overdue(plan: Plan, today: date) -> bool:
    return plan.is_live and plan.review_date is not None and plan.review_date < today


def goals_changed(before: Plan, after: Plan) -> bool:
    """Whether the goals or steps differ: the change that asks for agreement again."""
    return before.goals != after.goals


def suggest_goals(assessment: Assessment, on: date) -> list[Goal]:
    """A starting goal for each pathway assessed as a high or medium need, or immediate.

    Immediate needs first, then high, then medium, in pathway order within each. The
    words are a plain starting point to reword with the person.
    """
    ranked: list[tuple[int, int, Goal]] = []
    order = {code: i for i, code in enumerate(PATHWAYS.codes)}
    seen: set[str] = set()
    for section in assessment.sections.values():
        ratings = section.ratings
        pathway = section.pathway
        if section.skipped is not None or ratings is None or pathway is None:
            continue
        if pathway in seen:
            continue
        level = ratings.need_level
        if not (ratings.immediate_need or level in ("high", "medium")):
            continue
        seen.add(pathway)
        rank = 0 if ratings.immediate_need else 1 if level == "high" else 2
        goal = Goal(
            pathway=pathway,
            words=GOAL_PROMPTS.get(pathway, PATHWAYS.label(pathway)),
            assessment_id=assessment.id,
            added_on=on,
        )
        ranked.append((rank, order.get(pathway, len(order)), goal))
    return [goal for _, _, goal in sorted(ranked, key=lambda r: r[:2])]


def why_suggested(assessment: Assessment, pathway: str) -> str:
    """ "High need, immediate need": what the assessment found on the pathway."""
    for section in assessment.sections.values():
        if section.pathway == pathway and section.ratings is not None:
            found = []
            if section.ratings.need_level:
                found.append(f"{section.ratings.need_level} need")
            if section.ratings.immediate_need:
                found.append("immediate need")
            return ", ".join(found).capitalize()
    return ""


def plan_changes(before: Plan | None, after: Plan) -> list[str]:
    """What one revision changed from the one before, in a keyworker's words.

    Names goals by pathway and steps by their words' start, never quoting notes.
    """
    if before is None:
        return [f"Plan started on {uk_date(after.started_on)}"]
    said: list[str] = []
    old_goals = {g.id: g for g in before.goals}
    for goal in after.goals:
        label = PATHWAYS.label(goal.pathway)
        old = old_goals.pop(goal.id, None)
        if old is None:
            said.append(f"Goal added: {label}")
            continue
        if goal.status != old.status:
            said.append(f"Goal {GOAL_STATUSES.label(goal.status).lower()}: {label}")
        elif goal.words != old.words or goal.target_date != old.target_date:
            said.append(f"Goal changed: {label}")
        said.extend(_step_changes(old, goal))
    for gone in old_goals.values():
        said.append(f"Goal deleted: {PATHWAYS.label(gone.pathway)}")
    if after.agreements != before.agreements and after.agreement is not None:
        last = after.agreement
        said.append(f"{AGREEMENTS.label(last.answer)} on {uk_date(last.on)}")
    if after.review_date != before.review_date:
        said.append(
            f"Review date set to {uk_date(after.review_date)}"
            if after.review_date
            else "Review date cleared"
        )
    if after.status != before.status and after.ended_on is not None:
        said.append(f"Plan ended on {uk_date(after.ended_on)}")
    return said or ["Saved with no change"]


def _step_changes(old: Goal, new: Goal) -> list[str]:
    said = []
    before = {s.id: s for s in old.steps}
    for step in new.steps:
        was = before.pop(step.id, None)
        name = _short(step.what)
        if was is None:
            said.append(f"Step added: {name}")
        elif step.status != was.status:
            said.append(f"Step {STEP_STATUSES.label(step.status).lower()}: {name}")
        elif step.progress != was.progress:
            said.append(f"Progress noted: {name}")
        elif step != was:
            said.append(f"Step changed: {name}")
    said.extend(f"Step deleted: {_short(s.what)}" for s in before.values())
    return said


def _short(text: str, width: int = 40) -> str:
    line = " ".join(text.split())
    return line if len(line) <= width else line[: width - 1].rstrip() + "…"


# Agencies, referrals and signposting --------------------------------------------------


class Agency(Record):
    """A partner agency in the directory that people are referred or signposted to."""

    id: UUID = Field(default_factory=new_id)
    name: Name
    category: AgencyCategory
    contact_name: Line = ""
    phone: Line = ""
    """As the agency gives it: helplines such as 116 123 are short, some add hours."""
    email: Email | None = None
    address: Text = ""
    website: Line = ""
    notes: Text = ""
    archived: bool = False
    """Kept for the referrals that name it, but no longer offered."""


class ReferralUpdate(Record):
    """A referral's status from a date: the first is always "made" on the day it was."""

    status: ReferralStatus
    on: date
    note: Text = ""


class Referral(Record):
    """A person referred to a partner agency, and what has come of it."""

    id: UUID = Field(default_factory=new_id)
    client_id: UUID
    agency_id: UUID
    pathway: Pathway
    made_on: date
    method: ReferralMethod
    history: list[ReferralUpdate] = Field(min_length=1)
    outcome: Text = ""
    follow_up_on: date | None = None
    step_id: UUID | None = None
    """The plan step this referral was made for."""
    notes: Text = ""

    @property
    def status(self) -> str:
        return self.history[-1].status

    @property
    def status_on(self) -> date:
        return self.history[-1].on

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_REFERRAL_STATUSES

    @model_validator(mode="after")
    def _history_in_order(self) -> Self:
        first = self.history[0]
        if first.status != "made" or first.on != self.made_on:
            raise ValueError("a referral's history starts with it being made, on the day it was")
        for earlier, later in zip(self.history, self.history[1:], strict=False):
            if later.on < earlier.on:
                raise ValueError("a referral's status changes are in date order")
            if earlier.status in CLOSED_REFERRAL_STATUSES:
                raise ValueError(
                    f"a referral that was {REFERRAL_STATUSES.label(earlier.status).lower()}"
                    " does not change again; make a new one"
                )
        if self.follow_up_on is not None and self.follow_up_on < self.made_on:
            raise ValueError("a follow-up cannot be before the referral was made")
        return self


def new_referral(
    client_id: UUID,
    agency_id: UUID,
    pathway: str,
    made_on: date,
    method: str,
    **details: object,
) -> Referral:
    """A referral just made: its history starts "made" on `made_on`."""
    return Referral(
        client_id=client_id,
        agency_id=agency_id,
        pathway=pathway,
        made_on=made_on,
        method=method,
        history=[ReferralUpdate(status="made", on=made_on)],
        **details,  # type: ignore[arg-type]
    )


def referral_moved(referral: Referral, status: str, on: date, note: str = "") -> Referral:
    """The referral with its status moved on, validated; unchanged when it is already so."""
    if status == referral.status:
        return referral
    history = [*referral.history, ReferralUpdate(status=status, on=on, note=note)]
    data = referral.model_dump()
    data["history"] = history
    if status in CLOSED_REFERRAL_STATUSES:
        data["follow_up_on"] = None
    return Referral.model_validate(data)


def step_after_referral(step: Step, referral: Referral, agency_name: str) -> Step:
    """The step a referral was made for, moved on by where the referral now stands.

    Made, accepted or started: the step is in progress. Completed: the step is
    completed on the day the referral was. Declined or withdrawn: the step is left to
    the keyworker (it may be tried elsewhere), with a note of what happened. Each move
    adds a progress note; a step already finished is not reopened.
    """
    status, on = referral.status, referral.status_on
    if step.status in ("completed", "not_needed"):
        return step
    words = f"Referral to {agency_name} {REFERRAL_STATUSES.label(status).lower()}"
    note = ProgressNote(on=on, text=words)
    if step.progress and step.progress[-1] == note:
        return step
    update: dict[str, object] = {"progress": [*step.progress, note]}
    if status == "completed":
        update |= {"status": "completed", "completed_on": on}
    elif status in OPEN_REFERRAL_STATUSES:
        update["status"] = "in_progress"
    data = step.model_dump() | update
    return Step.model_validate(data)


class Signpost(Record):
    """Information given to the person without a referral being made."""

    id: UUID = Field(default_factory=new_id)
    client_id: UUID
    given_on: date
    pathway: Pathway
    agency_id: UUID | None = None
    """The agency signposted to, when it is in the directory."""
    information: Words
    """What was given or suggested: "Leaflet and drop-in times for the food bank"."""


def latest_revisions(plans: Iterable[Plan]) -> list[Plan]:
    """Each plan's latest revision, in the order the plans first appear."""
    latest: dict[UUID, Plan] = {}
    for plan in plans:
        kept = latest.get(plan.id)
        if kept is None or plan.revision > kept.revision:
            latest[plan.id] = plan
    return list(latest.values())


def live_plan(plans: Iterable[Plan]) -> Plan | None:
    return next((p for p in latest_revisions(plans) if p.is_live), None)
