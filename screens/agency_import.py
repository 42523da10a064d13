"""Importing partner agencies from a CSV file: read it, see what it holds, then decide.

The keyworker types the file's path; the screen reads the file in a thread and shows
what importing would do and every row that could not be read. Nothing is saved here:
the screen dismisses with the agencies to import (the caller imports them all in one
transaction) or with None.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static

from keyworker.agency_csv import (
    AgencyList,
    counted,
    preview_import,
    read_agency_file,
    report_heading,
)
from keyworker.errors import KeyworkerError
from keyworker.plans import Agency
from screens.footer import KeyFooter

ABOUT = (
    "A spreadsheet saved as CSV, with the column headings in the first row. Name and "
    "Category are needed; Contact, Phone, Email, Address, Website and Notes are read "
    "too. An agency already in the directory by the same name is brought up to date."
)
BEFORE = (
    "Type the file's path and press Enter to read it. Nothing is imported until you choose Import."
)
READING = "Reading the file…"
NOTHING_TO_IMPORT = "There is nothing to import. Put the file right and read it again, or cancel."


def typed_path(text: str) -> Path | None:
    """The path typed or dropped into the box: quotes taken off, ~ expanded."""
    text = text.strip()
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
        text = text[1:-1]
    if not text:
        return None
    path = Path(text).expanduser()
    if not path.exists() and "\\ " in text:
        # A file dragged into a terminal arrives with its spaces escaped.
        path = Path(text.replace("\\ ", " ")).expanduser()
    return path


def report(found: AgencyList, directory: Sequence[Agency]) -> Text:
    """What importing the file would do, then each row that could not be read."""
    preview = preview_import(found.agencies, directory)
    text = Text()
    text.append(report_heading(preview, len(found.problems)), style="bold")
    for problem in found.problems:
        text.append(f"\n{problem}")
    if found.unused_columns:
        text.append(f"\nColumns not used: {', '.join(found.unused_columns)}.")
    if found.agencies and found.problems:
        text.append(
            f"\n\nImport brings in the {len(found.agencies):,} that could be read, all "
            "together, and leaves these rows out. Or cancel, put them right and read "
            "the file again."
        )
    elif not found.agencies:
        text.append(f"\n\n{NOTHING_TO_IMPORT}")
    return text


class AgencyImportScreen(ModalScreen[list[Agency] | None]):
    """Read a CSV file of agencies and show what it holds; dismiss with the ones to import.

    Args:
        directory: the agencies already in the directory, archived ones included, to
            say which of the file's agencies are new and which would be updated.
    """

    DEFAULT_CSS = """
    AgencyImportScreen {
        align: center middle;

        #import-box {
            width: 100%;
            max-width: 100;
            height: auto;
            max-height: 100%;
            border: round $primary;
            border-title-style: bold;
            padding: 0 1;
            background: $panel;
        }
        #import-about {
            color: $text-muted;
            margin-bottom: 1;
        }
        #import-file-row {
            height: 1;
        }
        #import-file-label {
            width: auto;
            padding-right: 1;
            text-style: bold;
        }
        #import-file {
            width: 1fr;
        }
        #import-report {
            height: auto;
            max-height: 100%;
            margin-top: 1;
            scrollbar-size-vertical: 1;
        }
        #import-buttons {
            dock: bottom;
            height: auto;
            align-horizontal: right;
            padding-top: 1;
        }
        #import-buttons Button {
            margin-left: 2;
        }
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "ctrl+r",
            "read",
            "Read file",
            id="agency_import_read",
            tooltip="Read the file typed in the box and show what it holds.",
        ),
        Binding(
            "ctrl+s",
            "import",
            "Import",
            id="agency_import_confirm",
            tooltip="Import the agencies that could be read, all together.",
        ),
        Binding(
            "escape",
            "cancel",
            "Cancel",
            id="agency_import_cancel",
            tooltip="Leave without importing anything.",
        ),
    ]

    @dataclass
    class _Read(Message):
        typed: str
        found: AgencyList

    @dataclass
    class _Unreadable(Message):
        typed: str
        problem: str

    def __init__(self, directory: Sequence[Agency]) -> None:
        super().__init__()
        self.directory = list(directory)
        self.found: AgencyList | None = None
        """What the file shown holds; None before a file is read, or after a change."""

    def compose(self) -> ComposeResult:
        with Vertical(id="import-box") as box:
            box.border_title = "Import agencies from a CSV file"
            yield Static(ABOUT, id="import-about", markup=False)
            with Horizontal(id="import-file-row"):
                yield Label("File", id="import-file-label")
                yield Input(placeholder="~/Documents/agencies.csv", id="import-file", compact=True)
            with VerticalScroll(id="import-report"):
                yield Static(BEFORE, id="import-summary", markup=False)
            with Horizontal(id="import-buttons"):
                yield Button("Import", variant="primary", id="import-go", compact=True)
                yield Button("Cancel", id="import-cancel", compact=True)
        yield KeyFooter(show_command_palette=False)

    def on_mount(self) -> None:
        self.query_one("#import-go").display = False
        self.query_one("#import-file", Input).focus()

    # Reading ----------------------------------------------------------------------------

    @property
    def summary(self) -> str:
        """What the report says, as plain text."""
        content = self.query_one("#import-summary", Static).content
        return content.plain if isinstance(content, Text) else str(content)

    def _say(self, content: str | Text) -> None:
        self.query_one("#import-summary", Static).update(content)

    @on(Input.Submitted, "#import-file")
    def _submitted(self) -> None:
        self.action_read()

    @on(Input.Changed, "#import-file")
    def _path_changed(self) -> None:
        """A report is about the file it was read from: a new path clears it."""
        if self.found is not None or self.summary != BEFORE:
            self._show(None, BEFORE)

    def action_read(self) -> None:
        typed = self.query_one("#import-file", Input).value
        path = typed_path(typed)
        if path is None:
            self._show(None, "Type the path of the CSV file first.")
            return
        self._show(None, READING)
        self._read(typed, path)

    @work(thread=True, exclusive=True, group="agency-file")
    def _read(self, typed: str, path: Path) -> None:
        try:
            found = read_agency_file(path)
        except KeyworkerError as exc:
            self.post_message(self._Unreadable(typed, str(exc)))
            return
        self.post_message(self._Read(typed, found))

    def _still_typed(self, typed: str) -> bool:
        return self.query_one("#import-file", Input).value == typed

    @on(_Read)
    def _file_read(self, message: _Read) -> None:
        if self._still_typed(message.typed):
            self._show(message.found, report(message.found, self.directory))

    @on(_Unreadable)
    def _file_unreadable(self, message: _Unreadable) -> None:
        if self._still_typed(message.typed):
            self._show(None, Text(f"✗ {message.problem}", style="bold"))

    def _show(self, found: AgencyList | None, content: str | Text) -> None:
        self.found = found
        self._say(content)
        go = self.query_one("#import-go", Button)
        ready = found.agencies if found else ()
        go.display = bool(ready)
        if found is not None and found.problems:
            go.label = f"Import the {len(ready):,} that could be read"
        else:
            go.label = f"Import {counted(len(ready), 'agency', 'agencies')}"
        self.refresh_bindings()

    # Deciding ---------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "import":
            return None if self.found is None or not self.found.agencies else True
        return True

    @on(Button.Pressed, "#import-go")
    def _go_pressed(self) -> None:
        self.action_import()

    @on(Button.Pressed, "#import-cancel")
    def _cancel_pressed(self) -> None:
        self.action_cancel()

    def action_import(self) -> None:
        if self.found is not None and self.found.agencies:
            self.dismiss(list(self.found.agencies))

    def action_cancel(self) -> None:
        self.dismiss(None)
