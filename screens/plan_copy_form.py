"""Where to write the person's copy of their plan, and whether in larger text."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from keyworker.assessment_text import NOT_ENCRYPTED_WARNING
from screens.assessment_view import ExportChoice
from screens.form import FormScreen, Item, TextField, TickField


class PlanCopyChoice(ExportChoice):
    large_text: bool = False


class PlanCopyForm(FormScreen[PlanCopyChoice]):
    """Says plainly, before anything is written, that the file will not be encrypted."""

    SAVE_LABEL = "Write file"

    def __init__(self, suggested: Path) -> None:
        self.suggested = suggested
        super().__init__("A copy of the plan for the person", f"⚠ {NOT_ENCRYPTED_WARNING}")

    def items(self) -> Iterable[Item]:
        yield TextField(
            name="path",
            label="File",
            value=str(self.suggested),
            required=True,
            hint="A PDF to print or give to the person. It has their name in it.",
        )
        yield TickField(name="large_text", label="Larger text", value=False)
        yield TickField(name="replace", label="Replace it if it is there", value=False)

    def build(self, values: dict[str, Any]) -> PlanCopyChoice:
        return PlanCopyChoice.model_validate(values)
