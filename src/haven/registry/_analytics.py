"""The registry's aggregate read path: statistical attributes as Arrow tables.

Statistics and linkage-based counting read from here, never from the stores. The tables hold
no identifying data and no external ids; a record id is kept only so that records can be
joined to linkage results and counted once per person. Every extraction is audited as one
`aggregate` entry naming the table and the row count.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

import pyarrow as pa
from sqlalchemy import select
from sqlalchemy.orm import Session

from haven.registry._audit import AuditEvent, AuditLog
from haven.registry._tables import OrganisationRow, SuspectRow, VictimRow
from haven.standard import AgeBand, AgeGroup

__all__ = ["SUSPECT_SCHEMA", "VICTIM_SCHEMA", "AggregateScope", "suspect_table", "victim_table"]

_BATCH = 20_000


@dataclass(frozen=True, slots=True)
class AggregateScope:
    """A reader of aggregates (rapporteur, data centre): all organisations, or some countries.

    Attributes:
        actor: who, for the audit log.
        countries: organisation countries to include; None for every country.
    """

    actor: str
    countries: frozenset[str] | None = None


VICTIM_SCHEMA = pa.schema([
    ("record_id", pa.string()),
    ("person_id", pa.string()),  # from linkage; null when not resolved
    ("organisation_id", pa.string()),
    ("organisation_country", pa.string()),
    ("organisation_type", pa.string()),
    ("registered_on", pa.date32()),
    ("year", pa.int32()),
    ("identification_status", pa.string()),
    ("sex", pa.string()),
    ("age", pa.int32()),
    ("age_group", pa.string()),
    ("age_band", pa.string()),
    ("citizenships", pa.list_(pa.string())),
    ("country_of_exploitation", pa.string()),
    ("exploitation_forms", pa.list_(pa.string())),
    ("labour_sectors", pa.list_(pa.string())),
])

SUSPECT_SCHEMA = pa.schema([
    ("record_id", pa.string()),
    ("organisation_id", pa.string()),
    ("organisation_country", pa.string()),
    ("registered_on", pa.date32()),
    ("person_kind", pa.string()),
    ("sex", pa.string()),
    ("age", pa.int32()),
    ("citizenship", pa.string()),
    ("roles", pa.list_(pa.string())),
    ("stage", pa.string()),
    # One (stage, date) pair per event, so that yearly counts of prosecuted and convicted
    # persons use the date each stage was reached.
    ("justice_stages", pa.list_(pa.string())),
    ("justice_dates", pa.list_(pa.date32())),
])


def _organisations(session: Session, scope: AggregateScope) -> dict[Any, OrganisationRow]:
    statement = select(OrganisationRow)
    if scope.countries is not None:
        statement = statement.where(OrganisationRow.country.in_(sorted(scope.countries)))
    return {o.id: o for o in session.scalars(statement)}


def _batches(session: Session, row_type: type[Any], org_ids: Iterable[Any]) -> Iterable[Any]:
    statement = (select(row_type).where(row_type.organisation_id.in_(list(org_ids)))
                 .order_by(row_type.id).execution_options(yield_per=_BATCH))
    yield from session.scalars(statement)


def victim_table(session: Session, audit: AuditLog, scope: AggregateScope) -> pa.Table:
    orgs = _organisations(session, scope)
    columns: dict[str, list[Any]] = {name: [] for name in VICTIM_SCHEMA.names}
    for row in _batches(session, VictimRow, orgs):
        org = orgs[row.organisation_id]
        forms = [e["form"] for e in row.exploitation]
        values = {
            "record_id": str(row.id), "person_id": row.person_id,
            "organisation_id": str(org.id), "organisation_country": org.country,
            "organisation_type": org.type, "registered_on": row.registered_on,
            "year": row.registered_on.year, "identification_status": row.identification_status,
            "sex": row.sex, "age": row.age_at_registration,
            "age_group": AgeGroup.for_age(row.age_at_registration).value,
            "age_band": AgeBand.for_age(row.age_at_registration).value,
            "citizenships": list(row.citizenships),
            "country_of_exploitation": row.country_of_exploitation,
            "exploitation_forms": forms,
            "labour_sectors": [e["sector"] for e in row.exploitation if e.get("sector")],
        }
        for name, value in values.items():
            columns[name].append(value)
    table = pa.table(columns, schema=VICTIM_SCHEMA)
    _audit(session, audit, scope, "victim", table.num_rows)
    return table


def suspect_table(session: Session, audit: AuditLog, scope: AggregateScope) -> pa.Table:
    orgs = _organisations(session, scope)
    columns: dict[str, list[Any]] = {name: [] for name in SUSPECT_SCHEMA.names}
    for row in _batches(session, SuspectRow, orgs):
        org = orgs[row.organisation_id]
        values = {
            "record_id": str(row.id), "organisation_id": str(org.id),
            "organisation_country": org.country, "registered_on": row.registered_on,
            "person_kind": row.person_kind, "sex": row.sex, "age": row.age,
            "citizenship": row.citizenship, "roles": list(row.roles), "stage": row.stage,
            "justice_stages": [e["stage"] for e in row.justice],
            "justice_dates": [_date(e["on"]) for e in row.justice],
        }
        for name, value in values.items():
            columns[name].append(value)
    table = pa.table(columns, schema=SUSPECT_SCHEMA)
    _audit(session, audit, scope, "suspect", table.num_rows)
    return table


def _date(text: str) -> date:
    return date.fromisoformat(text)


def _audit(session: Session, audit: AuditLog, scope: AggregateScope, kind: str, rows: int
           ) -> None:
    audit.append(session, AuditEvent(
        actor=scope.actor, organisation_id=None, action="aggregate", entity_kind=kind,
        entity_id=None,
        detail={"rows": rows, "countries": sorted(scope.countries) if scope.countries else None},
    ))
