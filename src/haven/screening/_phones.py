"""Phone numbers in ad text, including hidden ones, normalised to E.164.

How a number is found:

1. Spans that look like numbers but are not phones are masked first: prices next to a
   currency, dates, times, heights and weights, ages, durations and `24/7`.
2. The rest is read as a stream of digit tokens: digit runs, keycap emoji (`1️⃣`, `🔟`),
   digits written with look-alike letters (`O6l2...`) and number words in English, Dutch,
   German, French, Romanian, Bulgarian, Russian and Ukrainian (`zes`, `пʼять`).
3. Tokens separated only by spaces, dashes, dots, slashes or brackets form a run; inside a
   run, the longest group-aligned stretch that libphonenumber accepts as a valid number is
   taken, left to right, so a price or an age glued to a number does not spoil it.
4. A number without a country code is read in the ad's country (the `region` hint).

A number counts as obfuscated when it was written with words, emoji or letters, or with
its digits spaced out one by one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import phonenumbers

from haven.screening._normalise import fold

__all__ = ["PhoneHit", "extract_phones"]

_WORDS: dict[str, str] = {}
_SURFACE: set[str] = set()  # every spelling the token pattern must find
for _digits in (
    "zero one two three four five six seven eight nine",
    "nul een twee drie vier vijf zes zeven acht negen",
    "null eins zwei drei vier funf sechs sieben acht neun",
    "zero un deux trois quatre cinq six sept huit neuf",
    "zero unu doi trei patru cinci sase sapte opt noua",
    "нула едно две три четири пет шест седем осем девет",
    "ноль один два три четыре пять шесть семь восемь девять",
    "нуль один два три чотири пʼять шість сім вісім девʼять",
):
    for _value, _word in enumerate(_digits.split()):
        _WORDS[fold(_word)] = str(_value)
        _SURFACE.add(_word)
_WORDS.update({"oh": "0", "ein": "1", "eine": "1", "fuenf": "5", "una": "1",
               "нол": "0", "одна": "1", "одно": "1", "една": "1", "един": "1", "дві": "2",
               "пять": "5", "девять": "9", "пʼять": "5", "девʼять": "9"})
_SURFACE.update(_WORDS, ("fünf", "zéro", "șase", "şase", "șapte", "şapte", "nouă", "één"))
_WORDS = {fold(k).replace("'", "ʼ").replace("’", "ʼ"): v for k, v in _WORDS.items()}
_PLUS_WORDS = frozenset({"plus", "плюс"})
_SURFACE.update(_PLUS_WORDS)
_SURFACE.update(w.replace("ʼ", q) for w in list(_SURFACE) for q in "'’")

_CUR = r"(?:€|£|\$|₴|₽|eur(?:o|os)?\b|lei\b|ron\b|лв\.?|лева|грн|руб\w*|gbp\b|zł|pln\b|chf\b|usd\b)"
_UNIT = (
    r"(?:cm|см|kg|кг|m|м|min|mins|minut\w*|мин|минут\w*|хв|хвилин\w*|uur|h|hours?|stunden?|"
    r"heures?|ore|oră|час|часа|часов|година|години|годину|y\.?\s?o|years?|[-\s]?year-old|"
    r"jaar|jarige|jahre?n?|jährige|ans|ani|години|лет|рок|роки|років|рік)(?!\w)"
)
_MASK = re.compile(
    # every alternative starts with a digit or a currency sign; the lookahead lets the
    # engine skip all other positions at once. An alternative that opens with `\d+` starts
    # only where a digit run starts: it would match there too, and trying it again at every
    # digit of a long phone number is quadratic
    r"(?=[\d€£$₴₽])(?:"
    + "|".join(
        (
            r"[€£$₴₽]\s?\d+(?:[.,]\d+)?",  # €150
            rf"(?<!\d)\d+(?:[.,]\d+)?\s?{_CUR}",  # 150 euro, 700 lei
            r"(?<![\d./-])\d{1,2}[./-]\d{1,2}[./-](?:19|20)?\d{2}(?![./-]?\d)",  # dates
            r"(?<!\d)(?:19|20)\d{2}-\d{2}-\d{2}(?!\d)",  # ISO dates
            r"\d{1,2}[:h]\d{2}",  # times
            r"(?<!\d)(?:24|7)\s?/\s?7(?!\d)|(?<!\d)24\s?h\b",
            r"\d[.,]\d{2}\s?(?:m|м)\b|\dm\d{2}",  # heights 1.68 m, 1m65
            rf"(?<!\d)\d+\s?{_UNIT}",  # 168 cm, 55 kg, 30 min, 23 ani
            r"(?<![\d-])\d{2,3}-\d{2}-\d{2,3}(?![-\d])",  # 90-60-90
        )
    )
    + ")",
    re.IGNORECASE,
)
_KEY, _TEN_RE, _PLUS_RE = r"[0-9]\ufe0f?\u20e3", r"\U0001f51f", r"\+|\u2795"
_HYB = r"(?<![^\W\d_])[0-9OoIl|]*[0-9][0-9OoIl|]*(?![^\W\d_])"
_STARTS = r"(?=[0-9OoIl|+\u2795\U0001f51f])"  # lets the engine skip other positions
_TOKEN = re.compile(
    _STARTS
    + rf"(?:(?P<key>{_KEY})|(?P<ten>{_TEN_RE})|(?P<plus>{_PLUS_RE})|(?P<hyb>{_HYB}))"
)
# a whole run in one match: a token, then tokens joined by at most four separators; a plus
# sign always opens a new run. `_runs` builds the same runs from a token list.
_RUN = re.compile(
    _STARTS + rf"(?:{_KEY}|{_TEN_RE}|{_PLUS_RE}|{_HYB})"
    + rf"(?:[\s\-./()\[\]_~]{{0,4}}(?:{_KEY}|{_TEN_RE}|{_HYB}))*"
)
_WORD = re.compile(r"[^\W\d_][^\W\d_ʼ'’]*(?:[ʼ'’][^\W\d_]+)?")
_SURFACE_LOWER = frozenset(w.lower() for w in _SURFACE)
_SEP = re.compile(r"[\s\-./()\[\]_~]{0,4}")
_LOOKALIKE = str.maketrans("OoIl|", "00111")
_WAME = re.compile(r"(?:wa\.me/|whatsapp\.com/send\?phone=|api\.whatsapp\.com/\S*?phone=)$",
                   re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class PhoneHit:
    """One phone number found in a text: E.164, obfuscated flag and its character span."""

    e164: str
    obfuscated: bool
    start: int
    end: int
    country: str = ""  # the number's own country (ISO 3166-1), "" where the plan names none


@dataclass(slots=True)
class _Tok:
    digits: str  # may start with "+"
    start: int
    end: int
    hidden: bool


def _tokens(text: str, pos: int = 0, endpos: int | None = None) -> list[_Tok]:
    """Digit tokens (digits, look-alike letters, keycaps, plus signs) of `text[pos:endpos]`."""
    toks: list[_Tok] = []
    for m in _TOKEN.finditer(text, pos, len(text) if endpos is None else endpos):
        kind = m.lastgroup
        s = m.group()
        if kind == "key":
            toks.append(_Tok(s[0], m.start(), m.end(), True))
        elif kind == "ten":
            toks.append(_Tok("10", m.start(), m.end(), True))
        elif kind == "plus":
            toks.append(_Tok("+", m.start(), m.end(), s != "+"))
        else:
            digits = s.translate(_LOOKALIKE)
            toks.append(_Tok(digits, m.start(), m.end(), digits != s))
    return toks


def _with_words(text: str, toks: list[_Tok]) -> list[_Tok]:
    """`toks` and the number words of `text` (`zes`, `пʼять`, `plus`), in text order."""
    for m in _WORD.finditer(text):
        word = m.group()
        if word.lower() not in _SURFACE_LOWER:  # one set look-up rules out most words
            continue
        w = fold(word).replace("'", "ʼ").replace("’", "ʼ")
        if w in _WORDS:
            toks.append(_Tok(_WORDS[w], m.start(), m.end(), True))
        elif w in _PLUS_WORDS:
            toks.append(_Tok("+", m.start(), m.end(), True))
    toks.sort(key=lambda t: t.start)
    return toks


def _all_runs(text: str) -> list[list[_Tok]]:
    """Runs of at least six digits, each as its tokens."""
    if not _SURFACE_LOWER.isdisjoint(_WORD.findall(text.lower())):
        return _runs(text, _with_words(text, _tokens(text)))
    # no number word: the run pattern finds the runs in C, and only runs long enough to
    # hold a number are split into tokens (a character stands for at most two digits)
    runs: list[list[_Tok]] = []
    for m in _RUN.finditer(text):
        if m.end() - m.start() >= 3:
            toks = _tokens(text, m.start(), m.end())
            if sum(len(t.digits) for t in toks) >= 6:
                runs.append(toks)
    return runs


def _runs(text: str, toks: list[_Tok]) -> list[list[_Tok]]:
    runs: list[list[_Tok]] = []
    current: list[_Tok] = []
    for tok in toks:
        if current and _SEP.fullmatch(text, current[-1].end, tok.start) and tok.digits != "+":
            current.append(tok)
            continue
        if current:
            runs.append(current)
        current = [tok]
    if current:
        runs.append(current)
    # a lone number word ("one", "een") is ordinary text, not part of a number
    return [r for r in runs if sum(len(t.digits) for t in r) >= 6]


@lru_cache(maxsize=1 << 16)
def _valid(digits: str, region: str | None) -> tuple[str, str] | None:
    """E.164 and the number's own country, when libphonenumber accepts `digits` as valid."""
    if digits.startswith("00"):
        digits = "+" + digits[2:]
    n = len(digits) - digits.startswith("+")
    if n < 7 or n > 15 or (region is None and not digits.startswith("+")):
        return None
    try:
        number = phonenumbers.parse(digits, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    # the country comes from the number parsed here: parsing it again later (per distinct
    # number, a million ads' worth) cost more than the whole network step
    country = phonenumbers.region_code_for_number(number)
    return (str(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)),
            str(country) if country else "")


def _mask(text: str) -> str:
    # keep offsets: every masked character becomes "#", which is no separator
    return _MASK.sub(lambda m: "#" * (m.end() - m.start()), text)


def extract_phones(text: str, region: str | None) -> list[PhoneHit]:
    """Every valid phone number in `text`, read in `region` when written without a country code.

    Args:
        text: NFKC-normalised ad text.
        region: ISO 3166-1 alpha-2 country of the ad, or None to accept only numbers with a
            country code.

    Example:
        >>> [h.e164 for h in extract_phones("call nul zes 12 34 56 78, 150 euro", "NL")]
        ['+31612345678']
    """
    masked = _mask(text)
    hits: list[PhoneHit] = []
    for run in _all_runs(masked):
        before = masked[max(0, run[0].start - 40):run[0].start]
        prefix = "+" if _WAME.search(before) else ""
        i = 0
        while i < len(run):
            found = None
            total = 0
            ends: list[int] = []
            for j in range(i, len(run)):
                total += len(run[j].digits)
                ends.append(j)
                if total > 17:
                    break
            for j in reversed(ends):
                digits = "".join(t.digits for t in run[i:j + 1])
                if i == 0 and prefix and not digits.startswith("+"):
                    digits = prefix + digits
                valid = _valid(digits, region)
                if valid:
                    found = (j, valid)
                    break
            if found is None:
                i += 1
                continue
            j, (e164, country) = found
            part = run[i:j + 1]
            singles = sum(1 for t in part if len(t.digits) == 1)
            hidden = any(t.hidden for t in part) or singles >= 5
            hits.append(PhoneHit(e164, hidden, part[0].start, part[-1].end, country))
            i = j + 1
    return hits
