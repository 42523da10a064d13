"""Needs assessments in the caseload: templates as kept, drafts, completion, corrections.

`AssessmentStore` is the part of `Caseload` that reads and writes the tables of
migration 3; Caseload inherits it, so callers see one class. It writes inside Caseload's
transactions (`_write`) with an entry in its audit trail (`_trail`) per row, and reads
with `_rows`, under the same lock as every other use of the connection.

An assessment is kept whole as its JSON `body`, with the columns that lists and reviews
query beside it; a row whose columns and body disagree is refused when read and named
by `keyworker check`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from operator import attrgetter
from typing import TYPE_CHECKING, Any
from uuid import UUID

from keyworker import assessments as assess
from keyworker.assessments import Assessment
from keyworker.attention import OPEN_STATUSES
from keyworker.errors import DamagedFile, InvalidInput, KeyworkerError, UnknownClient
from keyworker.identifiers import new_id
from keyworker.templates import Template
from storage import rows
from storage.audit import CREATED, Problem, field_names, record_key

if TYPE_CHECKING:
    import contextlib
    import threading

    from keyworker.models import Client
    from storage import driver
    from storage.audit import AuditTrail


@dataclass(frozen=True)
class ReviewDue:
    """A person whose latest assessment is due for review by a given day, or overdue."""

    client_id: UUID
    case_ref: str
    display_name: str
    assessment_id: UUID
    """The assessment to review: the latest, or the correction standing in for it."""
    due: date


class AssessmentStore:
    """The assessment methods of `Caseload`, which provides the connection and trail."""

    if TYPE_CHECKING:
        _lock: threading.RLock

        @property
        def _conn(self) -> driver.Connection: ...

        @property
        def _trail(self) -> AuditTrail: ...

        def _write(self) -> contextlib.AbstractContextManager[driver.Connection]: ...

        def _rows(self, sql: str, params: tuple[Any, ...] = ()) -> list[rows.Row]: ...

        def _now(self) -> str: ...

        def client(self, client_id: UUID) -> Client: ...

    # Writing ------------------------------------------------------------------------

    def keep_template(self, template: Template) -> None:
        """Keep this template version, so what is assessed with it always reads with it.

        A version already kept is left alone; keeping it again with other content is
        refused, as assessments already made with it would change meaning.
        """
        with self._write():
            self._keep_template(template)

    def start_assessment(self, assessment: Assessment, template: Template) -> Assessment:
        """Save a new draft, made with `template` (kept here first); returns it as saved.

        One draft at a time per person and template. Answers to questions the other
        answers hide are dropped (see `keyworker.assessments.checked`).
        """
        if assessment.status != "draft":
            raise InvalidInput("A new assessment starts as a draft.")
        if assessment.corrects is not None:
            raise InvalidInput("A correction is made from the assessment it corrects.")
        draft = _valid(assess.checked(template, assessment))
        with self._write():
            self.client(draft.client_id)
            self._keep_template(template)
            if self._draft_rows(draft.client_id, draft.template_id):
                raise InvalidInput(
                    f"There is already a draft {template.title} for this person; "
                    "carry on with it, or discard it first."
                )
            if draft.review_of is not None:
                self._check_reviewed(draft)
            self._insert_assessments([draft])
        return draft

    def save_draft(self, assessment: Assessment) -> Assessment:
        """Save a draft's answers so far; returns it as saved, hidden answers dropped."""
        with self._write():
            stored = self._stored_assessment(assessment.id)
            if stored.status != "draft":
                raise InvalidInput("A completed assessment cannot be changed; correct it instead.")
            if assessment.status != "draft":
                raise InvalidInput("An assessment is completed by completing it, not by saving.")
            if _origin(assessment) != _origin(stored):
                raise InvalidInput(
                    "A draft's person, template and kind cannot be changed; start another."
                )
            template = self._stored_template(stored.template_id, stored.template_version)
            draft = _valid(assess.checked(template, assessment))
            self._update_assessment(stored, draft)
        return draft

    def complete_assessment(
        self, assessment_id: UUID, at: datetime, next_review: date | None
    ) -> Assessment:
        """Complete a saved draft, or InvalidInput saying what it still needs."""
        with self._write():
            stored = self._stored_assessment(assessment_id)
            template = self._stored_template(stored.template_id, stored.template_version)
            draft = stored.model_copy(update={"next_review": next_review})
            done = _valid(assess.completed(template, draft, at.astimezone(UTC)))
            self._update_assessment(stored, done)
        return done

    def correct_assessment(
        self, original_id: UUID, corrected: Assessment, reason: str, at: datetime
    ) -> Assessment:
        """Save `corrected` as a new completed assessment standing in for the original.

        The original stays exactly as it was. The correction keeps the original's
        person, template version, kind and start; its answers, assessment date, assessor
        and next review are those of `corrected`. An assessment is corrected once: to
        correct it again, correct its correction (the latest version). Correcting a
        corrected one is refused plainly rather than redirected, as `corrected` may have
        been made from the older answers and would undo the first correction.
        """
        if not reason.strip():
            raise InvalidInput("A correction needs a reason.")
        with self._write():
            original = self._stored_assessment(original_id)
            if original.status != "completed":
                raise InvalidInput(
                    "Only a completed assessment is corrected; save a draft instead."
                )
            if self._rows("SELECT 1 FROM assessments WHERE corrects = ?", (str(original_id),)):
                raise InvalidInput(
                    "This assessment has already been corrected; correct the latest version."
                )
            template = self._stored_template(original.template_id, original.template_version)
            draft = corrected.model_copy(
                update={
                    **_origin(original),
                    "id": new_id(),
                    "status": "draft",
                    "completed_at": None,
                    "corrects": original.id,
                    "correction_reason": reason,
                }
            )
            done = _valid(assess.completed(template, draft, at.astimezone(UTC)))
            self._insert_assessments([done])
        return done

    def discard_draft(self, assessment_id: UUID) -> None:
        """Delete a draft; a completed assessment is never deleted. Gone already is fine."""
        with self._write() as conn:
            found = self._rows("SELECT status FROM assessments WHERE id = ?", (str(assessment_id),))
            if not found:
                return
            if found[0]["status"] != "draft":
                raise InvalidInput(
                    "A completed assessment cannot be discarded; correct it instead."
                )
            conn.execute("DELETE FROM assessments WHERE id = ?", (str(assessment_id),))
            deleted = (str(assessment_id), "[]", None)
            self._trail.record(self._now(), "delete", "assessments", [deleted])

    def _keep_template(self, template: Template) -> None:
        found = self._rows(_TEMPLATE_BODY, template.key)
        if found:
            if _template_from_body(found[0]["body"]) != template:
                raise InvalidInput(
                    f"The assessment template '{template.id}' version {template.version} is "
                    "already kept with other content; a changed template needs a new version "
                    "number."
                )
            return
        values = (template.id, template.version, template.model_dump_json(), self._now())
        self._conn.execute(
            "INSERT INTO assessment_templates (template_id, version, body, saved_at)"
            " VALUES (?, ?, ?, ?)",
            values,
        )
        row = dict(zip(self._trail.columns("assessment_templates"), values, strict=True))
        saved = (record_key("assessment_templates", row), CREATED, values)
        self._trail.record(self._now(), "create", "assessment_templates", [saved])

    def _fitted(self, batch: list[Assessment]) -> list[Assessment]:
        """Assessments arriving in whole records, checked against their kept templates."""
        templates: dict[tuple[str, int], Template] = {}
        fitted = []
        for assessment in batch:
            key = (assessment.template_id, assessment.template_version)
            if key not in templates:
                found = self._rows(_TEMPLATE_BODY, key)
                if not found:
                    raise InvalidInput(
                        f"The assessment template '{key[0]}' version {key[1]} is not kept in "
                        "this caseload; keep it before adding assessments made with it."
                    )
                templates[key] = _template_from_body(found[0]["body"])
            fitted.append(_valid(assess.checked(templates[key], assessment)))
        return fitted

    def _check_reviewed(self, draft: Assessment) -> None:
        found = self._rows(
            "SELECT client_id, status FROM assessments WHERE id = ?", (str(draft.review_of),)
        )
        if not found or found[0] != {"client_id": str(draft.client_id), "status": "completed"}:
            raise InvalidInput("A review follows a completed assessment of the same person.")

    def _insert_assessments(self, batch: list[Assessment]) -> None:
        if not batch:
            return
        values = [_assessment_values(a) for a in batch]
        self._conn.executemany(_INSERT_ASSESSMENT, values)
        saved = [(str(a.id), CREATED, v) for a, v in zip(batch, values, strict=True)]
        self._trail.record(self._now(), "create", "assessments", saved)

    def _update_assessment(self, old: Assessment, new: Assessment) -> None:
        """Save `new` over `old`; the audit entry names the fields that changed."""
        changed = [
            name for name in Assessment.model_fields if getattr(old, name) != getattr(new, name)
        ]
        if not changed:
            return
        values = _assessment_values(new)
        self._conn.execute(_UPDATE_ASSESSMENT, (*values[1:], values[0]))
        saved = (str(new.id), field_names(changed), values)
        self._trail.record(self._now(), "update", "assessments", [saved])

    # Reading ------------------------------------------------------------------------

    def template(self, template_id: str, version: int) -> Template:
        """A kept template version, exactly as it was kept."""
        return self._stored_template(template_id, version)

    def assessment(self, assessment_id: UUID) -> Assessment:
        return self._stored_assessment(assessment_id)

    def assessments(self, client_id: UUID) -> list[Assessment]:
        """A person's assessments, drafts and corrected ones included, oldest first."""
        found = self._rows(CLIENT_ASSESSMENTS, (str(client_id),))
        return [assessment_from_row(r) for r in found]

    def draft_for(self, client_id: UUID, template_id: str) -> Assessment | None:
        found = self._draft_rows(client_id, template_id)
        return assessment_from_row(found[0]) if found else None

    def reviews_due(self, today: date, within_days: int) -> list[ReviewDue]:
        """Open cases whose latest assessment is due for review within the days given.

        Overdue ones included, the longest overdue first. A correction's next review
        stands in for the original's; a later assessment's for an earlier one's.
        """
        found = self._review_rows(today + timedelta(days=within_days))
        due = [
            ReviewDue(
                UUID(r["id"]),
                r["case_ref"],
                r["preferred_name"] or r["legal_name"],
                UUID(r["assessment_id"]),
                date.fromisoformat(r["next_review"]),
            )
            for r in found
        ]
        return sorted(due, key=attrgetter("due", "case_ref"))

    def needs_profile(self) -> dict[str, tuple[int, int]]:
        """Per pathway, people on open cases with a high need and with an immediate need.

        Counted from each person's latest assessment; see `keyworker.assessments`.
        """
        found = self._rows(_CURRENT_ASSESSMENTS.format(columns="a.*"), ())
        return assess.needs_profile([assessment_from_row(r) for r in found])

    def people_assessed(self) -> int:
        """People on open cases with a completed assessment: those `needs_profile` counts."""
        query = _CURRENT_ASSESSMENTS.format(columns="count(DISTINCT a.client_id) AS people")
        return int(self._rows(query, ())[0]["people"])

    def _review_rows(self, horizon: date) -> list[rows.Row]:
        """Each open case's current assessment reviewed on or before `horizon`.

        A row has the person (`id`, `case_ref`, `preferred_name`, `legal_name`), the
        `assessment_id`, its `next_review` and the `title` of its template.
        """
        with self._lock:
            found = self._rows(_REVIEWS_DUE, (horizon.isoformat(),))
            keys = {(r["template_id"], r["template_version"]) for r in found}
            titles = {key: self._rows(_TEMPLATE_TITLE, key) for key in keys}
        for r in found:
            kept = titles[r["template_id"], r["template_version"]]
            r["title"] = (kept[0]["title"] if kept else None) or r["template_id"]
        return found

    def _stored_assessment(self, assessment_id: UUID) -> Assessment:
        found = self._rows("SELECT * FROM assessments WHERE id = ?", (str(assessment_id),))
        if not found:
            raise UnknownClient("That assessment is no longer on this caseload.")
        return assessment_from_row(found[0])

    def _stored_template(self, template_id: str, version: int) -> Template:
        found = self._rows(_TEMPLATE_BODY, (template_id, version))
        if not found:
            raise DamagedFile(
                f"The assessment template '{template_id}' version {version} is not in this "
                "caseload."
            )
        return _template_from_body(found[0]["body"])

    def _draft_rows(self, client_id: UUID, template_id: str) -> list[rows.Row]:
        return self._rows(
            "SELECT * FROM assessments"
            " WHERE client_id = ? AND template_id = ? AND status = 'draft'",
            (str(client_id), template_id),
        )

    # Checking -----------------------------------------------------------------------

    def _check_assessments(self) -> list[Problem]:
        """Every kept template and assessment readable, consistent and fitting.

        For `Caseload.check`, holding its lock. Problems name records by id and case
        reference, never by what they hold.
        """
        problems: list[Problem] = []
        templates: dict[tuple[str, int], Template | None] = {}
        for template_id, version, body in self._conn.execute(_ALL_TEMPLATES):
            template = _parsed_template(body)
            if template is None or template.key != (template_id, version):
                problems.append(
                    Problem(
                        f"The kept assessment template '{template_id}' version {version} is "
                        "damaged: it cannot be read as that template."
                    )
                )
                template = None
            templates[template_id, version] = template
        cursor = self._conn.execute(_ALL_ASSESSMENTS)
        names = [d[0] for d in cursor.description]
        for values in cursor:
            row = dict(zip(names, values, strict=True))
            wrong = _assessment_problem(row, templates)
            if wrong:
                owner = f" of client {row['case_ref']}" if row["case_ref"] else ""
                problems.append(Problem(f"An assessment ({row['id']}){owner} {wrong}."))
        return problems


# Assessments as rows: the model's JSON as `body`, with the columns that are queried.

ASSESSMENT_COLUMNS = (
    "id",
    "client_id",
    "template_id",
    "template_version",
    "kind",
    "status",
    "assessed_on",
    "started_at",
    "completed_at",
    "next_review",
    "review_of",
    "corrects",
)
"""In the table's order (as the audit trail digests a row), `body` last."""
_ORIGIN = (
    "client_id",
    "template_id",
    "template_version",
    "kind",
    "started_at",
    "review_of",
    "corrects",
)
_INSERT_ASSESSMENT = (
    f"INSERT INTO assessments ({', '.join(ASSESSMENT_COLUMNS)}, body)"
    f" VALUES ({', '.join('?' * (len(ASSESSMENT_COLUMNS) + 1))})"
)
_UPDATE_ASSESSMENT = (
    f"UPDATE assessments SET {', '.join(f'{c} = ?' for c in ASSESSMENT_COLUMNS[1:])}, body = ?"
    " WHERE id = ?"
)
CLIENT_ASSESSMENTS = "SELECT * FROM assessments WHERE client_id = ? ORDER BY assessed_on, seq"
_TEMPLATE_BODY = "SELECT body FROM assessment_templates WHERE template_id = ? AND version = ?"
_TEMPLATE_TITLE = (
    "SELECT json_extract(body, '$.title') AS title FROM assessment_templates"
    " WHERE template_id = ? AND version = ?"
)
_ALL_TEMPLATES = "SELECT template_id, version, body FROM assessment_templates ORDER BY rowid"
_ALL_ASSESSMENTS = (
    "SELECT a.*, c.case_ref FROM assessments a LEFT JOIN clients c ON c.id = a.client_id"
    " ORDER BY a.seq"
)
_DAMAGED_ASSESSMENT = (
    "A saved assessment is damaged and cannot be read. Restore the caseload from a backup; "
    "nothing was changed."
)

# Each open case's current assessment, as `keyworker.assessments.current` orders them:
# completed, not corrected (the correction stands in), and no other such assessment
# later by date assessed, then by moment completed (UTC text, so it orders as it reads),
# then as saved. Written as "nothing later" rather than a window over every assessment,
# so the planner takes each open case's assessments from `assessments_client` and stops
# at the first later one; `b.assessed_on >= a.assessed_on` lets it seek there.
_OPEN = ", ".join(f"'{s}'" for s in OPEN_STATUSES)
_CORRECTED = (
    "EXISTS (SELECT 1 FROM assessments x WHERE x.corrects = {a}.id AND x.status = 'completed')"
)
_CURRENT_ASSESSMENTS = (
    "SELECT {columns} FROM assessments a JOIN clients c ON c.id = a.client_id"
    f" WHERE a.status = 'completed' AND c.status IN ({_OPEN})"
    f" AND NOT {_CORRECTED.format(a='a')}"
    " AND NOT EXISTS (SELECT 1 FROM assessments b WHERE b.client_id = a.client_id"
    " AND b.assessed_on >= a.assessed_on AND b.status = 'completed'"
    " AND (b.assessed_on, b.completed_at, b.seq) > (a.assessed_on, a.completed_at, a.seq)"
    f" AND NOT {_CORRECTED.format(a='b')})"
)
_REVIEWS_DUE = (
    _CURRENT_ASSESSMENTS.format(
        columns="c.id, c.case_ref, c.preferred_name, c.legal_name, a.id AS assessment_id,"
        " a.template_id, a.template_version, a.next_review"
    )
    + " AND a.next_review <= ?"
)


def _assessment_values(assessment: Assessment) -> tuple[object, ...]:
    indexed = assessment.model_dump(mode="json", include=set(ASSESSMENT_COLUMNS))
    return (*(indexed[c] for c in ASSESSMENT_COLUMNS), assessment.model_dump_json())


def _parsed_assessment(body: str) -> Assessment | None:
    try:
        return Assessment.model_validate_json(body)
    except (ValueError, TypeError):  # TypeError: not text at all
        return None


def _parsed_template(body: str) -> Template | None:
    try:
        return Template.model_validate_json(body)
    except (ValueError, TypeError):  # TypeError: not text at all
        return None


def _columns_agree(row: rows.Row, assessment: Assessment) -> bool:
    indexed = assessment.model_dump(mode="json", include=set(ASSESSMENT_COLUMNS))
    return all(row[c] == indexed[c] for c in ASSESSMENT_COLUMNS)


def assessment_from_row(row: rows.Row) -> Assessment:
    """The assessment in `body`, refused if it or the columns beside it were damaged."""
    assessment = _parsed_assessment(row["body"])
    if assessment is None or not _columns_agree(row, assessment):
        raise DamagedFile(_DAMAGED_ASSESSMENT)
    return assessment


def _assessment_problem(
    row: rows.Row, templates: dict[tuple[str, int], Template | None]
) -> str | None:
    """What is wrong with one stored assessment, in words that hold none of it."""
    assessment = _parsed_assessment(row["body"])
    if assessment is None:
        return "is damaged: its saved content cannot be read as an assessment"
    if not _columns_agree(row, assessment):
        return "is damaged: the columns beside its saved content do not agree with it"
    key = (assessment.template_id, assessment.template_version)
    if key not in templates:
        return f"was made with a template that is not kept ('{key[0]}' version {key[1]})"
    template = templates[key]
    if template is None:
        return None  # the damaged template is named on its own
    try:
        fits = assess.checked(template, assessment) == assessment
    except (KeyworkerError, ValueError):
        fits = False
    if not fits:
        return f"does not fit its template ('{key[0]}' version {key[1]})"
    return None


def _template_from_body(body: str) -> Template:
    template = _parsed_template(body)
    if template is None:
        raise DamagedFile(
            "A kept assessment template is damaged and cannot be read. Restore the caseload "
            "from a backup; nothing was changed."
        )
    return template


def _valid(assessment: Assessment) -> Assessment:
    """The assessment as it will read back, validated whole (`model_copy` skips that)."""
    try:
        return Assessment.model_validate_json(assessment.model_dump_json())
    except ValueError as exc:
        raise InvalidInput(first_error(exc)) from None


def _origin(assessment: Assessment) -> dict[str, object]:
    """What a draft keeps from start to finish, and a correction from the original."""
    return {name: getattr(assessment, name) for name in _ORIGIN}


def first_error(exc: ValueError) -> str:
    """A validation error's first message, for an InvalidInput."""
    errors = getattr(exc, "errors", None)
    if callable(errors):
        first = errors()[0]
        where = ".".join(str(p) for p in first.get("loc", ()))
        message = str(first.get("msg", "")).removeprefix("Value error, ")
        return f"{where}: {message}" if where else message
    return str(exc)
