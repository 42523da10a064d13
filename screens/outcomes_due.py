"""Appointments that have ended with outcomes still to record, to complete one by one.

Shown when the app opens if there are any, and from the agenda with `r`. Each line is
one person's outcome at one appointment, oldest first; once it is recorded (or the
appointment moved or cancelled) the line goes, and the cursor stays where it was, on
the next one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar
from uuid import UUID
from zoneinfo import ZoneInfo

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Header, Static

from keyworker.appointments import AgendaEntry, AgendaPerson
from keyworker.clock import Clock
from keyworker.errors import CaseloadLocked, KeyworkerError
from keyworker.times import when_text
from screens.agenda import person_words, where_words
from screens.appointment_actions import AppointmentActions
from screens.footer import KeyFooter
from screens.row_table import Column, RowTable
from storage import Caseload

TITLE = "Outcomes to record"
ALL_RECORDED = "All outcomes are recorded."
LOADING = "Loading…"

DUE_COLUMNS = (
    Column("when", "When", 26),
    Column("what", "Appointment", 24, min_width=10, squeeze=1),
    Column("who", "Who", 26, min_width=14, squeeze=2),
    Column("where", "With or where", 20, min_width=8, squeeze=0, flex=True),
)


@dataclass(frozen=True, slots=True)
class Due:
    """One person's outcome still to record at one appointment."""

    entry: AgendaEntry
    person: AgendaPerson


def due_lines(entries: Sequence[AgendaEntry]) -> list[Due]:
    """A line for each person still without an outcome, in the order the entries came."""
    return [Due(e, p) for e in entries for p in e.people if p.outcome is None]


def due_words(count: int) -> str:
    if count == 0:
        return ALL_RECORDED
    outcomes = "1 outcome" if count == 1 else f"{count:,} outcomes"
    return (
        f"{outcomes} to record, oldest first. Press o to record one; "
        "m moves an appointment, x cancels it."
    )


class DueTable(RowTable):
    """The outcomes still to record, with the keys that complete them."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "o",
            "screen.record_outcome",
            "Outcome",
            id="record_outcome",
            tooltip="Record whether the person came, or why not.",
        ),
        Binding(
            "enter",
            "select",
            "Open record",
            id="due_open_record",
            tooltip="Open the person's record.",
        ),
        Binding(
            "m",
            "screen.reschedule_appointment",
            "Move",
            id="reschedule_appointment",
            tooltip="Move the appointment to a new time (kept, linked to the new one).",
        ),
        Binding(
            "x",
            "screen.cancel_appointment",
            "Cancel appt",
            id="cancel_appointment",
            tooltip="Cancel the appointment, saying who cancelled it.",
        ),
    ]


class OutcomesDueScreen(AppointmentActions, Screen[None]):
    """The outcomes still to record; Escape goes back, whether or not all are done."""

    HELP_TITLE = TITLE
    AUTO_FOCUS = "#due"

    DEFAULT_CSS = """
    OutcomesDueScreen {
        #due-title {
            padding: 0 1;
            text-style: bold;
        }
        #due-about {
            height: auto;
            padding: 0 1;
        }
        #due {
            height: 1fr;
        }
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", id="due_back", tooltip="Back to where you were."),
    ]

    @dataclass
    class _Loaded(Message):
        lines: list[Due]

    @dataclass
    class _Failed(Message):
        problem: str

    def __init__(self, caseload: Caseload, clock: Clock, zone: ZoneInfo) -> None:
        super().__init__()
        self.caseload = caseload
        self.clock = clock
        self.zone = zone
        self.loaded = False

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(TITLE, id="due-title", markup=False)
        yield Static(LOADING, id="due-about", markup=False)
        yield DueTable(DUE_COLUMNS, _key, self._cells, empty_text=ALL_RECORDED, id="due")
        yield KeyFooter(show_command_palette=False)

    def _cells(self, line: Due) -> tuple[Text, ...]:
        entry = line.entry
        return (
            Text(when_text(entry.start, entry.end, self.zone)),
            Text(entry.label()),
            Text(person_words(line.person)),
            Text(where_words(entry)),
        )

    @property
    def table(self) -> RowTable:
        return self.query_one("#due", RowTable)

    def on_screen_resume(self) -> None:
        self._load()

    @work(thread=True, exclusive=True, group="outcomes-due")
    def _load(self) -> None:
        try:
            entries = self.caseload.outcomes_due()
        except CaseloadLocked:
            return
        except KeyworkerError as exc:
            self.post_message(self._Failed(str(exc)))
            return
        self.post_message(self._Loaded(due_lines(entries)))

    @on(_Loaded)
    def _loaded(self, message: _Loaded) -> None:
        table = self.table
        keep = table.cursor_row
        self.loaded = True
        table.set_rows(message.lines, cursor=min(keep, max(len(message.lines) - 1, 0)))
        self.query_one("#due-about", Static).update(due_words(len(message.lines)))
        self.refresh_bindings()

    @on(_Failed)
    def _failed(self, message: _Failed) -> None:
        self.notify(message.problem, title="Not loaded", severity="error", timeout=10)

    # What the appointment actions need ----------------------------------------------

    def chosen_appointment(self) -> tuple[UUID, UUID | None] | None:
        table = self.query_one_optional("#due", RowTable)
        if table is None or not table.row_count:
            return None
        line: Due = table.rows[table.cursor_row]
        return line.entry.id, line.person.client_id

    def booking_for(self) -> list[UUID]:
        return []

    def appointments_changed(self) -> None:
        self._load()

    @on(RowTable.RowSelected, "#due")
    def _open(self, message: RowTable.RowSelected) -> None:
        from screens.client import ClientScreen

        line: Due = self.table.rows[message.index]
        self.app.push_screen(ClientScreen(self.caseload, self.clock, line.person.client_id))

    def action_back(self) -> None:
        self.app.pop_screen()


def _key(line: Due) -> str:
    return f"{line.entry.id}:{line.person.client_id}"
