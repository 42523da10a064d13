"""The guided assessment: one section a step, saved as it goes, checked before completing.

The draft in memory is the truth while the screen is open; it is saved a moment after
each change, on every move between sections, when the screen closes and before the
caseload locks, so nothing typed is lost to a lock, a closed laptop or a restart. A
correction of a completed assessment is made here too, but kept in memory until it is
completed (a correction is saved whole, with its reason, or not at all).

A review starts from the previous assessment's answers; each answer that now differs
says what it was.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Header, OptionList, Static
from textual.widgets.option_list import Option

from keyworker.assessments import Assessment, Ratings, SectionAnswers, Step, given, steps
from keyworker.clock import Clock
from keyworker.dates import uk_date
from keyworker.errors import KeyworkerError
from keyworker.models import Client
from keyworker.templates import Answer, Section, Template, visible_questions
from keyworker.vocabulary import ASSESSMENT_KINDS
from screens.assessment_summary import Finish, SkipForm, SummaryScreen
from screens.confirm import ConfirmScreen
from screens.footer import KeyFooter
from screens.questions import RATING_PREFIX, RATINGS, QuestionBox, rating_answers
from storage import Caseload

SAVE_DELAY = 0.8
"""Seconds after the last change before the draft is saved."""
SIDEBAR_WIDTH = 110
"""From this width the list of sections shows beside the questions."""


def marker(step: Step, current: bool) -> str:
    """A step's state in one character, so progress never rests on colour."""
    if current:
        return "▶"
    if step.skipped is not None:
        return "–"
    if step.done:
        return "✓"
    return "!" if step.answered else "·"


def progress_line(all_steps: list[Step], index: int) -> str:
    step = all_steps[index]
    done = sum(1 for s in all_steps if s.done and s.skipped is None)
    skipped = sum(1 for s in all_steps if s.skipped is not None)
    strip = "".join(marker(s, i == index) for i, s in enumerate(all_steps))
    counts = f"{done} done" + (f", {skipped} skipped" if skipped else "")
    return f"{strip}  Step {index + 1} of {len(all_steps)}: {step.section.title}  ({counts})"


class AssessmentScreen(Screen[str | None]):
    """Dismisses with "completed", or None when closed with the draft kept."""

    DEFAULT_CSS = """
    AssessmentScreen {
        #assess-title {
            padding: 0 1;
            text-style: bold;
        }
        #assess-progress {
            padding: 0 1;
            background: $boost;
        }
        #assess-body {
            height: 1fr;
        }
        #steps {
            display: none;
            width: 34;
            height: 1fr;
            border-right: solid $foreground 20%;
        }
        &.-wide #steps {
            display: block;
        }
        #questions {
            height: 1fr;
            padding: 0 1;
        }
        .section-title {
            text-style: bold underline;
            margin-bottom: 1;
        }
        .section-help {
            color: $text-muted;
            margin-bottom: 1;
        }
        .ratings-title {
            text-style: bold;
            color: $text-accent;
            margin-bottom: 1;
        }
        .skipped {
            text-style: bold;
            margin-bottom: 1;
        }
        .was-before {
            color: $text-muted;
            margin-bottom: 1;
        }
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+n", "next_step", "Next", id="assess_next", tooltip="The next section."),
        Binding("ctrl+b", "previous_step", "Back", id="assess_back", tooltip="The section before."),
        Binding(
            "ctrl+t",
            "skip",
            "Skip section",
            id="assess_skip",
            tooltip="Skip this section, saying why; press again to ask it after all.",
        ),
        Binding(
            "ctrl+r",
            "finish",
            "Check and complete",
            id="assess_finish",
            tooltip="See the whole assessment, then complete it.",
        ),
        Binding(
            "escape",
            "close",
            "Close",
            id="assess_close",
            tooltip="Leave; the draft is kept to carry on with later.",
        ),
    ]
    HORIZONTAL_BREAKPOINTS: ClassVar[list[tuple[int, str]] | None] = [
        (0, "-narrow"),
        (SIDEBAR_WIDTH, "-wide"),
    ]

    @dataclass
    class _Saved(Message):
        at: datetime

    @dataclass
    class _Failed(Message):
        problem: str

    @dataclass
    class _Completed(Message):
        assessment: Assessment

    def __init__(
        self,
        caseload: Caseload,
        clock: Clock,
        template: Template,
        draft: Assessment,
        client: Client,
        *,
        previous: Assessment | None = None,
        correcting: Assessment | None = None,
        review_weeks: int = 12,
    ) -> None:
        super().__init__()
        self.caseload = caseload
        self.clock = clock
        self.template = template
        self.draft = draft
        self.client = client
        self.previous = previous
        self.correcting = correcting
        self.review_weeks = review_weeks
        self.index = 0
        self._timer: Timer | None = None
        self._dirty = False
        self._changed_since_open = False
        self._save_lock = threading.Lock()
        self._sequence = 0
        self._saved_sequence = 0
        self._showing = False

    # Layout ---------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(self._title(), id="assess-title", markup=False)
        yield Static("", id="assess-progress", markup=False)
        with Horizontal(id="assess-body"):
            yield OptionList(id="steps")
            yield VerticalScroll(id="questions")
        yield KeyFooter(show_command_palette=False)

    def _title(self, saved: str = "") -> str:
        draft = self.draft
        if self.correcting is not None:
            what = f"Correcting the {ASSESSMENT_KINDS.label(draft.kind).lower()}"
            what += f" of {uk_date(self.correcting.assessed_on)}"
        else:
            what = ASSESSMENT_KINDS.label(draft.kind)
            if self.previous is not None:
                what += f" (since {uk_date(self.previous.assessed_on)})"
        state = f" · {saved}" if saved else ""
        return f"{what}: {self.client.display_name} ({self.client.case_ref}){state}"

    async def on_mount(self) -> None:
        self.sub_title = self.template.title
        first_open = next((i for i, s in enumerate(self.steps) if not s.done), 0)
        await self.show_step(first_open)

    @property
    def steps(self) -> list[Step]:
        return steps(self.template, self.draft)

    @property
    def section(self) -> Section:
        return self.steps[self.index].section

    async def show_step(self, index: int) -> None:
        """Show the questions of step `index`, with the answers so far."""
        self._showing = True
        self.index = index
        section = self.section
        own = self.draft.section(section.id)
        today = self.clock.today()
        holder = self.query_one("#questions", VerticalScroll)
        await holder.remove_children()
        widgets: list[Any] = [Static(section.title, classes="section-title", markup=False)]
        if section.help:
            widgets.append(Static(section.help, classes="section-help", markup=False))
        if own.skipped is not None:
            widgets.append(
                Static(
                    f"Skipped: {own.skipped}\nPress Ctrl+T to ask this section after all.",
                    classes="skipped",
                    markup=False,
                )
            )
        else:
            widgets.extend(QuestionBox(q, own.answers.get(q.id), today) for q in section.questions)
            if section.rated:
                widgets.append(Static("Ratings", classes="ratings-title"))
                answers = rating_answers(dict(own.ratings) if own.ratings else {})
                widgets.extend(QuestionBox(q, answers.get(q.id), today) for q in RATINGS)
        await holder.mount_all(widgets)
        holder.scroll_home(animate=False)
        self._showing = False
        self._refresh()
        boxes = [b for b in self.query(QuestionBox) if b.display]
        if boxes:
            boxes[0].focus()
        else:
            holder.focus()

    def _refresh(self) -> None:
        """Show and hide questions by the answers so far; progress; what changed."""
        section = self.section
        answers = self.template.visible_answers(self.draft.all_answers)
        shown = {q.id for q in visible_questions(section, answers)}
        for box in self.query(QuestionBox):
            if not box.question.id.startswith(RATING_PREFIX):
                box.display = box.question.id in shown
        if self.previous is not None:
            self._show_what_changed()
        all_steps = self.steps
        self.query_one("#assess-progress", Static).update(progress_line(all_steps, self.index))
        options = self.query_one("#steps", OptionList)
        highlighted = options.highlighted
        options.set_options(
            Option(f"{marker(s, i == self.index)} {s.section.title}", id=s.section.id)
            for i, s in enumerate(all_steps)
        )
        options.highlighted = highlighted if highlighted is not None else self.index

    def _show_what_changed(self) -> None:
        assert self.previous is not None
        before = self.previous.section(self.section.id)
        earlier = {**before.answers, **rating_answers(dict(before.ratings or Ratings()))}
        if before.ratings is not None and before.ratings.need_level is not None:
            earlier.setdefault(f"{RATING_PREFIX}immediate_need", before.ratings.immediate_need)
        for box in self.query(QuestionBox):
            now, _problem = box.answer_or_none()
            if box.question.id == f"{RATING_PREFIX}immediate_need" and now is None:
                now = False if earlier.get(box.question.id) is False else None
            box.show_was(earlier.get(box.question.id), now)

    # Reading answers into the draft --------------------------------------------------

    @on(QuestionBox.Changed)
    def _answer_changed(self) -> None:
        if self._showing:
            return
        before = self.draft
        self._collect()
        self._refresh()
        if self.draft != before:  # widgets also report the answers they open with
            self._changed()

    def _collect(self) -> None:
        """Read the shown section's answers into the draft; unreadable ones wait."""
        section = self.section
        own = self.draft.section(section.id)
        if own.skipped is not None:
            return
        answers: dict[str, Answer] = {}
        rated: dict[str, Answer | None] = {}
        for box in self.query(QuestionBox):
            answer, _problem = box.answer_or_none()
            qid = box.question.id
            if qid.startswith(RATING_PREFIX):
                rated[qid.removeprefix(RATING_PREFIX)] = answer
            elif given(answer):
                assert answer is not None
                answers[qid] = answer
        ratings = own.ratings
        if section.rated:
            ratings = self._ratings(rated, own.ratings)
        self._put(section.id, own.model_copy(update={"answers": answers, "ratings": ratings}))
        # Answers the section no longer shows count for nothing (and are not kept).
        visible = self.template.visible_answers(self.draft.all_answers)
        kept = {q: a for q, a in answers.items() if q in visible}
        if kept != answers:
            own = self.draft.section(section.id)
            self._put(section.id, own.model_copy(update={"answers": kept}))

    def _ratings(self, rated: dict[str, Answer | None], before: Ratings | None) -> Ratings | None:
        values = {
            "need_level": rated.get("need_level"),
            "immediate_need": rated.get("immediate_need") is True,
            "own_rating": rated.get("own_rating"),
            "motivation": rated.get("motivation"),
            "strengths": rated.get("strengths") or "",
            "notes": rated.get("notes") or "",
        }
        try:
            ratings = Ratings.model_validate(values)
        except ValueError:
            box = self.query_one(f"#q-{RATING_PREFIX}strengths", QuestionBox)
            box.show_problem("Too long: keep strengths to 2,000 characters.")
            return before
        return None if ratings.empty else ratings

    def _put(self, section_id: str, own: SectionAnswers) -> None:
        sections = {**self.draft.sections, section_id: own}
        self.draft = self.draft.model_copy(update={"sections": sections})

    def _problems(self) -> int:
        """Show what cannot be read on this step; how many there are."""
        count = 0
        for box in self.query(QuestionBox):
            _answer, problem = box.answer_or_none()
            if not box.display:
                problem = ""
            if problem or box.problem:
                box.show_problem(problem)
            count += bool(problem)
        return count

    # Saving ---------------------------------------------------------------------------

    def _changed(self) -> None:
        self._dirty = True
        self._changed_since_open = True
        if self.correcting is not None:
            return
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(SAVE_DELAY, self._save_soon)

    def _save_soon(self) -> None:
        self._timer = None
        if self._dirty and not self.caseload.is_locked:
            self._dirty = False
            self._sequence += 1
            self._save_in_thread(self.draft, self._sequence)

    @work(thread=True, group="assessment-save")
    def _save_in_thread(self, draft: Assessment, sequence: int) -> None:
        try:
            self._save(draft, sequence)
        except KeyworkerError as exc:
            self._dirty = True
            self.post_message(self._Failed(str(exc)))
            return
        self.post_message(self._Saved(self.clock.now()))

    def _save(self, draft: Assessment, sequence: int) -> None:
        """Save unless a newer draft was saved already (saves can overlap)."""
        with self._save_lock:
            if sequence <= self._saved_sequence:
                return
            self.caseload.save_draft(draft)
            self._saved_sequence = sequence

    def save_before_closing(self) -> None:
        """Save the draft now, on this thread: the caseload is about to lock or close."""
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        if not self._dirty or self.correcting is not None or self.caseload.is_locked:
            return
        self._sequence += 1
        try:
            self._save(self.draft, self._sequence)
        except KeyworkerError as exc:
            self.notify(str(exc), title="Draft not saved", severity="error")
            return
        self._dirty = False

    @on(_Saved)
    def _saved(self, message: _Saved) -> None:
        moment = message.at.astimezone().strftime("%H:%M")
        self.query_one("#assess-title", Static).update(self._title(f"draft saved {moment}"))

    @on(_Failed)
    def _failed(self, message: _Failed) -> None:
        self.notify(message.problem, title="Not saved", severity="error")

    def on_unmount(self) -> None:
        self.save_before_closing()

    # Moving between steps -------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "next_step":
            return self.index < len(self.template.sections_for(self._off)) - 1 or None
        if action == "previous_step":
            return self.index > 0 or None
        return True

    @property
    def _off(self) -> frozenset[str]:
        return frozenset(self.draft.switched_off)

    async def _go(self, index: int) -> None:
        if self._problems():
            self.notify("Put right the marked answer, or clear it, first.", severity="warning")
            return
        self._collect()
        self._save_soon()
        await self.show_step(index)
        self.refresh_bindings()

    async def action_next_step(self) -> None:
        if self.index < len(self.steps) - 1:
            await self._go(self.index + 1)

    async def action_previous_step(self) -> None:
        if self.index > 0:
            await self._go(self.index - 1)

    @on(OptionList.OptionSelected, "#steps")
    async def _step_chosen(self, event: OptionList.OptionSelected) -> None:
        if event.option_index != self.index:
            await self._go(event.option_index)

    # Skipping -------------------------------------------------------------------------

    def action_skip(self) -> None:
        section = self.section
        own = self.draft.section(section.id)
        if own.skipped is not None:
            self._put(section.id, own.model_copy(update={"skipped": None}))
            self._changed()
            self.call_later(self.show_step, self.index)
            return
        if self._problems():
            self.notify("Put right the marked answer, or clear it, first.", severity="warning")
            return

        def skipped(reason: str | None) -> None:
            if not reason:
                return
            self._collect()
            own = self.draft.section(section.id)
            self._put(section.id, own.model_copy(update={"skipped": reason}))
            self._changed()
            self.call_later(self._after_skip)

        self.app.push_screen(SkipForm(section.title), skipped)

    async def _after_skip(self) -> None:
        await self.show_step(self.index)
        if self.index < len(self.steps) - 1:
            await self._go(self.index + 1)

    # Finishing ------------------------------------------------------------------------

    def action_finish(self) -> None:
        if self._problems():
            self.notify("Put right the marked answer, or clear it, first.", severity="warning")
            return
        self._collect()
        self._save_soon()
        summary = SummaryScreen(
            self.template,
            self.draft,
            self.clock.today(),
            previous=self.previous,
            correcting=self.correcting,
            review_weeks=self.review_weeks,
        )
        self.app.push_screen(summary, self._finish_chosen)

    def _finish_chosen(self, finish: Finish | None) -> None:
        if finish is None:
            return
        if finish.goto is not None:
            self.call_later(self._go, finish.goto)
            return
        self.save_before_closing()
        self._complete(finish.next_review, finish.reason)

    @work(thread=True, exclusive=True, group="assessment-complete")
    def _complete(self, next_review: date | None, reason: str) -> None:
        now = self.clock.now()
        try:
            if self.correcting is not None:
                corrected = self.draft.model_copy(update={"next_review": next_review})
                done = self.caseload.correct_assessment(self.correcting.id, corrected, reason, now)
            else:
                done = self.caseload.complete_assessment(self.draft.id, now, next_review)
        except KeyworkerError as exc:
            self.post_message(self._Failed(str(exc)))
            return
        self.post_message(self._Completed(done))

    @on(_Completed)
    def _completed(self, message: _Completed) -> None:
        self.draft = message.assessment
        self._dirty = False
        self.dismiss("completed")

    # Leaving --------------------------------------------------------------------------

    def action_close(self) -> None:
        if self.correcting is None:
            self._collect()
            self.save_before_closing()
            self.dismiss(None)
            return
        self._collect()
        if not self._changed_since_open:
            self.dismiss(None)
            return

        def leave(yes: bool | None) -> None:
            if yes:
                self.dismiss(None)

        self.app.push_screen(
            ConfirmScreen("Throw this correction away?", yes="Throw away", no="Keep correcting"),
            leave,
        )
