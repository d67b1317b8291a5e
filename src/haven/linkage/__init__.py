"""Counting each person once: cleartext deduplication and privacy-preserving linkage.

Inside one installation, `dedupe_table` / `dedupe_registry` link records with Splink 5
(DuckDB by default, Spark for scale) and constrained clustering. Across organisations and
countries, each party runs `encode_table` with a shared secret the hub never sees, and the
hub runs `link_parties` on the encodings alone. `evaluate` scores any result against truth.

>>> from haven.linkage import dedupe_table, evaluate          # doctest: +SKIP
>>> result = dedupe_table(table)                               # doctest: +SKIP
>>> evaluate(result.person_ids, truth).f1                      # doctest: +SKIP
"""

from haven.linkage._api import count_persons, dedupe_registry, dedupe_table, encode_table
from haven.linkage._bloom import EncodingSpec, FieldWeight
from haven.linkage._cluster import ClusterOptions
from haven.linkage._dedupe import DedupeResult, Evidence
from haven.linkage._evaluate import LinkageQuality, evaluate
from haven.linkage._exchange import read_encodings, write_encodings
from haven.linkage._hub import EncodedParty, HubOptions, HubResult, link_parties
from haven.linkage._records import read_table
from haven.linkage._review import ReviewDecisions
from haven.linkage._splink_settings import ModelConfig

__all__ = [
    "ClusterOptions",
    "DedupeResult",
    "EncodedParty",
    "EncodingSpec",
    "Evidence",
    "FieldWeight",
    "HubOptions",
    "HubResult",
    "LinkageQuality",
    "ModelConfig",
    "ReviewDecisions",
    "count_persons",
    "dedupe_registry",
    "dedupe_table",
    "encode_table",
    "evaluate",
    "link_parties",
    "read_encodings",
    "read_table",
    "write_encodings",
]
