"""The needs profile: across the caseload, how many people have a high or immediate need.

Counted from each person's latest completed assessment, on open cases. Each count has a
bar beside it whose length is its share of the people counted, so the figures read the
same without colour and the bars compare across both columns.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Header, Static

from keyworker.charts import count_bar
from keyworker.clock import Clock
from keyworker.dates import uk_date
from keyworker.errors import CaseloadLocked, KeyworkerError
from keyworker.vocabulary import PATHWAYS
from screens.footer import KeyFooter
from screens.row_table import Column, RowTable
from storage import Caseload

LOAD_FAILED = "The needs profile could not be shown."
NOBODY_ASSESSED = (
    "Nobody on an open case has a completed assessment yet, so there is no needs profile "
    "to show. It fills in as assessments are completed."
)

COLUMNS = (
    Column("pathway", "Pathway", 35, min_width=20, squeeze=2),
    Column("high", "High need", 24, min_width=12, squeeze=1),
    Column("immediate", "Immediate need", 24, min_width=14, squeeze=1, flex=True),
)


@dataclass(frozen=True)
class ProfileRow:
    pathway: str
    high: int
    immediate: int


@dataclass(frozen=True)
class Profile:
    rows: list[ProfileRow]
    people: int
    """People whose latest assessment is counted."""
    on: date


def people_words(count: int) -> str:
    return "1 person" if count == 1 else f"{count:,} people"


def about_words(profile: Profile) -> str:
    """What the figures count, and when."""
    return (
        f"Counts the latest completed assessment of {people_words(profile.people)} on open "
        f"cases, as of {uk_date(profile.on)}. A full bar is all {people_words(profile.people)}."
    )


class NeedsProfileScreen(Screen[None]):
    """The caseload's needs, pathway by pathway, opened from the dashboard."""

    HELP_TITLE = "Needs profile"

    DEFAULT_CSS = """
    NeedsProfileScreen {
        #title {
            padding: 0 1;
            text-style: bold;
        }
        #about {
            padding: 0 1;
            margin-bottom: 1;
        }
        #profile {
            height: auto;
            max-height: 1fr;
        }
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", id="needs_profile_back", tooltip="Back to the caseload."),
    ]

    @dataclass
    class _Loaded(Message):
        profile: Profile

    @dataclass
    class _Failed(Message):
        problem: str

    def __init__(self, caseload: Caseload, clock: Clock) -> None:
        super().__init__()
        self.caseload = caseload
        self.clock = clock
        self.profile: Profile | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Needs profile: the whole caseload", id="title", markup=False)
        yield Static("Counting…", id="about", markup=False)
        yield RowTable(
            COLUMNS,
            key_of=lambda row: row.pathway,
            cells_of=self._cells,
            empty_text="Loading…",
            id="profile",
        )
        yield KeyFooter(show_command_palette=False)

    def on_mount(self) -> None:
        self.query_one("#profile").focus()
        self._load()

    def on_screen_resume(self) -> None:
        if self.profile is None:
            self._load()  # it was locked while loading; load again now it is open

    @work(thread=True, exclusive=True, group="needs-profile")
    def _load(self) -> None:
        try:
            counts = self.caseload.needs_profile()
            people = self.caseload.people_assessed()
        except CaseloadLocked:
            return
        except KeyworkerError as exc:
            self.post_message(self._Failed(str(exc)))
            return
        rows = [ProfileRow(code, *counts.get(code, (0, 0))) for code in PATHWAYS.codes]
        self.post_message(self._Loaded(Profile(rows, people, self.clock.today())))

    @on(_Failed)
    def _failed(self, message: _Failed) -> None:
        if self.profile is None:
            self.query_one("#about", Static).update(f"{LOAD_FAILED} {message.problem}")
        self.notify(message.problem, title="Not shown", severity="error")

    @on(_Loaded)
    def _loaded(self, message: _Loaded) -> None:
        self.profile = profile = message.profile
        table = self.query_one("#profile", RowTable)
        if not profile.people:
            self.query_one("#about", Static).update(NOBODY_ASSESSED)
            table.display = False
            return
        self.query_one("#about", Static).update(about_words(profile))
        table.display = True
        table.set_rows(profile.rows)

    def _cells(self, row: ProfileRow) -> tuple[Text, ...]:
        profile = self.profile
        assert profile is not None
        table = self.query_one("#profile", RowTable)
        largest = max(profile.people, *(max(r.high, r.immediate) for r in profile.rows))
        digits = len(str(largest))
        # One scale for both columns, so their bars compare.
        space = min(table.column_width("high"), table.column_width("immediate"))
        width = max(0, space - digits - 1)
        return (
            Text(PATHWAYS.label(row.pathway)),
            Text(f"{row.high:>{digits}} {count_bar(row.high, largest, width)}"),
            Text(f"{row.immediate:>{digits}} {count_bar(row.immediate, largest, width)}"),
        )

    def action_back(self) -> None:
        self.app.pop_screen()
