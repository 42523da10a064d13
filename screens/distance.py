"""Distance travelled: one person's standard ratings, pathway by pathway, across assessments.

Each pathway assessed gets a table (a row a rating, a column an assessment, and the
change from the first rating to the latest in words) and a small chart of the own
rating and the need level over time. Nothing is said by colour: changes are worded
"better" or "worse", and the charts have their values written beside them.

On a narrow screen the earliest assessments drop out of a table, with a note saying
so; the change and the charts still run from the first assessment.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from operator import attrgetter
from typing import ClassVar
from uuid import UUID

from rich.cells import cell_len
from rich.table import Table
from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Header, Static

from keyworker.assessment_text import NOT_ANSWERED, rating_words
from keyworker.assessments import Assessment, Point, current, distance_travelled
from keyworker.charts import Better, bars, motivation_rank, need_rank, trend_words, verdict
from keyworker.clock import Clock
from keyworker.dates import uk_date
from keyworker.errors import CaseloadLocked, KeyworkerError
from keyworker.models import Client
from keyworker.vocabulary import MOTIVATIONS, NEED_LEVELS, PATHWAYS
from screens.footer import KeyFooter
from screens.row_table import MARGIN, Column, RowTable
from storage import Caseload

NO_ASSESSMENTS = (
    "No completed assessments yet: distance travelled shows once an assessment is completed."
)
LOAD_FAILED = "Distance travelled could not be shown."
NOT_GIVEN = "not given"
LEGEND = (
    "Change is from the first rating to the latest. Charts, oldest first: a taller bar is a "
    "higher own rating (1 worst, 10 best) or need (▁ none, ▃ low, ▆ medium, █ high); "
    "· not given."
)

# The table's least widths: room for "Immediate need", a date with its I or R, and
# "Yes → No, better"; the change is reworded shorter before it is cut.
MEASURE_WIDTH = 14
ASSESSMENT_WIDTH = 12
CHANGE_WIDTH = 16

MOTIVATION_WORDS = {
    "made_changes": "Made changes",
    "making_changes": "Making changes",
    "wants_to_change": "Wants change",
    "needs_help_to_change": "Needs help",
    "thinking_about_it": "Considering",
    "does_not_want_to": "Not wanting to",
    "did_not_answer": "Did not answer",
}
"""Motivation short enough for a table cell; a service's own terms keep their label."""


def motivation_words(code: object) -> str:
    if code is None:
        return NOT_ANSWERED
    return MOTIVATION_WORDS.get(str(code)) or MOTIVATIONS.label(str(code))


def kind_letter(point: Point) -> str:
    return "I" if point.kind == "initial" else "R"


def column_label(point: Point) -> str:
    """22/11/2026 R"""
    return f"{uk_date(point.on)} {kind_letter(point)}"


@dataclass(frozen=True)
class Measure:
    """One standard rating as the table shows it, and which way is better."""

    name: str
    value: Callable[[Point], object]
    rank: Callable[[object], int | None]
    """Where a value sits on the rating's scale, or None if it is not on it."""
    better: Better
    cell: Callable[[object], str]
    """A value in a table cell."""
    short: Callable[[object], str]
    """A value in the change column and beside the charts."""
    counted: bool = True
    """Whether the change can be said as a number of steps ("up 2")."""


def _need_words(code: object) -> str:
    return NEED_LEVELS.label(str(code)) if code is not None else NOT_ANSWERED


def _number(value: object) -> str:
    return NOT_ANSWERED if value is None else str(value)


def _rank_of_number(value: object) -> int | None:
    return value if isinstance(value, int) else None


MEASURES = (
    Measure(
        "Need level",
        attrgetter("need_level"),
        lambda code: need_rank(code if isinstance(code, str) else None),
        "down",
        partial(rating_words, "need_level"),
        _need_words,
    ),
    Measure(
        "Own rating",
        attrgetter("own_rating"),
        _rank_of_number,
        "up",
        partial(rating_words, "own_rating"),
        _number,
    ),
    Measure(
        "Motivation",
        attrgetter("motivation"),
        lambda code: motivation_rank(code if isinstance(code, str) else None),
        "up",
        motivation_words,
        motivation_words,
    ),
    Measure(
        "Immediate need",
        attrgetter("immediate_need"),
        lambda value: int(bool(value)),
        "down",
        partial(rating_words, "immediate_need"),
        partial(rating_words, "immediate_need"),
        counted=False,
    ),
)


def change_words(measure: Measure, points: Sequence[Point]) -> tuple[str, str]:
    """The change from the first rating to the latest, in full and shortened.

    "High → Low, better" and "down 2, better"; ratings not given, or not on the scale
    (motivation "did not want to answer"), are passed over.
    """
    known = [
        (rank, value)
        for value in map(measure.value, points)
        if value is not None and (rank := measure.rank(value)) is not None
    ]
    if not known:
        return "Not rated", "Not rated"
    if len(known) == 1:
        return "Only one rating", "Only one rating"
    (first, was), (last, now) = known[0], known[-1]
    if first == last:
        return "No change", "No change"
    said = verdict(first, last, measure.better)
    full = f"{measure.short(was)} → {measure.short(now)}, {said}"
    return full, trend_words(first, last, measure.better) if measure.counted else said


@dataclass(frozen=True)
class MeasureRow:
    name: str
    cells: tuple[str, ...]
    """One a completed assessment, oldest first."""
    change: str
    short_change: str


def measure_rows(points: Sequence[Point]) -> list[MeasureRow]:
    return [
        MeasureRow(
            measure.name,
            tuple(measure.cell(measure.value(p)) for p in points),
            *change_words(measure, points),
        )
        for measure in MEASURES
    ]


def columns_that_fit(widths: Sequence[int], space: int) -> int:
    """How many of the latest assessment columns fit beside the rating and the change."""
    room = space - MARGIN - MEASURE_WIDTH - CHANGE_WIDTH - 1
    shown = 0
    for width in reversed(widths):
        room -= width + 1
        if room < 0:
            break
        shown += 1
    return max(1, shown)


def chart(points: Sequence[Point]) -> Table:
    """The own rating and the need level over time, with the values in words beside."""
    own = [p.own_rating for p in points]
    need = [need_rank(p.need_level) for p in points]
    grid = Table.grid(padding=(0, 2))
    grid.add_column(no_wrap=True)
    grid.add_column(no_wrap=True)
    grid.add_column(overflow="fold")
    grid.add_row(
        Text("Own rating"),
        Text(" ".join(bars(own, 1, 10))),
        Text("out of 10: " + " → ".join(NOT_GIVEN if v is None else str(v) for v in own)),
    )
    grid.add_row(
        Text("Need level"),
        Text(" ".join(bars(need, 1, 4))),
        Text(" → ".join(_need_words(p.need_level) for p in points)),
    )
    return grid


def summary_words(assessments: Sequence[Assessment]) -> str:
    """3 completed assessments, 01/06/2026 to 16/11/2026 (I initial, R review)."""
    count = len(assessments)
    first, last = assessments[0].assessed_on, assessments[-1].assessed_on
    if count == 1:
        return f"1 completed assessment, {uk_date(first)} (I initial, R review)."
    return (
        f"{count} completed assessments, {uk_date(first)} to {uk_date(last)} (I initial, R review)."
    )


def not_assessed_words(assessed: Sequence[str]) -> str:
    missing = [PATHWAYS.label(code) for code in PATHWAYS.codes if code not in assessed]
    if not missing:
        return ""
    return f"Not assessed (skipped or not asked): {'; '.join(missing)}."


def heading_words(pathway: str, shown: int, total: int) -> str:
    label = PATHWAYS.label(pathway)
    if shown >= total:
        return label
    return f"{label} · showing the latest {shown} of {total} assessments"


class DistanceTable(RowTable, can_focus=False):
    """A pathway's ratings: the latest assessments that fit, and the change in words."""

    DEFAULT_CSS = """
    DistanceTable {
        height: auto;
        scrollbar-size-vertical: 0;
        & > .row-table--cursor {
            background: $surface;
            color: $foreground;
            text-style: none;
        }
    }
    """

    def __init__(self, points: Sequence[Point], *, id: str | None = None) -> None:
        self.points = list(points)
        self.shown = len(self.points)
        rows = measure_rows(self.points)
        wanted = [
            max(ASSESSMENT_WIDTH, len(column_label(p)), *(cell_len(r.cells[i]) for r in rows))
            for i, p in enumerate(self.points)
        ]
        self.widths = wanted
        self._change_width = max(cell_len(r.change) for r in rows)
        self._rows_to_show = rows
        super().__init__(
            self._latest_columns(), key_of=attrgetter("name"), cells_of=self._cells, id=id
        )

    def on_mount(self) -> None:
        self.set_rows(self._rows_to_show)

    def _latest_columns(self) -> list[Column]:
        first = len(self.points) - self.shown
        return [
            Column("measure", "Rating", MEASURE_WIDTH),
            *(
                Column(f"a{i}", column_label(p), self.widths[i])
                for i, p in enumerate(self.points)
                if i >= first
            ),
            Column("change", "Change", self._change_width, min_width=CHANGE_WIDTH, flex=True),
        ]

    def show_latest(self, shown: int) -> None:
        if shown != self.shown:
            self.shown = shown
            self.set_columns(self._latest_columns())

    def _cells(self, row: MeasureRow) -> tuple[Text, ...]:
        cells = row.cells[len(row.cells) - self.shown :]
        fits = cell_len(row.change) <= self.column_width("change")
        return (
            Text(row.name),
            *(Text(cell) for cell in cells),
            Text(row.change if fits else row.short_change),
        )


class PathwayPanel(Vertical):
    """One pathway: its name, its table and its chart."""

    DEFAULT_CSS = """
    PathwayPanel {
        height: auto;
        margin-bottom: 1;
        & > .pathway {
            text-style: bold underline;
        }
        & > .chart {
            height: auto;
            margin-top: 1;
        }
    }
    """

    def __init__(self, pathway: str, points: Sequence[Point]) -> None:
        super().__init__(id=f"pathway-{pathway}")
        self.pathway = pathway
        self.points = list(points)

    def compose(self) -> ComposeResult:
        total = len(self.points)
        yield Static(heading_words(self.pathway, total, total), classes="pathway", markup=False)
        yield DistanceTable(self.points)
        yield Static(chart(self.points), classes="chart")

    def on_resize(self, event: events.Resize) -> None:
        table = self.query_one(DistanceTable)
        shown = columns_that_fit(table.widths, event.size.width)
        table.show_latest(shown)
        words = heading_words(self.pathway, table.shown, len(self.points))
        self.query_one(".pathway", Static).update(words)


class DistanceScreen(Screen[None]):
    """One person's distance travelled, opened from their record; Escape goes back."""

    HELP_TITLE = "Distance travelled"

    DEFAULT_CSS = """
    DistanceScreen {
        #title {
            padding: 0 1;
        }
        #distance {
            height: 1fr;
            padding: 0 1;
        }
        #distance > Static {
            height: auto;
            margin-bottom: 1;
        }
        #distance > #summary {
            margin-bottom: 0;
        }
        #legend {
            color: $text-muted;
        }
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", id="distance_back", tooltip="Back to the record."),
    ]

    @dataclass
    class _Loaded(Message):
        client: Client
        assessments: list[Assessment]
        series: dict[str, list[Point]]

    @dataclass
    class _Failed(Message):
        problem: str

    def __init__(self, caseload: Caseload, clock: Clock, client_id: UUID) -> None:
        super().__init__()
        self.caseload = caseload
        self.clock = clock
        self.client_id = client_id
        self.series: dict[str, list[Point]] | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Opening distance travelled…", id="title", markup=False)
        yield VerticalScroll(id="distance")
        yield KeyFooter(show_command_palette=False)

    def on_mount(self) -> None:
        self.query_one("#distance").focus()
        self._load()

    def on_screen_resume(self) -> None:
        if self.series is None:
            self._load()  # it was locked while loading; load again now it is open

    @work(thread=True, exclusive=True, group="distance")
    def _load(self) -> None:
        try:
            client = self.caseload.client(self.client_id)
            assessments = self.caseload.assessments(self.client_id)
        except CaseloadLocked:
            return
        except KeyworkerError as exc:
            self.post_message(self._Failed(str(exc)))
            return
        self.post_message(
            self._Loaded(client, current(assessments), distance_travelled(assessments))
        )

    @on(_Failed)
    def _failed(self, message: _Failed) -> None:
        if self.series is None:
            self.query_one("#title", Static).update(f"{LOAD_FAILED} {message.problem}")
        self.notify(message.problem, title="Not shown", severity="error")

    @on(_Loaded)
    async def _loaded(self, message: _Loaded) -> None:
        self.series = message.series
        self.query_one("#title", Static).update(title_words(message.client))
        body = self.query_one("#distance", VerticalScroll)
        await body.remove_children()
        if not message.assessments:
            await body.mount(Static(NO_ASSESSMENTS, id="summary", markup=False))
            return
        parts: list[Static | PathwayPanel] = [
            Static(summary_words(message.assessments), id="summary", markup=False),
            Static(LEGEND, id="legend", markup=False),
        ]
        parts.extend(PathwayPanel(code, points) for code, points in message.series.items())
        missing = not_assessed_words(list(message.series))
        if missing:
            parts.append(Static(missing, id="not-assessed", markup=False))
        await body.mount_all(parts)

    def action_back(self) -> None:
        self.app.pop_screen()


def title_words(client: Client) -> Text:
    """Dan Price  ·  KW-RZKAK  ·  Distance travelled"""
    text = Text()
    text.append(client.display_name, style="bold")
    text.append(f"  ·  {client.case_ref}  ·  Distance travelled")
    return text
