"""The screening job, written once for every engine: ads in, templates, networks, risk out.

Steps: per-ad analysis in parallel chunks; LSH candidate pairs (engine hook); verification
by estimated Jaccard; clusters; MDL refinement per cluster in parallel; networks; features;
explained risk. Labels are numbered in the order of each cluster's first ad, so the same
input gives the same labels on every engine.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from itertools import groupby
from operator import itemgetter
from typing import TypeVar

import numpy as np

from haven.screening._analyse import ChunkResult, analyse_chunk
from haven.screening._engines import Engine
from haven.screening._ingest import AdTable
from haven.screening._minhash import band_keys, estimated_jaccard
from haven.screening._networks import (
    NetworkFeatures,
    link_networks,
    network_features,
    shared_value_edges,
    template_edges,
    template_links,
)
from haven.screening._risk import Signal, ad_signals, network_signals, score
from haven.screening._templates import Template, TemplateJob, components, refine_cluster, token_key

__all__ = ["Progress", "ScreenOptions", "Screening", "screen"]

Progress = Callable[[str, int, int], None]  # (step, done, total)
T = TypeVar("T")


@dataclass(frozen=True)
class ScreenOptions:
    """Tuning of a screening run; the defaults are the benchmarked ones."""

    chunk_size: int = 4000
    similarity: float = 0.55  # estimated Jaccard needed to keep an LSH candidate pair
    min_shingles: int = 5  # ads with fewer word 3-grams are too short to call a template
    template_batch: int = 4000  # members per parallel refinement task


@dataclass
class NetworkResult:
    """One network: its ads, features, signals and score."""

    label: str
    rows: list[int]
    features: NetworkFeatures
    signals: list[Signal]
    risk: float


@dataclass
class TemplateResult:
    """One template: its ads and its text with slots."""

    label: str
    rows: tuple[int, ...]
    text: str
    slots: tuple[str, ...]
    bits_saved: float
    links: bool = False  # joins its ads into a network (`_networks.template_links`)


@dataclass
class Screening:
    """Everything a screening found, by ad row."""

    ads: AdTable
    phones: list[tuple[int, str, bool]]
    emails: list[tuple[int, str, bool]]
    handles: list[tuple[int, str]]
    names: list[tuple[int, str]]
    price_eur: list[float | None]
    template: list[str]
    network: list[str]
    risk: list[float]
    signals: list[list[Signal]]
    templates: dict[str, TemplateResult]
    networks: dict[str, NetworkResult]
    timings: dict[str, float] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)

    def reasons(self, row: int) -> str:
        """The reasons of one ad, strongest first, joined with `; `."""
        ordered = sorted(self.signals[row], key=lambda s: (-s.weight, s.indicator))
        return "; ".join(s.reason() for s in ordered)


def _refine_batch(jobs: list[TemplateJob]) -> list[list[Template]]:
    return [refine_cluster(job) for job in jobs]


def _merge(parts: list[ChunkResult]) -> ChunkResult:
    """One result from the chunks' results, emptying `parts` as it goes (no second copy)."""
    out = ChunkResult()
    rows = sum(len(p.sig) for p in parts)
    out.sig = np.empty((rows, parts[0].sig.shape[1] if parts else 0), dtype=np.uint32)
    sizes: list[np.ndarray] = []
    lo = 0
    # cue tuples, names and phone numbers repeat across ads (and each chunk arrives with
    # its own copies): one object per distinct value keeps a million ads' findings small
    same: dict[object, object] = {}

    def one(value: T) -> T:
        return same.setdefault(value, value)  # type: ignore[return-value]

    parts.reverse()
    while parts:
        p = parts.pop()
        out.phones += [(r, one(e), obf) for r, e, obf in p.phones]
        out.phone_countries.update(p.phone_countries)
        out.emails += p.emails
        out.handles += p.handles
        out.names += [(r, one(name)) for r, name in p.names]
        out.ages += p.ages
        out.price_eur += p.price_eur
        out.cues += [one(c) for c in p.cues]
        out.tokens += p.tokens
        out.sig[lo:lo + len(p.sig)] = p.sig
        lo += len(p.sig)
        sizes.append(p.n_shingles)
    out.n_shingles = np.concatenate(sizes) if sizes else out.n_shingles
    return out


def _by_row(n: int, pairs: Iterable[tuple[int, str]]) -> list[tuple[str, ...]]:
    """Values per row from (row, value) pairs in row order; rows without any share `()`."""
    out: list[tuple[str, ...]] = [()] * n
    for row, group in groupby(pairs, key=itemgetter(0)):
        out[row] = tuple(v for _, v in group)
    return out


def _groups(roots: np.ndarray) -> dict[int, list[int]]:
    """Rows per component root, for components of two or more, in root order."""
    sizes = np.bincount(roots, minlength=len(roots))
    rows = np.flatnonzero(sizes[roots] >= 2)
    groups: dict[int, list[int]] = defaultdict(list)
    for row, root in zip(rows.tolist(), roots[rows].tolist(), strict=True):
        groups[root].append(row)
    return dict(sorted(groups.items()))


def _template_jobs(ads: AdTable, res: ChunkResult, roots: np.ndarray,
                   names_of: Sequence[Sequence[str]], batch: int) -> list[list[TemplateJob]]:
    groups = _groups(roots)
    name_sets: dict[Sequence[str], frozenset[str]] = {}  # one set per distinct list of names

    def names(r: int) -> frozenset[str]:
        if names_of[r] not in name_sets:
            name_sets[names_of[r]] = frozenset(token_key(n) for n in names_of[r])
        return name_sets[names_of[r]]

    jobs = [
        TemplateJob(
            tuple(rows), tuple(res.tokens[r] for r in rows), tuple(names(r) for r in rows),
            tuple(token_key(ads.city[r]) if ads.city[r] else "" for r in rows),
        )
        for rows in groups.values()
    ]
    batches: list[list[TemplateJob]] = []
    current: list[TemplateJob] = []
    size = 0
    for job in jobs:
        current.append(job)
        size += len(job.rows)
        if size >= batch:
            batches.append(current)
            current, size = [], 0
    if current:
        batches.append(current)
    return batches


def screen(ads: AdTable, engine: Engine, options: ScreenOptions | None = None,
           progress: Progress | None = None) -> Screening:
    """Screen a table of ads on `engine`.

    Args:
        ads: the ads (see `read_ads`).
        engine: `LocalEngine()` or `SparkEngine()`.
        options: tuning; the defaults are the benchmarked settings.
        progress: called as `(step, done, total)` while the run advances.
    """
    opt = options or ScreenOptions()
    tell = progress or (lambda step, done, total: None)
    timings: dict[str, float] = {}
    n = len(ads)
    t0 = time.perf_counter()
    engine.plan(n)
    # a few chunks per worker so that both cores stay busy to the end; results do not
    # depend on the chunking, every ad is analysed on its own
    step = max(250, min(opt.chunk_size, -(-n // (4 * engine.parallelism))))
    chunks = [(lo, ads.slice(lo, min(n, lo + step))) for lo in range(0, n, step)]
    parts: list[ChunkResult] = []
    tell("analyse", 0, n)
    for part in engine.map(analyse_chunk, chunks):
        parts.append(part)
        tell("analyse", sum(len(p.tokens) for p in parts), n)
    res = _merge(parts)
    del parts
    engine.rest()
    timings["analyse"] = time.perf_counter() - t0

    t1 = time.perf_counter()
    tell("near-duplicates", 0, 1)
    eligible = res.n_shingles >= opt.min_shingles
    pairs = (engine.candidate_pairs(band_keys(res.sig), eligible) if n
             else np.empty((0, 2), np.int64))
    kept = pairs[estimated_jaccard(res.sig, pairs) >= opt.similarity] if len(pairs) else pairs
    res.sig = res.sig[:0]  # the signatures have done their work: free them
    roots = components(n, kept)
    tell("near-duplicates", 1, 1)
    timings["near_duplicates"] = time.perf_counter() - t1

    t2 = time.perf_counter()
    names_of = _by_row(n, res.names)
    members_total = int(np.count_nonzero(np.bincount(roots, minlength=n)[roots] >= 2))
    batch = max(200, min(opt.template_batch, -(-members_total // (4 * engine.parallelism))))
    batches = _template_jobs(ads, res, roots, names_of, batch)
    res.tokens = []  # the jobs hold the tokens of the ads in clusters; the rest can go
    found: list[Template] = []
    tell("templates", 0, len(batches))
    for i, done in enumerate(engine.map(_refine_batch, batches), start=1):
        found.extend(t for per_job in done for t in per_job)
        tell("templates", i, len(batches))
    found.sort(key=lambda t: t.rows[0])
    template = [""] * n
    templates: dict[str, TemplateResult] = {}
    for k, t in enumerate(found, start=1):
        label = f"T{k:05d}"
        templates[label] = TemplateResult(label, t.rows, t.text, t.slots, t.bits_saved)
        for r in t.rows:
            template[r] = label
    timings["templates"] = time.perf_counter() - t2

    t3 = time.perf_counter()
    tell("networks", 0, 1)
    phones_of = _by_row(n, ((row, e164) for row, e164, _ in res.phones))
    hidden_of = _by_row(n, sorted(
        [(row, "phone written hidden") for row, _, obf in res.phones if obf]
        + [(row, "e-mail written with (at)/(dot)") for row, _, obf in res.emails if obf]))
    kinds: list[tuple[str, list[str], list[int]]] = [
        ("phone", [e for _, e, _ in res.phones], [r for r, _, _ in res.phones]),
        ("email", [e for _, e, _ in res.emails], [r for r, _, _ in res.emails]),
        ("handle", [h for _, h in res.handles], [r for r, _ in res.handles]),
        ("image", [h for hs in ads.image_hashes for h in hs],
         [r for r, hs in enumerate(ads.image_hashes) for _ in hs]),
    ]
    edges = [shared_value_edges(kind, vals, rows, phones_of) for kind, vals, rows in kinds]
    del kinds
    # a template links its ads only when its text is specific, not a few stock sentences
    edges.append(template_edges([(tr.rows, tr.text) for tr in templates.values()], phones_of))
    for tr in templates.values():
        tr.links = template_links(tr.rows, tr.text, phones_of)
    net_roots = link_networks(n, edges)
    members = _groups(net_roots)
    phone_countries = res.phone_countries
    feats = network_features(
        members, cities=ads.city, countries=ads.country, posted_at=ads.posted_at,
        prices=res.price_eur, phones_of=phones_of, phone_countries=phone_countries,
        names_of=names_of, template_of=template, obscured=[bool(h) for h in hidden_of],
    )
    timings["networks"] = time.perf_counter() - t3

    t4 = time.perf_counter()
    ages: dict[int, int] = dict(res.ages)
    # ads with the same cues, age and hidden contacts get the same signals: one list each
    # (never changed in place), not a million copies
    same: dict[tuple[object, ...], list[Signal]] = {}
    signals: list[list[Signal]] = []
    for r in range(n):
        key = (res.cues[r], ages.get(r), ", ".join(sorted(set(hidden_of[r]))) or None)
        if key not in same:
            same[key] = ad_signals(*key)
        signals.append(same[key])
    network = [""] * n
    networks: dict[str, NetworkResult] = {}
    for k, (root, rows) in enumerate(members.items(), start=1):
        label = f"N{k:05d}"
        net_sig = network_signals(feats[root])
        own = [score(signals[r]) for r in rows]
        networks[label] = NetworkResult(label, rows, feats[root], net_sig,
                                        round(score(net_sig) + sum(own) / len(own), 3))
        joined: dict[int, list[Signal]] = {}
        for r in rows:
            network[r] = label
            base = signals[r]
            if id(base) not in joined:
                joined[id(base)] = base + net_sig
            signals[r] = joined[id(base)]
    risk = [score(s) for s in signals]
    timings["risk"] = time.perf_counter() - t4
    tell("networks", 1, 1)
    return Screening(
        ads=ads, phones=res.phones, emails=res.emails, handles=res.handles, names=res.names,
        price_eur=res.price_eur, template=template, network=network, risk=risk, signals=signals,
        templates=templates, networks=networks, timings=timings,
        counts={"ads": n, "candidate_pairs": len(pairs), "verified_pairs": len(kept),
                "templates": len(templates), "networks": len(networks)},
    )
