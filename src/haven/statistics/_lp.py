"""A small dense simplex (two-phase, Bland's rule) for the disclosure audit.

The audit asks, for every suppressed cell, the least and the greatest value it can take given
everything published: linear programmes with a few hundred variables and 0/±1 coefficients.
scipy is not a dependency of Haven, so the solver is here; the tests check it against
scipy's HiGHS. Bland's rule cannot cycle, so every call terminates.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from haven.exceptions import HavenError

__all__ = ["Bounds", "bounds_of_variables"]

Array = npt.NDArray[np.float64]
_EPS = 1e-9
Bounds = tuple[float, float]


class _Tableau:
    """Constraint rows [A | b] with a basis, kept feasible (b >= 0) by every pivot."""

    def __init__(self, a: Array, b: Array) -> None:
        sign = np.where(b < 0, -1.0, 1.0)
        a, b = a * sign[:, None], b * sign
        m, n = a.shape
        self.n = n
        self.rows = np.hstack([a, np.eye(m), b[:, None]])
        self.basis = list(range(n, n + m))

    def pivot(self, row: int, col: int) -> None:
        self.rows[row] /= self.rows[row, col]
        column = self.rows[:, col].copy()
        column[row] = 0.0
        self.rows -= np.outer(column, self.rows[row])
        self.basis[row] = col

    def minimise(self, cost: Array, allowed: int) -> float | None:
        """Minimise cost·x over columns < `allowed`; None when unbounded below."""
        while True:
            basic_cost = cost[self.basis]
            reduced = cost[:allowed] - basic_cost @ self.rows[:, :allowed]
            entering = np.flatnonzero(reduced < -_EPS)
            if entering.size == 0:
                return float(basic_cost @ self.rows[:, -1])
            col = int(entering[0])  # Bland: the lowest index
            column = self.rows[:, col]
            candidates = np.flatnonzero(column > _EPS)
            if candidates.size == 0:
                return None
            ratios = self.rows[candidates, -1] / column[candidates]
            best = ratios.min()
            ties = candidates[ratios <= best + _EPS]
            row = int(min(ties, key=lambda r: self.basis[r]))
            self.pivot(row, col)

    def drop_artificials(self) -> None:
        """After phase 1: pivot artificials out, delete rows that are redundant."""
        keep = []
        for row, var in enumerate(self.basis):
            if var < self.n:
                keep.append(row)
                continue
            nonzero = np.flatnonzero(np.abs(self.rows[row, : self.n]) > _EPS)
            if nonzero.size:
                self.pivot(row, int(nonzero[0]))
                keep.append(row)
        self.rows = self.rows[keep]
        self.basis = [self.basis[r] for r in keep]
        self.rows = np.hstack([self.rows[:, : self.n], self.rows[:, -1:]])


def _feasible(a: Array, b: Array) -> _Tableau:
    tableau = _Tableau(a, b)
    m = a.shape[0]
    cost = np.concatenate([np.zeros(a.shape[1]), np.ones(m)])
    value = tableau.minimise(cost, a.shape[1] + m)
    if value is None or value > 1e-6:
        raise HavenError("the published figures are inconsistent (audit infeasible)")
    tableau.drop_artificials()
    return tableau


def bounds_of_variables(a_eq: Array, b_eq: Array, a_ub: Array, b_ub: Array, n: int
                        ) -> list[Bounds]:
    """The least and greatest value of each of `n` variables x >= 0 with the constraints.

    Args:
        a_eq, b_eq: equalities a_eq @ x == b_eq.
        a_ub, b_ub: inequalities a_ub @ x <= b_ub (slack variables are added).
        n: number of variables.

    Returns:
        (min, max) per variable; max is `inf` when the variable is unbounded.
    """
    slack = a_ub.shape[0]
    a = np.vstack([
        np.hstack([a_eq.reshape(-1, n), np.zeros((a_eq.reshape(-1, n).shape[0], slack))]),
        np.hstack([a_ub.reshape(-1, n), np.eye(slack)]),
    ])
    b = np.concatenate([b_eq, b_ub]).astype(np.float64)
    if a.shape[0] == 0:
        return [(0.0, float("inf"))] * n
    base = _feasible(a, b)
    width = n + slack
    result = []
    for j in range(n):
        cost = np.zeros(width)
        cost[j] = 1.0
        low = _solve(base, cost)
        high = _solve(base, -cost)
        result.append((max(low or 0.0, 0.0), float("inf") if high is None else -high))
    return result


def _solve(base: _Tableau, cost: Array) -> float | None:
    tableau = _Tableau.__new__(_Tableau)
    tableau.n, tableau.rows, tableau.basis = base.n, base.rows.copy(), list(base.basis)
    return tableau.minimise(cost, base.n)
