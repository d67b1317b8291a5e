"""Networks: ads joined by what they share, and what each network looks like.

Two ads are linked when they share a phone, an e-mail address, a messenger handle, an image
hash or a template. A value shared by ads with more than `HUB_PHONES` distinct phones is not
a link: that is a site's placeholder photo or a generic handle, not one poster. Networks are
the connected components of two or more ads.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from haven.screening._templates import components

__all__ = ["HUB_PHONES", "NetworkFeatures", "link_networks", "network_features"]

HUB_PHONES = 20


@dataclass(frozen=True, slots=True)
class NetworkFeatures:
    """What an analyst wants to see of one network before reading its ads."""

    n_ads: int
    n_phones: int
    n_cities: int
    n_countries: int
    n_templates: int
    max_names_per_phone: int
    ads_per_day: float
    price_vs_city_median: float | None  # median price of the network / median of its cities
    foreign_phone_share: float  # share of ads whose phone is from another country
    obscured_share: float  # share of ads with a hidden phone or e-mail
    first_posted: float | None
    last_posted: float | None


def link_networks(
    n: int,
    links: Iterable[tuple[str, Sequence[int]]],
    phones_of: Sequence[Sequence[str]],
) -> npt.NDArray[np.int64]:
    """Component root per ad (itself when alone), joining ads that share a linking value.

    Args:
        n: number of ads.
        links: (value key, rows that carry it) for every phone, e-mail, handle, image hash and
            template; keys starting with "phone:" are never treated as hubs.
        phones_of: phones per ad, for the hub rule.
    """
    edges: list[tuple[int, int]] = []
    for key, rows in links:
        if len(rows) < 2:
            continue
        if not key.startswith("phone:"):
            distinct = {p for r in rows for p in phones_of[r]}
            if len(distinct) > HUB_PHONES:
                continue
        first = min(rows)
        edges.extend((first, r) for r in rows if r != first)
    pairs = np.array(sorted(set(edges)), dtype=np.int64).reshape(-1, 2)
    return components(n, pairs)


def _median_by_city(cities: Sequence[str], prices: Sequence[float | None]) -> dict[str, float]:
    by_city: dict[str, list[float]] = defaultdict(list)
    for city, price in zip(cities, prices, strict=True):
        if price is not None and city:
            by_city[city.casefold()].append(price)
    return {c: statistics.median(v) for c, v in by_city.items()}


def network_features(
    members: dict[int, list[int]],
    *,
    cities: Sequence[str],
    countries: Sequence[str | None],
    posted_at: Sequence[float | None],
    prices: Sequence[float | None],
    phones_of: Sequence[Sequence[str]],
    phone_countries: dict[str, str],
    names_of: Sequence[Sequence[str]],
    template_of: Sequence[str],
    obscured: Sequence[bool],
) -> dict[int, NetworkFeatures]:
    """Features of each network, keyed like `members` (network key -> ad rows)."""
    city_median = _median_by_city(cities, prices)
    out: dict[int, NetworkFeatures] = {}
    for key, rows in members.items():
        names_per_phone: dict[str, set[str]] = defaultdict(set)
        for r in rows:
            for p in phones_of[r]:
                names_per_phone[p].update(n.casefold() for n in names_of[r])
        times = sorted(t for r in rows if (t := posted_at[r]) is not None)
        span_days = max((times[-1] - times[0]) / 86400.0, 1.0) if times else 1.0
        own = [v for r in rows if (v := prices[r]) is not None]
        medians = [city_median[c] for r in rows if (c := cities[r].casefold()) in city_median]
        ratio = None
        if own and medians:
            ratio = round(statistics.median(own) / statistics.median(medians), 3)
        foreign = sum(
            1 for r in rows
            if phones_of[r] and all(phone_countries.get(p) != countries[r] for p in phones_of[r])
        )
        out[key] = NetworkFeatures(
            n_ads=len(rows),
            n_phones=len({p for r in rows for p in phones_of[r]}),
            n_cities=len({cities[r].casefold() for r in rows if cities[r]}),
            n_countries=len({countries[r] for r in rows if countries[r]}),
            n_templates=len({template_of[r] for r in rows if template_of[r]}),
            max_names_per_phone=max((len(v) for v in names_per_phone.values()), default=0),
            ads_per_day=round(len(rows) / span_days, 3),
            price_vs_city_median=ratio,
            foreign_phone_share=round(foreign / len(rows), 3),
            obscured_share=round(sum(1 for r in rows if obscured[r]) / len(rows), 3),
            first_posted=times[0] if times else None,
            last_posted=times[-1] if times else None,
        )
    return out
