"""Validation reasons in the user's language: every reason extracted, worded, shown in Dutch."""

from __future__ import annotations

import ast
import re
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Annotated, Any, Literal

import pytest
from babel.messages.pofile import read_po
from fastapi.testclient import TestClient
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from haven.access import Role
from haven.exceptions import FieldProblem, ValidationFailed
from haven.standard import (
    SuspectCreate,
    VictimCreate,
    problems_from,
    schema_for,
    to_nested,
    validate_record,
)
from haven.standard._flat import COLUMNS
from haven.standard._validation import problems_from_errors
from haven.web._i18n import LOCALES_DIR, translator
from haven.web._reasons import FRAGMENTS, TEMPLATES, reason_text
from web.conftest import Users, csrf_of

SRC = Path(__file__).parent.parent.parent / "src" / "haven"
# Every package whose problems reach a page.
SCANNED = ("standard", "referral", "identification", "registry", "web")
# Reasons that are built from another reason on purpose, with why they never reach a form.
COMPOSED = {
    # A stored record that no longer validates: a server-side error, shown as "N problem(s)".
    ("registry/_stores.py", "FieldProblem"),
}
Login = Callable[[str], TestClient]


# -- (a) every reason written in Haven is in the catalog template ------------------------------

def _pot() -> set[str]:
    with (LOCALES_DIR / "haven.pot").open("rb") as handle:
        return {str(m.id[0] if m.pluralizable else m.id) for m in read_po(handle) if m.id}


def _name(func: ast.expr) -> str:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        inner = _name(func.value)
        return f"{inner}.{func.attr}" if inner else func.attr
    return ""


def _reason_args(call: ast.Call) -> Iterator[tuple[str, ast.expr]]:
    """(what kind of reason, the argument) for each reason-carrying argument of `call`."""
    name = _name(call.func)
    if name == "FieldProblem":
        if len(call.args) >= 3:
            yield "FieldProblem", call.args[2]
        yield from (("FieldProblem", kw.value) for kw in call.keywords if kw.arg == "reason")
    elif name == "FieldProblem.templated" and len(call.args) >= 4:
        yield "template", call.args[3]
    elif name == "PydanticCustomError" and len(call.args) >= 2:
        yield "template", call.args[1]


def _unmarked(node: ast.expr) -> ast.expr:
    """The literal inside `N_("...")`."""
    if isinstance(node, ast.Call) and _name(node.func) == "N_" and len(node.args) == 1:
        return node.args[0]
    return node


def _reasons_in(path: Path) -> Iterator[tuple[str, int, str, ast.expr, ast.Call]]:
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    for node in ast.walk(tree):
        if (isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call)
                and _name(node.exc.func) == "ValueError" and node.exc.args):
            yield "ValueError", node.lineno, "ValueError", _unmarked(node.exc.args[0]), node.exc
        if isinstance(node, ast.Call):
            for kind, arg in _reason_args(node):
                yield kind, node.lineno, _name(node.func), _unmarked(arg), node


def _scanned_files() -> list[Path]:
    return sorted(p for package in SCANNED for p in (SRC / package).rglob("*.py"))


def test_the_scan_finds_the_reasons_it_should() -> None:
    found = {(kind, node.value) for path in _scanned_files()
             for kind, _, _, node, _ in _reasons_in(path)
             if isinstance(node, ast.Constant)}
    # One of each sort, so that a scan that finds nothing cannot pass.
    assert ("ValueError", "registration date lies in the future") in found
    assert ("FieldProblem", "choose a kind of service") in found
    assert ("template", "unknown code; expected one of: {expected}") in found
    assert ("template", "at most {max_length} characters") in found


def _unextracted(paths: list[Path], root: Path, template: set[str]
                 ) -> tuple[list[str], list[str]]:
    """(literal reasons missing from `template`, reasons that cannot have a msgid)."""
    missing, untranslatable = [], []
    for path in paths:
        where = str(path.relative_to(root))
        for kind, line, call, node, _ in _reasons_in(path):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                if node.value not in template:
                    missing.append(f"{where}:{line}: {node.value!r}")
            elif ((isinstance(node, ast.JoinedStr) or kind != "FieldProblem")
                  and (where, call) not in COMPOSED):
                # An f-string (or a computed ValueError or template) has no fixed msgid.
                untranslatable.append(f"{where}:{line}: {ast.unparse(node)[:60]}")
    return missing, untranslatable


def test_the_scan_flags_an_unmarked_or_dynamic_reason(tmp_path: Path) -> None:
    module = tmp_path / "_new.py"
    module.write_text(
        "from haven._text import N_\n"
        "def check(value, limit):\n"
        "    if value:\n"
        "        raise ValueError(N_('a reason in the catalog'))\n"
        "    problems = [FieldProblem(None, 'f', 'a brand-new reason'),\n"
        "                FieldProblem(None, 'g', reason=f'over {limit}')]\n"
        "    raise ValueError('another new reason')\n", encoding="utf-8")
    missing, untranslatable = _unextracted([module], tmp_path, {"a reason in the catalog"})
    assert {m.split(": ", 1)[1] for m in missing} == {"'a brand-new reason'",
                                                        "'another new reason'"}
    assert [u.split(": ", 1)[1] for u in untranslatable] == ["f'over {limit}'"]


def test_every_reason_written_in_haven_is_in_the_catalog() -> None:
    missing, untranslatable = _unextracted(_scanned_files(), SRC, _pot())
    assert not missing, "mark these with N_ and run `make messages`: " + "; ".join(missing)
    assert not untranslatable, (
        "a reason must be a literal (or a PydanticCustomError / FieldProblem.templated "
        "template with params): " + "; ".join(untranslatable))


def test_every_templated_problem_is_worded_by_the_web() -> None:
    for path in _scanned_files():
        for kind, line, _, node, call in _reasons_in(path):
            if kind != "template":
                continue
            templated = _name(call.func) == "FieldProblem.templated"
            code_arg = call.args[2] if templated else call.args[0]
            assert isinstance(code_arg, ast.Constant) and isinstance(code_arg.value, str), (
                f"{path}:{line}: the code is not a literal")
            assert isinstance(node, ast.Constant)
            assert TEMPLATES.get(code_arg.value) == node.value, (
                f"{path}:{line}: add {code_arg.value!r} to haven.web._reasons.TEMPLATES")


# -- (c) the wording of built-in and Haven problems ----------------------------------------------

class _Hostile(BaseModel):
    """One field per Pydantic error type that Haven's forms can produce."""

    model_config = ConfigDict(extra="forbid")

    name: Annotated[str, Field(min_length=1, max_length=5)] = "a"
    one: Annotated[str, Field(max_length=1)] = "a"
    code: Annotated[str, Field(pattern=r"^[A-Z]+$")] = "A"
    age: Annotated[int, Field(ge=0, le=120)] = 1
    share: Annotated[float, Field(gt=0, lt=1)] = 0.5
    on: date = date(2024, 1, 1)
    sex: Literal["F", "M", "U"] = "F"
    flag: bool = False
    items: Annotated[list[str], Field(max_length=2)] = []
    text: str = ""


def _problem(**data: Any) -> FieldProblem:
    try:
        _Hostile.model_validate(data)
    except ValidationError as error:
        (problem,) = problems_from(error)
        return problem
    raise AssertionError(f"{data} is valid")


CASES = {
    "missing": None,  # below, through the standard
    "string_too_long": {"name": "abcdefgh"},
    "string_too_short": {"name": ""},
    "string_pattern_mismatch": {"code": "abc"},
    "string_type": {"text": 5},
    "int_parsing": {"age": "x"},
    "int_from_float": {"age": 1.5},
    "greater_than_equal": {"age": -1},
    "less_than_equal": {"age": 300},
    "greater_than": {"share": 0},
    "less_than": {"share": 2},
    "float_parsing": {"share": "x"},
    "date_from_datetime_parsing": {"on": "2024-13-01"},
    "date_from_datetime_inexact": {"on": "2024-01-01T10:00"},
    "literal_error": {"sex": "robot"},
    "bool_parsing": {"flag": "perhaps"},
    "extra_forbidden": {"surname": "x"},
    "list_type": {"items": "x"},
    "too_long": {"items": ["a", "b", "c"]},
}


@pytest.mark.parametrize("code", [c for c, data in CASES.items() if data is not None])
def test_builtin_problems_are_worded_in_english_as_pydantic_and_translated(code: str) -> None:
    data = CASES[code]
    assert data is not None
    problem = _problem(**data)
    assert problem.code == code
    english = translator("en").reason(problem)
    if code != "too_long":  # Pydantic's "List should have ...": the type name is left out
        assert english == problem.reason
    dutch = translator("nl").reason(problem)
    assert dutch != english
    for key, value in problem.params:
        if code in ("literal_error", "date_from_datetime_parsing") or key == "field_type":
            continue  # the value is itself translated (below), or English and left out
        assert value in dutch


def test_params_fill_the_dutch_templates() -> None:
    dutch = translator("nl")
    assert dutch.reason(_problem(name="abcdefgh")) == "Ten hoogste 5 tekens"
    assert dutch.reason(_problem(one="ab")) == "Ten hoogste 1 teken"  # the plural form
    assert dutch.reason(_problem(age=300)) == "Moet kleiner dan of gelijk aan 120 zijn"
    assert dutch.reason(_problem(sex="robot")) == "Moet 'F', 'M' of 'U' zijn"
    assert dutch.reason(_problem(on="2024-13-01")) == (
        "Moet een geldige datum zijn (JJJJ-MM-DD): de maand ligt buiten het bereik 1-12")
    assert dutch.reason(_problem(items=["a", "b", "c"])) == "ten hoogste 2 elementen, niet 3"


def test_haven_reasons_are_looked_up_and_templated_ones_filled() -> None:
    dutch = translator("nl")
    with pytest.raises(ValidationFailed) as refused:
        validate_record(VictimCreate, to_nested("victim", {
            "external_id": "V-1", "registered_on": "2999-01-01", "sex": "robot",
            "identification_status": "presumed"}))
    by_field = {p.field: p for p in refused.value.problems}
    future, sex = by_field["registered_on"], by_field["sex"]
    assert future.code == "value_error" and future.params == ()
    assert dutch.reason(future) == "de registratiedatum ligt in de toekomst"
    assert sex.code == "unknown_code"
    assert sex.reason == "unknown code; expected one of: female, male, other, unknown"
    assert translator("en").reason(sex) == sex.reason
    assert dutch.reason(sex) == "onbekende code; verwacht een van: female, male, other, unknown"
    with pytest.raises(ValidationFailed) as missing:
        validate_record(VictimCreate, {"registered_on": "2024-01-01", "sex": "female",
                                       "identification_status": "presumed"})
    (required,) = missing.value.problems
    assert (required.code, dutch.reason(required)) == ("missing", "Verplicht veld")


def test_stage_order_is_a_template_with_the_stages_as_params() -> None:
    with pytest.raises(ValidationFailed) as refused:
        validate_record(SuspectCreate, {
            "external_id": "S-1", "registered_on": "2024-06-01", "justice": [
                {"stage": "convicted", "on": "2024-01-01"},
                {"stage": "suspected", "on": "2024-05-01"}]})
    (problem,) = refused.value.problems
    assert problem.code == "stage_order"
    assert dict(problem.params) == {"later": "suspected", "earlier": "convicted"}
    assert problem.reason == "stage suspected is dated after convicted"
    assert translator("nl").reason(problem) == "fase suspected heeft een latere datum dan convicted"


def test_unknown_types_and_broken_problems_fall_back_to_the_english_reason() -> None:
    dutch = translator("nl")
    new = FieldProblem(None, "x", "Input is odd in a way Pydantic 9 invented", code="odd_type")
    assert dutch.reason(new) == new.reason
    no_params = FieldProblem(None, "x", "String should have at most 5 characters",
                             code="string_too_long")
    assert dutch.reason(no_params) == no_params.reason
    not_a_count = FieldProblem(None, "x", "String should have at most many characters",
                               code="string_too_long", params=(("max_length", "many"),))
    assert dutch.reason(not_a_count) == not_a_count.reason
    # A translation that lost a brace: the English reason is shown, the page still renders.
    broken = reason_text(_problem(age=300),
                         lambda text: "kleiner dan {le" if "{le}" in text else text,
                         lambda singular, plural, n: singular)
    assert broken == "Input should be less than or equal to 120"
    unknown_fragment = FieldProblem(None, "on", "Input should be a valid date or datetime, new",
                                    code="date_from_datetime_parsing", params=(("error", "new"),))
    assert dutch.reason(unknown_fragment) == "Moet een geldige datum zijn (JJJJ-MM-DD): new"


def test_params_never_carry_the_input() -> None:
    (problem,) = problems_from_errors([{
        "type": "union_tag_invalid", "loc": ("kind",), "input": "Ioana Popescu",
        "msg": "Input tag 'Ioana Popescu' found using 'kind' does not match any of the expected"
               " tags: 'a'", "ctx": {"discriminator": "'kind'", "tag": "Ioana Popescu",
                                      "expected_tags": "'a'"}}])
    assert "Ioana" not in repr(problem.params)
    assert dict(problem.params) == {"discriminator": "'kind'", "expected_tags": "'a'"}
    with pytest.raises(ValidationFailed) as refused:
        validate_record(VictimCreate, to_nested("victim", {
            "external_id": "V-1", "registered_on": "2024-01-01", "sex": "female",
            "identification_status": "presumed", "given_names": "Ștefana" * 40}))
    (long_name,) = refused.value.problems
    assert long_name.code == "string_too_long"
    assert long_name.params == (("max_length", "200"),)
    assert "Ștefana" not in str(long_name)


def test_every_date_fragment_is_translated() -> None:
    dutch = translator("nl")
    assert all(dutch(fragment) != fragment for fragment in FRAGMENTS)


# -- (b) pages in Dutch --------------------------------------------------------------------------

def _post(browser: TestClient, url: str, form_page: str,
          data: list[tuple[str, str]]) -> Any:
    form: dict[str, list[str]] = {}
    for name, value in [*data, ("csrf_token", csrf_of(form_page))]:
        form.setdefault(name, []).append(value)
    return browser.post(url, data=form, follow_redirects=False)


def _error(html: str, error_id: str) -> list[str]:
    """The texts shown under one field (`<p class="error" id="...">`)."""
    return re.findall(rf'<p class="error" id="{re.escape(error_id)}">([^<]*)</p>', html)


@pytest.fixture
def dutch_worker(users: Users, login: Login) -> TestClient:
    users.add("medewerker", [Role.CASE_WORKER], locale="nl")
    return login("medewerker")


def test_a_refused_victim_form_says_why_in_dutch(dutch_worker: TestClient) -> None:
    data = {"external_id": "", "identification_status": "presumed",
            "registered_on": "2999-01-01", "sex": "robot", "citizenships": "RO;XQ",
            "age_at_registration": "300", "given_names": "Ștefana" * 40}
    page = dutch_worker.get("/victims/new")
    refused = _post(dutch_worker, "/victims/new", page.text, list(data.items()))
    assert refused.status_code == 422
    html = refused.text
    assert _error(html, "external_id-error") == ["Verplicht veld"]
    assert _error(html, "registered_on-error") == ["de registratiedatum ligt in de toekomst"]
    assert _error(html, "sex-error") == [
        "onbekende code; verwacht een van: female, male, other, unknown"]
    assert _error(html, "citizenships-error") == [
        "geen ISO 3166-1-landcode, STLS (staatloos) of UNK"]
    assert _error(html, "age_at_registration-error") == [
        "Moet kleiner dan of gelijk aan 120 zijn"]
    assert _error(html, "given_names-error") == ["Ten hoogste 200 tekens"]
    # The English of each of these problems is nowhere on the page.
    with pytest.raises(ValidationFailed) as same:
        validate_record(VictimCreate, to_nested("victim", data))
    assert len(same.value.problems) == 6
    for problem in same.value.problems:
        assert problem.reason not in html


def _pathway(browser: TestClient) -> tuple[str, str]:
    """Screen a person (answers in the form) and open a pathway; (victim page, pathway id)."""
    kinds = [("kinds", "general"), ("kinds", "labour_exploitation")]
    answers = [("a-g-threats", "yes"), ("a-l-wages", "yes")]
    questions = browser.get("/screening/questions",
                            params={"kinds": ["general", "labour_exploitation"]})
    result = _post(browser, "/screening/assess", questions.text, [*kinds, *answers])
    today = date.today().isoformat()
    opened = _post(browser, "/screening/open", result.text, [
        *kinds, *answers, ("record", "new"), ("external_id", "NL-R-1"), ("registered_on", today),
        ("sex", "female"), ("citizenships", "RO"), ("detected_on", today),
        ("reason", "arbeidsinspectie")])
    assert opened.status_code == 303, opened.text
    victim = str(opened.headers["location"]).split("?")[0]
    page = browser.get(f"{victim}/pathway").text
    match = re.search(r'action="/pathways/([0-9a-f-]{36})/events"', page)
    assert match
    return victim, match.group(1)


def test_refused_pathway_and_consent_forms_say_why_in_dutch(dutch_worker: TestClient) -> None:
    victim, pathway_id = _pathway(dutch_worker)
    page = dutch_worker.get(f"{victim}/pathway").text
    today = date.today().isoformat()
    step = _post(dutch_worker, f"/pathways/{pathway_id}/events", page,
                 [("kind", "referred"), ("on", today), ("reason", "x" * 501)])
    assert step.status_code == 422
    assert _error(step.text, "e-referred-reason-error") == ["ten hoogste 500 tekens"]
    assert "at most 500 characters" not in step.text
    blank = _post(dutch_worker, f"/pathways/{pathway_id}/events", page,
                  [("kind", "referred"), ("on", today), ("reason", "")])
    assert _error(blank.text, "e-referred-reason-error") == ["verplicht"]
    consent = _post(dutch_worker, f"/pathways/{pathway_id}/consents", page,
                    [("purposes", "services"), ("basis", "legal_ground")])
    assert consent.status_code == 422
    assert _error(consent.text, "c-legal_ground-error") == ["noem de wettelijke grondslag"]
    assert _error(consent.text, "c-reason-error") == [
        "geef aan waarom toestemming niet de grondslag is"]
    for english in ("name the legal ground", "say why consent is not the basis"):
        assert english not in consent.text
    nothing = _post(dutch_worker, f"/pathways/{pathway_id}/consents", page,
                    [("basis", "consent")])
    assert _error(nothing.text, "c-purposes-error") == [
        "kies hulpverlening, gegevensverstrekking of beide"]


def test_a_refused_service_form_says_why_in_dutch(dutch_worker: TestClient) -> None:
    page = dutch_worker.get("/services")
    refused = _post(dutch_worker, "/services", page.text, [
        ("kind", "shelter"), ("name", ""), ("country", "nl"), ("places_total", "x"),
        ("languages", "nederlands")])
    assert refused.status_code == 422
    html = refused.text
    assert _error(html, "s-name-error") == ["1-200 tekens"]
    assert _error(html, "s-country-error") == ["een ISO 3166-1 alpha-2-code"]
    assert _error(html, "s-places_total-error") == ["een geheel getal"]
    assert _error(html, "s-languages-error") == ["een ISO 639-1-code"]
    for english in ("1-200 characters", "an ISO 3166-1 alpha-2 code", "a whole number",
                    "an ISO 639-1 code"):
        assert english not in html


# -- every reason the record forms can produce has a Dutch wording ------------------------------

HOSTILE = ["", "x", "-1", "999", "1.5", "2026-13-01", "2026-02-30", "2026-01-01T10:00", "1800",
           "X" * 300, "labour;labour", "nope:XX:1", "police:PL:NL", "STLS;RO", "ZZ",
           "suspected:2024-01-01;convicted:2023-01-01;acquitted:2024-02-01",
           "recruitment:RO:a:2024-01-05|exploitation:NL:b:2023-01-01", "+31 6 1234 abc"]
BASE = {"external_id": "V-1", "registered_on": "2024-01-01", "sex": "female",
        "identification_status": "presumed", "opened_on": "2024-01-01"}


@pytest.mark.parametrize("kind", ["victim", "suspect", "case"])
def test_every_problem_of_a_hostile_record_form_is_worded_in_dutch(kind: str) -> None:
    english, dutch = translator("en"), translator("nl")
    seen: set[str] = set()
    for column in COLUMNS[kind]:
        for value in HOSTILE:
            row = {k: v for k, v in BASE.items() if k in COLUMNS[kind]} | {column: value}
            try:
                validate_record(schema_for(kind), to_nested(kind, row))  # type: ignore[arg-type]
            except ValidationFailed as refused:
                for problem in refused.problems:
                    seen.add(problem.code)
                    assert problem.code in TEMPLATES or problem.code == "value_error", problem
                    assert dutch.reason(problem) != english.reason(problem), problem
    assert {"missing", "value_error", "unknown_code"} <= seen, seen


def test_a_username_too_short_counts_characters_not_items() -> None:
    # A string with a BeforeValidator gets Pydantic's generic "too_short" ("Value should have
    # at least 3 items after validation"); a person reads characters.
    problem = FieldProblem(None, "username", "Value should have at least 3 items after "
                           "validation, not 0", code="too_short",
                           params=(("field_type", "Value"), ("min_length", "3"),
                                   ("actual_length", "0")))
    assert translator("en").reason(problem) == "String should have at least 3 characters"
    assert "3 tekens" in translator("nl").reason(problem)
    listed = FieldProblem(None, "roles", "List should have at least 1 item after validation, "
                          "not 0", code="too_short",
                          params=(("field_type", "List"), ("min_length", "1"),
                                  ("actual_length", "0")))
    assert translator("en").reason(listed) == "should have at least 1 item, not 0"
