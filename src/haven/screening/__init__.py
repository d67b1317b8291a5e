"""Screening online ads for signs of trafficking: hidden contacts, templates, networks, risk.

Read ads (`read_ads`), screen them on an engine (`screen` with `LocalEngine` or
`SparkEngine`) and write the triage files (`write_outputs`). The scores order a triage list
for analysts; they are never a verdict.

Example:
    >>> from haven.synth.ads import generate_ads
    >>> from haven.screening import LocalEngine, screen, table_from_records
    >>> result = screen(table_from_records(generate_ads(50, seed=1).ads), LocalEngine(1))
    >>> len(result.risk)
    50
"""

from haven.screening._engines import LocalEngine, SparkEngine, make_engine
from haven.screening._ingest import AdTable, TextColumn, read_ads, table_from_records
from haven.screening._outputs import write_outputs
from haven.screening._pipeline import Screening, ScreenOptions, screen

__all__ = [
    "AdTable",
    "LocalEngine",
    "ScreenOptions",
    "Screening",
    "SparkEngine",
    "TextColumn",
    "make_engine",
    "read_ads",
    "screen",
    "table_from_records",
    "write_outputs",
]
