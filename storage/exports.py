"""Writing a document (an assessment, a referral, a person's plan) where the user chooses.

The caseload is encrypted; an exported file is not. So the file is written whole or not
at all, readable only by its owner, and never over another file unless the user chose
to replace it. The folder must already exist: a mistyped folder is reported rather than
made.
"""

from __future__ import annotations

import errno
from pathlib import Path

import platformdirs

from keyworker.errors import ExportFailed
from storage.files import atomic_write

_NO_PERMISSION = (errno.EACCES, errno.EPERM, errno.EROFS)
_NO_SPACE = (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC))


def default_export_folder() -> Path:
    """The user's documents folder, or their home folder if there is none."""
    documents = Path(platformdirs.user_documents_dir())
    return documents if documents.is_dir() else Path.home()


def write_export(path: Path, content: str | bytes, *, replace: bool = False) -> Path:
    """Write `content` to `path`, whole or not at all; returns where it went.

    Text is written as UTF-8; bytes (a PDF) as they are.

    Raises ExportFailed, in one plain line, if the folder does not exist, `path` is a
    folder, a file is there already (unless `replace`), or the system refuses the write
    (no permission, a full disk). An existing file is then left exactly as it was.
    """
    path = Path(path).expanduser().absolute()
    folder = path.parent
    if not folder.is_dir():
        raise ExportFailed(f"There is no folder {folder}. Nothing was written.")
    if path.is_dir():
        raise ExportFailed(f"{path} is a folder, not a file. Nothing was written.")
    if path.exists() and not replace:
        raise ExportFailed(
            f"There is already a file {path}. Nothing was written: choose another name, "
            "or choose to replace it.",
            file_exists=True,
        )
    try:
        atomic_write(path, content.encode("utf-8") if isinstance(content, str) else content)
    except OSError as exc:
        raise ExportFailed(_why_not(exc, path)) from None
    return path


def _why_not(exc: OSError, path: Path) -> str:
    if exc.errno in _NO_PERMISSION:
        return (
            f"You do not have permission to write in {path.parent} (or it is read-only). "
            "Nothing was written."
        )
    if exc.errno in _NO_SPACE:
        return f"The disk is full, so {path.name} was not written. Free some space and try again."
    if isinstance(exc, IsADirectoryError):
        return f"{path} is a folder, not a file. Nothing was written."
    reason = (exc.strerror or "the system refused").lower()
    return f"Cannot write {path}: {reason}. Nothing was written."
