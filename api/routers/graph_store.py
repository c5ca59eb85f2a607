"""The SPARQL 1.1 Graph Store HTTP Protocol at ``/store``: reads public, writes with a token.

Indirect identification (``/store?graph=IRI``, ``/store?default``) and direct identification
(``/store/some/path`` names the graph whose IRI is that URL) are both served.
"""

from __future__ import annotations

import uuid
from urllib.parse import quote

from fastapi import APIRouter, Request, Response
from pyoxigraph import Triple
from starlette.concurrency import run_in_threadpool

from uikg.api.deps import ServiceDep, Writer
from uikg.api.negotiation import choose_result
from uikg.api.streams import respond
from uikg.graph.errors import BadRequest, NotFound
from uikg.graph.rdf_input import parse_triples, rdf_format
from uikg.graph.service import GraphService
from uikg.graph.sparql.guard import check_iri

router = APIRouter(tags=["Graph Store"])

_DEFAULT = object()


def _request_iri(request: Request) -> str:
    """The URL the client used, percent-encoding kept: in direct identification it *is* the IRI.

    ``request.url`` is rebuilt from the decoded path, which makes ``/store/a%2Fb`` and
    ``/store/a/b`` one graph and turns ``/store/a%20b`` into an IRI with a space in it.
    """
    raw = request.scope.get("raw_path")
    path = raw.decode("latin-1") if raw else quote(request.scope["path"])
    return check_iri(f"{request.url.scheme}://{request.url.netloc}{path}", "graph URL")


def _target(request: Request, path: str | None) -> str | None | object:
    """The graph a request names: an IRI, ``None`` for the default graph, or nothing."""
    query = request.query_params
    if path is not None:
        if "graph" in query or "default" in query:
            raise BadRequest("a direct graph URL takes no ?graph or ?default parameter")
        return _request_iri(request)
    if "graph" in query and "default" in query:
        raise BadRequest("name either ?graph=IRI or ?default, not both")
    if "default" in query:
        return None
    if "graph" in query:
        graphs = query.getlist("graph")
        if len(graphs) != 1:
            raise BadRequest("give exactly one ?graph parameter")
        return check_iri(graphs[0], "graph")
    return _DEFAULT


def _required(target: str | None | object) -> str | None:
    if target is _DEFAULT:
        raise BadRequest("name a graph with ?graph=IRI or ?default")
    return target  # type: ignore[return-value]


async def _payload(request: Request, graph: str | None) -> list[Triple]:
    content_type = request.headers.get("content-type", "")
    if content_type.lower().startswith("multipart/form-data"):
        triples: list[Triple] = []
        form = await request.form()
        for _, part in form.multi_items():
            if isinstance(part, str):
                continue
            data = await part.read()
            triples += parse_triples(data, rdf_format(part.content_type), base_iri=graph)
        if not triples:
            raise BadRequest("the multipart body holds no RDF file parts")
        return triples
    body = await request.body()
    return parse_triples(body, rdf_format(content_type), base_iri=graph)


async def _read(request: Request, service: GraphService, graph: str | None) -> Response:
    if not await run_in_threadpool(service.graph_exists, graph):
        raise NotFound(f"there is no graph <{graph}> in the store")
    media_type = choose_result(request.headers.get("accept"), "CONSTRUCT")
    stream = await service.read_graph(graph, media_type)
    return respond(stream, {}, service.settings.max_result_rows)


@router.get("/store", operation_id="graph_store_get", summary="Read a graph (Graph Store Protocol)")
@router.api_route("/store/{path:path}", methods=["GET"], include_in_schema=False)
async def graph_get(request: Request, service: ServiceDep, path: str | None = None) -> Response:
    """A graph's triples in the negotiated format. Graphs are read as queries: the time limit
    and the row limit hold (``UIKG-Result-Truncated`` says when the limit cut it)."""
    return await _read(request, service, _required(_target(request, path)))


@router.put(
    "/store",
    operation_id="graph_store_put",
    dependencies=[Writer],
    summary="Replace a graph (token required)",
)
@router.put("/store/{path:path}", dependencies=[Writer], include_in_schema=False)
async def graph_put(request: Request, service: ServiceDep, path: str | None = None) -> Response:
    graph = _required(_target(request, path))
    triples = await _payload(request, graph)
    created = await run_in_threadpool(service.replace_graph, graph, triples)
    return Response(status_code=201 if created else 204)


@router.post(
    "/store",
    operation_id="graph_store_post",
    dependencies=[Writer],
    summary="Add to a graph, or create a new graph (token required)",
)
@router.post("/store/{path:path}", dependencies=[Writer], include_in_schema=False)
async def graph_post(request: Request, service: ServiceDep, path: str | None = None) -> Response:
    target = _target(request, path)
    headers = {}
    if target is _DEFAULT:  # POST to the service itself: the server names a new graph
        target = f"{_request_iri(request).rstrip('/')}/{uuid.uuid4().hex}"
        headers["Location"] = target
    graph = _required(target)
    triples = await _payload(request, graph)
    created = await run_in_threadpool(service.add_triples, graph, triples)
    return Response(status_code=201 if created else 204, headers=headers)


@router.delete(
    "/store",
    operation_id="graph_store_delete",
    dependencies=[Writer],
    summary="Delete a graph (token required)",
)
@router.delete("/store/{path:path}", dependencies=[Writer], include_in_schema=False)
def graph_delete(request: Request, service: ServiceDep, path: str | None = None) -> Response:
    graph = _required(_target(request, path))
    if not service.drop_graph(graph):
        raise NotFound(f"there is no graph <{graph}> in the store")
    return Response(status_code=204)
