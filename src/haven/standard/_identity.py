"""Identifying data: the part of a person record that names the person.

It is a separate schema so that it can be encrypted apart, withheld from most readers and never
needed for statistics. Everything statistical about a person lives in the victim or suspect
schema; everything here would identify someone.
"""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Annotated

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
)

from haven._text import N_
from haven.standard._types import Country, PartialDate, PersonName, code_parser

__all__ = ["DocumentKind", "DocumentNumber", "IdentifyingData"]


class DocumentKind(StrEnum):
    PASSPORT = "passport"
    ID_CARD = "id_card"
    RESIDENCE_PERMIT = "residence_permit"
    DRIVING_LICENCE = "driving_licence"
    WORK_PERMIT = "work_permit"
    BIRTH_CERTIFICATE = "birth_certificate"
    OTHER = "other"


class DocumentNumber(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: Annotated[DocumentKind, code_parser(DocumentKind)] = DocumentKind.OTHER
    number: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64,
                               pattern=r"^[0-9A-Za-z][0-9A-Za-z /.-]*$"),
    ]
    issuing_country: Country | None = None


_PHONE = re.compile(r"^\+?[0-9][0-9 ()./-]{4,30}$")


def _check_phone(value: str) -> str:
    value = value.strip()
    if not _PHONE.match(value) or sum(c.isdigit() for c in value) < 5:
        raise ValueError(N_("not a phone number (digits, spaces, + ( ) . / - only)"))
    return value


class IdentifyingData(BaseModel):
    """Names, aliases, date of birth, document and phone numbers of one person.

    For a legal person (a company used as a front), `organisation_name` and
    `registration_number` take the place of names and date of birth.
    """

    model_config = ConfigDict(extra="forbid")

    given_names: PersonName | None = None
    family_name: PersonName | None = None
    aliases: list[PersonName] = Field(default_factory=list, max_length=20)
    date_of_birth: PartialDate | None = None
    place_of_birth: PersonName | None = None
    documents: list[DocumentNumber] = Field(default_factory=list, max_length=20)
    phones: list[Annotated[str, AfterValidator(_check_phone)]] = Field(
        default_factory=list, max_length=20
    )
    organisation_name: PersonName | None = None
    registration_number: Annotated[
        str | None, StringConstraints(strip_whitespace=True, max_length=64)
    ] = None

    @field_validator("aliases")
    @classmethod
    def _unique_aliases(cls, values: list[str]) -> list[str]:
        return list(dict.fromkeys(values))

    def is_empty(self) -> bool:
        return not any(getattr(self, name) for name in type(self).model_fields)
