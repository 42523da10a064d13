"""The partner agency directory: every agency people are referred or signposted to.

The directory loads in a thread and is filtered as the keyworker types. Changes go
through a form (or a question, for archiving) that returns what to save; the screen
saves it through the caseload in a thread, reads the directory again and shows it.
Agencies are archived, never deleted, so the referrals that name them still read right.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import ClassVar, TypeVar
from uuid import UUID

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Header, Input, Label, Static

from keyworker.agency_csv import counted, imported_words
from keyworker.clock import Clock
from keyworker.errors import KeyworkerError
from keyworker.plans import Agency
from keyworker.vocabulary import AGENCY_CATEGORIES
from screens.agency_form import AgencyForm
from screens.agency_import import AgencyImportScreen
from screens.confirm import ConfirmScreen
from screens.footer import KeyFooter
from screens.row_table import Column, RowTable
from storage import Caseload

T = TypeVar("T")

ARCHIVED = "Archived"
OFFERED = "Offered"
LOADING = "Loading…"
EMPTY = "No agencies yet. Press a to add one, or i to import a CSV file."
NONE_MATCH = "No agencies match the filter. Press Escape to clear it."
NOT_DONE = "Not done"

WIDE = 110
"""From this width the list has room for each agency's email address."""

AGENCY_COLUMNS = (
    Column("name", "Name", 30, min_width=16, squeeze=2, flex=True),
    Column("category", "Category", 26, min_width=14, squeeze=1),
    Column("phone", "Phone", 15, min_width=11, squeeze=1),
    Column("status", "Status", 8),
)
WIDE_COLUMNS = (*AGENCY_COLUMNS[:3], Column("email", "Email", 28, min_width=12), AGENCY_COLUMNS[3])


def agency_cells(agency: Agency, wide: bool = False) -> tuple[Text, ...]:
    cells = [
        Text(agency.name),
        Text(AGENCY_CATEGORIES.label(agency.category)),
        Text(agency.phone),
        Text(ARCHIVED if agency.archived else OFFERED),
    ]
    if wide:
        cells.insert(3, Text(agency.email or ""))
    return tuple(cells)


def agency_detail(agency: Agency) -> Text:
    """Everything about one agency, a line for each part it has."""
    text = Text()
    text.append(agency.name, style="bold")
    text.append(f" · {AGENCY_CATEGORIES.label(agency.category)}")
    if agency.archived:
        text.append(" · Archived: kept for the referrals that name it, no longer offered")
    reach = [
        f"{label}: {value}"
        for label, value in (
            ("Contact", agency.contact_name),
            ("Phone", agency.phone),
            ("Email", agency.email or ""),
        )
        if value
    ]
    lines = [" · ".join(reach)] if reach else []
    if agency.address:
        lines.append("Address: " + ", ".join(agency.address.splitlines()))
    if agency.website:
        lines.append(f"Website: {agency.website}")
    if agency.notes:
        lines.append(f"Notes: {agency.notes}")
    if not lines:
        lines.append("No contact details yet. Press Enter to add them.")
    for line in lines:
        text.append("\n" + line)
    return text


def matches(agency: Agency, words: str) -> bool:
    """Whether every word typed is in the agency's name, category, contact or phone."""
    haystack = " ".join(
        (
            agency.name,
            AGENCY_CATEGORIES.label(agency.category),
            agency.contact_name,
            agency.phone,
            agency.email or "",
        )
    ).casefold()
    return all(word in haystack for word in words.casefold().split())


class AgencyTable(RowTable):
    """The directory's rows; Enter edits the agency with the cursor."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "enter",
            "select",
            "Edit",
            id="agency_edit",
            tooltip="Change the details of the agency with the cursor.",
        ),
    ]


class AgencyDirectoryScreen(Screen[None]):
    """The partner agency directory, opened from the caseload; Escape goes back to it."""

    DEFAULT_CSS = """
    AgencyDirectoryScreen {
        #agency-bar {
            height: 1;
            padding: 0 1;
        }
        #agency-filter-label {
            width: auto;
            padding-right: 1;
        }
        #agency-filter {
            border: none;
            height: 1;
            padding: 0 1;
            width: 1fr;
            background: $boost;
            &:focus {
                background: $primary 30%;
            }
        }
        #agency-count {
            width: auto;
            padding-left: 2;
        }
        #agency-table {
            height: 1fr;
        }
        #agency-detail {
            height: auto;
            max-height: 6;
            padding: 0 1;
            border-top: solid $secondary;
        }
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "add", "Add", id="agency_add", tooltip="Add an agency to the directory."),
        Binding(
            "x",
            "archive",
            "Archive",
            id="agency_archive",
            tooltip="Stop offering the agency; referrals that name it keep it.",
        ),
        Binding(
            "x",
            "restore",
            "Restore",
            id="agency_restore",
            tooltip="Offer the archived agency again.",
        ),
        Binding(
            "i",
            "import",
            "Import CSV",
            id="agency_import",
            tooltip="Add or update agencies from a CSV file saved from a spreadsheet.",
        ),
        Binding(
            "v",
            "show_archived(True)",
            "Show archived",
            id="agency_show_archived",
            tooltip="List archived agencies too.",
        ),
        Binding(
            "v",
            "show_archived(False)",
            "Hide archived",
            id="agency_hide_archived",
            tooltip="List only the agencies still offered.",
        ),
        Binding(
            "slash",
            "filter",
            "Filter",
            id="agency_filter",
            tooltip="Type part of a name, category, contact or phone number to narrow the list.",
        ),
        Binding("down", "to_table", "To the list", id="agency_to_table", show=False),
        Binding(
            "escape",
            "back",
            "Back",
            id="agency_back",
            tooltip="Clear the filter, or go back to the caseload.",
        ),
    ]

    @dataclass
    class _Loaded(Message):
        agencies: list[Agency]
        done: str = ""
        select: UUID | None = None

    @dataclass
    class _Failed(Message):
        problem: str

    def __init__(self, caseload: Caseload, clock: Clock) -> None:
        super().__init__()
        self.caseload = caseload
        self.clock = clock
        self.agencies: list[Agency] | None = None
        """The whole directory, archived agencies included; None until loaded."""
        self.show_archived = False
        self._filter = ""
        self._wide = False

    # Layout ---------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="agency-bar"):
            yield Label("Filter", id="agency-filter-label")
            yield Input(placeholder="press / and type", id="agency-filter")
            yield Label(LOADING, id="agency-count")
        yield AgencyTable(
            AGENCY_COLUMNS,
            key_of=lambda agency: str(agency.id),
            cells_of=lambda agency: agency_cells(agency, self._wide),
            empty_text=LOADING,
            id="agency-table",
        )
        yield Static("", id="agency-detail")
        yield KeyFooter(show_command_palette=False)

    def on_mount(self) -> None:
        table = self.query_one(AgencyTable)
        table.focus()
        self.watch(table, "cursor_row", self._show_detail, init=False)
        self._load()

    def on_resize(self) -> None:
        wide = self.size.width >= WIDE
        if wide != self._wide:
            self._wide = wide
            self.query_one(AgencyTable).set_columns(WIDE_COLUMNS if wide else AGENCY_COLUMNS)

    # Loading and saving ---------------------------------------------------------------

    @work(thread=True, exclusive=True, group="agency-directory")
    def _load(self) -> None:
        try:
            agencies = self.caseload.agencies(archived=True)
        except KeyworkerError as exc:
            self.post_message(self._Failed(str(exc)))
            return
        self.post_message(self._Loaded(agencies))

    @work(thread=True, group="agency-save")
    def _save(self, change: Callable[[], str], select: UUID | None = None) -> None:
        """Make one change through the caseload, then read the directory again.

        `change` returns the words that say what was done.
        """
        try:
            done = change()
            agencies = self.caseload.agencies(archived=True)
        except KeyworkerError as exc:
            self.post_message(self._Failed(str(exc)))
            return
        self.post_message(self._Loaded(agencies, done, select))

    @on(_Failed)
    def _failed(self, message: _Failed) -> None:
        if self.agencies is None:
            self.query_one(AgencyTable).empty_text = "The directory could not be opened."
            self.query_one(AgencyTable).refresh()
        self.notify(message.problem, title=NOT_DONE, severity="error")

    @on(_Loaded)
    def _loaded(self, message: _Loaded) -> None:
        self.agencies = message.agencies
        self._show(select=message.select)
        if message.done:
            self.notify(message.done)

    # Showing --------------------------------------------------------------------------

    @property
    def shown(self) -> Sequence[Agency]:
        """The agencies in the list, as filtered."""
        rows: Sequence[Agency] = self.query_one(AgencyTable).rows
        return rows

    @property
    def current(self) -> Agency | None:
        """The agency with the cursor, if any."""
        table = self.query_one(AgencyTable)
        if not table.row_count:
            return None
        agency: Agency = table.rows[table.cursor_row]
        return agency

    def _show(self, select: UUID | None = None) -> None:
        """Fill the list, keeping the cursor on `select`, else the agency it was on."""
        table = self.query_one(AgencyTable)
        keep = select or (self.current.id if self.current else None)
        was_at = table.cursor_row
        everything = self.agencies or []
        offered = [a for a in everything if self.show_archived or not a.archived]
        shown = [a for a in offered if matches(a, self._filter)] if self._filter else offered
        at = next((i for i, a in enumerate(shown) if a.id == keep), min(was_at, len(shown)))
        table.empty_text = NONE_MATCH if everything and self._filter else EMPTY
        if everything and not offered:
            table.empty_text = "Every agency is archived. Press v to show them."
        table.set_rows(shown, cursor=at)
        self._say_count(len(shown), len(offered), len(everything) - len(offered))
        self._show_detail()
        self.refresh_bindings()

    def _say_count(self, shown: int, offered: int, hidden: int) -> None:
        if self._filter:
            words = f"{shown:,} of {counted(offered, 'agency', 'agencies')}"
        else:
            words = counted(offered, "agency", "agencies")
        if hidden:
            words += f", {hidden:,} archived not shown"
        elif self.show_archived:
            words += ", archived shown"
        self.query_one("#agency-count", Label).update(words)

    def _show_detail(self) -> None:
        agency = self.current
        detail = self.query_one("#agency-detail", Static)
        detail.display = agency is not None
        if agency is not None:
            detail.update(agency_detail(agency))
        self.refresh_bindings()

    @on(Input.Changed, "#agency-filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        self._filter = event.value.strip()
        if self.agencies is not None:
            self._show()

    @on(Input.Submitted, "#agency-filter")
    def _filter_done(self) -> None:
        self.action_to_table()

    @on(RowTable.RowSelected, "#agency-table")
    def _selected(self) -> None:
        self._edit()

    # Actions ----------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("archive", "restore"):
            agency = self.current
            if agency is None:
                return None if action == "archive" else False
            return agency.archived == (action == "restore")
        if action == "show_archived":
            return parameters[0] != self.show_archived
        if action in ("add", "import"):
            return None if self.agencies is None else True
        return True

    def _ask(self, screen: Screen[T | None], then: Callable[[T], None]) -> None:
        """Open a form or question; `then` gets what it returns, unless it was cancelled."""

        def answered(result: T | None) -> None:
            if result is not None and result is not False:
                then(result)

        self.app.push_screen(screen, answered)

    def _other_names(self, agency: Agency | None = None) -> list[str]:
        return [a.name for a in self.agencies or [] if agency is None or a.id != agency.id]

    def action_add(self) -> None:
        self._ask(AgencyForm(None, self._other_names()), self._added)

    def _added(self, agency: Agency) -> None:
        add = self.caseload.add_agency
        self._save(lambda: _did(partial(add, agency), f"{agency.name} added."), agency.id)

    def _edit(self) -> None:
        agency = self.current
        if agency is None:
            return
        self._ask(AgencyForm(agency, self._other_names(agency)), self._edited)

    def _edited(self, agency: Agency) -> None:
        update = self.caseload.update_agency
        self._save(lambda: _did(partial(update, agency), f"{agency.name} saved."), agency.id)

    def action_archive(self) -> None:
        agency = self.current
        if agency is None or agency.archived:
            return
        question = ConfirmScreen(
            f"Archive {agency.name}? It will no longer be offered for referrals; "
            "the referrals that name it keep it.",
            yes="Archive",
            no="Keep it",
        )
        self._ask(question, lambda _yes: self._set_archived(agency, True))

    def action_restore(self) -> None:
        agency = self.current
        if agency is None or not agency.archived:
            return
        question = ConfirmScreen(
            f"Restore {agency.name}, so it is offered for referrals again?",
            yes="Restore",
            no="Leave archived",
        )
        self._ask(question, lambda _yes: self._set_archived(agency, False))

    def _set_archived(self, agency: Agency, archived: bool) -> None:
        changed = agency.model_copy(update={"archived": archived})
        update = partial(self.caseload.update_agency, changed)
        if archived and not self.show_archived:
            done = f"{agency.name} archived. Press v to show archived agencies."
        else:
            done = f"{agency.name} {'archived' if archived else 'restored'}."
        self._save(lambda: _did(update, done), agency.id)

    def action_import(self) -> None:
        if self.agencies is None:
            return
        self._ask(AgencyImportScreen(self.agencies), self._import)

    def _import(self, agencies: list[Agency]) -> None:
        bring_in = self.caseload.import_agencies
        self._save(lambda: imported_words(*bring_in(agencies)))

    def action_show_archived(self, show: bool) -> None:
        self.show_archived = show
        if self.agencies is not None:
            self._show()

    def action_filter(self) -> None:
        self.query_one("#agency-filter", Input).focus()

    def action_to_table(self) -> None:
        self.query_one(AgencyTable).focus()

    def action_back(self) -> None:
        """Escape clears a filter first, so a second Escape is needed to leave."""
        box = self.query_one("#agency-filter", Input)
        if box.value or box.has_focus:
            box.value = ""
            self._filter = ""
            if self.agencies is not None:
                self._show()
            self.action_to_table()
            return
        self.app.pop_screen()


def _did(change: Callable[[], object], words: str) -> str:
    change()
    return words
