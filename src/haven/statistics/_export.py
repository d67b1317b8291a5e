"""Exports of releases: CSV, XLSX, JSON and SDMX-CSV, with the code lists documented.

Every function takes a `Release` (never exact counts), so the release policy has been applied
and recorded before anything is written. Suppressed cells are empty with their flag
(C primary, D secondary); DP cells carry their interval half-width.

SDMX-CSV (version 1.0 layout): DATAFLOW, one column per dimension, OBS_VALUE, OBS_STATUS,
CONF_STATUS. The codes are SDMX cross-domain codes where one exists (`_T` total, `_U`
unknown, `_O` other; SEX F/M; countries ISO 3166-1 alpha-2 in Eurostat's spelling, EL and
UK), else Haven's own lists in `SDMX_CODES` (`haven stats codes` prints them).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping
from enum import StrEnum
from pathlib import Path
from typing import Any

from haven.exceptions import FieldProblem, ValidationFailed
from haven.statistics._definitions import DIMENSIONS, TOTAL
from haven.statistics._release import CellStatus, Release, policy_json, spec_json

__all__ = ["SDMX_CODES", "ExportFormat", "code_lists", "export", "to_csv", "to_json",
           "to_sdmx_csv", "write_xlsx"]


class ExportFormat(StrEnum):
    CSV = "csv"
    JSON = "json"
    XLSX = "xlsx"
    SDMX = "sdmx"


_COMMON = {TOTAL: "_T", "unknown": "_U", "UNK": "_U", "other": "_O"}
SDMX_CODES: dict[str, dict[str, str]] = {
    "sex": {"female": "F", "male": "M"},
    "age_group": {"child": "Y_LT18", "adult": "Y_GE18"},
    "age_band": {"0-8": "Y0-8", "9-17": "Y9-17", "18-20": "Y18-20", "21-23": "Y21-23",
                 "24-26": "Y24-26", "27-29": "Y27-29", "30-38": "Y30-38", "39-47": "Y39-47",
                 "48+": "Y_GE48"},
    "status": {"identified": "IDENT", "presumed": "PRES"},
    "citizenship_group": {"national": "NAT", "other_eu": "EU27_2020_FOR",
                          "non_eu": "NEU27_2020_FOR"},
    "eu_citizenship": {"eu": "EU27_2020", "non_eu": "NEU27_2020"},
    "exploitation": {"sexual": "SEX", "labour": "LAB", "domestic_servitude": "DOM",
                     "forced_criminality": "CRIM", "forced_begging": "BEG",
                     "organ_removal": "ORG", "illegal_adoption": "ADOPT",
                     "forced_marriage": "MARR", "surrogacy": "SURR", "other": "OTH"},
    "stage": {"suspected": "SUSP", "prosecuted": "PROS", "convicted": "CONV"},
}
_COUNTRY_DIMS = {"citizenship", "suspect_citizenship", "country_of_exploitation",
                 "reporting_country"}
_EUROSTAT_COUNTRY = {"GR": "EL", "GB": "UK", "STLS": "STLS"}


def sdmx_code(dimension: str, code: str) -> str:
    """The SDMX code of a Haven code in a dimension."""
    if code in _COMMON:
        return _COMMON[code]
    if dimension in _COUNTRY_DIMS:
        return _EUROSTAT_COUNTRY.get(code, code)
    return SDMX_CODES.get(dimension, {}).get(code, code)


def code_lists() -> dict[str, Any]:
    """Every dimension's codes with their SDMX codes and labels, for documentation."""
    lists: dict[str, Any] = {}
    for name, dim in DIMENSIONS.items():
        codes = [{"haven": c, "sdmx": sdmx_code(name, c)} for c in dim.codes[:40]]
        lists[name] = {"label": dim.label, "sdmx_concept": dim.sdmx, "multi_valued": dim.multi,
                       "codes": codes, "more": max(len(dim.codes) - 40, 0)}
    lists["_special"] = {"_T": "total", "_U": "unknown", "_O": "other"}
    return lists


def _rows(release: Release) -> list[dict[str, Any]]:
    rows = []
    for key, value, flag in release.cells():
        row: dict[str, Any] = dict(zip(release.dimensions, key, strict=True))
        row["value"] = value
        row["flag"] = flag.value
        half = release.half_width(key)
        row["half_width_95"] = None if half is None else round(half, 2)
        rows.append(row)
    return rows


def _metadata(release: Release) -> dict[str, Any]:
    return {"release_id": str(release.id), "released_at": release.at.isoformat(),
            "released_by": release.actor, "channel": release.channel,
            "table": spec_json(release.spec), "policy": release.policy_name,
            "policy_parameters": policy_json(release.policy),
            "policy_text": release.policy_text(), "digest": release.digest,
            "flags": {"F": "free", "C": "confidential (primary)",
                      "D": "confidential (secondary)", "N": "noised (differential privacy)"}}


def to_csv(release: Release) -> str:
    """Long format: one row per cell, `_T` for totals, empty value where suppressed."""
    out = io.StringIO()
    fields = [*release.dimensions, "value", "flag", "half_width_95"]
    writer = csv.DictWriter(out, fieldnames=fields, lineterminator="\n")
    writer.writeheader()
    for row in _rows(release):
        writer.writerow({k: "" if v is None else v for k, v in row.items()})
    return out.getvalue()


def to_json(release: Release) -> str:
    return json.dumps({"metadata": _metadata(release), "cells": _rows(release)},
                      ensure_ascii=False, indent=1)


def to_sdmx_csv(release: Release, *, dataflow: str | None = None) -> str:
    """SDMX-CSV with SDMX codes; OBS_STATUS E marks DP values, CONF_STATUS C/D suppression."""
    flow = dataflow or f"HAVEN:THB_{release.spec.subject.value.upper()}(1.0)"
    concepts = [DIMENSIONS[d].sdmx for d in release.dimensions]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["DATAFLOW", *concepts, "UNIT_MEASURE", "OBS_VALUE", "OBS_STATUS",
                     "CONF_STATUS"])
    unit = "PER" if release.spec.counting == "persons" else "REG"
    for key, value, flag in release.cells():
        codes = [sdmx_code(d, c) for d, c in zip(release.dimensions, key, strict=True)]
        conf = {CellStatus.PRIMARY: "C", CellStatus.SECONDARY: "D"}.get(flag, "F")
        status = "E" if flag is CellStatus.NOISED else "A"
        writer.writerow([flow, *codes, unit, "" if value is None else value, status, conf])
    return out.getvalue()


def write_xlsx(release: Release, path: Path) -> Path:
    """A workbook: the table (long format), its metadata and the code lists used."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "table"
    fields = [*release.dimensions, "value", "flag", "half_width_95"]
    sheet.append(fields)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in _rows(release):
        sheet.append([row[f] for f in fields])
    meta = book.create_sheet("metadata")
    for name, value in _metadata(release).items():
        meta.append([name, json.dumps(value) if isinstance(value, Mapping | list) else value])
    codes = book.create_sheet("codes")
    codes.append(["dimension", "haven", "sdmx", "label"])
    from haven.statistics._charts import label

    for dim, cats in zip(release.dimensions, release.keys, strict=True):
        for code in (*cats, TOTAL):
            codes.append([dim, code, sdmx_code(dim, code), label(code)])
    book.save(path)
    return path


def export(release: Release, fmt: str, path: Path | None = None) -> str | Path:
    """Export `release` in `fmt`; text formats are returned when no path is given.

    Raises:
        ValidationFailed: unknown format, or XLSX without a path.
    """
    if not isinstance(release, Release):
        # Exact counts have no policy applied: refuse them on every path out.
        raise TypeError("only a Release can be exported")
    try:
        kind = ExportFormat(fmt.lower())
    except ValueError:
        raise ValidationFailed([FieldProblem(None, "format",
                                             "must be csv, json, xlsx or sdmx")]) from None
    if kind is ExportFormat.XLSX:
        if path is None:
            raise ValidationFailed([FieldProblem(None, "out", "XLSX needs a file (--out)")])
        return write_xlsx(release, path)
    text = {ExportFormat.CSV: to_csv, ExportFormat.JSON: to_json,
            ExportFormat.SDMX: to_sdmx_csv}[kind](release)
    if path is None:
        return text
    path.write_text(text, encoding="utf-8")
    return path
