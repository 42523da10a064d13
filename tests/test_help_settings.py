"""Help, settings and the high-contrast theme, on a small host app with keys of its own."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from typing import ClassVar

import pytest
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.color import Color
from textual.pilot import Pilot
from textual.screen import Screen
from textual.theme import BUILTIN_THEMES
from textual.widgets import Footer, Header, Input, Label, Select, Static

from keyworker.settings import Settings
from screens.confirm import ConfirmScreen
from screens.help import HelpScreen, readable_key, screen_name
from screens.settings import SettingsScreen
from screens.themes import HIGH_CONTRAST, HIGH_CONTRAST_THEME, THEMES, register_themes

START = Settings(last_contact_type="phone")


class Notes(Static, can_focus=True):
    """A widget with a key of its own, to show help includes what has the cursor."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("e", "edit_note", "Edit the note", id="edit-note"),
    ]

    def action_edit_note(self) -> None:
        pass


class HostScreen(Screen[None]):
    AUTO_FOCUS = ""
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n", "new_client", "New client", id="new-client"),
        Binding("ctrl+f", "find", "Find a client", id="find", show=False),
        Binding("x", "export", "Export the caseload", id="export", show=False),
        Binding("a", "archive", "Archive everything", id="archive"),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        yield Label("Caseload")
        yield Notes("Notes go here", id="notes")
        yield Input(id="search", placeholder="Search")
        yield Footer()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # export: shown, but not available now; archive: not on this screen at all.
        return {"export": None, "archive": False}.get(action, True)

    def action_new_client(self) -> None:
        pass

    def action_find(self) -> None:
        pass


class HostApp(App[None]):
    TITLE = "Host"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+l", "lock", "Lock the caseload", id="lock"),
        Binding("f1,question_mark", "help", "Show the keys", id="help"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.results: list[Settings | None] = []

    def on_mount(self) -> None:
        register_themes(self)
        self.push_screen(HostScreen())

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.screen))

    def action_lock(self) -> None:
        pass

    def open_settings(self, settings: Settings = START) -> None:
        self.push_screen(SettingsScreen(settings), self.results.append)


def screen_text(app: App[object]) -> str:
    """Everything the terminal shows, as plain text."""
    svg = app.export_screenshot()
    return html.unescape(re.sub(r"<[^>]+>", "", svg)).replace("\xa0", " ")


def row(keys: str, description: str) -> re.Pattern[str]:
    """A help row: the keys, then the description on the same line.

    The screenshot's text leaves out the blank cells between the two columns.
    """
    return re.compile(rf"(?:^|[\s█▌▐]){re.escape(keys)} *{re.escape(description)}", re.MULTILINE)


async def until(pilot: Pilot, condition: Callable[[], bool], tries: int = 100) -> None:
    for _ in range(tries):
        await pilot.pause()
        if condition():
            return
        await pilot.pause(0.02)
    raise AssertionError("the app did not reach the expected state in time")


async def open_help(pilot: Pilot, key: str = "f1") -> HelpScreen:
    await pilot.press(key)
    await until(pilot, lambda: isinstance(pilot.app.screen, HelpScreen))
    assert isinstance(pilot.app.screen, HelpScreen)
    return pilot.app.screen


# Help ------------------------------------------------------------------------------------


async def test_help_lists_every_key_of_the_screen_and_the_app() -> None:
    app = HostApp()
    async with app.run_test(size=(100, 50)) as pilot:
        await pilot.pause()
        await open_help(pilot)
        text = screen_text(app)

    assert "Keys for Host" in text
    assert "On this screen" in text and "Everywhere" in text
    assert row("n", "New client").search(text)
    assert row("Ctrl+F", "Find a client").search(text), "show=False bindings are listed"
    assert row("x", "Export the caseload (not available now)").search(text)
    assert "Archive everything" not in text, "an action the screen turns off is left out"
    assert row("Tab", "Move to the next part of the screen").search(text)
    assert row("Ctrl+L", "Lock the caseload").search(text)
    assert row("Ctrl+Q", "Quit").search(text)
    assert row("Ctrl+P", "Open the command palette").search(text)
    assert "Ctrl+P opens the command palette" in text


async def test_help_shows_keys_for_one_action_together() -> None:
    app = HostApp()
    async with app.run_test(size=(100, 50)) as pilot:
        await pilot.pause()
        await open_help(pilot, "question_mark")
        text = screen_text(app)

    assert row("F1, ?", "Show the keys").search(text)
    in_help = text[text.index("Keys for") : text.index("closes help")]
    assert in_help.count("Show the keys") == 1


async def test_help_includes_the_keys_of_what_has_the_cursor() -> None:
    app = HostApp()
    async with app.run_test(size=(100, 50)) as pilot:
        await pilot.pause()
        app.screen.query_one("#notes").focus()
        await pilot.pause()
        await open_help(pilot)
        text = screen_text(app)

    assert "Where the cursor is" in text
    assert row("e", "Edit the note").search(text)
    assert row("n", "New client").search(text)


async def test_help_while_typing_leaves_out_keys_the_box_takes() -> None:
    """In a text box, n types an n: help must not claim it adds a client."""
    app = HostApp()
    async with app.run_test(size=(100, 60)) as pilot:
        await pilot.pause()
        app.screen.query_one("#search", Input).focus()
        await pilot.pause()
        await open_help(pilot, "f1")
        text = screen_text(app)

    assert "New client" not in text
    assert row("Ctrl+F", "Find a client").search(text)
    assert row("F1", "Show the keys").search(text)
    assert "F1, ?" not in text
    assert row("Ctrl+V", "Paste text from the clipboard").search(text)


async def test_help_on_a_form_lists_its_keys_and_the_app_keys_that_still_work() -> None:
    app = HostApp()
    async with app.run_test(size=(100, 50)) as pilot:
        await pilot.pause()
        app.open_settings()
        await until(pilot, lambda: isinstance(app.screen, SettingsScreen))
        app.push_screen(HelpScreen(app.screen))
        await until(pilot, lambda: isinstance(app.screen, HelpScreen))
        text = screen_text(app)

    assert "Keys for Settings" in text
    assert row("Ctrl+S", "Save").search(text)
    assert row("Escape", "Cancel").search(text)
    assert row("Ctrl+Q", "Quit").search(text), "priority keys reach past a form"
    assert "Lock the caseload" not in text, "the app's ordinary keys do not reach a form"


@pytest.mark.parametrize("key", ["escape", "q", "f1", "question_mark"])
async def test_help_closes_with(key: str) -> None:
    app = HostApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await open_help(pilot)
        await pilot.press(key)
        await until(pilot, lambda: isinstance(app.screen, HostScreen))
        assert "Keys for" not in screen_text(app)


async def test_help_fits_at_80_by_24_and_scrolls_to_the_last_key() -> None:
    app = HostApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        app.screen.query_one("#search", Input).focus()
        await pilot.pause()
        help_screen = await open_help(pilot)
        box = help_screen.query_one("#help")
        assert box.region.right <= 80 and box.region.bottom <= 24
        assert "Ctrl+V" not in screen_text(app)
        await pilot.press("end")
        await pilot.pause()
        assert row("Ctrl+V", "Paste text from the clipboard").search(screen_text(app))


@pytest.mark.parametrize(
    ("shown", "read"),
    [
        ("^l", "Ctrl+L"),
        ("f1", "F1"),
        ("?", "?"),
        ("⏎", "Enter"),
        ("esc", "Escape"),
        ("shift+tab", "Shift+Tab"),
        ("shift+^a", "Ctrl+Shift+A"),
        ("pgdn", "Page Down"),
        ("q", "q"),
        ("Ctrl+L", "Ctrl+L"),
    ],
)
def test_keys_are_shown_as_people_read_them(shown: str, read: str) -> None:
    assert readable_key(shown) == read


async def test_help_title_names_the_screen() -> None:
    class CaseNotesScreen(Screen[None]):
        pass

    class TitledScreen(Screen[None]):
        HELP_TITLE = "Client record"

    app = HostApp()
    async with app.run_test() as pilot:
        await pilot.pause()
        notes, titled = CaseNotesScreen(), TitledScreen()
        assert screen_name(notes) == "Case notes"
        assert screen_name(titled) == "Client record"
        titled.title = "Dashboard"
        assert screen_name(titled) == "Dashboard"


# Settings --------------------------------------------------------------------------------


async def open_settings(pilot: Pilot, settings: Settings = START) -> SettingsScreen:
    app = pilot.app
    assert isinstance(app, HostApp)
    app.open_settings(settings)
    await until(pilot, lambda: isinstance(app.screen, SettingsScreen))
    await pilot.pause()
    assert isinstance(app.screen, SettingsScreen)
    return app.screen


async def retype(pilot: Pilot, selector: str, text: str) -> None:
    pilot.app.screen.query_one(selector, Input).focus()
    await pilot.press("end", "ctrl+u", *text)


async def choose_theme(pilot: Pilot, label: str) -> None:
    select = pilot.app.screen.query_one("#field-theme", Select)
    select.focus()
    await pilot.press("enter")
    await pilot.pause()
    for _ in range(len(THEMES)):
        if select.query_one("SelectOverlay").highlighted_option.prompt == label:  # type: ignore[attr-defined]
            break
        await pilot.press("down")
    await pilot.press("enter")
    await pilot.pause()


async def test_settings_save_every_field_and_keep_the_rest() -> None:
    app = HostApp()
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        await open_settings(pilot)
        await retype(pilot, "#field-idle-lock-minutes", "10")
        await retype(pilot, "#field-no-contact-days", "21")
        await retype(pilot, "#field-key-date-days", "60")
        await choose_theme(pilot, "High contrast")
        assert app.theme == HIGH_CONTRAST, "the theme shows as soon as it is chosen"
        await pilot.press("ctrl+s")
        await until(pilot, lambda: bool(app.results))

    assert app.results == [
        Settings(
            idle_lock_minutes=10,
            no_contact_days=21,
            key_date_days=60,
            theme=HIGH_CONTRAST,
            last_contact_type="phone",
        )
    ]
    assert app.theme == HIGH_CONTRAST


async def test_settings_keep_the_time_zone_and_usual_appointment_length() -> None:
    app = HostApp()
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        await open_settings(pilot)
        await retype(pilot, "#field-appointment-minutes", "45")
        await retype(pilot, "#field-time-zone", "europe/dublin")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: bool(app.results))
    assert (app.results[0].appointment_minutes, app.results[0].time_zone) == (45, "Europe/Dublin")


async def test_settings_save_button_saves_unchanged_settings() -> None:
    app = HostApp()
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        await open_settings(pilot)
        await pilot.click("#form-save")
        await until(pilot, lambda: bool(app.results))
    assert app.results == [START]


@pytest.mark.parametrize(
    ("field", "typed", "message"),
    [
        ("idle-lock-minutes", "500", "Type a whole number of minutes from 1 to 120."),
        ("idle-lock-minutes", "0", "Type a whole number of minutes from 1 to 120."),
        ("idle-lock-minutes", "", "Type a whole number of minutes from 1 to 120."),
        ("no-contact-days", "400", "Type a whole number of days from 1 to 365."),
        ("key-date-days", "-3", "Type a whole number of days from 1 to 365."),
        ("appointment-minutes", "1000", "Type a whole number of minutes from 5 to 720."),
        ("time-zone", "Europe/Narnia", 'Unknown time zone "Europe/Narnia". Use a name like'),
    ],
)
async def test_settings_refuse_numbers_out_of_range_beside_the_field(
    field: str, typed: str, message: str
) -> None:
    app = HostApp()
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        form = await open_settings(pilot)
        await retype(pilot, f"#field-{field}", typed)
        await pilot.press("ctrl+s")
        await pilot.pause()

        assert app.screen is form, "the form stays open"
        assert form.problem_for(field.replace("-", "_")).startswith(f"✗ {message}")
        assert message in screen_text(app)
        assert form.query_one(f"#field-{field}", Input).value == typed, "typed text is kept"
        assert form.query_one(f"#field-{field}", Input).has_focus
        others = {"idle_lock_minutes", "no_contact_days", "key_date_days", "theme"}
        others.discard(field.replace("-", "_"))
        assert all(form.problem_for(name) == "" for name in others)
    assert app.results == []


async def test_settings_cancel_returns_none_and_puts_the_theme_back() -> None:
    app = HostApp()
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        assert app.theme == "textual-dark"
        await open_settings(pilot)
        await choose_theme(pilot, "High contrast")
        assert app.theme == HIGH_CONTRAST
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("n")
        await until(pilot, lambda: isinstance(app.screen, SettingsScreen))
        assert app.theme == HIGH_CONTRAST, "keeping on editing keeps the preview"
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("y")
        await until(pilot, lambda: isinstance(app.screen, HostScreen))

    assert app.results == [None]
    assert app.theme == "textual-dark"


async def test_opening_settings_leaves_the_theme_alone() -> None:
    app = HostApp()
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        app.theme = HIGH_CONTRAST
        await open_settings(pilot, Settings(theme="textual-light"))
        await pilot.pause()
        assert app.theme == HIGH_CONTRAST
        assert app.screen.query_one("#field-theme", Select).value == "textual-light"


async def test_settings_cancel_without_changes_leaves_at_once() -> None:
    app = HostApp()
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        await open_settings(pilot)
        await pilot.click("#form-cancel")
        await until(pilot, lambda: isinstance(app.screen, HostScreen))
    assert app.results == [None]


async def test_settings_explain_each_field() -> None:
    app = HostApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await open_settings(pilot)
        text = " ".join(re.sub(r"[│▏▕]", " ", screen_text(app)).split())  # lines run on
    for name in ("idle_lock_minutes", "no_contact_days", "key_date_days"):
        explanation = Settings.model_fields[name].description
        assert explanation and explanation.strip() in text


# The high-contrast theme -----------------------------------------------------------------


def contrast(one: Color, other: Color) -> float:
    """WCAG contrast ratio of two opaque colours (1 to 21)."""

    def luminance(color: Color) -> float:
        def channel(value: int) -> float:
            c = value / 255
            return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

        return 0.2126 * channel(color.r) + 0.7152 * channel(color.g) + 0.0722 * channel(color.b)

    high, low = sorted((luminance(one), luminance(other)), reverse=True)
    return (high + 0.05) / (low + 0.05)


async def test_high_contrast_theme_registers_and_applies() -> None:
    app = HostApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert set(THEMES) <= set(app.available_themes)
        app.theme = HIGH_CONTRAST
        await pilot.pause()
        label = app.screen.query_one(Label)
        assert label.rich_style.color is not None and label.rich_style.bgcolor is not None
        assert label.rich_style.color.triplet is not None
        assert label.rich_style.color.triplet.hex == "#ffffff"
        assert app.screen.styles.background == Color.parse("#000000")


def test_every_offered_theme_exists() -> None:
    assert set(THEMES) - {HIGH_CONTRAST} <= set(BUILTIN_THEMES)


@pytest.mark.parametrize(
    "role",
    ["primary", "secondary", "accent", "warning", "error", "success", "foreground"],
)
def test_high_contrast_roles_read_clearly_on_black(role: str) -> None:
    """Coloured text and borders on the background: WCAG AAA (7:1) or better."""
    colors = HIGH_CONTRAST_THEME.to_color_system().generate()
    background = Color.parse(colors["background"])
    assert contrast(Color.parse(colors[role]), background) >= 7
    if role != "foreground":
        assert contrast(Color.parse(colors[f"text-{role}"]), background) >= 7


@pytest.mark.parametrize("role", ["background", "surface", "panel", "boost"])
def test_high_contrast_text_reads_clearly_on_every_surface(role: str) -> None:
    """Text, muted text and box borders, on every surface (boost is laid over another)."""
    colors = HIGH_CONTRAST_THEME.to_color_system().generate()
    surface = Color.parse(colors["background"]) + Color.parse(colors[role])
    auto = re.fullmatch(r"auto (\d+)%", colors["text-muted"])
    assert auto, "muted text picks black or white, whichever reads best"
    muted = surface + surface.get_contrast_text(int(auto[1]) / 100)
    for color in (Color.parse(colors["foreground"]), muted, Color.parse(colors["border-blurred"])):
        assert contrast(color, surface) >= 7, color


@pytest.mark.parametrize("role", ["primary", "secondary", "warning", "error", "success"])
def test_high_contrast_buttons_and_cursors_read_clearly(role: str) -> None:
    """Text on a coloured background (buttons, the highlighted row): 7:1 or better."""
    colors = HIGH_CONTRAST_THEME.to_color_system().generate()
    fill = Color.parse(colors[role])
    assert contrast(Color.parse(colors["button-color-foreground"]), fill) >= 7
    assert contrast(fill.get_contrast_text(1.0), fill) >= 7
    cursor = Color.parse(colors["block-cursor-background"])
    assert contrast(Color.parse(colors["block-cursor-foreground"]), cursor) >= 7


# Snapshots -------------------------------------------------------------------------------


def _help_app() -> tuple[HostApp, Callable[[Pilot], object]]:
    app = HostApp()

    async def show_help(pilot: Pilot) -> None:
        await pilot.pause()
        app.screen.query_one("#notes").focus()
        await open_help(pilot)

    return app, show_help


def _settings_app(
    settings: Settings = START, bad_minutes: str | None = None
) -> tuple[HostApp, Callable[[Pilot], object]]:
    app = HostApp()

    async def show_settings(pilot: Pilot) -> None:
        await pilot.pause()
        app.theme = settings.theme
        form = await open_settings(pilot, settings)
        if bad_minutes is not None:
            await retype(pilot, "#field-idle-lock-minutes", bad_minutes)
            await pilot.press("ctrl+s")
        for box in form.query(Input):
            box.cursor_blink = False
        await pilot.pause()

    return app, show_settings


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
def test_help_snapshot(size: tuple[int, int], snap_compare) -> None:
    app, show_help = _help_app()
    assert snap_compare(app, terminal_size=size, run_before=show_help)


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
def test_settings_snapshot(size: tuple[int, int], snap_compare) -> None:
    app, show_settings = _settings_app()
    assert snap_compare(app, terminal_size=size, run_before=show_settings)


def test_settings_high_contrast_snapshot(snap_compare) -> None:
    """The high-contrast theme, with a problem showing: the message is in words."""
    high_contrast = Settings(theme=HIGH_CONTRAST)
    app, show_settings = _settings_app(high_contrast, bad_minutes="500")
    assert snap_compare(app, terminal_size=(80, 24), run_before=show_settings)
