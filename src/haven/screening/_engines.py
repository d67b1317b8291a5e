"""Engines: where the parallel steps of a screening run.

The screening job is written once (`_pipeline.screen`); an engine supplies two hooks: an
order-preserving parallel `map` of a pure function over chunks, and the LSH bucket join
(`candidate_pairs`). `LocalEngine` uses worker processes on this machine (both cores by
default); `SparkEngine` runs the same functions on Spark executors and does the bucket join
as a Spark group-by. Both give the same pairs and the same per-chunk results, hence the same
clusters and scores.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

import numpy as np
import numpy.typing as npt

from haven.exceptions import ConfigurationError
from haven.screening._minhash import candidate_pairs

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

__all__ = ["SERIAL_BELOW", "Engine", "LocalEngine", "SparkEngine", "make_engine"]

T = TypeVar("T")
R = TypeVar("R")
SERIAL_BELOW = 20_000  # ads; below this the local engine does not start workers


class Engine(Protocol):
    """The two hooks a screening needs from an engine."""

    name: str
    parallelism: int  # how many tasks run at once; the job cuts its work into a few per slot

    def plan(self, n_ads: int) -> None:
        """Told how many ads the next run has, before it starts."""
        ...

    def map(self, fn: Callable[[T], R], items: Sequence[T]) -> Iterator[R]:
        """Apply `fn` to every item, in parallel, yielding results in input order."""
        ...

    def candidate_pairs(self, keys: npt.NDArray[np.uint64], eligible: npt.NDArray[np.bool_]
                        ) -> npt.NDArray[np.int64]:
        """Pairs (i, j), i < j, sorted, linking each LSH bucket member to the bucket's first."""
        ...

    def rest(self) -> None:
        """The run will not `map` for a while: free what idle workers hold (they restart)."""
        ...

    def close(self) -> None:
        """Release workers or sessions the engine started."""
        ...


class LocalEngine:
    """Worker processes on this machine; `workers=1` runs in the calling process.

    A run of fewer than `serial_below` ads also stays in the calling process: starting
    `spawn` workers (a fresh interpreter each, importing NumPy and libphonenumber, with cold
    caches) costs more than a second core saves on a small input. The default is measured
    (docs/BENCHMARKS.md, Screening); `serial_below=0` always uses the workers.
    """

    name = "local"

    def __init__(self, workers: int | None = None, serial_below: int = SERIAL_BELOW) -> None:
        self.workers = max(1, workers or min(2, os.cpu_count() or 1))
        self.parallelism = self.workers
        self.serial_below = serial_below
        self._serial = False
        self._pool: ProcessPoolExecutor | None = None

    def plan(self, n_ads: int) -> None:
        """Stay in this process for a run of fewer than `serial_below` ads."""
        self._serial = n_ads < self.serial_below
        self.parallelism = 1 if self._serial else self.workers

    def map(self, fn: Callable[[T], R], items: Sequence[T]) -> Iterator[R]:
        """Apply `fn` to each item in worker processes, in order."""
        if self.workers == 1 or self._serial or len(items) < 2:
            yield from map(fn, items)
            return
        if self._pool is None:
            # spawn, not fork: the caller may hold threads (Arrow, a JVM gateway)
            self._pool = ProcessPoolExecutor(self.workers,
                                             mp_context=multiprocessing.get_context("spawn"))
        yield from self._pool.map(fn, items)

    def candidate_pairs(self, keys: npt.NDArray[np.uint64], eligible: npt.NDArray[np.bool_]
                        ) -> npt.NDArray[np.int64]:
        """The bucket join on NumPy (sort per band)."""
        return candidate_pairs(keys, eligible)

    def rest(self) -> None:
        """Stop the workers between the analysis and the templates.

        After a million ads' analysis each worker keeps the heap it grew to; the main
        process's near-duplicate step is the run's memory peak, and idle workers would add
        to it. Two fresh `spawn` workers for the templates cost about a second.
        """
        self.close()

    def close(self) -> None:
        """Stop the worker processes."""
        if self._pool is not None:
            self._pool.shutdown()
            self._pool = None


class SparkEngine:
    """PySpark: chunks become partitions; the bucket join is a Spark group-by."""

    name = "spark"

    def __init__(self, spark: SparkSession | None = None, partitions: int | None = None) -> None:
        try:
            from pyspark.sql import SparkSession
        except ImportError as exc:  # pragma: no cover - depends on the installation
            raise ConfigurationError("the Spark engine needs haven[spark] (PySpark)") from exc
        self._own = spark is None
        if spark is None:
            # Spark starts its Python workers with PYSPARK_PYTHON; without it they would run
            # the system interpreter, which cannot import haven
            os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
        self.spark = spark or (
            SparkSession.builder.master("local[2]").appName("haven-screening")
            .config("spark.sql.shuffle.partitions", "4")
            .config("spark.ui.enabled", "false").getOrCreate()
        )
        self.partitions = partitions
        self.parallelism = int(self.spark.sparkContext.defaultParallelism)

    def plan(self, n_ads: int) -> None:
        """Nothing to plan: the Spark session is already running."""

    def map(self, fn: Callable[[T], R], items: Sequence[T]) -> Iterator[R]:
        """Run `fn` on Spark, one item per partition, and collect in order."""
        if not items:
            return iter(())
        rdd = self.spark.sparkContext.parallelize(list(items), self.partitions or len(items))
        return iter(rdd.map(fn).collect())

    def candidate_pairs(self, keys: npt.NDArray[np.uint64], eligible: npt.NDArray[np.bool_]
                        ) -> npt.NDArray[np.int64]:
        """Group (band, key) in Spark; every member pairs with the bucket's smallest row."""
        from pyspark.sql import functions as F

        rows = np.flatnonzero(eligible)
        if len(rows) == 0:
            return np.empty((0, 2), dtype=np.int64)
        signed = keys[rows].view(np.int64)
        data: list[tuple[int, int, int]] = [
            (int(r), b, int(k)) for i, r in enumerate(rows) for b, k in enumerate(signed[i])
        ]
        df = self.spark.createDataFrame(data, "row long, band int, key long")
        first = df.groupBy("band", "key").agg(F.min("row").alias("first"))
        pairs = (df.join(first, ["band", "key"]).where(F.col("row") != F.col("first"))
                 .select("first", "row").distinct().collect())
        n = np.int64(keys.shape[0])
        codes = np.unique(np.array([p[0] * int(n) + p[1] for p in pairs], dtype=np.int64))
        if not len(codes):
            return np.empty((0, 2), np.int64)
        return np.stack((codes // n, codes % n), axis=1)

    def rest(self) -> None:
        """Nothing to free: Spark's executors manage their own memory."""

    def close(self) -> None:
        """Stop the Spark session if this engine started it."""
        if self._own:
            self.spark.stop()


def make_engine(name: str, workers: int | None = None, **options: Any) -> Engine:
    """An engine by name: `local` (default) or `spark`."""
    if name == "local":
        return LocalEngine(workers)
    if name == "spark":
        return SparkEngine(**options)
    raise ConfigurationError(f"unknown engine {name!r} (use 'local' or 'spark')")
