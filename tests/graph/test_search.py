"""The label index (graph/search.py): after a write it reads again only the graphs written
(graph/graph_rows.py, tested in test_graph_rows.py)."""

from __future__ import annotations

from typing import Any

from pyoxigraph import Literal, NamedNode, Triple

from uikg.graph.search import LabelIndex
from uikg.graph.store.embedded import EmbeddedStore

A, B = "urn:graph:a", "urn:graph:b"
LABEL = NamedNode("http://www.w3.org/2000/01/rdf-schema#label")


def label(thing: str, text: str) -> Triple:
    return Triple(NamedNode(f"urn:thing:{thing}"), LABEL, Literal(text, language="en"))


class Counting:
    """The store as the index's reader, remembering each query."""

    def __init__(self, store: EmbeddedStore) -> None:
        self.store, self.queries = store, []

    def query(self, sparql: str, **options: Any) -> Any:
        self.queries.append(sparql)
        return self.store.query(sparql, **options)


def found(index: LabelIndex, words: str) -> set[str]:
    return {hit.iri.rsplit(":", 1)[-1] for hit in index.search(words)}


def test_only_the_graphs_written_are_read_again() -> None:
    store = EmbeddedStore(None)
    store.add_triples(A, [label("gdansk", "Gdańsk")])
    store.add_triples(B, [label("lodz", "Łódź")])
    store.add_triples(None, [label("opole", "Opole")])
    reader, index = Counting(store), LabelIndex()
    index.refresh(reader, 1, lambda _: {A}, store.named_graphs)  # a first refresh reads everything
    assert found(index, "gdansk") == {"gdansk"} and found(index, "lodz") == {"lodz"}
    assert found(index, "opole") == {"opole"}

    store.replace_graph(A, [label("gdansk", "Danzig")])
    reader.queries.clear()
    index.refresh(reader, 2, lambda since: {A} if since == 1 else None, store.named_graphs)
    assert len(reader.queries) == 1 and f"<{A}>" in reader.queries[0]
    assert B not in reader.queries[0]
    assert found(index, "gdansk") == set() and found(index, "danzig") == {"gdansk"}
    assert found(index, "lodz") == {"lodz"} and found(index, "opole") == {"opole"}

    store.drop_graph(None)  # the default graph
    index.refresh(reader, 3, lambda _: {""}, store.named_graphs)
    assert found(index, "opole") == set() and found(index, "lodz") == {"lodz"}

    store.add_triples(B, [label("poznan", "Poznań")])
    index.refresh(
        reader, 4, lambda _: None, store.named_graphs
    )  # a write that did not say: all read again
    assert found(index, "poznan") == {"poznan"} and found(index, "danzig") == {"gdansk"}
    reader.queries.clear()
    index.refresh(reader, 4, lambda _: None, store.named_graphs)
    assert reader.queries == []  # the same generation: nothing read


def test_searches_run_while_the_index_is_refreshed() -> None:
    """Searches do not take the index's lock: a refresh must never change what one iterates
    (it did, in an hour's soak: "dictionary changed size during iteration", a 500)."""
    import threading

    store = EmbeddedStore(None)
    for n in range(200):
        store.add_triples(f"urn:graph:{n}", [label(f"t{n}", f"Town {n}")])
    index, failures, done = LabelIndex(), [], threading.Event()
    index.refresh(store, 0, lambda _: None, store.named_graphs)

    def search() -> None:
        while not done.is_set():
            try:
                index.search("town")
            except RuntimeError as error:
                failures.append(error)

    searcher = threading.Thread(target=search)
    searcher.start()
    try:
        for generation in range(1, 300):  # each refresh adds one graph and rereads it
            graph = f"urn:graph:new{generation}"
            store.add_triples(graph, [label(f"n{generation}", f"Town new {generation}")])
            index.refresh(store, generation, lambda _, graph=graph: {graph}, store.named_graphs)  # type: ignore[misc]
    finally:
        done.set()
        searcher.join()
    assert failures == []
    assert len(index.search("town new", limit=1000)) == 299
