"""`haven stats` end to end: every path out goes through the release policy and is recorded."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook
from tests.statistics.conftest import fill_registry
from typer.testing import CliRunner

from haven.config import Settings
from haven.registry import Registry
from haven.statistics._release import releases
from haven.statistics.cli import parse_years, stats_app

runner = CliRunner()


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = Path(tmp_path_factory.mktemp("stats-home"))
    registry = Registry.open(Settings(home=path), initialise=True)
    fill_registry(registry, victims=150)
    registry.close()
    return path


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("HAVEN_DATABASE_URL", "HAVEN_HOME", "HAVEN_KEY_FILE", "HAVEN_DATA_KEY"):
        monkeypatch.delenv(name, raising=False)


def run(home: Path, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(stats_app, [*args, "--home", str(home)])
    return result.exit_code, result.stdout, result.stderr


def _release_count(home: Path) -> int:
    registry = Registry.open(Settings(home=home))
    try:
        return len(releases(registry, 1000))
    finally:
        registry.close()


def test_table_prints_a_suppressed_cross_table_and_records_it(home: Path) -> None:
    before = _release_count(home)
    code, out, err = run(home, "table", "victims", "--by", "sex,exploitation",
                         "--year", "2017-2019")
    assert code == 0, err
    assert "sex \\ exploitation" in out and "Total" in out and "suppression" in out
    assert " c " in out or out.rstrip().endswith("c") or "  c" in out
    assert _release_count(home) == before + 1


def test_csv_and_sdmx_exports_carry_flags_and_codes(home: Path) -> None:
    code, out, _ = run(home, "table", "victims", "--by", "sex,age_group", "--year", "2018",
                       "--format", "csv")
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert {r["flag"] for r in rows} <= {"F", "C", "D"}
    assert all(r["value"] == "" for r in rows if r["flag"] in ("C", "D"))
    assert all(r["value"] == "" or int(r["value"]) == 0 or int(r["value"]) >= 5 for r in rows)
    code, out, _ = run(home, "table", "victims", "--by", "sex", "--year", "2018",
                       "--format", "sdmx")
    assert code == 0
    header, *lines = out.splitlines()
    assert header.startswith("DATAFLOW,SEX,UNIT_MEASURE,OBS_VALUE,OBS_STATUS,CONF_STATUS")
    assert any(line.split(",")[1] == "F" for line in lines)
    assert any(line.split(",")[1] == "_T" for line in lines)


def test_xlsx_export_writes_table_metadata_and_codes(home: Path, tmp_path: Path) -> None:
    target = tmp_path / "victims.xlsx"
    code, _, err = run(home, "table", "victims", "--by", "eu_citizenship", "--year", "2018",
                       "--format", "xlsx", "--out", str(target))
    assert code == 0, err
    book = load_workbook(target)
    assert book.sheetnames == ["table", "metadata", "codes"]
    meta = {row[0].value: row[1].value for row in book["metadata"].iter_rows()}
    assert meta["policy"] == "suppression" and meta["release_id"]


def test_dp_shows_accuracy_first_and_refuses_without_or_over_budget(home: Path) -> None:
    args = ["table", "victims", "--by", "sex", "--year", "2018", "--policy", "dp"]
    code, out, err = run(home, *args, "--epsilon", "1", "--preview")
    assert code == 0 and out == "" and "accuracy: each count within" in err
    code, _, err = run(home, *args, "--epsilon", "1")
    assert code == 1 and "no privacy budget is set for victims" in err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 2  # accuracy + error
    assert run(home, "budget", "set", "victims", "--epsilon", "1.5")[0] == 0
    code, out, err = run(home, *args, "--epsilon", "1", "--format", "json")
    assert code == 0, err
    payload = json.loads(out)
    assert payload["metadata"]["policy"] == "dp"
    assert {c["flag"] for c in payload["cells"]} == {"N"}
    code, _, err = run(home, *args, "--epsilon", "1")
    assert code == 1 and "exceeded" in err and "refused" in err
    code, out, _ = run(home, "budget", "show", "victims")
    assert "spent 1" in out and "remaining 0.5" in out


@pytest.mark.parametrize("args", [
    ["table", "victims", "--by", "shoe_size", "--year", "2018"],
    ["table", "victims", "--by", "sex"],
    ["table", "victims", "--by", "sex", "--year", "20x8"],
    ["table", "victims", "--by", "sex", "--year", "2018", "--policy", "dp"],
    ["table", "victims", "--by", "sex", "--year", "2018", "--format", "pdf"],
    ["table", "victims", "--by", "sex", "--year", "2018", "--format", "xlsx"],
    ["table", "animals", "--year", "2018"],
    ["table", "victims", "--country", "XX", "--year", "2018"],
    ["sdg", "--year", "2018", "--by", "sex"],
])
def test_user_errors_are_one_line_and_exit_1(home: Path, args: list[str]) -> None:
    code, _, err = run(home, *args)
    assert code == 1
    assert err.startswith("haven: error: ") and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1


def test_flows_sdg_releases_and_codes(home: Path) -> None:
    code, out, err = run(home, "flows", "--year", "2017-2019", "--format", "csv")
    assert code == 0, err
    header, *rows = out.splitlines()
    assert header == "origin,destination,victims,domestic"
    assert all(int(r.split(",")[2]) >= 5 for r in rows)
    code, out, err = run(home, "sdg", "--year", "2018", "--country", "NL,BE")
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0].startswith("country\tyear") and any(line.startswith("NL\t2018") for line in
                                                        lines)
    code, out, _ = run(home, "releases", "--limit", "3")
    # The module's registry is shared, so how many releases exist depends on which tests ran
    # on this worker before; at least the two above.
    assert code == 0
    assert len(out.splitlines()) == min(3, _release_count(home))
    assert len(out.splitlines()) >= 2
    assert "cli:" in out
    result = runner.invoke(stats_app, ["codes"])
    assert json.loads(result.stdout)["exploitation"]["codes"][0] == {"haven": "sexual",
                                                                    "sdmx": "SEX"}


def test_figures_command_writes_png_and_svg(home: Path, tmp_path: Path) -> None:
    code, out, err = run(home, "figures", "--out", str(tmp_path), "--year", "2017-2019",
                         "--image", "png")
    assert code == 0, err
    written = [Path(p) for p in out.splitlines()]
    assert {p.name for p in written} == {"figure-1-exploitation.png", "figure-2-sex.png",
                                         "figure-3-eu-citizenship.png", "trend-by-year.png",
                                         "flows.png"}
    assert all(p.stat().st_size > 10_000 for p in written)


def test_help_texts_show_examples() -> None:
    for command in (["--help"], ["table", "--help"], ["flows", "--help"], ["figures", "--help"],
                    ["sdg", "--help"], ["budget", "set", "--help"]):
        result = runner.invoke(stats_app, command)
        assert result.exit_code == 0
        assert "haven stats" in result.stdout


def test_parse_years() -> None:
    assert parse_years("2018") == [2018]
    assert parse_years("2016-2018") == [2016, 2017, 2018]
    assert parse_years("2018,2016") == [2016, 2018]


def test_python_dash_m_runs_end_to_end(home: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "haven.statistics", "table", "victims", "--by", "status",
         "--year", "2018", "--home", str(home)], capture_output=True, text=True, check=False,
        env={"PATH": "/usr/bin:/bin"})
    assert done.returncode == 0, done.stderr
    assert "identified" in done.stdout and "presumed" in done.stdout
