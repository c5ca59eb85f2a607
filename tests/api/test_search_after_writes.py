"""Search follows every kind of write at once: the label index reads again the graphs a write
named (an accepted contribution, a Graph Store write) and everything after a SPARQL Update."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tests.conftest import ADMIN_TOKEN
from tests.support import records
from tests.support.apps import CONTRIBUTOR, CURATOR, app_on_copy

ADMIN = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
BASE = "https://w3id.org/uikg/"


@pytest.fixture
def app(built_dir: Path, tmp_path: Path) -> Iterator[TestClient]:
    with app_on_copy(built_dir, tmp_path) as client:
        yield client


def found(app: TestClient, words: str) -> set[str]:
    reply = app.get("/search", params={"q": words}, headers={"Accept": "application/json"})
    assert reply.status_code == 200, reply.text
    return {hit["iri"].rsplit("/", 1)[-1] for hit in reply.json()}


def test_search_sees_each_write_as_soon_as_it_is_answered(app: TestClient) -> None:
    assert found(app, "gdansk") and not found(app, "gorzow")  # the index, built once
    sent = app.post(
        "/contributions",
        content=records.city("gorzow", "Gorzów Wielkopolski"),
        headers={**CONTRIBUTOR, "Content-Type": "text/turtle"},
    )
    assert sent.status_code == 201, sent.text
    assert not found(app, "gorzow")  # pending: not published
    assert app.post(f"{sent.headers['location']}/accept", headers=CURATOR).status_code == 200
    assert found(app, "gorzow") == {"gorzow"}

    scratch = {"graph": f"{BASE}graph/scratch"}
    label = "<http://www.w3.org/2000/01/rdf-schema#label>"

    def put(text: str) -> int:
        """The scratch graph replaced by one label of thing x (Graph Store PUT)."""
        return app.put(
            "/store",
            params=scratch,
            content=f"<{BASE}id/thing/x> {label} {text} .".encode(),
            headers={**ADMIN, "Content-Type": "text/turtle"},
        ).status_code

    assert put('"Kalisz"@pl') == 201
    assert found(app, "kalisz") == {"x"}
    assert put('"Calisia"@la') == 204
    assert not found(app, "kalisz") and found(app, "calisia") == {"x"}
    assert app.delete("/store", params=scratch, headers=ADMIN).status_code == 204
    assert not found(app, "calisia")

    update = app.post(
        "/sparql/update",
        data={"update": f'INSERT DATA {{ <{BASE}id/thing/y> {label} "Elbląg"@pl }}'},
        headers=ADMIN,
    )
    assert update.status_code == 204
    assert found(app, "elblag") == {"y"} and found(app, "gorzow") == {"gorzow"}


def test_the_index_is_built_before_the_first_search(app: TestClient) -> None:
    """At start (once the engine has loaded), not in the first search's time limit: that
    search reads nothing."""
    service = app.app.state.service  # type: ignore[attr-defined]
    assert service.labels_indexed.wait(60)
    reads: list[str] = []
    query = service.reader.query

    def counting(sparql: str, **options: object) -> object:
        reads.append(sparql)
        return query(sparql, **options)

    service.reader.query = counting
    assert found(app, "gdansk")
    assert reads == []


def reconciled(app: TestClient, name: str) -> set[str]:
    """The things reconciliation proposes for a name (OpenRefine's request)."""
    reply = app.post("/reconcile", data={"queries": json.dumps({"q0": {"query": name}})})
    assert reply.status_code == 200, reply.text
    return {hit["id"].rsplit("/", 1)[-1] for hit in reply.json()["q0"]["result"]}


def test_reconciliation_sees_each_write_as_soon_as_it_is_answered(app: TestClient) -> None:
    """Its index, too, reads again only the graphs a write named (everything after an update)."""
    assert "gdansk" in reconciled(app, "Gdańsk") and not reconciled(app, "Gorzów Wielkopolski")
    sent = app.post(
        "/contributions",
        content=records.city("gorzow", "Gorzów Wielkopolski"),
        headers={**CONTRIBUTOR, "Content-Type": "text/turtle"},
    )
    assert app.post(f"{sent.headers['location']}/accept", headers=CURATOR).status_code == 200
    assert "gorzow" in reconciled(app, "Gorzów Wielkopolski")

    scratch = {"graph": f"{BASE}graph/scratch"}
    label = "<http://www.w3.org/2000/01/rdf-schema#label>"
    replaced = app.put(
        "/store",
        params=scratch,
        content=f'<{BASE}id/city/gorzow> {label} "Landsberg an der Warthe"@de .'.encode(),
        headers={**ADMIN, "Content-Type": "text/turtle"},
    )
    assert replaced.status_code == 201
    assert "gorzow" in reconciled(app, "Landsberg an der Warthe")  # named in two graphs now
    assert app.delete("/store", params=scratch, headers=ADMIN).status_code == 204
    assert "gorzow" not in reconciled(app, "Landsberg an der Warthe")
    assert "gorzow" in reconciled(app, "Gorzów Wielkopolski")

    update = app.post(
        "/sparql/update",
        data={"update": f'INSERT DATA {{ <{BASE}id/city/elblag> {label} "Elbląg"@pl }}'},
        headers=ADMIN,
    )
    assert update.status_code == 204
    assert "elblag" in reconciled(app, "Elbląg")
