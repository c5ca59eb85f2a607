"""The one place where errors become HTTP answers (RFC 9457 problem details)."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException
from starlette.routing import Match

from uikg.api.negotiation import choose
from uikg.api.pages import templates
from uikg.graph import errors

log = logging.getLogger(__name__)

STATUS: list[tuple[type[errors.UIKGError], int]] = [
    (errors.ValidationFailed, 422),
    (errors.DataError, 422),
    (errors.BadRequest, 400),
    (errors.NotAcceptable, 406),
    (errors.UnsupportedMediaType, 415),
    (errors.PayloadTooLarge, 413),
    (errors.NotFound, 404),
    (errors.Conflict, 409),
    (errors.Unauthorized, 401),
    (errors.Forbidden, 403),
    (errors.RateLimited, 429),
    (errors.QueryTimeout, 503),
    (errors.ResultTooLarge, 503),
    (errors.Overloaded, 503),
    (errors.EngineCrashed, 500),
    (errors.StoreLocked, 503),
    (errors.StoreError, 502),
]


def status_of(error: errors.UIKGError) -> int:
    for cls, status in STATUS:
        if isinstance(error, cls):
            return status
    return 500


def problem(status: int, title: str, detail: str, **extra: object) -> JSONResponse:
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail}
    body.update({k: v for k, v in extra.items() if v is not None})
    return JSONResponse(body, status_code=status, media_type="application/problem+json")


def _for_a_browser(request: Request) -> bool:
    """A person's browser (HTML before anything else) gets a page; programs get the problem."""
    accept = request.headers.get("accept")
    if request.method not in ("GET", "HEAD") or accept is None:
        return False
    try:
        return choose(accept, ["application/problem+json", "text/html"]) == "text/html"
    except errors.NotAcceptable:  # it accepts neither: the problem document, as the default
        return False


def _page(request: Request, status: int, title: str, detail: str) -> Response:
    headings = {404: "Not found", 405: "Not allowed", 406: "Not available in this format"}
    context = {
        "request": request,
        "root": str(request.base_url).rstrip("/"),
        "heading": headings.get(status, "Something is wrong with this request")
        if status < 500
        else "The server could not answer",
        "detail": detail,
    }
    return templates().TemplateResponse(request, "error.html", context, status_code=status)


def error_response(request: Request, error: errors.UIKGError) -> Response:
    status = status_of(error)
    if status >= 500:
        log.warning("%s %s: %s", request.method, request.url.path, error.detail)
    extra = {k: v for k, v in error.extra.items() if k != "retry_after"}
    if isinstance(error, errors.ValidationFailed):
        extra["report"] = error.report.to_json()
    response: Response
    if _for_a_browser(request) and not isinstance(error, errors.ValidationFailed):
        response = _page(request, status, type(error).__name__, error.detail)
    else:
        response = problem(status, type(error).__name__, error.detail, **extra)
    if isinstance(error, errors.Unauthorized):
        response.headers["WWW-Authenticate"] = 'Bearer realm="uikg"'
    if "retry_after" in error.extra:
        response.headers["Retry-After"] = str(error.extra["retry_after"])
    return response


def install(app: FastAPI) -> None:
    @app.exception_handler(errors.UIKGError)
    async def _uikg(request: Request, error: errors.UIKGError) -> Response:
        return error_response(request, error)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, error: RequestValidationError) -> JSONResponse:
        where = "; ".join(
            f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in error.errors()
        )
        return problem(400, "BadRequest", f"invalid request parameters: {where}")

    @app.exception_handler(HTTPException)
    async def _http(request: Request, error: HTTPException) -> Response:
        """Routing's own answers (404, 405) as problem details too; a 405 lists every method
        the path answers, whichever route declares it."""
        headers = dict(error.headers or {})
        detail = str(error.detail)
        if error.status_code == 405:
            allowed = _allowed(request)
            headers["Allow"] = ", ".join(allowed)
            detail = f"{request.method} is not allowed here; use {' or '.join(allowed)}"
        elif error.status_code == 404 and detail == "Not Found":
            detail = f"there is nothing at {request.url.path}"
        title = _TITLES.get(error.status_code, "Error")
        response: Response
        if _for_a_browser(request):
            response = _page(request, error.status_code, title, detail)
        else:
            response = problem(error.status_code, title, detail)
        response.headers.update(headers)
        return response


_TITLES = {404: "NotFound", 405: "MethodNotAllowed"}


def _allowed(request: Request) -> list[str]:
    """The methods some route answers at this path (HEAD goes with GET)."""
    routes = request.app.router.routes
    return [
        method
        for method in ("GET", "POST", "PUT", "DELETE", "PATCH")
        if any(
            route.matches({**request.scope, "method": method})[0] is Match.FULL for route in routes
        )
    ]
