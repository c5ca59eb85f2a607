"""What a curator sees of a pending record (graph/contributions/review.py): the record as it
would be published, with each statement's passage and quote, and how it compares with the
published graph, the sources of both sides named."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from pyoxigraph import Literal, NamedNode, Quad, RdfFormat, parse

from uikg.graph.contributions.review import review
from uikg.graph.store.embedded import EmbeddedStore

BASE = "https://w3id.org/uikg/"
U = BASE + "ontology#"
DOC = BASE + "id/document/gdansk-model"
ESSAY = BASE + "graph/evidence/essay/l19"
UNIT = BASE + "graph/evidence/city-page-abc123/p2"
OWN = BASE + "graph/published/contribution/c1"

PUBLISHED = f"""
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix oa: <http://www.w3.org/ns/oa#> .
@prefix uikg: <{U}> .
<{U}adoptionDate> rdfs:label "adoption date"@en, "data przyjęcia"@pl .
<{U}status> rdfs:label "status"@en .
<{BASE}id/concept/document-status/adopted> rdfs:label "adopted"@en, "przyjęty"@pl .
<{BASE}id/concept/document-status/draft> rdfs:label "draft"@en .
<{BASE}id/work/essay> rdfs:label "When the Local Level Steps In"@en .
<{ESSAY}> a uikg:EvidenceUnit ; rdfs:label "Essay, line 19"@en ;
    uikg:evidenceFrom <{BASE}id/work/essay> ; uikg:locator "L19" ;
    oa:hasSelector <{ESSAY}#q> .
<{ESSAY}#q> a oa:TextQuoteSelector ; oa:exact "voted by the City Council in June 2016" .
"""
IN_ESSAY = f"""
<{DOC}> <http://www.w3.org/2000/01/rdf-schema#label> "Gdańsk model"@en ;
    <{U}adoptionDate> "2016-06"^^<http://www.w3.org/2001/XMLSchema#gYearMonth> ;
    <{U}status> <{BASE}id/concept/document-status/adopted> .
"""
RECORD = f"""
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix oa: <http://www.w3.org/ns/oa#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix uikg: <{U}> .
<{DOC}> rdfs:label "Gdańsk model"@en ; uikg:adoptionDate "2016-05"^^xsd:gYearMonth ;
    uikg:status <{BASE}id/concept/document-status/draft> ;
    uikg:evidence <{UNIT}> .
<{UNIT}> a uikg:EvidenceUnit ; rdfs:label "City page, paragraph 2"@en ;
    uikg:evidenceFrom <{BASE}id/work/city-page-abc123> ; uikg:locator "paragraph 2" ;
    oa:hasSelector <{UNIT}#passage> .
<{UNIT}#passage> a oa:TextQuoteSelector ; oa:exact "The model was adopted in May 2016." .
<{BASE}id/work/city-page-abc123> a uikg:WebPage ; rdfs:label "City page"@en .
"""


@pytest.fixture(scope="module")
def store() -> Iterator[EmbeddedStore]:
    memory = EmbeddedStore(None)
    memory.engine.extend(
        Quad(t.subject, t.predicate, t.object) for t in parse(PUBLISHED.encode(), RdfFormat.TURTLE)
    )
    memory.engine.extend(
        Quad(t.subject, t.predicate, t.object, NamedNode(ESSAY))
        for t in parse(IN_ESSAY.encode(), RdfFormat.TURTLE)
    )
    yield memory
    memory.close()


def shown(store: EmbeddedStore, languages: tuple[str, ...] = ("en",)):
    record = list(parse(RECORD.encode(), RdfFormat.TURTLE))
    return review(store, record, OWN, {U + "adoptionDate"}, languages, BASE)


def test_the_record_renders_with_its_passage_and_quote(store) -> None:
    result = shown(store)
    document, work = result.things
    assert (document.iri, document.title, document.published) == (DOC, "Gdańsk model", True)
    [source] = document.sources  # one passage says everything the document states
    assert source.quote == "The model was adopted in May 2016."
    assert (source.work_label, source.locator) == ("City page", "paragraph 2")
    rows = {row.label: [v.text for v in row.values] for row in document.rows}
    assert rows["adoption date"] == ["2016-05"] and rows["status"] == ["draft"]
    assert work.title == "City page" and not work.published
    assert UNIT in result.new and DOC not in result.new


def test_a_different_value_of_a_one_valued_property_is_a_change_with_both_sources(store) -> None:
    [change] = shown(store).changed
    assert (change.subject_label, change.label) == ("Gdańsk model", "adoption date")
    assert [v.text for v in change.record] == ["2016-05"]
    assert change.record[0].sources[0].quote == "The model was adopted in May 2016."
    [theirs] = change.graph
    assert theirs.text == "2016-06" and theirs.kind == "month"
    assert theirs.sources[0].quote == "voted by the City Council in June 2016"
    assert theirs.sources[0].label == "Essay, line 19"


def test_added_alongside_and_present(store) -> None:
    result = shown(store, ("pl",))
    added = {(c.label, v.text) for c in result.added for v in c.record}
    assert ("status", "draft") in added and ("data przyjęcia", "2016-05") not in added
    [also] = result.alongside  # another status, beside the graph's (several are allowed)
    assert [v.text for v in also.record] == ["draft"] and [v.text for v in also.graph] == [
        "przyjęty"
    ]
    assert [(c.label, [v.text for v in c.record]) for c in result.present] == [
        ("label", ["Gdańsk model"])
    ]
    assert all(c.label != "evidence" for c in result.alongside)


def test_literals_show_their_kind_not_their_datatype(store) -> None:
    [change] = shown(store).changed
    assert change.record[0].kind == "month" and "XMLSchema" not in str(change.record[0])
    assert Literal("x").datatype.value.endswith("string")  # plain texts have no kind
