"""Synthetic online-ad corpora with ground truth, for screening tests and benchmarks.

The corpus imitates what investigators scrape from escort and massage sites: short ads in
several languages and scripts, emoji decorations, prices, ages, heights and opening hours
written next to the contact number, and contact numbers hidden behind number words, letters
for digits, spaced digits and keycap emoji. Three kinds of poster are planted:

* organised networks: one to three phones (often foreign), several names, cities and
  countries, one or two text templates re-used with varying slots (name, age, city, price,
  phone), shared photos and sometimes a shared messenger handle or e-mail;
* independent repeat posters: one phone and city, two to five ads, half of them re-using one
  text;
* background ads: one ad each, composed from the same phrase bank as the templates, so that
  unrelated ads share common phrases the way real ads do.

Every author (a network writing its template once, an independent poster, a background ad)
rewords some stock sentences (`rewording`): a word dropped, two swapped, a typo. A template,
once written, is copied verbatim apart from its slots, as copy-paste posting does. A text
written for one ad only (a background ad, or an independent poster writing each ad anew)
has all its stock sentences reworded (`own_rewording`): with one phrase bank of about 13
sentences per language, ads of three to six verbatim stock sentences would otherwise repeat
each other by chance once a corpus has many thousands of ads per language, which unrelated
authors rarely do.

Ground truth per ad: the template and network it was planted in, the phones it contains in
E.164 with an `obfuscated` flag, and the poster kind. Nothing here is real personal data:
names are common given names, numbers are random numbers valid in the numbering plan.

Example:
    >>> corpus = generate_ads(200, seed=1)
    >>> len(corpus.ads)
    200
"""

from __future__ import annotations

import csv
import json
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import phonenumbers

__all__ = ["AdCorpus", "AdTruth", "generate_ads", "render_phone"]

# country -> (languages, cities, currency format)
_COUNTRIES: dict[str, tuple[tuple[str, ...], tuple[str, ...], str]] = {
    "NL": (("nl", "en"), ("Amsterdam", "Rotterdam", "Den Haag", "Utrecht", "Eindhoven"), "eur"),
    "BE": (("nl", "fr"), ("Brussel", "Antwerpen", "Gent", "Liège"), "eur"),
    "DE": (("de", "en"), ("Berlin", "Hamburg", "München", "Köln", "Frankfurt"), "eur"),
    "FR": (("fr",), ("Paris", "Lyon", "Marseille", "Lille", "Toulouse"), "eur"),
    "GB": (("en",), ("London", "Manchester", "Birmingham", "Leeds"), "gbp"),
    "RO": (("ro",), ("București", "Cluj-Napoca", "Timișoara", "Iași"), "ron"),
    "BG": (("bg",), ("София", "Пловдив", "Варна", "Бургас"), "bgn"),
    "UA": (("uk", "ru"), ("Київ", "Львів", "Одеса", "Харків"), "uah"),
}
_HOME_OF_NETWORKS = ("RO", "BG", "UA", "NL", "DE", "FR", "GB", "BE")

_NAMES = (
    "Anna", "Maria", "Elena", "Ioana", "Natasha", "Olga", "Sofia", "Daria", "Lena", "Mia",
    "Nikol", "Vanessa", "Bianca", "Roxana", "Alina", "Katya", "Lara", "Jasmin", "Chloé", "Inès",
    "Eva", "Nina", "Ксения", "Марина", "Даша", "Оксана", "Веселина", "Emma", "Julia", "Andreea",
)

_NUMBER_WORDS: dict[str, tuple[str, ...]] = {
    "en": ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"),
    "nl": ("nul", "een", "twee", "drie", "vier", "vijf", "zes", "zeven", "acht", "negen"),
    "de": ("null", "eins", "zwei", "drei", "vier", "fünf", "sechs", "sieben", "acht", "neun"),
    "fr": ("zéro", "un", "deux", "trois", "quatre", "cinq", "six", "sept", "huit", "neuf"),
    "ro": ("zero", "unu", "doi", "trei", "patru", "cinci", "șase", "șapte", "opt", "nouă"),
    "bg": ("нула", "едно", "две", "три", "четири", "пет", "шест", "седем", "осем", "девет"),
    "ru": ("ноль", "один", "два", "три", "четыре", "пять", "шесть", "семь", "восемь", "девять"),
    "uk": ("нуль", "один", "два", "три", "чотири", "пʼять", "шість", "сім", "вісім", "девʼять"),
}
_PLUS = {"bg": "плюс", "ru": "плюс", "uk": "плюс"}

# Sentence banks. `{a|b|c}` is a choice fixed per template (varying per background ad);
# `<name>`, `<age>`, `<city>`, `<price>`, `<phone>` are slots that vary per ad.
_BANK: dict[str, tuple[str, ...]] = {
    "en": (
        "Hi gentlemen, I am <name>, {a sweet|a sexy|an elegant} girl {from Eastern "
        "Europe|visiting your city|with a warm smile}.",
        "{New in town|Just arrived|Only a few days} in <city}, {do not miss me|come and see "
        "me|waiting for you}!",
        "I am <age> years old, {slim|petite|curvy} body, 1.68 m, 55 kg, {natural|soft|smooth} "
        "skin.",
        "{100% real photos|Real pictures|Verified photos}, {no fake|no games|no surprises}.",
        "{Discreet|Clean|Private} apartment, {safe and relaxed|comfortable|close to the station}.",
        "Available 24/7 {incall and outcall|for you|day and night}.",
        "Prices: 30 min <price>, 1 hour {double|on request|ask me}.",
        "{Call|Text|WhatsApp} me: <phone>",
        "{Sweet|Young|Fresh} and {playful|open minded|friendly}, {GFE|massage|fun} {and "
        "more|only|guaranteed}.",
        "{Professional|Experienced|Gentle} {service|massage|company}, {serious gentlemen only|no "
        "rush|relaxing time}.",
        "{No texts|No hidden numbers|No SMS}, {only calls|calls only|call me}.",
        "Open from 10:00 to 22:00, {also weekends|every day|Monday to Sunday}.",
        "Kisses, <name> {xx|💋|❤️}",
        "{Latina|Asian|Russian|Romanian|Ebony} {beauty|girl|lady} {waiting for you|with "
        "curves|for your pleasure}.",
    ),
    "nl": (
        "Hallo heren, ik ben <name>, een {lieve|sexy|elegante} meid {uit Oost-Europa|op "
        "bezoek|met een warme glimlach}.",
        "{Nieuw in de stad|Net aangekomen|Maar een paar dagen} in <city>, {mis me niet|kom "
        "langs|ik wacht op je}!",
        "Ik ben <age> jaar, {slank|tenger|rond} figuur, 1.70 m, 56 kg.",
        "{100% echte foto's|Echte foto's|Geverifieerde foto's}, {geen nep|geen spelletjes|geen "
        "verrassingen}.",
        "{Discreet|Schoon|Privé} appartement, {veilig en ontspannen|comfortabel|vlak bij het "
        "station}.",
        "24/7 beschikbaar {voor jou|dag en nacht|thuis en hotel}.",
        "Prijzen: half uur <price>, 1 uur {dubbel|op aanvraag|vraag maar}.",
        "{Bel|Sms|App} me: <phone>",
        "{Lieve|Jonge|Frisse} en {speelse|open|vriendelijke} meid, {GFE|massage|plezier} {en "
        "meer|alleen|gegarandeerd}.",
        "{Professionele|Ervaren|Zachte} {service|massage|gezelschap}, {alleen serieuze heren|geen "
        "haast|ontspannen tijd}.",
        "{Geen anonieme nummers|Geen sms|Niet anoniem bellen}, {alleen bellen|graag bellen|bel "
        "gewoon}.",
        "Open van 10:00 tot 22:00, {ook in het weekend|elke dag|maandag tot zondag}.",
        "Kusjes, <name> {xx|💋|❤️}",
    ),
    "de": (
        "Hallo Männer, ich bin <name>, ein {süßes|sexy|elegantes} Girl {aus Osteuropa|zu "
        "Besuch|mit einem warmen Lächeln}.",
        "{Neu in der Stadt|Gerade angekommen|Nur wenige Tage} in <city>, {verpass mich "
        "nicht|besuch mich|ich warte auf dich}!",
        "Ich bin <age> Jahre alt, {schlank|zierlich|kurvig}, 1,68 m, 54 kg.",
        "{100% echte Fotos|Echte Bilder|Verifizierte Fotos}, {kein Fake|keine Spielchen|keine "
        "Überraschungen}.",
        "{Diskretes|Sauberes|Privates} Apartment, {sicher und entspannt|gemütlich|nahe Bahnhof}.",
        "24/7 erreichbar {für dich|Tag und Nacht|Haus- und Hotelbesuche}.",
        "Preise: 30 Min <price>, 1 Stunde {doppelt|auf Anfrage|frag mich}.",
        "{Ruf an|Schreib|WhatsApp}: <phone>",
        "{Süß|Jung|Frisch} und {verspielt|offen|freundlich}, {GFE|Massage|Spaß} {und "
        "mehr|nur|garantiert}.",
        "{Professioneller|Erfahrener|Sanfter} {Service|Massage|Begleitung}, {nur seriöse "
        "Herren|ohne Eile|entspannte Zeit}.",
        "{Keine SMS|Keine unterdrückten Nummern|Nicht anonym}, {nur Anrufe|bitte anrufen|ruf "
        "einfach an}.",
        "Geöffnet von 10:00 bis 22:00 Uhr, {auch am Wochenende|jeden Tag|Montag bis Sonntag}.",
        "Küsschen, <name> {xx|💋|❤️}",
    ),
    "fr": (
        "Bonjour messieurs, je suis <name>, une fille {douce|sexy|élégante} {venue de l'Est|de "
        "passage|au sourire chaleureux}.",
        "{Nouvelle en ville|Tout juste arrivée|Seulement quelques jours} à <city>, {ne me rate "
        "pas|viens me voir|je t'attends}!",
        "J'ai <age> ans, {mince|petite|pulpeuse}, 1m65, 52 kg.",
        "{Photos 100% réelles|Vraies photos|Photos vérifiées}, {pas de fake|pas de jeux|pas de "
        "surprise}.",
        "Appartement {discret|propre|privé}, {calme et sûr|confortable|près de la gare}.",
        "Disponible 24/7 {pour toi|jour et nuit|déplacement et privé}.",
        "Tarifs: 30 min <price>, 1 heure {double|sur demande|demande-moi}.",
        "{Appelle|Écris|WhatsApp} moi: <phone>",
        "{Douce|Jeune|Fraîche} et {coquine|ouverte|gentille}, {GFE|massage|plaisir} {et "
        "plus|seulement|garanti}.",
        "{Service|Massage|Compagnie} {professionnel|expérimenté|doux}, {hommes sérieux "
        "seulement|sans pression|moment de détente}.",
        "{Pas de SMS|Pas de numéros masqués|Pas d'appels masqués}, {appels "
        "seulement|appelle-moi|merci d'appeler}.",
        "Ouvert de 10:00 à 22:00, {aussi le week-end|tous les jours|du lundi au dimanche}.",
        "Bisous, <name> {xx|💋|❤️}",
    ),
    "ro": (
        "Salut domnilor, sunt <name>, o fată {dulce|sexy|elegantă} {din Moldova|în vizită|cu un "
        "zâmbet cald}.",
        "{Nouă în oraș|Abia am sosit|Doar câteva zile} în <city>, {nu mă rata|vino la mine|te "
        "aștept}!",
        "Am <age> ani, {slabă|micuță|cu forme}, 1.67 m, 53 kg.",
        "{Poze 100% reale|Poze reale|Poze verificate}, {fără fake|fără jocuri|fără surprize}.",
        "Apartament {discret|curat|privat}, {sigur și relaxant|confortabil|lângă gară}.",
        "Disponibilă 24/7 {pentru tine|zi și noapte|la mine sau la tine}.",
        "Tarife: 30 min <price>, 1 oră {dublu|la cerere|întreabă-mă}.",
        "{Sună-mă|Scrie-mi|WhatsApp}: <phone>",
        "{Dulce|Tânără|Proaspătă} și {jucăușă|deschisă|prietenoasă}, {GFE|masaj|distracție} {și "
        "mai mult|doar|garantat}.",
        "{Servicii profesionale|Masaj cu experiență|Companie discretă}, {doar domni serioși|fără "
        "grabă|timp relaxant}.",
        "{Fără SMS|Fără numere ascunse|Nu răspund la privat}, {doar apeluri|sună direct|te rog "
        "sună}.",
        "Program 10:00 - 22:00, {și în weekend|în fiecare zi|de luni până duminică}.",
        "Pupici, <name> {xx|💋|❤️}",
    ),
    "bg": (
        "Здравейте господа, аз съм <name>, {сладко|секси|елегантно} момиче {от провинцията|на "
        "гости|с топла усмивка}.",
        "{Нова в града|Току-що пристигнах|Само няколко дни} в <city>, {не ме изпускай|ела при "
        "мен|чакам те}!",
        "На <age> години съм, {слаба|дребна|с извивки}, 1.68 м, 55 кг.",
        "{100% реални снимки|Истински снимки|Проверени снимки}, {без измама|без игри|без "
        "изненади}.",
        "{Дискретен|Чист|Частен} апартамент, {спокойно и сигурно|удобно|близо до гарата}.",
        "На разположение 24/7 {за теб|ден и нощ|адрес и хотел}.",
        "Цени: 30 мин <price>, 1 час {двойно|по договаряне|питай}.",
        "{Обади се|Пиши|Вайбър}: <phone>",
        "{Сладка|Млада|Свежа} и {игрива|отворена|приятелска}, {GFE|масаж|забавление} {и "
        "още|само|гарантирано}.",
        "{Професионално|Опитно|Нежно} {обслужване|масаж|компания}, {само сериозни мъже|без "
        "бързане|приятно време}.",
        "{Без SMS|Без скрити номера|Не вдигам на скрит}, {само обаждания|обади се|звънни}.",
        "Работно време 10:00 - 22:00, {и през уикенда|всеки ден|от понеделник до неделя}.",
        "Целувки, <name> {xx|💋|❤️}",
    ),
    "ru": (
        "Привет, мужчины, я <name>, {милая|сексуальная|элегантная} девушка {из Молдовы|проездом|с "
        "теплой улыбкой}.",
        "{Новенькая в городе|Только приехала|Всего несколько дней} в <city>, {не упусти|приходи "
        "ко мне|жду тебя}!",
        "Мне <age> лет, {стройная|миниатюрная|с формами}, рост 168 см, вес 54 кг.",
        "{Фото 100% реальные|Реальные фото|Проверенные фото}, {без обмана|без игр|без сюрпризов}.",
        "{Уютная|Чистая|Отдельная} квартира, {спокойно и безопасно|комфортно|рядом с вокзалом}.",
        "Работаю 24/7 {для тебя|днем и ночью|у себя и выезд}.",
        "Цены: 30 мин <price>, 1 час {вдвое|по договоренности|спрашивай}.",
        "{Звони|Пиши|Телеграм}: <phone>",
        "{Милая|Молоденькая|Свежая} и {игривая|раскрепощенная|дружелюбная}, "
        "{GFE|массаж|удовольствие} {и больше|только|гарантировано}.",
        "{Профессиональный|Опытный|Нежный} {сервис|массаж|досуг}, {только серьезные мужчины|без "
        "спешки|приятное время}.",
        "{Без СМС|Скрытые номера не беру|Не анонимно}, {только звонки|просто звони|звоните}.",
        "Работаю с 10:00 до 22:00, {и в выходные|каждый день|с понедельника по воскресенье}.",
        "Целую, <name> {xx|💋|❤️}",
    ),
    "uk": (
        "Привіт, чоловіки, я <name>, {мила|сексуальна|елегантна} дівчина {із заходу|проїздом|з "
        "теплою усмішкою}.",
        "{Новенька в місті|Щойно приїхала|Лише кілька днів} у <city>, {не пропусти|приходь до "
        "мене|чекаю на тебе}!",
        "Мені <age> років, {струнка|мініатюрна|з формами}, зріст 167 см, вага 53 кг.",
        "{Фото 100% реальні|Справжні фото|Перевірені фото}, {без обману|без ігор|без сюрпризів}.",
        "{Затишна|Чиста|Окрема} квартира, {спокійно і безпечно|комфортно|біля вокзалу}.",
        "Працюю 24/7 {для тебе|вдень і вночі|у себе та виїзд}.",
        "Ціни: 30 хв <price>, 1 година {вдвічі|за домовленістю|питай}.",
        "{Дзвони|Пиши|Телеграм}: <phone>",
        "{Мила|Молоденька|Свіжа} і {грайлива|розкута|привітна}, {GFE|масаж|задоволення} {і "
        "більше|тільки|гарантовано}.",
        "{Професійний|Досвідчений|Ніжний} {сервіс|масаж|відпочинок}, {тільки серйозні "
        "чоловіки|без поспіху|приємний час}.",
        "{Без СМС|Приховані номери не беру|Не анонімно}, {тільки дзвінки|просто дзвони|дзвоніть}.",
        "Працюю з 10:00 до 22:00, {і у вихідні|щодня|з понеділка по неділю}.",
        "Цілую, <name> {xx|💋|❤️}",
    ),
}
_EMOJI = ("💋", "🔥", "❤️", "🌹", "✨", "😘", "💦", "👑", "🍓", "🥂")
_KEYCAP = "\ufe0f\u20e3"
_TEN = "\U0001f51f"


@dataclass(frozen=True, slots=True)
class AdTruth:
    """What was planted in one ad."""

    template: int | None
    network: int | None
    kind: str  # "organised", "independent" or "background"
    phones: tuple[tuple[str, bool], ...]  # (E.164, obfuscated)


@dataclass
class AdCorpus:
    """Ads as plain dicts (the ingest columns) and the ground truth per ad id."""

    ads: list[dict[str, object]]
    truth: dict[str, AdTruth] = field(default_factory=dict)

    def write_jsonl(self, path: Path) -> Path:
        """Write the ads as JSON Lines (one ad per line, UTF-8)."""
        with path.open("w", encoding="utf-8") as out:
            for ad in self.ads:
                out.write(json.dumps(ad, ensure_ascii=False) + "\n")
        return path

    def write_csv(self, path: Path) -> Path:
        """Write the ads as CSV; image hashes are joined with `;`."""
        cols = ["id", "site", "url", "posted_at", "title", "text", "city", "country", "price",
                "image_hashes"]
        with path.open("w", encoding="utf-8", newline="") as out:
            writer = csv.DictWriter(out, fieldnames=cols)
            writer.writeheader()
            for ad in self.ads:
                row = dict(ad)
                row["image_hashes"] = ";".join(ad.get("image_hashes") or [])  # type: ignore[arg-type]
                writer.writerow(row)
        return path


def _random_phone(rng: random.Random, region: str) -> phonenumbers.PhoneNumber:
    example = phonenumbers.example_number_for_type(region, phonenumbers.PhoneNumberType.MOBILE)
    if example is None:
        raise ValueError(f"no mobile numbering plan for {region}")
    digits = str(example.national_number)
    keep = max(2, len(digits) - 7)
    while True:
        candidate = digits[:keep] + "".join(rng.choice("0123456789") for _ in digits[keep:])
        number = phonenumbers.parse("+" + str(example.country_code) + candidate)
        if phonenumbers.is_valid_number(number):
            return number


def _fmt(number: phonenumbers.PhoneNumber, style: int) -> str:
    return str(phonenumbers.format_number(number, style))


def render_phone(
    number: phonenumbers.PhoneNumber, ad_country: str, lang: str, rng: random.Random
) -> tuple[str, bool]:
    """Write a phone number the way an ad would, possibly hidden; returns (text, obfuscated).

    A number from another country than the ad's is always written with its country code,
    because a reader would otherwise dial it in the ad's country.
    """
    region = phonenumbers.region_code_for_number(number)
    international = region != ad_country or rng.random() < 0.3
    if international:
        compact = "+" + str(number.country_code) + str(number.national_number)
        if rng.random() < 0.25:
            compact = "00" + compact[1:]
        grouped = _fmt(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    else:
        compact = _fmt(number, phonenumbers.PhoneNumberFormat.NATIONAL).replace(" ", "")
        compact = compact.replace("-", "").replace("(", "").replace(")", "")
        grouped = _fmt(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    style = rng.choices(
        ("compact", "grouped", "pairs", "spaced", "dotted", "letters", "words", "mixed",
         "emoji", "wame"),
        weights=(18, 22, 10, 9, 4, 9, 11, 5, 8, 4),
    )[0]
    if style == "compact":
        return compact, False
    if style == "grouped":
        return grouped, False
    if style == "pairs":
        head, body = (compact[:3], compact[3:]) if compact[0] == "+" else (compact[:2], compact[2:])
        sep = rng.choice(("-", ".", " ", "/"))
        return head + sep + sep.join(body[i:i + 2] for i in range(0, len(body), 2)), False
    if style == "wame":
        return "wa.me/" + str(number.country_code) + str(number.national_number), False
    if style == "spaced":
        return " ".join(compact), True
    if style == "dotted":
        return rng.choice((".", "-", " . ")).join(compact), True
    if style == "letters":
        out = [("O" if rng.random() < 0.8 else "o") if c == "0" else c for c in compact]
        out = [rng.choice("lI") if c == "1" else c for c in out]
        if out == list(compact):  # no 0 or 1 to swap: space the digits instead
            return " ".join(compact), True
        return "".join(out), True
    words = _NUMBER_WORDS[lang if lang in _NUMBER_WORDS else "en"]
    plus = _PLUS.get(lang, "plus")
    if style == "words":
        toks = [plus if c == "+" else words[int(c)] for c in compact]
        return rng.choice((" ", "-", " ")).join(toks), True
    if style == "mixed":
        toks = [plus if c == "+" else (words[int(c)] if rng.random() < 0.5 else c) for c in compact]
        return " ".join(toks), True
    # keycap emoji; "10" sometimes as the single 🔟 keycap
    out_chars: list[str] = []
    i = 0
    while i < len(compact):
        if compact.startswith("10", i) and rng.random() < 0.6:
            out_chars.append(_TEN)
            i += 2
            continue
        c = compact[i]
        out_chars.append("➕" if c == "+" else c + (_KEYCAP if rng.random() < 0.85 else "\u20e3"))
        i += 1
    return "".join(out_chars), True


def _price(rng: random.Random, currency: str, base: int) -> str:
    amount = max(20, base + rng.choice((-20, -10, 0, 0, 10, 20)))
    if currency == "gbp":
        return rng.choice((f"£{amount}", f"{amount} GBP", f"£ {amount}"))
    if currency == "ron":
        return rng.choice((f"{amount * 5} lei", f"{amount * 5} RON", f"{amount * 5}lei"))
    if currency == "bgn":
        return rng.choice((f"{amount * 2} лв", f"{amount * 2} лева", f"{amount * 2}лв."))
    if currency == "uah":
        return rng.choice((f"{amount * 40} грн", f"{amount * 40} ₴", f"{amount * 40}грн"))
    return rng.choice(
        (f"{amount}€", f"€{amount}", f"{amount} euro", f"{amount} EUR", f"€ {amount}")
    )


def _choose(pattern: str, rng: random.Random) -> str:
    """Resolve every `{a|b|c}` in a sentence pattern with one random choice each."""
    out: list[str] = []
    i = 0
    while i < len(pattern):
        j = pattern.find("{", i)
        if j < 0:
            out.append(pattern[i:])
            break
        k = pattern.index("}", j)
        out.append(pattern[i:j])
        out.append(rng.choice(pattern[j + 1:k].split("|")))
        i = k + 1
    return "".join(out).replace("<city}", "<city>")


@dataclass
class _Poster:
    kind: str
    network: int | None
    phones: list[phonenumbers.PhoneNumber]
    cities: list[tuple[str, str]]  # (country, city)
    names: list[str]
    langs: list[str]
    price: int
    images: list[str]
    handle: str | None = None
    email: str | None = None
    templates: list[tuple[int, str, list[str]]] = field(default_factory=list)  # id, lang, text


def _reword(sentence: str, rng: random.Random) -> str:
    """One author's own wording of a stock sentence: a word dropped, two swapped, a typo.

    Slots (`<name>` ...) and words with digits are never touched.
    """
    words = sentence.split(" ")
    free = [i for i, w in enumerate(words) if "<" not in w and not any(c.isdigit() for c in w)]
    if len(free) < 3:
        return sentence
    for _ in range(rng.randint(1, 2)):
        i = rng.choice(free[:-1])
        edit = rng.random()
        if edit < 0.35 and len(words) > 4 and i in free:
            words[i] = ""  # dropped
        elif edit < 0.65 and i + 1 in free:
            words[i], words[i + 1] = words[i + 1], words[i]
        elif len(words[i]) >= 4:
            k = rng.randrange(1, len(words[i]) - 1)
            words[i] = words[i][:k] + words[i][k] + words[i][k:]  # a doubled letter
    return " ".join(w for w in words if w)


def _template_sentences(rng: random.Random, lang: str, n: int, rewording: float) -> list[str]:
    """Sentences of one author's text: stock phrases, each reworded with `rewording` odds."""
    bank = _BANK[lang]
    picked = rng.sample(range(len(bank)), n)
    if not any("<phone>" in bank[i] for i in picked):
        picked[-1] = next(i for i, s in enumerate(bank) if "<phone>" in s)
    out = [_choose(bank[i], rng) for i in picked]
    return [_reword(s, rng) if rng.random() < rewording else s for s in out]


def _fill(sentence: str, poster: _Poster, rng: random.Random, lang: str, country: str,
          city: str, phones: list[tuple[str, bool]]) -> str:
    if "<phone>" in sentence:
        if poster.phones and (poster.handle is None or rng.random() < 0.85):
            number = rng.choice(poster.phones)
            text, obf = render_phone(number, country, lang, rng)
            phones.append((_fmt(number, phonenumbers.PhoneNumberFormat.E164), obf))
            sentence = sentence.replace("<phone>", text)
        else:
            sentence = sentence.replace("<phone>", poster.handle or "")
    return (
        sentence.replace("<name>", rng.choice(poster.names))
        .replace("<age>", str(rng.randint(19, 34)))
        .replace("<city>", city)
        .replace("<price>", _price(rng, _COUNTRIES[country][2], poster.price))
    )


def _make_ad(poster: _Poster, rng: random.Random, template: tuple[int, str, list[str]] | None,
             start: datetime, span_days: float, rewording: float
             ) -> tuple[dict[str, object], AdTruth]:
    country, city = rng.choice(poster.cities)
    lang = rng.choice(poster.langs)
    phones: list[tuple[str, bool]] = []
    if template is not None:
        lang = template[1]
        sentences = list(template[2])
        if len(sentences) > 4 and rng.random() < 0.25:  # an ad sometimes drops a sentence
            drop = rng.randrange(len(sentences))
            if "<phone>" not in sentences[drop]:
                del sentences[drop]
        if rng.random() < 0.2:
            extra = _choose(rng.choice(_BANK[lang]), rng)
            sentences.insert(rng.randrange(len(sentences) + 1), extra)
    else:
        sentences = _template_sentences(rng, lang, rng.randint(3, 6), rewording)
    body = [_fill(s, poster, rng, lang, country, city, phones) for s in sentences]
    if poster.email and rng.random() < 0.5:
        body.append(poster.email)
    if poster.handle and rng.random() < 0.3:
        body.append(poster.handle)
    if rng.random() < 0.6:  # emoji decorations vary per ad, even within a template
        body.insert(0, "".join(rng.choices(_EMOJI, k=rng.randint(1, 4))))
    title = f"{rng.choice(poster.names)} {rng.choice(_EMOJI)} {city}"
    posted = start + timedelta(days=rng.random() * span_days)
    images = rng.sample(poster.images, k=min(len(poster.images), rng.randint(1, 3)))
    ad: dict[str, object] = {
        "id": "", "site": rng.choice(("site-a.example", "site-b.example", "site-c.example")),
        "url": "", "posted_at": posted.isoformat(timespec="seconds"), "title": title,
        "text": "\n".join(body) if rng.random() < 0.5 else " ".join(body),
        "city": city, "country": country,
        "price": float(poster.price) if rng.random() < 0.5 else None, "image_hashes": images,
    }
    hidden: dict[str, bool] = {}
    for e164, obf in phones:  # one row per number; hidden if hidden anywhere in the ad
        hidden[e164] = hidden.get(e164, False) or obf
    truth = AdTruth(template[0] if template else None, poster.network, poster.kind,
                    tuple(hidden.items()))
    return ad, truth


def _hexhash(rng: random.Random) -> str:
    return f"{rng.getrandbits(64):016x}"


def _unique(user: str, network: int, taken: set[str] | None) -> str:
    """`user`, or `user` and the network number when another network has it already.

    An account name belongs to one account: two networks never share one mailbox or
    Telegram handle. Drawn from 30 names and two digits they would, a few thousand times in
    a million ads. No random draw here, so the rest of the corpus stays the same.
    """
    if taken is None:
        return user
    if user in taken:
        user = f"{user}x{network}"  # no drawn name has an x before digits
    taken.add(user)
    return user


def _organised(rng: random.Random, network: int, next_template: Iterator[int],
               rewording: float, taken: set[str] | None) -> _Poster:
    home = rng.choice(_HOME_OF_NETWORKS)
    countries = rng.sample(list(_COUNTRIES), k=rng.choice((1, 1, 2, 3)))
    cities = [(c, city) for c in countries for city in rng.sample(_COUNTRIES[c][1], k=2)]
    langs = sorted({lang for c in countries for lang in _COUNTRIES[c][0]})
    poster = _Poster(
        "organised", network, [_random_phone(rng, home) for _ in range(rng.randint(1, 3))],
        cities, rng.sample(_NAMES, k=rng.randint(2, 6)), langs, rng.choice((60, 80, 100, 150)),
        [_hexhash(rng) for _ in range(rng.randint(3, 8))],
    )
    if rng.random() < 0.3:
        poster.handle = rng.choice(("Telegram: @", "t.me/", "Snapchat: ", "Signal: ")) + (
            _unique(f"{rng.choice(_NAMES).lower()}_{rng.randint(10, 999)}", network, taken))
    if rng.random() < 0.2:
        user = _unique(f"{rng.choice(_NAMES).lower()}{rng.randint(1, 99)}", network, taken)
        poster.email = rng.choice((f"{user}@mail.example", f"{user} (at) mail (dot) example",
                                   f"{user}[at]mail[dot]example"))
    for _ in range(rng.choice((1, 1, 2))):
        lang = rng.choice(langs)
        poster.templates.append((next(next_template), lang,
                                 _template_sentences(rng, lang, rng.randint(5, 8), rewording)))
    return poster


def _single(rng: random.Random, kind: str, network: int | None) -> _Poster:
    country = rng.choice(list(_COUNTRIES))
    phones = [_random_phone(rng, country)] if rng.random() < 0.95 else []
    return _Poster(kind, network, phones, [(country, rng.choice(_COUNTRIES[country][1]))],
                   [rng.choice(_NAMES)], list(_COUNTRIES[country][0]),
                   rng.choice((50, 70, 80, 100, 120, 150, 200)),
                   [_hexhash(rng) for _ in range(rng.randint(1, 4))])


def generate_ads(
    n_ads: int, *, seed: int = 0, organised_share: float = 0.35, independent_share: float = 0.1,
    rewording: float = 0.5, own_rewording: float = 1.0, unique_contacts: bool = True,
) -> AdCorpus:
    """Generate `n_ads` ads with ground truth; the same seed gives the same corpus.

    Args:
        n_ads: number of ads.
        seed: random seed.
        organised_share: share of ads posted by organised networks.
        independent_share: share of ads posted by independent repeat posters.
        rewording: odds that an author rewords a stock sentence (drops or swaps a word, makes
            a typo) when writing a text; a template, once written, is then copied verbatim.
            0 makes every author use the stock sentences as they are, which makes unrelated
            ads much more alike than real ones (a harder corpus).
        own_rewording: the same odds for a text written for one ad only (background ads,
            independent posters who write each ad anew). Before this option they used
            `rewording` too; `own_rewording=rewording` gives those corpora again.
        unique_contacts: give every network its own e-mail address and handle, as accounts
            are; `False` gives the corpora before this option, where networks drew the same
            `name` and digits by chance (hundreds of false links at 500,000 ads).
    """
    rng = random.Random(seed)  # noqa: S311 - reproducible test data, not secrets
    start = datetime(2026, 1, 1, tzinfo=UTC)
    template_ids = iter(range(1, 10**9))
    rows: list[tuple[dict[str, object], AdTruth]] = []
    network = 0
    taken: set[str] | None = set() if unique_contacts else None
    while len(rows) < organised_share * n_ads:
        network += 1
        poster = _organised(rng, network, template_ids, rewording, taken)
        size = min(60, int(rng.paretovariate(1.2) * 5))
        span = rng.uniform(2, 30)
        for k in range(max(3 * len(poster.templates), size)):
            rows.append(_make_ad(poster, rng, poster.templates[k % len(poster.templates)], start,
                                 span, rewording))
    while len(rows) < (organised_share + independent_share) * n_ads:
        network += 1
        poster = _single(rng, "independent", network)
        reuse = rng.random() < 0.5
        if reuse:
            lang = poster.langs[0]
            poster.templates.append((next(template_ids), lang,
                                     _template_sentences(rng, lang, rng.randint(4, 6), rewording)))
        for _ in range(rng.randint(2, 5)):
            rows.append(_make_ad(poster, rng, poster.templates[0] if reuse else None, start, 60,
                                 own_rewording))
    placeholder = _hexhash(rng)
    while len(rows) < n_ads:
        poster = _single(rng, "background", None)
        if rng.random() < 0.03:  # the site's "no photo" image, shared by unrelated ads
            poster.images = [placeholder]
        rows.append(_make_ad(poster, rng, None, start, 90, own_rewording))
    rows = rows[:n_ads]
    rng.shuffle(rows)
    corpus = AdCorpus([])
    for i, (ad, truth) in enumerate(rows, start=1):
        ad["id"] = f"ad{i:07d}"
        ad["url"] = f"https://{ad['site']}/ad/{i}"
        corpus.ads.append(ad)
        corpus.truth[str(ad["id"])] = truth
    return corpus
