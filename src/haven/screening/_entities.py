"""Entities besides phones: e-mails, messenger handles and links, prices, ages, names, cues.

Cues are the wording the risk indicators look for (youth, trust and professionalism,
stated ethnicity, movement). Lexicons are folded (see `fold`) so that accents and case do
not matter; each lists the eight languages the screening reads.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from haven.screening._normalise import fold_aligned

__all__ = ["AdEntities", "extract_entities"]

_AT = re.compile(r"\s*[\(\[\{<]\s*(?:at|@|ат)\s*[\)\]\}>]\s*", re.IGNORECASE)
_DOT = re.compile(r"\s*[\(\[\{<]\s*(?:dot|punt|punkt|point|точка)\s*[\)\]\}>]\s*", re.IGNORECASE)
# the bare "anna at mail dot com" only before a known top-level domain: "look at the dot on"
# in prose is no address
_BARE = re.compile(
    r"([\w.+-]+)\s+at\s+([\w-]+)\s+dot\s+(com|net|org|info|eu|nl|be|de|fr|ro|bg|ua|ru|uk|"
    r"pl|it|es|me|example)\b",
    re.IGNORECASE,
)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_HANDLES: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (kind, re.compile(pattern, re.IGNORECASE))
    for kind, pattern in (
        ("telegram", r"(?:t\.me/|telegram\s*[:\-]?\s*@?|tg\s*[:\-]\s*@?)([a-z][\w]{3,31})"),
        ("signal", r"signal\s*[:\-]\s*@?([a-z][\w.]{2,31})"),
        ("snapchat", r"(?:snapchat|snap|sc)\s*[:\-]\s*@?([a-z][\w.\-]{2,31})"),
        ("instagram",
         r"(?:instagram\.com/|insta(?:gram)?\s*[:\-]\s*@?|ig\s*[:\-]\s*@?)([a-z][\w.]{2,29})"),
        ("onlyfans",
         r"(?:onlyfans\.com/|onlyfans\s*[:\-]\s*@?|\bOF\s*[:\-]\s*@?)([a-z][\w.\-]{2,39})"),
        ("kik", r"kik\s*[:\-]\s*@?([a-z][\w.]{2,31})"),
        ("wechat", r"(?:wechat|weixin)\s*[:\-]\s*@?([a-z][\w\-]{4,31})"),
    )
)
_HANDLE_HINTS = ("t.me/", "telegram", "signal", "snap", "insta", "onlyfans", "kik", "wechat",
                 "weixin")
_SHORT_HANDLE = re.compile(r"(?<!\w)(?:tg|sc|ig|of)\s*[:\-]", re.IGNORECASE)
_RATES = {"eur": 1.0, "gbp": 1.17, "ron": 0.2, "bgn": 0.51, "uah": 0.023, "rub": 0.011,
          "usd": 0.92, "pln": 0.23, "chf": 1.05}
_CURRENCY = (
    ("eur", r"€|eur(?:o|os)?\b"), ("gbp", r"£|gbp\b"), ("ron", r"lei\b|ron\b"),
    ("bgn", r"лв\.?|лева"), ("uah", r"грн|₴"), ("rub", r"₽|руб\w*"), ("usd", r"\$|usd\b"),
    ("pln", r"zł|pln\b"), ("chf", r"chf\b"),
)
_CUR_ALT = "|".join(f"(?P<{k}>{p})" for k, p in _CURRENCY)
_PRICE_AFTER = re.compile(
    rf"(?=\d)(?<![\d.,])(?P<amt>\d{{2,5}})(?:[.,]\d{{1,2}})?\s?(?:{_CUR_ALT})", re.IGNORECASE
)
_PRICE_BEFORE = re.compile(rf"(?=[€£$₴₽])(?:{_CUR_ALT})\s?(?P<amt>\d{{2,5}})(?![\d])",
                           re.IGNORECASE)
# ages and names: find the cheap anchor first (a two-digit number, a capitalised word),
# then look only at the few characters around it; a leading lookahead on the anchor's
# first character lets the engine skip all other positions before it tries a lookbehind
_TWO_DIGITS = re.compile(r"(?=\d)(?<![\d.,])\d{2}(?!\d|[.,:/]\d)")
_AGE_AFTER = re.compile(
    r"\s?(?:y\.?\s?o\b|years?\s+old|years?\b|jaar\b|jarige|jahre?\b|jährige|ans\b|ani\b|"
    r"години|лет\b|год\b|года\b|років|роки|рік)",
    re.IGNORECASE,
)
_AGE_INTROS = ("age", "leeftijd", "alter", "âge", "varsta", "vârsta", "возраст", "вік", "i am",
               "i'm", "ik ben", "ich bin", "j'ai", "am", "мне", "мені", "на")
_CAPITALISED = re.compile(r"(?=[A-ZÀ-ÝА-ЯЁЄІЇ])(?<!\w)[A-ZÀ-ÝА-ЯЁЄІЇ][a-zà-ÿа-яёєіїʼ]{2,15}\b")
_NAME_INTROS = ("i am", "i'm", "my name is", "ik ben", "ich bin", "je suis", "je m'appelle",
                "sunt", "ma numesc", "аз съм", "казвам се", "меня зовут", "я", "мене звати",
                "kisses", "kusjes", "küsschen", "bisous", "pupici", "целувки", "целую", "цілую",
                "xoxo", "love")


def _follows(text: str, start: int, intros: tuple[str, ...], strip: str) -> bool:
    """Whether `text[:start]` ends with one of `intros` as whole words (after `strip`)."""
    before = text[max(0, start - 16):start].lower().rstrip().rstrip(strip).rstrip()
    if not before.endswith(intros):  # one C call rules out almost every word
        return False
    for intro in intros:
        if before.endswith(intro):
            cut = len(before) - len(intro)
            if cut == 0 and start > 16:
                continue  # the window cut a longer word; ages and names never need that
            if cut == 0 or not before[cut - 1].isalnum():
                return True
    return False


def _ages(text: str) -> list[int]:
    out: list[int] = []
    for m in _TWO_DIGITS.finditer(text):
        if _AGE_AFTER.match(text, m.end()) or _follows(text, m.start(), _AGE_INTROS, ":-"):
            age = int(m.group())
            if 14 <= age <= 70 and age not in out:
                out.append(age)
    return out


def _names(text: str) -> list[str]:
    out: list[str] = []
    for m in _CAPITALISED.finditer(text):
        if _follows(text, m.start(), _NAME_INTROS, ",") and m.group() not in out:
            out.append(m.group())
    return out


_CUE_WORD = re.compile(r"[^\W_][\w%'’ʼ-]*")


def _words(text: str) -> list[str]:
    return [w.replace("’", "'").replace("ʼ", "'") for w in _CUE_WORD.findall(fold_aligned(text))]


def _lexicon(*terms: str) -> frozenset[tuple[str, ...]]:
    return frozenset(tuple(_words(t)) for t in terms)


CUES: dict[str, frozenset[tuple[str, ...]]] = {
    "youth": _lexicon(
        "young", "fresh", "teen", "barely legal", "schoolgirl", "student", "new girl",
        "just turned 18", "jong", "jonge", "frisse", "tiener", "studente", "jung", "frisch",
        "schülerin", "studentin", "jeune", "fraîche", "étudiante", "tânără", "proaspătă",
        "studentă", "млада", "свежа", "студентка", "молоденькая", "молодая", "свежая",
        "молоденька", "молода", "свіжа",
    ),
    "trust": _lexicon(
        "100% real", "real photos", "real pictures", "verified photos", "no fake", "genuine",
        "professional", "experienced", "discreet", "safe", "echte foto's", "geen nep",
        "geverifieerde foto's", "professionele", "ervaren", "veilig", "echte fotos",
        "echte bilder", "verifizierte fotos", "kein fake", "professioneller", "erfahrener",
        "diskretes", "sicher", "photos 100% réelles", "vraies photos", "photos vérifiées",
        "pas de fake", "professionnel", "expérimenté", "discret", "poze 100% reale",
        "poze reale", "poze verificate", "fără fake", "servicii profesionale",
        "masaj cu experiență", "sigur", "100% реални снимки", "истински снимки",
        "проверени снимки", "без измама", "професионално", "опитно", "дискретен", "сигурно",
        "фото 100% реальные", "реальные фото", "проверенные фото", "без обмана",
        "профессиональный", "опытный", "безопасно", "фото 100% реальні", "справжні фото",
        "перевірені фото", "без обману", "професійний", "досвідчений", "безпечно",
    ),
    "ethnicity": _lexicon(
        "latina", "asian", "ebony", "russian", "ukrainian", "romanian", "bulgarian", "thai",
        "chinese", "japanese", "african", "brazilian", "czech", "polish", "exotic",
        "oost-europa", "osteuropa", "aziatische", "asiatische", "russische", "roemeense",
        "rumänische", "de l'est", "asiatique", "russe", "roumaine", "din moldova",
        "из молдовы", "руска", "русская", "українка", "азиатка", "from eastern europe",
    ),
    "movement": _lexicon(
        "new in town", "just arrived", "only a few days", "on tour", "visiting your city",
        "nieuw in de stad", "net aangekomen", "maar een paar dagen", "op bezoek",
        "neu in der stadt", "gerade angekommen", "nur wenige tage", "zu besuch",
        "nouvelle en ville", "tout juste arrivée", "seulement quelques jours", "de passage",
        "nouă în oraș", "abia am sosit", "doar câteva zile", "în vizită", "нова в града",
        "току-що пристигнах", "само няколко дни", "на гости", "новенькая в городе",
        "только приехала", "всего несколько дней", "проездом", "новенька в місті",
        "щойно приїхала", "лише кілька днів", "проїздом",
    ),
}


# first word -> (phrase, cue), longest phrases first: one pass over the words finds every cue
_FIRST: dict[str, list[tuple[tuple[str, ...], str]]] = {}
for _cue, _phrases in CUES.items():
    for _phrase in _phrases:
        _FIRST.setdefault(_phrase[0], []).append((_phrase, _cue))
for _options in _FIRST.values():
    _options.sort(key=lambda o: -len(o[0]))


_FIRST_WORDS = frozenset(_FIRST)


@lru_cache(maxsize=1 << 16)
def _cue_key(word: str) -> str:
    return fold_aligned(word).replace("’", "'").replace("ʼ", "'")


def _cues(text: str) -> dict[str, list[str]]:
    # words are cut from the text as written and folded one by one (ads repeat their words,
    # so the cache answers most): folding the whole text first is several times slower.
    # Folding changes no character's class for the word pattern, except U+0345 (a Greek
    # combining mark folding to a letter); a text with it is folded first, as before.
    if "\u0345" in text:
        source = fold_aligned(text)
        words = [w.replace("’", "'").replace("ʼ", "'") for w in _CUE_WORD.findall(source)]
    else:
        source = text
        words = [_cue_key(w) for w in _CUE_WORD.findall(text)]
    if _FIRST_WORDS.isdisjoint(words):
        return {}
    spans: list[tuple[int, int]] | None = None  # only for the ads that have a cue
    found: dict[str, set[str]] = {}
    for i, word in enumerate(words):
        for phrase, cue in _FIRST.get(word, ()):
            n = len(phrase)
            if tuple(words[i:i + n]) == phrase:
                if spans is None:
                    spans = [m.span() for m in _CUE_WORD.finditer(source)]
                # report the words as the ad wrote them: the aligned fold keeps the spans
                found.setdefault(cue, set()).add(text[spans[i][0]:spans[i + n - 1][1]])
                break
    return {cue: sorted(v) for cue, v in found.items()}


@dataclass(slots=True)
class AdEntities:
    """What one ad says besides its phones; e-mails and handles are lower-cased keys."""

    emails: list[tuple[str, bool]] = field(default_factory=list)  # (address, obfuscated)
    handles: list[str] = field(default_factory=list)  # "telegram:anna_22"
    price_eur: float | None = None
    ages: list[int] = field(default_factory=list)
    names: list[str] = field(default_factory=list)
    cues: dict[str, list[str]] = field(default_factory=dict)  # cue -> matched phrases


_EMAIL_HINTS = ("@", "(at", "[at", "{at", "<at", "( at", "[ at", " at ", "(ат", "[ат")


def _emails(text: str) -> list[tuple[str, bool]]:
    low = text.lower()
    if not any(h in low for h in _EMAIL_HINTS):  # most ads: skip the rewriting passes
        return []
    plain = {m.group().lower().rstrip(".") for m in _EMAIL.finditer(text)}
    untricked = _DOT.sub(".", _AT.sub("@", _BARE.sub(r"\1@\2.\3", text)))
    found = {m.group().lower().rstrip(".") for m in _EMAIL.finditer(untricked)}
    return sorted((e, e not in plain) for e in found)


def _price(text: str) -> float | None:
    best: float | None = None
    for pattern in (_PRICE_AFTER, _PRICE_BEFORE):
        for m in pattern.finditer(text):
            cur = next(k for k, v in m.groupdict().items() if v and k != "amt")
            amount = float(m.group("amt")) * _RATES[cur]
            # the first (lowest) quoted rate is the one ads compete on
            best = amount if best is None else min(best, amount)
    return None if best is None else round(best, 2)


def extract_entities(text: str) -> AdEntities:
    """E-mails, handles, price in euro, stated ages, names and risk cues of one ad text.

    Example:
        >>> e = extract_entities("I am Anna, 19 y.o., new in town. anna (at) mail (dot) com, 150€")
        >>> e.emails, e.ages, e.names, e.price_eur, sorted(e.cues)
        ([('anna@mail.com', True)], [19], ['Anna'], 150.0, ['movement'])
    """
    out = AdEntities(emails=_emails(text))
    low = text.lower()
    if any(h in low for h in _HANDLE_HINTS) or _SHORT_HANDLE.search(text):
        for kind, pattern in _HANDLES:
            for m in pattern.finditer(text):
                handle = f"{kind}:{m.group(1).lower().rstrip('.')}"
                if handle not in out.handles:
                    out.handles.append(handle)
    out.price_eur = _price(text)
    out.ages = _ages(text)
    out.names = _names(text)
    out.cues = _cues(text)
    return out
