"""Action plans, the agency directory, referrals and signposting in the caseload.

`PlanStore` is the part of `Caseload` that reads and writes the tables of migration 4,
as `AssessmentStore` is for assessments: inside Caseload's transactions, with an audit
entry per row. Each record is kept whole as its JSON `body`, with the columns that are
queried beside it; a row whose columns and body disagree is refused when read and named
by `keyworker check`.

A plan is never updated in place: each save adds a revision, so its history is its rows.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any
from uuid import UUID

from pydantic import BaseModel

from keyworker import plans as pl
from keyworker.appointments import Appointment
from keyworker.attention import OPEN_STATUSES
from keyworker.errors import DamagedFile, InvalidInput, UnknownClient
from keyworker.plans import Agency, Plan, Referral, Signpost
from storage import rows
from storage.audit import Problem, field_names, record_key

if TYPE_CHECKING:
    import contextlib
    import threading

    from keyworker.clock import Clock
    from keyworker.models import Client
    from storage import driver
    from storage.audit import AuditTrail


def _plan_columns(plan: Plan) -> dict[str, object]:
    return {
        "id": str(plan.id),
        "revision": plan.revision,
        "client_id": str(plan.client_id),
        "status": plan.status,
        "saved_at": plan.saved_at.isoformat() if plan.saved_at else None,
        "review_date": _iso(plan.review_date),
        "next_step_due": _iso(pl.next_step_due(plan)),
    }


def _agency_columns(agency: Agency) -> dict[str, object]:
    return {
        "id": str(agency.id),
        "name": agency.name,
        "category": agency.category,
        "archived": int(agency.archived),
    }


def _referral_columns(referral: Referral) -> dict[str, object]:
    return {
        "id": str(referral.id),
        "client_id": str(referral.client_id),
        "agency_id": str(referral.agency_id),
        "pathway": referral.pathway,
        "made_on": referral.made_on.isoformat(),
        "status": referral.status,
        "follow_up_on": _iso(referral.follow_up_on),
        "step_id": str(referral.step_id) if referral.step_id else None,
    }


def _signpost_columns(signpost: Signpost) -> dict[str, object]:
    return {
        "id": str(signpost.id),
        "client_id": str(signpost.client_id),
        "agency_id": str(signpost.agency_id) if signpost.agency_id else None,
        "pathway": signpost.pathway,
        "given_on": signpost.given_on.isoformat(),
    }


def _appointment_columns(appointment: Appointment) -> dict[str, object]:
    from storage.appointments import appointment_columns

    return appointment_columns(appointment)


@dataclass(frozen=True)
class _Kept:
    """How one table keeps its model: the columns worked out from it, and its noun."""

    model: type[BaseModel]
    columns: Callable[[Any], dict[str, object]]
    noun: str


KEPT: dict[str, _Kept] = {
    "agencies": _Kept(Agency, _agency_columns, "partner agency"),
    "plans": _Kept(Plan, _plan_columns, "action plan"),
    "referrals": _Kept(Referral, _referral_columns, "referral"),
    "signposts": _Kept(Signpost, _signpost_columns, "signposting record"),
    "appointments": _Kept(Appointment, _appointment_columns, "appointment"),
}


def to_row(table: str, model: BaseModel) -> rows.Row:
    return {**KEPT[table].columns(model), "body": model.model_dump_json()}


def from_row(table: str, row: rows.Row) -> Any:
    """The model in `body`, refused if it or the columns beside it were damaged."""
    found = _parsed(table, row)
    if found is None:
        raise DamagedFile(
            f"A saved {KEPT[table].noun} is damaged and cannot be read. Restore the caseload "
            "from a backup; nothing was changed."
        )
    return found


def _parsed(table: str, row: rows.Row) -> Any:
    kept = KEPT[table]
    try:
        model = kept.model.model_validate_json(row["body"])
    except (ValueError, TypeError):  # TypeError: not text at all
        return None
    columns = kept.columns(model)
    if any(row.get(name) != value for name, value in columns.items()):
        return None
    return model


class PlanStore:
    """The plan, agency, referral and signposting methods of `Caseload`."""

    if TYPE_CHECKING:
        _lock: threading.RLock
        _clock: Clock
        worker: str

        @property
        def _conn(self) -> driver.Connection: ...

        @property
        def _trail(self) -> AuditTrail: ...

        def _write(self) -> contextlib.AbstractContextManager[driver.Connection]: ...

        def _rows(self, sql: str, params: tuple[Any, ...] = ()) -> list[rows.Row]: ...

        def _now(self) -> str: ...

        def _insert(self, table: str, batch: list[rows.Row]) -> None: ...

        def _update(self, table: str, row: rows.Row) -> list[str]: ...

        def client(self, client_id: UUID) -> Client: ...

    # Plans --------------------------------------------------------------------------

    def live_plan(self, client_id: UUID) -> Plan | None:
        """The person's plan as it stands, or None when they have no live plan."""
        return pl.live_plan(self.plans(client_id))

    def plans(self, client_id: UUID) -> list[Plan]:
        """Each of the person's plans as it stands (its latest revision), oldest first."""
        found = self._rows(_LATEST_PLANS + " ORDER BY p.seq", (str(client_id),))
        return [from_row("plans", r) for r in found]

    def plan_history(self, plan_id: UUID) -> list[Plan]:
        """Every revision of one plan, the first first."""
        found = self._rows("SELECT * FROM plans WHERE id = ? ORDER BY revision", (str(plan_id),))
        if not found:
            raise UnknownClient("That plan is no longer on this caseload.")
        return [from_row("plans", r) for r in found]

    def start_plan(self, plan: Plan) -> Plan:
        """Save a person's new plan as its first revision; refused if one is live."""
        if not plan.is_live or plan.revision != 0:
            raise InvalidInput("A new plan starts live, and has not been saved before.")
        with self._write():
            self.client(plan.client_id)
            if self._live_plan_row(plan.client_id) is not None:
                raise InvalidInput(
                    "This person already has a live plan; carry on with it, or end it first."
                )
            saved = self._stamped(plan, revision=1, goals_revised=1)
            self._insert("plans", [to_row("plans", saved)])
        return saved

    def save_plan(self, plan: Plan) -> Plan:
        """Save changes to a live plan as its next revision; returns it as saved.

        `plan` must be made from the latest revision (same `revision`): a plan changed
        elsewhere meanwhile is refused rather than overwritten. Saving with nothing
        changed adds no revision.
        """
        with self._write():
            stored = self._latest_plan(plan.id)
            if not stored.is_live:
                raise InvalidInput("An ended plan is kept as it was; start a new plan instead.")
            if plan.revision != stored.revision:
                raise InvalidInput(
                    "This plan was changed elsewhere since it was opened; open it again to "
                    "see the changes. Nothing was saved."
                )
            if (plan.client_id, plan.started_on) != (stored.client_id, stored.started_on):
                raise InvalidInput("A plan's person and start date cannot be changed.")
            if plan == stored:
                return stored
            saved = self._next_revision(stored, plan)
            self._insert("plans", [to_row("plans", saved)])
        return saved

    def agree_plan(self, plan_id: UUID, answer: str, on: date, note: str = "") -> Plan:
        """Record the person's answer to the plan as it stands, as a new revision."""
        with self._write():
            stored = self._latest_plan(plan_id)
            if not stored.is_live:
                raise InvalidInput("An ended plan is kept as it was; start a new plan instead.")
            if on < stored.started_on:
                raise InvalidInput("A plan cannot be agreed before it was started.")
            agreement = _valid(
                pl.Agreement,
                {"answer": answer, "on": on.isoformat(), "revision": stored.revision, "note": note},
            )
            changed = stored.model_copy(update={"agreements": [*stored.agreements, agreement]})
            saved = self._next_revision(stored, changed)
            self._insert("plans", [to_row("plans", saved)])
        return saved

    def end_plan(self, plan_id: UUID, on: date, reason: str) -> Plan:
        """End a live plan; it is kept, and a new one can be started."""
        if not reason.strip():
            raise InvalidInput("Ending a plan needs a reason.")
        with self._write():
            stored = self._latest_plan(plan_id)
            if not stored.is_live:
                raise InvalidInput("This plan has already ended.")
            if on < stored.started_on:
                raise InvalidInput("A plan cannot end before it started.")
            ended = stored.model_copy(
                update={"status": "ended", "ended_on": on, "end_reason": reason.strip()}
            )
            saved = self._next_revision(stored, ended)
            self._insert("plans", [to_row("plans", saved)])
        return saved

    def _stamped(self, plan: Plan, revision: int, goals_revised: int) -> Plan:
        data = plan.model_dump(mode="json")
        data |= {
            "revision": revision,
            "goals_revised": goals_revised,
            "saved_at": self._clock.now().isoformat(),
            "saved_by": self.worker,
        }
        return _valid(Plan, data)

    def _next_revision(self, stored: Plan, changed: Plan) -> Plan:
        revision = stored.revision + 1
        goals_revised = revision if pl.goals_changed(stored, changed) else stored.goals_revised
        return self._stamped(changed, revision, goals_revised)

    def _latest_plan(self, plan_id: UUID) -> Plan:
        found = self._rows(
            "SELECT * FROM plans WHERE id = ? ORDER BY revision DESC LIMIT 1", (str(plan_id),)
        )
        if not found:
            raise UnknownClient("That plan is no longer on this caseload.")
        return from_row("plans", found[0])

    def _live_plan_row(self, client_id: UUID) -> rows.Row | None:
        found = self._rows(_LATEST_PLANS + " AND p.status = 'live'", (str(client_id),))
        return found[0] if found else None

    # Agencies -----------------------------------------------------------------------

    def agencies(self, archived: bool = False) -> list[Agency]:
        """The directory by name; archived agencies only when asked for."""
        where = "" if archived else " WHERE archived = 0"
        found = self._rows(f"SELECT * FROM agencies{where} ORDER BY name COLLATE NOCASE")
        return [from_row("agencies", r) for r in found]

    def agency(self, agency_id: UUID) -> Agency:
        found = self._rows("SELECT * FROM agencies WHERE id = ?", (str(agency_id),))
        if not found:
            raise UnknownClient("That agency is no longer in the directory.")
        return from_row("agencies", found[0])

    def add_agency(self, agency: Agency) -> Agency:
        with self._write():
            self._refuse_same_name(agency)
            self._insert("agencies", [to_row("agencies", agency)])
        return agency

    def update_agency(self, agency: Agency) -> list[str]:
        """Save changes to an agency; returns the fields changed."""
        with self._write():
            stored = self.agency(agency.id)
            self._refuse_same_name(agency)
            return self._update_body("agencies", stored, agency)

    def import_agencies(self, agencies: Iterable[Agency]) -> tuple[int, int]:
        """Add a list of agencies in one go: all of them, or none.

        An agency already in the directory by the same name (ignoring case) has its
        details brought up to date and is offered again if it was archived. Returns the
        numbers added and updated.
        """
        added: list[rows.Row] = []
        updated = 0
        seen: set[str] = set()
        with self._write():
            for agency in agencies:
                key = agency.name.casefold()
                if key in seen:
                    raise InvalidInput(f"'{agency.name}' is in the list more than once.")
                seen.add(key)
                stored = self._agency_named(agency.name)
                if stored is None:
                    added.append(to_row("agencies", agency))
                    continue
                fresh = agency.model_copy(update={"id": stored.id, "archived": False})
                if self._update_body("agencies", stored, fresh):
                    updated += 1
            self._insert("agencies", added)
        return len(added), updated

    def _agency_named(self, name: str) -> Agency | None:
        found = self._rows("SELECT * FROM agencies WHERE name = ? COLLATE NOCASE", (name,))
        return from_row("agencies", found[0]) if found else None

    def _refuse_same_name(self, agency: Agency) -> None:
        other = self._agency_named(agency.name)
        if other is not None and other.id != agency.id:
            raise InvalidInput(
                f"There is already an agency called '{other.name}' in the directory."
            )

    # Referrals and signposting ------------------------------------------------------

    def referrals(self, client_id: UUID) -> list[Referral]:
        """The person's referrals, oldest first."""
        found = self._rows(
            "SELECT * FROM referrals WHERE client_id = ? ORDER BY made_on, seq", (str(client_id),)
        )
        return [from_row("referrals", r) for r in found]

    def referral(self, referral_id: UUID) -> Referral:
        found = self._rows("SELECT * FROM referrals WHERE id = ?", (str(referral_id),))
        if not found:
            raise UnknownClient("That referral is no longer on this caseload.")
        return from_row("referrals", found[0])

    def add_referral(self, referral: Referral) -> Referral:
        """Save a new referral; one made for a plan step moves the step on too."""
        with self._write():
            self.client(referral.client_id)
            agency = self.agency(referral.agency_id)
            self._insert("referrals", [to_row("referrals", referral)])
            self._move_step(referral, agency)
        return referral

    def update_referral(self, referral: Referral) -> list[str]:
        """Save changes to a referral; a new status moves its plan step on too.

        Returns the fields changed.
        """
        with self._write():
            stored = self.referral(referral.id)
            if referral.client_id != stored.client_id:
                raise InvalidInput("A referral's person cannot be changed.")
            agency = self.agency(referral.agency_id)
            changed = self._update_body("referrals", stored, referral)
            if referral.status != stored.status or referral.step_id != stored.step_id:
                self._move_step(referral, agency)
        return changed

    def signposts(self, client_id: UUID) -> list[Signpost]:
        """Information given to the person without a referral, oldest first."""
        found = self._rows(
            "SELECT * FROM signposts WHERE client_id = ? ORDER BY given_on, seq",
            (str(client_id),),
        )
        return [from_row("signposts", r) for r in found]

    def add_signpost(self, signpost: Signpost) -> Signpost:
        with self._write():
            self.client(signpost.client_id)
            if signpost.agency_id is not None:
                self.agency(signpost.agency_id)
            self._insert("signposts", [to_row("signposts", signpost)])
        return signpost

    def update_signpost(self, signpost: Signpost) -> list[str]:
        with self._write():
            found = self._rows("SELECT * FROM signposts WHERE id = ?", (str(signpost.id),))
            if not found:
                raise UnknownClient("That signposting record is no longer on this caseload.")
            stored = from_row("signposts", found[0])
            if signpost.client_id != stored.client_id:
                raise InvalidInput("Signposting's person cannot be changed.")
            return self._update_body("signposts", stored, signpost)

    def remove_signpost(self, signpost_id: UUID) -> None:
        """Delete signposting recorded in error; gone already is fine."""
        with self._write() as conn:
            gone = conn.execute("DELETE FROM signposts WHERE id = ?", (str(signpost_id),)).rowcount
            if gone:
                deleted = (str(signpost_id), "[]", None)
                self._trail.record(self._now(), "delete", "signposts", [deleted])

    def _move_step(self, referral: Referral, agency: Agency) -> None:
        """Move on the plan step `referral` was made for, inside the caller's write."""
        if referral.step_id is None:
            return
        found = self._live_plan_row(referral.client_id)
        plan = from_row("plans", found) if found else None
        located = plan.step(referral.step_id) if plan else None
        if plan is None or located is None:
            raise InvalidInput(
                "The plan step this referral is for is not in the person's live plan."
            )
        goal, step = located
        moved = pl.step_after_referral(step, referral, agency.name)
        if moved == step:
            return
        goals = [
            g.model_copy(update={"steps": [moved if s.id == step.id else s for s in g.steps]})
            if g.id == goal.id
            else g
            for g in plan.goals
        ]
        saved = self._next_revision(plan, plan.model_copy(update={"goals": goals}))
        self._insert("plans", [to_row("plans", saved)])

    # Reporting ----------------------------------------------------------------------

    def referrals_made(self, start: date, end: date) -> list[Referral]:
        """Referrals made from `start` to `end`, both days included."""
        found = self._rows(
            "SELECT * FROM referrals WHERE made_on BETWEEN ? AND ? ORDER BY made_on, seq",
            (start.isoformat(), end.isoformat()),
        )
        return [from_row("referrals", r) for r in found]

    def signposts_given(self, start: date, end: date) -> list[Signpost]:
        """Signposting given from `start` to `end`, both days included."""
        found = self._rows(
            "SELECT * FROM signposts WHERE given_on BETWEEN ? AND ? ORDER BY given_on, seq",
            (start.isoformat(), end.isoformat()),
        )
        return [from_row("signposts", r) for r in found]

    def all_plans(self) -> list[Plan]:
        """Every plan on the caseload as it stands (its latest revision)."""
        found = self._rows(_ALL_LATEST_PLANS)
        return [from_row("plans", r) for r in found]

    # Attention ----------------------------------------------------------------------

    def _plan_attention_rows(self, today: date) -> dict[str, list[rows.Row]]:
        """Open cases' overdue plan reviews and steps, and follow-ups due, for `attention`."""
        day = today.isoformat()
        return {
            "plan_review": self._rows(_PLAN_REVIEWS_OVERDUE, (day,)),
            "step_overdue": self._rows(_STEPS_OVERDUE, {"today": day}),
            "follow_up": self._rows(_FOLLOW_UPS_DUE, (day,)),
        }

    # Writing helpers ----------------------------------------------------------------

    def _update_body(self, table: str, old: BaseModel, new: BaseModel) -> list[str]:
        """Save `new` over `old`; the audit entry names the model fields that changed."""
        changed = [n for n in type(new).model_fields if getattr(old, n) != getattr(new, n)]
        if changed:
            row = to_row(table, new)
            names = [c for c in self._trail.columns(table) if c != "id"]
            self._conn.execute(
                f"UPDATE {table} SET {', '.join(f'{c} = ?' for c in names)} WHERE id = ?",
                (*(row[c] for c in names), row["id"]),
            )
            saved = (row["id"], field_names(changed), self._trail.values(table, row))
            self._trail.record(self._now(), "update", table, [saved])
        return changed

    def _insert_plan_records(
        self, plans: list[Plan], referrals: list[Referral], signposts: list[Signpost]
    ) -> None:
        """Whole records' plans, referrals and signposting, for `add_records`."""
        for plan in plans:
            if plan.revision < 1 or plan.saved_at is None:
                raise InvalidInput("A plan arriving in a record must have been saved before.")
        self._insert("plans", [to_row("plans", p) for p in plans])
        self._insert("referrals", [to_row("referrals", r) for r in referrals])
        self._insert("signposts", [to_row("signposts", s) for s in signposts])

    def _client_plan_rows(self, client_id: UUID) -> dict[str, list[rows.Row]]:
        """A person's plan revisions, referrals and signposting, for `record`."""
        cid = (str(client_id),)
        return {
            "plans": self._rows("SELECT * FROM plans WHERE client_id = ? ORDER BY seq", cid),
            "referrals": self._rows(
                "SELECT * FROM referrals WHERE client_id = ? ORDER BY made_on, seq", cid
            ),
            "signposts": self._rows(
                "SELECT * FROM signposts WHERE client_id = ? ORDER BY given_on, seq", cid
            ),
        }

    # Checking -----------------------------------------------------------------------

    def _check_plans(self) -> list[Problem]:
        """Every plan, agency, referral, signpost and appointment readable and agreeing
        with its columns.

        For `Caseload.check`, holding its lock. Problems name records by id and case
        reference, never by what they hold.
        """
        problems: list[Problem] = []
        for table, kept in KEPT.items():
            if table in ("agencies", "appointments"):
                sql = f"SELECT * FROM {table} ORDER BY seq"
            else:
                sql = (
                    f"SELECT x.*, c.case_ref FROM {table} x"
                    " LEFT JOIN clients c ON c.id = x.client_id ORDER BY x.seq"
                )
            cursor = self._conn.execute(sql)
            names = [d[0] for d in cursor.description]
            for values in cursor:
                row = dict(zip(names, values, strict=True))
                if _parsed(table, row) is None:
                    key = record_key(table, row)
                    whose = f" of client {row['case_ref']}" if row.get("case_ref") else ""
                    problems.append(
                        Problem(
                            f"{_a(kept.noun)} ({key}){whose} is damaged: its saved content "
                            "cannot be read, or the columns beside it do not agree with it."
                        )
                    )
        return problems


def _a(noun: str) -> str:
    return f"{'An' if noun[0] in 'aeiou' else 'A'} {noun}"


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def _valid(model: type[BaseModel], data: dict[str, object]) -> Any:
    """Validated whole, through JSON as it will read back, or InvalidInput."""
    from storage.assessments import first_error

    try:
        return model.model_validate_json(json.dumps(data))
    except ValueError as exc:
        raise InvalidInput(first_error(exc)) from None


_OPEN = ", ".join(f"'{s}'" for s in OPEN_STATUSES)
_OPEN_REFERRALS = ", ".join(f"'{s}'" for s in pl.OPEN_REFERRAL_STATUSES)
_NO_LATER = "NOT EXISTS (SELECT 1 FROM plans q WHERE q.id = p.id AND q.revision > p.revision)"
_LATEST_PLANS = f"SELECT p.* FROM plans p WHERE p.client_id = ? AND {_NO_LATER}"
_ALL_LATEST_PLANS = f"SELECT p.* FROM plans p WHERE {_NO_LATER} ORDER BY p.seq"
_WHO = "c.id, c.case_ref, c.preferred_name, c.legal_name"
_PLAN_REVIEWS_OVERDUE = (
    f"SELECT {_WHO}, p.review_date FROM plans p JOIN clients c ON c.id = p.client_id"
    f" WHERE p.status = 'live' AND p.review_date < ? AND c.status IN ({_OPEN})"
    f" AND {_NO_LATER}"
)
# Open steps (not started, in progress) on live goals (active, future) whose target date
# has passed, counted inside SQLite so no plan is read whole.
_STEPS_OVERDUE = (
    f"SELECT {_WHO}, p.next_step_due,"
    " (SELECT count(*) FROM json_each(p.body, '$.goals') g, json_each(g.value, '$.steps') s"
    "  WHERE g.value ->> 'status' IN ('active', 'future')"
    "  AND s.value ->> 'status' IN ('not_started', 'in_progress')"
    "  AND s.value ->> 'target_date' < :today) AS overdue"
    " FROM plans p JOIN clients c ON c.id = p.client_id"
    f" WHERE p.status = 'live' AND p.next_step_due < :today AND c.status IN ({_OPEN})"
    f" AND {_NO_LATER}"
)
_FOLLOW_UPS_DUE = (
    f"SELECT {_WHO}, r.follow_up_on, a.name AS agency FROM referrals r"
    " JOIN clients c ON c.id = r.client_id JOIN agencies a ON a.id = r.agency_id"
    f" WHERE r.status IN ({_OPEN_REFERRALS}) AND r.follow_up_on <= ? AND c.status IN ({_OPEN})"
    " ORDER BY r.follow_up_on, r.seq"
)
