"""The Reconciliation Service API over real HTTP, checked against the spec's own JSON schemas
(tests/data/reconciliation-0.2, copied from the W3C community group's repository), with the
requests OpenRefine sends."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import jsonschema
import pytest
from fastapi.testclient import TestClient
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT7

from tests.conftest import REPO, Site, make_settings
from uikg.api.app import create_app

SCHEMAS = REPO / "tests" / "data" / "reconciliation-0.2"
UIKG = "https://w3id.org/uikg/ontology#"


def _registry() -> Registry:
    """The schemas by their ``$id``, so that ``type.json`` references resolve offline."""
    resources = []
    for path in SCHEMAS.glob("*.json"):
        schema = json.loads(path.read_text(encoding="utf-8"))
        resources.append((schema["$id"], Resource.from_contents(schema, DRAFT7)))
    return Registry().with_resources(resources)


REGISTRY = _registry()


def check(instance: Any, schema_name: str) -> None:
    """Validate against one of the spec's schemas (Draft 7, references resolved locally)."""
    schema = json.loads((SCHEMAS / f"{schema_name}.json").read_text(encoding="utf-8"))
    validator = jsonschema.Draft7Validator(schema, registry=REGISTRY)
    errors = sorted(validator.iter_errors(instance), key=lambda e: list(e.path))
    assert not errors, [f"{list(e.path)}: {e.message}" for e in errors]


@pytest.fixture(scope="module")
def web(site: Site) -> httpx.Client:
    return httpx.Client(base_url=site.server.url, timeout=60)


def reconcile(web: httpx.Client, batch: dict[str, Any], method: str = "POST") -> dict[str, Any]:
    check(batch, "reconciliation-query-batch")  # the request is one a client may send
    if method == "POST":
        response = web.post("/reconcile", data={"queries": json.dumps(batch)})
    else:
        response = web.get("/reconcile", params={"queries": json.dumps(batch)})
    assert response.status_code == 200, response.text
    answer = response.json()
    check(answer, "reconciliation-result-batch")
    assert set(answer) == set(batch)
    return answer  # type: ignore[no-any-return]


def test_manifest_validates_and_points_at_this_server(web: httpx.Client, site: Site) -> None:
    response = web.get("/reconcile")
    assert response.status_code == 200
    manifest = response.json()
    check(manifest, "manifest")
    assert manifest["versions"] == ["0.2"]
    assert manifest["identifierSpace"] == site.id
    assert manifest["schemaSpace"] == UIKG
    assert {t["id"] for t in manifest["defaultTypes"]} >= {UIKG + "City", UIKG + "PolicyDocument"}
    for key in ("view", "preview"):
        assert manifest[key]["url"].startswith(site.server.url)
    for kind in ("entity", "type", "property"):
        assert manifest["suggest"][kind]["service_url"] == site.server.url + "/reconcile"
    assert isinstance(manifest["batchSize"], int)


def test_gdansk_with_type_city_is_a_match(web: httpx.Client, site: Site) -> None:
    answer = reconcile(web, {"q0": {"query": "Gdansk", "type": UIKG + "City"}})
    best = answer["q0"]["result"][0]
    assert best["id"] == site.id + "city/gdansk"
    assert best["name"] == "Gdańsk"
    assert best["match"] is True
    assert best["score"] == 100
    assert [c for c in answer["q0"]["result"] if c["match"]] == [best]
    assert UIKG + "City" in {t["id"] for t in best["type"]}


def test_short_type_names_and_get_work_too(web: httpx.Client, site: Site) -> None:
    answer = reconcile(web, {"q0": {"query": "GDAŃSK", "type": "City"}}, method="GET")
    assert answer["q0"]["result"][0]["id"] == site.id + "city/gdansk"


def test_warszawa_finds_warsaw(web: httpx.Client, site: Site) -> None:
    answer = reconcile(web, {"q0": {"query": "Warszawa"}})
    best = answer["q0"]["result"][0]
    assert best["id"] == site.id + "city/warsaw"
    assert best["name"] == "Warsaw"
    assert best["match"] is True


def test_an_ambiguous_name_gives_candidates_without_a_match(web: httpx.Client, site: Site) -> None:
    # The Gdańsk model's Polish title names both the policy document and its web edition.
    answer = reconcile(web, {"q0": {"query": "Model integracji imigrantów"}})
    results = answer["q0"]["result"]
    ids = {c["id"] for c in results if c["score"] == 100}
    assert ids == {
        site.id + "document/gdansk-immigrant-integration-model",
        site.id + "work/gdansk-model-web",
    }
    assert not any(c["match"] for c in results)
    # a type constraint settles it
    typed = reconcile(
        web, {"q0": {"query": "Model integracji imigrantów", "type": UIKG + "PolicyDocument"}}
    )
    assert typed["q0"]["result"][0]["match"] is True
    assert typed["q0"]["result"][0]["id"] == site.id + "document/gdansk-immigrant-integration-model"


def test_property_constraints_raise_and_lower_scores(web: httpx.Client, site: Site) -> None:
    poland = {"pid": "country", "v": "Poland"}
    germany = {"pid": "country", "v": {"id": site.id + "country/germany"}}
    answer = reconcile(
        web,
        {
            "right": {"query": "Lublin", "type": "City", "properties": [poland]},
            "wrong": {"query": "Lublin", "type": "City", "properties": [germany]},
            "by-iri": {
                "query": "Lublin",
                "properties": [{"pid": UIKG + "country", "v": site.id + "country/poland"}],
            },
        },
    )
    right, wrong = answer["right"]["result"][0], answer["wrong"]["result"][0]
    assert right["id"] == wrong["id"] == site.id + "city/lublin"
    assert right["match"] is True and wrong["match"] is False
    assert wrong["score"] < right["score"]
    assert {"id": "property_0_country", "value": True} in right["features"]
    assert answer["by-iri"]["result"][0]["match"] is True


def test_documents_by_city_and_year_without_a_name(web: httpx.Client, site: Site) -> None:
    answer = reconcile(
        web,
        {
            "q0": {
                "type": UIKG + "PolicyDocument",
                "properties": [{"pid": "city", "v": "Gdańsk"}, {"pid": "year", "v": 2016}],
            }
        },
    )
    ids = [c["id"] for c in answer["q0"]["result"]]
    assert site.id + "document/gdansk-immigrant-integration-model" in ids
    assert all("gdansk" in i for i in ids)


def test_openrefine_requests(web: httpx.Client, site: Site) -> None:
    """What OpenRefine sends: a type-guessing batch of the first rows with a small limit, then
    the reconciliation with type_strict=should and the columns as properties."""
    guess = reconcile(
        web,
        {
            f"q{i}": {"query": name, "limit": 3}
            for i, name in enumerate(["Gdansk", "Bialystok", "Bonn"])
        },
    )
    assert all(len(guess[k]["result"]) <= 3 for k in guess)
    assert guess["q1"]["result"][0]["id"] == site.id + "city/bialystok"
    batch = {
        "q0": {
            "query": "Wroclaw",
            "type": UIKG + "City",
            "type_strict": "should",
            "properties": [{"pid": "country", "v": "Poland"}],
        },
        "q1": {"query": "Nowhere-on-earth", "type": UIKG + "City", "type_strict": "should"},
    }
    answer = reconcile(web, batch)
    assert answer["q0"]["result"][0]["id"] == site.id + "city/wroclaw"
    assert answer["q0"]["result"][0]["match"] is True
    assert answer["q1"]["result"] == []


def test_an_iri_as_query_finds_its_thing(web: httpx.Client, site: Site) -> None:
    answer = reconcile(web, {"q0": {"query": site.id + "city/gdansk"}})
    assert answer["q0"]["result"][0]["id"] == site.id + "city/gdansk"
    assert answer["q0"]["result"][0]["match"] is True


def test_data_extension_pulls_columns(web: httpx.Client, site: Site) -> None:
    query = {
        "ids": [site.id + "city/gdansk", site.id + "city/warsaw"],
        "properties": [
            {"id": "country"},
            {"id": "integration-model"},
            {"id": "documents"},
            {"id": "wikidata"},
            {"id": UIKG + "population"},
        ],
    }
    check(query, "data-extension-query")
    response = web.post("/reconcile", data={"extend": json.dumps(query)})
    assert response.status_code == 200, response.text
    answer = response.json()
    check(answer, "data-extension-response")
    gdansk = answer["rows"][site.id + "city/gdansk"]
    assert gdansk["country"] == [{"id": site.id + "country/poland", "name": "Poland"}]
    assert gdansk["wikidata"] == [{"str": "Q1792"}]
    assert gdansk[UIKG + "population"][0]["int"] > 400_000
    assert site.id + "document/gdansk-immigrant-integration-model" in {
        d["id"] for d in gdansk["documents"]
    }
    assert gdansk["integration-model"]
    assert answer["rows"][site.id + "city/warsaw"]["wikidata"] == [{"str": "Q270"}]
    assert [m["id"] for m in answer["meta"]] == [p["id"] for p in query["properties"]]


def test_property_proposals_and_suggest_services(web: httpx.Client, site: Site) -> None:
    proposal = web.get("/reconcile/properties", params={"type": UIKG + "City", "limit": 8}).json()
    check(proposal, "data-extension-property-proposal")
    assert {"country", "integration-model", "documents", "wikidata"} <= {
        p["id"] for p in proposal["properties"]
    }
    assert len(proposal["properties"]) <= 8

    entities = web.get("/reconcile/suggest/entity", params={"prefix": "gdan"}).json()
    check(entities, "suggest-entities-response")
    assert entities["result"][0]["id"] == site.id + "city/gdansk"
    more = web.get("/reconcile/suggest/entity", params={"prefix": "gdan", "cursor": 1}).json()
    assert more["result"][0] == entities["result"][1]

    types = web.get("/reconcile/suggest/type", params={"prefix": "cit"}).json()
    check(types, "suggest-types-response")
    assert UIKG + "City" in {t["id"] for t in types["result"]}

    properties = web.get("/reconcile/suggest/property", params={"prefix": "coun"}).json()
    check(properties, "suggest-properties-response")
    assert "country" in {p["id"] for p in properties["result"]}


def test_preview_and_view(web: httpx.Client, site: Site) -> None:
    manifest = web.get("/reconcile").json()
    iri = site.id + "city/gdansk"
    preview = web.get(manifest["preview"]["url"].replace("{{id}}", quote(iri, safe="")))
    assert preview.status_code == 200
    assert preview.headers["content-type"].startswith("text/html")
    assert "Gdańsk" in preview.text
    view = web.get(manifest["view"]["url"].replace("{{id}}", quote(iri, safe="")))
    assert view.status_code == 303
    assert view.headers["location"] == site.server.url + "/id/city/gdansk"
    page = web.get(view.headers["location"], follow_redirects=True)
    assert page.status_code == 200 and "Gdańsk" in page.text
    missing = web.get("/reconcile/preview", params={"id": site.id + "city/atlantis"})
    assert missing.status_code == 404


@pytest.mark.parametrize("name", ["empty-properties", "empty-query", "misnamed-property"])
def test_the_specs_invalid_batches_are_refused(web: httpx.Client, name: str) -> None:
    batch = (SCHEMAS / "invalid" / f"{name}.json").read_text(encoding="utf-8")
    with pytest.raises(AssertionError):
        check(json.loads(batch), "reconciliation-query-batch")
    response = web.post("/reconcile", data={"queries": batch})
    assert response.status_code == 400
    assert response.json()["detail"].startswith("queries.q")


def test_limits_are_named_in_4xx(web: httpx.Client) -> None:
    manifest = web.get("/reconcile").json()
    size = manifest["batchSize"]
    batch = {f"q{i}": {"query": "Gdansk"} for i in range(size + 1)}
    response = web.post("/reconcile", data={"queries": json.dumps(batch)})
    assert response.status_code == 413
    assert f"at most {size}" in response.json()["detail"]
    assert "UIKG_RECONCILE_MAX_BATCH" in response.json()["detail"]

    long = web.post("/reconcile", data={"queries": json.dumps({"q0": {"query": "x" * 501}})})
    assert long.status_code == 400
    assert "queries.q0.query" in long.json()["detail"]
    assert "UIKG_RECONCILE_MAX_QUERY_CHARS" in long.json()["detail"]

    for bad, where in [
        ("{not json", "queries: not valid JSON (line 1"),
        (json.dumps({"q0": {"query": "x", "type": 3}}), "queries.q0.type"),
        (json.dumps({"q0": {"query": "x", "limit": 0}}), "queries.q0.limit"),
        ('{"q0": {"query": "x", "limit": NaN}}', "queries.q0.limit"),
        ('{"q0": {"query": "x", "limit": 1e400}}', "queries.q0.limit"),
        (
            json.dumps({"q0": {"query": "x", "properties": [{"pid": "nope", "v": 1}]}}),
            "unknown property",
        ),
        (json.dumps([1, 2]), "queries: must be a JSON object"),
    ]:
        response = web.post("/reconcile", data={"queries": bad})
        assert response.status_code == 400, bad
        assert where in response.json()["detail"], response.json()

    extend = web.post(
        "/reconcile",
        data={"extend": json.dumps({"ids": ["not an iri"], "properties": [{"id": "country"}]})},
    )
    assert extend.status_code == 400
    assert "extend.ids[0]" in extend.json()["detail"]


def test_lookups_go_through_the_guarded_read_path(tmp_path: Path) -> None:
    """With a time limit no query can meet, reconciliation answers 503 like every other read
    (it reads through the service's workers, never the store directly)."""
    settings = make_settings(
        tmp_path, query_in_memory=False, query_workers=1, query_timeout_s=0.000001
    )
    with TestClient(create_app(settings)) as client:
        response = client.post(
            "/reconcile", data={"queries": json.dumps({"q0": {"query": "Gdansk"}})}
        )
        assert response.status_code == 503


@pytest.mark.parametrize(
    ("parameter", "value", "where"),
    [
        (
            "queries",
            {"q0": {"query": "x", "properties": [{"pid": "urn:p> ?o } #", "v": 1}]}},
            "queries.q0.properties[0].pid",
        ),
        (
            "extend",
            {"ids": ["urn:a> ?p ?o } #"], "properties": [{"id": "country"}]},
            "extend.ids[0]",
        ),
        ("extend", {"ids": ["urn:a"], "properties": [{"id": "urn:p>"}]}, "extend.properties[0]"),
    ],
)
def test_injection_through_ids_is_refused(
    web: httpx.Client, parameter: str, value: object, where: str
) -> None:
    """Ids and property ids reach query text only as checked IRIs."""
    response = web.post("/reconcile", data={parameter: json.dumps(value)})
    assert response.status_code == 400
    assert where in response.json()["detail"]
