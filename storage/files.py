"""Where a caseload lives on disk, and writing files so they are never half-written."""

from __future__ import annotations

import contextlib
import errno
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import platformdirs

from keyworker.errors import FolderNotWritable

APP_NAME = "keyworker"
HOME_ENV = "KEYWORKER_HOME"
DB_NAME = "caseload.db"
KEY_NAME = "caseload.key"
PRIVATE_DIR = 0o700
PRIVATE_FILE = 0o600


def resolve_home(home: str | os.PathLike[str] | None = None) -> Path:
    """`--home` wins, then KEYWORKER_HOME, then the platform's user data directory."""
    chosen = home or os.environ.get(HOME_ENV) or platformdirs.user_data_dir(APP_NAME, False)
    return Path(chosen).expanduser().absolute()


@dataclass(frozen=True)
class CaseloadPaths:
    home: Path

    @property
    def database(self) -> Path:
        return self.home / DB_NAME

    @property
    def key_file(self) -> Path:
        return self.home / KEY_NAME

    def exists(self) -> bool:
        return self.key_file.exists() or self.database.exists()

    def sidecars(self) -> list[Path]:
        return [self.home / f"{DB_NAME}-wal", self.home / f"{DB_NAME}-shm"]


def make_private_dir(path: Path) -> None:
    try:
        path.mkdir(mode=PRIVATE_DIR, parents=True, exist_ok=True)
        if os.name == "posix":
            os.chmod(path, PRIVATE_DIR)
    except OSError as exc:
        raise FolderNotWritable(
            f"Cannot create the caseload folder {path}: {exc.strerror.lower()}."
        ) from None


def ensure_writable(folder: Path) -> None:
    """Prove the folder takes new files before anything in it is touched.

    Asking the operating system (os.access) is not enough: it says yes to root and to
    read-only mounts alike; making a file is the honest test.
    """
    try:
        fd, probe = tempfile.mkstemp(prefix=".write-test-", dir=folder)
    except OSError as exc:
        reason = (
            "it is read-only"
            if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS)
            else (exc.strerror.lower() if exc.strerror else "it cannot be written to")
        )
        raise FolderNotWritable(
            f"Cannot save to the caseload folder {folder}: {reason}. "
            "Check its permissions; nothing was changed."
        ) from None
    os.close(fd)
    os.unlink(probe)


def create_private_file(path: Path) -> None:
    """An empty file only its owner can read, made before SQLite opens it.

    SQLite gives its -wal and -shm files the same permissions as the database.
    """
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE)
    os.close(fd)


def atomic_write(path: Path, data: bytes) -> None:
    """Replace `path` with `data` so a crash leaves the old file or the new, never half."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if os.name == "posix":
            os.chmod(tmp, PRIVATE_FILE)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    fsync_dir(path.parent)


def fsync_dir(folder: Path) -> None:
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
