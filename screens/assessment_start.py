"""Starting, carrying on with, opening and correcting assessments from a client's record.

A mixin for the client screen, kept apart so the record's own screen stays small. Reading
and saving run in threads; what they find comes back through `call_from_thread`. The
assessment screens are imported when first used, so opening a record stays quick.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual import work

from keyworker.assessments import Assessment, start_review
from keyworker.dates import uk_date
from keyworker.errors import KeyworkerError
from keyworker.identifiers import new_id
from keyworker.templates import Template
from screens.assessment_list import AssessmentsPane, AssessmentTable
from screens.start_assessment_form import StartAssessmentForm, StartChoice, latest_completed
from storage.templates import TemplateLibrary, load_library

if TYPE_CHECKING:
    from uuid import UUID

    from textual.app import App

    from keyworker.clock import Clock
    from keyworker.models import ClientRecord
    from storage import Caseload

NO_TEMPLATES = "There is no assessment template to use: check the templates folder."


def switched_off(template: Template, ask_specialist: bool) -> list[str]:
    """The specialist sections to leave out, by the service's setting."""
    if ask_specialist:
        return []
    return [s.id for s in template.sections if s.specialist]


class AssessmentStarter:
    """The client screen's assessment actions: `s` to assess, Enter on a listed one."""

    caseload: Caseload
    clock: Clock
    client_id: UUID
    record: ClientRecord | None
    _select: dict[type, str]
    app: App[Any]

    if TYPE_CHECKING:

        def notify(self, message: str, **kwargs: Any) -> None: ...
        def query_one(self, selector: Any, expect_type: Any = None) -> Any: ...
        def _load(self) -> None: ...
        def action_show_tab(self, tab: str) -> None: ...

    # Settings the app keeps ----------------------------------------------------------

    def _setting(self, name: str, default: Any) -> Any:
        return getattr(getattr(self.app, "settings", None), name, default)

    def _fail(self, problem: str) -> None:
        self.notify(problem, title="Not done", severity="error")

    # Start or carry on -----------------------------------------------------------------

    def action_assess(self) -> None:
        self._prepare()

    @work(thread=True, exclusive=True, group="assessment-open")
    def _prepare(self) -> None:
        try:
            library = load_library(self.caseload.paths)
            assessments = self.caseload.assessments(self.client_id)
        except KeyworkerError as exc:
            self.app.call_from_thread(self._fail, str(exc))
            return
        self.app.call_from_thread(self._prepared, library, assessments)

    def _prepared(self, library: TemplateLibrary, assessments: list[Assessment]) -> None:
        if library.problems:
            count = len(library.problems)
            files = "file" if count == 1 else "files"
            self.notify(
                f"{count} template {files} could not be read and were left out. "
                "`keyworker assessment validate FILE` says what is wrong.",
                severity="warning",
                timeout=10,
            )
        templates = library.sorted()
        if not templates:
            self._fail(NO_TEMPLATES)
            return
        drafts = [a for a in assessments if a.status == "draft"]
        if len(templates) == 1 and drafts:
            self._resume(drafts[0])
            return

        def chosen(choice: StartChoice | None) -> None:
            if choice is None:
                return
            draft = next((a for a in drafts if a.template_id == choice.template_id), None)
            if draft is not None:
                self.notify(f"Carrying on with the draft of {uk_date(draft.assessed_on)}.")
                self._resume(draft)
                return
            template = library.get(choice.template_id)
            assert template is not None
            self._start(template, choice, assessments)

        form = StartAssessmentForm(templates, assessments, self.clock.today())
        self.app.push_screen(form, chosen)

    @work(thread=True, exclusive=True, group="assessment-open")
    def _start(self, template: Template, choice: StartChoice, before: list[Assessment]) -> None:
        now = self.clock.now()
        off = switched_off(template, self._setting("specialist_sections", False))
        previous = None
        if choice.kind == "review":
            previous = latest_completed(before, template.id)
            assert previous is not None
            draft = start_review(previous, template, choice.assessed_on, now)
            draft = draft.model_copy(update={"switched_off": off, "assessor": self.caseload.worker})
        else:
            draft = Assessment(
                client_id=self.client_id,
                template_id=template.id,
                template_version=template.version,
                assessed_on=choice.assessed_on,
                started_at=now,
                assessor=self.caseload.worker,
                switched_off=off,
            )
        try:
            saved = self.caseload.start_assessment(draft, template)
        except KeyworkerError as exc:
            self.app.call_from_thread(self._fail, str(exc))
            return
        self.app.call_from_thread(self._open, template, saved, previous, None)

    @work(thread=True, exclusive=True, group="assessment-open")
    def _resume(self, draft: Assessment) -> None:
        try:
            template = self.caseload.template(draft.template_id, draft.template_version)
            previous = None
            if draft.review_of is not None:
                previous = self.caseload.assessment(draft.review_of)
            draft = self.caseload.assessment(draft.id)
        except KeyworkerError as exc:
            self.app.call_from_thread(self._fail, str(exc))
            return
        self.app.call_from_thread(self._open, template, draft, previous, None)

    def _open(
        self,
        template: Template,
        draft: Assessment,
        previous: Assessment | None,
        correcting: Assessment | None,
    ) -> None:
        from screens.assessment import AssessmentScreen

        assert self.record is not None
        screen = AssessmentScreen(
            self.caseload,
            self.clock,
            template,
            draft,
            self.record.client,
            previous=previous,
            correcting=correcting,
            review_weeks=self._setting("review_weeks", 12),
        )

        def closed(result: str | None) -> None:
            self._select[AssessmentTable] = str(screen.draft.id)
            self._load()
            self.action_show_tab("assessments")
            if result == "completed":
                self.notify("Assessment completed.")
            elif correcting is None:
                self.notify("Draft kept. Press s to carry on with it.")

        self.app.push_screen(screen, closed)

    # Open a listed one -----------------------------------------------------------------

    def open_assessment(self) -> None:
        pane = self.query_one(AssessmentsPane)
        chosen: Assessment | None = pane.current
        if chosen is None:
            return
        if chosen.status == "draft":
            self._resume(chosen)
        else:
            self._view(chosen, pane.corrected_by(chosen))

    @work(thread=True, exclusive=True, group="assessment-open")
    def _view(self, assessment: Assessment, corrected_by: Assessment | None) -> None:
        try:
            template = self.caseload.template(assessment.template_id, assessment.template_version)
            previous = original = None
            if assessment.review_of is not None:
                previous = self.caseload.assessment(assessment.review_of)
            if assessment.corrects is not None:
                original = self.caseload.assessment(assessment.corrects)
        except KeyworkerError as exc:
            self.app.call_from_thread(self._fail, str(exc))
            return
        self.app.call_from_thread(
            self._show_view, assessment, template, previous, original, corrected_by
        )

    def _show_view(
        self,
        assessment: Assessment,
        template: Template,
        previous: Assessment | None,
        original: Assessment | None,
        corrected_by: Assessment | None,
    ) -> None:
        from screens.assessment_view import AssessmentView

        assert self.record is not None
        view = AssessmentView(
            assessment,
            template,
            self.record.client,
            previous=previous,
            original=original,
            corrected_by=corrected_by,
        )

        def closed(result: str | None) -> None:
            if result == "correct":
                self._open(template, correction_of(assessment), previous, assessment)

        self.app.push_screen(view, closed)


def correction_of(original: Assessment) -> Assessment:
    """A copy to correct, in memory: it is saved, with its reason, once completed."""
    return original.model_copy(
        update={
            "id": new_id(),
            "status": "draft",
            "completed_at": None,
            "corrects": None,
            "correction_reason": None,
        }
    )
