"""Cases and organisations.

A case links victims and suspects of one organisation, follows the route of the crime
(recruitment, transit, exploitation: country, place, date) and carries other agencies' file
numbers. It holds no free text: notes about people belong in their identifying data.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

from haven._text import N_
from haven.standard._codes import ExternalSystem, OrganisationType, RouteEventKind
from haven.standard._types import Country, ExternalId, code_parser

__all__ = [
    "CaseCreate",
    "CasePublic",
    "CaseUpdate",
    "ExternalReference",
    "OrganisationCreate",
    "OrganisationPublic",
    "RouteEvent",
]

Place = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120)]


class OrganisationCreate(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: Annotated[str, StringConstraints(min_length=2, max_length=200)]
    country: Country
    type: Annotated[OrganisationType, code_parser(OrganisationType)]
    code: Annotated[str, StringConstraints(min_length=2, max_length=40,
                                           pattern=r"^[a-z0-9][a-z0-9-]*$")] = Field(
        description="short stable handle, e.g. 'nl-police-east', used on the command line"
    )


class OrganisationPublic(OrganisationCreate):
    model_config = ConfigDict(from_attributes=True)

    id: UUID


class RouteEvent(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: Annotated[RouteEventKind, code_parser(RouteEventKind)]
    country: Country
    place: Place | None = None
    on: date | None = None


class ExternalReference(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    system: Annotated[ExternalSystem, code_parser(ExternalSystem)]
    reference: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1,
                                                max_length=100)]
    country: Country | None = None


def _route_in_order(events: list[RouteEvent]) -> list[RouteEvent]:
    dated = [e.on for e in events if e.on is not None]
    if dated != sorted(dated):
        raise ValueError(N_("route events must be listed in date order"))
    return events


class CaseCreate(BaseModel):
    """A case as registered; victims and suspects are named by their external ids."""

    model_config = ConfigDict(extra="forbid")

    external_id: ExternalId
    opened_on: date
    victims: list[ExternalId] = Field(default_factory=list, max_length=500)
    suspects: list[ExternalId] = Field(default_factory=list, max_length=500)
    route: list[RouteEvent] = Field(default_factory=list, max_length=50)
    references: list[ExternalReference] = Field(default_factory=list, max_length=50)

    _route = field_validator("route")(_route_in_order)

    @field_validator("victims", "suspects")
    @classmethod
    def _unique(cls, values: list[str]) -> list[str]:
        return list(dict.fromkeys(values))


class CaseUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    version: int = Field(ge=1)
    opened_on: date | None = None
    victims: list[ExternalId] | None = None
    suspects: list[ExternalId] | None = None
    route: list[RouteEvent] | None = None
    references: list[ExternalReference] | None = None


class CasePublic(CaseCreate):
    model_config = ConfigDict(extra="ignore", from_attributes=True)

    id: UUID
    organisation_id: UUID
    version: int
