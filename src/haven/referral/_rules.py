"""Legal clocks per country: the configuration the pathway's deadlines are computed from.

Floors that no configuration may go below:

- the recovery and reflection period lasts at least 30 days (Council of Europe Convention
  on Action against Trafficking in Human Beings, CETS 197, art. 13(1));
- a residence permit for a victim who is a third-country national is valid for at least six
  months (Council Directive 2004/81/EC, art. 8(3)), renewable while its conditions hold;
- a child victim gets a guardian without delay (Directive 2011/36/EU art. 14(2) and 16(3);
  CETS 197 art. 10(4)), so by default the day the child is detected is already the deadline.

Country values shipped with Haven (check them against current law before relying on them):

- NL: reflection period of at most three months (Vreemdelingencirculaire 2000, B8/3.1, as
  amended by WBV 2023/11, Stcrt. 2023, 13577; 30 days for persons under the Dublin
  Regulation, which the operator configures as a separate rule if needed), offered by the
  police on the slightest indication, so it may start on referral;
- RO: recovery and reflection period of up to 90 days for foreign victims (Law 678/2001,
  art. 39^1(1));
- BE: reflection period of 45 days (Aliens Act of 15 December 1980, art. 61/2, and the
  multidisciplinary circular of 23 December 2016).

Every other value (reasonable-grounds deadline, renewal notice, follow-up schedule) is
operator configuration: Haven's defaults are marked `operator` in `basis`.
"""

from __future__ import annotations

import calendar
import json
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from haven._text import N_
from haven.exceptions import ConfigurationError

__all__ = ["DEFAULT_RULES", "CountryRules", "Period", "RulesBook"]

MIN_REFLECTION_DAYS = 30
MIN_PERMIT_MONTHS = 6


@dataclass(frozen=True, slots=True)
class Period:
    """A length of time in months and days (months first, clamped to the month's end)."""

    months: int = 0
    days: int = 0

    def after(self, start: date) -> date:
        month_index = start.month - 1 + self.months
        year, month = start.year + month_index // 12, month_index % 12 + 1
        day = min(start.day, calendar.monthrange(year, month)[1])
        return date(year, month, day) + timedelta(days=self.days)

    @property
    def shortest_days(self) -> int:
        """The fewest days this period can last (a month can be 28 days)."""
        return self.months * 28 + self.days

    def __str__(self) -> str:
        parts = [f"{self.months} month(s)"] if self.months else []
        if self.days or not parts:
            parts.append(f"{self.days} day(s)")
        return " ".join(parts)


@dataclass(frozen=True, slots=True)
class CountryRules:
    """The legal clocks of one country; `check` refuses values below the legal floors."""

    country: str
    reflection: Period
    reflection_basis: str
    permit_min_months: int = MIN_PERMIT_MONTHS
    permit_basis: str = N_("Directive 2004/81/EC art. 8(3): at least six months")
    permit_renewal_notice_days: int = 30
    guardian_within_days: int = 0
    reasonable_grounds_days: int | None = None
    follow_up_months: tuple[int, ...] = (3, 6, 12)
    due_soon_days: int = 7
    # Where the period may be offered on referral, before any reasonable-grounds decision
    # (NL: on the slightest indication of trafficking), not only after one.
    reflection_on_referral: bool = False
    basis: Mapping[str, str] = field(default_factory=dict)

    def check(self) -> None:
        problems = []
        if self.reflection.shortest_days < MIN_REFLECTION_DAYS:
            problems.append(f"{self.country}: a reflection period of {self.reflection} can be "
                            f"shorter than {MIN_REFLECTION_DAYS} days (CETS 197 art. 13(1))")
        if self.permit_min_months < MIN_PERMIT_MONTHS:
            problems.append(f"{self.country}: a residence permit must be valid for at least "
                            f"{MIN_PERMIT_MONTHS} months (Directive 2004/81/EC art. 8(3))")
        numbers = (self.permit_renewal_notice_days, self.guardian_within_days,
                   self.due_soon_days, *self.follow_up_months,
                   *(() if self.reasonable_grounds_days is None
                     else (self.reasonable_grounds_days,)))
        if any(n < 0 for n in numbers):
            problems.append(f"{self.country}: day counts cannot be negative")
        if problems:
            raise ConfigurationError("; ".join(problems))


# A value Haven's defaults set without a legal floor is based on "operator" (configuration).
# The bases are English, marked `N_`: pages show them in the user's language.
_BY_OPERATOR = N_("operator")
_OPERATOR = {"reasonable_grounds_days": _BY_OPERATOR,
             "permit_renewal_notice_days": _BY_OPERATOR,
             "follow_up_months": _BY_OPERATOR, "due_soon_days": _BY_OPERATOR,
             "guardian_within_days": N_("Directive 2011/36/EU art. 14(2): without delay")}

DEFAULT_RULES: dict[str, CountryRules] = {r.country: r for r in (
    CountryRules("NL", Period(months=3),
                 N_("Vreemdelingencirculaire 2000 B8/3.1 (WBV 2023/11): at most three months"),
                 reflection_on_referral=True, basis=_OPERATOR),
    CountryRules("RO", Period(days=90), N_("Law 678/2001 art. 39^1(1): up to 90 days"),
                 basis=_OPERATOR),
    CountryRules("BE", Period(days=45),
                 N_("Aliens Act of 15 December 1980 art. 61/2; circular of 23 December 2016: "
                    "45 days"), basis=_OPERATOR),
)}


class RulesBook:
    """The rules of every configured country; an unconfigured country is refused."""

    def __init__(self, rules: Mapping[str, CountryRules] | None = None) -> None:
        self._rules = dict(DEFAULT_RULES if rules is None else rules)
        for entry in self._rules.values():
            entry.check()

    def for_country(self, country: str) -> CountryRules:
        try:
            return self._rules[country]
        except KeyError:
            raise ConfigurationError(
                f"no legal clocks are configured for country {country}; the operator sets "
                "them (docs/referral.md, 'Legal clocks')") from None

    @property
    def countries(self) -> list[str]:
        return sorted(self._rules)

    @classmethod
    def from_json(cls, path: Path) -> RulesBook:
        """Defaults overlaid with an operator's file: {"DE": {"reflection_days": 30, ...}}."""
        try:
            raw: dict[str, dict[str, Any]] = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            raise ConfigurationError(f"the clock rules file {path} cannot be read") from None
        rules = dict(DEFAULT_RULES)
        for country, values in raw.items():
            rules[country] = _from_values(country, values, rules.get(country))
        return cls(rules)


def _from_values(country: str, values: dict[str, Any], base: CountryRules | None
                 ) -> CountryRules:
    try:
        reflection = Period(int(values.pop("reflection_months", 0)),
                            int(values.pop("reflection_days", 0)))
        if "follow_up_months" in values:
            values["follow_up_months"] = tuple(int(m) for m in values["follow_up_months"])
        if base is None:
            return CountryRules(country, reflection,
                                values.pop("reflection_basis", "operator"), **values)
        if reflection != Period():
            values["reflection"] = reflection
        return replace(base, **values)
    except (TypeError, ValueError):
        raise ConfigurationError(f"the clock rules for {country} are malformed") from None
