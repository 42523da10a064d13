"""The key file: the database key, wrapped under a key derived from the passphrase.

The database is encrypted with a random 256-bit key. That key is stored only wrapped
(AES-256-GCM) under a key derived from the worker's passphrase with Argon2id, so
changing the passphrase rewrites this small file and never the database. Everything in
the file except the wrapped key is bound in as associated data: altering the salt, the
cost or the caseload id makes unwrapping fail rather than quietly weakening it.
"""

from __future__ import annotations

import base64
import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path
from uuid import UUID

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.argon2 import Argon2id

from keyworker.errors import DamagedFile, NewerVersion, WrongPassphrase
from storage.files import atomic_write

FORMAT = "keyworker-key"
VERSION = 1
KEY_BYTES = 32
MAX_KEY_FILE_BYTES = 64 * 1024


@dataclass(frozen=True)
class KdfParams:
    """Argon2id cost. The default takes roughly 0.4 s on a 2-core laptop."""

    iterations: int = 2
    lanes: int = 4
    memory_kib: int = 256 * 1024

    @classmethod
    def fast_for_tests(cls) -> KdfParams:
        return cls(iterations=1, lanes=1, memory_kib=8 * 1024)

    def derive(self, passphrase: str, salt: bytes) -> bytes:
        kdf = Argon2id(
            salt=salt,
            length=KEY_BYTES,
            iterations=self.iterations,
            lanes=self.lanes,
            memory_cost=self.memory_kib,
        )
        return kdf.derive(passphrase.encode("utf-8"))


@dataclass(frozen=True)
class KeyFile:
    caseload_id: UUID
    kdf: KdfParams
    salt: bytes
    nonce: bytes
    wrapped_key: bytes

    @classmethod
    def wrap(
        cls, key: bytes, passphrase: str, caseload_id: UUID, kdf: KdfParams | None = None
    ) -> KeyFile:
        kdf = kdf or KdfParams()
        salt, nonce = os.urandom(16), os.urandom(12)
        draft = cls(caseload_id, kdf, salt, nonce, b"")
        wrapped = AESGCM(kdf.derive(passphrase, salt)).encrypt(nonce, key, draft._bound())
        return cls(caseload_id, kdf, salt, nonce, wrapped)

    def unwrap(self, passphrase: str) -> bytes:
        wrapping_key = self.kdf.derive(passphrase, self.salt)
        try:
            return AESGCM(wrapping_key).decrypt(self.nonce, self.wrapped_key, self._bound())
        except InvalidTag:
            raise WrongPassphrase() from None

    def rewrap(self, old: str, new: str, kdf: KdfParams | None = None) -> KeyFile:
        return KeyFile.wrap(self.unwrap(old), new, self.caseload_id, kdf or self.kdf)

    def _bound(self) -> bytes:
        header = {
            "format": FORMAT,
            "version": VERSION,
            "caseload_id": str(self.caseload_id),
            "kdf": {"name": "argon2id", **asdict(self.kdf)},
            "salt": _b64(self.salt),
        }
        return json.dumps(header, sort_keys=True, separators=(",", ":")).encode()

    def to_bytes(self) -> bytes:
        document = json.loads(self._bound())
        document["cipher"] = "AES-256-GCM"
        document["nonce"] = _b64(self.nonce)
        document["wrapped_key"] = _b64(self.wrapped_key)
        return (json.dumps(document, indent=2, sort_keys=True) + "\n").encode()

    def save(self, path: Path) -> None:
        atomic_write(path, self.to_bytes())

    @classmethod
    def load(cls, path: Path) -> KeyFile:
        damaged = DamagedFile(
            f"The key file {path} is damaged or incomplete, so the caseload cannot be "
            "unlocked. Restore it from a backup; nothing was changed."
        )
        try:
            with open(path, "rb") as handle:
                raw = handle.read(MAX_KEY_FILE_BYTES + 1)
        except FileNotFoundError:
            raise DamagedFile(
                f"The key file {path} is missing, so the caseload cannot be unlocked. "
                "Restore it from a backup; nothing was changed."
            ) from None
        if len(raw) > MAX_KEY_FILE_BYTES:
            raise damaged
        try:
            doc = json.loads(raw)
            if doc.get("format") != FORMAT:
                raise damaged
            if int(doc["version"]) > VERSION:
                raise NewerVersion(
                    "This caseload's key file was made by a newer version of Keyworker "
                    "Assistant. Update the app to open it; nothing was changed."
                )
            kdf_doc = doc["kdf"]
            if kdf_doc.get("name") != "argon2id" or doc.get("cipher") != "AES-256-GCM":
                raise damaged
            kdf = KdfParams(
                iterations=int(kdf_doc["iterations"]),
                lanes=int(kdf_doc["lanes"]),
                memory_kib=int(kdf_doc["memory_kib"]),
            )
            if not (1 <= kdf.iterations <= 100 and 1 <= kdf.lanes <= 64):
                raise damaged
            if not (8 * kdf.lanes <= kdf.memory_kib <= 4 * 1024 * 1024):
                raise damaged
            key_file = cls(
                caseload_id=UUID(doc["caseload_id"]),
                kdf=kdf,
                salt=_unb64(doc["salt"]),
                nonce=_unb64(doc["nonce"]),
                wrapped_key=_unb64(doc["wrapped_key"]),
            )
        except (ValueError, KeyError, TypeError, AttributeError):
            raise damaged from None
        if len(key_file.nonce) != 12 or len(key_file.wrapped_key) != KEY_BYTES + 16:
            raise damaged
        return key_file


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"), validate=True)
