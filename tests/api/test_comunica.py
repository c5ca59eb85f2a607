"""Traversal clients get the data: Comunica 4 (the reference JavaScript engine, installed from
tests/comunica/package-lock.json by ``make test``) against a real server.

Comunica asks for N-Quads first and queries a document's default graph; pointed at ``/sparql``
without a hint it reads the service description and takes the ``sd:endpoint`` it finds there.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from typing import Any

import httpx
import pytest
import rdflib

from tests.conftest import REPO, Site
from tests.support.servers import Server

COMUNICA = REPO / "tests" / "comunica" / "node_modules" / ".bin" / "comunica-sparql"
UIKG = "https://w3id.org/uikg/ontology#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"

if shutil.which("node") is None:
    pytest.skip(
        "node is not installed (Node 20: apt-get install nodejs npm)", allow_module_level=True
    )
if not COMUNICA.exists():
    pytest.skip(
        "Comunica is not installed: `make test` runs npm ci in tests/comunica",
        allow_module_level=True,
    )


def comunica(*args: str) -> str:
    result = subprocess.run(
        [str(COMUNICA), *args], capture_output=True, text=True, timeout=180, cwd=REPO
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


def rows(output: str) -> set[tuple[tuple[str, str], ...]]:
    """SPARQL JSON results as a set of rows (variable, value), whatever their order."""
    body: dict[str, Any] = json.loads(output)
    return {
        tuple(sorted((name, term["value"]) for name, term in binding.items()))
        for binding in body["results"]["bindings"]
    }


def on_endpoint(server: Server, query: str) -> set[tuple[tuple[str, str], ...]]:
    reply = httpx.post(
        server.url + "/sparql",
        data={"query": query},
        headers={"Accept": "application/sparql-results+json"},
        timeout=60,
    )
    assert reply.status_code == 200, reply.text
    return rows(reply.text)


def test_a_traversal_from_a_city_to_its_documents_answers_like_sparql(local_site: Site) -> None:
    gdansk = local_site.id + "city/gdansk"
    # 1. From the seed: the city's description names the documents that point at it.
    found = comunica(
        gdansk,
        "-t",
        "application/sparql-results+json",
        f"SELECT ?doc WHERE {{ ?doc <{UIKG}jurisdiction> <{gdansk}> }}",
    )
    documents = sorted(value for row in rows(found) for _, value in row)
    assert len(documents) >= 3
    # 2. Follow those links: the documents' own descriptions, dereferenced as N-Quads.
    query = (
        f"SELECT ?doc ?label ?model WHERE {{ ?doc <{UIKG}jurisdiction> <{gdansk}> ; "
        f"<{RDFS}label> ?label . OPTIONAL {{ ?doc <{UIKG}followsModel> ?model }} }}"
    )
    traversed = rows(comunica(gdansk, *documents, "-t", "application/sparql-results+json", query))
    assert traversed == on_endpoint(local_site.server, query)
    assert any(("label", "Model Integracji Imigrantów") in row for row in traversed)


def test_the_default_graph_of_a_quad_document_holds_every_statement(local_site: Site) -> None:
    gdansk = local_site.id + "city/gdansk"
    query = f"SELECT ?p ?o WHERE {{ <{gdansk}> ?p ?o }}"
    via_quads = rows(comunica(gdansk, "-t", "application/sparql-results+json", query))
    turtle = rdflib.Graph().parse(
        data=httpx.get(f"{local_site.server.url}/doc/id/city/gdansk.ttl", timeout=60).text,
        format="turtle",
    )
    via_triples = {
        tuple(sorted((("p", str(p)), ("o", str(o)))))
        for p, o in turtle.predicate_objects(rdflib.URIRef(gdansk))
    }
    assert via_quads == via_triples
    assert len(via_quads) > 20
    # and the whole default graph is the triple formats' graph (statements pointing at the
    # city, labels, evidence units, reified provenance), statement for statement
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    total = rows(comunica(gdansk, "-t", "application/sparql-results+json", count))
    assert total == {(("n", str(len(turtle))),)}
    assert len(turtle) > 400


def test_pointed_at_sparql_without_a_hint_it_queries_the_endpoint(built_server: Server) -> None:
    gdansk = "https://w3id.org/uikg/id/city/gdansk"
    assert comunica(built_server.url + "/sparql", f"ASK {{ <{gdansk}> ?p ?o }}").strip() == "true"
    assert comunica(built_server.url + "/sparql", f"ASK {{ <{gdansk}x> ?p ?o }}").strip() == "false"
    select = comunica(
        built_server.url + "/sparql",
        "-t",
        "application/sparql-results+json",
        f"SELECT ?l WHERE {{ <{gdansk}> <{RDFS}label> ?l }}",
    )
    assert ("l", "Gdańsk") in {v for row in rows(select) for v in row}


def test_the_service_description_names_its_own_endpoint_first(built_server: Server) -> None:
    url = built_server.url + "/sparql"
    turtle = httpx.get(url, headers={"Accept": "text/turtle"}, timeout=30).text
    graph = rdflib.Graph().parse(data=turtle, format="turtle", publicID=url)
    sd = rdflib.Namespace("http://www.w3.org/ns/sparql-service-description#")
    endpoints = {(s, o) for s, o in graph.subject_objects(sd.endpoint)}
    assert endpoints == {
        (rdflib.URIRef(url), rdflib.URIRef(url)),
        (rdflib.URIRef(url + "/update"), rdflib.URIRef(url + "/update")),
    }
    assert not any(isinstance(s, rdflib.BNode) for s, _ in endpoints)
    assert (rdflib.URIRef(url), sd.supportedLanguage, sd.SPARQL11Query) in graph
    assert turtle.index(f"<{url}>") < turtle.index(f"<{url}/update>")
