"""Questions of an assessment template as widgets: each kind of question renders itself.

A `QuestionBox` shows one question (its words, whether it is required, its help), the
widget its kind calls for, a line saying what the answer was last time when a review
changes it, and a problem line. It reads its answer back as the template keeps it. The
standard ratings of a pathway section are questions too (`rating_questions`), so they
look and behave like the rest.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.widget import Widget
from textual.widgets import (
    Checkbox,
    Input,
    Label,
    RadioButton,
    RadioSet,
    SelectionList,
    Static,
    TextArea,
)

from keyworker.assessment_text import answer_words, number_words
from keyworker.errors import InvalidInput
from keyworker.templates import LONG_TEXT_MAX, SHORT_TEXT_MAX, Answer, Question
from keyworker.vocabulary import MOTIVATIONS, NEED_LEVELS, Vocabulary
from screens.date_input import DateInput
from screens.form import TickList

RATING_PREFIX = "rating__"
"""Question ids for the standard ratings start with this, so they never meet a template's."""


class Choice(RadioButton):
    """A radio button whose dot shows only when chosen, so it never rests on colour."""

    def render(self) -> Content:
        self.BUTTON_INNER = "●" if self.value else " "
        return super().render()


class Choices(RadioSet):
    """One of a list; Delete takes the answer back, as a radio set cannot otherwise."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("delete,backspace", "clear", "Clear answer", show=False, id="clear_answer"),
    ]

    class Cleared(Message):
        pass

    def __init__(self, labels: Iterable[str], chosen: int | None, *, id: str, inline: bool) -> None:
        buttons = [Choice(label, i == chosen, compact=True) for i, label in enumerate(labels)]
        super().__init__(*buttons, id=id, compact=True, classes="-inline" if inline else "")

    def action_clear(self) -> None:
        pressed = self.pressed_button
        if pressed is None:
            return
        with self.prevent(RadioButton.Changed):
            pressed.value = False
        self._pressed_button = None
        self.post_message(self.Cleared())


def rating_questions() -> list[Question]:
    """The standard ratings of a pathway section, as questions of the usual kinds."""

    def choices(vocabulary: Vocabulary) -> list[dict[str, str]]:
        return [{"code": t.code, "label": t.label} for t in vocabulary]

    return [
        Question.model_validate(q)
        for q in (
            {
                "id": f"{RATING_PREFIX}need_level",
                "text": "Need level (your view)",
                "kind": "single_choice",
                "required": True,
                "choices": choices(NEED_LEVELS),
            },
            {
                "id": f"{RATING_PREFIX}immediate_need",
                "text": "Is there an immediate need (to act on now)?",
                "kind": "yes_no",
            },
            {
                "id": f"{RATING_PREFIX}own_rating",
                "text": "How are things, in their own words, from 1 (very bad) to 10 (very good)?",
                "kind": "scale",
                "min": 1,
                "max": 10,
            },
            {
                "id": f"{RATING_PREFIX}motivation",
                "text": "Motivation to change",
                "kind": "single_choice",
                "choices": choices(MOTIVATIONS),
            },
            {
                "id": f"{RATING_PREFIX}strengths",
                "text": "Strengths to build on",
                "kind": "long_text",
            },
            {"id": f"{RATING_PREFIX}notes", "text": "Notes", "kind": "long_text"},
        )
    ]


RATINGS = rating_questions()


class QuestionBox(Vertical):
    """One question with the widget its kind calls for."""

    DEFAULT_CSS = """
    QuestionBox {
        height: auto;
        padding: 0 0 1 0;
        & > .question-text {
            text-style: bold;
        }
        & > .question-help {
            color: $text-muted;
        }
        & > Input {
            width: 1fr;
            max-width: 60;
        }
        & > Input.number {
            width: 14;
        }
        & > TextArea {
            height: 4;
        }
        & > TickList {
            height: auto;
            max-height: 12;
        }
        & > Choices.-inline {
            layout: horizontal;
            height: auto;
            & > Choice {
                width: auto;
                margin-right: 3;
            }
        }
        & > .question-was {
            color: $text-warning;
            display: none;
        }
        & > .question-was.-shown {
            display: block;
        }
        & > .question-problem {
            color: $text-error;
            text-style: bold;
            display: none;
        }
        & > .question-problem.-shown {
            display: block;
        }
        &:focus-within > .question-text {
            color: $text-accent;
        }
        /* Away from the keyboard, only what is chosen shows: no cursor to mistake for it. */
        & > Choices:blur > RadioButton.-selected > .toggle--label {
            background: transparent;
        }
        & > TickList:blur > .option-list--option-highlighted {
            background: transparent;
        }
    }
    """

    @dataclass
    class Changed(Message):
        """The answer changed, as typed or chosen (it may not read yet)."""

        box: QuestionBox

    def __init__(self, question: Question, answer: Answer | None, today: date) -> None:
        super().__init__(id=f"q-{question.id}", classes="question")
        self.question = question
        self._answer = answer
        self.today = today

    # Showing --------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        q = self.question
        text = f"{q.text} (required)" if q.required else q.text
        yield Static(text, classes="question-text", markup=False)
        hint = q.help or self._kind_hint()
        if hint:
            yield Static(hint, classes="question-help", markup=False)
        yield self._make_widget()
        yield Label("", classes="question-was", markup=False)
        yield Label("", classes="question-problem", markup=False)

    def _kind_hint(self) -> str:
        q = self.question
        if q.kind == "scale":
            return f"A whole number from {q.min} to {q.max}."
        if q.kind == "multiple_choice":
            return "Tick all that apply (Space ticks)."
        return ""

    def _make_widget(self) -> Widget:
        q, answer, wid = self.question, self._answer, f"a-{self.question.id}"
        if q.kind == "yes_no":
            chosen = None if answer is None else (0 if answer is True else 1)
            return Choices(["Yes", "No"], chosen, id=wid, inline=True)
        if q.kind == "single_choice":
            codes = [c.code for c in q.choices]
            chosen = codes.index(answer) if answer in codes else None
            inline = sum(len(c.label) + 6 for c in q.choices) <= 50
            return Choices([c.label for c in q.choices], chosen, id=wid, inline=inline)
        if q.kind == "multiple_choice":
            picked = set(answer) if isinstance(answer, list) else set()
            options = [(c.label, c.code, c.code in picked) for c in q.choices]
            return TickList(*options, id=wid, compact=True)
        if q.kind in ("scale", "number"):
            return Input(
                "" if answer is None else number_words(answer),  # type: ignore[arg-type]
                type="integer" if q.kind == "scale" else "number",
                placeholder=f"{q.min} to {q.max}" if q.kind == "scale" else "",
                id=wid,
                classes="number",
                compact=True,
            )
        if q.kind == "date":
            value = date.fromisoformat(answer) if isinstance(answer, str) else None
            return DateInput(value, self.today, id=wid)
        if q.kind == "short_text":
            return Input(str(answer or ""), max_length=SHORT_TEXT_MAX, id=wid, compact=True)
        return TextArea(
            str(answer or ""),
            id=wid,
            soft_wrap=True,
            tab_behavior="focus",
            compact=True,
            highlight_cursor_line=False,
            max_checkpoints=50,
        )

    @property
    def control(self) -> Widget:
        return self.query_one(f"#a-{self.question.id}")

    def focus(self, scroll_visible: bool = True) -> QuestionBox:
        self.control.focus(scroll_visible)
        return self

    def show_was(self, before: Answer | None, now: Answer | None) -> None:
        """Say what the answer was last time, when it differs from the answer now."""
        label = self.query_one(".question-was", Label)
        changed = before != now
        label.update(f"Changed: was {answer_words(self.question, before)}" if changed else "")
        label.set_class(changed, "-shown")

    def show_problem(self, problem: str) -> None:
        label = self.query_one(".question-problem", Label)
        label.update(f"✗ {problem}" if problem else "")
        label.set_class(bool(problem), "-shown")

    @property
    def problem(self) -> str:
        return str(self.query_one(".question-problem", Label).content).removeprefix("✗ ")

    # Reading --------------------------------------------------------------------------

    def answer(self) -> Answer | None:
        """The answer as the template keeps it; None when blank; InvalidInput if unreadable."""
        q, widget = self.question, self.control
        if isinstance(widget, Choices):
            index = widget.pressed_index
            if index < 0:
                return None
            if q.kind == "yes_no":
                return index == 0
            return q.choices[index].code
        if isinstance(widget, SelectionList):
            chosen = set(widget.selected)
            return [c.code for c in q.choices if c.code in chosen] or None
        if isinstance(widget, DateInput):
            found = widget.value
            return found.isoformat() if found else None
        if isinstance(widget, TextArea):
            text = widget.text.strip()
            if len(text) > LONG_TEXT_MAX:
                raise InvalidInput(f"Too long: keep it to {LONG_TEXT_MAX:,} characters.")
            return text or None
        assert isinstance(widget, Input)
        text = widget.value.strip()
        if not text:
            return None
        if q.kind == "short_text":
            return text
        return self._number(text)

    def _number(self, text: str) -> int | float:
        q = self.question
        try:
            number: int | float = int(text) if q.kind == "scale" else float(text)
        except ValueError:
            if q.kind == "scale":
                raise InvalidInput(f"Type a whole number from {q.min} to {q.max}.") from None
            raise InvalidInput(f'"{text}" is not a number.') from None
        if isinstance(number, float) and number.is_integer():
            number = int(number)
        try:
            q.check(number)
        except ValueError as exc:
            raise InvalidInput(f"The number {exc}.") from None
        return number

    def answer_or_none(self) -> tuple[Answer | None, str]:
        """The answer and "", or None and what is wrong with what was typed."""
        try:
            return self.answer(), ""
        except InvalidInput as exc:
            return None, str(exc)

    # Telling the screen ---------------------------------------------------------------

    @on(Input.Changed)
    @on(TextArea.Changed)
    @on(RadioSet.Changed)
    @on(Choices.Cleared)
    @on(SelectionList.SelectedChanged)
    @on(Checkbox.Changed)
    def _changed(self, event: Message) -> None:
        event.stop()
        self.post_message(self.Changed(self))


def rating_answers(ratings: dict[str, Any]) -> dict[str, Answer]:
    """A section's ratings as answers to `RATINGS`, for the boxes to show."""
    return {
        f"{RATING_PREFIX}{name}": value
        for name, value in ratings.items()
        if value is not None and value != "" and not (name == "immediate_need" and not value)
    }
