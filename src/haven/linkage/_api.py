"""The linkage jobs as callers use them: on tables and files, and on the registry.

`dedupe_table` and `encode_table` take the linkage file interface as an Arrow table;
`dedupe_registry` reads every organisation's victims (identifying data decrypted per record
through the stores, so every read is audited), deduplicates them in the clear and stores a
person id per record, which the statistics module counts persons by.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import TYPE_CHECKING, Any

import numpy as np
import pyarrow as pa

from haven.linkage._blocking_keys import blocking_keys
from haven.linkage._bloom import EncodingSpec, encode_prepared, key_check
from haven.linkage._cluster import ClusterOptions, person_id_for
from haven.linkage._dedupe import DedupeResult, dedupe
from haven.linkage._hub import EncodedParty
from haven.linkage._records import prepare
from haven.linkage._review import ReviewDecisions
from haven.linkage._splink_settings import Dialect, ModelConfig

if TYPE_CHECKING:
    from haven.registry import Registry

__all__ = ["count_persons", "dedupe_registry", "dedupe_table", "encode_table",
           "registry_linkage_table"]

Progress = Callable[[str], None]


def _frozen(record_ids: list[str], existing: Mapping[str, str]) -> list[int]:
    labels: dict[str, int] = {}
    return [labels.setdefault(existing[r], len(labels)) if r in existing else -1
            for r in record_ids]


def _keep_existing_ids(result: DedupeResult, existing: Mapping[str, str]) -> DedupeResult:
    """Persons already known keep their id; a new record joining one takes that id."""
    by_label: dict[int, str] = {}
    members: dict[int, list[str]] = {}
    for record_id, label in zip(result.record_ids, result.labels.tolist(), strict=True):
        members.setdefault(label, []).append(record_id)
        if record_id in existing:
            by_label.setdefault(label, existing[record_id])
    ids = {label: by_label.get(label) or person_id_for(m) for label, m in members.items()}
    person_ids = {r: ids[label] for r, label in zip(result.record_ids, result.labels.tolist(),
                                                   strict=True)}
    return replace(result, person_ids=person_ids)


def dedupe_table(table: pa.Table, *, config: ModelConfig | None = None,
                 options: ClusterOptions | None = None,
                 decisions: ReviewDecisions | None = None, engine: Dialect = "duckdb",
                 spark: Any | None = None, model: dict[str, Any] | None = None,
                 existing: Mapping[str, str] | None = None) -> DedupeResult:
    """Deduplicate records in the linkage file layout into persons.

    Args:
        table: records (`record_id`, `source_org`, names, `date_of_birth`, ...).
        config: comparisons and training.
        options: clustering thresholds and constraints.
        decisions: reviewed merges and splits, applied as hard constraints.
        engine: "duckdb" or "spark".
        spark: the SparkSession for the Spark engine.
        model: a trained model to reuse (incremental runs), else one is trained.
        existing: person id per record already linked; those persons stay as they are and
            new records join them or form new persons (incremental linkage).

    Example:
        >>> result = dedupe_table(table)                          # doctest: +SKIP
        >>> result.person_ids["nl-police:V-17"]                   # doctest: +SKIP
        'P-3f9c0a1b2c3d4e5f'
    """
    cfg = config or ModelConfig()
    prepared = prepare(table, cfg.extra_columns)
    record_ids = [str(r) for r in prepared.column("record_id").to_pylist()]
    opts = options or ClusterOptions()
    if decisions is not None:
        same, different = decisions.as_indices({r: i for i, r in enumerate(record_ids)})
        opts = replace(opts, must_link=(*opts.must_link, *same),
                       cannot_link=(*opts.cannot_link, *different))
    if existing and decisions is not None:
        # A split record leaves its stored person, or the freeze would keep it there.
        split = {r for pair in decisions.different for r in pair}
        existing = {r: p for r, p in existing.items() if r not in split}
    frozen = _frozen(record_ids, existing) if existing else None
    result = dedupe(prepared, cfg, opts, engine=engine, spark=spark, model=model,
                    frozen=frozen)
    return _keep_existing_ids(result, existing) if existing else result


def encode_table(table: pa.Table, key: bytes, spec: EncodingSpec | None = None
                 ) -> list[EncodedParty]:
    """Encode records for the hub, one `EncodedParty` per `source_org` in the table."""
    spec = spec or EncodingSpec()
    extra = tuple(f.name for f in spec.extra_fields)
    prepared = prepare(table, extra)
    bits = encode_prepared(prepared, key, spec)
    keys = blocking_keys(prepared, key, spec.key_bits) if spec.blocking_keys else None
    sources = np.asarray(prepared.column("source_org").to_pylist(), dtype=object)
    check = key_check(key)
    parties = []
    for source in dict.fromkeys(sources.tolist()):
        rows = np.flatnonzero(sources == source)
        attributes = {c: [table.column(c)[int(i)].as_py() for i in rows]
                      for c in ("source_country", "sex", "citizenship", "registered_on")
                      if c in table.column_names}
        parties.append(EncodedParty(
            str(source), [str(table.column("record_id")[int(i)].as_py()) for i in rows],
            bits[rows], spec.scheme, check, attributes,
            None if keys is None else keys.take(rows.astype(np.int64))))
    return parties


def count_persons(table: pa.Table) -> int:
    """Distinct persons in a victim table: distinct person ids, and each unresolved record
    (null person id) as a person of its own."""
    ids = table.column("person_id").to_pylist()
    return len({p for p in ids if p is not None}) + sum(p is None for p in ids)


def registry_linkage_table(registry: Registry, actor: str,
                           progress: Progress | None = None) -> tuple[pa.Table, dict[str, str]]:
    """Every victim of every organisation in the linkage layout, and record id -> uuid.

    Record ids are `<org code>:<external id>`. Identifying data is read through each
    organisation's store with the identifying permission, so the audit log names every read.
    """
    from haven.registry import Scope

    rows: list[dict[str, str | None]] = []
    uuids: dict[str, str] = {}
    for org in registry.organisations():
        if progress is not None:
            progress(org.code)
        with registry.transaction(Scope(actor, org.id, identifying=True)) as tx:
            ids: dict[str, uuid.UUID] = {}
            offset = 0
            while True:
                page = tx.victims.page(offset=offset, limit=500)
                ids |= {v.external_id: v.id for v in page.items}
                offset += len(page.items)
                if not page.items or offset >= page.total:
                    break
            for record in tx.victims.records(identifying=True):
                ident = record.identifying
                record_id = f"{org.code}:{record.external_id}"
                uuids[record_id] = str(ids[record.external_id])
                rows.append({
                    "record_id": record_id, "source_org": org.code,
                    "source_country": org.country,
                    "given_name": ident.given_names if ident else None,
                    "family_name": ident.family_name if ident else None,
                    "alias": "|".join(ident.aliases) if ident and ident.aliases else None,
                    "date_of_birth": ident.date_of_birth if ident else None,
                    "sex": {"female": "F", "male": "M"}.get(str(record.sex.value), "U"),
                    "citizenship": record.citizenships[0] if record.citizenships else None,
                    "registered_on": record.registered_on.isoformat(),
                })
    columns = ("record_id", "source_org", "source_country", "given_name", "family_name",
               "alias", "date_of_birth", "sex", "citizenship", "registered_on")
    table = pa.table({c: pa.array([r[c] for r in rows], pa.string()) for c in columns})
    return table, uuids


def dedupe_registry(registry: Registry, actor: str, *, store: bool = True,
                    decisions: ReviewDecisions | None = None,
                    options: ClusterOptions | None = None,
                    config: ModelConfig | None = None,
                    progress: Progress | None = None) -> DedupeResult:
    """Deduplicate the registry's victims in the clear and store a person id per record.

    Persons already stored keep their ids (incremental): records linked earlier are frozen
    into their persons and new registrations join them or become new persons.
    """
    from haven.registry import AggregateScope

    table, uuids = registry_linkage_table(registry, actor, progress)
    stored = registry.victim_table(AggregateScope(actor))
    by_uuid = dict(zip(stored.column("record_id").to_pylist(),
                       stored.column("person_id").to_pylist(), strict=True))
    existing = {r: by_uuid[u] for r, u in uuids.items() if by_uuid.get(u)}
    result = dedupe_table(table, config=config, options=options, decisions=decisions,
                          existing=existing or None)
    if store:
        registry.set_person_ids(actor, {uuid.UUID(uuids[r]): p
                                        for r, p in result.person_ids.items()})
    return result
