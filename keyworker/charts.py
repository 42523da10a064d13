"""Small charts made of text, for distance travelled and the needs profile.

They go in a terminal and into plain documents, so they never depend on colour: the
height or length of a block says the value, and the screens print the value in words
beside it. The scales say which way is better for each standard rating, so a change
can be worded as "better" or "worse" rather than shown in red or green.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from keyworker.vocabulary import MOTIVATION_SCALE

BLOCKS = "▁▂▃▄▅▆▇█"
"""Bar heights, lowest first."""
NO_VALUE = "·"
"""Where an assessment gave no value (a rating not answered)."""
FULL = "█"
EIGHTHS = "▏▎▍▌▋▊▉"
"""A block one to seven eighths wide, for the end of a horizontal bar."""

Better = Literal["up", "down"]

NEED_SCALE = ("none", "low", "medium", "high")
"""Need levels, least first: a falling need is better."""
"""Motivation to change, least ready first: rising is better. "Did not want to answer"
is not on the scale, nor is any term a service adds: there is no telling where it sits."""


def need_rank(code: str | None) -> int | None:
    """A need level as 1 (no need) to 4 (high), or None if not rated."""
    return NEED_SCALE.index(code) + 1 if code in NEED_SCALE else None


def motivation_rank(code: str | None) -> int | None:
    """Motivation as 1 (does not want to change) to 6 (has made changes), or None."""
    return MOTIVATION_SCALE.index(code) + 1 if code in MOTIVATION_SCALE else None


def bars(values: Sequence[int | None], low: int, high: int) -> str:
    """One block a value, its height placing the value between `low` and `high`.

    `low` is the shortest block and `high` the tallest; a missing value is a "·".

    Raises:
        ValueError: `high` is not above `low`, or a value is outside them.
    """
    if high <= low:
        raise ValueError(f"the top of the scale ({high}) must be above the bottom ({low})")
    steps = len(BLOCKS) - 1
    shown = []
    for value in values:
        if value is None:
            shown.append(NO_VALUE)
            continue
        if not low <= value <= high:
            raise ValueError(f"{value} is outside the scale {low} to {high}")
        shown.append(BLOCKS[round((value - low) * steps / (high - low))])
    return "".join(shown)


def count_bar(count: int, largest: int, width: int) -> str:
    """A horizontal bar `width` cells long at `largest`, to the nearest eighth of a cell.

    A count of nought is no bar at all; any other count shows at least a sliver, so
    one person is never drawn the same as nobody.

    Raises:
        ValueError: a negative count or width, or a count above `largest`.
    """
    if count < 0 or width < 0:
        raise ValueError("a count and a width cannot be negative")
    if count > largest:
        raise ValueError(f"{count} is more than the largest, {largest}")
    if count == 0 or width == 0:
        return ""
    eighths = max(1, round(count * width * 8 / largest))
    whole, part = divmod(eighths, 8)
    return FULL * whole + (EIGHTHS[part - 1] if part else "")


def verdict(first: int, last: int, better: Better) -> str:
    """Whether a move from `first` to `last` is "better", "worse" or "no change"."""
    if first == last:
        return "no change"
    rose = last > first
    return "better" if rose == (better == "up") else "worse"


def trend_words(first: int, last: int, better: Better = "up") -> str:
    """The change in words, for a change column: "up 4, better", "down 1, worse", "no change"."""
    if first == last:
        return "no change"
    direction = "up" if last > first else "down"
    return f"{direction} {abs(last - first)}, {verdict(first, last, better)}"
