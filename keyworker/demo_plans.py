"""Action plans, referrals and signposting for the demo caseload, made from its assessments.

A person's first plan starts soon after their first completed assessment, with goals on
the pathways it found high, medium or immediate needs in (`keyworker.plans.suggest_goals`),
reworded as people say them. Plans then live the way they do in practice, and are saved
revision by revision the way storage saves them: agreed or not, steps done, stuck or
forgotten, referrals made for steps and moving those steps on
(`keyworker.plans.step_after_referral`), goals achieved or removed at a review
assessment, a plan replaced after a review, plans ended when a case closes. Some reviews
and steps fall overdue and some referrals are waiting to be followed up, as on any
caseload. The first plans and referrals made are steered so that even the small demo
shows each stage and each referral status.

The partner agencies are invented, in the demo's invented towns, with phone numbers in
Ofcom's ranges for drama (01632 960xxx, 07700 900xxx) and addresses on example.org.
Their ids are fixed, so a seed always gives the same caseload; a caseload must import
`DEMO_AGENCIES` before it saves records that refer to them.

Like the assessments, all this comes from its own seeded generator, so the rest of a
seed's caseload is the same with or without it, and is built as plain dicts that the
client's record validates once.
"""

from __future__ import annotations

import heapq
import itertools
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from uuid import UUID

from keyworker.assessments import Assessment, current
from keyworker.dates import uk_date
from keyworker.demo_assessments import Case
from keyworker.identifiers import time_ordered_id
from keyworker.plans import (
    CLOSED_REFERRAL_STATUSES,
    OPEN_REFERRAL_STATUSES,
    OPEN_STEP_STATUSES,
    Agency,
    Goal,
    Step,
    suggest_goals,
)
from keyworker.vocabulary import REFERRAL_STATUSES

OPEN_CASES = ("referred", "active", "paused")


# Partner agencies ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Partner:
    """A directory agency, and what the demo says about working with it."""

    agency: Agency
    step: str
    """A plan step that is "make a referral to" this agency."""
    signpost: str
    """Information about it given without a referral."""
    completed: tuple[str, ...]
    declined: tuple[str, ...]
    women_only: bool = False
    closed_o: int = 0
    """The day an archived agency closed; no referral or signposting after it."""


def _partner(
    number: int,
    name: str,
    category: str,
    details: dict[str, str],
    step: str,
    signpost: str,
    completed: tuple[str, ...],
    declined: tuple[str, ...],
    women_only: bool = False,
    closed: date | None = None,
) -> Partner:
    agency = Agency(
        id=UUID(f"0193e9a0-5a1d-7000-8000-{number:012d}"),
        name=name,
        category=category,
        archived=closed is not None,
        **details,  # type: ignore[arg-type]
    )
    return Partner(
        agency, step, signpost, completed, declined, women_only, closed.toordinal() if closed else 0
    )


PARTNERS: dict[str, Partner] = {
    "housing_options": _partner(
        1,
        "Kelminster Council Housing Options",
        "accommodation",
        {
            "contact_name": "Duty housing officer",
            "phone": "01632 960210",
            "email": "housing.options@example.org",
            "address": "Civic Centre, Market Street, Kelminster",
            "website": "https://www.example.org/kelminster-housing",
            "notes": "Duty to Refer by the online form. Same-day appointments for anyone "
            "with nowhere to sleep tonight.",
        },
        "Make a Duty to Refer to Kelminster Council Housing Options",
        "The council's out-of-hours homelessness number and how the Duty to Refer works",
        (
            "Homeless application accepted; offered a room in temporary accommodation.",
            "On the housing register and bidding on flats each week.",
            "Offered a one-bed flat; tenancy signed.",
        ),
        (
            "Not eligible: no local connection to Kelminster.",
            "Found not homeless yet; to come back if the notice to leave is served.",
        ),
    ),
    "housing_advice": _partner(
        2,
        "Harbridge Housing Advice Centre",
        "accommodation",
        {
            "contact_name": "Nadia Okoro",
            "phone": "01632 960347",
            "email": "harbridge.housing@example.org",
            "address": "14 Foundry Lane, Harbridge",
            "notes": "Drop-in on Tuesday and Thursday mornings: tenancy rights, rent "
            "arrears and disputes with landlords.",
        },
        "Refer to Harbridge Housing Advice Centre for help with the rent arrears",
        "Drop-in times for Harbridge Housing Advice Centre",
        (
            "Repayment plan agreed with the landlord; the tenancy is safe.",
            "Helped to challenge the notice to leave; the landlord withdrew it.",
        ),
        ("Only advises people with a tenancy; referred on to the council's housing options.",),
    ),
    "night_shelter": _partner(
        3,
        "Castlemere Night Shelter",
        "accommodation",
        {
            "contact_name": "Shift lead on duty",
            "phone": "07700 900412",
            "email": "castlemere.shelter@example.org",
            "address": "The Old Chapel, Wharf Street, Castlemere",
            "notes": "Beds from 7pm. Phone referrals before 4pm; no referral needed for "
            "the winter shelter.",
        },
        "Refer to Castlemere Night Shelter for a bed while the housing application goes through",
        "Winter shelter opening times at Castlemere Night Shelter",
        (
            "Stayed at the shelter for five weeks, then moved on to supported housing.",
            "Given a bed the same night; moved to a hostel room three weeks later.",
        ),
        (
            "No beds free; on the waiting list and given the winter shelter times.",
            "Cannot offer a bed with the current risk flag; referred on to the council.",
        ),
    ),
    "skills_hub": _partner(
        4,
        "Ravensford Skills and Work Hub",
        "education_training_employment",
        {
            "contact_name": "Femi Adebayo",
            "phone": "01632 960528",
            "email": "skills.hub@example.org",
            "address": "Unit 3, Station Road, Ravensford",
            "website": "https://www.example.org/ravensford-skills",
            "notes": "Employment coaching for people with convictions: CVs, disclosure, "
            "job search and CSCS cards.",
        },
        "Refer to Ravensford Skills and Work Hub for help with a CV and job search",
        "Leaflet about the CSCS card course at Ravensford Skills and Work Hub",
        (
            "CSCS card gained; now working for a groundworks firm.",
            "Started a warehouse job on a six-month contract.",
            "CV written and applying for jobs every week.",
        ),
        ("Course full until the new year; on the list for January.",),
    ),
    "college": _partner(
        5,
        "Millhaven College Adult Learning",
        "education_training_employment",
        {
            "contact_name": "Adult learning admissions",
            "phone": "01632 960611",
            "email": "adult.learning@example.org",
            "address": "Millhaven College, Cobden Road, Millhaven",
            "notes": "Free English, maths and computer courses for adults; enrol in "
            "person on Mondays.",
        },
        "Refer to Millhaven College Adult Learning for English and maths",
        "Enrolment days for free English and maths at Millhaven College",
        ("Passed entry level maths and booked onto level 1.", "Finished the computer course."),
        ("Missed the enrolment deadline; to apply again in September.",),
    ),
    "talking_therapies": _partner(
        6,
        "Northcote Vale Talking Therapies",
        "emotional_wellbeing",
        {
            "contact_name": "Referrals team",
            "phone": "01632 960733",
            "email": "talking.therapies@example.org",
            "address": "Northcote Vale Health Centre, Greenway, Northcote Vale",
            "notes": "Self-referral or referral by any professional, for low mood, "
            "anxiety and sleep. The wait is about eight weeks.",
        },
        "Refer to Northcote Vale Talking Therapies for help with low mood and anxiety",
        "How to self-refer to Northcote Vale Talking Therapies",
        (
            "Finished eight sessions; says the anxiety is easier to manage.",
            "Finished the sleep course and sleeping better.",
        ),
        ("Needs are too complex for the service; the GP will refer to the mental health team.",),
    ),
    "crisis_cafe": _partner(
        7,
        "Eastholme Crisis Café",
        "emotional_wellbeing",
        {
            "phone": "01632 960845",
            "email": "crisis.cafe@example.org",
            "address": "Weaver Walk, Eastholme",
            "notes": "Evenings 6pm to 11pm for anyone struggling; walk in, no referral "
            "needed. Phone ahead for a quiet room.",
        },
        "Refer to Eastholme Crisis Café for support in the evenings",
        "Evening opening times of Eastholme Crisis Café, for when things get bad",
        ("Used the café on bad nights for two months; now has a plan with the GP.",),
        ("Walk-in service, so no referral needed; gave the opening times instead.",),
    ),
    "recovery": _partner(
        8,
        "Stanmoor Recovery Service",
        "dependency_recovery",
        {
            "contact_name": "Duty recovery worker",
            "phone": "01632 960902",
            "email": "stanmoor.recovery@example.org",
            "address": "22 Tanner's Row, Stanmoor",
            "notes": "Drug and alcohol assessments, prescribing, key work and groups. "
            "Assessments within a week for prison leavers.",
        },
        "Refer to Stanmoor Recovery Service for an assessment and a script",
        "Opening times and the self-referral line for Stanmoor Recovery Service",
        (
            "Finished the twelve-week programme; tests negative and still goes to the group.",
            "Detox completed; moved on to the aftercare group.",
        ),
        ("Assessed as not needing structured treatment; offered the groups instead.",),
    ),
    "peer_recovery": _partner(
        9,
        "Wedbury Peer Recovery Network",
        "dependency_recovery",
        {
            "contact_name": "Leon Grant",
            "phone": "07700 900157",
            "email": "peer.recovery@example.org",
            "address": "Wedbury Community Centre, Lark Lane, Wedbury",
            "notes": "Recovery groups run by people in recovery, most evenings, and a "
            "Sunday café. Anyone welcome.",
        },
        "Refer to Wedbury Peer Recovery Network for a peer mentor",
        "Times of the recovery groups at Wedbury Community Centre",
        ("Matched with a peer mentor and goes to the Sunday café most weeks.",),
        ("No mentors free at the moment; welcome at the open groups instead.",),
    ),
    "debt_advice": _partner(
        10,
        "Sallowby Debt and Benefits Advice",
        "finance_benefits_debt",
        {
            "contact_name": "Advice line",
            "phone": "01632 960156",
            "email": "sallowby.advice@example.org",
            "address": "The Advice Shop, 3 Chapel Street, Sallowby",
            "notes": "Free benefits checks, debt advice and help with forms. "
            "Appointments only; the wait is about two weeks.",
        },
        "Refer to Sallowby Debt and Benefits Advice for help with the debts",
        "Opening times of Sallowby Debt and Benefits Advice",
        (
            "Debt relief order in place; the creditors have stopped writing.",
            "Benefits check found a missing payment; now being paid.",
        ),
        ("Outside their area; gave the number of a free national debt advice line.",),
    ),
    "credit_union": _partner(
        11,
        "Oakhurst Green Credit Union",
        "finance_benefits_debt",
        {
            "contact_name": "Membership team",
            "phone": "01632 960274",
            "email": "credit.union@example.org",
            "address": "41 Pinfold Road, Oakhurst Green",
            "notes": "Basic accounts for people without a credit history or photo ID; "
            "small loans instead of doorstep lenders.",
        },
        "Refer to Oakhurst Green Credit Union to open an account",
        "How to open an account at Oakhurst Green Credit Union without photo ID",
        ("Account opened; benefits now paid into it.",),
        ("Could not open an account without proof of address; to try again once housed.",),
    ),
    "food_bank": _partner(
        12,
        "Castlemere Community Food Bank",
        "social_inclusion",
        {
            "phone": "01632 960389",
            "email": "food.bank@example.org",
            "address": "St Anne's Hall, Holly Road, Castlemere",
            "notes": "Food parcels on a voucher from any agency; open Monday, Wednesday "
            "and Friday, 10am to 1pm.",
        },
        "Refer to Castlemere Community Food Bank for food parcels until the benefits come through",
        "Food bank opening times and how to get a voucher",
        ("Three food parcels, then not needed once the benefits came through.",),
        ("Vouchers used up for this term; referred on to the community larder.",),
    ),
    "community_hub": _partner(
        13,
        "Harbridge Community Hub",
        "social_inclusion",
        {
            "contact_name": "Gemma Hollis",
            "phone": "01632 960462",
            "email": "community.hub@example.org",
            "address": "Elmfield House, Elmfield Road, Harbridge",
            "notes": "Befriending, a free laundry, computers and groups most weekdays.",
        },
        "Refer to Harbridge Community Hub for befriending and the weekly groups",
        "The week's groups at Harbridge Community Hub",
        ("Matched with a befriender and goes to the Wednesday lunch.",),
        ("Befriending list closed for now; welcome at the drop-in.",),
    ),
    "family_links": _partner(
        14,
        "Kelminster Family Links",
        "family_significant_others",
        {
            "contact_name": "Precious Mensah",
            "phone": "01632 960573",
            "email": "family.links@example.org",
            "address": "18 Beacon Street, Kelminster",
            "notes": "Support for families of people in prison or on probation: visits, "
            "contact and family mediation.",
        },
        "Refer to Kelminster Family Links for help rebuilding contact with family",
        "Kelminster Family Links' helpline and help with the cost of prison visits",
        ("Family mediation finished; sees the family most weekends.",),
        ("Only supports families while someone is in custody.",),
    ),
    "mentoring": _partner(
        15,
        "Ravensford Mentoring Project",
        "lifestyle_associates",
        {
            "contact_name": "Aaron Clarke",
            "phone": "07700 900683",
            "email": "mentoring.project@example.org",
            "address": "The Pavilion, Quarry Lane, Ravensford",
            "notes": "Mentors who have been through the justice system themselves; "
            "weekly meet-ups for six months.",
        },
        "Refer to Ravensford Mentoring Project for a mentor who has been through it",
        "Leaflet about the mentors at Ravensford Mentoring Project",
        ("Six months of mentoring finished; still in touch with the mentor.",),
        ("No mentors free until the new year; on the waiting list.",),
    ),
    "sports_club": _partner(
        16,
        "Wedbury Boxing and Fitness Club",
        "lifestyle_associates",
        {
            "contact_name": "Sean Murphy",
            "phone": "07700 900794",
            "email": "boxing.club@example.org",
            "address": "Arch 6, Gasworks Road, Wedbury",
            "notes": "Free evening sessions for people on probation, with coaches who "
            "have been through it.",
        },
        "Refer to Wedbury Boxing and Fitness Club for the free evening sessions",
        "Times of the free evening sessions at Wedbury Boxing and Fitness Club",
        ("Went twice a week for three months; now helps with the juniors.",),
        ("Sessions full; on the list for the next block.",),
    ),
    "womens_centre": _partner(
        17,
        "Sallowby Women's Centre",
        "womens_services",
        {
            "contact_name": "Siobhan Kelly",
            "phone": "01632 960815",
            "email": "womens.centre@example.org",
            "address": "7 Rowan Court, Sallowby",
            "notes": "Women-only: key work, groups, counselling and a crèche. Referrals "
            "from any agency, or women can refer themselves.",
        },
        "Refer to Sallowby Women's Centre for key work and the weekly groups",
        "The women's centre timetable and how to refer herself",
        ("Finished the confidence group; volunteers at the centre on Fridays.",),
        ("Not taking referrals from outside the area this month.",),
        women_only=True,
    ),
    "da_service": _partner(
        18,
        "Eastholme Domestic Abuse Service",
        "womens_services",
        {
            "contact_name": "Duty advocate",
            "phone": "01632 960926",
            "email": "da.service@example.org",
            "address": "Address withheld: phone first",
            "notes": "Independent advocates, safety planning and refuge referrals. "
            "Phone first; never visit unannounced.",
        },
        "Refer to Eastholme Domestic Abuse Service for an advocate and safety planning",
        "Eastholme Domestic Abuse Service's number, saved in the phone under another name",
        ("Safety plan in place; the advocate went with her to court.",),
        ("Assessed as standard risk; offered the group programme instead.",),
        women_only=True,
    ),
    "outreach": _partner(
        19,
        "Harbridge Street Outreach for Women",
        "womens_services",
        {
            "contact_name": "Outreach van",
            "phone": "07700 900866",
            "email": "street.outreach@example.org",
            "address": "The van stops on Station Road, Harbridge, on Tuesday and Friday nights",
            "notes": "Night outreach for women who sell sex: health checks, safety "
            "alerts and a way into support.",
        },
        "Refer to Harbridge Street Outreach for Women for health checks and support",
        "The nights and places the outreach van stops",
        ("Saw the outreach team every week for four months; now with the women's centre.",),
        ("Not out in that area at night; linked her with the women's centre instead.",),
        women_only=True,
    ),
    "job_club": _partner(
        20,
        "Stanmoor Job Club",
        "education_training_employment",
        {
            "phone": "01632 960037",
            "email": "job.club@example.org",
            "address": "Stanmoor Library, Mill Street, Stanmoor",
            "notes": "Closed in March 2026; its work moved to Ravensford Skills and Work Hub.",
        },
        "Refer to Stanmoor Job Club for help with job search",
        "Job club times at Stanmoor Library",
        ("Got a kitchen porter job through the job club.",),
        ("Job club full for this term.",),
        closed=date(2026, 3, 27),
    ),
}

DEMO_AGENCIES: list[Agency] = [p.agency for p in PARTNERS.values()]
"""The demo's partner agencies, to import into a caseload before saving demo records."""

NAMES = {p.agency.id: p.agency.name for p in PARTNERS.values()}

PARTNERS_BY_PATHWAY: dict[str, tuple[str, ...]] = {
    "accommodation": ("housing_options", "housing_options", "night_shelter", "housing_advice"),
    "education_skills_work": ("skills_hub", "skills_hub", "college", "job_club"),
    "health": ("talking_therapies", "talking_therapies", "crisis_cafe", "community_hub"),
    "drugs_alcohol": ("recovery", "recovery", "peer_recovery"),
    "finance_benefits_debt_id": ("debt_advice", "credit_union", "food_bank"),
    "children_families_communities": ("family_links", "family_links", "community_hub"),
    "attitudes_thinking_behaviour": ("mentoring", "mentoring", "sports_club"),
    "domestic_sexual_abuse": ("da_service", "da_service", "womens_centre"),
    "sex_work": ("outreach", "womens_centre"),
}
"""Who each pathway's referrals go to, the first (and any repeated) most often."""
NOT_WOMEN = {"domestic_sexual_abuse": ("talking_therapies",), "sex_work": ("talking_therapies",)}


# Words ---------------------------------------------------------------------------------

GOAL_WORDS: dict[str, tuple[str, ...]] = {
    "accommodation": (
        "A place of my own, with my name on the tenancy",
        "Get out of the hostel and into a flat in {town}",
        "Stop sofa surfing and have somewhere that's mine",
        "Keep my tenancy and pay off the rent arrears",
        "A room somewhere quiet, away from the old crowd",
        "Somewhere safe to live that I can afford",
    ),
    "education_skills_work": (
        "Get a job, any job with regular hours",
        "Get my CSCS card and work on building sites",
        "Do a course and come out with a qualification",
        "Sort out a CV and start applying for warehouse work",
        "Work in a kitchen again",
        "Get better at reading and writing so forms aren't a nightmare",
    ),
    "health": (
        "Get registered with a GP and sort my medication out",
        "Feel less anxious and get out of the house more",
        "Sleep properly and stop feeling low all the time",
        "See someone about my mental health, not just get by",
        "Get my teeth fixed and my back looked at",
    ),
    "drugs_alcohol": (
        "Get on a script and stay on it",
        "Cut down my drinking so it stops running my life",
        "Stay clean, especially at weekends",
        "Stop using and keep away from the people I used with",
        "Get through a detox and stay sober",
    ),
    "finance_benefits_debt_id": (
        "Get my Universal Credit sorted so I've got money coming in",
        "Get ID and a bank account so I can do everything else",
        "Deal with my debts instead of hiding the letters",
        "Make my money last the whole month",
        "Stop relying on the food bank",
    ),
    "children_families_communities": (
        "Get back on good terms with my family",
        "Have people around me who aren't into trouble",
        "Feel less lonely and make some friends in {town}",
        "Be someone my family can rely on again",
    ),
    "attitudes_thinking_behaviour": (
        "Stay out of trouble for good",
        "Keep my temper when things get on top of me",
        "Walk away instead of reacting",
        "Keep away from the old crowd and find new things to do",
        "Think before I act, especially when I've had a drink",
    ),
    "domestic_sexual_abuse": (
        "Feel safe at home and when I'm out in {town}",
        "Keep my ex away from me",
        "Get support to deal with what happened to me",
        "Have a safety plan I trust",
    ),
    "sex_work": (
        "Stop selling sex and have money coming in another way",
        "Stay safe while I work out what comes next",
        "Get the outreach team's help and a way out",
    ),
}
GOAL_WORDS_WITH_CHILDREN: dict[str, tuple[str, ...]] = {
    "accommodation": ("Somewhere settled where the kids can come and stay",),
    "children_families_communities": (
        "See my kids every week",
        "Be there for my kids and do the school run again",
    ),
    "domestic_sexual_abuse": ("Keep my ex away from me and the kids",),
}

# (what, who, who in detail)
STEP_BANK: dict[str, tuple[tuple[str, str, str], ...]] = {
    "accommodation": (
        ("Fill in the housing register form together", "keyworker", ""),
        ("Bring ID and proof of income to the housing appointment", "person", ""),
        ("Bid on suitable flats every week", "person", ""),
        ("Write to the landlord offering a plan to pay the arrears", "keyworker", ""),
        ("Confirm the address is approved", "other", "Probation practitioner"),
        ("Apply to the furniture scheme for a bed and a cooker", "keyworker", ""),
        ("Assess for a supported housing place", "agency", "Supported housing team"),
    ),
    "education_skills_work": (
        ("Write a CV together", "keyworker", ""),
        ("Go to the appointment with the work coach", "person", ""),
        ("Practise explaining convictions to an employer", "person", ""),
        ("Apply for three jobs a week", "person", ""),
        ("Book the English and maths assessment", "person", ""),
        ("Agree the work search plan", "other", "Work coach at the Jobcentre"),
        ("Confirm the course start date", "agency", "College admissions"),
    ),
    "health": (
        ("Register with a GP", "person", ""),
        ("Book a medication review with the GP", "person", ""),
        ("Find an NHS dentist taking new patients", "keyworker", ""),
        ("Send the prison health records to the new GP", "other", "Prison healthcare team"),
        ("Try the free walking group on Wednesdays", "person", ""),
        ("Send the letter with the assessment outcome", "agency", "Community mental health team"),
    ),
    "drugs_alcohol": (
        ("Go to the first key work session", "person", ""),
        ("Keep a diary of cravings and what sets them off", "person", ""),
        ("Carry a naloxone kit and know how to use it", "person", ""),
        ("Agree a plan for weekends", "person", ""),
        ("Review the script", "agency", "Prescribing team"),
    ),
    "finance_benefits_debt_id": (
        ("Make the Universal Credit claim", "person", ""),
        ("Apply for a birth certificate for ID", "keyworker", ""),
        ("Open a basic bank account", "person", ""),
        ("List the debts from the letters", "person", ""),
        ("Set up a weekly budget", "person", ""),
        ("Ask for the rent to be paid straight to the landlord", "keyworker", ""),
    ),
    "children_families_communities": (
        ("Ring family once a week", "person", ""),
        ("Go to the family group on Thursdays", "person", ""),
        ("Find a local club or group to join", "person", ""),
        ("Ask about contact arrangements", "other", "Children's social worker"),
    ),
    "attitudes_thinking_behaviour": (
        ("Go to the weekly mentoring sessions", "person", ""),
        ("Make a plan for what to do when angry", "person", ""),
        ("Change phone number to cut contact with old associates", "person", ""),
        ("Go through the licence or order conditions together", "keyworker", ""),
        ("Find something to do on Friday nights", "person", ""),
    ),
    "domestic_sexual_abuse": (
        ("Agree a safety plan", "keyworker", ""),
        ("Save the helpline number in the phone under another name", "person", ""),
        ("Get advice about a non-molestation order", "person", ""),
        ("Ask the landlord about better locks and a door camera", "keyworker", ""),
    ),
    "sex_work": (
        ("Keep in touch with the outreach van each week", "person", ""),
        ("Get a sexual health check", "person", ""),
        ("Agree a safety plan for nights out", "keyworker", ""),
    ),
}
STEPS_ADDED_LATER = (
    ("Bring any new letters to the next meeting", "person", ""),
    ("Go through what has changed since the plan was agreed", "keyworker", ""),
)
PROGRESS_STARTED = {
    "person": (
        "Made a start; more to do next week.",
        "Started; says it is going all right so far.",
        "Talked it through; {name} will make a start this week.",
    ),
    "keyworker": (
        "Started; waiting to hear back.",
        "Chased once; no reply yet.",
        "Made a start together in the office.",
    ),
    "agency": ("Asked them; waiting to hear back.", "Chased by email; they say it is in hand."),
    "other": ("Asked them; waiting to hear back.", "Chased by email; they say it is in hand."),
}
PROGRESS_DONE = (
    "Done, and {name} was pleased.",
    "Done together in the office.",
    "Done at the appointment.",
)
PROGRESS_DROPPED = (
    "No longer needed: sorted another way.",
    "Dropped at the review; not the right time.",
)
LET_GO = "The referral did not go ahead; not taking it further for now."
PROGRESS_STUCK = (
    "Waiting for ID before this can be done.",
    "On hold until the housing is sorted.",
    "Cannot start until the assessment letter comes.",
)
REMOVED_REASONS = (
    "Not a priority for now; to come back to at the next review",
    "Being worked on with probation instead",
    "{name} decided not to work on this for now",
    "Covered by another service's plan",
)
DECLINED_NEXT = "Declined; trying {agency} instead."
END_REASONS = {
    "needs_met": "Case closed: needs met",
    "disengaged": "Case closed: {name} stopped engaging",
    "moved_out_of_area": "Case closed: moved out of the area",
    "returned_to_custody": "Case closed: returned to custody",
    "transferred": "Case transferred to another service",
    "deceased": "Case closed",
    "other": "Case closed",
}
TRANSFERRED_END = "Case transferred to another keyworker; the plan went with the handover"
REPLACED_END = "Replaced by a new plan after the review on {day}"
CLOSED_WITHDRAWN = "Withdrawn when the case closed."
TRANSFERRED_WITHDRAWN = (
    "Withdrawn when the case was transferred; the new keyworker may refer again."
)
AGENCY_CLOSED = "The agency closed; referred on elsewhere."
ACCEPTED_NOTES = ("Accepted; first appointment booked.", "Accepted onto the waiting list.", "")
STARTED_NOTES = ("First session attended.", "Assessment done; weekly sessions started.", "")
WITHDRAWN_NOTES = (
    "{name} no longer wanted it.",
    "{name} started work and could not make the sessions.",
    "{name} said it was not the right time.",
)
REFERRAL_NOTES = {
    "email": ("Referral form emailed with {name}'s consent.", ""),
    "phone": ("Phoned the duty worker; they will ring {name} back.", ""),
    "online_form": ("Filled in the online form together.", ""),
    "in_person": ("Went with {name} to make the referral at the front desk.",),
}
DISAGREED_NOTES = {
    "did_not_agree": (
        "{name} did not want the drug and alcohol goal in the plan yet.",
        "{name} wanted to think about it before agreeing.",
        "{name} said the plan asked too much at once.",
    ),
    "could_not_answer": (
        "{name} was too unwell to go through the plan today.",
        "Ran out of time before we could go through it together.",
    ),
}
SIGNPOSTED_ELSEWHERE: dict[str, tuple[str, ...]] = {
    "accommodation": ("Gave the council's out-of-hours homelessness number.",),
    "education_skills_work": ("Showed {name} the free online courses on the council's website.",),
    "health": ("Told {name} about the free walking group at the leisure centre.",),
    "drugs_alcohol": ("Gave the times of mutual aid meetings in {town}.",),
    "finance_benefits_debt_id": ("Gave the number of a free national debt advice line.",),
    "children_families_communities": ("Leaflet about help with the cost of prison visits.",),
    "attitudes_thinking_behaviour": ("Told {name} about the Sunday league football in {town}.",),
    "domestic_sexual_abuse": ("Gave the national domestic abuse helpline number.",),
    "sex_work": ("Gave the sexual health clinic's drop-in times.",),
}

# How likely each thing is: tuples to index with one random() call, as in keyworker.demo.
STORIES_RECENT = ("new",) * 11 + ("agreed",) * 7 + ("not_agreed",) * 2
STORIES_OLDER = ("changed",) * 11 + ("agreed",) * 6 + ("not_agreed",) * 2
FINALS = (
    ("completed",) * 30
    + ("started",) * 18
    + ("accepted",) * 10
    + ("declined",) * 14
    + ("withdrawn",) * 9
    + ("made",) * 6
)
FINALS_OLD = ("completed",) * 10 + ("declined", "declined", "withdrawn", "withdrawn", "started")
"""Referrals made months ago: most have finished one way or another."""
WANTED_FINALS = {
    "completed": 124,
    "withdrawn": 63,
    "started": 38,
    "declined": 17,
    "accepted": 14,
    "made": 0,
}
"""Each status, and the days a referral needs to have reached it whatever the gaps."""
PATHS = {
    "made": (),
    "accepted": ("accepted",),
    "declined": ("declined",),
    "started": ("accepted", "started"),
    "completed": ("accepted", "started", "completed"),
    "withdrawn": ("withdrawn",),
}
GAPS = {
    "accepted": (2, 12),
    "declined": (3, 15),
    "started": (4, 21),
    "completed": (21, 84),
    "withdrawn": (7, 45),
}
METHODS = ("email",) * 8 + ("online_form",) * 5 + ("phone",) * 5 + ("in_person",) * 2
GOAL_COUNTS = (1, 2, 2, 2, 3, 3, 4)
STEP_COUNTS = (1, 1, 2, 2, 2, 3)
START_DELAYS = (0, 0, 1, 2, 3, 5, 7, 10)
SIGNPOST_COUNTS = (0, 0, 1, 1, 1, 2, 2, 3)

_Pending = tuple[str, dict[str, Any], Partner, int]
"""A referral to make once its step is saved: pathway, step, agency, the day it is made."""

# A plan's events on one day happen in this order.
START, FIRST_ANSWER, REFERRAL, SESSION, ANSWER, CLOSING, END = range(7)


@dataclass(slots=True)
class Planned:
    """One person's plan revisions (oldest first), referrals and signposting, as dicts for
    ClientRecord to validate; the plans' goals are validated already (`_Plan.validated`)."""

    plans: list[dict[str, Any]] = field(default_factory=list)
    referrals: list[dict[str, Any]] = field(default_factory=list)
    signposts: list[dict[str, Any]] = field(default_factory=list)


# The generator -------------------------------------------------------------------------


class DemoPlans:
    """Makes each client's plans, referrals and signposting in turn, from one seeded generator."""

    def __init__(
        self,
        seed: int,
        today: date,
        worker: str,
        day_start: Callable[[int], datetime],
        first_id_ms: int,
    ) -> None:
        self.rng = random.Random(f"keyworker demo plans {seed}")
        self.rnd = self.rng.random
        self.today_o = today.toordinal()
        self.worker = worker
        self.day_start = day_start
        self._id_clock = first_id_ms
        self._last_saved: datetime | None = None
        self.seen: set[str] = set()
        """What open cases' plans and referrals show so far: the first plans and referrals
        made are steered towards what is still missing."""

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

    def saved_at(self, ordinal: int) -> datetime:
        """A moment in office hours that day, after anything saved before it."""
        at = self.day_start(ordinal) + timedelta(minutes=5 * self.between(114, 186))
        last = self._last_saved
        if last is not None and at <= last:
            at = last + timedelta(minutes=5 * self.between(1, 8))
        self._last_saved = at
        return at

    # One client --------------------------------------------------------------------

    def for_case(
        self, case: Case, assessments: Sequence[Assessment], closure_reason: str | None
    ) -> Planned:
        """The client's plan revisions, referrals and signposting, for ClientRecord."""
        out = Planned()
        if case.start_o == 0:
            return out
        self._last_saved = None
        person = _Person(self, case, closure_reason, out)
        done = current(assessments)
        is_open = case.status in OPEN_CASES
        closed_plan = not is_open and "closed plan" not in self.seen
        if done and (closed_plan or self.chance(0.92 if is_open else 0.35)):
            self.plans(person, done)
        elif self.chance(0.35):
            pathway = case.needs[0]
            made_o = _weekday(self.between(case.start_o, person.last_o), case.start_o)
            person.referral(pathway, made_o, person.last_o)
        self.signposts(person)
        person.close_referrals()
        out.referrals = [r.finished() for r in sorted(person.referrals, key=_made_on)]
        out.signposts.sort(key=lambda s: s["given_on"])
        return out

    def plans(self, person: _Person, done: list[Assessment]) -> None:
        """The person's plan, and the one that replaced it after a review if it was."""
        last_o = person.last_o
        first_o = done[0].assessed_on.toordinal()
        if first_o >= last_o - 7 and self.chance(0.4):
            return  # assessed this week; the plan is still to do
        start_o = min(_weekday(first_o + self.pick(START_DELAYS), first_o), last_o)
        immediate = [
            own
            for own in done[0].sections.values()
            if own.pathway == "accommodation" and own.ratings and own.ratings.immediate_need
        ]
        if immediate and self.chance(0.6):  # somewhere to sleep first, plan after
            person.referral("accommodation", first_o, last_o, wanted=("night_shelter",))
        plan = self.plan(person, done, start_o)
        if plan.replaced_on:
            self.plan(person, done, plan.replaced_on, replacing=True)

    def plan(
        self, person: _Person, done: list[Assessment], start_o: int, replacing: bool = False
    ) -> _Plan:
        is_open = person.case.status in OPEN_CASES
        base = [a for a in done if a.assessed_on.toordinal() <= start_o][-1]
        reviews = [a for a in done if start_o < a.assessed_on.toordinal() <= person.last_o]
        recent = person.last_o - start_o <= 28
        story = self.pick(STORIES_RECENT if recent else STORIES_OLDER)
        if is_open:
            wanted = ("new",) if recent else ("changed", "not_agreed", "agreed", "new")
            story = next((s for s in wanted if s not in self.seen), story)
        keeps_up = self.chance(0.8)
        if is_open and "lax" not in self.seen and not recent:
            keeps_up = False
        replace_o = 0
        if not replacing and person.case.status != "transferred":
            later = [a for a in reviews if a.assessed_on.toordinal() - start_o >= 42]
            forced = is_open and "replaced" not in self.seen
            if later and (forced or self.chance(0.12)):
                replace_o = self.pick(later).assessed_on.toordinal()
        plan = _Plan(self, person, start_o, base, story, keeps_up)
        plan.run(reviews, replace_o)
        if person.closes:
            self.seen.add("closed plan")
        person.out.plans.extend(plan.revisions)
        self.seen |= plan.stages()
        return plan

    def signposts(self, person: _Person) -> None:
        case = person.case
        for _ in range(self.pick(SIGNPOST_COUNTS)):
            pathway = self.pick(case.needs)
            given_o = _weekday(self.between(case.start_o, person.last_o), case.start_o)
            partner = person.partner(pathway, given_o)
            if partner is not None and self.chance(0.75):
                agency_id: UUID | None = partner.agency.id
                information = partner.signpost
            else:
                agency_id, information = None, self.pick(SIGNPOSTED_ELSEWHERE[pathway])
            person.out.signposts.append(
                {
                    "id": self.uuid(),
                    "client_id": case.client_id,
                    "given_on": date.fromordinal(given_o),
                    "pathway": pathway,
                    "agency_id": agency_id,
                    "information": person.words(information),
                }
            )


class _Person:
    """One client's case while their plans and referrals are made."""

    def __init__(
        self, maker: DemoPlans, case: Case, closure_reason: str | None, out: Planned
    ) -> None:
        self.m = maker
        self.case = case
        self.closure_reason = closure_reason
        self.out = out
        self.last_o = min(case.end_o, maker.today_o - 1)
        """The last day anything happens: yesterday, or the day the case closed."""
        self.referrals: list[_Referral] = []

    @property
    def closes(self) -> bool:
        return self.case.status in ("closed", "transferred")

    def words(self, text: str) -> str:
        return text.replace("{name}", self.case.slots["name"]).replace(
            "{town}", self.case.slots["town"]
        )

    def partner(
        self, pathway: str, on: int, wanted: Sequence[str] = (), avoid: str = ""
    ) -> Partner | None:
        keys = wanted or PARTNERS_BY_PATHWAY[pathway]
        if self.case.gender != "f" and pathway in NOT_WOMEN:
            keys = NOT_WOMEN[pathway]
        found = [
            PARTNERS[k]
            for k in keys
            if k != avoid
            and (self.case.gender == "f" or not PARTNERS[k].women_only)
            and (not PARTNERS[k].closed_o or on < PARTNERS[k].closed_o - 30)
        ]
        return self.m.pick(found) if found else None

    def referral(
        self,
        pathway: str,
        made_o: int,
        limit_o: int,
        wanted: Sequence[str] = (),
        partner: Partner | None = None,
        step: dict[str, Any] | None = None,
    ) -> _Referral | None:
        """A referral made on `made_o`, its history running no later than `limit_o`."""
        m = self.m
        partner = partner or self.partner(pathway, made_o, wanted)
        if partner is None:
            return None
        final = m.pick(FINALS if limit_o - made_o < 180 else FINALS_OLD)
        if not self.closes:  # steered, so a small caseload has one of each
            room = limit_o - made_o
            unseen = [s for s in WANTED_FINALS if "referral " + s not in m.seen]
            final = next((s for s in unseen if WANTED_FINALS[s] <= room), final)
        method = m.pick(METHODS)
        referral = _Referral(self, partner, pathway, made_o, method, step)
        referral.history = self.history(referral, final, made_o, limit_o)
        if not self.closes:
            m.seen.add("referral " + referral.status)
        self.referrals.append(referral)
        return referral

    def history(
        self, referral: _Referral, final: str, made_o: int, limit_o: int
    ) -> list[tuple[str, int, str]]:
        m = self.m
        partner = referral.partner
        path = PATHS[final]
        if final == "withdrawn" and m.chance(0.5):
            path = ("accepted", "withdrawn")
        if partner.closed_o:
            limit_o = min(limit_o, partner.closed_o)
        history = [("made", made_o, "")]
        day = made_o
        for status in path:
            low, high = GAPS[status]
            day = _after(day, m.between(low, high))
            if day > limit_o:
                break
            history.append((status, day, self.update_note(status, partner)))
        closed_o = partner.closed_o
        if closed_o and closed_o <= self.last_o and history[-1][0] not in CLOSED_REFERRAL_STATUSES:
            history.append(("withdrawn", partner.closed_o, AGENCY_CLOSED))
        return history

    def update_note(self, status: str, partner: Partner) -> str:
        m = self.m
        if status == "accepted":
            return m.pick(ACCEPTED_NOTES)
        if status == "started":
            return m.pick(STARTED_NOTES)
        if status == "declined":
            return m.pick(partner.declined)
        if status == "withdrawn":
            return self.words(m.pick(WITHDRAWN_NOTES))
        return ""

    def close_referrals(self) -> None:
        """Referrals still open when the case closed are withdrawn that day."""
        if not self.closes:
            return
        for referral in self.referrals:
            if referral.status in OPEN_REFERRAL_STATUSES:
                referral.withdraw_at_closure(self.last_o)


class _Referral:
    """A referral while it is made: its history as (status, day, note), oldest first."""

    def __init__(
        self,
        person: _Person,
        partner: Partner,
        pathway: str,
        made_o: int,
        method: str,
        step: dict[str, Any] | None,
    ) -> None:
        self.person = person
        self.partner = partner
        self.pathway = pathway
        self.made_o = made_o
        self.method = method
        self.step = step
        self.id = person.m.uuid()
        self.history: list[tuple[str, int, str]] = []

    @property
    def status(self) -> str:
        return self.history[-1][0]

    def status_on(self, day: int) -> str:
        """The status on `day`, or "" before the referral was made."""
        found = [s for s, on, _ in self.history if on <= day]
        return found[-1] if found else ""

    def withdraw_at_closure(self, day: int) -> None:
        words = CLOSED_WITHDRAWN if self.person.case.status == "closed" else TRANSFERRED_WITHDRAWN
        self.history.append(("withdrawn", max(day, self.history[-1][1]), words))

    def finished(self) -> dict[str, Any]:
        m = self.person.m
        status, last_o, note = self.history[-1]
        follow_up = None
        outcome = ""
        if status in OPEN_REFERRAL_STATUSES and m.chance(0.9):
            due = last_o + m.between(7, 21)
            if due < m.today_o and m.chance(0.55):  # chased, and a new date set
                due = m.today_o + m.between(0, 21)
            follow_up = date.fromordinal(_weekday(due, last_o))
        elif status == "completed":
            outcome = m.pick(self.partner.completed)
        elif status in ("declined", "withdrawn"):  # the reason, said once, as the outcome
            outcome = note
            self.history[-1] = (status, last_o, "")
        return {
            "id": self.id,
            "client_id": self.person.case.client_id,
            "agency_id": self.partner.agency.id,
            "pathway": self.pathway,
            "made_on": date.fromordinal(self.made_o),
            "method": self.method,
            "history": [
                {"status": s, "on": date.fromordinal(on), "note": n} for s, on, n in self.history
            ],
            "outcome": outcome,
            "follow_up_on": follow_up,
            "step_id": self.step["id"] if self.step else None,
            "notes": self.person.words(m.pick(REFERRAL_NOTES[self.method])),
        }


class _Plan:
    """One plan while it is lived: events by day, each save a revision as storage makes it.

    The goals and steps are mutable dicts while the plan runs; every save snapshots them,
    so earlier revisions are never changed by later events.
    """

    def __init__(
        self,
        maker: DemoPlans,
        person: _Person,
        start_o: int,
        base: Assessment,
        story: str,
        keeps_up: bool,
    ) -> None:
        self.m = maker
        self.person = person
        self.id = maker.uuid()
        self.start_o = start_o
        self.base = base
        self.story = story
        self.keeps_up = keeps_up
        self.goals: list[dict[str, Any]] = []
        self.agreements: list[dict[str, Any]] = []
        next_review = base.next_review.toordinal() if base.next_review else 0
        self.review_o = (
            next_review if next_review > start_o + 14 else start_o + 7 * maker.between(8, 12)
        )
        self.status = "live"
        self.ended_on: int | None = None
        self.end_reason: str | None = None
        self.revisions: list[dict[str, Any]] = []
        self.replaced_on = 0
        self._saved: tuple[Any, ...] | None = None
        self._validated: dict[UUID, tuple[dict[str, Any], Goal]] = {}
        self._validated_steps: dict[UUID, tuple[dict[str, Any], Step]] = {}
        self._goals_revised = 0
        self._events: list[tuple[int, int, int, Callable[[int], None]]] = []
        self._seq = itertools.count()
        self._sessions: list[int] = []
        self._work: dict[int, list[tuple[dict[str, Any], str]]] = {}
        self._links: list[_Referral] = []
        self._referral_of: dict[UUID, _Referral] = {}
        self._referral_steps = 0
        self._reviewed: list[int] = []
        self._plan_reviews = 0

    # Events ------------------------------------------------------------------------

    def at(self, day: int, order: int, action: Callable[[int], None]) -> None:
        if day <= self.person.last_o:
            heapq.heappush(self._events, (day, order, next(self._seq), action))

    def run(self, reviews: list[Assessment], replace_o: int) -> None:
        m, person = self.m, self.person
        last_o = person.last_o
        reviewed = []
        for review in reviews:
            day = review.assessed_on.toordinal()
            if day == replace_o:
                self.at(day, END, lambda d, r=review: self.replace(d, r))
            elif self.keeps_up or m.chance(0.3):
                self.at(day, SESSION, lambda d, r=review: self.review(d, r))
            else:
                continue
            reviewed.append(day)
        check_ins = self.check_ins(reviewed)
        self._reviewed = reviewed
        self._sessions = sorted({*check_ins, *reviewed})
        self.at(self.start_o, START, self.start)
        if self.story != "new":
            soon = m.chance(0.45) or self.story == "not_agreed"
            answer_o = self.start_o if soon else self.start_o + m.between(1, 10)
            self.at(_weekday(answer_o, self.start_o), FIRST_ANSWER, self.first_answer)
        for day in check_ins:
            self.at(day, SESSION, self.check_in)
        if person.closes:
            self.at(last_o, CLOSING, self.closing)
            self.at(last_o, END, self.close)
        while self._events and self.status == "live":
            day, _, _, action = heapq.heappop(self._events)
            action(day)
        if self.status == "live":
            self.finish_story()

    def check_ins(self, reviewed: list[int]) -> list[int]:
        """Days the plan is looked at after it starts and after each review: fewer when
        the keyworker is behind with it."""
        m = self.m
        anchors = [self.start_o, *reviewed] if self.keeps_up else [self.start_o]
        found = []
        for anchor, until in zip(anchors, [*anchors[1:], self.person.last_o + 1], strict=True):
            day = anchor
            counts = (0, 0, 0, 1) if anchor == self.start_o else (0,)
            for _ in range(m.pick(counts if self.keeps_up else (0, 0, 0, 1))):
                day = _weekday(day + m.between(10, 35), day + 1)
                if day >= until:
                    break
                found.append(day)
        if self.keeps_up and not self.person.closes and m.chance(0.5):  # looked at lately
            lately = _weekday(self.person.last_o - m.between(0, 20), self.start_o + 1)
            if lately > max([self.start_o + 7, *found, *reviewed]):
                found.append(lately)
        return [d for d in found if d not in reviewed]

    # What happens ------------------------------------------------------------------

    def start(self, day: int) -> None:
        m = self.m
        suggested = suggest_goals(self.base, date.fromordinal(day))
        count = m.pick(GOAL_COUNTS)
        for rank, goal in enumerate(suggested[: count + 1]):
            status = "future" if rank == count else "active"
            if status == "future" and not m.chance(0.25):
                break
            self.goals.append(self.goal(goal.pathway, self.base.id, day, status))
        if not self.goals:  # needs all low: one goal on what the notes are mostly about
            self.goals.append(self.goal(self.person.case.needs[0], None, day, "active"))
        pending = [found for goal in self.goals if (found := self.refer_for(goal, day))]
        self.save(day)
        self.make_referrals(pending)
        self.schedule_review(day)
        if m.chance(0.3):
            self.unlinked_referral(day)

    def first_answer(self, day: int) -> None:
        m = self.m
        if self.story == "not_agreed":
            answer = m.pick(("did_not_agree", "could_not_answer"))
        else:
            answer = "agreed" if m.chance(0.85) else m.pick(("did_not_agree", "could_not_answer"))
        self.agree(day, answer)

    def tend(self, day: int) -> list[_Pending]:
        """What a look at the plan does: declined referrals tried elsewhere, steps past
        their dates caught up with, and the steps' planned progress recorded."""
        pending = self.try_elsewhere(day)
        for goal in self.goals:
            if goal["status"] == "active":
                self.catch_up(goal, day)
        self.do_work(day)
        return pending

    def check_in(self, day: int) -> None:
        pending = self.tend(day)
        self.save(day)
        self.make_referrals(pending)
        self.ask_again(day)

    def review(self, day: int, assessment: Assessment) -> None:
        m = self.m
        self.review_goals(day, assessment)
        pending = self.tend(day)
        live = {g["pathway"] for g in self.goals if g["status"] in ("active", "future")}
        added = []
        for goal in suggest_goals(assessment, date.fromordinal(day)):
            if goal.pathway not in live and len(added) < 2:
                added.append(self.goal(goal.pathway, assessment.id, day, "active"))
        self.goals.extend(added)
        pending += [found for goal in added if (found := self.refer_for(goal, day))]
        next_review = assessment.next_review
        self.review_o = next_review.toordinal() if next_review else day + 7 * m.between(8, 12)
        self.save(day)
        self.make_referrals(pending)
        self.schedule_review(day)
        if self.story in ("agreed", "changed") and m.chance(0.3):
            self.at(day, ANSWER, lambda d: self.agree(d, "agreed"))

    def review_goals(self, day: int, assessment: Assessment) -> None:
        """Goals whose need has fallen are achieved; now and then one is dropped."""
        m = self.m
        needs = _needs(assessment)
        for goal in self.goals:
            if goal["status"] not in ("active", "future"):
                continue
            need = needs.get(goal["pathway"])
            if need is not None and need[0] in ("none", "low") and not need[1] and m.chance(0.85):
                self.achieve(goal, day)
            elif m.chance(0.07):
                goal["status"] = "removed"
                goal["removed_reason"] = self.person.words(m.pick(REMOVED_REASONS))
                self.close_steps(goal, day)
            elif goal["status"] == "future" and m.chance(0.6):
                goal["status"] = "active"

    def schedule_review(self, day: int) -> None:
        """A review of the plan on its own, when no assessment review comes first."""
        m = self.m
        due = self.review_o
        if not self.keeps_up or self._plan_reviews >= 1 or not m.chance(0.85):
            return
        if any(day < r <= due + 28 for r in self._reviewed):
            return
        self._plan_reviews += 1
        self.at(_weekday(due + m.between(-7, 10), day + 1), SESSION, self.plan_review)

    def plan_review(self, day: int) -> None:
        m = self.m
        pending = self.tend(day)
        for goal in self.goals:
            if goal["status"] not in ("active", "future"):
                continue
            done = all(s["status"] in ("completed", "not_needed") for s in goal["steps"])
            if goal["status"] == "active" and done and m.chance(0.6):
                goal["status"] = "achieved"
                goal["achieved_on"] = date.fromordinal(day)
        self.review_o = day + 7 * m.between(8, 12)
        self.save(day)
        self.make_referrals(pending)
        self.schedule_review(day)
        if self.story in ("agreed", "changed") and m.chance(0.3):
            self.at(day, ANSWER, lambda d: self.agree(d, "agreed"))

    def replace(self, day: int, assessment: Assessment) -> None:
        """End the plan for a new one, unless a referral made for it is still going."""
        if any(r.status in OPEN_REFERRAL_STATUSES or r.history[-1][1] > day for r in self._links):
            self.review(day, assessment)
            return
        self.review_goals(day, assessment)
        self.save(day)
        self.end(day, REPLACED_END.format(day=uk_date(date.fromordinal(day))))
        self.replaced_on = day

    def closing(self, day: int) -> None:
        """Referrals made for steps and still open are withdrawn as the case closes."""
        for referral in self._links:
            if referral.status in OPEN_REFERRAL_STATUSES:
                referral.withdraw_at_closure(day)
                self.move_step(referral, day)

    def close(self, day: int) -> None:
        person = self.person
        if person.closure_reason == "needs_met":
            for goal in self.goals:
                if goal["status"] in ("active", "future") and self.m.chance(0.8):
                    self.achieve(goal, day)
            self.save(day)
        if person.case.status == "transferred":
            reason = TRANSFERRED_END
        else:
            reason = person.words(END_REASONS[person.closure_reason or "other"])
        self.end(day, reason)

    def end(self, day: int, reason: str) -> None:
        self.status, self.ended_on, self.end_reason = "ended", day, reason
        self.save(day)

    def finish_story(self) -> None:
        """Leave the plan where its story says: agreed as it stands, or changed since."""
        m = self.m
        last_o = self.revisions_last_day()
        agreed = self.agreed_as_it_stands()
        if self.story == "agreed" and not agreed:
            day = min(_weekday(last_o + m.between(0, 7), last_o), self.person.last_o)
            self.agree(day, "agreed")
        elif self.story == "changed" and agreed and last_o < self.person.last_o:
            latest = self.person.last_o
            day = _weekday(m.between(max(last_o + 1, latest - 45), latest), last_o)
            live = [g for g in self.goals if g["status"] == "active"]
            if live:
                goal = m.pick(live)
                had = {s["what"] for s in goal["steps"]}
                fresh = [s for s in STEP_BANK[goal["pathway"]] if s[0] not in had]
                what, who, detail = m.pick(fresh or STEPS_ADDED_LATER)
                goal["steps"].append(self.step(what, who, detail, day, day + m.between(7, 28)))
                self.save(day)

    # Changes -----------------------------------------------------------------------

    def goal(
        self, pathway: str, assessment_id: UUID | None, day: int, status: str
    ) -> dict[str, Any]:
        m, case = self.m, self.person.case
        choices = GOAL_WORDS[pathway]
        if case.children:
            choices = choices + GOAL_WORDS_WITH_CHILDREN.get(pathway, ())
        bank = STEP_BANK[pathway]
        chosen = sorted(m.rng.sample(range(len(bank)), min(m.pick(STEP_COUNTS), len(bank))))
        steps = []
        target = day
        for index in chosen:
            what, who, detail = bank[index]
            target += m.between(5, 21)
            steps.append(self.step(what, who, detail, day, target if m.chance(0.85) else None))
        goal = {
            "id": m.uuid(),
            "pathway": pathway,
            "words": self.person.words(m.pick(choices)),
            "assessment_id": assessment_id,
            "status": status,
            "added_on": date.fromordinal(day),
            "target_date": date.fromordinal(day + 7 * m.between(12, 26))
            if m.chance(0.35)
            else None,
            "achieved_on": None,
            "removed_reason": None,
            "steps": steps,
        }
        if status == "active":
            for step in steps:
                self.plan_work(step, day)
        return goal

    def step(
        self, what: str, who: str, detail: str, day: int, target: int | None
    ) -> dict[str, Any]:
        return {
            "id": self.m.uuid(),
            "what": what,
            "who": who,
            "who_detail": detail,
            "refer_to": None,
            "target_date": date.fromordinal(_weekday(target, day)) if target else None,
            "status": "not_started",
            "completed_on": None,
            "progress": [],
        }

    def plan_work(self, step: dict[str, Any], day: int) -> None:
        """What becomes of a step at the sessions after `day`, decided now."""
        m = self.m
        later = [s for s in self._sessions if s > day]
        if not later:
            return
        roll = m.rnd()
        if roll < 0.5:
            target = step["target_date"].toordinal() if step["target_date"] else day + 14
            when = next((s for s in later if s >= target - 7), later[-1])
            self._work.setdefault(when, []).append((step, "done"))
        elif roll < 0.7:
            self._work.setdefault(m.pick(later), []).append((step, "going"))
        elif roll < 0.82 and len(later) > 1:
            first = m.between(0, len(later) - 2)
            self._work.setdefault(later[first], []).append((step, "going"))
            self._work.setdefault(m.pick(later[first + 1 :]), []).append((step, "done"))
        elif roll < 0.87:
            self._work.setdefault(m.pick(later), []).append((step, "stuck"))

    def do_work(self, day: int) -> None:
        m, person = self.m, self.person
        added = {
            id(s): g["added_on"].toordinal()
            for g in self.goals
            if g["status"] in ("active", "future")
            for s in g["steps"]
        }
        for step, fate in self._work.pop(day, []):
            if id(step) not in added or step["status"] not in OPEN_STEP_STATUSES:
                continue
            if fate == "done":
                step["status"] = "completed"
                step["completed_on"] = date.fromordinal(max(added[id(step)], day - m.between(0, 5)))
                if m.chance(0.3):
                    self.note(step, day, person.words(m.pick(PROGRESS_DONE)))
            elif fate == "going" and step["status"] == "not_started":
                step["status"] = "in_progress"
                self.note(step, day, person.words(m.pick(PROGRESS_STARTED[step["who"]])))
            elif fate == "stuck":
                step["status"] = "cannot_yet"
                self.note(step, day, m.pick(PROGRESS_STUCK))

    def catch_up(self, goal: dict[str, Any], day: int) -> None:
        """At a review, steps past their target date are done, moved on or dropped."""
        m = self.m
        for step in goal["steps"]:
            referral = self._referral_of.get(step["id"])
            fell_through = referral and referral.status_on(day) in ("declined", "withdrawn")
            if fell_through and step["status"] == "in_progress" and m.chance(0.8):
                step["status"] = "not_needed"
                self.note(step, day, LET_GO)
                continue
            target = step["target_date"]
            if (
                step["status"] not in OPEN_STEP_STATUSES
                or target is None
                or target.toordinal() >= day
            ):
                continue
            roll = m.rnd()
            if roll < 0.45 and step["refer_to"] is None:
                step["status"] = "completed"
                step["completed_on"] = date.fromordinal(m.between(target.toordinal(), day))
            elif roll < 0.75:
                step["target_date"] = date.fromordinal(_weekday(day + m.between(14, 42), day))
            elif roll < 0.85 and step["refer_to"] is None:
                step["status"] = "not_needed"
                self.note(step, day, m.pick(PROGRESS_DROPPED))

    def note(self, step: dict[str, Any], day: int, text: str, by: str | None = None) -> None:
        step["progress"].append(
            {"on": date.fromordinal(day), "text": text, "by": self.m.worker if by is None else by}
        )

    def achieve(self, goal: dict[str, Any], day: int) -> None:
        goal["status"] = "achieved"
        goal["achieved_on"] = date.fromordinal(day)
        self.close_steps(goal, day)

    def close_steps(self, goal: dict[str, Any], day: int) -> None:
        """A finished goal's own steps are done or no longer needed; referrals run on."""
        for step in goal["steps"]:
            if step["refer_to"] is not None or step["status"] not in OPEN_STEP_STATUSES:
                continue
            if step["status"] == "in_progress":
                step["status"] = "completed"
                step["completed_on"] = date.fromordinal(day)
            else:
                step["status"] = "not_needed"

    def refer_for(self, goal: dict[str, Any], day: int) -> _Pending | None:
        """Now and then a goal's first step is a referral, made soon after."""
        m, person = self.m, self.person
        if self._referral_steps >= 1 or goal["status"] != "active" or not m.chance(0.12):
            return None
        made_o = _weekday(day + m.pick((0, 0, 1, 2, 5, 8)), day)
        partner = person.partner(goal["pathway"], made_o)
        if partner is None or made_o > person.last_o:
            return None
        return self.referral_step(goal, partner, day, made_o, first=True)

    def referral_step(
        self, goal: dict[str, Any], partner: Partner, day: int, made_o: int, first: bool
    ) -> _Pending:
        """A "make a referral to" step, to save before the referral is made from it."""
        step = self.step(partner.step, "keyworker", "", day, made_o + self.m.between(21, 56))
        step["refer_to"] = partner.agency.id
        goal["steps"].insert(0 if first else len(goal["steps"]), step)
        self._referral_steps += 1
        return goal["pathway"], step, partner, made_o

    def make_referrals(self, pending: list[_Pending]) -> None:
        person = self.person
        for pathway, step, partner, made_o in pending:
            referral = person.referral(pathway, made_o, person.last_o, partner=partner, step=step)
            assert referral is not None
            self._links.append(referral)
            self._referral_of[step["id"]] = referral
            for status, on, _ in referral.history:
                self.at(on, REFERRAL, lambda d, r=referral, s=status: self.referral_moved(r, s, d))

    def referral_moved(self, referral: _Referral, status: str, day: int) -> None:
        if referral.status_on(day) == status:
            self.move_step(referral, day)

    def move_step(self, referral: _Referral, day: int) -> None:
        """As `keyworker.plans.step_after_referral`, then saved as storage does."""
        step = referral.step
        assert step is not None
        if step["status"] in ("completed", "not_needed"):
            return
        status, on, _ = [h for h in referral.history if h[1] <= day][-1]
        label = REFERRAL_STATUSES.label(status).lower()
        note = {
            "on": date.fromordinal(on),
            "text": f"Referral to {referral.partner.agency.name} {label}",
            "by": "",
        }
        if step["progress"] and step["progress"][-1] == note:
            return
        step["progress"].append(note)
        if status == "completed":
            step["status"] = "completed"
            step["completed_on"] = date.fromordinal(on)
        elif status in OPEN_REFERRAL_STATUSES:
            step["status"] = "in_progress"
        self.save(day)

    def try_elsewhere(self, day: int) -> list[_Pending]:
        """A declined referral's step: given up on, and tried with another agency."""
        m, person = self.m, self.person
        pending = []
        for referral in list(self._links):
            step = referral.step
            assert step is not None
            if referral.status_on(day) != "declined" or step["status"] != "in_progress":
                continue
            goal = next(g for g in self.goals if any(s is step for s in g["steps"]))
            other = person.partner(goal["pathway"], day, avoid=_key(referral.partner))
            if goal["status"] != "active" or other is None or self._referral_steps >= 2:
                continue
            if m.chance(0.6):
                step["status"] = "not_needed"
                self.note(step, day, DECLINED_NEXT.format(agency=other.agency.name))
                pending.append(self.referral_step(goal, other, day, day, first=False))
        return pending

    def unlinked_referral(self, day: int) -> None:
        m, person = self.m, self.person
        pathway = m.pick(self.goals)["pathway"]
        made_o = _weekday(m.between(day, person.last_o), day)
        person.referral(pathway, made_o, person.last_o)

    def ask_again(self, day: int) -> None:
        """After a "no" or "could not answer", ask again at the next meeting."""
        last = self.agreements[-1] if self.agreements else None
        if last is not None and last["answer"] != "agreed" and self.story != "not_agreed":
            self.agree(day, "agreed")

    def agree(self, day: int, answer: str) -> None:
        if self.status != "live":
            return
        note = ""
        if answer != "agreed":
            note = self.person.words(self.m.pick(DISAGREED_NOTES[answer]))
        self.agreements.append(
            {
                "answer": answer,
                "on": date.fromordinal(max(day, self.start_o)),
                "revision": len(self.revisions),
                "note": note,
            }
        )
        self.save(day)

    # Saving ------------------------------------------------------------------------

    def save(self, day: int) -> None:
        """A new revision, if anything changed: storage's `_next_revision`."""
        goals = [
            {**g, "steps": [{**s, "progress": list(s["progress"])} for s in g["steps"]]}
            for g in self.goals
        ]
        rest = (self.status, self.review_o, len(self.agreements))
        if self._saved is not None and (goals, rest) == self._saved:
            return
        revision = len(self.revisions) + 1
        if self._saved is None or goals != self._saved[0]:
            self._goals_revised = revision
        self._saved = (goals, rest)
        validated = [self.validated(goal) for goal in goals]
        self.revisions.append(
            {
                "id": self.id,
                "client_id": self.person.case.client_id,
                "started_on": date.fromordinal(self.start_o),
                "status": self.status,
                "ended_on": date.fromordinal(self.ended_on) if self.ended_on else None,
                "end_reason": self.end_reason,
                "review_date": date.fromordinal(self.review_o),
                "goals": validated,
                "agreements": list(self.agreements),
                "revision": revision,
                "goals_revised": self._goals_revised,
                "saved_at": self.m.saved_at(day),
                "saved_by": self.m.worker,
            }
        )

    def validated(self, goal: dict[str, Any]) -> Goal:
        """The goal as a model; what has not changed since the last save is not validated
        again, which keeps a plan's many revisions cheap to make."""
        kept = self._validated.get(goal["id"])
        if kept is not None and kept[0] == goal:
            return kept[1]
        steps = []
        for step in goal["steps"]:
            had = self._validated_steps.get(step["id"])
            if had is None or had[0] != step:
                had = self._validated_steps[step["id"]] = (step, Step.model_validate(step))
            steps.append(had[1])
        model = Goal.model_validate({**goal, "steps": steps})
        self._validated[goal["id"]] = (goal, model)
        return model

    def revisions_last_day(self) -> int:
        return max(self.start_o, max(_day_of(r) for r in self.revisions))

    def agreed_as_it_stands(self) -> bool:
        last = self.agreements[-1] if self.agreements else None
        return (
            last is not None
            and last["answer"] == "agreed"
            and (last["revision"] >= self._goals_revised)
        )

    def stages(self) -> set[str]:
        """What this plan shows on an open case, for steering the plans made after it."""
        found = {"replaced"} if self.replaced_on else set()
        if self.status != "live" or self.person.closes or self.person.case.status == "referred":
            return found
        last = self.agreements[-1] if self.agreements else None
        if last is None:
            found.add("new")
        elif last["answer"] != "agreed":
            found.add("not_agreed")
        else:
            found.add("agreed" if self.agreed_as_it_stands() else "changed")
        if self.review_o < self.m.today_o:
            found.add("lax")
        return found


def _needs(assessment: Assessment) -> dict[str, tuple[str | None, bool]]:
    return {
        own.pathway: (own.ratings.need_level, own.ratings.immediate_need)
        for own in assessment.sections.values()
        if own.pathway and own.ratings is not None and own.skipped is None
    }


def _key(partner: Partner) -> str:
    return next(k for k, p in PARTNERS.items() if p is partner)


def _made_on(referral: _Referral) -> int:
    return referral.made_o


def _day_of(revision: dict[str, Any]) -> int:
    return revision["saved_at"].date().toordinal()


def _after(ordinal: int, days: int) -> int:
    """`days` later, or the Monday after if that falls at a weekend."""
    later = ordinal + days
    weekday = later % 7  # date.fromordinal(1) is a Monday, so 6 is Saturday, 0 Sunday
    return later + (2 if weekday == 6 else 1 if weekday == 0 else 0)


def _weekday(ordinal: int, earliest: int) -> int:
    """The day, or the Friday before if it falls at a weekend, but not before `earliest`."""
    weekday = ordinal % 7  # date.fromordinal(1) is a Monday, so 6 is Saturday, 0 Sunday
    if weekday in (0, 6):
        ordinal -= 2 if weekday == 0 else 1
    return max(ordinal, earliest)
