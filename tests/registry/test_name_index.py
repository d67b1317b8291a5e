"""Finding a person by name through the blind index: across scripts, orders and aliases,
in the own organisation only, with nothing decrypted and nothing of the query logged."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import delete, func, select

from factories import victim
from haven.config import Settings
from haven.exceptions import PermissionDenied
from haven.registry import Registry, Scope
from haven.registry._tables import AuditEntryRow, IdentityTokenRow
from haven.standard import OrganisationPublic, VictimUpdate

PERSON: dict[str, Any] = {"given_names": "Олександр", "family_name": "Коваль",
                          "aliases": ["Sasha"], "date_of_birth": "2001-07-30"}


def _found(registry: Registry, scope: Scope, name: str, dob: str | None = None) -> list[str]:
    with registry.transaction(scope) as tx:
        return [v.external_id for v in tx.victims.search_identifying(name, date_of_birth=dob)]


@pytest.fixture
def indexed(registry: Registry, scope: Scope) -> Registry:
    with registry.transaction(scope) as tx:
        tx.victims.create(victim(external_id="V-UA", identifying=PERSON))
        tx.victims.create(victim(external_id="V-VN", identifying={
            "given_names": "Thị Hoa", "family_name": "Nguyễn", "date_of_birth": "1999"}))
        tx.victims.create(victim(external_id="V-NAMESAKE", identifying={
            "given_names": "Ivan", "family_name": "Koval", "date_of_birth": "1980-01-02"}))
    return registry


@pytest.mark.parametrize(("query", "dob", "expected"), [
    ("Koval Oleksandr", None, ["V-UA"]),              # Latin for Cyrillic, order swapped
    ("олександр коваль", None, ["V-UA"]),
    ("Oleksandr Kowal", None, ["V-UA"]),              # a German-style spelling
    ("Sasha", None, ["V-UA"]),                        # an alias
    ("Koval", None, ["V-NAMESAKE", "V-UA"]),
    ("Koval", "2001-07-30", ["V-UA"]),                # the date separates namesakes
    ("Koval", "1980", ["V-NAMESAKE"]),                # or the year
    ("Koval", "2001-07-31", []),
    ("Koval Ivan Oleksandr", None, []),               # every part must match
    ("Nguyen Hoa", "1999", ["V-VN"]),                 # diacritics dropped, year of a partial date
    ("X", None, []),                                  # no usable name part
])
def test_search_finds_the_person_however_the_name_is_written(
        indexed: Registry, scope: Scope, query: str, dob: str | None, expected: list[str]
) -> None:
    assert sorted(_found(indexed, scope, query, dob)) == expected


def test_search_is_scoped_permissioned_and_audited_without_the_query(
        indexed: Registry, scope: Scope, other_org: OrganisationPublic) -> None:
    assert _found(indexed, Scope("user:other", other_org.id, identifying=True), "Koval") == []
    with pytest.raises(PermissionDenied), indexed.transaction(
            Scope("user:analyst", scope.organisation_id)) as tx:
        tx.victims.search_identifying("Koval")
    with indexed.session() as session:
        entry = session.scalars(select(AuditEntryRow).where(AuditEntryRow.action == "list")
                                .order_by(AuditEntryRow.seq.desc())).first()
        tokens = session.scalars(select(IdentityTokenRow.token)).all()
    assert entry is not None and '"search":"identifying"' in entry.detail
    assert "oval" not in entry.detail.lower()
    assert tokens and all(len(t) == 32 and "koval" not in t for t in tokens)


def test_the_index_follows_changes_erasure_rotation_and_upgrades(
        indexed: Registry, scope: Scope, settings: Settings) -> None:
    from haven.retention import erase_record

    with indexed.transaction(scope) as tx:
        record = tx.victims.find("V-UA")
        assert record is not None
        tx.victims.update(record.id, VictimUpdate(version=record.version, identifying={
            "given_names": "Oleksandr", "family_name": "Melnyk"}))
    assert _found(indexed, scope, "Koval Oleksandr") == []
    assert _found(indexed, scope, "Мельник") == ["V-UA"]

    with indexed.session() as session:
        before = set(session.scalars(select(IdentityTokenRow.token)))
    indexed.rotate_key(settings.resolved_key_file, actor="cli:test")
    with indexed.session() as session:
        after = set(session.scalars(select(IdentityTokenRow.token)))
    assert before and after and not before & after  # tokens are keyed: a new key, new tokens
    assert _found(indexed, scope, "Melnyk") == ["V-UA"]

    with indexed.session() as session:  # a database from before the index existed
        session.execute(delete(IdentityTokenRow))
    upgraded = Registry.open(settings, initialise=True)
    assert sorted(_found(upgraded, scope, "Koval")) == ["V-NAMESAKE"]
    upgraded.close()

    with indexed.transaction(scope) as tx:
        erase_record(tx, "victim", record.id, part="identity")
    assert _found(indexed, scope, "Melnyk") == []
    with indexed.session() as session:
        left = session.scalar(select(func.count()).select_from(IdentityTokenRow).where(
            IdentityTokenRow.record_id == record.id))
    assert left == 0
