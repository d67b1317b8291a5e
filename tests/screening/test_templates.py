"""MDL templates: members kept only when the template compresses them; slots marked."""

from __future__ import annotations

from haven.screening._templates import TemplateJob, refine_cluster

A = ("hello gentlemen i am {name} a sweet girl from the east new in {city} "
     "prices 30 min 0 euro one hour on request call me __phone__ kisses {name}")
B = ("selling my old red bicycle in good condition two new tyres and a bell "
     "pick up only in {city} price 0 euro call __phone__ after six")
NAMES = ["anna", "mia", "eva", "lena", "olga", "sofia"]
CITIES = ["paris", "lyon", "lille", "nice", "metz", "caen"]


def job(texts: list[str], names: list[str], cities: list[str]) -> TemplateJob:
    return TemplateJob(
        tuple(range(len(texts))), tuple(texts),
        tuple(frozenset({n}) for n in names), tuple(cities),
    )


def test_template_with_name_and_city_slots() -> None:
    texts = [A.format(name=n, city=c) for n, c in zip(NAMES, CITIES, strict=True)]
    (t,) = refine_cluster(job(texts, NAMES, CITIES))
    assert t.rows == tuple(range(6))
    assert "[name]" in t.text and "[city]" in t.text and "[phone]" in t.text
    assert "sweet girl" in t.text
    assert t.bits_saved > 0


def test_a_chained_cluster_splits_into_its_templates() -> None:
    texts = [A.format(name=n, city=c) for n, c in zip(NAMES, CITIES, strict=True)]
    texts += [B.format(city=c) for c in CITIES[:4]]
    templates = refine_cluster(job(texts, NAMES + ["x"] * 4, CITIES + CITIES[:4]))
    assert sorted(t.rows for t in templates) == [tuple(range(6)), tuple(range(6, 10))]


def test_an_unrelated_ad_is_left_out() -> None:
    texts = [A.format(name=n, city=c) for n, c in zip(NAMES, CITIES, strict=True)]
    texts.append("the weather in lyon is sunny today and tomorrow rain is expected again")
    (t,) = refine_cluster(job(texts, [*NAMES, "x"], [*CITIES, "lyon"]))
    assert 6 not in t.rows


def test_ads_that_share_too_little_make_no_template() -> None:
    texts = ["a b c d e f g h", "i j k l m n o p", "q r s t u v w x"]
    assert refine_cluster(job(texts, ["z"] * 3, [""] * 3)) == []
