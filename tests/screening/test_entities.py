"""E-mails, handles, prices, ages, names and risk cues."""

from __future__ import annotations

import pytest

from haven.screening._entities import extract_entities
from haven.screening._normalise import fold, fold_aligned, nfkc, translit, word_tokens


@pytest.mark.parametrize(
    ("text", "email", "hidden"),
    [
        ("write anna.k@mail.example", "anna.k@mail.example", False),
        ("anna (at) mail (dot) example", "anna@mail.example", True),
        ("anna[at]mail[dot]example", "anna@mail.example", True),
        ("anna {at} mail {dot} example", "anna@mail.example", True),
        ("anna at mail dot example", "anna@mail.example", True),
    ],
)
def test_emails_with_at_and_dot_tricks(text: str, email: str, hidden: bool) -> None:
    assert extract_entities(text).emails == [(email, hidden)]


def test_no_email_in_plain_prose() -> None:
    assert extract_entities("I am at home, look at the dot on the map").emails == []


@pytest.mark.parametrize(
    ("text", "handle"),
    [
        ("Telegram: @Anna_2024", "telegram:anna_2024"),
        ("write t.me/sweet_mia", "telegram:sweet_mia"),
        ("Snapchat: mia.sweet", "snapchat:mia.sweet"),
        ("Signal: lena_x", "signal:lena_x"),
        ("insta: @lara.love", "instagram:lara.love"),
        ("onlyfans.com/lara_love", "onlyfans:lara_love"),
    ],
)
def test_messenger_handles_and_links(text: str, handle: str) -> None:
    assert extract_entities(text).handles == [handle]


def test_a_phone_after_signal_is_not_a_handle() -> None:
    assert extract_entities("Signal: 0612345678").handles == []


@pytest.mark.parametrize(
    ("text", "price"),
    [("30 min 100€, 1 hour 180€", 100.0), ("€ 150", 150.0), ("500 lei", 100.0),
     ("£120", 140.4), ("4000 грн", 92.0), ("no price here", None)],
)
def test_lowest_price_in_euro(text: str, price: float | None) -> None:
    assert extract_entities(text).price_eur == price


def test_ages_names_and_cues_in_several_languages() -> None:
    e = extract_entities(
        "Ich bin Lena, 19 Jahre alt, neu in der Stadt, 100% echte Fotos. Küsschen, Lena")
    assert e.ages == [19]
    assert e.names == ["Lena"]
    assert e.cues == {"movement": ["neu in der Stadt"], "trust": ["echte Fotos"]}
    ru = extract_entities("Привет, я Марина, мне 21, молоденькая, только приехала")
    assert ru.names == ["Марина"]
    assert ru.ages == [21]
    assert set(ru.cues) == {"youth", "movement"}


def test_cues_are_whole_words() -> None:
    # "safe" inside "unsafe" or "young" inside "youngster" are no cues
    assert extract_entities("unsafe youngsters").cues == {}


def test_normalisation_keeps_scripts_and_emoji_but_folds_keys() -> None:
    assert nfkc("０６ 💋") == "06 💋"
    assert fold("Nouă ÎN Oraș") == "noua in oras"
    assert translit(fold("Нова в града")) == "nova v grada"
    assert len(fold_aligned("Straße")) == len("Straße")
    assert word_tokens("Привет 150€") == ["privet", "0"]
