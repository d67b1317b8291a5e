"""Eurostat-, UNODC- and SDG-comparable statistics with disclosure control built in.

Tables count persons (as resolved by linkage) or registrations, by year, sex, age, citizenship,
form and country of exploitation; suspects by criminal-justice stage. Nothing leaves without
a release policy: suppression with secondary suppression proved by an LP audit, or
differential privacy (OpenDP, integer noise) against a budget ledger in the database.

>>> spec = TableSpec.parse("victims", ["sex", "exploitation"], years=[2018])
>>> policy = SuppressionPolicy()
>>> release = release_table(registry, spec, policy, actor="rapporteur")  # doctest: +SKIP
>>> export(release, "sdmx")                                             # doctest: +SKIP

Names load lazily, so that importing the package (e.g. for its database tables during a
migration) does not import DuckDB, OpenDP or matplotlib.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from haven.statistics._charts import chart_data
    from haven.statistics._definitions import Counting, Subject, TableSpec
    from haven.statistics._dp import DPPolicy, accuracy
    from haven.statistics._engine import DuckDBEngine, SparkEngine
    from haven.statistics._export import code_lists, export
    from haven.statistics._population import load_population, sdg_16_2_2
    from haven.statistics._publish import flows, publish_figures
    from haven.statistics._release import (
        BudgetExceeded,
        BudgetMissing,
        Release,
        SuppressionPolicy,
        budget_status,
        release_table,
        release_tables,
        releases,
        set_budget,
    )

__all__ = [
    "BudgetExceeded",
    "BudgetMissing",
    "Counting",
    "DPPolicy",
    "DuckDBEngine",
    "Release",
    "SparkEngine",
    "Subject",
    "SuppressionPolicy",
    "TableSpec",
    "accuracy",
    "budget_status",
    "chart_data",
    "code_lists",
    "export",
    "flows",
    "load_population",
    "publish_figures",
    "release_table",
    "release_tables",
    "releases",
    "sdg_16_2_2",
    "set_budget",
]

_WHERE = {
    "chart_data": "_charts", "Counting": "_definitions", "Subject": "_definitions",
    "TableSpec": "_definitions", "DPPolicy": "_dp", "accuracy": "_dp",
    "DuckDBEngine": "_engine", "SparkEngine": "_engine", "code_lists": "_export",
    "export": "_export", "load_population": "_population", "sdg_16_2_2": "_population",
    "flows": "_publish", "publish_figures": "_publish", "BudgetExceeded": "_release",
    "BudgetMissing": "_release", "Release": "_release", "SuppressionPolicy": "_release",
    "budget_status": "_release", "release_table": "_release", "release_tables": "_release",
    "releases": "_release",
    "set_budget": "_release",
}


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'haven.statistics' has no attribute {name!r}")
    return getattr(importlib.import_module(f"haven.statistics.{module}"), name)
