"""Networks from shared contacts, the hub rule, network features and explained risk."""

from __future__ import annotations

from haven.screening._networks import (
    HUB_PHONES,
    SPECIFIC_RUN,
    is_specific,
    link_networks,
    longest_run,
    network_features,
    shared_value_edges,
    template_edges,
)
from haven.screening._risk import INDICATORS, Signal, ad_signals, network_signals, score


def test_ads_sharing_any_contact_form_one_network() -> None:
    phones = [["+31600000001"], ["+31600000001"], [], ["+31600000002"], ["+31600000003"]]
    edges = [
        shared_value_edges("phone", ["+31600000001", "+31600000001", "+31600000002",
                                     "+31600000003"], [0, 1, 3, 4], phones),
        shared_value_edges("image", ["aa", "aa", "bb"], [2, 1, 4], phones),
        shared_value_edges("handle", ["t:x", "t:x"], [3, 2], phones),
    ]
    assert edges[0].tolist() == [[0, 1]]
    assert link_networks(5, edges).tolist() == [0, 0, 0, 0, 4]
    assert link_networks(3, []).tolist() == [0, 1, 2]


def test_a_value_shared_by_many_posters_is_no_link() -> None:
    n = HUB_PHONES + 2
    phones = [[f"+3160000{i:04d}"] for i in range(n)]
    rows = list(range(n))
    assert len(shared_value_edges("image", ["placeholder"] * n, rows, phones)) == 0
    assert len(shared_value_edges("image", ["placeholder"] * 5, rows[:5], phones)) == 4
    # a phone is never a hub: one phone in many ads is one poster (or one agency)
    roots = link_networks(n, [shared_value_edges("phone", ["+31600000000"] * n, rows, phones)])
    assert set(roots.tolist()) == {0}


STOCK = "[text] Open from 10 00 to 22 00 every day [text] Call me [phone]"
OWN = ("Hi gentlemen I am [name] a sweet girl with a warm smile and a soft voice new in "
       "[city] Call me [phone]")


def test_a_stock_template_does_not_merge_two_networks() -> None:
    # ads 0-1 share a phone, ads 2-3 another; ads 1 and 2 were both written from a stock text
    phones = [["+31600000001"], ["+31600000001"], ["+31600000002"], ["+31600000002"]]
    contacts = shared_value_edges("phone", [p[0] for p in phones], [0, 1, 2, 3], phones)
    assert longest_run(STOCK) == 9 < SPECIFIC_RUN
    assert not is_specific(STOCK)
    edges = template_edges([((1, 2), STOCK)], phones)
    assert len(edges) == 0
    assert link_networks(4, [contacts, edges]).tolist() == [0, 0, 2, 2]


def test_a_specific_template_links_ads_that_share_nothing_else() -> None:
    phones = [["+31600000001"], ["+31600000002"], ["+31600000003"], []]
    assert longest_run(OWN) >= SPECIFIC_RUN
    edges = template_edges([((0, 1, 2), OWN), ((1, 3), STOCK)], phones)
    assert edges.tolist() == [[0, 1], [0, 2]]
    assert link_networks(4, [edges]).tolist() == [0, 0, 0, 3]
    # the hub rule holds for templates too: too many posters' phones is a stock text
    many = [[f"+3160000{i:04d}"] for i in range(HUB_PHONES + 1)]
    assert len(template_edges([(tuple(range(HUB_PHONES + 1)), OWN)], many)) == 0


def test_network_features() -> None:
    day = 86400.0
    f = network_features(
        {0: [0, 1, 2, 3]},
        cities=["Paris", "Lyon", "paris", "Berlin", "Paris", "Paris"],
        countries=["FR", "FR", "FR", "DE", "FR", "FR"],
        posted_at=[0.0, day, 2 * day, 4 * day, None, None],
        prices=[50.0, 50.0, 60.0, 50.0, 150.0, 150.0],
        phones_of=[["+40700000001"], ["+40700000001"], ["+40700000001"], [], [], []],
        phone_countries={"+40700000001": "RO"},
        names_of=[["Anna"], ["Mia"], ["Eva", "anna"], [], [], []],
        template_of=["T1", "T1", "", "", "", ""],
        obscured=[True, False, True, False, False, False],
    )[0]
    assert (f.n_ads, f.n_phones, f.n_cities, f.n_countries, f.n_templates) == (4, 1, 3, 2, 1)
    assert f.max_names_per_phone == 3
    assert f.ads_per_day == 1.0
    assert f.foreign_phone_share == 0.75
    assert f.obscured_share == 0.5
    # city medians Paris 105, Lyon 50, Berlin 50; per ad 105, 50, 105, 50 -> 77.5
    assert f.price_vs_city_median == round(50 / 77.5, 3)


def test_evidence_based_indicators_weigh_most_and_movement_least() -> None:
    evidence = ["obscured_contact", "youth_language", "trust_language", "stated_ethnicity"]
    network = [i.name for i in INDICATORS.values() if i.source.startswith("network")]
    assert min(INDICATORS[e].weight for e in evidence) > max(INDICATORS[n].weight for n in network)
    assert INDICATORS["movement_language"].weight < min(INDICATORS[n].weight for n in network)


def test_ad_signals_explain_themselves() -> None:
    sig = ad_signals((("movement", "new in town"), ("youth", "fresh")), 19, "phone written hidden")
    names = [s.indicator for s in sig]
    assert names == ["obscured_contact", "youth_language", "movement_language"]
    assert sig[1].detail == "fresh, age 19"
    assert "NIJ" in sig[0].reason()
    assert score(sig) == 4.25
    assert [s.indicator for s in ad_signals((), 16, None)] == ["stated_minor"]
    assert ad_signals((), 30, None) == []


def test_network_signals_thresholds() -> None:
    from haven.screening._networks import NetworkFeatures

    quiet = NetworkFeatures(2, 1, 1, 1, 0, 1, 0.5, 1.0, 0.0, 0.0, None, None)
    assert network_signals(quiet) == []
    busy = NetworkFeatures(30, 2, 4, 2, 1, 5, 6.0, 0.5, 0.9, 0.5, None, None)
    assert [s.indicator for s in network_signals(busy)] == [
        "many_cities", "many_countries", "names_per_phone", "foreign_phone", "posting_rate",
        "low_price", "reused_template"]
    assert Signal("many_cities", "4 cities").weight == 1.0
