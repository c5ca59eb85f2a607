"""Result writers: every format parses back to the same solutions, and the row limit holds."""

from __future__ import annotations

import csv
import io
import json

import pytest
from pyoxigraph import (
    BlankNode,
    Literal,
    NamedNode,
    Quad,
    QueryResultsFormat,
    Store,
    Triple,
    parse_query_results,
)

from uikg.graph.sparql import formats
from uikg.graph.sparql.results import write_result

EX = "http://example.org/"


@pytest.fixture(scope="module")
def store() -> Store:
    s = Store()
    s.extend(
        [
            Quad(
                NamedNode(EX + "a"),
                NamedNode(EX + "label"),
                Literal('Gdańsk, "the" <city>', language="pl"),
            ),
            Quad(
                NamedNode(EX + "a"),
                NamedNode(EX + "pop"),
                Literal("487371", datatype=NamedNode("http://www.w3.org/2001/XMLSchema#integer")),
            ),
            Quad(BlankNode("b1"), NamedNode(EX + "note"), Literal("line\nbreak\ttab")),
        ]
    )
    return s


QUERY = (
    "SELECT ?s ?p ?o ?missing WHERE { ?s ?p ?o OPTIONAL { ?s <urn:none> ?missing } } ORDER BY ?p"
)


def _solutions(store: Store) -> list[tuple[str, ...]]:
    return [tuple(str(row[i]) for i in range(3)) for row in store.query(QUERY)]


@pytest.mark.parametrize("media_type", [formats.SPARQL_JSON, formats.SPARQL_XML, formats.TSV])
def test_select_round_trips(store: Store, media_type: str) -> None:
    sink = io.BytesIO()
    outcome = write_result(store.query(QUERY), media_type, sink, max_rows=100)
    assert (outcome.rows, outcome.truncated) == (3, False)
    parsed = parse_query_results(io.BytesIO(sink.getvalue()), formats.SOLUTIONS[media_type])
    assert [v.value for v in parsed.variables] == ["s", "p", "o", "missing"]
    rows = [tuple(str(row[i]) for i in range(3)) + (row[3],) for row in parsed]
    expected = [r + (None,) for r in _solutions(store)]
    if media_type != formats.TSV:  # blank node labels are not kept across documents
        assert rows == expected
    else:
        assert [r[1:] for r in rows] == [r[1:] for r in expected]


def test_csv_is_plain_values_with_quoting(store: Store) -> None:
    sink = io.BytesIO()
    write_result(store.query(QUERY), formats.CSV, sink, max_rows=100)
    rows = list(csv.DictReader(io.StringIO(sink.getvalue().decode())))
    values = [row["o"] for row in rows]
    assert 'Gdańsk, "the" <city>' in values and "487371" in values


def test_row_limit_truncates(store: Store) -> None:
    sink = io.BytesIO()
    outcome = write_result(store.query(QUERY), formats.SPARQL_JSON, sink, max_rows=2)
    assert (outcome.rows, outcome.truncated) == (2, True)
    assert len(list(parse_query_results(io.BytesIO(sink.getvalue()), QueryResultsFormat.JSON))) == 2


def test_graph_results_are_limited_too(store: Store) -> None:
    sink = io.BytesIO()
    outcome = write_result(
        store.query("CONSTRUCT WHERE { ?s ?p ?o }"), formats.N_TRIPLES, sink, max_rows=1
    )
    assert (outcome.rows, outcome.truncated) == (1, True)
    assert sink.getvalue().count(b"\n") == 1


def test_ask(store: Store) -> None:
    sink = io.BytesIO()
    write_result(store.query("ASK { ?s ?p ?o }"), formats.SPARQL_XML, sink, max_rows=1)
    assert bool(parse_query_results(io.BytesIO(sink.getvalue()), QueryResultsFormat.XML))


def test_json_is_what_pyoxigraph_itself_writes() -> None:
    """Our JSON rows (text assembled term by term, for speed) say what pyoxigraph's own
    serialiser says, for the terms that need escaping, every kind of literal and triple terms."""
    s = Store()
    subject = NamedNode(EX + "ą?x=1&y=%22")
    objects = [
        Literal('quote " backslash \\ slash / line\nreturn\rtab\tnul-ish \x01 \x1f end'),
        Literal("separators \u2028 \u2029, emoji 🏙️, Łódź"),
        Literal("Gdańsk", language="pl"),
        Literal("Kraków", language="en-gb"),
        Literal("42", datatype=NamedNode("http://www.w3.org/2001/XMLSchema#integer")),
        Literal("", datatype=NamedNode("http://www.w3.org/2001/XMLSchema#string")),
        Literal("x", datatype=NamedNode(EX + "own-type#ż")),
        BlankNode("node1"),
        NamedNode(EX + "plain"),
        Triple(NamedNode(EX + "s"), NamedNode(EX + "p"), Literal("o", language="de")),
    ]
    s.extend(Quad(subject, NamedNode(f"{EX}p{i}"), o) for i, o in enumerate(objects))
    query = "SELECT ?s ?p ?o ?none WHERE { ?s ?p ?o OPTIONAL { ?o <urn:none> ?none } } ORDER BY ?p"
    sink = io.BytesIO()
    write_result(s.query(query), formats.SPARQL_JSON, sink, max_rows=100)
    ours = json.loads(sink.getvalue())
    theirs = json.loads(s.query(query).serialize(format=QueryResultsFormat.JSON))
    assert len(ours["results"]["bindings"]) == len(objects)
    assert ours == theirs
