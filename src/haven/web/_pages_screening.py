"""Screening a person: choose checklists, answer indicators, read the explained result and,
for a presumed victim, register the record (or pick an existing one) and open the pathway.

The answers travel with the forms (hidden fields), and every step assesses them again, so no
half-finished screening is stored anywhere.
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.datastructures import FormData

from haven._text import N_
from haven.access import Permission, can, record_scope
from haven.exceptions import Conflict, FieldProblem, HavenError, ValidationFailed
from haven.identification import Assessment, ChecklistKind, assess, checklists
from haven.referral import open_pathway
from haven.standard import Sex, VictimCreate, to_nested, validate_record
from haven.web._auth import SessionDep
from haven.web._deps import registry_of
from haven.web._i18n import Translator, translator
from haven.web._messages import PATHWAY_EXISTS
from haven.web._render import render

__all__ = ["router"]

router = APIRouter(include_in_schema=False)

_ANSWER = "a-"  # answers are posted as a-<indicator id> = yes | no | unknown
_RECORD_FIELDS = ("external_id", "registered_on", "sex", "age_at_registration",
                  "citizenships", "country_of_exploitation")


def _kinds(values: list[str]) -> list[ChecklistKind]:
    kinds = []
    for value in values:
        try:
            kinds.append(ChecklistKind(value))
        except ValueError:
            raise ValidationFailed([FieldProblem(None, "kinds", N_("not a checklist"),
                                                 value=value[:40])]) from None
    return [k for k in ChecklistKind if k in kinds] or [ChecklistKind.GENERAL]


def _errors(problems: tuple[FieldProblem, ...], _: Translator) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for problem in problems:
        found.setdefault(problem.field.split(".")[0].split("[")[0], []).append(_.reason(problem))
    return found


def _questions(request: Request, info: SessionDep, kinds: list[ChecklistKind],
               answers: dict[str, str], age: str, errors: dict[str, list[str]],
               status_code: int = 200) -> HTMLResponse:
    lists = checklists()
    return render(request, "screening_questions.html", info, status_code=status_code,
                  lists=[lists[k] for k in kinds], kinds=kinds, answers=answers, age=age,
                  errors=errors)


@router.get("/screening", response_class=HTMLResponse)
def screening(request: Request, info: SessionDep) -> HTMLResponse:
    record_scope(info.principal, Permission.MANAGE_REFERRALS)
    return render(request, "screening_start.html", info, lists=list(checklists().values()))


@router.get("/screening/questions", response_class=HTMLResponse)
def questions(request: Request, info: SessionDep,
              kinds: Annotated[list[str], Query(max_length=10)] = []) -> HTMLResponse:  # noqa: B006
    record_scope(info.principal, Permission.MANAGE_REFERRALS)
    return _questions(request, info, _kinds(kinds), {}, "", {})


def _answers(form: FormData) -> tuple[list[ChecklistKind], dict[str, str], str]:
    kinds = _kinds([str(v) for v in form.getlist("kinds")])
    answers = {key[len(_ANSWER):]: str(value) for key, value in form.multi_items()
               if key.startswith(_ANSWER) and str(value)}
    return kinds, answers, str(form.get("age") or "").strip()


def _assess(kinds: list[ChecklistKind], answers: dict[str, str], age: str) -> Assessment:
    if age and not (age.isdigit() and int(age) <= 120):
        raise ValidationFailed([FieldProblem(None, "age", N_("a whole number of years, 0-120"))])
    return assess(answers, kinds=kinds, age=int(age) if age else None)


def _record_form(values: dict[str, str]) -> dict[str, str]:
    return {"registered_on": date.today().isoformat(), "detected_on": date.today().isoformat(),
            "record": "new", **values}


def _result(request: Request, info: SessionDep, kinds: list[ChecklistKind],
            answers: dict[str, str], age: str, result: Assessment, values: dict[str, str],
            errors: dict[str, list[str]], status_code: int = 200) -> HTMLResponse:
    _ = translator(info.principal.locale)
    may_register = can(info.principal, Permission.CREATE_RECORDS)
    values = {"reason": _("Screened, presumed victim"), **values}
    return render(request, "screening_result.html", info, status_code=status_code,
                  result=result, lines=result.explain(_.locale), kinds=kinds, answers=answers,
                  age=age, values=_record_form(values), errors=errors,
                  may_register=may_register,
                  sexes=[(s.value, _.label(s)) for s in Sex])


@router.post("/screening/assess", response_class=HTMLResponse)
async def assess_page(request: Request, info: SessionDep) -> HTMLResponse:
    record_scope(info.principal, Permission.MANAGE_REFERRALS)
    kinds, answers, age = _answers(await request.form())
    try:
        result = _assess(kinds, answers, age)
    except ValidationFailed as failure:
        return _questions(request, info, kinds, answers, age,
                          _errors(failure.problems, translator(info.principal.locale)), 422)
    return _result(request, info, kinds, answers, age, result,
                   {"age_at_registration": age}, {})


def _new_victim(values: dict[str, str], result: Assessment) -> VictimCreate:
    flat = {name: values.get(name, "") for name in _RECORD_FIELDS}
    flat["citizenships"] = flat["citizenships"].replace(",", ";")
    flat["identification_status"] = "presumed"
    flat["exploitation"] = ";".join(f.value for f in result.forms)
    return validate_record(VictimCreate, to_nested("victim", flat))


@router.post("/screening/open", response_model=None)
async def open_from_screening(request: Request, info: SessionDep) -> Response:
    """Register the presumed victim (or take an existing record) and open its pathway."""
    scope = record_scope(info.principal, Permission.MANAGE_REFERRALS)
    form = await request.form()
    kinds, answers, age = _answers(form)
    result = _assess(kinds, answers, age)
    _ = translator(info.principal.locale)
    values = {k: str(v).strip() for k, v in form.items()
              if k in {*_RECORD_FIELDS, "record", "existing", "detected_on", "reason"}}
    values = _record_form(values)
    errors: dict[str, list[str]] = {}
    if not result.can_start_referral:
        errors["record"] = [_("Only a presumed victim's screening opens a pathway.")]
    try:
        detected = date.fromisoformat(values.get("detected_on", ""))
    except ValueError:
        errors["detected_on"] = [_("Enter a date.")]
    if not values.get("reason"):
        errors["reason"] = [_("Say why, briefly (no names).")]
    new = values.get("record") != "existing"
    if new and not can(info.principal, Permission.CREATE_RECORDS):
        errors["record"] = [_("You may not register records; choose an existing one.")]
    if errors:
        return _result(request, info, kinds, answers, age, result, values, errors, 422)
    try:
        victim = _new_victim(values, result) if new else None
        with registry_of(request).transaction(scope) as tx:
            if victim is not None:
                victim_id: uuid.UUID = tx.victims.create(victim).id
            else:
                found = tx.victims.find(values.get("existing", ""))
                if found is None:
                    raise ValidationFailed([FieldProblem(None, "existing",
                                                         N_("no record with this id"))])
                victim_id = found.id
            open_pathway(tx, victim_id, on=detected, reason=values["reason"], assessment=result)
    except ValidationFailed as failure:
        return _result(request, info, kinds, answers, age, result, values,
                       _errors(failure.problems, _), 422)
    except HavenError as error:  # a pathway exists already, no clocks for the country
        message = _(PATHWAY_EXISTS) if isinstance(error, Conflict) else _.error(error)
        return _result(request, info, kinds, answers, age, result, values,
                       {"record": [message]}, error.status_code)
    suffix = "?created=1" if new else ""
    return RedirectResponse(f"/victims/{victim_id}{suffix}#pathway", status_code=303)
