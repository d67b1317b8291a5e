"""Phone extraction: plain and hidden numbers in eight languages, and what is not a phone."""

from __future__ import annotations

import random

import phonenumbers
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from haven.screening import _phones
from haven.screening._normalise import nfkc
from haven.screening._phones import extract_phones
from haven.synth.ads import render_phone


def found(text: str, region: str | None = "NL") -> list[tuple[str, bool]]:
    return [(h.e164, h.obfuscated) for h in extract_phones(nfkc(text), region)]


@pytest.mark.parametrize(
    ("text", "region", "expected"),
    [
        ("Bel me: 0612345678", "NL", ("+31612345678", False)),
        ("Bel 06 12 34 56 78!", "NL", ("+31612345678", False)),
        ("call +31 6 12345678 now", "NL", ("+31612345678", False)),
        ("call 0031612345678", "DE", ("+31612345678", False)),
        ("appelle 06.12.34.56.78", "FR", ("+33612345678", False)),
        ("wa.me/31612345678", "DE", ("+31612345678", False)),
        ("O6l2345678", "NL", ("+31612345678", True)),
        ("0 6 1 2 3 4 5 6 7 8", "NL", ("+31612345678", True)),
        ("0.6.1.2.3.4.5.6.7.8", "NL", ("+31612345678", True)),
        ("zero six one two three four five six seven eight", "NL", ("+31612345678", True)),
        ("nul zes een twee drie vier vijf zes zeven acht", "NL", ("+31612345678", True)),
        ("null eins fünf eins zwei drei vier fünf sechs sieben acht neun", "DE",
         ("+4915123456789", True)),
        ("zéro six un deux trois quatre cinq six sept huit", "FR", ("+33612345678", True)),
        ("zero șapte doi doi unu doi trei patru cinci șase", "RO", ("+40722123456", True)),
        ("плюс три пет девет осем осем едно две три четири пет шест седем", "BG",
         ("+359881234567", True)),
        ("ноль пять ноль один два три четыре пять шесть семь", "UA", ("+380501234567", True)),
        ("нуль пʼять нуль один два три чотири пʼять шість сім", "UA", ("+380501234567", True)),
        ("0️⃣6️⃣1️⃣2️⃣3️⃣4️⃣5️⃣6️⃣7️⃣8️⃣", "NL", ("+31612345678", True)),
        ("0️⃣6️⃣🔟2️⃣3️⃣4️⃣5️⃣6️⃣7️⃣", "NL", ("+31610234567", True)),
        ("０６１２３４５６７８", "NL", ("+31612345678", False)),  # fullwidth digits
        ("06 twaalf", "NL", None),
    ],
)
def test_reads_plain_and_hidden_numbers(text: str, region: str, expected: tuple[str, bool] | None
                                        ) -> None:
    assert found(text, region) == ([expected] if expected else [])


@pytest.mark.parametrize(
    "text",
    [
        "150€ per hour, 1.68 m, 55 kg, 24/7",
        "Prijzen: half uur 100 euro, 1 uur 180 euro",
        "Tarife: 30 min 500 lei, 1 oră 900 lei",
        "Цени: 30 мин 140 лв, 1 час 260 лв",
        "Ціни: 30 хв 4000 грн, 1 година 7000 грн",
        "Available 10:00 - 22:00, 23 y.o., 90-60-90, 170 cm",
        "Posted 12.05.2025, open 2025-05-12, 7/7",
        "Ich bin 23 Jahre alt und 168 cm, 2000-2400 Euro",
    ],
)
def test_prices_dates_heights_and_hours_are_not_phones(text: str) -> None:
    assert found(text, "DE") == []
    assert found(text, "NL") == []


def test_a_price_glued_to_a_number_does_not_spoil_it() -> None:
    assert found("30 min 100 0612345678", "NL") == [("+31612345678", False)]
    assert found("150€ 0612345678 24/7", "NL") == [("+31612345678", False)]


def test_two_numbers_side_by_side_are_two() -> None:
    got = found("0612345678 / 0687654321", "NL")
    assert [e for e, _ in got] == ["+31612345678", "+31687654321"]


def test_a_number_without_country_code_belongs_to_the_ads_country() -> None:
    assert found("0612345678", "FR") == [("+33612345678", False)]
    assert found("0612345678", None) == []  # no hint: only numbers with a country code
    assert found("+31612345678", None) == [("+31612345678", False)]


def _numbers() -> st.SearchStrategy[phonenumbers.PhoneNumber]:
    regions = ["NL", "BE", "DE", "FR", "GB", "RO", "BG", "UA"]

    def make(region: str, seed: int) -> phonenumbers.PhoneNumber:
        from haven.synth.ads import _random_phone

        return _random_phone(random.Random(seed), region)

    return st.builds(make, st.sampled_from(regions), st.integers(0, 10**6))


@settings(max_examples=300, deadline=None)
@given(number=_numbers(), ad_country=st.sampled_from(["NL", "DE", "FR", "RO", "BG", "UA", "GB"]),
       lang=st.sampled_from(["en", "nl", "de", "fr", "ro", "bg", "ru", "uk"]),
       seed=st.integers(0, 10**6))
def test_every_rendering_of_a_number_reads_back(number: phonenumbers.PhoneNumber,
                                                ad_country: str, lang: str, seed: int) -> None:
    text, hidden = render_phone(number, ad_country, lang, random.Random(seed))
    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    assert found(f"Call me: {text} kisses", ad_country) == [(e164, hidden)]


def test_run_pattern_finds_the_runs_the_token_list_gives() -> None:
    # the fast path (one pattern for a whole run) must agree with grouping the tokens one by
    # one, on texts without number words: separators, plus signs, keycaps, look-alike letters
    rng = random.Random(5)
    pieces = ["06", "1", "2345", " ", "-", ".", "  ", "     ", "/", "(", ")", "+", "+31", "O",
              "l", "I", "|", "a", "x7", "1\ufe0f\u20e3", "2\u20e3", "\U0001f51f", "\u2795", "#",
              "ok", "Lola", ",", "\n", "_", "~", "[", "]", "0O1", "€"]
    for _ in range(3000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 30)))
        if not _phones._SURFACE_LOWER.isdisjoint(_phones._WORD.findall(text.lower())):
            continue
        want = _phones._runs(text, _phones._tokens(text))
        got = _phones._all_runs(text)
        assert got == want, text
