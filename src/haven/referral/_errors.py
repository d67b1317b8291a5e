"""The referral package's errors, rooted in Haven's one tree.

    HavenError
    ├── ReferralError                 a rule of the referral domain refuses the action (409)
    │   ├── ForbiddenTransition       the pathway or referral cannot take this step now
    │   ├── ConsentMissing            no consent (or legal ground) covers the referral
    │   └── CapacityExhausted         the service has no free place
    ├── PackageRefused                a transnational package is not accepted (400)
    │   ├── MisaddressedPackage       addressed to another installation (421)
    │   ├── UnknownPartner            the sender is not a partner of this installation (403)
    │   ├── TamperedPackage           the signature or the encryption does not verify
    │   ├── StalePackage              its timestamp lies outside the accepted window
    │   └── ReplayedPackage           its id has been received before (409)
    └── DeliveryFailed                the partner did not acknowledge a package (502)

Messages carry ids and codes, never personal data.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from haven.exceptions import HavenError

__all__ = [
    "CapacityExhausted",
    "ConsentMissing",
    "DeliveryFailed",
    "ForbiddenTransition",
    "MisaddressedPackage",
    "PackageRefused",
    "ReferralError",
    "ReplayedPackage",
    "StalePackage",
    "TamperedPackage",
    "UnknownPartner",
]


class ReferralError(HavenError):
    status_code = 409


class ForbiddenTransition(ReferralError):
    """A step the state machine does not allow from where the pathway or referral stands.

    `reason` is English, marked `N_`; a reason with a value in it is a template whose
    `{name}` placeholders are filled from `params` (codes and numbers, never personal data),
    so that the web can show it in the user's language from `template` and `params`.
    """

    def __init__(self, subject: str, subject_id: object, step: str, stage: str, reason: str,
                 /, **params: object) -> None:
        self.subject = subject
        self.subject_id = subject_id
        self.step = step
        self.stage = stage
        self.template = reason
        self.params = {name: str(value) for name, value in params.items()}
        self.reason = reason.format_map(self.params) if params else reason
        super().__init__(f"{subject} {subject_id}: {step} is not allowed at stage {stage}: "
                         f"{self.reason}")


class ConsentMissing(ReferralError):
    """No recorded consent, or legal ground with its reason, covers this referral.

    `missing` names the purposes (codes) not covered, `recipient` the organisation id or
    partner installation, so that a page can say it in the user's language.
    """

    def __init__(self, pathway_id: object, missing: Sequence[str], recipient: str) -> None:
        self.pathway_id = pathway_id
        self.missing = tuple(missing)
        self.recipient = recipient
        super().__init__(f"pathway {pathway_id}: no consent or legal ground for "
                         f"{' and '.join(self.missing)} covers recipient {recipient}")


class CapacityExhausted(ReferralError):
    """The chosen service has no free place."""


class PackageRefused(HavenError):
    status_code = 400


class MisaddressedPackage(PackageRefused):
    status_code = 421


class UnknownPartner(PackageRefused):
    status_code = 403


class TamperedPackage(PackageRefused):
    pass


class StalePackage(PackageRefused):
    pass


class ReplayedPackage(PackageRefused):
    status_code = 409


class DeliveryFailed(HavenError):
    """The partner did not acknowledge; `package_id` names the outbound record, once made."""

    status_code = 502

    def __init__(self, message: str, *, package_id: uuid.UUID | None = None) -> None:
        self.package_id = package_id
        super().__init__(message)
