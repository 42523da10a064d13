"""The parts of a client's record: the flag banner and what each tab shows.

Widgets only show what they are given and keep their own layout; the screen loads and
saves (widgets never run SQL).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, ClassVar, Generic, TypeVar

from rich.console import Group
from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Container, Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import Label, Select, Static

from keyworker.assessments import Assessment
from keyworker.models import CaseNote, Client, ClientRecord, FamilyMember, RiskFlag
from keyworker.vocabulary import CONTACT_TYPES, PATHWAYS, Vocabulary
from screens.client_text import (
    NO_FLAGS,
    active_flags,
    banner_line,
    details_section,
    family_cells,
    family_detail,
    flag_cells,
    flag_detail,
    flags_in_order,
    history_section,
    identifiers_section,
    key_dates_section,
    linked_words,
    note_cells,
    note_detail,
    notes_count,
    notes_matching,
    referral_section,
)
from screens.row_table import Column, RowTable

Item = TypeVar("Item", FamilyMember, RiskFlag, CaseNote, Assessment)

TWO_COLUMNS = 110  # from this width the overview sits in two columns
WIDE_NOTES = 120  # from this width the notes table has room for pathways and author
NOTE_BESIDE = 160  # from this width a note is read beside the list, not under it

FILTERS = ("contact-filter", "pathway-filter")

NO_FAMILY = "No family members or dependants recorded. Press f to add one."
NO_FLAGS_EVER = "No risk or safeguarding flags recorded. Press r to add one."
NO_NOTES = "No notes yet. Press n to write one."
NO_MATCHING_NOTES = "No notes match these filters."


class FlagBanner(Vertical):
    """Every active flag as a bold line of words on its own band; lone working first."""

    DEFAULT_CSS = """
    FlagBanner {
        height: auto;
        & > .flag {
            width: 100%;
            padding: 0 1;
            text-style: bold;
            background: $error;
            color: $text;
        }
        & > .no-flags {
            padding: 0 1;
            color: $text-muted;
        }
    }
    """

    def show(self, flags: Sequence[RiskFlag], today: date) -> None:
        self.remove_children()
        shown = active_flags(flags)
        if not shown:
            self.mount(Static(NO_FLAGS, classes="no-flags", markup=False))
            return
        self.mount_all(Static(Text(banner_line(f, today)), classes="flag") for f in shown)

    @property
    def lines(self) -> list[str]:
        """What the banner says, line by line, as the keyworker reads it."""
        return [str(s.render()) for s in self.query(Static)]


class OverviewPane(VerticalScroll):
    """Details and identifiers; key dates, referral and status history beside them."""

    DEFAULT_CSS = """
    OverviewPane {
        padding: 0 1;
        #overview-columns {
            height: auto;
            layout: vertical;
        }
        #overview-columns > Static {
            height: auto;
        }
        &.-two-columns #overview-columns {
            layout: horizontal;
        }
        &.-two-columns #overview-columns > Static {
            width: 1fr;
            margin-right: 2;
        }
    }
    """

    def compose(self) -> ComposeResult:
        with Container(id="overview-columns"):
            yield Static(id="overview-left")
            yield Static(id="overview-right")

    def on_resize(self, event: events.Resize) -> None:
        self.set_class(event.size.width >= TWO_COLUMNS, "-two-columns")

    def show(self, record: ClientRecord, linked: Client | None, today: date) -> None:
        client = record.client
        linked_to = linked_words(linked, client.relationship_to_linked)
        self.query_one("#overview-left", Static).update(
            Group(details_section(client, today, linked_to), identifiers_section(client))
        )
        self.query_one("#overview-right", Static).update(
            Group(
                key_dates_section(record, today),
                referral_section(client, today),
                history_section(record.status_history),
            )
        )


class RecordTable(RowTable, Generic[Item]):
    """A row per record, drawn only when on screen; says when the cursor moves."""

    DEFAULT_CSS = """
    RecordTable {
        height: auto;
        max-height: 65%;
    }
    """

    @dataclass
    class CursorMoved(Message):
        table: RecordTable[Any]

    def __init__(
        self,
        columns: Sequence[Column],
        cells_of: Callable[[Item], Sequence[Text]],
        empty_text: str,
        id: str,
    ) -> None:
        super().__init__(columns, _key_of, cells_of, empty_text=empty_text, id=id)

    def fill(self, items: Sequence[Item], keep: str | None) -> None:
        """Show these records, the cursor staying on record `keep` if it is there."""
        keys = [str(item.id) for item in items]
        self.set_rows(items, keys.index(keep) if keep in keys else 0)

    @property
    def current(self) -> Item | None:
        return self.rows[self.cursor_row] if self.rows else None

    def watch_cursor_row(self) -> None:
        super().watch_cursor_row()
        self.post_message(self.CursorMoved(self))


class FamilyTable(RecordTable[FamilyMember]):
    COLUMNS = (
        Column("name", "Name", 24, min_width=12, squeeze=1),
        Column("relationship", "Relationship", 17, min_width=10, squeeze=1),
        Column("age", "Age", 9),
        Column("lives", "Lives with client", 17),
        Column("safeguarding", "Safeguarding", 12, flex=True),
    )
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "select", "Edit", id="edit_family_member"),
        Binding("a", "screen.add_family_member", "Add", id="add_family_member_here"),
        Binding("delete,d", "screen.remove_family_member", "Remove", id="remove_family_member"),
    ]

    def __init__(self, today: Callable[[], date]) -> None:
        super().__init__(
            self.COLUMNS, lambda m: family_cells(m, today()), NO_FAMILY, id="family-table"
        )


class FlagTable(RecordTable[RiskFlag]):
    COLUMNS = (
        Column("kind", "Flag", 20, min_width=12, squeeze=1),
        Column("level", "Level", 9),
        Column("review", "Review", 38, min_width=30, squeeze=2),
        Column("notes", "Notes", 10, min_width=6, flex=True),
    )
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "select", "Edit", id="edit_flag"),
        Binding("a", "screen.add_flag", "Add", id="add_flag_here"),
        Binding("x", "screen.end_flag", "End flag", id="end_flag"),
    ]

    def __init__(self, today: Callable[[], date]) -> None:
        super().__init__(
            self.COLUMNS, lambda f: flag_cells(f, today()), NO_FLAGS_EVER, id="flag-table"
        )


class NotesTable(RecordTable[CaseNote]):
    """The timeline; where there is room it shows each note's pathways and author too."""

    NARROW = (
        Column("when", "When", 21),
        Column("contact", "Contact", 12),
        Column("note", "Note", 10, min_width=10, flex=True),
    )
    WIDE = (
        Column("when", "When", 21),
        Column("contact", "Contact", 12),
        Column("pathways", "Pathways", 28, min_width=12, squeeze=1),
        Column("author", "Author", 15, min_width=8, squeeze=1),
        Column("note", "Note", 10, min_width=10, flex=True),
    )

    def __init__(self) -> None:
        cells = lambda note: note_cells(note, self.wide)  # noqa: E731
        super().__init__(self.NARROW, cells, NO_NOTES, id="notes-table")

    @property
    def wide(self) -> bool:
        return len(self.columns) == len(self.WIDE)


def _key_of(item: FamilyMember | RiskFlag | CaseNote | Assessment) -> str:
    return str(item.id)


class RecordPane(Vertical):
    """A table of records and, under it, the whole of the one with the cursor."""

    DEFAULT_CSS = """
    RecordPane {
        & .detail {
            height: 1fr;
            min-height: 4;
            border-top: solid $foreground 30%;
            padding: 0 1;
        }
    }
    """

    def __init__(self, id: str) -> None:
        super().__init__(id=id)
        self.today = date.min

    @property
    def table(self) -> RecordTable[Any]:
        return self.query_one(RecordTable)

    @property
    def current(self) -> Any:
        """The record with the cursor, if there are any."""
        return self.table.current

    def show_detail(self) -> None:
        self.query_one(".detail > Static", Static).update(self.detail())

    def detail(self) -> Text | str:
        raise NotImplementedError

    @on(RecordTable.CursorMoved)
    def _cursor_moved(self) -> None:
        self.show_detail()


class FamilyPane(RecordPane):
    def compose(self) -> ComposeResult:
        yield FamilyTable(lambda: self.today)
        with VerticalScroll(classes="detail"):
            yield Static(id="family-detail")

    def show(self, members: Sequence[FamilyMember], today: date, select: str | None) -> None:
        self.today = today
        self.table.fill(members, select or self.table.cursor_key)
        self.show_detail()

    def detail(self) -> Text | str:
        member = self.current
        return family_detail(member, self.today) if member else NO_FAMILY


class RisksPane(RecordPane):
    def compose(self) -> ComposeResult:
        yield FlagTable(lambda: self.today)
        with VerticalScroll(classes="detail"):
            yield Static(id="flag-detail")

    def show(self, flags: Sequence[RiskFlag], today: date, select: str | None) -> None:
        """Active flags first, lone working at the top; ended ones after them."""
        self.today = today
        self.table.fill(flags_in_order(flags), select or self.table.cursor_key)
        self.show_detail()

    def detail(self) -> Text | str:
        flag = self.current
        return flag_detail(flag, self.today) if flag else NO_FLAGS_EVER


class NotesPane(RecordPane):
    """The notes newest first, filtered by contact type and pathway, one read in full."""

    DEFAULT_CSS = """
    NotesPane {
        #note-filters {
            height: auto;
            padding: 0 1;
        }
        #note-filters > Select {
            width: 1fr;
            margin-right: 1;
        }
        #note-count {
            width: auto;
            min-width: 16;
        }
        #notes-body {
            height: 1fr;
            layout: vertical;
        }
        &.-side-by-side #notes-body {
            layout: horizontal;
        }
        &.-side-by-side #notes-table {
            width: 1fr;
            height: 1fr;
            max-height: 100%;
        }
        &.-side-by-side .detail {
            width: 45%;
            border-top: none;
            border-left: solid $foreground 30%;
        }
    }
    """

    def __init__(self, id: str) -> None:
        super().__init__(id=id)
        self.notes: list[CaseNote] = []

    def compose(self) -> ComposeResult:
        with Horizontal(id="note-filters"):
            yield _filter(CONTACT_TYPES, "All contact types", "contact-filter")
            yield _filter(PATHWAYS, "All pathways", "pathway-filter")
            yield Label("", id="note-count")
        with Container(id="notes-body"):
            yield NotesTable()
            with VerticalScroll(classes="detail"):
                yield Static(id="note-detail")

    def on_resize(self, event: events.Resize) -> None:
        self.set_class(event.size.width >= NOTE_BESIDE, "-side-by-side")
        if self.notes and self.query_one(NotesTable).wide != self._wide:
            self.show(self.notes)

    @property
    def _wide(self) -> bool:
        return self.size.width >= WIDE_NOTES

    def filters(self) -> tuple[str | None, str | None]:
        chosen = [self.query_one(f"#{name}", Select).value for name in FILTERS]
        contact, pathway = (None if value is Select.NULL else str(value) for value in chosen)
        return contact, pathway

    def show(self, notes: Sequence[CaseNote], select: str | None = None) -> None:
        self.notes = list(notes)
        shown = notes_matching(self.notes, *self.filters())
        table = self.query_one(NotesTable)
        if table.wide != self._wide:
            table.set_columns(NotesTable.WIDE if self._wide else NotesTable.NARROW)
        table.empty_text = NO_MATCHING_NOTES if self.notes else NO_NOTES
        table.fill(shown, select or table.cursor_key)
        self.query_one("#note-count", Label).update(notes_count(len(shown), len(notes)))
        self.show_detail()

    def detail(self) -> Text | str:
        note = self.current
        if note is not None:
            return note_detail(note)
        return NO_MATCHING_NOTES if self.notes else NO_NOTES

    @on(Select.Changed, "#note-filters Select")
    def _filter_changed(self) -> None:
        self.show(self.notes)


def _filter(vocabulary: Vocabulary, prompt: str, id: str) -> Select[str]:
    return Select([(t.label, t.code) for t in vocabulary], prompt=prompt, id=id, compact=True)
