"""HavenError -> HTTP response, in one place (domain code never raises HTTP errors).

API paths answer JSON; pages answer an HTML page in the reader's language, and a request
that needs a log-in is sent to the log-in page.
"""

from __future__ import annotations

from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from haven._text import N_
from haven.exceptions import HavenError, ValidationFailed
from haven.standard import problems_from_errors

__all__ = ["install_error_handlers"]


def _body(error: HavenError) -> dict[str, object]:
    body: dict[str, object] = {"error": type(error).__name__, "detail": str(error)}
    if isinstance(error, ValidationFailed):
        body["problems"] = [
            {"row": p.row, "field": p.field, "reason": p.reason, "value": p.value,
             "code": p.code}
            for p in error.problems
        ]
    return body


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def _page(request: Request, error: HavenError) -> Response:
    from haven.web._auth import NotLoggedIn
    from haven.web._i18n import translator
    from haven.web._render import render

    if isinstance(error, NotLoggedIn) and request.method == "GET":
        return RedirectResponse(f"/login?next={quote(request.url.path)}", status_code=303)
    info = getattr(request.state, "session_info", None)
    # The page is in the reader's language: their account's, else the log-in page's cookie.
    _ = translator(info.principal.locale if info else request.cookies.get("haven_lang"))
    titles = {401: _("Please log in"), 403: _("Not allowed"), 404: _("Not found"),
              409: _("Changed meanwhile"), 422: _("Not valid")}
    status = error.status_code
    message = _.error(error) if status < 500 else _(
        "Something went wrong. The error was logged.")
    return render(request, "error.html", info, status_code=status,
                  title=titles.get(status, _("Error")), message=message)


class _NoSuchPage(HavenError):
    """An address no route answers (the router's own 404), shown as a page."""

    status_code = 404

    def __init__(self) -> None:
        super().__init__(N_("There is no page at this address."))


class _RouteRefused(HavenError):
    """Another error of the router itself (a method a route does not take)."""

    def __init__(self, status_code: int) -> None:
        self.status_code = status_code
        super().__init__(N_("This request could not be carried out."))


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, error: StarletteHTTPException) -> Response:
        # The router's own errors: JSON for the API, as FastAPI answers; a page for people.
        if _is_api(request) or error.status_code < 400:
            return JSONResponse({"detail": error.detail}, status_code=error.status_code,
                                headers=error.headers)
        page = _NoSuchPage() if error.status_code == 404 else _RouteRefused(error.status_code)
        return _page(request, page)

    @app.exception_handler(HavenError)
    async def _haven_error(request: Request, error: HavenError) -> Response:
        if not _is_api(request):
            return _page(request, error)
        status = error.status_code
        # A 500 says nothing about internals (it may be a key or integrity problem).
        body = _body(error) if status < 500 else {"error": "ServerError",
                                                   "detail": "internal error; see the server log"}
        headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
        return JSONResponse(body, status_code=status, headers=headers)

    @app.exception_handler(RequestValidationError)
    async def _request_invalid(request: Request, error: RequestValidationError) -> Response:
        # FastAPI's own 422 echoes every input value, names included; ours withholds them.
        problems = problems_from_errors(error.errors(), skip_prefix=1)
        if not _is_api(request):
            return _page(request, ValidationFailed(problems))
        return JSONResponse(_body(ValidationFailed(problems)), status_code=422)
