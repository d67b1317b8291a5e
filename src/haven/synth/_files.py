"""Files from a synthetic registry: the linkage file interface and importable CSVs.

The linkage file is the interface of `haven link` (issue 5): one row per record with
`record_id, source_org, source_country, given_name, family_name, alias, date_of_birth, sex,
citizenship, registered_on` and, for scoring only, the true `person_id`. The registry files
are the flat CSV form of `haven.standard` that `haven import` reads, one file per
organisation and kind: `nl-police.victims.csv`, `nl-police.suspects.csv`, `nl-police.cases.csv`,
plus `organisations.csv`.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Literal

from pydantic import BaseModel

from haven.standard import COLUMNS, IdentifyingData, RecordKind, Sex, to_flat
from haven.synth._registry import SyntheticRegistry

__all__ = ["LINKAGE_COLUMNS", "linkage_rows", "write_linkage_csv", "write_registry_files"]

LINKAGE_COLUMNS: tuple[str, ...] = (
    "record_id", "source_org", "source_country", "given_name", "family_name", "alias",
    "date_of_birth", "sex", "citizenship", "registered_on", "person_id",
)
_SEX = {Sex.FEMALE: "F", Sex.MALE: "M"}
_ORG_COLUMNS = ("code", "name", "country", "type")


def _row(
    org: str, country: str, external_id: str, ident: IdentifyingData | None,
    sex: Sex | None, citizenship: str | None, registered_on: str, person_id: str,
) -> dict[str, str]:
    ident = ident or IdentifyingData()
    return {
        "record_id": f"{org}:{external_id}",
        "source_org": org,
        "source_country": country,
        "given_name": ident.given_names or "",
        "family_name": ident.family_name or "",
        "alias": ";".join(ident.aliases),
        "date_of_birth": ident.date_of_birth or "",
        "sex": _SEX.get(sex, "U") if sex is not None else "U",
        # STLS and UNK are not countries; the interface wants ISO-2 or empty.
        "citizenship": citizenship if citizenship and len(citizenship) == 2 else "",
        "registered_on": registered_on,
        "person_id": person_id,
    }


def linkage_rows(
    registry: SyntheticRegistry, *, kind: Literal["victim", "suspect"] = "victim"
) -> list[dict[str, str]]:
    """The registry's victims (or natural-person suspects) in the linkage file layout.

    `record_id` is `<org code>:<external id>`, unique over the whole file.
    """
    countries = {o.code: o.country for o in registry.organisations}
    if kind == "victim":
        return [
            _row(v.organisation_code, countries[v.organisation_code], v.record.external_id,
                 v.record.identifying, v.record.sex,
                 v.record.citizenships[0] if v.record.citizenships else None,
                 v.record.registered_on.isoformat(), v.person_id)
            for v in registry.victims
        ]
    return [
        _row(s.organisation_code, countries[s.organisation_code], s.record.external_id,
             s.record.identifying, s.record.sex, s.record.citizenship,
             s.record.registered_on.isoformat(), s.person_id)
        for s in registry.suspects if s.record.person_kind.value == "natural"
    ]


def _write_csv(path: Path, columns: Sequence[str], rows: Iterable[dict[str, str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(columns))
        writer.writeheader()
        writer.writerows(rows)
    return path


def write_linkage_csv(
    registry: SyntheticRegistry, path: str | Path, *, with_truth: bool,
    kind: Literal["victim", "suspect"] = "victim",
) -> Path:
    """Write the linkage file; without truth the `person_id` column is left out."""
    columns = LINKAGE_COLUMNS if with_truth else LINKAGE_COLUMNS[:-1]
    rows = linkage_rows(registry, kind=kind)
    if not with_truth:
        rows = [{c: r[c] for c in columns} for r in rows]
    return _write_csv(Path(path), columns, rows)


def _flat_rows(kind: RecordKind, records: Iterable[BaseModel]) -> list[dict[str, str]]:
    return [to_flat(kind, r, identifying=True) for r in records]


def write_registry_files(registry: SyntheticRegistry, directory: str | Path) -> list[Path]:
    """Write `organisations.csv` and `<org>.victims.csv`, `<org>.suspects.csv`,
    `<org>.cases.csv` per organisation (UTF-8, header = `COLUMNS[kind]`); returns the paths.

    Cases name their victims and suspects by external id, so import victims and suspects of
    an organisation before its cases.
    """
    out = Path(directory)
    out.mkdir(parents=True, exist_ok=True)
    orgs = [o.model_dump(mode="json") for o in registry.organisations]
    paths = [_write_csv(out / "organisations.csv", _ORG_COLUMNS,
                        ({c: str(o[c]) for c in _ORG_COLUMNS} for o in orgs))]
    groups: list[tuple[RecordKind, str, Sequence[tuple[str, BaseModel]]]] = [
        ("victim", "victims", [(v.organisation_code, v.record) for v in registry.victims]),
        ("suspect", "suspects", [(s.organisation_code, s.record) for s in registry.suspects]),
        ("case", "cases", [(c.organisation_code, c.record) for c in registry.cases]),
    ]
    for org in registry.organisations:
        for kind, plural, items in groups:
            records = [record for code, record in items if code == org.code]
            if records:
                paths.append(_write_csv(out / f"{org.code}.{plural}.csv", COLUMNS[kind],
                                        _flat_rows(kind, records)))
    return paths
