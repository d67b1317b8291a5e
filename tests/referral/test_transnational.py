"""Two Haven installations on loopback (NL and RO) exchange a referral end to end.

Each runs its own registry (NL on SQLite, RO on PostgreSQL) and keys behind its own uvicorn
server; packages go over HTTP.
A tampered, replayed, stale, misaddressed or unknown-sender package is refused, and nothing
is created; the recipient gets only the fields sent; both audit logs record the exchange.
"""

from __future__ import annotations

import json
import socket
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
import uvicorn
from fastapi import FastAPI
from sqlalchemy import func, select

from haven.config import Settings
from haven.referral import (
    DEFAULT_TRANSNATIONAL_FIELDS,
    ConsentMissing,
    DeliveryFailed,
    Inbox,
    InstallationKeys,
    PartnerCard,
    ReplayedPackage,
    SealedPackage,
    Stage,
    TransnationalClient,
    TransnationalSettings,
    UnknownPartner,
    add_partner,
    list_pathways,
    open_pathway,
    send_referral,
)
from haven.referral._package import seal
from haven.referral._payload import ReferralPayload
from haven.referral._tables import InboundPackageRow, OutboundPackageRow
from haven.referral._transnational import REFUSALS_PER_MINUTE, prepare_package
from haven.referral.api import configure, router
from haven.registry import AdminScope, Registry, Scope
from haven.registry._tables import AuditEntryRow, VictimRow
from haven.standard import OrganisationCreate
from haven.web._errors import install_error_handlers
from referral.support import DETECTED_ON, adult_victim, consent_to

pytestmark = pytest.mark.postgres


@dataclass
class Installation:
    registry: Registry
    keys: InstallationKeys
    card: PartnerCard
    scope: Scope
    server: uvicorn.Server
    thread: threading.Thread

    def count(self, row_type: type[VictimRow] | type[InboundPackageRow]
              | type[OutboundPackageRow]) -> int:
        with self.registry.engine.connect() as connection:
            return connection.scalar(select(func.count()).select_from(row_type)) or 0

    def audit(self, kind: str) -> list[tuple[str, dict[str, object]]]:
        with self.registry.engine.connect() as connection:
            rows = connection.execute(select(AuditEntryRow.action, AuditEntryRow.detail).where(
                AuditEntryRow.entity_kind == kind).order_by(AuditEntryRow.seq)).all()
        return [(action, json.loads(detail)) for action, detail in rows]

    def post(self, package: SealedPackage) -> httpx.Response:
        return httpx.post(self.card.endpoint + "/api/transnational/inbox",
                          json=package.model_dump(mode="json"), timeout=10)


def _start(tmp: Path, country: str, database_url: str | None = None) -> Installation:
    registry = Registry.open(Settings(home=tmp / country.lower(), database_url=database_url),
                             initialise=True)
    org = registry.create_organisation(AdminScope("test"), OrganisationCreate(
        name=f"National referral mechanism {country}", country=country, type="ngo",
        code=f"{country.lower()}-nrm"))
    keys = InstallationKeys.generate(f"{country.lower()}-haven")
    keys.save(tmp / f"{country.lower()}.key")
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    app = FastAPI()
    install_error_handlers(app)
    app.include_router(router)
    configure(app, registry, TransnationalSettings.from_env({
        "HAVEN_TRM_KEY_FILE": str(tmp / f"{country.lower()}.key"),
        "HAVEN_TRM_ORGANISATION": org.code, "HAVEN_TRM_NAME": f"Haven {country}",
        "HAVEN_TRM_COUNTRY": country,
        "HAVEN_TRM_ENDPOINT": f"http://127.0.0.1:{sock.getsockname()[1]}"}))
    card = app.state.transnational_card
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline:  # pragma: no cover - a broken environment
            raise RuntimeError("the test server did not start")
        time.sleep(0.02)
    return Installation(registry, keys, card, Scope("user:caseworker", org.id, identifying=True),
                        server, thread)


@pytest.fixture
def pair(tmp_path: Path, postgres_schema_url: str) -> Iterator[tuple[Installation, Installation]]:
    """NL on a laptop (SQLite), RO in a ministry (PostgreSQL)."""
    nl, ro = _start(tmp_path, "NL"), _start(tmp_path, "RO", postgres_schema_url)
    add_partner(nl.registry, ro.card, actor="admin:nl")
    add_partner(ro.registry, nl.card, actor="admin:ro")
    yield nl, ro
    for side in (nl, ro):
        side.server.should_exit = True
        side.thread.join(timeout=10)
        side.registry.close()


def _pathway(nl: Installation, *, consent: bool = True) -> uuid.UUID:
    with nl.registry.transaction(nl.scope) as tx:
        victim = adult_victim(tx)
        pathway = open_pathway(tx, victim.id, on=DETECTED_ON, reason="screened")
        if consent:
            consent_to(tx, pathway.id, installation="ro-haven")
        return pathway.id


def test_a_referral_goes_from_nl_to_ro_with_only_the_named_fields(
        pair: tuple[Installation, Installation]) -> None:
    nl, ro = pair
    pathway_id = _pathway(nl)
    with TransnationalClient() as client:
        sent = send_referral(nl.registry, nl.scope, pathway_id, "ro-haven",
                             keys=nl.keys, deliverer=client, reason="return to Romania planned",
                             fields=DEFAULT_TRANSNATIONAL_FIELDS | {"given_names"})
    assert sent.status == "acknowledged"
    with ro.registry.transaction(ro.scope) as tx:
        (received,) = list_pathways(tx)
        victim = tx.victims.get_detail(received.victim_id)
    assert sent.remote_reference == str(received.id)
    assert received.source_installation == "nl-haven"
    assert received.source_reference == str(pathway_id)
    assert received.stage is Stage.REFERRED and received.third_country_national
    assert victim.external_id.startswith("trm:nl-haven:")
    assert victim.identifying is not None and victim.identifying.given_names == "Ana"
    assert victim.identifying.family_name is None  # not named, not sent
    assert victim.country_of_exploitation is None  # not named, not sent
    assert victim.citizenships == ["UA"] and victim.age_at_registration == 29
    exported = nl.audit("trm_package")
    assert [a for a, _ in exported] == ["export", "update"]
    assert exported[1][1]["status"] == "acknowledged"
    (imported,) = ro.audit("trm_package")
    assert imported[0] == "import" and imported[1]["sender_reference"] == str(pathway_id)
    assert "Ana" not in json.dumps([*exported, imported])  # audit entries carry no values
    assert httpx.get(ro.card.endpoint + "/api/transnational/card").json() == \
        ro.card.model_dump(mode="json")
    nl.registry.verify_audit()
    ro.registry.verify_audit()


def test_tampered_replayed_stale_misaddressed_and_unknown_packages_are_refused(
        pair: tuple[Installation, Installation]) -> None:
    nl, ro = pair
    pathway_id = _pathway(nl)
    with nl.registry.transaction(nl.scope) as tx:
        package, _ = prepare_package(tx, pathway_id, "ro-haven", keys=nl.keys,
                                     reason="return planned")
    flipped = package.ciphertext[:-6] + ("A" if package.ciphertext[-6] != "A" else "B") + \
        package.ciphertext[-5:]
    be_keys = InstallationKeys.generate("be-haven")
    be_card = be_keys.card(name="Haven BE", country="BE", endpoint="http://127.0.0.1:9")
    now = datetime.now(UTC)
    refused = {
        "tampered ciphertext": (package.model_copy(update={"ciphertext": flipped}), 400,
                                "TamperedPackage"),
        "re-dated header": (package.model_copy(update={"created_at": now}), 400,
                            "TamperedPackage"),
        "stale": (seal(b"{}", sender=nl.keys, recipient=ro.card,
                       now=now - timedelta(minutes=10)), 400, "StalePackage"),
        "misaddressed": (seal(b"{}", sender=nl.keys, recipient=be_card, now=now), 421,
                         "MisaddressedPackage"),
        "unknown sender": (seal(b"{}", sender=be_keys, recipient=ro.card, now=now), 403,
                           "UnknownPartner"),
    }
    for name, (bad, status, error) in refused.items():
        response = ro.post(bad)
        assert (response.status_code, response.json()["error"]) == (status, error), name
    assert ro.count(VictimRow) == 0 and ro.count(InboundPackageRow) == 0
    assert ro.post(package).status_code == 201
    replay = ro.post(package)
    assert (replay.status_code, replay.json()["error"]) == (409, "ReplayedPackage")
    assert ro.count(VictimRow) == 1 and ro.count(InboundPackageRow) == 1
    entries = ro.audit("trm_package")
    assert [a for a, _ in entries] == ["import_refused"] * 5 + ["import", "import_refused"]
    refusals = [detail for action, detail in entries if action == "import_refused"]
    assert [d["reason"] for d in refusals] == [
        "TamperedPackage", "TamperedPackage", "StalePackage", "MisaddressedPackage",
        "UnknownPartner", "ReplayedPackage"]
    # The partner is named when the sender is one; an unknown sender only as claimed.
    assert [d["partner"] for d in refusals] == ["nl-haven"] * 4 + [None, "nl-haven"]
    assert refusals[4]["claimed_sender"] == "be-haven"
    assert refusals[3]["recipient"] == "be-haven"
    assert refusals[-1].keys() == {"reason", "partner"}
    with ro.registry.engine.connect() as connection:
        ids = connection.execute(select(AuditEntryRow.entity_id, AuditEntryRow.organisation_id)
                                 .where(AuditEntryRow.action == "import_refused")).all()
    assert ids[-1][0] == str(package.package_id) and ids[0][0] == str(package.package_id)
    assert {org for _, org in ids} == {str(ro.scope.organisation_id)}
    assert "Ana" not in json.dumps(entries)
    ro.registry.verify_audit()


def test_a_referral_without_consent_is_not_sent(pair: tuple[Installation, Installation]) -> None:
    nl, ro = pair
    pathway_id = _pathway(nl, consent=False)
    with pytest.raises(ConsentMissing), TransnationalClient() as client:
        send_referral(nl.registry, nl.scope, pathway_id, "ro-haven", keys=nl.keys,
                      deliverer=client, reason="x")
    assert nl.count(OutboundPackageRow) == 0
    assert ro.count(VictimRow) == 0


def test_a_refused_delivery_is_recorded_as_failed(
        pair: tuple[Installation, Installation]) -> None:
    nl, ro = pair
    pathway_id = _pathway(nl)
    # RO no longer knows NL's keys: NL rotated them without telling RO.
    rotated = InstallationKeys.generate("nl-haven")
    with pytest.raises(DeliveryFailed, match="400 TamperedPackage"), \
            TransnationalClient() as client:
        send_referral(nl.registry, nl.scope, pathway_id, "ro-haven", keys=rotated,
                      deliverer=client, reason="x")
    with nl.registry.engine.connect() as connection:
        assert connection.scalar(select(OutboundPackageRow.status)) == "failed"
    assert ro.count(VictimRow) == 0


def test_a_package_taken_on_meanwhile_is_refused_as_a_replay(
        registry: Registry, scope: Scope, monkeypatch: pytest.MonkeyPatch) -> None:
    nl, ro = InstallationKeys.generate("nl-haven"), InstallationKeys.generate("ro-haven")
    add_partner(registry, nl.card(name="Haven NL", country="NL",
                                  endpoint="https://haven.example.nl"), actor="admin:ro")
    payload = ReferralPayload(sender_reference="NL-7", record={"sex": "female"},
                              stage="referred", minority="adult", third_country_national=True,
                              detected_on=DETECTED_ON, consent=[], reason="return planned")
    package = seal(payload.model_dump_json().encode(), sender=nl,
                   recipient=ro.card(name="Haven RO", country="RO",
                                     endpoint="https://haven.example.ro"),
                   now=datetime.now(UTC))
    slow, fast = (Inbox(registry, ro, scope.organisation_id) for _ in range(2))
    opened = slow._payload

    def racing(sealed: SealedPackage) -> ReferralPayload:
        fast.receive(sealed)  # a second request takes it on after the slow one's check
        return opened(sealed)

    monkeypatch.setattr(slow, "_payload", racing)
    with pytest.raises(ReplayedPackage):
        slow.receive(package)
    with registry.engine.connect() as connection:
        assert connection.scalar(select(func.count()).select_from(VictimRow)) == 1
        assert connection.scalar(select(func.count()).select_from(InboundPackageRow)) == 1
        entries = connection.execute(select(AuditEntryRow.action, AuditEntryRow.detail).where(
            AuditEntryRow.entity_kind == "trm_package").order_by(AuditEntryRow.seq)).all()
    assert [a for a, _ in entries] == ["import", "import_refused"]
    assert json.loads(entries[1][1]) == {"reason": "ReplayedPackage", "partner": "nl-haven"}
    registry.verify_audit()


def test_a_flood_of_refused_packages_is_counted_not_recorded_one_by_one(
        registry: Registry, scope: Scope) -> None:
    ro = InstallationKeys.generate("ro-haven")
    stranger = InstallationKeys.generate("xx-haven")
    now = [datetime(2026, 12, 1, 9, 0, tzinfo=UTC)]
    inbox = Inbox(registry, ro, scope.organisation_id, clock=lambda: now[0])
    card = ro.card(name="Haven RO", country="RO", endpoint="https://haven.example.ro")

    def forged() -> None:
        with pytest.raises(UnknownPartner):
            inbox.receive(seal(b"{}", sender=stranger, recipient=card, now=now[0]))

    for _ in range(REFUSALS_PER_MINUTE + 15):
        forged()
    now[0] += timedelta(seconds=61)
    forged()
    with registry.engine.connect() as connection:
        details = [json.loads(d) for d in connection.scalars(
            select(AuditEntryRow.detail).where(AuditEntryRow.action == "import_refused")
            .order_by(AuditEntryRow.seq))]
    assert len(details) == REFUSALS_PER_MINUTE + 2
    summary = details[REFUSALS_PER_MINUTE]
    assert summary["reason"] == "TooManyRefusals" and summary["unrecorded"] == 15
    assert summary["minute_from"] == "2026-12-01T09:00:00+00:00"
    assert details[-1]["reason"] == "UnknownPartner"
    registry.verify_audit()
