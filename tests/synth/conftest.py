"""Registries shared by the synth tests: generated once per session, they are read-only."""

from __future__ import annotations

import pytest

from haven.synth import SyntheticRegistry, generate_registry

MARGINAL_PERSONS = 5000


@pytest.fixture(scope="session")
def big_registry() -> SyntheticRegistry:
    """The size at which the marginals are promised within 3 points."""
    return generate_registry(MARGINAL_PERSONS, seed=11)


@pytest.fixture(scope="session")
def small_registry() -> SyntheticRegistry:
    return generate_registry(300, seed=3)
