"""An independent, straightforward computation of Haven's tables in pure Python.

Written from the definitions in docs/statistics.md, not from the SQL: loops over rows, sets of
units per cell. The engines must agree with it exactly.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from typing import Any

import pyarrow as pa

from haven.standard import EU27
from haven.statistics._definitions import TOTAL, Counting, Subject, TableSpec

UNKNOWNS = {"unknown", "UNK"}


def _victim_values(row: dict[str, Any]) -> dict[str, list[str]]:
    cits = row["citizenships"] or []
    own = row["organisation_country"]
    if not cits or "UNK" in cits:
        group, eu = "unknown", "unknown"
    else:
        eu = "eu" if any(c in EU27 for c in cits) else "non_eu"
        group = ("national" if own in cits else "other_eu" if eu == "eu" else "non_eu")
    return {
        "year": [str(row["year"])],
        "status": ["identified" if row["identification_status"] == "identified" else "presumed"],
        "sex": [row["sex"] or "unknown"],
        "age_group": [row["age_group"] or "unknown"],
        "age_band": [row["age_band"] or "unknown"],
        "citizenship_group": [group],
        "eu_citizenship": [eu],
        "citizenship": list(cits) or ["UNK"],
        "exploitation": list(row["exploitation_forms"] or []) or ["unknown"],
        "country_of_exploitation": [row["country_of_exploitation"] or "unknown"],
        "reporting_country": [own],
    }


def _suspect_values(row: dict[str, Any]) -> dict[str, list[str]]:
    cit = row["citizenship"] or "UNK"
    own = row["organisation_country"]
    if cit == "UNK":
        group, eu = "unknown", "unknown"
    else:
        eu = "eu" if cit in EU27 else "non_eu"
        group = "national" if cit == own else "other_eu" if eu == "eu" else "non_eu"
    return {"sex": [row["sex"] or "unknown"], "suspect_citizenship": [cit],
            "citizenship_group": [group], "eu_citizenship": [eu], "reporting_country": [own]}


def _events(row: dict[str, Any]) -> list[tuple[str, str]]:
    events = [("suspected", str(row["registered_on"].year))]
    for stage, on in zip(row["justice_stages"], row["justice_dates"], strict=True):
        if stage in ("prosecuted", "convicted"):
            events.append((stage, str(on.year)))
    return events


def reference_counts(spec: TableSpec, data: pa.Table) -> dict[tuple[str, ...], int]:
    """Count `spec` over `data`: {cell key: distinct units}, only cells with units."""
    units: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in data.to_pylist():
        if spec.countries is not None and row["organisation_country"] not in spec.countries:
            continue
        if spec.subject is Subject.VICTIMS:
            if row["identification_status"] == "declined":
                continue
            if spec.years and row["year"] not in spec.years:
                continue
            person = row["person_id"] or row["record_id"]
        else:
            if row["person_kind"] != "natural":
                continue
            person = row["record_id"]
        unit = person if spec.counting is Counting.PERSONS else row["record_id"]
        units[unit].append(row)
    cells: dict[tuple[str, ...], set[str]] = defaultdict(set)
    for unit, rows in units.items():
        for key in _unit_cells(spec, rows):
            cells[key].add(unit)
    return {key: len(members) for key, members in cells.items() if members}


def _unit_cells(spec: TableSpec, rows: list[dict[str, Any]]) -> set[tuple[str, ...]]:
    rows = sorted(rows, key=lambda r: (r["registered_on"], r["record_id"]))
    values_of = _victim_values if spec.subject is Subject.VICTIMS else _suspect_values
    per_row = [values_of(r) for r in rows]
    choices: list[list[tuple[str, ...]]] = []
    names = [n for n in spec.by if n not in ("stage", "year")] \
        if spec.subject is Subject.SUSPECTS else list(spec.by)
    for name in names:
        dim = next(d for d in spec.dimensions if d.name == name)
        if spec.is_multi(dim):
            found = sorted({v for vals in per_row for v in vals[name]})
            known = [v for v in found if v not in UNKNOWNS]
            choices.append([(v,) for v in (known or found)])
        else:
            firsts = [vals[name][0] for vals in per_row]
            known = [v for v in firsts if v not in UNKNOWNS]
            choices.append([((known or firsts)[0],)])
    if spec.subject is Subject.SUSPECTS:
        pair_names = [n for n in spec.by if n in ("stage", "year")]
        pairs = {e for r in rows for e in _events(r)
                 if not spec.years or int(e[1]) in spec.years}
        projected = sorted({tuple(s if n == "stage" else y for n in pair_names)
                            for s, y in pairs})
        if not projected:
            return set()
        choices.append(projected)
    keys: set[tuple[str, ...]] = set()
    for combo in itertools.product(*choices):
        flat = tuple(v for part in combo for v in part)
        ordered = _reorder(spec, names, flat)
        for mask in itertools.product((False, True), repeat=len(ordered)):
            keys.add(tuple(TOTAL if m else v for v, m in zip(ordered, mask, strict=True)))
    return keys


def _reorder(spec: TableSpec, names: list[str], flat: tuple[str, ...]) -> tuple[str, ...]:
    if spec.subject is Subject.VICTIMS:
        return flat
    pair_names = [n for n in spec.by if n in ("stage", "year")]
    by_name = dict(zip([*names, *pair_names], flat, strict=True))
    return tuple(by_name[n] for n in spec.by)
