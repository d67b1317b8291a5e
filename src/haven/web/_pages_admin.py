"""Pages for administration (users, organisations) and for exports."""

from __future__ import annotations

import io
import uuid
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from haven._text import N_
from haven.access import (
    PasswordRefused,
    Permission,
    Role,
    UserCreate,
    admin_scope,
    authorize,
    can,
    record_scope,
)
from haven.exceptions import Conflict, FieldProblem, HavenError, ValidationFailed
from haven.registry import export_records, export_xlsx
from haven.registry._export import MIN_EXPORT_PASSWORD
from haven.standard import OrganisationCreate, OrganisationType, validate_record
from haven.web._auth import SessionDep
from haven.web._deps import accounts_of, registry_of
from haven.web._i18n import Translator, translator
from haven.web._render import render

__all__ = ["router"]

router = APIRouter(include_in_schema=False)

# A refused field is named by its label in the form, as the form shows it.
FIELD_LABELS = {"username": N_("User name"), "display_name": N_("Name"),
                "password": N_("Password"), "roles": N_("Roles"), "locale": N_("Language"),
                "code": N_("Code"), "name": N_("Name"), "country": N_("Country"),
                "type": N_("Type")}

USERNAME_TAKEN = N_("This user name is taken; choose another.")


def _problems_text(problems: tuple[FieldProblem, ...], _: Translator) -> str:
    return "; ".join(f"{_(FIELD_LABELS.get(p.field.split('.')[0], p.field))}: {_.reason(p)}"
                     for p in problems)


# -- users --------------------------------------------------------------------------------------
def _users_page(request: Request, info: SessionDep, organisation_id: uuid.UUID,
                error: str | None = None, status_code: int = 200) -> HTMLResponse:
    users = accounts_of(request).users(info.principal, organisation_id)
    organisation = registry_of(request).organisation(str(organisation_id))
    assignable = [r for r in Role if r is not Role.SYSTEM_ADMIN
                  or can(info.principal, Permission.MANAGE_ORGANISATIONS)]
    return render(request, "users.html", info, status_code=status_code, users=users,
                  organisation=organisation, roles=assignable, error=error)


@router.get("/admin/users", response_class=HTMLResponse)
def users(request: Request, info: SessionDep, organisation: uuid.UUID | None = None
          ) -> HTMLResponse:
    return _users_page(request, info, organisation or info.principal.organisation_id)


@router.post("/admin/users", response_model=None)
async def create_user(request: Request, info: SessionDep) -> Response:
    form = await request.form()
    organisation_id = uuid.UUID(str(form.get("organisation_id")))
    try:
        user = validate_record(UserCreate, {
            "username": form.get("username"), "display_name": form.get("display_name"),
            "password": form.get("password") or None,
            "roles": [str(r) for r in form.getlist("roles")],
            "locale": form.get("locale") or "en"})
        accounts_of(request).create_user(info.principal, organisation_id, user)
    except ValidationFailed as failure:
        message = _problems_text(failure.problems, translator(info.principal.locale))
        return _users_page(request, info, organisation_id, message, 422)
    except PasswordRefused as error:
        message = _problems_text((error.problem,), translator(info.principal.locale))
        return _users_page(request, info, organisation_id, message, 422)
    except Conflict:  # the one conflict of creating a user
        return _users_page(request, info, organisation_id,
                           translator(info.principal.locale)(USERNAME_TAKEN), 422)
    except HavenError as error:
        if error.status_code == 403:
            raise
        return _users_page(request, info, organisation_id,
                           translator(info.principal.locale).error(error), 422)
    return RedirectResponse(f"/admin/users?organisation={organisation_id}", status_code=303)


@router.post("/admin/users/{user_id}", response_model=None)
def change_user(request: Request, info: SessionDep, user_id: uuid.UUID,
                action: Annotated[str, Form(pattern="^(disable|enable)$")]) -> Response:
    user = accounts_of(request).update_user(info.principal, user_id,
                                            disabled=action == "disable")
    return RedirectResponse(f"/admin/users?organisation={user.organisation_id}",
                            status_code=303)


# -- organisations ------------------------------------------------------------------------------
@router.get("/admin/organisations", response_class=HTMLResponse)
def organisations(request: Request, info: SessionDep) -> HTMLResponse:
    return _organisations_page(request, info)


def _organisations_page(request: Request, info: SessionDep, error: str | None = None,
                        status_code: int = 200) -> HTMLResponse:
    # `error` is never read from the address: a link must not put its own text on the page.
    authorize(info.principal, Permission.MANAGE_ORGANISATIONS)
    return render(request, "organisations.html", info, status_code=status_code,
                  organisations=registry_of(request).holdings(), types=list(OrganisationType),
                  error=error)


@router.post("/admin/organisations", response_model=None)
def create_organisation(
    request: Request, info: SessionDep, code: Annotated[str, Form()],
    name: Annotated[str, Form()], country: Annotated[str, Form()], type: Annotated[str, Form()],
) -> Response:
    scope = admin_scope(info.principal)
    try:
        record = validate_record(OrganisationCreate, {"code": code, "name": name,
                                                      "country": country, "type": type})
        registry_of(request).create_organisation(scope, record)
    except ValidationFailed as failure:
        message = _problems_text(failure.problems, translator(info.principal.locale))
        return _organisations_page(request, info, error=message, status_code=422)
    return RedirectResponse("/admin/organisations", status_code=303)


# -- export -------------------------------------------------------------------------------------
@router.get("/export", response_class=HTMLResponse)
def export_page(request: Request, info: SessionDep) -> HTMLResponse:
    authorize(info.principal, Permission.EXPORT_RECORDS)
    return render(request, "export.html", info, error=None)


@router.post("/export", response_model=None)
def export(
    request: Request, info: SessionDep,
    kind: Annotated[str, Form(pattern="^(victim|suspect|case)$")],
    fmt: Annotated[str, Form(alias="format", pattern="^(csv|xlsx|jsonl)$")],
    identifying: Annotated[bool, Form()] = False,
    password: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    principal = info.principal
    scope = record_scope(principal, Permission.EXPORT_RECORDS)
    if identifying:
        authorize(principal, Permission.EXPORT_IDENTIFYING)
        scope = scope.with_identifying(True)
    registry = registry_of(request)
    name = f"haven-{kind}s-{date.today().isoformat()}"
    _ = translator(principal.locale)
    if password and fmt != "xlsx":
        return render(request, "export.html", info, status_code=422,
                      error=_("Password protection is available for XLSX files only."))
    if password and len(password) < MIN_EXPORT_PASSWORD:
        return render(request, "export.html", info, status_code=422, error=_(
            "A password for the file needs at least %(n)s characters.", n=MIN_EXPORT_PASSWORD))
    try:
        if fmt == "xlsx":
            buffer = io.BytesIO()
            export_xlsx(registry, scope, kind, buffer, identifying=identifying,  # type: ignore[arg-type]
                        password=password or None)
            body, media = buffer.getvalue(), (
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        else:
            text = io.StringIO()
            export_records(registry, scope, kind, text, fmt=fmt,  # type: ignore[arg-type]
                           identifying=identifying)
            body = text.getvalue().encode("utf-8")
            media = "text/csv; charset=utf-8" if fmt == "csv" else "application/x-ndjson"
    except HavenError as error:
        if error.status_code != 403:
            raise
        return render(request, "export.html", info, status_code=422, error=_.error(error))
    headers = {"Content-Disposition": f'attachment; filename="{name}.{fmt}"',
               "Cache-Control": "no-store"}
    return Response(body, media_type=media, headers=headers)
