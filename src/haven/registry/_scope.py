"""Who is asking: the scope every registry query takes.

A person query without an organisation scope does not exist in the registry's API: stores are
built from a `Scope`, and every statement they run filters on its organisation. The access
module (users, roles, referral grants) builds scopes; the registry only obeys them.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

__all__ = ["AdminScope", "Scope"]


@dataclass(frozen=True, slots=True)
class Scope:
    """An actor working for one organisation.

    Attributes:
        actor: who, as it should appear in the audit log ("user:jdevries", "cli:import").
        organisation_id: the only organisation whose records this scope can see or change.
        identifying: whether identifying data may be read (every such read is audited).
    """

    actor: str
    organisation_id: uuid.UUID
    identifying: bool = False

    def with_identifying(self, allowed: bool = True) -> Scope:
        return Scope(self.actor, self.organisation_id, allowed)


@dataclass(frozen=True, slots=True)
class AdminScope:
    """A system administrator: manages organisations and the audit log, never person records."""

    actor: str
