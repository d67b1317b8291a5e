"""Where screening errs on a synthetic corpus: misplaced ads and false network links.

Usage:
    python bench/screening_errors.py --ads 20000 --seed 2026 [--own-rewording 0.5]

Prints, for the ads Haven put in a template: how many are misplaced (their planted template
is not the template's majority, or they have none) by poster kind, how alike the misplaced
ads are to the nearest other member of their template (share of an ad's word tokens that
the other ad has in the same order) against the same figure for correctly placed ads, and
for each kind of network link (phone, e-mail, handle, image, template) how many of its
edges join ads of different planted networks. Runs in one process (`LocalEngine(1)`).
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
from haven.screening._networks import shared_value_edges, template_edges
from haven.screening._normalise import word_tokens
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
    for kind, edges in EDGES:
        false = [(a, b) for a, b in edges.tolist()
                 if truth[a].network is None or truth[a].network != truth[b].network]
        kinds = Counter(tuple(sorted((truth[a].kind, truth[b].kind))) for a, b in false)
        print(f"  {kind} edges {len(edges)}, joining different planted networks {len(false)}: "
              f"{dict(kinds)}")


if __name__ == "__main__":
    main()
