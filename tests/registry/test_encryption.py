"""Identifying data is encrypted at rest: no name or document number in the database."""

from __future__ import annotations

import base64
import os
import uuid
from pathlib import Path

import pytest
from sqlalchemy import inspect, text

from factories import victim
from haven.config import Settings
from haven.exceptions import DataKeyError
from haven.registry import KeyRing, Registry, Scope, generate_key_file
from haven.registry._tables import IdentityRow

SECRETS = ["Ioana-Maria", "Zăvoianu", "Roxy", "058812345", "721 555 019", "2001-07-30"]


def _fill(registry: Registry, scope: Scope) -> None:
    with registry.transaction(scope) as tx:
        for i in range(30):
            tx.victims.create(victim(external_id=f"V-{i}"))


def test_sqlite_file_holds_no_plaintext(tmp_path: Path, make_org: object) -> None:
    settings = Settings(home=tmp_path)
    registry = Registry.open(settings, initialise=True)
    from haven.registry import AdminScope
    from haven.standard import OrganisationCreate

    org = registry.create_organisation(AdminScope("t"), OrganisationCreate(
        name="Politie", country="NL", type="police", code="nl-police"))
    _fill(registry, Scope("t", org.id, identifying=True))
    with registry.transaction(Scope("t", org.id, identifying=True)) as tx:
        assert tx.victims.find("V-3") is not None
    registry.close()
    blobs = b"".join(p.read_bytes() for p in tmp_path.iterdir() if p.name.startswith("haven.sq"))
    assert len(blobs) > 10_000
    for secret in SECRETS:
        for encoding in ("utf-8", "utf-16-le"):
            assert secret.encode(encoding) not in blobs, secret
    assert b"Zavoianu" not in blobs


@pytest.mark.postgres
def test_postgres_holds_no_plaintext(postgres_schema_url: str, tmp_path: Path) -> None:
    settings = Settings(home=tmp_path, database_url=postgres_schema_url)
    registry = Registry.open(settings, initialise=True)
    from haven.registry import AdminScope
    from haven.standard import OrganisationCreate

    org = registry.create_organisation(AdminScope("t"), OrganisationCreate(
        name="Politie", country="NL", type="police", code="nl-police"))
    _fill(registry, Scope("t", org.id, identifying=True))
    with registry.engine.connect() as connection:
        dump = []
        for table in inspect(connection).get_table_names():
            rows = connection.execute(text(f'SELECT t::text FROM "{table}" t'))  # noqa: S608
            dump.extend(r[0] for r in rows)
        identities = connection.execute(text("SELECT ciphertext FROM identities")).all()
    everything = "\n".join(dump)
    assert "V-29" in everything  # the scan sees the data...
    for secret in SECRETS:
        assert secret not in everything  # ...but no identifying value
        assert all(secret.encode() not in bytes(c[0]) for c in identities)
    registry.close()


def test_ciphertext_is_bound_to_its_record(registry: Registry, scope: Scope) -> None:
    with registry.transaction(scope) as tx:
        a = tx.victims.create(victim(external_id="V-A"))
        b = tx.victims.create(victim(external_id="V-B"))
    with registry.transaction(scope) as tx:
        row_a = tx.session.get(IdentityRow, a.id)
        row_b = tx.session.get(IdentityRow, b.id)
        assert row_a is not None and row_b is not None
        row_b.ciphertext = row_a.ciphertext  # an attacker swaps identities
    with pytest.raises(DataKeyError, match="authenticate"), registry.transaction(scope) as tx:
        tx.victims.get_detail(b.id)


def test_wrong_key_cannot_read(tmp_path: Path) -> None:
    ring = KeyRing(os.urandom(32))
    blob = ring.encrypt(b"secret", b"victim:1")
    assert ring.decrypt(blob, b"victim:1") == b"secret"
    with pytest.raises(DataKeyError, match="not in the key ring"):
        KeyRing(os.urandom(32)).decrypt(blob, b"victim:1")
    rotated = KeyRing(os.urandom(32), older=(b"\0" * 32,))
    old = KeyRing(b"\0" * 32).encrypt(b"old", b"ad")
    assert rotated.decrypt(old, b"ad") == b"old"


def test_key_file_rules(tmp_path: Path) -> None:
    path = tmp_path / "k"
    generate_key_file(path, demo=True)
    assert path.stat().st_mode & 0o777 == 0o600
    with pytest.raises(DataKeyError, match="already exists"):
        generate_key_file(path)
    assert KeyRing.from_file(path).is_demo_key
    with pytest.raises(DataKeyError, match="demo key"):
        KeyRing.from_file(path, production=True)
    real = tmp_path / "real"
    generate_key_file(real)
    real.chmod(0o644)
    with pytest.raises(DataKeyError, match="readable by others"):
        KeyRing.from_file(real, production=True)
    with pytest.raises(DataKeyError, match="32 bytes"):
        KeyRing.from_b64(base64.b64encode(b"short").decode())
    with pytest.raises(DataKeyError, match="no key file"):
        KeyRing.from_file(tmp_path / "missing")


def test_registry_refuses_an_unmigrated_database(tmp_path: Path) -> None:
    from haven.exceptions import ConfigurationError

    settings = Settings(home=tmp_path, data_key_b64=base64.b64encode(os.urandom(32)).decode())
    with pytest.raises(ConfigurationError, match="haven init"):
        Registry.open(settings)
    assert str(uuid.uuid4())  # settings untouched by the failure
