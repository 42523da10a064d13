"""The dashboard: the whole caseload at a glance, what needs attention, and search as you type."""

from __future__ import annotations

import gc
from collections.abc import Callable
from dataclasses import dataclass
from typing import ClassVar
from uuid import UUID
from zoneinfo import ZoneInfo

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import Header, Input, Label, Static
from textual.worker import get_current_worker

from keyworker.attention import AttentionItem
from keyworker.clock import Clock
from keyworker.errors import CaseloadLocked, KeyworkerError
from keyworker.models import Client, ClientSummary, SearchHit
from keyworker.settings import Settings
from keyworker.vocabulary import CLIENT_STATUSES
from screens.cells import (
    SORTS_BY_KEY,
    SortOrder,
    attention_cells,
    client_cells,
    client_widths,
    hit_cells,
    sort_summaries,
)
from screens.footer import KeyFooter
from screens.row_table import Column, RowTable
from storage import Caseload

SEARCH_LIMIT = 50
NOTHING_NEEDS_ATTENTION = "Nothing needs attention"
NEW_CLIENT_SAVED = "New client saved."

CLIENT_COLUMNS = (
    Column("ref", "Case ref", 8),
    Column("name", "Name", 20, min_width=12, squeeze=2),
    Column("flags", "Flags", 16, min_width=12, squeeze=3),
    Column("status", "Status", 11, min_width=8, squeeze=1),
    Column("contact", "Last contact", 21, min_width=12, squeeze=1),
    Column("key_date", "Key date", 10, squeeze=1, optional=True),
    Column("appointment", "Appointment", 15, min_width=11, squeeze=1),
)
HIT_COLUMNS = (
    Column("ref", "Case ref", 8),
    Column("name", "Name", 20, min_width=10, squeeze=1),
    Column("status", "Status", 11, min_width=8, squeeze=1),
    Column("why", "Why it matched", 20, min_width=20, flex=True),
)
ATTENTION_COLUMNS = (
    Column("ref", "Case ref", 8),
    Column("name", "Name", 20, min_width=14, squeeze=1),
    Column("detail", "Needs attention", 20, min_width=20, squeeze=2, flex=True),
)

NAME_CAP = 28
FLAGS_CAP = 40


def filter_label(status: str | None) -> str:
    shown = CLIENT_STATUSES.label(status) if status else "All statuses"
    return f"Showing: {shown}"


def count_label(count: int) -> str:
    return "1 client" if count == 1 else f"{count:,} clients"


def found_label(count: int) -> str:
    if count == 0:
        return "No clients found"
    if count >= SEARCH_LIMIT:
        return f"{count}+ found: type more to narrow"
    return "1 client found" if count == 1 else f"{count} clients found"


def attention_title(count: int | None) -> str:
    return "Needs attention" if count is None else f"Needs attention ({count:,})"


class DashboardScreen(Screen[None]):
    """The screen a keyworker works from all day.

    Everything that reads the caseload runs in a thread worker and posts its result, so
    the screen answers keys while a 10,000-client caseload loads, sorts or is searched.
    The client table draws only the rows on screen (see `RowTable`), so filling and
    sorting it take a few milliseconds whatever the size of the caseload.

    Readiness, for the start-up benchmark: once the first load of the client table has
    been painted, `ready` becomes True and a `DashboardScreen.Ready` message is posted
    (it bubbles up to the app). `row_count` is then the number of clients shown.
    For timing search, `search_for(text, painted)` types into the search box and calls
    `painted()` once that text's results are on screen.
    """

    HORIZONTAL_BREAKPOINTS: ClassVar[list[tuple[int, str]] | None] = [
        (0, "-narrow"),
        (150, "-wide"),
    ]
    VERTICAL_BREAKPOINTS: ClassVar[list[tuple[int, str]] | None] = [(0, "-short"), (36, "-tall")]

    DEFAULT_CSS = """
    DashboardScreen {
        #heading {
            padding: 0 1;
            text-style: bold;
        }
        #search-bar {
            height: 1;
            padding: 0 1;
        }
        #search-label {
            width: auto;
            padding-right: 1;
        }
        #search {
            border: none;
            height: 1;
            padding: 0 1;
            width: 1fr;
            background: $boost;
            &:focus {
                background: $primary 30%;
            }
        }
        #bar {
            height: 1;
            padding: 0 1;
        }
        #filter, #sort {
            width: auto;
            padding-right: 3;
        }
        #count {
            width: 1fr;
            text-align: right;
        }
        #attention {
            border: round $secondary;
            border-title-style: bold;
            border-title-color: $foreground;
            height: auto;
            max-height: 6;
            &:focus {
                border: round $accent;
            }
        }
        &.-tall #attention {
            max-height: 10;
        }
        #lists, #clients, #results {
            height: 1fr;
        }
        &.-wide {
            #body {
                layout: horizontal;
            }
            #attention {
                width: 1fr;
                min-width: 50;
                height: 1fr;
                max-height: 100%;
                margin-right: 1;
            }
            #lists {
                width: 2fr;
            }
        }
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "slash",
            "search",
            "Search",
            id="search",
            tooltip="Search names, case references, ID numbers and notes as you type.",
        ),
        Binding(
            "n",
            "new_client",
            "New client",
            id="new_client",
            tooltip="Add a client to the caseload.",
        ),
        Binding(
            "f",
            "cycle_filter",
            "Filter",
            id="filter_status",
            tooltip="Show all clients, or only those with one case status.",
        ),
        Binding(
            "s",
            "next_sort",
            "Sort",
            id="sort",
            show=False,
            tooltip="Sort by the next column (or click a column heading).",
        ),
        Binding(
            "r,S,shift+s",
            "reverse_sort",
            "Reverse sort",
            id="reverse_sort",
            show=False,
            tooltip="Turn the order round.",
        ),
        Binding(
            "a",
            "attention",
            "Attention",
            id="attention",
            tooltip="Go to the list of what needs attention.",
        ),
        Binding(
            "h",
            "toggle_attention",
            "Hide or show attention",
            id="toggle_attention",
            show=False,
            tooltip="Hide the list of what needs attention, or show it again.",
        ),
        Binding(
            "escape",
            "clear_search",
            "Clear search",
            id="clear_search",
            tooltip="Empty the search box and go back to the whole caseload.",
        ),
        Binding("down", "results", "Results", id="search_results", show=False),
        Binding(
            "p",
            "needs_profile",
            "Needs profile",
            id="needs_profile",
            show=False,
            tooltip="How many people have a high or immediate need in each pathway.",
        ),
        Binding(
            "d",
            "agencies",
            "Agencies",
            id="agency_directory",
            show=False,
            tooltip="The directory of partner agencies: add, edit, archive, import a list.",
        ),
        Binding(
            "o",
            "referrals_report",
            "Referrals report",
            id="referrals_report",
            show=False,
            tooltip="Referrals, signposting, goals achieved and plans agreed over dates.",
        ),
        Binding(
            "w",
            "agenda",
            "Agenda",
            id="agenda",
            tooltip="This week's appointments across the caseload; book, move, record outcomes.",
        ),
        Binding(
            "u",
            "outcomes_due",
            "Outcomes to record",
            id="outcomes_due",
            show=False,
            tooltip="Appointments that have happened without an outcome, to complete one by one.",
        ),
        Binding(
            "t",
            "attendance",
            "Attendance",
            id="attendance",
            show=False,
            tooltip="Attendance rates for the caseload and each person over a chosen period.",
        ),
        Binding("q", "app.quit", "Quit", id="quit", tooltip="Close the caseload and leave."),
    ]

    status_filter: reactive[str | None] = reactive(None, init=False)
    client_order: reactive[SortOrder] = reactive(SortOrder, init=False)

    @dataclass
    class Ready(Message):
        """The client table has been painted for the first time."""

        screen: DashboardScreen

    @dataclass
    class _ClientsLoaded(Message):
        generation: int
        summaries: list[ClientSummary]
        order: SortOrder
        widths: dict[str, int]

    @dataclass
    class _AttentionLoaded(Message):
        items: list[AttentionItem]
        widths: dict[str, int]

    @dataclass
    class _SearchDone(Message):
        text: str
        hits: list[SearchHit]

    @dataclass
    class _Failed(Message):
        problem: str

    def __init__(self, caseload: Caseload, clock: Clock, settings: Settings) -> None:
        super().__init__()
        self.caseload = caseload
        self.clock = clock
        self.settings = settings
        self.ready = False
        self._today = clock.today()
        self._zone = ZoneInfo(settings.time_zone)
        self._told_outcomes_due = False
        self._generation = 0
        self._keep_cursor = False
        self._attention_due = False
        self._shown_before = False
        self._summaries: list[ClientSummary] = []
        self._search_text = ""
        self._shown_search = ""
        self._attention_wanted = True
        self._painted: dict[str, list[Callable[[], None]]] = {}

    # Building the screen ----------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(
            f"Worker: {self.caseload.worker} · Service: {self.caseload.service}",
            id="heading",
            markup=False,
        )
        with Horizontal(id="search-bar"):
            yield Label("Search", id="search-label")
            yield Input(
                placeholder="press / then type a name, case ref, ID number or note words",
                id="search",
            )
        with Horizontal(id="bar"):
            yield Label(filter_label(None), id="filter")
            yield Label(SortOrder().describe(), id="sort")
            yield Label("Loading…", id="count")
        with Vertical(id="body"):
            attention = RowTable(
                ATTENTION_COLUMNS,
                key_of=lambda item: str(item.client_id),
                cells_of=attention_cells,
                show_header=False,
                empty_text="Loading…",
                id="attention",
            )
            attention.border_title = attention_title(None)
            yield attention
            with Vertical(id="lists"):
                yield RowTable(
                    CLIENT_COLUMNS,
                    key_of=lambda summary: str(summary.id),
                    cells_of=self._client_cells,
                    empty_text="No clients",
                    id="clients",
                )
                yield RowTable(
                    HIT_COLUMNS,
                    key_of=lambda hit: str(hit.client_id),
                    cells_of=hit_cells,
                    empty_text="No clients found",
                    id="results",
                )
        yield KeyFooter(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        self.query_one("#results").display = False
        self.query_one("#clients", RowTable).focus()
        self._load_everything()  # now, rather than after the screen is first laid out

    def on_resize(self) -> None:
        self._fit_lists()
        self._place_attention()

    def _fit_lists(self) -> None:
        """Side by side, the client table takes what it needs and attention the rest."""
        lists = self.query_one("#lists")
        if self.has_class("-wide"):
            wanted = self.query_one("#clients", RowTable).wanted_width
            lists.styles.width = min(wanted, self.size.width * 2 // 3)
        else:
            lists.styles.width = None

    def on_screen_resume(self) -> None:
        """Load everything afresh on coming back, so edits to a client show."""
        if self._shown_before:
            self._load_everything()
        self._shown_before = True

    def _load_everything(self) -> None:
        """The client table first; what needs attention follows once it is shown, so
        the two never queue for the caseload's connection at start-up."""
        self.settings = getattr(self.app, "settings", self.settings)
        self._zone = ZoneInfo(self.settings.time_zone)
        self._attention_due = True
        self._load_clients_now(keep_cursor=True)
        if self._search_text:
            self._search(self._search_text)

    def _say_count(self, words: str) -> None:
        # The count has a fixed place, so it changes without laying the screen out again.
        self.query_one("#count", Label).update(words, layout=False)

    @property
    def row_count(self) -> int:
        """Clients in the client table."""
        return self.query_one("#clients", RowTable).row_count

    def _client_cells(self, summary: ClientSummary) -> tuple[Text, ...]:
        """A client's cells; a squeezed last-contact column says only how long ago."""
        table = self.query_one("#clients", RowTable)
        compact = table.column_width("contact") < table.column("contact").wanted()
        width = table.column_width("appointment")
        return client_cells(summary, self._today, compact, self._zone, width)

    # The client table ------------------------------------------------------------------

    def _load_clients_now(self, keep_cursor: bool = False) -> None:
        self._generation += 1
        self._keep_cursor = keep_cursor
        if not keep_cursor:
            self._say_count("Loading…")
        self._load_clients(self._generation, self.status_filter, self.client_order)

    @work(thread=True, exclusive=True, group="clients")
    def _load_clients(self, generation: int, status: str | None, order: SortOrder) -> None:
        try:
            summaries = self.caseload.clients(status)
        except CaseloadLocked:
            return  # the lock screen is up; everything loads again on unlocking
        except KeyworkerError as exc:
            self.post_message(self._Failed(str(exc)))
            return
        ordered = sort_summaries(summaries, order)
        widths = client_widths(summaries, self.clock.today())
        if not get_current_worker().is_cancelled:
            self.post_message(self._ClientsLoaded(generation, ordered, order, widths))

    @on(_ClientsLoaded)
    def _show_clients(self, message: _ClientsLoaded) -> None:
        if message.generation != self._generation:
            return
        table = self.query_one("#clients", RowTable)
        keep = table.cursor_key if self._keep_cursor else None
        summaries = message.summaries
        if message.order != self.client_order:
            summaries = sort_summaries(summaries, self.client_order)
        self._today = self.clock.today()
        self._summaries = summaries
        widths = message.widths
        table.resize_columns(
            {
                "name": min(widths["name"], NAME_CAP),
                "flags": min(widths["flags"], FLAGS_CAP),
                "status": widths["status"],
                "contact": widths["contact"],
            },
            min_widths={"contact": widths["contact_ago"]},
        )
        table.set_rows(summaries, cursor=self._index_of(keep))
        self._say_count(count_label(len(summaries)))
        self._fit_lists()
        if not self.ready:
            self._when_drawn(table, self._painted_first_time)
        else:
            self._load_attention_if_due()

    def _when_drawn(self, table: RowTable, callback: Callable[[], object]) -> None:
        """`callback()` once `table` is on screen as it is now (or is hidden anyway)."""
        if table.display:
            table.call_after_drawing(callback)
        else:
            self.call_after_refresh(callback)

    def _painted_first_time(self) -> None:
        # What start-up built lasts the whole session, so the garbage collector need
        # not sweep through it again: a full sweep of a 10,000-client caseload takes
        # long enough (50 ms) to make typing in the search box stutter.
        gc.freeze()
        self.ready = True
        self.post_message(self.Ready(self))
        self._load_attention_if_due()  # after, so the two do not slow each other down
        self._import_client_screens()

    def _load_attention_if_due(self) -> None:
        if self._attention_due:
            self._attention_due = False
            self._load_attention(self.settings.no_contact_days, self.settings.key_date_days)

    @work(thread=True, group="imports")
    def _import_client_screens(self) -> None:
        """Import the client record and form while the keyworker reads the list.

        They are imported when first needed rather than at start-up, which they would
        slow by a tenth of a second; doing it now means opening a client never waits.
        """
        import screens.client
        import screens.client_form  # noqa: F401

        gc.freeze()  # see _painted_first_time

    def _index_of(self, key: str | None) -> int:
        if key is None:
            return 0
        wanted = UUID(key)
        return next((i for i, s in enumerate(self._summaries) if s.id == wanted), 0)

    def action_cycle_filter(self) -> None:
        filters = [None, *CLIENT_STATUSES.codes]
        following = (filters.index(self.status_filter) + 1) % len(filters)
        self.status_filter = filters[following]

    def watch_status_filter(self, status: str | None) -> None:
        self.query_one("#filter", Label).update(filter_label(status))
        self._load_clients_now()

    def action_next_sort(self) -> None:
        self.client_order = self.client_order.next_column()

    def action_reverse_sort(self) -> None:
        self.client_order = self.client_order.reversed()

    @on(RowTable.HeaderSelected, "#clients")
    def _sort_by_header(self, message: RowTable.HeaderSelected) -> None:
        if message.column not in SORTS_BY_KEY:
            return
        if message.column == self.client_order.column:
            self.client_order = self.client_order.reversed()
        else:
            self.client_order = SortOrder(message.column)

    def watch_client_order(self, order: SortOrder) -> None:
        self.query_one("#sort", Label).update(order.describe())
        self._summaries = sort_summaries(self._summaries, order)
        self.query_one("#clients", RowTable).set_rows(self._summaries)

    # Search ----------------------------------------------------------------------------

    def action_search(self) -> None:
        self.query_one("#search", Input).focus()

    @on(Input.Changed, "#search")
    def _search_changed(self, event: Input.Changed) -> None:
        self._set_search(event.value)

    def _set_search(self, value: str) -> None:
        text = value.strip()
        if text == self._search_text:
            return
        was_searching = bool(self._search_text)
        self._search_text = text
        self._painted = {text: self._painted[text]} if text in self._painted else {}
        if text:
            self._say_count("Searching…")
            self._search(text)
        else:
            self.workers.cancel_group(self, "search")
            self._shown_search = ""
            self.query_one("#results", RowTable).set_rows([])
        if bool(text) != was_searching:
            self._show_searching(bool(text))

    def _show_searching(self, searching: bool) -> None:
        """Swap the client table for the search results, or back."""
        self._place_attention()
        self.query_one("#clients").display = not searching
        self.query_one("#results").display = searching
        self.query_one("#sort").display = not searching
        if searching:
            self.query_one("#filter", Label).update("Search results, best match first")
        else:
            self.query_one("#filter", Label).update(filter_label(self.status_filter))
            self._say_count(count_label(len(self._summaries)))
        self.refresh_bindings()

    @work(thread=True, exclusive=True, group="search")
    def _search(self, text: str) -> None:
        try:
            hits = self.caseload.search(text, SEARCH_LIMIT)
        except CaseloadLocked:
            return  # the lock screen is up; everything loads again on unlocking
        except KeyworkerError as exc:
            self.post_message(self._Failed(str(exc)))
            return
        if not get_current_worker().is_cancelled:
            self.post_message(self._SearchDone(text, hits))

    @on(_SearchDone)
    def _show_hits(self, message: _SearchDone) -> None:
        if message.text != self._search_text:
            return  # results for an earlier keystroke
        results = self.query_one("#results", RowTable)
        hits = message.hits
        results.resize_columns(
            {
                "name": min(max((len(h.display_name) for h in hits), default=0), NAME_CAP),
                "status": max((len(CLIENT_STATUSES.label(h.status)) for h in hits), default=0),
            }
        )
        results.set_rows(message.hits)
        self._say_count(found_label(len(message.hits)))
        self._shown_search = message.text
        for painted in self._painted.pop(message.text, []):
            self._when_drawn(results, painted)

    @on(Input.Submitted, "#search")
    def action_results(self) -> None:
        shown = "#results" if self._search_text else "#clients"
        self.query_one(shown, RowTable).focus()

    def action_clear_search(self) -> None:
        self.query_one("#search", Input).value = ""
        self._set_search("")
        self.query_one("#clients", RowTable).focus()

    def search_for(self, text: str, painted: Callable[[], None] | None = None) -> None:
        """Put `text` in the search box as if typed; `painted()` once its results show.

        For the benchmark, which times a keystroke to its results on screen.
        """
        self.query_one("#search", Input).value = text
        self._set_search(text)
        if painted is None:
            return
        if self._search_text in (self._shown_search, ""):
            self.call_after_refresh(painted)  # nothing new to look for
        else:
            self._painted.setdefault(self._search_text, []).append(painted)

    # Needs attention -------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="attention")
    def _load_attention(self, no_contact_days: int, key_date_days: int) -> None:
        try:
            items = self.caseload.attention(no_contact_days, key_date_days)
        except CaseloadLocked:
            return  # the lock screen is up; everything loads again on unlocking
        except KeyworkerError as exc:
            self.post_message(self._Failed(str(exc)))
            return
        widths = {
            "name": min(max((len(item.display_name) for item in items), default=0), NAME_CAP),
            "detail": max((len(item.detail) for item in items), default=0),
        }
        if not get_current_worker().is_cancelled:
            self.post_message(self._AttentionLoaded(items, widths))

    @on(_AttentionLoaded)
    def _show_attention(self, message: _AttentionLoaded) -> None:
        panel = self.query_one("#attention", RowTable)
        keep = panel.cursor_row
        panel.border_title = attention_title(len(message.items))
        panel.empty_text = NOTHING_NEEDS_ATTENTION
        panel.resize_columns(message.widths)
        panel.set_rows(message.items, cursor=keep)
        if not self._told_outcomes_due:
            self._told_outcomes_due = True
            due = sum(1 for item in message.items if item.reason == "outcome_due")
            if due:
                people = "1 person" if due == 1 else f"{due} people"
                self.notify(
                    f"Appointments are waiting for their outcome for {people}. "
                    "Press u to record them.",
                    title="Outcomes to record",
                    timeout=10,
                )
        gc.freeze()  # see _painted_first_time

    def _place_attention(self) -> None:
        """Shown unless hidden with `h`; on a narrow screen it makes way for search results."""
        panel = self.query_one("#attention", RowTable)
        crowded = bool(self._search_text) and not self.has_class("-wide")
        panel.display = self._attention_wanted and not crowded
        if not panel.display and panel.has_focus:
            self.query_one("#clients", RowTable).focus()

    def action_attention(self) -> None:
        if self._search_text and not self.has_class("-wide"):
            self.action_clear_search()
        self._attention_wanted = True
        self._place_attention()
        self.query_one("#attention", RowTable).focus()

    def action_toggle_attention(self) -> None:
        self._attention_wanted = not self._attention_wanted
        self._place_attention()

    # Opening and adding clients ------------------------------------------------------

    @on(RowTable.RowSelected)
    def _open_selected(self, message: RowTable.RowSelected) -> None:
        self.open_client(UUID(message.key))

    def open_client(self, client_id: UUID) -> None:
        from screens.client import ClientScreen  # see _import_client_screens

        self.app.push_screen(ClientScreen(self.caseload, self.clock, client_id))

    def action_needs_profile(self) -> None:
        from screens.needs_profile import NeedsProfileScreen  # only when first wanted

        self.app.push_screen(NeedsProfileScreen(self.caseload, self.clock))

    def action_agencies(self) -> None:
        from screens.agencies import AgencyDirectoryScreen  # only when first wanted

        self.app.push_screen(AgencyDirectoryScreen(self.caseload, self.clock))

    def action_agenda(self) -> None:
        from screens.agenda import AgendaScreen  # only when first wanted

        self.app.push_screen(AgendaScreen(self.caseload, self.clock, self._zone))

    def action_outcomes_due(self) -> None:
        from screens.outcomes_due import OutcomesDueScreen  # only when first wanted

        self.app.push_screen(OutcomesDueScreen(self.caseload, self.clock, self._zone))

    def action_attendance(self) -> None:
        from screens.attendance import AttendanceScreen  # only when first wanted

        self.app.push_screen(AttendanceScreen(self.caseload, self.clock, self._zone))

    def action_referrals_report(self) -> None:
        from screens.report import ReportScreen  # only when first wanted

        self.app.push_screen(ReportScreen(self.caseload, self.clock))

    def action_new_client(self) -> None:
        try:
            case_ref = self.caseload.new_case_ref()
        except KeyworkerError as exc:
            self.notify(str(exc), severity="error")
            return
        from screens.client_form import ClientForm  # see _import_client_screens

        self.app.push_screen(ClientForm(self.clock.today(), case_ref=case_ref), self._add_client)

    def _add_client(self, client: Client | None) -> None:
        if client is None:
            return
        try:
            saved = self.caseload.add_client(client)
        except KeyworkerError as exc:
            self.notify(str(exc), severity="error")
            return
        self.notify(NEW_CLIENT_SAVED)
        self.open_client(saved.id)

    # Keys that make no sense while searching, and problems -------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("cycle_filter", "next_sort", "reverse_sort") and self._search_text:
            return None
        if action == "clear_search":
            return bool(self._search_text) or self.query_one("#search", Input).has_focus
        if action == "results":
            return self.query_one("#search", Input).has_focus
        return True

    @on(_Failed)
    def _show_problem(self, message: _Failed) -> None:
        self.notify(message.problem, severity="error")
