"""Dates shown the way people in the UK read them, never ambiguously."""

from __future__ import annotations

from datetime import date, datetime


def uk_date(value: date | None) -> str:
    """22/11/2026"""
    return value.strftime("%d/%m/%Y") if value else ""


def long_date(value: date | None) -> str:
    """Sun 22 Nov 2026"""
    return value.strftime("%a %d %b %Y").replace(" 0", " ", 1) if value else ""


def uk_datetime(value: datetime | None) -> str:
    """22/11/2026 14:30, in the laptop's local time."""
    return value.astimezone().strftime("%d/%m/%Y %H:%M") if value else ""
