"""The caseload list: every client at a glance, with their flags in words."""

from __future__ import annotations

import asyncio
import threading
from dataclasses import dataclass
from datetime import date, datetime
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.message import Message
from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Label, Static
from textual.worker import get_current_worker

from keyworker.clock import Clock
from keyworker.dates import uk_date
from keyworker.models import ClientSummary
from keyworker.vocabulary import CLIENT_STATUSES, RISK_KINDS
from storage import Caseload

COLUMNS = ("Case ref", "Name", "Flags", "Status", "Last contact", "Next key date")

# Short words for the Flags column: text, never colour alone, so a flag reads the same
# on any terminal and to anyone. A service's own flag kinds fall back to their code.
FLAG_WORDS = {
    "lone_working": "LONE WORKING",
    "domestic_abuse": "DA",
    "child_safeguarding": "CHILD SG",
    "self_harm": "SELF-HARM",
    "substance_use": "SUBSTANCE",
    "exploitation": "EXPLOITATION",
    "other": "OTHER",
}

ROWS_PER_SLICE = 200

Row = tuple[str, tuple[Text, ...]]


def flag_words(kinds: list[str]) -> str:
    """Active flag kinds as short words, in the vocabulary's order."""
    order = {code: i for i, code in enumerate(RISK_KINDS.codes)}
    ordered = sorted(kinds, key=lambda kind: (order.get(kind, len(order)), kind))
    return ", ".join(FLAG_WORDS.get(k, k.replace("_", " ").upper()) for k in ordered)


def last_contact(value: datetime | None, today: date) -> str:
    """The date of the last contact and how long ago, in the laptop's local calendar."""
    if value is None:
        return "none yet"
    day = value.astimezone().date()
    days = (today - day).days
    if days == 0:
        since = "today"
    elif days == 1:
        since = "1 day"
    else:
        since = f"{days} days"
    return f"{uk_date(day)} ({since})"


def client_row(summary: ClientSummary, today: date) -> Row:
    """One table row; every cell is plain Text so a name can never be read as markup."""
    cells = (
        Text(summary.case_ref),
        Text(summary.display_name),
        Text(flag_words(summary.active_flags), style="bold"),
        Text(CLIENT_STATUSES.label(summary.status)),
        Text(last_contact(summary.last_contact, today)),
        Text(uk_date(summary.next_key_date)),
    )
    return str(summary.id), cells


def filter_label(status: str | None) -> str:
    shown = CLIENT_STATUSES.label(status) if status else "All statuses"
    return f"Showing: {shown}"


def count_label(count: int) -> str:
    return "1 client" if count == 1 else f"{count:,} clients"


class CaseloadScreen(Screen[None]):
    """The unlocked caseload: one row per client, filtered by case status."""

    DEFAULT_CSS = """
    CaseloadScreen {
        #heading {
            padding: 0 1;
            text-style: bold;
        }
        #bar {
            height: 1;
            padding: 0 1;
        }
        #filter {
            width: 1fr;
        }
        #count {
            width: auto;
        }
        #clients {
            height: 1fr;
        }
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "app.quit", "Quit", id="quit", tooltip="Close the caseload and leave."),
        Binding(
            "f",
            "cycle_filter",
            "Filter status",
            id="filter_status",
            tooltip="Show all clients, or only those with one case status.",
        ),
    ]

    status_filter: reactive[str | None] = reactive(None, init=False)

    @dataclass
    class _Loaded(Message):
        status: str | None
        rows: list[Row]

    def __init__(self, caseload: Caseload, clock: Clock) -> None:
        super().__init__()
        self.caseload = caseload
        self.clock = clock
        # The caseload's one connection is shared; a superseded load still finishing
        # in its thread must not run alongside the next one.
        self._reading = threading.Lock()

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(
            f"Worker: {self.caseload.worker} · Service: {self.caseload.service}",
            id="heading",
            markup=False,
        )
        with Horizontal(id="bar"):
            yield Label(filter_label(None), id="filter")
            yield Label("Loading…", id="count")
        yield DataTable(id="clients", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#clients", DataTable)
        for label in COLUMNS:
            table.add_column(label, key=label)
        table.focus()
        self._load(None)

    def action_cycle_filter(self) -> None:
        filters = [None, *CLIENT_STATUSES.codes]
        following = (filters.index(self.status_filter) + 1) % len(filters)
        self.status_filter = filters[following]

    def watch_status_filter(self, status: str | None) -> None:
        self.query_one("#filter", Label).update(filter_label(status))
        self.query_one("#count", Label).update("Loading…")
        self._load(status)

    @work(thread=True, exclusive=True, group="clients")
    def _load(self, status: str | None) -> None:
        with self._reading:
            if get_current_worker().is_cancelled:
                return
            summaries = self.caseload.clients(status)
        today = self.clock.today()
        rows = [client_row(s, today) for s in summaries]
        if not get_current_worker().is_cancelled:
            self.post_message(self._Loaded(status, rows))

    @on(_Loaded)
    async def _show(self, message: _Loaded) -> None:
        """Fill the table a slice at a time so a large caseload never stalls the screen."""
        if message.status != self.status_filter:
            return
        table = self.query_one("#clients", DataTable)
        table.clear()
        for start in range(0, len(message.rows), ROWS_PER_SLICE):
            for key, cells in message.rows[start : start + ROWS_PER_SLICE]:
                table.add_row(*cells, key=key)
            await asyncio.sleep(0.001)
            if message.status != self.status_filter:
                return
        self.query_one("#count", Label).update(count_label(len(message.rows)))
