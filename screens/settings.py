"""Settings: when the caseload locks itself, what counts as needing attention, the theme,
and how assessments are asked and reviewed.

A form like the others: it dismisses with a checked `Settings` (or None) and the caller
saves. Choosing a theme shows it at once, so people can see it before they keep it;
leaving without saving puts the theme back as it was.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from annotated_types import Ge, Le
from textual import on
from textual.await_complete import AwaitComplete
from textual.widget import Widget
from textual.widgets import Input, Select

from keyworker.errors import InvalidInput
from keyworker.settings import Settings
from keyworker.times import zone_named
from screens.form import (
    FormField,
    FormScreen,
    Item,
    Section,
    TextField,
    TickField,
    WholeNumberField,
)
from screens.themes import THEMES, register_themes, theme_label

ABOUT = "These are kept on this computer and hold nothing about clients."
THEME_HINT = "How the app looks. High contrast is the easiest to read; a choice shows at once."


def _explanation(name: str) -> str:
    """The first line of the setting's docstring, to show under it."""
    description = Settings.model_fields[name].description or ""
    return description.strip().splitlines()[0] if description else ""


def _bounds(name: str) -> tuple[int, int]:
    """The lowest and highest values Settings allows, so the form never disagrees."""
    low, high = 1, None
    for rule in Settings.model_fields[name].metadata:
        if isinstance(rule, Ge):
            low = int(rule.ge)
        elif isinstance(rule, Le):
            high = int(rule.le)
    assert high is not None, f"Settings.{name} needs an upper limit"
    return low, high


@dataclass(frozen=True, kw_only=True)
class CountField(WholeNumberField):
    """A whole number of minutes or days within Settings' limits, as one plain message."""

    low: int
    high: int

    @property
    def message(self) -> str:
        return f"Type a whole number of {self.unit} from {self.low} to {self.high}."

    def read(self, widget: Widget) -> int:
        assert isinstance(widget, Input)
        try:
            number = int(widget.value.strip())
        except ValueError:
            raise InvalidInput(self.message) from None
        if not self.low <= number <= self.high:
            raise InvalidInput(self.message)
        return number


@dataclass(frozen=True, kw_only=True)
class ThemeField(FormField):
    """One of the offered themes, shown by the name people know it by."""

    value: str

    def make_widget(self) -> Widget:
        names = list(THEMES) if self.value in THEMES else [*THEMES, self.value]
        return Select(
            [(theme_label(name), name) for name in names],
            allow_blank=False,
            value=self.value,
            id=self.widget_id,
            compact=True,
        )

    def raw(self, widget: Widget) -> object:
        return self.read(widget)

    def read(self, widget: Widget) -> str:
        assert isinstance(widget, Select)
        return str(widget.value)


@dataclass(frozen=True, kw_only=True)
class ZoneField(TextField):
    """A time zone by its name (Europe/London), checked against the zones the laptop knows."""

    def read(self, widget: Widget) -> str:
        assert isinstance(widget, Input)
        return zone_named(widget.value.strip()).key


def count_field(name: str, label: str, unit: str, value: int) -> CountField:
    low, high = _bounds(name)
    return CountField(
        name=name,
        label=label,
        unit=unit,
        value=value,
        low=low,
        high=high,
        example=value,
        hint=_explanation(name),
    )


class SettingsScreen(FormScreen[Settings]):
    """Edits the settings; dismisses with the new `Settings`, or None to leave them."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._theme_before: str | None = None
        self._theme_chosen = settings.theme
        super().__init__("Settings", ABOUT)

    def items(self) -> list[Item]:
        settings = self.settings
        return [
            count_field(
                "idle_lock_minutes", "Lock after (minutes)", "minutes", settings.idle_lock_minutes
            ),
            count_field("no_contact_days", "No contact (days)", "days", settings.no_contact_days),
            count_field("key_date_days", "Key dates (days)", "days", settings.key_date_days),
            ThemeField(name="theme", label="Theme", value=settings.theme, hint=THEME_HINT),
            Section(title="Assessments"),
            TickField(
                name="specialist_sections",
                label="Specialist sections",
                value=settings.specialist_sections,
                hint=_explanation("specialist_sections"),
            ),
            count_field("review_weeks", "Review after (weeks)", "weeks", settings.review_weeks),
            Section(title="Appointments"),
            count_field(
                "appointment_minutes",
                "Usual length (minutes)",
                "minutes",
                settings.appointment_minutes,
            ),
            ZoneField(
                name="time_zone",
                label="Time zone",
                value=settings.time_zone,
                placeholder="Europe/London",
                hint=_explanation("time_zone"),
            ),
        ]

    def build(self, values: dict[str, Any]) -> Settings:
        return Settings.model_validate({**self.settings.model_dump(), **values})

    def on_mount(self) -> None:
        super().on_mount()
        self._theme_before = self.app.theme
        if not set(THEMES) <= set(self.app.available_themes):
            register_themes(self.app)

    @on(Select.Changed, "#field-theme")
    def _preview_theme(self, event: Select.Changed) -> None:
        # The select also reports its first value as it mounts: not a choice, so skip it.
        if event.value == self._theme_chosen:
            return
        self._theme_chosen = str(event.value)
        if event.value in self.app.available_themes:
            self.app.theme = str(event.value)

    def dismiss(self, result: Settings | None = None) -> AwaitComplete:
        if result is None and self._theme_before is not None:
            self.app.theme = self._theme_before
        return super().dismiss(result)
