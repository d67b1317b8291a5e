from __future__ import annotations

import os

import numpy as np
import pyarrow as pa
import pytest

from haven.exceptions import ConfigurationError
from haven.linkage import EncodingSpec
from haven.linkage._bloom import encode_prepared, key_check, ngrams, popcounts, read_key
from haven.linkage._kernels import dice_threshold_dense
from haven.linkage._records import prepare

KEY = b"k" * 32


def _records(*names: tuple[str, str, str]) -> pa.Table:
    return prepare(pa.table({
        "record_id": [str(i) for i in range(len(names))],
        "source_org": ["a"] * len(names),
        "given_name": [n[0] for n in names], "family_name": [n[1] for n in names],
        "date_of_birth": [n[2] for n in names]}))


def test_balanced_encodings_are_half_full() -> None:
    bits = encode_prepared(_records(("Anna", "Petrenko", "1990-05-17"), ("Li", "Na", "")), KEY)
    assert bits.shape == (2, EncodingSpec().output_bits // 64)
    assert popcounts(bits).tolist() == [EncodingSpec().output_bits // 2] * 2


def test_transliterations_and_swaps_encode_alike() -> None:
    bits = encode_prepared(_records(
        ("Oleksandra", "Khmelnytska", "1990-05-17"), ("Олександра", "Хмельницька", "1990-05-17"),
        ("Khmelnytska", "Oleksandra", "1990-05-17"), ("Maria", "Popescu", "1971-11-02")), KEY)
    i, j, dice = dice_threshold_dense(bits, bits, 0.0, same=True)
    score = {(a, b): d for a, b, d in zip(i.tolist(), j.tolist(), dice.tolist(), strict=True)}
    assert score[(0, 1)] == pytest.approx(1.0)
    assert score[(0, 2)] == pytest.approx(1.0)
    assert score[(0, 3)] < 0.8


def test_the_key_matters() -> None:
    records = _records(("Anna", "Petrenko", "1990-05-17"))
    assert not np.array_equal(encode_prepared(records, KEY), encode_prepared(records, b"x" * 32))
    assert key_check(KEY) != key_check(b"x" * 32)


def test_short_keys_are_refused(tmp_path: os.PathLike[str]) -> None:
    with pytest.raises(ConfigurationError):
        encode_prepared(_records(("A", "B", "")), b"short")
    path = tmp_path / "k"  # type: ignore[operator]
    path.write_bytes(b"123")
    with pytest.raises(ConfigurationError, match="32 bytes"):
        read_key(path)


def test_ngrams_are_padded_per_token() -> None:
    assert ngrams("ana li", 2) == ["_a", "an", "na", "a_", "_l", "li", "i_"]


def test_fold_needs_balance() -> None:
    with pytest.raises(ConfigurationError):
        EncodingSpec(balance=False, fold=True).check()
    assert EncodingSpec(bits=512, fold=True).output_bits == 512


def test_salted_encodings_link_only_within_their_salt() -> None:
    """Salted by the year, one person's records with different years share only chance
    positions; with the same year they still score high."""
    spec = EncodingSpec(salt="dob_year")
    assert spec.scheme.endswith("/salt:dob_year")
    records = _records(("Anna", "Petrenko", "1990-05-17"), ("Anna", "Petrenko", "1990-05-18"),
                       ("Anna", "Petrenko", "1991-05-17"))
    dense = np.unpackbits(encode_prepared(records, KEY, spec).view(np.uint8), axis=1)
    dice = 2 * (dense[:, None, :] & dense[None, :, :]).sum(axis=2) / (
        dense.sum(axis=1)[:, None] + dense.sum(axis=1)[None, :])
    assert dice[0, 1] > 0.8
    assert dice[0, 2] < 0.6
    with pytest.raises(ConfigurationError):
        EncodingSpec(salt="name").check()
