"""The keyworker's settings, kept in a plain JSON file.

Settings hold nothing personal, so they are not encrypted. KEYWORKER_CONFIG_FILE points
at another file (for tests, or a shared machine), the way Posting's POSTING_CONFIG_FILE
does. Loading never changes the file: a damaged one is left for the person to look at,
and the app carries on with the usual settings.
"""

from __future__ import annotations

import errno
import json
import os
from pathlib import Path
from typing import Any

import platformdirs
from pydantic import ValidationError

from keyworker.errors import FolderNotWritable
from keyworker.settings import Settings
from storage.files import APP_NAME, atomic_write

CONFIG_ENV = "KEYWORKER_CONFIG_FILE"
SETTINGS_NAME = "settings.json"
SETTINGS_VERSION = 1
VERSION_KEY = "version"
# A settings file is a few hundred bytes; anything far bigger is not one.
LARGEST_FILE = 64 * 1024

UNREADABLE = (
    "Your settings file could not be read, so the usual settings are in use. "
    "It has been left as it was."
)
PARTLY_UNREADABLE = (
    "Some of your settings could not be read, so the usual ones are in use for those. "
    "The file has been left as it was."
)
NEWER = (
    "Your settings file is from a newer version of Keyworker Assistant, so the usual "
    "settings are in use. It has been left as it was."
)


def settings_path() -> Path:
    """KEYWORKER_CONFIG_FILE wins, else settings.json in the platform's config folder."""
    chosen = os.environ.get(CONFIG_ENV)
    if chosen:
        return Path(chosen).expanduser().absolute()
    return platformdirs.user_config_path(APP_NAME, appauthor=False) / SETTINGS_NAME


def load_settings(path: Path | None = None) -> tuple[Settings, str | None]:
    """The saved settings, and a one-line message if some or all could not be used.

    A missing file is normal (first run) and gives the defaults with no message. Values
    that are wrong are replaced by their defaults one by one, so one bad entry does not
    lose the rest; keys this version does not know (from a newer one) are ignored.
    """
    path = path or settings_path()
    try:
        with path.open("rb") as handle:
            raw = handle.read(LARGEST_FILE + 1)
    except FileNotFoundError:
        return Settings(), None
    except OSError:
        return Settings(), UNREADABLE
    if len(raw) > LARGEST_FILE:
        return Settings(), UNREADABLE
    try:
        stored = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return Settings(), UNREADABLE
    if not isinstance(stored, dict):
        return Settings(), UNREADABLE
    version = stored.get(VERSION_KEY, SETTINGS_VERSION)
    if type(version) is not int or version < 1:
        return Settings(), UNREADABLE
    if version > SETTINGS_VERSION:
        return Settings(), NEWER
    return _usable(stored)


def save_settings(settings: Settings, path: Path | None = None) -> None:
    """Write the settings so a crash leaves the old file or the new, never half of one.

    Raises:
        FolderNotWritable: the folder cannot be made or written to; nothing was saved.
    """
    path = path or settings_path()
    data = {VERSION_KEY: SETTINGS_VERSION, **settings.model_dump(mode="json")}
    text = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(path, text.encode("utf-8"))
    except OSError as exc:
        raise FolderNotWritable(
            f"Your settings could not be saved in {path.parent}: {_reason(exc)}."
        ) from None


def _usable(stored: dict[str, Any]) -> tuple[Settings, str | None]:
    known = {name: value for name, value in stored.items() if name in Settings.model_fields}
    try:
        return Settings.model_validate(known), None
    except ValidationError as exc:
        bad = {str(error["loc"][0]) for error in exc.errors() if error["loc"]}
    good = {name: value for name, value in known.items() if name not in bad}
    try:
        return Settings.model_validate(good), PARTLY_UNREADABLE
    except ValidationError:
        return Settings(), UNREADABLE


def _reason(exc: OSError) -> str:
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return "it is read-only"
    if exc.errno == errno.ENOSPC:
        return "the disk is full"
    return exc.strerror.lower() if exc.strerror else "it cannot be written to"
