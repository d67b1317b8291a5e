"""Victim records: the statistical attributes Eurostat and CTDC collect, plus identifying data.

Age is kept as the age at registration, derived from the date of birth when one is given, so
that statistics never need the date of birth itself. Eurostat's child/adult split and CTDC's age
bands are derived from that age.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Self, TypeVar
from uuid import UUID

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    computed_field,
    field_validator,
    model_validator,
)

from haven._text import N_
from haven.standard._codes import (
    ADULT_AGE,
    AgeBand,
    AgeGroup,
    ExploitationForm,
    IdentificationStatus,
    IsicSection,
    MeansOfControl,
    OnlinePlatform,
    RecruiterRelation,
    RecruitmentMethod,
    Sex,
    Vulnerability,
)
from haven.standard._countries import STATELESS, UNKNOWN_CITIZENSHIP
from haven.standard._identity import IdentifyingData
from haven.standard._types import (
    Citizenship,
    Country,
    ExternalId,
    RecordAttributes,
    code_parser,
    partial_date_bounds,
)

__all__ = [
    "Exploitation",
    "Recruitment",
    "VictimCreate",
    "VictimDetail",
    "VictimPublic",
    "VictimUpdate",
    "age_from_date_of_birth",
]

T = TypeVar("T")

MAX_AGE = 120


def _years_between(born: date, on: date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def age_from_date_of_birth(date_of_birth: str, on: date) -> tuple[int, bool]:
    """Age on a day from a (possibly partial) date of birth, and whether it is estimated.

    A year or month of birth leaves two possible ages; the age at the middle of the possible
    range is taken and flagged as estimated.
    """
    earliest, latest = partial_date_bounds(date_of_birth)
    oldest, youngest = _years_between(earliest, on), _years_between(latest, on)
    if oldest == youngest:
        return oldest, False
    middle = date.fromordinal((earliest.toordinal() + latest.toordinal()) // 2)
    return _years_between(middle, on), True


class Exploitation(BaseModel):
    """One form of exploitation; labour and domestic servitude may name the ISIC Rev. 4 sector."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    form: Annotated[ExploitationForm, code_parser(ExploitationForm)]
    sector: Annotated[IsicSection, code_parser(IsicSection)] | None = None

    @model_validator(mode="after")
    def _sector_only_for_work(self) -> Self:
        if self.sector is not None and self.form not in _FORMS_WITH_SECTOR:
            raise ValueError(
                N_("a sector (ISIC section) applies only to labour or domestic servitude"))
        return self


_FORMS_WITH_SECTOR = {ExploitationForm.LABOUR, ExploitationForm.DOMESTIC_SERVITUDE}


class Recruitment(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    method: Annotated[RecruitmentMethod, code_parser(RecruitmentMethod)] = RecruitmentMethod.UNKNOWN
    platform: Annotated[OnlinePlatform, code_parser(OnlinePlatform)] | None = None
    relation: Annotated[RecruiterRelation, code_parser(RecruiterRelation)] = (
        RecruiterRelation.UNKNOWN
    )

    @model_validator(mode="after")
    def _platform_only_online(self) -> Self:
        if self.platform is not None and not self.method.is_online:
            raise ValueError(N_("an online platform needs an online recruitment method"))
        return self


class _VictimAttributes(RecordAttributes):
    """Statistical attributes shared by create, update and public schemas."""

    identification_status: Annotated[IdentificationStatus, code_parser(IdentificationStatus)]
    sex: Annotated[Sex, code_parser(Sex)] = Sex.UNKNOWN
    age_at_registration: int | None = Field(default=None, ge=0, le=MAX_AGE)
    age_estimated: bool = False
    citizenships: list[Citizenship] = Field(default_factory=list, max_length=5)
    country_of_exploitation: Country | None = None
    exploitation: list[Exploitation] = Field(default_factory=list, max_length=10)
    means_of_control: list[Annotated[MeansOfControl, code_parser(MeansOfControl)]] = Field(
        default_factory=list
    )
    recruitment: Recruitment | None = None
    vulnerabilities: list[Annotated[Vulnerability, code_parser(Vulnerability)]] = Field(
        default_factory=list
    )
    registered_on: date

    @field_validator("citizenships")
    @classmethod
    def _citizenships(cls, values: list[str]) -> list[str]:
        unique = list(dict.fromkeys(values))
        special = {STATELESS, UNKNOWN_CITIZENSHIP} & set(unique)
        if special and len(unique) > 1:
            raise ValueError(N_("stateless or unknown cannot be combined with another citizenship"))
        return unique

    @field_validator("exploitation")
    @classmethod
    def _one_entry_per_form(cls, values: list[Exploitation]) -> list[Exploitation]:
        forms = [v.form for v in values]
        if len(set(forms)) != len(forms):
            raise ValueError(N_("each form of exploitation may be listed once"))
        return values

    @field_validator("means_of_control", "vulnerabilities")
    @classmethod
    def _unique_codes(cls, values: list[T]) -> list[T]:
        return list(dict.fromkeys(values))

    @field_validator("registered_on")
    @classmethod
    def _not_in_future(cls, value: date, info: ValidationInfo) -> date:
        today = (info.context or {}).get("today") or date.today()
        if value > today:
            raise ValueError(N_("registration date lies in the future"))
        return value

    @model_validator(mode="after")
    def _minor_flag_agrees_with_age(self) -> Self:
        self._check_minor_flag()
        return self

    def _check_minor_flag(self) -> None:
        if (
            Vulnerability.UNACCOMPANIED_MINOR in self.vulnerabilities
            and self.age_at_registration is not None
            and self.age_at_registration >= ADULT_AGE
        ):
            raise ValueError(N_("unaccompanied_minor is flagged but the age is 18 or over"))

    @computed_field  # type: ignore[prop-decorator]
    @property
    def age_group(self) -> AgeGroup:
        return AgeGroup.for_age(self.age_at_registration)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def age_band(self) -> AgeBand:
        return AgeBand.for_age(self.age_at_registration)


class VictimCreate(_VictimAttributes):
    """A victim as registered: statistical attributes, and identifying data kept apart.

    When a date of birth is given, the age at registration is derived from it; an age given as
    well must agree with it.
    """

    external_id: ExternalId
    identifying: IdentifyingData | None = None

    @model_validator(mode="after")
    def _derive_age(self) -> Self:
        dob = self.identifying.date_of_birth if self.identifying else None
        if dob is None:
            return self
        if partial_date_bounds(dob)[0] > self.registered_on:
            raise ValueError(N_("date of birth lies after the registration date"))
        derived, estimated = age_from_date_of_birth(dob, self.registered_on)
        if self.age_at_registration is not None and abs(self.age_at_registration - derived) > 1:
            raise ValueError(N_("age_at_registration contradicts the date of birth"))
        # Validation already ran on the given age; assigning through __dict__ avoids re-running
        # validators while keeping the derived value authoritative.
        self.__dict__["age_at_registration"] = derived
        self.__dict__["age_estimated"] = estimated
        self._check_minor_flag()
        return self


class VictimUpdate(BaseModel):
    """A change to a victim: only the fields given change; `version` must be the one read."""

    model_config = ConfigDict(extra="forbid")

    version: int = Field(ge=1)
    identification_status: Annotated[IdentificationStatus, code_parser(IdentificationStatus)] | None = None  # noqa: E501
    sex: Annotated[Sex, code_parser(Sex)] | None = None
    age_at_registration: int | None = Field(default=None, ge=0, le=MAX_AGE)
    citizenships: list[Citizenship] | None = None
    country_of_exploitation: Country | None = None
    exploitation: list[Exploitation] | None = None
    means_of_control: list[Annotated[MeansOfControl, code_parser(MeansOfControl)]] | None = None
    recruitment: Recruitment | None = None
    vulnerabilities: list[Annotated[Vulnerability, code_parser(Vulnerability)]] | None = None
    registered_on: date | None = None
    identifying: IdentifyingData | None = None


class VictimPublic(_VictimAttributes):
    """A victim as most readers see it: no identifying data."""

    model_config = ConfigDict(extra="ignore", from_attributes=True)

    id: UUID
    external_id: str
    organisation_id: UUID
    version: int
    person_id: str | None = None

    @field_validator("registered_on")
    @classmethod
    def _not_in_future(cls, value: date, info: ValidationInfo) -> date:
        return value  # stored records are not re-judged against today's date


class VictimDetail(VictimPublic):
    """A victim with identifying data, for readers with that permission (each read audited)."""

    identifying: IdentifyingData | None = None
