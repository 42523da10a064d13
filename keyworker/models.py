"""The caseload's records as validated models.

Validation is strict: a model only exists if it is right, so storage, the command and the
screens can trust any model they are handed. Messages name the problem in plain words.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from typing import Annotated, Self
from uuid import UUID

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    field_validator,
    model_validator,
)

from keyworker.identifiers import (
    new_id,
    normalise_case_ref,
    normalise_crn,
    normalise_pnc,
    normalise_prison_number,
)
from keyworker.vocabulary import (
    CLIENT_KINDS,
    CLIENT_STATUSES,
    CLOSURE_REASONS,
    CONTACT_TYPES,
    PATHWAYS,
    REFERRAL_SOURCES,
    RELATIONSHIPS,
    RISK_KINDS,
    RISK_LEVELS,
    coded,
)

OLDEST_AGE_YEARS = 120
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_PHONE = re.compile(r"\+?\d{10,15}")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


def _utc(value: datetime) -> datetime:
    return value.astimezone(UTC)


def _no_control_chars(value: str) -> str:
    if _CONTROL_CHARS.search(value):
        raise ValueError("contains characters that cannot be typed; please retype it")
    return value


def _single_line(value: str) -> str:
    _no_control_chars(value)
    if "\n" in value or "\r" in value:
        raise ValueError("must be on one line")
    return value


def _plausible_birth_date(value: date) -> date:
    today = date.today()
    if value > today:
        raise ValueError("a date of birth cannot be in the future")
    if today.year - value.year > OLDEST_AGE_YEARS:
        raise ValueError(f"a date of birth more than {OLDEST_AGE_YEARS} years ago is unlikely")
    return value


def _phone(value: str) -> str:
    digits = re.sub(r"[\s()-]", "", value)
    if not _PHONE.fullmatch(digits):
        raise ValueError("is not a phone number; write it like 07700 900123 or +44 7700 900123")
    return value


def _email(value: str) -> str:
    if not _EMAIL.fullmatch(value):
        raise ValueError("is not an email address; write it like name@example.org")
    return value


UtcDatetime = Annotated[AwareDatetime, AfterValidator(_utc)]
Line = Annotated[str, Field(max_length=200), AfterValidator(_single_line)]
Name = Annotated[str, Field(min_length=1, max_length=200), AfterValidator(_single_line)]
Text = Annotated[str, Field(max_length=20_000), AfterValidator(_no_control_chars)]
BirthDate = Annotated[date, AfterValidator(_plausible_birth_date)]
Phone = Annotated[str, Field(max_length=30), AfterValidator(_phone)]
Email = Annotated[str, Field(max_length=200), AfterValidator(_email)]
CaseRef = Annotated[str, AfterValidator(normalise_case_ref)]
PrisonNumber = Annotated[str, AfterValidator(normalise_prison_number)]
CaseReferenceNumber = Annotated[str, AfterValidator(normalise_crn)]
PncNumber = Annotated[str, AfterValidator(normalise_pnc)]

ClientStatus = coded(CLIENT_STATUSES)
ClosureReason = coded(CLOSURE_REASONS)
ClientKind = coded(CLIENT_KINDS)
ReferralSource = coded(REFERRAL_SOURCES)
ContactType = coded(CONTACT_TYPES)
Pathway = coded(PATHWAYS)
RiskKind = coded(RISK_KINDS)
RiskLevel = coded(RISK_LEVELS)
Relationship = coded(RELATIONSHIPS)


class Record(BaseModel):
    """Shared settings: strict types, no unknown fields, whitespace trimmed."""

    model_config = ConfigDict(
        strict=True,
        extra="forbid",
        str_strip_whitespace=True,
        validate_assignment=True,
    )


class Identifiers(Record):
    """Identifiers other services use for the same person, where they have them."""

    prison_number: PrisonNumber | None = None
    crn: CaseReferenceNumber | None = None
    pnc: PncNumber | None = None


class StatusChange(Record):
    """One entry in a case's status history."""

    status: ClientStatus
    at: UtcDatetime
    reason: ClosureReason | None = None
    note: Text = ""
    by: Line = ""


class Client(Record):
    """A person on the caseload: someone in the justice system or a family member."""

    id: UUID = Field(default_factory=new_id)
    case_ref: CaseRef
    kind: ClientKind = "justice"
    legal_name: Name
    preferred_name: Line = ""
    pronouns: Line = ""
    date_of_birth: BirthDate | None = None
    phone: Phone | None = None
    email: Email | None = None
    address: Text = ""
    identifiers: Identifiers = Field(default_factory=Identifiers)
    status: ClientStatus = "referred"
    closure_reason: ClosureReason | None = None
    referral_source: ReferralSource | None = None
    referral_date: date | None = None
    keyworker: Line = ""
    release_date: date | None = None
    order_end_date: date | None = None
    linked_client_id: UUID | None = None
    relationship_to_linked: Relationship | None = None

    @property
    def display_name(self) -> str:
        return self.preferred_name or self.legal_name

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if self.status == "closed" and self.closure_reason is None:
            raise ValueError("a closed case needs a closure reason")
        if self.status != "closed" and self.closure_reason is not None:
            raise ValueError("only a closed case has a closure reason")
        if self.linked_client_id == self.id:
            raise ValueError("a client cannot be linked to themselves")
        if self.relationship_to_linked and self.linked_client_id is None:
            raise ValueError("a relationship needs a linked client")
        return self


class FamilyMember(Record):
    """Someone in the client's life: partner, child, parent and so on."""

    id: UUID = Field(default_factory=new_id)
    client_id: UUID
    name: Name
    relationship: Relationship
    date_of_birth: BirthDate | None = None
    age: Annotated[int, Field(ge=0, le=OLDEST_AGE_YEARS)] | None = None
    lives_with_client: bool = False
    contact_arrangements: Text = ""
    safeguarding_notes: Text = ""

    @model_validator(mode="after")
    def _one_age(self) -> Self:
        if self.date_of_birth is not None and self.age is not None:
            raise ValueError("give a date of birth or an age, not both")
        return self


class RiskFlag(Record):
    """A risk or safeguarding concern that must be seen when the record is opened."""

    id: UUID = Field(default_factory=new_id)
    client_id: UUID
    kind: RiskKind
    level: RiskLevel
    notes: Text = ""
    raised_on: date
    review_date: date
    ended_on: date | None = None

    @property
    def is_active(self) -> bool:
        return self.ended_on is None

    @model_validator(mode="after")
    def _dates_in_order(self) -> Self:
        if self.review_date < self.raised_on:
            raise ValueError("the review date cannot be before the flag was raised")
        if self.ended_on is not None and self.ended_on < self.raised_on:
            raise ValueError("a flag cannot end before it was raised")
        return self


class CaseNote(Record):
    """A record of one contact with or about the client."""

    id: UUID = Field(default_factory=new_id)
    client_id: UUID
    at: UtcDatetime
    contact_type: ContactType
    duration_minutes: Annotated[int, Field(ge=0, le=24 * 60)] | None = None
    pathways: list[Pathway] = Field(default_factory=list)
    text: Annotated[Text, Field(min_length=1)]
    author: Line = ""

    @field_validator("pathways")
    @classmethod
    def _no_repeats(cls, value: list[str]) -> list[str]:
        if len(set(value)) != len(value):
            raise ValueError("each pathway can be tagged once")
        return value


class ClientRecord(Record):
    """Everything held about one client, as `keyworker client show --json` prints it."""

    client: Client
    status_history: list[StatusChange] = Field(default_factory=list)
    family: list[FamilyMember] = Field(default_factory=list)
    flags: list[RiskFlag] = Field(default_factory=list)
    notes: list[CaseNote] = Field(default_factory=list)
    assessments: list[_assessments.Assessment] = Field(default_factory=list)
    """Needs assessments, oldest first, drafts included."""
    plans: list[_plans.Plan] = Field(default_factory=list)
    """Every revision of every action plan, oldest first; a live plan's last revision is
    the plan as it stands."""
    referrals: list[_plans.Referral] = Field(default_factory=list)
    """Referrals to partner agencies, oldest first."""
    signposts: list[_plans.Signpost] = Field(default_factory=list)
    """Information given without a referral, oldest first."""
    appointments: list[_appointments.Appointment] = Field(default_factory=list)
    """Appointments, earliest first; a group session lists only this person."""

    @model_validator(mode="after")
    def _belongs_to_client(self) -> Self:
        cid = self.client.id
        for item in (
            *self.family,
            *self.flags,
            *self.notes,
            *self.assessments,
            *self.plans,
            *self.referrals,
            *self.signposts,
        ):
            if item.client_id != cid:
                raise ValueError(f"{type(item).__name__} {item.id} belongs to another client")
        for appointment in self.appointments:
            if appointment.client_ids != [cid]:
                raise ValueError(f"Appointment {appointment.id} lists other people")
        return self


class ClientSummary(Record):
    """One caseload row: enough for lists and dashboards, cheap to load."""

    id: UUID
    case_ref: str
    display_name: str
    legal_name: str
    status: str
    kind: str
    keyworker: str
    last_contact: datetime | None
    next_key_date: date | None
    active_flags: list[str]
    next_appointment: datetime | None = None


class SearchHit(Record):
    """A client found by a search, with what matched, for showing why."""

    client_id: UUID
    case_ref: str
    display_name: str
    status: str
    matched: str
    snippet: str


# Last: keyworker.assessments, plans and appointments build on Record above. ClientRecord's
# fields from them are resolved by pydantic when the model is first used, by which time
# the modules are whole, whichever of them was imported first.
from keyworker import appointments as _appointments  # noqa: E402
from keyworker import assessments as _assessments  # noqa: E402
from keyworker import plans as _plans  # noqa: E402
