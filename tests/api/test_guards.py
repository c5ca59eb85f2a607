"""The endpoint's guards, each exercised over real HTTP against a ``uikg serve`` process."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.conftest import ADMIN_TOKEN
from tests.support.records import Listener
from tests.support.servers import Server, start_uikg

pytestmark = pytest.mark.server

AUTH = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
HEAVY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n1 ?o }"
CHEAP = "ASK { ?s ?p ?o }"
JSON = {"Accept": "application/sparql-results+json"}


def seed(url: str, count: int = 120) -> None:
    rows = " ".join(f"<http://ex/s{i}> <http://ex/p> {i} ." for i in range(count))
    response = httpx.post(
        f"{url}/sparql/update",
        data={"update": f"INSERT DATA {{ GRAPH <http://ex/g> {{ {rows} }} }}"},
        headers=AUTH,
    )
    assert response.status_code == 204, response.text


def count(url: str) -> int:
    response = httpx.get(
        f"{url}/sparql",
        params={"query": "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"},
        headers=JSON,
    )
    return int(response.json()["results"]["bindings"][0]["n"]["value"])


@pytest.fixture(scope="module")
def server(live_server: Server) -> Server:
    seed(live_server.url)
    return live_server


@pytest.fixture
def listener() -> Iterator[Listener]:
    probe = Listener()
    yield probe
    probe.close()


def test_time_limit_stops_query_and_answers_within_limit(server: Server) -> None:
    started = time.monotonic()
    response = httpx.get(f"{server.url}/sparql", params={"query": HEAVY}, headers=JSON, timeout=30)
    elapsed = time.monotonic() - started
    assert response.status_code == 503
    assert "time" in response.json()["detail"]
    assert elapsed < 3 + 1.5  # the limit is 3 s; the answer comes within about a second of it
    assert httpx.get(f"{server.url}/sparql", params={"query": CHEAP}, headers=JSON).json()[
        "boolean"
    ]


def test_deeply_nested_query_is_refused_before_parsing(server: Server) -> None:
    query = "SELECT * WHERE " + "{" * 2500 + "}" * 2500
    response = httpx.post(
        f"{server.url}/sparql", content=query, headers={"Content-Type": "application/sparql-query"}
    )
    assert response.status_code == 400
    assert "nests groups deeper" in response.json()["detail"]
    assert server.alive()


def test_huge_filter_is_refused(server: Server) -> None:
    query = "ASK { FILTER(" + " || ".join(["true"] * 10_000) + ") }"
    response = httpx.post(
        f"{server.url}/sparql", content=query, headers={"Content-Type": "application/sparql-query"}
    )
    assert response.status_code in (400, 413)
    assert server.alive()


@pytest.fixture(scope="module", params=["memory", "disk"])
def unguarded(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Server]:
    """A server whose operator lifted the nesting and size limits: the engine itself crashes.

    Once with workers forked over the in-memory copy, once with workers over the on-disk
    snapshot (what answers while a new copy loads).
    """
    server = start_uikg(
        tmp_path_factory.mktemp("unguarded"),
        tmp_path_factory.mktemp("logs"),
        admin_token=ADMIN_TOKEN,
        query_timeout_s="3",
        query_in_memory=str(request.param == "memory").lower(),
        max_query_nesting="1000000",
        max_query_bytes="10000000",
        max_body_bytes="10000000",
    )
    seed(server.url)
    server.wait_for_queries_on(request.param)
    yield server
    server.stop()


def test_time_limit_holds_on_each_kind_of_worker(unguarded: Server) -> None:
    started = time.monotonic()
    response = httpx.get(
        f"{unguarded.url}/sparql", params={"query": HEAVY}, headers=JSON, timeout=30
    )
    assert response.status_code == 503
    assert time.monotonic() - started < 3 + 1.5
    assert count(unguarded.url) == 120  # the replacement worker answers


def test_engine_crash_costs_one_query_not_the_server(unguarded: Server) -> None:
    query = "SELECT * WHERE " + "{" * 5000 + "}" * 5000
    response = httpx.post(
        f"{unguarded.url}/sparql",
        content=query,
        headers={"Content-Type": "application/sparql-query"},
        timeout=30,
    )
    assert response.status_code == 500
    assert "crashed" in response.json()["detail"]
    assert unguarded.alive()
    for _ in range(3):  # the replaced worker and its siblings keep answering
        ok = httpx.get(f"{unguarded.url}/sparql", params={"query": "ASK {}"}, headers=JSON)
        assert ok.status_code == 200 and ok.json()["boolean"] is True


def test_service_is_refused_and_nothing_is_fetched(server: Server, listener: Listener) -> None:
    query = f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{listener.port}/sparql> {{ ?s ?p ?o }} }}"
    response = httpx.get(f"{server.url}/sparql", params={"query": query}, headers=JSON)
    assert response.status_code == 400
    assert "SERVICE" in response.json()["detail"]
    time.sleep(0.3)
    assert listener.connections == 0


def test_load_is_refused_and_nothing_is_fetched(server: Server, listener: Listener) -> None:
    before = count(server.url)
    response = httpx.post(
        f"{server.url}/sparql/update",
        data={"update": f"LOAD <http://127.0.0.1:{listener.port}/data.ttl>"},
        headers=AUTH,
    )
    assert response.status_code == 400
    assert "LOAD" in response.json()["detail"]
    time.sleep(0.3)
    assert listener.connections == 0
    assert count(server.url) == before


@pytest.mark.parametrize(
    ("data", "content_type"),
    [
        ({"update": "INSERT DATA { <http://ex/x> <http://ex/p> 1 }"}, None),
        ({"query": "INSERT DATA { <http://ex/x> <http://ex/p> 1 }"}, None),
        ("DROP ALL", "application/sparql-query"),
        ("DROP ALL", "application/sparql-update"),
    ],
)
def test_updates_are_refused_on_the_query_endpoint(
    server: Server, data: object, content_type: str | None
) -> None:
    before = count(server.url)
    if content_type is None:
        response = httpx.post(f"{server.url}/sparql", data=data, headers=AUTH)  # type: ignore[arg-type]
    else:
        response = httpx.post(
            f"{server.url}/sparql",
            content=data,
            headers={**AUTH, "Content-Type": content_type},  # type: ignore[arg-type]
        )
    assert 400 <= response.status_code < 500
    assert count(server.url) == before


def test_oversized_body_is_refused(server: Server) -> None:
    body = "ASK { " + "?s ?p ?o . " * 200_000 + "}"  # over 2 MB; the default cap is 1 MiB
    response = httpx.post(
        f"{server.url}/sparql", content=body, headers={"Content-Type": "application/sparql-query"}
    )
    assert response.status_code == 413
    assert "limit" in response.json()["detail"]


def test_oversized_chunked_body_is_refused(server: Server) -> None:
    def chunks() -> Iterator[bytes]:
        yield b"ASK { "
        for _ in range(300):
            yield b"?s ?p ?o . " * 1000
        yield b"}"

    response = httpx.post(
        f"{server.url}/sparql",
        content=chunks(),
        headers={"Content-Type": "application/sparql-query"},
    )
    assert response.status_code == 413


@pytest.mark.parametrize(
    ("headers", "status"),
    [
        ({}, 401),
        ({"Authorization": "Bearer wrong-token"}, 401),
        ({"Authorization": "Basic eDp5"}, 401),
    ],
)
def test_writes_need_the_token(server: Server, headers: dict[str, str], status: int) -> None:
    before = count(server.url)
    response = httpx.post(
        f"{server.url}/sparql/update", data={"update": "DROP ALL"}, headers=headers
    )
    assert response.status_code == status
    assert response.headers["www-authenticate"].startswith("Bearer")
    put = httpx.put(
        f"{server.url}/store",
        params={"graph": "http://ex/g"},
        content=b"<http://ex/a> <http://ex/b> <http://ex/c> .",
        headers={**headers, "Content-Type": "application/n-triples"},
    )
    assert put.status_code == status
    assert count(server.url) == before


def test_reads_stay_public(server: Server) -> None:
    assert httpx.get(f"{server.url}/store", params={"graph": "http://ex/g"}).status_code == 200
    assert httpx.get(f"{server.url}/sparql", params={"query": CHEAP}).status_code == 200


def test_writes_are_off_without_a_configured_token(tmp_path: Path) -> None:
    from fastapi.testclient import TestClient

    from uikg.api.app import create_app
    from uikg.graph.settings import Settings

    with TestClient(create_app(Settings(data_dir=tmp_path))) as client:
        response = client.post("/sparql/update", data={"update": "DROP ALL"}, headers=AUTH)
        assert response.status_code == 403
        assert "disabled" in response.json()["detail"]
