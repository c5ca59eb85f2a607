"""Dereferencing, negotiation, descriptions with evidence, HTML pages and search, over real HTTP."""

from __future__ import annotations

import html
import re

import html5lib
import httpx
import pytest
import rdflib
from pyoxigraph import CanonicalizationAlgorithm, Dataset, Quad, RdfFormat, parse

from tests.conftest import Site
from uikg.graph.store.embedded import EmbeddedStore

RDF_FORMATS = {
    "ttl": RdfFormat.TURTLE,
    "nt": RdfFormat.N_TRIPLES,
    "rdf": RdfFormat.RDF_XML,
    "jsonld": RdfFormat.JSON_LD,
}


@pytest.fixture(scope="module")
def web(site: Site) -> httpx.Client:
    return httpx.Client(base_url=site.server.url, timeout=30)


@pytest.mark.parametrize(
    ("accept", "extension"),
    [
        ("text/turtle", "ttl"),
        ("application/ld+json", "jsonld"),
        ("application/rdf+xml", "rdf"),
        ("application/n-triples", "nt"),
        ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "html"),
        ("text/turtle;q=0.5, application/ld+json", "jsonld"),
        ("application/*", "jsonld"),
        ("text/turtle;q=0, */*;q=0.1", "html"),
        (None, "html"),
    ],
)
def test_thing_iri_redirects_303_to_negotiated_description(
    web: httpx.Client, accept: str | None, extension: str
) -> None:
    headers = {"Accept": accept} if accept else {}
    response = web.get("/id/city/gdansk", headers=headers)
    assert response.status_code == 303
    assert response.headers["location"].endswith(f"/doc/id/city/gdansk.{extension}")
    assert "Accept" in response.headers["vary"]


def test_generic_document_negotiates_with_headers(web: httpx.Client) -> None:
    response = web.get("/doc/id/city/gdansk", headers={"Accept": "text/turtle"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/turtle")
    assert response.headers["content-location"].endswith("/doc/id/city/gdansk.ttl")
    assert response.headers["vary"] == "Accept"
    link = response.headers["link"]
    for extension in ("html", "ttl", "jsonld", "rdf", "nt"):
        assert f"/doc/id/city/gdansk.{extension}>" in link
    assert 'rel="alternate"' in link


def test_nothing_acceptable_is_406(web: httpx.Client) -> None:
    response = web.get("/doc/id/city/gdansk", headers={"Accept": "image/png"})
    assert response.status_code == 406
    assert "text/turtle" in response.json()["detail"]


def test_extension_bypasses_negotiation(web: httpx.Client) -> None:
    response = web.get("/doc/id/city/gdansk.nt", headers={"Accept": "text/html"})
    assert response.headers["content-type"].startswith("application/n-triples")
    assert "vary" not in response.headers


def test_head_has_headers_and_no_body(web: httpx.Client) -> None:
    response = web.head("/doc/id/city/gdansk.ttl")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/turtle")
    assert response.content == b""
    assert web.head("/id/city/gdansk").status_code == 303


def test_unknown_thing_is_404(web: httpx.Client) -> None:
    assert web.get("/id/city/atlantis").status_code == 404
    assert web.get("/doc/id/city/atlantis.ttl").status_code == 404


def _graph(data: bytes, format: RdfFormat) -> Dataset:
    """The triples, less the one naming the document itself (each variant is its own document)."""
    dataset = Dataset(
        Quad(q.subject, q.predicate, q.object)
        for q in parse(data, format)
        if not q.predicate.value.endswith("/foaf/0.1/primaryTopic")
    )
    dataset.canonicalize(CanonicalizationAlgorithm.UNSTABLE)
    return dataset


def test_every_format_parses_back_to_the_same_graph(web: httpx.Client) -> None:
    graphs = {
        ext: _graph(web.get(f"/doc/id/city/gdansk.{ext}").content, fmt)
        for ext, fmt in RDF_FORMATS.items()
    }
    reference = graphs["ttl"]
    assert len(reference) > 50
    for ext, graph in graphs.items():
        assert graph == reference, ext


def test_description_has_statements_inverse_labels_and_evidence(
    web: httpx.Client, site: Site
) -> None:
    built_store = site.store
    GDANSK = site.id + "city/gdansk"
    graph = rdflib.Graph().parse(data=web.get("/doc/id/city/gdansk.ttl").text, format="turtle")
    gdansk = rdflib.URIRef(GDANSK)
    assert (gdansk, rdflib.RDFS.label, rdflib.Literal("Gdańsk", lang="pl")) in graph
    # statements pointing at it, e.g. the municipality based in it
    assert any(graph.subjects(None, gdansk))
    # each statement's graph as provenance, and the evidence unit's work and passage
    prov = rdflib.Namespace("http://www.w3.org/ns/prov#")
    sources = set(graph.objects(None, prov.wasDerivedFrom))
    assert any("/graph/evidence/" in str(s) for s in sources)
    uikg = rdflib.Namespace("https://w3id.org/uikg/ontology#")
    evidence = next(
        s
        for s in sources
        if "/graph/evidence/" in str(s) and graph.value(s, uikg.assertionKind) == uikg.Stated
    )
    assert graph.value(evidence, uikg.evidenceFrom) is not None
    assert graph.value(evidence, uikg.locator) is not None
    # the same statements as the store holds about it
    expected = {
        (str(r["p"].value), str(r["o"]))
        for r in built_store.query(f"SELECT ?p ?o WHERE {{ <{GDANSK}> ?p ?o }}")
    }
    found = {
        (str(p), o.n3() if isinstance(o, rdflib.Literal) else f"<{o}>")
        for p, o in graph.predicate_objects(gdansk)
    }
    assert {p for p, _ in expected} <= {p for p, _ in found}


def test_dataset_formats_keep_statements_in_their_evidence_graphs(web: httpx.Client) -> None:
    quads = list(
        parse(
            web.get("/doc/id/document/gdansk-immigrant-integration-model.trig").content,
            RdfFormat.TRIG,
        )
    )
    graphs = {q.graph_name.value for q in quads if hasattr(q.graph_name, "value")}
    assert any("/graph/evidence/essay/" in g for g in graphs)


def _one_of_each_class(store: EmbeddedStore, base: str) -> dict[str, str]:
    rows = store.query(
        "SELECT ?class (SAMPLE(?s) AS ?thing) WHERE { GRAPH ?g { ?s a ?class } "
        f"FILTER(STRSTARTS(STR(?s), '{base}id/') && STRSTARTS(STR(?class), 'https://w3id.org/uikg/ontology#')) "
        f"FILTER(?g != <{base}graph/inferred>) }} GROUP BY ?class"
    )
    return {row["class"].value: row["thing"].value for row in rows}


def test_pages_render_for_a_thing_of_every_class(web: httpx.Client, site: Site) -> None:
    built_store = site.store
    things = _one_of_each_class(built_store, site.base)
    assert len(things) >= 15
    parser = html5lib.HTMLParser(strict=True)
    for cls, iri in sorted(things.items()):
        response = web.get(f"/doc/{iri[len(site.base) :]}.html")
        assert response.status_code == 200, (cls, iri)
        parser.parse(response.text)  # raises on any parse error: the HTML is well formed
        label = next(
            iter(
                built_store.query(
                    f"SELECT ?l WHERE {{ <{iri}> <http://www.w3.org/2000/01/rdf-schema#label>|<http://www.w3.org/2004/02/skos/core#prefLabel> ?l }} LIMIT 1"
                )
            ),
            None,
        )
        if label is not None:
            assert label["l"].value in html.unescape(response.text), (cls, iri)
        assert "Source:" in response.text, (cls, iri)


def test_page_shows_evidence_links_and_links_out(web: httpx.Client) -> None:
    page = web.get("/doc/id/document/gdansk-immigrant-integration-model.html").text
    assert "Source:" in page and "/id/work/" in page
    city = web.get("/doc/id/city/gdansk.html").text
    assert (
        "https://www.wikidata.org/wiki/Q1792" in city
        or "http://www.wikidata.org/entity/Q1792" in city
    )
    assert "GeoNames" in city
    for extension in ("ttl", "jsonld", "rdf", "nt"):
        assert f"/doc/id/city/gdansk.{extension}" in city


def test_search_is_accent_insensitive(web: httpx.Client, site: Site) -> None:
    GDANSK = site.id + "city/gdansk"
    hits = web.get("/search", params={"q": "Gdansk"}, headers={"Accept": "application/json"}).json()
    assert any(h["iri"] == GDANSK for h in hits)
    assert hits[0]["label"].startswith("Gdańsk")
    page = web.get("/search", params={"q": "gdansk"})
    assert page.status_code == 200 and "Gdańsk" in page.text


def test_rdflib_follows_the_iri(site: Site) -> None:
    built_server = site.server
    GDANSK = site.id + "city/gdansk"
    graph = rdflib.Graph()
    graph.parse(f"{built_server.url}/id/city/gdansk")
    assert (rdflib.URIRef(GDANSK), rdflib.RDFS.label, rdflib.Literal("Gdańsk", lang="pl")) in graph


def test_sparqlwrapper_runs_a_query(site: Site) -> None:
    built_server = site.server
    GDANSK = site.id + "city/gdansk"
    from SPARQLWrapper import JSON, SPARQLWrapper

    client = SPARQLWrapper(f"{built_server.url}/sparql")
    client.setQuery(
        f"SELECT ?label WHERE {{ <{GDANSK}> <http://www.w3.org/2000/01/rdf-schema#label> ?label }}"
    )
    client.setReturnFormat(JSON)
    result = client.query().convert()
    assert "Gdańsk" in {b["label"]["value"] for b in result["results"]["bindings"]}


def test_home_page_lists_the_models_and_links_locally(web: httpx.Client, site: Site) -> None:
    page = web.get("/", headers={"Accept": "text/html"}).text
    models = set(re.findall(r'href="([^"]*/id/concept/integration-model/[^"]+)"', page))
    assert len(models) >= 5
    assert all(m.startswith(site.server.url) for m in models)


def test_picture_data_answers_on_this_base(web: httpx.Client, site: Site) -> None:
    rows = web.get("/api/v1/queries/city_map", headers={"Accept": "application/json"}).json()
    gdansk = [r for r in rows if r.get("city") == site.id + "city/gdansk"]
    assert gdansk and all(r["model"].startswith(site.id) for r in gdansk)
