"""Reading scraped ads from JSON Lines, CSV or Parquet into a column table.

Bad rows (no id, a duplicate id, no text, an unknown country, an unreadable date or price)
are left out and reported, each with its row number, field and reason; they never stop the
batch. Only a file that cannot be read at all raises `ImportFailed`. Problems never quote
ad text, phones or names: only the row, the field and safe values such as a country code.
"""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import overload

import pycountry

from haven.exceptions import FieldProblem, ImportFailed, ValidationFailed

__all__ = ["AdTable", "TextColumn", "read_ads", "table_from_records"]

_COUNTRIES = frozenset(c.alpha_2 for c in pycountry.countries)
_SUFFIXES = {".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "jsonl", ".csv": "csv",
             ".parquet": "parquet", ".pq": "parquet"}


class TextColumn(Sequence[str]):
    """Strings kept as UTF-8 bytes.

    One emoji makes Python store a whole ad text at four bytes a character; a million ads
    would then take gigabytes. As UTF-8 they take about one byte a character, and a slice
    travels to a worker process as compact bytes.
    """

    __slots__ = ("_data",)

    def __init__(self, values: Iterable[str] = ()) -> None:
        self._data = [v.encode("utf-8") for v in values]

    def append(self, value: str) -> None:
        """Add one string."""
        self._data.append(value.encode("utf-8"))

    def __len__(self) -> int:
        return len(self._data)

    @overload
    def __getitem__(self, index: int) -> str: ...

    @overload
    def __getitem__(self, index: slice) -> TextColumn: ...

    def __getitem__(self, index: int | slice) -> str | TextColumn:
        if isinstance(index, slice):
            out = TextColumn()
            out._data = self._data[index]
            return out
        return self._data[index].decode("utf-8")

    def __eq__(self, other: object) -> bool:
        if isinstance(other, TextColumn):
            return self._data == other._data
        if isinstance(other, Sequence):
            return list(self) == list(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]  # mutable, like a list


@dataclass
class AdTable:
    """Ads as columns: index `i` of every list is one ad."""

    id: list[str] = field(default_factory=list)
    site: list[str] = field(default_factory=list)
    url: list[str] = field(default_factory=list)
    posted_at: list[float | None] = field(default_factory=list)  # POSIX seconds, UTC
    title: TextColumn = field(default_factory=TextColumn)
    text: TextColumn = field(default_factory=TextColumn)
    city: list[str] = field(default_factory=list)
    country: list[str | None] = field(default_factory=list)
    price: list[float | None] = field(default_factory=list)
    image_hashes: list[tuple[str, ...]] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.id)

    def slice(self, lo: int, hi: int) -> AdTable:
        """Rows `lo` to `hi` (exclusive) as a new table sharing the values."""
        return AdTable(*(getattr(self, f)[lo:hi] for f in self.__dataclass_fields__))


def _text(value: object) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return ""
    return str(value)


def _timestamp(value: object) -> float | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        stamp = value
    elif isinstance(value, int | float):
        return float(value)
    else:
        stamp = datetime.fromisoformat(str(value).strip().replace("Z", "+00:00"))
    if stamp.tzinfo is None:
        stamp = stamp.replace(tzinfo=UTC)
    return stamp.timestamp()


def _hashes(value: object) -> tuple[str, ...]:
    if value is None or value == "":
        return ()
    if isinstance(value, str):
        parts = value.replace("|", ";").replace(",", ";").split(";")
    else:
        parts = [str(v) for v in value]  # type: ignore[attr-defined]
    # the ads of one poster repeat their photos: one string per distinct hash
    return tuple(sys.intern(p.strip().lower()) for p in parts if p.strip())


def _add(table: AdTable, row: Mapping[str, object], line: int, seen: set[str],
         problems: list[FieldProblem], default_country: str | None) -> None:
    found: list[FieldProblem] = []
    ad_id = _text(row.get("id")).strip()
    if not ad_id:
        found.append(FieldProblem(line, "id", "missing"))
    elif ad_id in seen:
        found.append(FieldProblem(line, "id", "duplicate id"))
    title, text = _text(row.get("title")), _text(row.get("text"))
    if not (title.strip() or text.strip()):
        found.append(FieldProblem(line, "text", "no title and no text"))
    country = _text(row.get("country")).strip().upper() or default_country
    if country is not None and country not in _COUNTRIES:
        found.append(FieldProblem(line, "country", "not an ISO 3166-1 alpha-2 code",
                                  country[:8]))
    try:
        posted = _timestamp(row.get("posted_at"))
    except (ValueError, TypeError, OverflowError):
        found.append(FieldProblem(line, "posted_at", "not an ISO 8601 date-time"))
        posted = None
    raw_price = row.get("price")
    try:
        price = None if raw_price in (None, "") else float(str(raw_price).replace(",", "."))
    except ValueError:
        found.append(FieldProblem(line, "price", "not a number"))
        price = None
    if found:
        problems.extend(found)
        return
    seen.add(ad_id)
    table.id.append(ad_id)
    # sites, cities and countries repeat across a million ads: one string object each
    table.site.append(sys.intern(_text(row.get("site"))))
    table.url.append(_text(row.get("url")))
    table.posted_at.append(posted)
    table.title.append(title)
    table.text.append(text)
    table.city.append(sys.intern(_text(row.get("city")).strip()))
    table.country.append(None if country is None else sys.intern(country))
    table.price.append(price if price is None or price == price else None)
    table.image_hashes.append(_hashes(row.get("image_hashes")))


def _jsonl(path: Path, problems: list[FieldProblem]) -> Iterator[tuple[int, Mapping[str, object]]]:
    with path.open(encoding="utf-8") as lines:
        for line_no, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError:
                problems.append(FieldProblem(line_no, "line", "not valid JSON"))
                continue
            if not isinstance(row, dict):
                problems.append(FieldProblem(line_no, "line", "not a JSON object"))
                continue
            yield line_no, row


def _csv(path: Path) -> Iterator[tuple[int, Mapping[str, object]]]:
    csv.field_size_limit(min(sys.maxsize, 2**31 - 1))
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        if reader.fieldnames is None or "id" not in reader.fieldnames:
            raise ImportFailed(f"{path.name}: CSV header has no 'id' column")
        yield from enumerate(reader, start=1)


def _parquet(path: Path) -> Iterator[tuple[int, Mapping[str, object]]]:
    import pyarrow.parquet as pq

    try:
        parquet = pq.ParquetFile(path)
    except Exception as exc:  # pyarrow raises several types for a broken file
        raise ImportFailed(f"{path.name}: not a readable Parquet file") from exc
    row_no = 0
    for batch in parquet.iter_batches(batch_size=65536):
        rows = batch.to_pylist()
        yield from enumerate(rows, start=row_no + 1)
        row_no += len(rows)


def read_ads(path: Path, default_country: str | None = None) -> tuple[AdTable, list[FieldProblem]]:
    """Read ads from `path`; returns the good rows and every problem found in the bad ones.

    Args:
        path: a `.jsonl`/`.ndjson`/`.json` (JSON Lines), `.csv` or `.parquet` file.
        default_country: country for ads that name none (numbers without a country code
            are read in the ad's country).

    Raises:
        ImportFailed: the file is missing, of an unknown format, or not readable at all.
    """
    kind = _SUFFIXES.get(path.suffix.lower())
    if kind is None:
        raise ImportFailed(f"{path.name}: unknown format (use .jsonl, .csv or .parquet)")
    if not path.is_file():
        raise ImportFailed(f"{path.name}: no such file")
    table = AdTable()
    problems: list[FieldProblem] = []
    seen: set[str] = set()
    rows = {"jsonl": lambda: _jsonl(path, problems), "csv": lambda: _csv(path),
            "parquet": lambda: _parquet(path)}[kind]()
    try:
        for line, row in rows:
            _add(table, row, line, seen, problems, default_country)
    except UnicodeDecodeError as exc:
        raise ImportFailed(f"{path.name}: not UTF-8 text") from exc
    return table, problems


def table_from_records(records: Iterable[Mapping[str, object]],
                       default_country: str | None = None) -> AdTable:
    """Build a table from ad dicts (as `haven.synth.ads` makes them).

    Raises:
        ValidationFailed: listing every problem, when any record is bad.
    """
    table = AdTable()
    problems: list[FieldProblem] = []
    seen: set[str] = set()
    for row_no, record in enumerate(records, start=1):
        _add(table, record, row_no, seen, problems, default_country)
    if problems:
        raise ValidationFailed(problems)
    return table
