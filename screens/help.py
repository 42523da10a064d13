"""Help: every key that works on a screen, as people read keys, and what it does.

The footer only has room for the main keys; help is the complete list, so it includes
bindings hidden from the footer (`show=False`) and the keys of whatever has the cursor.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import ActiveBinding, Binding, BindingType
from textual.containers import Grid, VerticalScroll
from textual.dom import DOMNode
from textual.screen import ModalScreen, Screen
from textual.widget import Widget
from textual.widgets import Label, Static

ON_SCREEN = "On this screen"
AT_CURSOR = "Where the cursor is"
EVERYWHERE = "Everywhere"
NOT_NOW = " (not available now)"
CLOSING = "Escape, q, F1 or ? closes help"

PLAIN_DESCRIPTIONS = {
    "app.focus_next": "Move to the next part of the screen",
    "app.focus_previous": "Move to the previous part of the screen",
    "command_palette": "Open the command palette",
    "app.command_palette": "Open the command palette",
}
"""Textual's own bindings, in the keyworker's words."""

KEY_WORDS = {
    "esc": "Escape",
    "escape": "Escape",
    "⏎": "Enter",
    "enter": "Enter",
    "⌫": "Backspace",
    "del": "Delete",
    "pgup": "Page Up",
    "pgdn": "Page Down",
    "pageup": "Page Up",
    "pagedown": "Page Down",
    "↑": "Up",
    "↓": "Down",
    "←": "Left",
    "→": "Right",
}


@dataclass(frozen=True)
class KeyHelp:
    """One thing a person can do, and every key that does it."""

    keys: str
    description: str
    available: bool = True


@dataclass(frozen=True)
class KeyGroup:
    heading: str
    keys: tuple[KeyHelp, ...]


def readable_key(display: str) -> str:
    """A key as people read it on a keyboard: "^l" -> "Ctrl+L", "f1" -> "F1", "⏎" -> "Enter".

    Takes what `App.get_key_display` gives, so a binding's own `key_display` is respected.
    """
    if len(display) == 1:
        return KEY_WORDS.get(display, display)
    tokens = display.split("+") if not display.endswith("++") else [*display[:-2].split("+"), "+"]
    *modifiers, key = tokens
    if key.startswith("^") and len(key) > 1:
        modifiers, key = ["ctrl", *modifiers], key[1:]
    words = [modifier.capitalize() for modifier in modifiers if modifier]
    if key in KEY_WORDS:
        words.append(KEY_WORDS[key])
    elif len(key) == 1:
        words.append(key.upper() if words else key)
    elif re.fullmatch(r"f\d+", key):
        words.append(key.upper())
    else:
        words.append(" ".join(part.capitalize() for part in key.split("_")))
    return "+".join(words)


def screen_name(screen: Screen[object]) -> str:
    """What the screen is called: its title, its HELP_TITLE, or its class name in words."""
    if screen.title:
        return screen.title
    help_title = getattr(screen, "HELP_TITLE", None)
    if help_title:
        return str(help_title)
    words = re.findall(r"[A-Z][a-z0-9]*|[a-z0-9]+", type(screen).__name__)
    if len(words) > 1 and words[-1] == "Screen":
        words.pop()
    return " ".join([words[0], *(word.lower() for word in words[1:])])


def _active_bindings(screen: Screen[object]) -> list[ActiveBinding]:
    """The screen's active bindings, plus the app's priority ones that reach past a modal."""
    active = dict(screen.active_bindings)
    if screen.is_modal:
        # Textual has no public list of the app's bindings (pinned to Textual 8).
        app = screen.app
        for key, binding in app._bindings:
            if not binding.priority or (key in active and active[key].binding.priority):
                continue
            state = app._check_action_state(binding.action, app)
            if state is not False:
                active[key] = ActiveBinding(app, binding, bool(state), binding.tooltip)
    return list(active.values())


def _heading(node: DOMNode, screen: Screen[object]) -> str:
    if node is screen:
        return ON_SCREEN
    if node is screen.app:
        return EVERYWHERE
    if type(node).__module__.startswith("textual."):
        return AT_CURSOR
    return node.BINDING_GROUP_TITLE or AT_CURSOR


def _description(binding: Binding) -> str:
    described = PLAIN_DESCRIPTIONS.get(binding.action) or binding.description
    if described:
        return described
    return binding.action.rpartition(".")[2].replace("_", " ").capitalize()


def key_groups(screen: Screen[object]) -> list[KeyGroup]:
    """Every binding active on `screen`, grouped by where it comes from.

    Keys for the same action are shown together ("F1, ?"). Textual's system bindings
    (its own plumbing, such as ctrl+c telling people how to quit) are left out.
    """
    get_key_display = screen.app.get_key_display
    actions: dict[str, dict[tuple[int, str], list[tuple[Binding, bool]]]] = {}
    for node, binding, enabled, _tooltip in _active_bindings(screen):
        if binding.system:
            continue
        by_action = actions.setdefault(_heading(node, screen), {})
        by_action.setdefault((id(node), binding.action), []).append((binding, enabled))
    order = [ON_SCREEN, EVERYWHERE, *(h for h in actions if h not in (ON_SCREEN, EVERYWHERE))]
    groups = []
    for heading in order:
        if heading not in actions:
            continue
        rows = []
        for same_action in actions[heading].values():
            keys = dict.fromkeys(readable_key(get_key_display(b)) for b, _ in same_action)
            binding, enabled = same_action[0]
            rows.append(KeyHelp(", ".join(keys), _description(binding), enabled))
        groups.append(KeyGroup(heading, tuple(rows)))
    return groups


def palette_key(screen: Screen[object]) -> str:
    """The key that opens the command palette, as people read it."""
    app = screen.app
    display = app.COMMAND_PALETTE_DISPLAY or app.get_key_display(
        Binding(app.COMMAND_PALETTE_BINDING, "command_palette")
    )
    return readable_key(display)


class HelpScreen(ModalScreen[None]):
    """The keys of the screen beneath, read when help opens (focus included)."""

    DEFAULT_CSS = """
    HelpScreen {
        align: center middle;

        #help {
            width: 76;
            max-width: 100%;
            height: auto;
            max-height: 100%;
            border: thick $primary;
            border-title-style: bold;
            background: $surface;
            padding: 0 1;
        }
        #palette {
            margin-bottom: 1;
        }
        .heading {
            text-style: bold underline;
            color: $text-primary;
        }
        .keys {
            grid-size: 2;
            grid-columns: 18 1fr;
            grid-rows: auto;
            grid-gutter: 0 1;
            height: auto;
            margin-bottom: 1;
        }
        .keys:last-child {
            margin-bottom: 0;
        }
        .key {
            text-style: bold;
            color: $text-accent;
        }
        .-not-now {
            color: $text-muted;
        }
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,f1,question_mark", "dismiss", "Close help", id="close-help"),
    ]

    def __init__(self, screen: Screen[object]) -> None:
        super().__init__()
        self.about = screen_name(screen)
        self.groups = key_groups(screen)
        self.palette = palette_key(screen)

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help") as box:
            box.border_title = f"Keys for {self.about}"
            box.border_subtitle = CLOSING
            yield Static(
                f"{self.palette} opens the command palette: type a few letters of what you "
                "want to do, to find any command.",
                id="palette",
                markup=False,
            )
            for group in self.groups:
                yield Label(group.heading, classes="heading", markup=False)
                yield Grid(*self._rows(group.keys), classes="keys")

    def _rows(self, keys: Iterable[KeyHelp]) -> Iterable[Widget]:
        for key in keys:
            classes = "" if key.available else "-not-now"
            description = key.description + ("" if key.available else NOT_NOW)
            yield Static(key.keys, classes=f"key {classes}", markup=False)
            yield Static(description, classes=classes, markup=False)

    def on_mount(self) -> None:
        self.query_one("#help").focus()
