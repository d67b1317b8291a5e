"""Keyed blocking keys: how a hub finds candidate pairs among 100,000+ encodings.

Each data holder derives a few short keys per record from its normalised names and date of
birth and exports only their HMAC-SHA256 under the parties' shared secret (truncated to 64
bits), next to the encodings. The hub compares only records that share a key, as the
cleartext blocking rules do, and never sees a key's plaintext. Several keys per record, each
from different parts, so that one typo or one missing field does not lose the pair:

- `name`: the order-free name key (every skeleton token of given and family name);
- `token+year`: each name token with the birth year (a typo in another token is harmless);
- `date`: the full date of birth;
- `token+initials+sex`: each name token with the initials of the other tokens and sex, so a
  typo in one name or a swap of the fields keeps the pair when a date is missing;
- `consonants+initials+sex`: the same with the token's first letter and consonants only
  (tokens of three consonants or more), so vowel typos in both names keep the pair;
- `prefixes+sex`: the first three letters of the first given and first family name, and
  sex (a second given or family name on one side only).

What the keys leak, and why they are built this way: the hub learns which records share a
key (it needs that), and it sees how often each key value occurs. An attacker who knows the
population's name frequencies can align frequent key values with frequent plaintext values
(a frequency attack). Every key therefore combines a name part with a second field (year,
sex, other names' initials) or is a full name or date, so that key values are spread over
many more values than names alone; no key is a single name token. The keys are exported only when
`EncodingSpec.blocking_keys` is set, and `_attack.py` runs a frequency attack on them.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pyarrow as pa

__all__ = ["KEY_KINDS", "BlockKeys", "block_key_values", "blocking_keys", "key_bits_for"]

KEY_KINDS = ("name", "token+year", "date", "token+initials+sex", "consonants+initials+sex",
             "prefixes+sex")
_MIN_TOKEN = 2
_PREFIX = 3
_MIN_CONSONANTS = 3
_VOWELS = re.compile("[aeiou]+")


@dataclass(frozen=True)
class BlockKeys:
    """Keyed blocking keys of one party's records: record `rows[k]` has key `keys[k]`."""

    rows: npt.NDArray[np.int64]
    keys: npt.NDArray[np.uint64]

    def __len__(self) -> int:
        return len(self.keys)

    def for_record(self, row: int) -> list[int]:
        return [int(k) for k in self.keys[self.rows == row]]

    def take(self, rows: npt.NDArray[np.int64]) -> BlockKeys:
        """The keys of the given records, renumbered 0..len(rows)-1 in that order."""
        size = max(int(self.rows.max(initial=-1)), int(rows.max(initial=-1))) + 1
        position = np.full(size, -1, np.int64)
        position[rows] = np.arange(len(rows))
        mask = np.isin(self.rows, rows)
        return BlockKeys(position[self.rows[mask]], self.keys[mask])


def _consonants(token: str) -> str:
    return token[:1] + _VOWELS.sub("", token[1:])


def _plain_keys(name_tokens: list[str], given: str | None, family: str | None,
                year: int | None, dob: str | None, sex: str | None
                ) -> Iterator[tuple[str, str]]:
    tokens = sorted({t for t in name_tokens if len(t) >= _MIN_TOKEN})
    if tokens:
        yield "name", " ".join(tokens)
    if year is not None:
        for token in tokens:
            yield "token+year", f"{token}\x00{year}"
    if dob:
        yield "date", dob
    if len(tokens) >= 2 and sex:
        for k, token in enumerate(tokens):
            initials = "".join(sorted(t[0] for t in tokens[:k] + tokens[k + 1:]))
            yield "token+initials+sex", f"{token}\x00{initials}\x00{sex}"
            consonants = _consonants(token)
            if len(consonants) >= _MIN_CONSONANTS:
                yield "consonants+initials+sex", f"{consonants}\x00{initials}\x00{sex}"
    if given and family and sex:
        # First given and first family token: a second given or family name on one side
        # only, and typos after the third letter, keep the pair.
        first_given, first_family = given.split()[0], family.split()[0]
        yield "prefixes+sex", f"{first_given[:_PREFIX]}\x00{first_family[:_PREFIX]}\x00{sex}"


def block_key_values(prepared: pa.Table) -> list[list[tuple[str, str]]]:
    """The plaintext (kind, value) keys of each prepared record (before keyed hashing).

    Only the data holder ever computes these; they are exposed for the tests and the attack.
    """
    columns = [prepared.column(c).to_pylist()
               for c in ("name_tokens", "given_sk", "family_sk", "dob_year", "dob", "sex")]
    return [sorted(set(_plain_keys(t or [], g, f, y, d, s)))
            for t, g, f, y, d, s in zip(*columns, strict=True)]


def key_bits_for(records: int) -> int:
    """Key length for a linkage of `records` records in all: about four keys per record.

    Measured on synthetic registries of 491 to 3,774 records (docs/linkage.md): at this
    length the key-profile attack re-identified at most 0.11 % of records, at two bits more
    0.4-2.8 %, with untruncated 64-bit keys 17-24 %.
    """
    return max(8, min(64, math.ceil(math.log2(max(records, 2))) + 2))


def blocking_keys(prepared: pa.Table, key: bytes, bits: int = 16) -> BlockKeys:
    """Keyed blocking keys of prepared records: HMAC-SHA256 under `key`, cut to `bits` bits.

    Cutting makes several plaintext values share one key value (about 500,000 distinct
    values for 100,000 records fall into 65,536 keys at 16 bits), so that how often a key
    occurs no longer tells its value; the price is more candidate pairs.
    """
    if not 1 <= bits <= 64:
        raise ValueError("blocking keys have 1 to 64 bits")
    mask = (1 << bits) - 1
    mac = hmac.new(key, b"haven-linkage blocking keys v1", hashlib.sha256)
    cache: dict[tuple[str, str], int] = {}
    rows: list[int] = []
    keys: list[int] = []
    for row, plain in enumerate(block_key_values(prepared)):
        for kind_value in plain:
            value = cache.get(kind_value)
            if value is None:
                digest = mac.copy()
                digest.update(f"{kind_value[0]}\x00{kind_value[1]}".encode())
                value = int.from_bytes(digest.digest()[:8], "little") & mask
                cache[kind_value] = value
            rows.append(row)
            keys.append(value)
    return BlockKeys(np.asarray(rows, np.int64), np.asarray(keys, np.uint64))
