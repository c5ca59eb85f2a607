"""Readers see the passage: quotes under statements on pages, the curators' reasoning in place of
a quote, a unit's own page, selectors in the RDF descriptions, no internal notes — over HTTP."""

from __future__ import annotations

import html
import re

import html5lib
import httpx
import pytest
import rdflib

from tests.conftest import SOURCES
from tests.support.servers import Server

OA = rdflib.Namespace("http://www.w3.org/ns/oa#")
UIKG = rdflib.Namespace("https://w3id.org/uikg/ontology#")
EV = "https://w3id.org/uikg/graph/evidence/"


@pytest.fixture(scope="module")
def web(built_server: Server) -> httpx.Client:
    return httpx.Client(base_url=built_server.url, timeout=30)


def page(web: httpx.Client, path: str) -> str:
    response = web.get(path)
    assert response.status_code == 200, path
    html5lib.HTMLParser(strict=True).parse(response.text)
    return response.text


def quotes(text: str) -> list[str]:
    """The quoted passages of a page, as a reader reads them."""
    found = re.findall(r'<blockquote class="quote"[^>]*>…(.*?)…</blockquote>', text, re.S)
    return [html.unescape(re.sub(r"<[^>]+>", "", q)) for q in found]


def test_the_gdansk_page_shows_the_passage_under_its_statements(web: httpx.Client):
    text = page(web, "/doc/id/city/gdansk.html")
    passages = quotes(text)
    assert len(passages) >= 10
    assert any(
        "including immigrants in the social life of Gdańsk while maintaining their identity" in q
        for q in passages
    )
    # the conference's place is the curators' reading: the reasoning stands where a quote would
    assert "Curators' reading</strong> (not a quote)" in html.unescape(text)
    assert "where the essay's author and her Centre work" in html.unescape(text)
    if SOURCES.is_dir():
        assert 'title="Checked against the source text: L' in text


def test_a_document_page_shows_both_sources_of_a_conflict_and_no_internal_notes(web: httpx.Client):
    text = page(web, "/doc/id/document/ump-mayors-declaration-2017.html")
    passages = quotes(text)
    assert any("the mayors of the biggest twelve cities signed" in q for q in passages)
    assert any("signed by Poland's biggest eleven cities" in q for q in passages)
    assert "Article, lines 362–365" in text and "Essay, line 33" in text
    plan = page(web, "/doc/id/document/gdansk-police-action-plan.html")
    assert "internal police laws seemed to block our action plan" in html.unescape(plan)
    assert "the safety team leaders were re-adapting it" not in plan  # a curators' note
    article = page(web, "/doc/id/work/article-role-of-cities.html")
    assert "do not guess" not in article


def test_an_evidence_unit_page_shows_its_quote_and_every_statement_it_supports(web: httpx.Client):
    text = html.unescape(page(web, "/doc/graph/evidence/article/l362-365.html"))
    assert "The passage" in text
    assert (
        "…In 2017 the mayors of the biggest twelve cities signed the Declaration of Mayors on "
        "Cooperation between the Cities of the Union of Polish Metropolises in the Area of "
        "Migration.…"
    ) in text
    assert "Statements from this passage" in text
    assert "number of signatories — 12" in re.sub(r"<[^>]+>", "", text)
    if SOURCES.is_dir():
        assert "quote checked against the source text, L362-365" in text
    reading = html.unescape(page(web, "/doc/graph/evidence/reading/conference-2017.html"))
    assert "The curators' reading" in reading and "Read from" in reading
    assert "Essay, line 33" in reading
    assert '<blockquote class="quote"' not in reading.split("Statements from this reading")[0]


@pytest.mark.parametrize("extension", ["ttl", "jsonld"])
def test_rdf_descriptions_carry_the_selector(web: httpx.Client, extension: str):
    data = web.get(f"/doc/id/document/ump-mayors-declaration-2017.{extension}").text
    graph = rdflib.Graph().parse(data=data, format="json-ld" if extension == "jsonld" else "turtle")
    unit = rdflib.URIRef(EV + "article/l362-365")
    selector = graph.value(unit, OA.hasSelector)
    assert (selector, rdflib.RDF.type, OA.TextQuoteSelector) in graph
    assert str(graph.value(selector, OA.exact)).startswith("In 2017 the mayors of the biggest")
    assert graph.value(selector, OA.prefix) and graph.value(selector, OA.suffix)
    assert graph.value(unit, UIKG.assertionKind) == UIKG.Stated
    reading = rdflib.URIRef(EV + "reading/ump-declaration-identity")
    assert graph.value(reading, UIKG.assertionKind) == UIKG.CuratorReading
    assert "Neither text names the other's document" in str(graph.value(reading, UIKG.readingNote))
    assert graph.value(reading, OA.hasSelector) is None
    assert graph.value(reading, UIKG.evidenceFrom) is None  # read from units, not a work of its own
    assert rdflib.URIRef(EV + "essay/l33") in set(graph.objects(reading, UIKG.readFrom))
