"""Appointments in the caseload.

`AppointmentStore` is the part of `Caseload` that reads and writes the tables of
migration 5, inside Caseload's transactions, with an audit entry per appointment saved.
An appointment is kept whole as its JSON `body`, people and outcomes inside; the
`appointment_people` rows are worked out from the bodies on every save, so per-person
questions (their appointments, the next one, outcomes to record, missed appointments in
a row) are answered by index. `keyworker check` finds any drift between the two.

Times are stored as UTC text without an offset ('2026-11-24T10:00:00'), so they compare
as text.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Literal
from uuid import UUID

from keyworker import appointments as ap
from keyworker.appointments import AgendaEntry, AgendaPerson, Appointment, Figures
from keyworker.attention import OPEN_STATUSES, Who
from keyworker.errors import InvalidInput, UnknownClient
from keyworker.vocabulary import RISK_KINDS, RISK_LEVELS
from storage import driver, rows
from storage.audit import Problem
from storage.plans import from_row, to_row

if TYPE_CHECKING:
    import contextlib
    import threading

    from keyworker.clock import Clock
    from storage.audit import AuditTrail


def stamp(moment: datetime) -> str:
    """A moment as the appointment tables keep it: UTC, to the second, no offset."""
    return moment.astimezone(UTC).replace(tzinfo=None, microsecond=0).isoformat()


def _moment(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def appointment_columns(appointment: Appointment) -> dict[str, object]:
    return {
        "id": str(appointment.id),
        "starts_at": stamp(appointment.start),
        "ends_at": stamp(appointment.end),
        "kind": appointment.kind,
        "series_id": str(appointment.series_id) if appointment.series_id else None,
        "title": appointment.title,
        "location": appointment.location,
        "met_with": appointment.met_with,
    }


def _people_rows(appointments: Iterable[Appointment]) -> list[tuple[str, str, str, str, Any]]:
    return [
        (str(a.id), str(p.client_id), stamp(a.start), stamp(a.end), p.outcome)
        for a in appointments
        for p in a.people
    ]


class AppointmentStore:
    """Booking, changing and reading appointments; mixed into `storage.Caseload`."""

    _directory_cache: tuple[int, dict[str, Who]] | None = None

    if TYPE_CHECKING:
        _clock: Clock
        _lock: threading.RLock
        _writes: int

        @property
        def _conn(self) -> driver.Connection: ...

        @property
        def _trail(self) -> AuditTrail: ...

        def _write(self) -> contextlib.AbstractContextManager[driver.Connection]: ...

        def _rows(self, sql: str, params: Any = ()) -> list[rows.Row]: ...

        def _insert(self, table: str, batch: list[rows.Row]) -> None: ...

        def _update_body(self, table: str, old: Any, new: Any) -> list[str]: ...

    # Writing ------------------------------------------------------------------------

    def book(self, appointments: Sequence[Appointment]) -> list[Appointment]:
        """Save new appointments (one, a series, or a rescheduled one) all together.

        Raises:
            UnknownClient: someone booked is no longer on the caseload; nothing is saved.
        """
        now = self._clock.now()
        booked = [
            a if a.booked_at else a.model_copy(update={"booked_at": now}) for a in appointments
        ]
        with self._write():
            self._insert_appointments(booked)
        return booked

    def save_appointments(self, changed: Sequence[Appointment]) -> list[Appointment]:
        """Save changes to appointments already booked, all or none.

        Raises:
            UnknownClient: an appointment was deleted meanwhile, or someone on it left.
        """
        with self._write():
            for appointment in changed:
                self._update_body("appointments", self.appointment(appointment.id), appointment)
            self._reproject(changed)
        return list(changed)

    def record_outcome(
        self,
        appointment_id: UUID,
        client_id: UUID,
        outcome: str,
        *,
        reason: str | None = None,
        note: str = "",
    ) -> Appointment:
        """Record what happened for one person at one appointment (InvalidInput if it can't be)."""
        with self._write():
            stored = self.appointment(appointment_id)
            changed = ap.with_outcome(
                stored, client_id, outcome, self._clock.now(), reason=reason, note=note
            )
            self._update_body("appointments", stored, changed)
            self._reproject([changed])
        return changed

    def cancel_appointments(
        self, ids: Iterable[UUID], by: Literal["person", "service"], note: str = ""
    ) -> list[Appointment]:
        """Call off appointments for everyone without an outcome yet; kept, not deleted."""
        now = self._clock.now()
        with self._write():
            done = []
            for appointment_id in ids:
                stored = self.appointment(appointment_id)
                changed = ap.cancelled(stored, by, now, note)
                self._update_body("appointments", stored, changed)
                done.append(changed)
            self._reproject(done)
        return done

    def reschedule(
        self, appointment_id: UUID, client_id: UUID, start: datetime, end: datetime, note: str = ""
    ) -> tuple[Appointment, Appointment]:
        """Move one person's appointment to a new time: (the old one, the new one)."""
        now = self._clock.now()
        with self._write():
            stored = self.appointment(appointment_id)
            if stored.person(client_id).outcome is not None:
                raise InvalidInput(
                    "An outcome is already recorded for this appointment, so it cannot be "
                    "rescheduled. Book a new one instead."
                )
            old, new = ap.rescheduled(stored, client_id, start, end, now, note)
            self._update_body("appointments", stored, old)
            self._reproject([old])
            self._insert_appointments([new])
        return old, new

    def _insert_appointments(self, appointments: Sequence[Appointment]) -> None:
        try:
            self._insert("appointments", [to_row("appointments", a) for a in appointments])
            self._conn.executemany(_ADD_PERSON, _people_rows(appointments))
        except driver.IntegrityError as exc:
            if "FOREIGN KEY" in str(exc) or "foreign key" in str(exc):
                raise UnknownClient(
                    "Someone on that appointment is no longer on this caseload. Nothing was saved."
                ) from None
            raise

    def _reproject(self, appointments: Sequence[Appointment]) -> None:
        self._conn.executemany(
            "DELETE FROM appointment_people WHERE appointment_id = ?",
            [(str(a.id),) for a in appointments],
        )
        try:
            self._conn.executemany(_ADD_PERSON, _people_rows(appointments))
        except driver.IntegrityError:
            raise UnknownClient(
                "Someone on that appointment is no longer on this caseload. Nothing was saved."
            ) from None

    # Reading ------------------------------------------------------------------------

    def appointment(self, appointment_id: UUID) -> Appointment:
        found = self._rows("SELECT * FROM appointments WHERE id = ?", (str(appointment_id),))
        if not found:
            raise UnknownClient("That appointment is no longer on this caseload.")
        return from_row("appointments", found[0])

    def series(self, series_id: UUID) -> list[Appointment]:
        """Every appointment of a repeating series, earliest first."""
        found = self._rows(
            "SELECT * FROM appointments WHERE series_id = ? ORDER BY starts_at, seq",
            (str(series_id),),
        )
        return [from_row("appointments", r) for r in found]

    def client_appointments(self, client_id: UUID) -> list[Appointment]:
        """One person's appointments, earliest first, each showing only them."""
        found = self._rows(_CLIENT_APPOINTMENTS, (str(client_id),))
        return [from_row("appointments", r).only_for(client_id) for r in found]

    def appointments_between(self, start: datetime, end: datetime) -> list[Appointment]:
        """Every appointment starting from `start` up to (not including) `end`, in order."""
        found = self._rows(
            "SELECT * FROM appointments WHERE starts_at >= ? AND starts_at < ?"
            " ORDER BY starts_at, seq",
            (stamp(start), stamp(end)),
        )
        return [from_row("appointments", r) for r in found]

    def agenda(self, start: datetime, end: datetime) -> list[AgendaEntry]:
        """The appointments starting in [start, end) as the agenda shows them, in order.

        Read straight from the columns and the few fields shown, without building every
        appointment whole: a week of a large caseload is thousands of lines.
        """
        with self._lock:
            found = self._conn.execute(_AGENDA, (stamp(start), stamp(end))).fetchall()
            risks = self._staff_risks()
            directory = self._directory()
        return _entries(found, directory, risks)

    def clashes(self, appointment: Appointment) -> list[AgendaEntry]:
        """Other appointments, not cancelled, that overlap this one's time."""
        with self._lock:
            found = self._conn.execute(
                _CLASHES, (stamp(appointment.end), stamp(appointment.start), str(appointment.id))
            ).fetchall()
            risks = self._staff_risks()
            directory = self._directory()
        return [e for e in _entries(found, directory, risks) if not e.cancelled]

    def outcomes_due(self) -> list[AgendaEntry]:
        """Appointments that have ended with someone's outcome still to record, oldest first."""
        now = stamp(self._clock.now())
        with self._lock:
            found = self._conn.execute(_DUE, (now, now)).fetchall()
            risks = self._staff_risks()
            directory = self._directory()
        return _entries(found, directory, risks)

    def attendance(self, start: datetime, end: datetime, client_id: UUID | None = None) -> Figures:
        """Outcomes of appointments starting in [start, end), for one person or everyone."""
        figures = Figures()
        for _cid, outcome, count in self._outcome_counts(start, end, client_id):
            for _ in range(count):
                figures.add(outcome)
        return figures

    def attendance_by_client(self, start: datetime, end: datetime) -> dict[UUID, Figures]:
        """Each person's outcomes of appointments starting in [start, end)."""
        found: dict[UUID, Figures] = {}
        for cid, outcome, count in self._outcome_counts(start, end, None):
            figures = found.setdefault(UUID(cid), Figures())
            for _ in range(count):
                figures.add(outcome)
        return found

    def _outcome_counts(
        self, start: datetime, end: datetime, client_id: UUID | None
    ) -> list[tuple[str, str | None, int]]:
        with self._lock:
            return [
                tuple(r)
                for r in self._conn.execute(
                    "SELECT client_id, outcome, count(*) FROM appointment_people"
                    " WHERE starts_at >= ?1 AND starts_at < ?2 AND (?3 IS NULL OR client_id = ?3)"
                    " GROUP BY client_id, outcome",
                    (stamp(start), stamp(end), str(client_id) if client_id else None),
                )
            ]

    def _directory(self) -> dict[str, Who]:
        """Every person's id, case reference and name to show, by id as stored; read
        again only after something was written (holding the lock)."""
        cached = self._directory_cache
        if cached is not None and cached[0] == self._writes:
            return cached[1]
        directory = {
            cid: (UUID(cid), case_ref, preferred or legal)
            for cid, case_ref, preferred, legal in self._conn.execute(
                "SELECT id, case_ref, preferred_name, legal_name FROM clients"
            )
        }
        self._directory_cache = (self._writes, directory)
        return directory

    def _staff_risks(self) -> dict[str, str]:
        """Each person's live risk-to-staff flags, worded: "Risk to staff / lone working (high)"."""
        marks = ", ".join("?" * len(ap.STAFF_RISK_FLAGS))
        found: dict[str, list[str]] = {}
        for cid, kind, level in self._conn.execute(
            f"SELECT client_id, kind, level FROM risk_flags WHERE ended_on IS NULL"
            f" AND kind IN ({marks}) ORDER BY seq",
            ap.STAFF_RISK_FLAGS,
        ):
            found.setdefault(cid, []).append(
                f"{RISK_KINDS.label(kind)} ({RISK_LEVELS.label(level).lower()})"
            )
        return {cid: "; ".join(words) for cid, words in found.items()}

    # For the caseload ---------------------------------------------------------------

    def _missed_rows(self) -> list[rows.Row]:
        """Open cases with two or more non-attendances since they last came, for attention."""
        return self._rows(_MISSED_IN_A_ROW, (ap.MISSED_IN_A_ROW,))

    def _outcome_due_rows(self) -> list[rows.Row]:
        """Open cases with ended appointments whose outcome is not recorded, for attention."""
        now = stamp(self._clock.now())
        return self._rows(_OUTCOMES_DUE_BY_CLIENT, (now, now))

    def _client_appointment_rows(self, client_id: UUID) -> list[rows.Row]:
        return self._rows(_CLIENT_APPOINTMENTS, (str(client_id),))

    def _insert_record_appointments(self, appointments: Sequence[Appointment]) -> None:
        """Whole records' appointments, for `add_records`: a group session already met
        (in another person's record, now or before) gains this person, not a second copy."""
        merged: dict[UUID, Appointment] = {}
        for appointment in appointments:
            seen = merged.get(appointment.id)
            merged[appointment.id] = appointment if seen is None else _joined(seen, appointment)
        ids = [str(i) for i in merged]
        saved: dict[UUID, Appointment] = {}
        for start in range(0, len(ids), 500):
            batch = ids[start : start + 500]
            found = self._conn.execute(
                f"SELECT * FROM appointments WHERE id IN ({', '.join('?' * len(batch))})", batch
            )
            names = [d[0] for d in found.description]
            for values in found:
                stored = from_row("appointments", dict(zip(names, values, strict=True)))
                saved[stored.id] = stored
        if saved:
            joined = [_joined(saved[i], merged.pop(i)) for i in saved]
            for appointment in joined:
                self._update_body("appointments", saved[appointment.id], appointment)
            self._reproject(joined)
        self._insert_appointments(list(merged.values()))

    def _check_appointments(self) -> list[Problem]:
        """The people table agrees with the appointments' bodies (for `check`, locked)."""
        expected = set()
        for (body,) in self._conn.execute("SELECT body FROM appointments"):
            try:
                appointment = Appointment.model_validate_json(body)
            except ValueError:
                continue  # named by the damaged-body check
            expected.update(_people_rows([appointment]))
        held = {tuple(r) for r in self._conn.execute("SELECT * FROM appointment_people")}
        if expected != held:
            return [
                Problem(
                    "The list of who is booked on each appointment is out of step with the "
                    "appointments themselves."
                )
            ]
        return []


def _joined(first: Appointment, more: Appointment) -> Appointment:
    """One appointment with the people of two copies of it (a person listed once)."""
    known = set(first.client_ids)
    extra = [p for p in more.people if p.client_id not in known]
    return first.model_copy(update={"people": [*first.people, *extra]}) if extra else first


def _entries(
    found: Iterable[Sequence[Any]], directory: dict[str, Who], risks: dict[str, str]
) -> list[AgendaEntry]:
    """Agenda rows (one per person) gathered into one entry per appointment, in order.

    A week of a large caseload is thousands of rows: moments and series ids repeat, so
    each is read once.
    """
    entries: list[AgendaEntry] = []
    moments: dict[str, datetime] = {}
    series_ids: dict[str | None, UUID | None] = {None: None}
    current: Sequence[Any] | None = None
    people: list[AgendaPerson] = []

    def close() -> None:
        aid, starts, ends, kind, series, title, location, met_with = current[:8]
        if len(people) > 1:
            people.sort(key=_by_case_ref)
        if series not in series_ids:
            series_ids[series] = UUID(series)
        start = moments.get(starts) or moments.setdefault(starts, _moment(starts))
        end = moments.get(ends) or moments.setdefault(ends, _moment(ends))
        entries.append(
            AgendaEntry(
                UUID(aid), start, end, kind, title, location, met_with,
                series_ids[series], tuple(people),
            )
        )  # fmt: skip

    for row in found:
        if current is None or current[0] != row[0]:
            if current is not None:
                close()
            current, people = row, []
        cid, outcome = row[8], row[9]
        client_id, case_ref, name = directory[cid]
        risk = risks.get(cid, "") if row[3] in ap.VISIT_KINDS else ""
        people.append(AgendaPerson(client_id, case_ref, name, outcome, risk))
    if current is not None:
        close()
    return entries


def _by_case_ref(person: AgendaPerson) -> str:
    return person.case_ref


_ADD_PERSON = (
    "INSERT INTO appointment_people (appointment_id, client_id, starts_at, ends_at, outcome)"
    " VALUES (?, ?, ?, ?, ?)"
)
_OPEN = ", ".join(f"'{s}'" for s in OPEN_STATUSES)
_CLIENT_APPOINTMENTS = (
    "SELECT a.* FROM appointment_people p JOIN appointments a ON a.id = p.appointment_id"
    " WHERE p.client_id = ? ORDER BY a.starts_at, a.seq"
)
_ENTRY_COLUMNS = (
    "a.id, a.starts_at, a.ends_at, a.kind, a.series_id, a.title, a.location, a.met_with,"
    " p.client_id, p.outcome"
)
_ENTRY_FROM = " FROM appointments a JOIN appointment_people p ON p.appointment_id = a.id"
_AGENDA = (
    f"SELECT {_ENTRY_COLUMNS}{_ENTRY_FROM}"
    " WHERE a.starts_at >= ? AND a.starts_at < ? ORDER BY a.starts_at, a.seq"
)
# Appointments last at most 12 hours, so only those starting in the 12 hours before the
# candidate ends can overlap it: the start index finds them without reading the rest.
_CLASHES = (
    f"SELECT {_ENTRY_COLUMNS}{_ENTRY_FROM}"
    " WHERE a.starts_at < ?1 AND a.ends_at > ?2 AND a.id != ?3"
    " AND a.starts_at >= strftime('%Y-%m-%dT%H:%M:%S', ?2, '-12 hours')"
    " ORDER BY a.starts_at, a.seq"
)
_DUE = (
    f"SELECT {_ENTRY_COLUMNS}{_ENTRY_FROM}"
    " WHERE a.id IN (SELECT q.appointment_id FROM appointment_people q"
    "   JOIN clients c ON c.id = q.client_id"
    "   WHERE q.outcome IS NULL AND q.starts_at < ? AND q.ends_at <= ?"
    f"  AND c.status IN ({_OPEN}))"
    " ORDER BY a.starts_at, a.seq"
)
_OUTCOMES_DUE_BY_CLIENT = (
    "SELECT c.id, c.case_ref, c.preferred_name, c.legal_name,"
    " count(*) AS due, min(p.starts_at) AS oldest"
    " FROM appointment_people p JOIN clients c ON c.id = p.client_id"
    " WHERE p.outcome IS NULL AND p.starts_at < ? AND p.ends_at <= ?"
    f" AND c.status IN ({_OPEN})"
    " GROUP BY c.id"
)
_MISSED_IN_A_ROW = (
    "SELECT c.id, c.case_ref, c.preferred_name, c.legal_name,"
    " count(*) AS missed, max(p.starts_at) AS last_missed"
    " FROM appointment_people p JOIN clients c ON c.id = p.client_id"
    " WHERE p.outcome = 'did_not_attend'"
    f" AND c.status IN ({_OPEN})"
    " AND NOT EXISTS (SELECT 1 FROM appointment_people q WHERE q.client_id = p.client_id"
    "   AND q.outcome IN ('attended', 'attended_late') AND q.starts_at > p.starts_at)"
    " GROUP BY c.id HAVING count(*) >= ?"
)
