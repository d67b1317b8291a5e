"""Suspect records: natural or legal persons, their roles and their criminal-justice stages.

Eurostat counts suspected, prosecuted and convicted persons per year; a suspect's history is
therefore kept as dated stage events, from which the current stage and each year's counts are
derived.
"""

from __future__ import annotations

import itertools
from datetime import date
from typing import Annotated, Self
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, computed_field, field_validator, model_validator
from pydantic_core import PydanticCustomError

from haven._text import N_
from haven.standard._codes import JusticeStage, PersonKind, Sex, SuspectRole
from haven.standard._identity import IdentifyingData
from haven.standard._types import Citizenship, ExternalId, RecordAttributes, code_parser

__all__ = ["JusticeEvent", "SuspectCreate", "SuspectDetail", "SuspectPublic", "SuspectUpdate"]


class JusticeEvent(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    stage: Annotated[JusticeStage, code_parser(JusticeStage)]
    on: date


class _SuspectAttributes(RecordAttributes):
    person_kind: Annotated[PersonKind, code_parser(PersonKind)] = PersonKind.NATURAL
    sex: Annotated[Sex, code_parser(Sex)] | None = None
    age: int | None = Field(default=None, ge=10, le=110)
    citizenship: Citizenship | None = None
    roles: list[Annotated[SuspectRole, code_parser(SuspectRole)]] = Field(default_factory=list)
    justice: list[JusticeEvent] = Field(default_factory=list, max_length=20)
    registered_on: date

    @field_validator("roles")
    @classmethod
    def _unique_roles(cls, values: list[SuspectRole]) -> list[SuspectRole]:
        return list(dict.fromkeys(values))

    @field_validator("justice")
    @classmethod
    def _stages_in_order(cls, events: list[JusticeEvent]) -> list[JusticeEvent]:
        ordered = sorted(events, key=lambda e: (e.on, e.stage.rank))
        verdicts = {e.stage for e in ordered} & {JusticeStage.CONVICTED, JusticeStage.ACQUITTED}
        if len(verdicts) > 1:
            raise ValueError(N_("a suspect cannot be both convicted and acquitted in one record"))
        for earlier, later in itertools.pairwise(ordered):
            if later.stage.rank < earlier.stage.rank:
                raise PydanticCustomError(
                    "stage_order", N_("stage {later} is dated after {earlier}"),
                    {"later": later.stage.value, "earlier": earlier.stage.value})
        return ordered

    @model_validator(mode="after")
    def _legal_persons_have_no_sex_or_age(self) -> Self:
        if self.person_kind is PersonKind.LEGAL and (self.sex is not None or self.age is not None):
            raise ValueError(N_("a legal person has no sex or age"))
        return self

    @computed_field  # type: ignore[prop-decorator]
    @property
    def stage(self) -> JusticeStage:
        """The furthest stage reached; a suspect with no events is suspected."""
        if not self.justice:
            return JusticeStage.SUSPECTED
        return max(self.justice, key=lambda e: (e.stage.rank, e.on)).stage


class SuspectCreate(_SuspectAttributes):
    external_id: ExternalId
    identifying: IdentifyingData | None = None

    @model_validator(mode="after")
    def _identity_fits_kind(self) -> Self:
        ident = self.identifying
        if ident is None:
            return self
        if self.person_kind is PersonKind.LEGAL and (ident.given_names or ident.date_of_birth):
            raise ValueError(
                N_("a legal person has an organisation name, not given names or birth"))
        if self.person_kind is PersonKind.NATURAL and ident.registration_number:
            raise ValueError(N_("a registration number belongs to a legal person"))
        return self


class SuspectUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    version: int = Field(ge=1)
    sex: Annotated[Sex, code_parser(Sex)] | None = None
    age: int | None = Field(default=None, ge=10, le=110)
    citizenship: Citizenship | None = None
    roles: list[Annotated[SuspectRole, code_parser(SuspectRole)]] | None = None
    justice: list[JusticeEvent] | None = None
    identifying: IdentifyingData | None = None


class SuspectPublic(_SuspectAttributes):
    model_config = ConfigDict(extra="ignore", from_attributes=True)

    id: UUID
    external_id: str
    organisation_id: UUID
    version: int


class SuspectDetail(SuspectPublic):
    identifying: IdentifyingData | None = None
