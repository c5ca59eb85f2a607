"""The form and the curator's page over HTTP, on a copy of the built graph: the form's values
checked and queued with every problem next to its field, in English or Polish; refusals that
say what and where and store nothing; the review a curator judges (the record rendered, its
comparison with the graph, its report) and roles checked by the server."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import html5lib
import pytest
from fastapi.testclient import TestClient

from tests.conftest import copy_data_dir, make_settings
from tests.support.apps import app_on_copy
from uikg.api.app import create_app

CONTRIBUTOR = {"Authorization": "Bearer form-contributor-token-0123456789"}
OTHER = {"Authorization": "Bearer form-other-contributor-token-01234"}
CURATOR = {"Authorization": "Bearer form-curator-token-0123456789abc"}
BASE = "https://w3id.org/uikg/"
U = BASE + "ontology#"
JARGON = re.compile(r"https?://w3id|uikg:|xsd:|rdfs:|\bIRI\b|gYear")
QUOTE = "In May 2024 the City Council adopted the intercultural strategy for 2024-2030."


@pytest.fixture
def app(built_dir: Path, tmp_path: Path) -> Iterator[TestClient]:
    tokens = (
        "ngo:contributor:form-contributor-token-0123456789,"
        "other:contributor:form-other-contributor-token-01234,"
        "ed:curator:form-curator-token-0123456789abc"
    )
    with app_on_copy(built_dir, tmp_path, tokens) as client:
        yield client


def strategy(**changes: list) -> dict:
    values = {
        "label": [{"text": "Lublin intercultural strategy 2030", "lang": "en"}],
        "documentKind": [BASE + "id/concept/document-kind/strategy"],
        "status": [BASE + "id/concept/document-status/adopted"],
        "jurisdiction": [BASE + "id/city/lublin"],
        "governanceLevel": [BASE + "id/concept/governance-level/local"],
        "adoptionDate": ["2024-05"],
        "coversArea": [BASE + "id/concept/policy-area/education"],
        "source.kind": [U + "WebPage"],
        "source.url": ["https://lublin.eu/en/intercultural-strategy-2030"],
        "source.title": ["Lublin intercultural strategy 2030"],
        "source.language": ["en"],
        "source.quotation": [QUOTE],
        "source.locator": ["paragraph 2"],
    }
    values.update(changes)
    return {"values": {k: v for k, v in values.items() if v}}


def queue(app: TestClient) -> list[dict]:
    return app.get("/contributions", headers=CURATOR).json()["contributions"]


def by_field(reply) -> dict[str, list[dict]]:
    found: dict[str, list[dict]] = {}
    for problem in reply.json()["problems"]:
        found.setdefault(problem.get("field"), []).append(problem)
    return found


# -- the pages -------------------------------------------------------------------------------------
@pytest.mark.parametrize(("lang", "words"), [("en", "Contribute a record"), ("pl", "Dodaj wpis")])
def test_the_pages_speak_the_readers_language_and_show_no_iri(
    app: TestClient, lang: str, words: str
) -> None:
    for headers, params in (({"Accept-Language": lang}, {}), ({}, {"lang": lang})):
        page = app.get("/contribute", headers=headers, params=params)
        assert page.status_code == 200 and f'<html lang="{lang}"' in page.text
        html5lib.HTMLParser(strict=True).parse(page.text)
        main = page.text[
            page.text.index("<main") : page.text.index('<script type="application/json"')
        ]
        assert words in main and not JARGON.search(re.sub(r'href="[^"]*"', "", main))
    curate = app.get("/curate", params={"lang": lang}).text
    assert ("Zgłoszenia" if lang == "pl" else "Contributions") in curate
    assert "BASE" not in app.get("/static/contribute.js").text  # the base IRI is the server's


# -- checking --------------------------------------------------------------------------------------
def test_an_invalid_date_is_put_next_to_its_field_and_nothing_is_stored(app: TestClient) -> None:
    reply = app.post("/contributions/form/document/check", json=strategy(adoptionDate=["2024-13"]))
    assert reply.status_code == 200 and reply.json()["conforms"] is False
    [date] = by_field(reply)["adoptionDate"]
    assert date["label"] == "Date adopted" and date["value"] == "2024-13"
    assert "YYYY-MM-DD" in date["message"]
    polish = app.post(
        "/contributions/form/document/check",
        json=strategy(adoptionDate=["2024-13"]),
        headers={"Accept-Language": "pl"},
    )
    assert by_field(polish)["adoptionDate"][0]["label"] == "Data przyjęcia"
    assert None not in by_field(reply)  # no advice that only follows from the unread date
    assert queue(app) == []


def test_a_valid_record_conforms_and_findings_in_words(app: TestClient) -> None:
    reply = app.post("/contributions/form/document/check", json=strategy())
    assert reply.status_code == 200, reply.text
    assert reply.json()["conforms"] is True
    missing = app.post(
        "/contributions/form/document/check", json=strategy(governanceLevel=[], jurisdiction=[])
    )
    fields = by_field(missing)
    assert fields["governanceLevel"][0]["message"] == "Fill in “Level of government”."
    assert fields["jurisdiction"][0]["message"] == "Fill in “Place it applies to”."
    for problem in missing.json()["problems"]:
        assert not JARGON.search(problem["message"]), problem


def test_a_new_city_without_its_country_is_flagged_at_the_country(app: TestClient) -> None:
    new = {"new": {"label": "Nowa Dęba", "class": U + "City"}}
    reply = app.post("/contributions/form/document/check", json=strategy(jurisdiction=[new]))
    [problem] = [p for p in by_field(reply)["jurisdiction"] if p["severity"] == "Violation"]
    assert problem["subfield"] == "country" and problem["message"] == "Fill in “Country”."
    poland = BASE + "id/country/poland"
    new["new"]["values"] = {"country": [poland]}
    fixed = app.post("/contributions/form/document/check", json=strategy(jurisdiction=[new]))
    assert fixed.json()["conforms"] is True, fixed.json()


@pytest.mark.parametrize(
    ("body", "headers", "status", "says"),
    [
        (b'{"values": {', {"Content-Type": "application/json"}, 400, "line 1, column"),
        (b'{"values": {"x": ["1"]}}', {"Content-Type": "application/json"}, 400, "values.x"),
        (b'{"values": 3}', {"Content-Type": "application/json"}, 400, "values: expected"),
        (
            b'{"values": ' + b"[" * 100_000,
            {"Content-Type": "application/json"},
            400,
            "nests deeper",
        ),
        (b'{"values": "\xff"}', {"Content-Type": "application/json"}, 400, "not UTF-8"),
        (
            b"label=x",
            {"Content-Type": "application/x-www-form-urlencoded"},
            415,
            "application/json",
        ),
    ],
)
def test_bodies_that_are_not_forms_are_refused_with_what_and_where(
    app: TestClient, body: bytes, headers: dict, status: int, says: str
) -> None:
    for path in ("/contributions/form/document/check", "/contributions/form/document"):
        reply = app.post(path, content=body, headers={**headers, **CONTRIBUTOR})
        assert reply.status_code == status and says in reply.json()["detail"], reply.text
    assert app.post("/contributions/form/city/check", json={}).status_code == 404
    assert queue(app) == []


# -- submitting ------------------------------------------------------------------------------------
def test_submitting_needs_a_contributor_and_a_conforming_record(app: TestClient) -> None:
    assert app.post("/contributions/form/document", json=strategy()).status_code == 401
    refused = app.post(
        "/contributions/form/document", json=strategy(adoptionDate=["2024-13"]), headers=CONTRIBUTOR
    )
    assert refused.status_code == 422 and "adoptionDate" in by_field(refused)
    assert queue(app) == []
    sent = app.post("/contributions/form/document", json=strategy(), headers=CONTRIBUTOR)
    assert sent.status_code == 201, sent.text
    contribution = sent.json()["contribution"]
    assert sent.headers["location"].endswith(f"/contributions/{contribution['id']}")
    assert contribution["status"] == "pending"
    assert contribution["title"] == "Lublin intercultural strategy 2030"
    assert [c["id"] for c in queue(app)] == [contribution["id"]]


# -- reviewing -------------------------------------------------------------------------------------
def test_the_curator_sees_the_record_rendered_its_diff_and_report(app: TestClient) -> None:
    sent = app.post("/contributions/form/document", json=strategy(), headers=CONTRIBUTOR)
    cid = sent.json()["contribution"]["id"]
    review = app.get(f"/contributions/{cid}/review", headers=CURATOR).json()
    document = review["review"]["things"][0]
    assert document["title"] == "Lublin intercultural strategy 2030"
    assert [s["quote"] for s in document["sources"]] == [QUOTE]
    rows = {r["label"]: [v["text"] for v in r["values"]] for r in document["rows"]}
    assert rows["jurisdiction"] == ["Lublin"] and rows["covers area"] == ["education"]
    added = {(c["label"], v["text"]) for c in review["review"]["added"] for v in c["record"]}
    assert ("adoption date", "2024-05") in added
    assert review["report"]["conforms"] is True
    page = app.get(
        f"/contributions/{cid}/review",
        headers={**CURATOR, "Accept": "text/html", "Accept-Language": "pl"},
    )
    assert page.headers["content-type"].startswith("text/html")
    html5lib.HTMLParser(strict=True).parseFragment(page.text)
    text = re.sub(r"<[^>]+>", " ", page.text)
    assert "Wpis tak, jak zostałby opublikowany" in text and QUOTE in text
    assert "Wysłane przez ngo" in text
    assert 'href="http://testserver/id/city/lublin"' in page.text  # published things link here


def test_a_changed_date_shows_both_sources_side_by_side(app: TestClient) -> None:
    gdansk = {
        "values": {
            "adoptionDate": ["2016-05"],
            "source.work": [BASE + "id/work/article-role-of-cities"],
            "source.quotation": ["Gdańsk adopted its model in May 2016, after consultations."],
            "source.locator": ["p. 12"],
        },
        "identifier": "gdansk-immigrant-integration-model",
    }
    sent = app.post("/contributions/form/document", json=gdansk, headers=CONTRIBUTOR)
    assert sent.status_code == 201, sent.text
    warned = [p["message"] for p in sent.json()["problems"] if p["severity"] == "Warning"]
    assert any("already has a policy document" in m for m in warned)
    cid = sent.json()["contribution"]["id"]
    review = app.get(f"/contributions/{cid}/review", headers=CURATOR).json()["review"]
    [change] = review["changed"]
    assert change["label"] == "adoption date"
    assert [v["text"] for v in change["record"]] == ["2016-05"]
    assert [v["text"] for v in change["graph"]] == ["2016-06"]
    [theirs] = change["graph"][0]["sources"]
    assert "June 2016" in theirs["quote"] and theirs["label"] == "Essay, line 19"
    mine = change["record"][0]["sources"][0]
    assert mine["work_label"] == "The role of cities in the integration of immigrants"


def test_roles_are_checked_by_the_server(app: TestClient) -> None:
    mine = app.post("/contributions/form/document", json=strategy(), headers=CONTRIBUTOR)
    cid = mine.json()["contribution"]["id"]
    listed = app.get("/contributions", headers=OTHER).json()
    assert listed["viewer"] == {"name": "other", "role": "contributor", "moderates": False}
    assert listed["contributions"] == []  # only their own
    assert app.get(f"/contributions/{cid}", headers=OTHER).status_code == 403
    for path in (f"/contributions/{cid}/accept", f"/contributions/{cid}/reject"):
        assert app.post(path, json={"reason": "mine"}, headers=CONTRIBUTOR).status_code == 403
    assert app.get(f"/contributions/{cid}/review", headers=CONTRIBUTOR).status_code == 403
    assert app.get("/contributions", headers=CURATOR).json()["viewer"]["moderates"] is True
    rejected = app.post(
        f"/contributions/{cid}/reject", json={"reason": "The page says 2023."}, headers=CURATOR
    )
    assert rejected.status_code == 200
    [seen] = app.get("/contributions", headers=CONTRIBUTOR).json()["contributions"]
    assert seen["status"] == "rejected"
    assert seen["history"][-1]["reason"] == "The page says 2023."


def test_the_forms_dry_run_is_rate_limited_per_client(built_dir: Path, tmp_path: Path) -> None:
    settings = make_settings(copy_data_dir(built_dir, tmp_path), rate_limit="2/minute")
    with TestClient(create_app(settings)) as client:
        answers = [
            client.post("/contributions/form/document/check", json={"values": {}}).status_code
            for _ in range(3)
        ]
        assert answers[:2] == [200, 200] and answers[2] == 429
        assert client.get("/contribute/fields/document").status_code == 200  # reads are not
