"""REST API under ``/api/v1``: typed collections as JSON-LD (or CSV), and every named query in
``queries/`` as an operation with typed parameters.

The routes are generated from data (the collection table in ``graph.rest`` and the query
catalogue), so ``build_router`` runs inside ``create_app``, never at import time.
"""

from __future__ import annotations

import csv
import inspect
import io
import json
from collections import defaultdict
from typing import Any
from urllib.parse import urlencode

import rdflib
from fastapi import APIRouter, Query, Request, Response
from pyoxigraph import Literal, NamedNode, serialize

from uikg.api.negotiation import choose, choose_result, requested
from uikg.api.pages import Links, local_name, reader_language, templates
from uikg.api.params import with_params
from uikg.api.streams import respond
from uikg.graph import rest
from uikg.graph.errors import NotFound
from uikg.graph.namespaces import DCT, SH
from uikg.graph.queries import NamedQuery
from uikg.graph.runner.stream import Stream
from uikg.graph.service import GraphService
from uikg.graph.sparql import formats

JSONLD = formats.JSON_LD
JSON = "application/json"
HTML = "text/html"
PREFIX = "/api/v1"


def _service(request: Request) -> GraphService:
    return request.app.state.service  # type: ignore[no-any-return]


def _context(request: Request) -> dict[str, object]:
    service = _service(request)
    cache = request.app.state.__dict__.setdefault("jsonld_context", {})
    if cache.get("generation") != service.generation:
        graph = request.app.state.settings.base_iri + "graph/ontology/uikg"
        cache["value"] = rest.jsonld_context(service.reader, graph)
        cache["generation"] = service.generation
    return cache["value"]  # type: ignore[no-any-return]


def _context_url(request: Request) -> str:
    return f"{str(request.base_url).rstrip('/')}{PREFIX}/context.jsonld"


def _jsonld_response(
    request: Request,
    graph: rdflib.Graph,
    headers: dict[str, str],
    order: list[str] | None = None,
    media_type: str = JSONLD,
) -> Response:
    document = rest.to_jsonld(graph, _context(request), _context_url(request), order)
    return Response(
        json.dumps(document, ensure_ascii=False), media_type=media_type, headers=headers
    )


def _csv(graph: rdflib.Graph, items: list[str], context: dict[str, object]) -> str:
    names = {}
    for term, value in context.items():
        iri = value["@id"] if isinstance(value, dict) else value
        if isinstance(iri, str) and ":" in iri and not term.startswith("@"):
            prefix, _, local = iri.partition(":")
            expanded = context.get(prefix)
            names[
                f"{expanded}{local}"
                if isinstance(expanded, str) and not iri.startswith("http")
                else iri
            ] = term
    rows: dict[str, dict[str, list[str]]] = {item: defaultdict(list) for item in items}
    for subject, predicate, obj in graph:
        key = "type" if predicate == rdflib.RDF.type else names.get(str(predicate), str(predicate))
        if isinstance(obj, rdflib.Literal) and obj.language:
            key = f"{key}@{obj.language}"  # one column per language: label@en, label@pl
        rows[str(subject)][key].append(str(obj))
    keys = {key for row in rows.values() for key in row} - {"type"}
    labels = sorted(k for k in keys if k == "label" or k.startswith("label@"))
    columns = sorted(keys - set(labels))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["id", "type", *labels, *columns])
    for item in items:
        row = rows[item]
        writer.writerow(
            [
                item,
                " | ".join(sorted(row.get("type", []))),
                *(" | ".join(sorted(row.get(c, []))) for c in (*labels, *columns)),
            ]
        )
    return out.getvalue()


def _html_list(
    request: Request,
    collection: rest.Collection,
    graph: rdflib.Graph,
    page: rest.Page,
    values: dict[str, str],
    sort: str,
    limit: int,
) -> Response:
    """A collection page for people: labels in the reader's language, linked to their pages."""
    settings = request.app.state.settings
    links = Links(settings.base_iri, str(request.base_url))
    language = reader_language(request)
    other = "pl" if language == "en" else "en"
    items = []
    for iri in page.items:
        labels = {
            literal.language or "": str(literal)
            for predicate in (rdflib.RDFS.label, rdflib.SKOS.prefLabel)
            for literal in graph.objects(rdflib.URIRef(iri), predicate)
            if isinstance(literal, rdflib.Literal)
        }
        label = labels.get(language) or labels.get("") or labels.get(other) or local_name(iri)
        shown = next(lang for lang in (language, "", other, None) if lang is None or lang in labels)
        second = labels.get(other) if labels.get(other) not in (None, label) else None
        items.append(
            {"href": links.doc(iri), "label": label, "lang": shown or None,
             "other": second, "other_lang": other}
        )  # fmt: skip
    here = request.url.path
    previous = None
    if page.offset:
        back = rest.encode_cursor(max(page.offset - limit, 0), sort)
        previous = f"{here}?{urlencode({**values, 'sort': sort, 'limit': limit, 'cursor': back})}"
    following = None
    if page.next_cursor:
        query = urlencode({**values, "sort": sort, "limit": limit, "cursor": page.next_cursor})
        following = f"{here}?{query}"
    data = {**values, "sort": sort, "limit": limit}
    alternates = [
        {
            "href": f"{here}?{urlencode({**data, 'format': short})}",
            "media_type": media,
            "name": name,
        }
        for short, media, name in (("jsonld", JSONLD, "JSON-LD"), ("csv", formats.CSV, "CSV"))
    ]
    context = {
        "request": request,
        "root": links.root,
        "lang": language,
        "title": collection.title,
        "items": items,
        "offset": page.offset,
        "filters": [{"name": k, "value": v} for k, v in values.items()],
        "previous": previous,
        "next": following,
        "alternates": alternates,
    }
    return templates().TemplateResponse(
        request, "collection.html", context, headers={"Vary": "Accept, Accept-Language, Cookie"}
    )


def _collection_routes(
    router: APIRouter, collection: rest.Collection, max_limit: int, base: str
) -> None:
    def list_handler(
        request: Request,
        values: dict[str, str],
        sort: str,
        cursor: str | None,
        limit: int,
        format: str | None,
    ) -> Response:
        service = _service(request)
        page = rest.list_items(
            service.reader,
            collection,
            values,
            base=service.settings.base_iri,
            sort=sort,
            cursor=cursor,
            limit=limit,
        )
        graph = rest.items_graph(service.reader, page.items)
        headers = {"Vary": "Accept"}
        if page.next_cursor:
            kept = {**values, "sort": sort, "limit": limit, "cursor": page.next_cursor}
            query = urlencode({**kept, **({"format": format} if format else {})})
            headers["Link"] = f'<{request.url.path}?{query}>; rel="next"'
            headers["UIKG-Next-Cursor"] = page.next_cursor
        accept = requested(request.headers.get("accept"), format)
        media_type = choose(accept, [JSONLD, JSON, formats.CSV, HTML])
        if media_type == HTML:
            return _html_list(request, collection, graph, page, values, sort, limit)
        if media_type == formats.CSV:
            return Response(
                _csv(graph, page.items, _context(request)),
                media_type="text/csv; charset=utf-8",
                headers=headers,
            )
        return _jsonld_response(request, graph, headers, page.items, media_type)

    extra = [
        inspect.Parameter(
            "sort",
            inspect.Parameter.KEYWORD_ONLY,
            annotation=str,
            default=Query("label", description="label or iri; prefix - for descending"),
        ),
        inspect.Parameter(
            "cursor",
            inspect.Parameter.KEYWORD_ONLY,
            annotation=str | None,
            default=Query(None, description="The next-page cursor from the previous answer"),
        ),
        inspect.Parameter(
            "limit",
            inspect.Parameter.KEYWORD_ONLY,
            annotation=int,
            default=Query(50, ge=1, le=max_limit, description="Items per page"),
        ),
        _FORMAT,
    ]
    list_handler.__name__ = f"list_{collection.name}"
    router.add_api_route(
        f"{PREFIX}/{collection.name}",
        with_params(list_handler, [f.param(base) for f in collection.filters], extra),
        methods=["GET"],
        operation_id=f"list_{collection.name}",
        summary=f"{collection.title}: list, filter, sort, page",
        description=f"{collection.title} as JSON-LD (each item with all its triples) or CSV. "
        "Follow the `Link: rel=next` header (or pass `cursor`) for the next page.",
        tags=["REST"],
        responses={200: {"content": {JSONLD: {}, JSON: {}, formats.CSV: {}, HTML: {}}}},
    )

    def get_item(request: Request, slug: str) -> Response:
        service = _service(request)
        iri = rest.item_iri(request.app.state.settings.base_iri, collection, slug)
        graph = rest.items_graph(service.reader, [iri])
        if len(graph) == 0:
            raise NotFound(f"there is no {collection.kind} {slug!r}")
        return _jsonld_response(request, graph, {})

    router.add_api_route(
        f"{PREFIX}/{collection.name}/{{slug}}",
        get_item,
        methods=["GET"],
        operation_id=f"get_{collection.name}",
        summary=f"One of the {collection.title.lower()}, as JSON-LD",
        description=f"Example: `{PREFIX}/{collection.name}/{collection.example_item}`.",
        tags=["REST"],
        responses={200: {"content": {JSONLD: {}}}, 404: {"description": "No such item"}},
    )


_FORMAT = inspect.Parameter(
    "format",
    inspect.Parameter.KEYWORD_ONLY,
    annotation=str | None,
    default=Query(None, description="A format instead of the Accept header: csv, json, ttl…"),
)


async def _run_named(
    request: Request, query: NamedQuery, values: dict[str, str], format: str | None
) -> Response:
    service = _service(request)
    bound = query.bind(values, service.settings.base_iri)
    form = await service.query_form(query.text)
    accept = requested(request.headers.get("accept"), format)
    if form in ("SELECT", "ASK") and choose(accept, [JSON, *formats.offered(form)]) == JSON:
        # Plain JSON: the rows as objects of values, for programs that want no SPARQL JSON.
        stream = await service.run(query.text, formats.SPARQL_JSON, substitutions=_terms(bound))
        return _plain_json(await stream.read(), stream, service.settings.max_result_rows)
    media_type = choose_result(accept, form)
    stream = await service.run(query.text, media_type, substitutions=_terms(bound))
    return respond(stream, {}, service.settings.max_result_rows)


def _terms(bound: dict[Any, Any]) -> list[tuple[str, str]]:
    return [(variable.value, str(term)) for variable, term in bound.items()]


def _plain_json(body: bytes, stream: Stream, row_limit: int) -> Response:
    headers = {"Vary": "Accept", "UIKG-Result-Limit": str(row_limit)}
    if stream.truncated:
        headers["UIKG-Result-Truncated"] = "true"
    data = json.loads(body)
    if "boolean" in data:
        return Response(json.dumps(data["boolean"]), media_type=JSON, headers=headers)
    rows = [
        {name: cell["value"] for name, cell in binding.items()}
        for binding in data["results"]["bindings"]
    ]
    return Response(json.dumps(rows, ensure_ascii=False), media_type=JSON, headers=headers)


def _query_route(router: APIRouter, query: NamedQuery) -> None:
    async def handler(request: Request, values: dict[str, str], format: str | None) -> Response:
        return await _run_named(request, query, values, format)

    handler.__name__ = f"query_{query.name}"
    example = {p.name: p.example for p in query.params if p.example}
    description = (
        f"{query.description}\n\nExample: `{PREFIX}/queries/{query.name}"
        + (f"?{urlencode(example)}" if example else "")
        + f"`\n\n```sparql\n{query.text.strip()}\n```"
    )
    router.add_api_route(
        f"{PREFIX}/queries/{query.name}",
        with_params(handler, query.params, [_FORMAT]),
        methods=["GET"],
        operation_id=f"query_{query.name}",
        summary=query.title,
        description=description,
        tags=["Named queries"],
        responses={
            200: {"content": {JSON: {}, **{m: {} for m in (*formats.SOLUTIONS, *formats.GRAPH)}}},
            400: {"description": "A parameter value is invalid (the message names it)"},
        },
    )


def _catalogue_triples(catalogue: dict[str, NamedQuery], root: str) -> list[Any]:
    from pyoxigraph import Triple

    rdf_type = NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    triples = []
    for query in catalogue.values():
        node = NamedNode(f"{root}{PREFIX}/queries/{query.name}")
        triples += [
            Triple(node, rdf_type, NamedNode(SH + "SPARQLExecutable")),
            Triple(node, NamedNode(DCT + "title"), Literal(query.title, language="en")),
            *(
                Triple(node, NamedNode(DCT + "title"), Literal(title, language=language))
                for language, title in query.titles.items()
            ),
            Triple(node, NamedNode(DCT + "description"), Literal(query.description, language="en")),
            Triple(node, NamedNode(SH + "select"), Literal(query.text)),
        ]
        for param in query.params:
            triples.append(
                Triple(node, NamedNode(SH + "parameter"), Literal(f"{param.name}: {param.type}"))
            )
    return triples


def build_router(catalogue: dict[str, NamedQuery], max_limit: int, base: str) -> APIRouter:
    router = APIRouter()

    @router.get(
        f"{PREFIX}/context.jsonld",
        operation_id="jsonld_context",
        tags=["REST"],
        summary="The JSON-LD context of the REST API",
    )
    def context(request: Request) -> Response:
        return Response(json.dumps({"@context": _context(request)}, indent=1), media_type=JSONLD)

    @router.get(
        f"{PREFIX}/queries",
        operation_id="list_queries",
        tags=["Named queries"],
        summary="The catalogue of named queries (JSON, or RDF by negotiation)",
        responses={200: {"content": {JSON: {}, **{m: {} for m in formats.GRAPH}}}},
    )
    def queries(request: Request) -> Response:
        media_type = choose(request.headers.get("accept"), [JSON, *formats.GRAPH])
        root = str(request.base_url).rstrip("/")
        if media_type == JSON:
            body = [
                {
                    "name": q.name,
                    "title": q.title,
                    "titles": dict(q.titles, en=q.title),
                    "description": q.description,
                    "tags": q.tags,
                    "href": f"{root}{PREFIX}/queries/{q.name}",
                    "params": [
                        {
                            "name": p.name,
                            "type": p.type,
                            "description": p.description,
                            "required": p.required,
                            "example": p.example,
                        }
                        for p in q.params
                    ],
                    "query": q.text,
                }
                for q in catalogue.values()
            ]
            return Response(
                json.dumps(body, ensure_ascii=False), media_type=JSON, headers={"Vary": "Accept"}
            )
        data = serialize(_catalogue_triples(catalogue, root), None, formats.GRAPH[media_type])
        return Response(data, media_type=formats.charset(media_type), headers={"Vary": "Accept"})

    for collection in rest.COLLECTIONS.values():
        _collection_routes(router, collection, max_limit, base)
    for query in catalogue.values():
        _query_route(router, query)
    return router
