"""A change feed for mirrors: every published version of every graph, as a Linked Data Event
Stream (LDES) with a TREE view of immutable pages.

The unit of change in this store is the named graph: a build writes one per source file, an
accepted contribution publishes its record, inferences and provenance in graphs of its own, a
Graph Store write replaces one graph. So a member of the stream is a *version of a graph*
(``dct:isVersionOf`` the graph, ``prov:generatedAtTime`` the write), carrying the graph's whole
content at that version (or saying it was deleted). A client holding a dump made at time T
replaces each graph by the newest member after T and has the current dataset, exactly.

Each event (the first build the service sees, a rebuild, each accepted contribution, each
SPARQL Update or Graph Store write, and at start whatever changed unrecorded) is one page, written once and never changed
(``{data_dir}/feed/{n}.json``); the service links page n to n + 1 when it serves it. Which
graphs changed is found by comparing an order-independent hash of each graph's triples with the
one the feed last published (``state.sqlite``, a row per graph, so a write reads and rewrites
only the hashes of the graphs it names, however many graphs there are): for writes that name
their graphs only those are hashed, an arbitrary SPARQL Update hashes every graph.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import sqlite3
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from pyoxigraph import BlankNode, Literal, NamedNode, Quad, RdfFormat, Triple, parse, serialize

from uikg.graph.namespaces import DCT, PROV
from uikg.graph.store.base import Store

DEFAULT = ""  # the default graph's key
_GRAPH = re.compile(r"GRAPH\s*<([^>\s]+)>")
_MOD = 1 << 256


def _add(total: int, line: str) -> int:
    """A multiset hash (a sum of SHA-256) with one more line: the same triples give the same
    hash in any order."""
    return (total + int.from_bytes(hashlib.sha256(line.encode()).digest(), "big")) % _MOD


def _line(triple: Triple) -> str:
    return f"{triple.subject} {triple.predicate} {triple.object}"


def graphs_in(update: str) -> set[str]:
    """The graphs a trusted update (built by the service, e.g. an accepted contribution) names;
    it writes no other (its data is in ``GRAPH <…>`` blocks, its drops name their graphs).

    >>> sorted(graphs_in("DROP SILENT GRAPH <urn:a> ; INSERT DATA { GRAPH <urn:b> { } }"))
    ['urn:a', 'urn:b']
    """
    return set(_GRAPH.findall(update))


@dataclass(frozen=True)
class Member:
    graph: str  # the graph's IRI, "" for the default graph
    deleted: bool
    triples: str  # the graph's content as N-Triples (empty when deleted)


@dataclass(frozen=True)
class Page:
    number: int
    kind: str  # build | contribution | update | graph-store | recovery
    time: str  # xsd:dateTime of the write
    members: list[Member]


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


class Feed:
    """The pages on disk and the last published hash of each graph. One process writes a data
    dir's feed (its owner), so the page count is kept in memory once read."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._lock = threading.Lock()
        self._pages: int | None = None
        self._db: sqlite3.Connection | None = None

    # -- reading -------------------------------------------------------------------------------
    def count(self) -> int:
        if self._pages is None:
            found = self.folder.glob("*.json") if self.folder.is_dir() else ()
            self._pages = sum(1 for p in found if p.stem.isdigit())
        return self._pages

    def page(self, number: int) -> Page | None:
        path = self.folder / f"{number}.json"
        if number < 1 or not path.is_file():
            return None
        data = json.loads(path.read_text(encoding="utf-8"))
        members = [Member(m["graph"], m["deleted"], m["triples"]) for m in data["members"]]
        return Page(data["number"], data["kind"], data["time"], members)

    # -- the hashes published ------------------------------------------------------------------
    def _state(self) -> sqlite3.Connection:
        if self._db is None:
            self.folder.mkdir(parents=True, exist_ok=True)
            db = sqlite3.connect(self.folder / "state.sqlite", check_same_thread=False)
            with db:
                db.execute("CREATE TABLE IF NOT EXISTS hashes (graph TEXT PRIMARY KEY, hash TEXT)")
                db.execute("CREATE TABLE IF NOT EXISTS built (one INTEGER PRIMARY KEY, at TEXT)")
            self._db = db
            self._import_json(db)
        return self._db

    def _import_json(self, db: sqlite3.Connection) -> None:
        """The state as feeds before 2026-11 kept it (one JSON file, rewritten on each write)."""
        legacy = self.folder / "state.json"
        if legacy.is_file():
            state = json.loads(legacy.read_text(encoding="utf-8"))
            with db:
                db.executemany("REPLACE INTO hashes VALUES (?, ?)", state["hashes"].items())
                db.execute("REPLACE INTO built VALUES (1, ?)", (state.get("built"),))
            legacy.unlink()

    def _known(self, graphs: set[str] | None) -> dict[str, str]:
        db = self._state()
        if graphs is None:
            return dict(db.execute("SELECT graph, hash FROM hashes"))
        found: dict[str, str] = {}
        for graph in graphs:
            found.update(db.execute("SELECT graph, hash FROM hashes WHERE graph = ?", (graph,)))
        return found

    def _built(self) -> str | None:
        row = self._state().execute("SELECT at FROM built").fetchone()
        return row[0] if row else None

    def close(self) -> None:
        with self._lock:
            if self._db is not None:
                self._db.close()
                self._db = None

    # -- writing -------------------------------------------------------------------------------
    def catch_up(self, store: Store, built: str | None) -> int | None:
        """At start, every graph against the feed: the first build the feed sees, a rebuild
        made while no service ran, or a write whose page a crash lost, becomes a page (its
        number is returned)."""
        with self._lock:
            kind = "build" if not self.count() or self._built() != built else "recovery"
            return self._record(store, None, kind, built)

    def record(self, store: Store, graphs: set[str] | None, kind: str) -> int | None:
        """After a write: a page with the graphs (all, when ``None``) whose content changed."""
        with self._lock:
            return self._record(store, graphs, kind, self._built())

    def _record(
        self, store: Store, graphs: set[str] | None, kind: str, built: str | None
    ) -> int | None:
        known = self._known(graphs)
        current = _hashes(store, graphs)
        names = set(current) | (set(known) if graphs is None else graphs & set(known))
        changed = [g for g in sorted(names) if current.get(g) != known.get(g)]
        number = None
        if changed:
            number = self.count() + 1
            self._write_page(
                number, kind, _now(), (_member(store, g, g not in current) for g in changed)
            )
            self._pages = number
        # A crash here leaves the page written and the hashes old: the next start finds the
        # same graphs changed and writes a recovery page with their (same) content.
        with self._state() as db:
            db.executemany(
                "REPLACE INTO hashes VALUES (?, ?)",
                [(g, current[g]) for g in changed if g in current],
            )
            db.executemany(
                "DELETE FROM hashes WHERE graph = ?", [(g,) for g in changed if g not in current]
            )
            db.execute("REPLACE INTO built VALUES (1, ?)", (built,))
        return number

    def _write_page(self, number: int, kind: str, time: str, members: Iterable[Member]) -> None:
        """Written member by member: a first page holds every graph, which would otherwise be
        in memory whole, twice (as members and as JSON text)."""
        self.folder.mkdir(parents=True, exist_ok=True)
        head = json.dumps({"number": number, "kind": kind, "time": time})
        target = self.folder / f"{number}.json"
        partial = target.with_suffix(".partial")
        with partial.open("w", encoding="utf-8") as out:
            out.write(head[:-1] + ', "members": [')
            for index, member in enumerate(members):
                out.write((", " if index else "") + json.dumps(member.__dict__, ensure_ascii=False))
            out.write("]}")
        os.replace(partial, target)


def _member(store: Store, graph: str, deleted: bool) -> Member:
    if deleted:
        return Member(graph, True, "")
    triples = store.triples(graph or None)
    return Member(graph, False, "\n".join(f"{_line(t)} ." for t in triples))


def _hashes(store: Store, graphs: set[str] | None) -> dict[str, str]:
    """The hash of each (named or default) graph that has triples, summed as the quads stream
    by (holding every triple's line at once cost ~200 MB per million triples, kept by the
    allocator afterwards)."""
    totals: dict[str, int] = {}
    if graphs is None:
        for quad in store.quads():
            name = quad.graph_name
            key = name.value if isinstance(name, NamedNode) else DEFAULT
            totals[key] = _add(totals.get(key, 0), _line(quad.triple))
    else:
        for graph in graphs:
            for triple in store.triples(graph or None):
                totals[graph] = _add(totals.get(graph, 0), _line(triple))
    return {graph: f"{total:064x}" for graph, total in totals.items()}


# -- the pages as RDF ----------------------------------------------------------------------------
LDES = "https://w3id.org/ldes#"
TREE = "https://w3id.org/tree#"
AS = "https://www.w3.org/ns/activitystreams#"
RDF_TYPE = NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
XSD_DATETIME = NamedNode("http://www.w3.org/2001/XMLSchema#dateTime")


def stream_quads(stream: str, first_page: str | None) -> list[Quad]:
    """The event stream's own description: what its members are and where its view starts."""
    node = NamedNode(stream)
    quads = [
        Quad(node, RDF_TYPE, NamedNode(LDES + "EventStream")),
        Quad(node, NamedNode(LDES + "timestampPath"), NamedNode(PROV + "generatedAtTime")),
        Quad(node, NamedNode(LDES + "versionOfPath"), NamedNode(DCT + "isVersionOf")),
    ]
    if first_page:
        quads += [
            Quad(node, NamedNode(TREE + "view"), NamedNode(first_page)),
            Quad(NamedNode(first_page), RDF_TYPE, NamedNode(TREE + "Node")),
        ]
    return quads


def page_quads(
    page: Page, stream: str, here: str, next_page: tuple[str, str] | None, base: str
) -> list[Quad]:
    """One page: its members, each a version of a graph whose content is the named graph
    named by the member, and the relation to the next page (its URL and first time)."""
    node, stream_node = NamedNode(here), NamedNode(stream)
    quads = [*stream_quads(stream, None), Quad(node, RDF_TYPE, NamedNode(TREE + "Node"))]
    quads.append(Quad(stream_node, NamedNode(TREE + "view"), node))
    if next_page is not None:
        relation = BlankNode(f"next{page.number}")
        quads += [
            Quad(node, NamedNode(TREE + "relation"), relation),
            Quad(relation, RDF_TYPE, NamedNode(TREE + "GreaterThanOrEqualToRelation")),
            Quad(relation, NamedNode(TREE + "node"), NamedNode(next_page[0])),
            Quad(relation, NamedNode(TREE + "path"), NamedNode(PROV + "generatedAtTime")),
            Quad(relation, NamedNode(TREE + "value"), Literal(next_page[1], datatype=XSD_DATETIME)),
        ]
    default_graph = f"{base}graph/default"  # how members name the default graph
    for index, member in enumerate(page.members, start=1):
        version = NamedNode(f"{base}feed/{page.number}/{index}")
        graph = NamedNode(member.graph or default_graph)
        activity = "Delete" if member.deleted else "Update"
        quads += [
            Quad(stream_node, NamedNode(TREE + "member"), version),
            Quad(version, NamedNode(DCT + "isVersionOf"), graph),
            Quad(
                version,
                NamedNode(PROV + "generatedAtTime"),
                Literal(page.time, datatype=XSD_DATETIME),
            ),
            Quad(version, RDF_TYPE, NamedNode(AS + activity)),
            Quad(version, NamedNode(DCT + "type"), Literal(page.kind)),
        ]
        if member.triples:
            for quad in parse(member.triples.encode(), RdfFormat.N_TRIPLES):
                quads.append(Quad(quad.subject, quad.predicate, quad.object, version))
    return quads


def serialize_quads(quads: list[Quad], format: RdfFormat) -> bytes:
    if format is RdfFormat.TRIG:
        return serialize(quads, None, format, prefixes={"ldes": LDES, "tree": TREE}) or b""
    return serialize(quads, None, format) or b""
