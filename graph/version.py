"""The published graph's version, kept where every API process that serves the store sees it.

HTTP validators (``ETag``, ``Last-Modified``) must change exactly when the data does, in every
process that serves it, and across restarts (the in-process generation starts again at 0).
Every write of the service records a new version: a random token and the time of the write.

- On the **remote** backend many stateless processes share one store, so the version lives in
  the store, in a small graph (``{base}graph/version``) that every write rewrites. Engines do
  not serialise two processes' rewrites (``contributions/queue.py``), so two tokens may stand
  side by side until the next write: the query picks the latest one, the same in every process.
- An **embedded** store is opened by one process at a time, so the version is a small file
  beside it (``{data_dir}/version.json``), and the published dataset carries no extra graph.

A build's own record (``{base}graph/build``, its end time) is part of the version on both, so a
rebuild changes it without the service.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import io
import json
import os
import secrets
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pyoxigraph import QueryResultsFormat, parse_query_results

from uikg.graph import __version__
from uikg.graph.namespaces import PREFIXES
from uikg.graph.sparql import formats

VERSION_GRAPH = "graph/version"
# How long the remote store keeps the record of each write: a process that has not read the
# version for longer (stopped, stalled) reads everything again.
WRITES_KEPT_S = 600
BUILD_GRAPH = "graph/build"
DCT = PREFIXES["dct"]
PROV = PREFIXES["prov"]
XSD = PREFIXES["xsd"]
UIKG = PREFIXES["uikg"]


@dataclass(frozen=True)
class StoreVersion:
    token: str  # changes with every write and every build (and with the software's version)
    modified: dt.datetime | None  # the last write, when the store records one
    written: str | None = None  # the last write's own token (``bump``), if any


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


def bump(base: str, graphs: set[str] | None, kind: str) -> tuple[str, str]:
    """A SPARQL Update that records a new version in the store (the remote backend), and its
    token. Beside the version, a record of the write: the token it followed, the graphs it
    changed (``None``: any; ``""`` is the default graph) and its kind, so that other processes
    read again only those graphs and put the write in their change feed (``writes_since``).
    Records older than ``WRITES_KEPT_S`` are dropped by the same update."""
    token, now = secrets.token_hex(16), _now()
    graph, node, write = base + VERSION_GRAPH, base + "dataset", f"{base}{VERSION_GRAPH}#{token}"
    if graphs is None:
        changed = [f"<{UIKG}changedAnyGraph> true"]
    else:
        changed = [f"<{UIKG}changedGraph> <{g}>" for g in sorted(graphs) if g]
        changed += [f"<{UIKG}changedDefaultGraph> true"] if "" in graphs else []
    stamp = f'"{now}"^^<{XSD}dateTime>'
    record = " ; ".join(
        [f'<{UIKG}storeVersion> "{token}"', f"<{DCT}modified> {stamp}", f'<{DCT}type> "{kind}"']
        + changed
    )
    cutoff = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=WRITES_KEPT_S)
    # (no INSERT … WHERE { OPTIONAL … } for the first write: Virtuoso's inserts nothing)
    return (
        f"INSERT {{ GRAPH <{graph}> {{ <{write}> <{UIKG}follows> ?old }} }} "
        f"WHERE {{ GRAPH <{graph}> {{ <{node}> <{UIKG}storeVersion> ?old }} }} ;\n"
        f"DELETE WHERE {{ GRAPH <{graph}> {{ <{node}> ?p ?o }} }} ;\n"
        f'INSERT DATA {{ GRAPH <{graph}> {{ <{node}> <{UIKG}storeVersion> "{token}" ; '
        f"<{DCT}modified> {stamp} . <{write}> {record} }} }} ;\n"
        f"DELETE {{ GRAPH <{graph}> {{ ?w ?p ?o }} }} WHERE {{ GRAPH <{graph}> {{ "
        f"?w <{DCT}modified> ?m ; ?p ?o FILTER(?w != <{node}> && "
        f'?m < "{cutoff.isoformat().replace("+00:00", "Z")}"^^<{XSD}dateTime>) }} }}'
    ), token


@dataclass(frozen=True)
class Write:
    """A write recorded in the store's version graph (the remote backend)."""

    token: str
    kind: str
    graphs: frozenset[str]


def writes_query(base: str) -> str:
    graph, node = base + VERSION_GRAPH, base + "dataset"
    return (
        f"SELECT ?token ?kind ?follows ?graph ?default ?any WHERE {{ GRAPH <{graph}> {{ "
        f"?w <{UIKG}storeVersion> ?token ; <{DCT}type> ?kind FILTER(?w != <{node}>) "
        f"OPTIONAL {{ ?w <{UIKG}follows> ?follows }} OPTIONAL {{ ?w <{UIKG}changedGraph> ?graph }} "
        f"OPTIONAL {{ ?w <{UIKG}changedDefaultGraph> ?default }} "
        f"OPTIONAL {{ ?w <{UIKG}changedAnyGraph> ?any }} }} }}"
    )


def writes_since(body: bytes, since: str | None, until: str) -> list[Write] | None:
    """The writes after the version ``since`` up to ``until``, oldest first, from the TSV
    answer to ``writes_query``; ``None`` when they cannot be told apart: the chain back from
    ``until`` does not reach ``since`` (records dropped, two writers at once) or a write
    named no graphs. The caller then reads everything again, as before the records.

    >>> writes_since(b"?token\\t?kind\\t?follows\\t?graph\\t?default\\t?any\\n", "a", "b") is None
    True
    """
    rows: Any = parse_query_results(io.BytesIO(body), QueryResultsFormat.TSV)
    kinds: dict[str, str] = {}
    follows: dict[str, set[str]] = {}
    graphs: dict[str, set[str] | None] = {}
    for row in rows:
        token = row["token"].value
        kinds[token] = row["kind"].value
        follows.setdefault(token, set())
        if row["follows"] is not None:
            follows[token].add(row["follows"].value)
        named = graphs.setdefault(token, set())
        if row["any"] is not None or named is None:
            graphs[token] = None
            continue
        if row["graph"] is not None:
            named.add(row["graph"].value)
        if row["default"] is not None:
            named.add("")
    found: list[Write] = []
    token = until
    while token != since:
        if token not in kinds or graphs[token] is None or len(follows[token]) > 1:
            return None
        found.append(Write(token, kinds[token], frozenset(graphs[token] or ())))
        if not follows[token]:  # the first write recorded
            if since is None:
                break
            return None
        (token,) = follows[token]
    return found[::-1]


def query(base: str) -> str:
    return (
        f"SELECT ?token ?modified ?built WHERE {{ "
        f"OPTIONAL {{ GRAPH <{base}{VERSION_GRAPH}> {{ <{base}dataset> <{UIKG}storeVersion> "
        f"?token ; <{DCT}modified> ?modified }} }} "
        f"OPTIONAL {{ GRAPH <{base}{BUILD_GRAPH}> {{ <{base}graph/build#activity> "
        f"<{PROV}endedAtTime> ?built }} }} }} ORDER BY DESC(?modified) ?token LIMIT 1"
    )


def build_time(store: Any, base: str) -> str | None:
    """When the store's data was last built (``uikg build``), as recorded by the build."""
    rows = store.query(
        f"SELECT ?t WHERE {{ GRAPH <{base}{BUILD_GRAPH}> {{ <{base}graph/build#activity> "
        f"<{PROV}endedAtTime> ?t }} }}",
        union_default=False,
    )
    for row in rows:
        return str(row["t"].value)
    return None


def _time(value: str | None) -> dt.datetime | None:
    if not value:
        return None
    try:
        parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)


def parse(body: bytes, local: dict[str, str] | None = None) -> StoreVersion:
    """The version from the TSV answer to ``query`` (and the embedded store's version file).

    >>> parse(b"?token\\t?modified\\t?built\\n\\t\\t\\n").modified is None
    True
    """
    rows: Any = parse_query_results(io.BytesIO(body), QueryResultsFormat.TSV)
    token = modified = built = None
    for row in rows:
        token = row["token"].value if row["token"] is not None else None
        modified = row["modified"].value if row["modified"] is not None else None
        built = row["built"].value if row["built"] is not None else None
    if local:
        token, modified = local.get("token"), local.get("modified")
    times = [t for t in (_time(modified), _time(built)) if t is not None]
    digest = hashlib.sha256(f"{__version__}|{token}|{built}".encode()).hexdigest()[:32]
    return StoreVersion(digest, max(times) if times else None, token)


class Versions:
    """The current version, re-read when this process wrote (its generation moved) or, when
    others may write the store (remote backend), after ``ttl_s`` seconds.

    ``path`` is the embedded store's version file; without one the version is in the store.
    """

    def __init__(self, base: str, ttl_s: float | None, path: Path | None) -> None:
        self.base = base
        self.ttl_s = ttl_s
        self.path = path
        self._known: tuple[int, float, StoreVersion] | None = None
        self._lock = asyncio.Lock()
        self._own: dict[str, None] = {}  # this process's last writes (remote), oldest first

    def _fresh(self, generation: int) -> StoreVersion | None:
        known = self._known
        if known is None or known[0] != generation:
            return None
        if self.ttl_s is not None and time.monotonic() - known[1] > self.ttl_s:
            return None
        return known[2]

    async def current(self, service: Any) -> StoreVersion:
        """``service`` is the ``GraphService``: the read runs like any other, in a worker."""
        found = self._fresh(service.generation)
        if found is not None:
            return found
        async with self._lock:
            generation = service.generation
            found = self._fresh(generation)
            if found is None:
                stream = await service.run(query(self.base), formats.TSV, union_default=False)
                found = parse(await stream.read(), self._local())
                self._known = (generation, time.monotonic(), found)
            return found

    def _local(self) -> dict[str, str] | None:
        if self.path is None:
            return None
        if not self.path.exists():
            # A data dir without a recorded version (a copy, a restore) may hold any writes:
            # a new token, so no validator issued for other data can match it (no time: the
            # build's, if any, stands).
            self._record({"token": secrets.token_hex(16)})
        try:
            return dict(json.loads(self.path.read_text(encoding="utf-8")))
        except (OSError, ValueError):
            return None

    def written(self, store: Any, graphs: set[str] | None, kind: str) -> None:
        """Record a new version after a write (called under the service's write lock)."""
        if self.path is None:
            update, token = bump(self.base, graphs, kind)
            store.update(update)
            self._own[token] = None
            if len(self._own) > 4096:
                del self._own[next(iter(self._own))]
            return
        self._record({"token": secrets.token_hex(16), "modified": _now()})

    async def writes(
        self, service: Any, since: StoreVersion, until: StoreVersion
    ) -> list[Write] | None:
        """Other processes' writes between two versions of a remote store (``writes_since``;
        ``None``: unknown, read everything again)."""
        if until.written is None or since.written == until.written:  # a rebuild, or nothing
            return None
        stream = await service.run(writes_query(self.base), formats.TSV, union_default=False)
        found = writes_since(await stream.read(), since.written, until.written)
        return None if found is None else [w for w in found if w.token not in self._own]

    def _record(self, version: dict[str, str]) -> None:
        assert self.path is not None
        self.path.parent.mkdir(parents=True, exist_ok=True)
        partial = self.path.with_suffix(".partial")
        partial.write_text(json.dumps(version))
        os.replace(partial, self.path)
