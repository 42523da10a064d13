"""A clearly fictional, realistic demo caseload for trying the tool, screenshots and benchmarks.

Everything comes from one seeded random generator, so the same arguments always give the
same caseload, byte for byte. Nothing here can be a real person's record: phone numbers
are in Ofcom's range for drama (07700 900xxx), email addresses are on example.org and
example.com, streets, towns, prisons and most agencies are invented. Names are common UK
names, so a name alone can match a real person; nothing else about them will.

The generator builds plain dicts and lets the models validate them once per client: that
keeps it fast enough to fill a 500,000-note benchmark caseload in a few seconds.
"""

from __future__ import annotations

import random
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from itertools import pairwise, product
from typing import Any
from uuid import UUID

from keyworker.assessments import Assessment
from keyworker.demo_appointments import Booking, DemoAppointments
from keyworker.demo_assessments import Case, DemoAssessments
from keyworker.demo_plans import DemoPlans
from keyworker.identifiers import new_case_ref, pnc_check_letter, time_ordered_id
from keyworker.models import Client, ClientRecord

# Names: common in the UK, mixed genders and backgrounds.
MALE_NAMES = (
    "Daniel", "James", "Michael", "David", "Christopher", "Matthew", "Thomas", "Ryan",
    "Jamie", "Liam", "Connor", "Lewis", "Kieran", "Jordan", "Nathan", "Craig", "Lee",
    "Darren", "Wayne", "Gary", "Paul", "Mark", "Stephen", "Anthony", "Joseph", "William",
    "Jack", "Callum", "Reece", "Jake", "Mohammed", "Muhammad", "Imran", "Bilal", "Hassan",
    "Tariq", "Adil", "Arjun", "Ravi", "Sanjay", "Kwame", "Kofi", "Tunde", "Oluwaseun",
    "Emeka", "Jermaine", "Tyrone", "Marcus", "Andre", "Dwayne", "Leon", "Aaron", "Piotr",
    "Tomasz", "Marius", "Andrei", "Sean", "Declan", "Patrick", "Gareth", "Rhys", "Owen",
    "Dylan", "Alexander", "Jonathan", "Samuel", "Benjamin", "Richard", "Robert", "Shane",
    "Dean", "Kyle",
)  # fmt: skip
FEMALE_NAMES = (
    "Sarah", "Emma", "Laura", "Gemma", "Kelly", "Stacey", "Danielle", "Jade", "Chelsea",
    "Amy", "Rebecca", "Nicola", "Hayley", "Natalie", "Leanne", "Michelle", "Lisa", "Donna",
    "Tracey", "Samantha", "Jessica", "Charlotte", "Katherine", "Elizabeth", "Victoria",
    "Chloe", "Shannon", "Aisha", "Fatima", "Amina", "Yasmin", "Priya", "Sunita", "Nadia",
    "Zainab", "Shanice", "Chantelle", "Abena", "Chidinma", "Grace", "Precious", "Natasha",
    "Agnieszka", "Kasia", "Roxana", "Siobhan", "Ciara", "Bethan", "Megan", "Rhian",
    "Kayleigh", "Toni",
)  # fmt: skip
NEUTRAL_NAMES = ("Alex", "Sam", "Jordan", "Charlie", "Jamie", "Robin", "Casey", "Ash", "Riley")
CHILD_NAMES = (
    "Olivia", "Amelia", "Isla", "Ava", "Lily", "Freya", "Poppy", "Maryam", "Ivy", "Evie",
    "Noah", "Muhammad", "Oliver", "Leo", "George", "Harry", "Oscar", "Archie", "Alfie",
    "Theo", "Kai", "Tyler", "Mason", "Riley", "Ruby", "Layla", "Zara", "Tia", "Kacper",
)  # fmt: skip
SURNAMES = (
    "Smith", "Jones", "Williams", "Taylor", "Brown", "Davies", "Evans", "Wilson", "Thomas",
    "Johnson", "Roberts", "Robinson", "Thompson", "Wright", "Walker", "White", "Edwards",
    "Hughes", "Green", "Hall", "Lewis", "Harris", "Clarke", "Patel", "Jackson", "Wood",
    "Turner", "Martin", "Cooper", "Hill", "Ward", "Morris", "Moore", "Clark", "Lee", "King",
    "Baker", "Harrison", "Morgan", "Allen", "James", "Scott", "Phillips", "Watson", "Davis",
    "Parker", "Price", "Bennett", "Young", "Griffiths", "Mitchell", "Kelly", "Cook",
    "Carter", "Richardson", "Bailey", "Collins", "Bell", "Shaw", "Murphy", "Miller", "Cox",
    "Richards", "Khan", "Marshall", "Anderson", "Simpson", "Ellis", "Adams", "Singh",
    "Begum", "Wilkinson", "Foster", "Chapman", "Powell", "Webb", "Rogers", "Gray", "Mason",
    "Ali", "Hussain", "Campbell", "Matthews", "Owen", "Palmer", "Holmes", "Mills", "Barnes",
    "Knight", "Lloyd", "Butler", "Russell", "Barker", "Fisher", "Stevens", "Jenkins",
    "Murray", "Dixon", "Harvey", "Okafor", "Mensah", "Adeyemi", "Osei", "Nowak",
    "Kowalski", "Popescu", "O'Brien", "O'Neill", "McCarthy", "Doherty", "Ahmed", "Rahman",
    "Iqbal", "Sharma", "Francis", "Grant", "Reid",
)  # fmt: skip
SHORT_NAMES = {
    "Daniel": ("Dan", "Danny"), "James": ("Jim", "Jimmy"), "Michael": ("Mike", "Mikey"),
    "Christopher": ("Chris",), "Matthew": ("Matt",), "Thomas": ("Tom", "Tommy"),
    "Anthony": ("Tony", "Ant"), "Joseph": ("Joe",), "William": ("Will", "Billy"),
    "Stephen": ("Steve",), "Alexander": ("Alex",), "Jonathan": ("Jon",), "Samuel": ("Sam",),
    "Benjamin": ("Ben",), "Richard": ("Rich", "Ricky"), "Robert": ("Rob", "Bobby"),
    "Mohammed": ("Mo",), "Muhammad": ("Mo",), "Oluwaseun": ("Seun",), "Patrick": ("Paddy",),
    "Samantha": ("Sam",), "Jessica": ("Jess",), "Katherine": ("Kate", "Kat"),
    "Elizabeth": ("Liz", "Beth"), "Victoria": ("Vicky", "Tori"), "Rebecca": ("Becky", "Bex"),
    "Nicola": ("Nicky",), "Natasha": ("Tash",), "Agnieszka": ("Aga",), "Danielle": ("Dani",),
    "Michelle": ("Shell",), "Natalie": ("Nat",), "Tunde": ("Tee",), "Chidinma": ("Chi",),
}  # fmt: skip

# Places: invented streets and towns, invented prisons.
TOWNS = (
    "Harbridge", "Ashworth", "Kelminster", "Northcote Vale", "Eastholme", "Stanmoor",
    "Wedbury", "Castlemere", "Ravensford", "Millhaven", "Oakhurst Green", "Sallowby",
)  # fmt: skip
STREET_NAMES = (
    "Alder", "Beacon", "Chapel", "Coronation", "Foundry", "Gasworks", "Hawthorn",
    "Kingfisher", "Lark", "Mill", "Orchard", "Quarry", "Rowan", "Station", "Tanner's",
    "Victoria", "Weaver", "Willow", "Wharf", "Ashgrove", "Bramble", "Cobden", "Elmfield",
    "Fernbank", "Greenway", "Holly", "Lindley", "Marlpit", "Nettleton", "Pinfold",
)  # fmt: skip
STREET_KINDS = (
    "Street", "Road", "Lane", "Close", "Avenue", "Terrace", "Way", "Crescent", "Court",
    "Gardens", "Walk", "Grove",
)  # fmt: skip
PRISONS = (
    "HMP Greystone", "HMP Marshgate", "HMP Ridley Fields", "HMP Sandmere", "HMP Oakholm",
    "HMP Kestrel Hill", "HMP Ashdown Vale",
)  # fmt: skip
HOSTELS = ("Harbour House", "Phoenix Lodge", "Cedar House", "the Bridge Project hostel")
HOUSING = (
    "Northgate Housing", "Keystone Housing Association", "the council's housing options team",
    "Millbrook Homes",
)  # fmt: skip
RECOVERY = ("Bridgeway Recovery", "the Turning Tide drug and alcohol service", "Open Road")
EMPLOYMENT = ("Fresh Start Employment", "Second Chance Works", "the Jobcentre")
SURGERY_KINDS = ("Medical Centre", "Surgery", "Health Centre", "Family Practice")

# Identifiers and contact details that cannot reach anyone.
DRAMA_PHONE_PREFIX = "07700 900"
EMAIL_DOMAINS = ("example.org", "example.com")
LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"

STATUS_WEIGHTS = {"active": 55, "referred": 12, "paused": 10, "closed": 18, "transferred": 5}
CLOSURE_WEIGHTS = {
    "needs_met": 40, "disengaged": 25, "moved_out_of_area": 10, "returned_to_custody": 12,
    "transferred": 6, "deceased": 1, "other": 6,
}  # fmt: skip
RISK_WEIGHTS = {
    "lone_working": 20, "domestic_abuse": 18, "child_safeguarding": 12, "self_harm": 15,
    "substance_use": 20, "exploitation": 8, "other": 7,
}  # fmt: skip
RISK_LEVEL_WEIGHTS = {"low": 25, "medium": 45, "high": 25, "very_high": 5}
FAMILY_CLIENT_CHANCE = 1 / 7  # one client in eight is a family member in their own right
REFERRED_NOTE_SHARE = 0.25  # referred cases are new, so they have fewer notes

CONTACTS_IN_COMMUNITY = {
    "face_to_face": 34, "phone": 20, "text_message": 12, "home_visit": 8,
    "third_party": 11, "email": 6, "video": 4, "letter": 2, "prison_visit": 0,
}  # fmt: skip
CONTACTS_IN_CUSTODY = {
    "prison_visit": 45, "video": 12, "phone": 8, "letter": 10, "third_party": 17, "email": 8,
}  # fmt: skip
MINUTES_BY_CONTACT = {
    "face_to_face": (30, 90), "home_visit": (45, 90), "prison_visit": (60, 120),
    "phone": (5, 30), "video": (20, 45), "text_message": (0, 5), "email": (5, 15),
    "letter": (10, 20), "third_party": (5, 30),
}  # fmt: skip

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")
TIMES = ("9:30", "10:00", "10:30", "11:00", "11:30", "12:00", "1:30", "2:00", "2:30", "3:00")
AMOUNTS = ("150", "230", "300", "450", "600", "850", "1,200", "1,900", "2,400", "3,100")
WEEKLY_AMOUNTS = ("5", "8", "10", "12", "15", "20")

# Case note text: per-pathway sentences with slots filled per client and per note.
# Sentences use past tense, which reads right with he, she or they.
PATHWAY_TEXT: dict[str, dict[str, tuple[Any, ...]]] = {
    "accommodation": {
        "community": (
            "Went with {name} to the housing options appointment with {ho}; homeless "
            "application taken and a room offered at {hostel}.",
            "{name} viewed a one-bed flat through {housing} and liked it. The housing officer "
            "will confirm the offer by {day}.",
            "Talked about the rent arrears on the tenancy; agreed to offer {housing} a "
            "repayment plan of £{weekly} a week.",
            "Helped {name} fill in the housing register form and bid on two properties.",
            "{name} said the room at {hostel} had damp and mould again. I will raise it with {ho}.",
            "Talked about moving on from the hostel. {Sub} wanted to stay in {town} to be near "
            "family.",
            "Chased the housing costs element of the Universal Credit claim so rent goes to the "
            "landlord directly.",
            "Made a Duty to Refer to the council's housing team and sent it to {ho} the same day.",
            "Read the tenancy agreement through with {name} before {sub} signed it.",
            "{name} was sofa surfing at a friend's; made an emergency referral to the night "
            "shelter.",
            "Applied to the furniture scheme for a bed, cooker and fridge for the new flat.",
        ),
        "custody": (
            "Confirmed the release address at {hostel} with the prison's resettlement team.",
            "No release address yet; made a Duty to Refer to the housing team in {town}.",
            "Talked about where {name} could stay on release; family address ruled out by "
            "probation.",
        ),
        "subjects": (
            ("housing options appointment", "{ho} at {housing}"),
            ("flat viewing", "{housing}"),
            ("tenancy sign-up", "{ho} at {housing}"),
            ("move-on meeting", "the hostel staff at {hostel}"),
        ),
    },
    "education_skills_work": {
        "community": (
            "Worked on {name}'s CV and added the forklift licence gained in custody.",
            "{name} started the CSCS construction card course at {college} and went to every "
            "session this week.",
            "Went with {name} to meet work coach {coach} at the Jobcentre to agree the "
            "claimant commitment.",
            "Talked about disclosing convictions to employers and practised explaining it in "
            "an interview.",
            "Applied together for a warehouse job and a kitchen porter job through {employment}.",
            "{name} had an interview at a café in {town} on {day}; we did a mock interview "
            "beforehand.",
            "Signed {name} up for English and maths functional skills at {college}.",
            "{name} got a trial shift with a removals firm and seemed pleased, if a bit nervous.",
            "Looked at volunteering at the community food bank to build up references.",
        ),
        "custody": (
            "{name} finished the kitchen skills course inside and wanted catering work on release.",
            "Passed {name}'s details to {employment} so they can meet {obj} at the gate.",
        ),
        "subjects": (
            ("work search review", "work coach {coach} at the Jobcentre"),
            ("CSCS course", "{college}"),
            ("job interview", "{employment}"),
            ("functional skills assessment", "{college}"),
        ),
    },
    "health": {
        "community": (
            "Went with {name} to register at {gp}. Registration accepted and a first GP "
            "appointment booked for {day} at {time}.",
            "{name} had run out of medication; phoned the GP surgery and got a repeat "
            "prescription sent to the pharmacy.",
            "Talked about low mood and poor sleep. {Sub} agreed to a referral to talking "
            "therapies.",
            "Went with {name} to the mental health assessment; outcome letter to follow.",
            "Helped {name} find an NHS dentist taking new patients and booked a check-up.",
            "Chased the GP at {gp} for a fit note to send to the DWP.",
            "{name} said crowded places made {obj} anxious, so we will meet somewhere quieter "
            "next time.",
            "Talked about food and exercise; {name} wanted to try the free gym sessions at the "
            "leisure centre.",
            "Reminded {name} about the hospital outpatient appointment on {day} and sorted a "
            "bus pass.",
        ),
        "custody": (
            "Filled in the GP registration form with {name} ready for release; prison "
            "healthcare will send 7 days of medication.",
            "Asked prison healthcare to share the mental health care plan with {gp}.",
        ),
        "subjects": (
            ("GP appointment", "{gp}"),
            ("mental health assessment", "the community mental health team"),
            ("medication review", "the pharmacy"),
            ("GP review", "{gp}"),
        ),
    },
    "drugs_alcohol": {
        "community": (
            "{name} went to the key work session at {recovery} with {rw}; the methadone script "
            "continues at the same dose.",
            "Talked about cravings and triggers; {name} said weekends were the hardest.",
            "Went with {name} to the assessment at {recovery}. {Sub} agreed to start the group "
            "programme.",
            "Drug test at {recovery} was negative and {name} was proud of it.",
            "{name} told me about a lapse on {day} after meeting old associates. Went through "
            "the relapse prevention plan.",
            "Checked {name} still had a naloxone kit and knew how to use it.",
            "Referred {name} to the alcohol detox pathway through {gp}.",
            "{name} went to a mutual aid meeting for the first time and said it was better "
            "than expected.",
        ),
        "custody": (
            "Arranged for {recovery} to pick up the script on the day of release.",
            "Talked about the risk of overdose after release; {name} will be given naloxone "
            "at the gate.",
        ),
        "subjects": (
            ("key work session", "{rw} at {recovery}"),
            ("group session", "{recovery}"),
            ("script review", "the prescribing team at {recovery}"),
        ),
    },
    "finance_benefits_debt_id": {
        "community": (
            "Helped {name} make a Universal Credit claim online; ID check booked at the Jobcentre.",
            "Applied for a birth certificate so {name} can open a bank account; fee paid from "
            "the ID fund.",
            "Went with {name} to open a basic bank account using the prison discharge letter "
            "and birth certificate.",
            "Went through debts of about £{amount} (catalogue, council tax and a phone "
            "contract); referred to Citizens Advice.",
            "Universal Credit advance of £{amount} agreed; talked through a budget until the "
            "first payment.",
            "Helped {name} ask for a PIP form and started the section on daily living.",
            "Challenged a benefits sanction: wrote to the DWP asking for a mandatory "
            "reconsideration.",
            "Did a benefits check with {name}: entitled to Universal Credit and council tax "
            "reduction, and maybe PIP.",
            "Applied to the local welfare assistance scheme for food and fuel vouchers.",
            "Checked the council tax reduction claim and set up a plan for the arrears.",
            "Started a provisional driving licence application so {name} has photo ID.",
        ),
        "custody": (
            "Started the benefits claim (Universal Credit) before release so the first payment "
            "is not delayed.",
            "Birth certificate ordered so {name} has ID for the bank on release.",
        ),
        "subjects": (
            ("Universal Credit ID check", "the Jobcentre"),
            ("benefits appointment", "the Jobcentre"),
            ("debt appointment", "Citizens Advice"),
            ("bank appointment", "the bank"),
            ("council tax appointment", "the council tax office"),
        ),
    },
    "children_families_communities": {
        "community": (
            "Talked about contact with {kid}; {name} wanted to rebuild the relationship slowly.",
            "Talked about the family court hearing on {day}; signposted {name} to a family law "
            "clinic.",
            "Helped {name} write a letter to {kid}, to go through children's services.",
            "{name} said things at home with {family} had been calmer since the last visit.",
            "Went through the child protection plan with {name} and what social worker {sw} "
            "expects before the review.",
            "The visit at the contact centre went well; {name} arrived on time and stayed the "
            "full two hours.",
            "Talked about the parenting course at the family hub and {name} agreed to go.",
            "Helped {name} arrange a phone call with {family}.",
        ),
        "custody": (
            "Talked about {family} and whether contact could start after release.",
            "Arranged a family visit so {name} could see {kid} before release.",
        ),
        "subjects": (
            ("contact centre visit", "the contact centre"),
            ("child protection review", "social worker {sw}"),
            ("parenting course", "the family hub"),
        ),
    },
    "attitudes_thinking_behaviour": {
        "community": (
            "Went with {name} to the probation appointment with {pp}; went over the licence "
            "conditions again.",
            "Talked through the argument on {day} when {name} nearly got into a fight, and "
            "what helped {obj} walk away.",
            "{name} reported to probation on time this week; {pp} pleased with progress.",
            "Worked through a session on consequences using an example from {name}'s week.",
            "Talked about keeping away from old associates in {town} centre; {name} had changed "
            "{pos} phone number.",
            "{name} went to the accredited programme session and said it was hard but useful.",
            "Talked about the victim awareness work {name} had started with probation.",
            "Reviewed the action plan; {name} rated {pos} own progress 6 out of 10, up from 4.",
        ),
        "custody": (
            "Went through the licence conditions with {name} and the first probation "
            "appointment with {pp}.",
        ),
        "subjects": (
            ("probation appointment", "{pp} at probation"),
            ("programme session", "the probation office"),
            ("licence review", "{pp} at probation"),
        ),
    },
    "domestic_sexual_abuse": {
        "community": (
            "Safety planning with {name}; agreed a code word for phone contact and checked "
            "the helpline number was saved.",
            "{name} told me about abuse from an ex-partner; referred to the local domestic "
            "abuse service with {pos} consent.",
            "Went with {name} to the IDVA appointment; a MARAC referral was discussed.",
            "Talked through applying for a non-molestation order; solicitor appointment booked "
            "for {day}.",
            "{name} joined the women's group on recovering from abuse at the women's centre.",
        ),
        "custody": (),
        "subjects": (
            ("IDVA appointment", "the IDVA service"),
            ("solicitor appointment", "the domestic abuse service"),
            ("women's group", "the women's centre"),
        ),
    },
    "sex_work": {
        "community": (
            "{name} came to the women's centre drop-in and took a safety pack.",
            "Talked about exiting support; {name} was not ready yet but agreed to keep in touch.",
            "Shared the latest safety alert for the area with {name}.",
            "Helped {name} book an appointment at the sexual health clinic.",
        ),
        "custody": (),
        "subjects": (
            ("sexual health clinic appointment", "the sexual health clinic"),
            ("women's centre drop-in", "the women's centre outreach team"),
        ),
    },
}
# A family member supported in their own right: "{family}" is the person in the justice system.
FAMILY_SUPPORT = {
    "community": (
        "Helped {name} book a visit to see {family} and apply for help with the travel costs.",
        "Talked about how to explain {family}'s sentence to {kid}.",
        "Talked about how {kid} was coping at school; the school knows and is being supportive.",
        "{name} went to the families' support group for the first time and found it helpful.",
        "Talked about {name}'s worries about {family} coming home after release.",
        "{name} said the phone calls with {family} had been going better.",
        "Helped {name} fill in the visitor form and explained the rules at the visits hall.",
    ),
    "custody": (),
    "subjects": (
        ("prison visit", "the visits booking line"),
        ("families' support group", "the families' support group"),
        ("school meeting", "{kid}'s school"),
    ),
}
# Children, families and communities for someone with no children on record.
FAMILY_WITHOUT_CHILDREN = {
    "community": (
        "Talked about rebuilding trust with {family}.",
        "{name} spent the weekend with {family} and said it went well.",
        "{name} said things at home with {family} had been calmer since the last visit.",
        "Helped {name} arrange a phone call with {family}.",
        "Talked about who {name} could lean on; {family} came up first.",
        "{name} had joined a five-a-side team through the community centre.",
    ),
    "custody": ("Talked about {family} and whether contact could start after release.",),
    "subjects": (
        ("family mediation session", "the family mediation service"),
        ("community centre session", "the community centre"),
    ),
}
GENERAL_TEXT = (
    "General check-in; {name} said the week had been ok.",
    "Reviewed the action plan together and marked two steps as completed.",
    "{name} seemed in good spirits and talked about plans for the weekend.",
    "{name} was quieter than usual, so we agreed to meet again sooner.",
    "Short welfare check. No new concerns.",
    "Went through the review with {name} and updated the ratings on the assessment.",
    "Talked about what {name} wanted from support over the next three months.",
    "{name} talked about feeling more settled and wanting to keep things steady.",
)
CUSTODY_GENERAL = (
    "Went through the plan for the day of release: meet at the gate, probation with {pp} at "
    "2pm, then to {hostel}.",
    "{name} asked about getting a phone on release; agreed to bring a basic one to the gate.",
    "Talked about {name}'s worries about release, mainly money and where to stay.",
)
OPENERS = {
    "face_to_face": (
        "Met {name} at the office.", "One-to-one with {name} at the hub.",
        "{name} dropped in without an appointment.", "Met {name} in a café in {town} as agreed.",
        "Planned meeting with {name}.",
    ),
    "home_visit": ("Home visit to {name}.", "Visited {name} at home as planned."),
    "phone": (
        "Phone call with {name}.", "{name} rang the office.", "Called {name} as agreed.",
        "Called {name}; no answer at first, got through on the second try.",
    ),
    "video": (
        "Video call with {name}.", "Video appointment with {name} as {sub} could not travel.",
    ),
    "prison_visit": (
        "Visited {name} at {prison}.", "Legal visit at {prison} to see {name}.",
        "Pre-release visit to {name} at {prison}.",
    ),
}  # fmt: skip
CLOSERS = (
    "Next meeting {day} at {time}.", "Will follow up by {day}.", "Action plan updated.",
    "No new risk concerns.", "{Sub} seemed in good spirits.",
    "{Sub} seemed tired but engaged well.",
    "Agreed {name} will bring the letters next time.", "I will chase this and let {obj} know.",
)  # fmt: skip
TEXT_MESSAGES = (
    "Texted {name} a reminder about the {topic} on {day} at {time}.",
    "Text from {name} to say {sub} would be late for the {topic}.",
    "Sent {name} the address and time for the {topic}.",
    "Texted {name} to check in after the {topic}.",
)
TEXT_REPLIES = (
    "",
    "{Sub} replied to confirm.",
    "No reply yet.",
    "{name} replied with a thumbs up.",
)
EMAILS = (
    "Emailed {agency} about the {topic} for {name}.",
    "Email from {agency} confirming the {topic} for {name} on {day} at {time}.",
    "Emailed {name} the details of the {topic}.",
)
LETTERS_SENT = (
    "Letter sent to {name} confirming the {topic} on {day} at {time}.",
    "Wrote to {agency} on {name}'s behalf about the {topic}.",
    "Letter sent to {name} after missed contact, asking {obj} to get in touch.",
)
THIRD_PARTY = (
    "Spoke to {agency} about the {topic} for {name}.",
    "Call from {agency} about {name}'s {topic}.",
    "Left a message for {agency} about the {topic}.",
)
THIRD_PARTY_OUTCOMES = (
    "", "They will call back by {day}.", "Confirmed it is going ahead.", "Awaiting a decision.",
    "Sent over the paperwork they asked for.",
)  # fmt: skip
GENERAL_SUBJECTS = (
    ("next meeting", "the office"),
    ("review meeting", "{pp} at probation"),
    ("drop-in session", "the women's centre"),
    ("weekly check-in", "{family}"),
)

CONTACT_APART = {
    "partner": (
        "Sees each other most days.", "Visits at weekends.", "Talks on the phone most evenings.",
        "Relationship on and off; in touch most weeks.",
    ),
    "former_partner": (
        "No direct contact; arrangements for the children go through a relative.",
        "Contact only about the children, by text.",
    ),
    "child": (
        "Supervised contact every other Saturday at the contact centre.",
        "Sees them at weekends at their other parent's.", "Video calls twice a week.",
        "Letterbox contact only, through children's services.",
    ),
    "parent": (
        "Phones most days.", "Visits on Sundays for dinner.", "Occasional contact.",
        "Helps out with money now and then.",
    ),
    "sibling": ("In touch by text.", "Sees each other now and then.", "Close; talk most days."),
}  # fmt: skip
CONTACT_TOGETHER = {
    "partner": ("Lives together.", "Lives together and comes to some appointments."),
    "child": ("Lives at home.", "Lives at home; client does the school run most days."),
    "parent": ("Living at the family home for now.", "Staying with them while waiting for a flat."),
}  # fmt: skip
CONTACT_IN_CUSTODY = (
    "Visits at the prison every two weeks.", "Phone calls from the prison most days.",
    "Letters and the odd phone call.", "Has not visited; wants to see them after release.",
)  # fmt: skip
CHILD_SAFEGUARDING = (
    "On a child protection plan (neglect); social worker {sw}.",
    "Child in need plan; school attendance a concern.",
    "Looked after by the local authority; contact agreed by children's services.",
    "Family court order in place: contact must be supervised.",
)
ADULT_SAFEGUARDING = (
    "History of domestic abuse in the relationship; MARAC case.",
    "Known to police; client asked not to share details with them.",
)
FORMER_PARTNER_SAFEGUARDING = (
    *ADULT_SAFEGUARDING,
    "Restraining order: the client must not contact them until next year.",
)
FLAG_NOTES = {
    "lone_working": (
        "Do not visit at home alone: a relative at the address has threatened staff. Meet at "
        "the office or in public.",
        "Two-worker visits only; dog at the address.",
        "Verbal aggression towards staff when under the influence; meet at the office.",
    ),
    "domestic_abuse": (
        "Perpetrator of domestic abuse against a former partner; check before any contact "
        "with her.",
        "Victim of domestic abuse; do not leave messages on the home phone.",
    ),
    "child_safeguarding": (
        "Not to have unsupervised contact with children under 16.",
        "Children on a child protection plan; share concerns with the social worker.",
    ),
    "self_harm": (
        "History of self-harm, most recently in custody; ask about mood at each contact.",
        "Suicidal thoughts disclosed; safety plan agreed with the GP and crisis team.",
    ),
    "substance_use": (
        "Heroin and crack use; high overdose risk after release.",
        "Alcohol dependent; meet mornings where possible.",
    ),
    "exploitation": (
        "Concern about county lines involvement; partner agencies informed.",
        "Possible financial exploitation by a lodger.",
    ),
    "other": (
        "Arson conviction; no candles or lighters on home visits.",
        "Hearing impaired; text first.",
    ),
}  # fmt: skip
FAMILY_DOMESTIC_ABUSE_NOTE = "Victim of domestic abuse; do not leave messages on the home phone."
PAUSE_NOTES = (
    "Paused while {name} is in hospital.", "Paused at {name}'s request for a few weeks.",
    "Paused: {name} is on remand awaiting a court date.",
)  # fmt: skip
CLOSURE_NOTES = {
    "needs_met": "Goals achieved and {name} settled; agreed to close with an open door.",
    "disengaged": "No contact for six weeks despite calls, texts and a letter.",
    "moved_out_of_area": "Moved away to live with family; signposted to a local service.",
    "returned_to_custody": "Recalled to custody; will re-refer on release if {name} wants.",
    "transferred": "Handed over to the {town} team.",
    "deceased": "{name} has died. Team informed and support offered to staff.",
    "other": "Closed at the referrer's request.",
}
PRONOUNS = {
    "m": ("he/him", "He", "he", "him", "his"),
    "f": ("she/her", "She", "she", "her", "her"),
    "x": ("they/them", "They", "they", "them", "their"),
}
RECIPROCAL = {"partner": "partner", "former_partner": "former_partner", "parent": "child"}
RECIPROCAL |= {"sibling": "sibling"}


def _bag(weights: dict[str, int]) -> tuple[str, ...]:
    """A tuple to index with one random() call: cheaper than random.choices per item."""
    return tuple(code for code, weight in weights.items() for _ in range(weight))


STATUS_BAG = _bag(STATUS_WEIGHTS)
CLOSURE_BAG = _bag(CLOSURE_WEIGHTS)
RISK_BAG = _bag(RISK_WEIGHTS)
RISK_LEVEL_BAG = _bag(RISK_LEVEL_WEIGHTS)
COMMUNITY_BAG = _bag(CONTACTS_IN_COMMUNITY)
CUSTODY_BAG = _bag(CONTACTS_IN_CUSTODY)
MINUTE_CHOICES = {
    kind: tuple(range(low, high + 1, 5)) for kind, (low, high) in MINUTES_BY_CONTACT.items()
}
STAFF_NAMES = FEMALE_NAMES + MALE_NAMES
# Slots that change from note to note are filled last; the rest once per client.
NOTE_SLOTS_KEPT = {name: "{" + name + "}" for name in ("day", "time", "amount", "weekly")}
OFFICE_OPENS = 9 * 60
NOTE_MINUTES = 8 * 60 + 35  # contacts from 09:00 to 17:30, UK time
NOTE_SLOT_SETS = tuple(
    {"day": day, "time": time, "amount": AMOUNTS[i * 7 % 10], "weekly": WEEKLY_AMOUNTS[i * 5 % 6]}
    for i, (day, time) in enumerate(product(WEEKDAYS, TIMES))
)
# Demo ids are time-ordered (see identifiers.time_ordered_id) and count up from a
# point fixed by the seed, so the same seed gives the same ids on any day.
DEMO_ID_EPOCH_MS = 1_577_836_800_000  # 1 Jan 2020
DEMO_ID_SEED_SPACING = 1 << 32
NOTE_TIMES = tuple(timedelta(minutes=OFFICE_OPENS + m // 5 * 5) for m in range(NOTE_MINUTES))


def _remote(templates: tuple[str, ...], subjects: tuple[tuple[str, str], ...]) -> tuple[str, ...]:
    return tuple(
        template.replace("{topic}", topic).replace("{agency}", agency)
        for template in templates
        for topic, agency in subjects
    )


@dataclass(frozen=True, slots=True)
class _NoteTexts:
    """The sentences one kind of client's notes are made of, by pathway ("" for none)."""

    community: dict[str, tuple[str, ...]]
    custody: dict[str, tuple[str, ...]]
    remote: dict[str, tuple[dict[str, tuple[str, ...]], tuple[str, ...]]]


def _note_texts(pathways: dict[str, dict[str, tuple[Any, ...]]]) -> _NoteTexts:
    def remote(templates: tuple[str, ...]) -> dict[str, tuple[str, ...]]:
        by_pathway = {code: _remote(templates, text["subjects"]) for code, text in pathways.items()}
        by_pathway[""] = _remote(templates, GENERAL_SUBJECTS)
        return by_pathway

    return _NoteTexts(
        community={code: text["community"] for code, text in pathways.items()},
        custody={code: text["custody"] or text["community"] for code, text in pathways.items()},
        remote={
            "text_message": (remote(TEXT_MESSAGES), TEXT_REPLIES),
            "email": (remote(EMAILS), ("",)),
            "letter": (remote(LETTERS_SENT), ("",)),
            "third_party": (remote(THIRD_PARTY), THIRD_PARTY_OUTCOMES),
        },
    )


def _leave_out(pathway: dict[str, tuple[Any, ...]], words: tuple[str, ...]) -> dict[str, Any]:
    kept = tuple(text for text in pathway["community"] if not any(w in text for w in words))
    return {**pathway, "community": kept}


_JUSTICE_ONLY = ("custody", "prison", "probation", "licence")
_FAMILY_PATHWAYS = {code: _leave_out(text, _JUSTICE_ONLY) for code, text in PATHWAY_TEXT.items()}
CHILDREN = "children_families_communities"
JUSTICE_TEXTS = _note_texts(PATHWAY_TEXT)
JUSTICE_TEXTS_NO_CHILDREN = _note_texts({**PATHWAY_TEXT, CHILDREN: FAMILY_WITHOUT_CHILDREN})
FAMILY_TEXTS = _note_texts({**_FAMILY_PATHWAYS, CHILDREN: FAMILY_SUPPORT})
FAMILY_TEXTS_NO_CHILDREN = _note_texts(
    {
        **_FAMILY_PATHWAYS,
        CHILDREN: _leave_out(FAMILY_SUPPORT, ("{kid}",))
        | {"subjects": FAMILY_SUPPORT["subjects"][:2]},
    }
)
_REFERRED_ODDS = STATUS_WEIGHTS["referred"] / sum(STATUS_WEIGHTS.values())
OTHERS_NOTE_SHARE = (1 - REFERRED_NOTE_SHARE * _REFERRED_ODDS) / (1 - _REFERRED_ODDS)


def generate(
    clients: int,
    seed: int,
    today: date,
    worker: str = "Demo Worker",
    notes_per_client: int = 50,
    taken_refs: Collection[str] = (),
    assessments: bool = False,
    appointments_per_client: int = 20,
) -> Iterator[ClientRecord]:
    """Yield `clients` fictional client records, the same ones for the same arguments.

    Needs assessments are included only when asked for: they are made with the built-in
    template (`keyworker.templates.builtin_template`), which a caseload must keep before
    it can save them. The action plans, referrals and signposting made from them come
    with them; their partner agencies (`keyworker.demo_plans.DEMO_AGENCIES`) must be in
    the caseload's directory first.

    Args:
        clients: how many records to yield, family members supported in their own right
            included; each follows the justice client they are linked to.
        seed: picks the caseload; the same seed and arguments give identical records.
        today: the day the caseload is "as at"; every date is on or before it except
            future release, order end and flag review dates.
        worker: the keyworker named on every client, note and status change.
        notes_per_client: the average number of case notes per client.
        taken_refs: case references already in use; none of them is given out.
        assessments: whether to include needs assessments (see `keyworker.demo_assessments`)
            and the plans, referrals and signposting made from them (see
            `keyworker.demo_plans`); the rest of the caseload is the same either way.
        appointments_per_client: the average number of appointments per client, past and
            to come (see `keyworker.demo_appointments`), 0 for none; the rest of the
            caseload is the same whatever it is. Group sessions are shared by the records
            of a block of `keyworker.demo_appointments.GROUP_BLOCK` records, so save each
            block in one `add_records` call.
    """
    maker = _CaseloadMaker(
        seed, today, worker, notes_per_client, taken_refs, assessments, appointments_per_client
    )
    made = 0
    while made < clients:
        justice = maker.justice_client()
        yield justice.record
        made += 1
        if made < clients and justice.relative is not None:
            yield maker.family_client(justice)
            made += 1


class _Person:
    """What the generator knows about a person while it builds their record."""

    __slots__ = ("called", "dob", "first", "gender", "surname")

    def __init__(self, first: str, surname: str, gender: str, dob: date | None) -> None:
        self.first = first
        self.called = first  # what they like to be called, and notes call them
        self.surname = surname
        self.gender = gender
        self.dob = dob

    @property
    def name(self) -> str:
        return f"{self.first} {self.surname}"

    @property
    def preferred_name(self) -> str:
        """The name they go by, with their surname, when it differs from their legal one."""
        return f"{self.called} {self.surname}" if self.called != self.first else ""


class _Made:
    """A justice client's record plus what its linked family client needs."""

    __slots__ = ("address", "children", "gender", "record", "referral_o", "relative")

    def __init__(self) -> None:
        self.record: ClientRecord
        self.referral_o = 0
        self.gender = "x"
        self.address = ""
        self.relative: tuple[_Person, dict[str, Any]] | None = None
        self.children: list[dict[str, Any]] = []


class _CaseloadMaker:
    def __init__(
        self,
        seed: int,
        today: date,
        worker: str,
        notes_per_client: int,
        taken_refs: Collection[str],
        assessments: bool = False,
        appointments_per_client: int = 0,
    ) -> None:
        self.rng = rng = random.Random(seed)
        self.rnd = rng.random
        self.today = today
        self.today_o = today.toordinal()
        self.worker = worker
        self.notes_per_client = notes_per_client
        self.used_refs = {ref.upper() for ref in taken_refs}
        self._day_starts: dict[int, datetime] = {}
        self._id_clock = DEMO_ID_EPOCH_MS + (seed % (1 << 14)) * DEMO_ID_SEED_SPACING
        self.assessor = (
            DemoAssessments(
                seed, today, worker, self.day_start, self._id_clock + DEMO_ID_SEED_SPACING // 2
            )
            if assessments
            else None
        )
        self.planner = (
            DemoPlans(
                seed, today, worker, self.day_start, self._id_clock + DEMO_ID_SEED_SPACING // 4 * 3
            )
            if assessments
            else None
        )
        self.booker = (
            DemoAppointments(
                seed, today, self._id_clock + DEMO_ID_SEED_SPACING // 4, appointments_per_client
            )
            if appointments_per_client > 0
            else None
        )

    # Small helpers -----------------------------------------------------------------

    def pick(self, items: Sequence[Any]) -> Any:
        return items[int(self.rnd() * len(items))]

    def chance(self, odds: float) -> bool:
        return self.rnd() < odds

    def uuid(self) -> UUID:
        self._id_clock += 1
        return time_ordered_id(self._id_clock, self.rng.getrandbits(74))

    def case_ref(self) -> str:
        ref = new_case_ref(self.rng)
        while ref in self.used_refs:
            ref = new_case_ref(self.rng)
        self.used_refs.add(ref)
        return ref

    def day_start(self, ordinal: int) -> datetime:
        """Midnight in UK local time on that day, as a UTC datetime."""
        start = self._day_starts.get(ordinal)
        if start is None:
            day = date.fromordinal(ordinal)
            start = datetime(day.year, day.month, day.day, tzinfo=UTC)
            if _british_summer_time(day):
                start -= timedelta(hours=1)
            self._day_starts[ordinal] = start
        return start

    def office_moment(
        self, ordinal: int, earliest: int = 9 * 60, latest: int = 17 * 60 + 30
    ) -> datetime:
        minute = earliest + 5 * int(self.rnd() * ((latest - earliest) // 5 + 1))
        return self.day_start(ordinal) + timedelta(minutes=minute)

    def person(self, gender: str, surname: str | None = None, dob: date | None = None) -> _Person:
        names = {"m": MALE_NAMES, "f": FEMALE_NAMES}.get(gender, NEUTRAL_NAMES)
        return _Person(self.pick(names), surname or self.pick(SURNAMES), gender, dob)

    def dob_aged(self, youngest: int, oldest: int, latest: date | None = None) -> date:
        """A date of birth for someone aged `youngest` to `oldest` today (and on `latest`)."""
        newest = _years_before(min(self.today, latest or self.today), youngest)
        oldest_dob = _years_before(self.today, oldest + 1) + timedelta(days=1)
        span = max((newest - oldest_dob).days, 0)
        return newest - timedelta(days=int(self.rng.triangular(0, span, span * 0.25)))

    def age_of(self, dob: date) -> int:
        years = self.today.year - dob.year
        return years - ((self.today.month, self.today.day) < (dob.month, dob.day))

    def address(self) -> str:
        number = 1 + int(self.rnd() * 140)
        street = f"{self.pick(STREET_NAMES)} {self.pick(STREET_KINDS)}"
        town = self.pick(TOWNS)
        if self.chance(0.25):
            return f"Flat {1 + int(self.rnd() * 12)}, {number} {street}, {town}"
        return f"{number} {street}, {town}"

    def phone(self) -> str:
        return f"{DRAMA_PHONE_PREFIX}{int(self.rnd() * 1000):03d}"

    def email(self, person: _Person) -> str:
        local = f"{person.first}.{person.surname}".lower().replace("'", "")
        if self.chance(0.5):
            local += str(1 + int(self.rnd() * 99))
        return f"{local}@{self.pick(EMAIL_DOMAINS)}"

    def staff_name(self) -> str:
        return f"{self.pick(STAFF_NAMES)} {self.pick(SURNAMES)}"

    # Clients -----------------------------------------------------------------------

    def justice_client(self) -> _Made:
        made = _Made()
        gender = "m" if self.chance(0.78) else ("f" if self.chance(0.92) else "x")
        route = self.pick(("prison",) * 10 + ("probation",) * 7 + ("other",) * 3)
        status = self.pick(STATUS_BAG)
        referral_o = self.referral_ordinal(status)
        referral = date.fromordinal(referral_o)
        made.referral_o = referral_o
        made.gender = gender
        person = self.person(gender, dob=self.dob_aged(18, 70, latest=referral))
        cid = self.uuid()
        release_o = 0
        release_date = order_end = None
        if route == "prison":
            source = "prison" if self.chance(0.75) else "probation"
            soonest = self.today_o + 1 if status == "referred" else referral_o + 7
            release_o = max(soonest, referral_o + 7 + int(self.rnd() * 78))
            release_date = date.fromordinal(release_o)
        elif route == "probation":
            source = self.pick(("probation",) * 6 + ("court",) * 3 + ("police",))
            order_end = date.fromordinal(referral_o + 180 + int(self.rnd() * 720))
        else:
            source = self.pick(("self", "health", "housing", "voluntary", "police", "other"))
        history, closure_reason, end_o = self.history(status, referral_o, person.first)
        made.address = self.home_address(route, release_o)
        family, relative, children = self.family(cid, person, made.address)
        made.relative, made.children = relative, children
        needs = self.needs(gender, family_client=False)
        person.called = self.called_name(person)
        slots = self.slots(person, family)
        texts = JUSTICE_TEXTS if children else JUSTICE_TEXTS_NO_CHILDREN
        client = Client(
            id=cid,
            case_ref=self.case_ref(),
            kind="justice",
            legal_name=person.name,
            preferred_name=person.preferred_name,
            pronouns=PRONOUNS[gender][0] if self.chance(0.9) else "",
            date_of_birth=person.dob,
            phone=self.phone() if self.chance(0.85) else None,
            email=self.email(person) if self.chance(0.45) else None,
            address=made.address,
            identifiers=self.identifiers(route, person.dob),
            status=status,
            closure_reason=closure_reason,
            referral_source=source,
            referral_date=referral,
            keyworker=self.worker,
            release_date=release_date,
            order_end_date=order_end,
        )
        slots["name"] = client.display_name.split()[0]
        flags = self.flags(cid, referral_o, end_o)
        made.record = ClientRecord(
            client=client,
            status_history=history,
            family=family,
            flags=flags,
            notes=self.notes(cid, status, referral_o, end_o, release_o, needs, slots, texts),
            **self.assessments(
                cid,
                status,
                history,
                end_o,
                release_o,
                gender,
                False,
                needs,
                children,
                slots,
                closure_reason,
            ),
            appointments=self.appointments(
                Booking(
                    client_id=cid,
                    status=status,
                    history=history,
                    end_o=end_o,
                    release_o=release_o,
                    gender=gender,
                    needs=needs,
                    slots=slots,
                    flags=flags,
                    address=made.address,
                    on_probation=client.identifiers.crn is not None or order_end is not None,
                )
            ),
        )
        return made

    def family_client(self, justice: _Made) -> ClientRecord:
        assert justice.relative is not None
        person, member = justice.relative
        linked = justice.record.client
        status = self.pick(STATUS_BAG)
        referral_o = self.referral_ordinal(status, justice.referral_o)
        cid = self.uuid()
        history, closure_reason, end_o = self.history(status, referral_o, person.first)
        relationship = member["relationship"]
        family = [
            {
                "id": self.uuid(),
                "client_id": cid,
                "name": linked.legal_name,
                "relationship": RECIPROCAL[relationship],
                "date_of_birth": linked.date_of_birth,
                "lives_with_client": member["lives_with_client"],
                "contact_arrangements": member["contact_arrangements"],
            }
        ]
        as_relation = {"partner": "child", "former_partner": "child", "parent": "grandchild"}
        for child in justice.children if relationship in as_relation else ():
            years = child["age"] if "age" in child else self.age_of(child["date_of_birth"])
            lives = relationship != "parent" and years < 18
            family.append(
                {
                    **child,
                    "id": self.uuid(),
                    "client_id": cid,
                    "relationship": as_relation[relationship],
                    "lives_with_client": lives,
                    "contact_arrangements": "Lives at home." if lives else "Sees them most weeks.",
                }
            )
        person.called = self.called_name(person)
        slots = self.slots(person, [])
        linked_as = _relation_word(RECIPROCAL[relationship], justice.gender)
        slots["family"] = (
            f"{PRONOUNS[person.gender][4]} {linked_as} {linked.display_name.split()[0]}"
        )
        if justice.children and relationship in as_relation:
            slots["kid"] = justice.children[0]["name"].split()[0]
        client = Client(
            id=cid,
            case_ref=self.case_ref(),
            kind="family",
            legal_name=person.name,
            preferred_name=person.preferred_name,
            pronouns=PRONOUNS[person.gender][0] if self.chance(0.9) else "",
            date_of_birth=person.dob,
            phone=self.phone() if self.chance(0.9) else None,
            email=self.email(person) if self.chance(0.6) else None,
            address=justice.address if member["lives_with_client"] else self.address(),
            status=status,
            closure_reason=closure_reason,
            referral_source=self.pick(
                ("self",) * 4 + ("prison", "prison", "probation", "voluntary", "health", "other")
            ),
            referral_date=date.fromordinal(referral_o),
            keyworker=self.worker,
            linked_client_id=linked.id,
            relationship_to_linked=relationship,
        )
        slots["name"] = client.display_name.split()[0]
        needs = self.needs(person.gender, family_client=True)
        has_children = len(family) > 1
        texts = FAMILY_TEXTS if has_children else FAMILY_TEXTS_NO_CHILDREN
        flags = self.flags(cid, referral_o, end_o, family_client=True)
        return ClientRecord(
            client=client,
            status_history=history,
            family=family,
            flags=flags,
            notes=self.notes(cid, status, referral_o, end_o, 0, needs, slots, texts),
            **self.assessments(
                cid,
                status,
                history,
                end_o,
                0,
                person.gender,
                True,
                needs,
                family[1:],
                slots,
                closure_reason,
            ),
            appointments=self.appointments(
                Booking(
                    client_id=cid,
                    status=status,
                    history=history,
                    end_o=end_o,
                    release_o=0,
                    gender=person.gender,
                    needs=needs,
                    slots=slots,
                    flags=flags,
                    address=client.address,
                    on_probation=False,
                    family_client=True,
                )
            ),
        )

    def assessments(
        self,
        cid: UUID,
        status: str,
        history: list[dict[str, Any]],
        end_o: int,
        release_o: int,
        gender: str,
        family_client: bool,
        needs: list[str],
        family: list[dict[str, Any]],
        slots: dict[str, str],
        closure_reason: str | None,
    ) -> dict[str, list[Any]]:
        """Needs assessments (see `keyworker.demo_assessments`) and the plans, referrals and
        signposting made from them (`keyworker.demo_plans`), as ClientRecord fields."""
        if self.assessor is None or self.planner is None:
            return {}
        young = [
            m
            for m in family
            if m["relationship"] in ("child", "stepchild")
            and (m["age"] if "age" in m else self.age_of(m["date_of_birth"])) < 18
        ]
        referral_o = history[0]["at"].date().toordinal()
        began = next((c["at"] for c in history if c["status"] == "active"), None)
        case = Case(
            client_id=cid,
            status=status,
            start_o=referral_o
            if status == "referred"
            else began.date().toordinal()
            if began
            else 0,
            end_o=end_o,
            release_o=release_o,
            gender=gender,
            family_client=family_client,
            needs=needs,
            children=len(young),
            children_live_with=any(m["lives_with_client"] for m in young),
            slots=slots,
        )
        # Validated here rather than by the record: the plans are made from the models.
        assessments = [Assessment.model_validate(a) for a in self.assessor.for_case(case)]
        planned = self.planner.for_case(case, assessments, closure_reason)
        return {
            "assessments": assessments,
            "plans": planned.plans,
            "referrals": planned.referrals,
            "signposts": planned.signposts,
        }

    def appointments(self, booking: Booking) -> list[dict[str, Any]]:
        """Past and upcoming appointments (see `keyworker.demo_appointments`)."""
        return self.booker.for_case(booking) if self.booker is not None else []

    def referral_ordinal(self, status: str, earliest: int | None = None) -> int:
        if status == "referred":
            newest, oldest = self.today_o - 2, self.today_o - 42
        else:
            newest, oldest = self.today_o - 30, self.today_o - 730
        oldest = max(oldest, earliest or oldest)
        if oldest > newest:
            oldest = newest
        return _working_day(oldest + int(self.rnd() * (newest - oldest + 1)))

    def called_name(self, person: _Person) -> str:
        short = SHORT_NAMES.get(person.first)
        if short and self.chance(0.6):
            return self.pick(short)
        if self.chance(0.03):
            return self.pick(NEUTRAL_NAMES)
        return person.first

    def home_address(self, route: str, release_o: int) -> str:
        if route == "prison" and release_o > self.today_o:
            return f"{self.pick(PRISONS)} (in custody)"
        roll = self.rnd()
        if roll < 0.08:
            return "No fixed abode (sofa surfing)"
        if roll < 0.2 and route == "prison":
            return f"Room {1 + int(self.rnd() * 20)}, {self.pick(HOSTELS[:3])}, {self.address()}"
        return self.address()

    def identifiers(self, route: str, dob: date | None) -> dict[str, str]:
        found: dict[str, str] = {}
        odds = {"prison": (0.9, 0.7, 0.9), "probation": (0.05, 0.92, 0.85)}.get(
            route, (0.05, 0.2, 0.5)
        )
        if self.chance(odds[0]):
            found["prison_number"] = (
                self.pick(LETTERS)
                + f"{int(self.rnd() * 10000):04d}"
                + self.pick(LETTERS)
                + self.pick(LETTERS)
            )
        if self.chance(odds[1]):
            found["crn"] = self.pick(LETTERS) + f"{int(self.rnd() * 1_000_000):06d}"
        if self.chance(odds[2]):
            first_year = (dob.year if dob else self.today.year - 30) + 16
            year = str(min(first_year + int(self.rnd() * 15), self.today.year))
            serial = f"{int(self.rnd() * 10_000_000):07d}"
            found["pnc"] = f"{year}/{serial}{pnc_check_letter(year, serial)}"
        return found

    def history(
        self, status: str, referral_o: int, first: str
    ) -> tuple[list[dict[str, Any]], str | None, int]:
        """Status changes oldest first, the closure reason and the last day with notes."""
        entries, reason, last_o = self.status_changes(status, referral_o, first)
        for before, after in pairwise(entries):  # two changes on one day: keep their order
            if after["at"] <= before["at"]:
                after["at"] = before["at"] + timedelta(minutes=5)
        return entries, reason, last_o

    def status_changes(
        self, status: str, referral_o: int, first: str
    ) -> tuple[list[dict[str, Any]], str | None, int]:
        yesterday = self.today_o - 1
        entries = [self.change("referred", referral_o, "Referral received.", early=True)]
        if status == "referred":
            return entries, None, yesterday
        rnd = self.rnd
        reason = self.pick(CLOSURE_BAG) if status == "closed" else None
        if reason and self.chance(0.12):  # closed without ever engaging
            reason = self.pick(("disengaged", "returned_to_custody", "other"))
            closed_o = _working_day(referral_o + 7 + int(rnd() * 30), referral_o, yesterday)
            entries.append(
                self.change("closed", closed_o, self.closure_note(reason, first), reason)
            )
            return entries, reason, closed_o
        active_o = _working_day(referral_o + 1 + int(rnd() * 21), referral_o, yesterday)
        entries.append(self.change("active", active_o, "First meeting held; consent signed."))
        if status == "active":
            if yesterday - active_o > 120 and self.chance(0.15):
                paused_o = _working_day(active_o + 30 + int(rnd() * (yesterday - active_o - 90)))
                back_o = _working_day(paused_o + 14 + int(rnd() * 40), paused_o, yesterday)
                entries.append(self.change("paused", paused_o, self.pause_note(first)))
                entries.append(self.change("active", back_o, "Back in touch; support resumed."))
            return entries, None, yesterday
        changed_o = active_o + 1 + int(rnd() * max(yesterday - active_o, 1))
        if status == "paused":  # pauses are recent, or the case would have closed
            changed_o = max(changed_o, yesterday - 90)
        changed_o = _working_day(changed_o, active_o, yesterday)
        if status == "paused":
            entries.append(self.change("paused", changed_o, self.pause_note(first)))
            return entries, None, min(changed_o + 14, yesterday)
        if status == "transferred":
            note = f"Transferred to a keyworker in the {self.pick(TOWNS)} team; handover sent."
            entries.append(self.change("transferred", changed_o, note))
            return entries, None, changed_o
        assert reason is not None
        entries.append(self.change("closed", changed_o, self.closure_note(reason, first), reason))
        return entries, reason, changed_o

    def pause_note(self, first: str) -> str:
        return self.pick(PAUSE_NOTES).format(name=first)

    def closure_note(self, reason: str, first: str) -> str:
        return CLOSURE_NOTES[reason].format(name=first, town=self.pick(TOWNS))

    def change(
        self, status: str, ordinal: int, note: str, reason: str | None = None, early: bool = False
    ) -> dict[str, Any]:
        # A referral opens the day, other changes close it: the day's contacts fall between.
        if early:
            at = self.office_moment(ordinal, 8 * 60 + 30, 8 * 60 + 55)
        else:
            at = self.office_moment(ordinal, 17 * 60 + 35, 18 * 60)
        return {"status": status, "at": at, "reason": reason, "note": note, "by": self.worker}

    # Family ------------------------------------------------------------------------

    def family(
        self, cid: UUID, client: _Person, address: str
    ) -> tuple[list[dict[str, Any]], tuple[_Person, dict[str, Any]] | None, list[dict[str, Any]]]:
        """Family members, the one supported in their own right (if any) and the children."""
        age = self.age_of(client.dob) if client.dob else 35
        members: list[tuple[_Person, dict[str, Any]]] = []
        wants_relative = self.chance(FAMILY_CLIENT_CHANCE)
        has_family = wants_relative or self.chance(0.65)
        in_custody = address.endswith("(in custody)")
        if has_family and self.chance(0.45):
            members.append(self.adult_relative(cid, client, "partner", age, in_custody))
        if has_family and age >= 20 and self.chance(0.25):
            members.append(self.adult_relative(cid, client, "former_partner", age, in_custody))
        if has_family and self.chance(0.4 if age < 35 else 0.12 if age < 55 else 0):
            members.append(self.adult_relative(cid, client, "parent", age, in_custody))
        if has_family and self.chance(0.15):
            members.append(self.adult_relative(cid, client, "sibling", age, in_custody))
        relative = None
        if wants_relative:
            if not members:
                kind = "partner" if age >= 25 else "parent"
                members.append(self.adult_relative(cid, client, kind, age, in_custody))
            relative = members[int(self.rnd() * len(members))]
        children = []
        if has_family and age >= 20:
            count = self.pick((0, 0, 0, 0, 1, 1, 1, 2, 2, 3))
            children = [self.child(cid, client, age, in_custody) for _ in range(count)]
        return [m for _, m in members] + children, relative, children

    def adult_relative(
        self, cid: UUID, client: _Person, relationship: str, age: int, in_custody: bool
    ) -> tuple[_Person, dict[str, Any]]:
        apart = in_custody or relationship in ("former_partner", "sibling")
        if relationship in ("partner", "former_partner"):
            straight = {"m": "f", "f": "m"}.get(client.gender, "f")
            gender = straight if self.chance(0.93) else client.gender
            surname = client.surname if self.chance(0.3) else None
            low, high = max(18, age - 8), min(80, age + 8)
        elif relationship == "parent":
            gender, surname = ("f" if self.chance(0.75) else "m"), client.surname
            low, high = min(age + 18, 105), min(age + 38, 110)
        else:
            gender, surname = self.pick("mf"), client.surname
            low, high = max(18, age - 10), min(80, age + 10)
        person = self.person(gender, surname)
        person.dob = self.dob_aged(low, max(low, high))
        together = relationship in CONTACT_TOGETHER and not apart
        lives = together and self.chance(0.55 if relationship == "partner" else 0.3)
        member: dict[str, Any] = {
            "id": self.uuid(),
            "client_id": cid,
            "name": person.name,
            "relationship": relationship,
            "lives_with_client": lives,
            "contact_arrangements": self.arrangement(relationship, lives, in_custody),
        }
        if self.chance(0.5):
            member["date_of_birth"] = person.dob
        elif self.chance(0.6):
            member["age"] = self.age_of(person.dob)
        if relationship == "former_partner" and self.chance(0.2):
            member["safeguarding_notes"] = self.pick(FORMER_PARTNER_SAFEGUARDING)
        elif relationship == "partner" and self.chance(0.08):
            member["safeguarding_notes"] = self.pick(ADULT_SAFEGUARDING)
        return person, member

    def arrangement(self, relationship: str, lives: bool, in_custody: bool) -> str:
        if lives:
            return self.pick(CONTACT_TOGETHER[relationship])
        if in_custody and relationship != "former_partner":
            return self.pick(CONTACT_IN_CUSTODY)
        return self.pick(CONTACT_APART[relationship])

    def child(
        self, cid: UUID, parent: _Person, parent_age: int, in_custody: bool
    ) -> dict[str, Any]:
        oldest = min(parent_age - 17, 25)
        years = int(self.rng.triangular(0, oldest, min(4, oldest)))
        surname = parent.surname if self.chance(0.6) else self.pick(SURNAMES)
        lives = not in_custody and years < 18 and self.chance(0.3)
        member: dict[str, Any] = {
            "id": self.uuid(),
            "client_id": cid,
            "name": f"{self.pick(CHILD_NAMES)} {surname}",
            "relationship": "child" if self.chance(0.85) else "stepchild",
            "lives_with_client": lives,
            "contact_arrangements": self.arrangement("child", lives, in_custody),
        }
        if years >= 1 and self.chance(0.6):
            member["date_of_birth"] = self.dob_aged(years, years)
        else:
            member["age"] = years
        if years < 18 and self.chance(0.15):
            member["safeguarding_notes"] = self.pick(CHILD_SAFEGUARDING).format(
                sw=self.staff_name()
            )
        return member

    # Flags -------------------------------------------------------------------------

    def flags(
        self, cid: UUID, referral_o: int, end_o: int, family_client: bool = False
    ) -> list[dict[str, Any]]:
        """Risk flags raised while the case was open; some overdue a review, a few ended."""
        if not self.chance(0.22 if family_client else 0.34):
            return []
        count = self.pick((1,) * 13 + (2,) * 6 + (3,))
        kinds: list[str] = []
        while len(kinds) < count:
            kind = "domestic_abuse" if family_client and self.chance(0.5) else self.pick(RISK_BAG)
            if kind not in kinds:
                kinds.append(kind)
        found = []
        for kind in kinds:
            raised_o = referral_o + int(self.rnd() * max(end_o - referral_o, 1))
            raised_o = min(raised_o, self.today_o - 1)
            review_o = max(raised_o + 1, self.today_o - 60 + int(self.rnd() * 180))
            flag: dict[str, Any] = {
                "id": self.uuid(),
                "client_id": cid,
                "kind": kind,
                "level": self.pick(RISK_LEVEL_BAG),
                "notes": FAMILY_DOMESTIC_ABUSE_NOTE
                if family_client and kind == "domestic_abuse"
                else self.pick(FLAG_NOTES[kind]),
                "raised_on": date.fromordinal(raised_o),
                "review_date": date.fromordinal(review_o),
            }
            if self.chance(0.1):
                flag["ended_on"] = date.fromordinal(
                    min(raised_o + int(self.rnd() * 90), self.today_o - 1)
                )
            found.append(flag)
        return found

    # Notes -------------------------------------------------------------------------

    def needs(self, gender: str, family_client: bool) -> list[str]:
        """The client's main pathways, some repeated so the top ones come up most."""
        if family_client:
            odds = {
                "children_families_communities": 0.9,
                "finance_benefits_debt_id": 0.6,
                "health": 0.5,
                "accommodation": 0.3,
                "domestic_sexual_abuse": 0.25 if gender == "f" else 0.03,
                "education_skills_work": 0.2,
            }
        else:
            odds = {
                "accommodation": 0.6,
                "finance_benefits_debt_id": 0.65,
                "education_skills_work": 0.5,
                "health": 0.45,
                "drugs_alcohol": 0.4,
                "children_families_communities": 0.35,
                "attitudes_thinking_behaviour": 0.35,
                "domestic_sexual_abuse": 0.4 if gender == "f" else 0.04,
                "sex_work": 0.1 if gender == "f" else 0.0,
            }
        needs = [code for code, odd in odds.items() if self.chance(odd)]
        for fallback in ("finance_benefits_debt_id", "health"):
            if len(needs) < 2 and fallback not in needs:
                needs.append(fallback)
        self.rng.shuffle(needs)
        return needs[:1] * 2 + needs

    def slots(self, person: _Person, family: list[dict[str, Any]]) -> dict[str, str]:
        _, big, sub, obj, pos = PRONOUNS[person.gender]
        town = self.pick(TOWNS)
        kids = [m for m in family if m["relationship"] in ("child", "stepchild")]
        adults = [m for m in family if m["relationship"] not in ("child", "stepchild")]
        if adults:
            first = adults[0]["name"].split()[0]
            gender = "f" if first in FEMALE_NAMES else "m" if first in MALE_NAMES else "x"
            family_text = f"{pos} {_relation_word(adults[0]['relationship'], gender)} {first}"
        else:
            family_text = f"{pos} family"
        return {
            "name": person.called,
            "Sub": big,
            "sub": sub,
            "obj": obj,
            "pos": pos,
            "town": town,
            "gp": f"{self.pick(STREET_NAMES)} {self.pick(SURGERY_KINDS)}",
            "housing": self.pick(HOUSING),
            "ho": self.staff_name(),
            "hostel": self.pick(HOSTELS),
            "recovery": self.pick((*RECOVERY, f"{town} Recovery Service")),
            "rw": self.staff_name(),
            "coach": self.staff_name(),
            "college": f"{town} College",
            "employment": self.pick(EMPLOYMENT),
            "pp": self.staff_name(),
            "sw": self.staff_name(),
            "kid": kids[0]["name"].split()[0] if kids else f"{pos} children",
            "family": family_text,
            "prison": self.pick(PRISONS),
        }

    def note_count(self, status: str) -> int:
        share = REFERRED_NOTE_SHARE if status == "referred" else OTHERS_NOTE_SHARE
        average = self.notes_per_client * share
        return max(0, round(average * (0.5 + self.rnd())))

    def note_moments(self, count: int, start_o: int, end_o: int) -> list[int]:
        """Minutes since day 1 for each note, oldest first: working days, office hours."""
        rnd = self.rnd
        first = _working_day_index(start_o)
        days = _working_day_index(end_o + 1) - first
        if days <= 0:
            return [start_o * 1440 + int(rnd() * NOTE_MINUTES) for _ in range(count)]
        keys = []
        for _ in range(count):
            where = rnd() * days
            index = first + int(where)
            ordinal = index // 5 * 7 + index % 5 + 1
            keys.append(ordinal * 1440 + int((where % 1) * NOTE_MINUTES))
        keys.sort()
        return keys

    def notes(
        self,
        cid: UUID,
        status: str,
        start_o: int,
        end_o: int,
        release_o: int,
        needs: list[str],
        slots: dict[str, str],
        texts: _NoteTexts,
    ) -> list[dict[str, Any]]:
        """Case notes spread from referral to `end_o`, oldest first, in office hours.

        This is the hot loop of a benchmark-sized caseload, hence the inlined choices and
        the per-client cache of sentences with the client's details filled in.
        """
        rnd = self.rnd
        worker = self.worker
        day_starts = self._day_starts
        client_slots = {**slots, **NOTE_SLOTS_KEPT}
        filled: dict[str, str] = {}
        n_needs = len(needs)
        notes = []
        for key in self.note_moments(self.note_count(status), start_o, end_o):
            ordinal, minute = divmod(key, 1440)
            in_custody = ordinal < release_o
            bag = CUSTODY_BAG if in_custody else COMMUNITY_BAG
            contact = bag[int(rnd() * len(bag))]
            roll = rnd()
            if roll < 0.2:
                tags = []
            elif roll < 0.75:
                tags = [needs[int(rnd() * n_needs)]]
            else:
                first = second = needs[int(rnd() * n_needs)]
                while second == first:
                    second = needs[int(rnd() * n_needs)]
                tags = [first, second]
            raw = self.note_parts(contact, tags, in_custody, texts)
            parts = []
            for part in raw:
                done = filled.get(part)
                if done is None:
                    done = filled[part] = part.format_map(client_slots)
                parts.append(done)
            text = " ".join(parts)
            if "{" in text:
                text = text.format_map(NOTE_SLOT_SETS[int(rnd() * len(NOTE_SLOT_SETS))])
            minutes = MINUTE_CHOICES[contact]
            start = day_starts.get(ordinal) or self.day_start(ordinal)
            notes.append(
                {
                    "id": self.uuid(),
                    "client_id": cid,
                    "at": start + NOTE_TIMES[minute],
                    "contact_type": contact,
                    "duration_minutes": minutes[int(rnd() * len(minutes))] if rnd() < 0.9 else None,
                    "pathways": tags,
                    "text": text,
                    "author": worker,
                }
            )
        return notes

    def note_parts(
        self, contact: str, tags: list[str], in_custody: bool, texts: _NoteTexts
    ) -> list[str]:
        """A note's sentences, slots unfilled: several fragments, so notes vary."""
        rnd = self.rnd
        if contact in OPENERS:
            openers = OPENERS[contact]
            parts = [openers[int(rnd() * len(openers))]] if rnd() < 0.8 else []
            if tags:
                sentences = texts.custody if in_custody else texts.community
                for tag in tags:
                    choices = sentences[tag]
                    parts.append(choices[int(rnd() * len(choices))])
            else:
                choices = CUSTODY_GENERAL if in_custody else GENERAL_TEXT
                parts.append(choices[int(rnd() * len(choices))])
            if rnd() < 0.5:
                parts.append(CLOSERS[int(rnd() * len(CLOSERS))])
            return parts
        templates, endings = texts.remote[contact]
        choices = templates[tags[0] if tags else ""]
        sentence = choices[int(rnd() * len(choices))]
        ending = endings[int(rnd() * len(endings))]
        return [sentence, ending] if ending else [sentence]


def _british_summer_time(day: date) -> bool:
    """From the last Sunday in March to the last Sunday in October (UK clocks)."""
    if not 3 <= day.month <= 10:
        return False
    starts = _last_sunday(day.year, 3)
    ends = _last_sunday(day.year, 10)
    return starts <= day < ends


def _working_day(ordinal: int, earliest: int = 0, latest: int | None = None) -> int:
    """The day, or the Friday before if it falls at a weekend, kept within the bounds."""
    if latest is not None:
        ordinal = min(ordinal, latest)
    weekday = ordinal % 7  # date.fromordinal(1) is a Monday, so 6 is Saturday, 0 Sunday
    if weekday in (0, 6):
        ordinal -= 2 if weekday == 0 else 1
    return max(ordinal, earliest)


def _working_day_index(ordinal: int) -> int:
    """Working days (Monday to Friday) before this day since day 1, a Monday."""
    weeks, weekday = divmod(ordinal - 1, 7)
    return weeks * 5 + min(weekday, 5)


def _last_sunday(year: int, month: int) -> date:
    last = date(year, month, 31)
    return last - timedelta(days=(last.weekday() + 1) % 7)


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def _relation_word(relationship: str, gender: str) -> str:
    """How people name a relative in a note: "her son", "his ex", "their mum"."""
    if relationship == "former_partner":
        return "ex"
    return _GENDERED_RELATIONS.get(relationship, {}).get(gender, relationship)


_GENDERED_RELATIONS = {
    "child": {"m": "son", "f": "daughter"},
    "sibling": {"m": "brother", "f": "sister"},
    "parent": {"m": "dad", "f": "mum"},
}
