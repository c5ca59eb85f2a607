"""The remote store's version graph: each write records the graphs it changed and the version
it followed, so that other processes read again only those graphs (graph/version.py)."""

from __future__ import annotations

import pytest
from pyoxigraph import QueryResultsFormat

from uikg.graph import version
from uikg.graph.store.embedded import EmbeddedStore
from uikg.graph.version import bump, parse, query, writes_query, writes_since

BASE = "https://w3id.org/uikg/"
A, B, C = (f"{BASE}graph/{name}" for name in "abc")


def tsv(store: EmbeddedStore, sparql: str) -> bytes:
    return bytes(store.query(sparql, union_default=False).serialize(format=QueryResultsFormat.TSV))


def write(store: EmbeddedStore, graphs: set[str] | None, kind: str = "contribution") -> str:
    """A write's version, as ``Versions.written`` records it on the remote backend."""
    update, token = bump(BASE, graphs, kind)
    store.update(update)
    assert parse(tsv(store, query(BASE))).written == token  # the version every process reads
    return token


def since(store: EmbeddedStore, old: str | None, new: str) -> list[tuple[str, set[str]]] | None:
    found = writes_since(tsv(store, writes_query(BASE)), old, new)
    return None if found is None else [(w.kind, set(w.graphs)) for w in found]


def test_the_writes_between_two_versions_oldest_first() -> None:
    store = EmbeddedStore(None)
    first = write(store, {A})
    write(store, {B, ""}, "graph-store")  # "": the default graph
    last = write(store, {C})
    assert since(store, first, last) == [("graph-store", {B, ""}), ("contribution", {C})]
    assert since(store, None, last) == [
        ("contribution", {A}),
        ("graph-store", {B, ""}),
        ("contribution", {C}),
    ]
    assert since(store, last, last) == []


def test_unknown_writes_mean_read_everything() -> None:
    store = EmbeddedStore(None)
    first = write(store, {A})
    middle = write(store, None, "update")  # a SPARQL Update: any graph
    last = write(store, {C})
    assert since(store, first, last) is None
    assert since(store, middle, last) == [("contribution", {C})]
    assert since(store, "a version never recorded", last) is None


def test_two_writers_at_once_mean_read_everything() -> None:
    """Engines do not serialise two processes' rewrites of the version: the next write then
    follows two versions, and which writes came between is not known."""
    store = EmbeddedStore(None)
    first = write(store, {A})
    store.update(  # the version a second writer set at the same moment
        f"INSERT DATA {{ GRAPH <{BASE}graph/version> {{ <{BASE}dataset> "
        f'<{BASE}ontology#storeVersion> "other" }} }}'
    )
    last = write(store, {B})
    assert since(store, first, last) is None


def test_records_are_dropped_after_a_while(monkeypatch: pytest.MonkeyPatch) -> None:
    store = EmbeddedStore(None)
    first = write(store, {A})
    monkeypatch.setattr(version, "WRITES_KEPT_S", -60)  # every record is older than that
    last = write(store, {B})
    assert since(store, first, last) is None  # a process this far behind reads everything
    records = f"SELECT ?w WHERE {{ GRAPH <{BASE}graph/version> {{ ?w ?p ?o }} }}"
    assert {row["w"].value for row in store.query(records, union_default=False)} == {
        f"{BASE}dataset"
    }
