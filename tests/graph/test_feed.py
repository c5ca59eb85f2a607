"""The change feed's pages and the hashes it last published (graph/feed.py), over a real store
and real files; the feed over HTTP is in tests/api/test_feed.py."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from pyoxigraph import Literal, NamedNode, Triple

from uikg.graph.feed import Feed
from uikg.graph.store.embedded import EmbeddedStore

A, B = "urn:graph:a", "urn:graph:b"


def triple(value: str) -> Triple:
    return Triple(NamedNode("urn:s"), NamedNode("urn:p"), Literal(value))


def store_with(**graphs: str) -> EmbeddedStore:
    store = EmbeddedStore(None)
    for name, value in graphs.items():
        store.add_triples(f"urn:graph:{name}", [triple(value)])
    return store


def graphs_of(feed: Feed, number: int) -> list[str]:
    page = feed.page(number)
    assert page is not None
    return [m.graph for m in page.members]


def test_a_write_publishes_only_the_graphs_it_changed(tmp_path: Path) -> None:
    store, feed = store_with(a="1", b="1"), Feed(tmp_path / "feed")
    assert feed.catch_up(store, "t1") == 1 and graphs_of(feed, 1) == [A, B]
    store.replace_graph(A, [triple("2")])
    assert feed.record(store, {A, B}, "update") == 2 and graphs_of(feed, 2) == [A]
    assert feed.record(store, {A}, "update") is None  # nothing changed: no page
    store.drop_graph(B)
    assert feed.record(store, None, "update") == 3
    assert feed.page(3).members[0].deleted  # type: ignore[union-attr]
    rows = sqlite3.connect(tmp_path / "feed" / "state.sqlite").execute("SELECT graph FROM hashes")
    assert [graph for (graph,) in rows] == [A]
    feed.close()
    again = Feed(tmp_path / "feed")  # a restart: the count from the files, the hashes kept
    assert again.count() == 3 and again.catch_up(store, "t1") is None
    store.replace_graph(A, [triple("3")])  # a rebuild while no service ran
    assert again.catch_up(store, "t2") == 4 and again.page(4).kind == "build"  # type: ignore[union-attr]


def test_the_state_feeds_kept_in_json_is_taken_over(tmp_path: Path) -> None:
    store, folder = store_with(a="1", b="1"), tmp_path / "feed"
    first = Feed(folder)
    first.catch_up(store, "t1")
    hashes = dict(first._known(None))
    first.close()
    (folder / "state.sqlite").unlink()
    hashes[B] = "0" * 64  # a hash the feed published before b changed without a page
    (folder / "state.json").write_text(json.dumps({"hashes": hashes, "built": "t1"}))

    feed = Feed(folder)
    assert feed.catch_up(store, "t1") == 2
    assert feed.page(2).kind == "recovery" and graphs_of(feed, 2) == [B]  # type: ignore[union-attr]
    assert not (folder / "state.json").exists()
