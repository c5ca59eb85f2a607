"""The reconciliation index follows writes graph by graph (graph/reconcile/index.py): after a
write it re-indexes only the things the written graphs name, and ends where an index built from
scratch would."""

from __future__ import annotations

from typing import Any

import pytest
from pyoxigraph import Literal, NamedNode, Triple

from tests.support.sources import StoreSource
from uikg.graph.reconcile.index import Index
from uikg.graph.store.embedded import EmbeddedStore

BASE = "https://w3id.org/uikg/"
A, B = f"{BASE}graph/a", f"{BASE}graph/b"
LABEL = NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
TYPE = NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
CITY, REGION = NamedNode(f"{BASE}ontology#City"), NamedNode(f"{BASE}ontology#Region")


def thing(slug: str) -> NamedNode:
    return NamedNode(f"{BASE}id/city/{slug}")


def named(slug: str, name: str, language: str = "en") -> Triple:
    return Triple(thing(slug), LABEL, Literal(name, language=language))


def typed(slug: str, type_iri: NamedNode = CITY) -> Triple:
    return Triple(thing(slug), TYPE, type_iri)


def state(index: Index) -> dict[str, tuple[list[str], set[str]]]:
    return {iri: (list(e.names), set(e.types)) for iri, e in index.entities.items()}


def matches(index: Index, name: str) -> set[str]:
    return {e.iri.rsplit("/", 1)[-1] for e in index.candidates(name)}


class Followed:
    """An index kept up to date write by write, beside the store it reads."""

    def __init__(self, store: EmbeddedStore) -> None:
        self.source, self.index = StoreSource(store), Index(BASE)
        self.index.refresh(self.source)

    def wrote(self, graphs: set[str]) -> None:
        self.source.wrote(graphs)
        self.index.refresh(self.source)

    def agrees_with_a_new_one(self) -> bool:
        scratch = Index(BASE)
        scratch.refresh(StoreSource(self.source.store))
        return state(scratch) == state(self.index)


def test_a_write_re_indexes_the_things_it_names() -> None:
    store = EmbeddedStore(None)
    store.add_triples(
        A, [named("gdansk", "Gdańsk"), named("gdansk", "Gdańsk", "pl"), typed("gdansk")]
    )
    store.add_triples(B, [named("lodz", "Łódź"), typed("lodz")])
    followed = Followed(store)
    assert matches(followed.index, "gdansk") == {"gdansk"}

    store.replace_graph(A, [named("gdansk", "Danzig"), typed("gdansk")])
    followed.wrote({A})
    assert matches(followed.index, "danzig") == {"gdansk"}
    assert matches(followed.index, "gdansk") == set()
    assert matches(followed.index, "lodz") == {"lodz"}
    assert followed.agrees_with_a_new_one()


def test_a_thing_named_in_two_graphs_keeps_the_other_graphs_name() -> None:
    store = EmbeddedStore(None)
    store.add_triples(A, [named("opole", "Opole"), typed("opole")])
    store.add_triples(
        B, [named("opole", "Opole"), named("opole", "Oppeln", "de"), typed("opole", REGION)]
    )
    followed = Followed(store)
    assert state(followed.index)[str(thing("opole").value)] == (
        ["Opole", "Oppeln"],  # English first
        {CITY.value, REGION.value},
    )
    store.drop_graph(B)
    followed.wrote({B})
    assert state(followed.index)[thing("opole").value] == (["Opole"], {CITY.value})
    store.drop_graph(A)
    followed.wrote({A})
    assert followed.index.entities == {} and matches(followed.index, "opole") == set()
    assert followed.agrees_with_a_new_one()


def test_a_refresh_that_failed_halfway_is_made_up_for() -> None:
    """The names were read again and the types not: the next refresh counts every row again
    rather than leave the index short of what the rows hold."""
    store = EmbeddedStore(None)
    store.add_triples(A, [named("gdansk", "Gdańsk"), typed("gdansk")])
    followed = Followed(store)
    store.add_triples(B, [named("torun", "Toruń"), typed("torun")])

    class TypesFail(StoreSource):
        def query(self, sparql: str, **options: Any) -> Any:
            if "?s ?t" in sparql:
                raise TimeoutError("the types' read ran past the limit")
            return super().query(sparql, **options)

    failing = TypesFail(store)
    failing.generation = followed.source.generation + 1
    failing.changed_since = lambda _: {B}  # type: ignore[method-assign]
    with pytest.raises(TimeoutError):
        followed.index.refresh(failing)
    followed.wrote({B})
    assert matches(followed.index, "torun") == {"torun"}
    assert followed.agrees_with_a_new_one()
