"""Synthetic registries and ad corpora with ground truth, for demo, tests and benchmarks.

`generate_registry` builds a multi-agency, multi-country registry of victims, suspects and
cases whose proportions follow the EU strategy's 2017-2018 figures, with names in many
scripts, deliberate duplicates with realistic noise and hard negatives, each record carrying
its true person id. `generate_victim_table` draws the same statistical attributes column-wise
for millions of rows (no names), for the statistics benchmarks. Ad corpora live in
`haven.synth.ads`.

>>> from haven.synth import generate_registry, linkage_rows
>>> registry = generate_registry(200, seed=7)
>>> sorted(linkage_rows(registry)[0])[:3]
['alias', 'citizenship', 'date_of_birth']
"""

from haven.synth._files import (
    LINKAGE_COLUMNS,
    linkage_rows,
    write_linkage_csv,
    write_registry_files,
)
from haven.synth._people import HardNegative
from haven.synth._registry import (
    SyntheticCase,
    SyntheticRegistry,
    SyntheticSuspect,
    SyntheticVictim,
    generate_registry,
)
from haven.synth._render import NOISE_TYPES
from haven.synth._table import TABLE_COLUMNS, generate_victim_table

__all__ = [
    "LINKAGE_COLUMNS",
    "NOISE_TYPES",
    "TABLE_COLUMNS",
    "HardNegative",
    "SyntheticCase",
    "SyntheticRegistry",
    "SyntheticSuspect",
    "SyntheticVictim",
    "generate_registry",
    "generate_victim_table",
    "linkage_rows",
    "write_linkage_csv",
    "write_registry_files",
]
