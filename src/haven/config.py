"""Haven's settings: one typed object, read from the environment only at the edge.

    HAVEN_DATABASE_URL     SQLAlchemy URL; default: SQLite file `haven.sqlite` in HAVEN_HOME
    HAVEN_HOME             directory for the default database and key file (default: ./var)
    HAVEN_KEY_FILE         file holding the data key (default: HAVEN_HOME/haven.key)
    HAVEN_DATA_KEY         the data key itself, base64 (instead of a key file)
    HAVEN_PRODUCTION       "1" in production: refuses development settings and demo keys
    HAVEN_AUDIT_ANCHOR     file where `haven audit anchor` writes the chain's head, checked by
                           `haven audit verify`
    HAVEN_OIDC_ISSUER      OpenID Connect: the identity provider's issuer URL (turns OIDC on)
    HAVEN_OIDC_CLIENT_ID   OpenID Connect: Haven's client id at the provider
    HAVEN_OIDC_CLIENT_SECRET  OpenID Connect: the client secret (none for a public client)
    HAVEN_OIDC_REDIRECT_URI   OpenID Connect: https://<host>/auth/oidc/callback
    HAVEN_RETENTION_IDENTIFYING_YEARS  years after a record's last activity its identifying
                           data is erased by `haven retention --apply` (default 5)
    HAVEN_RETENTION_RECORD_YEARS  years after the last activity the whole record is erased
                           (default 10; at least the identifying period)
"""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from urllib.parse import urlsplit

from haven.exceptions import ConfigurationError

__all__ = ["Settings"]


def _flag(value: str | None) -> bool:
    return (value or "").strip().lower() in {"1", "true", "yes", "on"}


def _years(env: Mapping[str, str], name: str, default: int) -> int:
    value = (env.get(name) or "").strip()
    if not value:
        return default
    if not value.isdigit():
        raise ConfigurationError(f"{name} must be a whole number of years")
    return int(value)


def _https_or_loopback(url: str) -> bool:
    parts = urlsplit(url)
    if parts.scheme == "https":
        return True
    host = parts.hostname or ""
    try:
        loopback = host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = False
    return parts.scheme == "http" and loopback


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything Haven needs to know about where it runs. Creating it touches nothing."""

    home: Path = Path("var")
    database_url: str | None = None
    key_file: Path | None = None
    data_key_b64: str | None = field(default=None, repr=False)
    production: bool = False
    audit_anchor: Path | None = None
    oidc_issuer: str | None = None
    oidc_client_id: str | None = None
    oidc_client_secret: str | None = field(default=None, repr=False)
    oidc_redirect_uri: str | None = None
    retention_identifying_years: int = 5
    retention_record_years: int = 10

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ
        home = Path(env.get("HAVEN_HOME", "var"))
        settings = cls(
            home=home,
            database_url=env.get("HAVEN_DATABASE_URL") or None,
            key_file=Path(env["HAVEN_KEY_FILE"]) if env.get("HAVEN_KEY_FILE") else None,
            data_key_b64=env.get("HAVEN_DATA_KEY") or None,
            production=_flag(env.get("HAVEN_PRODUCTION")),
            audit_anchor=Path(env["HAVEN_AUDIT_ANCHOR"]) if env.get("HAVEN_AUDIT_ANCHOR") else None,
            oidc_issuer=env.get("HAVEN_OIDC_ISSUER") or None,
            oidc_client_id=env.get("HAVEN_OIDC_CLIENT_ID") or None,
            oidc_client_secret=env.get("HAVEN_OIDC_CLIENT_SECRET") or None,
            oidc_redirect_uri=env.get("HAVEN_OIDC_REDIRECT_URI") or None,
            retention_identifying_years=_years(env, "HAVEN_RETENTION_IDENTIFYING_YEARS", 5),
            retention_record_years=_years(env, "HAVEN_RETENTION_RECORD_YEARS", 10),
        )
        settings.check()
        return settings

    def with_home(self, home: Path) -> Settings:
        return replace(self, home=home)

    @property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.home / 'haven.sqlite'}"

    @property
    def resolved_key_file(self) -> Path:
        return self.key_file or self.home / "haven.key"

    def check(self) -> None:
        """Refuse combinations that are unsafe in production."""
        self._check_oidc()
        if not 1 <= self.retention_identifying_years <= self.retention_record_years <= 100:
            raise ConfigurationError(
                "retention periods must satisfy 1 <= HAVEN_RETENTION_IDENTIFYING_YEARS <= "
                "HAVEN_RETENTION_RECORD_YEARS <= 100")

    def _check_oidc(self) -> None:
        required = {"HAVEN_OIDC_ISSUER": self.oidc_issuer,
                    "HAVEN_OIDC_CLIENT_ID": self.oidc_client_id,
                    "HAVEN_OIDC_REDIRECT_URI": self.oidc_redirect_uri}
        if not any(required.values()) and not self.oidc_client_secret:
            return
        missing = [name for name, value in required.items() if not value]
        if missing:
            raise ConfigurationError(f"OpenID Connect also needs {', '.join(missing)}")
        for name in ("HAVEN_OIDC_ISSUER", "HAVEN_OIDC_REDIRECT_URI"):
            url = required[name] or ""
            if urlsplit(url).scheme not in {"http", "https"}:
                raise ConfigurationError(f"{name} must be an http(s) URL")
            # Over plain http a network attacker could swap the provider's keys or read codes.
            if self.production and not _https_or_loopback(url):
                raise ConfigurationError(f"{name} must use https:// in production "
                                         "(http:// only on a loopback address)")
