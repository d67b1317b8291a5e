"""Field encryption for identifying data, and the keys derived for the audit chain.

One 256-bit master key lives outside the database (a key file or HAVEN_DATA_KEY). From it,
HKDF derives independent subkeys: one for AES-256-GCM encryption of identifying data, one for
the HMAC of the audit chain. Each ciphertext is bound to its record by associated data
("victim:<uuid>"), so a ciphertext copied onto another record does not decrypt.

Ciphertext layout: version byte (1) | key id (8) | nonce (12) | AES-GCM ciphertext and tag.
The key id lets a key ring hold old keys during rotation.

Key file: the current key on the first line (base64, `demo:` in front for a demo key), then
one line per older key. During a rotation an older key is whole (`old:<base64>`), so that
what it encrypted can still be read and re-encrypted; once nothing needs it, only its audit
subkey stays (`audit:<key id>:<base64>`): it verifies the audit entries made under it and
decrypts nothing, so a leaked retired line reveals no identity.
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

__all__ = ["KeyRing", "generate_key_file", "write_key_file"]

_VERSION = 1
_KEY_BYTES = 32
_NONCE_BYTES = 12
_DEMO_PREFIX = "demo:"
_OLD_PREFIX = "old:"
_AUDIT_PREFIX = "audit:"


def _derive(master: bytes, purpose: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"haven/" + purpose).derive(
        master
    )


@dataclass(frozen=True, slots=True)
class _Key:
    key_id: bytes
    encryption: AESGCM = field(repr=False)
    audit_mac_key: bytes = field(repr=False)
    index_key: bytes = field(repr=False)


def _make_key(master: bytes) -> _Key:
    if len(master) != _KEY_BYTES:
        raise DataKeyError(f"the data key must be {_KEY_BYTES} bytes, base64-encoded")
    key_id = hashlib.sha256(b"haven/key-id" + master).digest()[:8]
    return _Key(key_id, AESGCM(_derive(master, b"identifying-data")), _derive(master, b"audit"),
                _derive(master, b"blind-index"))


class KeyRing:
    """The current key, used for new ciphertexts, and older keys still able to decrypt.

    `retired` maps key ids of retired keys to their audit subkeys: those verify old audit
    entries and nothing else.
    """

    def __init__(self, current: bytes, older: tuple[bytes, ...] = (), *, demo: bool = False,
                 retired: dict[bytes, bytes] | None = None):
        self._current = _make_key(current)
        self._current_master, self._older_masters = current, tuple(older)
        self._by_id = {k.key_id: k for k in (self._current, *map(_make_key, older))}
        self._retired = dict(retired or {})
        self.is_demo_key = demo

    @property
    def older_key_ids(self) -> list[str]:
        """Ids of the older keys that can still decrypt (a rotation under way)."""
        return [k.hex() for k in self._by_id if k != self._current.key_id]

    @property
    def retired_key_ids(self) -> list[str]:
        return [k.hex() for k in self._retired]

    def knows(self, key_id: str) -> bool:
        """Whether `key_id` is this ring's current key or one it rotated away from."""
        raw = bytes.fromhex(key_id)
        return raw in self._by_id or raw in self._retired

    def key_id_of(self, blob: bytes) -> str:
        """The id of the key a ciphertext was made with."""
        return blob[1:9].hex()

    def rotated(self) -> KeyRing:
        """A ring with a new random current key; every key of this one becomes older."""
        return KeyRing(os.urandom(_KEY_BYTES), (self._current_master, *self._older_masters),
                       retired=self._retired)

    def retire_older(self) -> KeyRing:
        """The same current key; older keys keep only their audit subkeys."""
        retired = dict(self._retired)
        for key in self._by_id.values():
            if key.key_id != self._current.key_id:
                retired[key.key_id] = key.audit_mac_key
        return KeyRing(self._current_master, retired=retired, demo=self.is_demo_key)

    def file_text(self) -> str:
        lines = [(_DEMO_PREFIX if self.is_demo_key else "")
                 + base64.b64encode(self._current_master).decode("ascii")]
        lines += [_OLD_PREFIX + base64.b64encode(m).decode("ascii")
                  for m in self._older_masters]
        lines += [f"{_AUDIT_PREFIX}{key_id.hex()}:{base64.b64encode(mac).decode('ascii')}"
                  for key_id, mac in self._retired.items()]
        return "\n".join(lines) + "\n"

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
        first, *rest = [line.strip() for line in text.splitlines() if line.strip()] or [""]
        demo = first.startswith(_DEMO_PREFIX)
        if production:
            if demo:
                raise DataKeyError("a demo key cannot be used in production")
            if path.stat().st_mode & (stat.S_IRWXG | stat.S_IRWXO):
                raise DataKeyError(f"the key file {path} is readable by others; chmod 600 it")
        current = cls.from_b64(first.removeprefix(_DEMO_PREFIX))._current_master
        older: list[bytes] = []
        retired: dict[bytes, bytes] = {}
        try:
            for line in rest:
                if line.startswith(_OLD_PREFIX):
                    older.append(base64.b64decode(line.removeprefix(_OLD_PREFIX), validate=True))
                elif line.startswith(_AUDIT_PREFIX):
                    key_id, mac = line.removeprefix(_AUDIT_PREFIX).split(":", 1)
                    retired[bytes.fromhex(key_id)] = base64.b64decode(mac, validate=True)
                else:
                    raise ValueError
        except (binascii.Error, ValueError):
            raise DataKeyError(f"the key file {path} has a line that is not a key") from None
        return cls(current, tuple(older), demo=demo, retired=retired)

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
            why = ("a retired key" if blob[1:9] in self._retired
                   else "a key that is not in the key ring")
            raise DataKeyError(f"ciphertext made with {why}")
        nonce, sealed = blob[9 : 9 + _NONCE_BYTES], blob[9 + _NONCE_BYTES :]
        try:
            return key.encryption.decrypt(nonce, sealed, associated)
        except InvalidTag:
            raise DataKeyError("ciphertext does not authenticate (tampered or misplaced)") from None

    def blind_token(self, value: str) -> str:
        """Keyed token of a normalised name part or date (current key; 128 bits, hex)."""
        return hmac.new(self._current.index_key, value.encode("utf-8"),
                        hashlib.sha256).hexdigest()[:32]

    def audit_mac(self, message: bytes, key_id: str | None = None) -> str:
        """HMAC-SHA256 with the audit subkey of the current key (or of `key_id`), hex."""
        if key_id is None:
            mac_key = self._current.audit_mac_key
        else:
            raw = bytes.fromhex(key_id)
            key = self._by_id.get(raw)
            mac_key = key.audit_mac_key if key is not None else self._retired.get(raw, b"")
            if not mac_key:
                raise DataKeyError("audit entry made with a key that is not in the key ring")
        return hmac.new(mac_key, message, hashlib.sha256).hexdigest()


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


def write_key_file(path: Path, ring: KeyRing) -> None:
    """Replace the key file with `ring`, atomically and owner-only: a crash leaves the old
    file or the new one whole, never half of either."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.new")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="ascii") as handle:
            handle.write(ring.file_text())
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    directory = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(directory)  # the rename itself survives a power cut
    finally:
        os.close(directory)
