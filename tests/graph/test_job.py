"""One query from text to bytes: parameters mean the same on every store."""

from __future__ import annotations

import pytest
from pyoxigraph import Literal, NamedNode, Quad

from tests.support.servers import Server
from uikg.graph.runner.job import QueryJob, run_job
from uikg.graph.store.base import Store
from uikg.graph.store.embedded import EmbeddedStore

EX = "http://example.org/"
XSD_INTEGER = NamedNode("http://www.w3.org/2001/XMLSchema#integer")
# Two things with a year; the parameter is used only in a FILTER, which must see it.
QUERY = f"SELECT ?s ?min WHERE {{ GRAPH ?g {{ ?s <{EX}year> ?y }} FILTER(?y >= ?min) }}"


def _rows(store: Store) -> bytes:
    job = QueryJob(
        QUERY,
        "text/csv",
        max_rows=10,
        substitutions=(("min", '"2016"^^<http://www.w3.org/2001/XMLSchema#integer>'),),
        union_default=False,
    )
    _, _, tail = run_job(store, job, lambda chunk, media: None)
    return tail


def _fill(store: Store) -> None:
    for name, year in (("a", "2015"), ("b", "2017")):
        store.add_triples(
            f"{EX}g",
            [
                Quad(
                    NamedNode(EX + name),
                    NamedNode(EX + "year"),
                    Literal(year, datatype=XSD_INTEGER),
                ).triple
            ],
        )


@pytest.mark.server
def test_a_parameter_in_a_filter_binds_on_a_remote_store_as_on_the_embedded_one(
    oxigraph_server: Server,
) -> None:
    from tests.conftest import remote_store_for

    embedded = EmbeddedStore(None)
    remote = remote_store_for(oxigraph_server)
    remote.drop_graph(f"{EX}g")
    for store in (embedded, remote):
        _fill(store)
    expected = _rows(embedded)
    assert expected.split() == [b"s,min", f"{EX}b,2016".encode()]
    assert _rows(remote) == expected
