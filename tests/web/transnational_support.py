"""Whole Haven installations for transnational tests: app, registry, keys, loopback server."""

from __future__ import annotations

import socket
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import uvicorn
from fastapi import FastAPI
from sqlalchemy import select

from factories import FAST_LOGIN
from haven.access import Role, UserCreate
from haven.config import Settings
from haven.referral import InstallationKeys, TransnationalSettings
from haven.registry import AdminScope, Registry
from haven.registry._tables import AuditEntryRow
from haven.standard import OrganisationCreate, OrganisationPublic
from haven.web import create_app
from web.conftest import PASSWORD


@dataclass
class Site:
    registry: Registry
    org: OrganisationPublic
    app: FastAPI
    base: str
    server: uvicorn.Server | None = None
    thread: threading.Thread | None = None

    def user(self, username: str, roles: list[Role]) -> None:
        self.app.state.accounts.create_user(None, self.org.id, UserCreate(
            username=username, display_name=username.title(), password=PASSWORD, roles=roles))

    def actions(self, entity_kind: str) -> list[str]:
        with self.registry.engine.connect() as connection:
            return list(connection.scalars(select(AuditEntryRow.action).where(
                AuditEntryRow.entity_kind == entity_kind).order_by(AuditEntryRow.seq)))


def start_site(tmp: Path, country: str, *, serve: bool, database_url: str | None = None) -> Site:
    settings = Settings(home=tmp / country.lower(), database_url=database_url)
    registry = Registry.open(settings, initialise=True)
    org = registry.create_organisation(AdminScope("test"), OrganisationCreate(
        name=f"National referral mechanism {country}", country=country, type="ngo",
        code=f"{country.lower()}-nrm"))
    key_file = tmp / f"{country.lower()}.key"
    InstallationKeys.generate(f"{country.lower()}-haven").save(key_file)
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    base = f"http://127.0.0.1:{sock.getsockname()[1]}"
    app = create_app(registry, settings, login_policy=FAST_LOGIN,
                     transnational=TransnationalSettings(key_file, org.code, f"Haven {country}",
                                                         country, base))
    site = Site(registry, org, app, base)
    if not serve:
        sock.close()
        return site
    site.server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
    site.thread = threading.Thread(target=site.server.run, kwargs={"sockets": [sock]},
                                   daemon=True)
    site.thread.start()
    deadline = time.monotonic() + 10
    while not site.server.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.02)
    return site


def stop_site(site: Site) -> None:
    if site.server is not None and site.thread is not None:
        site.server.should_exit = True
        site.thread.join(10)
    site.registry.close()
