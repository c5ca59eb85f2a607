"""The checks a query passes before the engine sees it."""

from __future__ import annotations

import pytest

from uikg.graph.errors import BadRequest, QueryRejected, QuerySyntaxError
from uikg.graph.sparql.guard import (
    Limits,
    apply_protocol_dataset,
    check_iri,
    inspect_query,
    inspect_update,
)
from uikg.graph.sparql.lexer import tokenize

LIMITS = Limits(max_bytes=10_000, max_nesting=16, max_operators=50)


@pytest.mark.parametrize(
    ("query", "form", "dataset"),
    [
        ("SELECT * WHERE { ?s ?p ?o }", "SELECT", False),
        ("PREFIX ex: <http://x/> BASE <http://b/> ask { ex:a ?p ?o }", "ASK", False),
        ("CONSTRUCT WHERE { ?s ?p ?o }", "CONSTRUCT", False),
        ("DESCRIBE <http://x/a>", "DESCRIBE", False),
        ("SELECT * FROM <http://g> WHERE { ?s ?p ?o }", "SELECT", True),
        ("SELECT * FROM NAMED <http://g> WHERE { GRAPH ?g { ?s ?p ?o } }", "SELECT", True),
        ("# comment with SELECT {\nASK {}", "ASK", False),
        ('SELECT * WHERE { ?s ?p "FROM <x> }" }', "SELECT", False),
    ],
)
def test_form_and_dataset(query: str, form: str, dataset: bool) -> None:
    info = inspect_query(query, LIMITS)
    assert (info.form, info.has_dataset) == (form, dataset)


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }",
        "SELECT * WHERE { SERVICE SILENT <http://evil/> { ?s ?p ?o } }",
        "SELECT * WHERE { service ?endpoint { ?s ?p ?o } }",
        "SELECT * WHERE { { { SERVICE <http://x/> {} } } }",
    ],
)
def test_service_is_refused(query: str) -> None:
    with pytest.raises(QueryRejected, match="SERVICE"):
        inspect_query(query, LIMITS)


@pytest.mark.parametrize(
    "query",
    [
        'SELECT * WHERE { ?s ?p "SERVICE <http://x/>" }',
        "SELECT ?service WHERE { ?service <http://x/SERVICE> ?o }",
        "PREFIX service: <http://x/> SELECT * WHERE { ?s service:p ?o }",
        "SELECT * WHERE { ?s ?p ?o } # SERVICE <http://x/>",
    ],
)
def test_service_lookalikes_pass(query: str) -> None:
    assert inspect_query(query, LIMITS).form == "SELECT"


def test_allowlisted_service_passes() -> None:
    limits = Limits(service_allowlist=("http://allowed.example/sparql",))
    query = "SELECT * WHERE { SERVICE <http://allowed.example/sparql> { ?s ?p ?o } }"
    assert inspect_query(query, limits).form == "SELECT"


def test_nesting_limit_points_at_the_place() -> None:
    query = "SELECT * WHERE " + "{" * 40 + "}" * 40
    with pytest.raises(QueryRejected, match="deeper than 16") as caught:
        inspect_query(query, LIMITS)
    assert caught.value.extra["line"] == 1


def test_operator_and_size_limits() -> None:
    with pytest.raises(QueryRejected, match="operators"):
        inspect_query("ASK { FILTER(" + " || ".join(["true"] * 60) + ") }", LIMITS)
    with pytest.raises(QueryRejected, match="bytes"):
        inspect_query("ASK { " + "?s ?p ?o . " * 2000 + "}", LIMITS)


def test_update_on_query_path_is_refused() -> None:
    with pytest.raises(QueryRejected, match="SPARQL Update"):
        inspect_query("PREFIX x: <http://x/> INSERT DATA { x:a x:b x:c }", LIMITS)


def test_unterminated_string_is_a_syntax_error_with_position() -> None:
    with pytest.raises(QuerySyntaxError) as caught:
        inspect_query('SELECT * WHERE {\n ?s ?p "oops }', LIMITS)
    assert (caught.value.line, caught.value.column) == (2, 8)


def test_load_is_refused_unless_allowed() -> None:
    with pytest.raises(QueryRejected, match="LOAD"):
        inspect_update("LOAD <http://127.0.0.1:9/data.ttl>", LIMITS)
    assert inspect_update("LOAD <http://x/>", Limits(allow_load=True)) is not None


def test_protocol_using_graphs_are_added_before_where() -> None:
    text = "DELETE { ?s ?p ?o } INSERT { ?s ?p 1 } WHERE { ?s ?p ?o }"
    info = inspect_update(text, LIMITS)
    rewritten = apply_protocol_dataset(text, info, ["http://g1"], ["http://g2"])
    assert "USING <http://g1> USING NAMED <http://g2> WHERE" in rewritten


def test_protocol_using_conflicts_with_using_clause() -> None:
    text = "DELETE { ?s ?p ?o } USING <http://g> WHERE { ?s ?p ?o }"
    with pytest.raises(BadRequest, match="only one"):
        apply_protocol_dataset(text, inspect_update(text, LIMITS), ["http://g1"], [])


@pytest.mark.parametrize("iri", ["http://x/a b", "not an iri", "http://x/>{}", "relative/path"])
def test_bad_iris_are_refused(iri: str) -> None:
    with pytest.raises(BadRequest):
        check_iri(iri, "graph")


def test_tokens_skip_strings_iris_and_comments() -> None:
    text = "SELECT ?x WHERE { ?x <http://a/(> '''a\n}''' } # }"
    assert [tok.depth for tok in tokenize(text) if tok.text in "{}()"] == [0, 0]
