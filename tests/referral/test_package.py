"""Sealed packages: round trip, and every kind of tampering detected."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest

from haven.referral import Acknowledgement, InstallationKeys, TamperedPackage
from haven.referral._keys import unb64
from haven.referral._package import open_package, seal, sign_ack, verify_ack, verify_package

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


@pytest.fixture
def parties() -> tuple[InstallationKeys, InstallationKeys]:
    return InstallationKeys.generate("nl-haven"), InstallationKeys.generate("ro-haven")


def _card(keys: InstallationKeys):  # type: ignore[no-untyped-def]
    return keys.card(name="Haven", country="NL", endpoint="https://haven.example")


def test_round_trip(parties: tuple[InstallationKeys, InstallationKeys]) -> None:
    nl, ro = parties
    package = seal(b'{"x": 1}', sender=nl, recipient=_card(ro), now=NOW)
    verify_package(package, _card(nl).verifier())
    assert open_package(package, ro) == b'{"x": 1}'
    assert b'{"x": 1}' not in unb64(package.ciphertext)  # not readable in transit
    again = seal(b'{"x": 1}', sender=nl, recipient=_card(ro), now=NOW)
    assert again.ciphertext != package.ciphertext  # fresh ephemeral key and nonce


def test_only_the_recipient_can_open(parties: tuple[InstallationKeys, InstallationKeys]) -> None:
    nl, ro = parties
    package = seal(b"secret", sender=nl, recipient=_card(ro), now=NOW)
    with pytest.raises(TamperedPackage):
        open_package(package, InstallationKeys.generate("ro-haven"))


@pytest.mark.parametrize("field", ["package_id", "sender", "recipient", "created_at",
                                   "nonce", "ciphertext", "ephemeral_key"])
def test_any_change_breaks_the_signature(
        parties: tuple[InstallationKeys, InstallationKeys], field: str) -> None:
    nl, ro = parties
    package = seal(b"secret", sender=nl, recipient=_card(ro), now=NOW)
    other = seal(b"other!", sender=nl, recipient=_card(ro), now=NOW.replace(minute=1))
    changed = package.model_copy(update={field: getattr(other, field) if field not in
                                         {"sender", "recipient"} else "be-haven"})
    if field == "package_id":
        changed = package.model_copy(update={"package_id": uuid.uuid4()})
    with pytest.raises(TamperedPackage):
        verify_package(changed, _card(nl).verifier())
    if field in {"nonce", "ciphertext", "package_id", "created_at"}:
        with pytest.raises(TamperedPackage):  # and the AEAD tag fails too
            open_package(changed, ro)


def test_a_forged_signature_fails(parties: tuple[InstallationKeys, InstallationKeys]) -> None:
    nl, ro = parties
    mallory = InstallationKeys.generate("nl-haven")
    forged = seal(b"secret", sender=mallory, recipient=_card(ro), now=NOW)
    with pytest.raises(TamperedPackage):
        verify_package(forged, _card(nl).verifier())


def test_acknowledgements_are_signed(parties: tuple[InstallationKeys, InstallationKeys]) -> None:
    nl, ro = parties
    ack = sign_ack(Acknowledgement(package_id=uuid.uuid4(), sender="nl-haven",
                                   receiver="ro-haven", received_at=NOW,
                                   receiver_reference="p-1"), ro)
    verify_ack(ack, _card(ro))
    with pytest.raises(TamperedPackage):
        verify_ack(ack.model_copy(update={"receiver_reference": "p-2"}), _card(ro))
    with pytest.raises(TamperedPackage):
        verify_ack(ack, _card(nl))
