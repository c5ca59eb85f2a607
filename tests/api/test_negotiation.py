"""``api.negotiation.choose`` against a table of Accept headers, and what HTTP clients see."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from uikg.api.negotiation import choose
from uikg.graph.errors import NotAcceptable
from uikg.graph.sparql import formats

RDF = list(formats.GRAPH)  # turtle, n-triples, ld+json, rdf+xml: the server's order
RESULTS = list(formats.SOLUTIONS)  # sparql-results json, xml, csv, tsv
TURTLE, NT, JSONLD, RDFXML = RDF
SRJ, SRX, CSV, TSV = RESULTS

TABLE = [
    # no preference: the server's first choice
    ("absent", None, RDF, TURTLE),
    ("empty", "", RDF, TURTLE),
    ("blank", "   ", RDF, TURTLE),
    ("star", "*/*", RDF, TURTLE),
    ("exact", "application/n-triples", RDF, NT),
    ("case-insensitive", "Application/N-Triples", RDF, NT),
    ("parameters ignored", "application/ld+json; charset=utf-8", RDF, JSONLD),
    ("spaces", "  application/ld+json ; q=0.5 , text/html", RDF, JSONLD),
    # q-values
    ("higher q wins", "text/turtle;q=0.5, application/n-triples;q=0.4", RDF, TURTLE),
    ("higher q wins, later", "text/turtle;q=0.4, application/n-triples;q=0.5", RDF, NT),
    ("three decimals", "text/turtle;q=0.001, application/rdf+xml;q=0.002", RDF, RDFXML),
    ("q name case", "text/turtle;Q=0.1, application/rdf+xml;Q=0.2", RDF, RDFXML),
    (
        "q after other params",
        "text/turtle;charset=utf-8;q=0.1, application/n-triples;q=0.2",
        RDF,
        NT,
    ),
    # wildcards
    ("type wildcard", "application/*", RDF, NT),
    ("type wildcard below exact", "text/turtle;q=0.5, application/*", RDF, NT),
    ("star below exact", "*/*;q=0.1, application/rdf+xml", RDF, RDFXML),
    ("text wildcard for results", "text/*", RESULTS, CSV),
    # specificity: the most specific matching range sets a type's q
    ("specific lowers", "*/*;q=0.9, text/turtle;q=0.3", RDF, NT),
    ("specific raises", "application/*;q=0.2, application/rdf+xml;q=0.8, */*;q=0.1", RDF, RDFXML),
    ("specific beats excluded wildcard", "application/*;q=0, application/ld+json", RDF, JSONLD),
    ("order does not matter", "application/ld+json, application/*;q=0", RDF, JSONLD),
    # q=0 excludes
    ("excluded, rest by star", "text/turtle;q=0, */*", RDF, NT),
    ("excluded by type wildcard", "text/*;q=0, */*", RDF, NT),
    ("zero with decimals", "text/turtle;q=0.000, application/rdf+xml;q=0.1", RDF, RDFXML),
    # ties: the server's preference
    ("tie", "application/rdf+xml;q=0.9, application/ld+json;q=0.9", RDF, JSONLD),
    ("tie in star", "text/csv, application/sparql-results+xml", RESULTS, SRX),
    ("tie all", "text/tab-separated-values, text/csv", RESULTS, CSV),
    ("browser", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", RDF, TURTLE),
    # malformed ranges are left out; if nothing usable is left, as if there were no header
    ("garbage", "garbage", RDF, TURTLE),
    ("commas", ",, ,", RDF, TURTLE),
    ("no subtype", "text/", RDF, TURTLE),
    ("star subtype only", "*/turtle", RDF, TURTLE),
    ("bare star", "*", RDF, TURTLE),
    ("spaces in type", "application / n-triples, application/rdf+xml;q=0.1", RDF, RDFXML),
    ("q not a number", "text/turtle;q=high, application/n-triples;q=0.5", RDF, NT),
    ("q nan", "text/turtle;q=nan, application/n-triples;q=0.5", RDF, NT),
    ("q above one", "text/turtle;q=2, application/n-triples;q=0.5", RDF, NT),
    ("q negative", "text/turtle;q=-1, application/rdf+xml", RDF, RDFXML),
    ("q too precise", "text/turtle;q=0.0001, application/rdf+xml;q=0.5", RDF, RDFXML),
    ("q only malformed", "text/turtle;q=abc", RDF, TURTLE),
]

REFUSED = [
    ("other type", "text/html", RDF),
    ("other wildcard", "image/*", RDF),
    ("several others", "text/html, application/xhtml+xml", RDF),
    ("only excluded", "text/turtle;q=0", RDF),
    ("star excluded", "*/*;q=0", RDF),
    ("graph type for results", "text/turtle", RESULTS),
    ("results type for graphs", "application/sparql-results+json", RDF),
]


@pytest.mark.parametrize(
    ("accept", "available", "expected"),
    [pytest.param(a, av, e, id=i) for i, a, av, e in TABLE],
)
def test_choose(accept: str | None, available: list[str], expected: str) -> None:
    assert choose(accept, available) == expected


@pytest.mark.parametrize(
    ("accept", "available"), [pytest.param(a, av, id=i) for i, a, av in REFUSED]
)
def test_not_acceptable_names_what_is_available(accept: str, available: list[str]) -> None:
    with pytest.raises(NotAcceptable) as caught:
        choose(accept, available)
    assert caught.value.available == available
    assert all(media_type in caught.value.detail for media_type in available)


# -- over HTTP ---------------------------------------------------------------------------------
ASK = {"query": "ASK {}"}
CONSTRUCT = {"query": "CONSTRUCT { <http://x/s> <http://x/p> 1 } WHERE {}"}


@pytest.mark.parametrize(
    ("path", "params", "accept", "media_type"),
    [
        ("/sparql", ASK, None, SRJ),
        ("/sparql", ASK, "application/sparql-results+xml", SRX),
        ("/sparql", CONSTRUCT, "application/n-triples;q=0.5, application/rdf+xml", RDFXML),
        ("/sparql", {}, "application/ld+json", JSONLD),  # the service description
        ("/store", {"default": ""}, "text/*", TURTLE),
    ],
)
def test_responses_vary_on_accept(
    client: TestClient, path: str, params: dict[str, str], accept: str | None, media_type: str
) -> None:
    response = client.get(path, params=params, headers={"Accept": accept} if accept else {})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].split(";")[0] == media_type
    assert "accept" in response.headers["vary"].lower()


@pytest.mark.parametrize(
    ("path", "params", "available"),
    [
        ("/sparql", ASK, RESULTS[:2]),  # ASK has no standard CSV/TSV form
        ("/sparql", CONSTRUCT, RDF),
        ("/store", {"default": ""}, RDF),
    ],
)
def test_406_lists_what_is_available(
    client: TestClient, path: str, params: dict[str, str], available: list[str]
) -> None:
    response = client.get(path, params=params, headers={"Accept": "image/png"})
    assert response.status_code == 406, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["available"] == available
    assert "image/png" in body["detail"]
    # a browser asking for a page gets one, naming the formats there are
    page = client.get(path, params=params, headers={"Accept": "text/html"})
    assert page.status_code == 406
    assert page.headers["content-type"].startswith("text/html")
    assert all(media_type in page.text for media_type in available)


def test_sparql_without_query_gives_browsers_the_workbench(client: TestClient) -> None:
    """Issue 6: HTML is one more variant of the service description; programs still get RDF."""
    page = client.get("/sparql", headers={"Accept": "text/html"})
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "SPARQL workbench" in page.text
    assert (
        client.get("/sparql", headers={"Accept": "*/*"})
        .headers["content-type"]
        .startswith("text/turtle")
    )
    refused = client.get("/sparql", headers={"Accept": "image/png"})
    assert refused.status_code == 406 and refused.json()["available"] == [*RDF, "text/html"]


def test_posted_queries_negotiate_and_bad_headers_are_no_error(client: TestClient) -> None:
    """A POSTed query negotiates like a GET; an Accept with nothing usable is as if absent."""
    response = client.post(
        "/sparql",
        content=CONSTRUCT["query"],
        headers={"Content-Type": "application/sparql-query", "Accept": "text/csv"},
    )
    assert response.status_code == 406
    response = client.get("/sparql", params=ASK, headers={"Accept": "text/html;q=oops, ,*/"})
    assert response.status_code == 200
    assert response.headers["content-type"] == SRJ
