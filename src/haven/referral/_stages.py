"""Code lists of the referral domain: pathway stages, assistance, outcomes."""

from __future__ import annotations

from enum import StrEnum

__all__ = [
    "AssistanceKind",
    "ClaimRoute",
    "ClaimStatus",
    "CloseReason",
    "NonPunishmentOutcome",
    "Stage",
]


class Stage(StrEnum):
    """Where a victim's support pathway stands (the national referral mechanism's steps)."""

    DETECTED = "detected"
    REFERRED = "referred"
    REASONABLE_GROUNDS = "reasonable_grounds"
    REFLECTION = "reflection"
    IDENTIFIED = "identified"
    DECLINED = "declined"
    ASSISTANCE = "assistance"
    RESIDENCE_PERMIT = "residence_permit"
    INCLUSION = "inclusion"
    RETURN = "return"
    CLOSED = "closed"


class AssistanceKind(StrEnum):
    """Assistance of CoE Convention art. 12 and Directive 2011/36/EU art. 11."""

    SHELTER = "shelter"
    MEDICAL = "medical"
    PSYCHOLOGICAL = "psychological"
    LEGAL_AID = "legal_aid"
    INTERPRETATION = "interpretation"
    EDUCATION = "education"
    WORK = "work"


class CloseReason(StrEnum):
    COMPLETED = "completed"  # inclusion reached, or return with follow-up done
    DECLINED = "declined"  # not identified as a victim
    WITHDREW = "withdrew"  # the person ended the support
    LOST_CONTACT = "lost_contact"
    TRANSFERRED = "transferred"  # to another mechanism or country
    DECEASED = "deceased"


class NonPunishmentOutcome(StrEnum):
    """Decision on not prosecuting or punishing a victim (CoE art. 26; Directive art. 8)."""

    APPLIED = "applied"
    REFUSED = "refused"
    PENDING = "pending"


class ClaimStatus(StrEnum):
    FILED = "filed"
    AWARDED = "awarded"
    REJECTED = "rejected"
    PAID = "paid"


class ClaimRoute(StrEnum):
    """Where compensation is claimed (CoE art. 15; Directive 2011/36/EU art. 17)."""

    CRIMINAL_PROCEEDINGS = "criminal_proceedings"
    CIVIL = "civil"
    STATE_FUND = "state_fund"
    LABOUR_COURT = "labour_court"
