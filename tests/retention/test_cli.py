"""`haven erase` and `haven retention` as an operator meets them (real subprocesses)."""

from __future__ import annotations

import csv
import io
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

HAVEN = [sys.executable, "-c", "from haven.cli import main; main()"]


def run(home: Path, *args: str, stdin: str = "", **env_extra: str
        ) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("HAVEN_")}
    env.update(HAVEN_HOME=str(home), **env_extra)
    return subprocess.run([*HAVEN, *args], capture_output=True, text=True, env=env,
                          input=stdin, timeout=120, check=False)


@pytest.fixture
def home(tmp_path: Path) -> Path:
    for args in (("init",), ("org", "add", "nl-ngo", "--name", "Stichting Veilig",
                             "--country", "NL", "--type", "ngo")):
        assert run(tmp_path, *args).returncode == 0
    rows = tmp_path / "victims.csv"
    rows.write_text(
        "external_id,identification_status,sex,citizenships,exploitation,registered_on,"
        "given_names,family_name\n"
        "V-OLD,identified,F,VN,sexual,2012-04-01,Thị Hoa,Nguyễn\n"
        "V-NEW,presumed,M,UA,labour:A,2026-10-01,Олександр,Коваль\n", encoding="utf-8")
    assert run(tmp_path, "import", str(rows), "-o", "nl-ngo").returncode == 0
    return tmp_path


def _external_ids(home: Path) -> list[str]:
    with sqlite3.connect(home / "haven.sqlite") as db:
        return sorted(r[0] for r in db.execute("SELECT external_id FROM victims"))


def test_erase_asks_and_refuses_without_a_yes(home: Path) -> None:
    refused = run(home, "erase", "victim", "V-OLD", "-o", "nl-ngo", "--reason", "request",
                  stdin="n\n")
    assert refused.returncode == 1
    assert "nothing was erased" in refused.stderr
    assert _external_ids(home) == ["V-NEW", "V-OLD"]


def test_erase_by_external_id_removes_the_record(home: Path) -> None:
    done = run(home, "erase", "victim", "V-OLD", "-o", "nl-ngo", "--reason", "request",
               "--yes")
    assert done.returncode == 0, done.stderr
    assert "erased the whole record of victim" in done.stderr
    assert "victims 1" in done.stderr and "identities 1" in done.stderr
    assert done.stdout == ""
    assert _external_ids(home) == ["V-NEW"]
    files = b"".join(p.read_bytes() for p in home.glob("haven.sqlite*"))
    assert b"V-OLD" not in files and b"V-NEW" in files  # overwritten, not just unlinked
    again = run(home, "erase", "victim", "V-OLD", "-o", "nl-ngo", "--reason", "request",
                "--yes")
    assert again.returncode == 1 and again.stderr.startswith("haven: error:")
    assert run(home, "audit", "verify").returncode == 0


def test_erase_rejects_a_wrong_kind_and_reason(home: Path) -> None:
    assert run(home, "erase", "case", "C-1", "-o", "nl-ngo", "--reason", "request",
               "--yes").returncode == 2
    assert run(home, "erase", "victim", "V-OLD", "-o", "nl-ngo", "--reason", "because",
               "--yes").returncode == 2


def test_retention_lists_then_applies(home: Path) -> None:
    # Registered 2012 and touched today: due only once the last change is old enough.
    listed = run(home, "retention", "--as-of", "2037-01-01")
    assert listed.returncode == 0, listed.stderr
    rows = list(csv.DictReader(io.StringIO(listed.stdout)))
    assert [(r["kind"], r["part"], r["organisation"]) for r in rows] == [
        ("victim", "record", "nl-ngo"), ("victim", "record", "nl-ngo")]
    assert "2 whole record(s)" in listed.stderr
    assert _external_ids(home) == ["V-NEW", "V-OLD"]  # listing erases nothing

    short = run(home, "retention", "--as-of", "2032-06-01",
                HAVEN_RETENTION_IDENTIFYING_YEARS="2", HAVEN_RETENTION_RECORD_YEARS="30")
    assert [r["part"] for r in csv.DictReader(io.StringIO(short.stdout))] == [
        "identity", "identity"]

    applied = run(home, "retention", "--as-of", "2037-01-01", "--apply")
    assert applied.returncode == 0, applied.stderr
    assert "erased 2" in applied.stderr
    assert _external_ids(home) == []
    assert run(home, "retention", "--as-of", "2037-01-01").stdout.count("\n") == 1  # header


def test_retention_refuses_a_bad_date_and_bad_periods(home: Path) -> None:
    assert run(home, "retention", "--as-of", "01/01/2030").returncode == 2
    bad = run(home, "retention", HAVEN_RETENTION_IDENTIFYING_YEARS="9",
              HAVEN_RETENTION_RECORD_YEARS="3")
    assert bad.returncode == 1 and "retention periods" in bad.stderr
