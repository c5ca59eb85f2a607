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
BUILD_GRAPH = "graph/build"
DCT = PREFIXES["dct"]
PROV = PREFIXES["prov"]
XSD = PREFIXES["xsd"]
UIKG = PREFIXES["uikg"]


@dataclass(frozen=True)
class StoreVersion:
    token: str  # changes with every write and every build (and with the software's version)
    modified: dt.datetime | None  # the last write, when the store records one


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


def bump(base: str) -> str:
    """A SPARQL Update that records a new version in the store (the remote backend)."""
    graph, node = base + VERSION_GRAPH, base + "dataset"
    return (
        f"DELETE WHERE {{ GRAPH <{graph}> {{ <{node}> ?p ?o }} }} ;\n"
        f"INSERT DATA {{ GRAPH <{graph}> {{ <{node}> <{UIKG}storeVersion> "
        f'"{secrets.token_hex(16)}" ; <{DCT}modified> "{_now()}"^^<{XSD}dateTime> }} }}'
    )


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
    return StoreVersion(digest, max(times) if times else None)


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

    def written(self, store: Any) -> None:
        """Record a new version after a write (called under the service's write lock)."""
        if self.path is None:
            store.update(bump(self.base))
            return
        self._record({"token": secrets.token_hex(16), "modified": _now()})

    def _record(self, version: dict[str, str]) -> None:
        assert self.path is not None
        self.path.parent.mkdir(parents=True, exist_ok=True)
        partial = self.path.with_suffix(".partial")
        partial.write_text(json.dumps(version))
        os.replace(partial, self.path)
