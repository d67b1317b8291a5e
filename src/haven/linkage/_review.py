"""Reviewed decisions: a case worker merges two persons or splits a record off.

Decisions are kept as record-id pairs in a small JSON file (or any store) and applied on every
run as constraints of the clustering: `same` pairs are always one person, `different` pairs
never. They therefore survive re-training and incremental runs, and a split stays split.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from haven.exceptions import ImportFailed

__all__ = ["ReviewDecisions"]


@dataclass(frozen=True)
class ReviewDecisions:
    """Pairs of record ids a human has judged.

    Attributes:
        same: pairs judged to be one person (a merge).
        different: pairs judged to be two persons (a split).
    """

    same: tuple[tuple[str, str], ...] = field(default_factory=tuple)
    different: tuple[tuple[str, str], ...] = field(default_factory=tuple)

    def merge(self, a: str, b: str) -> ReviewDecisions:
        """Record that `a` and `b` are one person (drops an earlier opposite decision)."""
        pair = tuple(sorted((a, b)))
        return ReviewDecisions(
            (*[p for p in self.same if p != pair], (pair[0], pair[1])),
            tuple(p for p in self.different if p != pair))

    def split(self, record_id: str, others: Iterable[str]) -> ReviewDecisions:
        """Record that `record_id` is not the person of any of `others`."""
        pairs = {tuple(sorted((record_id, o))) for o in others if o != record_id}
        return ReviewDecisions(
            tuple(p for p in self.same if p not in pairs),
            (*self.different, *sorted((p[0], p[1]) for p in pairs if p not in self.different)))

    def as_indices(self, index: Mapping[str, int]
                   ) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
        """Decisions on records present in `index` (record id -> position)."""
        def pick(pairs: Sequence[tuple[str, str]]) -> list[tuple[int, int]]:
            return [(index[a], index[b]) for a, b in pairs if a in index and b in index]
        return pick(self.same), pick(self.different)

    def save(self, path: Path) -> None:
        path.write_text(json.dumps({"same": [list(p) for p in self.same],
                                    "different": [list(p) for p in self.different]},
                                   indent=1), encoding="utf-8")

    @classmethod
    def load(cls, path: Path) -> ReviewDecisions:
        """Read decisions; a missing file means no decisions yet.

        Raises:
            ImportFailed: the file is not a decisions file.
        """
        if not path.exists():
            return cls()
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            same = tuple((str(a), str(b)) for a, b in data.get("same", []))
            different = tuple((str(a), str(b)) for a, b in data.get("different", []))
        except (ValueError, TypeError, AttributeError):
            raise ImportFailed(f"{path.name} is not a review decisions file") from None
        return cls(same, different)
