"""The keyworker's own preferences for the app.

Nothing here is personal data, so it can live in a plain JSON file beside the app's
other configuration (see storage/config.py).
"""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from keyworker.vocabulary import CONTACT_TYPES, coded

ContactType = coded(CONTACT_TYPES)


def _known_zone(name: str) -> str:
    from zoneinfo import ZoneInfo

    try:
        ZoneInfo(name)
    except (ValueError, KeyError, OSError) as error:
        raise ValueError(f"unknown time zone {name[:40]!r}") from error
    return name


class Settings(BaseModel):
    """Preferences, each checked so a hand-edited file cannot put the app in a bad state.

    Frozen: change one with `settings.model_copy(update={...})` and then check the copy
    with `Settings.model_validate(copy.model_dump())` if the new values came from a person
    (model_copy itself does not validate).
    """

    model_config = ConfigDict(
        strict=True,
        frozen=True,
        extra="forbid",
        str_strip_whitespace=True,
        use_attribute_docstrings=True,
    )

    idle_lock_minutes: Annotated[int, Field(ge=1, le=120)] = 5
    """Minutes without a key press or click before the caseload locks itself."""

    no_contact_days: Annotated[int, Field(ge=1, le=365)] = 14
    """Days without a recorded contact before a client is listed as needing attention."""

    key_date_days: Annotated[int, Field(ge=1, le=365)] = 28
    """How many days ahead a key date (release, court, review) shows as coming up."""

    theme: Annotated[str, Field(min_length=1, max_length=60, pattern=r"^[A-Za-z0-9_-]+$")] = (
        "textual-dark"
    )
    """The colour theme's name; the screens check it is one they offer."""

    last_contact_type: ContactType = "face_to_face"
    """The contact type last chosen on the note form, offered first next time."""

    specialist_sections: bool = False
    """Ask the specialist sections women's services use (domestic and sexual abuse, sex work)."""

    review_weeks: Annotated[int, Field(ge=1, le=104)] = 12
    """Weeks from an assessment to its next review, offered when completing one."""

    time_zone: Annotated[str, Field(min_length=1, max_length=60), AfterValidator(_known_zone)] = (
        "Europe/London"
    )
    """The time zone appointments are shown and typed in."""

    appointment_minutes: Annotated[int, Field(ge=5, le=720)] = 60
    """How long a new appointment lasts unless an end is given."""
