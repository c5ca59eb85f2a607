"""A contributor adds a policy document the sources do not have, with its own evidence unit;
a curator accepts it; it is then in the REST API, on its page with its evidence, and in SPARQL."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tests.conftest import REPO, copy_data_dir, make_settings
from uikg.api.app import create_app

RECORD = (REPO / "tests/data/new-strategy.ttl").read_bytes()
DOCUMENT = "https://w3id.org/uikg/id/document/lublin-integration-strategy-2024"
CONTRIBUTOR = {"Authorization": "Bearer contributor-token-0123456789abcdef"}
CURATOR = {"Authorization": "Bearer curator-token-0123456789abcdef0"}


@pytest.fixture
def app(built_dir: Path, tmp_path: Path) -> Iterator[TestClient]:
    settings = make_settings(
        copy_data_dir(built_dir, tmp_path),
        tokens="ngo:contributor:contributor-token-0123456789abcdef,"
        "ed:curator:curator-token-0123456789abcdef0",
    )
    with TestClient(create_app(settings)) as client:
        yield client


def test_new_document_with_its_own_evidence_is_published(app: TestClient) -> None:
    check = app.post("/validate", content=RECORD, headers={"Content-Type": "text/turtle"})
    assert check.status_code == 200 and check.json()["conforms"] is True
    submitted = app.post(
        "/contributions", content=RECORD, headers={**CONTRIBUTOR, "Content-Type": "text/turtle"}
    )
    assert submitted.status_code == 201, submitted.text
    location = submitted.headers["location"]
    lublin = {"city": "https://w3id.org/uikg/id/city/lublin"}
    assert DOCUMENT not in {
        n["id"] for n in app.get("/api/v1/documents", params=lublin).json()["@graph"]
    }

    accepted = app.post(f"{location}/accept", headers=CURATOR)
    assert accepted.status_code in (200, 204), accepted.text

    documents = {n["id"] for n in app.get("/api/v1/documents", params=lublin).json()["@graph"]}
    assert DOCUMENT in documents
    page = app.get("/doc/id/document/lublin-integration-strategy-2024.html").text
    assert "Lublin integration strategy" in page and "Lublin strategy page, paragraph 1" in page
    ask = app.get(
        "/sparql",
        params={"query": f"ASK {{ <{DOCUMENT}> a <https://w3id.org/uikg/ontology#Strategy> }}"},
        headers={"Accept": "application/sparql-results+json"},
    )
    assert ask.json()["boolean"] is True  # the defined class, inferred on acceptance
