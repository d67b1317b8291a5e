"""Pages for victims, suspects and cases: lists with search and paging, forms, record pages.

Forms post the same flat fields as the CSV layout, so one conversion (`to_nested`) and one
validation serve imports, the API and the UI alike; problems are shown next to their fields.
"""

from __future__ import annotations

import re
import uuid
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BeforeValidator, Field
from starlette.datastructures import FormData

from haven.access import Permission, can, record_scope
from haven.exceptions import FieldProblem, ValidationFailed
from haven.registry import VictimFilter
from haven.standard import (
    COLUMNS,
    ExploitationForm,
    IdentificationStatus,
    IsicSection,
    JusticeStage,
    MeansOfControl,
    OnlinePlatform,
    RecruiterRelation,
    RecruitmentMethod,
    Sex,
    SuspectRole,
    VictimCreate,
    VictimUpdate,
    Vulnerability,
    to_flat,
    to_nested,
    validate_record,
)
from haven.web._api import ID_PREFIX
from haven.web._auth import SessionDep
from haven.web._deps import registry_of
from haven.web._i18n import Translator, translator
from haven.web._render import render

__all__ = ["router"]

router = APIRouter(include_in_schema=False)

PAGE_SIZE = 25

# A filter form sends its unused fields as empty strings: those mean "any", not an error.
_BLANK_IS_NONE = BeforeValidator(lambda value: value or None)
StatusFilter = Annotated[IdentificationStatus | None, _BLANK_IS_NONE, Query()]
SexFilter = Annotated[Sex | None, _BLANK_IS_NONE, Query()]
StageFilter = Annotated[JusticeStage | None, _BLANK_IS_NONE, Query()]
YearFilter = Annotated[Annotated[int, Field(ge=1990, le=2100)] | None, _BLANK_IS_NONE, Query()]
TextFilter = Annotated[Annotated[str, Field(max_length=100, pattern=ID_PREFIX)] | None,
                       _BLANK_IS_NONE, Query()]
_IDENTIFYING_FORM_FIELDS = ["given_names", "family_name", "aliases", "date_of_birth",
                            "place_of_birth", "documents", "phones"]


def _options(enum_cls: Any, _: Translator) -> list[tuple[str, str]]:
    return [(m.value, _.label(m)) for m in enum_cls]


def _form_options(_: Translator) -> dict[str, list[tuple[str, str]]]:
    return {
        "statuses": _options(IdentificationStatus, _), "sexes": _options(Sex, _),
        "forms": _options(ExploitationForm, _), "sectors": _options(IsicSection, _),
        "controls": _options(MeansOfControl, _), "methods": _options(RecruitmentMethod, _),
        "platforms": _options(OnlinePlatform, _),
        "relations": _options(RecruiterRelation, _), "vulnerabilities": _options(Vulnerability, _),
    }


def _flat_from_form(form: FormData, *, identifying: bool) -> dict[str, str]:
    """The posted form as one flat (CSV-layout) row."""
    row: dict[str, str] = {}
    for column in COLUMNS["victim"]:
        if column in _IDENTIFYING_FORM_FIELDS and not identifying:
            continue
        if column == "exploitation":
            sector = str(form.get("exploitation_sector") or "")
            forms = [str(v) for v in form.getlist("exploitation")]
            row[column] = ";".join(f"{f}:{sector}" if f == "labour" and sector else f
                                   for f in forms)
        elif column in ("means_of_control", "vulnerabilities"):
            row[column] = ";".join(str(v) for v in form.getlist(column))
        elif column == "citizenships":
            row[column] = str(form.get(column) or "").replace(",", ";").strip()
        else:
            row[column] = str(form.get(column) or "").strip()
    return row


def _version(form: FormData) -> int:
    """The version a form was made against; anything unreadable is 0 (always stale)."""
    text = str(form.get("version") or "")
    return int(text) if text.isdigit() and len(text) < 10 else 0


def _errors_by_field(problems: tuple[FieldProblem, ...], _: Translator) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for problem in problems:
        base = re.split(r"[\[.]", problem.field, maxsplit=1)[0]
        if base == "recruitment":
            base = "recruitment_method"
        errors.setdefault(base, []).append(_.reason(problem))
    return errors


def _form_values(record: VictimCreate | None, identifying: bool) -> dict[str, str]:
    if record is None:
        return {"registered_on": date.today().isoformat(), "identification_status": "presumed"}
    values = to_flat("victim", record, identifying=identifying)
    parts = [e for e in values.get("exploitation", "").split(";") if e]
    values["exploitation"] = ";".join(p.split(":")[0] for p in parts)
    values["exploitation_sector"] = next((p.split(":")[1] for p in parts if ":" in p), "")
    return values


# -- victims ------------------------------------------------------------------------------------
@router.get("/victims", response_class=HTMLResponse)
def victims(
    request: Request, info: SessionDep,
    q: TextFilter = None,
    identification_status: StatusFilter = None,
    sex: SexFilter = None,
    year: YearFilter = None,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> HTMLResponse:
    filters = VictimFilter(
        identification_status=identification_status, sex=sex, external_id_prefix=q or None,
        registered_from=date(year, 1, 1) if year else None,
        registered_to=date(year, 12, 31) if year else None)
    with registry_of(request).transaction(record_scope(info.principal)) as tx:
        result = tx.victims.page(filters, offset=(page - 1) * PAGE_SIZE, limit=PAGE_SIZE)
    template = "_victim_rows.html" if request.headers.get("HX-Request") else "victims.html"
    pages = max(1, -(-result.total // PAGE_SIZE))
    query = {k: v for k, v in {"q": q, "identification_status": identification_status,
                               "sex": sex, "year": year}.items() if v}
    return render(request, template, info, result=result, page=page, pages=pages,
                  query=query, options=_form_options(translator(info.principal.locale)))


@router.get("/victims/new", response_class=HTMLResponse)
def new_victim(request: Request, info: SessionDep) -> HTMLResponse:
    record_scope(info.principal, Permission.CREATE_RECORDS)
    return _victim_form(request, info, None, _form_values(None, True), {})


def _victim_form(request: Request, info: SessionDep, record_id: uuid.UUID | None,
                 values: dict[str, str], errors: dict[str, list[str]], version: int = 0,
                 status_code: int = 200) -> HTMLResponse:
    _ = translator(info.principal.locale)
    identifying = record_id is None or can(info.principal, Permission.READ_IDENTIFYING)
    return render(request, "victim_form.html", info, status_code=status_code,
                  record_id=record_id, values=values, errors=errors, version=version,
                  identifying=identifying, options=_form_options(_))


@router.post("/victims/new", response_model=None)
async def create_victim(request: Request, info: SessionDep) -> Response:
    scope = record_scope(info.principal, Permission.CREATE_RECORDS)
    values = _flat_from_form(await request.form(), identifying=True)
    _ = translator(info.principal.locale)
    try:
        record = validate_record(VictimCreate, to_nested("victim", values))
        with registry_of(request).transaction(scope) as tx:
            created = tx.victims.create(record)
    except ValidationFailed as failure:
        return _victim_form(request, info, None, values,
                            _errors_by_field(failure.problems, _), status_code=422)
    return RedirectResponse(f"/victims/{created.id}?created=1", status_code=303)


@router.get("/victims/{victim_id}", response_class=HTMLResponse)
def victim_page(request: Request, info: SessionDep, victim_id: uuid.UUID,
                identifying: bool = False, created: bool = False) -> HTMLResponse:
    principal = info.principal
    scope = record_scope(principal)
    with registry_of(request).transaction(scope) as tx:
        record = tx.victims.get(victim_id)
        identity = None
        if identifying and can(principal, Permission.READ_IDENTIFYING):
            identity = tx.victims.get_detail(victim_id).identifying
        history = tx.victims.history(victim_id) if can(principal, Permission.READ_HISTORY) \
            else None
        cases = tx.cases.with_member("victim", victim_id)
    return render(request, "victim.html", info, record=record, identity=identity,
                  show_identifying=identifying, history=history, cases=cases, created=created)


@router.get("/victims/{victim_id}/edit", response_class=HTMLResponse)
def edit_victim(request: Request, info: SessionDep, victim_id: uuid.UUID) -> HTMLResponse:
    scope = record_scope(info.principal, Permission.UPDATE_RECORDS)
    identifying = scope.identifying
    with registry_of(request).transaction(scope) as tx:
        public = tx.victims.get(victim_id)
        detail = tx.victims.get_detail(victim_id) if identifying else None
    data = public.model_dump(mode="json", exclude={"id", "organisation_id", "version",
                                                   "person_id", "age_group", "age_band"})
    data["identifying"] = detail.identifying.model_dump(mode="json") if (
        detail and detail.identifying) else None
    record = VictimCreate.model_validate(data, context={"today": date.max})
    return _victim_form(request, info, victim_id, _form_values(record, identifying), {},
                        version=public.version)


@router.post("/victims/{victim_id}/edit", response_model=None)
async def update_victim(request: Request, info: SessionDep, victim_id: uuid.UUID) -> Response:
    scope = record_scope(info.principal, Permission.UPDATE_RECORDS)
    form = await request.form()
    values = _flat_from_form(form, identifying=scope.identifying)
    version = _version(form)
    _ = translator(info.principal.locale)
    try:
        with registry_of(request).transaction(scope) as tx:
            tx.victims.get(victim_id)  # another organisation's record: not found, not 422
        record = validate_record(VictimCreate, to_nested("victim", values))
        changes = record.model_dump(mode="json", exclude={"external_id", "age_group",
                                                          "age_band", "age_estimated"})
        if not scope.identifying:
            changes.pop("identifying", None)
        with registry_of(request).transaction(scope) as tx:
            tx.victims.update(victim_id, VictimUpdate.model_validate({**changes,
                                                                      "version": version}))
    except ValidationFailed as failure:
        return _victim_form(request, info, victim_id, values,
                            _errors_by_field(failure.problems, _), version, status_code=422)
    return RedirectResponse(f"/victims/{victim_id}", status_code=303)


# -- suspects and cases -------------------------------------------------------------------------
# Their forms use the CSV layout's cells directly (lists with ";", parts with ":"), with the
# format shown as a hint: these records are registered by investigators, usually from files.
_SUSPECT_FIELDS = ["external_id", "person_kind", "sex", "age", "citizenship", "roles",
                   "justice", "registered_on"]
_SUSPECT_IDENTIFYING = ["given_names", "family_name", "aliases", "date_of_birth",
                        "documents", "phones", "organisation_name", "registration_number"]
_CASE_FIELDS = ["external_id", "opened_on", "victims", "suspects", "route", "references"]


def _flat_fields(form: FormData, names: list[str], multi: frozenset[str] = frozenset()
                 ) -> dict[str, str]:
    return {name: (";".join(str(v) for v in form.getlist(name)) if name in multi
                   else str(form.get(name) or "").strip()) for name in names}


def _save_flat(request: Request, info: SessionDep, kind: str, values: dict[str, str],
               template: str, *, record_id: uuid.UUID | None = None, version: int = 0,
               **context: Any) -> Response:
    """Create (or, with `record_id`, update at `version`) a suspect or case from a flat form."""
    from haven.standard import CaseCreate, CaseUpdate, SuspectCreate, SuspectUpdate

    permission = Permission.UPDATE_RECORDS if record_id else Permission.CREATE_RECORDS
    scope = record_scope(info.principal, permission)
    create, update = ((SuspectCreate, SuspectUpdate) if kind == "suspect"
                      else (CaseCreate, CaseUpdate))
    try:
        with registry_of(request).transaction(scope) as tx:
            store: Any = tx.suspects if kind == "suspect" else tx.cases
            if record_id is not None:
                store.get(record_id)  # another organisation's record: not found, not 422
            record: Any = validate_record(create, to_nested(kind, values))  # type: ignore[arg-type]
            if record_id is None:
                saved = store.create(record)
            else:
                changes = record.model_dump(mode="json", include=set(update.model_fields))
                if not scope.identifying:
                    changes.pop("identifying", None)
                saved = store.update(record_id, update.model_validate(
                    {**changes, "version": version}))
    except ValidationFailed as failure:
        _ = translator(info.principal.locale)
        return render(request, template, info, status_code=422, values=values,
                      errors=_errors_by_field(failure.problems, _), record_id=record_id,
                      version=version, **context)
    return RedirectResponse(f"/{kind}s/{saved.id}", status_code=303)


@router.get("/suspects", response_class=HTMLResponse)
def suspects(request: Request, info: SessionDep,
             q: TextFilter = None,
             stage: StageFilter = None,
             page: Annotated[int, Query(ge=1, le=100_000)] = 1) -> HTMLResponse:
    with registry_of(request).transaction(record_scope(info.principal)) as tx:
        result = tx.suspects.page(offset=(page - 1) * PAGE_SIZE, limit=PAGE_SIZE, stage=stage,
                                  external_id_prefix=q or None)
    pages = max(1, -(-result.total // PAGE_SIZE))
    query = {k: v for k, v in {"q": q, "stage": stage}.items() if v}
    return render(request, "suspects.html", info, result=result, page=page, pages=pages,
                  query=query, stages=list(JusticeStage))


@router.get("/suspects/new", response_class=HTMLResponse)
def new_suspect(request: Request, info: SessionDep) -> HTMLResponse:
    record_scope(info.principal, Permission.CREATE_RECORDS)
    return render(request, "suspect_form.html", info, errors={}, values={
        "registered_on": date.today().isoformat(), "person_kind": "natural"},
        roles=list(SuspectRole), identifying=True)


@router.post("/suspects/new", response_model=None)
async def create_suspect(request: Request, info: SessionDep) -> Response:
    values = _flat_fields(await request.form(), _SUSPECT_FIELDS + _SUSPECT_IDENTIFYING,
                          frozenset({"roles"}))
    return _save_flat(request, info, "suspect", values, "suspect_form.html",
                      roles=list(SuspectRole), identifying=True)


@router.get("/suspects/{suspect_id}/edit", response_class=HTMLResponse)
def edit_suspect(request: Request, info: SessionDep, suspect_id: uuid.UUID) -> HTMLResponse:
    from haven.standard import SuspectCreate

    scope = record_scope(info.principal, Permission.UPDATE_RECORDS)
    with registry_of(request).transaction(scope) as tx:
        public = tx.suspects.get(suspect_id)
        detail = tx.suspects.get_detail(suspect_id) if scope.identifying else None
    data = public.model_dump(mode="json", exclude={"id", "organisation_id", "version", "stage"})
    data["identifying"] = detail.identifying.model_dump(mode="json") if (
        detail and detail.identifying) else None
    record = SuspectCreate.model_validate(data)
    return render(request, "suspect_form.html", info, errors={}, record_id=suspect_id,
                  version=public.version, identifying=scope.identifying,
                  values=to_flat("suspect", record, identifying=scope.identifying),
                  roles=list(SuspectRole))


@router.post("/suspects/{suspect_id}/edit", response_model=None)
async def update_suspect(request: Request, info: SessionDep, suspect_id: uuid.UUID
                         ) -> Response:
    form = await request.form()
    identifying = can(info.principal, Permission.READ_IDENTIFYING)
    names = _SUSPECT_FIELDS + (_SUSPECT_IDENTIFYING if identifying else [])
    values = _flat_fields(form, names, frozenset({"roles"}))
    return _save_flat(request, info, "suspect", values, "suspect_form.html",
                      record_id=suspect_id, version=_version(form),
                      roles=list(SuspectRole), identifying=identifying)


@router.get("/suspects/{suspect_id}", response_class=HTMLResponse)
def suspect_page(request: Request, info: SessionDep, suspect_id: uuid.UUID) -> HTMLResponse:
    principal = info.principal
    with registry_of(request).transaction(record_scope(principal)) as tx:
        record = tx.suspects.get(suspect_id)
        history = tx.suspects.history(suspect_id) if can(principal, Permission.READ_HISTORY) \
            else None
        cases = tx.cases.with_member("suspect", suspect_id)
    return render(request, "suspect.html", info, record=record, history=history, cases=cases)


@router.get("/cases", response_class=HTMLResponse)
def cases(request: Request, info: SessionDep,
          q: TextFilter = None,
          page: Annotated[int, Query(ge=1, le=100_000)] = 1) -> HTMLResponse:
    with registry_of(request).transaction(record_scope(info.principal)) as tx:
        result = tx.cases.page(offset=(page - 1) * PAGE_SIZE, limit=PAGE_SIZE,
                               external_id_prefix=q or None)
    pages = max(1, -(-result.total // PAGE_SIZE))
    query = {"q": q} if q else {}
    return render(request, "cases.html", info, result=result, page=page, pages=pages,
                  query=query)


@router.get("/cases/new", response_class=HTMLResponse)
def new_case(request: Request, info: SessionDep, victim: str | None = None) -> HTMLResponse:
    record_scope(info.principal, Permission.CREATE_RECORDS)
    return render(request, "case_form.html", info, errors={}, values={
        "opened_on": date.today().isoformat(), "victims": victim or ""})


@router.post("/cases/new", response_model=None)
async def create_case(request: Request, info: SessionDep) -> Response:
    values = _flat_fields(await request.form(), _CASE_FIELDS)
    return _save_flat(request, info, "case", values, "case_form.html")


@router.get("/cases/{case_id}/edit", response_class=HTMLResponse)
def edit_case(request: Request, info: SessionDep, case_id: uuid.UUID) -> HTMLResponse:
    from haven.standard import CaseCreate

    scope = record_scope(info.principal, Permission.UPDATE_RECORDS)
    with registry_of(request).transaction(scope) as tx:
        public = tx.cases.get(case_id)
    record = CaseCreate.model_validate(
        public.model_dump(mode="json", include=set(CaseCreate.model_fields)))
    return render(request, "case_form.html", info, errors={}, record_id=case_id,
                  version=public.version, values=to_flat("case", record, identifying=False))


@router.post("/cases/{case_id}/edit", response_model=None)
async def update_case(request: Request, info: SessionDep, case_id: uuid.UUID) -> Response:
    form = await request.form()
    values = _flat_fields(form, _CASE_FIELDS)
    return _save_flat(request, info, "case", values, "case_form.html", record_id=case_id,
                      version=_version(form))


@router.get("/cases/{case_id}", response_class=HTMLResponse)
def case_page(request: Request, info: SessionDep, case_id: uuid.UUID) -> HTMLResponse:
    principal = info.principal
    with registry_of(request).transaction(record_scope(principal)) as tx:
        record = tx.cases.get(case_id)
        victims = {v: tx.victims.find(v) for v in record.victims}
        suspects_found = {s: tx.suspects.find(s) for s in record.suspects}
        history = tx.cases.history(case_id) if can(principal, Permission.READ_HISTORY) else None
    return render(request, "case.html", info, record=record, victims=victims,
                  suspects=suspects_found, history=history)
