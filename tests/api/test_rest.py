"""REST API and named queries over real HTTP: filters, paging, JSON-LD fidelity, injection."""

from __future__ import annotations

import csv
import io
import json

import httpx
import pytest
import rdflib
import rdflib.compare

from tests.conftest import Site
from uikg.graph.paths import DataPaths
from uikg.graph.queries import load_catalogue
from uikg.graph.rest import COLLECTIONS

INJECTION = '"} ; DROP ALL ; #'


@pytest.fixture(scope="module")
def web(site: Site) -> httpx.Client:
    return httpx.Client(base_url=site.server.url, timeout=60)


def _quads(web: httpx.Client) -> int:
    query = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
    reply = web.get(
        "/sparql", params={"query": query}, headers={"Accept": "application/sparql-results+json"}
    )
    return int(reply.json()["results"]["bindings"][0]["n"]["value"])


def _ids(document: dict) -> list[str]:
    return [node["id"] for node in document["@graph"]]


@pytest.mark.parametrize("collection", sorted(COLLECTIONS))
def test_paging_walk_returns_every_item_once(web: httpx.Client, collection: str) -> None:
    everything = _ids(web.get(f"/api/v1/{collection}", params={"limit": 500}).json())
    assert everything, collection
    seen: list[str] = []
    url: str | None = f"/api/v1/{collection}?limit=3"
    pages = 0
    while url:
        reply = web.get(url)
        assert reply.status_code == 200
        seen += _ids(reply.json())
        link = reply.headers.get("link")
        url = link.split(">")[0].lstrip("<") if link else None
        pages += 1
    assert len(seen) == len(set(seen))
    assert sorted(seen) == sorted(everything)
    assert pages == -(-len(everything) // 3) or pages == len(everything) // 3 + 1


def test_sorting_descending_reverses(web: httpx.Client) -> None:
    up = _ids(web.get("/api/v1/cities", params={"sort": "iri", "limit": 500}).json())
    down = _ids(web.get("/api/v1/cities", params={"sort": "-iri", "limit": 500}).json())
    assert down == list(reversed(up)) == sorted(up, reverse=True)


def test_filters_narrow_to_matching_items(web: httpx.Client, site: Site) -> None:
    built_store = site.store
    ID = site.id
    gdansk = ID + "city/gdansk"
    documents = _ids(web.get("/api/v1/documents", params={"city": gdansk}).json())
    expected = {
        row["d"].value
        for row in built_store.query(
            f"SELECT DISTINCT ?d WHERE {{ ?d a <https://w3id.org/uikg/ontology#PolicyDocument> ; "
            f"<https://w3id.org/uikg/ontology#jurisdiction> <{gdansk}> }}"
        )
    }
    assert (
        set(documents) == expected
        and ID + "document/gdansk-immigrant-integration-model" in expected
    )
    polish = set(
        _ids(
            web.get(
                "/api/v1/cities", params={"country": ID + "country/poland", "limit": 500}
            ).json()
        )
    )
    assert gdansk in polish and ID + "city/berlin" not in polish
    recent = _ids(
        web.get(
            "/api/v1/documents", params={"year_from": 2015, "year_to": 2016, "limit": 500}
        ).json()
    )
    for doc in recent:
        years = {
            row["y"].value[:4]
            for row in built_store.query(
                f"SELECT ?y WHERE {{ <{doc}> <https://w3id.org/uikg/ontology#adoptionDate> ?y }}"
            )
        }
        assert years & {"2015", "2016"}, doc


def test_item_jsonld_expands_to_the_graphs_triples(web: httpx.Client, site: Site) -> None:
    built_store = site.store
    ID = site.id
    document = web.get("/api/v1/cities/gdansk").json()
    context = web.get(document["@context"]).json()
    document["@context"] = context["@context"]
    graph = rdflib.Graph().parse(data=json.dumps(document), format="json-ld")
    expected = rdflib.Graph()
    for row in built_store.query(f"SELECT DISTINCT ?p ?o WHERE {{ <{ID}city/gdansk> ?p ?o }}"):
        expected.parse(data=f"<{ID}city/gdansk> {row['p']} {row['o']} .", format="nt")
    assert rdflib.compare.isomorphic(graph, expected)


def test_item_keys_are_readable(web: httpx.Client, site: Site) -> None:
    ID = site.id
    node = web.get("/api/v1/cities/gdansk").json()["@graph"][0]
    assert node["label"]["pl"] == "Gdańsk"
    assert node["country"] == ID + "country/poland"
    assert node["type"] == "City" or "City" in node["type"]


def test_lists_as_csv(web: httpx.Client, site: Site) -> None:
    ID = site.id
    reply = web.get("/api/v1/cities", params={"limit": 500}, headers={"Accept": "text/csv"})
    rows = list(csv.DictReader(io.StringIO(reply.text)))
    assert any(r["id"] == ID + "city/gdansk" and r["label@pl"] == "Gdańsk" for r in rows)
    krakow = next(r for r in rows if r["id"] == ID + "city/krakow")
    assert (krakow["label@en"], krakow["label@pl"]) == ("Krakow", "Kraków")  # one column each


def test_unknown_item_is_404(web: httpx.Client) -> None:
    assert web.get("/api/v1/cities/atlantis").status_code == 404


@pytest.mark.parametrize("collection", sorted(COLLECTIONS))
def test_injection_in_every_parameter_changes_nothing(web: httpx.Client, collection: str) -> None:
    before = _quads(web)
    names = [f.name for f in COLLECTIONS[collection].filters] + ["sort", "cursor"]
    for name in names:
        reply = web.get(f"/api/v1/{collection}", params={name: INJECTION})
        assert reply.status_code == 400 or reply.json()["@graph"] == [], (collection, name)
        if reply.status_code == 400:
            assert name in reply.json()["detail"] or "cursor" in reply.json()["detail"]
    assert web.get(f"/api/v1/{collection}/{INJECTION}").status_code in (400, 404)
    assert _quads(web) == before


def test_every_named_query_runs_with_its_example_parameters(web: httpx.Client) -> None:
    catalogue = load_catalogue(DataPaths.locate().queries)
    listed = {q["name"]: q for q in web.get("/api/v1/queries").json()}
    assert set(listed) == set(catalogue) and len(catalogue) >= 20
    for name, query in catalogue.items():
        # the examples as the server lists them: resolved on its own base IRI
        params = {p["name"]: p["example"] for p in listed[name]["params"] if p["example"]}
        assert set(params) == {p.name for p in query.params if p.example}
        reply = web.get(f"/api/v1/queries/{name}", params=params)
        assert reply.status_code == 200, (name, reply.text)
        assert isinstance(reply.json(), list | bool)
        sparql = web.get(
            f"/api/v1/queries/{name}",
            params=params,
            headers={"Accept": "application/sparql-results+json"},
        )
        assert sparql.status_code == 200 and "head" in sparql.json()


def test_named_query_parameters_are_validated_and_never_pasted(web: httpx.Client) -> None:
    before = _quads(web)
    catalogue = load_catalogue(DataPaths.locate().queries)
    for name, query in catalogue.items():
        examples = {p.name: p.example for p in query.params if p.example}
        for param in query.params:
            reply = web.get(f"/api/v1/queries/{name}", params={**examples, param.name: INJECTION})
            if param.type == "string":
                assert reply.status_code == 200, (name, param.name)
            else:
                assert reply.status_code == 400, (name, param.name)
                assert param.name in reply.json()["detail"]
        assert web.get(f"/api/v1/queries/{name}", params={"nonsense": "1"}).status_code in (
            200,
            400,
        )
    assert _quads(web) == before


def test_named_query_results_as_csv_and_catalogue_as_rdf(web: httpx.Client) -> None:
    reply = web.get("/api/v1/queries/gdansk_model_areas", headers={"Accept": "text/csv"})
    assert reply.status_code == 200 and reply.text.splitlines()[0].startswith(("document", "area"))
    turtle = web.get("/api/v1/queries", headers={"Accept": "text/turtle"})
    graph = rdflib.Graph().parse(data=turtle.text, format="turtle")
    sh = rdflib.Namespace("http://www.w3.org/ns/shacl#")
    assert len(set(graph.subjects(rdflib.RDF.type, sh.SPARQLExecutable))) >= 20


def test_openapi_documents_every_operation(web: httpx.Client) -> None:
    spec = web.get("/openapi.json").json()
    operations = [
        (path, method, op) for path, ops in spec["paths"].items() for method, op in ops.items()
    ]
    assert all(op.get("summary") for _, _, op in operations)
    ids = [op["operationId"] for _, _, op in operations]
    assert len(ids) == len(set(ids))
    for path, _, op in operations:
        if path.startswith("/api/v1/queries/"):
            assert "```sparql" in op["description"]
            for param in op.get("parameters", []):
                assert param.get("description")
    assert web.get("/docs").status_code == 200
