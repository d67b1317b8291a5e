"""Networks: ads joined by what they share, and what each network looks like.

Two ads are linked when they share a phone, an e-mail address, a messenger handle, an image
hash or a template. A value shared by ads with more than `HUB_PHONES` distinct phones is not
a link: that is a site's placeholder photo or a generic handle, not one poster. Networks are
the connected components of two or more ads.

A template is weaker evidence than a contact: unrelated posters copy the same short stock
sentences ("Open from 10:00 to 22:00 every day [text] Call me [phone]"), and in a few hundred
thousand ads two or three of them in one ad find dozens of authors, whose ads then form a
template of their own or join a network's. So a template joins its ads only when it is
*specific*: its text has a run of at least `SPECIFIC_RUN` words with no slot between them
(about two sentences copied word for word). A template without one is still reported, with
its ads, but links nothing; ads it holds are in a network only through what they share.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from haven.screening._templates import components

__all__ = [
    "HUB_PHONES",
    "SPECIFIC_RUN",
    "NetworkFeatures",
    "is_specific",
    "link_networks",
    "longest_run",
    "network_features",
    "shared_value_edges",
    "template_edges",
    "template_links",
]

HUB_PHONES = 20
SPECIFIC_RUN = 12  # words in a row, outside slots, that a template needs to join ads


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


def shared_value_edges(kind: str, values: Sequence[str], rows: Sequence[int],
                       phones_of: Sequence[Sequence[str]]) -> npt.NDArray[np.int64]:
    """Edges joining the ads that carry the same value of one kind (phone, image, ...).

    Each group of ads with one value is joined as a star on its first ad. For every kind but
    phones, a value whose ads show more than `HUB_PHONES` distinct phones is left out.

    Args:
        kind: "phone", "email", "handle", "image" or "template".
        values: the value of each occurrence.
        rows: the ad row of each occurrence.
        phones_of: phones per ad, for the hub rule.
    """
    if len(values) < 2:
        return np.empty((0, 2), dtype=np.int64)
    # group on a hash, not on the strings: no per-value Python list for the millions of
    # values that occur once (the grouping is only ever read back in row order)
    keys = np.fromiter((hash(v) for v in values), dtype=np.int64, count=len(values))
    rws = np.asarray(rows, dtype=np.int64)
    order = np.lexsort((rws, keys))
    keys, rws = keys[order], rws[order]
    new = np.ones(len(keys), dtype=bool)
    new[1:] = keys[1:] != keys[:-1]
    starts = np.flatnonzero(new)
    sizes = np.diff(np.append(starts, len(keys)))
    first = np.repeat(rws[starts], sizes)
    keep = rws != first
    if kind != "phone":
        for start, size in zip(starts[sizes > 1].tolist(), sizes[sizes > 1].tolist(), strict=True):
            members = rws[start:start + size].tolist()
            if len({p for r in members for p in phones_of[r]}) > HUB_PHONES:
                keep[start:start + size] = False
    return np.stack((first[keep], rws[keep]), axis=1)


def longest_run(text: str) -> int:
    """The most words in a row, outside `[slot]` markers, of a template's text.

    Example:
        >>> longest_run("Kisses [name] call me now [phone]")
        3
    """
    best = run = 0
    for word in text.split(" "):
        if word.startswith("[") and word.endswith("]"):
            run = 0
        elif word:
            run += 1
            best = max(best, run)
    return best


def is_specific(text: str) -> bool:
    """Whether a template's text says enough on its own to join its ads (`SPECIFIC_RUN`)."""
    return longest_run(text) >= SPECIFIC_RUN


def template_links(members: Sequence[int], text: str, phones_of: Sequence[Sequence[str]]) -> bool:
    """Whether a template joins its ads: it is specific, and its ads show at most
    `HUB_PHONES` distinct phones (the hub rule of every shared value)."""
    return is_specific(text) and len({p for r in members for p in phones_of[r]}) <= HUB_PHONES


def template_edges(templates: Sequence[tuple[Sequence[int], str]],
                   phones_of: Sequence[Sequence[str]]) -> npt.NDArray[np.int64]:
    """Edges joining the ads of each template that links (`template_links`), as a star on
    its first ad.

    Args:
        templates: (member rows, text with slots) of each template.
        phones_of: phones per ad, for the hub rule.
    """
    values: list[str] = []
    rows: list[int] = []
    for k, (members, text) in enumerate(templates):
        if template_links(members, text, phones_of):
            values += [str(k)] * len(members)
            rows += members
    return shared_value_edges("template", values, rows, phones_of)


def link_networks(n: int, edges: Sequence[npt.NDArray[np.int64]]) -> npt.NDArray[np.int64]:
    """Component root per ad (itself when alone) over all shared-value edges."""
    pairs = np.unique(np.concatenate(edges), axis=0) if edges else np.empty((0, 2), np.int64)
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
