from __future__ import annotations

import pytest

from haven.linkage._evaluate import blocking_recall, evaluate


def test_perfect_result() -> None:
    truth = {"a": "1", "b": "1", "c": "2"}
    quality = evaluate({"a": "x", "b": "x", "c": "y"}, truth)
    assert (quality.precision, quality.recall, quality.f1) == (1.0, 1.0, 1.0)
    assert quality.person_count_error == 0.0


def test_wrong_merge_costs_precision_and_counts() -> None:
    truth = {"a": "1", "b": "1", "c": "2", "d": "3"}
    quality = evaluate({"a": "x", "b": "x", "c": "x", "d": "y"}, truth)
    assert quality.true_positives == 1
    assert quality.predicted_pairs == 3
    assert quality.precision == pytest.approx(1 / 3)
    assert quality.recall == 1.0
    assert quality.person_count_error == pytest.approx(-1 / 3)


def test_blocking_recall() -> None:
    truth = ["p", "p", "p", "q"]
    assert blocking_recall([(0, 1), (2, 1)], truth) == pytest.approx(2 / 3)
