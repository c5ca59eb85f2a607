"""A contributor adds a policy document the sources do not have, with its own evidence unit;
a curator accepts it; it is then in the REST API, on its page with its evidence, and in SPARQL."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tests.conftest import REPO
from tests.support.apps import CONTRIBUTOR, CURATOR, app_on_copy

RECORD = (REPO / "tests/data/new-strategy.ttl").read_bytes()
DOCUMENT = "https://w3id.org/uikg/id/document/lublin-integration-strategy-2024"


@pytest.fixture
def app(built_dir: Path, tmp_path: Path) -> Iterator[TestClient]:
    with app_on_copy(built_dir, tmp_path) as client:
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
    # Pointers are named in words: the source by its address, the contribution by its day.
    assert '<a href="https://example.org/lublin/strategy">example.org/lublin/strategy</a>' in page
    contribution_id = location.rsplit("/", 1)[1]
    assert f">{contribution_id}<" not in page and ">contributions<" not in page
    assert ">provenance of the contribution of " in page
    assert (
        ">contribution of " in page and ">derived by the reasoner from the contribution of" in page
    )
    polish = app.get("/doc/id/document/lublin-integration-strategy-2024.html?lang=pl").text
    assert ">pochodzenie zgłoszenia z " in polish
    assert ">zgłoszenie z " in polish and ">wyprowadzone automatycznie ze zgłoszenia z " in polish
    ask = app.get(
        "/sparql",
        params={"query": f"ASK {{ <{DOCUMENT}> a <https://w3id.org/uikg/ontology#Strategy> }}"},
        headers={"Accept": "application/sparql-results+json"},
    )
    assert ask.json()["boolean"] is True  # the defined class, inferred on acceptance


UIKG = "https://w3id.org/uikg/ontology#"
PROV = "http://www.w3.org/ns/prov#"
PROVENANCE = "https://w3id.org/uikg/graph/provenance/contribution/"
UNIT = "https://w3id.org/uikg/graph/evidence/lublin-strategy-webpage/p1"
FN33 = "https://w3id.org/uikg/graph/evidence/article/fn33"
PLAN = "https://w3id.org/uikg/id/document/lublin-welcome-plan-2025"


def plan(label: str) -> bytes:
    """A draft that cites a passage the curated graph already has (article, footnote 33)."""
    return f"""
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix dct: <http://purl.org/dc/terms/> .
@prefix uikg: <{UIKG}> .
<{PLAN}> a uikg:PolicyDocument ; rdfs:label "{label}"@en ;
    uikg:documentKind <https://w3id.org/uikg/id/concept/document-kind/action-plan> ;
    uikg:status <https://w3id.org/uikg/id/concept/document-status/draft> ;
    uikg:governanceLevel <https://w3id.org/uikg/id/concept/governance-level/local> ;
    uikg:jurisdiction <https://w3id.org/uikg/id/city/lublin> ;
    uikg:evidence <{FN33}> ;
    dct:source <https://example.org/lublin/plan> .
""".encode()


def select(app: TestClient, query: str) -> list[dict[str, str]]:
    response = app.get(
        "/sparql", params={"query": query}, headers={"Accept": "application/sparql-results+json"}
    )
    assert response.status_code == 200, response.text
    rows = response.json()["results"]["bindings"]
    return [{name: cell["value"] for name, cell in row.items()} for row in rows]


def accept(app: TestClient, record: bytes, **params: str) -> str:
    submitted = app.post(
        "/contributions",
        content=record,
        params=params,
        headers={**CONTRIBUTOR, "Content-Type": "text/turtle"},
    )
    assert submitted.status_code == 201, submitted.text
    cid = submitted.json()["id"]
    accepted = app.post(
        f"/contributions/{cid}/accept", headers=CURATOR, json={"reason": "matches the source"}
    )
    assert accepted.status_code == 200, accepted.text
    return str(submitted.json()["iri"])


def test_statements_keep_the_evidence_the_contributor_chose_and_prov_says_who(
    app: TestClient,
) -> None:
    contribution = accept(app, RECORD)
    graphs = {
        row["g"]
        for row in select(app, f"SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ <{DOCUMENT}> ?p ?o }} }}")
    }
    inferred = {g for g in graphs if g.startswith("https://w3id.org/uikg/graph/inferred/")}
    assert graphs - inferred == {UNIT}, "the record's statements are in the unit it names"
    [evidence] = select(
        app,
        f"SELECT ?work ?locator WHERE {{ GRAPH ?g {{ <{DOCUMENT}> <{UIKG}adoptionDate> ?d }} "
        f"?g <{UIKG}evidenceFrom> ?work ; <{UIKG}locator> ?locator }}",
    )
    assert evidence == {
        "work": "https://w3id.org/uikg/id/work/lublin-strategy-webpage",
        "locator": "p1",
    }
    [prov] = select(
        app,
        f"""SELECT ?contributor ?submission ?submitted ?curator ?accepted ?graph WHERE {{
          GRAPH <{PROVENANCE}{contribution.rsplit("/", 1)[-1]}> {{
            <{contribution}> <{PROV}wasAttributedTo> ?contributor ;
              <{PROV}wasGeneratedBy> ?submission ; <{PROV}generatedAtTime> ?submitted .
            ?submission <{PROV}wasAssociatedWith> ?contributor ; <{PROV}endedAtTime> ?submitted .
            ?acceptance <{PROV}used> <{contribution}> ; <{PROV}wasAssociatedWith> ?curator ;
              <{PROV}endedAtTime> ?accepted .
            ?graph <{PROV}wasInfluencedBy> ?acceptance .
          }} }}""",
    )
    assert prov["contributor"].endswith("/id/contributor/ngo")
    assert prov["curator"].endswith("/id/contributor/ed")
    assert prov["submission"] == f"{contribution}/event/1"
    assert prov["submitted"] <= prov["accepted"] and prov["graph"] == UNIT
    history = app.get("/history", params={"resource": DOCUMENT}).json()["contributions"]
    assert [h["contribution"] for h in history] == [contribution]


def test_an_existing_unit_gets_the_statements_and_a_revision_retracts_only_them(
    app: TestClient,
) -> None:
    count = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{FN33}> {{ ?s ?p ?o }} }}"
    curated = int(select(app, count)[0]["n"])
    first = accept(app, plan("Lublin welcome plan"))
    label = f"SELECT ?g ?l WHERE {{ GRAPH ?g {{ <{PLAN}> <{RDFS_LABEL}> ?l }} }}"
    assert select(app, label) == [{"g": FN33, "l": "Lublin welcome plan"}]
    assert int(select(app, count)[0]["n"]) == curated + 8
    cid = first.rsplit("/", 1)[-1]
    accept(app, plan("Lublin plan for newcomers"), supersedes=cid)
    assert select(app, label) == [{"g": FN33, "l": "Lublin plan for newcomers"}]
    assert int(select(app, count)[0]["n"]) == curated + 8  # the curated passage is intact
    assert app.get(f"/contributions/{cid}", headers=CURATOR).json()["status"] == "superseded"


RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
