"""Booking, changing, moving and cancelling appointments, and recording outcomes.

A mixin for the screens that list appointments (the client record's Appointments tab and
the agenda). The host says which appointment has the cursor (`chosen_appointment`), who
a new booking is for (`booking_for`), and reloads when told (`appointments_changed`).
What a form needs is read in a thread before it opens; what it returns is saved in a
thread, and the host is told in plain words what was done.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any, Literal
from uuid import UUID
from zoneinfo import ZoneInfo

from textual import work
from textual.css.query import NoMatches

from keyworker import appointments as ap
from keyworker.appointments import Appointment, Attendance
from keyworker.errors import InvalidInput, KeyworkerError
from keyworker.identifiers import new_id
from keyworker.plans import live_plan
from keyworker.times import when_text, zone_named
from keyworker.vocabulary import PATHWAYS
from screens.appointment_form import (
    AppointmentForm,
    BookingContext,
    ChoiceScreen,
    Move,
    MoveForm,
    Person,
    Warnings,
    clash_line,
    staff_risk_lines,
)
from screens.appointment_pane import AppointmentPane, start_words
from screens.client_text import one_line
from screens.outcome_form import OutcomeChoice, OutcomeForm

if TYPE_CHECKING:
    from textual.app import App
    from textual.screen import Screen

    from keyworker.clock import Clock
    from storage import Caseload

NEEDS_CHOICE = (
    "edit_appointment",
    "record_outcome",
    "reschedule_appointment",
    "cancel_appointment",
)
ALREADY_OFF = "This appointment is already cancelled or moved for everyone on it."


def span_words(appointments: Sequence[Appointment], zone: ZoneInfo) -> str:
    """ "Tue 24/11/2026 10:00", or "Tue 24/11/2026 to Tue 15/12/2026" for several."""
    first, last = appointments[0], appointments[-1]
    if len(appointments) == 1:
        return start_words(first.start, zone)
    return f"{start_words(first.start, zone)[:-6]} to {start_words(last.start, zone)[:-6]}"


def booked_words(booked: Sequence[Appointment], zone: ZoneInfo) -> str:
    """ "Booked 4 weekly appointments, Tue 24/11/2026 to Tue 15/12/2026." """
    first = booked[0]
    if len(booked) == 1:
        return f"Booked: {first.label()}, {when_text(first.start, first.end, zone)}."
    how = first.repeat.frequency.split("_")[0] if first.repeat else ""
    return f"Booked {len(booked)} {how} appointments, {span_words(booked, zone)}.".replace(
        "  ", " "
    )


@dataclass(frozen=True)
class _Loaded:
    """An appointment read whole, with its series and the people on it."""

    appointment: Appointment
    series: list[Appointment]
    people: dict[UUID, Person]

    def following(self) -> list[Appointment]:
        if self.appointment.series_id is None:
            return [self.appointment]
        return ap.this_and_following(self.series, self.appointment)


class AppointmentActions:
    """The appointment actions (keys bound on the appointment tables, see `AppointmentTable`).

    The host provides `caseload`, `clock`, and the three methods below.
    """

    caseload: Caseload
    clock: Clock
    app: App[Any]

    if TYPE_CHECKING:

        def notify(self, message: str, **kwargs: Any) -> None: ...
        def query_one(self, selector: Any, expect_type: Any = None) -> Any: ...

    # What the host provides ---------------------------------------------------------

    def chosen_appointment(self) -> tuple[UUID, UUID | None] | None:
        """The appointment with the cursor, and the person when the row is one person's."""
        raise NotImplementedError

    def booking_for(self) -> list[UUID]:
        """The people a new booking starts with."""
        raise NotImplementedError

    def appointments_changed(self) -> None:
        """Read the appointments again after a change was saved."""
        raise NotImplementedError

    selected_appointment: UUID | None = None
    """The appointment last saved, for the host to put the cursor on when it reloads."""

    def take_selected_appointment(self) -> UUID | None:
        """The appointment last saved, once: later reloads leave the cursor where it is."""
        chosen, self.selected_appointment = self.selected_appointment, None
        return chosen

    # Settings -------------------------------------------------------------------------

    @property
    def appointment_zone(self) -> ZoneInfo:
        """The zone appointments are typed and shown in (settings; London if unset)."""
        name = getattr(getattr(self.app, "settings", None), "time_zone", ap.DEFAULT_ZONE)
        try:
            return zone_named(name)
        except InvalidInput:
            return zone_named(ap.DEFAULT_ZONE)

    @property
    def _appointment_minutes(self) -> int:
        return int(getattr(getattr(self.app, "settings", None), "appointment_minutes", 60))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Actions on an appointment are offered only while one has the cursor."""
        if action in NEEDS_CHOICE:
            try:
                return self.chosen_appointment() is not None
            except NoMatches:  # asked before the host has laid out its list
                return False
        return super().check_action(action, parameters)  # type: ignore[misc, no-any-return]

    # Plumbing -------------------------------------------------------------------------

    def _appointment_ask(self, screen: Screen[Any], then: Callable[[Any], None]) -> None:
        def answered(result: Any) -> None:
            if result is not None and result is not False:
                then(result)

        self.app.push_screen(screen, answered)

    def _appointment_not_done(self, problem: str) -> None:
        self.notify(problem, title="Not done", severity="error")

    @work(thread=True, group="appointment-save")
    def _appointment_save(self, change: Callable[[], tuple[str, UUID | None]]) -> None:
        """Make one change through the caseload; tell the host and the worker."""
        try:
            done, select = change()
        except KeyworkerError as exc:
            self.app.call_from_thread(self._appointment_not_done, str(exc))
            return
        self.app.call_from_thread(self._appointment_saved, done, select)

    def _appointment_saved(self, done: str, select: UUID | None) -> None:
        self.selected_appointment = select
        self.appointments_changed()
        self.notify(done)

    @work(thread=True, exclusive=True, group="appointment-read")
    def _appointment_read(self, read: Callable[[], Any], then: Callable[[Any], None]) -> None:
        """Read what a form needs in a thread, then open it."""
        try:
            found = read()
        except KeyworkerError as exc:
            self.app.call_from_thread(self._appointment_not_done, str(exc))
            return
        self.app.call_from_thread(then, found)

    def _booking_person(self, client_id: UUID) -> Person:
        client = self.caseload.client(client_id)
        return Person(client.id, client.case_ref, client.display_name)

    def _booking_context(
        self, people: Sequence[UUID], appointment: Appointment | None
    ) -> BookingContext:
        """What the booking form offers (run in a thread)."""
        chosen = [self._booking_person(cid) for cid in people]
        directory = [
            Person(c.id, c.case_ref, c.display_name)
            for c in self.caseload.clients()
            if c.id not in set(people)
        ]
        agencies = [(a.name, a.id) for a in self.caseload.agencies()]
        goals: list[tuple[str, UUID]] = []
        flags = {}
        for cid in people:
            record = self.caseload.record(cid)
            flags[cid] = record.flags
            plan = live_plan(record.plans)
            if len(people) == 1 and plan is not None:
                goals = [
                    (f"{PATHWAYS.label(g.pathway)}: {one_line(g.words, 50)}", g.id)
                    for g in plan.goals
                    if g.is_live or (appointment is not None and g.id == appointment.goal_id)
                ]
        return BookingContext(chosen, directory, agencies, goals, flags)

    def _load_appointment(self, appointment_id: UUID) -> _Loaded:
        """An appointment, its series and its people (run in a thread)."""
        appointment = self.caseload.appointment(appointment_id)
        series = self.caseload.series(appointment.series_id) if appointment.series_id else []
        people = {cid: self._booking_person(cid) for cid in appointment.client_ids}
        return _Loaded(appointment, series, people)

    def _booking_warnings(self, appointments: Sequence[Appointment]) -> Warnings:
        """Clashes for every occurrence, and staff risk for a home visit (run in a thread)."""
        first = appointments[0]
        risky = []
        if first.kind in ap.VISIT_KINDS:
            people = [self._booking_person(cid) for cid in first.client_ids]
            flags = {cid: self.caseload.record(cid).flags for cid in first.client_ids}
            risky = staff_risk_lines(first.kind, people, flags)
        ours = {a.id for a in appointments}
        zone = self.appointment_zone
        clashes = []
        for appointment in appointments:
            for entry in self.caseload.clashes(appointment):
                if entry.id not in ours:
                    clashes.append(clash_line(entry, zone))
        return Warnings(risky, list(dict.fromkeys(clashes)))

    # Booking --------------------------------------------------------------------------

    def action_book_appointment(self) -> None:
        people = list(self.booking_for())
        self._appointment_read(
            partial(self._booking_context, people, None), self._offer_appointment_booking
        )

    def _offer_appointment_booking(self, context: BookingContext) -> None:
        form = AppointmentForm(
            context,
            self.clock.now(),
            self.appointment_zone,
            self._appointment_minutes,
            warnings_for=self._booking_warnings,
        )
        self._appointment_ask(form, self._appointment_booked)

    def _appointment_booked(self, appointments: list[Appointment]) -> None:
        zone = self.appointment_zone

        def book() -> tuple[str, UUID | None]:
            booked = self.caseload.book(appointments)
            return booked_words(booked, zone), booked[0].id

        self._appointment_save(book)

    # Changing -------------------------------------------------------------------------

    def action_edit_appointment(self) -> None:
        chosen = self.chosen_appointment()
        if chosen is not None:
            self._open_appointment(chosen[0])

    def on_appointment_pane_chosen(self, message: AppointmentPane.Chosen) -> None:
        self._open_appointment(message.appointment.id)

    def _open_appointment(self, appointment_id: UUID) -> None:
        def read() -> tuple[_Loaded, BookingContext]:
            loaded = self._load_appointment(appointment_id)
            a = loaded.appointment
            return loaded, self._booking_context(a.client_ids, a)

        self._appointment_read(read, self._ask_edit_scope)

    def _ask_edit_scope(self, found: tuple[_Loaded, BookingContext]) -> None:
        loaded, context = found
        following = loaded.following()
        if len(following) < 2:
            self._offer_appointment_edit(loaded, context, [loaded.appointment], "one")
            return
        question = ChoiceScreen(
            "This appointment repeats. Change which?",
            [
                ("one", "Just this one"),
                ("following", f"This and all following ({len(following)} in all)"),
            ],
        )

        def scoped(scope: str) -> None:
            chosen = following if scope == "following" else [loaded.appointment]
            self._offer_appointment_edit(loaded, context, chosen, scope)

        self._appointment_ask(question, scoped)

    def _offer_appointment_edit(
        self,
        loaded: _Loaded,
        context: BookingContext,
        scope: list[Appointment],
        how: str,
    ) -> None:
        before = loaded.appointment
        zone = self.appointment_zone
        words = f"This and the {len(scope) - 1} following" if len(scope) > 1 else ""

        def changes(edited: list[Appointment]) -> list[Appointment]:
            if how == "following":
                return ap.change_following(scope, before, edited[0], zone)
            return edited

        form = AppointmentForm(
            context,
            self.clock.now(),
            zone,
            self._appointment_minutes,
            appointment=before,
            scope_words=words,
            warnings_for=lambda edited: self._booking_warnings(changes(edited)),
        )

        def save(edited: list[Appointment]) -> None:
            changed = changes(edited)

            def write() -> tuple[str, UUID | None]:
                saved = self.caseload.save_appointments(changed)
                if len(saved) == 1:
                    return f"Saved {start_words(saved[0].start, zone)}.", saved[0].id
                span = span_words(saved, zone)
                return f"Changed {len(saved)} appointments, {span}.", saved[0].id

            self._appointment_save(write)

        self._appointment_ask(form, save)

    def _read_chosen_appointment(self, then: Callable[[UUID | None, _Loaded], None]) -> None:
        """Read the appointment with the cursor in a thread, then `then(person, loaded)`."""
        chosen = self.chosen_appointment()
        if chosen is None:
            return
        appointment_id, client_id = chosen
        self._appointment_read(
            partial(self._load_appointment, appointment_id), partial(then, client_id)
        )

    # Outcomes -------------------------------------------------------------------------

    def action_record_outcome(self) -> None:
        self._read_chosen_appointment(self._offer_appointment_outcome)

    def _offer_appointment_outcome(self, client_id: UUID | None, loaded: _Loaded) -> None:
        appointment = loaded.appointment
        only = client_id
        if only is None and len(appointment.people) == 1:
            only = appointment.client_ids[0]
        if only is not None and appointment.person(only).outcome == "rescheduled":
            self.notify("This appointment was moved: record the outcome on the new one.")
            return
        form = OutcomeForm(
            appointment,
            list(loaded.people.values()),
            self.clock.now(),
            self.appointment_zone,
            only=only,
        )
        self._appointment_ask(form, partial(self._appointment_outcomes_chosen, appointment.id))

    def _appointment_outcomes_chosen(
        self, appointment_id: UUID, chosen: list[OutcomeChoice]
    ) -> None:
        if not chosen:
            self.notify("Nothing changed.")
            return
        now = self.clock.now()

        def write() -> tuple[str, UUID | None]:
            appointment = self.caseload.appointment(appointment_id)
            for c in chosen:
                appointment = ap.with_outcome(
                    appointment, c.client_id, c.outcome, now, reason=c.reason, note=c.note
                )
            self.caseload.save_appointments([appointment])
            if len(chosen) == 1:
                return "Outcome recorded.", appointment_id
            return f"Outcomes recorded for {len(chosen)} people.", appointment_id

        self._appointment_save(write)

    # Moving ---------------------------------------------------------------------------

    def action_reschedule_appointment(self) -> None:
        self._read_chosen_appointment(self._offer_appointment_move)

    def _offer_appointment_move(self, client_id: UUID | None, loaded: _Loaded) -> None:
        appointment = loaded.appointment
        still_due = [p.client_id for p in appointment.people if p.outcome is None]
        if client_id is None:
            if len(still_due) > 1:
                question = ChoiceScreen(
                    "Move the appointment for whom? The others stay where they are.",
                    [(str(cid), loaded.people[cid].words) for cid in still_due],
                )
                self._appointment_ask(
                    question, lambda cid: self._offer_appointment_move(UUID(cid), loaded)
                )
                return
            client_id = still_due[0] if still_due else appointment.client_ids[0]
        if appointment.person(client_id).outcome is not None:
            self.notify(
                "An outcome is already recorded for this appointment, so it cannot be moved. "
                "Book a new one instead (b).",
                severity="warning",
            )
            return
        zone = self.appointment_zone
        person = loaded.people.get(client_id)

        def warnings(move: Move) -> Warnings:
            candidate = appointment.model_copy(
                update={
                    "id": new_id(),
                    "start": move.start,
                    "end": move.end,
                    "people": [Attendance(client_id=client_id)],
                }
            )
            return self._booking_warnings([candidate])

        form = MoveForm(appointment, person, self.clock.now(), zone, warnings)

        def move_to(move: Move) -> None:
            def write() -> tuple[str, UUID | None]:
                _old, new = self.caseload.reschedule(
                    appointment.id, client_id, move.start, move.end, move.note
                )
                return f"Moved to {when_text(new.start, new.end, zone)}.", new.id

            self._appointment_save(write)

        self._appointment_ask(form, move_to)

    # Cancelling -----------------------------------------------------------------------

    def action_cancel_appointment(self) -> None:
        self._read_chosen_appointment(self._ask_who_cancelled)

    def _ask_who_cancelled(self, client_id: UUID | None, loaded: _Loaded) -> None:
        appointment = loaded.appointment
        due = [p for p in appointment.people if p.outcome is None]
        if client_id is not None and appointment.person(client_id).outcome is not None:
            due = []
        if not due:
            self.notify(ALREADY_OFF if appointment.cancelled else _HAS_OUTCOME)
            return
        zone = self.appointment_zone
        what = f"{appointment.label()}, {when_text(appointment.start, appointment.end, zone)}"
        person = "The person" if len(appointment.people) == 1 or client_id else "A person"
        question = ChoiceScreen(
            f"Cancel {what}. Who cancelled it?",
            [("person", f"{person} cancelled"), ("service", "The service cancelled")],
        )
        self._appointment_ask(question, partial(self._ask_cancel_scope, client_id, loaded))

    def _ask_cancel_scope(
        self, client_id: UUID | None, loaded: _Loaded, by: Literal["person", "service"]
    ) -> None:
        following = [
            a
            for a in loaded.following()
            if a.id == loaded.appointment.id or a.start > self.clock.now()
        ]
        if len(following) < 2:
            self._cancel_chosen(client_id, loaded, by, [loaded.appointment])
            return
        question = ChoiceScreen(
            "This appointment repeats. Cancel which?",
            [
                ("one", "Just this one"),
                ("following", f"This and all following still to come ({len(following)} in all)"),
            ],
        )

        def scoped(scope: str) -> None:
            chosen = following if scope == "following" else [loaded.appointment]
            self._cancel_chosen(client_id, loaded, by, chosen)

        self._appointment_ask(question, scoped)

    def _cancel_chosen(
        self,
        client_id: UUID | None,
        loaded: _Loaded,
        by: Literal["person", "service"],
        chosen: list[Appointment],
    ) -> None:
        zone = self.appointment_zone
        ids = [a.id for a in chosen]
        who = "by the person" if by == "person" else "by the service"
        just_them = by == "person" and client_id is not None and loaded.appointment.is_group
        now = self.clock.now()

        def write() -> tuple[str, UUID | None]:
            if just_them:
                assert client_id is not None
                changed = [
                    ap.with_outcome(a, client_id, "cancelled_by_person", now)
                    for a in (self.caseload.appointment(i) for i in ids)
                    if a.person(client_id).outcome is None
                ]
                done = self.caseload.save_appointments(changed)
            else:
                done = self.caseload.cancel_appointments(ids, by)
            if len(done) == 1:
                return f"Cancelled {start_words(done[0].start, zone)} ({who}).", done[0].id
            span = span_words(done, zone)
            return f"Cancelled {len(done)} appointments, {span} ({who}).", done[0].id

        self._appointment_save(write)


_HAS_OUTCOME = "An outcome is already recorded for this appointment; change it with o."
