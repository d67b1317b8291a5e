"""Installation keys and partner cards.

Each Haven installation that takes part in transnational referral has two key pairs: Ed25519
to sign what it sends, X25519 to receive packages encrypted to it. The private keys live in a
key file with owner-only permissions, apart from the database; the public halves travel as a
`PartnerCard`, which partners add to their directory after checking it out of band.
"""

from __future__ import annotations

import base64
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    PublicFormat,
)
from pydantic import AfterValidator, BaseModel, ConfigDict, StringConstraints

from haven._text import N_
from haven.exceptions import ConfigurationError

__all__ = ["InstallationId", "InstallationKeys", "PartnerCard", "b64", "unb64"]

InstallationId = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9.-]{1,63}$")]
Country = Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}$")]


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii")


def unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text.encode("ascii"))


def _raw32(value: str) -> str:
    try:
        raw = unb64(value)
    except ValueError:
        raise ValueError(N_("not base64")) from None
    if len(raw) != 32:
        raise ValueError(N_("a public key is 32 bytes"))
    return value


def _endpoint(value: str) -> str:
    if not value.startswith(("https://", "http://")) or len(value) > 500:
        raise ValueError(N_("an http(s) URL of at most 500 characters"))
    return value.rstrip("/")


class PartnerCard(BaseModel):
    """The public identity of an installation: what a partner puts in its directory."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    installation_id: InstallationId
    name: Annotated[str, StringConstraints(min_length=2, max_length=200)]
    country: Country
    endpoint: Annotated[str, AfterValidator(_endpoint)]
    signing_key: Annotated[str, AfterValidator(_raw32)]
    encryption_key: Annotated[str, AfterValidator(_raw32)]

    def verifier(self) -> Ed25519PublicKey:
        return Ed25519PublicKey.from_public_bytes(unb64(self.signing_key))

    def recipient_key(self) -> X25519PublicKey:
        return X25519PublicKey.from_public_bytes(unb64(self.encryption_key))


def _raw_private(key: Ed25519PrivateKey | X25519PrivateKey) -> bytes:
    return key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())


@dataclass(frozen=True)
class InstallationKeys:
    """This installation's id and private keys."""

    installation_id: str
    signing: Ed25519PrivateKey
    agreement: X25519PrivateKey

    @classmethod
    def generate(cls, installation_id: str) -> InstallationKeys:
        return cls(installation_id, Ed25519PrivateKey.generate(), X25519PrivateKey.generate())

    def save(self, path: Path) -> None:
        """Write the key file with owner-only permissions; never overwrites."""
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            raise ConfigurationError(f"a key file already exists at {path}; refusing to "
                                     "overwrite") from None
        with os.fdopen(fd, "w", encoding="ascii") as handle:
            json.dump({"installation_id": self.installation_id,
                       "signing_key": b64(_raw_private(self.signing)),
                       "agreement_key": b64(_raw_private(self.agreement))}, handle)

    @classmethod
    def load(cls, path: Path) -> InstallationKeys:
        try:
            data = json.loads(path.read_text(encoding="ascii"))
            return cls(data["installation_id"],
                       Ed25519PrivateKey.from_private_bytes(unb64(data["signing_key"])),
                       X25519PrivateKey.from_private_bytes(unb64(data["agreement_key"])))
        except (OSError, ValueError, KeyError, TypeError):
            raise ConfigurationError(f"the installation key file {path} cannot be read") \
                from None

    def card(self, *, name: str, country: str, endpoint: str) -> PartnerCard:
        """The public card partners need to send to and verify this installation."""
        return PartnerCard(
            installation_id=self.installation_id, name=name, country=country,
            endpoint=endpoint,
            signing_key=b64(self.signing.public_key().public_bytes(Encoding.Raw,
                                                                   PublicFormat.Raw)),
            encryption_key=b64(self.agreement.public_key().public_bytes(Encoding.Raw,
                                                                        PublicFormat.Raw)))
