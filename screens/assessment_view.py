"""A completed assessment, read-only, as the document it exports to.

It cannot be changed: `c` starts a correction (a new version with a reason, both kept),
and `x` writes the document to a file the keyworker chooses, after a warning that the
file is not encrypted.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, field_validator
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Header, Markdown, Static

from keyworker.assessment_text import NOT_ENCRYPTED_WARNING, assessment_document, export_file_name
from keyworker.assessments import Assessment
from keyworker.errors import KeyworkerError
from keyworker.models import Client
from keyworker.templates import Template
from screens.footer import KeyFooter
from screens.form import FormScreen, Item, TextField, TickField
from storage.exports import default_export_folder, write_export


class ExportChoice(BaseModel):
    model_config = ConfigDict(frozen=True)

    path: Path
    replace: bool = False

    @field_validator("path", mode="before")
    @classmethod
    def _typed(cls, typed: object) -> object:
        if isinstance(typed, str):
            if not typed.strip():
                raise ValueError("Type where to write the file.")
            return Path(typed.strip()).expanduser()
        return typed


class ExportForm(FormScreen[ExportChoice]):
    """Where to write the document; says plainly that the file will not be encrypted."""

    SAVE_LABEL = "Write file"

    def __init__(self, suggested: Path) -> None:
        self.suggested = suggested
        super().__init__("Write the assessment to a file", f"⚠ {NOT_ENCRYPTED_WARNING}")

    def items(self) -> list[Item]:
        return [
            TextField(
                name="path",
                label="File",
                value=str(self.suggested),
                required=True,
                hint="A Markdown file (.md) any text editor or word processor opens.",
            ),
            TickField(name="replace", label="Replace it if it is there", value=False),
        ]

    def build(self, values: dict[str, Any]) -> ExportChoice:
        return ExportChoice.model_validate(values)


class AssessmentView(Screen[str | None]):
    """Dismisses with "correct" when a correction is asked for, else None."""

    DEFAULT_CSS = """
    AssessmentView {
        #view-note {
            padding: 0 1;
            text-style: bold;
        }
        #document {
            height: 1fr;
            padding: 0 1;
        }
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "c",
            "correct",
            "Correct",
            id="correct_assessment",
            tooltip="Make a corrected version, saying why; this one is kept as it is.",
        ),
        Binding(
            "x",
            "export",
            "Write to file",
            id="export_assessment",
            tooltip="Write this assessment to a Markdown file (not encrypted).",
        ),
        Binding("escape", "back", "Back", id="view_back", tooltip="Back to the record."),
    ]

    @dataclass
    class _Written(Message):
        path: Path

    @dataclass
    class _Failed(Message):
        problem: str

    def __init__(
        self,
        assessment: Assessment,
        template: Template,
        client: Client,
        *,
        previous: Assessment | None = None,
        original: Assessment | None = None,
        corrected_by: Assessment | None = None,
    ) -> None:
        super().__init__()
        self.assessment = assessment
        self.template = template
        self.client = client
        self.corrected_by = corrected_by
        self.document = assessment_document(assessment, template, client, previous, original)

    def compose(self) -> ComposeResult:
        yield Header()
        if self.corrected_by is not None:
            yield Static(
                "This assessment was corrected; the correction is listed in the record.",
                id="view-note",
                markup=False,
            )
        yield Markdown(self.document, id="document", open_links=False)
        yield KeyFooter(show_command_palette=False)

    def on_mount(self) -> None:
        self.sub_title = self.template.title
        self.query_one("#document", Markdown).focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "correct":
            return self.corrected_by is None or None
        return True

    def action_back(self) -> None:
        self.dismiss(None)

    def action_correct(self) -> None:
        if self.corrected_by is None:
            self.dismiss("correct")

    def action_export(self) -> None:
        suggested = default_export_folder() / export_file_name(self.client, self.assessment)

        def chosen(choice: ExportChoice | None) -> None:
            if choice is not None:
                self._write(choice)

        self.app.push_screen(ExportForm(suggested), chosen)

    @work(thread=True, exclusive=True, group="assessment-export")
    def _write(self, choice: ExportChoice) -> None:
        path = choice.path
        if path.is_dir():
            path = path / export_file_name(self.client, self.assessment)
        try:
            path = write_export(path, self.document, replace=choice.replace)
        except KeyworkerError as exc:
            self.post_message(self._Failed(str(exc)))
            return
        self.post_message(self._Written(path))

    @on(_Written)
    def _written(self, message: _Written) -> None:
        self.notify(
            f"Written to {message.path}. It is not encrypted: delete it when done with.",
            title="File written",
            timeout=10,
        )

    @on(_Failed)
    def _failed(self, message: _Failed) -> None:
        self.notify(message.problem, title="Not written", severity="error", timeout=10)
