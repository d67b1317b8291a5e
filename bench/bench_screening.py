"""Benchmark of ad screening (issue 6): quality on planted truth, InfoShield side by side, scale.

Usage:
    # quality on a 5,000-ad corpus, and InfoShield on the same corpus in the same run
    python bench/bench_screening.py quality --ads 5000 --seed 2026 \\
        --infoshield /path/to/InfoShield --infoshield-python /path/to/venv/bin/python
    # end to end through `python -m haven.screening`, time and peak memory of the process tree
    python bench/bench_screening.py scale --ads 1000000 --workers 2

InfoShield is not part of Haven and not part of CI: give the path of a checkout outside this
repository and an interpreter with its requirements. Results go into docs/BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from haven.screening import LocalEngine, screen, table_from_records
from haven.screening._engines import SERIAL_BELOW
from haven.screening._metrics import bcubed, pairwise, set_f1
from haven.synth.ads import AdTruth, generate_ads
from screening_infoshield import run_infoshield
from screening_rss import TreeMemory


def _fmt(p: float, r: float, f: float) -> str:
    return f"P {p:.3f}  R {r:.3f}  F1 {f:.3f}"


def template_figures(ids: Sequence[str], truth: dict[str, AdTruth], labels: Sequence[str]
                     ) -> dict[str, float]:
    """B-cubed on templates, and ad-level recall of templated ads (loose and strict)."""
    t = [truth[i].template for i in ids]
    p, r, f = bcubed(t, labels)
    templated = [k for k, x in enumerate(t) if x is not None]
    majority: dict[str, int | None] = {}
    by_label: dict[str, Counter[int | None]] = {}
    for k, lab in enumerate(labels):
        if lab:
            by_label.setdefault(lab, Counter())[t[k]] += 1
    for lab, counts in by_label.items():
        majority[lab] = counts.most_common(1)[0][0]
    loose = sum(1 for k in templated if labels[k]) / len(templated)
    strict = sum(1 for k in templated if labels[k] and majority[labels[k]] == t[k]) / len(templated)
    false = sum(1 for k, x in enumerate(t) if x is None and labels[k])
    return {"bcubed_p": p, "bcubed_r": r, "bcubed_f1": f, "recall": loose,
            "recall_strict": strict, "untemplated_put_in_template": false,
            "templated_ads": len(templated)}


def quality(args: argparse.Namespace) -> dict[str, object]:
    corpus = generate_ads(args.ads, seed=args.seed, own_rewording=args.own_rewording,
                          unique_contacts=not args.shared_contacts)
    table = table_from_records(corpus.ads)
    ids = table.id
    engine = LocalEngine(args.workers, serial_below=args.serial_below)
    start = time.perf_counter()
    result = screen(table, engine)
    haven_seconds = time.perf_counter() - start
    engine.close()
    truth = corpus.truth
    out: dict[str, object] = {"ads": args.ads, "seed": args.seed, "workers": args.workers,
                              "serial_below": args.serial_below,
                              "own_rewording": args.own_rewording,
                              "shared_contacts": args.shared_contacts,
                              "haven_seconds": haven_seconds, "haven_steps": result.timings}
    out["templates"] = template_figures(ids, truth, result.template)
    want = {(i, p) for i in ids for p, _ in truth[i].phones}
    got = {(ids[r], p) for r, p, _ in result.phones}
    out["phones"] = set_f1(want, got)
    hidden_want = {(i, p) for i in ids for p, o in truth[i].phones if o}
    hidden_got = {(ids[r], p) for r, p, o in result.phones if o}
    out["hidden_phones"] = set_f1(hidden_want, hidden_got)
    out["hidden_phone_count"] = len(hidden_want)
    out["networks"] = pairwise([truth[i].network for i in ids], result.network)
    print(f"Haven on {args.ads} ads, {args.workers} worker(s): {haven_seconds:.2f} s "
          f"({args.ads / haven_seconds:,.0f} ads/s)")
    tf = out["templates"]
    assert isinstance(tf, dict)
    print(f"  templates B-cubed {_fmt(tf['bcubed_p'], tf['bcubed_r'], tf['bcubed_f1'])}; "
          f"recall of templated ads {tf['recall']:.3f} (strict {tf['recall_strict']:.3f})")
    print(f"  phones {_fmt(*out['phones'])}; hidden phones ({len(hidden_want)}) "  # type: ignore[misc]
          f"{_fmt(*out['hidden_phones'])}")  # type: ignore[misc]
    print(f"  networks pairwise {_fmt(*out['networks'])}")  # type: ignore[misc]
    if args.infoshield:
        run = run_infoshield(Path(args.infoshield), args.infoshield_python, ids,
                             [str(a["text"]) for a in corpus.ads])
        fine = [run.labels.get(i, "") for i in ids]
        coarse = [str(run.coarse_labels[i]) if i in run.coarse_labels else "" for i in ids]
        info = {"seconds": run.seconds, "inner_seconds": run.inner_seconds,
                "templates": template_figures(ids, truth, fine),
                "coarse_only": template_figures(ids, truth, coarse),
                "clusters": run.clusters, "failed_clusters": run.failed,
                "speed_ratio": run.seconds / haven_seconds}
        out["infoshield"] = info
        it = info["templates"]
        assert isinstance(it, dict)
        ct = info["coarse_only"]
        assert isinstance(ct, dict)
        print(f"InfoShield on the same ads: {run.seconds:.1f} s ({args.ads / run.seconds:,.0f} "
              f"ads/s); Haven is {run.seconds / haven_seconds:.1f}x faster")
        print(f"  templates B-cubed {_fmt(it['bcubed_p'], it['bcubed_r'], it['bcubed_f1'])}; "
              f"recall of templated ads {it['recall']:.3f} (strict {it['recall_strict']:.3f})")
        print(f"  coarse clusters only: B-cubed F1 {ct['bcubed_f1']:.3f}, "
              f"recall {ct['recall']:.3f}")
        failed_ads = sum(int(str(f["ads"])) for f in run.failed)
        print(f"  InfoShield-Fine failed on {len(run.failed)} of {run.clusters} coarse clusters "
              f"({failed_ads} ads): {sorted({str(f['error']) for f in run.failed})}")
    return out


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def scale(args: argparse.Namespace) -> dict[str, object]:
    t0 = time.perf_counter()
    corpus = generate_ads(args.ads, seed=args.seed, own_rewording=args.own_rewording,
                          unique_contacts=not args.shared_contacts)
    gen_seconds = time.perf_counter() - t0
    with tempfile.TemporaryDirectory(prefix="haven-scale-", dir=args.tmp) as tmp:
        src = corpus.write_jsonl(Path(tmp) / "ads.jsonl")
        truth = corpus.truth
        del corpus  # the truth is all the check needs; the ads now live in the file
        out_dir = Path(tmp) / "out"
        cmd = [sys.executable, "-m", "haven.screening", str(src), "--out", str(out_dir),
               "--workers", str(args.workers)]
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        with subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True, env={**os.environ, "COLUMNS": "100"}) as proc:
            with TreeMemory(proc.pid) as mem:
                stdout, stderr = proc.communicate()
            code = proc.returncode
        seconds = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        # CPU of the command and its reaped workers: on a shared machine the wall time
        # also measures the neighbours
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        if code != 0:
            raise SystemExit(f"screening failed ({code}): {stderr.strip().splitlines()[-1:]}")
        ads = _read(out_dir / "ads.csv")
        phones = _read(out_dir / "phones.csv")
        ids = [a["id"] for a in ads]
        figures = {
            "ads": args.ads, "workers": args.workers, "own_rewording": args.own_rewording,
            "shared_contacts": args.shared_contacts,
            "seconds": seconds,
            "peak_rss_gib": mem.peak_gib, "generate_seconds": gen_seconds, "cpu_seconds": cpu,
            "templates": template_figures(ids, truth, [a["template"] for a in ads]),
            "phones": set_f1({(i, p) for i in ids for p, _ in truth[i].phones},
                             {(r["id"], r["phone"]) for r in phones}),
            "networks": pairwise([truth[i].network for i in ids], [a["network"] for a in ads]),
            "outputs": stdout.split(),
        }
    tf = figures["templates"]
    assert isinstance(tf, dict)
    print(f"{args.ads:,} ads end to end on {args.workers} worker(s): {seconds:.1f} s "
          f"({args.ads / seconds:,.0f} ads/s), peak RSS of the process tree "
          f"{mem.peak_gib:.2f} GiB; CPU {cpu:.0f} s (user + system, workers included)")
    print(f"  templates B-cubed F1 {tf['bcubed_f1']:.3f}, recall {tf['recall']:.3f}; "
          f"phones {_fmt(*figures['phones'])}; "
          f"networks {_fmt(*figures['networks'])}")
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="what", required=True)
    q = sub.add_parser("quality", help="quality figures, optionally beside InfoShield")
    q.add_argument("--ads", type=int, default=5000)
    q.add_argument("--seed", type=int, default=2026)
    q.add_argument("--workers", type=int, default=2)
    q.add_argument("--serial-below", type=int, default=SERIAL_BELOW,
                   help="ads below which the local engine starts no workers (0: always)")
    q.add_argument("--infoshield", help="path of an InfoShield checkout (outside this repo)")
    q.add_argument("--infoshield-python", default=sys.executable,
                   help="interpreter with InfoShield's requirements")
    s = sub.add_parser("scale", help="end-to-end time and memory through the CLI")
    s.add_argument("--ads", type=int, default=100_000)
    s.add_argument("--seed", type=int, default=2026)
    s.add_argument("--workers", type=int, default=2)
    s.add_argument("--tmp", default=None, help="scratch directory for the corpus and outputs")
    for p in (q, s):
        p.add_argument("--json", type=Path, help="also write the figures as JSON here")
        p.add_argument("--own-rewording", type=float, default=1.0,
                       help="generator odds of rewording one-off texts (0.5: former corpora)")
        p.add_argument("--shared-contacts", action="store_true",
                       help="networks may draw the same e-mail or handle (corpora before "
                            "unique_contacts)")
    args = parser.parse_args()
    figures = quality(args) if args.what == "quality" else scale(args)
    if args.json:
        args.json.write_text(json.dumps(figures, indent=1, default=str), encoding="utf-8")


if __name__ == "__main__":
    main()
