"""Finding a victim by name and erasing a record from the web pages."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient
from sqlalchemy import select

from factories import victim
from haven.access import Role
from haven.registry import Registry, Scope
from haven.registry._tables import AuditEntryRow
from haven.standard import OrganisationPublic
from web.conftest import Users, csrf_of


def _victim(registry: Registry, org: OrganisationPublic, external_id: str = "V-WEB-1",
            **identifying: object) -> str:
    person = {"given_names": "Олександр", "family_name": "Коваль", **identifying}
    with registry.transaction(Scope("user:setup", org.id, identifying=True)) as tx:
        return str(tx.victims.create(victim(external_id=external_id, identifying=person)).id)


def test_case_workers_find_a_victim_by_name(login: Callable[[str], TestClient],
                                            registry: Registry, org: OrganisationPublic,
                                            other_org: OrganisationPublic) -> None:
    record = _victim(registry, org)
    _victim(registry, other_org, "V-THEIRS")
    worker = login("worker")
    assert 'href="/victims/find"' in worker.get("/victims").text
    page = worker.get("/victims/find", params={"name": "Koval Oleksandr"})
    assert page.status_code == 200
    assert f'href="/victims/{record}"' in page.text and "V-THEIRS" not in page.text
    assert "No records match." in worker.get("/victims/find", params={"name": "Melnyk"}).text
    bad = worker.get("/victims/find", params={"name": "Koval", "date_of_birth": "30.07.2001"})
    assert bad.status_code == 422 and 'aria-invalid="true"' in bad.text
    # Without the identifying permission there is neither the link nor the page.
    analyst = login("analyst")
    assert 'href="/victims/find"' not in analyst.get("/victims").text
    assert analyst.get("/victims/find", params={"name": "Koval"}).status_code == 403


def test_the_search_page_speaks_dutch(login: Callable[[str], TestClient], users: Users,
                                      registry: Registry, org: OrganisationPublic) -> None:
    users.add("dutchworker", [Role.CASE_WORKER], locale="nl")
    _victim(registry, org)
    page = login("dutchworker").get("/victims/find", params={"name": "Koval"})
    assert "Persoon zoeken op naam" in page.text


def test_a_supervisor_erases_a_record_after_confirming(
        login: Callable[[str], TestClient], users: Users, registry: Registry,
        org: OrganisationPublic) -> None:
    users.add("supervisor", [Role.SUPERVISOR])
    record = _victim(registry, org)
    worker, boss = login("worker"), login("supervisor")
    assert f"/victims/{record}/erase" not in worker.get(f"/victims/{record}").text
    assert worker.get(f"/victims/{record}/erase").status_code == 403
    page = boss.get(f"/victims/{record}")
    assert f"/victims/{record}/erase" in page.text
    form = boss.get(f"/victims/{record}/erase")
    assert form.status_code == 200 and "cannot be undone" in form.text
    token = csrf_of(form.text)

    # No CSRF token: refused, nothing erased.
    assert boss.post(f"/victims/{record}/erase", data={
        "reason": "request", "part": "record", "confirm": "V-WEB-1"}).status_code == 403
    # A wrong confirmation and no reason: the form again, with both problems.
    wrong = boss.post(f"/victims/{record}/erase", data={
        "csrf_token": token, "part": "record", "confirm": "V-WEB-2"})
    assert wrong.status_code == 422
    assert wrong.text.count('class="error"') == 2
    assert worker.get(f"/victims/{record}").status_code == 200

    done = boss.post(f"/victims/{record}/erase", data={
        "csrf_token": token, "reason": "request", "part": "record", "confirm": "V-WEB-1"},
        follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"] == "/victims?erased=1"
    assert "The record was erased." in boss.get("/victims?erased=1").text
    assert worker.get(f"/victims/{record}").status_code == 404
    with registry.session() as session:
        entry = session.scalars(select(AuditEntryRow).where(
            AuditEntryRow.action == "erase")).one()
    assert entry.actor == "user:supervisor" and '"reason":"request"' in entry.detail


def test_erasing_only_the_identity_keeps_the_record(
        login: Callable[[str], TestClient], users: Users, registry: Registry,
        org: OrganisationPublic, other_org: OrganisationPublic) -> None:
    users.add("supervisor", [Role.SUPERVISOR])
    record = _victim(registry, org)
    theirs = _victim(registry, other_org, "V-THEIRS")
    boss = login("supervisor")
    token = csrf_of(boss.get(f"/victims/{record}/erase").text)
    done = boss.post(f"/victims/{record}/erase", data={
        "csrf_token": token, "reason": "error", "part": "identity", "confirm": "V-WEB-1"},
        follow_redirects=False)
    assert done.headers["location"] == f"/victims/{record}?erased=identity"
    page = boss.get(f"/victims/{record}?erased=identity&identifying=1")
    assert "The identifying data was erased." in page.text
    assert "No identifying data is recorded." in page.text
    # Another organisation's record: not found, whatever is posted.
    assert boss.get(f"/victims/{theirs}/erase").status_code == 404
    assert boss.post(f"/victims/{theirs}/erase", data={
        "csrf_token": token, "reason": "error", "part": "record",
        "confirm": "V-THEIRS"}).status_code == 404


def test_supervisors_see_what_retention_makes_due(
        login: Callable[[str], TestClient], users: Users, registry: Registry,
        org: OrganisationPublic, other_org: OrganisationPublic) -> None:
    from datetime import date

    from sqlalchemy import update

    from haven.registry._tables import VictimRow

    users.add("supervisor", [Role.SUPERVISOR])
    users.add("dutchboss", [Role.SUPERVISOR], locale="nl")
    old, kept = _victim(registry, org, "V-OLD"), _victim(registry, org, "V-NEW")
    theirs = _victim(registry, other_org, "V-THEIRS")
    with registry.session() as session:
        session.execute(update(VictimRow).where(VictimRow.external_id.in_(["V-OLD", "V-THEIRS"]))
                        .values(registered_on=date(2010, 1, 1), updated_at=date(2010, 1, 1)))
    page = login("supervisor").get("/retention")
    assert page.status_code == 200
    assert f'href="/victims/{old}"' in page.text
    assert f"/victims/{kept}" not in page.text and f"/victims/{theirs}" not in page.text
    assert "2010-01-01" in page.text and 'href="/retention"' in page.text
    assert login("worker").get("/retention").status_code == 403
    assert 'href="/retention"' not in login("worker").get("/").text
    assert "Bewaartermijnen" in login("dutchboss").get("/retention").text
    with registry.transaction(Scope("user:check", org.id)) as tx:
        assert tx.victims.find("V-OLD") is not None  # the page erases nothing
