"""Text charts: bars, count bars and changes in words, none of them relying on colour."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from keyworker.charts import (
    BLOCKS,
    EIGHTHS,
    FULL,
    MOTIVATION_SCALE,
    NEED_SCALE,
    NO_VALUE,
    bars,
    count_bar,
    motivation_rank,
    need_rank,
    trend_words,
    verdict,
)
from keyworker.vocabulary import MOTIVATIONS, NEED_LEVELS

# Bars ---------------------------------------------------------------------------------


def test_own_ratings_run_from_the_shortest_block_to_the_tallest() -> None:
    assert bars([1, 10], 1, 10) == "▁█"
    assert bars([3, 5, 7], 1, 10) == "▃▄▆"


def test_need_levels_are_four_clearly_different_heights() -> None:
    assert bars([1, 2, 3, 4], 1, 4) == "▁▃▆█"


def test_a_missing_value_is_a_dot_not_a_bar() -> None:
    assert bars([None, 4, None], 1, 4) == f"{NO_VALUE}█{NO_VALUE}"
    assert bars([], 1, 10) == ""


def test_values_off_the_scale_are_refused() -> None:
    with pytest.raises(ValueError, match="outside"):
        bars([11], 1, 10)
    with pytest.raises(ValueError, match="above"):
        bars([1], 4, 4)


@given(st.data(), st.integers(-50, 50), st.integers(1, 50))
def test_bars_are_one_block_a_value_and_never_lower_for_a_higher_value(
    data: st.DataObject, low: int, span: int
) -> None:
    high = low + span
    values = data.draw(st.lists(st.one_of(st.none(), st.integers(low, high)), max_size=20))
    drawn = bars(values, low, high)
    assert len(drawn) == len(values)
    heights = {}
    for value, block in zip(values, drawn, strict=True):
        if value is None:
            assert block == NO_VALUE
        else:
            heights[value] = BLOCKS.index(block)
    ordered = [heights[v] for v in sorted(heights)]
    assert ordered == sorted(ordered)
    if low in heights:
        assert heights[low] == 0
    if high in heights:
        assert heights[high] == len(BLOCKS) - 1


# Count bars -----------------------------------------------------------------------------


def test_count_bars_fill_the_width_at_the_largest_and_end_in_eighths() -> None:
    assert count_bar(4, 4, 10) == FULL * 10
    assert count_bar(2, 4, 10) == FULL * 5
    assert count_bar(1, 16, 10) == "▋"  # five eighths of a cell
    assert count_bar(0, 4, 10) == ""
    assert count_bar(0, 0, 10) == ""


def test_one_is_never_drawn_as_nothing() -> None:
    assert count_bar(1, 10_000, 10) == "▏"


def test_impossible_counts_are_refused() -> None:
    with pytest.raises(ValueError):
        count_bar(5, 4, 10)
    with pytest.raises(ValueError):
        count_bar(-1, 4, 10)


def eighths_of(bar: str) -> int:
    return sum(8 if c == FULL else EIGHTHS.index(c) + 1 for c in bar)


@given(st.data(), st.integers(0, 500), st.integers(0, 60))
def test_count_bars_fit_and_grow_with_the_count(
    data: st.DataObject, largest: int, width: int
) -> None:
    count = data.draw(st.integers(0, largest))
    more = data.draw(st.integers(count, largest))
    bar = count_bar(count, largest, width)
    assert len(bar) <= width
    assert set(bar) <= {FULL, *EIGHTHS}
    assert all(c == FULL for c in bar[:-1])
    assert (bar == "") == (count == 0 or width == 0)
    assert eighths_of(bar) <= eighths_of(count_bar(more, largest, width))
    if width:
        assert abs(eighths_of(bar) - count * width * 8 / max(largest, 1)) <= 1


# Scales and changes in words ------------------------------------------------------------


def test_need_levels_rank_from_no_need_to_high() -> None:
    assert list(NEED_SCALE) == NEED_LEVELS.codes
    assert [need_rank(code) for code in NEED_SCALE] == [1, 2, 3, 4]
    assert need_rank(None) is None


def test_motivation_runs_from_least_to_most_ready_without_not_answering() -> None:
    assert motivation_rank("does_not_want_to") == 1
    assert motivation_rank("made_changes") == len(MOTIVATION_SCALE) == 6
    assert motivation_rank("did_not_answer") is None
    assert motivation_rank(None) is None
    assert set(MOTIVATION_SCALE) == set(MOTIVATIONS.codes) - {"did_not_answer"}
    # The vocabulary lists the most ready first; the scale is that order turned round.
    assert list(MOTIVATION_SCALE) == [
        c for c in reversed(MOTIVATIONS.codes) if c in MOTIVATION_SCALE
    ]


def test_changes_are_worded_with_which_way_is_better() -> None:
    assert trend_words(3, 7, better="up") == "up 4, better"
    assert trend_words(4, 3, better="up") == "down 1, worse"
    assert trend_words(4, 2, better="down") == "down 2, better"
    assert trend_words(2, 2, better="down") == "no change"
    assert verdict(4, 1, "down") == "better"
    assert verdict(1, 4, "down") == "worse"
    assert verdict(5, 5, "up") == "no change"


@given(st.integers(-20, 20), st.integers(-20, 20), st.sampled_from(["up", "down"]))
def test_a_change_and_its_reverse_are_opposites(first: int, last: int, better: str) -> None:
    there, back = verdict(first, last, better), verdict(last, first, better)  # type: ignore[arg-type]
    if first == last:
        assert there == back == "no change"
    else:
        assert {there, back} == {"better", "worse"}
        assert str(abs(last - first)) in trend_words(first, last, better)  # type: ignore[arg-type]
