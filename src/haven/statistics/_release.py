"""The release policy: the only way a table leaves Haven.

`release_table` reads the registry's aggregate path (audited), counts with an engine, applies
the policy (suppression or differential privacy), writes the release record (and, under DP,
spends the budget) in one database transaction, and only then returns a `Release`. Every
path out (CLI, exports, figures, chart data for the web) takes a `Release`; none takes the
exact counts. A release over the budget is refused before any noise is drawn.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from haven.exceptions import FieldProblem, NotFound, PermissionDenied, ValidationFailed
from haven.registry import AggregateScope, AuditEvent, Registry
from haven.statistics._definitions import TOTAL, Subject, TableSpec
from haven.statistics._dp import Accuracy, DPPolicy, accuracy, engine_bounds, privatise
from haven.statistics._engine import CountTable, DuckDBEngine, Engine
from haven.statistics._suppression import suppress
from haven.statistics._tables import PrivacyBudgetRow, PrivacySpendRow, ReleaseRow

__all__ = [
    "BudgetExceeded",
    "BudgetMissing",
    "BudgetStatus",
    "CellStatus",
    "Release",
    "SuppressionPolicy",
    "budget_status",
    "count_table",
    "count_tables",
    "release_counts",
    "release_table",
    "release_tables",
    "releases",
    "set_budget",
]

Key = tuple[str, ...]
_COUNTRY_DIMS = 30  # dimensions with more keys than this drop categories that are all zero


class BudgetExceeded(PermissionDenied):
    """The release would spend more privacy budget than the dataset has left."""


class BudgetMissing(NotFound):
    """No privacy budget was set for the dataset: differential privacy is refused."""

    def __init__(self, dataset: str) -> None:
        super().__init__("privacy budget", dataset)
        self.args = (f"no privacy budget is set for {dataset}; an administrator sets one "
                     f"with `haven stats budget set {dataset} --epsilon E`",)


class CellStatus(StrEnum):
    """SDMX CONF_STATUS-like flags: free, primary (C) and secondary (D) confidential, noised."""

    FREE = "F"
    PRIMARY = "C"
    SECONDARY = "D"
    NOISED = "N"


@dataclass(frozen=True, slots=True)
class SuppressionPolicy:
    """Suppress cells below `threshold`, then enough others that none can be recomputed."""

    threshold: int = 5
    protection: int = 2

    def __post_init__(self) -> None:
        if self.threshold < 1 or self.protection < 1:
            raise ValidationFailed([FieldProblem(None, "threshold",
                                                 "threshold and protection must be >= 1")])


Policy = SuppressionPolicy | DPPolicy


@dataclass(frozen=True)
class Release:
    """A table as published: values (None where suppressed), flags, accuracy, provenance.

    Attributes:
        id: the release record's id.
        at: when it was released (UTC).
        actor: who released it.
        channel: the path it left through (cli, api, export:csv, figures, ...).
        spec: the table definition.
        policy: the policy applied.
        keys: per dimension, the category keys published.
        values: released value per cell; None for a suppressed cell.
        status: flag per cell.
        accuracy: under DP, the noise scale and interval half-widths; else None.
        digest: SHA-256 of the published values, stored with the release record.
    """

    id: uuid.UUID
    at: datetime
    actor: str
    channel: str
    spec: TableSpec
    policy: Policy
    keys: tuple[tuple[str, ...], ...]
    values: Mapping[Key, int | None]
    status: Mapping[Key, CellStatus]
    accuracy: Accuracy | None
    digest: str

    @property
    def dimensions(self) -> tuple[str, ...]:
        return self.spec.by

    @property
    def policy_name(self) -> str:
        return "dp" if isinstance(self.policy, DPPolicy) else "suppression"

    def cells(self) -> list[tuple[Key, int | None, CellStatus]]:
        """Every published cell in display order: (key, value or None, flag)."""
        return [(k, self.values[k], self.status[k]) for k in self.values]

    def half_width(self, key: Key) -> float | None:
        """Under DP, the (approximate for derived totals) interval half-width of a cell."""
        if self.accuracy is None:
            return None
        derived = sum(1 for d, v in enumerate(key) if v == TOTAL and not self._multi[d])
        cells = 1
        for d, v in enumerate(key):
            if v == TOTAL and not self._multi[d]:
                cells *= len(self.keys[d])
        return self.accuracy.of_sum(cells if derived else 1)

    @property
    def _multi(self) -> tuple[bool, ...]:
        return tuple(self.spec.is_multi(d) for d in self.spec.dimensions)

    def policy_text(self, lang: str = "en") -> str:
        """The policy in words, in English or Dutch (`lang="nl"`), for footers and headers."""
        if isinstance(self.policy, DPPolicy):
            acc = self.accuracy
            assert acc is not None
            if lang == "nl":
                return (f"differentiële privacy: epsilon {_nl(f'{acc.epsilon:g}')}, discrete "
                        f"Laplace-schaal {_nl(f'{acc.scale:g}')}, gevoeligheid "
                        f"{acc.sensitivity}; een cel ligt met {acc.confidence:.0%} zekerheid "
                        f"binnen ±{_nl(f'{acc.noised:.1f}')} van de werkelijke telling")
            return (f"differential privacy: epsilon {acc.epsilon:g}, discrete Laplace scale "
                    f"{acc.scale:g}, sensitivity {acc.sensitivity}; a cell is within "
                    f"±{acc.noised:.1f} of the true count with {acc.confidence:.0%} confidence")
        if lang == "nl":
            return (f"onderdrukking: cellen onder {self.policy.threshold} verborgen (C), met "
                    f"secundaire onderdrukking (D) zodat geen enkele cel kan worden "
                    f"herberekend (beschermingsinterval ten minste {self.policy.protection})")
        return (f"suppression: cells below {self.policy.threshold} hidden (C), with secondary "
                f"suppression (D) so that none can be recomputed (protection interval >= "
                f"{self.policy.protection})")


def _nl(number: str) -> str:
    """A formatted number with the Dutch decimal comma."""
    return number.replace(".", ",")


@dataclass(frozen=True, slots=True)
class BudgetStatus:
    dataset: str
    total: float
    spent: float
    releases: int

    @property
    def remaining(self) -> float:
        return max(self.total - self.spent, 0.0)


def count_table(registry: Registry, spec: TableSpec, actor: str, *,
                engine: Engine | None = None, bounds: Mapping[str, int] | None = None,
                max_records: int | None = None) -> CountTable:
    """Exact counts through the registry's audited aggregate path. Never published as is."""
    return count_tables(registry, [spec], actor, engine=engine, bounds=bounds,
                        max_records=max_records)[0]


def count_tables(registry: Registry, specs: Sequence[TableSpec], actor: str, *,
                 engine: Engine | None = None, bounds: Mapping[str, int] | None = None,
                 max_records: int | None = None) -> list[CountTable]:
    """Exact counts of several tables: one audited extraction per subject and country scope,
    and the units resolved once for all tables sharing their scope (`Engine.count_many`)."""
    engine = engine or DuckDBEngine()
    groups: dict[tuple[Subject, frozenset[str] | None], list[int]] = {}
    for i, spec in enumerate(specs):
        groups.setdefault((spec.subject, spec.countries), []).append(i)
    tables: dict[int, CountTable] = {}
    for (subject, countries), group in groups.items():
        scope = AggregateScope(actor, countries)
        data = (registry.victim_table(scope) if subject is Subject.VICTIMS
                else registry.suspect_table(scope))
        counted = engine.count_many([specs[i] for i in group], data, bounds=bounds,
                                    max_records=max_records)
        tables.update(zip(group, counted, strict=True))
    return [tables[i] for i in range(len(specs))]


def release_table(registry: Registry, spec: TableSpec, policy: Policy, *, actor: str,
                  channel: str = "api", engine: Engine | None = None) -> Release:
    """Count `spec`, apply `policy`, record the release, and return what may be published.

    Raises:
        BudgetExceeded: under DP, when the dataset's budget cannot cover `policy.epsilon`.
        NotFound: under DP, when no budget was set for the dataset.
    """
    return release_tables(registry, [spec], policy, actor=actor, channel=channel,
                          engine=engine)[0]


def release_tables(registry: Registry, specs: Sequence[TableSpec],
                   policies: Policy | Sequence[Policy], *, actor: str, channel: str = "api",
                   engine: Engine | None = None) -> list[Release]:
    """Release several tables made together (a figure set, a publication), each under its
    policy and with its own release record, counted from one extraction with the units
    resolved once (see `count_tables`).

    Under DP the budget must cover every table's epsilon before anything is counted.

    Raises:
        BudgetExceeded: under DP, when a dataset's budget cannot cover the releases.
        NotFound: under DP, when no budget was set for a dataset.
    """
    chosen = list(policies) if isinstance(policies, Sequence) else [policies] * len(specs)
    if len(chosen) != len(specs):
        raise ValidationFailed([FieldProblem(None, "policy", "one policy per table")])
    accuracies: dict[int, Accuracy] = {}
    asked: dict[str, float] = {}
    for i, (spec, policy) in enumerate(zip(specs, chosen, strict=True)):
        if isinstance(policy, DPPolicy):
            accuracies[i] = accuracy(spec, policy)
            dataset = spec.subject.value
            asked[dataset] = asked.get(dataset, 0.0) + accuracies[i].epsilon
    for dataset, epsilon in asked.items():
        _check_budget(budget_status(registry, dataset), epsilon)
    tables: dict[int, CountTable] = {}
    for bounds, max_records, group in _batches(specs, chosen):
        counted = count_tables(registry, [specs[i] for i in group], actor, engine=engine,
                               bounds=bounds or None, max_records=max_records)
        tables.update(zip(group, counted, strict=True))
    return [release_counts(registry, tables[i], chosen[i], actor=actor, channel=channel,
                           acc=accuracies.get(i)) for i in range(len(specs))]


def _batches(specs: Sequence[TableSpec], policies: Sequence[Policy]
             ) -> list[tuple[dict[str, int], int | None, list[int]]]:
    """Tables that can be counted together: the same registrations per person, and the same
    contribution bound (or none) on every multi-valued dimension they have in common."""
    batches: list[tuple[dict[str, int | None], int | None, list[int]]] = []
    for i, (spec, policy) in enumerate(zip(specs, policies, strict=True)):
        bounds: dict[str, int] = {}
        records = None
        if isinstance(policy, DPPolicy):
            bounds = engine_bounds(spec, policy)
            records = policy.max_records if spec.counting == "registrations" else None
        own = {d.name: bounds.get(d.name) for d in spec.dimensions if spec.is_multi(d)}
        for joined, joined_records, group in batches:
            if joined_records == records and all(joined.get(k, v) == v for k, v in own.items()):
                joined.update(own)
                group.append(i)
                break
        else:
            batches.append((own, records, [i]))
    return [({k: v for k, v in joined.items() if v is not None}, records, group)
            for joined, records, group in batches]


def release_counts(registry: Registry, table: CountTable, policy: Policy, *, actor: str,
                   channel: str, acc: Accuracy | None = None) -> Release:
    """Apply `policy` to counted `table` and record the release (see `release_table`).

    Under DP the table must have been counted with the policy's contribution bounds.
    """
    if isinstance(policy, DPPolicy):
        acc = acc or accuracy(table.spec, policy)
        values, status = _dp_values(table, acc)
    else:
        values, status = _suppressed_values(table, policy)
    keys = _published_keys(table, values)
    values = {k: values[k] for k in _cells_in(keys)}
    status = {k: status[k] for k in values}
    digest = _digest(table.spec, values)
    release_id = uuid.uuid4()
    at = datetime.now(UTC)
    with Session(registry.engine) as session, session.begin():
        spend = None
        if isinstance(policy, DPPolicy):
            assert acc is not None
            spend = _spend(session, table.spec.subject.value, acc.epsilon, release_id)
        _record(session, registry, release_id, at, actor, channel, table.spec, policy,
                values, digest)
        if spend is not None:
            session.flush()
            session.add(spend)
    return Release(release_id, at, actor, channel, table.spec, policy, keys, values, status,
                   acc if isinstance(policy, DPPolicy) else None, digest)


def _suppressed_values(table: CountTable, policy: SuppressionPolicy
                       ) -> tuple[dict[Key, int | None], dict[Key, CellStatus]]:
    compact = _compact(table)
    result = suppress(compact, threshold=policy.threshold, protection=policy.protection)
    values: dict[Key, int | None] = {}
    status: dict[Key, CellStatus] = {}
    for key, value in table.cells.items():
        if key in result.primary:
            values[key], status[key] = None, CellStatus.PRIMARY
        elif key in result.secondary:
            values[key], status[key] = None, CellStatus.SECONDARY
        else:
            values[key], status[key] = value, CellStatus.FREE
    return values, status


def _compact(table: CountTable) -> CountTable:
    """Drop categories whose margin is zero: all their cells are zero and protect nothing."""
    totals = [TOTAL] * len(table.keys)
    keys = tuple(
        tuple(c for c in table.keys[d]
              if table.cells[(*totals[:d], c, *totals[d + 1:])] > 0)
        for d in range(len(table.keys)))
    cells = {k: table.cells[k] for k in _cells_in(keys)}
    return CountTable(table.spec, keys, cells, table.multi)


def _dp_values(table: CountTable, acc: Accuracy
               ) -> tuple[dict[Key, int | None], dict[Key, CellStatus]]:
    noisy = privatise(table, acc)
    values: dict[Key, int | None] = {k: noisy[k] for k in table.cells}
    return values, dict.fromkeys(table.cells, CellStatus.NOISED)


def _published_keys(table: CountTable, values: Mapping[Key, int | None]
                    ) -> tuple[tuple[str, ...], ...]:
    """Long code lists (countries) show only categories with a published non-zero margin."""
    totals = [TOTAL] * len(table.keys)
    keys = []
    for d, cats in enumerate(table.keys):
        if len(cats) <= _COUNTRY_DIMS:
            keys.append(cats)
            continue
        keys.append(tuple(c for c in cats
                          if values[(*totals[:d], c, *totals[d + 1:])] != 0))
    return tuple(keys)


def _cells_in(keys: tuple[tuple[str, ...], ...]) -> list[Key]:
    from haven.statistics._engine import cell_keys

    return list(cell_keys(keys))


def _digest(spec: TableSpec, values: Mapping[Key, int | None]) -> str:
    payload = json.dumps({"spec": spec_json(spec), "cells": [[list(k), v] for k, v in
                                                             values.items()]},
                         sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(payload.encode()).hexdigest()


def spec_json(spec: TableSpec) -> dict[str, Any]:
    return {"subject": spec.subject.value, "by": list(spec.by),
            "years": list(spec.years) if spec.years else None,
            "countries": sorted(spec.countries) if spec.countries else None,
            "counting": spec.counting.value}


def policy_json(policy: Policy) -> dict[str, Any]:
    data = asdict(policy)
    data["bounds"] = dict(data.get("bounds", {})) if "bounds" in data else None
    return {k: v for k, v in data.items() if v is not None}


def _record(session: Session, registry: Registry, release_id: uuid.UUID, at: datetime,
            actor: str, channel: str, spec: TableSpec, policy: Policy,
            values: Mapping[Key, int | None], digest: str) -> None:
    name = "dp" if isinstance(policy, DPPolicy) else "suppression"
    hidden = sum(v is None for v in values.values())
    session.add(ReleaseRow(id=release_id, at=at, actor=actor, channel=channel[:40],
                           subject=spec.subject.value, spec=spec_json(spec), policy=name,
                           parameters=policy_json(policy), cells=len(values), hidden=hidden,
                           digest=digest))
    registry.audit_log.append(session, AuditEvent(
        actor=actor, organisation_id=None, action="export", entity_kind="statistics",
        entity_id=str(release_id),
        detail={"channel": channel, "policy": name, "subject": spec.subject.value,
                "cells": len(values), "digest": digest}))


# -- the privacy-budget ledger ------------------------------------------------------------------
def set_budget(registry: Registry, dataset: str, epsilon_total: float, *, actor: str
               ) -> BudgetStatus:
    """Set the total epsilon a dataset may spend; never below what is already spent."""
    dataset = Subject(dataset).value
    if not epsilon_total > 0:
        raise ValidationFailed([FieldProblem(None, "epsilon", "a budget must be above 0")])
    with Session(registry.engine) as session, session.begin():
        row = session.get(PrivacyBudgetRow, dataset, with_for_update=True)
        spent = _spent(session, dataset)
        if epsilon_total < spent:
            raise ValidationFailed([FieldProblem(
                None, "epsilon", f"{spent:g} is already spent; the budget cannot be lower")])
        if row is None:
            session.add(PrivacyBudgetRow(dataset=dataset, epsilon_total=epsilon_total,
                                         set_by=actor))
        else:
            row.epsilon_total, row.set_by, row.set_at = epsilon_total, actor, datetime.now(UTC)
    return budget_status(registry, dataset)


def budget_status(registry: Registry, dataset: str) -> BudgetStatus:
    """Total, spent and remaining epsilon of a dataset.

    Raises:
        NotFound: no budget was set for it.
    """
    with Session(registry.engine) as session:
        row = session.get(PrivacyBudgetRow, dataset)
        if row is None:
            raise BudgetMissing(dataset)
        count = session.scalar(select(func.count()).select_from(PrivacySpendRow)
                               .where(PrivacySpendRow.dataset == dataset)) or 0
        return BudgetStatus(dataset, row.epsilon_total, _spent(session, dataset), count)


def _spent(session: Session, dataset: str) -> float:
    total = session.scalar(select(func.coalesce(func.sum(PrivacySpendRow.epsilon), 0.0))
                           .where(PrivacySpendRow.dataset == dataset))
    return float(total or 0.0)


def _check_budget(status: BudgetStatus, epsilon: float) -> None:
    if epsilon > status.remaining + 1e-12:
        raise BudgetExceeded(
            f"privacy budget of {status.dataset} exceeded: {epsilon:g} asked, "
            f"{status.remaining:g} of {status.total:g} left; release refused")


def _spend(session: Session, dataset: str, epsilon: float, release_id: uuid.UUID
           ) -> PrivacySpendRow:
    # Lock the budget row (PostgreSQL; SQLite's BEGIN IMMEDIATE already serialises writers)
    # so that two releases cannot both spend the last of a budget.
    row = session.get(PrivacyBudgetRow, dataset, with_for_update=True)
    if row is None:
        raise BudgetMissing(dataset)
    spent = _spent(session, dataset)
    _check_budget(BudgetStatus(dataset, row.epsilon_total, spent, 0), epsilon)
    return PrivacySpendRow(dataset=dataset, release_id=release_id, epsilon=epsilon)


def releases(registry: Registry, limit: int = 50) -> list[dict[str, Any]]:
    """The most recent release records, newest first (what, when, by whom, which policy)."""
    with Session(registry.engine) as session:
        rows = session.scalars(select(ReleaseRow).order_by(ReleaseRow.at.desc()).limit(limit))
        return [{"id": str(r.id), "at": r.at.isoformat(), "actor": r.actor,
                 "channel": r.channel, "subject": r.subject, "spec": r.spec,
                 "policy": r.policy, "parameters": r.parameters, "cells": r.cells,
                 "hidden": r.hidden, "digest": r.digest} for r in rows]
