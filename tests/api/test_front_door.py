"""Every read goes through the graph service's one door, and the protocol leftovers it fixed.

Pages, collections and search run their queries like ``/sparql`` does: in a query worker, with
the time limit. A server whose limit is tiny answers each of them 503 naming the limit, and
stays up.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from pyoxigraph import CanonicalizationAlgorithm, Dataset, RdfFormat, parse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from tests.conftest import serve_built
from tests.support.servers import Server
from uikg.api.app import create_app
from uikg.graph.settings import Settings

GDANSK = "/doc/id/city/gdansk"
FORM = "application/x-www-form-urlencoded"


@pytest.fixture(scope="module")
def hurried(built_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """The built graph served with a 1 ms time limit: no query can finish in time."""
    server = serve_built(
        built_dir, tmp_path_factory, "hurried", ready="/openapi.json", query_timeout_s="0.001"
    )
    yield server
    server.stop()


@pytest.mark.parametrize(
    "path",
    [GDANSK, "/id/city/gdansk", "/api/v1/cities", "/search?q=Gdansk", "/", "/.well-known/void"],
)
def test_every_read_has_the_time_limit(hurried: Server, path: str) -> None:
    reply = httpx.get(hurried.url + path, headers={"Accept": "application/json"}, timeout=30)
    assert reply.status_code == 503, (path, reply.text[:300])
    assert "time limit of 0.001 s" in reply.json()["detail"]
    assert hurried.process.poll() is None  # the server lives
    assert httpx.get(hurried.url + "/openapi.json", timeout=30).status_code == 200


class _Stamp:
    """A middleware an operator might add (CORS, caching headers): it marks every response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def stamped(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message["headers"], (b"x-stamp", b"yes")]
            await send(message)

        await self.app(scope, receive, stamped)


def test_a_middleware_added_later_applies_to_sparql_too(settings: Settings) -> None:
    app = create_app(settings)
    app.add_middleware(_Stamp)
    with TestClient(app) as client:
        query = client.get("/sparql", params={"query": "ASK {}"})
        assert query.status_code == 200
        assert query.headers["x-stamp"] == "yes"
        assert client.get("/health").headers["x-stamp"] == "yes"


# -- protocol leftovers ----------------------------------------------------------------------


def test_dataset_parameters_without_a_query_are_a_400(client: TestClient) -> None:
    for reply in (
        client.get("/sparql", params={"default-graph-uri": "http://ex/g"}),
        client.post("/sparql", data={"default-graph-uri": "http://ex/g"}),
        client.post("/sparql", content=b"", headers={"Content-Type": FORM}),
    ):
        assert reply.status_code == 400
        assert reply.headers["content-type"] == "application/problem+json"
        assert "'query'" in reply.json()["detail"]


def test_unsupported_methods_are_405_with_allow_and_a_problem(client: TestClient) -> None:
    reply = client.delete("/sparql")
    assert reply.status_code == 405
    assert reply.headers["allow"] == "GET, POST"
    assert reply.headers["content-type"] == "application/problem+json"
    assert "DELETE" in reply.json()["detail"]
    assert client.put("/sparql/update").headers["allow"] == "POST"


@pytest.mark.parametrize("path", ["/shapes", "/ontology", "/.well-known/void", "/", "/health"])
def test_head_answers_wherever_get_does(built_client: TestClient, path: str) -> None:
    get = built_client.get(path)
    head = built_client.head(path)
    assert get.status_code == head.status_code == 200
    assert head.content == b""
    assert head.headers["content-type"] == get.headers["content-type"]


def _canonical(body: bytes, rdf_format: RdfFormat) -> Dataset:
    dataset = Dataset(parse(body, rdf_format))
    dataset.canonicalize(CanonicalizationAlgorithm.UNSTABLE)
    return dataset


def test_descriptions_are_isomorphic_in_every_syntax(built_client: TestClient) -> None:
    graphs = {
        extension: _canonical(built_client.get(f"{GDANSK}.{extension}").content, rdf_format)
        for extension, rdf_format in {
            "ttl": RdfFormat.TURTLE,
            "jsonld": RdfFormat.JSON_LD,
            "rdf": RdfFormat.RDF_XML,
            "nt": RdfFormat.N_TRIPLES,
        }.items()
    }
    first = graphs.pop("ttl")
    for extension, graph in graphs.items():
        assert graph == first, extension
    topic = "<http://xmlns.com/foaf/0.1/primaryTopic>"
    assert f"<http://testserver{GDANSK}> {topic}" in built_client.get(f"{GDANSK}.nt").text


@pytest.mark.parametrize("path", ["/ontology", "/shapes"])
def test_documentation_pages_link_their_rdf(built_client: TestClient, path: str) -> None:
    page = built_client.get(path, headers={"Accept": "text/html"})
    assert page.status_code == 200
    assert 'rel="alternate" type="text/turtle"' in page.text
    assert 'rel="alternate"; type="text/turtle"' in page.headers["link"]
    href = page.text.split('rel="alternate" type="text/turtle" href="')[1].split('"')[0]
    turtle = built_client.get(href.replace("&amp;", "&"))
    assert turtle.headers["content-type"].startswith("text/turtle")
    assert len(list(parse(turtle.content, RdfFormat.TURTLE))) > 10


def test_generic_json_and_plain_text_are_understood(built_client: TestClient) -> None:
    select = built_client.get(
        "/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o } LIMIT 1"},
        headers={"Accept": "application/json"},
    )  # fmt: skip
    assert select.headers["content-type"] == "application/sparql-results+json"
    assert select.json()["results"]["bindings"]
    described = built_client.get(GDANSK, headers={"Accept": "application/json"})
    assert described.headers["content-type"] == "application/ld+json"
    plain = built_client.get(GDANSK, headers={"Accept": "text/plain"})
    assert plain.headers["content-type"].startswith("application/n-triples")
    assert list(parse(plain.content, RdfFormat.N_TRIPLES))


def test_format_parameter_overrides_accept(built_client: TestClient) -> None:
    csv = built_client.get(
        "/api/v1/queries/integration_models", params={"format": "csv"},
        headers={"Accept": "application/json"},
    )  # fmt: skip
    assert csv.status_code == 200
    assert csv.headers["content-type"].startswith("text/csv")
    cities = built_client.get("/api/v1/cities", params={"format": "csv", "limit": 2})
    assert cities.headers["content-type"].startswith("text/csv")
    assert "format=csv" in cities.headers["link"]
    turtle = built_client.get(
        "/sparql", params={"query": "CONSTRUCT WHERE { ?s ?p ?o } LIMIT 3", "format": "ttl"}
    )
    assert turtle.headers["content-type"].startswith("text/turtle")
    refused = built_client.get("/api/v1/cities", params={"format": "nope"})
    assert refused.status_code == 400
    assert "format" in refused.json()["detail"]
