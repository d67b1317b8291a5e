"""Retention: finding what is due, and erasing it, against a plain SQL delete, in one run.

Each run imports the same synthetic victims into a fresh database (not timed), dates half of
them back 12 years, then times `due_for_erasure` over all of them and Haven's erasure of the
due half (`enforce`: per batch of 500 a scoped, locked look-up, the pathways' places and
counts, set-wise deletes in five tables, and per record one HMAC-chained audit entry; then
`Registry.compact`). The baseline deletes the
same records' identities and rows with two `DELETE ... WHERE id IN (...)` statements per 500
records in one transaction, without audit, cascade counts or compaction: the floor of
removing those rows from that database at all. Runs alternate Haven and baseline.

    .venv/bin/python bench/bench_retention.py --rows 5000 --repeat 3
    .venv/bin/python bench/bench_retention.py --backends sqlite   # without PostgreSQL
"""

from __future__ import annotations

import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from sqlalchemy import delete, select, update

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_registry import _database, bench_main, imported  # the same data and databases
from haven.registry import Registry
from haven.registry._tables import IdentityRow, VictimRow
from haven.retention import RetentionPolicy, due_for_erasure, enforce

AS_OF = date(2026, 12, 1)
OLD = date(2014, 6, 1)  # 12 years before: past both default periods


def _prepared(backend: str, home: Path, path: Path) -> tuple[Registry, list[object], object]:
    settings, drop = _database(backend, home)
    registry, _ = imported(settings, path)
    with registry.session() as session:
        ids = session.scalars(select(VictimRow.id).order_by(VictimRow.external_id)).all()
        old = ids[::2]
        for start in range(0, len(old), 500):
            session.execute(update(VictimRow).where(VictimRow.id.in_(old[start:start + 500]))
                            .values(registered_on=OLD, updated_at=OLD))
    return registry, list(old), drop


def _haven(backend: str, path: Path) -> tuple[float, float, int]:
    with tempfile.TemporaryDirectory() as home:
        registry, old, drop = _prepared(backend, Path(home), path)
        try:
            start = time.perf_counter()
            run = due_for_erasure(registry, RetentionPolicy(), as_of=AS_OF)
            due_seconds = time.perf_counter() - start
            if len(run.due) != len(old):
                raise SystemExit(f"expected {len(old)} due, found {len(run.due)}")
            start = time.perf_counter()
            enforce(registry, run)  # erasure and compaction
            erase_seconds = time.perf_counter() - start
            registry.close()
        finally:
            drop()  # type: ignore[operator]
    return due_seconds, erase_seconds, len(old)


def _baseline(backend: str, path: Path) -> float:
    with tempfile.TemporaryDirectory() as home:
        registry, old, drop = _prepared(backend, Path(home), path)
        try:
            start = time.perf_counter()
            with registry.session() as session:
                for first in range(0, len(old), 500):
                    chunk = old[first:first + 500]
                    session.execute(delete(IdentityRow).where(IdentityRow.record_id.in_(chunk)))
                    session.execute(delete(VictimRow).where(VictimRow.id.in_(chunk)))
            seconds = time.perf_counter() - start
            registry.close()
        finally:
            drop()  # type: ignore[operator]
    return seconds


def _measure(backend: str, path: Path) -> tuple[float, float, float, float]:
    due, erase, erased = _haven(backend, path)
    return due, erase, erased, _baseline(backend, path)


def main() -> None:
    bench_main(__doc__ or "", ["backend", "due_for_erasure, records/s",
                               "Haven erasure + compaction, records/s",
                               "baseline delete, records/s", "Haven / baseline time"], _measure,
               lambda _, rows, m: [f"{rows / m[0]:,.0f}", f"{m[2] / m[1]:,.0f}",
                                   f"{m[2] / m[3]:,.0f}", f"{m[1] / m[3]:.1f}x"])


if __name__ == "__main__":
    main()
