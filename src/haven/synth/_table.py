"""`generate_victim_table`: millions of synthetic victim rows for the statistics benchmarks.

Building Pydantic records for ten million victims would take hours; the table path draws the
statistical attributes only (no names), column-wise with the same `draw_attributes` as the
registry, so its marginals are the registry's. Rows are drawn in fixed-size chunks, each from
its own child seed, so memory stays bounded and a table of k million rows is the beginning
of every larger table of the same seed.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import numpy.typing as npt
import pyarrow as pa

from haven.standard import ExploitationForm
from haven.synth._attributes import (
    CITIZENSHIPS,
    EXPLOITATION_COUNTRIES,
    FORMS,
    ORG_CODES,
    ORG_COUNTRIES,
    STATUSES,
    Attributes,
    draw_attributes,
)
from haven.synth._profile import SECTOR_SHARES

__all__ = ["TABLE_COLUMNS", "generate_victim_table"]

_CHUNK = 1_000_000
_EPOCH = date(1970, 1, 1).toordinal()
_SECTORS = tuple(s.value for s in SECTOR_SHARES)
_SECTOR_P = np.asarray(list(SECTOR_SHARES.values()))

TABLE_COLUMNS: dict[str, str] = {
    "person_id": "int64: the true person; equal for a person's duplicate rows",
    "registered_on": "date32: day of registration",
    "year": "int16: year of registration",
    "organisation": "dictionary: registering organisation code, e.g. nl-police",
    "registering_country": "dictionary: ISO 3166-1 alpha-2 country of the organisation",
    "status": "dictionary: identified, presumed or reasonable_grounds",
    "sex": "dictionary: female or male",
    "age": "int8: age at registration in years",
    "age_group": "dictionary: child (under 18) or adult",
    "citizenship": "dictionary: ISO 3166-1 alpha-2, UNK (unknown) or STLS (stateless)",
    "country_of_exploitation": "dictionary: ISO 3166-1 alpha-2",
    "exploitation": "dictionary: form of exploitation (haven.standard.ExploitationForm)",
    "sector": "dictionary, null unless labour: ISIC Rev. 4 section",
}


def _dictionary(indices: npt.NDArray[np.int64], values: tuple[str, ...]) -> pa.Array:
    return pa.DictionaryArray.from_arrays(
        pa.array(indices.astype(np.int8)), pa.array(list(values), type=pa.string())
    )


def _sectors(rng: np.random.Generator, form: npt.NDArray[np.int64]) -> pa.Array:
    labour = form == FORMS.index(ExploitationForm.LABOUR)
    indices = np.asarray(
        rng.choice(len(_SECTORS), size=form.shape[0], p=_SECTOR_P / _SECTOR_P.sum()),
        dtype=np.int64,
    )
    return pa.DictionaryArray.from_arrays(
        pa.array(indices.astype(np.int8), mask=~labour), pa.array(list(_SECTORS))
    )


def _with_duplicates(
    rng: np.random.Generator, attrs: Attributes, first_id: int, rate: float,
    last_day: int,
) -> tuple[Attributes, npt.NDArray[np.int64]]:
    """Turn a `rate` share of rows into later registrations of a person of an earlier row."""
    n = attrs.age.shape[0]
    person = np.arange(first_id, first_id + n, dtype=np.int64)
    is_copy = rng.random(n) < rate
    copies, originals = np.flatnonzero(is_copy), np.flatnonzero(~is_copy)
    if copies.size == 0 or originals.size == 0:
        return attrs, person
    # A copy repeats a first registration, never another copy, so that ids stay consistent.
    source = originals[rng.integers(0, originals.size, size=copies.size)]
    person[copies] = person[source]
    later = attrs.registered_on[source] + rng.geometric(1 / 90, size=copies.size)
    fields = {}
    for name in ("form", "sex_female", "age", "citizenship", "exploitation_country"):
        column = getattr(attrs, name).copy()
        column[copies] = column[source]
        fields[name] = column
    registered = attrs.registered_on.copy()
    registered[copies] = np.minimum(later, last_day)
    return Attributes(
        registered_on=registered, status=attrs.status, form=fields["form"],
        sex_female=fields["sex_female"], age=fields["age"],
        citizenship=fields["citizenship"], registering_country=attrs.registering_country,
        exploitation_country=fields["exploitation_country"], organisation=attrs.organisation,
    ), person


def _batch(
    seed: np.random.SeedSequence, n: int, first_id: int, years: tuple[int, int],
    duplicate_rate: float,
) -> pa.RecordBatch:
    rng = np.random.default_rng(seed)
    last_day = min(date(years[1], 12, 31), date.today()).toordinal()
    attrs, person = _with_duplicates(rng, draw_attributes(rng, n, years), first_id,
                                     duplicate_rate, last_day)
    days = (attrs.registered_on - _EPOCH).astype(np.int32)
    year = days.astype("datetime64[D]").astype("datetime64[Y]").astype(np.int64) + 1970
    return pa.record_batch({
        "person_id": pa.array(person),
        "registered_on": pa.array(days, type=pa.int32()).cast(pa.date32()),
        "year": pa.array(year.astype(np.int16)),
        "organisation": _dictionary(attrs.organisation, ORG_CODES),
        "registering_country": _dictionary(attrs.registering_country, ORG_COUNTRIES),
        "status": _dictionary(attrs.status, tuple(s.value for s in STATUSES)),
        "sex": _dictionary(np.where(attrs.sex_female, 0, 1), ("female", "male")),
        "age": pa.array(attrs.age.astype(np.int8)),
        "age_group": _dictionary(np.where(attrs.age < 18, 0, 1), ("child", "adult")),
        "citizenship": _dictionary(attrs.citizenship, CITIZENSHIPS),
        "country_of_exploitation": _dictionary(attrs.exploitation_country,
                                               EXPLOITATION_COUNTRIES),
        "exploitation": _dictionary(attrs.form, tuple(f.value for f in FORMS)),
        "sector": _sectors(rng, attrs.form),
    })


def generate_victim_table(
    n: int, *, seed: int = 0, years: tuple[int, int] = (2017, 2018),
    duplicate_rate: float = 0.0,
) -> pa.Table:
    """Draw `n` victim rows (statistical attributes only) as an Arrow table.

    The columns are documented in `TABLE_COLUMNS`; categorical columns are dictionary-encoded
    (DuckDB reads them as ENUM-like strings, pandas as categoricals). Marginals are those of
    `generate_registry`.

    Args:
        n: number of rows (registrations).
        seed: the same seed gives the same table.
        years: first and last year of registration (inclusive).
        duplicate_rate: share of rows that are later registrations of a person of another
            row (same `person_id`, sex, age, citizenship, form and country of exploitation),
            for counting persons instead of registrations. Copies stay within their chunk
            of a million rows.

    Example:
        >>> table = generate_victim_table(1000, seed=1)
        >>> table.num_rows, table.column_names[:3]
        (1000, ['person_id', 'registered_on', 'year'])
    """
    if n < 0:
        raise ValueError("n must not be negative")
    if not 0 <= duplicate_rate < 1:
        raise ValueError("duplicate_rate must lie in [0, 1)")
    sizes = [_CHUNK] * (n // _CHUNK) + ([n % _CHUNK] if n % _CHUNK else [])
    seeds = np.random.SeedSequence(seed).spawn(len(sizes))
    batches = [
        _batch(s, size, k * _CHUNK, years, duplicate_rate)
        for k, (s, size) in enumerate(zip(seeds, sizes, strict=True))
    ]
    if not batches:
        batches = [_batch(np.random.SeedSequence(seed), 0, 0, years, 0.0)]
    return pa.Table.from_batches(batches)
