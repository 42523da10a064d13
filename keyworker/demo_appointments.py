"""Appointments for the demo caseload: past ones with what happened, and the weeks ahead.

Each person's appointments follow their case. The first meeting is on the day the case
became active; past appointments fall on weekdays in office hours while the case was
open (none while it was paused, prison visits while the person was inside) and most were
attended, some late, some missed, some acceptably missed with a reason, some cancelled by
the person or the service, a few moved to another day (the old one linked to the new).
Open cases have appointments booked over the next two to four weeks; some people have a
weekly or fortnightly one-to-one that repeats on the local clock; people with a
lone-working flag get home visits that show it. Some people missed their last two or
three appointments (the attention panel lists them) and some recent outcomes are still
to be recorded, as on any worker's caseload.

Group sessions are shared: a monthly women's centre group, a weekly resettlement course
in each prison and a probation thinking skills group, each made once per block of
`GROUP_BLOCK` records with every member's record holding its own copy (that person
alone, with their own outcome); `storage.Caseload.add_records` merges the copies of one
appointment id into one session, so a block must be saved in one call (the demo command
saves 1,000 records at a time).

Like the plans, all this comes from its own seeded generator, so the rest of a seed's
caseload is the same with or without appointments, and is built as plain dicts that the
client's record validates once.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

from keyworker.appointments import DEFAULT_ZONE, EXPECTED, Repeat, from_local, occurrence_starts
from keyworker.demo_plans import PARTNERS
from keyworker.identifiers import time_ordered_id

LONDON = ZoneInfo(DEFAULT_ZONE)
GROUP_BLOCK = 200
"""Records that share group sessions; `keyworker.cli.DEMO_BATCH` is a multiple of it."""
OPEN = ("referred", "active", "paused")
# Appointments per client by status, as a share of the average asked for: new referrals
# have a few, closed cases only their past ones; active and paused cases make up the
# difference, so the caseload has about the average asked for per client, counting a
# group session once (measured: 20.0 per client for 20 over 10,000 clients).
REFERRED_SHARE, CLOSED_SHARE, ACTIVE_SHARE = 0.3, 0.55, 1.42
SLIPPING_ODDS = 0.08  # open cases whose last two or three appointments were missed
BEHIND_ODDS = 0.12  # open cases with outcomes from the last week still to record


def _bag(weights: dict[str, int]) -> tuple[str, ...]:
    return tuple(code for code, weight in weights.items() for _ in range(weight))


OUTCOME_BAG = _bag(
    {
        "attended": 66, "attended_late": 9, "did_not_attend": 9, "acceptable_absence": 6,
        "cancelled_by_person": 5, "cancelled_by_service": 3, "rescheduled": 3,
    }
)  # fmt: skip
GROUP_OUTCOME_BAG = _bag(
    {"attended": 72, "attended_late": 8, "did_not_attend": 10, "acceptable_absence": 6}
    | {"cancelled_by_person": 4}
)
MOVED_OUTCOME_BAG = _bag({"attended": 80, "attended_late": 8, "did_not_attend": 12})
FIRST_TRY_BAG = _bag({"did_not_attend": 5, "cancelled_by_person": 3, "rescheduled": 2})
REASON_BAG = _bag(
    {
        "medical": 35, "court_legal": 12, "employment": 15, "family_childcare": 20,
        "religious": 4, "in_custody": 3, "other": 11,
    }
)  # fmt: skip
NOTES = {
    "attended": ("",) * 6 + ("Went well.", "Brought the letters we asked for."),
    "attended_late": (
        "Arrived 20 minutes late: the bus was late.",
        "Came 15 minutes late; had overslept.",
        "Late after another appointment ran over.",
        "",
    ),
    "did_not_attend": (
        "No answer on the phone afterwards; sent a text.",
        "Did not come and has not been in touch.",
        "Waited 30 minutes; a letter sent offering a new time.",
        "",
    ),
    "cancelled_by_person": (
        "Texted the day before: not feeling up to it.",
        "Rang to cancel: had to collect a prescription.",
        "Cancelled: no money for the bus fare.",
    ),
    "cancelled_by_service": (
        "Worker off sick.",
        "Room double-booked; cancelled and rebooked.",
        "Office closed for staff training.",
    ),
    "rescheduled": (
        "Asked to move it: clashes with a GP appointment.",
        "Moved at the person's request.",
        "Moved: the worker was needed in court.",
    ),
}
REASON_NOTES = {
    "medical": (
        "Rang that morning with a chest infection.",
        "Hospital outpatient appointment at the same time.",
        "Off sick with flu; sent a photo of the fit note.",
    ),
    "court_legal": ("Called to see the solicitor about the case.", "Had to attend court."),
    "employment": ("Offered a shift at short notice; work comes first.", "At a job interview."),
    "family_childcare": (
        "Child off school ill and no one else to look after them.",
        "Family emergency; rang the office to say.",
    ),
    "religious": ("Religious festival; agreed in advance.",),
    "in_custody": ("Remanded in custody overnight.",),
    "other": ("Bus strike; rang to let us know.", "Snow closed the roads."),
}
CALLED_OFF = "Facilitator off sick; session called off."
LONE_WORKING = "Lone-working flag: visit with a colleague; ring the office on arrival and leaving."

COMMUNITY_BAG = _bag(
    {"one_to_one": 40, "phone": 16, "video": 5, "home_visit": 8, "accompanied": 24}
)
CUSTODY_BAG = _bag({"prison_visit": 60, "video": 20, "phone": 20})
MINUTES = {
    "one_to_one": (45, 60, 60, 90), "home_visit": (45, 60, 60), "prison_visit": (60, 90, 120),
    "phone": (15, 30, 30), "video": (30, 45), "accompanied": (60, 90, 120),
}  # fmt: skip
LATEST_END = 17 * 60 + 30
PURPOSES = {
    "one_to_one": (
        "Catch-up and action plan review",
        "Housing register form",
        "Budgeting and the Universal Credit claim",
        "Review of the week and next steps",
        "CV and job search",
        "Talk through the licence conditions",
        "Relapse prevention plan",
        "Letters and forms",
    ),
    "home_visit": (
        "How the new place is going",
        "Check-in at home",
        "Help with post and bills",
        "Furniture and setting up the flat",
    ),
    "prison_visit": (
        "Release planning",
        "Resettlement plan",
        "ID and a bank account before release",
        "Where to live on release",
    ),
    "phone": ("Check-in call", "Reminder and check-in", "Call about the housing application"),
    "video": ("Video check-in", "Video call to plan the week"),
}
ACCOMPANIED: dict[str, tuple[str, ...]] = {
    "accompanied_gp": ("GP registration", "Medication review", "Fit note", "Health check"),
    "accompanied_housing": ("Homeless application", "Flat viewing", "Tenancy sign-up"),
    "accompanied_probation": ("Supervision appointment", "Licence review"),
    "accompanied_court": ("Court hearing", "Sentence review hearing"),
    "accompanied_benefits": ("Universal Credit claim", "Claimant commitment", "Work search review"),
    "accompanied_bank": ("Open a basic bank account", "Set up a budgeting account"),
}
ACCOMPANIED_BY_NEED = {
    "accommodation": ("accompanied_housing",),
    "health": ("accompanied_gp",),
    "drugs_alcohol": ("accompanied_gp",),
    "finance_benefits_debt_id": ("accompanied_benefits", "accompanied_bank"),
    "education_skills_work": ("accompanied_benefits",),
}
PATHWAY_OF = {
    "accompanied_gp": "health",
    "accompanied_housing": "accommodation",
    "accompanied_benefits": "finance_benefits_debt_id",
    "accompanied_bank": "finance_benefits_debt_id",
}
SINGLE_STARTS = tuple(range(9 * 60 + 30, 16 * 60 + 1, 30))
ACCOMPANIED_STARTS = tuple(range(9 * 60, 15 * 60 + 31, 15))
WOMEN = PARTNERS["womens_centre"].agency
HOUSING = PARTNERS["housing_options"].agency
BANK = PARTNERS["credit_union"].agency


@dataclass(slots=True)
class Booking:
    """What the demo knows about a person that their appointments follow."""

    client_id: UUID
    status: str
    history: list[dict[str, Any]]
    """Status changes oldest first, as `ClientRecord.status_history` holds them."""
    end_o: int
    """The last day the case was open (closed and transferred cases)."""
    release_o: int
    """Release from custody, as a day ordinal; 0 when not a prison leaver."""
    gender: str
    needs: list[str]
    slots: dict[str, str]
    """The person's note slots: their GP, housing officer, probation practitioner, town."""
    flags: list[dict[str, Any]]
    address: str
    on_probation: bool
    family_client: bool = False


@dataclass(slots=True)
class _Group:
    """A shared group session series: each occurrence's fields and its members so far."""

    occurrences: list[tuple[int, dict[str, Any], bool]]
    """Each session's local day, its fields, and whether the service called it off."""
    capacity: int
    members: int = 0


class DemoAppointments:
    """Makes each client's appointments in turn, from one seeded generator."""

    def __init__(self, seed: int, today: date, first_id_ms: int, per_client: int) -> None:
        self.rng = random.Random(f"keyworker demo appointments {seed}")
        self.rnd = self.rng.random
        self.today = today
        self.today_o = today.toordinal()
        self.midnight = from_local(datetime.combine(today, time()), LONDON)
        self.per_client = per_client
        self._id_clock = first_id_ms
        self._made = 0
        self._block = -1
        self._groups: dict[Any, _Group] = {}
        self._moments: dict[int, datetime] = {}
        self.seen: set[str] = set()
        """What the caseload shows so far: the first cases that can are steered to show
        each story (a run of misses, outcomes due, a group of several)."""

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

    def at(self, ordinal: int, minute: int) -> datetime:
        """That local wall-clock time on that day, in UTC."""
        key = ordinal * 1440 + minute
        found = self._moments.get(key)
        if found is None:
            day = date.fromordinal(ordinal)
            wall = datetime(day.year, day.month, day.day, minute // 60, minute % 60)
            found = self._moments[key] = from_local(wall, LONDON)
        return found

    # One client --------------------------------------------------------------------

    def for_case(self, case: Booking) -> list[dict[str, Any]]:
        """The person's appointments, earliest first, as dicts for `ClientRecord`."""
        block, self._made = self._made // GROUP_BLOCK, self._made + 1
        if block != self._block:
            self._block, self._groups = block, {}
        if self.per_client <= 0:
            return []
        return _Diary(self, case).appointments()

    # Groups ------------------------------------------------------------------------

    def group(self, key: Any, case: Booking) -> _Group:
        """This block's group session series for `key`, made when first needed."""
        if key not in self._groups:
            self._groups[key] = self.new_group(key, case)
        return self._groups[key]

    def new_group(self, key: Any, case: Booking) -> _Group:
        today_o = self.today_o
        if key == "women":
            month_back = _add_months(self.today.replace(day=1), -7)
            weekday = self.between(1, 3)  # Tuesday to Thursday
            first = month_back + timedelta(days=(weekday - month_back.weekday()) % 7)
            first += timedelta(days=7 * self.between(0, 2))
            until = self.today + timedelta(days=self.between(35, 56))
            fields = {
                "title": "Women's centre group",
                "location": WOMEN.address,
                "met_with": WOMEN.name,
                "agency_id": WOMEN.id,
                "pathway": None,
                "purpose": "Monthly group: peer support, advice and a shared lunch",
            }
            repeat = {"frequency": "monthly_weekday", "until": until}
            return self.series_group(first.toordinal(), 10 * 60 + 30, 120, fields, repeat, 14)
        if isinstance(key, tuple) and key[0] == "prison":
            first_o = _weekday_on_or_after(today_o - 7 * self.between(3, 4), self.between(0, 4))
            fields = {
                "title": "Resettlement course",
                "location": key[1],
                "met_with": "The prison's resettlement team",
                "agency_id": None,
                "pathway": None,
                "purpose": "Weekly course: housing, money, work and health after release",
            }
            repeat = {"frequency": "weekly", "count": 8}
            return self.series_group(first_o, self.pick((9 * 60, 14 * 60)), 120, fields, repeat, 10)
        first_o = _weekday_on_or_after(today_o - 7 * self.between(5, 6), self.between(0, 4))
        fields = {
            "title": "Thinking skills group",
            "location": f"{case.slots['town']} probation office",
            "met_with": "The probation programmes team",
            "agency_id": None,
            "pathway": "attitudes_thinking_behaviour",
            "purpose": "Weekly course on thinking, choices and consequences",
        }
        repeat = {"frequency": "weekly", "count": 10}
        return self.series_group(
            first_o, self.pick((10 * 60, 13 * 60 + 30)), 120, fields, repeat, 10
        )

    def series_group(
        self,
        first_o: int,
        minute: int,
        length: int,
        fields: dict[str, Any],
        repeat: dict[str, Any],
        capacity: int,
    ) -> _Group:
        series_id = self.uuid()
        starts = occurrence_starts(self.at(first_o, minute), Repeat(**repeat), LONDON)
        booked = min(starts[0] - timedelta(days=14), self.midnight)
        occurrences = []
        for start in starts:
            shared = {
                "id": self.uuid(),
                "start": start,
                "end": start + timedelta(minutes=length),
                "kind": "group_session",
                **fields,
                "notes": "",
                "series_id": series_id,
                "repeat": repeat,
                "rescheduled_from": None,
                "booked_at": booked,
            }
            called_off = self.chance(0.06) and start < self.midnight
            occurrences.append((_local_day(start), shared, called_off))
        return _Group(occurrences, capacity)


class _Diary:
    """One person's appointments while they are being made."""

    def __init__(self, maker: DemoAppointments, case: Booking) -> None:
        self.m = maker
        self.case = case
        self.today_o = maker.today_o
        self.referral_at: datetime = case.history[0]["at"]
        self.referral_o = _local_day(self.referral_at)
        self.spans = _active_spans(case.history, maker.today_o)
        self.is_open = case.status in OPEN
        self.out: list[dict[str, Any]] = []
        self.days: set[int] = set()
        self.lone_working = [
            f["raised_on"].toordinal()
            for f in case.flags
            if f["kind"] == "lone_working" and f.get("ended_on") is None
        ]
        at_home = not case.address.startswith(("No fixed abode", "Room "))
        self.home = case.address if at_home and "(in custody)" not in case.address else ""
        self.accompanied = self.accompanied_kinds()

    def appointments(self) -> list[dict[str, Any]]:
        m, case = self.m, self.case
        share = {"referred": REFERRED_SHARE, "active": ACTIVE_SHARE, "paused": ACTIVE_SHARE}
        average = m.per_client * share.get(case.status, CLOSED_SHARE)
        target = max(1, round(average * (0.6 + 0.8 * m.rnd())))
        if not self.spans:
            self.not_yet_met(target)
            self.groups()
        else:
            for start_o, _ in self.spans:
                self.first_meeting(start_o, resumed=start_o != self.spans[0][0])
            if case.status == "active":
                self.ahead()
            elif case.status == "paused" and m.chance(0.7):
                day = _weekday_on_or_after(self.today_o + m.between(14, 28), 0)
                self.single(day, "phone", purpose="Check-in call")
            self.series()
            self.groups()
            self.past(target - len(self.out))
            if self.is_open and (m.chance(BEHIND_ODDS) or "behind" not in m.seen):
                self.behind()
            self.story()
        self.out.sort(key=lambda a: a["start"])
        return self.out

    # What kind of appointment, and where ------------------------------------------

    def accompanied_kinds(self) -> tuple[str, ...]:
        case = self.case
        kinds = [k for need in case.needs for k in ACCOMPANIED_BY_NEED.get(need, ())]
        if not case.family_client:
            kinds += ["accompanied_probation"] * 2 if case.on_probation else []
            kinds.append("accompanied_court")
        return tuple(kinds) or ("accompanied_gp",)

    def kind_on(self, day: int) -> str:
        if day < self.case.release_o:
            return self.m.pick(CUSTODY_BAG)
        kind = self.m.pick(COMMUNITY_BAG)
        if kind == "home_visit" and not self.home:
            return "one_to_one"
        if kind == "accompanied":
            return self.m.pick(self.accompanied)
        return kind

    def details(self, kind: str, day: int) -> dict[str, Any]:
        m, slots = self.m, self.case.slots
        town = slots["town"]
        found: dict[str, Any] = {
            "title": "",
            "location": "",
            "met_with": "",
            "agency_id": None,
            "pathway": PATHWAY_OF.get(kind),
            "notes": "",
        }
        if kind in ACCOMPANIED:
            found["purpose"] = m.pick(ACCOMPANIED[kind])
        else:
            found["purpose"] = m.pick(PURPOSES[kind])
        if kind == "one_to_one":
            found["location"] = f"{town} office"
        elif kind == "home_visit":
            found["location"] = self.home
            if any(raised <= day for raised in self.lone_working):
                found["notes"] = LONE_WORKING
        elif kind == "prison_visit":
            found["location"] = _prison(self.case) or slots["prison"]
        elif kind == "accompanied_gp":
            found["location"] = found["met_with"] = slots["gp"]
        elif kind == "accompanied_housing":
            if m.chance(0.5):
                found["met_with"], found["agency_id"] = HOUSING.name, HOUSING.id
                found["location"] = HOUSING.address
            else:
                found["met_with"] = f"{slots['ho']} at {slots['housing']}"
                found["location"] = slots["housing"]
        elif kind == "accompanied_probation":
            found["met_with"] = f"{slots['pp']}, probation practitioner"
            found["location"] = f"{town} probation office"
        elif kind == "accompanied_court":
            found["met_with"] = "The duty solicitor"
            found["location"] = f"{town} Magistrates' Court"
        elif kind == "accompanied_benefits":
            found["met_with"] = f"Work coach {slots['coach']}"
            found["location"] = f"{town} Jobcentre"
        elif kind == "accompanied_bank":
            if m.chance(0.5):
                found["met_with"], found["agency_id"] = BANK.name, BANK.id
                found["location"] = BANK.address
            else:
                found["met_with"] = found["location"] = f"A high-street bank in {town}"
        return found

    # Making appointments -----------------------------------------------------------

    def single(
        self,
        day: int,
        kind: str | None = None,
        *,
        purpose: str = "",
        outcome: str | None = None,
        bag: tuple[str, ...] = OUTCOME_BAG,
        moved_from: dict[str, Any] | None = None,
    ) -> dict[str, Any] | None:
        """A one-person appointment on that day (None if the day is taken)."""
        if day in self.days:
            return None
        m = self.m
        self.days.add(day)
        kind = kind or self.kind_on(day)
        short = "accompanied" if kind in ACCOMPANIED else kind
        length = m.pick(MINUTES[short])
        starts = ACCOMPANIED_STARTS if short == "accompanied" else SINGLE_STARTS
        minute = m.pick(starts)
        if minute + length > LATEST_END:
            minute = LATEST_END - length
        start = m.at(day, minute)
        fields = self.details(kind, day)
        if purpose:
            fields["purpose"] = purpose
        appointment = {
            "id": m.uuid(),
            "start": start,
            "end": start + timedelta(minutes=length),
            "kind": kind,
            **fields,
            "series_id": None,
            "repeat": None,
            "rescheduled_from": moved_from["id"] if moved_from else None,
            "booked_at": self.booked(start, moved_from),
        }
        self.attend(appointment, day, outcome, bag)
        return appointment

    def booked(self, start: datetime, moved_from: dict[str, Any] | None) -> datetime:
        if moved_from is not None:
            return moved_from["people"][0]["recorded_at"]
        booked = start - timedelta(days=self.m.between(1, 21), minutes=30 * self.m.between(0, 12))
        booked = max(booked, self.referral_at + timedelta(minutes=5))
        return min(booked, start - timedelta(minutes=30), self.m.midnight)

    def attend(
        self, appointment: dict[str, Any], day: int, outcome: str | None, bag: tuple[str, ...]
    ) -> None:
        """Give the person their outcome (none yet when it is still to come) and keep it."""
        m = self.m
        if day >= self.today_o:
            outcome = None
        elif outcome is None:
            outcome = m.pick(bag)
        person: dict[str, Any] = {"client_id": self.case.client_id}
        appointment["people"] = [person]
        self.out.append(appointment)
        if outcome is None:
            return
        if outcome == "rescheduled":
            later = _weekday_on_or_after(day + m.between(2, 8), 0)
            if self.case.status not in OPEN and later > self.case.end_o:
                outcome = "cancelled_by_person"
            else:
                self.set_outcome(person, appointment, outcome)
                moved = self.single(
                    later,
                    appointment["kind"],
                    moved_from=appointment,
                    bag=MOVED_OUTCOME_BAG,
                    purpose=appointment["purpose"],
                )
                if moved is None:
                    self.set_outcome(person, appointment, "cancelled_by_person")
                else:
                    person["rescheduled_to"] = moved["id"]
                return
        self.set_outcome(person, appointment, outcome)

    def set_outcome(
        self, person: dict[str, Any], appointment: dict[str, Any], outcome: str
    ) -> None:
        m = self.m
        person["outcome"] = outcome
        person["reason"] = None
        person["rescheduled_to"] = None
        if outcome == "acceptable_absence":
            reason = person["reason"] = m.pick(REASON_BAG)
            person["note"] = m.pick(REASON_NOTES[reason])
        else:
            person["note"] = m.pick(NOTES[outcome])
        if outcome in EXPECTED:
            recorded = appointment["end"] + timedelta(minutes=5 * m.between(2, 24))
        else:
            before = timedelta(minutes=30 * m.between(2, 60))
            recorded = max(appointment["start"] - before, appointment["booked_at"])
        person["recorded_at"] = min(recorded, self.m.midnight)

    # The person's story ------------------------------------------------------------

    def not_yet_met(self, target: int) -> None:
        """A case never active: attempts at a first meeting, and one still to come."""
        m, case = self.m, self.case
        last = min(case.end_o if case.status not in OPEN else self.today_o - 1, self.today_o - 1)
        tries = min(target, 1 + int(m.rnd() * 3))
        for _ in range(tries):
            day = _weekday_on_or_after(self.referral_o + m.between(1, 20), 0)
            if day <= last:
                kind = "video" if day < case.release_o else "phone"
                self.single(day, kind, purpose="Introductory call", bag=FIRST_TRY_BAG)
        if case.status == "referred":
            day = _weekday_on_or_after(self.today_o + m.between(1, 14), 0)
            kind = "prison_visit" if day < case.release_o else "one_to_one"
            self.single(day, kind, purpose="First meeting: consent and getting to know each other")

    def first_meeting(self, start_o: int, resumed: bool) -> None:
        if resumed:
            self.single(start_o, "phone", purpose="Back in touch", outcome="attended")
            return
        kind = "prison_visit" if start_o < self.case.release_o else "one_to_one"
        purpose = "First meeting: consent and getting to know each other"
        self.single(start_o, kind, purpose=purpose, outcome="attended")

    def ahead(self) -> None:
        """Appointments over the next two to four weeks; a home visit soon for someone with
        a lone-working flag."""
        m = self.m
        horizon = m.between(14, 28)
        if self.lone_working and self.home:
            self.single(_weekday_on_or_after(self.today_o + m.between(1, 9), 0), "home_visit")
        for _ in range(m.between(1, 3)):
            self.single(_weekday_on_or_after(self.today_o + m.between(1, horizon), 0))

    def series(self) -> None:
        """A weekly or fortnightly one-to-one on the same local time, for some people."""
        m, case = self.m, self.case
        start_o, end_o = self.spans[-1]
        if case.status == "active":
            weeks = m.between(3, 8)
            until = self.today_o + m.between(14, 28)
        elif case.status not in OPEN and end_o - start_o > 70:
            weeks, until = m.between(4, 9), end_o
        else:
            return
        if not m.chance(0.45):
            return
        base = self.today_o if case.status == "active" else end_o
        first_o = _weekday_on_or_after(base - 7 * weeks, m.between(0, 4))
        if first_o <= start_o or first_o < case.release_o:
            return
        frequency, every = ("weekly", 7) if m.chance(0.7) else ("fortnightly", 14)
        count = (until - first_o) // every + 1
        if count < 2:
            return
        repeat = {"frequency": frequency, "count": count}
        minute = m.pick((9 * 60 + 30, 10 * 60, 11 * 60, 14 * 60, 15 * 60))
        starts = occurrence_starts(m.at(first_o, minute), Repeat(**repeat), LONDON)
        series_id = m.uuid()
        fields = self.details("one_to_one", first_o)
        fields["purpose"] = "Regular one-to-one"
        booked = self.booked(starts[0], None)
        for start in starts:
            day = _local_day(start)
            if day in self.days:
                continue
            self.days.add(day)
            appointment = {
                "id": m.uuid(),
                "start": start,
                "end": start + timedelta(minutes=60),
                "kind": "one_to_one",
                **fields,
                "series_id": series_id,
                "repeat": repeat,
                "rescheduled_from": None,
                "booked_at": booked,
            }
            self.attend(appointment, day, None, OUTCOME_BAG)

    def groups(self) -> None:
        case = self.case
        current = _prison(case)
        if current and self.is_open:
            self.join(("prison", current), 0.85, in_custody=True)
        if case.status == "referred" or current:
            return
        if case.gender == "f":
            self.join("women", 0.6)
        if case.on_probation and not case.family_client and case.status == "active":
            self.join("probation", 0.3)

    def join(self, key: Any, odds: float, in_custody: bool = False) -> None:
        m = self.m
        group = m.group(key, self.case)
        steer = f"group {key[0] if isinstance(key, tuple) else key}" not in m.seen
        if group.members >= group.capacity or not (steer or m.chance(odds)):
            return
        joined = 0
        for day, shared, called_off in group.occurrences:
            if day in self.days or not self.open_on(day, in_custody):
                continue
            self.days.add(day)
            appointment = dict(shared)
            if called_off:
                person = {"client_id": self.case.client_id}
                appointment["people"] = [person]
                self.out.append(appointment)
                self.set_outcome(person, appointment, "cancelled_by_service")
                person["note"] = CALLED_OFF
            else:
                self.attend(appointment, day, None, GROUP_OUTCOME_BAG)
            joined += 1
        if joined:
            group.members += 1
            if group.members >= 2:
                m.seen.add(f"group {key[0] if isinstance(key, tuple) else key}")

    def open_on(self, day: int, in_custody: bool = False) -> bool:
        if (day < self.case.release_o) != in_custody:
            return False
        if not self.spans:
            return self.case.status == "referred" and day >= self.referral_o
        return any(start <= day <= end for start, end in self.spans)

    def behind(self) -> None:
        """An appointment in the last week whose outcome is still to be recorded."""
        m = self.m
        day = _weekday_on_or_after(self.today_o - m.between(2, 6), 0)
        if day < self.today_o and self.open_on(day, day < self.case.release_o):
            self.single(day)
        recent = [
            a
            for a in self.out
            if self.today_o - 7 <= _local_day(a["start"]) < self.today_o
            and a["people"][0].get("outcome") in EXPECTED
        ]
        for appointment in recent:
            appointment["people"][0] = {"client_id": self.case.client_id}
        if recent:
            m.seen.add("behind")

    def past(self, count: int) -> None:
        """The rest of the past appointments, on open days, more of them lately."""
        m = self.m
        spans = [(s, min(e, self.today_o - 1)) for s, e in self.spans if s < self.today_o]
        if not spans:
            return
        total = sum(e - s + 1 for s, e in spans)
        made, tries = len(self.out), 0
        while len(self.out) < made + count and tries < 3 * count:
            tries += 1
            offset = int(total * (1 - m.rnd() ** 1.6))
            for s, e in spans:
                if offset <= e - s:
                    day = s + offset
                    break
                offset -= e - s + 1
            else:
                continue
            day = _weekday_on_or_after(day, 0)
            if self.open_on(day, day < self.case.release_o) and day < self.today_o:
                self.single(day)

    def story(self) -> None:
        """The last few appointments missed: people slipping away, or who disengaged."""
        m, case = self.m, self.case
        reason = case.history[-1].get("reason")
        if case.status in ("active", "paused"):
            slipping = m.chance(SLIPPING_ODDS) or "slipping" not in m.seen
            misses = m.between(2, 3)
        elif reason == "disengaged":
            slipping, misses = True, m.between(2, 4)
        else:
            return
        if not slipping:
            return
        went_ahead = sorted(
            (a for a in self.out if a["people"][0].get("outcome") in EXPECTED),
            key=lambda a: a["start"],
        )
        if len(went_ahead) < misses + 1:
            return
        for appointment in went_ahead[-misses:]:
            self.set_outcome(appointment["people"][0], appointment, "did_not_attend")
        if case.status in OPEN:
            m.seen.add("slipping")


def _active_spans(history: list[dict[str, Any]], today_o: int) -> list[tuple[int, int]]:
    """The days the case was active, first to last (the last open for weeks ahead)."""
    spans: list[tuple[int, int]] = []
    began = None
    for change in history:
        day = _local_day(change["at"])
        if change["status"] == "active":
            began = day if began is None else began
        elif began is not None:
            spans.append((began, day))
            began = None
    if began is not None:
        spans.append((began, today_o + 60))
    return spans


def _prison(case: Booking) -> str:
    """The prison the person is in now, from their address, or ""."""
    suffix = " (in custody)"
    return case.address[: -len(suffix)] if case.address.endswith(suffix) else ""


def _local_day(moment: datetime) -> int:
    return moment.astimezone(LONDON).date().toordinal()


def _weekday_on_or_after(ordinal: int, weekday: int) -> int:
    """The first day on or after `ordinal` that is a weekday (Monday 0 .. Friday 4) at or
    after `weekday` in its week, or the next Monday."""
    current = (ordinal - 1) % 7  # date.fromordinal(1) is a Monday
    if current >= 5:
        return ordinal + 7 - current
    if current < weekday:
        return ordinal + weekday - current
    return ordinal


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return day.replace(year=index // 12, month=index % 12 + 1)
