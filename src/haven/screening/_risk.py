"""Explained risk: named indicators, each with a weight, a reason and a source.

The score orders a triage list for analysts; it is never a verdict. Evidence-based ad
indicators come first and weigh most: in an NIJ-funded study of escort ads (2024), ads
linked to trafficking more often hid their contact details, used youth language and trust or
professionalism language, and stated an ethnicity, while movement language ("new in town")
was *less* frequent in them, so it is shown for context with a small weight. Network
signals (many cities, many names on one phone, foreign phones, fast posting, low prices,
re-used templates) come next. An ad's score is its own indicators plus those of its network.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from haven.screening._networks import NetworkFeatures

__all__ = ["INDICATORS", "Indicator", "Signal", "ad_signals", "network_signals", "score"]

NIJ = "NIJ-funded study of escort ads, 2024"
NET = "network analysis (Haven)"


@dataclass(frozen=True, slots=True)
class Indicator:
    """A named indicator: its weight, where it comes from and what it means."""

    name: str
    weight: float
    source: str
    meaning: str


INDICATORS: dict[str, Indicator] = {
    i.name: i
    for i in (
        Indicator("stated_minor", 4.0, "legal age of 18", "a stated age under 18"),
        Indicator("obscured_contact", 2.0, NIJ, "phone or e-mail hidden (words, emoji, letters)"),
        Indicator("youth_language", 2.0, NIJ, "youth wording or a stated age of 18 to 20"),
        Indicator("trust_language", 1.5, NIJ, "trust or professionalism wording"),
        Indicator("stated_ethnicity", 1.5, NIJ, "the ad states an ethnicity or origin"),
        Indicator("movement_language", 0.25, NIJ,
                  "movement wording; less frequent in trafficking ads, shown for context"),
        Indicator("many_cities", 1.0, NET, "the network advertises in three or more cities"),
        Indicator("many_countries", 1.0, NET, "the network advertises in two or more countries"),
        Indicator("names_per_phone", 1.0, NET, "three or more names on one phone"),
        Indicator("foreign_phone", 0.75, NET, "most ads give a phone from another country"),
        Indicator("posting_rate", 0.5, NET, "three or more ads a day"),
        Indicator("low_price", 0.75, NET, "median price under 70 % of its cities' median"),
        Indicator("reused_template", 0.5, NET, "five or more ads written from one template"),
    )
}


@dataclass(frozen=True, slots=True)
class Signal:
    """One indicator that fired, with the evidence that made it fire."""

    indicator: str
    detail: str

    @property
    def weight(self) -> float:
        """The indicator's weight."""
        return INDICATORS[self.indicator].weight

    def reason(self) -> str:
        """`name: detail [source]`, for the triage table."""
        return f"{self.indicator}: {self.detail} [{INDICATORS[self.indicator].source}]"


def ad_signals(cues: Sequence[tuple[str, str]], age: int | None, hidden_contact: str | None
               ) -> list[Signal]:
    """Ad-level signals from the cues found in the text, the lowest stated age and contacts."""
    out: list[Signal] = []
    found = dict(cues)
    if age is not None and age < 18:
        out.append(Signal("stated_minor", f"stated age {age}"))
    if hidden_contact:
        out.append(Signal("obscured_contact", hidden_contact))
    youth = found.get("youth", "")
    if age is not None and 18 <= age <= 20:
        youth = "|".join(filter(None, (youth, f"age {age}")))
    if youth:
        out.append(Signal("youth_language", youth.replace("|", ", ")))
    for cue, name in (("trust", "trust_language"), ("ethnicity", "stated_ethnicity"),
                      ("movement", "movement_language")):
        if cue in found:
            out.append(Signal(name, found[cue].replace("|", ", ")))
    return out


def network_signals(f: NetworkFeatures) -> list[Signal]:
    """Network-level signals from its features."""
    out: list[Signal] = []
    if f.n_cities >= 3:
        out.append(Signal("many_cities", f"{f.n_cities} cities"))
    if f.n_countries >= 2:
        out.append(Signal("many_countries", f"{f.n_countries} countries"))
    if f.max_names_per_phone >= 3:
        out.append(Signal("names_per_phone", f"{f.max_names_per_phone} names on one phone"))
    if f.foreign_phone_share > 0.5:
        out.append(Signal("foreign_phone", f"{f.foreign_phone_share:.0%} of ads"))
    if f.ads_per_day >= 3 and f.n_ads >= 5:
        out.append(Signal("posting_rate", f"{f.ads_per_day:.1f} ads a day"))
    if f.price_vs_city_median is not None and f.price_vs_city_median < 0.7:
        out.append(Signal("low_price", f"{f.price_vs_city_median:.0%} of the city median"))
    if f.n_templates >= 1 and f.n_ads >= 5:
        out.append(Signal("reused_template", f"{f.n_templates} template(s), {f.n_ads} ads"))
    return out


def score(signals: Sequence[Signal]) -> float:
    """Sum of the weights of the signals, rounded so every engine prints the same number."""
    return round(sum(s.weight for s in signals), 3)
