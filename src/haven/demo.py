"""The demo installation: synthetic organisations and records in a fresh SQLite registry."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from haven.access import Accounts, Role, UserCreate
from haven.config import Settings
from haven.registry import AdminScope, Registry, Scope
from haven.standard import OrganisationPublic

__all__ = ["DemoSummary", "build_demo"]


# Who logs in to the demo: (user name, display name, organisation code, roles). Every
# organisation also gets a case worker "<code>.cw". The demo password is printed, never used
# outside the demo (the demo key is refused in production).
DEMO_PASSWORD = "haven-demo-2021"  # noqa: S105 - printed on purpose; demo data only
DEMO_USERS: list[tuple[str, str, str, list[Role]]] = [
    ("anna", "Anna de Vries", "nl-police", [Role.CASE_WORKER]),
    ("jan", "Jan Bakker", "nl-police", [Role.FIRST_LINE_WORKER]),
    ("sanne", "Sanne Visser", "nl-police", [Role.SUPERVISOR]),
    ("fatima", "Fatima El Amrani", "nl-ngo", [Role.CASE_WORKER]),
    ("ioana", "Ioana Popescu", "ro-ngo", [Role.CASE_WORKER]),
    ("mihai", "Mihai Ionescu", "ro-police", [Role.ANALYST]),
    ("lotte", "Lotte Janssens", "be-police", [Role.CASE_WORKER]),
    ("rapporteur", "Nationaal Rapporteur", "nl-police", [Role.RAPPORTEUR]),
    ("orgadmin", "Pieter Smit", "nl-police", [Role.ORG_ADMIN]),
    ("admin", "Systeembeheer", "nl-police", [Role.SYSTEM_ADMIN]),
]


@dataclass(frozen=True, slots=True)
class DemoSummary:
    database_url: str
    organisations: list[OrganisationPublic]
    victims: Counter[str]
    suspects: Counter[str]
    cases: Counter[str]
    users: list[tuple[str, str, str]]  # user name, organisation code, roles

    def describe(self, url: str) -> str:
        lines = [
            "Haven demo ready: every record is synthetic.",
            f"  database: {self.database_url}",
            f"  open:     {url}/  (API documentation at {url}/docs)",
            f"  log in with one of these users, password {DEMO_PASSWORD!r}:",
            *(f"    {name:<12} {org:<22} {roles}" for name, org, roles in self.users),
            "    and <organisation code>.cw, a case worker in each organisation",
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
    users = _demo_users(registry, orgs)
    registry.close()
    return DemoSummary(settings.resolved_database_url, list(orgs.values()), victims, suspects,
                       cases, users)


def _demo_users(registry: Registry, orgs: dict[str, OrganisationPublic]
                ) -> list[tuple[str, str, str]]:
    accounts = Accounts(registry)
    shown = []
    wanted = list(DEMO_USERS) + [
        (f"{code}.cw", f"Case worker {code}", code, [Role.CASE_WORKER]) for code in orgs]
    for username, display, code, roles in wanted:
        if code not in orgs:
            continue
        accounts.create_user(None, orgs[code].id, UserCreate(
            username=username, display_name=display, password=DEMO_PASSWORD, roles=roles,
            locale="nl" if code.startswith(("nl", "be")) and username != "anna" else "en"))
        if not username.endswith(".cw"):
            shown.append((username, code, ", ".join(r.value for r in roles)))
    return shown
