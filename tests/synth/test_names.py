"""Names in many scripts and traditions, phones and documents shaped like the country's."""

from __future__ import annotations

import re
import unicodedata

import numpy as np
import phonenumbers
import pytest

from haven.synth import SyntheticRegistry
from haven.synth._identity import document_number, latin_spellings, phone_plan
from haven.synth._names import LOCAL_PHONES, ORIGINS
from haven.synth._translit import strip_diacritics, transliterate

VIETNAMESE = set("ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ")


def _names(registry: SyntheticRegistry) -> list[str]:
    out = []
    for v in registry.victims:
        ident = v.record.identifying
        if ident:
            out.append(f"{ident.given_names or ''} {ident.family_name or ''}")
    return out


def _script(text: str, name: str) -> bool:
    return any(unicodedata.name(c, "").startswith(name) for c in text)


def test_many_scripts_present(big_registry: SyntheticRegistry) -> None:
    names = _names(big_registry)
    assert any(_script(n, "CYRILLIC") for n in names)
    assert any(_script(n, "ARABIC") for n in names)
    assert any(_script(n, "CJK") for n in names)
    assert any(set(n.lower()) & VIETNAMESE for n in names)
    assert any("Nguyen" in n for n in names) and any("Nguyễn" in n for n in names)
    for letters in ("ș", "ț", "ă", "ł", "ż", "ő", "ë", "ã"):
        assert any(letters in n.lower() for n in names), letters


def test_dutch_prefixes_and_compound_family_names(big_registry: SyntheticRegistry) -> None:
    families = [v.record.identifying.family_name or "" for v in big_registry.victims
                if v.record.identifying]
    assert any(f.startswith(("van der ", "van den ", "de ")) for f in families)
    assert any(" " in f for f in families if f.split(" ")[0] in ("Silva", "Santos"))


def test_ukrainian_romanisations() -> None:
    given = latin_spellings("UA", "Олександр", given=True)
    assert {"Oleksandr", "Olexandr", "Aleksandr"} <= set(given)
    family = latin_spellings("UA", "Хмельницький", given=False)
    assert {"Khmelnytskyi", "Chmelnyckyj", "Chmelnyzkyj"} <= set(family)


@pytest.mark.parametrize(("text", "scheme", "expected"), [
    ("Христо Жеков", "bg_official", "Hristo Zhekov"),
    ("Христо Жеков", "bg_german", "Christo Shekow"),
    ("Наталья Юлия", "ru_icao", "Natalia Iuliia"),
    ("Наталья Юлия", "ru_german", "Natalja Julija"),
    ("Євгенія", "ua_national", "Yevheniia"),
])
def test_transliteration_schemes(text: str, scheme: str, expected: str) -> None:
    assert transliterate(text, scheme) == expected


def test_strip_diacritics() -> None:
    assert strip_diacritics("Ștefănescu Łukasz Nguyễn Đặng") == "Stefanescu Lukasz Nguyen Dang"


def test_citizenship_agrees_with_the_name(big_registry: SyntheticRegistry) -> None:
    for v in big_registry.victims:
        ident = v.record.identifying
        name = f"{ident.given_names} {ident.family_name}" if ident else ""
        if _script(name, "CYRILLIC") and v.record.citizenships:
            assert v.record.citizenships[0] in {"BG", "UA", "RU", "UNK", "STLS"}
        if set(name.lower()) & VIETNAMESE - set("ăâđêô") and v.record.citizenships:
            assert v.record.citizenships[0] in {"VN", "UNK", "STLS"}


def test_aliases_include_nicknames_and_working_names(big_registry: SyntheticRegistry) -> None:
    aliases = {a for v in big_registry.victims if v.record.identifying
               for a in v.record.identifying.aliases}
    assert {"Emeka", "Kasia"} & aliases or {"Саша", "Sasha", "Katya"} & aliases
    assert {"Bianca", "Jessica", "Candy", "Diamond"} & aliases


def test_suspects_have_names(big_registry: SyntheticRegistry) -> None:
    natural = [s.record for s in big_registry.suspects if s.record.person_kind.value == "natural"]
    assert all(s.identifying and s.identifying.given_names and s.identifying.family_name
               for s in natural)


@pytest.mark.parametrize("country", sorted({*ORIGINS, *LOCAL_PHONES}))
def test_phone_plans_give_valid_mobile_numbers(country: str) -> None:
    plan = phone_plan(country)
    assert plan is not None
    prefixes, digits = plan
    rng = np.random.default_rng(0)
    for _ in range(40):
        prefix = prefixes[int(rng.integers(len(prefixes)))]
        national = prefix + "".join(str(d) for d in rng.integers(0, 10, digits - len(prefix)))
        code = phonenumbers.country_code_for_region(country)
        number = phonenumbers.parse(f"+{code}{national}")
        assert phonenumbers.is_valid_number(number), (country, national)


def test_phones_in_records_parse(big_registry: SyntheticRegistry) -> None:
    phones = [p for v in big_registry.victims if v.record.identifying
              for p in v.record.identifying.phones]
    assert len(phones) > 1000
    international = [p for p in phones if p.startswith("+")]
    assert international and len(international) < len(phones)
    for p in international[:300]:
        assert phonenumbers.is_valid_number(phonenumbers.parse(p))


@pytest.mark.parametrize(("country", "pattern"), [
    ("NG", r"^A\d{8}$"), ("VN", r"^[A-Z]\d{7}$"), ("NL", r"^[A-NP-Z]{2}[A-NP-Z0-9]{6}\d$"),
    ("RO", r"^05\d{7}$"), ("CN", r"^E\d{8}$"), ("UA", r"^[A-Z]{2}\d{6}$"),
])
def test_passport_numbers_shaped_like_the_country(country: str, pattern: str) -> None:
    rng = np.random.default_rng(1)
    for _ in range(20):
        assert re.match(pattern, document_number(rng, ORIGINS[country].passport))


def test_documents_issued_by_the_citizenship(big_registry: SyntheticRegistry) -> None:
    for v in big_registry.victims:
        for doc in v.record.identifying.documents if v.record.identifying else []:
            if v.record.citizenships and doc.issuing_country:
                assert doc.issuing_country == v.record.citizenships[0]
