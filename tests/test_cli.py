"""The `haven` command as a user meets it: real subprocesses, exit codes, stdout and stderr."""

from __future__ import annotations

import csv
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from haven.cli import app
from haven.standard import COLUMNS

HAVEN = [sys.executable, "-c", "from haven.cli import main; main()"]


def run(home: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("HAVEN_")}
    env["HAVEN_HOME"] = str(home)
    result = subprocess.run([*HAVEN, *args], capture_output=True, text=True, env=env,
                            timeout=120, check=False)
    if check and result.returncode != 0:
        raise AssertionError(f"exit {result.returncode}: {result.stderr}")
    return result


@pytest.fixture
def home(tmp_path: Path) -> Path:
    run(tmp_path, "init")
    run(tmp_path, "org", "add", "nl-police", "--name", "Politie Oost-Nederland",
        "--country", "NL", "--type", "police")
    return tmp_path


def _victims_csv(path: Path, rows: list[dict[str, str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, COLUMNS["victim"], extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    return path


def _row(i: int, **changes: str) -> dict[str, str]:
    return {"external_id": f"V-{i}", "identification_status": "identified", "sex": "M",
            "citizenships": "UA", "exploitation": "labour:A", "registered_on": "2018-07-02",
            "given_names": "Олександр", "family_name": "Коваль", **changes}


def _leaf_commands() -> dict[str, object]:
    """Every runnable command, nested groups walked: {"audit verify": command, ...}."""
    import typer.main

    found: dict[str, object] = {}

    def walk(command: object, name: str) -> None:
        subcommands = getattr(command, "commands", None)
        if subcommands:
            for sub, child in subcommands.items():
                walk(child, f"{name} {sub}".strip())
        else:
            found[name] = command

    walk(typer.main.get_group(app), "")
    return found


def test_every_command_has_help_with_an_example() -> None:
    commands = _leaf_commands()
    assert {"init", "import", "export", "demo", "serve", "audit verify", "user add"} <= set(
        commands)
    for name, command in commands.items():
        text = getattr(command, "help", "") or ""
        assert "Example" in text, f"`haven {name}` --help shows no example"


def test_import_error_names_rows_and_fields_and_writes_nothing(home: Path) -> None:
    rows = [_row(1), _row(2, sex="robot"), _row(3, registered_on="2018-02-31"), _row(4)]
    path = _victims_csv(home / "victims.csv", rows)
    result = run(home, "import", str(path), "-o", "nl-police", check=False)
    assert result.returncode == 1
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert lines[0].startswith("victims.csv: row 2: sex: unknown code")
    assert lines[1].startswith("victims.csv: row 3: registered_on:")
    assert lines[-1] == "haven: error: 2 problem(s) in 2 row(s); nothing was written"
    assert "Traceback" not in result.stderr
    with sqlite3.connect(home / "haven.sqlite") as db:
        assert db.execute("select count(*) from victims").fetchone() == (0,)


def test_import_then_export_and_audit(home: Path) -> None:
    path = _victims_csv(home / "victims.csv", [_row(i) for i in range(1, 4)])
    result = run(home, "import", str(path), "-o", "nl-police")
    assert "3 rows: 3 created, 0 updated, 0 unchanged, 0 rejected" in result.stderr
    again = run(home, "import", str(path), "-o", "nl-police")
    assert "0 created, 0 updated, 3 unchanged" in again.stderr
    exported = run(home, "export", "victims", "-o", "nl-police")
    assert exported.stdout.splitlines()[0].startswith("external_id,identification_status")
    assert "Коваль" not in exported.stdout  # identifying data only when asked
    with_names = run(home, "export", "victims", "-o", "nl-police", "--identifying")
    assert "Коваль" in with_names.stdout
    verified = run(home, "audit", "verify")
    assert verified.stdout.startswith("audit log verified:")


def test_tampered_audit_log_fails_and_names_the_entry(home: Path) -> None:
    path = _victims_csv(home / "victims.csv", [_row(1), _row(2)])
    run(home, "import", str(path), "-o", "nl-police")
    with sqlite3.connect(home / "haven.sqlite") as db:
        db.execute("update audit_log set actor = 'cli:nobody' where seq = 2")
    result = run(home, "audit", "verify", check=False)
    assert result.returncode == 1
    assert "bad entries: 2" in result.stderr
    assert "entry 2 was changed" in result.stderr


def test_user_errors_are_one_line(home: Path, tmp_path: Path) -> None:
    missing = run(home, "import", str(tmp_path / "nope.csv"), "-o", "nl-police", check=False)
    assert missing.returncode == 1
    assert missing.stderr.strip().splitlines()[-1].startswith("haven: error:")
    unknown_org = run(home, "export", "victims", "-o", "xx-nobody", check=False)
    assert unknown_org.returncode == 1
    assert unknown_org.stderr.strip() == "haven: error: no organisation with id xx-nobody"
    bad_kind = run(home, "import", str(tmp_path / "x.csv"), "-o", "nl-police", check=False)
    assert bad_kind.returncode == 1
    assert "--kind" in bad_kind.stderr
    uninitialised = run(tmp_path / "empty", "org", "list", check=False)
    assert uninitialised.returncode == 1
    assert "haven init" in uninitialised.stderr
    for result in (missing, unknown_org, bad_kind, uninitialised):
        assert "Traceback" not in result.stderr


def test_user_add_reads_the_password_from_stdin(home: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("HAVEN_")}
    env["HAVEN_HOME"] = str(home)
    added = subprocess.run([*HAVEN, "user", "add", "jdevries", "-o", "nl-police",
                            "--role", "case_worker", "--name", "Jan de Vries"],
                           input="a long enough password\n", capture_output=True, text=True,
                           env=env, timeout=120, check=False)
    assert added.returncode == 0, added.stderr
    assert added.stdout.startswith("jdevries\t")
    listed = run(home, "user", "list", "-o", "nl-police")
    assert listed.stdout.strip() == "jdevries\tcase_worker\tactive"
    weak = subprocess.run([*HAVEN, "user", "add", "weak", "-o", "nl-police", "-r", "analyst"],
                          input="short\n", capture_output=True, text=True, env=env,
                          timeout=120, check=False)
    assert weak.returncode == 1
    assert "12 characters" in weak.stderr
    with sqlite3.connect(home / "haven.sqlite") as db:
        (stored,) = db.execute("select password_hash from users").fetchone()
    assert "a long enough password" not in stored
