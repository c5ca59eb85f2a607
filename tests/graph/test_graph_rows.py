"""Rows kept per graph (graph/graph_rows.py), under the label search and reconciliation."""

from __future__ import annotations

from pyoxigraph import Literal, NamedNode, Triple

from tests.support.sources import StoreSource
from uikg.graph.graph_rows import RowsByGraph
from uikg.graph.store.embedded import EmbeddedStore

LABEL = NamedNode("http://www.w3.org/2000/01/rdf-schema#label")


def label(thing: str, text: str) -> Triple:
    return Triple(NamedNode(f"urn:thing:{thing}"), LABEL, Literal(text))


def labels() -> RowsByGraph[str]:
    return RowsByGraph(f"?s <{LABEL.value}> ?l", "?l", lambda row: row["l"].value)


def test_a_full_read_goes_graph_by_graph_in_batches() -> None:
    """No query reads every graph at once: on a large store that one query ran past the time
    limit (the first search after a restart)."""
    store = EmbeddedStore(None)
    for n in range(5):
        store.add_triples(f"urn:graph:{n}", [label(f"t{n}", f"Town {n}")])
    store.add_triples(None, [label("opole", "Opole")])
    source, rows = StoreSource(store), labels()
    rows.BATCH = 2
    assert rows.refresh(source)
    assert len(source.queries) == 4  # three batches of named graphs, then the default graph
    assert all(query.count("<urn:graph:") <= 2 for query in source.queries)
    assert all("VALUES ?g" in query for query in source.queries[:3])
    assert sorted(rows.rows()) == ["Opole", *(f"Town {n}" for n in range(5))]


def test_after_a_write_only_its_graphs_are_read() -> None:
    store = EmbeddedStore(None)
    store.add_triples("urn:graph:a", [label("a", "Gdańsk")])
    store.add_triples("urn:graph:b", [label("b", "Łódź")])
    source, rows = StoreSource(store), labels()
    rows.refresh(source)
    store.replace_graph("urn:graph:a", [label("a", "Danzig")])
    store.add_triples("urn:graph:c", [label("c", "Opole")])
    source.wrote({"urn:graph:a"})
    source.wrote({"urn:graph:c"})
    source.queries.clear()
    reread = rows.refresh(source)
    assert reread is not None and not reread.whole
    assert sorted(reread.dropped) == ["Gdańsk"] and sorted(reread.added) == ["Danzig", "Opole"]
    assert len(source.queries) == 1 and "urn:graph:b" not in source.queries[0]
    assert sorted(rows.rows()) == ["Danzig", "Opole", "Łódź"]
    store.drop_graph("urn:graph:c")
    source.wrote({"urn:graph:c"})
    assert rows.refresh(source)
    assert sorted(rows.rows()) == ["Danzig", "Łódź"]
    source.queries.clear()
    assert rows.refresh(source) is None  # the same generation: nothing read
    assert source.queries == []
    source.wrote(None)  # a write that did not say which graphs: all of them again
    reread = rows.refresh(source)
    assert reread is not None and reread.whole and sorted(rows.rows()) == ["Danzig", "Łódź"]
