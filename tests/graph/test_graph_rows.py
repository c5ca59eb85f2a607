"""Rows kept per graph (graph/graph_rows.py), under the label search and reconciliation."""

from __future__ import annotations

from typing import Any

from pyoxigraph import Literal, NamedNode, Triple

from uikg.graph.graph_rows import RowsByGraph
from uikg.graph.store.embedded import EmbeddedStore

LABEL = NamedNode("http://www.w3.org/2000/01/rdf-schema#label")


def label(thing: str, text: str) -> Triple:
    return Triple(NamedNode(f"urn:thing:{thing}"), LABEL, Literal(text))


class Counting:
    """The store as the reader, remembering each query."""

    def __init__(self, store: EmbeddedStore) -> None:
        self.store, self.queries = store, []

    def query(self, sparql: str, **options: Any) -> Any:
        self.queries.append(sparql)
        return self.store.query(sparql, **options)


def labels() -> RowsByGraph[str]:
    return RowsByGraph(f"?s <{LABEL.value}> ?l", "?l", lambda row: row["l"].value)


def test_a_full_read_goes_graph_by_graph_in_batches() -> None:
    """No query reads every graph at once: on a large store that one query ran past the time
    limit (the first search after a restart)."""
    store = EmbeddedStore(None)
    for n in range(5):
        store.add_triples(f"urn:graph:{n}", [label(f"t{n}", f"Town {n}")])
    store.add_triples(None, [label("opole", "Opole")])
    reader, rows = Counting(store), labels()
    rows.BATCH = 2
    assert rows.refresh(reader, 1, lambda _: None, store.named_graphs)
    assert len(reader.queries) == 4  # three batches of named graphs, then the default graph
    assert all(query.count("<urn:graph:") <= 2 for query in reader.queries)
    assert all("VALUES ?g" in query for query in reader.queries[:3])
    assert sorted(rows.rows()) == ["Opole", *(f"Town {n}" for n in range(5))]


def test_after_a_write_only_its_graphs_are_read() -> None:
    store = EmbeddedStore(None)
    store.add_triples("urn:graph:a", [label("a", "Gdańsk")])
    store.add_triples("urn:graph:b", [label("b", "Łódź")])
    reader, rows = Counting(store), labels()
    rows.refresh(reader, 1, lambda _: None, store.named_graphs)
    store.replace_graph("urn:graph:a", [label("a", "Danzig")])
    store.add_triples("urn:graph:c", [label("c", "Opole")])
    reader.queries.clear()
    changed = {"urn:graph:a", "urn:graph:c"}
    assert rows.refresh(reader, 2, lambda since: changed if since == 1 else None, list)
    assert len(reader.queries) == 1 and "urn:graph:b" not in reader.queries[0]
    assert sorted(rows.rows()) == ["Danzig", "Opole", "Łódź"]
    store.drop_graph("urn:graph:c")
    assert rows.refresh(reader, 3, lambda _: {"urn:graph:c"}, list)
    assert sorted(rows.rows()) == ["Danzig", "Łódź"]
    reader.queries.clear()
    assert not rows.refresh(reader, 3, lambda _: None, list)  # the same generation
    assert reader.queries == []
