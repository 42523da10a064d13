"""How strong a passphrase is, in plain words, and how long to wait after wrong ones.

A small estimator of our own rather than a dependency: it only has to steer people
away from the passphrases an attacker with a stolen laptop tries first, and towards
several unrelated words, which are both strong and easy to remember.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from itertools import pairwise

MIN_PASSPHRASE_LENGTH = 12
STRONG_WORDS = 4
FIRST_DELAYED_FAILURE = 5
LONGEST_DELAY_SECONDS = 300.0

# The passphrases tried first. Compared without spaces, punctuation, case or a
# number on the end, so "Password 123!" counts as "password".
COMMON = frozenset(
    {
        "password",
        "passw0rd",
        "passphrase",
        "letmein",
        "letmeinplease",
        "qwerty",
        "qwertyuiop",
        "asdfghjkl",
        "zxcvbnm",
        "qwertyuiopasdfghjkl",
        "azerty",
        "abc",
        "abcdef",
        "abcdefghijkl",
        "iloveyou",
        "welcome",
        "welcometotheservice",
        "admin",
        "administrator",
        "changeme",
        "changemenow",
        "secret",
        "topsecret",
        "monkey",
        "dragon",
        "football",
        "baseball",
        "sunshine",
        "princess",
        "trustno",
        "trustnoone",
        "master",
        "shadow",
        "superman",
        "batman",
        "starwars",
        "whatever",
        "nothing",
        "login",
        "keyworker",
        "keyworkerassistant",
        "caseload",
        "mycaseload",
        "probation",
        "opensesame",
        "thequickbrownfoxjumpsoverthelazydog",
        "mypassword",
        "mypassphrase",
        "thisismypassword",
        "thisismypassphrase",
        "ilovemyfamily",
        "summer",
        "winter",
        "autumn",
        "spring",
    }
)
_SEQUENCES = (
    "abcdefghijklmnopqrstuvwxyz",
    "01234567890123456789",
    "qwertyuiop",
    "asdfghjkl",
    "zxcvbnm",
)
_NOT_LETTERS_OR_DIGITS = re.compile(r"[\W_]+")
_TRAILING_NUMBER = re.compile(r"\d+$")
_WORD_BREAKS = re.compile(r"[\s\-_.,+/]+")
_RUNS = re.compile(r"[A-Za-z]+|\d+|\s+|[^A-Za-z\d\s]+")

TOO_SHORT = (
    f"Too short: use at least {MIN_PASSPHRASE_LENGTH} characters; "
    "four or more unrelated words work well."
)
EMPTY = "Type a passphrase: four or more unrelated words work well."
TOO_COMMON = (
    "Too common: it is one of the first anyone would try. Use four or more unrelated words."
)
TOO_PREDICTABLE = (
    "Too predictable: avoid repeated or sequential characters; four or more unrelated words "
    "work well."
)
FAIR = "Fair: adding another word would make it much stronger."
GOOD = "Good: one more word would make it stronger still."
STRONG = "Strong."


@dataclass(frozen=True, slots=True)
class PassphraseStrength:
    """What the setup and change-passphrase screens show as someone types.

    `acceptable` says whether the passphrase may be used at all; `score` runs from
    0 (refused) to 4 (strong); `hint` says in plain words what would make it better.
    """

    acceptable: bool
    hint: str
    score: int


def assess_passphrase(text: str) -> PassphraseStrength:
    """Judge a passphrase the way a patient attacker would, and say how to improve it."""
    if not text:
        return PassphraseStrength(False, EMPTY, 0)
    if _is_common(text):
        return PassphraseStrength(False, TOO_COMMON, 0)
    if len(text) < MIN_PASSPHRASE_LENGTH:
        return PassphraseStrength(False, TOO_SHORT, 0 if len(text) < 8 else 1)
    if _is_predictable(text):
        return PassphraseStrength(False, TOO_PREDICTABLE, 0)
    bits = _estimated_bits(text)
    words = _word_count(text)
    if words >= STRONG_WORDS or bits >= 60:
        return PassphraseStrength(True, STRONG, 4)
    if words >= STRONG_WORDS - 1 or bits >= 40:
        return PassphraseStrength(True, GOOD, 3)
    return PassphraseStrength(True, FAIR, 2)


def unlock_delay(failures: int) -> float:
    """Seconds to wait before the next try after `failures` wrong passphrases in a row.

    Nothing for the first few slips; from the fifth on, 2, 4, 8 ... seconds, capped at
    five minutes, so guessing by hand is hopeless but a forgetful morning is not.
    """
    if failures < FIRST_DELAYED_FAILURE:
        return 0.0
    doublings = min(failures - FIRST_DELAYED_FAILURE + 1, 16)
    return min(float(2**doublings), LONGEST_DELAY_SECONDS)


def _is_common(text: str) -> bool:
    squashed = _NOT_LETTERS_OR_DIGITS.sub("", text.lower())
    if squashed.isdigit():
        return len(squashed) <= MIN_PASSPHRASE_LENGTH
    return squashed in COMMON or _TRAILING_NUMBER.sub("", squashed) in COMMON


def _is_predictable(text: str) -> bool:
    """One character over and over, a handful of characters, or a keyboard run."""
    if len(set(text.lower())) < 5:
        return True
    squashed = _NOT_LETTERS_OR_DIGITS.sub("", text.lower())
    return any(squashed in sequence or squashed in sequence[::-1] for sequence in _SEQUENCES)


def _word_count(text: str) -> int:
    """Different words of three or more letters: "a", "of" or a repeat add little."""
    return len({word.lower() for word in _WORD_BREAKS.split(text) if len(word) >= 3})


def _estimated_bits(text: str) -> float:
    """Rough guessing difficulty, assuming the attacker tries dictionary words first.

    Letters count as words from a large dictionary (about 12 bits each, less for very
    short ones), a repeated word or run of digits as nearly nothing.
    """
    bits = 0.0
    seen: set[str] = set()
    for run in _RUNS.findall(text):
        if run.isspace():
            bits += 1
        elif run.isascii() and run.isalpha():
            bits += _letters_bits(run, seen)
        elif run.isdigit():
            bits += 1 if run in seen else math.log2(10) * _surprising(run)
        else:
            bits += 5 * _surprising(run)
        seen.add(run.lower())
    return bits


def _letters_bits(run: str, seen: set[str]) -> float:
    if run.lower() in seen:
        return 1.0
    capitals_inside = sum(1 for c in run[1:] if c.isupper())
    as_words = 12 * max(1, len(run) // 5)
    return min(len(run) * math.log2(26), as_words) + capitals_inside


def _surprising(run: str) -> int:
    """Characters that neither repeat nor continue a run from the one before (aaa, 123)."""
    return 1 + sum(1 for a, b in pairwise(run) if abs(ord(b) - ord(a)) > 1)
