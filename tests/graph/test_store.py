"""One store test suite, run against both backends: embedded pyoxigraph and a real
``oxigraph serve`` process reached only through the SPARQL and Graph Store protocols."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from pyoxigraph import Literal, NamedNode, QueryBoolean, QuerySolutions, RdfFormat, Triple, Variable

from tests.conftest import remote_store_for, virtuoso_store_for
from tests.support.servers import Server
from uikg.graph.errors import QuerySyntaxError, StoreError
from uikg.graph.store.base import Store
from uikg.graph.store.embedded import EmbeddedStore

EX = "http://example.org/"
G1, G2 = EX + "g1", EX + "g2"


def t(s: str, p: str, o: object) -> Triple:
    obj = o if isinstance(o, Literal | NamedNode) else NamedNode(EX + str(o))
    return Triple(NamedNode(EX + s), NamedNode(EX + p), obj)


@pytest.fixture(
    params=[
        "embedded",
        pytest.param("oxigraph", marks=pytest.mark.server),
        pytest.param("virtuoso", marks=pytest.mark.server),
    ]
)
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    if request.param == "embedded":
        backend: Store = EmbeddedStore(tmp_path / "store")
    elif request.param == "oxigraph":
        server: Server = request.getfixturevalue("oxigraph_server")
        backend = remote_store_for(server)
        backend.update("DROP ALL")
    else:
        backend = virtuoso_store_for(request.getfixturevalue("virtuoso_server"))
        for graph in backend.named_graphs():  # its own system graphs are hidden, not dropped
            backend.drop_graph(graph)
        backend.drop_graph(None)
    yield backend
    backend.close()


def test_replace_graph_replaces_and_never_duplicates(store: Store) -> None:
    store.replace_graph(G1, [t("a", "p", "b"), t("a", "p", "c")])
    store.replace_graph(G1, [t("a", "p", "b")])
    assert sorted(str(x) for x in store.triples(G1)) == [str(t("a", "p", "b"))]
    assert store.count(G1) == 1


def test_add_triples_creates_graph_and_adds(store: Store) -> None:
    assert not store.has_graph(G2)
    store.add_triples(G2, [t("a", "p", "b")])
    store.add_triples(G2, [t("a", "p", "c"), t("a", "p", "b")])
    assert store.has_graph(G2)
    assert store.count(G2) == 2
    assert G2 in store.named_graphs()


def test_drop_graph(store: Store) -> None:
    store.replace_graph(G1, [t("a", "p", "b")])
    store.drop_graph(G1)
    assert not store.has_graph(G1)
    assert list(store.triples(G1)) == []


def test_default_graph_is_separate_from_named_graphs(store: Store) -> None:
    store.replace_graph(None, [t("d", "p", "e")])
    store.replace_graph(G1, [t("a", "p", "b")])
    assert [str(x) for x in store.triples(None)] == [str(t("d", "p", "e"))]
    store.drop_graph(None)
    assert list(store.triples(None)) == []
    assert store.count(G1) == 1


def test_query_sees_union_of_graphs_by_default(store: Store) -> None:
    store.replace_graph(G1, [t("a", "p", "b")])
    store.replace_graph(G2, [t("c", "p", "d")])
    rows = store.query(
        f"SELECT ?s WHERE {{ ?s ?p ?o FILTER(STRSTARTS(STR(?s), '{EX}')) }} ORDER BY ?s"
    )
    assert isinstance(rows, QuerySolutions)
    assert [row["s"].value for row in rows] == [EX + "a", EX + "c"]


def test_query_with_protocol_dataset(store: Store) -> None:
    store.replace_graph(G1, [t("a", "p", "b")])
    store.replace_graph(G2, [t("c", "p", "d")])
    rows = store.query("SELECT ?s WHERE { ?s ?p ?o }", default_graph=[G2])
    assert [row["s"].value for row in rows] == [EX + "c"]
    rows = store.query("SELECT ?g WHERE { GRAPH ?g { ?s ?p ?o } }", named_graphs=[G1])
    assert [row["g"].value for row in rows] == [G1]


def test_ask_construct_and_literals(store: Store) -> None:
    store.replace_graph(G1, [t("a", "label", Literal("Gdańsk", language="pl"))])
    assert isinstance(store.query("ASK { ?s ?p ?o }", form="ASK"), QueryBoolean)
    assert store.ask(f'ASK {{ <{EX}a> <{EX}label> "Gdańsk"@pl }}')
    triples = list(
        store.query(
            f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{G1}> {{ ?s ?p ?o }} }}", form="CONSTRUCT"
        )
    )
    assert triples == [t("a", "label", Literal("Gdańsk", language="pl"))]


def test_substitutions_bind_values_or_are_refused(store: Store) -> None:
    """The embedded store binds them before evaluation; a remote one refuses them with a clear
    error (the runner binds them in the query text: tests/graph/test_job.py)."""
    store.replace_graph(G1, [t("a", "p", "b"), t("c", "p", "d")])
    query, bound = "SELECT ?s ?o WHERE { ?s ?p ?o }", {Variable("s"): NamedNode(EX + "c")}
    if not store.native_substitutions:
        with pytest.raises(StoreError, match="bind them in the query text"):
            store.query(query, substitutions=bound)
        return
    assert [row["o"].value for row in store.query(query, substitutions=bound)] == [EX + "d"]


def test_update_is_applied(store: Store) -> None:
    store.update(f"INSERT DATA {{ GRAPH <{G1}> {{ <{EX}x> <{EX}p> 1 }} }}")
    assert store.count(G1) == 1
    store.update(f"DELETE WHERE {{ GRAPH <{G1}> {{ ?s ?p ?o }} }}")
    assert store.count(G1) == 0


def test_syntax_error_is_reported(store: Store) -> None:
    with pytest.raises(QuerySyntaxError):
        list(store.query("SELECT * WHERE { ?s ?p }"))


def test_load_and_quads_round_trip(store: Store) -> None:
    nquads = (
        f"<{EX}a> <{EX}p> <{EX}b> <{G1}> .\n"
        f'<{EX}c> <{EX}p> "x"@en <{G2}> .\n'
        f"<{EX}d> <{EX}p> <{EX}e> .\n"
    ).encode()
    assert store.load(io.BytesIO(nquads), RdfFormat.N_QUADS) == 3
    expected = {line.rstrip(" .") for line in nquads.decode().splitlines()}
    assert {str(quad) for quad in store.quads()} == expected
    assert store.count() == 2  # named graphs only


def test_blank_nodes_come_back_as_blank_nodes(store: Store) -> None:
    """Virtuoso names them ``nodeID://b10000`` in query results, which is no blank node label
    (the change feed could not read a graph that held one)."""
    store.load(
        io.BytesIO(f'<{EX}a> <{EX}p> _:n <{G1}> .\n_:n <{EX}q> "1" <{G1}> .\n'.encode()),
        RdfFormat.N_QUADS,
    )
    quads = list(store.quads())
    linked, described = sorted(quads, key=lambda quad: str(quad.predicate))
    assert type(linked.object).__name__ == "BlankNode" and linked.object == described.subject
    rows = list(store.query(f"SELECT ?o WHERE {{ <{EX}a> <{EX}p> ?o }}"))
    assert type(rows[0]["o"]).__name__ == "BlankNode"


def _tables(path: Path) -> int:
    return len(list(path.glob("*.sst")))


def test_the_embedded_store_flushes_its_write_buffers_after_the_configured_amount(
    tmp_path: Path,
) -> None:
    """Small writes stay in the write buffers until their sum passes the threshold; then one
    flush writes them out (files on disk), and the data reads the same."""
    store = EmbeddedStore(tmp_path / "store", flush_after_bytes=2_000)
    try:
        before = _tables(tmp_path / "store")
        store.update(f"INSERT DATA {{ <{EX}a> <{EX}p> 1 }}")
        assert _tables(tmp_path / "store") == before  # still buffered
        for number in range(40):
            store.update(f"INSERT DATA {{ <{EX}s{number}> <{EX}p> {number} }}")
        assert _tables(tmp_path / "store") > before
        store.add_triples(G1, [t(f"x{n}", "p", n) for n in range(20)])
        count = store.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
        assert isinstance(count, QuerySolutions)
        assert next(count)[Variable("n")] == Literal(61)
    finally:
        store.close()


def test_without_a_threshold_nothing_is_flushed_until_close(tmp_path: Path) -> None:
    store = EmbeddedStore(tmp_path / "store")
    before = _tables(tmp_path / "store")
    for number in range(40):
        store.update(f"INSERT DATA {{ <{EX}s{number}> <{EX}p> {number} }}")
    assert _tables(tmp_path / "store") == before
    store.close()


def _opened(path: Path) -> int:
    """How many times RocksDB opened the store at ``path``: each open keeps the last log."""
    return len(list(path.glob("LOG.old.*"))) + 1


def test_the_service_store_reopens_after_flushes_once_nothing_reads_it(tmp_path: Path) -> None:
    """Reopening empties RocksDB's block caches (bench/README.md, "Memory under a stream of
    contributions"); a result or an iterator still being read holds it off, and nothing
    written is lost."""
    path = tmp_path / "store"
    store = EmbeddedStore(path, flush_after_bytes=1_000, reopen_after_flushes=2)
    try:
        pending = store.query(f"SELECT ?o WHERE {{ <{EX}s0> ?p ?o }}")
        triples = store.triples(G1)
        store.add_triples(G1, [t("x", "p", 1), t("y", "p", 2)])
        next(triples, None)
        for number in range(30):  # ~3 KB of update text: three flushes
            store.update(f'INSERT DATA {{ <{EX}s{number}> <{EX}p> "{"x" * 80}" }}')
        assert store.reopened == 0 and _opened(path) == 1  # the result and iterator are live
        assert list(pending) == []  # a read sees the store as it was when it began
        assert store.reopened == 0  # the iterator still is
        del triples
        assert len(store) == 32  # the first use once nothing reads it reopens
        assert store.reopened == 1 and _opened(path) == 2
        solutions = store.query(f"SELECT ?o WHERE {{ <{EX}s29> ?p ?o }}")
        assert isinstance(solutions.variables, list)
        assert [row[0].value for row in solutions] == ["x" * 80]
        assert {tr.object for tr in store.triples(G1)} == {NamedNode(EX + "1"), NamedNode(EX + "2")}
        assert store.query(f"ASK {{ <{EX}s3> ?p ?o }}")
    finally:
        store.close()


def test_a_store_without_reopening_hands_out_pyoxigraph_results(tmp_path: Path) -> None:
    store = EmbeddedStore(tmp_path / "store", flush_after_bytes=1_000)
    for number in range(30):
        store.update(f'INSERT DATA {{ <{EX}s{number}> <{EX}p> "{"x" * 80}" }}')
    assert isinstance(store.query("SELECT * WHERE { ?s ?p ?o }"), QuerySolutions)
    assert isinstance(store.query("ASK { ?s ?p ?o }"), QueryBoolean)
    assert _opened(tmp_path / "store") == 1
    store.close()
