"""Browsers get pages where programs get data: collections, the dataset description, errors."""

from __future__ import annotations

import re
from pathlib import Path

import html5lib
from fastapi.testclient import TestClient

from tests.conftest import copy_data_dir, make_settings
from uikg.api.app import create_app

BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}


def _text(page: str) -> str:
    main = page[page.index("<main") :]
    return " ".join(re.sub(r"<[^>]+>", " ", main).split())


def test_collections_are_pages_for_browsers_and_data_for_programs(
    built_client: TestClient,
) -> None:
    page = built_client.get("/api/v1/cities", params={"limit": 5}, headers=BROWSER)
    assert page.headers["content-type"].startswith("text/html")
    html5lib.HTMLParser(strict=True).parse(page.text)
    assert "Aarhus" in _text(page.text) and "/doc/id/city/aarhus" in page.text
    following = re.search(r'rel="next" href="([^"]+)"', page.text)
    assert following
    second = built_client.get(following.group(1).replace("&amp;", "&"), headers=BROWSER)
    assert "Aarhus" not in _text(second.text) and 'rel="prev"' in second.text
    data = built_client.get("/api/v1/cities", params={"limit": 5})
    assert data.headers["content-type"].startswith("application/ld+json")


def test_collection_labels_follow_the_readers_language(built_client: TestClient) -> None:
    english = built_client.get("/api/v1/cities", params={"limit": 500}, headers=BROWSER).text
    polish = built_client.get(
        "/api/v1/cities", params={"limit": 500}, headers={**BROWSER, "Accept-Language": "pl"}
    ).text
    assert ">Warsaw</a>" in english
    assert 'lang="pl">Warszawa</a>' in polish


def test_dataset_description_is_a_page_for_browsers(built_client: TestClient) -> None:
    page = built_client.get("/dataset", headers=BROWSER)
    assert page.headers["content-type"].startswith("text/html")
    text = _text(page.text)
    assert "creativecommons.org/licenses/by/4.0" in page.text
    statements = int(re.search(r"Statements ([\d,]+)", text).group(1).replace(",", ""))
    assert statements > 5000
    assert "uikg.nq.gz" in text and "city" in text.lower()
    assert 'rel="alternate" type="text/turtle"' in page.text
    assert built_client.get("/dataset").headers["content-type"].startswith("text/turtle")


def test_not_found_is_a_page_for_browsers_and_a_problem_for_programs(
    built_client: TestClient,
) -> None:
    for path in ("/doc/id/city/atlantis", "/id/city/atlantis", "/no/such/page"):
        page = built_client.get(path, headers=BROWSER)
        assert page.status_code == 404, path
        assert page.headers["content-type"].startswith("text/html"), path
        assert "Not found" in page.text
        problem = built_client.get(path)
        assert problem.status_code == 404
        assert problem.headers["content-type"] == "application/problem+json"


def test_coverage_page_lists_passages_and_what_nothing_cites(
    built_dir: Path, tmp_path: Path, shared_dir: Path
) -> None:
    settings = make_settings(copy_data_dir(built_dir, tmp_path), sources_dir=shared_dir / "sources")
    with TestClient(create_app(settings)) as client:
        page = client.get("/coverage", headers=BROWSER)
        assert page.status_code == 200
        html5lib.HTMLParser(strict=True).parse(page.text)
        text = _text(page.text)
        assert "The role of cities" in text or "role of cities" in text.lower()
        assert "not cited yet" in text  # the article's abstract, aims and one conclusion
        assert "fn33" in text
        unit = re.search(r'href="([^"]*/doc/graph/evidence/article/[^"]+)"', page.text)
        assert unit and client.get(unit.group(1), headers=BROWSER).status_code == 200
    without = make_settings(copy_data_dir(built_dir, tmp_path / "plain"))
    with TestClient(create_app(without)) as client:
        assert "UIKG_SOURCES_DIR" in client.get("/coverage", headers=BROWSER).text


def test_the_reasoners_statements_name_their_source_in_words(built_client: TestClient) -> None:
    for language, name in (("en", "derived by the reasoner"), ("pl", "wyprowadzone automatycznie")):
        page = built_client.get(
            "/doc/id/city/gdansk", params={"lang": language}, headers={"Accept": "text/html"}
        ).text
        assert f">{name}" in page, language
        assert ">inferred<" not in page
