"""Consent and referrals inside one installation: the receiver sees only granted fields."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from haven.exceptions import NotFound, ValidationFailed
from haven.identification import Minority
from haven.referral import (
    AgeAssessed,
    AssistanceKind,
    CapacityExhausted,
    ConsentBasis,
    ConsentMissing,
    ConsentPurpose,
    ForbiddenTransition,
    GivenBy,
    PathwayPublic,
    ReasonableGroundsDecided,
    ReferralStatus,
    ReflectionStarted,
    ServiceCreate,
    Stage,
    accept_referral,
    add_service,
    complete_referral,
    consents,
    get_pathway,
    incoming_referrals,
    outgoing_referrals,
    record,
    record_consent,
    reject_referral,
    request_referral,
    revoke_referral,
    services,
    withdraw_consent,
)
from haven.referral._tables import ReferralRow
from haven.registry import Registry, Scope
from haven.registry._tables import GrantRow
from haven.standard import OrganisationPublic
from referral.support import DETECTED_ON, consent_to

FIELDS = frozenset({"sex", "age_group", "citizenships", "given_names"})


@pytest.fixture
def shelter(other_org: OrganisationPublic) -> Scope:
    return Scope("user:shelter", other_org.id, identifying=True)


def _count(registry: Registry, row_type: type[ReferralRow] | type[GrantRow]) -> int:
    with registry.engine.connect() as connection:
        return connection.scalar(select(func.count()).select_from(row_type)) or 0


def test_a_referral_without_consent_or_legal_ground_is_refused(
        registry: Registry, scope: Scope, shelter: Scope,
        make_pathway: Callable[..., PathwayPublic]) -> None:
    pathway = make_pathway()
    with registry.transaction(scope) as tx, pytest.raises(ConsentMissing) as caught:
        request_referral(tx, pathway.id, shelter.organisation_id, reason="shelter")
    assert "services and disclosure" in str(caught.value)
    with registry.transaction(scope) as tx:  # consent to services alone is not enough
        record_consent(tx, pathway.id, purpose=ConsentPurpose.SERVICES,
                       basis=ConsentBasis.CONSENT)
        record_consent(tx, pathway.id, purpose=ConsentPurpose.DISCLOSURE,
                       basis=ConsentBasis.CONSENT, recipient_installation="ro-haven")
    with registry.transaction(scope) as tx, pytest.raises(ConsentMissing, match="disclosure"):
        request_referral(tx, pathway.id, shelter.organisation_id, reason="shelter")
    assert _count(registry, ReferralRow) == 0
    assert _count(registry, GrantRow) == 0


def test_a_legal_ground_needs_its_reason_and_then_stands_in(
        registry: Registry, scope: Scope, shelter: Scope,
        make_pathway: Callable[..., PathwayPublic]) -> None:
    pathway = make_pathway()
    with registry.transaction(scope) as tx, pytest.raises(ValidationFailed) as caught:
        record_consent(tx, pathway.id, purpose=ConsentPurpose.DISCLOSURE,
                       basis=ConsentBasis.LEGAL_GROUND, legal_ground=" ", reason=None)
    assert {p.field for p in caught.value.problems} == {"legal_ground", "reason"}
    with registry.transaction(scope) as tx:
        for purpose in ConsentPurpose:
            record_consent(tx, pathway.id, purpose=purpose, basis=ConsentBasis.LEGAL_GROUND,
                           legal_ground="Dutch Youth Act art. 7.3.11",
                           reason="the person is unconscious; emergency shelter")
        referral = request_referral(tx, pathway.id, shelter.organisation_id,
                                    reason="emergency")
        assert len(consents(tx, pathway.id)) == 2
    assert referral.status is ReferralStatus.REQUESTED


def test_for_a_child_the_guardian_consents(
        registry: Registry, scope: Scope, shelter: Scope,
        make_pathway: Callable[..., PathwayPublic]) -> None:
    child = make_pathway(Minority.PRESUMED_CHILD)
    with registry.transaction(scope) as tx, pytest.raises(ValidationFailed) as caught:
        record_consent(tx, child.id, purpose=ConsentPurpose.SERVICES,
                       basis=ConsentBasis.CONSENT, given_by=GivenBy.PERSON)
    assert caught.value.problems[0].field == "given_by"
    with registry.transaction(scope) as tx:
        consent_to(tx, child.id, organisation=shelter.organisation_id, given_by=GivenBy.GUARDIAN)
        request_referral(tx, child.id, shelter.organisation_id, reason="child shelter")
    # An adult's own consent no longer counts once an age assessment finds a child.
    adult = make_pathway()
    with registry.transaction(scope) as tx:
        consent_to(tx, adult.id, organisation=shelter.organisation_id)
        record(tx, adult.id, AgeAssessed(on=DETECTED_ON, reason="age assessment", minor=True))
    with registry.transaction(scope) as tx, pytest.raises(ConsentMissing):
        request_referral(tx, adult.id, shelter.organisation_id, reason="shelter")


def test_receiver_sees_only_granted_fields_and_the_reflection_deadline(
        registry: Registry, scope: Scope, shelter: Scope,
        make_pathway: Callable[..., PathwayPublic]) -> None:
    pathway = make_pathway()
    with registry.transaction(scope) as tx:
        consent_to(tx, pathway.id, organisation=shelter.organisation_id)
        referral = request_referral(tx, pathway.id, shelter.organisation_id,
                                    reason="shelter place", fields=FIELDS)
    with registry.transaction(shelter) as tx:
        (incoming,) = incoming_referrals(tx, today=DETECTED_ON)
        with pytest.raises(NotFound):
            tx.victims.get(pathway.victim_id)  # the ordinary path stays closed
        with pytest.raises(NotFound):
            get_pathway(tx, pathway.id)
    assert set(incoming.record) == FIELDS | {"id", "external_id"}
    assert incoming.record["given_names"] == "Ana"
    assert "family_name" not in incoming.record and "age_at_registration" not in incoming.record
    assert incoming.referral.id == referral.id and incoming.stage is Stage.DETECTED
    with registry.transaction(shelter) as tx:
        accepted = accept_referral(tx, referral.id, on=DETECTED_ON)
    assert accepted.status is ReferralStatus.ACCEPTED
    with registry.transaction(scope) as tx:
        assert get_pathway(tx, pathway.id).stage is Stage.REFERRED
        record(tx, pathway.id, ReasonableGroundsDecided(on=DETECTED_ON, reason="NRM",
                                                        positive=True, authority="NRM"))
        record(tx, pathway.id, ReflectionStarted(on=DETECTED_ON, reason="B8/3"))
    with registry.transaction(shelter) as tx:
        (incoming,) = incoming_referrals(tx, today=DETECTED_ON + timedelta(days=85))
    assert incoming.reflection_ends_on == DETECTED_ON.replace(month=6)
    assert incoming.clocks[0].kind.value == "reflection_period_ends"
    assert incoming.clocks[0].status.value == "due"
    registry.verify_audit()


def test_referral_steps_allowed_and_forbidden(
        registry: Registry, scope: Scope, shelter: Scope,
        make_pathway: Callable[..., PathwayPublic]) -> None:
    pathway = make_pathway()
    with registry.transaction(scope) as tx:
        consent_to(tx, pathway.id, organisation=shelter.organisation_id)
        first = request_referral(tx, pathway.id, shelter.organisation_id, reason="a")
        second = request_referral(tx, pathway.id, shelter.organisation_id, reason="b")
        third = request_referral(tx, pathway.id, shelter.organisation_id, reason="c")
    with registry.transaction(shelter) as tx, \
            pytest.raises(ForbiddenTransition, match="is at 'requested'; it cannot go to 'done'"):
        complete_referral(tx, first.id, reason="x")
    with registry.transaction(shelter) as tx:
        accept_referral(tx, first.id, on=DETECTED_ON)
        with pytest.raises(ForbiddenTransition):
            accept_referral(tx, first.id, on=DETECTED_ON)
        with pytest.raises(NotFound):  # only the referring organisation revokes
            revoke_referral(tx, first.id, reason="x")
        assert reject_referral(tx, second.id, reason="no place").status is ReferralStatus.REJECTED
        assert complete_referral(tx, first.id, reason="left").status is ReferralStatus.DONE
    with registry.transaction(scope) as tx:
        with pytest.raises(NotFound):  # only the receiver accepts
            accept_referral(tx, third.id, on=DETECTED_ON)
        with pytest.raises(ForbiddenTransition):
            revoke_referral(tx, first.id, reason="x")
        assert revoke_referral(tx, third.id, reason="moved").status is ReferralStatus.REVOKED
        assert [r.status for r in outgoing_referrals(tx, pathway.id)] == [
            ReferralStatus.DONE, ReferralStatus.REJECTED, ReferralStatus.REVOKED]
    with registry.transaction(shelter) as tx:
        assert incoming_referrals(tx, today=DETECTED_ON) == []
        with pytest.raises(NotFound):  # every grant ended with its referral
            tx.victims.get_granted(pathway.victim_id)


def test_shelter_places_are_reserved_and_freed(
        registry: Registry, scope: Scope, shelter: Scope,
        make_pathway: Callable[..., PathwayPublic]) -> None:
    with registry.transaction(shelter) as tx:
        place = add_service(tx, ServiceCreate(AssistanceKind.SHELTER, "Safe house", "NL",
                                              places_total=1))
    first, second = make_pathway(), make_pathway()
    with registry.transaction(scope) as tx:
        referrals = []
        for p in (first, second):
            consent_to(tx, p.id, organisation=shelter.organisation_id)
            referrals.append(request_referral(tx, p.id, shelter.organisation_id, reason="bed",
                                              service_id=place.id))
    with registry.transaction(shelter) as tx:
        accept_referral(tx, referrals[0].id, on=DETECTED_ON)
        assert services(tx)[0].places_free == 0
    with pytest.raises(CapacityExhausted), registry.transaction(shelter) as tx:
        accept_referral(tx, referrals[1].id, on=DETECTED_ON)
    with registry.transaction(scope) as tx:
        revoke_referral(tx, referrals[0].id, reason="moved on")
    with registry.transaction(shelter) as tx:
        accept_referral(tx, referrals[1].id, on=DETECTED_ON)
        assert services(tx)[0].places_free == 0


def test_withdrawing_consent_revokes_the_referral_and_its_grant(
        registry: Registry, scope: Scope, shelter: Scope,
        make_pathway: Callable[..., PathwayPublic]) -> None:
    pathway = make_pathway()
    with registry.transaction(scope) as tx:
        consent_to(tx, pathway.id, organisation=shelter.organisation_id)
        referral = request_referral(tx, pathway.id, shelter.organisation_id, reason="x")
        disclosure = next(c for c in consents(tx, pathway.id)
                      if c.purpose is ConsentPurpose.DISCLOSURE)
        assert withdraw_consent(tx, disclosure.id) == [referral.id]
    with registry.transaction(shelter) as tx, pytest.raises(NotFound):
        tx.victims.get_granted(pathway.victim_id)


def test_closed_or_declined_pathways_are_not_referred_and_fields_are_checked(
        registry: Registry, scope: Scope, shelter: Scope,
        make_pathway: Callable[..., PathwayPublic]) -> None:
    pathway = make_pathway()
    with registry.transaction(scope) as tx, pytest.raises(ValidationFailed) as caught:
        consent_to(tx, pathway.id, organisation=shelter.organisation_id)
        request_referral(tx, pathway.id, scope.organisation_id, reason=" ",
                         fields=frozenset({"password"}))
    assert {p.field for p in caught.value.problems} == {"fields", "reason", "to_organisation_id"}
