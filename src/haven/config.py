"""Haven's settings: one typed object, read from the environment only at the edge.

    HAVEN_DATABASE_URL     SQLAlchemy URL; default: SQLite file `haven.sqlite` in HAVEN_HOME
    HAVEN_HOME             directory for the default database and key file (default: ./var)
    HAVEN_KEY_FILE         file holding the data key (default: HAVEN_HOME/haven.key)
    HAVEN_DATA_KEY         the data key itself, base64 (instead of a key file)
    HAVEN_PRODUCTION       "1" in production: refuses development settings and demo keys
    HAVEN_DEV_SCOPE        "1" lets the API take the organisation scope from a request header;
                           for development and the demo only, refused in production
    HAVEN_AUDIT_ANCHOR     file where `haven audit anchor` writes the chain's head, checked by
                           `haven audit verify`
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from haven.exceptions import ConfigurationError

__all__ = ["Settings"]


def _flag(value: str | None) -> bool:
    return (value or "").strip().lower() in {"1", "true", "yes", "on"}


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything Haven needs to know about where it runs. Creating it touches nothing."""

    home: Path = Path("var")
    database_url: str | None = None
    key_file: Path | None = None
    data_key_b64: str | None = field(default=None, repr=False)
    production: bool = False
    dev_scope: bool = False
    audit_anchor: Path | None = None

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
            dev_scope=_flag(env.get("HAVEN_DEV_SCOPE")),
            audit_anchor=Path(env["HAVEN_AUDIT_ANCHOR"]) if env.get("HAVEN_AUDIT_ANCHOR") else None,
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
        if self.production and self.dev_scope:
            raise ConfigurationError("HAVEN_DEV_SCOPE is for development only; not in production")
