"""Text normalisation: NFKC for reading, folded and transliterated keys only for matching.

The text an analyst sees is kept as written (NFKC only, so digits, every script and emoji
survive). Matching keys are casefolded, stripped of diacritics and transliterated from
Cyrillic to Latin, so that "Нова в града" and "nova v grada" compare equal.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

__all__ = ["fold", "fold_aligned", "nfkc", "translit", "word_tokens"]

_CYRILLIC = dict(
    zip(
        "абвгдеёжзийклмнопрстуфхцчшщъыьэюяєіїґ",
        ["a", "b", "v", "g", "d", "e", "e", "zh", "z", "i", "i", "k", "l", "m", "n", "o", "p",
         "r", "s", "t", "u", "f", "h", "ts", "ch", "sh", "sht", "a", "y", "", "e", "yu", "ya",
         "ye", "i", "yi", "g"],
        strict=True,
    )
)
_TRANSLIT = str.maketrans({**_CYRILLIC, "ʼ": "", "'": "", "’": ""})
_WORD = re.compile(r"\w+")


def nfkc(text: str) -> str:
    """Unicode NFKC: fullwidth and mathematical digits become ASCII, emoji are kept."""
    return unicodedata.normalize("NFKC", text)


@lru_cache(maxsize=65536)
def _fold_word(word: str) -> str:
    decomposed = unicodedata.normalize("NFKD", word.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def fold(text: str) -> str:
    """Casefold and strip diacritics (`Île` -> `ile`, `й` -> `и`); scripts are kept.

    Example:
        >>> fold("Nouă în Oraș")
        'noua in oras'
    """
    if text.isascii():
        return text.casefold()
    return _fold_word(text) if len(text) < 64 else "".join(
        _fold_word(part) for part in re.split(r"(\s+)", text)
    )


class _AlignedFold(dict[int, str]):
    """Translation table folding one character to one character, filled on first use."""

    def __missing__(self, code: int) -> str:
        folded = _fold_word(chr(code))
        value = folded[0] if folded else chr(code)
        self[code] = value
        return value


_ALIGNED = _AlignedFold()


def fold_aligned(text: str) -> str:
    """Like `fold`, but one character for one, so a match's span is a span of `text` too.

    Example:
        >>> fold_aligned("Straße Ÿ")
        'strase y'
    """
    return text.translate(_ALIGNED)


def translit(folded: str) -> str:
    """Transliterate folded Cyrillic to Latin, for matching keys only."""
    return folded.translate(_TRANSLIT)


def word_tokens(text: str) -> list[str]:
    """Folded, transliterated word tokens; each run of digits becomes `0`."""
    return [t if not t.isdigit() else "0" for t in _WORD.findall(translit(fold(text)))]
