"""A `FieldProblem`'s reason in the user's language.

Problems are raised in English by the data standard (Pydantic), the domain packages and the
pages. Each carries a `code` and its `params` (docs/i18n.md):

- Pydantic's own error types ("missing", "string_too_long", ...) are worded here, from
  templates that repeat Pydantic's English with `{name}` placeholders filled from `params`;
- Haven's templated problems ("unknown_code", "stage_order", ...) are worded from the same
  template that raised them;
- anything else ("value_error": a reason Haven wrote, marked `N_` where it is raised) is its
  English reason looked up in the catalog.

An unknown code, a missing parameter or a broken translation falls back to the English
reason: a page never fails because of the wording of a problem.
"""

from __future__ import annotations

from collections.abc import Callable

from haven._text import N_, Nn_
from haven.exceptions import FieldProblem

__all__ = ["FRAGMENTS", "TEMPLATES", "reason_text"]

# A template is one text, or (singular, plural, the name of the param that counts).
Template = str | tuple[str, str, str]

TEMPLATES: dict[str, Template] = {
    # Pydantic's built-in error types, in Pydantic's English.
    "missing": N_("Field required"),
    "extra_forbidden": N_("Extra inputs are not permitted"),
    "string_type": N_("Input should be a valid string"),
    "string_too_long": (*Nn_("String should have at most {max_length} character",
                             "String should have at most {max_length} characters"),
                        "max_length"),
    "string_too_short": (*Nn_("String should have at least {min_length} character",
                              "String should have at least {min_length} characters"),
                         "min_length"),
    "string_pattern_mismatch": N_("String should match pattern '{pattern}'"),
    "int_type": N_("Input should be a valid integer"),
    "int_parsing": N_("Input should be a valid integer, unable to parse string as an integer"),
    "int_from_float": N_("Input should be a valid integer, got a number with a fractional part"),
    "float_type": N_("Input should be a valid number"),
    "float_parsing": N_("Input should be a valid number, unable to parse string as a number"),
    "greater_than": N_("Input should be greater than {gt}"),
    "greater_than_equal": N_("Input should be greater than or equal to {ge}"),
    "less_than": N_("Input should be less than {lt}"),
    "less_than_equal": N_("Input should be less than or equal to {le}"),
    "bool_type": N_("Input should be a valid boolean"),
    "bool_parsing": N_("Input should be a valid boolean, unable to interpret input"),
    "date_type": N_("Input should be a valid date"),
    "date_parsing": N_("Input should be a valid date in the format YYYY-MM-DD, {error}"),
    "date_from_datetime_parsing": N_("Input should be a valid date or datetime, {error}"),
    "date_from_datetime_inexact": N_(
        "Datetimes provided to dates should have zero time - e.g. be exact dates"),
    "datetime_parsing": N_("Input should be a valid datetime, {error}"),
    "enum": N_("Input should be {expected}"),
    "literal_error": N_("Input should be {expected}"),
    "list_type": N_("Input should be a valid list"),
    "dict_type": N_("Input should be a valid dictionary"),
    # Pydantic says "List should have ...": the type's English name is left out here.
    "too_long": (*Nn_("should have at most {max_length} item, not {actual_length}",
                      "should have at most {max_length} items, not {actual_length}"),
                 "max_length"),
    "too_short": (*Nn_("should have at least {min_length} item, not {actual_length}",
                       "should have at least {min_length} items, not {actual_length}"),
                  "min_length"),
    "uuid_parsing": N_("Input should be a valid UUID, {error}"),
    "json_invalid": N_("Invalid JSON: {error}"),
    # Haven's own templated problems: the same text as where they are raised.
    "unknown_code": N_("unknown code; expected one of: {expected}"),
    "stage_order": N_("stage {later} is dated after {earlier}"),
    "unknown_fields": N_("fields outside the transnational set: {fields}"),
    "reason_too_long": N_("at most {max_length} characters"),
    "places_taken": N_("{taken} place(s) are taken"),
    "repeats_row": N_("repeats row {row}"),
    "password_too_short": N_("a password needs at least {min_length} characters"),
}

# What Pydantic puts in the `error` param of a date, datetime, UUID or JSON error (English,
# from its parsers); each is translated on its own and falls back to English if unknown.
FRAGMENTS = (
    N_("input is too short"),
    N_("invalid character in year"),
    N_("invalid character in month"),
    N_("invalid character in day"),
    N_("invalid character in hour"),
    N_("invalid character in minute"),
    N_("invalid character in second"),
    N_("invalid date separator, expected `-`"),
    N_("invalid datetime separator, expected `T`, `t`, `_` or space"),
    N_("month value is outside expected range of 1-12"),
    N_("day value is outside expected range"),
    N_("hour value is outside expected range of 0-23"),
    N_("minute value is outside expected range of 0-59"),
    N_("second value is outside expected range of 0-59"),
    N_("second fraction digits missing after `.`"),
    N_("invalid timezone hour"),
    N_("invalid timezone minute"),
    N_("timezone minute value is outside expected range of 0-59"),
    N_("timezone offset must be less than 24 hours"),
    N_("unexpected extra characters at the end of the input"),
    N_("year 0 is out of range"),
)

# Pydantic lists the expected values of an enum or literal as "'F', 'M' or 'U'".
_LAST_CHOICE = " or "


def _expected(text: str, gettext: Callable[[str], str]) -> str:
    head, sep, last = text.rpartition(_LAST_CHOICE)
    if not sep:
        return text
    return gettext(N_("{choices} or {last}")).format(choices=head, last=last)


def reason_text(problem: FieldProblem, gettext: Callable[[str], str],
                ngettext: Callable[[str, str, int], str]) -> str:
    """`problem`'s reason in the language of `gettext`/`ngettext` (English if unknown)."""
    code = problem.code
    if code in ("too_short", "too_long") and dict(problem.params).get("field_type") == "Value":
        # Pydantic's length error of a string with a `BeforeValidator` counts "items".
        code = f"string_{code}"
    template = TEMPLATES.get(code)
    if template is None:
        return gettext(problem.reason)
    params = dict(problem.params)
    try:
        if "error" in params:
            params["error"] = gettext(params["error"])
        if code in ("enum", "literal_error") and "expected" in params:
            params["expected"] = _expected(params["expected"], gettext)
        if isinstance(template, tuple):
            singular, plural, counted = template
            text = ngettext(singular, plural, int(params[counted]))
        else:
            text = gettext(template)
        return text.format_map(params)
    except (KeyError, IndexError, ValueError):
        # A param the template needs is missing, or a translation's braces are broken.
        return gettext(problem.reason)
