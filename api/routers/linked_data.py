"""Dereferenceable IRIs, following "Cool URIs for the Semantic Web" with 303 redirects.

A thing's IRI (``/id/…``, ``/graph/…``) answers 303 See Other to the document that describes it
(``/doc/…``), which negotiates between HTML and RDF formats; ``/doc/….ttl`` and the other
extension URLs bypass negotiation.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from pyoxigraph import Literal, NamedNode, RdfFormat, serialize

from uikg.api.deps import ServiceDep, SettingsDep
from uikg.api.entity import resource_context
from uikg.api.negotiation import choose
from uikg.api.pages import Links, reader_language, templates
from uikg.graph.blank_nodes import stable
from uikg.graph.build import INFERRED
from uikg.graph.describe import Description, describe, labels, to_quads, to_triples
from uikg.graph.errors import NotFound
from uikg.graph.namespaces import PREFIXES
from uikg.graph.sparql import formats
from uikg.graph.sparql.guard import check_iri
from uikg.graph.summary import inverse_properties, summarise

router = APIRouter(tags=["Linked Data"])
HTML = "text/html"


@dataclass(frozen=True)
class Variant:
    extension: str
    media_type: str
    name: str
    rdf: RdfFormat | None


VARIANTS = [
    Variant("html", HTML, "HTML", None),
    Variant("ttl", formats.TURTLE, "Turtle", RdfFormat.TURTLE),
    Variant("jsonld", formats.JSON_LD, "JSON-LD", RdfFormat.JSON_LD),
    Variant("rdf", formats.RDF_XML, "RDF/XML", RdfFormat.RDF_XML),
    Variant("nt", formats.N_TRIPLES, "N-Triples", RdfFormat.N_TRIPLES),
    Variant("trig", formats.TRIG, "TriG", RdfFormat.TRIG),
    Variant("nq", formats.N_QUADS, "N-Quads", RdfFormat.N_QUADS),
]
BY_EXTENSION = {v.extension: v for v in VARIANTS}
BY_MEDIA_TYPE = {v.media_type: v for v in VARIANTS}


def _links(request: Request, base_iri: str) -> Links:
    return Links(base_iri, str(request.base_url))


# Generic types that stand for one of ours (rdflib's "nt" parser asks for text/plain).
_ALSO = {"application/json": formats.JSON_LD, "text/plain": formats.N_TRIPLES}


def _variant(request: Request) -> Variant:
    offered = [v.media_type for v in VARIANTS] + list(_ALSO)
    chosen = choose(request.headers.get("accept"), offered)
    return BY_MEDIA_TYPE[_ALSO.get(chosen, chosen)]


def _exists(service: ServiceDep, iri: str) -> bool:
    node = NamedNode(check_iri(iri, "the requested resource"))  # it comes from the URL path
    return service.reader.ask(f"ASK {{ {{ {node} ?p ?o }} UNION {{ ?s ?p {node} }} }}")


@router.get(
    "/id/{path:path}",
    operation_id="thing",
    summary="A thing's IRI: 303 See Other to its description",
    status_code=303,
    responses={
        303: {"description": "See the description document"},
        404: {"description": "Unknown thing"},
    },
)
@router.get("/graph/{path:path}", include_in_schema=False)
def thing(request: Request, path: str, service: ServiceDep, settings: SettingsDep) -> Response:
    iri = settings.base_iri + request.url.path[len(request.scope.get("root_path", "")) :].lstrip(
        "/"
    )
    if not _exists(service, iri):
        raise NotFound(f"nothing is known about <{iri}>")
    variant = _variant(request)
    location = _links(request, settings.base_iri).doc(iri, variant.extension)
    return RedirectResponse(location, status_code=303, headers={"Vary": "Accept"})


@router.get(
    "/doc/{path:path}",
    operation_id="describe",
    summary="The description of a thing, as HTML or RDF",
    responses={200: {"content": {v.media_type: {} for v in VARIANTS}}},
)
def document(
    request: Request,
    path: str,
    service: ServiceDep,
    settings: SettingsDep,
    page: int = Query(
        1, ge=1, le=10_000, description="Page of the statements pointing at the thing."
    ),
) -> Response:
    """Statements about the thing, statements pointing at it (paged), labels, and the source
    passage of each statement."""
    stem, _, extension = path.rpartition(".")
    if extension in BY_EXTENSION and "/" not in extension:
        variant, negotiated = BY_EXTENSION[extension], False
    else:
        stem, variant, negotiated = path, _variant(request), True
    iri = settings.base_iri + stem
    links = _links(request, settings.base_iri)
    size = settings.inverse_page_size
    description = describe(
        service.reader, iri, inverse_limit=size, inverse_offset=(page - 1) * size
    )
    if description is None:
        raise NotFound(f"nothing is known about <{iri}>")
    specific = links.doc(iri, variant.extension)
    headers = {
        "Content-Location": specific,
        "Link": ", ".join(
            f'<{links.doc(iri, v.extension)}>; rel="alternate"; type="{v.media_type}"'
            for v in VARIANTS
        ),
    }
    if negotiated:
        headers["Vary"] = "Accept"
    more = description.inverse_total > page * size
    page_link = links.doc(iri, variant.extension if not negotiated else None)
    if more:
        headers["Link"] += f', <{page_link}?page={page + 1}>; rel="next"'
    if variant.rdf is None:
        context = _page_context(request, description, links, settings.base_iri, service)
        context.update(
            request=request,
            root=links.root,
            alternates=[
                {"href": links.doc(iri, v.extension), "media_type": v.media_type, "name": v.name}
                for v in VARIANTS
                if v.rdf is not None
            ],
            next_page=f"{page_link}?page={page + 1}" if more else None,
            previous_page=f"{page_link}?page={page - 1}" if page > 1 else None,
        )
        headers["Vary"] = "Accept, Accept-Language, Cookie"
        response: Response = templates().TemplateResponse(
            request, "resource.html", context, headers=headers
        )
    else:
        # The document names itself by its format-neutral URL, so every syntax says the same.
        document = links.doc(iri, None)
        # Stable blank nodes: the same description is the same bytes (a strong ETag holds).
        if variant.extension in ("trig", "nq"):
            quads = stable(to_quads(description, document))
            data = serialize(quads, None, variant.rdf, prefixes=PREFIXES)
        else:
            triples = stable(to_triples(description, document))
            data = serialize(triples, None, variant.rdf, prefixes=PREFIXES)
        response = Response(data, media_type=formats.charset(variant.media_type), headers=headers)
    return response


def _page_context(
    request: Request, description: Description, links: Links, base: str, service: ServiceDep
) -> dict[str, object]:
    """The HTML page's context: the summary from named queries, then every statement."""
    summary = summarise(
        service.reader,
        request.app.state.catalogue,
        base,
        description.iri,
        description.types,
        known=description.labels,
    )
    predicates = sorted({s.predicate.value for s in description.inverse})
    inverses = inverse_properties(service.reader, predicates)
    missing = sorted(set(inverses.values()) - set(description.labels))
    extra: dict[str, list[Literal]] = {}
    for triple in labels(service.reader, missing) if missing else []:
        extra.setdefault(triple.subject.value, []).append(triple.object)  # type: ignore[union-attr,arg-type]
    return resource_context(
        description,
        links,
        reader_language(request),
        inferred_prefix=base + INFERRED,
        summary=summary,
        inverses=inverses,
        extra_labels=extra,
    )


@router.get(
    "/search",
    operation_id="search",
    summary="Search labels (accent-insensitive)",
    response_class=HTMLResponse,
)
def search(
    request: Request,
    service: ServiceDep,
    settings: SettingsDep,
    q: str = Query("", max_length=200, description="Words to find in labels, e.g. Gdansk."),
    limit: int = Query(50, ge=1, le=500),
) -> Response:
    links = _links(request, settings.base_iri)
    hits = service.search(q, limit)
    media_type = choose(request.headers.get("accept"), [HTML, "application/json"])
    if media_type == "application/json":
        return Response(
            json.dumps(
                [{"iri": h.iri, "label": h.label, "language": h.language} for h in hits],
                ensure_ascii=False,
            ),
            media_type="application/json",
            headers={"Vary": "Accept"},
        )
    results = [
        {"href": links.href(h.iri), "label": h.label, "language": h.language, "iri": h.iri}
        for h in hits
    ]
    return templates().TemplateResponse(
        request,
        "search.html",
        {"hits": results, "query": q, "root": links.root},
        headers={"Vary": "Accept"},
    )
