"""The dataset about itself (VoID, DCAT, dumps) and the ontology and shapes at their namespace."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from fastapi.responses import FileResponse
from pyoxigraph import Literal, Triple, serialize

from uikg.api.deps import ServiceDep, SettingsDep
from uikg.api.negotiation import choose, requested
from uikg.api.pages import Links, templates
from uikg.graph import dataset
from uikg.graph.describe import labels
from uikg.graph.errors import NotFound
from uikg.graph.sparql import formats
from uikg.graph.vocabulary import ontology_doc, shapes_doc

router = APIRouter(tags=["Dataset"])
HTML = "text/html"
ONTOLOGY_GRAPH = "graph/ontology/uikg"


_RDF_NAMES = {
    formats.TURTLE: ("ttl", "Turtle"),
    formats.JSON_LD: ("jsonld", "JSON-LD"),
    formats.RDF_XML: ("rdfxml", "RDF/XML"),
    formats.N_TRIPLES: ("nt", "N-Triples"),
}


def _choose(request: Request, offered: list[str]) -> str:
    accept = requested(request.headers.get("accept"), request.query_params.get("format"))
    return choose(accept, offered)


def _alternates(request: Request) -> list[dict[str, str]]:
    """The RDF forms of a documentation page, as ``?format=`` links (HTML ``<link>``, Link)."""
    here = str(request.url.remove_query_params("format"))
    return [
        {"href": f"{here}?format={short}", "media_type": media_type, "name": name}
        for media_type, (short, name) in _RDF_NAMES.items()
    ]


def _link_header(alternates: list[dict[str, str]]) -> str:
    return ", ".join(
        f'<{a["href"]}>; rel="alternate"; type="{a["media_type"]}"' for a in alternates
    )


def _rdf(media_type: str, triples: list[Triple]) -> Response:
    body = serialize(triples, None, formats.GRAPH[media_type]) or b""
    return Response(body, media_type=formats.charset(media_type), headers={"Vary": "Accept"})


def _english_labels(service: ServiceDep, iris: list[str]) -> dict[str, str]:
    return {
        str(t.subject)[1:-1]: t.object.value
        for t in labels(service.reader, iris)
        if isinstance(t.object, Literal) and t.object.language in ("en", None)
    }


def _void(request: Request, service: ServiceDep, settings: SettingsDep) -> Response:
    root = str(request.base_url).rstrip("/")
    dumps = service.dumps()
    urls = {d.name: f"{root}/dumps/{d.name}" for d in dumps}
    triples = dataset.void(
        service.reader,
        settings.base_iri,
        f"{root}/sparql",
        urls,
        dumps,
        home=f"{root}/",
        feed=f"{root}/feed" if settings.change_feed else None,
    )
    media_type = _choose(request, [*formats.GRAPH, HTML])
    if media_type != HTML:
        return _rdf(media_type, triples)
    alternates = _alternates(request)
    facts = dataset.facts(triples, settings.base_iri)
    context = {
        "root": root,
        "endpoint": f"{root}/sparql",
        "facts": facts,
        "names": _english_labels(service, [iri for iri, _ in facts["classes"]]),
        "dumps": [{"url": urls[d.name], "dump": d} for d in dumps],
        "alternates": alternates,
    }
    return templates().TemplateResponse(
        request,
        "dataset.html",
        context,
        headers={"Vary": "Accept", "Link": _link_header(alternates)},
    )


@router.get(
    "/.well-known/void",
    operation_id="void",
    summary="VoID and DCAT description of the dataset",
    responses={200: {"content": {m: {} for m in formats.GRAPH}}},
)
def well_known_void(request: Request, service: ServiceDep, settings: SettingsDep) -> Response:
    """Triples, entities per class, vocabularies, links out per target, dumps with checksums."""
    return _void(request, service, settings)


@router.get(
    "/dataset",
    operation_id="dataset",
    summary="The dataset's IRI: its VoID/DCAT description",
    responses={200: {"content": {m: {} for m in formats.GRAPH}}},
)
def dataset_description(request: Request, service: ServiceDep, settings: SettingsDep) -> Response:
    return _void(request, service, settings)


@router.get("/dumps/{name}", operation_id="dump", summary="Download a dump (gzip)")
def dump(name: str, request: Request, service: ServiceDep) -> Response:
    for item in service.dumps():
        if item.name == name:
            return FileResponse(
                item.path,
                media_type="application/gzip",
                filename=name,
                headers={"X-Checksum-SHA256": item.sha256},
            )
    raise NotFound(f"no dump named {name!r}; see /.well-known/void for the list")


def _graph_triples(service: ServiceDep, graphs: list[str]) -> list[Triple]:
    found: list[Triple] = []
    for graph in graphs:
        found += service.reader.query(
            f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}",
            union_default=False,
        )
    return found


@router.get(
    "/ontology",
    operation_id="ontology",
    summary="The ontology: documentation (HTML) or OWL (RDF)",
    responses={200: {"content": {m: {} for m in (HTML, *formats.GRAPH)}}},
)
@router.get("/ontology/{version}", include_in_schema=False)
def ontology(
    request: Request, service: ServiceDep, settings: SettingsDep, version: str | None = None
) -> Response:
    graph = settings.base_iri + ONTOLOGY_GRAPH
    doc = ontology_doc(service.reader, graph)
    if doc is None:
        raise NotFound("the ontology is not loaded; run uikg build")
    if version is not None and version != doc.version:
        raise NotFound(
            f"version {version} of the ontology is not published here; the current one is {doc.version}"
        )
    media_type = _choose(request, [HTML, *formats.GRAPH])
    if media_type != HTML:
        return _rdf(media_type, _graph_triples(service, [graph]))
    links = Links(settings.base_iri, str(request.base_url))
    alternates = _alternates(request)
    return templates().TemplateResponse(
        request,
        "ontology.html",
        {"doc": doc, "root": links.root, "links": links, "alternates": alternates},
        headers={"Vary": "Accept", "Link": _link_header(alternates)},
    )


@router.get(
    "/shapes",
    operation_id="shapes",
    summary="The SHACL shapes: documentation (HTML) or RDF",
    responses={200: {"content": {m: {} for m in (HTML, *formats.GRAPH)}}},
)
def shapes(request: Request, service: ServiceDep, settings: SettingsDep) -> Response:
    graphs = [
        g for g in service.named_graphs() if g.startswith(settings.base_iri + "graph/shapes/")
    ]
    media_type = _choose(request, [HTML, *formats.GRAPH])
    if media_type != HTML:
        return _rdf(media_type, _graph_triples(service, graphs))
    links = Links(settings.base_iri, str(request.base_url))
    alternates = _alternates(request)
    context = {
        "shapes": shapes_doc(service.reader, graphs),
        "root": links.root,
        "links": links,
        "alternates": alternates,
    }
    return templates().TemplateResponse(
        request,
        "shapes.html",
        context,
        headers={"Vary": "Accept", "Link": _link_header(alternates)},
    )
