"""The Assessments tab of a client's record: every assessment, newest first.

A draft says it can be carried on with; a completed assessment says what it found; one
that was corrected says so and when, and its correction is listed beside it (both stay).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widgets import Static

from keyworker.assessment_text import need_words
from keyworker.assessments import Assessment
from keyworker.dates import uk_date, uk_datetime
from keyworker.vocabulary import ASSESSMENT_KINDS, PATHWAYS
from screens.client_widgets import RecordPane, RecordTable
from screens.row_table import Column

NO_ASSESSMENTS = "No assessments yet. Press s to start one."
MARKER = "!"


def newest_first(assessments: Sequence[Assessment]) -> list[Assessment]:
    """Drafts first (they are work in hand), then completed ones, newest first."""
    return sorted(
        assessments,
        key=lambda a: (a.status == "draft", a.assessed_on, a.completed_at or a.started_at),
        reverse=True,
    )


def what_words(assessment: Assessment) -> str:
    kind = ASSESSMENT_KINDS.label(assessment.kind)
    return f"{kind} (correction)" if assessment.corrects else kind


def status_words(assessment: Assessment, corrected_by: Assessment | None) -> str:
    if assessment.status == "draft":
        return "Draft"
    if corrected_by is not None:
        return f"Corrected {uk_date(corrected_by.completed_at)}"
    return "Completed"


def _corrections(assessments: Sequence[Assessment]) -> dict[str, Assessment]:
    return {str(a.corrects): a for a in assessments if a.corrects is not None}


class AssessmentTable(RecordTable[Assessment]):
    COLUMNS = (
        Column("on", "Date", 10),
        Column("what", "Assessment", 30, min_width=12, squeeze=1),
        Column("status", "Status", 20, min_width=9, squeeze=2),
        Column("next", "Next review", 11),
        Column("assessor", "Assessor", 12, min_width=8, squeeze=1, flex=True),
    )
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "select", "Open", id="open_assessment"),
    ]

    def __init__(self) -> None:
        self.corrected: dict[str, Assessment] = {}
        super().__init__(self.COLUMNS, self._cells, NO_ASSESSMENTS, id="assessment-table")

    def _cells(self, a: Assessment) -> tuple[Text, ...]:
        return (
            Text(uk_date(a.assessed_on)),
            Text(what_words(a)),
            Text(status_words(a, self.corrected.get(str(a.id)))),
            Text(uk_date(a.next_review) if a.status == "completed" else ""),
            Text(a.assessor),
        )


def assessment_detail(a: Assessment, corrected_by: Assessment | None) -> Text:
    """What the assessment found, pathway by pathway, or where the draft is up to."""
    text = Text()
    text.append(f"{what_words(a)} of {uk_date(a.assessed_on)}", style="bold")
    if a.assessor:
        text.append(f", by {a.assessor}")
    if a.status == "draft":
        text.append(f"\nDraft started {uk_datetime(a.started_at)}. Press Enter to carry on.")
        return text
    text.append(f"\nCompleted {uk_datetime(a.completed_at)}.")
    if a.corrects is not None:
        text.append(f" Corrects an earlier version because: {a.correction_reason}")
    if corrected_by is not None:
        text.append(
            f"\nCorrected on {uk_date(corrected_by.completed_at)} because: "
            f"{corrected_by.correction_reason}. The correction is listed too.",
            style="bold",
        )
    for own in a.sections.values():
        if own.pathway is None:
            continue
        name = PATHWAYS.label(own.pathway)
        if own.skipped is not None:
            text.append(f"\n– {name}: skipped ({own.skipped})")
            continue
        r = own.ratings
        if r is None:
            continue
        text.append(f"\n{MARKER if r.immediate_need else ' '} {name}: ")
        text.append(need_words(r.need_level))
        if r.immediate_need:
            text.append(", IMMEDIATE NEED", style="bold")
        if r.own_rating is not None:
            text.append(f", own rating {r.own_rating} of 10")
    return text


class AssessmentsPane(RecordPane):
    def __init__(self, id: str) -> None:
        super().__init__(id=id)
        self._corrected: dict[str, Assessment] = {}

    def compose(self) -> ComposeResult:
        yield AssessmentTable()
        with VerticalScroll(classes="detail"):
            yield Static(id="assessment-detail")

    def show(self, assessments: Sequence[Assessment], select: str | None) -> None:
        table = self.query_one(AssessmentTable)
        self._corrected = table.corrected = _corrections(assessments)
        table.fill(newest_first(assessments), select or table.cursor_key)
        self.show_detail()

    def corrected_by(self, assessment: Assessment) -> Assessment | None:
        return self._corrected.get(str(assessment.id))

    def detail(self) -> Text | str:
        a = self.current
        if a is None:
            return NO_ASSESSMENTS
        return assessment_detail(a, self.corrected_by(a))
