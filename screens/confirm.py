"""A yes-or-no question, answered with a key or a click."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label


class ConfirmScreen(ModalScreen[bool]):
    """Asks one question; dismisses True for yes, False for no (and for Escape).

    The "no" button has the focus at first, so a stray Enter never throws work away.
    """

    DEFAULT_CSS = """
    ConfirmScreen {
        align: center middle;

        #confirm-box {
            width: auto;
            min-width: 40;
            max-width: 90%;
            height: auto;
            padding: 1 2;
            border: thick $warning;
            background: $surface;
        }
        #confirm-question {
            width: auto;
            text-style: bold;
        }
        #confirm-keys {
            color: $text-muted;
            margin-top: 1;
        }
        #confirm-buttons {
            width: auto;
            height: auto;
            margin-top: 1;
        }
        #confirm-buttons Button {
            margin-right: 2;
        }
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "answer(True)", "Yes", id="yes", tooltip="Answer yes."),
        Binding("n", "answer(False)", "No", id="no", tooltip="Answer no."),
        Binding("escape", "answer(False)", "No", id="no-escape", show=False),
    ]

    def __init__(self, question: str, yes: str = "Yes", no: str = "No") -> None:
        super().__init__()
        self.question = question
        self.yes = yes
        self.no = no

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-box"):
            yield Label(self.question, id="confirm-question", markup=False)
            with Horizontal(id="confirm-buttons"):
                yield Button(self.yes, variant="warning", id="confirm-yes", compact=True)
                yield Button(self.no, variant="primary", id="confirm-no", compact=True)
            yield Label(
                f"Press y for {self.yes.lower()}, n or Escape for {self.no.lower()}.",
                id="confirm-keys",
                markup=False,
            )

    def on_mount(self) -> None:
        self.query_one("#confirm-no", Button).focus()

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)

    @on(Button.Pressed, "#confirm-yes")
    def _yes(self) -> None:
        self.dismiss(True)

    @on(Button.Pressed, "#confirm-no")
    def _no(self) -> None:
        self.dismiss(False)
