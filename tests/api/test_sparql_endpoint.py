"""Endpoint behaviour beyond the W3C manifests: limits, streaming, headers, dataset rules."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tests.conftest import make_settings
from uikg.api.app import create_app

JSON = {"Accept": "application/sparql-results+json"}


@pytest.fixture
def small(tmp_path: Path, auth: dict[str, str]) -> Iterator[TestClient]:
    settings = make_settings(tmp_path, max_result_rows=5)
    with TestClient(create_app(settings)) as client:
        rows = " ".join(f"<http://ex/s{i}> <http://ex/p> {i} ." for i in range(20))
        client.post(
            "/sparql/update",
            data={"update": f"INSERT DATA {{ GRAPH <http://ex/g> {{ {rows} }} }}"},
            headers=auth,
        )
        yield client


def test_row_limit_is_applied_and_announced(small: TestClient) -> None:
    response = small.get("/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o }"}, headers=JSON)
    assert response.status_code == 200
    assert len(response.json()["results"]["bindings"]) == 5
    assert response.headers["UIKG-Result-Limit"] == "5"
    assert response.headers["UIKG-Result-Truncated"] == "true"
    assert response.headers["Vary"] == "Accept"


def test_large_results_stream_complete(client: TestClient, auth: dict[str, str]) -> None:
    rows = " ".join(f'<http://ex/s{i}> <http://ex/p> "{"x" * 50}{i}" .' for i in range(3000))
    client.post("/sparql/update", data={"update": f"INSERT DATA {{ {rows} }}"}, headers=auth)
    response = client.get(
        "/sparql",
        params={"query": "SELECT ?s ?o WHERE { ?s ?p ?o }"},
        headers={"Accept": "text/csv"},
    )
    assert response.status_code == 200
    assert "content-length" not in response.headers  # streamed, not buffered
    assert len(list(csv.reader(io.StringIO(response.text)))) == 3001


def test_from_clause_narrows_the_union(client: TestClient, auth: dict[str, str]) -> None:
    client.post(
        "/sparql/update",
        data={
            "update": "INSERT DATA { GRAPH <http://ex/a> { <http://ex/x> <http://ex/p> 1 } "
            "GRAPH <http://ex/b> { <http://ex/y> <http://ex/p> 2 } }"
        },
        headers=auth,
    )
    union = client.get("/sparql", params={"query": "SELECT ?s WHERE { ?s ?p ?o }"}, headers=JSON)
    assert len(union.json()["results"]["bindings"]) == 2
    narrowed = client.get(
        "/sparql", params={"query": "SELECT ?s FROM <http://ex/a> WHERE { ?s ?p ?o }"}, headers=JSON
    )
    assert [b["s"]["value"] for b in narrowed.json()["results"]["bindings"]] == ["http://ex/x"]
    protocol = client.get(
        "/sparql",
        params={
            "query": "SELECT ?s FROM <http://ex/a> WHERE { ?s ?p ?o }",
            "default-graph-uri": "http://ex/b",
        },
        headers=JSON,
    )
    assert [b["s"]["value"] for b in protocol.json()["results"]["bindings"]] == ["http://ex/y"]


def test_writes_are_visible_to_the_next_query(client: TestClient, auth: dict[str, str]) -> None:
    for i in range(3):
        client.post(
            "/sparql/update",
            data={"update": f"INSERT DATA {{ <http://ex/n{i}> <http://ex/p> {i} }}"},
            headers=auth,
        )
        response = client.get(
            "/sparql", params={"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"}, headers=JSON
        )
        assert response.json()["results"]["bindings"][0]["n"]["value"] == str(i + 1)


def test_bad_dataset_iri_is_a_400(client: TestClient) -> None:
    response = client.get("/sparql", params={"query": "ASK {}", "default-graph-uri": "not an iri"})
    assert response.status_code == 400
    assert "default-graph-uri" in response.json()["detail"]


def test_syntax_error_gives_line_and_column(client: TestClient) -> None:
    response = client.post(
        "/sparql",
        content="SELECT *\nWHERE { ?s ?p }",
        headers={"Content-Type": "application/sparql-query"},
    )
    assert response.status_code == 400
    body = response.json()
    assert body["line"] == 2 and 14 <= body["column"] <= 16  # at the closing brace
