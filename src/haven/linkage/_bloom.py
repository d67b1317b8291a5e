"""Hardened Bloom-filter encodings of identifying fields (cryptographic long-term keys).

Each data holder turns a record's names and date of birth into one bit array. N-grams of every
field are hashed with HMAC-SHA256 under the parties' shared secret, which the linkage hub never
holds, so the hub (or anyone holding an export) cannot rebuild an encoding from a guessed name.
Hardening against pattern-mining attacks, which need no key:

- *record-level encoding*: all fields share one array, so no bit pattern stands for one field;
- *independent positions*: each n-gram's positions come straight from the HMAC digest, not
  from double hashing, whose arithmetic structure a known attack exploits;
- *per-field weights*: a field sets `k` positions per n-gram in proportion to how much it says;
- *balancing*: the array is followed by its complement and the whole permuted by a keyed
  permutation, so every encoding has exactly half its bits set and the number of n-grams
  (name length, missing fields) is hidden;
- *XOR-folding* (optional): the two halves are XOR-ed, halving the size and mixing positions.

The comparison is Sørensen–Dice on the bits, in `_hub.py`.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pyarrow as pa

from haven.exceptions import ConfigurationError

__all__ = [
    "MIN_KEY_BYTES",
    "EncodingSpec",
    "FieldWeight",
    "encode_prepared",
    "key_check",
    "ngrams",
    "pack",
    "popcounts",
    "read_key",
    "to_bytes",
]

MIN_KEY_BYTES = 32
_CHUNK = 20_000  # records per dense block: bounds memory at ~40 MB for 2,048-bit encodings
Bits = npt.NDArray[np.uint64]


@dataclass(frozen=True, slots=True)
class FieldWeight:
    """One encoded field: which prepared value, how many positions per n-gram."""

    name: str
    k: int


# Weights chosen on synthetic registry seed 1 (tuning only) among three candidates: the date
# of birth weighs more than the name because namesakes are common among victims.
_DEFAULT_FIELDS = (
    FieldWeight("name", 12),       # skeleton tokens of given and family names, order-free
    FieldWeight("alias", 4),       # skeleton tokens of aliases
    FieldWeight("dob", 16),        # YYYYMMDD digits; partial dates encode what they have
    FieldWeight("dob_year", 4),    # the year once more as a whole token
    FieldWeight("sex", 6),
)


@dataclass(frozen=True, slots=True)
class EncodingSpec:
    """How encodings are built; every party and the hub must use the same spec.

    Attributes:
        bits: length of the base array (a multiple of 64); balanced output is twice as long.
            512 (1,024 bits out) separated FEBRL3 matches best of 512/1024 balanced,
            1024 balanced-and-folded and 1024 plain (docs/linkage.md).
        q: n-gram length.
        fields: encoded fields with their weights.
        extra_fields: extra prepared columns (`x_...`) with their weights.
        balance: append the complement and permute (every encoding half full).
        fold: XOR-fold after balancing (halves the length).
        blocking_keys: also export keyed blocking keys (`_blocking_keys.py`), so that the
            hub can link 100,000+ records without comparing all pairs.
        key_bits: length of a blocking key; shorter keys mix more values per key (less
            to learn from key frequencies, more candidate pairs).
        salt: a field (`dob_year`, `sex`) whose value is mixed into every HMAC message,
            so that records differing in it share no positions beyond chance: their Dice
            tells the hub nothing (the graph matching attack, `_graph_attack.py`), at the
            price of never linking them. None: unsalted.
    """

    bits: int = 512
    q: int = 2
    fields: tuple[FieldWeight, ...] = _DEFAULT_FIELDS
    extra_fields: tuple[FieldWeight, ...] = field(default_factory=tuple)
    balance: bool = True
    fold: bool = False
    blocking_keys: bool = False
    key_bits: int = 16
    salt: str | None = None

    @property
    def output_bits(self) -> int:
        n = self.bits * (2 if self.balance else 1)
        return n // 2 if self.fold else n

    @property
    def scheme(self) -> str:
        """A printable name of the spec, written into every export and checked by the hub."""
        weights = ",".join(f"{f.name}:{f.k}" for f in (*self.fields, *self.extra_fields))
        flags = ("b" if self.balance else "") + ("f" if self.fold else "") + (
            f"k{self.key_bits}" if self.blocking_keys else "")
        salt = f"/salt:{self.salt}" if self.salt else ""
        return f"clk1/{self.bits}/q{self.q}/{flags or '-'}/{weights}{salt}"

    def check(self) -> None:
        if self.bits % 64 or self.bits <= 0 or self.bits > 1 << 16:
            raise ConfigurationError("encoding length must be a positive multiple of 64")
        if self.fold and not self.balance:
            raise ConfigurationError("XOR-folding is only offered after balancing")
        if not 1 <= self.key_bits <= 64:
            raise ConfigurationError("blocking keys must have 1 to 64 bits")
        if self.salt not in (None, "dob_year", "sex", "citizenship"):
            raise ConfigurationError("the salt must be dob_year, sex or citizenship")


def read_key(path: Path) -> bytes:
    """Read the shared secret; any bytes, at least 32 of them.

    Raises:
        ConfigurationError: the file is missing, unreadable or too short.
    """
    try:
        key = path.read_bytes()
    except OSError:
        raise ConfigurationError(f"cannot read the key file {path.name}") from None
    if len(key) < MIN_KEY_BYTES:
        raise ConfigurationError(f"the key file must hold at least {MIN_KEY_BYTES} bytes")
    return key


def key_check(key: bytes) -> str:
    """A short tag proving two parties hold the same key, without revealing the key."""
    return hmac.new(key, b"haven-linkage key check v1", hashlib.sha256).hexdigest()[:16]


def ngrams(text: str, q: int) -> list[str]:
    """Padded n-grams of each space-separated token: 'ana' -> _a an na a_ for q=2."""
    grams: list[str] = []
    for token in text.split():
        padded = f"_{token}_"
        grams += [padded[i:i + q] for i in range(max(1, len(padded) - q + 1))]
    return grams


class _Hasher:
    """HMAC positions of (field, n-gram), memoised: names repeat, and HMAC is the hot path."""

    def __init__(self, key: bytes, bits: int) -> None:
        self._mac = hmac.new(key, digestmod=hashlib.sha256)
        self._bits = bits
        self._cache: dict[tuple[str, str, int], list[int]] = {}

    def positions(self, field_name: str, gram: str, k: int) -> list[int]:
        cached = self._cache.get((field_name, gram, k))
        if cached is not None:
            return cached
        out: list[int] = []
        counter = 0
        while len(out) < k:
            mac = self._mac.copy()
            mac.update(f"{field_name}\x00{gram}\x00{counter}".encode())
            words = np.frombuffer(mac.digest(), dtype="<u4")
            out += [int(w) % self._bits for w in words[: k - len(out)]]
            counter += 1
        self._cache[(field_name, gram, k)] = out
        return out


def _field_values(prepared: pa.Table, spec: EncodingSpec) -> dict[str, list[str]]:
    def col(name: str) -> list[str]:
        return ["" if v is None else str(v) for v in prepared.column(name).to_pylist()]
    tokens = prepared.column("name_tokens").to_pylist()
    aliases = prepared.column("alias_keys").to_pylist()
    years = prepared.column("dob_year").to_pylist()
    months = prepared.column("dob_month").to_pylist()
    days = prepared.column("dob_day").to_pylist()
    dob = ["" if y is None else f"{y:04d}" + ("" if m is None else f"{m:02d}"
                                              + ("" if d is None else f"{d:02d}"))
           for y, m, d in zip(years, months, days, strict=True)]
    values = {
        "name": [" ".join(t or []) for t in tokens],
        "alias": [" ".join(a or []) for a in aliases],
        "dob": dob,
        "dob_year": ["" if y is None else f"y{y}" for y in years],
        "sex": col("sex"),
        "citizenship": col("citizenship"),
    }
    for extra in spec.extra_fields:
        values[extra.name] = col(f"x_{extra.name}")
    return values


def _whole_token(field_name: str) -> bool:
    return field_name in {"dob_year", "sex", "citizenship"}


def _base_arrays(prepared: pa.Table, hasher: _Hasher, spec: EncodingSpec
                 ) -> npt.NDArray[np.uint8]:
    values = _field_values(prepared, spec)
    salts = values[spec.salt] if spec.salt else [""] * prepared.num_rows
    rows: list[int] = []
    cols: list[int] = []
    for weight in (*spec.fields, *spec.extra_fields):
        for index, text in enumerate(values[weight.name]):
            if not text:
                continue
            grams = [text] if _whole_token(weight.name) else ngrams(text, spec.q)
            # A salted field name ("name\x01y1990") cannot collide with an unsalted one.
            name = f"{weight.name}\x01{salts[index]}" if spec.salt else weight.name
            for gram in grams:
                positions = hasher.positions(name, gram, weight.k)
                rows += [index] * len(positions)
                cols += positions
    dense = np.zeros((prepared.num_rows, spec.bits), dtype=np.uint8)
    dense[np.asarray(rows, np.int64), np.asarray(cols, np.int64)] = 1
    return dense


def _permutation(key: bytes, n: int) -> npt.NDArray[np.int64]:
    seed = hmac.new(key, b"haven-linkage permutation v1", hashlib.sha256).digest()
    rng = np.random.Generator(np.random.PCG64(int.from_bytes(seed, "little")))
    return rng.permutation(n)


def pack(dense: npt.NDArray[np.uint8]) -> Bits:
    """Pack rows of 0/1 bytes into uint64 words (little-endian bit order inside a byte)."""
    packed = np.packbits(dense, axis=1, bitorder="little")
    return np.ascontiguousarray(packed).view("<u8").astype(np.uint64, copy=False)


def encode_prepared(prepared: pa.Table, key: bytes, spec: EncodingSpec | None = None
                    ) -> Bits:
    """Encode prepared records: one row of packed uint64 words per record.

    Raises:
        ConfigurationError: the key is shorter than 32 bytes or the spec is invalid.
    """
    spec = spec or EncodingSpec()
    spec.check()
    if len(key) < MIN_KEY_BYTES:
        raise ConfigurationError(f"the key must hold at least {MIN_KEY_BYTES} bytes")
    hasher = _Hasher(key, spec.bits)
    order = _permutation(key, 2 * spec.bits) if spec.balance else None
    chunks = []
    for start in range(0, max(prepared.num_rows, 1), _CHUNK):
        dense = _base_arrays(prepared.slice(start, _CHUNK), hasher, spec)
        if order is not None:
            dense = np.concatenate([dense, 1 - dense], axis=1)[:, order]
        if spec.fold:
            half = dense.shape[1] // 2
            dense = dense[:, :half] ^ dense[:, half:]
        chunks.append(pack(dense))
    return np.concatenate(chunks) if chunks else np.zeros((0, spec.output_bits // 64), np.uint64)


def popcounts(bits: Bits) -> npt.NDArray[np.int64]:
    """Set bits per encoding."""
    return np.asarray(np.bitwise_count(bits).sum(axis=1, dtype=np.int64), dtype=np.int64)


def to_bytes(rows: Iterable[Sequence[int]] | Bits) -> list[bytes]:
    """One bytes object per encoding (for files and for anonlink's bitarrays)."""
    array = np.asarray(rows, dtype=np.uint64)
    return [row.astype("<u8").tobytes() for row in array]
