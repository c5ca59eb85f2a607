"""The SPARQL 1.1 Protocol: queries at ``/sparql`` (public), updates at ``/sparql/update``."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl

from fastapi import APIRouter, Request, Response
from pyoxigraph import serialize
from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Receive, Scope, Send

from uikg.api import errors
from uikg.api.deps import ServiceDep, Writer
from uikg.api.negotiation import choose, choose_result
from uikg.api.routers import web
from uikg.api.streams import respond
from uikg.graph.errors import BadRequest, UIKGError, UnsupportedMediaType
from uikg.graph.service import GraphService
from uikg.graph.sparql import formats
from uikg.graph.sparql.description import service_description

router = APIRouter(tags=["SPARQL"])

FORM = "application/x-www-form-urlencoded"
QUERY_TYPE = "application/sparql-query"
UPDATE_TYPE = "application/sparql-update"
HTML = "text/html"
_DATASET = frozenset({"default-graph-uri", "named-graph-uri"})

_QUERY_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "Query results, in the negotiated format.",
        "content": {media_type: {} for media_type in (*formats.SOLUTIONS, *formats.GRAPH)},
    },
    400: {"description": "Malformed or refused query (message gives line and column)."},
    406: {"description": "No acceptable result format."},
    413: {"description": "Request body too large."},
    415: {"description": "Unsupported request Content-Type."},
    503: {"description": "Time limit reached, or all query workers busy."},
}


def _pairs(text: str, where: str) -> list[tuple[str, str]]:
    try:
        return parse_qsl(text, keep_blank_values=True, encoding="utf-8", errors="strict")
    except UnicodeDecodeError:
        raise BadRequest(f"the {where} is not valid UTF-8 after percent-decoding") from None


def _decode(body: bytes, content_type: str) -> str:
    charset = "utf-8"
    for param in content_type.split(";")[1:]:
        name, _, value = param.strip().partition("=")
        if name.lower() == "charset":
            charset = value.strip().strip('"').lower()
    if charset not in ("utf-8", "utf8"):
        raise UnsupportedMediaType(f"the body must be UTF-8 encoded, not {charset}")
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as error:
        raise BadRequest(f"the body is not valid UTF-8 (byte {error.start})") from None


def _one(values: list[str], name: str) -> str:
    if len(values) > 1:
        raise BadRequest(f"the request has {len(values)} '{name}' parameters; send exactly one")
    if not values or not values[0].strip():
        raise BadRequest(f"the request has no '{name}' parameter")
    return values[0]


async def read_protocol(request: Request, kind: str) -> tuple[str | None, dict[str, list[str]]]:
    """The operation text and every parameter, from the URL and (for POST) the body."""
    params: dict[str, list[str]] = {}
    try:
        query_string = request.scope["query_string"].decode("utf-8")
    except UnicodeDecodeError:
        raise BadRequest("the query string is not valid UTF-8") from None
    for key, value in _pairs(query_string, "query string"):
        params.setdefault(key, []).append(value)
    if request.method == "POST":
        content_type = request.headers.get("content-type", "")
        media_type = content_type.split(";")[0].strip().lower()
        body = await request.body()
        direct = QUERY_TYPE if kind == "query" else UPDATE_TYPE
        if media_type == FORM:
            text = _decode(body, content_type)
            for key, value in _pairs(text, "form body"):
                params.setdefault(key, []).append(value)
        elif media_type == direct:
            if kind in params:
                raise BadRequest(f"a direct POST carries the {kind} in the body, not the URL")
            params[kind] = [_decode(body, content_type)]
        else:
            raise UnsupportedMediaType(
                f"POST a {kind} as {FORM} or {direct}, not "
                f"{media_type or 'a body without Content-Type'}"
            )
    if kind == "query" and "update" in params:
        raise BadRequest("SPARQL Update is not accepted here; POST it to /sparql/update")
    texts = params.get(kind, [])
    return (_one(texts, kind) if texts else None), params


def _base(request: Request) -> str:
    return str(request.base_url).rstrip("/")


def _service_description(request: Request, service: GraphService) -> Response:
    media_type = choose(request.headers.get("accept"), [*formats.GRAPH, HTML])
    if media_type == HTML:  # a browser: the workbench; programs get the description
        return web.workbench(request, service)
    triples = service_description(
        _base(request) + "/sparql",
        _base(request) + "/sparql/update",
        service.named_graphs(),
        federation=bool(service.settings.service_allowlist),
    )
    body = serialize(triples, None, formats.GRAPH[media_type]) or b""
    return Response(body, media_type=formats.charset(media_type), headers={"Vary": "Accept"})


@router.get(
    "/sparql",
    operation_id="sparql_query_get",
    summary="SPARQL 1.1 query by GET (or the service description when there is no query)",
    responses=_QUERY_RESPONSES,
)
@router.post(
    "/sparql",
    operation_id="sparql_query_post",
    summary="SPARQL 1.1 query by POST (URL-encoded form or application/sparql-query)",
    responses=_QUERY_RESPONSES,
)
async def sparql_query(request: Request) -> Response:
    """Run a read-only SPARQL query over the union of the graphs.

    `default-graph-uri` and `named-graph-uri` choose another dataset. Results stream in the
    format the `Accept` header asks for. Queries have a time limit and a row limit.
    """
    # The hottest route (see QueryLane): the service straight from the app state, and no
    # thread hop: the query is checked and run in a worker process the loop waits on.
    service: GraphService = request.app.state.service
    query, params = await read_protocol(request, "query")
    if query is None:
        if request.method == "POST" or _DATASET.intersection(params):
            raise BadRequest("the request has no 'query' parameter")
        return await run_in_threadpool(_service_description, request, service)
    formats_asked = params.get("format", [])
    media_type = choose_result(
        request.headers.get("accept"),
        await service.query_form(query),
        _one(formats_asked, "format") if formats_asked else None,
    )
    stream = await service.run(
        query,
        media_type,
        default_graph=params.get("default-graph-uri", []),
        named_graphs=params.get("named-graph-uri", []),
    )
    return respond(stream, {}, service.settings.max_result_rows)


class QueryLane:
    """``/sparql`` queries reach ``sparql_query`` without FastAPI's routing.

    FastAPI's routing, dependency solving and endpoint wrapping cost more than twice what the
    rest of a short query costs this process (measured in bench/README.md). The lane is the
    innermost middleware, so every middleware added after it applies to ``/sparql`` too. The
    route above stays declared for the OpenAPI description and for methods the protocol does
    not allow (405); errors become the same problem details as everywhere.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] != "http"
            or scope["path"] != "/sparql"
            or scope["method"] not in ("GET", "HEAD", "POST")
        ):
            await self.app(scope, receive, send)
            return
        request = Request(scope, receive)
        try:
            response = await sparql_query(request)
        except UIKGError as error:
            response = errors.error_response(request, error)
        await response(scope, receive, send)


@router.post(
    "/sparql/update",
    operation_id="sparql_update",
    summary="SPARQL 1.1 update (bearer token required)",
    status_code=204,
    dependencies=[Writer],
    responses={
        204: {"description": "Applied, as one transaction."},
        401: {"description": "Missing or invalid token."},
        403: {"description": "Writes are disabled."},
    },
)
async def sparql_update(request: Request, service: ServiceDep) -> Response:
    """Apply a SPARQL Update atomically. `LOAD` is refused unless the operator allows it."""
    update, params = await read_protocol(request, "update")
    if update is None:
        raise BadRequest("the request has no 'update' parameter")
    await run_in_threadpool(
        service.update,
        update,
        using=params.get("using-graph-uri", []),
        using_named=params.get("using-named-graph-uri", []),
    )
    return Response(status_code=204)
