"""The re-identification attack against Haven's encodings, and against a weak baseline so
that the attack is known to bite."""

from __future__ import annotations

import pyarrow as pa
import pytest

from haven.linkage import EncodingSpec, FieldWeight
from haven.linkage._attack import run_attacks
from haven.linkage._bloom import encode_prepared
from haven.linkage._records import prepare


@pytest.mark.slow
def test_attack_reidentifies_at_most_five_percent(
        synthetic_small: tuple[pa.Table, dict[str, str]]) -> None:
    table, _ = synthetic_small
    prepared = prepare(table)
    names = [" ".join(t or []) for t in prepared.column("name_tokens").to_pylist()]
    key = b"attack test key, not a secret..."
    haven = run_attacks(encode_prepared(prepared, key), names)
    weak = run_attacks(encode_prepared(prepared, key, EncodingSpec(
        bits=1024, balance=False, fields=(FieldWeight("name", 10),))), names)
    print(f"re-identified: Haven {haven.reidentified_share:.2%} "
          f"(frequency {haven.frequency_hits}, pattern {haven.pattern_hits}); "
          f"name-only plain Bloom filter {weak.reidentified_share:.2%}")
    assert weak.reidentified_share >= 0.15, "the attack must work on weak encodings"
    assert haven.reidentified_share <= 0.05
