"""Needs assessments for the demo caseload, made with the built-in template.

Most open cases, and some closed ones, have an initial assessment near the start of the
case; many have a review or two some months later in which the ratings move the way they
do in practice: needs mostly fall, the person's own rating mostly rises, motivation moves
along, a few pathways get worse and most immediate needs are cleared. The screening
answers follow from the ratings (a high accommodation need reads as a night shelter, not
a tenancy) and from what the record says (children, time in custody). A few sections are
skipped with a reason, a couple of people have a draft under way, at least one assessment
has been corrected, and a few women are asked the specialist sections that this general
service otherwise switches off.

Assessments come from their own random generator, seeded from the demo's seed, so the
rest of a seed's caseload is the same with or without them. Like the rest of the demo,
they are built as plain dicts and validated once, with their client's record.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from uuid import UUID

from keyworker.identifiers import time_ordered_id
from keyworker.templates import Answer, Question, Section, builtin_template, visible_questions
from keyworker.vocabulary import MOTIVATION_SCALE

NEED_LEVELS = ("none", "low", "medium", "high")
NONE, LOW, MEDIUM, HIGH = range(4)
LADDER = MOTIVATION_SCALE
"""Motivation to change, from furthest to nearest; "did not answer" stands apart."""
SPECIALIST = ("domestic_sexual_abuse", "sex_work")
OPEN = ("referred", "active", "paused")

# How likely each thing is: tuples to index with one random() call, as in keyworker.demo.
MAIN_NEED = (HIGH,) * 5 + (MEDIUM,) * 4 + (LOW,)
OTHER_NEED = (NONE,) * 9 + (LOW,) * 7 + (MEDIUM,) * 3 + (HIGH,)
OWN_START = {HIGH: (2, 3, 3, 4, 4), MEDIUM: (4, 5, 5, 6), LOW: (5, 6, 7, 7, 8), NONE: (7, 8, 9, 10)}
OWN_BANDS = {HIGH: (1, 6), MEDIUM: (2, 8), LOW: (4, 9), NONE: (5, 10)}
MOTIVATION_START = {
    HIGH: ("thinking_about_it",) * 5
    + ("needs_help_to_change",) * 8
    + ("wants_to_change",) * 5
    + ("does_not_want_to", "did_not_answer"),
    MEDIUM: ("needs_help_to_change", "wants_to_change", "wants_to_change", "making_changes"),
    LOW: ("wants_to_change", "making_changes", "making_changes", "made_changes"),
}
IMMEDIATE_ODDS = {
    "accommodation": 0.45,
    "finance_benefits_debt_id": 0.35,
    "health": 0.25,
    "drugs_alcohol": 0.15,
    "domestic_sexual_abuse": 0.3,
}
WORSE_IMMEDIATE = ("accommodation", "health", "drugs_alcohol")
"""Pathways where a need that gets worse can become immediate again."""
REVIEW_WEEKS = tuple(range(8, 17))

# Plain-English text: the person's own words for answers, the keyworker's for ratings.
WORK_WANTED = (
    "Warehouse work", "Something in catering", "Driving, once I get my licence back",
    "Construction", "Painting and decorating", "Care work", "Working in a shop",
    "Barbering", "Anything with regular hours", "Working with animals",
    "Gardening or landscaping", "Something with computers",
)  # fmt: skip
AT_RISK_DETAILS = {
    "own_tenancy": (
        "Rent arrears of about £600; the landlord wants a plan by the end of the month.",
        "I've had a notice to leave, with until the end of next month.",
    ),
    "family_friends": (
        "The friend I'm staying with needs the room back in a few weeks.",
        "Arguments with the people I live with; I might be asked to leave.",
    ),
    "supported_housing": (
        "The hostel says I have to move on within eight weeks.",
        "A warning from the hostel about visitors; one more and I'm out.",
    ),
}
DEBT_DETAILS = (
    "About £600 rent arrears with the last landlord; letters are still coming.",
    "Court fines of around £450, paid at £5 a week from benefits.",
    "A catalogue debt and an overdraft, maybe £1,200 in all. Nobody chasing yet.",
    "I owe a friend £150 and it worries me.",
    "Council tax arrears; a bailiff letter came last week.",
    "A Universal Credit advance being paid back, and a phone contract in arrears.",
)
SUPPORT_PEOPLE = (
    "My mum", "My sister", "My partner", "A mate from the gym", "My sponsor at meetings",
    "Nobody really", "My nan", "People at church", "My brother and his wife",
    "My recovery worker", "A neighbour who looks out for me",
)  # fmt: skip
HARD_TIMES = (
    "I was drinking every day and hanging about with the wrong people.",
    "I'd lost my flat and was using again.",
    "My relationship broke down and I stopped caring what happened.",
    "I was skint and owed money to people who wanted it back.",
    "I'd just come out and had nowhere to go.",
    "I'd stopped taking my medication and everything got on top of me.",
)
KEEPING_DISTANCE = (
    "Staying away from town at weekends.",
    "A new phone number so they can't reach me.",
    "Keeping busy with the gym and the course.",
    "Moving to a different area.",
    "Telling them straight that I'm done with all that.",
)
SAFETY_PLAN = (
    "I could go to my sister's, and I have the helpline number saved.",
    "The refuge number is in my phone under a different name.",
    "I'd ring 999 and go to my friend's flat.",
)
TRUSTED_SERVICE = (
    "The outreach van on Thursdays", "A nurse at the sexual health clinic",
    "My keyworker", "A worker at the women's centre",
)  # fmt: skip

STRENGTHS = {
    "accommodation": (
        "Kept every appointment with the housing team.",
        "Has kept a tenancy going before, for three years.",
        "Keeps the room clean and tidy; the hostel staff said so.",
        "Family nearby who would help with a move.",
    ),
    "education_skills_work": (
        "Forklift licence and kitchen experience.",
        "Worked in kitchens for years and enjoyed it.",
        "Practical and good with tools; did labouring before.",
        "Keen to learn and asked about courses at {college}.",
    ),
    "health": (
        "Goes to health appointments when reminded.",
        "Knows what helps on bad days: walking and music.",
        "Takes medication as prescribed.",
        "Open about mental health and willing to ask for help.",
    ),
    "drugs_alcohol": (
        "Stayed clean for over a year before.",
        "Has been to mutual aid meetings and found them useful.",
        "Knows the triggers and has a plan for weekends.",
        "Honest about use, which makes planning easier.",
    ),
    "finance_benefits_debt_id": (
        "Careful with money once it comes in.",
        "Keeps letters in a folder and brings them along.",
        "Has budgeted for rent and bills before.",
    ),
    "children_families_communities": (
        "{family} is supportive and in touch most weeks.",
        "A good friend from the gym who is a steady influence.",
        "Goes to church most Sundays and has friends there.",
        "Gets on well with neighbours.",
    ),
    "attitudes_thinking_behaviour": (
        "Able to walk away when things get heated.",
        "Thinks things through more than before.",
        "Honest about what went wrong before.",
        "Did a thinking skills course and still uses what it taught.",
    ),
    "domestic_sexual_abuse": (
        "Has a friend she trusts and can stay with.",
        "Knows the helpline number and has used it before.",
    ),
    "sex_work": (
        "Knows the outreach team and trusts them.",
        "Carries a phone with the support line saved.",
    ),
}
NEED_NOTES = {
    "accommodation": (
        "Sofa surfing at a friend's in {town}; the friend needed the room back soon.",
        "The room at {hostel} was only ever temporary and move-on was needed.",
        "Rent arrears with {housing} and worried about losing the tenancy.",
        "Nowhere settled yet; on the housing register in {town}.",
    ),
    "education_skills_work": (
        "Not worked for several years and unsure where to start.",
        "No CV and no recent references.",
        "Finds reading forms hard; wants help with English.",
        "Lost confidence about work after a long time out.",
    ),
    "health": (
        "Low mood and poor sleep most nights.",
        "Long wait for the mental health team; getting by day to day.",
        "Anxious in crowded places, which makes appointments hard.",
        "Back pain that gets in the way of most things.",
    ),
    "drugs_alcohol": (
        "Using most days; worried about where it is heading.",
        "Weekends are the hardest; most use happens then.",
        "Old associates nearby make it hard to stay away.",
        "Has tried to cut down alone and found it hard.",
    ),
    "finance_benefits_debt_id": (
        "Letters unopened and not sure what is owed.",
        "Money runs out before the end of the month.",
        "Waiting on the benefits claim; using the food bank in the meantime.",
        "Getting ID sorted is holding everything else up.",
    ),
    "children_families_communities": (
        "Relationship with {family} is strained.",
        "Feels cut off and has few people to turn to.",
        "Lonely since moving to {town}.",
    ),
    "attitudes_thinking_behaviour": (
        "Temper flares under pressure; knows it and wants to change.",
        "Still sees the old crowd most days.",
        "Tends to act first and think later.",
        "Says things go wrong when out drinking with old friends.",
    ),
    "domestic_sexual_abuse": (
        "Ex-partner still makes contact; safety plan agreed.",
        "Past abuse still affects her day to day.",
    ),
    "sex_work": (
        "Selling sex to pay for drugs; knows the outreach van.",
        "Worried about her safety with some people she meets.",
    ),
}
CHILDREN_NOTES = (
    "Wants to see more of the children; contact goes through a social worker.",
    "Worried about how the children are coping.",
    "Relationship with {family} is strained, which makes seeing the children hard.",
)
BETTER_NOTES = {
    "accommodation": (
        "Somewhere more settled now, and keeping up with the rent.",
        "Housing sorted with help from {housing}; feels more settled.",
        "Worries about losing the place have eased.",
    ),
    "education_skills_work": (
        "More confident about work now and applying most weeks.",
        "CV done, with help from {employment}.",
        "Making steady progress towards work with {employment}.",
    ),
    "health": (
        "Keeping on top of health appointments now.",
        "Mood better lately; walking most days helps.",
        "Feeling better and sleeping more.",
    ),
    "drugs_alcohol": (
        "Using less and keeping to the plan with {recovery}.",
        "Engaging well with {recovery}; tests negative lately.",
        "Cut right down and proud of it.",
    ),
    "finance_benefits_debt_id": (
        "Universal Credit paid now and a budget in place.",
        "Bank account opened and ID sorted.",
        "Debt advice helped; a payment plan is in place.",
    ),
    "children_families_communities": (
        "Getting on better with {family}.",
        "Joined a group in {town} and made some friends.",
        "Sees family more often and says it helps.",
    ),
    "attitudes_thinking_behaviour": (
        "Walked away from trouble twice this month and talked it through after.",
        "Keeping away from the old crowd.",
        "Using what the course taught when things get heated.",
    ),
    "domestic_sexual_abuse": (
        "Moved somewhere safe and in touch with the specialist service.",
        "Feels safer now; the safety plan is working.",
    ),
    "sex_work": (
        "No longer selling sex and in touch with the outreach team.",
        "Safer now: works with a friend and checks in.",
    ),
}
WORSE_NOTES = {
    "accommodation": (
        "Lost the room after a falling-out; back in emergency housing.",
        "Notice to leave given; looking for somewhere new.",
    ),
    "education_skills_work": (
        "Lost the job after a few weeks and lacking confidence now.",
        "Stopped going to the course.",
    ),
    "health": (
        "Mood worse lately; GP appointment booked.",
        "Ran out of medication after missing the review.",
    ),
    "drugs_alcohol": (
        "Lapsed after a hard few weeks; back in touch with {recovery}.",
        "Using more since the relationship ended.",
    ),
    "finance_benefits_debt_id": (
        "Benefits sanctioned after a missed appointment; money very tight.",
        "New debts since the last review.",
    ),
    "children_families_communities": (
        "Fell out with {family}; feeling more alone.",
        "Lost touch with the friends who helped.",
    ),
    "attitudes_thinking_behaviour": (
        "Arrested after an argument in town; no further action, but shaken.",
        "Back in touch with some of the old crowd.",
    ),
    "domestic_sexual_abuse": ("Ex-partner back in contact; safety plan reviewed.",),
    "sex_work": ("Started selling sex again to pay debts.",),
}
SKIP_REASONS = {
    "attitudes_thinking_behaviour": (
        "{name} did not want to talk about this today; agreed to come back to it at the review.",
        "Ran out of time; {name} was tired and we agreed to stop there.",
    ),
    "children_families_communities": (
        "{name} found this too upsetting to talk about today; to come back to when ready.",
    ),
    "drugs_alcohol": (
        "{name} had to leave for another appointment before we got to this. To pick up next time.",
    ),
    "education_skills_work": (
        "{name} was too unwell to think about work today; to return to once the health "
        "plan is in place.",
    ),
    "finance_benefits_debt_id": (
        "{name} did not have the benefit letters to hand; to go through them next week.",
    ),
}
FAMILY_SKIP = (
    "{name} is supported as a family member; this section is about a person's own offending."
)
CORRECTION_REASON = (
    "Own rating for {section} was typed in wrongly: {name} gave {right}, not {wrong}."
)


@dataclass(frozen=True, slots=True)
class Case:
    """What one client's assessments follow from, as the demo generator knows it."""

    client_id: UUID
    status: str
    start_o: int
    """The day work began (first active), or the referral day if still referred; 0 if never."""
    end_o: int
    """The last day with contact: yesterday for open cases."""
    release_o: int
    """The day of release from custody, 0 if the case did not start in custody."""
    gender: str
    family_client: bool
    needs: Sequence[str]
    """The main pathways, as the client's case notes tag them."""
    children: int
    """Children under 18."""
    children_live_with: bool
    slots: dict[str, str]
    """The client's note slots (keyworker.demo): name, town, housing, recovery..."""


class _State:
    """A pathway's standard ratings at one assessment; the answers follow from them."""

    __slots__ = ("immediate", "motivation", "need", "own")

    def __init__(self, need: int, immediate: bool, own: int | None, motivation: str | None):
        self.need = need
        self.immediate = immediate
        self.own = own
        self.motivation = motivation


class DemoAssessments:
    """Makes each client's assessments in turn, oldest first, from one seeded generator."""

    def __init__(
        self,
        seed: int,
        today: date,
        worker: str,
        day_start: Callable[[int], datetime],
        first_id_ms: int,
    ) -> None:
        self.rng = random.Random(f"keyworker demo assessments {seed}")
        self.rnd = self.rng.random
        self.template = builtin_template()
        self.today_o = today.toordinal()
        self.worker = worker
        self.day_start = day_start
        self._id_clock = first_id_ms
        self.drafts = 0
        self.corrections = 0

    # Small helpers -----------------------------------------------------------------

    def pick(self, items: Sequence[Any]) -> Any:
        return items[int(self.rnd() * len(items))]

    def chance(self, odds: float) -> bool:
        return self.rnd() < odds

    def between(self, low: int, high: int) -> int:
        return low + int(self.rnd() * (high - low + 1))

    def uuid(self) -> UUID:
        self._id_clock += 1
        return time_ordered_id(self._id_clock, self.rng.getrandbits(74))

    def moment(self, ordinal: int, earliest: int, latest: int) -> datetime:
        """A time that day (UK clock) on the five minutes, `earliest` to `latest` after midnight."""
        minute = 5 * self.between(earliest // 5, latest // 5)
        return self.day_start(ordinal) + timedelta(minutes=minute)

    # One client --------------------------------------------------------------------

    def for_case(self, case: Case) -> list[dict[str, Any]]:
        """The client's assessments, oldest first, as dicts for ClientRecord to validate."""
        is_open = case.status in OPEN
        if case.status == "referred" or case.start_o == 0:
            return self.draft(case) if is_open else []
        if not self.chance(0.9 if is_open else 0.45):
            return self.draft(case) if is_open and self.chance(0.3) else []
        initial_o = case.start_o + self.between(3, 25)
        out_soon = case.start_o < case.release_o <= case.end_o - 10
        if out_soon and initial_o < case.release_o and self.chance(0.6):
            initial_o = case.release_o + self.between(1, 10)  # most first assessed once out
        if initial_o > case.end_o:
            if is_open:
                return self.draft(case)
            initial_o = case.end_o
        days = self.review_days(case, _weekday(initial_o, case.start_o), is_open)
        return self.series(case, days)

    def review_days(self, case: Case, initial_o: int, is_open: bool) -> list[int]:
        """The initial assessment's day and any reviews', some weeks or months apart."""
        span = case.end_o - initial_o
        if span < 63:
            reviews = 0
        elif span < 160:
            reviews = 1 if self.chance(0.85) else 0
        else:
            roll = self.rnd()
            reviews = 2 if roll < 0.5 else 1 if roll < 0.9 else 0
        if not reviews:
            return [initial_o]
        room = span - 56 * reviews
        latest = case.end_o - int(self.rnd() * min(room, 75 if is_open else 30))
        days = [initial_o, latest]
        if reviews == 2:
            gap = latest - initial_o
            days.insert(1, initial_o + int(gap * (0.35 + 0.3 * self.rnd())))
        return [_weekday(d, initial_o) for d in days]

    def series(self, case: Case, days: list[int]) -> list[dict[str, Any]]:
        switched_off = self.switched_off(case)
        asked = self.template.sections_for(frozenset(switched_off))
        traits: dict[str, Any] = {}
        states: dict[str, _State] = {}
        made: list[dict[str, Any]] = []
        family_skip = case.family_client and self.chance(0.35)
        for day in days:
            before = states
            states = {
                s.id: self.first_state(s.id, case) if not before else self.moved(before[s.id], s.id)
                for s in asked
            }
            skips = self.skips(case, asked, first=not before, family_skip=family_skip)
            sections = {}
            for section in asked:
                if section.id in skips:
                    sections[section.id] = {
                        "pathway": section.pathway,
                        "skipped": skips[section.id],
                    }
                    continue
                state = states[section.id]
                sections[section.id] = {
                    "pathway": section.pathway,
                    "answers": self.answers(section, state, traits, case, day),
                    "ratings": self.ratings(
                        section.id, state, before.get(section.id), traits, case
                    ),
                }
            weeks = self.pick(REVIEW_WEEKS)
            made.append(
                self.completed(
                    case,
                    day,
                    sections,
                    switched_off,
                    review_of=made[-1]["id"] if made else None,
                    next_review=date.fromordinal(day + 7 * weeks),
                )
            )
        if self.corrections == 0 or self.chance(0.02):
            made.append(self.correction(case, made[-1]))
        return made

    def switched_off(self, case: Case) -> list[str]:
        """The specialist sections stay off, unless this is one of a few women asked them."""
        if case.gender == "f":
            wanted = any(p in case.needs for p in SPECIALIST)
            if self.chance(0.6 if wanted else 0.08):
                return []
        return list(SPECIALIST)

    def skips(
        self, case: Case, asked: list[Section], first: bool, family_skip: bool = False
    ) -> dict[str, str]:
        found = {}
        if family_skip:
            found["attitudes_thinking_behaviour"] = FAMILY_SKIP.format_map(case.slots)
        if self.chance(0.08 if first else 0.03):
            skippable = [s.id for s in asked if s.id in SKIP_REASONS and s.id not in found]
            for _ in range(1 if self.chance(0.8) else 2):
                section_id = self.pick(skippable)
                found[section_id] = self.pick(SKIP_REASONS[section_id]).format_map(case.slots)
        return found

    def completed(
        self,
        case: Case,
        day: int,
        sections: dict[str, Any],
        switched_off: list[str],
        review_of: UUID | None,
        next_review: date | None,
    ) -> dict[str, Any]:
        started = self.moment(day, 9 * 60 + 30, 15 * 60 + 30)
        return {
            "id": self.uuid(),
            "client_id": case.client_id,
            "template_id": self.template.id,
            "template_version": self.template.version,
            "kind": "review" if review_of else "initial",
            "status": "completed",
            "assessed_on": date.fromordinal(day),
            "started_at": started,
            "completed_at": started + timedelta(minutes=5 * self.between(8, 20)),
            "assessor": self.worker,
            "sections": sections,
            "switched_off": switched_off,
            "next_review": next_review,
            "review_of": review_of,
        }

    def draft(self, case: Case) -> list[dict[str, Any]]:
        """A first assessment under way, for a few people not assessed yet."""
        if not self.chance(1 if self.drafts < 2 else 0.3):
            return []
        self.drafts += 1
        yesterday = self.today_o - 1
        day = _weekday(max(case.start_o, yesterday - self.between(0, 9)), case.start_o)
        switched_off = self.switched_off(case)
        asked = self.template.sections_for(frozenset(switched_off))
        traits: dict[str, Any] = {}
        sections = {}
        for section in asked[: self.between(1, 4)]:
            state = self.first_state(section.id, case)
            own: dict[str, Any] = {
                "pathway": section.pathway,
                "answers": self.answers(section, state, traits, case, day),
            }
            if self.chance(0.7):
                own["ratings"] = self.ratings(section.id, state, None, traits, case)
            sections[section.id] = own
        return [
            {
                "id": self.uuid(),
                "client_id": case.client_id,
                "template_id": self.template.id,
                "template_version": self.template.version,
                "status": "draft",
                "assessed_on": date.fromordinal(day),
                "started_at": self.moment(day, 9 * 60 + 30, 16 * 60),
                "assessor": self.worker,
                "sections": sections,
                "switched_off": switched_off,
            }
        ]

    def correction(self, case: Case, original: dict[str, Any]) -> dict[str, Any]:
        """The original with one own rating put right, completed a day or so later."""
        self.corrections += 1
        rated = [
            (sid, own)
            for sid, own in original["sections"].items()
            if own.get("ratings", {}).get("own_rating") is not None
        ]
        sections = dict(original["sections"])
        reason = "Answers checked again with {name}; nothing else changed.".format_map(case.slots)
        if rated:
            section_id, own = self.pick(rated)
            wrong = own["ratings"]["own_rating"]
            right = wrong + 3 if wrong <= 5 else wrong - 3
            sections[section_id] = {**own, "ratings": {**own["ratings"], "own_rating": right}}
            reason = CORRECTION_REASON.format(
                section=self.template.section(section_id).title,
                name=case.slots["name"],
                right=right,
                wrong=wrong,
            )
        day = min(original["assessed_on"].toordinal() + self.between(1, 6), self.today_o - 1)
        done = max(self.moment(day, 9 * 60, 17 * 60), original["completed_at"])
        return {
            **original,
            "id": self.uuid(),
            "completed_at": done + timedelta(minutes=10),
            "sections": sections,
            "corrects": original["id"],
            "correction_reason": reason,
        }

    # Ratings -----------------------------------------------------------------------

    def first_state(self, section_id: str, case: Case) -> _State:
        main = section_id in case.needs
        if section_id in SPECIALIST:
            need = self.pick((HIGH, HIGH, MEDIUM, MEDIUM, LOW)) if main else NONE
        elif section_id == "children_families_communities" and not (main or case.children):
            need = NONE if self.chance(0.7) else LOW
        else:
            need = self.pick(MAIN_NEED if main else OTHER_NEED)
        immediate = need == HIGH and self.chance(IMMEDIATE_ODDS.get(section_id, 0.05))
        own = None if self.chance(0.05) else self.pick(OWN_START[need])
        if need == NONE:
            motivation = "made_changes" if self.chance(0.3) else None
        else:
            motivation = self.pick(MOTIVATION_START[need])
        return _State(need, immediate, own, motivation)

    def moved(self, before: _State, section_id: str) -> _State:
        """The ratings at a review: mostly better, sometimes the same, now and then worse."""
        need, roll = before.need, self.rnd()
        if need == NONE:
            change = 1 if roll < 0.08 else 0
        elif roll < 0.55:
            change = -2 if need >= MEDIUM and self.chance(0.15) else -1
        elif roll < 0.85 or need == HIGH:
            change = 0
        else:
            change = 1
        need += change
        immediate = need == HIGH and (
            (before.immediate and self.chance(0.15))
            or (change > 0 and section_id in WORSE_IMMEDIATE and self.chance(0.3))
        )
        if before.own is None:
            own = self.pick(OWN_START[need]) if self.chance(0.8) else None
        else:
            step = self.between(1, 3)
            own = before.own + (
                step if change < 0 else -step if change > 0 else self.between(-1, 1)
            )
            low, high = OWN_BANDS[need]
            own = min(max(own, low), high)
        return _State(need, immediate, own, self.motivation(before.motivation, need, change))

    def motivation(self, before: str | None, need: int, change: int) -> str | None:
        if need == NONE:
            return "made_changes" if before is not None or self.chance(0.3) else None
        if before is None or before == "did_not_answer":
            return self.pick(("thinking_about_it", "needs_help_to_change", "wants_to_change"))
        rung = LADDER.index(before)
        if change < 0:
            rung += 2 if self.chance(0.15) else 1
        elif change == 0:
            rung += 1 if self.chance(0.35) else -1 if self.chance(0.1) else 0
        elif self.chance(0.5):
            rung -= 1
        return LADDER[min(max(rung, 0), 5 if need == LOW else 4)]

    def ratings(
        self,
        section_id: str,
        state: _State,
        before: _State | None,
        traits: dict[str, Any],
        case: Case,
    ) -> dict[str, Any]:
        ratings: dict[str, Any] = {
            "need_level": NEED_LEVELS[state.need],
            "immediate_need": state.immediate,
        }
        if state.own is not None:
            ratings["own_rating"] = state.own
        if state.motivation is not None:
            ratings["motivation"] = state.motivation
        key = "strengths " + section_id
        if key not in traits:
            bank = STRENGTHS.get(section_id)
            traits[key] = (
                self.pick(bank).format_map(case.slots) if bank and self.chance(0.3) else ""
            )
        if traits[key]:
            ratings["strengths"] = traits[key]
        note = self.rating_note(section_id, state, before, case)
        if note:
            ratings["notes"] = note.format_map(case.slots)
        return ratings

    def rating_note(
        self, section_id: str, state: _State, before: _State | None, case: Case
    ) -> str | None:
        if before is None:
            if state.need < MEDIUM or not self.chance(0.55):
                return None
            if section_id == "accommodation" and case.release_o > self.today_o:
                return "In custody; no release address yet. Duty to Refer sent to {town}."
            if section_id == "children_families_communities" and case.children:
                return self.pick(CHILDREN_NOTES)
            return self.pick(NEED_NOTES[section_id]) if section_id in NEED_NOTES else None
        if state.need < before.need and self.chance(0.6):
            return self.pick(BETTER_NOTES[section_id]) if section_id in BETTER_NOTES else None
        if state.need > before.need and self.chance(0.7):
            return self.pick(WORSE_NOTES[section_id]) if section_id in WORSE_NOTES else None
        return None

    # Answers -----------------------------------------------------------------------

    def answers(
        self, section: Section, state: _State, traits: dict[str, Any], case: Case, day: int
    ) -> dict[str, Answer]:
        """Answers that fit the ratings, only to questions the template shows.

        Where the ratings have not moved since last time, the answers mostly stay too.
        """
        last = traits.get("answers " + section.id)
        if last is not None and last[0] == (state.need, state.immediate) and self.chance(0.8):
            answers = dict(last[1])
            if "treatment_appointment" in answers:
                next_o = day + self.between(2, 21)
                answers["treatment_appointment"] = date.fromordinal(next_o).isoformat()
            if "mood" in answers and state.own is not None:
                answers["mood"] = min(max(state.own + self.between(-1, 1), 1), 10)
            return answers
        build = getattr(self, "answer_" + section.id, None)
        given = build(state, traits, case, day) if build else {}
        shown = visible_questions(section, given)
        answers = {q.id: given[q.id] for q in shown if q.id in given}
        for question in shown:
            if question.required and question.id not in answers:
                answers[question.id] = _plain_answer(question, day)
        traits["answers " + section.id] = ((state.need, state.immediate), answers)
        return answers

    def answer_accommodation(
        self, state: _State, traits: dict[str, Any], case: Case, day: int
    ) -> dict[str, Answer]:
        need = state.need
        if case.release_o > day:  # still in custody: where they will go on release
            return {"tonight": "other", "settled": False, "housing_referral": need >= MEDIUM}
        if state.immediate:
            tonight = self.pick(("rough_sleeping", "nowhere_yet", "emergency"))
        elif need == HIGH:
            tonight = self.pick(("emergency", "family_friends", "supported_housing"))
        elif need == MEDIUM:
            places = ("supported_housing", "family_friends", "own_tenancy")
            tonight = self.pick(places if case.family_client else (*places, "approved_premises"))
        elif need == LOW:
            tonight = self.pick(("own_tenancy", "supported_housing", "family_friends"))
        else:
            tonight = self.pick(("own_tenancy", "own_tenancy", "family_friends"))
        at_risk = self.chance((0.0, 0.3, 0.6, 0.6)[need])
        answers: dict[str, Answer] = {
            "tonight": tonight,
            "settled": self.chance((1.0, 0.8, 0.4, 0.0)[need]),
            "at_risk": at_risk,
        }
        if at_risk and tonight in AT_RISK_DETAILS and self.chance(0.7):
            answers["at_risk_details"] = self.pick(AT_RISK_DETAILS[tonight])
        if self.chance(0.9):
            answers["housing_referral"] = self.chance((0.0, 0.3, 0.75, 0.75)[need])
        return answers

    def answer_education_skills_work(
        self, state: _State, traits: dict[str, Any], case: Case, day: int
    ) -> dict[str, Answer]:
        need = state.need
        if case.release_o > day:
            work = self.pick(("studying", "studying", "not_able", "looking"))
        else:
            work = self.pick(
                (
                    ("full_time", "full_time", "part_time", "self_employed"),
                    ("part_time", "studying", "volunteering", "self_employed", "looking"),
                    ("looking", "looking", "volunteering", "studying", "not_able"),
                    ("looking", "not_looking", "not_able"),
                )[need]
            )
        traits["work"] = work
        if "qualifications" not in traits:
            odds = {
                "english_maths": 0.35,
                "vocational": 0.25,
                "site_card": 0.15,
                "driving_licence": 0.3,
                "degree": 0.04,
            }
            traits["qualifications"] = [q for q, odd in odds.items() if self.chance(odd)]
            traits["reading"] = self.pick((1, 2, 3, 3, 4, 4, 5, 5))
            traits["cv"] = need <= LOW or self.chance(0.2)
            traits["disclosure"] = self.chance(0.6)
        elif need < traits.get("education need", need):
            if self.chance(0.3) and "english_maths" not in traits["qualifications"]:
                traits["qualifications"].insert(0, "english_maths")
            traits["reading"] = min(traits["reading"] + self.chance(0.3), 5)
            traits["cv"] = traits["cv"] or self.chance(0.6)
        traits["education need"] = need
        answers: dict[str, Answer] = {
            "work_now": work,
            "qualifications": list(traits["qualifications"]) or ["none"],
            "reading_forms": traits["reading"],
            "cv": traits["cv"],
        }
        if self.chance(0.8):
            answers["work_wanted"] = traits.setdefault("wanted", self.pick(WORK_WANTED))
        if not case.family_client:
            answers["disclosure_help"] = traits["disclosure"]
        return answers

    def answer_health(
        self, state: _State, traits: dict[str, Any], case: Case, day: int
    ) -> dict[str, Answer]:
        need = state.need
        if "conditions" not in traits:
            odds = (
                {"long_term_condition": 0.1},
                {"mental_health": 0.35, "long_term_condition": 0.25},
                {"mental_health": 0.75, "long_term_condition": 0.3, "learning_difficulty": 0.12},
                {
                    "mental_health": 0.8,
                    "long_term_condition": 0.3,
                    "disability": 0.1,
                    "brain_injury": 0.06,
                },
            )[need]
            conditions = [c for c, odd in odds.items() if self.chance(odd)]
            if case.gender == "f" and self.chance(0.03):
                conditions.append("pregnant")
            if not conditions:
                conditions = ["rather_not_say" if self.chance(0.05) else "none"]
            traits["conditions"] = conditions
            traits["gp"] = self.chance(0.45 if need == HIGH else 0.92)
            traits["medication"] = self.chance(
                0.2 if conditions[0] in ("none", "rather_not_say") else 0.75
            )
            traits["mental health support"] = self.chance(0.4)
        elif need < traits["health need"]:
            traits["gp"] = traits["gp"] or self.chance(0.8)
            traits["mental health support"] = traits["mental health support"] or self.chance(0.6)
        traits["health need"] = need
        medication = traits["medication"] or state.immediate
        answers: dict[str, Answer] = {
            "gp": traits["gp"],
            "medication": medication,
            "mental_health_support": traits["mental health support"],
        }
        if self.chance(0.95):
            answers["health_conditions"] = list(traits["conditions"])
        if state.own is not None and self.chance(0.9):
            answers["mood"] = min(max(state.own + self.between(-1, 1), 1), 10)
        if medication:
            answers["medication_days"] = (
                self.between(0, 5) if state.immediate else self.pick((7, 14, 21, 28, 28, 56))
            )
        return answers

    def answer_drugs_alcohol(
        self, state: _State, traits: dict[str, Any], case: Case, day: int
    ) -> dict[str, Answer]:
        need = state.need
        if need == NONE:
            return {"substances": ["none"]}
        if "substances" not in traits:
            if need == HIGH:
                main = self.pick(("opiates", "crack", "alcohol", "alcohol", "synthetic"))
                more = ("crack", "cannabis", "alcohol", "medicines", "cocaine")
            elif need == MEDIUM:
                main = self.pick(("alcohol", "cannabis", "cocaine", "medicines"))
                more = ("cannabis", "alcohol", "cocaine")
            else:
                main, more = self.pick(("alcohol", "cannabis")), ("alcohol", "cannabis")
            found = [main]
            for odds in (0.6, 0.25):
                extra = self.pick(more)
                if self.chance(odds) and extra not in found:
                    found.append(extra)
            traits["substances"] = found
            traits["treatment"] = self.chance((0.0, 0.3, 0.7, 0.7)[need])
        elif not traits["treatment"]:
            traits["treatment"] = self.chance(0.4)
        used = traits["substances"][: (0, 1, 2, 3)[need]]
        answers: dict[str, Answer] = {
            "substances": used,
            "treatment": traits["treatment"],
            "treatment_appointment": date.fromordinal(day + self.between(2, 21)).isoformat(),
            "opiate_prescription": traits["treatment"] and self.chance(0.85),
        }
        if "alcohol" in used:
            low, high = ((1, 3), (3, 5), (5, 7))[need - 1]
            answers["drinking_days"] = self.between(low, high)
        return answers

    def answer_finance_benefits_debt_id(
        self, state: _State, traits: dict[str, Any], case: Case, day: int
    ) -> dict[str, Answer]:
        need = state.need
        if "documents" not in traits:
            if state.immediate or (need == HIGH and self.chance(0.5)):
                documents = []
            elif need >= MEDIUM:
                documents = [self.pick(("birth_certificate", "proof_of_age_card", "passport"))]
            else:
                documents = [self.pick(("passport", "driving_licence"))]
                if self.chance(0.5):
                    documents.append("birth_certificate")
            traits["documents"] = documents
            traits["bank"] = not state.immediate and self.chance((1.0, 1.0, 0.7, 0.3)[need])
        elif need < traits["finance need"]:
            if self.chance(0.6):
                for document in ("birth_certificate", "passport", "proof_of_age_card"):
                    if document not in traits["documents"]:
                        traits["documents"].append(document)
                        break
            traits["bank"] = traits["bank"] or self.chance(0.7)
        traits["finance need"] = need
        if state.immediate:  # no ID and no account: no way to be paid
            traits["documents"], traits["bank"] = [], False
        answers: dict[str, Answer] = {
            "id_documents": list(traits["documents"]) or ["none"],
            "bank_account": traits["bank"],
        }
        if self.chance(0.85):
            answers["benefits"] = self.benefits(traits, case)
            if "universal_credit" in answers["benefits"]:
                claimed = traits.setdefault("claimed", day - self.between(3, 60))
                answers["claim_date"] = date.fromordinal(claimed).isoformat()
        debts = self.chance((0.05, 0.35, 0.8, 0.8)[need])
        answers["debts"] = debts
        if debts and self.chance(0.7):
            answers["debt_details"] = self.pick(DEBT_DETAILS)
        return answers

    def benefits(self, traits: dict[str, Any], case: Case) -> list[str]:
        if traits.get("work") == "full_time":
            return ["none"]
        found = ["universal_credit"] if self.chance(0.85) else []
        if traits.get("conditions", ["none"])[0] not in ("none", "rather_not_say"):
            found += ["pip"] if self.chance(0.2) else []
        if case.children and case.gender == "f" and self.chance(0.7):
            found.append("child_benefit")
        return found or ["none"]

    def answer_children_families_communities(
        self, state: _State, traits: dict[str, Any], case: Case, day: int
    ) -> dict[str, Answer]:
        answers: dict[str, Answer] = {"children": case.children > 0}
        if case.children:
            answers["children_count"] = case.children
            if case.children_live_with and case.release_o <= day:
                contact = "live_with_me"
            elif case.release_o > day:
                contact = self.pick(("some", "none", "restricted"))
            else:
                contact = self.pick(
                    (
                        ("regular", "regular", "some"),
                        ("regular", "some"),
                        ("some", "none", "restricted"),
                        ("none", "restricted"),
                    )[state.need]
                )
            answers["children_contact"] = contact
        if self.chance(0.85):
            answers["support_people"] = traits.setdefault("support", self.pick(SUPPORT_PEOPLE))
        answers["caring"] = traits.setdefault("caring", self.chance(0.1))
        return answers

    def answer_attitudes_thinking_behaviour(
        self, state: _State, traits: dict[str, Any], case: Case, day: int
    ) -> dict[str, Answer]:
        need = state.need
        low, high = ((4, 5), (3, 4), (2, 3), (1, 2))[need]
        people_around = self.chance((0.05, 0.3, 0.75, 0.75)[need])
        answers: dict[str, Answer] = {
            "handling_stress": self.between(low, high),
            "people_around": people_around,
        }
        if not case.family_client and self.chance(0.6):
            answers["hard_times"] = traits.setdefault("hard times", self.pick(HARD_TIMES))
        if people_around and self.chance(0.7):
            answers["keeping_distance"] = self.pick(KEEPING_DISTANCE)
        if "course" not in traits:
            custody = case.release_o > 0 and self.chance(0.5)
            traits["course"] = "in_custody" if custody else self.pick(("in_community", "no", "no"))
        elif traits["course"] == "no" and self.chance(0.3):
            traits["course"] = "doing_now"
        if self.chance(0.8):
            answers["courses"] = traits["course"]
        return answers

    def answer_domestic_sexual_abuse(
        self, state: _State, traits: dict[str, Any], case: Case, day: int
    ) -> dict[str, Answer]:
        need = state.need
        harmed = self.pick(
            (("no", "no", "no", "rather_not_say"), ("past",), ("now", "past", "past"), ("now",))[
                need
            ]
        )
        safe = not state.immediate and self.chance(0.25 if need == HIGH else 0.95)
        answers: dict[str, Answer] = {
            "safe_at_home": safe,
            "harmed": harmed,
            "marac": self.chance(0.5),
            "specialist_support": self.chance(0.7),
        }
        if not safe and self.chance(0.8):
            answers["safety_plan"] = self.pick(SAFETY_PLAN)
        return answers

    def answer_sex_work(
        self, state: _State, traits: dict[str, Any], case: Case, day: int
    ) -> dict[str, Answer]:
        need = state.need
        selling = self.pick(
            (("no",) * 9 + ("rather_not_say",), ("past",), ("now", "now", "past"), ("now",))[need]
        )
        where = traits.setdefault("where", [self.pick(("street", "indoors", "online"))])
        answers: dict[str, Answer] = {
            "selling_sex": selling,
            "where_arranged": list(where),
            "pressured": need == HIGH and self.chance(0.3),
            "sexual_health": self.chance(0.6),
        }
        if self.chance(0.5):
            answers["trusted_service"] = traits.setdefault("trusted", self.pick(TRUSTED_SERVICE))
        return answers


def _plain_answer(question: Question, day: int) -> Answer:
    """A valid answer to a required question the demo has no words for (a newer template's)."""
    kind = question.kind
    if kind == "yes_no":
        return False
    if kind in ("scale", "number"):
        return question.min or 0
    if kind == "single_choice":
        return question.choices[-1].code
    if kind == "multiple_choice":
        return [question.choices[-1].code]
    if kind == "date":
        return date.fromordinal(day).isoformat()
    return "Not asked in the demo."


def _weekday(ordinal: int, earliest: int) -> int:
    """The day, or the Friday before if it falls at a weekend, but not before `earliest`."""
    weekday = ordinal % 7  # date.fromordinal(1) is a Monday, so 6 is Saturday, 0 Sunday
    if weekday in (0, 6):
        ordinal -= 2 if weekday == 0 else 1
    return max(ordinal, earliest)
