"""A table that draws only the rows on screen, so 10,000 clients fill and sort at once.

Textual's DataTable measures every cell of every row it is given (about a second for a
10,000-client caseload); this one takes the rows as a sequence and asks for the cells of
a row only when that row is painted. Columns are fitted to the width: a column with a
`min_width` gives up space, ending in "…", before anything is cut off at the right.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any, ClassVar

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.cache import LRUCache
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

COMPONENTS = ("row-table--header", "row-table--cursor", "row-table--even-row")
GAP = 2  # spaces between columns, or 1 when space is short
MARGIN = 1  # space before the first column


@dataclass(frozen=True)
class Column:
    """A column: the `width` it would like, and the least it can be squeezed to."""

    key: str
    label: str
    width: int = 10
    min_width: int | None = None
    squeeze: int = 0
    """When space is short, columns give up width in this order, lowest first."""
    flex: bool = False
    """Takes whatever width is left over."""
    optional: bool = False
    """Left out altogether when squeezing its rank was not enough (a narrow terminal)."""

    def wanted(self) -> int:
        return max(self.width, len(self.label))


def fit_columns(columns: Sequence[Column], space: int) -> tuple[list[int], int]:
    """Widths for `columns` in `space` cells, and the gap between them.

    When the columns do not fit, the gap narrows to one space, then columns are squeezed
    towards their `min_width`, lowest `squeeze` first; columns with the same `squeeze`
    give up width in proportion to what they can spare. A `flex` column takes any left.
    """
    for gap in (GAP, 1):
        widths = [c.wanted() for c in columns]
        over = sum(widths) - (space - MARGIN - gap * (len(columns) - 1))
        if over <= 0:
            break
    for rank in sorted({c.squeeze for c in columns}):
        if over <= 0:
            break
        spare = {
            i: widths[i] - c.min_width
            for i, c in enumerate(columns)
            if c.squeeze == rank and c.min_width is not None and c.min_width < widths[i]
        }
        total = sum(spare.values())
        cut_here = min(over, total)
        for i, can in spare.items():
            cut = min(can, -(-cut_here * can // total), over)  # round up, so it fits
            widths[i] -= cut
            over -= cut
        for i in reversed(range(len(columns))):  # then leave out this rank's optional ones
            if over > 0 and columns[i].optional and columns[i].squeeze == rank:
                over -= widths[i] + gap
                widths[i] = 0
    if over < 0:  # leaving a column out can free more than was needed: give it back
        squeezed = [i for i, c in enumerate(columns) if widths[i] and widths[i] < c.wanted()]
        squeezed.sort(key=lambda i: (-columns[i].squeeze, -i))
        for i in squeezed:
            give = min(-over, columns[i].wanted() - widths[i])
            widths[i] += give
            over += give
    flexible = [i for i, c in enumerate(columns) if c.flex]
    if over < 0 and flexible:
        widths[flexible[-1]] -= over
    return widths, gap


class RowTable(ScrollView, can_focus=True):
    """Rows of cells with a row cursor; Enter or a click on the cursor row selects it.

    Args:
        key_of: the key of a row (a client id), sent in `RowSelected`.
        cells_of: the cells of a row as Text, asked for only when the row is painted.
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = set(COMPONENTS)

    DEFAULT_CSS = """
    RowTable {
        background: $surface;
        color: $foreground;
        overflow-x: hidden;
        scrollbar-size-vertical: 1;
        &:focus {
            background-tint: $foreground 5%;
            & > .row-table--cursor {
                background: $block-cursor-background;
                color: $block-cursor-foreground;
                text-style: $block-cursor-text-style;
            }
        }
        & > .row-table--header {
            text-style: bold;
            background: $panel;
            color: $foreground;
        }
        & > .row-table--even-row {
            background: $surface-lighten-1 50%;
        }
        &:dark > .row-table--even-row {
            background: $surface-darken-1 40%;
        }
        & > .row-table--cursor {
            background: $block-cursor-blurred-background;
            color: $block-cursor-blurred-foreground;
            text-style: $block-cursor-blurred-text-style;
        }
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "select", "Open", id="table_open", show=False),
        Binding("up", "cursor_up", "Up", id="table_up", show=False),
        Binding("down", "cursor_down", "Down", id="table_down", show=False),
        Binding("pageup", "page_up", "Page up", id="table_page_up", show=False),
        Binding("pagedown", "page_down", "Page down", id="table_page_down", show=False),
        Binding("home,ctrl+home", "first", "First row", id="table_first", show=False),
        Binding("end,ctrl+end", "last", "Last row", id="table_last", show=False),
    ]

    cursor_row: reactive[int] = reactive(0, always_update=True)

    @dataclass
    class RowSelected(Message):
        table: RowTable
        key: str
        index: int

        @property
        def control(self) -> RowTable:
            return self.table

    @dataclass
    class HeaderSelected(Message):
        table: RowTable
        column: str

        @property
        def control(self) -> RowTable:
            return self.table

    def __init__(
        self,
        columns: Sequence[Column],
        key_of: Callable[[Any], str],
        cells_of: Callable[[Any], Sequence[Text]],
        *,
        show_header: bool = True,
        empty_text: str = "",
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(id=id, classes=classes)
        self._top = 1 if show_header else 0
        self.empty_text = empty_text
        self._columns = list(columns)
        self._rows: Sequence[Any] = ()
        self._key_of = key_of
        self._cells_of = cells_of
        self._widths: list[int] = []
        self._gap = GAP
        self._lines: LRUCache[tuple[object, ...], Strip] = LRUCache(1000)
        self._styles: dict[str, Style] = {}
        self._base_style = Style()
        self._after_drawing: list[Callable[[], object]] = []

    # The rows ---------------------------------------------------------------------------

    @property
    def columns(self) -> list[Column]:
        return list(self._columns)

    @property
    def rows(self) -> Sequence[Any]:
        return self._rows

    @property
    def row_count(self) -> int:
        return len(self._rows)

    @property
    def cursor_key(self) -> str | None:
        if not self._rows:
            return None
        return self._key_of(self._rows[self.cursor_row])

    def column_width(self, key: str) -> int:
        """The width a column is drawn at, after fitting."""
        if len(self._widths) != len(self._columns):
            self._fit()
        return self._widths[[c.key for c in self._columns].index(key)]

    def set_columns(self, columns: Sequence[Column]) -> None:
        self._columns = list(columns)
        self._fit()
        self.refresh()

    @property
    def wanted_width(self) -> int:
        """The width that shows every column in full, scroll bar included."""
        columns = self._columns
        return MARGIN + sum(c.wanted() for c in columns) + GAP * (len(columns) - 1) + 1

    def column(self, key: str) -> Column:
        return next(c for c in self._columns if c.key == key)

    def resize_columns(
        self, widths: dict[str, int], min_widths: dict[str, int] | None = None
    ) -> None:
        """New preferred (and least) widths for some columns by key, to fit the data loaded."""
        least = min_widths or {}
        self.set_columns(
            [
                replace(
                    c,
                    width=widths.get(c.key, c.width),
                    min_width=least.get(c.key, c.min_width),
                )
                for c in self._columns
            ]
        )

    def set_rows(self, rows: Sequence[Any], cursor: int = 0) -> None:
        self._rows = rows
        self._lines.clear()
        self._size_to_rows()
        self.move_cursor(cursor)
        height = self.styles.height
        self.refresh(layout=height is not None and height.is_auto)

    def _size_to_rows(self) -> None:
        lines = self._top + max(len(self._rows), 1 if self.empty_text else 0)
        self.virtual_size = Size(self.scrollable_content_region.width, lines)

    def row_text(self, index: int) -> list[str]:
        """The full text of each cell of a row, as a person would read it."""
        return [cell.plain for cell in self._cells_of(self._rows[index])]

    def move_cursor(self, index: int) -> None:
        self.cursor_row = max(0, min(index, len(self._rows) - 1))
        self._scroll_to_cursor()

    # Drawing ---------------------------------------------------------------------------

    def on_mount(self) -> None:
        self._size_to_rows()

    def on_resize(self) -> None:
        self._size_to_rows()
        self._fit()
        self._scroll_to_cursor()

    def _fit(self) -> None:
        self._widths, self._gap = fit_columns(self._columns, self.scrollable_content_region.width)
        self._lines.clear()

    def watch_cursor_row(self) -> None:
        self.refresh()

    def call_after_drawing(self, callback: Callable[[], object]) -> None:
        """Call `callback` once the table, as it is now, has been drawn on the screen.

        Unlike `call_after_refresh`, which can run before a change made a moment ago
        reaches the screen, this waits for the table itself to be drawn.
        """
        self._after_drawing.append(callback)
        self.refresh()

    def render_lines(self, crop: Region) -> list[Strip]:
        # Work the styles out once for all the lines drawn, not once a line.
        self._styles = {name: self.get_component_rich_style(name) for name in COMPONENTS}
        self._base_style = self.rich_style
        lines = super().render_lines(crop)
        if self._after_drawing:
            # Called once this frame is finished and sent to the terminal.
            waiting, self._after_drawing = self._after_drawing, []
            for callback in waiting:
                self.app.call_later(callback)
        return lines

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        base = self._base_style
        if y < self._top:
            style = base + self._styles["row-table--header"]
            labels = [Text(c.label) for c in self._columns]
            return self._strip(labels, style, width)
        index = self.scroll_offset.y + y - self._top
        if index == 0 and not self._rows and self.empty_text:
            return self._strip([Text(self.empty_text)], base, width, [width - MARGIN])
        if index >= len(self._rows):
            return Strip.blank(width, base)
        style = base
        if index % 2:
            style += self._styles["row-table--even-row"]
        cursor = index == self.cursor_row
        if cursor:
            style += self._styles["row-table--cursor"]
        key = (index, cursor, style, width)
        strip = self._lines.get(key)
        if strip is None:
            strip = self._strip(self._cells_of(self._rows[index]), style, width)
            self._lines[key] = strip
        return strip

    def _strip(
        self, cells: Sequence[Text], style: Style, width: int, widths: list[int] | None = None
    ) -> Strip:
        """One line: plain cells are padded directly; styled or long ones go through rich."""
        if widths is None:
            if len(self._widths) != len(self._columns):
                self._fit()
            widths = self._widths
        console = self.app.console
        segments = [Segment(" " * MARGIN, style)]
        for i, (cell, cell_width) in enumerate(zip(cells, widths, strict=True)):
            if not cell_width:
                continue  # a column left out on a narrow screen
            if i:
                segments.append(Segment(" " * self._gap, style))
            cell_style = style + console.get_style(cell.style) if cell.style else style
            plain = cell.plain
            size = cell_len(plain)
            if not cell.spans and size <= cell_width:
                segments.append(Segment(plain + " " * (cell_width - size), cell_style))
                continue
            shown = cell.copy()
            shown.truncate(cell_width, overflow="ellipsis", pad=True)
            segments.extend(
                Segment(text, cell_style + seg_style if seg_style else cell_style)
                for text, seg_style, _ in shown.render(console)
            )
        return Strip(segments).adjust_cell_length(width, style)

    # Moving and choosing -----------------------------------------------------------------

    @property
    def _page(self) -> int:
        return max(1, self.scrollable_content_region.height - self._top)

    def _scroll_to_cursor(self) -> None:
        top = round(self.scroll_y)
        if self.cursor_row < top:
            self.scroll_to(y=self.cursor_row, animate=False, immediate=True)
        elif self.cursor_row >= top + self._page:
            self.scroll_to(y=self.cursor_row - self._page + 1, animate=False, immediate=True)

    def action_cursor_up(self) -> None:
        self.move_cursor(self.cursor_row - 1)

    def action_cursor_down(self) -> None:
        self.move_cursor(self.cursor_row + 1)

    def action_page_up(self) -> None:
        self.move_cursor(self.cursor_row - self._page)

    def action_page_down(self) -> None:
        self.move_cursor(self.cursor_row + self._page)

    def action_first(self) -> None:
        self.move_cursor(0)

    def action_last(self) -> None:
        self.move_cursor(len(self._rows) - 1)

    def action_select(self) -> None:
        if self._rows:
            self.post_message(
                self.RowSelected(self, self._key_of(self._rows[self.cursor_row]), self.cursor_row)
            )

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None or offset.x >= self.scrollable_content_region.width:
            return
        event.stop()
        if offset.y < self._top:
            column = self._column_at(offset.x)
            if column is not None:
                self.post_message(self.HeaderSelected(self, column))
            return
        index = round(self.scroll_y) + offset.y - self._top
        if index >= len(self._rows):
            return
        if index == self.cursor_row:
            self.action_select()
        else:
            self.move_cursor(index)

    def column_x(self, key: str) -> int:
        """Where a column starts, in cells from the table's left edge."""
        if len(self._widths) != len(self._columns):
            self._fit()
        index = [c.key for c in self._columns].index(key)
        shown = [w for w in self._widths[:index] if w]
        return MARGIN + sum(shown) + self._gap * len(shown)

    def _column_at(self, x: int) -> str | None:
        left = MARGIN
        gap = self._gap
        for column, width in zip(self._columns, self._widths, strict=True):
            if not width:
                continue
            if left - gap // 2 <= x < left + width + gap - gap // 2:
                return column.key
            left += width + gap
        return None
