"""Validation of records against the standard, with every problem reported and nothing leaked.

Pydantic's errors are turned into `FieldProblem`s that name the row, the field and the reason.
The offending value is shown truncated, except for identifying fields, whose values are never
echoed (they may be a victim's name): only their length is. Each problem also carries
Pydantic's error type as its `code` and the error's context (limits, expected codes) as its
`params`, so that the web can word the reason in the user's language.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, ValidationError

from haven.exceptions import FieldProblem, ValidationFailed
from haven.standard._case import CaseCreate
from haven.standard._identity import IdentifyingData
from haven.standard._suspect import SuspectCreate
from haven.standard._victim import VictimCreate

__all__ = [
    "IDENTIFYING_FIELDS",
    "RecordKind",
    "problems_from",
    "problems_from_errors",
    "schema_for",
    "validate_record",
]

RecordKind = Literal["victim", "suspect", "case"]
M = TypeVar("M", bound=BaseModel)

IDENTIFYING_FIELDS: frozenset[str] = frozenset(IdentifyingData.model_fields) | {"identifying"}
_SHOWN = 40

_SCHEMAS: dict[str, type[BaseModel]] = {
    "victim": VictimCreate,
    "suspect": SuspectCreate,
    "case": CaseCreate,
}


def schema_for(kind: RecordKind) -> type[BaseModel]:
    return _SCHEMAS[kind]


def _field_path(loc: tuple[int | str, ...]) -> str:
    parts: list[str] = []
    for item in loc:
        if isinstance(item, int):
            parts[-1:] = [f"{parts[-1]}[{item + 1}]"] if parts else [f"[{item + 1}]"]
        elif item != "identifying":
            parts.append(str(item))
    return ".".join(parts) or "record"


def _shown_value(loc: tuple[int | str, ...], value: Any) -> str | None:
    if value is None or isinstance(value, dict | list):
        return None
    text = str(value)
    if any(str(part) in IDENTIFYING_FIELDS for part in loc):
        return f"[withheld, {len(text)} characters]"
    return text if len(text) <= _SHOWN else text[: _SHOWN - 1] + "…"


def _reason(error: Mapping[str, Any]) -> str:
    message = str(error["msg"])
    # Pydantic prefixes messages from our own validators with "Value error, ".
    return message.removeprefix("Value error, ")


# Context keys in which Pydantic repeats the input (a union's unknown tag).
_ECHOES = frozenset({"tag"})


def _params(error: Mapping[str, Any]) -> tuple[tuple[str, str], ...]:
    """The error's context as text, minus anything that repeats the input.

    Pydantic's context holds limits and expected values ("max_length", "expected"), and for
    a `ValueError` raised in a validator the exception itself, which is dropped: its text is
    already the reason. Keys that repeat the input are dropped, and on an identifying field
    so is any value that contains the input: params never carry a name or a number typed.
    """
    loc = tuple(error.get("loc") or ())
    given = error.get("input")
    typed = "" if given is None or isinstance(given, dict | list) else str(given)
    identifying = any(str(part) in IDENTIFYING_FIELDS for part in loc)
    params = ((str(key), _text(value)) for key, value in (error.get("ctx") or {}).items()
              if not isinstance(value, BaseException) and key not in _ECHOES)
    return tuple((key, text) for key, text in params
                 if not (identifying and typed and typed in text))


def _text(value: object) -> str:
    # As Pydantic writes a limit in its message: a whole float without ".0" ("greater than 0").
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def problems_from(error: ValidationError, row: int | None = None) -> list[FieldProblem]:
    """Every problem in a Pydantic error as a `FieldProblem`, values truncated or withheld."""
    return problems_from_errors(error.errors(include_url=False), row)


def problems_from_errors(errors: Iterable[Mapping[str, Any]], row: int | None = None,
                         *, skip_prefix: int = 0) -> list[FieldProblem]:
    """Like `problems_from`, for error dicts (e.g. FastAPI's); `skip_prefix` drops loc parts."""
    problems = []
    for item in errors:
        loc = tuple(item["loc"])[skip_prefix:]
        problems.append(
            FieldProblem(
                row=row,
                field=_field_path(loc),
                reason=_reason(item),
                value=_shown_value(loc, item.get("input")),
                code=str(item.get("type") or "value_error"),
                params=_params(item),
            )
        )
    return problems


def validate_record(
    schema: type[M], data: Mapping[str, Any], *, row: int | None = None, today: date | None = None
) -> M:
    """Validate one record, raising `ValidationFailed` with every problem it has.

    Pydantic runs a record's cross-field checks (age against date of birth, ...) only once its
    fields are valid. So that a row's problems are all reported at once, the record is checked
    a second time without its invalid fields, and the cross-field problems found then are added.
    """
    context = {"today": today or date.today()}
    try:
        return schema.model_validate(data, context=context)
    except ValidationError as error:
        problems = problems_from(error, row)
        bad_fields = {item["loc"][0] for item in error.errors() if item["loc"]}
        remaining = {k: v for k, v in data.items() if k not in bad_fields}
        if bad_fields and remaining != data:
            try:
                schema.model_validate(remaining, context=context)
            except ValidationError as second:
                problems += [p for p in problems_from(second, row) if p.field == "record"]
        raise ValidationFailed(problems) from None
