"""Cross-origin reads over real HTTP: ``*`` on public reads and their preflights, nothing for
writes, contributions or requests that carry a token."""

from __future__ import annotations

import httpx
import pytest

from tests.conftest import ADMIN_TOKEN
from tests.support.servers import Server

ORIGIN = {"Origin": "https://city.example"}


def preflight(server: Server, path: str, method: str, headers: str = "") -> httpx.Response:
    asked = {"Access-Control-Request-Method": method, **ORIGIN}
    if headers:
        asked["Access-Control-Request-Headers"] = headers
    return httpx.options(server.url + path, headers=asked, timeout=30)


@pytest.mark.parametrize(
    "path",
    [
        "/sparql?query=ASK%7B%7D",
        "/doc/id/city/gdansk.ttl",
        "/id/city/gdansk",
        "/api/v1/cities",
        "/reconcile",
        "/.well-known/void",
        "/dumps/uikg.ttl.gz",
        "/store?graph=https://w3id.org/uikg/graph/ontology/schemes/policy-areas",
    ],
)
def test_public_reads_allow_any_origin(built_server: Server, path: str) -> None:
    response = httpx.get(built_server.url + path, headers=ORIGIN, timeout=60)
    assert response.status_code in (200, 303), response.text[:200]
    assert response.headers["access-control-allow-origin"] == "*"
    assert "access-control-allow-credentials" not in response.headers
    assert "ETag" in response.headers["access-control-expose-headers"]


def test_preflights_for_reads_are_answered(built_server: Server) -> None:
    for path, method in (
        ("/sparql", "POST"),
        ("/reconcile", "POST"),
        ("/doc/id/city/gdansk", "GET"),
    ):
        response = preflight(built_server, path, method, "content-type, if-none-match")
        assert response.status_code == 204, path
        assert response.headers["access-control-allow-origin"] == "*"
        assert method in response.headers["access-control-allow-methods"]
        assert "content-type" in response.headers["access-control-allow-headers"]
        assert "access-control-allow-credentials" not in response.headers
    posted = httpx.post(
        built_server.url + "/sparql",
        content="ASK { ?s ?p ?o }",
        headers={"Content-Type": "application/sparql-query", **ORIGIN},
        timeout=30,
    )
    assert posted.status_code == 200
    assert posted.headers["access-control-allow-origin"] == "*"


@pytest.mark.parametrize(
    ("path", "method", "headers"),
    [
        ("/sparql/update", "POST", "authorization, content-type"),
        ("/store", "PUT", "authorization, content-type"),
        ("/store", "DELETE", "authorization"),
        ("/contributions", "POST", "authorization, content-type"),
        ("/contributions/abc/accept", "POST", "authorization"),
        ("/sparql", "POST", "authorization"),  # a read, but never with a token
    ],
)
def test_writes_and_tokens_are_refused_cross_origin(
    built_server: Server, path: str, method: str, headers: str
) -> None:
    response = preflight(built_server, path, method, headers)
    assert response.status_code == 403
    assert "access-control-allow-origin" not in response.headers
    assert "cross-origin" in response.json()["detail"]


def test_answers_to_writes_and_tokens_carry_no_cors(built_server: Server) -> None:
    update = httpx.post(
        built_server.url + "/sparql/update",
        data={"update": "INSERT DATA { GRAPH <urn:x> { <urn:a> <urn:b> <urn:c> } }"},
        headers=ORIGIN,
        timeout=30,
    )
    assert update.status_code == 401
    assert "access-control-allow-origin" not in update.headers
    mine = httpx.get(
        built_server.url + "/doc/id/city/gdansk.ttl",
        headers={**ORIGIN, "Authorization": f"Bearer {ADMIN_TOKEN}"},
        timeout=30,
    )
    assert mine.status_code == 200
    assert "access-control-allow-origin" not in mine.headers
    listing = httpx.get(built_server.url + "/contributions", headers=ORIGIN, timeout=30)
    assert "access-control-allow-origin" not in listing.headers


def test_the_same_answer_for_every_origin(built_server: Server) -> None:
    """A shared cache may hand a same-origin copy to a page elsewhere: it must allow it too."""
    plain = httpx.get(built_server.url + "/doc/id/city/gdansk.ttl", timeout=30)
    assert plain.headers["access-control-allow-origin"] == "*"
    assert "origin" not in plain.headers.get("vary", "").lower()


def test_a_refused_preflight_is_a_problem_document_whatever_the_path(built_server: Server) -> None:
    response = preflight(built_server, '/contributions/"quoted"', "DELETE")
    assert response.status_code == 403
    assert '"quoted"' in response.json()["detail"]
