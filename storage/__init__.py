"""Persistence of a caseload in one SQLCipher database, encrypted at rest.

The driver module must run before anything imports sqlite-utils, so it is imported
first here; every storage module is reached through this package.
"""

from storage import driver  # noqa: F401  (registers sqlcipher3 as pysqlite3)
from storage.caseload import Caseload
from storage.files import CaseloadPaths, resolve_home
from storage.keyfile import KdfParams

__all__ = ["Caseload", "CaseloadPaths", "KdfParams", "resolve_home"]
