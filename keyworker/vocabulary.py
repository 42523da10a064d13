"""The keyworker's vocabularies, kept as data so a service can extend them.

Codes are what the database and exports hold; labels are what people read. The default
terms follow the HMPPS services keyworkers already feed (see shared/domain.md).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Annotated

# Codes are stored and exported; keeping them plain identifiers keeps them safe anywhere.
_CODE = re.compile(r"[a-z][a-z0-9_]*")


@dataclass(frozen=True, slots=True)
class Term:
    code: str
    label: str


class Vocabulary:
    """An ordered, extensible list of terms with a readable name for messages."""

    def __init__(self, name: str, terms: Iterable[tuple[str, str]]) -> None:
        self.name = name
        self._terms: dict[str, Term] = {}
        self.extend(terms)

    def __iter__(self) -> Iterator[Term]:
        return iter(self._terms.values())

    def __contains__(self, code: object) -> bool:
        return code in self._terms

    def __len__(self) -> int:
        return len(self._terms)

    @property
    def codes(self) -> list[str]:
        return list(self._terms)

    def label(self, code: str) -> str:
        term = self._terms.get(code)
        return term.label if term else code

    def extend(self, terms: Iterable[tuple[str, str]]) -> None:
        """Add a service's own terms after the defaults."""
        for code, label in terms:
            if not _CODE.fullmatch(code):
                raise ValueError(f"{self.name} code {code!r} must be lower case letters, digits, _")
            self._terms.setdefault(code, Term(code, label))

    def check(self, code: str) -> str:
        if code not in self._terms:
            known = ", ".join(self._terms)
            raise ValueError(f"'{code}' is not a known {self.name} (known: {known})")
        return code


def coded(vocabulary: Vocabulary) -> type[str]:
    """A string field that must hold one of the vocabulary's codes."""
    # Imported here so the `keyworker` command can start unlocking before pydantic loads.
    from pydantic import AfterValidator

    return Annotated[str, AfterValidator(vocabulary.check)]  # type: ignore[return-value]


PATHWAYS = Vocabulary(
    "pathway",
    [
        ("accommodation", "Accommodation"),
        ("education_skills_work", "Education, skills and work"),
        ("health", "Health (physical and mental health)"),
        ("drugs_alcohol", "Drugs and alcohol"),
        ("finance_benefits_debt_id", "Finance, benefits, debt and ID"),
        ("children_families_communities", "Children, families and communities"),
        ("attitudes_thinking_behaviour", "Attitudes, thinking and behaviour"),
        ("domestic_sexual_abuse", "Domestic and sexual abuse"),
        ("sex_work", "Sex work"),
    ],
)

CLIENT_STATUSES = Vocabulary(
    "case status",
    [
        ("referred", "Referred"),
        ("active", "Active"),
        ("paused", "Paused"),
        ("closed", "Closed"),
        ("transferred", "Transferred"),
    ],
)

CLOSURE_REASONS = Vocabulary(
    "closure reason",
    [
        ("needs_met", "Needs met / completed"),
        ("disengaged", "Disengaged"),
        ("moved_out_of_area", "Moved out of area"),
        ("returned_to_custody", "Returned to custody"),
        ("transferred", "Transferred to another service or worker"),
        ("deceased", "Deceased"),
        ("other", "Other"),
    ],
)

CLIENT_KINDS = Vocabulary(
    "kind of client",
    [
        ("justice", "Person in the justice system"),
        ("family", "Family member supported in their own right"),
    ],
)

REFERRAL_SOURCES = Vocabulary(
    "referral source",
    [
        ("prison", "Prison (resettlement team)"),
        ("probation", "Probation practitioner"),
        ("court", "Court or liaison and diversion"),
        ("police", "Police"),
        ("self", "Self-referral"),
        ("family", "Family member"),
        ("health", "Health or mental health service"),
        ("housing", "Housing or local authority"),
        ("voluntary", "Voluntary sector agency"),
        ("other", "Other"),
    ],
)

CONTACT_TYPES = Vocabulary(
    "contact type",
    [
        ("face_to_face", "Face to face"),
        ("home_visit", "Home visit"),
        ("prison_visit", "Prison visit"),
        ("phone", "Phone"),
        ("video", "Video"),
        ("text_message", "Text message"),
        ("email", "Email"),
        ("letter", "Letter"),
        ("third_party", "Contact with a third party"),
    ],
)

RISK_KINDS = Vocabulary(
    "risk or safeguarding flag",
    [
        ("lone_working", "Risk to staff / lone working"),
        ("domestic_abuse", "Domestic abuse"),
        ("child_safeguarding", "Child safeguarding"),
        ("self_harm", "Self-harm or suicide"),
        ("substance_use", "Substance use"),
        ("exploitation", "Exploitation"),
        ("other", "Other"),
    ],
)

RISK_LEVELS = Vocabulary(
    "risk level",
    [("low", "Low"), ("medium", "Medium"), ("high", "High"), ("very_high", "Very high")],
)

RELATIONSHIPS = Vocabulary(
    "relationship",
    [
        ("partner", "Partner"),
        ("former_partner", "Former partner"),
        ("child", "Child"),
        ("stepchild", "Stepchild"),
        ("parent", "Parent"),
        ("sibling", "Brother or sister"),
        ("grandparent", "Grandparent"),
        ("grandchild", "Grandchild"),
        ("carer", "Carer"),
        ("friend", "Friend"),
        ("other", "Other"),
    ],
)

NEED_LEVELS = Vocabulary(
    "need level",
    [("none", "No need"), ("low", "Low"), ("medium", "Medium"), ("high", "High")],
)

MOTIVATIONS = Vocabulary(
    "motivation to change",
    [
        ("made_changes", "Has made changes"),
        ("making_changes", "Is making changes"),
        ("wants_to_change", "Wants to make changes"),
        ("needs_help_to_change", "Needs help to make changes"),
        ("thinking_about_it", "Is thinking about making changes"),
        ("does_not_want_to", "Does not want to make changes"),
        ("did_not_answer", "Did not want to answer"),
    ],
)

MOTIVATION_SCALE = (
    "does_not_want_to",
    "thinking_about_it",
    "needs_help_to_change",
    "wants_to_change",
    "making_changes",
    "made_changes",
)
"""Motivation to change, least ready first; "did not want to answer" is not on the scale."""

ASSESSMENT_KINDS = Vocabulary(
    "assessment kind",
    [("initial", "Initial assessment"), ("review", "Review")],
)

GOAL_STATUSES = Vocabulary(
    "goal status",
    [
        ("active", "Active"),
        ("future", "Future"),
        ("achieved", "Achieved"),
        ("removed", "Removed"),
    ],
)

STEP_STATUSES = Vocabulary(
    "step status",
    [
        ("not_started", "Not started"),
        ("in_progress", "In progress"),
        ("completed", "Completed"),
        ("cannot_yet", "Cannot be done yet"),
        ("not_needed", "No longer needed"),
    ],
)

STEP_OWNERS = Vocabulary(
    "who does a step",
    [
        ("person", "The person"),
        ("keyworker", "The keyworker"),
        ("agency", "A partner agency"),
        ("other", "Someone else"),
    ],
)

AGREEMENTS = Vocabulary(
    "plan agreement",
    [
        ("agreed", "Agreed"),
        ("did_not_agree", "Did not agree"),
        ("could_not_answer", "Could not answer"),
    ],
)

PLAN_STATUSES = Vocabulary("plan status", [("live", "Live"), ("ended", "Ended")])

AGENCY_CATEGORIES = Vocabulary(
    "agency category",
    [
        ("accommodation", "Accommodation"),
        ("education_training_employment", "Education, training and employment"),
        ("finance_benefits_debt", "Finance, benefits and debt"),
        ("dependency_recovery", "Dependency and recovery"),
        ("family_significant_others", "Family and significant others"),
        ("emotional_wellbeing", "Emotional wellbeing"),
        ("lifestyle_associates", "Lifestyle and associates"),
        ("social_inclusion", "Social inclusion"),
        ("womens_services", "Women's services"),
    ],
)

REFERRAL_STATUSES = Vocabulary(
    "referral status",
    [
        ("made", "Made"),
        ("accepted", "Accepted"),
        ("declined", "Declined"),
        ("started", "Started"),
        ("completed", "Completed"),
        ("withdrawn", "Withdrawn"),
    ],
)

REFERRAL_METHODS = Vocabulary(
    "way a referral was made",
    [
        ("email", "Email"),
        ("phone", "Phone"),
        ("online_form", "Online form"),
        ("in_person", "In person"),
    ],
)

PATHWAY_CATEGORIES: dict[str, str] = {
    "accommodation": "accommodation",
    "education_skills_work": "education_training_employment",
    "health": "emotional_wellbeing",
    "drugs_alcohol": "dependency_recovery",
    "finance_benefits_debt_id": "finance_benefits_debt",
    "children_families_communities": "family_significant_others",
    "attitudes_thinking_behaviour": "lifestyle_associates",
    "domestic_sexual_abuse": "womens_services",
    "sex_work": "womens_services",
}
"""The agency category a referral for each pathway most often goes to: the first offered."""

GOAL_PROMPTS: dict[str, str] = {
    "accommodation": "Have a safe, settled place to live",
    "education_skills_work": "Get into training, learning or work",
    "health": "Get the health care and support I need",
    "drugs_alcohol": "Get support with drugs or alcohol",
    "finance_benefits_debt_id": "Sort out my money, benefits, debts and ID",
    "children_families_communities": "Rebuild contact with my family",
    "attitudes_thinking_behaviour": "Stay out of trouble and make better choices",
    "domestic_sexual_abuse": "Feel safe from abuse",
    "sex_work": "Get support to stay safe and find other options",
}
"""A plain starting point for a goal on each pathway, for the keyworker and person to
reword together in the person's own words."""

APPOINTMENT_KINDS = Vocabulary(
    "kind of appointment",
    [
        ("one_to_one", "One-to-one at the office"),
        ("home_visit", "Home visit"),
        ("prison_visit", "Prison visit"),
        ("accompanied_gp", "Accompanied: GP"),
        ("accompanied_housing", "Accompanied: housing"),
        ("accompanied_probation", "Accompanied: probation"),
        ("accompanied_court", "Accompanied: court"),
        ("accompanied_benefits", "Accompanied: benefits"),
        ("accompanied_bank", "Accompanied: bank"),
        ("group_session", "Group session"),
        ("phone", "Phone"),
        ("video", "Video"),
    ],
)

APPOINTMENT_OUTCOMES = Vocabulary(
    "appointment outcome",
    [
        ("attended", "Attended"),
        ("attended_late", "Attended late"),
        ("did_not_attend", "Did not attend"),
        ("acceptable_absence", "Acceptable absence"),
        ("cancelled_by_person", "Cancelled by the person"),
        ("cancelled_by_service", "Cancelled by the service"),
        ("rescheduled", "Rescheduled"),
    ],
)

ABSENCE_REASONS = Vocabulary(
    "reason for an acceptable absence",
    [
        ("medical", "Medical"),
        ("court_legal", "Court or legal"),
        ("employment", "Employment"),
        ("family_childcare", "Family or childcare"),
        ("religious", "Religious"),
        ("in_custody", "In custody"),
        ("other", "Other"),
    ],
)

REPEAT_FREQUENCIES = Vocabulary(
    "how often an appointment repeats",
    [
        ("weekly", "Weekly"),
        ("fortnightly", "Fortnightly"),
        ("monthly_date", "Monthly, on the same date"),
        ("monthly_weekday", "Monthly, on the same weekday (e.g. 2nd Tuesday)"),
    ],
)
