"""The change feed (LDES) over real HTTP: a mirror holding a dump follows the feed through two
accepted contributions, a SPARQL Update and Graph Store writes, and ends with exactly the
server's dataset."""

from __future__ import annotations

import gzip
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from pyoxigraph import (
    CanonicalizationAlgorithm,
    Dataset,
    DefaultGraph,
    NamedNode,
    Quad,
    RdfFormat,
    Triple,
    parse,
)

from tests.conftest import ADMIN_TOKEN, copy_data_dir
from tests.support import records
from tests.support.feed import BASE, DCT, PROV, RDF_TYPE, TREE, members, one, quads_of, walk
from tests.support.servers import Server, start_uikg

ALICE, BOB = "alice-token-0123456789abcdef", "bob-token-0123456789abcdefgh"
DELETE = NamedNode("https://www.w3.org/ns/activitystreams#Delete")


@pytest.fixture(scope="module")
def server(built_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    data_dir = copy_data_dir(built_dir, tmp_path_factory.mktemp("feed"))
    server = start_uikg(
        data_dir,
        tmp_path_factory.mktemp("logs"),
        admin_token=ADMIN_TOKEN,
        tokens=f"alice:contributor:{ALICE},bob:curator:{BOB}",
    )
    yield server
    server.stop()


def apply(dataset: Dataset, quads: list[Quad]) -> None:
    """Replace each graph by its version in this page (or drop it)."""
    for member in members(quads):
        graph = one(quads, member, DCT + "isVersionOf")
        target = DefaultGraph() if graph == NamedNode(BASE + "graph/default") else graph
        for quad in list(dataset.quads_for_graph_name(target)):
            dataset.remove(quad)
        if Triple(member, RDF_TYPE, DELETE) in {q.triple for q in quads if q.subject == member}:
            continue
        for quad in quads:
            if quad.graph_name == member:
                dataset.add(Quad(quad.subject, quad.predicate, quad.object, target))


def dump(server: Server) -> Dataset:
    response = httpx.get(server.url + "/dumps/uikg.nq.gz", timeout=120)
    assert response.status_code == 200
    return Dataset(parse(gzip.decompress(response.content), RdfFormat.N_QUADS))


def canonical(dataset: Dataset) -> set[str]:
    dataset.canonicalize(CanonicalizationAlgorithm.UNSTABLE)
    return {str(q) for q in dataset}


def submit_and_accept(server: Server, record: bytes) -> None:
    sent = httpx.post(
        f"{server.url}/contributions",
        content=record,
        headers={"Content-Type": "text/turtle", "Authorization": f"Bearer {ALICE}"},
        timeout=60,
    )
    assert sent.status_code == 201, sent.text
    accepted = httpx.post(
        f"{server.url}/contributions/{sent.json()['id']}/accept",
        headers={"Authorization": f"Bearer {BOB}"},
        timeout=60,
    )
    assert accepted.status_code == 200, accepted.text


def test_a_mirror_rebuilds_the_graph_from_a_dump_and_the_feed(server: Server) -> None:
    # The mirror's copy: a dump, and where it is in the feed.
    seen = len(walk(server))
    assert seen == 1  # the build the service found at its first start
    mirror = dump(server)

    submit_and_accept(server, records.city("gorzow", "Gorzów Wielkopolski"))
    submit_and_accept(server, records.city("opole", "Opole"))
    admin = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
    update = httpx.post(
        server.url + "/sparql/update",
        data={"update": f"INSERT DATA {{ GRAPH <{BASE}graph/scratch> {{ <urn:a> <urn:b> 'c' }} }}"},
        headers=admin,
        timeout=60,
    )
    assert update.status_code == 204
    put = httpx.put(
        f"{server.url}/store",
        params={"graph": f"{BASE}graph/scratch2"},
        content=b"<urn:x> <urn:y> <urn:z> .",
        headers={**admin, "Content-Type": "text/turtle"},
        timeout=60,
    )
    assert put.status_code == 201
    dropped = httpx.delete(
        f"{server.url}/store", params={"graph": f"{BASE}graph/scratch"}, headers=admin, timeout=60
    )
    assert dropped.status_code == 204

    pages = walk(server)
    assert len(pages) == seen + 5
    kinds = [one(quads, members(quads)[0], DCT + "type").value for _, _, quads in pages]
    assert kinds == [
        "build",
        "contribution",
        "contribution",
        "update",
        "graph-store",
        "graph-store",
    ]
    # An acceptance's page carries its own graphs, none of an earlier one (the provenance of
    # every contribution once shared a graph, so each page grew with all before it).
    first, second = ({one(q, m, DCT + "isVersionOf") for m in members(q)} for _, _, q in pages[1:3])
    assert first and second and not first & second
    assert all("/contribution/" in graph.value for graph in first | second)
    for _, _, quads in pages[seen:]:
        apply(mirror, quads)
    assert canonical(mirror) == canonical(dump(server))

    # The feed alone, from its first page, is the dataset too.
    everything = Dataset()
    for _, _, quads in pages:
        apply(everything, quads)
    assert canonical(everything) == canonical(dump(server))


def test_pages_are_immutable_linked_and_advertised(server: Server) -> None:
    pages = walk(server)
    assert len(pages) >= 2
    for url, response, quads in pages[:-1]:
        assert response.headers["cache-control"] == "public, max-age=31536000, immutable"
        relation = one(quads, NamedNode(url), TREE + "relation")
        assert Triple(relation, RDF_TYPE, NamedNode(TREE + "GreaterThanOrEqualToRelation")) in {
            q.triple for q in quads
        }
        assert one(quads, relation, TREE + "path") == NamedNode(PROV + "generatedAtTime")
        assert 'rel="next"' in response.headers["link"]
    assert "immutable" not in pages[-1][1].headers["cache-control"]
    # N-Quads too
    _, nquads = quads_of(pages[0][0], "application/n-quads")
    assert len(nquads) == len(pages[0][2])
    # advertised in VoID/DCAT
    _, void = quads_of(server.url + "/.well-known/void", "text/turtle")
    feed_url = NamedNode(server.url + "/feed")
    assert Triple(
        NamedNode(BASE + "dataset"),
        NamedNode("http://www.w3.org/ns/dcat#distribution"),
        feed_url,
    ) in {q.triple for q in void}
    assert one(void, feed_url, DCT + "conformsTo") == NamedNode(
        "https://w3id.org/ldes/specification"
    )
    assert httpx.get(server.url + "/feed/999", timeout=30).status_code == 404


def test_a_change_the_feed_missed_becomes_a_page_at_the_next_start(
    built_dir: Path, tmp_path: Path
) -> None:
    """A write whose page was lost (the process died between the two) or a change made while no
    service ran is found at the next start, by comparing every graph with the feed."""
    from uikg.graph.store.embedded import EmbeddedStore

    data_dir = copy_data_dir(built_dir, tmp_path / "data")
    server = start_uikg(data_dir, tmp_path)
    assert len(walk(server)) == 1
    server.stop()
    with EmbeddedStore(data_dir / "store") as store:
        store.add_triples(
            BASE + "graph/offline",
            [Triple(NamedNode("urn:s"), NamedNode("urn:p"), NamedNode("urn:o"))],
        )
    server = start_uikg(data_dir, tmp_path)
    try:
        pages = walk(server)
        assert len(pages) == 2
        quads = pages[-1][2]
        (member,) = members(quads)
        assert one(quads, member, DCT + "type").value == "recovery"
        assert one(quads, member, DCT + "isVersionOf") == NamedNode(BASE + "graph/offline")
        server.stop()
        server = start_uikg(data_dir, tmp_path)
        assert len(walk(server)) == 2  # nothing new: no page
    finally:
        server.stop()
