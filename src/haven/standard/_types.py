"""Annotated field types shared by the schemas: codes, countries, partial dates, identifiers."""

from __future__ import annotations

import re
from datetime import date
from enum import StrEnum
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    model_validator,
)

from haven._text import N_
from haven.standard._aliases import parse_code
from haven.standard._countries import parse_citizenship, parse_country

__all__ = [
    "Citizenship",
    "Country",
    "ExternalId",
    "PartialDate",
    "PersonName",
    "RecordAttributes",
    "blank_to_none",
    "code_parser",
    "partial_date_bounds",
]


def _country(value: Any) -> Any:
    return parse_country(value) if isinstance(value, str) else value


def _citizenship(value: Any) -> Any:
    return parse_citizenship(value) if isinstance(value, str) else value


def blank_to_none(value: Any) -> Any:
    """CSV cells and hand-made JSON use "" for missing; the schemas use None."""
    if isinstance(value, str) and not value.strip():
        return None
    return value


Country = Annotated[str, BeforeValidator(_country), StringConstraints(pattern=r"^[A-Z]{2}$")]
Citizenship = Annotated[
    str, BeforeValidator(_citizenship), StringConstraints(pattern=r"^([A-Z]{2}|STLS|UNK)$")
]


def code_parser(enum_cls: type[StrEnum]) -> BeforeValidator:
    """A validator that reads Haven's, Eurostat's or CTDC's spelling of a code of `enum_cls`.

    Used as `Annotated[Sex, code_parser(Sex)]`, so that the field's type stays the enum.
    """

    def parse(value: Any) -> Any:
        if isinstance(value, str) and not isinstance(value, enum_cls):
            return parse_code(enum_cls, value)
        return value

    return BeforeValidator(parse)


# A file's own id for a record: letters, digits and . _ - / : only, so that it is safe in
# URLs, file names and logs and cannot carry a name by accident of free text.
_EXTERNAL_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._/:-]{0,99}$")


def _check_external_id(value: str) -> str:
    value = value.strip()
    if not _EXTERNAL_ID.match(value):
        raise ValueError(
            N_("an id is 1-100 letters, digits and . _ / : - (starting with a letter or digit)")
        )
    return value


ExternalId = Annotated[str, AfterValidator(_check_external_id)]

PersonName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]

_PARTIAL_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


def _check_partial_date(value: str) -> str:
    match = _PARTIAL_DATE.match(value)
    if match is None:
        raise ValueError(N_("expected YYYY, YYYY-MM or YYYY-MM-DD"))
    year, month, day = match.groups()
    if not 1900 <= int(year) <= 2100:
        raise ValueError(N_("year out of range 1900-2100"))
    try:
        date(int(year), int(month or 1), int(day or 1))
    except ValueError:
        raise ValueError(N_("not a calendar date")) from None
    return value


def _partial_date_input(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, int):
        return str(value)
    return value


# Victims often know only their year of birth; a partial date keeps what is known, no more.
PartialDate = Annotated[
    str, BeforeValidator(_partial_date_input), AfterValidator(_check_partial_date),
    Field(examples=["1998-04-17", "1998-04", "1998"]),
]


def partial_date_bounds(value: str) -> tuple[date, date]:
    """The earliest and latest calendar day a partial date can stand for."""
    parts = [int(p) for p in value.split("-")]
    if len(parts) == 3:
        day = date(parts[0], parts[1], parts[2])
        return day, day
    if len(parts) == 2:
        first = date(parts[0], parts[1], 1)
        following = date(parts[0] + (parts[1] == 12), parts[1] % 12 + 1, 1)
        return first, date.fromordinal(following.toordinal() - 1)
    return date(parts[0], 1, 1), date(parts[0], 12, 31)


class RecordAttributes(BaseModel):
    """Base of person records: unknown fields refused, derived fields ignored on input."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    @model_validator(mode="before")
    @classmethod
    def _ignore_derived(cls, data: Any) -> Any:
        # Derived values (age group and band, stage) come back in dumps and exports; they are
        # recomputed, never taken from input.
        if isinstance(data, dict):
            return {k: v for k, v in data.items() if k not in cls.model_computed_fields}
        return data
