"""Booking and changing appointments: the form, moving one, and the questions around them.

Times are typed as people say them ("tue 10am", "22/11 14:30", "+1w") and read back
beside the field ("Tue 24/11/2026 10:00"), so the worker sees what was understood before
saving. A clash with another appointment, or a home visit to someone with a lone-working
flag, is a warning to read and accept (or go back and change), never a refusal.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, ClassVar
from uuid import UUID
from zoneinfo import ZoneInfo

from pydantic import ValidationError
from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.await_complete import AwaitComplete
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.suggester import SuggestFromList
from textual.widget import Widget
from textual.widgets import Button, Input, Label, OptionList, Select, Static
from textual.widgets.option_list import Option

from keyworker import appointments as ap
from keyworker.appointments import Appointment, Attendance, Repeat
from keyworker.errors import InvalidInput, KeyworkerError
from keyworker.models import RiskFlag
from keyworker.times import duration_text, parse_end, parse_when, uk_time, when_text
from keyworker.vocabulary import (
    APPOINTMENT_KINDS,
    PATHWAYS,
    REPEAT_FREQUENCIES,
    RISK_KINDS,
    RISK_LEVELS,
    Vocabulary,
)
from screens.client_text import MARKER
from screens.date_input import short_problem
from screens.form import (
    ChoiceField,
    DateField,
    FormField,
    FormScreen,
    Item,
    LongTextField,
    Section,
    TextField,
    TickList,
    WholeNumberField,
    field_errors,
    missing,
)
from screens.referral_form import AgencyField

WHEN_HINT = 'e.g. "tue 10am", "22/11 14:30", "tomorrow 9:15"'
MOVE_HINT = 'e.g. "+1w" (a week later), "thu 2pm", "26/11 14:30"'
NO_REPEAT = "none"
REPEAT_CHOICES = Vocabulary(
    "repeat",
    [(NO_REPEAT, "Does not repeat"), *((t.code, t.label) for t in REPEAT_FREQUENCIES)],
)


@dataclass(frozen=True)
class Person:
    """Someone who can be booked: enough to show and find them."""

    id: UUID
    case_ref: str
    name: str

    @property
    def words(self) -> str:
        return f"{self.case_ref} {self.name}"


@dataclass(frozen=True)
class Warnings:
    """What the worker should know before saving: staff risk first, then clashes."""

    staff_risk: list[str]
    clashes: list[str]

    def __bool__(self) -> bool:
        return bool(self.staff_risk or self.clashes)


def staff_risk_lines(
    kind: str, people: Iterable[Person], flags: Mapping[UUID, Sequence[RiskFlag]]
) -> list[str]:
    """ "⚠ RISK TO STAFF / LONE WORKING (HIGH): KW-7F3Q2 Dan. Notes" for a home visit."""
    lines = []
    for person in people:
        for flag in ap.staff_risk(kind, flags.get(person.id, ())):
            level = RISK_LEVELS.label(flag.level).upper()
            line = f"{MARKER} {RISK_KINDS.label(flag.kind).upper()} ({level}): {person.words}"
            lines.append(f"{line}. {' '.join(flag.notes.split())}" if flag.notes else line)
    return lines


def clash_line(entry: ap.AgendaEntry, zone: ZoneInfo) -> str:
    """Tue 24/11/2026 10:00–11:00 One-to-one at the office with KW-ABCDE Ann Lee"""
    who = ", ".join(f"{p.case_ref} {p.name}" for p in entry.people[:3])
    if len(entry.people) > 3:
        who += f" and {len(entry.people) - 3} more"
    return f"{when_text(entry.start, entry.end, zone)} {entry.label()} with {who}"


# Questions -----------------------------------------------------------------------------


class ChoiceScreen(ModalScreen[str | None]):
    """One question with a few answers, chosen by number, arrows and Enter, or a click.

    Dismisses with the chosen answer's code, or None for Escape.
    """

    DEFAULT_CSS = """
    ChoiceScreen {
        align: center middle;
        #choice-box {
            width: auto;
            min-width: 44;
            max-width: 90%;
            height: auto;
            max-height: 90%;
            padding: 1 2;
            border: thick $primary;
            background: $surface;
        }
        #choice-question {
            text-style: bold;
            margin-bottom: 1;
        }
        #choice-options {
            height: auto;
            max-height: 12;
        }
        #choice-keys {
            color: $text-muted;
            margin-top: 1;
        }
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss_none", "Back", id="choice_back", tooltip="Do nothing."),
    ]

    def __init__(self, question: str, choices: Sequence[tuple[str, str]]) -> None:
        super().__init__()
        self.question = question
        self.choices = list(choices)

    def compose(self) -> ComposeResult:
        with Vertical(id="choice-box"):
            yield Label(self.question, id="choice-question", markup=False)
            yield OptionList(
                *(
                    Option(Text(f"{i}  {label}" if i <= 9 else f"   {label}"), id=code)
                    for i, (code, label) in enumerate(self.choices, start=1)
                ),
                id="choice-options",
                compact=True,
            )
            yield Label(
                "Press a number, or move with the arrows and press Enter. Escape: go back.",
                id="choice-keys",
                markup=False,
            )

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    def on_key(self, event: events.Key) -> None:
        if event.character and event.character.isdigit():
            index = int(event.character) - 1
            if 0 <= index < len(self.choices):
                event.stop()
                self.dismiss(self.choices[index][0])

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option.id)

    def action_dismiss_none(self) -> None:
        self.dismiss(None)


class WarningScreen(ModalScreen[bool]):
    """The warnings before saving, staff risk first and in capitals; save anyway or go back."""

    DEFAULT_CSS = """
    WarningScreen {
        align: center middle;
        #warning-box {
            width: 90%;
            max-width: 100;
            height: auto;
            max-height: 90%;
            padding: 0 1;
            border: thick $warning;
            background: $surface;
        }
        .staff-risk {
            text-style: bold;
            background: $error;
            color: $text;
            padding: 0 1;
            margin-bottom: 1;
        }
        #warning-list {
            height: auto;
            max-height: 12;
        }
        .warning-heading {
            text-style: bold;
        }
        #warning-buttons {
            height: auto;
            margin-top: 1;
        }
        #warning-buttons Button {
            margin-right: 2;
        }
        #warning-keys {
            color: $text-muted;
        }
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "answer(True)", "Save anyway", id="warning_yes", tooltip="Save it as it is."),
        Binding("n", "answer(False)", "Go back", id="warning_no", tooltip="Back to the form."),
        Binding("escape", "answer(False)", "Go back", id="warning_escape", show=False),
    ]

    SHOWN_CLASHES = 8

    def __init__(self, warnings: Warnings, yes: str = "Book anyway") -> None:
        super().__init__()
        self.warnings = warnings
        self.yes = yes

    @property
    def lines(self) -> list[str]:
        """Everything the screen says, line by line, as the keyworker reads it."""
        return [str(s.content) for s in self.query(".warning-line").results(Static)]

    def compose(self) -> ComposeResult:
        with Vertical(id="warning-box") as box:
            box.border_title = "Before you save"
            with VerticalScroll(id="warning-list"):
                for line in self.warnings.staff_risk:
                    yield Static(line, classes="warning-line staff-risk", markup=False)
                clashes = self.warnings.clashes
                if clashes:
                    count = len(clashes)
                    heading = "This clashes with another appointment:"
                    if count > 1:
                        heading = f"This clashes with {count} other appointments:"
                    yield Static(heading, classes="warning-line warning-heading", markup=False)
                    for line in clashes[: self.SHOWN_CLASHES]:
                        yield Static(f"– {line}", classes="warning-line", markup=False)
                    if count > self.SHOWN_CLASHES:
                        more = f"and {count - self.SHOWN_CLASHES} more."
                        yield Static(more, classes="warning-line", markup=False)
            with Horizontal(id="warning-buttons"):
                yield Button(self.yes, variant="warning", id="warning-yes", compact=True)
                yield Button(
                    "Go back and change it", variant="primary", id="warning-no", compact=True
                )
            yield Label(
                f"Press y to {self.yes.lower()}, n or Escape to go back.",
                id="warning-keys",
                markup=False,
            )

    def on_mount(self) -> None:
        self.query_one("#warning-no", Button).focus()

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)

    @on(Button.Pressed, "#warning-yes")
    def _yes(self) -> None:
        self.dismiss(True)

    @on(Button.Pressed, "#warning-no")
    def _no(self) -> None:
        self.dismiss(False)


# Fields --------------------------------------------------------------------------------


class _Echoed(Widget):
    """An input with what it was read as beside it (or what is wrong with it)."""

    DEFAULT_CSS = """
    _Echoed {
        layout: horizontal;
        height: auto;
        width: 1fr;
        & > Input {
            width: 22;
        }
        & > .time-echo {
            width: 1fr;
            padding: 0 1;
        }
        & > .time-echo.-problem {
            color: $text-warning;
        }
    }
    """

    def __init__(self, text: str, placeholder: str, id: str | None = None) -> None:
        super().__init__(id=id)
        self._text = text
        self._placeholder = placeholder

    def compose(self) -> ComposeResult:
        yield Input(self._text, placeholder=self._placeholder, compact=True)
        yield Label("", classes="time-echo", markup=False)

    def on_mount(self) -> None:
        self.refresh_echo()

    @property
    def input(self) -> Input:
        return self.query_one(Input)

    @property
    def text(self) -> str:
        return self.input.value

    @property
    def echo(self) -> str:
        return str(self.query_one(".time-echo", Label).content)

    def focus(self, scroll_visible: bool = True) -> _Echoed:
        self.input.focus(scroll_visible)
        return self

    @on(Input.Changed)
    def _changed(self) -> None:
        self.refresh_echo()

    def refresh_echo(self) -> None:
        label = self.query_one(".time-echo", Label)
        try:
            words = self.read_back()
        except InvalidInput as exc:
            label.update(f"✗ {short_problem(str(exc))}")
            label.add_class("-problem")
            return
        label.update(words)
        label.remove_class("-problem")

    def read_back(self) -> str:
        raise NotImplementedError


class WhenInput(_Echoed):
    """When an appointment starts, typed naturally; `value` is UTC (or None when blank)."""

    def __init__(
        self,
        value: datetime | None,
        now: datetime,
        zone: ZoneInfo,
        base: datetime | None = None,
        id: str | None = None,
    ) -> None:
        self.now, self.zone, self.base = now, zone, base
        shown = value.astimezone(zone).strftime("%d/%m/%Y %H:%M") if value else ""
        super().__init__(shown, "e.g. tue 10am", id=id)

    @property
    def value(self) -> datetime | None:
        if not self.text.strip():
            return None
        return parse_when(self.text, self.now, self.zone, self.base)

    def read_back(self) -> str:
        start = self.value
        if start is None:
            return ""
        from screens.appointment_pane import start_words

        return start_words(start, self.zone)


class EndInput(_Echoed):
    """When it ends: a clock time or a length; blank is the usual length (or the same)."""

    def __init__(
        self,
        text: str,
        zone: ZoneInfo,
        length: timedelta,
        blank_words: str,
        id: str | None = None,
    ) -> None:
        self.zone, self.length, self.blank_words = zone, length, blank_words
        self.start: datetime | None = None
        super().__init__(text, "e.g. 11:30 or 90m", id=id)

    def end_for(self, start: datetime) -> datetime:
        if not self.text.strip():
            return start + self.length
        return parse_end(self.text, start, self.zone)

    def read_back(self) -> str:
        if self.start is None:
            if self.text.strip():
                return ""
            return f"Blank: {duration_text(datetime.min, datetime.min + self.length)}"
        end = self.end_for(self.start)
        length = duration_text(self.start, end)
        if not self.text.strip():
            length += f", {self.blank_words}"
        return f"Ends {uk_time(end, self.zone)} ({length})"


@dataclass(frozen=True, kw_only=True)
class WhenField(FormField):
    now: datetime
    zone: ZoneInfo
    value: datetime | None = None
    base: datetime | None = None

    def make_widget(self) -> Widget:
        return WhenInput(self.value, self.now, self.zone, self.base, id=self.widget_id)

    def raw(self, widget: Widget) -> object:
        assert isinstance(widget, WhenInput)
        return widget.text

    def read(self, widget: Widget) -> datetime | None:
        assert isinstance(widget, WhenInput)
        return widget.value


@dataclass(frozen=True, kw_only=True)
class EndField(FormField):
    """The end as typed; the form reads it against the start once that is known."""

    zone: ZoneInfo
    length: timedelta
    blank_words: str
    value: str = ""

    def make_widget(self) -> Widget:
        return EndInput(self.value, self.zone, self.length, self.blank_words, id=self.widget_id)

    def raw(self, widget: Widget) -> object:
        assert isinstance(widget, EndInput)
        return widget.text

    def read(self, widget: Widget) -> str:
        assert isinstance(widget, EndInput)
        return widget.text


class PeoplePicker(Widget):
    """The people booked (untick to take someone off) and a line to add more by case
    reference or name, for a group session."""

    DEFAULT_CSS = """
    PeoplePicker {
        height: auto;
        width: 1fr;
        & > TickList {
            height: auto;
            max-height: 6;
        }
        & > Input {
            max-width: 50;
        }
        & > .people-message {
            color: $text-muted;
            display: none;
        }
        & > .people-message.-shown {
            display: block;
        }
    }
    """

    def __init__(self, chosen: Sequence[Person], directory: Sequence[Person], id: str) -> None:
        super().__init__(id=id)
        self._chosen = list(chosen)
        self.directory = list(directory)

    def compose(self) -> ComposeResult:
        yield TickList(*((p.words, str(p.id), True) for p in self._chosen), compact=True)
        yield Input(placeholder="Add someone: case reference or name", compact=True)
        yield Label("", classes="people-message", markup=False)

    def focus(self, scroll_visible: bool = True) -> PeoplePicker:
        self.query_one(Input).focus(scroll_visible)
        return self

    @property
    def value(self) -> list[UUID]:
        ticks = self.query_one(TickList)
        chosen = set(ticks.selected)
        options = [ticks.get_option_at_index(i) for i in range(ticks.option_count)]
        return [UUID(str(o.value)) for o in options if o.value in chosen]

    @property
    def message(self) -> str:
        return str(self.query_one(".people-message", Label).content)

    def _say(self, words: str) -> None:
        label = self.query_one(".people-message", Label)
        label.update(words)
        label.set_class(bool(words), "-shown")

    @on(Input.Submitted)
    def _add(self, event: Input.Submitted) -> None:
        typed = event.value.strip()
        if not typed:
            return
        event.stop()
        ticks = self.query_one(TickList)
        found = self.matching(typed)
        if len(found) != 1:
            self._say(self._not_one(typed, found))
            return
        person = found[0]
        if person.id in self.value:
            self._say(f"{person.words} is already booked.")
        else:
            known = {str(ticks.get_option_at_index(i).value) for i in range(ticks.option_count)}
            if str(person.id) in known:
                ticks.select(str(person.id))
            else:
                ticks.add_option((person.words, str(person.id), True))
            self._say(f"Added {person.words}.")
        event.input.value = ""

    def matching(self, typed: str) -> list[Person]:
        """The person with this case reference, or everyone whose names start with the words."""
        wanted = typed.upper().replace(" ", "")
        exact = [p for p in self.directory if p.case_ref.upper() in (wanted, f"KW-{wanted}")]
        if exact:
            return exact
        words = typed.lower().split()
        return [
            p
            for p in self.directory
            if all(any(n.startswith(w) for n in p.name.lower().split()) for w in words)
        ]

    @staticmethod
    def _not_one(typed: str, found: list[Person]) -> str:
        if not found:
            return f'Nobody on the caseload matches "{typed[:30]}". Try their case reference.'
        shown = ", ".join(p.words for p in found[:3])
        more = f" and {len(found) - 3} more" if len(found) > 3 else ""
        return f"{len(found)} people match: {shown}{more}. Type more of the name or the reference."


@dataclass(frozen=True, kw_only=True)
class PeopleField(FormField):
    chosen: tuple[Person, ...]
    directory: tuple[Person, ...]
    required_message: ClassVar[str] = "Book at least one person."

    def make_widget(self) -> Widget:
        return PeoplePicker(self.chosen, self.directory, id=self.widget_id)

    def raw(self, widget: Widget) -> object:
        assert isinstance(widget, PeoplePicker)
        return tuple(widget.value)

    def read(self, widget: Widget) -> list[UUID]:
        assert isinstance(widget, PeoplePicker)
        return widget.value


@dataclass(frozen=True, kw_only=True)
class SuggestedTextField(TextField):
    """One line of text that offers names as it is typed (right arrow takes the offer)."""

    suggestions: tuple[str, ...] = ()

    def make_widget(self) -> Widget:
        suggester = SuggestFromList(self.suggestions, case_sensitive=False)
        return Input(
            self.value or "",
            placeholder=self.placeholder,
            suggester=suggester if self.suggestions else None,
            id=self.widget_id,
            compact=True,
        )


@dataclass(frozen=True, kw_only=True)
class GoalField(AgencyField):
    """A goal of the person's live plan, by its words; stored by its id."""

    prompt: str = "No goal"


# Checking before saving ----------------------------------------------------------------


class _WarnsFirst:
    """A form whose result is checked (in a thread) for warnings before it is dismissed."""

    warnings_for: Callable[[Any], Warnings] | None
    WARNING_YES: ClassVar[str] = "Book anyway"
    _checked_result: object = None

    def dismiss(self, result: Any = None) -> AwaitComplete:
        if result is None or self.warnings_for is None or result is self._checked_result:
            return super().dismiss(result)  # type: ignore[misc, no-any-return]
        self._say("Checking for clashes…")
        self._find_warnings(result)
        return AwaitComplete()

    def _say(self, words: str) -> None:
        self.query_one("#form-message", Label).update(words)  # type: ignore[attr-defined]

    @work(thread=True, exclusive=True, group="form-warnings")
    def _find_warnings(self, result: Any) -> None:
        assert self.warnings_for is not None
        try:
            warnings = self.warnings_for(result)
        except KeyworkerError as exc:
            self.app.call_from_thread(self._say, f"✗ {exc}")  # type: ignore[attr-defined]
            return
        self.app.call_from_thread(self._warned, result, warnings)  # type: ignore[attr-defined]

    def _warned(self, result: Any, warnings: Warnings) -> None:
        if not warnings:
            self._checked_result = result
            self.dismiss(result)
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self._checked_result = result
                self.dismiss(result)
            else:
                self._say("Not saved yet: change it and save, or save again to see the warning.")

        screen = WarningScreen(warnings, self.WARNING_YES)
        self.app.push_screen(screen, answered)  # type: ignore[attr-defined]


# The appointment form ------------------------------------------------------------------


@dataclass(frozen=True)
class BookingContext:
    """What the form offers, read before it opens (the form itself never reads storage)."""

    people: list[Person]
    directory: list[Person]
    agencies: list[tuple[str, UUID]]
    """Partner agencies' names, offered for "met with"."""
    goals: list[tuple[str, UUID]]
    """The live plan's goals when one person is booked."""
    flags: dict[UUID, list[RiskFlag]]


class AppointmentForm(_WarnsFirst, FormScreen[list[Appointment]]):
    """Book an appointment (one-off or repeating), or change one already booked.

    Dismisses with the appointments to save: every occurrence of a new series, or the one
    appointment changed. A repeat is chosen only when booking.

    Args:
        appointment: the appointment to change; None to book a new one.
        scope_words: for a change, what it applies to ("This and the 3 following").
        warnings_for: checks the result for clashes and staff risk before it is returned.
    """

    DEFAULT_CSS = """
    AppointmentForm {
        #form-staff-risk {
            display: none;
            text-style: bold;
            background: $error;
            color: $text;
            padding: 0 1;
        }
        #form-staff-risk.-shown {
            display: block;
        }
    }
    """

    def __init__(
        self,
        context: BookingContext,
        now: datetime,
        zone: ZoneInfo,
        minutes: int,
        *,
        appointment: Appointment | None = None,
        scope_words: str = "",
        warnings_for: Callable[[list[Appointment]], Warnings] | None = None,
    ) -> None:
        self.context = context
        self.now, self.zone, self.minutes = now, zone, minutes
        self.appointment = appointment
        self.warnings_for = warnings_for
        self._known = {p.id: p for p in [*context.directory, *context.people]}
        if appointment is None:
            self.WARNING_YES = "Book anyway"
            self.SAVE_LABEL = "Book"
            heading = "Book an appointment"
            names = ", ".join(p.words for p in context.people)
            about = f"For {names}." if names else "Add the people to book below."
        else:
            self.WARNING_YES = "Save anyway"
            heading = "Change an appointment"
            about = f"{appointment.label()}, {when_text(appointment.start, appointment.end, zone)}."
            if scope_words:
                about += f" {scope_words}."
        super().__init__(heading, about)

    def on_mount(self) -> None:
        super().on_mount()
        warning = Static("", id="form-staff-risk", markup=False)
        self.query_one("#form-body").mount(warning, before=0)
        self.call_after_refresh(self._kind_changed)

    def items(self) -> Iterable[Item]:
        a = self.appointment
        length = a.end - a.start if a else timedelta(minutes=self.minutes)
        blank = "as before" if a else "as usual"
        yield WhenField(
            name="when",
            label="When",
            required=True,
            now=self.now,
            zone=self.zone,
            value=a.start if a else None,
            hint=WHEN_HINT,
        )
        yield EndField(
            name="ends",
            label="Ends, or how long",
            zone=self.zone,
            length=length,
            blank_words=blank,
        )
        yield ChoiceField(
            name="kind",
            label="Kind",
            required=True,
            vocabulary=APPOINTMENT_KINDS,
            value=a.kind if a else "one_to_one",
        )
        yield PeopleField(
            name="people",
            label="People",
            required=True,
            chosen=tuple(self.context.people),
            directory=tuple(self.context.directory),
        )
        yield TextField(
            name="title",
            label="Title (group sessions)",
            value=a.title if a else "",
            placeholder="e.g. Women's centre group",
        )
        yield TextField(name="location", label="Where", value=a.location if a else "")
        yield SuggestedTextField(
            name="met_with",
            label="Met with",
            value=a.met_with if a else "",
            placeholder="Partner agency or person",
            suggestions=tuple(name for name, _ in self.context.agencies),
        )
        yield ChoiceField(
            name="pathway", label="Pathway", vocabulary=PATHWAYS, value=a.pathway if a else None
        )
        if self.context.goals:
            yield GoalField(
                name="goal_id",
                label="Plan goal",
                options=tuple((words, str(gid)) for words, gid in self.context.goals),
                value=a.goal_id if a else None,
            )
        yield TextField(name="purpose", label="Purpose", value=a.purpose if a else "")
        yield LongTextField(name="notes", label="Notes", value=a.notes if a else "")
        if a is None:
            yield Section(title="Repeat")
            yield ChoiceField(
                name="repeat",
                label="Repeats",
                required=True,
                vocabulary=REPEAT_CHOICES,
                value=NO_REPEAT,
            )
            yield DateField(name="until", label="Until", today=self.now.date())
            yield WholeNumberField(name="times", label="Or how many times", unit="times", example=6)

    # Reading back as it is typed ------------------------------------------------------

    @on(Input.Changed, "#field-when > Input")
    def _when_changed(self) -> None:
        ends = self.query_one("#field-ends", EndInput)
        try:
            ends.start = self.query_one("#field-when", WhenInput).value
        except InvalidInput:
            ends.start = None
        ends.refresh_echo()

    @on(Select.Changed, "#field-kind")
    def _kind_changed(self) -> None:
        """A home visit to someone with a lone-working flag says so at the top, in words."""
        select = self.query_one("#field-kind", Select)
        kind = "" if select.is_blank() else str(select.value)
        lines = staff_risk_lines(kind, self.context.people, self.context.flags)
        warning = self.query_one("#form-staff-risk", Static)
        warning.update("\n".join(lines))
        warning.set_class(bool(lines), "-shown")

    # Building ------------------------------------------------------------------------

    def build(self, values: dict[str, Any]) -> list[Appointment]:
        blank = [name for name in ("when", "kind") if values[name] is None]
        if not values["people"]:
            blank.append("people")
        if blank:
            raise missing("Appointment", blank)
        start: datetime = values["when"]
        try:
            end = self.query_one("#field-ends", EndInput).end_for(start)
        except InvalidInput as exc:
            raise field_errors("Appointment", {"ends": str(exc)}) from None
        met_with = " ".join(values["met_with"].split())
        agency_ids = {name.lower(): aid for name, aid in self.context.agencies}
        data = {
            "start": start,
            "end": end,
            "kind": values["kind"],
            "title": values["title"],
            "location": values["location"],
            "met_with": met_with,
            "agency_id": agency_ids.get(met_with.lower()),
            "pathway": values["pathway"],
            "goal_id": values.get("goal_id"),
            "purpose": values["purpose"],
            "notes": values["notes"],
            "people": self._people(values["people"]),
        }
        a = self.appointment
        if a is not None:
            keep = ("id", "series_id", "repeat", "rescheduled_from", "booked_at")
            return [Appointment.model_validate(a.model_dump(include=set(keep)) | data)]
        first = Appointment.model_validate(data)
        repeat = self._repeat(values)
        if repeat is None:
            return [first]
        try:
            return ap.book_series(first, repeat, self.zone)
        except InvalidInput as exc:
            where = "until" if repeat.until is not None else "times"
            raise field_errors("Appointment", {where: str(exc)}) from None

    def _people(self, ids: list[UUID]) -> list[Attendance]:
        """Everyone booked, keeping outcomes already recorded for those still on it."""
        had = {p.client_id: p for p in self.appointment.people} if self.appointment else {}
        return [had.get(cid) or Attendance(client_id=cid) for cid in ids]

    def _repeat(self, values: dict[str, Any]) -> Repeat | None:
        frequency = values["repeat"]
        if frequency in (None, NO_REPEAT):
            if values["until"] is not None or values["times"] is not None:
                raise field_errors(
                    "Appointment", {"repeat": "Choose how often it repeats, or clear the end."}
                )
            return None
        until, times = values["until"], values["times"]
        if (until is None) == (times is None):
            message = (
                "Give an end date or a number of times, not both."
                if until is not None
                else "Give an end date, or a number of times below."
            )
            raise field_errors("Appointment", {"until": message})
        if times is not None and not 2 <= times <= ap.MAX_OCCURRENCES:
            raise field_errors(
                "Appointment", {"times": f"Must be between 2 and {ap.MAX_OCCURRENCES}."}
            )
        try:
            return Repeat(frequency=frequency, until=until, count=times)
        except ValidationError:
            raise field_errors("Appointment", {"until": "Give an end date or a number."}) from None

    def person(self, client_id: UUID) -> Person | None:
        return self._known.get(client_id)


# Moving an appointment -----------------------------------------------------------------


@dataclass(frozen=True)
class Move:
    """Where an appointment is moved to, for one person."""

    start: datetime
    end: datetime
    note: str


class MoveForm(_WarnsFirst, FormScreen[Move]):
    """A new time for one person's appointment; the old one is kept, marked rescheduled."""

    SAVE_LABEL = "Move"
    WARNING_YES = "Move anyway"

    def __init__(
        self,
        appointment: Appointment,
        person: Person | None,
        now: datetime,
        zone: ZoneInfo,
        warnings_for: Callable[[Move], Warnings] | None = None,
    ) -> None:
        self.appointment = appointment
        self.now, self.zone = now, zone
        self.warnings_for = warnings_for
        who = f" for {person.words}" if person else ""
        about = (
            f"{appointment.label()}, {when_text(appointment.start, appointment.end, zone)}{who}. "
            "It is kept as rescheduled, linked to the new one."
        )
        super().__init__("Move an appointment", about)

    def items(self) -> Iterable[Item]:
        a = self.appointment
        yield WhenField(
            name="when",
            label="New time",
            required=True,
            now=self.now,
            zone=self.zone,
            base=a.start,
            hint=MOVE_HINT,
        )
        yield EndField(
            name="ends",
            label="Ends, or how long",
            zone=self.zone,
            length=a.end - a.start,
            blank_words="as before",
        )
        yield TextField(name="note", label="Why it moved", placeholder="Optional")

    @on(Input.Changed, "#field-when > Input")
    def _when_changed(self) -> None:
        ends = self.query_one("#field-ends", EndInput)
        try:
            ends.start = self.query_one("#field-when", WhenInput).value
        except InvalidInput:
            ends.start = None
        ends.refresh_echo()

    def build(self, values: dict[str, Any]) -> Move:
        start = values["when"]
        if start is None:
            raise missing("Move", ["when"])
        try:
            end = self.query_one("#field-ends", EndInput).end_for(start)
        except InvalidInput as exc:
            raise field_errors("Move", {"ends": str(exc)}) from None
        if start == self.appointment.start and end == self.appointment.end:
            raise field_errors("Move", {"when": "That is when it is now. Give a new time."})
        return Move(start, end, " ".join(values["note"].split()))
