"""The blind index of identities: what a name search looks up instead of decrypting.

Each identity is indexed by keyed tokens (`KeyRing.blind_token`) of its normalised name
tokens (given names, family name, aliases: romanised, diacritics dropped, romanisation
variants folded, so Коваль, Koval and Kowal meet), its full date of birth and its year of
birth. A search needs every name token it was given, and the date if given, to match. The
tokens show a database reader which records share a name part, not which name: they cannot
be computed without the data key.
"""

from __future__ import annotations

from haven.standard import IdentifyingData

__all__ = ["index_values", "query_values"]


def _name_values(*parts: str | None) -> set[str]:
    # Lazy: haven.linkage imports the registry; the normaliser itself has no dependencies.
    from haven.linkage._normalise import name_tokens

    return {f"n:{token}" for token in name_tokens(*parts) if len(token) >= 2}


def _date_values(value: str | None) -> set[str]:
    if not value:
        return set()
    out = {f"y:{value[:4]}"}
    if len(value) == 10:
        out.add(f"d:{value}")
    return out


def index_values(identity: IdentifyingData) -> set[str]:
    """Values to index for one identity (before keying)."""
    names = [identity.given_names, identity.family_name, *identity.aliases,
             identity.organisation_name]
    return _name_values(*names) | _date_values(identity.date_of_birth)


def query_values(name: str, date_of_birth: str | None = None) -> set[str]:
    """Values a search needs to find (before keying); empty when the query has no name."""
    return _name_values(name) | _date_values(date_of_birth)
