"""A store published before 2026-11 (every contribution's PROV in one graph) is split into a
graph per contribution when the app starts, before any request reads it."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from tests.conftest import copy_data_dir, make_settings
from uikg.api.app import create_app
from uikg.graph.store.embedded import EmbeddedStore

BASE = "https://w3id.org/uikg/"
PROV = "http://www.w3.org/ns/prov#"
C = f"{BASE}id/contribution/20250101T000000-0123456789ab"
LEGACY = f"{BASE}graph/contributions"
OWN = f"{BASE}graph/provenance/contribution/20250101T000000-0123456789ab"


def ask(app: TestClient, query: str) -> bool:
    reply = app.get(
        "/sparql", params={"query": query}, headers={"Accept": "application/sparql-results+json"}
    )
    assert reply.status_code == 200, reply.text
    return bool(reply.json()["boolean"])


def test_the_app_splits_the_legacy_provenance_graph_at_start(
    built_dir: Path, tmp_path: Path
) -> None:
    data_dir = copy_data_dir(built_dir, tmp_path)
    with EmbeddedStore(data_dir / "store") as store:
        store.update(
            f"""INSERT DATA {{ GRAPH <{LEGACY}> {{
              <{C}> <{PROV}wasAttributedTo> <{BASE}id/contributor/ngo> ;
                <{PROV}generatedAtTime> "2025-01-01T00:00:00Z"^^<http://www.w3.org/2001/XMLSchema#dateTime> ;
                <http://purl.org/dc/terms/subject> <{BASE}id/city/gdansk> .
              <{C}/acceptance> <{PROV}used> <{C}> ;
                <{PROV}generated> <{BASE}graph/published/contribution/20250101T000000-0123456789ab> ;
                <{PROV}wasAssociatedWith> <{BASE}id/contributor/ed> ;
                <{PROV}endedAtTime> "2025-01-02T00:00:00Z"^^<http://www.w3.org/2001/XMLSchema#dateTime> .
              <{BASE}id/contributor/ngo> a <{PROV}Agent> .
            }} }}"""
        )
    with TestClient(create_app(make_settings(data_dir))) as app:
        assert not ask(app, f"ASK {{ GRAPH <{LEGACY}> {{ ?s ?p ?o }} }}")
        assert ask(app, f"ASK {{ GRAPH <{OWN}> {{ <{C}/acceptance> <{PROV}used> <{C}> }} }}")
        assert ask(app, f"ASK {{ GRAPH <{OWN}> {{ <{BASE}id/contributor/ngo> a <{PROV}Agent> }} }}")
        history = app.get("/history", params={"resource": f"{BASE}id/city/gdansk"}).json()
        assert [h["contribution"] for h in history["contributions"]] == [C]
