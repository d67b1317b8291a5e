"""`haven link` end to end on files, as an agency would run it on an export."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pyarrow as pa
import pytest
from typer.testing import CliRunner

from haven.linkage.cli import link_app

runner = CliRunner()


def _write(path: Path, table: pa.Table, truth: dict[str, str] | None = None) -> Path:
    rows = table.to_pylist()
    with path.open("w", newline="", encoding="utf-8") as handle:
        columns = [*table.column_names, *(["person_id"] if truth else [])]
        writer = csv.DictWriter(handle, fieldnames=columns)
        writer.writeheader()
        for row in rows:
            out = {k: v or "" for k, v in row.items()}
            if truth:
                out["person_id"] = truth[row["record_id"]]
            writer.writerow(out)
    return path


@pytest.mark.slow
def test_dedupe_encode_hub_evaluate(synthetic_small: tuple[pa.Table, dict[str, str]],
                                   tmp_path: Path, key_file: Path) -> None:
    table, truth = synthetic_small
    source = _write(tmp_path / "in.csv", table)
    with_truth = _write(tmp_path / "truth.csv", table, truth)
    out = tmp_path / "persons.csv"
    result = runner.invoke(link_app, ["dedupe", str(source), "--out", str(out),
                                      "--evidence", str(tmp_path / "ev.csv")])
    assert result.exit_code == 0, result.output
    header = out.read_text(encoding="utf-8").splitlines()[0]
    assert header == "record_id,person_id"
    scored = runner.invoke(link_app, ["evaluate", str(out), "--truth", str(with_truth)])
    assert scored.exit_code == 0
    assert json.loads(scored.stdout)["f1"] >= 0.8

    enc = tmp_path / "all.enc.csv"
    encoded = runner.invoke(link_app, ["encode", str(source), "--key-file", str(key_file),
                                       "--out", str(enc)])
    assert encoded.exit_code == 0, encoded.output
    hub_out = tmp_path / "hub.csv"
    counts = tmp_path / "counts.json"
    linked = runner.invoke(link_app, ["hub", str(enc), "--out", str(hub_out),
                                      "--counts", str(counts)])
    assert linked.exit_code == 0, linked.output
    summary = json.loads(counts.read_text(encoding="utf-8"))
    assert summary["records"] == table.num_rows
    assert 0 < summary["persons"] < table.num_rows

    keyed = tmp_path / "keyed.enc.csv"
    encoded = runner.invoke(link_app, ["encode", str(source), "--key-file", str(key_file),
                                       "--out", str(keyed), "--blocking-keys-for", "500"])
    assert encoded.exit_code == 0, encoded.output
    assert keyed.read_text(encoding="utf-8").splitlines()[0].endswith(",blocking_keys")
    assert "given_name" not in keyed.read_text(encoding="utf-8")


def test_user_errors_are_one_line(tmp_path: Path, key_file: Path) -> None:
    missing = runner.invoke(link_app, ["dedupe", str(tmp_path / "no.csv"), "--out", "x"])
    assert missing.exit_code == 2
    assert "Traceback" not in missing.output
    bad = tmp_path / "bad.csv"
    bad.write_text("record_id,source_org,sex,given_name\n1,a,X,Olena\n1,,F,Olena\n",
                   encoding="utf-8")
    invalid = runner.invoke(link_app, ["dedupe", str(bad), "--out", str(tmp_path / "o.csv")])
    assert invalid.exit_code == 2
    assert "row 2" in invalid.output and "Olena" not in invalid.output
    short = tmp_path / "short.key"
    short.write_bytes(b"123")
    refused = runner.invoke(link_app, ["encode", str(bad), "--key-file", str(short),
                                       "--out", str(tmp_path / "e")])
    assert refused.exit_code == 2 and "32 bytes" in refused.output


def test_review_decisions_accumulate(tmp_path: Path) -> None:
    decisions = tmp_path / "reviewed.json"
    assert runner.invoke(link_app, ["review", "merge", "a:1", "b:2", "--decisions",
                                    str(decisions)]).exit_code == 0
    assert runner.invoke(link_app, ["review", "split", "a:1", "c:3", "d:4", "--decisions",
                                    str(decisions)]).exit_code == 0
    data = json.loads(decisions.read_text(encoding="utf-8"))
    assert data == {"same": [["a:1", "b:2"]], "different": [["a:1", "c:3"], ["a:1", "d:4"]]}
    wrong = runner.invoke(link_app, ["review", "join", "a:1", "b:2", "--decisions",
                                     str(decisions)])
    assert wrong.exit_code == 2


@pytest.mark.parametrize("command", ["dedupe", "encode", "hub", "evaluate", "review"])
def test_every_command_has_help_with_an_example(command: str) -> None:
    result = runner.invoke(link_app, [command, "--help"])
    assert result.exit_code == 0
    assert "Example" in result.output
