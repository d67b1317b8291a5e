"""Support pathways, legal clocks, consent, services and referrals (issue 7).

Every function the UI needs takes the caller's registry `Transaction` and returns a typed,
frozen result; nothing here knows about HTTP, except `api.router`, the transnational inbox.

    open_pathway / record / get_pathway / history    the pathway and its events
    clocks / due_items                               legal clocks on a given day
    record_consent / consents / withdraw_consent     consent or legal ground
    add_service / services / match_services          the service directory
    request_referral / accept_referral / ...         referrals inside the installation
    send_referral / Inbox / TransnationalClient      referrals between installations
    preview_package / outbound_packages / inbound_packages / partner_directory   their UI

>>> with registry.transaction(scope) as tx:                        # doctest: +SKIP
...     p = open_pathway(tx, victim.id, on=date(2026, 3, 2), reason="screened", assessment=a)
...     record(tx, p.id, Referred(on=date(2026, 3, 2), reason="to shelter"))
"""

from typing import TYPE_CHECKING, Any

from haven.referral._clocks import ClockItem, ClockKind, ClockStatus, clocks, due_items
from haven.referral._consent import (
    ConsentBasis,
    ConsentPublic,
    ConsentPurpose,
    GivenBy,
    consents,
    record_consent,
)
from haven.referral._errors import (
    CapacityExhausted,
    ConsentMissing,
    DeliveryFailed,
    ForbiddenTransition,
    MisaddressedPackage,
    PackageRefused,
    ReferralError,
    ReplayedPackage,
    StalePackage,
    TamperedPackage,
    UnknownPartner,
)
from haven.referral._events import (
    EVENT_TYPES,
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
    event_from_data,
)
from haven.referral._exchanges import (
    InboundPublic,
    inbound_packages,
    outbound_package,
    outbound_packages,
)
from haven.referral._keys import InstallationKeys, PartnerCard
from haven.referral._package import Acknowledgement, SealedPackage
from haven.referral._partners import (
    PartnerEntry,
    add_partner,
    fingerprint,
    list_partners,
    partner_directory,
    remove_partner,
)
from haven.referral._pathway import (
    PathwayPublic,
    TransitionPublic,
    get_pathway,
    history,
    list_pathways,
    open_pathway,
    pathway_of,
    record,
)
from haven.referral._payload import DEFAULT_TRANSNATIONAL_FIELDS, TRANSNATIONAL_FIELDS
from haven.referral._referrals import (
    DEFAULT_FIELDS,
    IncomingReferral,
    ReferralPublic,
    ReferralStatus,
    accept_referral,
    complete_referral,
    incoming_referrals,
    outgoing_referrals,
    reject_referral,
    request_referral,
    revoke_referral,
    withdraw_consent,
)
from haven.referral._rules import DEFAULT_RULES, CountryRules, Period, RulesBook
from haven.referral._services import (
    Needs,
    ServiceCreate,
    ServiceMatch,
    ServicePublic,
    add_service,
    match_services,
    needs_from,
    services,
    set_capacity,
)
from haven.referral._settings import TransnationalSettings
from haven.referral._stages import (
    AssistanceKind,
    ClaimRoute,
    ClaimStatus,
    CloseReason,
    NonPunishmentOutcome,
    Stage,
)
from haven.referral._transnational import (
    Inbox,
    OutboundPublic,
    PackagePreview,
    preview_package,
    send_referral,
)

__all__ = [
    "DEFAULT_FIELDS",
    "DEFAULT_RULES",
    "DEFAULT_TRANSNATIONAL_FIELDS",
    "EVENT_TYPES",
    "TRANSNATIONAL_FIELDS",
    "Acknowledgement",
    "AgeAssessed",
    "AssistanceKind",
    "AssistanceStarted",
    "CapacityExhausted",
    "ClaimRoute",
    "ClaimStatus",
    "ClockItem",
    "ClockKind",
    "ClockStatus",
    "CloseReason",
    "Closed",
    "CompensationClaimed",
    "ConsentBasis",
    "ConsentMissing",
    "ConsentPublic",
    "ConsentPurpose",
    "CountryRules",
    "DeliveryFailed",
    "FollowUpRecorded",
    "ForbiddenTransition",
    "GivenBy",
    "GuardianAppointed",
    "IdentificationDecided",
    "InboundPublic",
    "Inbox",
    "InclusionStarted",
    "IncomingReferral",
    "InstallationKeys",
    "MisaddressedPackage",
    "Needs",
    "NonPunishmentDecided",
    "NonPunishmentOutcome",
    "OutboundPublic",
    "PackagePreview",
    "PackageRefused",
    "PartnerCard",
    "PartnerEntry",
    "PathwayEvent",
    "PathwayPublic",
    "Period",
    "ReasonableGroundsDecided",
    "ReferralError",
    "ReferralPublic",
    "ReferralStatus",
    "Referred",
    "ReflectionStarted",
    "ReplayedPackage",
    "ResidencePermitGranted",
    "ResidencePermitRenewed",
    "ReturnStarted",
    "RulesBook",
    "SealedPackage",
    "ServiceCreate",
    "ServiceMatch",
    "ServiceProvided",
    "ServicePublic",
    "Stage",
    "StalePackage",
    "TamperedPackage",
    "TransitionPublic",
    "TransnationalClient",
    "TransnationalSettings",
    "UnknownPartner",
    "accept_referral",
    "add_partner",
    "add_service",
    "clocks",
    "complete_referral",
    "consents",
    "due_items",
    "event_from_data",
    "fingerprint",
    "get_pathway",
    "history",
    "inbound_packages",
    "incoming_referrals",
    "list_partners",
    "list_pathways",
    "match_services",
    "needs_from",
    "open_pathway",
    "outbound_package",
    "outbound_packages",
    "outgoing_referrals",
    "partner_directory",
    "pathway_of",
    "preview_package",
    "record",
    "record_consent",
    "reject_referral",
    "remove_partner",
    "request_referral",
    "revoke_referral",
    "send_referral",
    "services",
    "set_capacity",
    "withdraw_consent",
]

if TYPE_CHECKING:
    from haven.referral._client import TransnationalClient


def __getattr__(name: str) -> Any:
    # The sending client needs httpx, which a receiving-only installation can go without.
    if name == "TransnationalClient":
        try:
            from haven.referral._client import TransnationalClient
        except ImportError as error:  # pragma: no cover - depends on the installation
            raise ImportError("sending transnational referrals needs httpx: "
                              "pip install httpx") from error
        return TransnationalClient
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
