"""Where screening errs on a synthetic corpus: misplaced ads and false network links.

Usage:
    python bench/screening_errors.py --ads 20000 --seed 2026 [--own-rewording 0.5]

Prints, for the ads Haven put in a template: how many are misplaced (their planted template
is not the template's majority, or they have none) by poster kind, how alike the misplaced
ads are to the nearest other member of their template (share of an ad's word tokens that
the other ad has in the same order) against the same figure for correctly placed ads, and
for each kind of network link (phone, e-mail, handle, image, template) how many of its
edges join ads of different planted networks, and the pairwise precision of the networks if
those edges of that one kind were left out (a measure of each kind's share of the errors,
which only the planted truth can give; nothing in Haven uses it). Last, for templates made
of one planted network's ads (pure) and of several (mixed), the longest run of words
outside slots: the measure of a template's specificity (`_networks.SPECIFIC_RUN`). Runs in
one process (`LocalEngine(1)`).
"""

from __future__ import annotations

import argparse
import statistics
from collections import Counter, defaultdict
from difflib import SequenceMatcher

import numpy as np
import numpy.typing as npt

import haven.screening._pipeline as pipeline
from haven.screening import LocalEngine, screen, table_from_records
from haven.screening._metrics import pairwise
from haven.screening._networks import SPECIFIC_RUN, longest_run, shared_value_edges, template_edges
from haven.screening._normalise import word_tokens
from haven.screening._templates import components
from haven.synth.ads import generate_ads

EDGES: list[tuple[str, npt.NDArray[np.int64]]] = []


def _recording(kind: str, *args: object, **kwargs: object) -> npt.NDArray[np.int64]:
    edges = shared_value_edges(kind, *args, **kwargs)  # type: ignore[arg-type]
    EDGES.append((kind, edges))
    return edges


def _recording_templates(*args: object, **kwargs: object) -> npt.NDArray[np.int64]:
    edges = template_edges(*args, **kwargs)  # type: ignore[arg-type]
    EDGES.append(("template", edges))
    return edges


def _overlap(a: list[str], b: list[str]) -> float:
    matched = sum(m.size for m in SequenceMatcher(None, a, b, autojunk=False).get_matching_blocks())
    return matched / max(len(a), 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ads", type=int, default=20000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--own-rewording", type=float, default=1.0)
    parser.add_argument("--shared-contacts", action="store_true",
                        help="networks may draw the same e-mail or handle (former corpora)")
    args = parser.parse_args()
    corpus = generate_ads(args.ads, seed=args.seed, own_rewording=args.own_rewording,
                          unique_contacts=not args.shared_contacts)
    table = table_from_records(corpus.ads)
    pipeline.__dict__["shared_value_edges"] = _recording  # the job's own edges, recorded
    pipeline.__dict__["template_edges"] = _recording_templates
    result = screen(table, LocalEngine(1))
    truth = [corpus.truth[i] for i in table.id]
    tokens = [word_tokens(str(ad["text"])) for ad in corpus.ads]
    members: dict[str, list[int]] = defaultdict(list)
    for row, label in enumerate(result.template):
        if label:
            members[label].append(row)
    misplaced: Counter[str] = Counter()
    alike: dict[bool, list[float]] = {True: [], False: []}
    for rows in members.values():
        majority = Counter(truth[r].template for r in rows).most_common(1)[0][0]
        for r in rows:
            right = truth[r].template is not None and truth[r].template == majority
            if not right:
                misplaced[truth[r].kind] += 1
            others = [o for o in rows if o != r][:8]
            alike[right].append(max(_overlap(tokens[r], tokens[o]) for o in others))
    placed = sum(len(v) for v in members.values())
    print(f"{args.ads} ads (own_rewording {args.own_rewording}): {placed} in templates, "
          f"{sum(misplaced.values())} misplaced: {dict(misplaced)}")
    for right, values in alike.items():
        if len(values) >= 20:
            q = statistics.quantiles(values, n=20)
            print(f"  {'placed right' if right else 'misplaced'}: overlap with the nearest other "
                  f"member, 5th percentile {q[0]:.2f}, median {statistics.median(values):.2f}")
    nets = [t.network for t in truth]

    def precision(edges: list[npt.NDArray[np.int64]]) -> float:
        roots = components(len(nets), np.concatenate(edges))
        sizes = np.bincount(roots, minlength=len(roots))
        return pairwise(nets, [int(x) if sizes[x] >= 2 else None for x in roots.tolist()])[0]

    print(f"  network pairwise precision {precision([e for _, e in EDGES]):.4f}")
    for k, (kind, edges) in enumerate(EDGES):
        cross = np.array([nets[a] is None or nets[a] != nets[b] for a, b in edges.tolist()],
                         dtype=bool).reshape(-1)
        kinds = Counter(tuple(sorted((truth[a].kind, truth[b].kind)))
                        for a, b in edges[cross].tolist())
        without = [e[~cross] if j == k else e for j, (_, e) in enumerate(EDGES)]
        print(f"  {kind} edges {len(edges)}, joining different planted networks "
              f"{int(cross.sum())}: {dict(kinds)}; precision without them "
              f"{precision(without):.4f}")
    runs: dict[bool, list[int]] = {True: [], False: []}
    for t in result.templates.values():
        owners = {("alone", r) if nets[r] is None else nets[r] for r in t.rows}
        runs[len(owners) == 1].append(longest_run(t.text))
    for pure, values in runs.items():
        if len(values) >= 20:
            q = statistics.quantiles(values, n=20)
            specific = sum(1 for v in values if v >= SPECIFIC_RUN) / len(values)
            print(f"  {'pure' if pure else 'mixed'} templates {len(values)}: longest run of "
                  f"fixed words, 5th percentile {q[0]:.0f}, median {statistics.median(values):.0f};"
                  f" specific (>= {SPECIFIC_RUN}) {specific:.3f}")


if __name__ == "__main__":
    main()
