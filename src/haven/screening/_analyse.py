"""Per-ad work, done in parallel on chunks of ads: entities, matching tokens, MinHash.

Everything here is a pure function of one chunk, so the local engine's worker processes and
Spark's executors compute exactly the same values.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from haven.screening._entities import extract_entities
from haven.screening._ingest import AdTable
from haven.screening._minhash import shingle_sets, signatures_flat
from haven.screening._normalise import nfkc
from haven.screening._phones import extract_phones
from haven.screening._templates import token_key

__all__ = ["ChunkResult", "analyse_chunk"]

_WORD = re.compile(r"\d+|[^\W\d]+")  # "150€" and "4000грн" split into number and unit
_PHONE_TOKEN = "__phone__"  # noqa: S105 - a placeholder word, not a secret


@dataclass
class ChunkResult:
    """Findings for one chunk; `row` values are positions in the whole table."""

    phones: list[tuple[int, str, bool]] = field(default_factory=list)
    phone_countries: dict[str, str] = field(default_factory=dict)  # E.164 -> its country
    emails: list[tuple[int, str, bool]] = field(default_factory=list)
    handles: list[tuple[int, str]] = field(default_factory=list)
    names: list[tuple[int, str]] = field(default_factory=list)
    ages: list[tuple[int, int]] = field(default_factory=list)
    price_eur: list[float | None] = field(default_factory=list)
    cues: list[tuple[tuple[str, str], ...]] = field(default_factory=list)
    tokens: list[str] = field(default_factory=list)  # display tokens joined by spaces
    sig: npt.NDArray[np.uint32] = field(default_factory=lambda: np.empty((0, 0), np.uint32))
    n_shingles: npt.NDArray[np.int32] = field(default_factory=lambda: np.empty(0, np.int32))


def _display_tokens(body: str, spans: list[tuple[int, int]]) -> list[str]:
    out: list[str] = []
    pos = 0
    for start, end in sorted(spans):
        if start < pos:
            continue
        out.extend(_WORD.findall(body, pos, start))
        out.append(_PHONE_TOKEN)
        pos = end
    out.extend(_WORD.findall(body, pos))
    return out


def analyse_chunk(chunk: tuple[int, AdTable]) -> ChunkResult:
    """Analyse one chunk `(offset, ads)` of the table.

    A number without a country code is read in the ad's own country; the text used for
    templates is the ad's body (titles are short and vary), with phones as one token.
    """
    offset, ads = chunk
    res = ChunkResult()
    shingle_keys: list[list[str]] = []
    for i in range(len(ads)):
        row = offset + i
        title, body = nfkc(ads.title[i]), nfkc(ads.text[i])
        full = title + "\n" + body
        hidden: dict[str, bool] = {}
        spans: list[tuple[int, int]] = []
        for hit in extract_phones(full, ads.country[i]):
            hidden[hit.e164] = hidden.get(hit.e164, False) or hit.obfuscated
            res.phone_countries[hit.e164] = hit.country
            if hit.start > len(title):
                spans.append((hit.start - len(title) - 1, hit.end - len(title) - 1))
        res.phones.extend((row, e164, obf) for e164, obf in hidden.items())
        ent = extract_entities(full)
        res.emails.extend((row, e, obf) for e, obf in ent.emails)
        res.handles.extend((row, h) for h in ent.handles)
        res.names.extend((row, n) for n in ent.names)
        if ent.ages:
            res.ages.append((row, min(ent.ages)))
        price = ent.price_eur if ent.price_eur is not None else ads.price[i]
        res.price_eur.append(price)
        res.cues.append(tuple((k, "|".join(v)) for k, v in sorted(ent.cues.items())))
        tokens = _display_tokens(body, spans)
        res.tokens.append(" ".join(tokens))
        # slot values the ad itself tells us (its city, the names it gives) are matched as
        # placeholders, so that ads of one template differing only there stay close
        slot_keys = {token_key(w): "__city__" for w in _WORD.findall(ads.city[i])}
        slot_keys.update({token_key(name): "__name__" for name in ent.names})
        keys = [token_key(t) for t in tokens]
        shingle_keys.append([slot_keys.get(k, k) for k in keys])
    flat, sizes = shingle_sets(shingle_keys)
    res.sig = signatures_flat(flat, sizes)
    res.n_shingles = sizes.astype(np.int32)
    return res
