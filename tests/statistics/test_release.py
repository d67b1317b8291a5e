"""Releases on SQLite and PostgreSQL: records written, budgets spent and refused, DP accuracy."""

from __future__ import annotations

import math
from concurrent.futures import ThreadPoolExecutor

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import func, inspect, select
from sqlalchemy.orm import Session
from tests.statistics.conftest import fill_registry, victim_table

from haven.exceptions import NotFound, ValidationFailed
from haven.registry import Registry
from haven.registry._database import _alembic_config, current_revision, head_revision
from haven.registry._tables import AuditEntryRow, Base
from haven.statistics._definitions import TOTAL, TableSpec
from haven.statistics._dp import DPPolicy, accuracy, noise_plan, sensitivity
from haven.statistics._engine import DuckDBEngine
from haven.statistics._release import (
    BudgetExceeded,
    CellStatus,
    SuppressionPolicy,
    budget_status,
    count_table,
    release_table,
    release_tables,
    releases,
    set_budget,
)
from haven.statistics._tables import PrivacySpendRow, ReleaseRow

SPEC = TableSpec.parse("victims", ["sex", "exploitation"], years=[2017, 2018, 2019])


def test_migration_creates_exactly_the_statistics_tables(stats_registry: Registry) -> None:
    with stats_registry.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        diffs = [d for d in compare_metadata(context, Base.metadata) if "stats_" in repr(d)]
        assert diffs == []
        names = set(inspect(connection).get_table_names())
    assert {"stats_releases", "stats_privacy_budgets", "stats_privacy_spends"} <= names
    config = _alembic_config(stats_registry.engine)
    command.downgrade(config, "0001")
    assert current_revision(stats_registry.engine) == "0001"
    with stats_registry.engine.connect() as connection:
        assert "stats_releases" not in inspect(connection).get_table_names()
    command.upgrade(config, "head")
    assert current_revision(stats_registry.engine) == head_revision()


def test_a_suppressed_release_is_recorded_and_audited(stats_registry: Registry) -> None:
    fill_registry(stats_registry)
    release = release_table(stats_registry, SPEC, SuppressionPolicy(), actor="rapporteur",
                            channel="test")
    exact = count_table(stats_registry, SPEC, "check")
    hidden = [k for k, v in release.values.items() if v is None]
    assert hidden
    assert all(release.values[k] == exact.cells[k] for k in release.values if k not in hidden)
    assert all(release.status[k] in (CellStatus.PRIMARY, CellStatus.SECONDARY) for k in hidden)
    assert not any(0 < (release.values[k] or 0) < 5 for k in release.values)
    [record] = releases(stats_registry)
    assert record["actor"] == "rapporteur" and record["policy"] == "suppression"
    assert record["hidden"] == len(hidden) and record["digest"] == release.digest
    with Session(stats_registry.engine) as session:
        entry = session.scalars(select(AuditEntryRow).where(
            AuditEntryRow.entity_id == str(release.id))).one()
    assert entry.entity_kind == "statistics"
    assert stats_registry.verify_audit().entries > 0


def test_dp_needs_a_budget_and_refuses_to_overspend(stats_registry: Registry) -> None:
    fill_registry(stats_registry, victims=60)
    with pytest.raises(NotFound):
        release_table(stats_registry, SPEC, DPPolicy(1.0), actor="r")
    set_budget(stats_registry, "victims", 1.5, actor="admin")
    first = release_table(stats_registry, SPEC, DPPolicy(1.0), actor="r")
    assert first.accuracy is not None and first.accuracy.epsilon <= 1.0 + 1e-9
    with pytest.raises(BudgetExceeded, match="refused"):
        release_table(stats_registry, SPEC, DPPolicy(1.0), actor="r")
    status = budget_status(stats_registry, "victims")
    assert status.spent == pytest.approx(1.0) and status.releases == 1
    assert len(releases(stats_registry)) == 1  # the refused one left no record
    with pytest.raises(ValidationFailed):
        set_budget(stats_registry, "victims", 0.5, actor="admin")
    release_table(stats_registry, SPEC, DPPolicy(0.5), actor="r")
    assert budget_status(stats_registry, "victims").remaining == pytest.approx(0.0)


def test_tables_released_together_come_from_one_extraction(stats_registry: Registry) -> None:
    fill_registry(stats_registry, victims=80)
    specs = [SPEC, TableSpec.parse("victims", ["year", "status"], years=[2017, 2018, 2019]),
             TableSpec.parse("suspects", ["stage", "sex"], years=[2017, 2018])]

    def extractions() -> int:
        with Session(stats_registry.engine) as session:
            return session.scalar(select(func.count()).select_from(AuditEntryRow)
                                  .where(AuditEntryRow.action == "aggregate")) or 0

    before = extractions()
    together = release_tables(stats_registry, specs, SuppressionPolicy(), actor="r")
    assert extractions() == before + 2  # one per subject, not one per table
    assert len({r.id for r in together}) == 3 and len(releases(stats_registry)) == 3
    for spec, release in zip(specs, together, strict=True):
        alone = release_table(stats_registry, spec, SuppressionPolicy(), actor="r")
        assert release.spec == spec and release.values == alone.values


def test_a_set_of_dp_releases_is_refused_whole_when_over_budget(stats_registry: Registry
                                                               ) -> None:
    fill_registry(stats_registry, victims=40)
    set_budget(stats_registry, "victims", 1.5, actor="admin")
    specs = [SPEC, TableSpec.parse("victims", ["citizenship"], years=[2018])]
    with pytest.raises(BudgetExceeded):
        release_tables(stats_registry, specs, DPPolicy(1.0), actor="r")
    assert releases(stats_registry) == []  # refused before anything was counted or spent
    # A DP table and a suppressed one with the same multi-valued dimension are counted apart:
    # the contribution bound must not truncate the suppressed table.
    noisy, exact = release_tables(stats_registry, [SPEC, SPEC],
                                  [DPPolicy(1.0, bounds={"exploitation": 1}),
                                   SuppressionPolicy()], actor="r")
    assert exact.values == release_table(stats_registry, SPEC, SuppressionPolicy(),
                                         actor="r").values
    assert noisy.accuracy is not None and exact.accuracy is None


def test_concurrent_releases_cannot_both_spend_the_last_epsilon(stats_registry: Registry
                                                                 ) -> None:
    fill_registry(stats_registry, victims=40)
    set_budget(stats_registry, "victims", 1.0, actor="admin")

    def attempt(_: int) -> str:
        try:
            release_table(stats_registry, SPEC, DPPolicy(1.0), actor="r")
        except BudgetExceeded:
            return "refused"
        return "released"

    with ThreadPoolExecutor(2) as pool:
        outcomes = sorted(pool.map(attempt, range(2)))
    assert outcomes == ["refused", "released"]
    with Session(stats_registry.engine) as session:
        assert session.scalar(select(func.count()).select_from(PrivacySpendRow)) == 1
        assert session.scalar(select(func.count()).select_from(ReleaseRow)) == 1


def test_dp_tables_are_consistent_and_non_negative() -> None:
    from haven.statistics._dp import engine_bounds, privatise

    spec = TableSpec.parse("victims", ["age_group", "sex", "exploitation"],
                           years=[2017, 2018, 2019])
    policy = DPPolicy(0.5)
    table = DuckDBEngine().count(spec, victim_table(), bounds=engine_bounds(spec, policy))
    values = privatise(table, accuracy(spec, policy))
    assert set(values) == set(table.cells)
    assert min(values.values()) >= 0
    for key, value in values.items():
        for d, code in enumerate(key):
            if code != TOTAL:
                continue
            parts = [values[(*key[:d], c, *key[d + 1:])] for c in table.keys[d]]
            if table.multi[d]:
                assert max(parts) <= value <= sum(parts)
            else:
                assert value == sum(parts)


def test_sensitivity_and_accuracy_follow_the_bounds() -> None:
    persons = TableSpec.parse("victims", ["sex", "exploitation"], years=[2018])
    registrations = TableSpec.parse("victims", ["sex", "exploitation"], years=[2018],
                                    counting="registrations")
    policy = DPPolicy(1.0, bounds={"exploitation": 2}, max_records=3)
    assert sensitivity(persons, policy) == 3  # two forms and the total
    assert sensitivity(registrations, policy) == 9
    loose, tight = accuracy(persons, DPPolicy(0.5)), accuracy(persons, DPPolicy(2.0))
    assert loose.noised > tight.noised and loose.epsilon <= 0.5 + 1e-9
    table = DuckDBEngine().count(persons, victim_table(), bounds={"exploitation": 2})
    assert len(noise_plan(table)) == len(table.keys[0]) * (len(table.keys[1]) + 1)


def test_dp_noise_has_the_stated_accuracy() -> None:
    # 2,000 noised zeros: the share within the stated half-width is near 95 %.
    from haven.statistics._dp import _mechanism

    acc = accuracy(SPEC, DPPolicy(1.0))
    noise = _mechanism(acc.scale)([0] * 2000)
    inside = sum(abs(x) <= acc.noised for x in noise) / len(noise)
    assert 0.93 <= inside <= 0.975
    assert math.isclose(acc.confidence, 0.95)
