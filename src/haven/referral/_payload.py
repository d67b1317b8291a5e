"""What a transnational package holds: only the fields needed, named one by one."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, StringConstraints, field_validator
from pydantic_core import PydanticCustomError

from haven._text import N_

__all__ = ["DEFAULT_TRANSNATIONAL_FIELDS", "IDENTIFYING", "TRANSNATIONAL_FIELDS",
           "ReferralPayload"]

STATISTICAL = frozenset({"sex", "age_at_registration", "age_estimated", "citizenships",
                         "country_of_exploitation", "exploitation", "means_of_control",
                         "recruitment", "vulnerabilities"})
IDENTIFYING = frozenset({"given_names", "family_name", "aliases", "date_of_birth",
                         "place_of_birth", "documents", "phones"})
TRANSNATIONAL_FIELDS = STATISTICAL | IDENTIFYING
# Enough for the receiving mechanism to take the person on; identity goes only when named.
DEFAULT_TRANSNATIONAL_FIELDS = frozenset({"sex", "age_at_registration", "age_estimated",
                                          "citizenships", "exploitation", "vulnerabilities"})

Code = Annotated[str, StringConstraints(pattern=r"^[a-z_]{1,40}$")]


class ConsentStatement(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    basis: Code
    given_by: Code
    legal_ground: Annotated[str, StringConstraints(max_length=200)] | None = None


class ReferralPayload(BaseModel):
    """The plaintext of a package; fields outside `TRANSNATIONAL_FIELDS` are refused."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    sender_reference: Annotated[str, StringConstraints(max_length=64)]
    record: dict[str, Any]
    stage: Code
    minority: Code
    third_country_national: bool
    detected_on: date
    needs: list[Code] = []
    consent: list[ConsentStatement]
    reason: Annotated[str, StringConstraints(min_length=1, max_length=500)]

    @field_validator("record")
    @classmethod
    def _only_known_fields(cls, value: dict[str, Any]) -> dict[str, Any]:
        unknown = sorted(set(value) - TRANSNATIONAL_FIELDS)
        if unknown:
            raise PydanticCustomError("unknown_fields",
                                      N_("fields outside the transnational set: {fields}"),
                                      {"fields": ", ".join(unknown)})
        return value
