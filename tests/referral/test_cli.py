"""`haven referral`: due items on a given day, keys, partners; help texts show examples."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer.main
from typer.testing import CliRunner

from haven.config import Settings
from haven.identification import Minority
from haven.referral import ReasonableGroundsDecided, Referred, ReflectionStarted, record
from haven.referral.cli import referral_app
from haven.registry import AdminScope, Registry, Scope
from haven.standard import OrganisationCreate
from referral.support import DETECTED_ON, adult_victim

runner = CliRunner()


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for name in ("HAVEN_DATABASE_URL", "HAVEN_HOME", "HAVEN_KEY_FILE", "HAVEN_DATA_KEY",
                 "HAVEN_PRODUCTION"):
        monkeypatch.delenv(name, raising=False)
    registry = Registry.open(Settings(home=tmp_path), initialise=True)
    org = registry.create_organisation(AdminScope("test"), OrganisationCreate(
        name="FairWork", country="NL", type="ngo", code="nl-fairwork"))
    from haven.referral import open_pathway

    with registry.transaction(Scope("cli:test", org.id)) as tx:
        reflecting = open_pathway(tx, adult_victim(tx, "V-1").id, on=DETECTED_ON, reason="x")
        for event in (Referred(on=DETECTED_ON, reason="x"),
                      ReasonableGroundsDecided(on=DETECTED_ON, reason="x", positive=True,
                                               authority="NRM"),
                      ReflectionStarted(on=DETECTED_ON, reason="x")):
            record(tx, reflecting.id, event)
        open_pathway(tx, adult_victim(tx, "V-2").id, on=DETECTED_ON, reason="x",
                     minority=Minority.PRESUMED_CHILD)
    registry.close()
    return tmp_path


def test_due_lists_overdue_first_on_the_given_day(home: Path) -> None:
    result = runner.invoke(referral_app, ["due", "-o", "nl-fairwork", "--today", "2026-05-30",
                                          "--home", str(home)])
    assert result.exit_code == 0, result.output
    lines = [line.split("\t") for line in result.stdout.splitlines()]
    assert [(line[0], line[1], line[3]) for line in lines] == [
        ("overdue", "2026-03-02", "guardian_appointment"),
        ("due", "2026-06-02", "reflection_period_ends")]
    assert lines[1][2] == "3"
    as_json = runner.invoke(referral_app, ["due", "-o", "nl-fairwork", "--today", "2026-03-01",
                                           "--horizon", "0", "--json", "--home", str(home)])
    assert as_json.exit_code == 0 and as_json.stdout == ""
    early = runner.invoke(referral_app, ["due", "-o", "nl-fairwork", "--today", "2026-03-02",
                                         "--json", "--home", str(home)])
    assert json.loads(early.stdout.splitlines()[0])["status"] == "due"


def test_due_refuses_bad_input(home: Path) -> None:
    unknown = runner.invoke(referral_app, ["due", "-o", "nobody", "--home", str(home)])
    assert unknown.exit_code == 1 and "no organisation with id nobody" in unknown.stderr
    bad_day = runner.invoke(referral_app, ["due", "-o", "nl-fairwork", "--today", "30-05-2026",
                                           "--home", str(home)])
    assert bad_day.exit_code == 2


def test_keys_card_and_partners(home: Path, tmp_path: Path) -> None:
    key_file = tmp_path / "keys" / "ro.key"
    made = runner.invoke(referral_app, ["keys", "generate", "ro-haven", "--key-file",
                                        str(key_file)])
    assert made.exit_code == 0, made.output
    assert key_file.stat().st_mode & 0o777 == 0o600
    again = runner.invoke(referral_app, ["keys", "generate", "ro-haven", "--key-file",
                                         str(key_file)])
    assert again.exit_code == 1 and "refusing to overwrite" in again.stderr
    card = runner.invoke(referral_app, ["keys", "card", "--key-file", str(key_file), "--name",
                                        "Haven RO", "--country", "RO", "--endpoint",
                                        "https://haven.example.ro/"])
    assert card.exit_code == 0, card.output
    assert json.loads(card.stdout)["endpoint"] == "https://haven.example.ro"
    fingerprint = card.stderr.split("fingerprint: ")[1].strip()
    card_file = tmp_path / "ro.card.json"
    card_file.write_text(card.stdout, encoding="utf-8")
    added = runner.invoke(referral_app, ["partner", "add", str(card_file), "--home", str(home)])
    assert added.stdout.strip() == f"ro-haven\t{fingerprint}"
    twice = runner.invoke(referral_app, ["partner", "add", str(card_file), "--home", str(home)])
    assert twice.exit_code == 1 and "replace it explicitly" in twice.stderr
    listed = runner.invoke(referral_app, ["partner", "list", "--home", str(home)])
    assert listed.stdout.startswith("ro-haven\tRO\thttps://haven.example.ro\t")
    assert runner.invoke(referral_app, ["partner", "remove", "ro-haven", "--home",
                                        str(home)]).exit_code == 0
    assert runner.invoke(referral_app, ["partner", "list", "--home", str(home)]).stdout == ""


def _commands() -> list[tuple[str, object]]:
    group = typer.main.get_group(referral_app)
    found: list[tuple[str, object]] = []
    for name, command in group.commands.items():
        subs = getattr(command, "commands", None)
        if subs:
            found.extend((f"{name} {sub}", c) for sub, c in subs.items())
        else:
            found.append((name, command))
    return found


@pytest.mark.parametrize(("name", "command"), _commands(), ids=lambda v: str(v))
def test_every_command_explains_itself_with_an_example(name: str, command: object) -> None:
    text = getattr(command, "help", "") or ""
    assert "Example:" in text and f"haven referral {name}" in text


def test_every_command_is_in_the_docs() -> None:
    text = (Path(__file__).parents[2] / "docs" / "referral.md").read_text(encoding="utf-8")
    for name, _ in _commands():
        assert f"haven referral {name}" in text
