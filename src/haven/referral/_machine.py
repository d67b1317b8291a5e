"""The pathway state machine, pure: which event may follow which stage, and what it changes.

`TABLE` lists, per event type, the stages it may be recorded at and the stage it leads to
(None: the stage stays). Guards add the rules a table cannot say: a residence permit only for
a third-country national and for at least the country's minimum; a guardian only for a
child; return only after a risk assessment; "completed" only after inclusion or a follow-up.
A refused step raises `ForbiddenTransition` with the reason.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date

from haven._text import N_
from haven.identification import Minority
from haven.referral._errors import ForbiddenTransition
from haven.referral._events import (
    AgeAssessed,
    AssistanceStarted,
    Closed,
    CompensationClaimed,
    FollowUpRecorded,
    GuardianAppointed,
    IdentificationDecided,
    InclusionStarted,
    NonPunishmentDecided,
    PathwayEvent,
    ReasonableGroundsDecided,
    Referred,
    ReflectionStarted,
    ResidencePermitGranted,
    ResidencePermitRenewed,
    ReturnStarted,
    ServiceProvided,
)
from haven.referral._rules import CountryRules, Period
from haven.referral._stages import CloseReason, Stage

__all__ = ["TABLE", "PathwayState", "Rule", "advance", "allowed", "stages_for"]

S = Stage
OPEN = frozenset(set(Stage) - {S.CLOSED})
SUPPORTED = frozenset({S.REFERRED, S.REASONABLE_GROUNDS, S.REFLECTION, S.IDENTIFIED,
                       S.ASSISTANCE, S.RESIDENCE_PERMIT, S.INCLUSION, S.RETURN})


@dataclass(frozen=True, slots=True)
class PathwayState:
    """What the machine needs to know about a pathway (a snapshot of its row)."""

    stage: Stage
    minority: Minority
    third_country_national: bool
    detected_on: date
    referred_on: date | None = None
    reflection_starts_on: date | None = None
    reflection_ends_on: date | None = None
    permit_valid_until: date | None = None
    guardian_appointed_on: date | None = None
    return_started_on: date | None = None
    follow_ups: int = 0
    closed_on: date | None = None


@dataclass(frozen=True, slots=True)
class Rule:
    stages: frozenset[Stage]
    why_not: str  # said when the event comes at another stage
    target: Stage | None = None  # None: the stage stays


TABLE: dict[type[PathwayEvent], Rule] = {
    Referred: Rule(frozenset({S.DETECTED}), N_("only a detected person can be referred"),
                   S.REFERRED),
    ReasonableGroundsDecided: Rule(frozenset({S.REFERRED}),
                                   N_("a reasonable-grounds decision follows a referral")),
    ReflectionStarted: Rule(frozenset({S.REASONABLE_GROUNDS}),
                            N_("the reflection period starts after a positive "
                               "reasonable-grounds decision (CETS 197 art. 13(1)), or on "
                               "referral where the country offers it then"), S.REFLECTION),
    IdentificationDecided: Rule(frozenset({S.REASONABLE_GROUNDS, S.REFLECTION}),
                                N_("formal identification follows a positive "
                                   "reasonable-grounds decision")),
    AssistanceStarted: Rule(frozenset({S.IDENTIFIED}),
                            N_("the assistance programme starts after identification"),
                            S.ASSISTANCE),
    ServiceProvided: Rule(SUPPORTED, N_("services are recorded from referral until closing, "
                                        "and not for a declined person")),
    ResidencePermitGranted: Rule(frozenset({S.REFLECTION, S.IDENTIFIED, S.ASSISTANCE}),
                                 N_("a residence permit follows the reflection period or "
                                    "identification"), S.RESIDENCE_PERMIT),
    ResidencePermitRenewed: Rule(frozenset({S.RESIDENCE_PERMIT, S.INCLUSION}),
                                 N_("only a permit in force can be renewed")),
    InclusionStarted: Rule(frozenset({S.ASSISTANCE, S.RESIDENCE_PERMIT}),
                           N_("long-term inclusion follows assistance or a residence permit"),
                           S.INCLUSION),
    ReturnStarted: Rule(frozenset({S.IDENTIFIED, S.ASSISTANCE, S.RESIDENCE_PERMIT}),
                        N_("return follows identification, assistance or a residence "
                           "permit"),
                        S.RETURN),
    FollowUpRecorded: Rule(frozenset({S.RETURN}), N_("follow-up is recorded after return")),
    GuardianAppointed: Rule(OPEN, N_("the pathway is closed")),
    AgeAssessed: Rule(OPEN, N_("the pathway is closed")),
    NonPunishmentDecided: Rule(OPEN, N_("the pathway is closed")),
    CompensationClaimed: Rule(OPEN, N_("the pathway is closed")),
    Closed: Rule(OPEN, N_("the pathway is closed already"), S.CLOSED),
}



# Why a guard refuses: an `N_` text, or an `N_` template with its `{name}` params.
Refusal = str | tuple[str, Mapping[str, object]]


def _guard(state: PathwayState, event: PathwayEvent, rules: CountryRules) -> Refusal | None:
    """The reason a guard refuses the event, or None."""
    if isinstance(event, ResidencePermitGranted):
        return _permit_guard(state, event, rules)
    if isinstance(event, ResidencePermitRenewed):
        return _renewal_guard(state, event, rules)
    if isinstance(event, GuardianAppointed):
        if not state.minority.is_child:
            return N_("a guardian is appointed for a child or a person presumed to be one")
        return N_("a guardian has been appointed already") if state.guardian_appointed_on else None
    if isinstance(event, ReturnStarted) and not event.risk_assessed:
        return N_("return needs a risk and safety assessment first (CETS 197 art. 16(2))")
    if isinstance(event, Closed):
        return _close_guard(state, event)
    return None


def _permit_guard(state: PathwayState, event: ResidencePermitGranted, rules: CountryRules
                  ) -> Refusal | None:
    if not state.third_country_national:
        return N_("a residence permit under Directive 2004/81/EC is for third-country "
                  "nationals; EU citizens have a right of residence")
    if event.valid_until < Period(months=rules.permit_min_months).after(event.on):
        return (N_("the permit must be valid for at least {months} months ({basis})"),
                {"months": rules.permit_min_months, "basis": rules.permit_basis})
    return None


def _renewal_guard(state: PathwayState, event: ResidencePermitRenewed, rules: CountryRules
                   ) -> Refusal | None:
    if state.permit_valid_until is None:
        return N_("there is no permit to renew")
    if event.valid_until <= state.permit_valid_until:
        return N_("a renewal must extend the permit")
    if event.valid_until < Period(months=rules.permit_min_months).after(event.on):
        return (N_("a renewal must run at least {months} months"),
                {"months": rules.permit_min_months})
    return None


def _close_guard(state: PathwayState, event: Closed) -> str | None:
    reason = event.close_reason
    if reason is CloseReason.COMPLETED:
        if state.stage is S.INCLUSION or (state.stage is S.RETURN and state.follow_ups):
            return None
        return N_("a pathway is completed after long-term inclusion, or after return with at "
                  "least one follow-up in the country of origin")
    if reason is CloseReason.DECLINED and state.stage is not S.DECLINED:
        return N_("'Not identified' closes only a pathway whose identification was declined")
    return None


def _target(state: PathwayState, event: PathwayEvent, rule: Rule) -> Stage:
    if isinstance(event, ReasonableGroundsDecided):
        return S.REASONABLE_GROUNDS if event.positive else S.DECLINED
    if isinstance(event, IdentificationDecided):
        return S.IDENTIFIED if event.positive else S.DECLINED
    return rule.target or state.stage


def _effects(state: PathwayState, event: PathwayEvent, target: Stage,
             rules: CountryRules) -> PathwayState:
    changes: dict[str, object] = {"stage": target}
    if isinstance(event, Referred):
        changes["referred_on"] = event.on
    elif isinstance(event, ReflectionStarted):
        changes["reflection_starts_on"] = event.on
        changes["reflection_ends_on"] = rules.reflection.after(event.on)
    elif isinstance(event, ResidencePermitGranted | ResidencePermitRenewed):
        changes["permit_valid_until"] = event.valid_until
    elif isinstance(event, GuardianAppointed):
        changes["guardian_appointed_on"] = event.on
    elif isinstance(event, AgeAssessed):
        changes["minority"] = Minority.CHILD if event.minor else Minority.ADULT
    elif isinstance(event, ReturnStarted):
        changes["return_started_on"] = event.on
    elif isinstance(event, FollowUpRecorded):
        changes["follow_ups"] = state.follow_ups + 1
    elif isinstance(event, Closed):
        changes["closed_on"] = event.on
    return replace(state, **changes)  # type: ignore[arg-type]


def stages_for(event_type: type[PathwayEvent], rules: CountryRules) -> frozenset[Stage]:
    """The stages an event may be recorded at under a country's rules."""
    stages = TABLE[event_type].stages
    if event_type is ReflectionStarted and rules.reflection_on_referral:
        return stages | {S.REFERRED}
    return stages


def advance(state: PathwayState, event: PathwayEvent, rules: CountryRules,
            subject_id: object = "-") -> PathwayState:
    """The state after `event`, or `ForbiddenTransition` saying why not."""
    rule = TABLE[type(event)]
    if state.stage not in stages_for(type(event), rules):
        raise ForbiddenTransition("pathway", subject_id, event.kind, state.stage.value,
                                  rule.why_not)
    if event.on < state.detected_on:
        raise ForbiddenTransition("pathway", subject_id, event.kind, state.stage.value,
                                  N_("an event cannot take effect before the detection"))
    refusal = _guard(state, event, rules)
    if refusal:
        template, params = refusal if isinstance(refusal, tuple) else (refusal, {})
        raise ForbiddenTransition("pathway", subject_id, event.kind, state.stage.value,
                                  template, **params)
    return _effects(state, event, _target(state, event, rule), rules)


def allowed(state: PathwayState, rules: CountryRules) -> list[str]:
    """Kinds of event allowed at the state's stage (guards may still refuse one)."""
    return sorted(t.kind for t in TABLE if state.stage in stages_for(t, rules))
