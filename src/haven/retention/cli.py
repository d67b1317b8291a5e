"""`haven erase` and `haven retention`: erasure of one record, and of what retention makes due.

Data (what is due or was erased, as CSV) goes to stdout, messages and progress to stderr; a
HavenError prints one line and exits with status 1, wrong usage exits with 2.
"""

from __future__ import annotations

import csv
import sys
import uuid
from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

from haven._cli_actor import cli_actor
from haven.config import Settings
from haven.exceptions import HavenError, NotFound
from haven.registry import Registry, Scope
from haven.registry._stores import ErasedPart
from haven.retention._erase import ErasureReason, RecordKind, erase_record
from haven.retention._policy import RetentionPolicy, due_for_erasure, enforce

__all__ = ["erase_command", "retention_command"]

err = Console(stderr=True, highlight=False, soft_wrap=True)

HomeOption = Annotated[Path | None, typer.Option(
    "--home", help="Directory of the default SQLite database and key file.")]


def _fail(message: str, code: int = 1) -> typer.Exit:
    err.print(f"haven: error: {message}", markup=False)
    return typer.Exit(code)


def _registry(home: Path | None) -> tuple[Registry, Settings]:
    settings = Settings.from_env()
    settings = settings.with_home(home) if home is not None else settings
    return Registry.open(settings), settings




def _record_id(registry: Registry, scope: Scope, kind: RecordKind, record: str) -> uuid.UUID:
    """A record id, or the organisation's own external id (what case workers know)."""
    try:
        return uuid.UUID(record)
    except ValueError:
        pass
    with registry.transaction(scope) as tx:
        found = (tx.victims if kind == "victim" else tx.suspects).find(record)
    if found is None:
        raise NotFound(kind, record)
    return found.id


def erase_command(
    kind: Annotated[str, typer.Argument(help="victim or suspect.")],
    record: Annotated[str, typer.Argument(help="The record's id or its external id.")],
    organisation: Annotated[str, typer.Option(
        "--organisation", "-o", help="Code of the organisation that owns the record.")],
    reason: Annotated[ErasureReason, typer.Option(
        help="request (the person asked), error (registered by mistake), order (a court or "
        "authority ordered it) or retention.", case_sensitive=False)],
    identity_only: Annotated[bool, typer.Option(
        "--identity-only", help="Erase the identifying data only; keep the statistical "
        "record.")] = False,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")]
    = False,
    home: HomeOption = None,
) -> None:
    """Erase a record for good (or only its identifying data), with its pathway and grants.

    Nothing is kept to restore it. The audit log keeps who erased it, why,
    and how many rows went; never a value. Freed space is then overwritten
    (SQLite) or vacuumed (PostgreSQL); backups age out by their rotation.

    Examples:
      haven erase victim NL-2024-0117 -o nl-police --reason request
      haven erase victim 1b0c...e9 -o nl-ngo --reason error --identity-only --yes
    """
    if kind not in ("victim", "suspect"):
        raise _fail("the kind must be victim or suspect", 2)
    record_kind: RecordKind = "victim" if kind == "victim" else "suspect"
    try:
        registry, _ = _registry(home)
        org = registry.organisation(organisation)
        scope = Scope(cli_actor(), org.id)
        record_id = _record_id(registry, scope, record_kind, record)
        part: ErasedPart = "identity" if identity_only else "record"
        what = "the identifying data of" if identity_only else "the whole record of"
        if not yes and not typer.confirm(
                f"Erase {what} {kind} {record_id} for good?", err=True, default=False):
            raise _fail("not confirmed; nothing was erased")
        with registry.transaction(scope) as tx:
            erased = erase_record(tx, record_kind, record_id, part=part, reason=reason)
        registry.compact()
    except HavenError as error:
        raise _fail(str(error)) from None
    rows = ", ".join(f"{table} {n}" for table, n in sorted(erased.rows.items()) if n)
    err.print(f"erased {what} {kind} {record_id} ({rows})", markup=False)


def retention_command(
    apply: Annotated[bool, typer.Option(
        "--apply", help="Erase what is due; without it, only list it.")] = False,
    as_of: Annotated[str | None, typer.Option(
        "--as-of", help="The day to count periods to, YYYY-MM-DD (default today).")] = None,
    organisation: Annotated[str | None, typer.Option(
        "--organisation", "-o", help="Only this organisation's records.")] = None,
    home: HomeOption = None,
) -> None:
    """List (or, with --apply, erase) what the retention periods make due.

    Identifying data goes HAVEN_RETENTION_IDENTIFYING_YEARS after a
    record's last activity, the whole record HAVEN_RETENTION_RECORD_YEARS
    after. Open support pathways and ongoing proceedings hold a record.
    CSV on stdout (kind, record_id, organisation, part, last_activity),
    counts on stderr. Run it daily, e.g. from cron.

    Examples:
      haven retention > due.csv
      haven retention --apply
      haven retention --as-of 2030-01-01 -o nl-ngo
    """
    try:
        day = date.fromisoformat(as_of) if as_of else date.today()
    except ValueError:
        raise _fail("--as-of must be a date, YYYY-MM-DD", 2) from None
    try:
        registry, settings = _registry(home)
        policy = RetentionPolicy.from_settings(settings)
        org_id = registry.organisation(organisation).id if organisation else None
        codes = {o.id: o.code for o in registry.organisations()}
        run = due_for_erasure(registry, policy, as_of=day, organisation_id=org_id)
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(["kind", "record_id", "organisation", "part", "last_activity"])
        for item in run.due:
            writer.writerow([item.kind, item.record_id, codes.get(item.organisation_id, ""),
                             item.part, item.last_activity.isoformat()])
        sys.stdout.flush()
        records = sum(d.part == "record" for d in run.due)
        held = ", ".join(f"{n} by {why.replace('_', ' ')}" for why, n in sorted(run.held.items()))
        err.print(f"due on {day}: {records} whole record(s), {len(run.due) - records} "
                  f"identity(ies); held: {held or 'none'} (periods {policy.identifying_years} "
                  f"and {policy.record_years} years)", markup=False)
        if not apply or not run.due:
            return
        with Progress(TextColumn("erasing"), BarColumn(), MofNCompleteColumn(), console=err,
                      transient=True, disable=not err.is_terminal) as progress:
            task = progress.add_task("erasing", total=len(run.due))
            enforce(registry, run, lambda n: progress.advance(task, n))
    except HavenError as error:
        raise _fail(str(error)) from None
    err.print(f"erased {len(run.erased)} (whole records {records}, identities "
              f"{len(run.erased) - records}); database compacted", markup=False)
