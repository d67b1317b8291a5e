"""Name and date keys that survive scripts, transliterations, diacritics and name order.

The same Ukrainian woman is registered as Олександра Хмельницька by a Ukrainian NGO,
Oleksandra Khmelnytska by the police, Olexandra Chmelnyzka by a German office and
Aleksandra Khmelnitskaya by a Russian-trained clerk. Comparing raw strings calls these four
people. Three keys make them one:

- `clean_name`: Unicode NFKC, casefolded, Cyrillic romanised by one fixed table, diacritics
  and punctuation removed, whitespace collapsed: the spelling a careful clerk would type.
- `skeleton`: `clean_name` with the letters that romanisation schemes disagree on folded to
  one class each (kh/ch/h, i/y/j, ts/tz/z/c, sh/sch/sz, w/v, doubled letters): a lossy key,
  so it is one comparison level among several, never the whole comparison.
- `token_key`: the tokens of a full name sorted, so that family-name-first orders
  (Vietnamese, Hungarian, Chinese) and swapped fields compare equal.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

__all__ = [
    "clean_name",
    "clean_token",
    "date_parts",
    "name_tokens",
    "skeleton",
    "token_key",
]

# One Cyrillic table for all languages (Ukrainian, Russian, Bulgarian, Serbian, Belarusian).
# Exactness does not matter: every spelling is folded again by `skeleton`.
_CYRILLIC = {
    "а": "a", "б": "b", "в": "v", "г": "h", "ґ": "g", "д": "d", "е": "e", "ё": "e", "є": "ye",
    "ж": "zh", "з": "z", "и": "y", "і": "i", "ї": "yi", "й": "y", "к": "k", "л": "l", "м": "m",
    "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh",
    "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "a", "ы": "y", "ь": "", "э": "e",
    "ю": "yu", "я": "ya", "ђ": "dj", "ј": "j", "љ": "lj", "њ": "nj", "ћ": "c", "џ": "dz",
    "ў": "u",
}
# Letters NFKD does not decompose into base + mark.
_SPECIAL = {
    "ß": "ss", "ø": "o", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "æ": "ae", "œ": "oe",
    "ı": "i", "ħ": "h", "ŀ": "l",
}
# Longest first: each group is the set of spellings that schemes use for one sound.
_FOLDS: tuple[tuple[str, str], ...] = (
    ("schtsch", "s"), ("shch", "s"), ("sht", "s"), ("tsch", "c"), ("sch", "s"), ("szcz", "s"),
    ("tch", "c"), ("ck", "k"), ("sh", "s"), ("sz", "s"), ("zh", "z"), ("kh", "h"), ("ch", "h"),
    ("ph", "f"), ("th", "t"), ("ts", "c"), ("tz", "c"), ("cs", "c"), ("dj", "d"),
    ("x", "ks"), ("q", "k"), ("w", "v"), ("j", "i"), ("y", "i"), ("g", "h"), ("z", "c"),
)
_FOLD_RE = re.compile("|".join(re.escape(src) for src, _ in _FOLDS))
_FOLD_MAP = dict(_FOLDS)
_NOT_LETTER = re.compile(r"[^a-z0-9 ]+")
_SPACES = re.compile(r"\s+")
_REPEAT = re.compile(r"(.)\1+")
_DATE = re.compile(r"^(\d{4})(?:-?(\d{2})(?:-?(\d{2}))?)?$")


def _latin(text: str) -> str:
    out = []
    for char in text:
        lower = char.lower()
        if lower in _CYRILLIC:
            out.append(_CYRILLIC[lower])
        else:
            out.append(_SPECIAL.get(lower, lower))
    decomposed = unicodedata.normalize("NFKD", "".join(out))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def clean_name(text: str | None) -> str:
    """Return the name romanised, without diacritics or punctuation, in lower case.

    >>> clean_name("Олександра  Хмельницька")
    'oleksandra khmelnytska'
    >>> clean_name("Nguyễn Thị Hương")
    'nguyen thi huong'
    """
    if not text:
        return ""
    latin = _latin(unicodedata.normalize("NFKC", text).casefold())
    # Apostrophes and hyphens join name parts (O'Brien, Jean-Luc): drop or split them.
    latin = latin.replace("'", "").replace("’", "").replace("-", " ")
    return _SPACES.sub(" ", _NOT_LETTER.sub(" ", latin)).strip()


def clean_token(token: str) -> str:
    """`skeleton` of one token; the empty string for an empty token."""
    folded = _FOLD_RE.sub(lambda m: _FOLD_MAP[m.group(0)], token)
    return _REPEAT.sub(r"\1", folded)


def skeleton(text: str | None) -> str:
    """Fold romanisation variants of a name onto one key (token order kept).

    >>> skeleton("Khmelnytskyi") == skeleton("Chmelnyzkyj") == skeleton("Хмельницький")
    True
    """
    return " ".join(clean_token(t) for t in clean_name(text).split())


def name_tokens(*parts: str | None) -> list[str]:
    """Skeleton tokens of every part, in order, without empties and duplicates."""
    seen: dict[str, None] = {}
    for part in parts:
        for token in skeleton(part).split():
            seen.setdefault(token, None)
    return list(seen)


def token_key(tokens: Iterable[str]) -> str:
    """Order-free key of a set of name tokens: Nguyen Van An equals An Nguyen Van."""
    return " ".join(sorted(set(tokens)))


def date_parts(value: str | None) -> tuple[int | None, int | None, int | None]:
    """Split YYYY, YYYY-MM, YYYY-MM-DD or YYYYMMDD into (year, month, day); None where absent.

    Malformed dates give three Nones: a date we cannot read is a missing date, not evidence.
    """
    if not value:
        return (None, None, None)
    match = _DATE.match(value.strip())
    if match is None:
        return (None, None, None)
    year, month, day = (int(g) if g else None for g in match.groups())
    if month is not None and not 1 <= month <= 12:
        return (year, None, None)
    if day is not None and not 1 <= day <= 31:
        return (year, month, None)
    return (year, month, day)
