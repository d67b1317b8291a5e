"""The service directory: every organisation's services with capacity; one's own to edit.

Services hold no personal data, so every user who manages referrals sees the whole directory;
each organisation lists and changes only its own services.
"""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.datastructures import FormData

from haven._text import N_
from haven.access import Permission, record_scope
from haven.exceptions import FieldProblem, HavenError, ValidationFailed
from haven.referral import AssistanceKind, ServiceCreate, add_service, services, set_capacity
from haven.standard import Sex
from haven.web._auth import SessionDep
from haven.web._deps import registry_of
from haven.web._i18n import translator
from haven.web._pages_pathway import organisation_names
from haven.web._render import render

__all__ = ["router"]

router = APIRouter(include_in_schema=False)


def _page(request: Request, info: SessionDep, *, values: dict[str, Any] | None = None,
          errors: dict[str, list[str]] | None = None, status_code: int = 200) -> HTMLResponse:
    scope = record_scope(info.principal, Permission.MANAGE_REFERRALS)
    organisations = organisation_names(request)
    with registry_of(request).transaction(scope) as tx:
        directory = services(tx)
    return render(request, "services.html", info, status_code=status_code,
                  directory=directory, organisations=organisations,
                  own=info.principal.organisation_id, kinds=list(AssistanceKind),
                  sexes=[s for s in Sex if s is not Sex.UNKNOWN],
                  values=values or {"country": info.principal.organisation_country,
                                    "sexes": []},
                  errors=errors or {})


@router.get("/services", response_class=HTMLResponse)
def directory_page(request: Request, info: SessionDep) -> HTMLResponse:
    return _page(request, info)


def _number(form: FormData, name: str, problems: list[FieldProblem]) -> int | None:
    value = str(form.get(name) or "").strip()
    if not value:
        return None
    if not value.isdigit():
        problems.append(FieldProblem(None, name, N_("a whole number")))
        return None
    return int(value)


def _service(form: FormData) -> ServiceCreate:
    problems: list[FieldProblem] = []
    try:
        kind = AssistanceKind(str(form.get("kind") or ""))
    except ValueError:
        problems.append(FieldProblem(None, "kind", N_("choose a kind of service")))
        kind = AssistanceKind.SHELTER
    numbers = {n: _number(form, n, problems) for n in ("places_total", "min_age", "max_age")}
    sexes = frozenset(Sex(s) for s in form.getlist("sexes") if s in set(Sex))
    languages = frozenset(code.strip() for code in str(form.get("languages") or "")
                          .replace(";", ",").split(",") if code.strip())
    service = ServiceCreate(kind=kind, name=str(form.get("name") or ""),
                            country=str(form.get("country") or "").strip(), sexes=sexes,
                            languages=languages, accessible=form.get("accessible") == "yes",
                            **numbers)
    problems.extend(service.problems())
    if problems:
        raise ValidationFailed(problems)
    return service


@router.post("/services", response_model=None)
async def add(request: Request, info: SessionDep) -> Response:
    scope = record_scope(info.principal, Permission.MANAGE_REFERRALS)
    form = await request.form()
    _ = translator(info.principal.locale)
    try:
        service = _service(form)
        with registry_of(request).transaction(scope) as tx:
            add_service(tx, service)
    except ValidationFailed as failure:
        errors: dict[str, list[str]] = {}
        for problem in failure.problems:
            errors.setdefault(problem.field, []).append(_.reason(problem))
        values = {k: str(v) for k, v in form.items() if k != "csrf_token"}
        return _page(request, info, values={**values, "sexes": form.getlist("sexes")},
                     errors=errors, status_code=422)
    return RedirectResponse("/services", status_code=303)


@router.post("/services/{service_id}/capacity", response_model=None)
async def capacity(request: Request, info: SessionDep, service_id: uuid.UUID) -> Response:
    """Change an own service's places, or take it off the directory."""
    scope = record_scope(info.principal, Permission.MANAGE_REFERRALS)
    form = await request.form()
    problems: list[FieldProblem] = []
    places = _number(form, "places_total", problems)
    try:
        if problems:
            raise ValidationFailed(problems)
        with registry_of(request).transaction(scope) as tx:
            set_capacity(tx, service_id, places_total=places,
                         active=form.get("withdraw") != "yes")
    except HavenError as error:
        _ = translator(info.principal.locale)
        reasons = ([_.reason(p) for p in error.problems] if isinstance(error, ValidationFailed)
                   else [_.error(error)])
        return _page(request, info, errors={"_": reasons}, status_code=error.status_code)
    return RedirectResponse("/services", status_code=303)
