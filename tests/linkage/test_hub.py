from __future__ import annotations

import dataclasses
import os
from pathlib import Path

import numpy as np
import pyarrow as pa
import pytest

from haven.exceptions import ConfigurationError, Conflict
from haven.linkage import HubOptions, encode_table, evaluate, link_parties
from haven.linkage._exchange import read_encodings, write_encodings
from haven.linkage._hub import candidate_pairs


def _split(table: pa.Table) -> tuple[pa.Table, pa.Table]:
    orgs = sorted(set(table.column("source_org").to_pylist()))
    first = set(orgs[: len(orgs) // 2])
    mask = pa.array([o in first for o in table.column("source_org").to_pylist()])
    return table.filter(mask), table.filter(pa.compute.invert(mask))


@pytest.mark.slow
def test_pprl_across_parties_through_files(
        synthetic_small: tuple[pa.Table, dict[str, str]], tmp_path: Path) -> None:
    table, truth = synthetic_small
    key = os.urandom(32)
    files = []
    for index, part in enumerate(_split(table)):
        path = tmp_path / f"party{index}.enc.csv"
        write_encodings(path, encode_table(part, key))
        text = path.read_text(encoding="utf-8")
        assert "given_name" not in text and "date_of_birth" not in text
        files.append(path)
    parties = [p for f in files for p in read_encodings(f)]
    result = link_parties(parties)
    quality = evaluate(result.person_ids, truth)
    assert quality.records == table.num_rows
    assert quality.f1 >= 0.70, quality.as_dict()
    assert abs(quality.person_count_error) <= 0.06, quality.as_dict()


def test_lsh_blocking_keeps_near_duplicates() -> None:
    rng = np.random.default_rng(5)
    dense = rng.random((400, 1024)) < 0.5
    noisy = dense ^ (rng.random(dense.shape) < 0.04)  # 4 % of bits flipped: Dice ~ 0.96
    bits = np.packbits(np.vstack([dense, noisy]), axis=1, bitorder="little").view("<u8")
    left, right = candidate_pairs(bits.astype(np.uint64), HubOptions())
    found = set(zip(left.tolist(), right.tolist(), strict=True))
    recall = sum((i, i + 400) in found for i in range(400)) / 400
    assert recall >= 0.99
    assert len(found) < 800 * 799 / 2 * 0.05  # and prunes almost all other pairs


def test_lsh_path_gives_the_exhaustive_answer(
        synthetic_small: tuple[pa.Table, dict[str, str]]) -> None:
    table, _ = synthetic_small
    parties = encode_table(table, b"s" * 32)
    exhaustive = link_parties(parties)
    blocked = link_parties(parties, dataclasses.replace(HubOptions(), exhaustive_limit=0))
    assert blocked.comparisons < exhaustive.comparisons
    agree = evaluate(blocked.person_ids, exhaustive.person_ids)
    assert agree.f1 >= 0.98


def test_mixed_keys_and_duplicate_ids_are_refused() -> None:
    table = pa.table({"record_id": ["1"], "source_org": ["a"], "given_name": ["Ana"]})
    a = encode_table(table, b"a" * 32)
    b = encode_table(table.set_column(1, "source_org", pa.array(["b"])), b"b" * 32)
    with pytest.raises(ConfigurationError, match="keys"):
        link_parties([*a, *b])
    c = encode_table(table.set_column(1, "source_org", pa.array(["c"])), b"a" * 32)
    with pytest.raises(Conflict, match="record id 1"):
        link_parties([*a, *c])


def test_keyed_blocking_gives_the_exhaustive_answer_through_files(
        synthetic_small: tuple[pa.Table, dict[str, str]], tmp_path: Path) -> None:
    from haven.linkage import EncodingSpec
    from haven.linkage._blocking_keys import key_bits_for
    from haven.linkage._hub import key_candidate_pairs

    table, truth = synthetic_small
    spec = EncodingSpec(blocking_keys=True, key_bits=key_bits_for(table.num_rows))
    path = tmp_path / "all.enc.csv"
    write_encodings(path, encode_table(table, b"s" * 32, spec))
    assert "blocking_keys" in path.read_text(encoding="utf-8").splitlines()[0]
    parties = read_encodings(path)
    assert all(p.block_keys is not None and len(p.block_keys) > 0 for p in parties)
    left, right, skipped = key_candidate_pairs(parties, max_block=2_000)
    n = table.num_rows
    assert skipped == 0 and len(left) < n * (n - 1) / 2 * 0.2 and np.all(left < right)
    exhaustive = link_parties(parties)
    blocked = link_parties(parties, dataclasses.replace(HubOptions(), exhaustive_limit=0))
    assert blocked.comparisons == len(left)
    assert evaluate(blocked.person_ids, exhaustive.person_ids).f1 >= 0.97
    assert evaluate(blocked.person_ids, truth).f1 >= 0.70


def test_key_groups_above_the_cap_are_skipped() -> None:
    from haven.linkage._blocking_keys import BlockKeys
    from haven.linkage._hub import EncodedParty, key_candidate_pairs

    bits = np.zeros((6, 16), np.uint64)
    keys = BlockKeys(np.array([0, 1, 2, 3, 4, 5, 0, 1], np.int64),
                     np.array([9, 9, 9, 9, 9, 9, 4, 4], np.uint64))
    party = EncodedParty("a", [str(i) for i in range(6)], bits, "s", "c", block_keys=keys)
    left, right, skipped = key_candidate_pairs([party], max_block=5)
    assert skipped == 1 and list(zip(left.tolist(), right.tolist(), strict=True)) == [(0, 1)]
    left, _, skipped = key_candidate_pairs([party], max_block=6)
    assert skipped == 0 and len(left) == 15


def test_scores_follow_registration_gap_country_and_citizenship() -> None:
    from haven.linkage._hub import EncodedParty, adjust_scores

    bits = np.zeros((5, 16), np.uint64)
    attributes: dict[str, list[str | None]] = {
        "registered_on": ["2018-01-01", "2018-02-01", "2020-01-01", None, "2018-01-10"],
        "source_country": ["NL", "NL", "NL", "NL", "BE"],
        "citizenship": ["UA", "UA", None, "UA", "MD"],
        "sex": ["F"] * 5}
    party = EncodedParty("a", list("abcde"), bits, "s", "c", attributes)
    i = np.array([0, 0, 0, 0], np.int64)
    j = np.array([1, 2, 3, 4], np.int64)
    opts = HubOptions()
    score = adjust_scores([party], i, j, np.full(4, 0.8), opts)
    assert score.tolist() == pytest.approx([
        0.8 + opts.close_bonus,            # same country, a month apart
        0.8 - opts.far_penalty,            # two years apart (citizenship unknown: no change)
        0.8,                               # a date missing: no evidence either way
        0.8 - opts.citizenship_penalty])   # other country (no bonus), citizenships differ
    bare = EncodedParty("a", list("abcde"), bits, "s", "c")
    assert adjust_scores([bare], i, j, np.full(4, 0.8), opts).tolist() == [0.8] * 4


def test_thresholds_rise_with_the_number_of_records() -> None:
    opts = HubOptions()
    assert opts.scaled(1_000) == (opts.threshold, opts.min_support)
    low, _ = opts.scaled(opts.scale_from * 4)
    assert low == pytest.approx(opts.threshold + 2 * opts.scale_threshold)
    high, support = opts.scaled(opts.scale_from * 32)
    assert high > low and support - opts.min_support == pytest.approx(high - opts.threshold)
    assert HubOptions(scale_threshold=0.0).scaled(10**6)[0] == opts.threshold
