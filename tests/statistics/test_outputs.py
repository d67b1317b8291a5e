"""Exports, chart data, figures and SDG rates: all from releases, never from exact counts."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.statistics.conftest import fill_registry, victim_table

from haven.config import Settings
from haven.exceptions import ImportFailed, ValidationFailed
from haven.registry import Registry
from haven.statistics import _figures
from haven.statistics._charts import chart_data
from haven.statistics._definitions import TOTAL, TableSpec
from haven.statistics._dp import DPPolicy, accuracy
from haven.statistics._engine import DuckDBEngine
from haven.statistics._export import export, sdmx_code, to_csv, to_sdmx_csv
from haven.statistics._population import load_population, sdg_16_2_2
from haven.statistics._publish import publish_figures
from haven.statistics._release import Release, SuppressionPolicy, release_counts, releases
from haven.statistics._text import render_text


@pytest.fixture(scope="module")
def registry(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Registry]:
    reg = Registry.open(Settings(home=Path(tmp_path_factory.mktemp("out"))), initialise=True)
    fill_registry(reg, victims=120)
    yield reg
    reg.close()


def _release(registry: Registry, by: list[str], years: list[int] | None = None) -> Release:
    spec = TableSpec.parse("victims", by, years=years or [2017, 2018, 2019])
    table = DuckDBEngine().count(spec, victim_table(300, 9))
    return release_counts(registry, table, SuppressionPolicy(), actor="t", channel="test")


def test_exports_refuse_exact_counts() -> None:
    spec = TableSpec.parse("victims", ["sex"], years=[2018])
    exact = DuckDBEngine().count(spec, victim_table(50, 1))
    with pytest.raises(TypeError, match="only a Release"):
        export(exact, "csv")  # type: ignore[arg-type]


def test_csv_and_json_hold_exactly_the_released_values(registry: Registry) -> None:
    release = _release(registry, ["sex", "exploitation"])
    rows = list(csv.DictReader(io.StringIO(to_csv(release))))
    assert len(rows) == len(release.values)
    for row in rows:
        key = (row["sex"], row["exploitation"])
        value = release.values[key]
        assert row["value"] == ("" if value is None else str(value))
        assert row["flag"] == release.status[key].value
    payload = json.loads(str(export(release, "json")))
    assert payload["metadata"]["digest"] == release.digest
    assert payload["metadata"]["policy_parameters"] == {"threshold": 5, "protection": 2}


def test_sdmx_codes_follow_eurostat_spellings(registry: Registry) -> None:
    assert sdmx_code("citizenship", "GR") == "EL" and sdmx_code("reporting_country", "GB") == "UK"
    assert sdmx_code("sex", TOTAL) == "_T" and sdmx_code("sex", "unknown") == "_U"
    assert sdmx_code("age_group", "child") == "Y_LT18"
    release = _release(registry, ["status"])
    lines = to_sdmx_csv(release).splitlines()
    assert lines[0] == "DATAFLOW,LEG_STAT,UNIT_MEASURE,OBS_VALUE,OBS_STATUS,CONF_STATUS"
    assert lines[1].startswith("HAVEN:THB_VICTIMS(1.0),IDENT,PER,")


def test_chart_data_is_json_ready_and_keeps_suppression(registry: Registry) -> None:
    release = _release(registry, ["exploitation"])
    data = json.loads(json.dumps(chart_data(release)))
    points = data["series"][0]["points"]
    assert {p["code"] for p in points} == set(release.keys[0])
    for p in points:
        value = release.values[(p["code"],)]
        assert p["value"] == value
        if value is None:
            assert p["share"] is None and p["flag"] in ("C", "D")
        else:
            assert p["share"] == round(value / data["total"], 4)
    assert data["release_id"] == str(release.id)


def test_text_rendering_marks_suppressed_cells(registry: Registry) -> None:
    release = _release(registry, ["sex", "age_group"])
    text = render_text(release)
    assert "sex \\ age_group" in text and str(release.id) in text
    hidden = sum(v is None for v in release.values.values())
    assert sum(line.split().count("c") for line in text.splitlines()[4:]) == hidden


def test_figure_functions_draw_every_figure(registry: Registry, tmp_path: Path) -> None:
    figures = [
        _figures.figure_exploitation(_release(registry, ["exploitation"])),
        _figures.figure_sex(_release(registry, ["sex", "age_group"])),
        _figures.figure_citizenship(_release(registry, ["eu_citizenship"]), lang="nl"),
        _figures.figure_trend(_release(registry, ["year", "status"])),
    ]
    for i, figure in enumerate(figures):
        paths = _figures.save(figure, tmp_path / f"f{i}")
        assert [p.suffix for p in paths] == [".png", ".svg"]
        assert paths[0].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert "<svg" in paths[1].read_text()[:400]


def test_dutch_figures_have_a_dutch_source_line(registry: Registry) -> None:
    release = _release(registry, ["exploitation"])
    footer = _figures.figure_exploitation(release, lang="nl").texts[-1].get_text()
    assert footer.startswith("Bron: Haven-register. Eenheid: personen. Onderdrukking: cellen "
                             "onder 5 verborgen (C), met secundaire onderdrukking (D)")
    assert f"Vrijgave {str(release.id)[:8]}." in footer
    assert "Aandelen van alle slachtoffers" in footer
    english = _figures.figure_exploitation(release).texts[-1].get_text()
    assert english.startswith("Source: Haven registry. Unit: persons. Suppression: cells below")
    for word in ("Source", "Unit", "Release", "suppression", "Shares"):
        assert word not in footer
    flows = _figures.figure_flows([{"origin": "RO", "destination": "NL", "victims": 7}],
                                  _release(registry, ["citizenship", "country_of_exploitation"]),
                                  lang="nl")
    assert flows.axes[0].get_title(loc="left").startswith("Mensenhandelstromen: nationaliteit")
    assert flows.texts[-1].get_text().endswith(
        "Stromen met ten minste vijf gedetecteerde slachtoffers.")
    noisy = dataclasses.replace(release, policy=DPPolicy(0.5),
                                accuracy=accuracy(release.spec, DPPolicy(0.5)))
    text = noisy.policy_text("nl")
    assert text.startswith("differentiële privacy: epsilon 0,5, discrete Laplace-schaal ")
    assert "zekerheid binnen ±" in text and "." not in text.split("±")[1].split(" ")[0]


def test_publish_figures_releases_each_table(registry: Registry, tmp_path: Path) -> None:
    before = len(releases(registry, 1000))
    paths = publish_figures(registry, tmp_path, years=[2017, 2018, 2019],
                            policy=SuppressionPolicy(), actor="t", formats=("svg",))
    assert len(paths) == 5
    after = releases(registry, 1000)
    assert len(after) == before + 5 and all(r["channel"] == "figures" for r in after[:5])


def test_population_and_sdg_rates(registry: Registry, tmp_path: Path) -> None:
    population = load_population()
    assert population[("NL", 2018, "_T", "_T")] == 17181084
    spec = TableSpec.parse("victims", ["reporting_country", "year"], years=[2017, 2018],
                           countries=["NL", "BE", "DE"])
    table = DuckDBEngine().count(spec, victim_table(300, 9))
    release = release_counts(registry, table, SuppressionPolicy(), actor="t", channel="t")
    rates = sdg_16_2_2(release, population)
    assert {(r.country, r.year) for r in rates} == {(c, y) for c in ("BE", "DE", "NL")
                                                    for y in (2017, 2018)}
    for rate in rates:
        value = release.values[(rate.country, str(rate.year))]
        assert rate.victims == value
        if value is not None:
            assert rate.per_100k == round(value / rate.population * 100_000, 4)
    spec = TableSpec.parse("victims", ["reporting_country", "year", "sex"], years=[2018],
                           countries=["NL"])
    by_sex = release_counts(registry, DuckDBEngine().count(spec, victim_table(300, 9)),
                            SuppressionPolicy(), actor="t", channel="t")
    with pytest.raises(ValidationFailed):
        sdg_16_2_2(by_sex, population)
    split = tmp_path / "pop.csv"
    split.write_text("geo,year,sex,age,population\nNL,2018,F,_T,8600000\nNL,2018,M,_T,8500000\n"
                     "NL,2018,_T,_T,17181084\n")
    rates = sdg_16_2_2(by_sex, load_population(split))
    assert {r.sex for r in rates} == {"female", "male", TOTAL}
    bad = tmp_path / "bad.csv"
    bad.write_text("country,people\nNL,1\n")
    with pytest.raises(ImportFailed):
        load_population(bad)


def test_hidden_bars_show_their_suppression_flag(registry: Registry) -> None:
    spec = TableSpec.parse("victims", ["exploitation"], years=[2018])
    release = release_counts(registry, DuckDBEngine().count(spec, victim_table(60, 4)),
                             SuppressionPolicy(threshold=8), actor="t", channel="test")
    flags = {s.value for key, s in release.status.items()
             if key != (TOTAL,) and s.value in ("C", "D")}
    assert flags, "the fixture should hide some forms of exploitation"
    figure = _figures.figure_exploitation(release)
    shown = {t.get_text() for t in figure.axes[0].texts}
    assert flags <= shown and "c" not in shown
