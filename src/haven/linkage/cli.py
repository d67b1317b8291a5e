"""`haven link`: deduplicate, encode, link at a hub, and evaluate against ground truth.

Data go to files (or stdout for `evaluate`), progress and summaries to stderr. A user error
prints one line and exits with status 2; personal data never appear in messages.
"""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from haven.exceptions import HavenError, ImportFailed, ValidationFailed

__all__ = ["link_app"]

link_app = typer.Typer(
    name="link", no_args_is_help=True, add_completion=False,
    help="Count each person once: deduplicate records in the clear, encode them for "
         "privacy-preserving linkage, link encodings at a hub, evaluate against truth.")
_err = Console(stderr=True)
T = TypeVar("T")


def _fail(message: str) -> typer.Exit:
    _err.print(f"error: {message}", markup=False, highlight=False)
    return typer.Exit(2)


def _guard(action: Callable[[], T]) -> T:
    try:
        return action()
    except ValidationFailed as error:
        first = "; ".join(str(p) for p in error.problems[:5])
        raise _fail(f"{error}: {first}") from None
    except HavenError as error:
        raise _fail(str(error)) from None


@contextmanager
def _progress(description: str) -> Iterator[Callable[[str], None]]:
    with Progress(SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(),
                  console=_err, transient=True) as bar:
        task = bar.add_task(description)
        yield lambda step: bar.update(task, description=f"{description}: {step}")


def _existing(path: Path | None) -> dict[str, str] | None:
    if path is None:
        return None
    return _read_pairs(path, "person_id")


def _read_pairs(path: Path, column: str) -> dict[str, str]:
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle)
            if "record_id" not in (reader.fieldnames or []) or column not in (
                    reader.fieldnames or []):
                raise ImportFailed(f"{path.name}: needs columns record_id and {column}")
            return {r["record_id"]: r[column] for r in reader if r[column]}
    except OSError:
        raise ImportFailed(f"cannot read {path.name}") from None


@link_app.command("dedupe")
def dedupe_command(
    source: Annotated[Path | None, typer.Argument(help="Linkage CSV (omit with --registry).")]
    = None,
    out: Annotated[Path | None, typer.Option("--out", help="Write record_id,person_id here.")]
    = None,
    registry: Annotated[bool, typer.Option(
        "--registry", help="Deduplicate the registry (HAVEN_* settings) and store person ids."
    )] = False,
    one_per_source: Annotated[bool, typer.Option(
        help="At most one record per source_org in a person.")] = False,
    threshold: Annotated[float, typer.Option(help="Match probability to follow a link.")]
    = 0.3,
    existing: Annotated[Path | None, typer.Option(
        help="record_id,person_id of records linked before (incremental run).")] = None,
    decisions: Annotated[Path | None, typer.Option(
        help="Reviewed merges/splits (JSON with 'same' and 'different' pairs).")] = None,
    evidence: Annotated[Path | None, typer.Option(
        help="Write each record's strongest link and per-field match weights (CSV).")] = None,
    actor: Annotated[str, typer.Option(help="Who runs this, for the audit log.")]
    = "cli:link",
) -> None:
    """Deduplicate records into persons with Splink (DuckDB) and constrained clustering.

    Example: haven link dedupe victims.csv --out persons.csv --one-per-source
    """
    from haven.linkage._cluster import ClusterOptions
    from haven.linkage._review import ReviewDecisions

    options = ClusterOptions(threshold=threshold, min_support=threshold,
                             one_per_source=one_per_source)
    if registry == (source is not None):
        raise _fail("give either a linkage CSV or --registry")
    if source is not None and out is None:
        raise _fail("--out is required with a CSV input")
    reviewed = _guard(lambda: ReviewDecisions.load(decisions)) if decisions else None
    with _progress("deduplicating") as step:
        result = _guard(lambda: _run_dedupe(source, registry, options, reviewed,
                                            _guard(lambda: _existing(existing)), actor, step))
    if out is not None:
        from haven.linkage._records import write_person_ids
        write_person_ids(out, result.person_ids)
    if evidence is not None:
        _write_evidence(evidence, result)
    _err.print(f"{len(result.record_ids)} records, {result.persons} persons")


def _run_dedupe(source: Path | None, registry: bool, options: Any, decisions: Any,
                existing: dict[str, str] | None, actor: str,
                step: Callable[[str], None]) -> Any:
    from haven.linkage._api import dedupe_registry, dedupe_table
    from haven.linkage._records import read_table

    if registry:
        from haven.config import Settings
        from haven.registry import Registry
        reg = Registry.open(Settings.from_env())
        try:
            return dedupe_registry(reg, actor, decisions=decisions, options=options,
                                   progress=step)
        finally:
            reg.close()
    assert source is not None
    step("reading")
    table = read_table(source)
    step("training and scoring")
    return dedupe_table(table, options=options, decisions=decisions, existing=existing)


def _write_evidence(path: Path, result: Any) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["record_id", "person_id", "seen_before_as", "match_probability",
                         "field_weights"])
        for record_id in result.record_ids:
            ev = result.evidence.get(record_id)
            writer.writerow([record_id, result.person_ids[record_id],
                             ev.other_record_id if ev else "",
                             ev.match_probability if ev else "",
                             json.dumps(ev.weights, sort_keys=True) if ev else ""])


@link_app.command("encode")
def encode_command(
    source: Annotated[Path, typer.Argument(help="Linkage CSV of this party.")],
    key_file: Annotated[Path, typer.Option("--key-file", help=(
        "File with the parties' shared secret (>= 32 bytes); never give it to the hub."))],
    out: Annotated[Path, typer.Option("--out", help="Encodings file for the hub.")],
    blocking_keys_for: Annotated[int | None, typer.Option(
        "--blocking-keys-for", min=1, help=(
            "Also export keyed blocking keys, sized for this many records over all "
            "parties (every party must give the same number)."))] = None,
) -> None:
    """Encode identifying fields into hardened Bloom filters (no names or dates in clear).

    Example: haven link encode victims.csv --key-file shared.key --out nl-police.enc.csv
    """
    from haven.linkage._api import encode_table
    from haven.linkage._blocking_keys import key_bits_for
    from haven.linkage._bloom import EncodingSpec, read_key
    from haven.linkage._exchange import write_encodings
    from haven.linkage._records import read_table

    key = _guard(lambda: read_key(key_file))
    spec = EncodingSpec() if blocking_keys_for is None else EncodingSpec(
        blocking_keys=True, key_bits=key_bits_for(blocking_keys_for))
    with _progress("encoding"):
        parties = _guard(lambda: encode_table(_guard(lambda: read_table(source)), key, spec))
        rows = write_encodings(out, parties)
    _err.print(f"{rows} encodings written")


@link_app.command("hub")
def hub_command(
    encodings: Annotated[list[Path], typer.Argument(help="Encodings files of the parties.")],
    out: Annotated[Path, typer.Option("--out", help="Write record_id,person_id here.")],
    one_per_source: Annotated[bool, typer.Option(
        help="At most one record per source_org in a person.")] = False,
    threshold: Annotated[float, typer.Option(help=(
        "Dice coefficient to follow a link at 3,750 records; it rises by 0.014 per "
        "doubling of the records beyond."))] = 0.85,
    counts: Annotated[Path | None, typer.Option(
        help="Write distinct persons in total and per source_country (JSON).")] = None,
) -> None:
    """Link encodings of any number of parties into persons (Dice, blocking, clustering).

    Example: haven link hub police.enc.csv ngo.enc.csv --out persons.csv --counts counts.json
    """
    from haven.linkage._hub import HubOptions, link_parties
    from haven.linkage._records import write_person_ids

    with _progress("linking") as step:
        parties = [p for path in encodings for p in _read_encodings(path)]
        step(f"{sum(len(p.record_ids) for p in parties)} records")
        defaults = HubOptions()
        gap = defaults.threshold - defaults.min_dice
        result = _guard(lambda: link_parties(parties, HubOptions(
            threshold=threshold, min_dice=threshold - gap,
            min_support=threshold - (defaults.threshold - defaults.min_support),
            one_per_source=one_per_source)))
    write_person_ids(out, result.person_ids)
    countries = [c for p in parties for c in p.attributes.get(
        "source_country", [None] * len(p.record_ids))]
    summary = {"records": len(result.record_ids), "persons": result.persons,
               "persons_by_source_country": {str(k): v for k, v in
                                             sorted(result.persons_by(countries).items(),
                                                    key=lambda kv: str(kv[0]))}}
    if counts is not None:
        counts.write_text(json.dumps(summary, indent=1), encoding="utf-8")
    _err.print(f"{summary['records']} records, {summary['persons']} persons")


@link_app.command("review")
def review_command(
    action: Annotated[str, typer.Argument(help="merge (one person) or split (not one person).")],
    record_id: Annotated[str, typer.Argument(help="The record the decision is about.")],
    others: Annotated[list[str], typer.Argument(help="Record(s) it is (merge: one) or is "
                                                     "not (split: any) the same person as.")],
    decisions: Annotated[Path, typer.Option("--decisions", help=(
        "Decisions file (JSON), created if missing; pass it to `dedupe --decisions`."))],
) -> None:
    """Record a reviewed merge or split; every later dedupe run respects it.

    Example: haven link review split nl-ngo:V-3 nl-police:V-17 --decisions reviewed.json
    """
    from haven.linkage._review import ReviewDecisions

    current = _guard(lambda: ReviewDecisions.load(decisions))
    if action == "merge":
        if len(others) != 1:
            raise _fail("merge takes exactly two record ids")
        updated = current.merge(record_id, others[0])
    elif action == "split":
        updated = current.split(record_id, others)
    else:
        raise _fail("action must be merge or split")
    updated.save(decisions)
    _err.print(f"{len(updated.same)} merge(s), {len(updated.different)} split(s) recorded")


def _read_encodings(path: Path) -> list[Any]:
    from haven.linkage._exchange import read_encodings
    return _guard(lambda: read_encodings(path))


@link_app.command("evaluate")
def evaluate_command(
    result: Annotated[Path, typer.Argument(help="record_id,person_id produced by Haven.")],
    truth: Annotated[Path, typer.Option("--truth", help=(
        "CSV with record_id and the true person_id (e.g. the input with truth)."))],
) -> None:
    """Print precision, recall, F1 and the person-count error as JSON on stdout.

    Example: haven link evaluate persons.csv --truth victims_with_truth.csv
    """
    from haven.linkage._evaluate import evaluate

    predicted = _guard(lambda: _read_pairs(result, "person_id"))
    true = _guard(lambda: _read_pairs(truth, "person_id"))
    quality = evaluate(predicted, true)
    if quality.records == 0:
        raise _fail("no record id occurs in both files")
    sys.stdout.write(json.dumps(quality.as_dict(), indent=1) + "\n")
