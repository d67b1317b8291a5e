"""HavenError -> HTTP response, in one place (domain code never raises HTTP errors)."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from haven.exceptions import HavenError, ValidationFailed
from haven.standard import problems_from_errors

__all__ = ["install_error_handlers"]


def _body(error: HavenError) -> dict[str, object]:
    body: dict[str, object] = {"error": type(error).__name__, "detail": str(error)}
    if isinstance(error, ValidationFailed):
        body["problems"] = [
            {"row": p.row, "field": p.field, "reason": p.reason, "value": p.value}
            for p in error.problems
        ]
    return body


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(HavenError)
    async def _haven_error(_request: Request, error: HavenError) -> JSONResponse:
        status = error.status_code
        # A 500 says nothing about internals (it may be a key or integrity problem).
        body = _body(error) if status < 500 else {"error": "ServerError",
                                                   "detail": "internal error; see the server log"}
        return JSONResponse(body, status_code=status)

    @app.exception_handler(RequestValidationError)
    async def _request_invalid(_request: Request, error: RequestValidationError) -> JSONResponse:
        # FastAPI's own 422 echoes every input value, names included; ours withholds them.
        problems = problems_from_errors(error.errors(), skip_prefix=1)
        return JSONResponse(_body(ValidationFailed(problems)), status_code=422)
