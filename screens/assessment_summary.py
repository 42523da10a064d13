"""Before completing: every section at a glance, what changed, and the next review.

The summary says, section by section, what was found or what is still needed; Enter on
a section goes back to it. A review lists what changed since last time. Completing asks
for the date of the next review, and a correction asks why it is being made.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from keyworker.assessment_text import change_value_words, need_words
from keyworker.assessments import Assessment, Change, Step, changes, steps
from keyworker.dates import uk_date
from keyworker.errors import InvalidInput
from keyworker.templates import Template
from screens.date_input import DateInput
from screens.footer import KeyFooter
from screens.form import FormScreen, Item, TextField

NOT_DONE = "Finish or skip the sections marked ✗ first: Enter on one goes to it."
NEEDS_REASON = "Say why this correction is being made."
SKIP_HINT = (
    "For example: not relevant to them; did not want to talk about it today; "
    "another service is assessing this."
)


@dataclass(frozen=True)
class Finish:
    """What the keyworker chose: go back to a section, or complete."""

    goto: int | None = None
    next_review: date | None = None
    reason: str = ""


def step_line(step: Step, own_ratings: Any) -> Text:
    """One section of the summary: a mark, its title and what it holds or needs."""
    title = step.section.title
    if step.skipped is not None:
        return Text.assemble(("– ", "bold"), (title, "bold"), f": skipped ({step.skipped})")
    if not step.done:
        return Text.assemble(
            ("✗ ", "bold"), (title, "bold"), f": still needs {', '.join(step.missing)}"
        )
    parts = [f"{step.answered} of {step.shown} answered"]
    if own_ratings is not None:
        parts.insert(0, need_words(own_ratings.need_level).lower())
        if own_ratings.immediate_need:
            parts.insert(1, "IMMEDIATE NEED")
        if own_ratings.own_rating is not None:
            parts.append(f"own rating {own_ratings.own_rating} of 10")
    return Text.assemble(("✓ ", "bold"), (title, "bold"), ": " + ", ".join(parts))


def change_lines(template: Template, found: Iterable[Change]) -> list[str]:
    """Each change as "Section: what: before → after", in words."""
    lines = []
    for change in found:
        section = template.section(change.section_id)
        before = change_value_words(section, change, change.before)
        after = change_value_words(section, change, change.after)
        lines.append(f"{section.title}: {change.what}: {before} → {after}")
    return lines


class SummaryScreen(ModalScreen[Finish | None]):
    DEFAULT_CSS = """
    SummaryScreen {
        align: center middle;
        #summary-box {
            width: 100%;
            max-width: 110;
            height: 100%;
            max-height: 40;
            border: round $primary;
            border-title-style: bold;
            padding: 0 1;
            background: $panel;
        }
        #summary-body {
            height: 1fr;
        }
        #summary-steps {
            height: auto;
            max-height: 20;
        }
        .summary-heading {
            text-style: bold;
            color: $text-accent;
            margin-top: 1;
        }
        #summary-changes {
            height: auto;
        }
        .summary-row {
            height: auto;
            margin-top: 1;
        }
        .summary-label {
            width: 20;
        }
        #summary-reason {
            width: 1fr;
        }
        #summary-buttons {
            dock: bottom;
            height: auto;
            align-horizontal: right;
        }
        #summary-message {
            width: 1fr;
            height: auto;
            color: $text-error;
            text-style: bold;
        }
        #summary-buttons Button {
            margin-left: 2;
        }
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "ctrl+s",
            "complete",
            "Complete",
            id="summary_complete",
            tooltip="Complete the assessment; it cannot be changed after, only corrected.",
        ),
        Binding("escape", "back", "Back", id="summary_back", tooltip="Back to the questions."),
    ]

    def __init__(
        self,
        template: Template,
        draft: Assessment,
        today: date,
        *,
        previous: Assessment | None = None,
        correcting: Assessment | None = None,
        review_weeks: int = 12,
    ) -> None:
        super().__init__()
        self.template = template
        self.draft = draft
        self.today = today
        self.previous = previous
        self.correcting = correcting
        self.steps = steps(template, draft)
        if correcting is not None:
            self.next_review = correcting.next_review
        else:
            self.next_review = draft.assessed_on + timedelta(weeks=review_weeks)

    @property
    def ready(self) -> bool:
        return all(step.done for step in self.steps)

    def compose(self) -> ComposeResult:
        with Vertical(id="summary-box") as box:
            box.border_title = "Check before completing"
            with VerticalScroll(id="summary-body"):
                yield Static(self._about(), markup=False)
                yield OptionList(
                    *[
                        Option(step_line(s, self.draft.section(s.section.id).ratings), id=str(i))
                        for i, s in enumerate(self.steps)
                    ],
                    id="summary-steps",
                )
                if self.previous is not None:
                    found = changes(self.template, self.previous, self.draft)
                    since = uk_date(self.previous.assessed_on)
                    yield Static(
                        f"What changed since {since} ({len(found)})",
                        classes="summary-heading",
                        markup=False,
                    )
                    lines = change_lines(self.template, found) or ["Nothing has changed."]
                    yield Static("\n".join(lines), id="summary-changes", markup=False)
                with Horizontal(classes="summary-row"):
                    yield Label("Next review", classes="summary-label")
                    yield DateInput(self.next_review, self.today, id="summary-next-review")
                if self.correcting is not None:
                    with Horizontal(classes="summary-row"):
                        yield Label("Why correct it (required)", classes="summary-label")
                        yield Input(
                            max_length=1000,
                            placeholder="What was wrong",
                            id="summary-reason",
                            compact=True,
                        )
            with Horizontal(id="summary-buttons"):
                yield Label(
                    "" if self.ready else f"✗ {NOT_DONE}", id="summary-message", markup=False
                )
                yield Button("Complete", variant="primary", id="summary-complete", compact=True)
                yield Button("Back", id="summary-back", compact=True)
        yield KeyFooter()

    def _about(self) -> str:
        done = sum(1 for s in self.steps if s.done)
        text = f"{done} of {len(self.steps)} sections ready. "
        if self.ready:
            return text + "Once completed it cannot be changed, only corrected."
        return text + "Enter on a section goes back to it."

    def on_mount(self) -> None:
        if self.ready and self.correcting is not None:
            self.query_one("#summary-reason", Input).focus()
        elif self.ready:
            self.query_one("#summary-complete", Button).focus()
        else:
            self.query_one("#summary-steps", OptionList).focus()

    @on(OptionList.OptionSelected, "#summary-steps")
    def _go_to(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(Finish(goto=event.option_index))

    @on(Button.Pressed, "#summary-complete")
    def _complete_pressed(self) -> None:
        self.action_complete()

    @on(Button.Pressed, "#summary-back")
    def _back_pressed(self) -> None:
        self.action_back()

    def _say(self, problem: str) -> None:
        self.query_one("#summary-message", Label).update(f"✗ {problem}")

    def action_complete(self) -> None:
        if not self.ready:
            self._say(NOT_DONE)
            self.query_one("#summary-steps", OptionList).focus()
            return
        try:
            next_review = self.query_one(DateInput).value
        except InvalidInput as exc:
            self._say(f"Next review: {exc}")
            self.query_one(DateInput).focus()
            return
        if next_review is not None and next_review < self.draft.assessed_on:
            self._say("The next review cannot be before the assessment.")
            self.query_one(DateInput).focus()
            return
        reason = ""
        if self.correcting is not None:
            reason = self.query_one("#summary-reason", Input).value.strip()
            if not reason:
                self._say(NEEDS_REASON)
                self.query_one("#summary-reason", Input).focus()
                return
        self.dismiss(Finish(next_review=next_review, reason=reason))

    def action_back(self) -> None:
        self.dismiss(None)


class SkipForm(FormScreen[str]):
    """Why a section is skipped: a reason is kept with the assessment."""

    SAVE_LABEL = "Skip section"

    def __init__(self, section_title: str) -> None:
        super().__init__(f"Skip {section_title}", "The reason is kept with the assessment.")

    def items(self) -> list[Item]:
        return [
            TextField(
                name="reason",
                label="Why skip it",
                required=True,
                hint=SKIP_HINT,
                blank_is_none=True,
            )
        ]

    def build(self, values: dict[str, Any]) -> str:
        return (values.get("reason") or "").strip()[:500]
