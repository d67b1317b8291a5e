"""A `HavenError`'s message in the user's language, for error pages and forms.

Domain errors carry English messages with record ids (for logs, the command line and the
JSON API). A page words them itself (docs/i18n.md):

- `ValidationFailed` says how many problems, with the language's plural form;
- `ForbiddenTransition` (a refused pathway or referral step) gives its rule's reason, an
  `N_` text or template translated here, its code params shown as labels;
- `ConsentMissing` names the consents missing (by label) and the recipient;
- `NotFound` names the kind of record it could not find;
- any other message marked `N_` where it is raised is looked up in the catalog as it is.

Any other message is English, with ids in it; in another language the page shows its error
class's general message instead, so that a Dutch page never switches to English.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum

from haven._text import N_
from haven.exceptions import Conflict, HavenError, NotFound, PermissionDenied, ValidationFailed
from haven.referral import (
    CapacityExhausted,
    ConsentMissing,
    ConsentPurpose,
    DeliveryFailed,
    ForbiddenTransition,
    PackageRefused,
    ReferralStatus,
)

__all__ = ["PATHWAY_EXISTS", "error_text"]

# What opening a pathway that exists already says (`open_pathway`'s one `Conflict`).
PATHWAY_EXISTS = N_("This person has a support pathway already.")
# The kinds `NotFound` names, as a noun in a sentence.
KINDS = {
    "case": N_("case"),
    "consent": N_("consent"),
    "grant": N_("access grant"),
    "organisation": N_("organisation"),
    "partner": N_("partner installation"),
    "pathway": N_("pathway"),
    "referral": N_("referral"),
    "service": N_("service"),
    "suspect": N_("suspect"),
    "token": N_("API token"),
    "transnational package": N_("transnational package"),
    "user": N_("user"),
    "victim": N_("victim"),
}
# A refusal's params that are codes, shown by their label.
_CODED: dict[str, type[StrEnum]] = {"current": ReferralStatus, "to": ReferralStatus}
# A refusal's params that are texts: a country's legal basis, marked `N_` in its rules.
_TRANSLATED = frozenset({"basis"})
# What a page says for an error whose own message has no translation, most specific first.
GENERAL: tuple[tuple[type[HavenError], str], ...] = (
    (CapacityExhausted, N_("This service has no free place.")),
    (PackageRefused, N_("The partner installation's package was not accepted.")),
    (DeliveryFailed, N_("The partner installation did not confirm receipt. Try again later.")),
    (PermissionDenied, N_("Your role does not allow this.")),
    (Conflict, N_("This was changed meanwhile, or exists already. Reload the page and try "
                  "again.")),
    (NotFound, N_("This record does not exist, or it is outside your organisation.")),
)
_FALLBACK = N_("This request could not be carried out.")
# `NotFound`'s record id when a feature, not a record, is missing.
_INSTALLATION = "this installation"


def error_text(error: HavenError, gettext: Callable[[str], str],
               ngettext: Callable[[str, str, int], str],
               label: Callable[[str, type[StrEnum]], str], *, english: bool) -> str:
    """`error`'s message in the language of `gettext` (`english`: the source language)."""
    if isinstance(error, ValidationFailed):
        count = len(error.problems)
        return ngettext("%(n)s problem", "%(n)s problems", count) % {"n": count}
    if isinstance(error, ForbiddenTransition):
        return refusal_text(error, gettext, label)
    if isinstance(error, ConsentMissing):
        missing = ", ".join(label(purpose, ConsentPurpose) for purpose in error.missing)
        return gettext(N_("Missing: %(missing)s (recipient %(recipient)s).")) % {
            "missing": missing, "recipient": error.recipient}
    if isinstance(error, NotFound) and error.kind in KINDS:
        if error.record_id == _INSTALLATION:
            return gettext(N_("This is not set up on this installation."))
        return gettext(N_("No %(kind)s with id %(id)s.")) % {
            "kind": gettext(KINDS[error.kind]), "id": error.record_id}
    message = str(error)
    if message:  # gettext("") would be the catalog's header
        translated = gettext(message)
        if translated != message or english:
            return translated
    general = next((text for kind, text in GENERAL if isinstance(error, kind)), _FALLBACK)
    return gettext(general)


def refusal_text(error: ForbiddenTransition, gettext: Callable[[str], str],
                 label: Callable[[str, type[StrEnum]], str]) -> str:
    """Why a step was refused, in the language of `gettext` (English if untranslated)."""
    params = {name: label(value, _CODED[name]) if name in _CODED
              else gettext(value) if name in _TRANSLATED else value
              for name, value in error.params.items()}
    try:
        return gettext(error.template).format_map(params)
    except (KeyError, IndexError, ValueError):  # a translation with broken braces
        return error.reason
