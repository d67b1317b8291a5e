"""Registry import throughput against a plain baseline, on SQLite and PostgreSQL, in one run.

Haven's import validates every row, encrypts identifying data (AES-GCM), checks for an
existing record by external id, and appends one HMAC-chained audit entry per record, all in
one transaction. The baseline inserts the same rows' cells as they are with SQLAlchemy Core
`executemany` into an unindexed table: the cost floor of getting rows into that database at
all. The ratio says what Haven's guarantees cost. Audit verification speed is measured too.

    .venv/bin/python bench/bench_registry.py --rows 5000 --repeat 3
    .venv/bin/python bench/bench_registry.py --backends sqlite   # without PostgreSQL
"""

from __future__ import annotations

import argparse
import csv
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Sequence
from pathlib import Path

from sqlalchemy import Column, MetaData, String, Table, create_engine, text

from haven.config import Settings
from haven.registry import AdminScope, Registry, Scope, import_file
from haven.standard import COLUMNS, OrganisationCreate, to_flat
from haven.synth import generate_registry

POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def _victims_file(rows: int, directory: Path) -> Path:
    data = generate_registry(max(rows, 50), seed=11)
    victims = [v.record for v in data.victims]
    seen: set[str] = set()
    path = directory / "victims.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, COLUMNS["victim"])
        writer.writeheader()
        written = 0
        while written < rows:  # repeat the synthetic records under fresh ids if needed
            for record in victims:
                row = to_flat("victim", record, identifying=True)
                row["external_id"] = f"B-{written:07}"
                if row["external_id"] in seen:
                    continue
                seen.add(row["external_id"])
                writer.writerow(row)
                written += 1
                if written == rows:
                    break
    return path


def _database(backend: str, home: Path) -> tuple[Settings, Callable[[], None]]:
    if backend == "sqlite":
        return Settings(home=home), lambda: None
    schema = f"bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(POSTGRES, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))

    def drop() -> None:
        with admin.connect() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()

    url = f"{POSTGRES}?options=-csearch_path%3D{schema}"
    return Settings(home=home, database_url=url), drop


def bench_registry(settings: Settings) -> tuple[Registry, Scope]:
    """A migrated registry with one organisation, and the scope the benches act in."""
    registry = Registry.open(settings, initialise=True)
    org = registry.create_organisation(AdminScope("bench"), OrganisationCreate(
        name="Bench", country="NL", type="police", code="bench"))
    return registry, Scope("bench", org.id)


def imported(settings: Settings, path: Path) -> tuple[Registry, Scope]:
    """`bench_registry` with the victims of `path` imported (not timed)."""
    registry, scope = bench_registry(settings)
    report = import_file(registry, scope, path, "victim")
    if not report.written:
        raise SystemExit(f"import failed: {report.problems[:3]}")
    return registry, scope


def _haven_import(backend: str, path: Path) -> tuple[float, float, int]:
    with tempfile.TemporaryDirectory() as home:
        settings, drop = _database(backend, Path(home))
        try:
            registry, scope = bench_registry(settings)
            start = time.perf_counter()
            report = import_file(registry, scope, path, "victim")
            seconds = time.perf_counter() - start
            if not report.written:
                raise SystemExit(f"import failed: {report.problems[:3]}")
            start = time.perf_counter()
            entries = registry.verify_audit().entries
            verify = time.perf_counter() - start
            registry.close()
        finally:
            drop()
    return seconds, verify, entries


def _baseline_insert(backend: str, path: Path) -> float:
    with tempfile.TemporaryDirectory() as home:
        settings, drop = _database(backend, Path(home))
        try:
            engine = create_engine(settings.resolved_database_url.replace(
                "postgresql://", "postgresql+psycopg://"))
            metadata = MetaData()
            table = Table("plain", metadata, *(Column(c, String) for c in COLUMNS["victim"]))
            metadata.create_all(engine)
            start = time.perf_counter()
            with path.open(encoding="utf-8", newline="") as handle:
                rows = list(csv.DictReader(handle))
            with engine.begin() as connection:
                connection.execute(table.insert(), rows)
            seconds = time.perf_counter() - start
            engine.dispose()
        finally:
            drop()
    return seconds


def bench_main(doc: str, header: list[str], measure: Callable[[str, Path], Sequence[float]],
               row: Callable[[str, int, list[float]], list[str]]) -> None:
    """The registry benches' shared command line: --rows, --repeat, --backends; one table
    row per backend from the medians of `measure`'s figures over the repeated runs."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--rows", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--backends", default="sqlite,postgres")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as work:
        path = _victims_file(args.rows, Path(work))
        print(f"victim rows: {args.rows}, runs: {args.repeat} (medians)\n")
        print("| " + " | ".join(header) + " |")
        print("|" + "---|" * len(header))
        for backend in args.backends.split(","):
            runs = [measure(backend, path) for _ in range(args.repeat)]
            medians = [statistics.median(column) for column in zip(*runs, strict=True)]
            print("| " + " | ".join([backend, *row(backend, args.rows, medians)]) + " |")
            sys.stdout.flush()


def _measure(backend: str, path: Path) -> tuple[float, float, float, float]:
    seconds, verify_seconds, entries = _haven_import(backend, path)
    return seconds, verify_seconds, entries, _baseline_insert(backend, path)


def main() -> None:
    bench_main(__doc__ or "", ["backend", "Haven import rows/s", "baseline insert rows/s",
                               "Haven / baseline time", "audit verify entries/s"], _measure,
               lambda _, rows, m: [f"{rows / m[0]:,.0f}", f"{rows / m[3]:,.0f}",
                                   f"{m[0] / m[3]:.1f}x", f"{m[2] / m[1]:,.0f}"])


if __name__ == "__main__":
    main()
