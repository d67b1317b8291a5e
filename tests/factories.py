"""Record factories shared by the tests (synthetic values only)."""

from __future__ import annotations

from typing import Any

from haven.standard import VictimCreate, validate_record

VICTIM_FIELDS: dict[str, Any] = {
    "external_id": "V-0001",
    "identification_status": "presumed",
    "sex": "female",
    "citizenships": ["RO"],
    "country_of_exploitation": "NL",
    "exploitation": [{"form": "sexual"}],
    "registered_on": "2018-03-14",
    "identifying": {
        "given_names": "Ioana-Maria",
        "family_name": "Zăvoianu",
        "aliases": ["Roxy"],
        "date_of_birth": "2001-07-30",
        "documents": [{"kind": "passport", "issuing_country": "RO", "number": "058812345"}],
        "phones": ["+40 721 555 019"],
    },
}


def victim(**overrides: Any) -> VictimCreate:
    """A valid victim; keyword arguments replace top-level fields."""
    return validate_record(VictimCreate, {**VICTIM_FIELDS, **overrides})
