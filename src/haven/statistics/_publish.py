"""Composite publications: UNODC flows and the figure set, each cell through a release."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from haven.registry import Registry
from haven.statistics._definitions import TOTAL, TableSpec
from haven.statistics._engine import Engine
from haven.statistics._release import (
    Policy,
    Release,
    SuppressionPolicy,
    release_table,
    release_tables,
)

__all__ = ["FIGURES", "Flow", "flows", "flows_of", "flows_spec", "publish_figures"]

_NOT_A_COUNTRY = {"UNK", "STLS", "unknown", TOTAL}


@dataclass(frozen=True, slots=True)
class Flow:
    """Detected victims with citizenship `origin` exploited in `destination`."""

    origin: str
    destination: str
    victims: int
    domestic: bool

    def as_dict(self) -> dict[str, Any]:
        return {"origin": self.origin, "destination": self.destination,
                "victims": self.victims, "domestic": self.domestic}


def flows(registry: Registry, *, years: Sequence[int], policy: Policy | None = None,
          actor: str, channel: str = "api", minimum: int = 5,
          countries: Sequence[str] | None = None, engine: Engine | None = None,
          counting: str = "persons") -> tuple[Release, list[Flow]]:
    """UNODC-style flows with at least `minimum` detected victims, from a released table.

    The table citizenship x country of exploitation is released under the policy (by
    default suppression with threshold `minimum`, secondary suppression against its
    margins), and only released pairs of at least `minimum` are listed.
    """
    spec = flows_spec(years, countries=countries, counting=counting)
    release = release_table(registry, spec, policy or SuppressionPolicy(threshold=minimum),
                            actor=actor, channel=channel, engine=engine)
    return release, flows_of(release, minimum)


def flows_spec(years: Sequence[int], *, countries: Sequence[str] | None = None,
               counting: str = "persons") -> TableSpec:
    """The table the flows are read from: citizenship x country of exploitation."""
    return TableSpec.parse("victims", ["citizenship", "country_of_exploitation"],
                           years=list(years), countries=countries, counting=counting)


def flows_of(release: Release, minimum: int = 5) -> list[Flow]:
    """The released origin-destination pairs with at least `minimum` victims, largest first."""
    found = [Flow(o, d, v, o == d) for (o, d), v in release.values.items()
             if v is not None and v >= minimum and o not in _NOT_A_COUNTRY
             and d not in _NOT_A_COUNTRY]
    return sorted(found, key=lambda f: (-f.victims, f.origin, f.destination))


# name: (dimensions, figure function name)
FIGURES: dict[str, tuple[tuple[str, ...], str]] = {
    "figure-1-exploitation": (("exploitation",), "figure_exploitation"),
    "figure-2-sex": (("sex", "age_group"), "figure_sex"),
    "figure-3-eu-citizenship": (("eu_citizenship",), "figure_citizenship"),
    "trend-by-year": (("year", "status"), "figure_trend"),
}


def publish_figures(registry: Registry, out: Path, *, years: Sequence[int], policy: Policy,
                    actor: str, lang: str = "en", formats: Sequence[str] = ("png", "svg"),
                    countries: Sequence[str] | None = None,
                    progress: Callable[[str], None] | None = None,
                    engine: Engine | None = None) -> list[Path]:
    """Release the tables behind figures 1-3, the trend and the flows chart, and draw them.

    The five tables are counted together (`release_tables`): one extraction, the persons
    resolved once; each is released, and recorded, on its own.
    """
    from haven.statistics import _figures

    out.mkdir(parents=True, exist_ok=True)
    specs = [TableSpec.parse("victims", by, years=list(years), countries=countries)
             for by, _ in FIGURES.values()]
    specs.append(flows_spec(years, countries=countries))
    # The flows list pairs of at least five: suppression uses that threshold.
    flow_policy = SuppressionPolicy(threshold=5) if isinstance(policy, SuppressionPolicy) \
        else policy
    if progress:
        progress("counting the tables")
    released = release_tables(registry, specs, [policy] * len(FIGURES) + [flow_policy],
                              actor=actor, channel="figures", engine=engine)
    written: list[Path] = []
    for (name, (_, draw)), release in zip(FIGURES.items(), released, strict=False):
        if progress:
            progress(f"drawing {name}")
        figure = getattr(_figures, draw)(release, lang=lang)
        written += _figures.save(figure, out / name, formats)
    if progress:
        progress("drawing flows")
    found = flows_of(released[-1], 5)
    written += _figures.save(_figures.figure_flows([f.as_dict() for f in found], released[-1],
                                                   lang=lang), out / "flows", formats)
    return written
