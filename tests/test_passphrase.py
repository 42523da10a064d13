"""Passphrase strength in plain words, and the wait after repeated wrong passphrases."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from keyworker.passphrase import MIN_PASSPHRASE_LENGTH, assess_passphrase, unlock_delay


def test_the_example_passphrase_is_strong() -> None:
    strength = assess_passphrase("correct horse battery staple")
    assert strength.acceptable
    assert strength.score == 4
    assert strength.hint == "Strong."


def test_nothing_typed_asks_for_a_passphrase() -> None:
    strength = assess_passphrase("")
    assert not strength.acceptable
    assert strength.score == 0
    assert strength.hint.startswith("Type a passphrase")


@pytest.mark.parametrize("text", ["blue river", "x7#Kp!2q", "eleven char"])
def test_too_short_is_refused_with_the_minimum(text: str) -> None:
    strength = assess_passphrase(text)
    assert not strength.acceptable
    assert strength.hint == (
        "Too short: use at least 12 characters; four or more unrelated words work well."
    )
    assert strength.score <= 1


def test_twelve_characters_is_enough_length() -> None:
    assert MIN_PASSPHRASE_LENGTH == 12
    assert not assess_passphrase("x7#Kp!2qLm9").acceptable
    assert assess_passphrase("x7#Kp!2qLm9z").acceptable


@pytest.mark.parametrize(
    "text",
    [
        "password",
        "Password123!",
        "password1234",
        "P a s s w o r d 2 0 2 6",
        "letmein12345",
        "qwertyuiop12",
        "123456789012",
        "000000000000",
        "iloveyou1234",
        "thequickbrownfoxjumpsoverthelazydog",
    ],
)
def test_common_passphrases_are_refused(text: str) -> None:
    strength = assess_passphrase(text)
    assert not strength.acceptable
    assert strength.score == 0
    assert strength.hint.startswith("Too common:")


@pytest.mark.parametrize(
    "text",
    ["aaaaaaaaaaaaaaaa", "ababababababab", "abcdefghijklmnop", "zyxwvutsrqponm", "!!!!!!!!!!!!"],
)
def test_repeated_or_sequential_characters_are_refused(text: str) -> None:
    strength = assess_passphrase(text)
    assert not strength.acceptable
    assert strength.score == 0
    assert strength.hint.startswith("Too predictable:")


def test_a_single_long_word_with_a_year_is_only_fair() -> None:
    strength = assess_passphrase("tablelamp2024")
    assert strength.acceptable
    assert strength.score == 2
    assert strength.hint == "Fair: adding another word would make it much stronger."


def test_three_words_are_good_and_a_fourth_makes_them_strong() -> None:
    three = assess_passphrase("blue table river")
    four = assess_passphrase("blue table river kettle")
    assert (three.score, three.hint) == (3, "Good: one more word would make it stronger still.")
    assert (four.score, four.hint) == (4, "Strong.")


def test_repeating_one_word_does_not_count_as_more_words() -> None:
    assert assess_passphrase("horse horse horse horse").score < 4


def test_long_random_characters_are_strong() -> None:
    assert assess_passphrase("Gt5%kL9!qW2@zX8^").score == 4


@given(st.text(max_size=80))
def test_any_text_gets_a_consistent_assessment(text: str) -> None:
    strength = assess_passphrase(text)
    assert 0 <= strength.score <= 4
    assert strength.hint
    assert "\n" not in strength.hint
    assert strength.acceptable == (strength.score >= 2)
    if len(text) < MIN_PASSPHRASE_LENGTH:
        assert not strength.acceptable


@given(st.characters(), st.integers(MIN_PASSPHRASE_LENGTH, 60))
def test_one_character_repeated_is_never_acceptable(char: str, times: int) -> None:
    assert not assess_passphrase(char * times).acceptable


@pytest.mark.parametrize("failures", [-1, 0, 1, 2, 3, 4])
def test_no_wait_for_the_first_few_wrong_passphrases(failures: int) -> None:
    assert unlock_delay(failures) == 0.0


def test_wait_doubles_from_the_fifth_wrong_passphrase() -> None:
    assert [unlock_delay(n) for n in range(5, 12)] == [2.0, 4.0, 8.0, 16.0, 32.0, 64.0, 128.0]


@pytest.mark.parametrize("failures", [13, 14, 100, 10**9])
def test_wait_is_capped_at_five_minutes(failures: int) -> None:
    assert unlock_delay(failures) == 300.0


@given(st.integers(0, 10_000))
def test_wait_never_shrinks_as_failures_grow(failures: int) -> None:
    assert unlock_delay(failures) <= unlock_delay(failures + 1) <= 300.0
