"""English labels and form layouts of the identification and referral pages.

Labels are marked with `N_` for extraction and translated when a page is rendered;
`haven.web._labels.LABELS` takes the code lists in. `EVENT_FIELDS` says which inputs each
pathway step's form has, so one template draws every step and one parser reads it back.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from haven._text import N_
from haven.identification import ChecklistKind, Level, Minority, UrgentNeed
from haven.referral import (
    AssistanceKind,
    ClaimRoute,
    ClaimStatus,
    ClockKind,
    ClockStatus,
    CloseReason,
    ConsentBasis,
    ConsentPurpose,
    GivenBy,
    NonPunishmentOutcome,
    ReferralStatus,
    Stage,
)

__all__ = [
    "EVENT_FIELDS",
    "EVENT_LABELS",
    "FIELD_LABELS",
    "REFERRAL_LABELS",
    "TRANSNATIONAL_STATUS",
    "EventField",
]


REFERRAL_LABELS: dict[type[StrEnum], dict[str, str]] = {
    ChecklistKind: {
        "general": N_("General indicators"), "sexual_exploitation": N_("Sexual exploitation"),
        "labour_exploitation": N_("Labour exploitation"),
        "forced_criminality_begging": N_("Forced criminality and begging"),
        "child": N_("Children"),
    },
    Level: {"presumed_victim": N_("Presumed victim"),
            "further_inquiry": N_("Further inquiry needed"),
            "no_indication": N_("No indication of trafficking")},
    Minority: {"adult": N_("Adult"), "child": N_("Child"),
               "presumed_child": N_("Presumed child (age uncertain)")},
    UrgentNeed: {"safety": N_("Safety"), "medical": N_("Medical care"),
                 "shelter": N_("Safe accommodation"), "interpretation": N_("Interpreter"),
                 "guardian": N_("Guardian")},
    Stage: {
        "detected": N_("Detected"), "referred": N_("Referred"),
        "reasonable_grounds": N_("Reasonable grounds"),
        "reflection": N_("Reflection and recovery period"), "identified": N_("Identified"),
        "declined": N_("Declined"), "assistance": N_("Assistance"),
        "residence_permit": N_("Residence permit"), "inclusion": N_("Long-term inclusion"),
        "return": N_("Return and reintegration"), "closed": N_("Closed"),
    },
    AssistanceKind: {
        "shelter": N_("Shelter"), "medical": N_("Medical care"),
        "psychological": N_("Psychological care"), "legal_aid": N_("Legal aid"),
        "interpretation": N_("Interpretation"), "education": N_("Education"),
        "work": N_("Work"),
    },
    CloseReason: {
        "completed": N_("Completed"), "declined": N_("Not identified"),
        "withdrew": N_("The person ended the support"), "lost_contact": N_("Contact lost"),
        "transferred": N_("Transferred"), "deceased": N_("Deceased"),
    },
    NonPunishmentOutcome: {"applied": N_("Applied"), "refused": N_("Refused"),
                           "pending": N_("Pending")},
    ClaimStatus: {"filed": N_("Filed"), "awarded": N_("Awarded"), "rejected": N_("Rejected"),
                  "paid": N_("Paid")},
    ClaimRoute: {"criminal_proceedings": N_("Criminal proceedings"),
                 "civil": N_("Civil proceedings"), "state_fund": N_("State compensation fund"),
                 "labour_court": N_("Labour court")},
    ClockKind: {
        "reasonable_grounds_decision": N_("Reasonable-grounds decision"),
        "reflection_period_ends": N_("Reflection period ends"),
        "guardian_appointment": N_("Appoint a guardian"),
        "residence_permit_renewal": N_("Renew the residence permit"),
        "return_follow_up": N_("Follow-up after return"),
    },
    ClockStatus: {"upcoming": N_("Upcoming"), "due": N_("Due"), "overdue": N_("Overdue")},
    ReferralStatus: {"requested": N_("Requested"), "accepted": N_("Accepted"),
                     "rejected": N_("Rejected"), "revoked": N_("Revoked"), "done": N_("Done")},
    ConsentPurpose: {"services": N_("Consent to services"),
                     "disclosure": N_("Consent to disclosure")},
    ConsentBasis: {"consent": N_("Consent"), "legal_ground": N_("Legal ground")},
    GivenBy: {"person": N_("The person"), "guardian": N_("The guardian")},
}

EVENT_LABELS: dict[str, str] = {
    "detected": N_("Detected"), "referred": N_("Referred to support"),
    "reasonable_grounds_decided": N_("Reasonable-grounds decision"),
    "reflection_started": N_("Reflection period started"),
    "identification_decided": N_("Identification decision"),
    "assistance_started": N_("Assistance started"), "service_provided": N_("Service provided"),
    "residence_permit_granted": N_("Residence permit granted"),
    "residence_permit_renewed": N_("Residence permit renewed"),
    "inclusion_started": N_("Long-term inclusion started"),
    "return_started": N_("Return started"), "follow_up_recorded": N_("Follow-up recorded"),
    "guardian_appointed": N_("Guardian appointed"), "age_assessed": N_("Age assessed"),
    "non_punishment_decided": N_("Non-punishment decision"),
    "compensation_claimed": N_("Compensation claim"), "closed": N_("Pathway closed"),
}

# Names of the victim record's fields a referral may grant.
FIELD_LABELS: dict[str, str] = {
    "external_id": N_("Record id"), "identification_status": N_("Identification status"),
    "registered_on": N_("Registration date"), "sex": N_("Sex"),
    "age_at_registration": N_("Age at registration"), "age_estimated": N_("Age estimated"),
    "age_group": N_("Age group"), "age_band": N_("Age band"),
    "citizenships": N_("Citizenship"), "country_of_exploitation": N_("Country of exploitation"),
    "exploitation": N_("Forms of exploitation"), "means_of_control": N_("Means of control"),
    "recruitment": N_("Recruitment"), "vulnerabilities": N_("Vulnerabilities"),
    "given_names": N_("Given names"), "family_name": N_("Family name"),
    "aliases": N_("Aliases"), "date_of_birth": N_("Date of birth"),
    "place_of_birth": N_("Place of birth"), "documents": N_("Documents"),
    "phones": N_("Phone numbers"), "organisation_name": N_("Organisation name"),
    "registration_number": N_("Registration number"),
}

# What became of a package sent to a partner installation.
TRANSNATIONAL_STATUS: dict[str, str] = {
    "sent": N_("Sent, not yet acknowledged"), "acknowledged": N_("Acknowledged"),
    "failed": N_("Delivery failed"),
}


@dataclass(frozen=True, slots=True)
class EventField:
    """One input of a pathway step's form: `kind` is text, date, number, yesno, check,
    choice (one of `options`) or choices (several)."""

    name: str
    text: str
    kind: str = "text"
    options: type[StrEnum] | None = None


_AUTHORITY = EventField("authority", N_("Deciding authority"))
_POSITIVE = EventField("positive", N_("Decision positive"), "yesno")
_COUNTRY = EventField("country", N_("Country (code)"))

EVENT_FIELDS: dict[str, tuple[EventField, ...]] = {
    "reasonable_grounds_decided": (_POSITIVE, _AUTHORITY),
    "identification_decided": (_POSITIVE, _AUTHORITY),
    "assistance_started": (EventField("kinds", N_("Assistance"), "choices", AssistanceKind),),
    "service_provided": (EventField("service", N_("Service"), "choice", AssistanceKind),),
    "residence_permit_granted": (EventField("valid_until", N_("Valid until"), "date"),),
    "residence_permit_renewed": (EventField("valid_until", N_("Valid until"), "date"),),
    "return_started": (_COUNTRY, EventField("risk_assessed",
                                            N_("Risk and safety assessment done"), "check")),
    "follow_up_recorded": (_COUNTRY,),
    "age_assessed": (EventField("minor", N_("Found to be under 18"), "yesno"),),
    "non_punishment_decided": (EventField("outcome", N_("Outcome"), "choice",
                                          NonPunishmentOutcome), _AUTHORITY),
    "compensation_claimed": (EventField("status", N_("Status"), "choice", ClaimStatus),
                             EventField("route", N_("Route"), "choice", ClaimRoute),
                             EventField("amount_eur", N_("Amount (EUR)"), "number")),
    "closed": (EventField("close_reason", N_("Reason for closing"), "choice", CloseReason),),
}
