# ruff: noqa: E501  (long IRIs and inline SPARQL read best unbroken)
"""The built graph's evidence: every statement is in a quoted, verified unit or a marked reading."""

from __future__ import annotations

import pytest

from tests.conftest import SOURCES

UIKG = "https://w3id.org/uikg/ontology#"
EV = "https://w3id.org/uikg/graph/evidence/"
ID = "https://w3id.org/uikg/id/"
PREFIXES = f"PREFIX uikg: <{UIKG}> PREFIX oa: <http://www.w3.org/ns/oa#> "


def rows(store, query: str) -> list[tuple]:
    return [
        tuple(None if t is None else t.value for t in row) for row in store.query(PREFIXES + query)
    ]


@pytest.fixture(scope="module")
def verified_store(graph_store):
    if not SOURCES.is_dir():
        pytest.skip(
            f"the source texts are not at {SOURCES}: the session build could not verify quotes"
        )
    return graph_store


def test_every_evidence_statement_is_in_a_verified_quoted_unit_or_a_marked_reading(verified_store):
    units = rows(
        verified_store,
        f"""SELECT ?g (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ ?s ?p ?o }} FILTER STRSTARTS(STR(?g), "{EV}") }} GROUP BY ?g""",
    )
    assert len(units) >= 100
    unaccounted = rows(
        verified_store,
        f"""SELECT DISTINCT ?g WHERE {{
          GRAPH ?g {{ ?s ?p ?o }} FILTER STRSTARTS(STR(?g), "{EV}")
          FILTER NOT EXISTS {{ ?g uikg:assertionKind uikg:Stated ; oa:hasSelector/oa:exact ?quote ; uikg:quoteFoundAt ?where }}
          FILTER NOT EXISTS {{ ?g uikg:assertionKind uikg:CuratorReading ; uikg:readingNote ?why ; uikg:readFrom ?from }}
        }}""",
    )
    assert unaccounted == []


def test_no_unit_is_empty_and_readings_are_read_from_verified_passages(verified_store):
    empty = rows(
        verified_store,
        "SELECT ?u WHERE { ?u a uikg:EvidenceUnit FILTER NOT EXISTS { GRAPH ?u { ?s ?p ?o } } }",
    )
    assert empty == []
    unverified_sources = rows(
        verified_store,
        "SELECT ?r ?u WHERE { ?r uikg:readFrom ?u FILTER NOT EXISTS { ?u uikg:quoteFoundAt ?where } }",
    )
    assert unverified_sources == []
    readings = rows(verified_store, "SELECT ?r WHERE { ?r uikg:assertionKind uikg:CuratorReading }")
    assert len(readings) >= 10


def test_a_quote_is_what_the_reader_can_check(verified_store):
    [(exact, prefix, suffix, where)] = rows(
        verified_store,
        f"""SELECT ?exact ?prefix ?suffix ?where WHERE {{
          <{EV}article/l362-365> oa:hasSelector [ a oa:TextQuoteSelector ; oa:exact ?exact ; oa:prefix ?prefix ; oa:suffix ?suffix ] ;
              uikg:quoteFoundAt ?where }}""",
    )
    assert exact.startswith("In 2017 the mayors of the biggest twelve cities signed")
    assert prefix and suffix and where == "L362-365"


def _graphs_of(store, s: str, p: str, o: str) -> set[str]:
    return {
        g.removeprefix(EV)
        for (g,) in rows(store, f"SELECT ?g WHERE {{ GRAPH ?g {{ {s} {p} {o} }} }}")
    }


def test_the_misfiled_statements_sit_where_their_passage_states_them(verified_store):
    c26 = f"<{ID}claim/c26>"
    # "Other researchers do not agree …;28 sometimes research findings are ambiguous.29"
    assert _graphs_of(verified_store, c26, "uikg:disputedBy", f"<{ID}work/dekker-et-al-2015>") == {
        "article/fn28"
    }
    assert _graphs_of(
        verified_store, c26, "uikg:foundAmbiguousBy", f"<{ID}work/scuzzarello-2015>"
    ) == {"article/fn29"}
    assert _graphs_of(verified_store, c26, "?p", "?o") & {"article/fn28", "article/fn29"}
    # the German integration courses sit in the passage footnote 49 marks, and cite only it
    assert rows(verified_store, f"SELECT ?f WHERE {{ <{ID}claim/c55> uikg:citation ?f }}") == [
        (f"{ID}citation/article-fn49",)
    ]
    # the essay gives "June 30, this year": the year is a curators' reading, not line 33's
    conference = f"<{ID}event/integration-equals-safety-conference-2017>"
    assert _graphs_of(verified_store, conference, "uikg:date", "?d") == {"reading/conference-2017"}
    assert _graphs_of(verified_store, conference, "uikg:dateText", "?d") == {"essay/l33"}
    assert _graphs_of(verified_store, conference, "uikg:location", "?d") == {
        "reading/conference-2017"
    }


def test_curators_readings_are_marked_with_their_reasoning(verified_store):
    project = f"<{ID}project/lublin-for-everyone>"
    [(kind, note)] = rows(
        verified_store,
        f"""SELECT ?kind ?note WHERE {{ GRAPH ?g {{ {project} uikg:runBy <{ID}organisation/lublin-municipality> }}
            ?g uikg:assertionKind ?kind ; uikg:readingNote ?note }}""",
    )
    assert kind == UIKG + "CuratorReading" and "names neither who ran the project" in note
    # a name the texts never give is a reading, not a statement of the texts
    label = "<http://www.w3.org/2000/01/rdf-schema#label>"
    krakow = f"<{ID}organisation/krakow-municipality>"
    assert _graphs_of(verified_store, krakow, label, '"Gmina Miejska Kraków"@pl') == {
        "reading/official-names"
    }
    # "only what the sources say" is one filter away
    stated = rows(
        verified_store,
        f"""SELECT ?o WHERE {{ GRAPH ?g {{ {project} uikg:runBy ?o }} ?g uikg:assertionKind uikg:Stated }}""",
    )
    assert stated == []
