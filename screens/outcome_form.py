"""Recording what happened at an appointment: for one person, or each person at a group.

The outcomes are those of shared/domain.md except "rescheduled", which is recorded by
moving the appointment (so the new one is booked and linked). An acceptable absence needs
its reason. Attendance cannot be recorded before the appointment starts: the domain's
refusal is shown beside the outcome, as one line.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

from keyworker import appointments as ap
from keyworker.appointments import Appointment, Attendance
from keyworker.errors import InvalidInput
from keyworker.times import when_text
from keyworker.vocabulary import ABSENCE_REASONS, APPOINTMENT_OUTCOMES, Vocabulary
from screens.appointment_form import Person
from screens.form import ChoiceField, FormScreen, Item, Section, TextField, field_errors, missing

OUTCOMES = Vocabulary(
    APPOINTMENT_OUTCOMES.name,
    [(t.code, t.label) for t in APPOINTMENT_OUTCOMES if t.code != "rescheduled"],
)
NEEDS_REASON = "Choose the reason the absence was acceptable."
NONE_CHOSEN = "Choose an outcome for at least one person."


@dataclass(frozen=True)
class OutcomeChoice:
    """One person's outcome as recorded on the form."""

    client_id: UUID
    outcome: str
    reason: str | None
    note: str


class OutcomeForm(FormScreen[list[OutcomeChoice]]):
    """The outcome for one person (`only`), or a row of outcome, reason and note per person.

    People whose appointment was moved are named in the heading and not asked about: their
    outcome is "rescheduled", linked to the new appointment. Dismisses with the outcomes
    that changed.
    """

    SAVE_LABEL = "Record"

    def __init__(
        self,
        appointment: Appointment,
        people: Sequence[Person],
        now: datetime,
        zone: ZoneInfo,
        only: UUID | None = None,
    ) -> None:
        self.appointment = appointment
        self.now = now
        names = {p.id: p.words for p in people}
        wanted = [only] if only is not None else appointment.client_ids
        moved = [cid for cid in wanted if appointment.person(cid).outcome == "rescheduled"]
        self.asked = [cid for cid in wanted if cid not in moved]
        self.names = {cid: names.get(cid, "Someone no longer on the caseload") for cid in wanted}
        self.single = len(wanted) == 1
        about = f"{appointment.label()}, {when_text(appointment.start, appointment.end, zone)}"
        if self.single:
            about += f", {self.names[wanted[0]]}"
        about += "."
        if moved:
            who = ", ".join(self.names[cid] for cid in moved)
            about += f" Moved to another time, so not asked here: {who}."
        super().__init__("Record the outcome", about)

    def _field_name(self, index: int, part: str) -> str:
        return part if self.single else f"p{index}.{part}"

    def items(self) -> Iterable[Item]:
        for index, cid in enumerate(self.asked):
            had = self.appointment.person(cid)
            if not self.single:
                yield Section(title=self.names[cid])
            yield ChoiceField(
                name=self._field_name(index, "outcome"),
                label="Outcome",
                required=self.single,
                vocabulary=OUTCOMES,
                value=had.outcome,
            )
            yield ChoiceField(
                name=self._field_name(index, "reason"),
                label="Reason (acceptable absence)",
                vocabulary=ABSENCE_REASONS,
                value=had.reason,
            )
            yield TextField(name=self._field_name(index, "note"), label="Note", value=had.note)

    def build(self, values: dict[str, Any]) -> list[OutcomeChoice]:
        chosen: list[OutcomeChoice] = []
        problems: dict[str, str] = {}
        for index, cid in enumerate(self.asked):
            given = values if self.single else values[f"p{index}"]
            outcome = given["outcome"]
            if outcome is None:
                continue
            reason = given["reason"] if outcome == "acceptable_absence" else None
            note = " ".join(given["note"].split())
            try:
                ap.with_outcome(self.appointment, cid, outcome, self.now, reason=reason, note=note)
            except InvalidInput as exc:
                field = "reason" if outcome == "acceptable_absence" and not reason else "outcome"
                message = NEEDS_REASON if field == "reason" else str(exc)
                problems[self._field_name(index, field)] = message
                continue
            if _same(self.appointment.person(cid), outcome, reason, note):
                continue
            chosen.append(OutcomeChoice(cid, outcome, reason, note))
        if problems:
            raise field_errors("Outcome", problems)
        if not chosen and self.asked:
            if self.single and values["outcome"] is None:
                raise missing("Outcome", ["outcome"])
            first = self._field_name(0, "outcome")
            if not self.single and all(
                values[f"p{i}"]["outcome"] is None for i in range(len(self.asked))
            ):
                raise field_errors("Outcome", {first: NONE_CHOSEN})
        return chosen


def _same(had: Attendance, outcome: str, reason: str | None, note: str) -> bool:
    return (had.outcome, had.reason, had.note) == (outcome, reason, note)
