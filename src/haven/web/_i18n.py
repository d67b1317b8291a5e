"""Translations: gettext catalogs (Babel), one per language, chosen per user.

A language is a folder `locales/<code>/LC_MESSAGES/haven.po`; Haven finds every such folder
at start-up and compiles it in memory, so adding a language is adding a file (see
docs/i18n.md), no code. English is the source language and always present.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from pathlib import Path

from babel import Locale
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

from haven.exceptions import FieldProblem, HavenError
from haven.web._labels import LABELS
from haven.web._messages import error_text
from haven.web._reasons import reason_text

__all__ = ["DEFAULT_LOCALE", "LOCALES_DIR", "Translator", "available_locales", "translator"]

LOCALES_DIR = Path(__file__).parent / "locales"
DEFAULT_LOCALE = "en"


@cache
def available_locales() -> dict[str, str]:
    """Language code -> its own name ("nl" -> "Nederlands"), English first."""
    codes = {DEFAULT_LOCALE}
    if LOCALES_DIR.is_dir():
        codes |= {p.parent.parent.name for p in LOCALES_DIR.glob("*/LC_MESSAGES/haven.po")}
    ordered = [DEFAULT_LOCALE, *sorted(codes - {DEFAULT_LOCALE})]
    return {code: (Locale.parse(code).get_display_name(code) or code).capitalize()
            for code in ordered}


@cache
def _translations(code: str) -> NullTranslations:
    path = LOCALES_DIR / code / "LC_MESSAGES" / "haven.po"
    if not path.exists():
        return NullTranslations()
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=code)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(buffer)


@dataclass(frozen=True, slots=True)
class Translator:
    """What templates call: `_("text")`, `ngettext("one", "many", n)`, `label(code)`.

    Pages show a `FieldProblem` with `reason(problem)` and a `HavenError` with `error(error)`.
    """

    locale: str
    gettext: Callable[[str], str]
    plural: Callable[[str, str, int], str]

    def __call__(self, text: str, **values: object) -> str:
        translated = self.gettext(text)
        return translated % values if values else translated

    def ngettext(self, singular: str, plural: str, n: int, **values: object) -> str:
        """The form for `n` in this language (Dutch and English: one, other); `%(n)s` is `n`."""
        return self.plural(singular, plural, n) % {"n": n, **values}

    def label(self, code: StrEnum | str | None, kind: type[StrEnum] | None = None) -> str:
        if code is None:
            return ""
        enum_cls = kind or (type(code) if isinstance(code, StrEnum) else None)
        english = LABELS.get(enum_cls, {}).get(str(code)) if enum_cls else None
        return self.gettext(english) if english else str(code)

    def reason(self, problem: FieldProblem) -> str:
        """Why a field was refused, in this language (English where there is no translation)."""
        return reason_text(problem, self.gettext, self.plural)

    def error(self, error: HavenError) -> str:
        """An error's message in this language (`haven.web._messages`), never in English when
        this language is another."""
        return error_text(error, self.gettext, self.plural, self.label,
                          english=self.locale == DEFAULT_LOCALE)


def pick_locale(wanted: str | None) -> str:
    return wanted if wanted in available_locales() else DEFAULT_LOCALE


def translator(locale: str | None) -> Translator:
    code = pick_locale(locale)
    catalog = _translations(code)
    return Translator(code, catalog.gettext, catalog.ngettext)
