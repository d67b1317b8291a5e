"""The demo installation: synthetic organisations and records in a fresh SQLite registry."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from haven.config import Settings
from haven.registry import AdminScope, Registry, Scope
from haven.standard import OrganisationPublic

__all__ = ["DemoSummary", "build_demo"]


@dataclass(frozen=True, slots=True)
class DemoSummary:
    database_url: str
    organisations: list[OrganisationPublic]
    victims: Counter[str]
    suspects: Counter[str]
    cases: Counter[str]

    def describe(self, url: str) -> str:
        lines = [
            "Haven demo ready: every record is synthetic.",
            f"  database: {self.database_url}",
            f"  open:     {url}/  (API documentation at {url}/docs)",
            "  the API takes the organisation from the X-Haven-Organisation header, e.g.",
            f"    curl -H 'X-Haven-Organisation: {self.organisations[0].code}' "
            f"{url}/api/victims?limit=5",
            "  organisations:",
        ]
        for org in self.organisations:
            lines.append(
                f"    {org.code:<22} {org.country}  {self.victims[org.code]:>5} victims, "
                f"{self.suspects[org.code]:>4} suspects, {self.cases[org.code]:>4} cases"
            )
        return "\n".join(lines)


def build_demo(settings: Settings, *, persons: int = 1500, seed: int = 2021,
               progress: Callable[[int], None] | None = None) -> DemoSummary:
    """Create a registry at `settings` and fill it with `haven.synth` data."""
    from haven.synth import generate_registry

    data = generate_registry(persons, seed=seed)
    registry = Registry.open(settings, initialise=True, demo_key=True)
    admin = AdminScope("demo")
    orgs = {o.code: registry.create_organisation(admin, o) for o in data.organisations}
    victims: Counter[str] = Counter()
    suspects: Counter[str] = Counter()
    cases: Counter[str] = Counter()
    for code, org in orgs.items():
        scope = Scope("demo", org.id)
        with registry.transaction(scope) as tx:
            for v in (v for v in data.victims if v.organisation_code == code):
                tx.victims.create(v.record)
                victims[code] += 1
                if progress:
                    progress(1)
            for s in (s for s in data.suspects if s.organisation_code == code):
                tx.suspects.create(s.record)
                suspects[code] += 1
            for c in (c for c in data.cases if c.organisation_code == code):
                tx.cases.create(c.record)
                cases[code] += 1
    registry.close()
    return DemoSummary(settings.resolved_database_url, list(orgs.values()), victims, suspects,
                       cases)
