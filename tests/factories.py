"""Record factories shared by the tests (synthetic values only)."""

from __future__ import annotations

from typing import Any

from haven.access import LoginPolicy
from haven.standard import VictimCreate, validate_record

# argon2id at a test-sized cost: the production default (64 MiB, 3 passes) is tested once, in
# tests/access/test_accounts.py; everywhere else it would only make the suite slow.
FAST_LOGIN = LoginPolicy(argon2_time_cost=1, argon2_memory_kib=1024)

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
