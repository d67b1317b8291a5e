"""Settings of transnational referral, read from the environment only at the edge.

    HAVEN_TRM_KEY_FILE       this installation's key file (`haven referral keys generate`)
    HAVEN_TRM_ORGANISATION   code of the organisation that receives incoming referrals
    HAVEN_TRM_NAME           this installation's name on its card
    HAVEN_TRM_COUNTRY        its country (ISO 3166-1 alpha-2)
    HAVEN_TRM_ENDPOINT       the base URL partners send to
    HAVEN_TRM_WINDOW         accepted clock difference in seconds (default 300)

Without HAVEN_TRM_KEY_FILE transnational referral is off; with it, every other setting but the
window is required.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from haven.exceptions import ConfigurationError

__all__ = ["TransnationalSettings"]

_REQUIRED = ("HAVEN_TRM_ORGANISATION", "HAVEN_TRM_NAME", "HAVEN_TRM_COUNTRY",
             "HAVEN_TRM_ENDPOINT")


@dataclass(frozen=True, slots=True)
class TransnationalSettings:
    key_file: Path
    organisation: str
    name: str
    country: str
    endpoint: str
    window_seconds: int = 300

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> TransnationalSettings | None:
        """The settings, or None when transnational referral is not configured."""
        env = os.environ if environ is None else environ
        if not env.get("HAVEN_TRM_KEY_FILE"):
            return None
        missing = [name for name in _REQUIRED if not env.get(name)]
        if missing:
            raise ConfigurationError("transnational referral needs " + ", ".join(missing))
        try:
            window = int(env.get("HAVEN_TRM_WINDOW", "300"))
        except ValueError:
            raise ConfigurationError("HAVEN_TRM_WINDOW is a number of seconds") from None
        if not 10 <= window <= 3600:
            raise ConfigurationError("HAVEN_TRM_WINDOW lies between 10 and 3600 seconds")
        return cls(Path(env["HAVEN_TRM_KEY_FILE"]), env["HAVEN_TRM_ORGANISATION"],
                   env["HAVEN_TRM_NAME"], env["HAVEN_TRM_COUNTRY"], env["HAVEN_TRM_ENDPOINT"],
                   window)
