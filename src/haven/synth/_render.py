"""Writing a true identity into one organisation's record, with that organisation's noise.

A first registration is mostly clean; a later registration of the same person elsewhere is
written from scratch by someone else and so differs in the ways real registrations differ:
another romanisation or script, a typo, dropped diacritics, family and given name swapped,
the working name taken for the given name, a partial or missing date of birth, missing sex or
citizenship. Every change is named in `Rendering.noise` so that tests and linkage benchmarks
can tell which kinds of noise they handle.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import date

import numpy as np
import phonenumbers

from haven.standard import DocumentNumber, IdentifyingData
from haven.synth._identity import Identity, latin_spellings, native_spelling
from haven.synth._translit import has_diacritics, strip_diacritics

__all__ = ["NOISE_TYPES", "Rendering", "render_identity"]

NOISE_TYPES: tuple[str, ...] = (
    "transliteration", "typo", "diacritics_dropped", "name_order_swapped",
    "alias_as_given_name", "family_name_variant", "given_name_partial", "dob_missing",
    "dob_year_only", "dob_day_month_swapped", "dob_first_of_january", "sex_missing",
    "citizenship_missing",
)
_FAMILY_FIRST = {"VN", "HU", "CN"}
_CYRILLIC_COUNTRIES = {"BG"}
_DUTCH_PREFIXES = {"van", "de", "der", "den", "ter", "te", "het", "'t"}


@dataclass(frozen=True)
class _Rates:
    """Chances of each kind of noise; a later registration is noisier than a first one."""

    other_spelling: float
    typo: float
    diacritics_foreign: float
    diacritics_home: float
    swap_family_first: float
    swap_other: float
    alias_as_given: float
    family_variant: float
    given_partial: float
    dob_missing: float
    dob_year_only: float
    dob_swapped: float
    dob_first_of_january: float
    sex_missing: float
    citizenship_missing: float
    keep_phone: float
    keep_document: float
    keep_alias: float


FIRST = _Rates(0.05, 0.03, 0.30, 0.03, 0.08, 0.01, 0.03, 0.05, 0.10, 0.05, 0.06, 0.01, 0.02,
               0.01, 0.02, 1.0, 1.0, 1.0)
COPY = _Rates(0.35, 0.25, 0.40, 0.10, 0.35, 0.04, 0.25, 0.30, 0.30, 0.12, 0.12, 0.06, 0.03,
              0.05, 0.08, 0.6, 0.5, 0.7)


@dataclass(frozen=True)
class Rendering:
    identifying: IdentifyingData
    sex_missing: bool
    citizenship_missing: bool
    base_name: tuple[str, str]  # given, family before noise: compares spellings across records
    noise: tuple[str, ...]


@dataclass(frozen=True)
class _Spelling:
    native: bool
    variant: int


def _spell(person: Identity, entry: str, spelling: _Spelling, *, given: bool) -> str:
    if spelling.native:
        native = native_spelling(person.origin, entry)
        if native is not None:
            return native
    forms = latin_spellings(person.origin, entry, given=given)
    return forms[spelling.variant % len(forms)]


def _base_name(person: Identity, spelling: _Spelling) -> tuple[str, str]:
    given = [_spell(person, g, spelling, given=True) for g in person.given]
    if person.middle is not None:
        given.insert(0, person.middle)
    family = [_spell(person, f, spelling, given=False) for f in person.family]
    return " ".join(given), " ".join(family)


def _default_spelling(
    rng: np.random.Generator, person: Identity, org_country: str, org_type: str
) -> _Spelling:
    entry = person.given[0]
    if native_spelling(person.origin, entry) is None:
        return _Spelling(False, 0)
    if person.origin in ("BG", "UA", "RU"):
        # Bulgarian offices write Cyrillic names in Cyrillic.
        return _Spelling(org_country in _CYRILLIC_COUNTRIES and rng.random() < 0.9, 0)
    # Arabic or Han script: only when the person writes the name down at an NGO or shelter.
    return _Spelling(org_type in ("ngo", "shelter") and rng.random() < 0.1, 0)


def _other_spelling(rng: np.random.Generator, spelling: _Spelling) -> _Spelling:
    if spelling.native or rng.random() < 0.15:
        return _Spelling(not spelling.native, int(rng.integers(0, 4)))
    return _Spelling(False, spelling.variant + 1 + int(rng.integers(0, 3)))


_KEYBOARD = {
    "a": "sqz", "b": "vn", "c": "xv", "d": "sf", "e": "wr", "f": "dg", "g": "fh", "h": "gj",
    "i": "uo", "j": "hk", "k": "jl", "l": "k", "m": "n", "n": "bm", "o": "ip", "p": "o",
    "r": "et", "s": "ad", "t": "ry", "u": "yi", "v": "cb", "w": "qe", "x": "zc", "y": "tu",
    "z": "xa",
}


def typo(rng: np.random.Generator, text: str) -> str:
    """One edit: a letter deleted, doubled, swapped with its neighbour or mistyped."""
    letters = [i for i, c in enumerate(text) if c.isalpha()]
    if len(letters) < 3:
        return text
    i = letters[int(rng.integers(1, len(letters)))]  # keep the initial, as people mostly do
    op = int(rng.integers(0, 4))
    if op == 0:
        return text[:i] + text[i + 1 :]
    if op == 1:
        return text[: i + 1] + text[i] + text[i + 1 :]
    if op == 2 and i + 1 < len(text) and text[i + 1].isalpha() and text[i + 1] != text[i]:
        return text[:i] + text[i + 1] + text[i] + text[i + 2 :]
    near = _KEYBOARD.get(text[i].lower()) or "".join(c for c in text.lower() if c.isalpha())
    replacement = near[int(rng.integers(len(near)))]
    if replacement == text[i].lower():
        return text[:i] + text[i + 1 :]
    return text[:i] + (replacement.upper() if text[i].isupper() else replacement) + text[i + 1 :]


def _dutch_variant(rng: np.random.Generator, family: str) -> str | None:
    words = family.split(" ")
    prefix = [w for w in words[:-1] if w.lower() in _DUTCH_PREFIXES]
    if not prefix:
        return None
    core = words[-1]
    options = [core, " ".join(words).capitalize(), "".join(w.capitalize() for w in words),
               "".join(w[0] + "." for w in prefix) + " " + core]
    return options[int(rng.integers(len(options)))]


def _family_variant(
    rng: np.random.Generator, person: Identity, given: str, family: str
) -> tuple[str, str] | None:
    """A structurally different but legitimate way of writing the names."""
    if person.middle is not None:  # Vietnamese: the middle name goes with the family name
        middle, _, rest = given.partition(" ")
        return (rest or given), f"{family} {middle}"
    parts = family.split(" ")
    if person.origin == "NL":
        variant = _dutch_variant(rng, family)
        return None if variant is None else (given, variant)
    if len(person.family) == 2 and len(parts) >= 2:
        return given, parts[-1] if rng.random() < 0.6 else parts[0]
    return None


def _names(
    rng: np.random.Generator, person: Identity, spelling: _Spelling, rates: _Rates,
    org_foreign: bool, noise: list[str],
) -> tuple[str, str]:
    given, family = _base_name(person, spelling)
    if rng.random() < rates.family_variant:
        variant = _family_variant(rng, person, given, family)
        if variant is not None:
            given, family = variant
            noise.append("family_name_variant")
    if len(person.given) > 1 and person.middle is None and rng.random() < rates.given_partial:
        given = given.split(" ")[0]
        noise.append("given_name_partial")
    if person.aliases and rng.random() < rates.alias_as_given:
        given = _spell(person, person.aliases[0], spelling, given=True)
        noise.append("alias_as_given_name")
    swap = rates.swap_family_first if person.origin in _FAMILY_FIRST else rates.swap_other
    if rng.random() < swap:
        given, family = family, given
        noise.append("name_order_swapped")
    drop = rates.diacritics_foreign if org_foreign else rates.diacritics_home
    if has_diacritics(given + family) and rng.random() < drop:
        given, family = strip_diacritics(given), strip_diacritics(family)
        noise.append("diacritics_dropped")
    if rng.random() < rates.typo:
        if rng.random() < 0.5:
            given = typo(rng, given)
        else:
            family = typo(rng, family)
        noise.append("typo")
    return given, family


def _date_of_birth(
    rng: np.random.Generator, born: date, registered_on: date, rates: _Rates, noise: list[str]
) -> str | None:
    u = rng.random()
    cuts = list(itertools.accumulate([rates.dob_missing, rates.dob_year_only,
                                      rates.dob_swapped, rates.dob_first_of_january]))
    if u < cuts[0]:
        noise.append("dob_missing")
        return None
    if u < cuts[1]:
        noise.append("dob_year_only")
        return str(born.year)
    if u < cuts[2] and born.day <= 12 and born.day != born.month:
        swapped = date(born.year, born.day, born.month)
        if swapped <= registered_on:
            noise.append("dob_day_month_swapped")
            return swapped.isoformat()
    if cuts[2] <= u < cuts[3] and (born.month, born.day) != (1, 1):
        # Unknown birthdays are often entered as 1 January of the estimated year.
        noise.append("dob_first_of_january")
        return date(born.year, 1, 1).isoformat()
    return born.isoformat()


_PHONE_FORMATS = (phonenumbers.PhoneNumberFormat.E164,
                  phonenumbers.PhoneNumberFormat.INTERNATIONAL,
                  phonenumbers.PhoneNumberFormat.NATIONAL)


def format_phone(rng: np.random.Generator, region: str, national: str) -> str:
    number = phonenumbers.parse(f"+{phonenumbers.country_code_for_region(region)}{national}")
    text = str(phonenumbers.format_number(number, _PHONE_FORMATS[int(rng.integers(3))]))
    if not text[0].isdigit() and not text.startswith("+"):
        # Brazilian national format opens with "(DD)"; Haven's phone field wants a digit first.
        text = str(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164))
    return text


def _documents(
    rng: np.random.Generator, person: Identity, citizenship: str | None, rates: _Rates
) -> list[DocumentNumber]:
    if person.document is None or rng.random() >= rates.keep_document:
        return []
    kind, number = person.document
    issuer = citizenship if citizenship and len(citizenship) == 2 else None
    return [DocumentNumber.model_validate({"kind": kind, "number": number,
                                           "issuing_country": issuer})]


def render_identity(
    rng: np.random.Generator, person: Identity, *, org_country: str, org_type: str,
    citizenship: str | None, registered_on: date, first: tuple[str, str] | None,
) -> Rendering:
    """Write `person` as `org_country`'s `org_type` would; `first` is the first record's
    base name (None for the first registration itself)."""
    rates = FIRST if first is None else COPY
    noise: list[str] = []
    spelling = _default_spelling(rng, person, org_country, org_type)
    if rng.random() < rates.other_spelling:
        spelling = _other_spelling(rng, spelling)
    base = _base_name(person, spelling)
    if first is not None and base != first:
        noise.append("transliteration")
    given, family = _names(rng, person, spelling, rates, org_country != person.origin, noise)
    dob = _date_of_birth(rng, person.date_of_birth, registered_on, rates, noise)
    aliases = [_spell(person, a, spelling, given=True) for a in person.aliases
               if rng.random() < rates.keep_alias]
    phones = []
    if person.phone is not None and rng.random() < rates.keep_phone:
        phones.append(format_phone(rng, *person.phone))
    sex_missing = rng.random() < rates.sex_missing
    citizenship_missing = rng.random() < rates.citizenship_missing
    noise += ["sex_missing"] * sex_missing + ["citizenship_missing"] * citizenship_missing
    identifying = IdentifyingData(
        given_names=given, family_name=family, aliases=aliases, date_of_birth=dob,
        documents=_documents(rng, person, citizenship, rates), phones=phones,
    )
    return Rendering(identifying, sex_missing, citizenship_missing, base, tuple(noise))
