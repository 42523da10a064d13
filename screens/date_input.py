"""A date field that reads dates the way people in the UK type them and shows them back."""

from __future__ import annotations

import re
from datetime import date

from textual import on
from textual.app import ComposeResult
from textual.validation import ValidationResult, Validator
from textual.widget import Widget
from textual.widgets import Input, Label

from keyworker.dates import long_date, parse_date, parse_optional_date, uk_date
from keyworker.errors import InvalidInput

# The parser's messages start with the typed text in quotes; the echo leaves that out.
_QUOTED_START = re.compile(r'^".*?"\s+')


class _ReadsAsDate(Validator):
    """Marks the input invalid (Textual's -invalid style) when the text is not a date."""

    def __init__(self, today: date, required: bool) -> None:
        super().__init__()
        self.today = today
        self.required = required

    def validate(self, value: str) -> ValidationResult:
        try:
            read_date(value, self.today, self.required)
        except InvalidInput as exc:
            return self.failure(str(exc))
        return self.success()


def read_date(text: str, today: date, required: bool = False) -> date | None:
    """The date typed, None for a blank optional date; raises InvalidInput otherwise."""
    if required:
        return parse_date(text, today)
    return parse_optional_date(text, today)


def short_problem(message: str) -> str:
    """The first sentence of a date problem, without the quoted text, for the echo."""
    sentence = _QUOTED_START.sub("", message, count=1).split(". ", 1)[0].rstrip(".")
    if sentence.startswith("is "):
        sentence = sentence[3:]
    return sentence[:1].upper() + sentence[1:]


class DateInput(Widget):
    """One line: where the date is typed, then the date it was read as (or the problem).

    `value` is the date typed, or None when an optional date is left blank; it raises
    `InvalidInput` (with an example of what works) when the text is not a date, so a form
    can show that message beside the field and refuse to save.
    """

    DEFAULT_CSS = """
    DateInput {
        layout: horizontal;
        height: auto;
        width: 1fr;

        & > Input {
            width: 20;
        }
        & > .date-echo {
            width: 1fr;
            padding: 0 1;
            color: $text-muted;
        }
        & > .date-echo.-problem {
            color: $text-warning;
        }
    }
    """

    def __init__(
        self,
        value: date | None,
        today: date,
        *,
        required: bool = False,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(id=id, classes=classes)
        self.today = today
        self.required = required
        self._initial = value

    def compose(self) -> ComposeResult:
        yield Input(
            uk_date(self._initial),
            placeholder="dd/mm/yyyy",
            validators=[_ReadsAsDate(self.today, self.required)],
            validate_on=["changed", "blur"],
            compact=True,
        )
        yield Label(long_date(self._initial), classes="date-echo", markup=False)

    @property
    def input(self) -> Input:
        return self.query_one(Input)

    @property
    def text(self) -> str:
        """Exactly what was typed."""
        return self.input.value

    @property
    def value(self) -> date | None:
        """The date typed; raises InvalidInput when the text is not one."""
        return read_date(self.text, self.today, self.required)

    def focus(self, scroll_visible: bool = True) -> DateInput:
        self.input.focus(scroll_visible)
        return self

    @on(Input.Changed)
    def _show_back(self, event: Input.Changed) -> None:
        echo = self.query_one(".date-echo", Label)
        if not event.value.strip():
            echo.update("")
            echo.remove_class("-problem")
            return
        try:
            found = read_date(event.value, self.today, self.required)
        except InvalidInput as exc:
            echo.update(f"✗ {short_problem(str(exc))}")
            echo.add_class("-problem")
            return
        echo.update(long_date(found))
        echo.remove_class("-problem")
