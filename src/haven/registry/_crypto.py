"""Field encryption for identifying data, and the keys derived for the audit chain.

One 256-bit master key lives outside the database (a key file or HAVEN_DATA_KEY). From it,
HKDF derives independent subkeys: one for AES-256-GCM encryption of identifying data, one for
the HMAC of the audit chain. Each ciphertext is bound to its record by associated data
("victim:<uuid>"), so a ciphertext copied onto another record does not decrypt.

Ciphertext layout: version byte (1) | key id (8) | nonce (12) | AES-GCM ciphertext and tag.
The key id lets a key ring hold old keys during rotation.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from haven.exceptions import DataKeyError

__all__ = ["KeyRing", "generate_key_file"]

_VERSION = 1
_KEY_BYTES = 32
_NONCE_BYTES = 12
_DEMO_PREFIX = "demo:"


def _derive(master: bytes, purpose: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"haven/" + purpose).derive(
        master
    )


@dataclass(frozen=True, slots=True)
class _Key:
    key_id: bytes
    encryption: AESGCM = field(repr=False)
    audit_mac_key: bytes = field(repr=False)


def _make_key(master: bytes) -> _Key:
    if len(master) != _KEY_BYTES:
        raise DataKeyError(f"the data key must be {_KEY_BYTES} bytes, base64-encoded")
    key_id = hashlib.sha256(b"haven/key-id" + master).digest()[:8]
    return _Key(key_id, AESGCM(_derive(master, b"identifying-data")), _derive(master, b"audit"))


class KeyRing:
    """The current key, used for new ciphertexts, and older keys still able to decrypt."""

    def __init__(self, current: bytes, older: tuple[bytes, ...] = (), *, demo: bool = False):
        self._current = _make_key(current)
        self._by_id = {k.key_id: k for k in (self._current, *map(_make_key, older))}
        self.is_demo_key = demo

    @classmethod
    def from_b64(cls, text: str, *, demo: bool = False) -> KeyRing:
        try:
            master = base64.b64decode(text.strip(), validate=True)
        except (binascii.Error, ValueError):
            raise DataKeyError("the data key is not valid base64") from None
        return cls(master, demo=demo)

    @classmethod
    def from_file(cls, path: Path, *, production: bool = False) -> KeyRing:
        """Read a key file written by `generate_key_file`.

        In production, a demo key, or a key file that others than its owner can read, is refused.
        """
        try:
            text = path.read_text(encoding="ascii").strip()
        except FileNotFoundError:
            raise DataKeyError(f"no key file at {path}; create one with `haven init`") from None
        except (OSError, UnicodeDecodeError):
            raise DataKeyError(f"the key file {path} cannot be read") from None
        demo = text.startswith(_DEMO_PREFIX)
        if production:
            if demo:
                raise DataKeyError("a demo key cannot be used in production")
            if path.stat().st_mode & (stat.S_IRWXG | stat.S_IRWXO):
                raise DataKeyError(f"the key file {path} is readable by others; chmod 600 it")
        return cls.from_b64(text.removeprefix(_DEMO_PREFIX), demo=demo)

    @property
    def key_id(self) -> str:
        return self._current.key_id.hex()

    def encrypt(self, plaintext: bytes, associated: bytes) -> bytes:
        nonce = os.urandom(_NONCE_BYTES)
        sealed = self._current.encryption.encrypt(nonce, plaintext, associated)
        return bytes([_VERSION]) + self._current.key_id + nonce + sealed

    def decrypt(self, blob: bytes, associated: bytes) -> bytes:
        if len(blob) < 1 + 8 + _NONCE_BYTES + 16 or blob[0] != _VERSION:
            raise DataKeyError("not a Haven ciphertext")
        key = self._by_id.get(blob[1:9])
        if key is None:
            raise DataKeyError("ciphertext made with a key that is not in the key ring")
        nonce, sealed = blob[9 : 9 + _NONCE_BYTES], blob[9 + _NONCE_BYTES :]
        try:
            return key.encryption.decrypt(nonce, sealed, associated)
        except InvalidTag:
            raise DataKeyError("ciphertext does not authenticate (tampered or misplaced)") from None

    def audit_mac(self, message: bytes, key_id: str | None = None) -> str:
        """HMAC-SHA256 with the audit subkey of the current key (or of `key_id`), hex."""
        key = self._current if key_id is None else self._by_id.get(bytes.fromhex(key_id))
        if key is None:
            raise DataKeyError("audit entry made with a key that is not in the key ring")
        return hmac.new(key.audit_mac_key, message, hashlib.sha256).hexdigest()


def generate_key_file(path: Path, *, demo: bool = False) -> None:
    """Write a new random key to `path` with owner-only permissions; never overwrites."""
    path.parent.mkdir(parents=True, exist_ok=True)
    text = base64.b64encode(os.urandom(_KEY_BYTES)).decode("ascii")
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL
    try:
        fd = os.open(path, flags, 0o600)
    except FileExistsError:
        raise DataKeyError(f"a key file already exists at {path}; refusing to overwrite") from None
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write((_DEMO_PREFIX if demo else "") + text + "\n")
