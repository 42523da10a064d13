"""Identifiers: our own case references and the public formats of justice identifiers.

Each `normalise_*` function accepts what a keyworker is likely to type (lower case,
spaces, a missing slash) and returns the canonical form, or raises ValueError with a
message that shows a correct example.
"""

from __future__ import annotations

import os
import random
import re
import time
from uuid import UUID

CASE_REF_PREFIX = "KW-"
# No 0/O, 1/I/L or U: nothing two people could read differently over the phone.
CASE_REF_ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
CASE_REF_LENGTH = 5

_CASE_REF = re.compile(rf"^KW-[{CASE_REF_ALPHABET}]{{{CASE_REF_LENGTH}}}$")
_PRISON_NUMBER = re.compile(r"^[A-Z]\d{4}[A-Z]{2}$")
_CRN = re.compile(r"^[A-Z]\d{6}$")
_PNC = re.compile(r"^(\d{2}|\d{4})/(\d{1,7})([A-Z])$")
_PNC_LETTERS = "ZABCDEFGHJKLMNPQRTUVWXY"


def time_ordered_id(milliseconds: int, random_bits: int) -> UUID:
    """A UUID in version 7 layout: 48 bits of time, then 74 random bits.

    Records made one after another get ids that sort together, so the database's index
    of ids grows at its end instead of being rewritten all over on every save.
    """
    rand_a, rand_b = (random_bits >> 62) & 0xFFF, random_bits & ((1 << 62) - 1)
    ms = milliseconds & ((1 << 48) - 1)
    return UUID(int=(ms << 80) | (0x7 << 76) | (rand_a << 64) | (0b10 << 62) | rand_b)


def new_id() -> UUID:
    return time_ordered_id(time.time_ns() // 1_000_000, int.from_bytes(os.urandom(10)))


def new_case_ref(rng: random.Random | None = None) -> str:
    choose = (rng or random.SystemRandom()).choice
    return CASE_REF_PREFIX + "".join(choose(CASE_REF_ALPHABET) for _ in range(CASE_REF_LENGTH))


def normalise_case_ref(text: str) -> str:
    compact = re.sub(r"[\s-]", "", text).upper()
    if compact.startswith("KW"):
        compact = compact[2:]
    ref = CASE_REF_PREFIX + compact
    if not _CASE_REF.match(ref):
        raise ValueError(f"'{text}' is not a case reference; they look like KW-7F3Q2")
    return ref


def normalise_prison_number(text: str) -> str:
    value = re.sub(r"\s", "", text).upper()
    if not _PRISON_NUMBER.match(value):
        raise ValueError(
            f"'{text}' is not a prison number; they are a letter, four digits and two "
            "letters, like A1234BC"
        )
    return value


def normalise_crn(text: str) -> str:
    value = re.sub(r"\s", "", text).upper()
    if not _CRN.match(value):
        raise ValueError(
            f"'{text}' is not a probation case reference number (CRN); "
            "they are a letter and six digits, like X123456"
        )
    return value


def pnc_check_letter(year: str, serial: str) -> str:
    return _PNC_LETTERS[int(year[-2:] + serial.zfill(7)) % 23]


def normalise_pnc(text: str) -> str:
    """PNC numbers are YYYY/NNNNNNNC or YY/NNNNNNC with a check letter."""
    value = re.sub(r"\s", "", text).upper()
    if "/" not in value and len(value) in (10, 12):
        value = value[: len(value) - 8] + "/" + value[-8:]
    match = _PNC.match(value)
    if not match:
        raise ValueError(
            f"'{text}' is not a PNC number; they look like 2019/0123456A or 19/123456A"
        )
    year, serial, letter = match.groups()
    if pnc_check_letter(year, serial) != letter:
        raise ValueError(
            f"'{text}' is not a PNC number: the last letter does not match the digits; "
            "check it against the document"
        )
    return value
