"""The shared shape of every form: fields as data, messages beside the field at fault.

A form lists its fields (`FormField`s: what to ask, how to show it, how to read it back)
and says how to build its model from the values read. The base does the rest: lays the
fields out, reads them, shows each problem beside its field without clearing anything
typed, saves with ctrl+s, and asks before Escape throws changes away. A form dismisses
with the validated model and never touches storage; the caller saves.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, ClassVar, Generic, TypeVar

from pydantic import ValidationError
from rich.segment import Segment
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.strip import Strip
from textual.widget import Widget
from textual.widgets import (
    Button,
    Checkbox,
    Input,
    Label,
    Select,
    SelectionList,
    Static,
    TextArea,
)
from textual.widgets._toggle_button import ToggleButton
from textual.widgets.option_list import OptionDoesNotExist

from keyworker.errors import InvalidInput
from keyworker.vocabulary import Vocabulary
from screens.confirm import ConfirmScreen
from screens.date_input import DateInput
from screens.footer import KeyFooter

ResultT = TypeVar("ResultT")

FILL_IN = "Fill this in."
CHOOSE_ONE = "Choose one."
DISCARD_QUESTION = "Discard your changes?"
_TYPE_ERRORS = ("missing", "string_type", "date_type", "int_type")
_TOO_SHORT = ("string_too_short", "too_short")


class TickBox(Checkbox):
    """A checkbox whose box is blank until ticked, so its state never rests on colour."""

    def render(self) -> Content:
        self.BUTTON_INNER = "X" if self.value else " "
        return super().render()


class TickList(SelectionList[str]):
    """A selection list whose boxes are blank until ticked, like `TickBox`."""

    def render_line(self, y: int) -> Strip:
        strip = super().render_line(y)
        segments = list(strip)
        if len(segments) < 2 or segments[1].text != ToggleButton.BUTTON_INNER:
            return strip
        try:
            option = self.get_option_at_index(self.scroll_offset.y + y)
        except OptionDoesNotExist:
            return strip
        if option.value in self.selected:
            return strip
        segments[1] = Segment(" ", segments[1].style)
        return Strip(segments, strip.cell_length)


@dataclass(frozen=True, kw_only=True)
class Section:
    """A heading between groups of fields."""

    title: str


@dataclass(frozen=True, kw_only=True)
class FormField(ABC):
    """One question on a form.

    Attributes:
        name: where the value goes in the model; dotted for a nested model
            ("identifiers.crn"), and where pydantic's error locations are matched.
        label: what the keyworker reads beside the field.
        required: refuse to save while blank (and say so in the label).
        hint: a short line under the field, for what a label cannot say.
    """

    name: str
    label: str
    required: bool = False
    hint: str = ""
    required_message: ClassVar[str] = FILL_IN

    @property
    def widget_id(self) -> str:
        return "field-" + self.name.replace(".", "-").replace("_", "-")

    @abstractmethod
    def make_widget(self) -> Widget: ...

    @abstractmethod
    def raw(self, widget: Widget) -> object:
        """What is in the widget as typed or chosen, to notice changes."""

    @abstractmethod
    def read(self, widget: Widget) -> Any:
        """The value for the model; raises InvalidInput with a message for the keyworker."""

    def is_blank(self, value: Any) -> bool:
        return value is None or value == "" or value == []


@dataclass(frozen=True, kw_only=True)
class TextField(FormField):
    """One line of text; `blank_is_none` for fields the model holds as None when empty."""

    value: str | None = ""
    placeholder: str = ""
    blank_is_none: bool = False

    def make_widget(self) -> Widget:
        return Input(
            self.value or "", placeholder=self.placeholder, id=self.widget_id, compact=True
        )

    def raw(self, widget: Widget) -> object:
        assert isinstance(widget, Input)
        return widget.value

    def read(self, widget: Widget) -> str | None:
        assert isinstance(widget, Input)
        if self.blank_is_none and not widget.value.strip():
            return None
        return widget.value


@dataclass(frozen=True, kw_only=True)
class LongTextField(FormField):
    """Text over several lines: notes, an address. `tall` for the main text of a form."""

    value: str = ""
    tall: bool = False

    def make_widget(self) -> Widget:
        return TextArea(
            self.value,
            id=self.widget_id,
            classes="long-text -tall" if self.tall else "long-text",
            soft_wrap=True,
            tab_behavior="focus",
            compact=True,
            highlight_cursor_line=False,
        )

    def raw(self, widget: Widget) -> object:
        assert isinstance(widget, TextArea)
        return widget.text

    def read(self, widget: Widget) -> str:
        assert isinstance(widget, TextArea)
        return widget.text.strip()


@dataclass(frozen=True, kw_only=True)
class DateField(FormField):
    """A date typed as people in the UK type them, read relative to `today`."""

    today: date
    value: date | None = None

    def make_widget(self) -> Widget:
        return DateInput(self.value, self.today, required=self.required, id=self.widget_id)

    def raw(self, widget: Widget) -> object:
        assert isinstance(widget, DateInput)
        return widget.text

    def read(self, widget: Widget) -> date | None:
        assert isinstance(widget, DateInput)
        return widget.value


@dataclass(frozen=True, kw_only=True)
class ChoiceField(FormField):
    """One term from a vocabulary, shown by its label and stored by its code."""

    vocabulary: Vocabulary
    value: str | None = None
    prompt: str = "Choose…"
    required_message: ClassVar[str] = CHOOSE_ONE

    def make_widget(self) -> Widget:
        options = [(term.label, term.code) for term in self.vocabulary]
        return Select(
            options,
            prompt=self.prompt,
            allow_blank=not (self.required and self.value is not None),
            value=self.value if self.value is not None else Select.NULL,
            id=self.widget_id,
            compact=True,
        )

    def raw(self, widget: Widget) -> object:
        assert isinstance(widget, Select)
        return widget.value

    def read(self, widget: Widget) -> str | None:
        assert isinstance(widget, Select)
        return None if widget.is_blank() else widget.value


@dataclass(frozen=True, kw_only=True)
class ManyChoiceField(FormField):
    """Any number of terms from a vocabulary, such as the pathways a note is about."""

    vocabulary: Vocabulary
    value: tuple[str, ...] = ()
    required_message: ClassVar[str] = "Tick at least one."

    def make_widget(self) -> Widget:
        return TickList(
            *[(term.label, term.code, term.code in self.value) for term in self.vocabulary],
            id=self.widget_id,
            classes="many-choice",
            compact=True,
        )

    def raw(self, widget: Widget) -> object:
        return frozenset(self.read(widget))

    def read(self, widget: Widget) -> list[str]:
        assert isinstance(widget, SelectionList)
        chosen = set(widget.selected)
        return [code for code in self.vocabulary.codes if code in chosen]


@dataclass(frozen=True, kw_only=True)
class TickField(FormField):
    """Yes or no."""

    value: bool = False

    def make_widget(self) -> Widget:
        return TickBox("Yes", self.value, id=self.widget_id, compact=True)

    def raw(self, widget: Widget) -> object:
        return self.read(widget)

    def read(self, widget: Widget) -> bool:
        assert isinstance(widget, Checkbox)
        return widget.value

    def is_blank(self, value: Any) -> bool:
        return False


@dataclass(frozen=True, kw_only=True)
class WholeNumberField(FormField):
    """A whole number such as minutes or years; blank is None."""

    value: int | None = None
    unit: str = ""
    example: int = 45

    def make_widget(self) -> Widget:
        return Input(
            "" if self.value is None else str(self.value),
            placeholder=self.unit,
            type="integer",
            id=self.widget_id,
            classes="number",
            compact=True,
        )

    def raw(self, widget: Widget) -> object:
        assert isinstance(widget, Input)
        return widget.value

    def read(self, widget: Widget) -> int | None:
        assert isinstance(widget, Input)
        text = widget.value.strip()
        if not text:
            return None
        try:
            return int(text)
        except ValueError:
            raise InvalidInput(
                f'"{text}" is not a whole number. Type a number like {self.example}.'
            ) from None


Item = FormField | Section


def plain_message(error: dict[str, Any], label: str | None = None) -> str:
    """Pydantic's message for one error, in the keyworker's words, as a sentence."""
    kind = error["type"]
    ctx = error.get("ctx") or {}
    left_blank = error.get("input") is None and kind in _TYPE_ERRORS
    if left_blank or (kind in _TOO_SHORT and ctx.get("min_length") == 1):
        text = FILL_IN
    elif kind == "string_too_short":
        text = f"Use at least {ctx['min_length']} characters."
    elif kind == "string_too_long":
        text = f"Too long: keep it to {ctx['max_length']} characters."
    elif kind == "greater_than_equal":
        text = f"Must be {ctx['ge']} or more."
    elif kind == "less_than_equal":
        text = f"Must be {ctx['le']} or less."
    elif kind == "value_error":
        text = _subject(str(ctx.get("error", error["msg"])), error.get("input"), label)
    else:
        text = error["msg"]
    text = text[:1].upper() + text[1:]
    return text if text.endswith((".", "?", "!")) else text + "."


def _subject(text: str, typed: object, label: str | None) -> str:
    """Give a model message that starts "is not..." a subject: what was typed, or the field."""
    text = text.removeprefix("Value error, ")
    if text.split(" ", 1)[0] not in ("is", "must", "contains"):
        return text
    if text.startswith("is ") and isinstance(typed, str) and 0 < len(typed) <= 30:
        return f'"{typed}" {text}'
    return f"{label} {text}" if label else text


def field_errors(model: str, problems: Mapping[str, str]) -> ValidationError:
    """Each message beside its field, as pydantic would raise them for the form to show."""
    return ValidationError.from_exception_data(
        model,
        [
            {"type": "value_error", "loc": (name,), "input": None, "ctx": {"error": message}}
            for name, message in problems.items()
        ],
    )


def missing(model: str, names: Iterable[str]) -> ValidationError:
    """A "fill this in" beside each named field, before a model is built around None."""
    return ValidationError.from_exception_data(
        model, [{"type": "missing", "loc": (name,), "input": None} for name in names]
    )


def nest(values: dict[str, Any]) -> dict[str, Any]:
    """{"identifiers.crn": x} -> {"identifiers": {"crn": x}}, for a nested model."""
    nested: dict[str, Any] = {}
    for name, value in values.items():
        *parents, last = name.split(".")
        level = nested
        for part in parents:
            level = level.setdefault(part, {})
        level[last] = value
    return nested


class FormScreen(ModalScreen[ResultT | None], Generic[ResultT]):
    """A modal form that dismisses with a validated model, or None when cancelled.

    Subclasses give a `heading`, the `items()` to ask, and `build()` to make the model
    from the values read (a dict shaped like the model, nested for dotted names).
    """

    SAVE_LABEL: ClassVar[str] = "Save"
    HORIZONTAL_BREAKPOINTS: ClassVar[list[tuple[int, str]] | None] = [
        (0, "-narrow"),
        (100, "-wide"),
    ]
    VERTICAL_BREAKPOINTS: ClassVar[list[tuple[int, str]] | None] = [
        (0, "-short"),
        (34, "-tall"),
    ]

    DEFAULT_CSS = """
    FormScreen {
        align: center middle;

        #form-box {
            width: 100%;
            max-width: 110;
            height: auto;
            max-height: 100%;
            border: round $primary;
            border-title-style: bold;
            padding: 0 1;
            background: $panel;
        }
        #form-about {
            dock: top;
            color: $text-muted;
        }
        #form-body {
            height: auto;
            max-height: 100%;
            scrollbar-size-vertical: 1;
        }
        .form-section {
            text-style: bold;
            color: $text-accent;
            margin-top: 1;
        }
        .form-section:first-child {
            margin-top: 0;
        }
        .form-row {
            height: auto;
        }
        .form-label {
            width: 25;
            padding-right: 1;
        }
        .form-control {
            width: 1fr;
            height: auto;
            padding-right: 1;
        }
        .form-control > Input {
            max-width: 50;
        }
        .form-control > Input.number {
            width: 12;
        }
        .form-control > Select {
            width: 50;
        }
        .form-row:focus-within > .form-label {
            text-style: bold;
            color: $text-accent;
        }
        .form-row:odd > .form-control > * {
            background-tint: $foreground 4%;
        }
        /* Ticked shows an X, unticked a blank box (TickBox, TickList): not colour alone. */
        .form-control Checkbox.-on > .toggle--button {
            color: $text-success;
            text-style: bold;
        }
        .form-hint {
            color: $text-muted;
        }
        .field-error {
            display: none;
            width: 1fr;
            height: auto;
            color: $text-error;
            text-style: bold;
        }
        .field-error.-shown {
            display: block;
        }
        .long-text {
            height: 4;
        }
        .long-text.-tall {
            height: 8;
        }
        .many-choice {
            height: auto;
            max-height: 10;
        }
        #form-buttons {
            dock: bottom;
            height: auto;
            align-horizontal: right;
            padding-top: 1;
        }
        #form-message {
            width: 1fr;
            height: auto;
        }
        #form-message.-problem {
            color: $text-error;
            text-style: bold;
        }
        #form-buttons Button {
            margin-left: 2;
        }
        &.-short #form-buttons {
            padding-top: 0;
        }
        &.-tall #form-about {
            margin-bottom: 1;
        }
        &.-wide .form-label {
            width: 28;
        }
        &.-tall .long-text.-tall {
            height: 12;
        }
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Save", id="save", tooltip="Check the form and save it."),
        Binding("escape", "cancel", "Cancel", id="cancel", tooltip="Leave without saving."),
    ]

    def __init__(self, heading: str, about: str = "") -> None:
        super().__init__()
        self.heading = heading
        self.about = about
        self._items = list(self.items())
        self._fields = [item for item in self._items if isinstance(item, FormField)]
        self._initial: dict[str, object] | None = None

    @abstractmethod
    def items(self) -> Iterable[Item]:
        """The fields to ask, in order, with section headings between groups."""

    @abstractmethod
    def build(self, values: dict[str, Any]) -> ResultT:
        """The model from the values read, or ValidationError.

        A value that could not be read (a date that is not a date, say) arrives as None;
        the form already shows its problem, and a result built around it is not used.
        """

    def compose(self) -> ComposeResult:
        with Vertical(id="form-box") as box:
            box.border_title = self.heading
            if self.about:
                yield Static(self.about, id="form-about", markup=False)
            with VerticalScroll(id="form-body", can_focus=False):
                for item in self._items:
                    if isinstance(item, Section):
                        yield Static(item.title, classes="form-section", markup=False)
                    else:
                        yield from self._row(item)
            with Horizontal(id="form-buttons"):
                yield Label("", id="form-message", markup=False)
                yield Button(self.SAVE_LABEL, variant="primary", id="form-save", compact=True)
                yield Button("Cancel", id="form-cancel", compact=True)
        yield KeyFooter()

    def _row(self, item: FormField) -> ComposeResult:
        label = f"{item.label} (required)" if item.required else item.label
        with Horizontal(classes="form-row"):
            yield Label(label, classes="form-label", markup=False)
            with Vertical(classes="form-control"):
                yield item.make_widget()
                if item.hint:
                    yield Static(item.hint, classes="form-hint", markup=False)
                yield Label("", id=f"{item.widget_id}-error", classes="field-error", markup=False)

    def on_mount(self) -> None:
        if self._fields:
            self.widget_for(self._fields[0]).focus()
        self.call_after_refresh(self._remember_initial)

    def _remember_initial(self) -> None:
        self._initial = self._raw_values()

    def widget_for(self, item: FormField) -> Widget:
        return self.query_one(f"#{item.widget_id}")

    def _raw_values(self) -> dict[str, object]:
        return {item.name: item.raw(self.widget_for(item)) for item in self._fields}

    @property
    def changed(self) -> bool:
        """Whether anything differs from what the form opened with."""
        return self._initial is not None and self._raw_values() != self._initial

    @on(Input.Submitted)
    def _next_field(self, event: Input.Submitted) -> None:
        event.stop()
        self.focus_next()

    @on(Button.Pressed, "#form-save")
    def _save_pressed(self) -> None:
        self.action_save()

    @on(Button.Pressed, "#form-cancel")
    def _cancel_pressed(self) -> None:
        self.action_cancel()

    def action_cancel(self) -> None:
        if not self.changed:
            self.dismiss(None)
            return

        def discard(yes: bool | None) -> None:
            if yes:
                self.dismiss(None)

        self.app.push_screen(
            ConfirmScreen(DISCARD_QUESTION, yes="Discard", no="Keep editing"), discard
        )

    def action_save(self) -> None:
        """Check every field, show every problem at once, or dismiss with the model."""
        problems: dict[str, str] = {}
        values: dict[str, Any] = {}
        for item in self._fields:
            try:
                value = item.read(self.widget_for(item))
            except InvalidInput as exc:
                problems[item.name] = str(exc)
                value = None
            if item.required and item.is_blank(value):
                problems.setdefault(item.name, item.required_message)
            values[item.name] = value
        general = ""
        try:
            result = self.build(nest(values))
        except ValidationError as exc:
            general = self._sort_errors(exc, problems)
        else:
            if not problems:
                self.dismiss(result)
                return
        self.show_problems(problems, general)

    def _sort_errors(self, exc: ValidationError, problems: dict[str, str]) -> str:
        """Put each error beside its field; return what belongs to no field."""
        general: list[str] = []
        for error in exc.errors():
            location = ".".join(part for part in error["loc"] if isinstance(part, str))
            item = self._field_at(location)
            if item is None:
                general.append(plain_message(error))
            else:
                problems.setdefault(item.name, plain_message(error, item.label))
        return " ".join(general)

    def _field_at(self, location: str) -> FormField | None:
        if not location:
            return None
        for item in self._fields:
            if location == item.name or location.startswith(item.name + "."):
                return item
        return None

    def show_problems(self, problems: dict[str, str], general: str = "") -> None:
        """Show each message beside its field, focus the first one; typed text stays."""
        first: FormField | None = None
        for item in self._fields:
            label = self.query_one(f"#{item.widget_id}-error", Label)
            message = problems.get(item.name, "")
            label.update(f"✗ {message}" if message else "")
            label.set_class(bool(message), "-shown")
            if message and first is None:
                first = item
        count = len(problems)
        parts = [general] if general else []
        if count == 1:
            parts.append("Put right the marked field.")
        elif count > 1:
            parts.append(f"Put right the {count} marked fields.")
        summary = "✗ " + " ".join(parts)
        message_label = self.query_one("#form-message", Label)
        message_label.update(summary)
        message_label.add_class("-problem")
        if first is not None:
            self.widget_for(first).focus()

    def problem_for(self, name: str) -> str:
        """The message shown beside the named field, or "" when it has none."""
        item = next(item for item in self._fields if item.name == name)
        return str(self.query_one(f"#{item.widget_id}-error", Label).content)

    @property
    def form_message(self) -> str:
        return str(self.query_one("#form-message", Label).content)
