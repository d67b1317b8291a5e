"""Who a command-line run is, as the audit log names it; shared by every `haven` sub-app."""

from __future__ import annotations

import getpass

__all__ = ["cli_actor"]


def cli_actor() -> str:
    """`cli:<login name>`, or `cli:unknown` when the system cannot say (no passwd entry)."""
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli:unknown"
