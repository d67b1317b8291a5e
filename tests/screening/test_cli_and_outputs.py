"""The file interface, the triage outputs, the report and the command line."""

from __future__ import annotations

import csv
import json
import re
import subprocess
import sys
from pathlib import Path

import networkx as nx
import pyarrow.parquet as pq
import pytest
import typer
from typer.testing import CliRunner

from haven.screening.cli import screen_command
from haven.synth.ads import AdCorpus

app = typer.Typer()


@app.callback()
def _root() -> None:
    """Stands in for the `haven` group the lead registers the command in."""


app.command("screen")(screen_command)
runner = CliRunner()


@pytest.fixture(scope="module")
def screened(tmp_path_factory: pytest.TempPathFactory, small_corpus: AdCorpus) -> Path:
    src = tmp_path_factory.mktemp("in")
    path = small_corpus.write_csv(src / "ads.csv")
    with path.open("a", encoding="utf-8") as f:
        f.write("bad1,,,,,,,,,\n")  # a row with no text: reported, not fatal
    out = tmp_path_factory.mktemp("out")
    result = runner.invoke(app, ["screen", str(path), "--out", str(out), "--workers", "1"])
    assert result.exit_code == 0, result.output
    assert str(out / "ads.csv") in result.stdout
    return out


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def test_ads_csv_is_the_file_interface(screened: Path, small_corpus: AdCorpus) -> None:
    rows = read_csv(screened / "ads.csv")
    assert [r["id"] for r in rows] == [a["id"] for a in small_corpus.ads]
    assert {"id", "template", "network", "risk", "reasons"} <= set(rows[0])
    assert all(re.fullmatch(r"(T\d{5})?", r["template"]) for r in rows)
    assert all(re.fullmatch(r"(N\d{5})?", r["network"]) for r in rows)
    assert any(r["template"] for r in rows) and any(not r["network"] for r in rows)
    for r in rows:
        assert (float(r["risk"]) > 0) == bool(r["reasons"])
    assert len(pq.read_table(screened / "ads.parquet")) == len(rows)


def test_phones_csv_in_e164_with_obfuscated_flag(screened: Path, small_corpus: AdCorpus) -> None:
    rows = read_csv(screened / "phones.csv")
    assert list(rows[0]) == ["id", "phone", "obfuscated"]
    assert all(re.fullmatch(r"\+\d{8,15}", r["phone"]) for r in rows)
    truth = {(i, p, str(o)) for i, t in small_corpus.truth.items() for p, o in t.phones}
    assert {(r["id"], r["phone"], r["obfuscated"]) for r in rows} == truth


def test_bad_rows_are_listed(screened: Path) -> None:
    assert read_csv(screened / "problems.csv") == [
        {"row": "401", "field": "text", "reason": "no title and no text", "value": ""}]


def test_triage_outputs(screened: Path) -> None:
    nets = read_csv(screened / "networks.csv")
    risks = [float(n["risk"]) for n in nets]
    assert risks == sorted(risks, reverse=True)
    triage = json.loads((screened / "triage.json").read_text(encoding="utf-8"))
    assert [n["network"] for n in triage["networks"]] == [n["network"] for n in nets]
    assert "never a verdict" in triage["note"]
    assert pq.read_table(screened / "triage.parquet").num_rows == len(nets)
    templates = read_csv(screened / "templates.csv")
    assert any("[phone]" in t["text"] for t in templates)
    assert {t["links"] for t in templates} <= {"True", "False"}
    assert any(t["links"] == "True" for t in templates)


def test_graphml_reads_back(screened: Path) -> None:
    g = nx.read_graphml(screened / "networks.graphml")
    ads = [n for n, d in g.nodes(data=True) if d["kind"] == "ad"]
    phones = [n for n, d in g.nodes(data=True) if d["kind"] == "phone"]
    assert ads and phones
    assert all(g.degree(p) >= 1 for p in phones)
    # a template is drawn only where it links ads (a specific one), like any contact
    linking = [n for n, d in g.nodes(data=True) if d["kind"] == "template"]
    assert linking and all(g.degree(t) >= 2 for t in linking)


def test_report_is_self_contained(screened: Path) -> None:
    html = (screened / "report.html").read_text(encoding="utf-8")
    assert html.startswith("<!doctype html>")
    assert "<script" not in html
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", html)
    assert "@import" not in html and "url(" not in html
    assert 'class="slot"' in html and "never a verdict" in html


def test_user_errors_exit_non_zero_with_one_line(tmp_path: Path) -> None:
    result = runner.invoke(app, ["screen", str(tmp_path / "none.jsonl"), "--out", str(tmp_path)])
    assert result.exit_code == 2
    assert result.output.strip().splitlines() == ["error: none.jsonl: no such file"]
    empty = tmp_path / "empty.jsonl"
    empty.write_text("\n", encoding="utf-8")
    result = runner.invoke(app, ["screen", str(empty), "--out", str(tmp_path)])
    assert result.exit_code == 2
    assert "Traceback" not in result.output


def test_help_shows_an_example() -> None:
    result = runner.invoke(app, ["screen", "--help"])
    assert result.exit_code == 0
    assert "haven screen ads.jsonl --out" in result.output


def test_python_dash_m_runs_end_to_end(tmp_path: Path, small_corpus: AdCorpus) -> None:
    src = small_corpus.write_jsonl(tmp_path / "ads.jsonl")
    done = subprocess.run(
        [sys.executable, "-m", "haven.screening", str(src), "--out", str(tmp_path / "o")],
        capture_output=True, text=True, timeout=120, check=False,
    )
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "o" / "report.html").is_file()
    assert "analyse" in done.stderr  # progress goes to stderr, paths to stdout
    assert all(Path(line).exists() for line in done.stdout.splitlines())


def test_every_option_is_documented() -> None:
    import inspect

    doc = (Path(__file__).parents[2] / "docs" / "screening.md").read_text(encoding="utf-8")
    for name in inspect.signature(screen_command).parameters:
        if name != "ads":
            assert f"--{name}" in doc, name
    for column in ("id, template, network, risk, reasons", "id, phone, obfuscated"):
        assert column in doc
