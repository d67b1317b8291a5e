"""Referral fixtures: pathways of new victims in the test organisation."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from haven.identification import Minority
from haven.referral import PathwayPublic, open_pathway
from haven.registry import Registry, Scope
from referral.support import DETECTED_ON, adult_victim


@pytest.fixture
def make_pathway(registry: Registry, scope: Scope) -> Callable[..., PathwayPublic]:
    """A pathway of a new adult third-country national in the scope's (Dutch) organisation."""
    counter = iter(range(1, 10_000))

    def make(minority: Minority | None = None, **overrides: Any) -> PathwayPublic:
        with registry.transaction(scope) as tx:
            record = adult_victim(tx, f"V-A{next(counter)}", **overrides)
            return open_pathway(tx, record.id, on=DETECTED_ON, reason="screened",
                                minority=minority)

    return make
