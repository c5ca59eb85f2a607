"""The W3C SPARQL 1.1 Protocol test suite, every entry of its manifest, over real HTTP.

Each test's ``ut:graphData`` is loaded into the named graphs the manifest gives (through the
Graph Store Protocol, with the token) on an emptied store, then its requests are sent as
written: the manifest's ``/sparql/`` becomes ``/sparql`` for queries and ``/sparql/update``
(with the token) for updates.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qsl, quote, urlsplit

import pytest

from tests.conftest import ADMIN_TOKEN, SHARED
from tests.support.servers import Server
from tests.support.w3c import (
    Reply,
    Request,
    W3CTest,
    cases,
    parse_rdf,
    parse_solutions,
    read_manifest,
    send,
)
from uikg.graph.sparql import formats

MANIFEST = SHARED / "conformance" / "w3c-sparql11" / "protocol" / "manifest.ttl"
TESTS = read_manifest(MANIFEST) if MANIFEST.is_file() else []
AUTH = {"Authorization": f"Bearer {ADMIN_TOKEN}"}

QUERY_TYPE = "application/sparql-query"
UPDATE_TYPE = "application/sparql-update"


def is_update(test: W3CTest, request: Request) -> bool:
    """Whether a request is for the update endpoint: by its parameters, else by the test.

    The manifest sends both kinds to ``/sparql/``; negative tests with no usable parameters
    (``text/plain`` bodies) say in their name which operation they invoke.
    """
    media_type = (request.header("content-type") or "").split(";")[0].strip().lower()
    if media_type in (QUERY_TYPE, UPDATE_TYPE):
        return media_type == UPDATE_TYPE
    keys = {key for key, _ in parse_qsl(urlsplit(request.path).query, keep_blank_values=True)}
    if request.body is not None:
        with contextlib.suppress(UnicodeDecodeError):  # a UTF-16 body is no form
            keys |= {k for k, _ in parse_qsl(request.body.decode("ascii"), keep_blank_values=True)}
    if keys & {"update", "using-graph-uri", "using-named-graph-uri"}:
        return True
    if "query" in keys:
        return False
    return "update" in test.local_name


def mapped(test: W3CTest, request: Request) -> tuple[str, dict[str, str]]:
    """The path on this server, and the headers to send (the manifest's, plus the token)."""
    assert request.path.startswith("/sparql/"), request.path
    rest = request.path[len("/sparql/") :]
    headers = dict(request.headers)
    if is_update(test, request):
        headers.update(AUTH)
        return "/sparql/update" + rest, headers
    return "/sparql" + rest, headers


@pytest.fixture(scope="module")
def server(shared_dir: Path, live_server: Server) -> Iterator[Server]:
    yield live_server
    drop_all(live_server)  # hand the shared server back empty


def drop_all(server: Server) -> None:
    reply = send(
        server.url, "POST", "/sparql/update", {**AUTH, "Content-Type": UPDATE_TYPE}, b"DROP ALL"
    )
    assert reply.status == 204, reply.describe()


def load(server: Server, test: W3CTest) -> None:
    drop_all(server)
    for graph, source in test.graph_data:
        reply = send(
            server.url,
            "PUT",
            f"/store?graph={quote(graph, safe='')}",
            {**AUTH, "Content-Type": "application/n-triples"},
            source.read_bytes(),
        )
        assert reply.status in (201, 204), f"loading {source.name}: {reply.describe()}"


def check(request: Request, reply: Reply, where: str) -> None:
    expected = request.expected
    assert expected.status_ok(reply.status), (
        f"{where}: expected {'/'.join(expected.statuses)}, got {reply.describe()}"
    )
    if expected.negative:
        # The token was sent where one is needed: a 4xx must be about the request itself.
        assert reply.status not in (401, 403), f"{where}: {reply.describe()}"
        return
    if expected.format in ("boolean", "tabular"):
        result = parse_solutions(reply)
        kind = "ASK" if expected.format == "boolean" else "SELECT"
        assert result.type == kind, f"{where}: expected {kind} results, got {reply.describe()}"
        if expected.boolean is not None:
            assert result.askAnswer is expected.boolean, f"{where}: {reply.describe()}"
    elif expected.format == "RDF":
        parse_rdf(reply.body, reply.media_type, base="http://example.org/")
    elif expected.format is not None:
        raise AssertionError(f"unknown mf:expectedFormat {expected.format!r}")


@pytest.mark.parametrize("test", cases(TESTS))
def test_protocol(test: W3CTest, server: Server) -> None:
    load(server, test)
    for number, request in enumerate(test.requests, 1):
        path, headers = mapped(test, request)
        reply = send(server.url, request.method, path, headers, request.body)
        check(request, reply, f"request {number} ({request.method} {path})")


FORMAT_CASES = [
    ("query_content_type_select", list(formats.SOLUTIONS)),
    ("query_content_type_ask", [formats.SPARQL_JSON, formats.SPARQL_XML]),
    ("query_content_type_describe", list(formats.GRAPH)),
    ("query_content_type_construct", list(formats.GRAPH)),
]


@pytest.mark.parametrize(
    ("name", "accept"),
    [pytest.param(n, a, id=f"{n}-{a}") for n, accepts in FORMAT_CASES for a in accepts],
)
def test_content_type_tests_in_every_offered_format(name: str, accept: str, server: Server) -> None:
    """The manifest's result-format tests again, asking for each format the server offers."""
    test = next(t for t in TESTS if t.local_name == name)
    request = test.requests[0]
    path, headers = mapped(test, request)
    reply = send(server.url, request.method, path, {**headers, "Accept": accept}, request.body)
    assert reply.media_type == accept, reply.describe()
    check(request, reply, f"{name} as {accept}")


def test_manifest_is_complete(shared_dir: Path) -> None:
    """All 34 tests were read, so a parsing slip cannot silently shrink the suite."""
    assert len(TESTS) == 34
    assert sum(t.requests[0].expected.negative for t in TESTS) == 14


@pytest.mark.parametrize(
    ("name", "endpoint"),
    [
        ("bad_update_wrong_media_type", "/sparql/update"),
        ("bad_query_missing_direct_type", "/sparql"),
        ("bad_update_get", "/sparql/update?update=CLEAR%20ALL"),
        ("update_dataset_full", "/sparql/update?using-graph-uri="),
        ("query_post_form", "/sparql?default-graph-uri="),
    ],
)
def test_requests_reach_the_right_endpoint(shared_dir: Path, name: str, endpoint: str) -> None:
    test = next(t for t in TESTS if t.local_name == name)
    path, _ = mapped(test, test.requests[0])
    assert path.startswith(endpoint)


@pytest.mark.parametrize(
    ("query_string", "status"),
    [
        ("", 204),  # WITH alone names the graph: fine
        ("?using-graph-uri=http%3A%2F%2Fexample%2Fpeople", 400),  # both ways: refused
    ],
)
def test_with_clause_and_protocol_dataset(server: Server, query_string: str, status: int) -> None:
    """Regression: a WITH clause conflicts with using-graph-uri as USING does (§2.2.3), and
    a WITH clause on its own still applies."""
    drop_all(server)
    headers = {**AUTH, "Content-Type": UPDATE_TYPE}
    data = b"INSERT DATA { GRAPH <http://example/g> { <http://example/s> <http://example/p> 1 } }"
    assert send(server.url, "POST", "/sparql/update", headers, data).status == 204
    update = b"WITH <http://example/g> INSERT { ?s <http://example/p> 2 } WHERE { ?s ?p 1 }"
    reply = send(server.url, "POST", "/sparql/update" + query_string, headers, update)
    assert reply.status == status, reply.describe()
    ask = b"ASK { GRAPH <http://example/g> { <http://example/s> <http://example/p> 2 } }"
    reply = send(server.url, "POST", "/sparql", {"Content-Type": QUERY_TYPE}, ask)
    assert parse_solutions(reply).askAnswer is (status == 204), reply.describe()


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("ASK { GRAPH ?g { ?s ?p ?o } }", "default-graph-uri"),  # no named graphs given
        ("ASK { ?s ?p ?o }", "named-graph-uri"),  # no default graph given: it is empty
        ("ASK FROM <http://example/g2> { ?s ?p ?o }", "named-graph-uri"),  # protocol wins
    ],
)
def test_protocol_dataset_replaces_the_whole_dataset(
    server: Server, query: str, parameter: str
) -> None:
    """§2.1.4: the protocol's dataset is the whole dataset; what it does not name is empty."""
    drop_all(server)
    data = (
        b"INSERT DATA { <http://example/s0> <http://example/p> 0 "
        b"GRAPH <http://example/g1> { <http://example/s1> <http://example/p> 1 } "
        b"GRAPH <http://example/g2> { <http://example/s2> <http://example/p> 2 } }"
    )
    headers = {**AUTH, "Content-Type": UPDATE_TYPE}
    assert send(server.url, "POST", "/sparql/update", headers, data).status == 204
    path = f"/sparql?query={quote(query)}&{parameter}={quote('http://example/g1', safe='')}"
    reply = send(server.url, "GET", path)
    assert parse_solutions(reply).askAnswer is False, reply.describe()
