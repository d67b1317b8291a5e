"""Differential privacy through OpenDP: integer noise on person-level counts.

Privacy unit: one person. Counting persons, a person is one unit; counting registrations, a
person contributes at most `max_records` of them (the rest are dropped before counting).
Each unit is truncated to at most `bounds[d]` categories of every multi-valued dimension d.

What is noised: every cell whose additive dimensions are categories (not totals); along a
multi-valued dimension the total is noised too, because it is not a sum. One unit then
changes at most  max_records x prod over multi-valued d of (bounds[d] + 1)  noised cells by
one each: that is the L1 sensitivity handed to OpenDP's discrete Laplace mechanism
(`make_laplace` on integers), whose privacy map gives epsilon. The keys are the public code
lists, so the presence of a category reveals nothing.

Post-processing (free under DP): negative counts are set to zero; along a multi-valued
dimension a total is kept between its largest category and the sum of its categories; the
totals of additive dimensions are the sums of their categories, so the table adds up.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

import opendp.prelude as dp

from haven.exceptions import FieldProblem, ValidationFailed
from haven.statistics._definitions import TOTAL, Counting, TableSpec
from haven.statistics._engine import CountTable

__all__ = ["DEFAULT_BOUNDS", "Accuracy", "DPPolicy", "noise_plan", "privatise"]

Key = tuple[str, ...]
DEFAULT_BOUNDS: Mapping[str, int] = MappingProxyType(
    {"exploitation": 2, "citizenship": 2, "year": 3, "stage": 3})

dp.enable_features("contrib")


@dataclass(frozen=True)
class DPPolicy:
    """Release under epsilon-differential privacy (pure DP, discrete Laplace noise).

    Attributes:
        epsilon: privacy loss of this release, spent from the dataset's budget.
        bounds: per multi-valued dimension, the most categories one unit counts in.
        max_records: counting registrations, the most registrations one person contributes.
        alpha: accuracy is stated at confidence 1 - alpha.
    """

    epsilon: float
    bounds: Mapping[str, int] = field(default_factory=lambda: dict(DEFAULT_BOUNDS))
    max_records: int = 3
    alpha: float = 0.05

    def __post_init__(self) -> None:
        problems = []
        if not (0 < self.epsilon <= 20) or math.isnan(self.epsilon):
            problems.append(FieldProblem(None, "epsilon", "must be above 0 and at most 20"))
        if any(v < 1 for v in self.bounds.values()) or self.max_records < 1:
            problems.append(FieldProblem(None, "bounds", "contribution bounds must be >= 1"))
        if not 0 < self.alpha < 1:
            problems.append(FieldProblem(None, "alpha", "must be between 0 and 1"))
        if problems:
            raise ValidationFailed(problems)


@dataclass(frozen=True, slots=True)
class Accuracy:
    """How far a released count may be from the true one, before anything is released.

    Attributes:
        sensitivity: cells one person can change (L1 sensitivity of the noised vector).
        scale: the discrete Laplace scale OpenDP chose for epsilon.
        epsilon: the privacy loss OpenDP's map states for this scale.
        noised: half-width of the (1 - alpha) interval of a noised cell (exact).
        confidence: 1 - alpha.
    """

    sensitivity: int
    scale: float
    epsilon: float
    noised: float
    confidence: float

    def of_sum(self, cells: int) -> float:
        """Approximate half-width for a total summed from `cells` noised cells (normal)."""
        if cells <= 1:
            return self.noised
        z = 1.959963984540054 if abs(self.confidence - 0.95) < 1e-9 else _z(self.confidence)
        return max(self.noised, z * math.sqrt(2.0 * cells) * self.scale)


def _z(confidence: float) -> float:
    from statistics import NormalDist

    return NormalDist().inv_cdf(0.5 + confidence / 2)


def sensitivity(spec: TableSpec, policy: DPPolicy) -> int:
    """L1 sensitivity of the noised cells to adding or removing one person."""
    per_unit = 1
    for dim in spec.dimensions:
        if spec.is_multi(dim):
            per_unit *= _bound(spec, dim.name, policy) + 1
    records = policy.max_records if spec.counting is Counting.REGISTRATIONS else 1
    return per_unit * records


def _bound(spec: TableSpec, name: str, policy: DPPolicy) -> int:
    if spec.subject == "suspects" and name == "year":
        name = "stage"  # stage and year come as pairs: one bound for both
    bound = policy.bounds.get(name, DEFAULT_BOUNDS.get(name, 2))
    if name == "year" and spec.years:
        bound = min(bound, len(spec.years))
    return bound


def engine_bounds(spec: TableSpec, policy: DPPolicy) -> dict[str, int]:
    """The truncation the engine must apply so that `sensitivity` holds."""
    return {d.name: _bound(spec, d.name, policy) for d in spec.dimensions if spec.is_multi(d)}


def accuracy(spec: TableSpec, policy: DPPolicy) -> Accuracy:
    """The noise scale and accuracy for `spec` under `policy`: public, needs no data."""
    delta = sensitivity(spec, policy)
    scale = dp.binary_search_param(lambda s: _mechanism(s), d_in=delta, d_out=policy.epsilon)
    spent = float(_mechanism(scale).map(delta))  # type: ignore[no-untyped-call]
    half = float(dp.discrete_laplacian_scale_to_accuracy(scale, policy.alpha))
    return Accuracy(delta, float(scale), spent, half, 1 - policy.alpha)


def _mechanism(scale: float) -> dp.Measurement:
    space = dp.vector_domain(dp.atom_domain(T=dp.i64)), dp.l1_distance(T=dp.i64)
    return dp.m.make_laplace(*space, scale=scale)


def noise_plan(table: CountTable) -> list[Key]:
    """The cells that receive noise, in a fixed order: all others are derived from them."""
    return [k for k in table.cells
            if all(v != TOTAL or table.multi[d] for d, v in enumerate(k))]


def privatise(table: CountTable, acc: Accuracy) -> dict[Key, int]:
    """Noise the planned cells with OpenDP and post-process to a consistent table."""
    plan = noise_plan(table)
    noisy = _mechanism(acc.scale)([int(table.cells[k]) for k in plan])
    values: dict[Key, int] = {k: max(int(v), 0) for k, v in zip(plan, noisy, strict=True)}
    for d, multi in enumerate(table.multi):
        if multi:
            _bound_totals(table, values, d)
    for d, multi in enumerate(table.multi):
        if not multi:
            _sum_totals(table, values, d)
    return values


def _bound_totals(table: CountTable, values: dict[Key, int], d: int) -> None:
    for key in list(values):
        if key[d] != TOTAL:
            continue
        parts = [values[(*key[:d], c, *key[d + 1:])] for c in table.keys[d]]
        values[key] = min(max(values[key], max(parts, default=0)), sum(parts))


def _sum_totals(table: CountTable, values: dict[Key, int], d: int) -> None:
    for key in table.cells:
        if key[d] != TOTAL or key in values:
            continue
        parts = [(*key[:d], c, *key[d + 1:]) for c in table.keys[d]]
        if all(p in values for p in parts):
            values[key] = sum(values[p] for p in parts)
