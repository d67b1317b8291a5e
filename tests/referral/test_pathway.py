"""Pathways in the registry (SQLite and PostgreSQL): events stored, audited, scoped."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from haven.exceptions import ConfigurationError, Conflict, NotFound
from haven.identification import Minority, assess
from haven.referral import (
    ForbiddenTransition,
    IdentificationDecided,
    PathwayPublic,
    ReasonableGroundsDecided,
    Referred,
    ReflectionStarted,
    Stage,
    get_pathway,
    history,
    list_pathways,
    open_pathway,
    pathway_of,
    record,
)
from haven.registry import Registry, Scope
from haven.registry._tables import AuditEntryRow
from haven.standard import OrganisationPublic
from referral.support import DETECTED_ON, adult_victim


def _audit_details(registry: Registry, kind: str) -> list[dict[str, object]]:
    with registry.engine.connect() as connection:
        rows = connection.execute(select(AuditEntryRow.action, AuditEntryRow.actor,
                                         AuditEntryRow.detail, AuditEntryRow.at)
                                  .where(AuditEntryRow.entity_kind == kind)
                                  .order_by(AuditEntryRow.seq)).all()
    return [{"action": a, "actor": who, "at": at, **json.loads(d)} for a, who, d, at in rows]


def test_open_from_an_assessment_and_walk_the_pathway(registry: Registry, scope: Scope) -> None:
    screening = assess({"g-threats": "yes", "l-wages": "yes"})
    with registry.transaction(scope) as tx:
        victim = adult_victim(tx)
        pathway = open_pathway(tx, victim.id, on=DETECTED_ON, reason="labour inspection",
                               assessment=screening)
        assert pathway.stage is Stage.DETECTED
        assert pathway.country == "NL"  # the organisation's country
        assert pathway.third_country_national  # Ukrainian citizen
        assert pathway.minority is Minority.ADULT
        assert pathway.assessment is not None and pathway.assessment["forms"] == ["labour"]
        assert "referred" in pathway.allowed_events()
        record(tx, pathway.id, Referred(on=DETECTED_ON, reason="to shelter"))
        record(tx, pathway.id, ReasonableGroundsDecided(
            on=DETECTED_ON + timedelta(days=2), reason="NRM decision", positive=True,
            authority="nl-police"))
        after = record(tx, pathway.id, ReflectionStarted(on=date(2026, 3, 5), reason="B8/3"))
    assert after.stage is Stage.REFLECTION
    assert after.reflection_ends_on == date(2026, 6, 5)
    with registry.transaction(scope) as tx:
        steps = history(tx, pathway.id)
        assert pathway_of(tx, victim.id) == get_pathway(tx, pathway.id)
    assert [s.kind for s in steps] == ["detected", "referred", "reasonable_grounds_decided",
                                      "reflection_started"]
    assert [s.to_stage for s in steps][-1] is Stage.REFLECTION
    assert steps[2].data == {"positive": True, "authority": "nl-police"}
    assert all(s.actor == "user:tester" for s in steps)
    everything = _audit_details(registry, "pathway")
    audited = [a for a in everything if a["action"] in {"create", "update"}]
    assert [a["event"] for a in audited] == [s.kind for s in steps]
    assert [a["action"] for a in everything[-3:]] == ["read", "read", "read"]  # reads too
    assert audited[-1]["from"] == "reasonable_grounds" and audited[-1]["to"] == "reflection"
    assert audited[-1]["reason"] == "B8/3" and audited[-1]["actor"] == "user:tester"
    assert audited[-1]["at"]
    registry.verify_audit()


def test_forbidden_step_is_refused_and_nothing_is_written(
        registry: Registry, scope: Scope, make_pathway: Callable[..., PathwayPublic]) -> None:
    pathway = make_pathway()
    before = len([a for a in _audit_details(registry, "pathway") if a["action"] == "update"])
    with registry.transaction(scope) as tx, pytest.raises(ForbiddenTransition) as caught:
        record(tx, pathway.id, IdentificationDecided(on=DETECTED_ON, reason="x", positive=True,
                                                     authority="NRM"))
    assert "formal identification follows" in str(caught.value)
    with registry.transaction(scope) as tx:
        assert get_pathway(tx, pathway.id).stage is Stage.DETECTED
        assert len(history(tx, pathway.id)) == 1
    assert len([a for a in _audit_details(registry, "pathway")
                if a["action"] == "update"]) == before


def test_other_organisations_do_not_see_the_pathway(
        registry: Registry, make_pathway: Callable[..., PathwayPublic],
        other_org: OrganisationPublic) -> None:
    pathway = make_pathway()
    outsider = Scope("user:other", other_org.id)
    with registry.transaction(outsider) as tx:
        with pytest.raises(NotFound):
            get_pathway(tx, pathway.id)
        with pytest.raises(NotFound):
            record(tx, pathway.id, Referred(on=DETECTED_ON, reason="x"))
        assert list_pathways(tx) == []


def test_stale_version_and_second_pathway_are_conflicts(
        registry: Registry, scope: Scope, make_pathway: Callable[..., PathwayPublic]) -> None:
    pathway = make_pathway()
    with registry.transaction(scope) as tx:
        moved = record(tx, pathway.id, Referred(on=DETECTED_ON, reason="x"),
                       version=pathway.version)
    assert moved.version == pathway.version + 1
    with registry.transaction(scope) as tx, pytest.raises(Conflict):
        record(tx, pathway.id, ReasonableGroundsDecided(
            on=DETECTED_ON, reason="x", positive=True, authority="NRM"), version=pathway.version)
    with registry.transaction(scope) as tx, pytest.raises(Conflict):
        open_pathway(tx, pathway.victim_id, on=DETECTED_ON, reason="again")


def test_minority_from_age_and_an_unconfigured_country(registry: Registry, scope: Scope) -> None:
    with registry.transaction(scope) as tx:
        child = adult_victim(tx, "V-C1", age_at_registration=15, citizenships=["RO"])
        pathway = open_pathway(tx, child.id, on=DETECTED_ON, reason="x")
        assert pathway.minority is Minority.CHILD
        assert not pathway.third_country_national  # an EU citizen
        with pytest.raises(ConfigurationError, match="country DE"):
            open_pathway(tx, adult_victim(tx, "V-C2").id, on=DETECTED_ON, reason="x",
                         country="DE")
