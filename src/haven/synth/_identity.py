"""Synthetic persons' true identities: names, date of birth, phone, document, aliases.

An `Identity` is the ground truth behind one person's records; `_render.py` writes it into a
record the way one organisation would, with that organisation's spelling and mistakes.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta
from functools import cache

import numpy as np

from haven.synth._names import LOCAL_PHONES, ORIGINS, RUSSIFIED_GIVEN, WORKING_NAMES, Origin
from haven.synth._translit import is_cyrillic, transliterate

__all__ = [
    "NAME_ORIGINS_FOR_UNKNOWN",
    "Identity",
    "birth_date",
    "common_name",
    "document_number",
    "draw_identity",
    "latin_spellings",
    "native_spelling",
    "phone_plan",
    "relative_of",
]

# Whose names persons of unknown citizenship or stateless persons carry.
NAME_ORIGINS_FOR_UNKNOWN = ("NG", "ER", "MA", "VN", "CN", "AL", "UA")
_ALIAS_P = 0.25
_WORKING_NAME_P = 0.5  # of aliases of women in sexual exploitation
_PHONE_P = 0.7
_LOCAL_SIM_P = 0.5
_DOCUMENT_P = 0.55
_LETTERS = "ABCDEFGHJKLMNPRSTUVWXYZ"  # no I or O: passports avoid them, as do we
_ALNUM = _LETTERS + "0123456789"


@dataclass(frozen=True)
class Identity:
    """Who a synthetic person really is. Name entries are `_names.py` entries (variants)."""

    origin: str
    female: bool
    given: tuple[str, ...]
    family: tuple[str, ...]
    middle: str | None
    date_of_birth: date
    aliases: tuple[str, ...]
    phone: tuple[str, str] | None  # (region, national significant number)
    document: tuple[str, str] | None  # (kind, number)


def phone_plan(country: str) -> tuple[tuple[str, ...], int] | None:
    origin = ORIGINS.get(country)
    if origin is not None:
        return origin.phone_prefixes, origin.phone_digits
    return LOCAL_PHONES.get(country)


def _gendered(entry: str, female: bool) -> str:
    if "/" not in entry:
        return entry
    male, woman = entry.split("/", 1)
    return woman if female else male


def latin_spellings(origin: str, entry: str, *, given: bool) -> list[str]:
    """Every Latin spelling of a name entry, the usual (passport) form first."""
    return list(_latin_spellings(origin, entry, given))


@cache  # pure in its arguments; rendering asks for the same few hundred names all the time
def _latin_spellings(origin: str, entry: str, given: bool) -> tuple[str, ...]:
    if is_cyrillic(entry):
        schemes = ORIGINS[origin].schemes
        forms = [transliterate(entry, s) for s in schemes]
        if given and entry in RUSSIFIED_GIVEN:
            # Ukrainians are often registered under the Russian form: Aleksandr, not Oleksandr.
            forms.append(transliterate(RUSSIFIED_GIVEN[entry], "ru_bgn"))
        return tuple(dict.fromkeys(forms))
    return tuple(entry.split("|"))


@cache
def native_spelling(origin: str, entry: str) -> str | None:
    """The name in its own non-Latin script (Cyrillic, Arabic, Han), when there is one."""
    if is_cyrillic(entry):
        return entry
    return ORIGINS[origin].native.get(entry.split("|")[0])


def birth_date(rng: np.random.Generator, age: int, on: date) -> date:
    """A birthday such that the person is exactly `age` on `on`."""
    try:
        latest = on.replace(year=on.year - age)
    except ValueError:  # 29 February
        latest = on.replace(year=on.year - age, day=28)
    return latest - timedelta(days=int(rng.integers(0, 365)))


def _choice(rng: np.random.Generator, items: tuple[str, ...]) -> str:
    return items[int(rng.integers(len(items)))]


def _given(rng: np.random.Generator, origin: Origin, female: bool) -> tuple[str, ...]:
    pool = origin.given_f if female else origin.given_m
    first = _choice(rng, pool)
    if rng.random() < origin.second_given:
        second = _choice(rng, pool)
        if second != first:
            return (first, second)
    return (first,)


def _family(rng: np.random.Generator, origin: Origin, female: bool) -> tuple[str, ...]:
    first = _gendered(_choice(rng, origin.family), female)
    if rng.random() < origin.compound_family:
        second = _gendered(_choice(rng, origin.family), female)
        if second != first:
            return (first, second)
    if origin.code == "ER" and rng.random() < 0.5:
        # Eritreans may give father's and grandfather's names; both stand as "family name".
        grandfather = _choice(rng, tuple(f for f in origin.family if f != first))
        return (first, grandfather)
    return (first,)


def _aliases(
    rng: np.random.Generator, origin: Origin, given: str, *, female: bool, sexual: bool
) -> tuple[str, ...]:
    if rng.random() >= _ALIAS_P:
        return ()
    if female and sexual and rng.random() < _WORKING_NAME_P:
        return (_choice(rng, WORKING_NAMES),)
    nicknames = origin.nicknames.get(given)
    return (_choice(rng, nicknames),) if nicknames else ()


def _digits(rng: np.random.Generator, count: int) -> str:
    return "".join(str(d) for d in rng.integers(0, 10, size=count))


def _phone(rng: np.random.Generator, home: str, local: str) -> tuple[str, str] | None:
    if rng.random() >= _PHONE_P:
        return None
    region = local if rng.random() < _LOCAL_SIM_P and phone_plan(local) else home
    plan = phone_plan(region)
    if plan is None:
        return None
    prefixes, length = plan
    prefix = _choice(rng, prefixes)
    return region, prefix + _digits(rng, length - len(prefix))


def document_number(rng: np.random.Generator, shape: str) -> str:
    """A number shaped like the country's: L letter, 9 digit, X either, anything else as is."""
    out = []
    for char in shape:
        if char == "L":
            out.append(_LETTERS[int(rng.integers(len(_LETTERS)))])
        elif char == "9":
            out.append(str(int(rng.integers(10))))
        elif char == "X":
            out.append(_ALNUM[int(rng.integers(len(_ALNUM)))])
        else:
            out.append(char)
    return "".join(out)


def _document(rng: np.random.Generator, origin: Origin, eu: bool) -> tuple[str, str] | None:
    if rng.random() >= _DOCUMENT_P:
        return None
    if eu and rng.random() < 0.5:
        return "id_card", document_number(rng, "LL999999")
    return "passport", document_number(rng, origin.passport)


def draw_identity(
    rng: np.random.Generator, *, origin: str, female: bool, born: date, eu: bool,
    sexual: bool, local_country: str, documented: bool = True,
) -> Identity:
    """Draw a person's true identity in a naming tradition."""
    tradition = ORIGINS[origin]
    given = _given(rng, tradition, female)
    middle_pool = tuple(m for m in (tradition.middle_f if female else tradition.middle_m)
                        if m != given[0])
    return Identity(
        origin=origin,
        female=female,
        given=given,
        family=_family(rng, tradition, female),
        middle=_choice(rng, middle_pool) if middle_pool else None,
        date_of_birth=born,
        aliases=_aliases(rng, tradition, given[0], female=female, sexual=sexual),
        phone=_phone(rng, origin, local_country),
        document=_document(rng, tradition, eu) if documented else None,
    )


def relative_of(
    rng: np.random.Generator, person: Identity, *, female: bool, born: date, kind: str,
    eu: bool, local_country: str,
) -> Identity:
    """A sibling, twin or namesake: a different person who looks alike on paper.

    Siblings and twins share the family name; namesakes share the given and family names.
    """
    tradition = ORIGINS[person.origin]
    fresh = draw_identity(rng, origin=person.origin, female=female, born=born, eu=eu,
                          sexual=False, local_country=local_country)
    if kind == "namesake":
        return replace(fresh, given=person.given, family=person.family, middle=person.middle)
    family = tuple(_gendered(_family_entry(tradition, f), female) for f in person.family)
    given = fresh.given
    for _ in range(10):  # a sibling never carries the same given name
        if given[0] != person.given[0]:
            break
        given = _given(rng, tradition, female)
    else:
        given = (_other_given(tradition, person.given[0], female),)
    return replace(fresh, given=given, family=family)


def common_name(rng: np.random.Generator, person: Identity) -> Identity:
    """The same person renamed with one of the three most common names of the tradition."""
    tradition = ORIGINS[person.origin]
    pool = tradition.given_f if person.female else tradition.given_m
    given = pool[int(rng.integers(min(3, len(pool))))]
    family = _gendered(tradition.family[int(rng.integers(min(3, len(tradition.family))))],
                       person.female)
    return replace(person, given=(given,), family=(family,))


def _family_entry(origin: Origin, rendered: str) -> str:
    """The gendered entry ("Иванов/Иванова") a rendered family name came from."""
    for entry in origin.family:
        if rendered in entry.split("/"):
            return entry
    return rendered


def _other_given(origin: Origin, given: str, female: bool) -> str:
    pool = origin.given_f if female else origin.given_m
    return next(name for name in pool if name != given)
