"""Errors a keyworker can cause, each with a message written for them.

These are caught at the edge (the command or a screen) and shown as one plain line.
Anything else that escapes is a bug and may show a traceback.
"""


class KeyworkerError(Exception):
    """Something the person using the app can put right; `str()` is the message."""


class WrongPassphrase(KeyworkerError):
    def __init__(self) -> None:
        super().__init__("That passphrase is not right for this caseload. Nothing was changed.")


class CaseloadNotFound(KeyworkerError):
    pass


class CaseloadExists(KeyworkerError):
    pass


class DamagedFile(KeyworkerError):
    pass


class NewerVersion(KeyworkerError):
    pass


class FolderNotWritable(KeyworkerError):
    pass


class UnknownClient(KeyworkerError):
    pass


class InvalidInput(KeyworkerError):
    pass


class CaseloadLocked(KeyworkerError):
    """The caseload was locked (by the worker or after idle time); unlock it to go on."""

    def __init__(self) -> None:
        super().__init__("The caseload is locked. Unlock it to carry on.")


class ExportFailed(KeyworkerError):
    """A document could not be written where the user chose; nothing was left behind.

    `file_exists` says the only problem was a file already there, which the user may
    choose to replace.
    """

    def __init__(self, message: str, *, file_exists: bool = False) -> None:
        super().__init__(message)
        self.file_exists = file_exists
