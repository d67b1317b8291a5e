"""The whole screening on a synthetic corpus, measured against its ground truth."""

from __future__ import annotations

import pytest

from haven.screening import AdTable, LocalEngine, Screening, screen
from haven.screening._metrics import bcubed, pairwise, set_f1
from haven.synth.ads import AdCorpus


@pytest.fixture(scope="module")
def result(corpus_table: AdTable) -> Screening:
    return screen(corpus_table, LocalEngine(1))


def test_template_clustering_quality(corpus: AdCorpus, result: Screening) -> None:
    truth = [corpus.truth[i].template for i in result.ads.id]
    _, _, f1 = bcubed(truth, result.template)
    templated = [r for r, t in enumerate(truth) if t is not None]
    recall = sum(1 for r in templated if result.template[r]) / len(templated)
    assert f1 >= 0.95
    assert recall >= 0.95


def test_phone_extraction_quality(corpus: AdCorpus, result: Screening) -> None:
    truth = {(i, p, o) for i in result.ads.id for p, o in corpus.truth[i].phones}
    found = {(result.ads.id[r], p, o) for r, p, o in result.phones}
    _, _, f1 = set_f1({t[:2] for t in truth}, {f[:2] for f in found})
    assert f1 >= 0.98
    hidden = {t[:2] for t in truth if t[2]}
    assert len(hidden) > 200  # the corpus really hides numbers
    assert set_f1(hidden, {f[:2] for f in found if f[2]})[2] >= 0.98


def test_network_recovery_quality(corpus: AdCorpus, result: Screening) -> None:
    truth = [corpus.truth[i].network for i in result.ads.id]
    _, _, f1 = pairwise(truth, result.network)
    assert f1 >= 0.95


def test_labels_and_reasons_are_consistent(result: Screening) -> None:
    for label, t in result.templates.items():
        assert all(result.template[r] == label for r in t.rows)
        assert t.text and len(t.rows) >= 2
    for label, net in result.networks.items():
        assert len(net.rows) >= 2
        assert all(result.network[r] == label for r in net.rows)
    assert all((result.risk[r] > 0) == bool(result.reasons(r)) for r in range(len(result.risk)))
    # the triage order puts networks before lone ads on average
    in_net = [result.risk[r] for r in range(len(result.risk)) if result.network[r]]
    alone = [result.risk[r] for r in range(len(result.risk)) if not result.network[r]]
    assert sum(in_net) / len(in_net) > sum(alone) / len(alone)


def test_organised_networks_rank_above_independent_posters(corpus: AdCorpus, result: Screening
                                                           ) -> None:
    kinds: dict[str, list[float]] = {"organised": [], "independent": []}
    for net in result.networks.values():
        kind = corpus.truth[result.ads.id[net.rows[0]]].kind
        if kind in kinds:
            kinds[kind].append(net.risk)
    mean = {k: sum(v) / len(v) for k, v in kinds.items()}
    assert mean["organised"] > mean["independent"]


def test_worker_processes_change_nothing(corpus_table: AdTable, result: Screening) -> None:
    part = corpus_table.slice(0, 1500)
    one = screen(part, LocalEngine(1))
    engine = LocalEngine(2, serial_below=0)  # workers even for a small input
    try:
        two = screen(part, engine)
    finally:
        engine.close()
    assert (one.template, one.network, one.risk, one.phones) == (
        two.template, two.network, two.risk, two.phones)


def test_empty_table() -> None:
    s = screen(AdTable(), LocalEngine(1))
    assert s.risk == [] and s.templates == {} and s.networks == {}
