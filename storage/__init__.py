"""Persistence of a caseload in one SQLCipher database, encrypted at rest.

The package's names load their modules when first used, so that importing, say,
`storage.opening` to start unlocking does not wait for the database layer and pydantic.
`storage.driver` registers sqlcipher3 for sqlite-utils; every module that reaches the
database imports it, and sqlite-utils itself is only imported through it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from storage.caseload import Caseload
    from storage.files import CaseloadPaths, resolve_home
    from storage.keyfile import KdfParams

__all__ = ["Caseload", "CaseloadPaths", "KdfParams", "resolve_home"]

_HOMES = {
    "Caseload": "storage.caseload",
    "CaseloadPaths": "storage.files",
    "resolve_home": "storage.files",
    "KdfParams": "storage.keyfile",
}


def __getattr__(name: str) -> Any:
    if name not in _HOMES:
        raise AttributeError(f"module 'storage' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(_HOMES[name]), name)
