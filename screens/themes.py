"""The themes the settings screen offers, including a high-contrast one.

High contrast is for people who find grey-on-black hard to read, or work in bright rooms:
pure black and white, bright yellow for what has focus, and a light border around every
box even when it does not have focus. Colour never carries meaning on its own anywhere
in the app (flags and problems are spelt out in words), so any theme keeps every meaning.
"""

from __future__ import annotations

from textual.app import App
from textual.theme import Theme

HIGH_CONTRAST = "keyworker-high-contrast"

BLACK = "#000000"
WHITE = "#ffffff"
YELLOW = "#ffff00"
CYAN = "#00ffff"
LIGHT_GREY = "#c0c0c0"
DARK_GREY = "#333333"

HIGH_CONTRAST_THEME = Theme(
    name=HIGH_CONTRAST,
    primary=YELLOW,
    secondary=CYAN,
    accent=YELLOW,
    warning="#ffb000",
    error="#ff7070",
    success="#00ff00",
    foreground=WHITE,
    background=BLACK,
    surface=BLACK,
    panel="#262626",
    dark=True,
    text_alpha=1.0,
    variables={
        "text": "auto 100%",
        "text-muted": "auto 85%",
        "text-disabled": "auto 65%",
        "foreground-muted": LIGHT_GREY,
        "border": YELLOW,
        "border-blurred": LIGHT_GREY,
        "block-cursor-foreground": BLACK,
        "block-cursor-background": YELLOW,
        "block-cursor-text-style": "bold",
        "block-cursor-blurred-foreground": WHITE,
        "block-cursor-blurred-background": DARK_GREY,
        "block-cursor-blurred-text-style": "bold",
        "block-hover-background": DARK_GREY,
        "input-cursor-foreground": BLACK,
        "input-cursor-background": WHITE,
        "input-selection-foreground": BLACK,
        "input-selection-background": CYAN,
        "footer-foreground": WHITE,
        "footer-background": BLACK,
        "footer-key-foreground": YELLOW,
        "footer-description-foreground": WHITE,
        "button-foreground": WHITE,
        "button-color-foreground": BLACK,
        "button-focus-text-style": "bold reverse",
        "scrollbar": LIGHT_GREY,
        "scrollbar-hover": WHITE,
        "scrollbar-active": YELLOW,
        "scrollbar-background": BLACK,
        "scrollbar-background-hover": BLACK,
        "scrollbar-background-active": BLACK,
        "link-color": CYAN,
        "link-color-hover": BLACK,
        "link-background-hover": CYAN,
        "screen-selection-foreground": BLACK,
        "screen-selection-background": CYAN,
    },
)

THEMES: dict[str, str] = {
    "textual-dark": "Dark",
    "textual-light": "Light",
    HIGH_CONTRAST: "High contrast",
}
"""The themes offered in settings, by Textual theme name, with the name people see."""


def register_themes(app: App[object]) -> None:
    """Make the app's own themes available, so `app.theme = HIGH_CONTRAST` works."""
    app.register_theme(HIGH_CONTRAST_THEME)


def theme_label(name: str) -> str:
    """The name people see for a theme, even one not on the offered list."""
    return THEMES.get(name) or name.replace("-", " ").capitalize()
