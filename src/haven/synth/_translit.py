"""Romanisations of Cyrillic names and the loss of diacritics, as registries produce them.

The same Ukrainian passport holder is written Oleksandr Khmelnytskyi by the national system,
Olexandr Chmelnyzkyj by a German office and Oleksandr Chmelnyckyj by a Czech-trained clerk.
Each scheme here is a plain letter table, so that every variant is reproducible.
"""

from __future__ import annotations

import unicodedata

__all__ = ["SCHEMES", "has_diacritics", "is_cyrillic", "strip_diacritics", "transliterate"]

_COMMON = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "з": "z", "и": "i", "й": "y",
    "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t",
    "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch", "ь": "",
    "ю": "yu", "я": "ya", "ж": "zh", "ъ": "", "ы": "y", "э": "e", "ё": "e", "і": "i", "ї": "yi",
    "є": "ye", "ґ": "g", "'": "", "’": "",
}

# Ukrainian national system (Cabinet of Ministers resolution 55 of 2010): the passport form.
_UA_NATIONAL = _COMMON | {
    "г": "h", "и": "y", "й": "i", "ї": "i", "є": "ie", "ю": "iu", "я": "ia",
}
_UA_NATIONAL_INITIAL = {"й": "y", "ї": "yi", "є": "ye", "ю": "yu", "я": "ya"}
# Scholarly / Czech-style romanisation, as written with the háčeks removed by most systems.
_UA_SCHOLARLY = _COMMON | {
    "г": "h", "х": "ch", "ц": "c", "ч": "c", "ш": "s", "щ": "sc", "ж": "z", "и": "y", "й": "j",
    "ї": "ji", "є": "je", "ю": "ju", "я": "ja",
}
# German Duden style: Oleksandr -> Olexandr, Khmelnytskyi -> Chmelnyzkyj.
_GERMAN = _COMMON | {
    "в": "w", "х": "ch", "ц": "z", "ч": "tsch", "ш": "sch", "щ": "schtsch", "ж": "sh", "з": "s",
    "й": "j", "ю": "ju", "я": "ja", "є": "je", "ї": "ji", "кс": "x",
}
_UA_GERMAN = _GERMAN | {"г": "h", "и": "y"}
# Russian: ICAO 9303 passport form (Natalia, Iuliia) and the BGN/PCGN form (Natalya, Yuliya).
_RU_ICAO = _COMMON | {"й": "i", "ю": "iu", "я": "ia", "ъ": "ie", "х": "kh"}
_RU_BGN = _COMMON | {"е": "e", "й": "y"}
_RU_BGN_INITIAL = {"е": "ye"}
_RU_GERMAN = _GERMAN | {"ы": "y", "и": "i", "е": "e"}
# Bulgarian: the official 2009 system (Hristo, Dimitar), the older BGN system with "kh" and
# "u" for ъ, and German style (Christo, Schekow).
_BG_OFFICIAL = _COMMON | {"х": "h", "щ": "sht", "ъ": "a", "ь": "y", "й": "y"}
_BG_OLD = _COMMON | {"х": "kh", "щ": "sht", "ъ": "u", "й": "i"}
_BG_GERMAN = _GERMAN | {"щ": "scht", "ъ": "a", "и": "i"}

SCHEMES: dict[str, tuple[dict[str, str], dict[str, str]]] = {
    "ua_national": (_UA_NATIONAL, _UA_NATIONAL_INITIAL),
    "ua_scholarly": (_UA_SCHOLARLY, {}),
    "ua_german": (_UA_GERMAN, {}),
    "ru_icao": (_RU_ICAO, {}),
    "ru_bgn": (_RU_BGN, _RU_BGN_INITIAL),
    "ru_german": (_RU_GERMAN, {}),
    "bg_official": (_BG_OFFICIAL, {}),
    "bg_old": (_BG_OLD, {}),
    "bg_german": (_BG_GERMAN, {}),
}

# Ukrainian national system writes зг as "zgh"; Bulgarian official writes -ия as "ia".
_SPECIAL_PAIRS = {"ua_national": {"зг": "zgh"}, "bg_official": {"ия": "ia"}}


def _word(word: str, table: dict[str, str], initial: dict[str, str], pairs: dict[str, str]) -> str:
    lower = word.lower()
    out: list[str] = []
    i = 0
    while i < len(lower):
        pair = lower[i : i + 2]
        if pair in pairs or pair in table:
            out.append(pairs.get(pair) or table[pair])
            i += 2
            continue
        char = lower[i]
        mapped = initial.get(char) if i == 0 else None
        out.append(mapped if mapped is not None else table.get(char, char))
        i += 1
    text = "".join(out)
    return text[:1].upper() + text[1:]


def transliterate(text: str, scheme: str) -> str:
    """Romanise a Cyrillic name with one of `SCHEMES`, word by word, capitalised.

    >>> transliterate("Олександр Хмельницький", "ua_national")
    'Oleksandr Khmelnytskyi'
    >>> transliterate("Олександр Хмельницький", "ua_german")
    'Olexandr Chmelnyzkyj'
    """
    table, initial = SCHEMES[scheme]
    pairs = _SPECIAL_PAIRS.get(scheme, {})
    return " ".join(_word(w, table, initial, pairs) for w in text.split(" "))


_NOT_DECOMPOSED = str.maketrans({"ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "ø": "o", "ß": "ss"})


def strip_diacritics(text: str) -> str:
    """Drop accents the way many registry systems do: Ștefănescu -> Stefanescu."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_NOT_DECOMPOSED))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def has_diacritics(text: str) -> bool:
    return any(ord(c) > 127 and c.isalpha() and not is_cyrillic(c) for c in text) and (
        strip_diacritics(text) != text
    )


def is_cyrillic(text: str) -> bool:
    return any("\u0400" <= c <= "\u04ff" for c in text)
