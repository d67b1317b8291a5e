"""Sealed packages: encrypted to the recipient installation, signed by the sender.

Construction (all primitives from `cryptography`, none of them hand-made):

1. The sender draws an ephemeral X25519 key pair and agrees a shared secret with the
   recipient's X25519 public key.
2. HKDF-SHA256 derives a 256-bit key from it (salt: ephemeral and recipient public keys;
   info: protocol label, sender and recipient ids).
3. AES-256-GCM encrypts the payload under a random 96-bit nonce, with the header (version,
   package id, sender, recipient, timestamp, ephemeral key, nonce) as associated data.
4. Ed25519 signs the header and the ciphertext with the sender's installation key.

The recipient checks the signature against the sender's key from its partner directory
before decrypting; a changed header or ciphertext fails the signature, and a header moved to
another recipient fails both the signature and the AEAD tag. Replay protection (package id,
timestamp window, stored seen ids) is the inbox's job.
"""

from __future__ import annotations

import json
import os
import uuid
from datetime import datetime
from typing import Any, Literal

from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from pydantic import AwareDatetime, BaseModel, ConfigDict

from haven.referral._errors import TamperedPackage
from haven.referral._keys import InstallationId, InstallationKeys, PartnerCard, b64, unb64

__all__ = ["Acknowledgement", "SealedPackage", "open_package", "seal", "sign_ack",
           "verify_ack", "verify_package"]

_LABEL = b"haven-trm-v1"


class SealedPackage(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    version: Literal[1] = 1
    package_id: uuid.UUID
    sender: InstallationId
    recipient: InstallationId
    created_at: AwareDatetime
    ephemeral_key: str
    nonce: str
    ciphertext: str
    signature: str = ""

    def header(self) -> bytes:
        return _canonical(self.model_dump(mode="json", exclude={"ciphertext", "signature"}))

    def signed_bytes(self) -> bytes:
        return _LABEL + b"\n" + _canonical(self.model_dump(mode="json", exclude={"signature"}))


class Acknowledgement(BaseModel):
    """The receiver's signed receipt: package id, its own reference for the new record."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    package_id: uuid.UUID
    sender: InstallationId
    receiver: InstallationId
    received_at: AwareDatetime
    receiver_reference: str
    signature: str = ""

    def signed_bytes(self) -> bytes:
        return _LABEL + b"-ack\n" + _canonical(self.model_dump(mode="json",
                                                                 exclude={"signature"}))


def _canonical(value: Any) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":"),
                      ensure_ascii=True).encode("ascii")


def _raw(key: X25519PublicKey) -> bytes:
    return key.public_bytes(Encoding.Raw, PublicFormat.Raw)


def _key(shared: bytes, ephemeral: bytes, recipient: bytes, sender_id: str,
         recipient_id: str) -> bytes:
    info = _LABEL + f"|{sender_id}|{recipient_id}".encode("ascii")
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=ephemeral + recipient,
                info=info).derive(shared)


def seal(payload: bytes, *, sender: InstallationKeys, recipient: PartnerCard, now: datetime,
         package_id: uuid.UUID | None = None) -> SealedPackage:
    """Encrypt `payload` to `recipient` and sign it as `sender`."""
    ephemeral = X25519PrivateKey.generate()
    recipient_key = recipient.recipient_key()
    eph_raw, rcp_raw = _raw(ephemeral.public_key()), _raw(recipient_key)
    key = _key(ephemeral.exchange(recipient_key), eph_raw, rcp_raw, sender.installation_id,
               recipient.installation_id)
    nonce = os.urandom(12)
    unsigned = SealedPackage(package_id=package_id or uuid.uuid4(),
                             sender=sender.installation_id,
                             recipient=recipient.installation_id, created_at=now,
                             ephemeral_key=b64(eph_raw), nonce=b64(nonce), ciphertext="")
    ciphertext = AESGCM(key).encrypt(nonce, payload, unsigned.header())
    body = unsigned.model_copy(update={"ciphertext": b64(ciphertext)})
    return body.model_copy(update={"signature": b64(sender.signing.sign(body.signed_bytes()))})


def verify_package(package: SealedPackage, signer: Ed25519PublicKey) -> None:
    try:
        signer.verify(unb64(package.signature), package.signed_bytes())
    except (InvalidSignature, ValueError):
        raise TamperedPackage(f"package {package.package_id}: the signature does not "
                              "verify") from None


def open_package(package: SealedPackage, keys: InstallationKeys) -> bytes:
    """Decrypt a package addressed to `keys`' installation (signature checked before)."""
    try:
        ephemeral = X25519PublicKey.from_public_bytes(unb64(package.ephemeral_key))
        own = _raw(keys.agreement.public_key())
        key = _key(keys.agreement.exchange(ephemeral), unb64(package.ephemeral_key), own,
                   package.sender, package.recipient)
        return AESGCM(key).decrypt(unb64(package.nonce), unb64(package.ciphertext),
                                   package.header())
    except (InvalidTag, ValueError):
        raise TamperedPackage(f"package {package.package_id}: it does not decrypt") from None


def sign_ack(ack: Acknowledgement, keys: InstallationKeys) -> Acknowledgement:
    return ack.model_copy(update={"signature": b64(keys.signing.sign(ack.signed_bytes()))})


def verify_ack(ack: Acknowledgement, partner: PartnerCard) -> None:
    try:
        partner.verifier().verify(unb64(ack.signature), ack.signed_bytes())
    except (InvalidSignature, ValueError):
        raise TamperedPackage(f"the acknowledgement of package {ack.package_id} does not "
                              "verify") from None
