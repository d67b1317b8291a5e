"""Countries (ISO 3166-1 alpha-2) and citizenship codes.

Haven stores ISO 3166-1 alpha-2 codes in upper case. On input it also accepts alpha-3 codes and
Eurostat's own spellings (EL for Greece, UK for the United Kingdom). A citizenship may also be
STLS (stateless) or UNK (unknown), as in Eurostat's citizenship breakdowns.
"""

from __future__ import annotations

from functools import cache

import pycountry

from haven._text import N_

__all__ = [
    "EU27",
    "STATELESS",
    "UNKNOWN_CITIZENSHIP",
    "country_name",
    "is_eu27",
    "parse_citizenship",
    "parse_country",
]

STATELESS = "STLS"
UNKNOWN_CITIZENSHIP = "UNK"

# Member states since 1 February 2020, the EU-27 of the strategy's figures.
EU27: frozenset[str] = frozenset(
    {
        "AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE",
        "IT", "LV", "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE",
    }
)

_EUROSTAT_SPELLINGS = {"EL": "GR", "UK": "GB"}
_STATELESS_SPELLINGS = {"STLS", "STATELESS", "XXA", "XX", "NONE"}
_UNKNOWN_SPELLINGS = {"UNK", "UNKNOWN", "NAP", "?", "ZZ"}


@cache
def _alpha2_codes() -> dict[str, str]:
    """Every accepted spelling (alpha-2, alpha-3, Eurostat) mapped to its alpha-2 code."""
    codes: dict[str, str] = {}
    for country in pycountry.countries:
        codes[country.alpha_2] = country.alpha_2
        codes[country.alpha_3] = country.alpha_2
    # Kosovo has no ISO code yet; Eurostat and the EU use XK.
    codes["XK"] = "XK"
    codes["XKX"] = "XK"
    codes.update(_EUROSTAT_SPELLINGS)
    return codes


def parse_country(raw: str) -> str:
    """Return the ISO 3166-1 alpha-2 code for an alpha-2, alpha-3 or Eurostat spelling.

    Raises:
        ValueError: not a country code.
    """
    code = _alpha2_codes().get(raw.strip().upper())
    if code is None:
        raise ValueError(N_("not an ISO 3166-1 country code"))
    return code


def parse_citizenship(raw: str) -> str:
    """Like `parse_country`, but also accepts stateless (STLS) and unknown (UNK)."""
    key = raw.strip().upper()
    if key in _STATELESS_SPELLINGS:
        return STATELESS
    if key in _UNKNOWN_SPELLINGS:
        return UNKNOWN_CITIZENSHIP
    try:
        return parse_country(key)
    except ValueError:
        raise ValueError(N_("not an ISO 3166-1 country code, STLS (stateless) or UNK")) from None


def is_eu27(code: str) -> bool:
    return code in EU27


def country_name(code: str) -> str:
    """English short name of a country code, for labels; the code itself if none is known."""
    if code == STATELESS:
        return "Stateless"
    if code == UNKNOWN_CITIZENSHIP:
        return "Unknown"
    if code == "XK":
        return "Kosovo"
    country = pycountry.countries.get(alpha_2=code)
    return str(country.name) if country is not None else code
