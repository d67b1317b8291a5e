"""Benchmark: Haven's statistics tables (DuckDB) against a pandas implementation.

The input is generated once, written as an Arrow IPC file and read back into memory by each
side (what the registry's aggregate path hands over), so that peak memory is the engine's and
the data's, not the generator's. Both compute the same five Eurostat/UNODC tables, with
every margin and each person counted once, on the same synthetic victim records
(`haven.synth.generate_victim_table`, a fifth of the rows later registrations of an earlier
person), in one run. Each side runs in its own
subprocess so that its peak memory (ru_maxrss) is its own; the parent checks that both give
identical tables and reports median wall times over several runs, the ratio, and memory.

    nice .venv/bin/python bench/bench_statistics.py --rows 10000000 --runs 3
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

TABLES: list[tuple[tuple[str, ...], str]] = [
    (("sex", "exploitation"), "persons"),
    (("year", "status"), "persons"),
    (("age_group", "sex", "citizenship_group"), "persons"),
    (("citizenship", "country_of_exploitation"), "persons"),
    (("reporting_country", "exploitation"), "registrations"),
]
YEARS = (2017, 2018)
MEMORY_LIMIT = "1500MB"
THREADS = 2  # the machine's cores; pandas runs on one
TOTAL = "_T"
UNKNOWN = {"unknown", "UNK"}
MULTI = {"exploitation", "citizenship"}  # plus year when counting persons


# -- input ------------------------------------------------------------------------------------
def registry_table(rows: int, seed: int) -> pa.Table:
    """Synthetic rows in the registry's VICTIM_SCHEMA (what `Registry.victim_table` returns)."""
    from haven.registry import VICTIM_SCHEMA
    from haven.standard import AgeBand
    from haven.synth import generate_victim_table

    raw = generate_victim_table(rows, seed=seed, years=YEARS, duplicate_rate=0.2)
    n = raw.num_rows
    offsets = pa.array(np.arange(n + 1, dtype=np.int32))
    ids = pc.cast(pa.array(np.arange(n, dtype=np.int64)), pa.string())
    age = raw.column("age").to_numpy().astype(np.int64)
    bands = [b.value for b in AgeBand if b is not AgeBand.UNKNOWN]
    band_index = np.searchsorted(np.array([8, 17, 20, 23, 26, 29, 38, 47]), age, side="left")
    columns: dict[str, Any] = {
        "record_id": pc.binary_join_element_wise("r", ids, ""),
        "person_id": pc.binary_join_element_wise("p", pc.cast(raw.column("person_id"),
                                                              pa.string()), ""),
        "organisation_id": pc.cast(raw.column("organisation"), pa.string()),
        "organisation_country": pc.cast(raw.column("registering_country"), pa.string()),
        "organisation_type": pa.array(np.full(n, "police")),
        "registered_on": raw.column("registered_on"),
        "year": pc.cast(raw.column("year"), pa.int32()),
        "identification_status": pc.cast(raw.column("status"), pa.string()),
        "sex": pc.cast(raw.column("sex"), pa.string()),
        "age": pc.cast(raw.column("age"), pa.int32()),
        "age_group": pc.cast(raw.column("age_group"), pa.string()),
        "age_band": pa.array(np.array(bands)[band_index]),
        "citizenships": pa.ListArray.from_arrays(
            offsets, pc.cast(raw.column("citizenship"), pa.string()).combine_chunks()),
        "country_of_exploitation": pc.cast(raw.column("country_of_exploitation"), pa.string()),
        "exploitation_forms": pa.ListArray.from_arrays(
            offsets, pc.cast(raw.column("exploitation"), pa.string()).combine_chunks()),
        "labour_sectors": pa.ListArray.from_arrays(
            pa.array(np.zeros(n + 1, dtype=np.int32)), pa.array([], pa.string())),
    }
    return pa.table(columns, schema=VICTIM_SCHEMA)


# -- the pandas implementation ----------------------------------------------------------------
# Written as a competent pandas user would: vectorised (explode, isin, groupby), no per-row
# Python functions, categoricals for the codes.
def pandas_frame(table: pa.Table) -> Any:
    import pandas as pd  # type: ignore[import-untyped]

    # Lists stay in Arrow memory (pandas' ArrowDtype) instead of one NumPy array per row.
    lists = {table.schema.field(n).type for n in ("citizenships", "exploitation_forms")}
    return table.to_pandas(strings_to_categorical=True, self_destruct=True, split_blocks=True,
                           types_mapper=lambda t: pd.ArrowDtype(t) if t in lists else None)


def _exploded(df: Any, column: str, unknown: str) -> Any:
    """One row per (row, code) of a list column; empty lists become `unknown`."""
    out = df[column].explode()
    return out.where(out.notna(), unknown).astype(str)


def _values(df: Any, name: str, eu: list[str]) -> Any:
    """The dimension's value per row: a Series (index = row), exploded for list columns."""
    import pandas as pd

    if name == "year":
        return df["year"].astype(str)
    if name == "status":
        return pd.Series(np.where(df["identification_status"] == "identified", "identified",
                                  "presumed"), index=df.index)
    if name in ("sex", "age_group", "country_of_exploitation"):
        return df[name].astype(str).where(df[name].notna(), "unknown")
    if name == "reporting_country":
        return df["organisation_country"].astype(str)
    if name == "citizenship":
        return _exploded(df, "citizenships", "UNK")
    if name == "exploitation":
        return _exploded(df, "exploitation_forms", "unknown")
    if name == "citizenship_group":
        cits = _exploded(df, "citizenships", "UNK")
        own = df["organisation_country"].astype(str).reindex(cits.index)
        unknown = (cits == "UNK").groupby(level=0).any()
        national = (cits == own).groupby(level=0).any()
        in_eu = cits.isin(eu).groupby(level=0).any()
        return pd.Series(np.where(unknown, "unknown", np.where(national, "national", np.where(
            in_eu, "other_eu", "non_eu"))), index=unknown.index)
    raise KeyError(name)


def pandas_tables(df: Any, tables: list[tuple[tuple[str, ...], str]]
                  ) -> list[dict[tuple[str, ...], int]]:
    """Every table, resolving each unit's value of a dimension once for all tables.

    The same algorithmic shortcut as Haven's `count_many`: the filter, the registration
    order and each (dimension, counting unit) resolution are computed once and shared by the
    tables that need them.
    """
    import pandas as pd

    from haven.standard import EU27

    df = df[(df["identification_status"] != "declined") & df["year"].isin(YEARS)]
    person = df["person_id"].astype(str).where(df["person_id"].notna(),
                                               df["record_id"].astype(str))
    units = {"persons": person, "registrations": df["record_id"].astype(str)}
    # Registration order within a person, for "the first known value".
    order = pd.DataFrame({"unit": person, "on": df["registered_on"],
                          "rid": df["record_id"].astype(str)}).sort_values(["unit", "on", "rid"])
    resolved: dict[tuple[str, str], Any] = {}

    def part(name: str, counting: str) -> Any:
        """(unit, value) rows of one dimension: one per unit, or one per code it holds."""
        if (name, counting) in resolved:
            return resolved[(name, counting)]
        unit = units[counting]
        multi = MULTI | ({"year"} if counting == "persons" else set())
        values = _values(df, name, sorted(EU27))
        col = pd.DataFrame({"unit": unit.reindex(values.index).to_numpy(),
                            name: values.to_numpy()})
        if name in multi:
            col = col.drop_duplicates()
            if counting == "persons":
                known = ~col[name].isin(UNKNOWN)
                col = col[known | ~known.groupby(col["unit"]).transform("any")]
        elif counting == "persons":
            ranked = col.set_axis(values.index).loc[order.index]
            ranked = ranked.assign(u=ranked[name].isin(UNKNOWN))
            col = (ranked.sort_values(["u"], kind="stable")
                   .drop_duplicates("unit")[["unit", name]])
        resolved[(name, counting)] = col
        return col

    results = []
    for by, counting in tables:
        parts = [part(name, counting) for name in by]
        flat = parts[0]
        for other in parts[1:]:
            flat = flat.merge(other, on="unit")
        results.append(_margins(flat, by))
    return results


def _margins(flat: Any, by: tuple[str, ...]) -> dict[tuple[str, ...], int]:
    cells: dict[tuple[str, ...], int] = {}
    for mask in itertools.product((False, True), repeat=len(by)):
        keep = [n for n, total in zip(by, mask, strict=True) if not total]
        if keep:
            counts = flat[["unit", *keep]].drop_duplicates().groupby(keep, observed=True).size()
            for key, n in counts.items():
                key = key if isinstance(key, tuple) else (key,)
                it = iter(key)
                cells[tuple(TOTAL if total else str(next(it)) for total in mask)] = int(n)
        else:
            cells[tuple(TOTAL for _ in by)] = int(flat["unit"].nunique())
    return {k: v for k, v in cells.items() if v}


# -- Haven ------------------------------------------------------------------------------------
def haven_tables(table: pa.Table, tables: list[tuple[tuple[str, ...], str]]
                 ) -> list[dict[tuple[str, ...], int]]:
    from haven.statistics import DuckDBEngine, TableSpec

    specs = [TableSpec.parse("victims", by, years=YEARS, counting=counting)
             for by, counting in tables]
    # A memory budget for DuckDB's working set; above it, it spills to disk.
    counted = DuckDBEngine(threads=THREADS, memory_limit=MEMORY_LIMIT).count_many(specs, table)
    return [{k: v for k, v in c.cells.items() if v} for c in counted]


# -- one side, in a subprocess ----------------------------------------------------------------
def _digest(cells: dict[tuple[str, ...], int]) -> str:
    return hashlib.sha256(json.dumps(sorted(cells.items())).encode()).hexdigest()


def _write_input(rows: int, seed: int, path: Path) -> None:
    """Generate the input once and store it as an Arrow IPC file both sides read back."""
    table = registry_table(rows, seed)
    with pa.OSFile(str(path), "wb") as sink, pa.ipc.new_file(sink, table.schema) as writer:
        writer.write_table(table, max_chunksize=1_000_000)


def _read_input(path: Path) -> pa.Table:
    # Read into memory (not memory-mapped): what the registry's aggregate path hands over.
    with pa.OSFile(str(path), "rb") as source:
        return pa.ipc.open_file(source).read_all()


def worker(side: str, path: Path, runs: int) -> dict[str, Any]:
    started = time.perf_counter()
    data: Any = _read_input(path)
    rows = data.num_rows
    if side == "pandas":
        data = pandas_frame(data)
    prepared = time.perf_counter() - started
    rss_data = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    compute: Callable[..., list[dict[tuple[str, ...], int]]] = (
        haven_tables if side == "haven" else pandas_tables)
    suite_times, cpu_times, digests = [], [], {}
    for _ in range(runs):
        t0, c0 = time.perf_counter(), _cpu()
        for (by, counting), cells in zip(TABLES, compute(data, TABLES), strict=True):
            digests[str((by, counting))] = _digest(cells)
        suite_times.append(time.perf_counter() - t0)
        cpu_times.append(_cpu() - c0)
    return {"side": side, "rows": rows, "read_s": prepared, "suite_s": suite_times,
            "cpu_s": cpu_times, "digests": digests, "rss_after_data_mb": rss_data,
            "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def _cpu() -> float:
    """CPU seconds of this process, all threads (user and system)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _run_side(side: str, path: Path, runs: int) -> dict[str, Any]:
    done = subprocess.run([sys.executable, __file__, "--worker", side, "--input", str(path),
                           "--runs", str(runs)],
                          capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"{side} worker failed:\n{done.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--pandas-runs", type=int, default=None)
    parser.add_argument("--seed", type=int, default=2021)
    parser.add_argument("--worker", choices=["haven", "pandas"])
    parser.add_argument("--input", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(worker(args.worker, args.input, args.runs)))
        return
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "victims.arrow"
        started = time.perf_counter()
        _write_input(args.rows, args.seed, path)
        print(f"input generated in {time.perf_counter() - started:.0f} s", flush=True)
        haven = _run_side("haven", path, args.runs)
        print(f"haven: {json.dumps(haven)}", flush=True)
        pandas = _run_side("pandas", path, args.pandas_runs or args.runs)
        print(f"pandas: {json.dumps(pandas)}", flush=True)
    same = haven["digests"] == pandas["digests"]
    h, p = statistics.median(haven["suite_s"]), statistics.median(pandas["suite_s"])
    print(f"rows: {args.rows:,} victim registrations (20 % repeat registrations), "
          f"{len(TABLES)} tables with all margins")
    print(f"identical tables: {same}")
    print(f"Haven (DuckDB): median {h:.2f} s over {len(haven['suite_s'])} runs "
          f"{[round(x, 2) for x in haven['suite_s']]}; peak RSS {haven['peak_rss_mb']:.0f} MB "
          f"(data alone {haven['rss_after_data_mb']:.0f} MB)")
    print(f"pandas:         median {p:.2f} s over {len(pandas['suite_s'])} runs "
          f"{[round(x, 2) for x in pandas['suite_s']]}; peak RSS {pandas['peak_rss_mb']:.0f} MB "
          f"(data alone {pandas['rss_after_data_mb']:.0f} MB)")
    print(f"speed-up: {p / h:.1f}x")
    hc, pcpu = statistics.median(haven["cpu_s"]), statistics.median(pandas["cpu_s"])
    print(f"CPU seconds (median): Haven {hc:.1f}, pandas {pcpu:.1f}, ratio {pcpu / hc:.1f}x")
    if not same:
        raise SystemExit("the two implementations disagree")


if __name__ == "__main__":
    main()
