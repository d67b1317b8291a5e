"""Reading ads: three formats, every bad row reported, none fatal, no personal data shown."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from haven.exceptions import ImportFailed, ValidationFailed
from haven.screening import read_ads, table_from_records
from haven.synth.ads import AdCorpus

GOOD = {"id": "a1", "site": "s", "url": "u", "posted_at": "2026-01-02T10:00:00Z",
        "title": "Anna", "text": "call 0612345678", "city": "Utrecht", "country": "nl",
        "price": "120", "image_hashes": ["ABC", "def"]}


def test_jsonl_csv_and_parquet_give_the_same_table(tmp_path: Path, small_corpus: AdCorpus
                                                   ) -> None:
    jl = small_corpus.write_jsonl(tmp_path / "ads.jsonl")
    cs = small_corpus.write_csv(tmp_path / "ads.csv")
    pq.write_table(pa.Table.from_pylist(small_corpus.ads), tmp_path / "ads.parquet")
    tables = [read_ads(p) for p in (jl, cs, tmp_path / "ads.parquet")]
    assert all(problems == [] for _, problems in tables)
    first = tables[0][0]
    assert len(first) == len(small_corpus.ads)
    for other, _ in tables[1:]:
        assert other.id == first.id
        assert other.text == first.text
        assert other.country == first.country
        assert other.image_hashes == first.image_hashes
        assert other.posted_at == first.posted_at
        assert other.price == first.price


def test_bad_rows_are_all_reported_and_skipped(tmp_path: Path) -> None:
    rows = [
        GOOD,
        {**GOOD, "id": ""},
        {**GOOD},  # duplicate id
        {**GOOD, "id": "a4", "title": "", "text": " "},
        {**GOOD, "id": "a5", "country": "Netherlands", "posted_at": "yesterday"},
        {**GOOD, "id": "a6", "price": "cheap"},
        {**GOOD, "id": "a7"},
    ]
    path = tmp_path / "ads.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n{not json\n[1, 2]\n",
                    encoding="utf-8")
    table, problems = read_ads(path)
    assert table.id == ["a1", "a7"]
    got = [(p.row, p.field, p.reason) for p in problems]
    assert got == [
        (2, "id", "missing"), (3, "id", "duplicate id"), (4, "text", "no title and no text"),
        (5, "country", "not an ISO 3166-1 alpha-2 code"),
        (5, "posted_at", "not an ISO 8601 date-time"), (6, "price", "not a number"),
        (8, "line", "not valid JSON"), (9, "line", "not a JSON object"),
    ]
    shown = " ".join(str(p) for p in problems)
    assert "0612345678" not in shown and "Anna" not in shown  # no personal data in problems


def test_values_are_normalised(tmp_path: Path) -> None:
    t = table_from_records([GOOD])
    assert t.country == ["NL"]
    assert t.price == [120.0]
    assert t.image_hashes == [("abc", "def")]
    assert t.posted_at == [1767348000.0]


def test_default_country_for_ads_without_one() -> None:
    t = table_from_records([{**GOOD, "country": ""}], default_country="BE")
    assert t.country == ["BE"]


def test_table_from_records_raises_with_every_problem() -> None:
    with pytest.raises(ValidationFailed) as err:
        table_from_records([{**GOOD, "id": ""}, {**GOOD, "id": "b", "country": "XX"}])
    assert [p.field for p in err.value.problems] == ["id", "country"]


def test_unreadable_files_fail_as_a_whole(tmp_path: Path) -> None:
    with pytest.raises(ImportFailed, match="unknown format"):
        read_ads(tmp_path / "ads.xlsx")
    with pytest.raises(ImportFailed, match="no such file"):
        read_ads(tmp_path / "missing.jsonl")
    bad = tmp_path / "bad.csv"
    bad.write_text("name,text\nx,y\n", encoding="utf-8")
    with pytest.raises(ImportFailed, match="no 'id' column"):
        read_ads(bad)
    latin = tmp_path / "latin.jsonl"
    latin.write_bytes('{"id": "1", "text": "caf\xe9"}\n'.encode("latin-1"))
    with pytest.raises(ImportFailed, match="not UTF-8"):
        read_ads(latin)
    broken = tmp_path / "broken.parquet"
    broken.write_bytes(b"not parquet")
    with pytest.raises(ImportFailed, match="Parquet"):
        read_ads(broken)


def test_text_column_keeps_strings_compact_and_exact() -> None:
    import pickle

    from haven.screening import TextColumn

    values = ["plain", "💋 Нова в града 0️⃣6️⃣", ""]
    col = TextColumn(values)
    assert list(col) == values and col[1] == values[1] and len(col) == 3
    assert col[1:] == values[1:] and isinstance(col[1:], TextColumn)
    assert pickle.loads(pickle.dumps(col)) == col  # noqa: S301 - our own bytes, as workers get them
    col.append("more")
    assert col[-1] == "more"
    assert col != ["other"]
