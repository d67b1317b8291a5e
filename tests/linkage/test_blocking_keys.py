"""Keyed blocking keys: the hard pairs share a key, strangers do not, the key matters."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pytest

from haven.linkage._blocking_keys import (
    BlockKeys,
    block_key_values,
    blocking_keys,
    key_bits_for,
)
from haven.linkage._records import prepare

KEY = b"k" * 32


def _table(rows: list[tuple[str | None, str | None, str | None, str | None]]) -> pa.Table:
    return pa.table({"record_id": [str(i) for i in range(len(rows))],
                     "source_org": ["a"] * len(rows),
                     "given_name": [r[0] for r in rows], "family_name": [r[1] for r in rows],
                     "date_of_birth": [r[2] for r in rows], "sex": [r[3] for r in rows]})


def _shared(keys: BlockKeys, a: int, b: int) -> set[int]:
    return set(keys.for_record(a)) & set(keys.for_record(b))


def test_one_difference_keeps_a_shared_key() -> None:
    table = _table([
        ("Fatima Zahra", "Tazi", "1999-05-16", "F"), ("Fatima Zahra", "Taxi", None, "F"),
        ("Oluwaseun", "Obasuyi", None, "M"), ("Obasuyi", "Oluwaseum", "1995-06-15", "M"),
        ("Constantin", "Munteanu", None, "M"), ("Constantin Ion", "Munteanu", None, "M"),
        ("Adaee", "Okonkwo", None, "F"), ("Adaeze", "Oknkwo", "2011-03-31", "F"),
        ("Maria", "Silva", "1980-02-03", "F"),
    ])
    keys = blocking_keys(prepare(table), KEY, bits=64)
    for a, b in ((0, 1), (2, 3), (4, 5), (6, 7)):
        assert _shared(keys, a, b), (a, b)
    assert not any(_shared(keys, 8, other) for other in range(8))


def test_keys_depend_on_the_secret_and_are_cut_to_length() -> None:
    prepared = prepare(_table([("Ana", "Pop", "1990-04-02", "F"), ("Ion", "Pop", None, "M")]))
    one, other = blocking_keys(prepared, KEY, 64), blocking_keys(prepared, b"o" * 32, 64)
    assert np.array_equal(one.rows, other.rows)
    assert not set(one.keys.tolist()) & set(other.keys.tolist())
    short = blocking_keys(prepared, KEY, 10)
    assert int(short.keys.max()) < 1 << 10
    assert np.array_equal(short.keys, one.keys & np.uint64(1023))
    with pytest.raises(ValueError, match="bits"):
        blocking_keys(prepared, KEY, 0)


def test_no_key_is_a_lone_name_token() -> None:
    plain = block_key_values(prepare(_table([("Ana Maria", "Pop", None, "F"),
                                             ("Ana", None, "1990", None)])))
    for keys in plain:
        for kind, value in keys:
            assert kind == "name" or "\x00" in value or kind == "date", (kind, value)
    assert ("name", "ana") in plain[1]  # a one-token name is that record's full name


def test_take_renumbers_and_key_length_grows_with_the_linkage() -> None:
    keys = BlockKeys(np.array([0, 0, 2, 3], np.int64), np.array([5, 6, 7, 8], np.uint64))
    taken = keys.take(np.array([3, 1, 2], np.int64))
    assert taken.for_record(0) == [8] and taken.for_record(1) == [] and taken.for_record(2) == [7]
    assert key_bits_for(500) == 11 and key_bits_for(100_000) == 19 and key_bits_for(1) == 8
