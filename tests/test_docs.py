"""Docs are tested artefacts: every command, setting and code is documented where it should be."""

from __future__ import annotations

import re
from enum import StrEnum
from pathlib import Path

import pytest
import typer.main

import haven.standard._codes as codes
from haven.cli import app

DOCS = Path(__file__).parent.parent / "docs"


def _commands() -> list[str]:
    group = typer.main.get_group(app)
    names = []
    for name, command in group.commands.items():
        names.append(name)
        names.extend(f"{name} {sub}" for sub in getattr(command, "commands", {}))
    return names


def test_every_command_is_documented() -> None:
    text = (DOCS / "cli.md").read_text(encoding="utf-8")
    for name in _commands():
        assert f"haven {name}" in text, f"docs/cli.md does not document `haven {name}`"


def test_every_setting_is_documented() -> None:
    source = (Path(__file__).parent.parent / "src/haven/config.py").read_text(encoding="utf-8")
    settings = set(re.findall(r"HAVEN_[A-Z_]+", source))
    text = (DOCS / "operations.md").read_text(encoding="utf-8")
    assert settings
    for name in settings:
        assert f"`{name}`" in text, f"docs/operations.md does not document {name}"


# Age bands and groups are derived, ISIC sections are given as the range A-U, person kinds in prose.
_LISTS = [getattr(codes, name) for name in codes.__all__
          if name not in {"AgeBand", "AgeGroup", "IsicSection", "PersonKind"}]


@pytest.mark.parametrize("code_list", _LISTS, ids=lambda e: e.__name__)
def test_every_code_is_listed_in_the_data_standard(code_list: type[StrEnum]) -> None:
    text = (DOCS / "data-standard.md").read_text(encoding="utf-8")
    for member in code_list:
        assert re.search(rf"\b{re.escape(member.value)}\b", text), (
            f"{code_list.__name__}.{member.name} is missing from docs/data-standard.md")


def test_readme_gives_the_two_commands() -> None:
    readme = (DOCS.parent / "README.md").read_text(encoding="utf-8")
    assert "make demo" in readme
    assert "make test" in readme
