"""generate_victim_table: the scale path, with the registry's marginals."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pytest

from haven.standard import EU27
from haven.synth import TABLE_COLUMNS, generate_victim_table

ROWS = 200_000


@pytest.fixture(scope="module")
def table() -> pa.Table:
    return generate_victim_table(ROWS, seed=21)


def _share(table: pa.Table, column: str, values: set[str]) -> float:
    cells = table[column].cast(pa.string())
    hits = pc.sum(pc.is_in(cells, value_set=pa.array(sorted(values)))).as_py()
    return 100 * hits / table.num_rows


def test_columns_are_documented(table: pa.Table) -> None:
    assert table.column_names == list(TABLE_COLUMNS)
    assert table.num_rows == ROWS


@pytest.mark.parametrize(("column", "values", "target"), [
    ("status", {"identified"}, 63.7),
    ("sex", {"female"}, 72.0),
    ("age_group", {"child"}, 23.0),
    ("exploitation", {"sexual"}, 60.0),
    ("exploitation", {"labour"}, 15.0),
    ("citizenship", set(EU27), 49.0),
])
def test_marginals(table: pa.Table, column: str, values: set[str], target: float) -> None:
    assert _share(table, column, values) == pytest.approx(target, abs=1.0)


def test_female_share_of_sexual_exploitation(table: pa.Table) -> None:
    sexual = table.filter(pc.equal(table["exploitation"].cast(pa.string()), "sexual"))
    assert _share(sexual, "sex", {"female"}) == pytest.approx(92.0, abs=1.0)


def test_years_and_sectors(table: pa.Table) -> None:
    assert set(table["year"].to_pylist()) == {2017, 2018}
    years = np.asarray([d.year for d in table["registered_on"].slice(0, 1000).to_pylist()])
    assert (years == np.asarray(table["year"].slice(0, 1000))).all()
    labour = pc.equal(table["exploitation"].cast(pa.string()), "labour")
    assert pc.all(pc.equal(pc.is_valid(table["sector"]), labour)).as_py()


def test_age_agrees_with_age_group(table: pa.Table) -> None:
    child = pc.equal(table["age_group"].cast(pa.string()), "child")
    assert pc.all(pc.equal(pc.less(table["age"], 18), child)).as_py()


def test_same_seed_same_table() -> None:
    assert generate_victim_table(5000, seed=3).equals(generate_victim_table(5000, seed=3))
    assert not generate_victim_table(5000, seed=3).equals(generate_victim_table(5000, seed=4))


def test_duplicates_share_person_attributes() -> None:
    table = generate_victim_table(20_000, seed=5, duplicate_rate=0.2)
    ids = np.asarray(table["person_id"])
    assert 0.15 < 1 - len(np.unique(ids)) / len(ids) < 0.25
    frame = {c: table[c].cast(pa.string()).to_pylist() for c in ("sex", "citizenship")}
    seen: dict[int, tuple[str, str]] = {}
    for i, person in enumerate(ids.tolist()):
        key = (frame["sex"][i], frame["citizenship"][i])
        assert seen.setdefault(person, key) == key


def test_empty_table() -> None:
    assert generate_victim_table(0).num_rows == 0
