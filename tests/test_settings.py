"""The keyworker's settings: checked values, kept safely, and a damaged file left alone."""

from __future__ import annotations

import errno
import json
import os
from pathlib import Path

import pytest
from pydantic import ValidationError

from keyworker.errors import FolderNotWritable, KeyworkerError
from keyworker.settings import Settings
from storage.config import (
    NEWER,
    PARTLY_UNREADABLE,
    UNREADABLE,
    load_settings,
    save_settings,
    settings_path,
)

CHANGED = Settings(
    idle_lock_minutes=15,
    no_contact_days=21,
    key_date_days=60,
    theme="high-contrast",
    last_contact_type="phone",
)


def test_defaults() -> None:
    settings = Settings()
    assert settings.idle_lock_minutes == 5
    assert settings.no_contact_days == 14
    assert settings.key_date_days == 28
    assert settings.theme == "textual-dark"
    assert settings.last_contact_type == "face_to_face"


def test_every_setting_is_explained() -> None:
    for name, field in Settings.model_fields.items():
        assert field.description, f"{name} has no docstring"


@pytest.mark.parametrize(
    "bad",
    [
        {"idle_lock_minutes": 0},
        {"idle_lock_minutes": 121},
        {"idle_lock_minutes": "5"},
        {"idle_lock_minutes": 5.0},
        {"idle_lock_minutes": True},
        {"no_contact_days": 0},
        {"no_contact_days": 366},
        {"key_date_days": -1},
        {"theme": ""},
        {"theme": "x" * 61},
        {"theme": "dark\nred"},
        {"last_contact_type": "carrier_pigeon"},
        {"last_contact_type": "Face to face"},
        {"unknown": 1},
    ],
)
def test_bad_values_are_refused(bad: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        Settings(**bad)


def test_limits_are_inclusive() -> None:
    Settings(idle_lock_minutes=1, no_contact_days=1, key_date_days=1)
    Settings(idle_lock_minutes=120, no_contact_days=365, key_date_days=365)


def test_settings_are_changed_by_copying() -> None:
    settings = Settings()
    changed = settings.model_copy(update={"last_contact_type": "video"})
    assert changed.last_contact_type == "video"
    assert settings.last_contact_type == "face_to_face"
    with pytest.raises(ValidationError):
        settings.theme = "other"  # type: ignore[misc]


def test_the_environment_chooses_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    chosen = tmp_path / "elsewhere" / "mine.json"
    monkeypatch.setenv("KEYWORKER_CONFIG_FILE", str(chosen))
    assert settings_path() == chosen
    save_settings(CHANGED)
    assert chosen.exists()
    assert load_settings() == (CHANGED, None)


def test_without_the_environment_the_platform_config_folder_is_used(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("KEYWORKER_CONFIG_FILE")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("HOME", str(tmp_path))
    path = settings_path()
    assert path.name == "settings.json"
    assert path.parent.name == "keyworker"
    assert tmp_path in path.parents


def test_a_first_run_has_the_usual_settings_and_no_message(private_settings: Path) -> None:
    assert load_settings() == (Settings(), None)
    assert not private_settings.exists()


def test_saved_settings_come_back(private_settings: Path) -> None:
    save_settings(CHANGED)
    assert load_settings() == (CHANGED, None)
    assert load_settings(private_settings) == (CHANGED, None)
    stored = json.loads(private_settings.read_text("utf-8"))
    assert stored["version"] == 1
    assert stored["last_contact_type"] == "phone"


def test_saving_again_replaces_the_file(private_settings: Path) -> None:
    save_settings(CHANGED)
    save_settings(CHANGED.model_copy(update={"theme": "textual-light"}))
    assert load_settings()[0].theme == "textual-light"
    assert [p.name for p in private_settings.parent.iterdir()] == ["settings.json"]


def test_an_explicit_path_wins(tmp_path: Path, private_settings: Path) -> None:
    other = tmp_path / "other.json"
    save_settings(CHANGED, other)
    assert load_settings(other) == (CHANGED, None)
    assert not private_settings.exists()


def write(path: Path, content: bytes | str) -> bytes:
    path.parent.mkdir(parents=True, exist_ok=True)
    data = content.encode("utf-8") if isinstance(content, str) else content
    path.write_bytes(data)
    return data


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"{not json",
        b"\xff\xfe\x00garbage",
        b"[1, 2, 3]",
        b'"just a string"',
        b"null",
        b'{"version": "one"}',
        b'{"version": 0}',
        b'{"version": true}',
        b"[" * 5000 + b"]" * 5000,
        b'{"theme": "' + b"x" * 100_000 + b'"}',
    ],
)
def test_a_damaged_file_gives_the_usual_settings_and_is_left_alone(
    private_settings: Path, content: bytes
) -> None:
    before = write(private_settings, content)
    assert load_settings() == (Settings(), UNREADABLE)
    assert private_settings.read_bytes() == before


def test_the_message_is_plain_and_one_line() -> None:
    assert UNREADABLE == (
        "Your settings file could not be read, so the usual settings are in use. "
        "It has been left as it was."
    )
    for message in (UNREADABLE, PARTLY_UNREADABLE, NEWER):
        assert "\n" not in message


def test_a_bad_value_loses_only_itself(private_settings: Path) -> None:
    before = write(
        private_settings,
        json.dumps({"version": 1, "idle_lock_minutes": 999, "theme": "high-contrast"}),
    )
    settings, message = load_settings()
    assert settings.idle_lock_minutes == 5
    assert settings.theme == "high-contrast"
    assert message == PARTLY_UNREADABLE
    assert private_settings.read_bytes() == before


def test_an_unknown_contact_type_falls_back(private_settings: Path) -> None:
    write(private_settings, json.dumps({"last_contact_type": "fax", "no_contact_days": 30}))
    settings, message = load_settings()
    assert settings.last_contact_type == "face_to_face"
    assert settings.no_contact_days == 30
    assert message == PARTLY_UNREADABLE


def test_settings_this_version_does_not_know_are_ignored(private_settings: Path) -> None:
    before = write(
        private_settings,
        json.dumps({"version": 1, "key_date_days": 90, "font_size": "large"}),
    )
    assert load_settings() == (Settings(key_date_days=90), None)
    assert private_settings.read_bytes() == before


def test_a_file_without_a_version_is_read(private_settings: Path) -> None:
    write(private_settings, json.dumps({"idle_lock_minutes": 30}))
    assert load_settings() == (Settings(idle_lock_minutes=30), None)


def test_a_file_from_a_newer_version_is_left_alone(private_settings: Path) -> None:
    before = write(private_settings, json.dumps({"version": 2, "idle_lock_minutes": 30}))
    assert load_settings() == (Settings(), NEWER)
    assert private_settings.read_bytes() == before


def test_a_folder_where_the_file_should_be_is_unreadable(private_settings: Path) -> None:
    private_settings.mkdir(parents=True)
    assert load_settings() == (Settings(), UNREADABLE)
    assert private_settings.is_dir()


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="needs file permissions")
def test_a_file_that_cannot_be_opened_is_unreadable(private_settings: Path) -> None:
    write(private_settings, json.dumps({"idle_lock_minutes": 30}))
    private_settings.chmod(0)
    try:
        assert load_settings() == (Settings(), UNREADABLE)
    finally:
        private_settings.chmod(0o600)


def test_a_failed_save_says_so_plainly(tmp_path: Path) -> None:
    blocker = tmp_path / "blocker"
    blocker.write_text("a file, not a folder")
    with pytest.raises(FolderNotWritable) as failed:
        save_settings(CHANGED, blocker / "settings.json")
    assert isinstance(failed.value, KeyworkerError)
    assert str(failed.value).startswith("Your settings could not be saved in ")
    assert "\n" not in str(failed.value)


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="needs file permissions")
def test_a_read_only_folder_leaves_the_old_settings(private_settings: Path) -> None:
    save_settings(CHANGED)
    private_settings.parent.chmod(0o500)
    try:
        with pytest.raises(FolderNotWritable, match="it is read-only"):
            save_settings(Settings())
    finally:
        private_settings.parent.chmod(0o700)
    assert load_settings() == (CHANGED, None)


@pytest.mark.parametrize(
    ("error", "reason"),
    [
        (errno.EACCES, "it is read-only"),
        (errno.EROFS, "it is read-only"),
        (errno.ENOSPC, "the disk is full"),
    ],
)
def test_a_refused_write_keeps_the_old_settings(
    private_settings: Path, monkeypatch: pytest.MonkeyPatch, error: int, reason: str
) -> None:
    save_settings(CHANGED)

    def refuse(path: Path, data: bytes) -> None:
        raise OSError(error, os.strerror(error))

    monkeypatch.setattr("storage.config.atomic_write", refuse)
    with pytest.raises(FolderNotWritable) as failed:
        save_settings(Settings())
    assert str(failed.value) == (
        f"Your settings could not be saved in {private_settings.parent}: {reason}."
    )
    assert load_settings() == (CHANGED, None)
