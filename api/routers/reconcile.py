"""The W3C Reconciliation Service API 0.2 at ``/reconcile``, for OpenRefine and its kin.

A thin layer over ``graph.reconcile``: it reads the protocol's parameters (GET query string or
a POST form, JSON inside), runs the lookup in a worker thread (reads go through the service's
guarded reader), and writes JSON. CORS and caching come from the app's middleware.
"""

from __future__ import annotations

import html
import json
from typing import Any

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse
from starlette.concurrency import run_in_threadpool

from uikg.api.deps import SettingsDep, once_per_app
from uikg.api.pages import Links
from uikg.graph import __version__
from uikg.graph.errors import BadRequest, NotFound
from uikg.graph.reconcile import UIKG, Reconciler

router = APIRouter(prefix="/reconcile", tags=["Reconciliation"])
NAME = "Urban Integration Knowledge Graph"


def reconciler(request: Request) -> Reconciler:
    """One per app: its name index is rebuilt once per store generation, not per request."""
    return once_per_app(request, "reconciler", lambda s: Reconciler(s.service, s.settings))


def _root(request: Request) -> str:
    return str(request.base_url).rstrip("/")


def _json(value: str, name: str) -> Any:
    try:
        return json.loads(value)
    except json.JSONDecodeError as error:
        raise BadRequest(
            f"{name}: not valid JSON (line {error.lineno}, column {error.colno}: {error.msg})"
        ) from None


async def _params(request: Request) -> dict[str, str]:
    params = dict(request.query_params)
    if request.method == "POST":
        media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if media_type not in ("application/x-www-form-urlencoded", "multipart/form-data"):
            raise BadRequest(
                "POST the 'queries' or 'extend' parameter as a form "
                "(application/x-www-form-urlencoded)"
            )
        form = await request.form()
        params.update({k: v for k, v in form.items() if isinstance(v, str)})
    return params


_SERVICE_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"description": "The manifest, a reconciliation result batch or an extension."},
    400: {"description": "Malformed batch or query; the detail names the field and the limit."},
    413: {"description": "More queries (or extension ids) than the service takes at once."},
}


@router.get(
    "",
    operation_id="reconcile_get",
    summary="Manifest (no parameters), reconciliation (queries=) or data extension (extend=)",
    responses=_SERVICE_RESPONSES,
)
@router.post(
    "",
    operation_id="reconcile_post",
    summary="Reconciliation or data extension, as a form (queries= or extend=)",
    responses=_SERVICE_RESPONSES,
)
async def reconcile(request: Request) -> Response:
    """The service endpoint: `queries` is a JSON batch such as
    `{"q0": {"query": "Gdansk", "type": "City"}}`; `extend` is
    `{"ids": [...], "properties": [{"id": "country"}]}`."""
    service = reconciler(request)
    params = await _params(request)
    if "queries" in params and "extend" in params:
        raise BadRequest("send either 'queries' or 'extend', not both")
    if "queries" in params:
        batch = _json(params["queries"], "queries")
        return JSONResponse(await run_in_threadpool(service.reconcile, batch))
    if "extend" in params:
        query = _json(params["extend"], "extend")
        return JSONResponse(await run_in_threadpool(service.extend, query))
    if request.method == "POST":
        raise BadRequest("the request has neither a 'queries' nor an 'extend' parameter")
    manifest = await run_in_threadpool(service.manifest, _root(request), NAME, __version__)
    return JSONResponse(manifest)


@router.get(
    "/suggest/{kind}",
    operation_id="reconcile_suggest",
    summary="Auto-complete entities, types or properties (prefix search, accent-insensitive)",
)
def suggest(
    request: Request,
    kind: str,
    prefix: str = Query("", max_length=200, description="What the user typed so far."),
    cursor: int = Query(0, ge=0, le=10_000, description="Suggestions to skip."),
    limit: int = Query(10, ge=1, le=100),
    type: str | None = Query(None, max_length=500, description="Only entities of this type."),
) -> dict[str, Any]:
    service = reconciler(request)
    if kind == "entity":
        return {"result": service.suggest_entities(prefix, cursor, limit, type)}
    if kind == "type":
        return {"result": service.suggest_types(prefix, cursor, limit)}
    if kind == "property":
        return {"result": service.suggest_properties(prefix, cursor, limit)}
    raise NotFound(f"no suggest service for {kind!r}; use entity, type or property")


@router.get(
    "/properties",
    operation_id="reconcile_propose_properties",
    summary="Properties to pull as columns for things of a type (data extension proposals)",
)
def propose_properties(
    request: Request,
    type: str = Query(..., max_length=500, description="A type id, e.g. a class IRI or City."),
    limit: int = Query(20, ge=1, le=100),
) -> dict[str, Any]:
    return reconciler(request).propose(type, limit)


@router.get(
    "/preview",
    operation_id="reconcile_preview",
    summary="A small HTML card of a thing, for the client's preview frame",
    response_class=HTMLResponse,
)
def preview(
    request: Request, settings: SettingsDep, id: str = Query(..., max_length=2000)
) -> Response:
    service = reconciler(request)
    entity = service.entity(id)
    if entity is None:
        raise NotFound(f"nothing is known about <{id}>")
    index = service.index
    types = ", ".join(sorted({index.type_name(t) for t in entity.types if t.startswith(UIKG)}))
    link = Links(settings.base_iri, str(request.base_url)).href(entity.iri)
    names = " · ".join(html.escape(n) for n in entity.names[1:4])
    body = (
        "<!doctype html><html><head><meta charset='utf-8'><title>"
        f"{html.escape(entity.name())}</title></head>"
        "<body style='font:14px sans-serif;margin:8px'>"
        f"<a href='{html.escape(link)}' target='_blank'><strong>{html.escape(entity.name())}"
        "</strong></a>"
        f"<div>{names}</div><div style='color:#555'>{html.escape(types)}</div>"
        f"<div style='color:#555;font-size:12px'>{html.escape(entity.iri)}</div></body></html>"
    )
    return HTMLResponse(body)


@router.get(
    "/view",
    operation_id="reconcile_view",
    summary="A reconciled id's page (303 See Other to it)",
    status_code=303,
)
def view(
    request: Request, settings: SettingsDep, id: str = Query(..., max_length=2000)
) -> Response:
    entity = reconciler(request).entity(id)
    if entity is None:
        raise NotFound(f"nothing is known about <{id}>")
    return RedirectResponse(
        Links(settings.base_iri, str(request.base_url)).href(entity.iri), status_code=303
    )
