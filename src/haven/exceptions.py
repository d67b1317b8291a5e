"""Haven's one exception tree.

Every error Haven raises on purpose is a `HavenError`. Messages carry record ids, row numbers
and field names, never personal data (names, dates of birth, document or phone numbers).

    HavenError
    ├── ConfigurationError        settings missing, unsafe or contradictory
    │   └── DataKeyError          the data key is missing, malformed or does not decrypt
    ├── ValidationFailed          one or more records break the data standard (all problems listed)
    ├── NotFound                  no such record *in the caller's scope*
    ├── PermissionDenied          the caller's scope does not allow this
    ├── Conflict                  stale version (changed since read), or a duplicate
    ├── AuditIntegrityError       the audit chain is broken (changed, inserted or deleted entries)
    └── ImportFailed              a file could not be read at all (encoding, header, format)

`status_code` on each class is the HTTP status the web adapter answers with; the mapping lives
here so that domain code never raises HTTP errors itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

__all__ = [
    "AuditIntegrityError",
    "ConfigurationError",
    "Conflict",
    "DataKeyError",
    "FieldProblem",
    "HavenError",
    "ImportFailed",
    "NotFound",
    "PermissionDenied",
    "ValidationFailed",
]


class HavenError(Exception):
    """Root of every error Haven raises on purpose."""

    status_code: int = 500


class ConfigurationError(HavenError):
    """Settings are missing, unsafe (a default secret in production) or contradictory."""

    status_code = 500


class DataKeyError(ConfigurationError):
    """The data key is missing or malformed, or a ciphertext does not decrypt with it."""


@dataclass(frozen=True, slots=True)
class FieldProblem:
    """One problem with one field of one record.

    `row` is the 1-based data row in an imported file (the header is row 0), or None for a
    single record. `value` is already truncated or redacted; it is safe to print.

    `reason` is English. `code` says what kind of problem it is (Pydantic's error type, such
    as "missing" or "string_too_long", or "value_error" for a reason written in Haven) and
    `params` holds the template's values (limits, expected codes; never the input), so that
    the web can show the reason in the user's language (docs/i18n.md).
    """

    row: int | None
    field: str
    reason: str
    value: str | None = None
    code: str = "value_error"
    params: tuple[tuple[str, str], ...] = ()

    @classmethod
    def templated(cls, row: int | None, field: str, code: str, template: str, /,
                  **params: object) -> FieldProblem:
        """A problem whose reason fills `template`'s `{name}` placeholders from `params`.

        The first four are positional only, so that a param may be called `row` or `field`.

        >>> FieldProblem.templated(None, "reason", "reason_too_long",
        ...                        "at most {max_length} characters", max_length=500).reason
        'at most 500 characters'
        """
        values = {name: str(value) for name, value in params.items()}
        return cls(row, field, template.format_map(values), code=code,
                   params=tuple(values.items()))

    def __str__(self) -> str:
        where = f"row {self.row}: " if self.row is not None else ""
        shown = f" (value: {self.value})" if self.value is not None else ""
        return f"{where}{self.field}: {self.reason}{shown}"


class ValidationFailed(HavenError):
    """One or more records break the data standard; `problems` lists every one of them."""

    status_code = 422

    def __init__(self, problems: Sequence[FieldProblem]) -> None:
        self.problems = tuple(problems)
        rows = {p.row for p in self.problems if p.row is not None}
        summary = f"{len(self.problems)} problem(s)"
        if rows:
            summary += f" in {len(rows)} row(s)"
        super().__init__(summary)


class NotFound(HavenError):
    """No record with this id exists in the caller's scope (existence elsewhere is not revealed)."""

    status_code = 404

    def __init__(self, kind: str, record_id: object) -> None:
        self.kind = kind
        self.record_id = record_id
        super().__init__(f"no {kind} with id {record_id}")


class PermissionDenied(HavenError):
    """The caller's scope does not allow this action."""

    status_code = 403


class Conflict(HavenError):
    """The record changed since the caller read it, or the write would duplicate a record."""

    status_code = 409


class AuditIntegrityError(HavenError):
    """The audit chain does not verify; `entries` names the sequence numbers that fail."""

    status_code = 500

    def __init__(self, message: str, entries: Sequence[int] = ()) -> None:
        self.entries = tuple(entries)
        super().__init__(message)


class ImportFailed(HavenError):
    """A file could not be read at all: unknown format, bad encoding, missing header."""

    status_code = 400
