from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from haven.linkage._normalise import clean_name, date_parts, name_tokens, skeleton, token_key


@pytest.mark.parametrize("variants", [
    ["Khmelnytskyi", "Chmelnyzkyj", "Хмельницький", "Khmelnitskiy"],
    ["Oleksandr", "Olexandr", "Олександр"],
    ["Iuliia", "Yuliya", "Julija", "Юлия"],
    ["Hristo", "Christo", "Khristo", "Христо"],
    ["Natalia", "Natalya", "Наталья"],
    ["Ștefan", "Stefan", "ŞTEFAN"],
])
def test_transliterations_share_a_skeleton(variants: list[str]) -> None:
    assert len({skeleton(v) for v in variants}) == 1


def test_clean_name_strips_diacritics_and_romanises() -> None:
    assert clean_name("Nguyễn Thị Hương") == "nguyen thi huong"
    assert clean_name("Олександра  Хмельницька") == "oleksandra khmelnytska"
    assert clean_name("O'Brien-Smith") == "obrien smith"
    assert clean_name(None) == ""


def test_different_names_keep_different_skeletons() -> None:
    assert skeleton("Maria") != skeleton("Marta")
    assert skeleton("Ivan") != skeleton("Ivana")


def test_token_key_ignores_order_and_field_split() -> None:
    a = token_key(name_tokens("Đỗ", "Thanh Ngọc"))
    b = token_key(name_tokens("Ngọc", "Đỗ Thanh"))
    assert a == b


@pytest.mark.parametrize(("value", "parts"), [
    ("1990-05-17", (1990, 5, 17)), ("1990-05", (1990, 5, None)), ("1990", (1990, None, None)),
    ("19900517", (1990, 5, 17)), ("", (None, None, None)), ("17/05/1990", (None, None, None)),
    ("1990-13-01", (1990, None, None)),
])
def test_date_parts(value: str, parts: tuple[int | None, ...]) -> None:
    assert date_parts(value) == parts


@given(st.text(max_size=40))
def test_skeleton_is_idempotent_on_its_tokens(text: str) -> None:
    once = skeleton(text)
    assert skeleton(once) == skeleton(once)
    assert " " not in once.strip() or all(once.split())
