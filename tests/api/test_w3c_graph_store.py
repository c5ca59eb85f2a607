"""The W3C SPARQL 1.1 Graph Store HTTP Protocol tests (direct and indirect), over real HTTP.

The manifest's ``/gsp`` is this service's ``/store``; writes carry the token. Each test runs on
an emptied store. ``mf:expectedLocation`` makes the ``Location`` of a response a template
variable that later requests in the same test use, as the manifest describes.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import ADMIN_TOKEN, SHARED
from tests.support.servers import Server
from tests.support.w3c import (
    Reply,
    Request,
    W3CTest,
    cases,
    parse_rdf,
    read_manifest,
    same_graph,
    send,
)

MANIFEST = SHARED / "conformance" / "w3c-sparql11" / "graph-store-protocol" / "manifest.ttl"
TESTS = read_manifest(MANIFEST, include_unlisted=True) if MANIFEST.is_file() else []
AUTH = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
WRITES = {"PUT", "POST", "DELETE"}


@pytest.fixture(scope="module")
def server(shared_dir: Path, live_server: Server) -> Iterator[Server]:
    yield live_server
    drop_all(live_server)  # hand the shared server back empty


@pytest.fixture
def store(server: Server) -> Server:
    drop_all(server)
    return server


def drop_all(server: Server) -> None:
    reply = send(
        server.url,
        "POST",
        "/sparql/update",
        {**AUTH, "Content-Type": "application/sparql-update"},
        b"DROP ALL",
    )
    assert reply.status == 204, reply.describe()


def _parameters(value: str) -> dict[str, str]:
    pairs = (p.strip().partition("=") for p in value.split(";")[1:])
    return {k.strip().lower(): v.strip().strip('"').lower() for k, _, v in pairs}


def same_content_type(actual: str | None, expected: str) -> bool:
    """Same media type and same parameters (``charset=UTF-8`` equals ``charset=utf-8``)."""
    if actual is None:
        return False
    same_type = _media_type(actual) == _media_type(expected)
    return same_type and _parameters(actual) == _parameters(expected)


def _media_type(value: str) -> str:
    return value.split(";")[0].strip().lower()


def check(request: Request, reply: Reply, url: str, where: str) -> None:
    expected = request.expected
    assert expected.status_ok(reply.status), (
        f"{where}: expected {'/'.join(expected.statuses)}, got {reply.describe()}"
    )
    for name, value in expected.headers:
        actual = reply.headers.get(name)
        if name.lower() == "content-type":
            assert same_content_type(actual, value), f"{where}: {name} {actual!r}, not {value!r}"
        else:
            assert actual == value, f"{where}: {name} {actual!r}, not {value!r}"
    if expected.body is not None:
        declared = [v for k, v in expected.headers if k.lower() == "content-type"]
        media_type = _media_type(declared[0]) if declared else "text/turtle"
        wanted = parse_rdf(expected.body, media_type, base=url)
        got = parse_rdf(reply.body, reply.media_type, base=url)
        assert same_graph(got, wanted), (
            f"{where}: the graph differs from the expected one:\n"
            f"{got.serialize(format='nt')}\nexpected:\n{wanted.serialize(format='nt')}"
        )


@pytest.mark.parametrize("test", cases(TESTS))
def test_graph_store(test: W3CTest, store: Server) -> None:
    variables: dict[str, str] = {}
    for number, request in enumerate(test.requests, 1):
        path, body = request.path, request.body
        for name, value in variables.items():
            path = path.replace(name, value)
            body = body.replace(name.encode(), value.encode()) if body is not None else None
        assert path.startswith("/gsp"), path
        path = "/store" + path[len("/gsp") :]
        headers = dict(request.headers)
        if request.method in WRITES:
            headers.update(AUTH)
        reply = send(store.url, request.method, path, headers, body)
        where = f"request {number} ({request.method} {path})"
        check(request, reply, store.url + path.split("?")[0], where)
        if request.expected.location_variable:
            location = reply.headers.get("location")
            assert location, f"{where}: no Location header in {reply.describe()}"
            variables[request.expected.location_variable] = location


def test_manifests_are_complete(shared_dir: Path) -> None:
    """Both included manifests were read: 4 + 9 listed tests, and the one left unlisted."""
    assert sum(t.listed for t in TESTS) == 13
    assert [t.local_name for t in TESTS if not t.listed] == ["head_non_existing_direct"]
    assert sum("DirectGraphIdentification" in t.requires for t in TESTS) == 5


def test_writes_need_the_token(store: Server) -> None:
    reply = send(
        store.url,
        "PUT",
        "/store?graph=http%3A%2F%2Fx%2Fg",
        {"Content-Type": "text/turtle"},
        b"<http://x/s> <http://x/p> 1 .",
    )
    assert reply.status == 401, reply.describe()
    assert send(store.url, "GET", "/store?graph=http%3A%2F%2Fx%2Fg").status == 404


def test_direct_identification_uses_the_url_as_sent(store: Server) -> None:
    """The graph IRI is the request URL with its percent-encoding: ``a%2Fb`` is not ``a/b``,
    and ``a%20b`` is a valid graph, not a base IRI with a space (it used to give 400, then 500)."""
    headers = {**AUTH, "Content-Type": "application/n-triples"}
    for path, obj in (("/store/a%2Fb", b'"1"'), ("/store/a/b", b'"2"'), ("/store/a%20b", b'"3"')):
        reply = send(store.url, "PUT", path, headers, b"<http://x/s> <http://x/p> " + obj + b" .")
        assert reply.status == 201, f"{path}: {reply.describe()}"
    for path, graph in (
        ("/store/a%2Fb", "a%2Fb"),
        ("/store/a/b", "a/b"),
        ("/store/a%20b", "a%20b"),
    ):
        reply = send(store.url, "GET", path, {"Accept": "application/n-triples"})
        assert reply.status == 200, f"{path}: {reply.describe()}"
        iri = f"{store.url}/store/{graph}"
        same = send(
            store.url,
            "GET",
            "/store?graph=" + iri.replace("%", "%25"),
            {"Accept": "application/n-triples"},
        )
        assert same.status == 200 and same.body == reply.body, f"{iri}: {same.describe()}"
