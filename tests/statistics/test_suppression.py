"""Suppression: the attacker's calculation, done independently with scipy's HiGHS, finds no
suppressed cell it can pin down from the published cells and margins."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog
from tests.statistics.conftest import victim_table

from haven.statistics._definitions import TOTAL, TableSpec
from haven.statistics._engine import CountTable, DuckDBEngine, cell_keys
from haven.statistics._lp import bounds_of_variables
from haven.statistics._suppression import Suppression, relations, suppress

Key = tuple[str, ...]


def attack(table: CountTable, hidden: frozenset[Key]) -> dict[Key, tuple[float, float]]:
    """Solve for every hidden cell: min and max given all published cells (scipy HiGHS)."""
    order = sorted(hidden)
    index = {k: i for i, k in enumerate(order)}
    a_eq, b_eq, a_ub, b_ub = [], [], [], []
    for rel in relations(table):
        if not any(m in index for m in rel.members):
            continue
        terms = [(rel.total, -1.0), *((p, 1.0) for p in rel.parts)]
        coef, rhs = np.zeros(len(order)), 0.0
        for key, sign in terms:
            if key in index:
                coef[index[key]] += sign
            else:
                rhs -= sign * table.cells[key]
        if rel.additive:
            a_eq.append(coef)
            b_eq.append(rhs)
        else:  # sum(parts) >= total, each part <= total
            a_ub.append(-coef)
            b_ub.append(-rhs)
            for part in rel.parts:
                c2, r2 = np.zeros(len(order)), 0.0
                for key, sign in ((part, 1.0), (rel.total, -1.0)):
                    if key in index:
                        c2[index[key]] += sign
                    else:
                        r2 -= sign * table.cells[key]
                a_ub.append(c2)
                b_ub.append(r2)
    result = {}
    for key, i in index.items():
        c = np.zeros(len(order))
        c[i] = 1.0
        kwargs = {"A_eq": np.array(a_eq) if a_eq else None, "b_eq": b_eq or None,
                  "A_ub": np.array(a_ub) if a_ub else None, "b_ub": b_ub or None,
                  "bounds": [(0, None)] * len(order), "method": "highs"}
        low = linprog(c, **kwargs)
        high = linprog(-c, **kwargs)
        assert low.status == 0
        result[key] = (low.fun, -high.fun if high.status == 0 else float("inf"))
    return result


def _check(table: CountTable, result: Suppression) -> None:
    intervals = attack(table, result.hidden)
    for key, (low, high) in intervals.items():
        value = table.cells[key]
        assert low - 1e-6 <= value <= high + 1e-6
        assert high - low >= result.protection - 1e-6, f"{key} pinned to [{low}, {high}]"
        ours = result.intervals[key]
        assert ours[0] == pytest.approx(low, abs=1e-6)
        assert ours[1] == pytest.approx(high, abs=1e-6) or ours[1] == high == float("inf")
    for key, value in table.cells.items():
        if 0 < value < result.threshold:
            assert key in result.primary
    assert not (result.hidden & {k for k, v in table.cells.items() if v == 0})


def _table(by: tuple[str, ...], data: pa.Table) -> CountTable:
    spec = TableSpec.parse("victims", by, years=[2017, 2018, 2019])
    return DuckDBEngine().count(spec, data)


@pytest.mark.parametrize("by", [("sex", "age_group"), ("sex", "exploitation"),
                                ("year", "status", "sex"),
                                ("age_group", "sex", "citizenship_group"),
                                ("citizenship_group", "age_band")])
def test_no_suppressed_cell_can_be_solved_for(by: tuple[str, ...]) -> None:
    table = _table(by, victim_table(120, 5))
    result = suppress(table)
    assert result.primary, "the fixture must have small cells for this test to mean anything"
    _check(table, result)


def test_without_secondary_suppression_the_attack_succeeds() -> None:
    # The attack itself must be able to fail: hiding only the small cells gives them away.
    table = _table(("sex", "status"), victim_table(60, 5))
    primary = frozenset(k for k, v in table.cells.items() if 0 < v < 5)
    assert primary
    intervals = attack(table, primary)
    assert any(high - low < 1e-6 for low, high in intervals.values())


@st.composite
def two_way(draw: st.DrawFn) -> CountTable:
    rows = draw(st.integers(2, 5))
    cols = draw(st.integers(2, 5))
    counts = draw(st.lists(st.lists(st.integers(0, 12), min_size=cols, max_size=cols),
                           min_size=rows, max_size=rows))
    keys = (tuple(f"r{i}" for i in range(rows)), tuple(f"c{j}" for j in range(cols)))
    cells = {}
    for key in cell_keys(keys):
        r = [int(key[0][1:])] if key[0] != TOTAL else range(rows)
        c = [int(key[1][1:])] if key[1] != TOTAL else range(cols)
        cells[key] = sum(counts[i][j] for i in r for j in c)
    spec = TableSpec.parse("victims", ["sex", "status"])
    return CountTable(spec, keys, cells, (False, False))


@settings(max_examples=40, deadline=None)
@given(two_way())
def test_random_tables_are_protected(table: CountTable) -> None:
    _check(table, suppress(table))


def test_the_solver_agrees_with_scipy_on_random_programmes() -> None:
    rng = np.random.default_rng(3)
    for _ in range(150):
        n, me, mu = rng.integers(1, 7), rng.integers(0, 4), rng.integers(0, 4)
        x0 = rng.integers(0, 6, n).astype(float)
        a_eq = rng.integers(-1, 2, (me, n)).astype(float)
        a_ub = rng.integers(-1, 2, (mu, n)).astype(float)
        b_eq, b_ub = a_eq @ x0, a_ub @ x0 + rng.integers(0, 3, mu)
        ours = bounds_of_variables(a_eq, b_eq, a_ub, b_ub, int(n))
        for j in range(n):
            c = np.zeros(n)
            c[j] = 1
            kwargs = {"A_eq": a_eq if me else None, "b_eq": b_eq if me else None,
                      "A_ub": a_ub if mu else None, "b_ub": b_ub if mu else None,
                      "bounds": [(0, None)] * n, "method": "highs"}
            low, high = linprog(c, **kwargs), linprog(-c, **kwargs)
            assert ours[j][0] == pytest.approx(low.fun, abs=1e-6)
            if high.status == 0:
                assert ours[j][1] == pytest.approx(-high.fun, abs=1e-6)
            else:
                assert ours[j][1] == float("inf")
