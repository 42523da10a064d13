"""Proving the passphrase, and opening a caseload in the background as early as possible.

Unlocking derives a key from the passphrase, which is deliberately slow (see
`KdfParams`). This module needs only the key file, not the database or pydantic, so the
`keyworker` command can start that work first thing and load the rest of the app while
it runs. It imports `storage.caseload` only once the key is known.
"""

from __future__ import annotations

import contextlib
import threading
from concurrent.futures import Future
from typing import TYPE_CHECKING

from keyworker.clock import Clock
from keyworker.errors import CaseloadNotFound, DamagedFile, KeyworkerError
from storage.files import CaseloadPaths, ensure_writable
from storage.keyfile import KeyFile

if TYPE_CHECKING:
    from storage.caseload import Caseload


def require_existing(paths: CaseloadPaths) -> None:
    """Refuse, before asking for a passphrase, when there is nothing to unlock."""
    has_key, has_db = paths.key_file.exists(), paths.database.exists()
    if not has_key and not has_db:
        raise CaseloadNotFound(
            f"There is no caseload in {paths.home}. Create one with `keyworker init` "
            "or try the demo with `keyworker demo`."
        )
    if not has_db:
        raise DamagedFile(
            f"The caseload database {paths.database} is missing; only its key file is there. "
            "Restore it from a backup; nothing was changed."
        )


def unlock(paths: CaseloadPaths, passphrase: str) -> tuple[KeyFile, bytes]:
    """Prove the passphrase against the key file; touches nothing on disk."""
    require_existing(paths)
    ensure_writable(paths.home)
    key_file = KeyFile.load(paths.key_file)
    return key_file, key_file.unwrap(passphrase)


def open_in_background(paths: CaseloadPaths, passphrase: str, clock: Clock) -> Future[Caseload]:
    """Start opening the caseload now, in a thread of its own.

    Key derivation lets go of the interpreter while it works, so the app can load and
    draw meanwhile. The future holds the open caseload, or the `KeyworkerError` saying
    why it could not be opened (a wrong passphrase, say). Whoever takes the caseload
    from the future owns it and must close it. Once open, the thread goes on to load
    the client list (see `Caseload.preload_clients`) while the app gets ready to show it.
    """
    opening: Future[Caseload] = Future()

    def run() -> None:
        try:
            key_file, key = unlock(paths, passphrase)
            from storage.caseload import Caseload

            caseload = Caseload.open_unlocked(paths, key_file, key, clock=clock)
        except BaseException as exc:
            opening.set_exception(exc)
            return
        opening.set_result(caseload)
        # The app's first sight of the caseload is the list of every client.
        with contextlib.suppress(KeyworkerError):  # the app will find and report it
            caseload.preload_clients()

    threading.Thread(target=run, name="open-caseload", daemon=True).start()
    return opening
