"""The catalogs are complete and current: no language ships half-translated or out of date."""

from __future__ import annotations

import re
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import read_po

from haven.standard import ExploitationForm
from haven.web._i18n import DEFAULT_LOCALE, LOCALES_DIR, available_locales, translator
from haven.web._labels import AUDIT_ACTIONS, LABELS
from haven.web._render import templates

ROOT = Path(__file__).parent.parent.parent
POT = LOCALES_DIR / "haven.pot"
CATALOGS = sorted(LOCALES_DIR.glob("*/LC_MESSAGES/haven.po"))
# What `make messages` runs, minus the output file.
EXTRACT = ["extract", "-F", "babel.cfg", "-k", "_", "-k", "N_", "--no-location",
           "--sort-output", "--project", "Haven"]
PLACEHOLDER = re.compile(r"%\((\w+)\)[sdifr]")
# Validation reasons are `str.format` templates, as Pydantic's are (haven.web._reasons).
BRACED = re.compile(r"\{(\w+)\}")


def _read(path: Path, locale: str | None = None) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle, locale=locale)


def _msgids(catalog: Catalog) -> set[str]:
    return {_singular(message) for message in catalog if message.id}


def _singular(message: Message) -> str:
    return str(message.id[0] if message.pluralizable else message.id)


def _forms(message: Message) -> list[tuple[str, str]]:
    """(source text, translation) per form; a plural message has one per plural form."""
    if not message.pluralizable:
        return [(str(message.id), str(message.string or ""))]
    singular, plural = (str(text) for text in message.id)
    strings = message.string if isinstance(message.string, tuple) else (message.string,)
    return [(singular if i == 0 else plural, str(text or "")) for i, text in enumerate(strings)]


def _language(path: Path) -> str:
    return path.parent.parent.name


@pytest.fixture(scope="module")
def template() -> set[str]:
    return _msgids(_read(POT))


def test_there_is_a_dutch_catalog() -> None:
    assert "nl" in [_language(path) for path in CATALOGS]


@pytest.mark.parametrize("path", CATALOGS, ids=_language)
def test_every_msgid_is_translated(path: Path, template: set[str]) -> None:
    catalog = _read(path, _language(path))
    assert _msgids(catalog) == template, "run `make messages` to merge the .pot into this catalog"
    untranslated = sorted(_singular(m) for m in catalog
                          if m.id and any(not text.strip() for _, text in _forms(m)))
    fuzzy = sorted(_singular(m) for m in catalog if m.id and m.fuzzy)
    assert not untranslated, (
        f"{path.relative_to(ROOT)}: {len(untranslated)} untranslated, e.g. {untranslated[:10]}")
    assert not fuzzy, f"{path.relative_to(ROOT)}: fuzzy {fuzzy}"


@pytest.mark.parametrize("path", CATALOGS, ids=_language)
def test_translations_keep_the_placeholders(path: Path) -> None:
    wrong = []
    for message in _read(path, _language(path)):
        if not message.id:
            continue
        for msgid, msgstr in _forms(message):
            if not msgstr:
                continue  # untranslated: the test above says so
            names = sorted(PLACEHOLDER.findall(msgid))
            braced = sorted(BRACED.findall(msgid))
            if (sorted(PLACEHOLDER.findall(msgstr)) != names
                    or sorted(BRACED.findall(msgstr)) != braced):
                wrong.append(msgid)
            elif names:
                # The translator formats with `%`: a stray `%` would break the page.
                try:
                    msgstr % dict.fromkeys(names, "x")
                except (KeyError, ValueError, TypeError):
                    wrong.append(msgid)
            elif braced:
                # A reason is filled with `str.format`: a stray brace would lose the wording.
                try:
                    msgstr.format_map(dict.fromkeys(braced, "x"))
                except (KeyError, ValueError, IndexError):
                    wrong.append(msgid)
    assert not wrong, f"{path.relative_to(ROOT)}: placeholders differ in {wrong}"


def test_code_list_labels_are_extracted_and_translated(template: set[str]) -> None:
    labels = {text for by_code in LABELS.values() for text in by_code.values()}
    labels |= set(AUDIT_ACTIONS.values())
    assert labels - template == set(), "labels missing from the .pot; run `make messages`"
    for path in CATALOGS:
        translated = {_singular(m) for m in _read(path, _language(path)) if m.id and m.string}
        assert labels - translated == set(), f"{path.relative_to(ROOT)}: labels untranslated"


def test_pot_is_up_to_date(tmp_path: Path, template: set[str]) -> None:
    fresh = tmp_path / "haven.pot"
    command = [sys.executable, "-m", "babel.messages.frontend", *EXTRACT, "-o", str(fresh), "."]
    subprocess.run(command, cwd=ROOT, check=True, capture_output=True)
    assert _msgids(_read(fresh)) == template, "UI text changed; run `make messages`"


def test_dutch_is_rendered_and_unknown_languages_fall_back_to_english() -> None:
    dutch = translator("nl")
    assert dutch.locale == "nl"
    assert dutch("Log in") == "Inloggen"
    assert dutch("Welcome, %(name)s", name="Ada") == "Welkom, Ada"
    assert dutch.label(ExploitationForm.LABOUR) == "Arbeidsuitbuiting"
    fallback = translator("xx")
    assert fallback.locale == DEFAULT_LOCALE
    assert fallback("Log in") == "Log in"
    assert translator(None)("Log in") == "Log in"


def test_counts_take_the_plural_form_of_the_language() -> None:
    cases = (("en", "1 record", "3 records"), ("nl", "1 registratie", "3 registraties"))
    for lang, one, many in cases:
        _ = translator(lang)
        assert _.ngettext("%(n)s record", "%(n)s records", 1) == one
        assert _.ngettext("%(n)s record", "%(n)s records", 3) == many
    assert translator("nl").ngettext("%(n)s day left", "%(n)s days left", 0) == "nog 0 dagen"


def test_every_catalog_is_offered_by_its_own_name() -> None:
    offered = available_locales()
    assert next(iter(offered)) == DEFAULT_LOCALE
    assert set(offered) == {DEFAULT_LOCALE, *(_language(path) for path in CATALOGS)}
    assert offered["en"] == "English"
    assert offered["nl"] == "Nederlands"


@pytest.mark.parametrize(("lang", "ends", "shown"), [
    ("en", date(2026, 12, 2), "1 day left"), ("en", date(2026, 12, 1), "0 days left"),
    ("en", date(2026, 11, 28), "overdue by 3 days"), ("nl", date(2026, 12, 2), "nog 1 dag"),
    ("nl", date(2026, 11, 30), "1 dag te laat"), ("nl", date(2026, 11, 28), "3 dagen te laat"),
])
def test_deadlines_say_days_left_or_overdue(lang: str, ends: date, shown: str) -> None:
    _ = translator(lang)
    macros = templates.env.get_template("_referral_macros.html").make_module(
        {"_": _, "ngettext": _.ngettext})
    days_left = getattr(macros, "days_left")  # noqa: B009 - a template macro, unknown to mypy
    assert str(days_left(ends, date(2026, 12, 1))) == shown
