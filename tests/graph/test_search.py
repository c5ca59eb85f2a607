"""The label index (graph/search.py): after a write it reads again only the graphs written
(graph/graph_rows.py, tested in test_graph_rows.py)."""

from __future__ import annotations

from pyoxigraph import Literal, NamedNode, Triple

from tests.support.sources import StoreSource
from uikg.graph.search import LabelIndex
from uikg.graph.store.embedded import EmbeddedStore

A, B = "urn:graph:a", "urn:graph:b"
LABEL = NamedNode("http://www.w3.org/2000/01/rdf-schema#label")


def label(thing: str, text: str) -> Triple:
    return Triple(NamedNode(f"urn:thing:{thing}"), LABEL, Literal(text, language="en"))


def found(index: LabelIndex, words: str) -> set[str]:
    return {hit.iri.rsplit(":", 1)[-1] for hit in index.search(words)}


def test_only_the_graphs_written_are_read_again() -> None:
    store = EmbeddedStore(None)
    store.add_triples(A, [label("gdansk", "Gdańsk")])
    store.add_triples(B, [label("lodz", "Łódź")])
    store.add_triples(None, [label("opole", "Opole")])
    source, index = StoreSource(store), LabelIndex()
    index.refresh(source)  # a first refresh reads everything
    assert found(index, "gdansk") == {"gdansk"} and found(index, "lodz") == {"lodz"}
    assert found(index, "opole") == {"opole"}

    store.replace_graph(A, [label("gdansk", "Danzig")])
    source.wrote({A})
    source.queries.clear()
    index.refresh(source)
    assert len(source.queries) == 1 and f"<{A}>" in source.queries[0]
    assert B not in source.queries[0]
    assert found(index, "gdansk") == set() and found(index, "danzig") == {"gdansk"}
    assert found(index, "lodz") == {"lodz"} and found(index, "opole") == {"opole"}

    store.drop_graph(None)  # the default graph
    source.wrote({""})
    index.refresh(source)
    assert found(index, "opole") == set() and found(index, "lodz") == {"lodz"}

    store.add_triples(B, [label("poznan", "Poznań")])
    source.wrote(None)  # a write that did not say which graphs: all read again
    index.refresh(source)
    assert found(index, "poznan") == {"poznan"} and found(index, "danzig") == {"gdansk"}


def test_searches_run_while_the_index_is_refreshed() -> None:
    """Searches do not take the index's lock: a refresh must never change what one iterates
    (it did, in an hour's soak: "dictionary changed size during iteration", a 500)."""
    import threading

    store = EmbeddedStore(None)
    for n in range(200):
        store.add_triples(f"urn:graph:{n}", [label(f"t{n}", f"Town {n}")])
    source, index, failures, done = StoreSource(store), LabelIndex(), [], threading.Event()
    index.refresh(source)

    def search() -> None:
        while not done.is_set():
            try:
                index.search("town")
            except RuntimeError as error:
                failures.append(error)

    searcher = threading.Thread(target=search)
    searcher.start()
    try:
        for number in range(1, 300):  # each refresh adds one graph and rereads it
            graph = f"urn:graph:new{number}"
            store.add_triples(graph, [label(f"n{number}", f"Town new {number}")])
            source.wrote({graph})
            index.refresh(source)
    finally:
        done.set()
        searcher.join()
    assert failures == []
    assert len(index.search("town new", limit=1000)) == 299


def test_hits_carry_the_label_and_language_as_written_best_first() -> None:
    store = EmbeddedStore(None)
    thing = lambda name: NamedNode(f"urn:thing:{name}")  # noqa: E731
    store.add_triples(
        A,
        [
            Triple(thing("voivodeship"), LABEL, Literal("Łódź Voivodeship", language="en")),
            Triple(thing("odd"), LABEL, Literal("Lodz\x00odd")),  # a NUL: kept, matched before it
            Triple(thing("lodz"), LABEL, Literal("Łódź", language="pl")),
            Triple(thing("lodz"), LABEL, Literal("Lodz, the city", language="en")),
        ],
    )
    index = LabelIndex()
    index.refresh(StoreSource(store))
    hits = index.search("LÓDŹ")
    assert [(h.iri, h.label, h.language) for h in hits] == [
        ("urn:thing:lodz", "Łódź", "pl"),  # the exact name, over its other label
        ("urn:thing:odd", "Lodz\x00odd", None),  # then names that start with it, shortest first
        ("urn:thing:voivodeship", "Łódź Voivodeship", "en"),
    ]
    assert found(index, "odd") == {"odd"} and found(index, "city lodz") == {"lodz"}
    assert index.search("  ") == [] and found(index, "thing") == set()  # not in the IRI
