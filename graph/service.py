"""The graph service: the one door through which the HTTP layer reads and writes the graph.

Every read (a SPARQL request, a named query, a page, a collection, a search, the dataset's
statistics, a Graph Store read) runs as a query through one executor, so each has the guard, the
time limit, the row limit and crash isolation of a query worker, and short results are cached
per store generation. Writes (SPARQL Update, Graph Store writes, accepted contributions) take
one lock and publish a new generation. On the remote backend other processes write the same
store: the service watches the store's version (``graph/version.py``) and moves its generation
when another process wrote, so derived views (search, the JSON-LD context, dumps) follow.

It knows nothing of HTTP: callers give it query text and the result format they negotiated
from the query's form (``query_form``), and get a stream of bytes. Functions that build pages
read through ``reader``, which they may call from any thread but the event loop's.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import logging
import threading
import time
from collections import deque
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from pyoxigraph import (
    QueryBoolean,
    QueryResultsFormat,
    QuerySolutions,
    RdfFormat,
    Triple,
    Variable,
    parse,
    parse_query_results,
)

from uikg.graph.dataset import Dump, Dumps
from uikg.graph.errors import ResultTooLarge, UIKGError
from uikg.graph.feed import DEFAULT, Feed, graphs_in
from uikg.graph.heap import give_back_memory
from uikg.graph.runner.cache import CachedResult, ResultCache
from uikg.graph.runner.executors import executor_for
from uikg.graph.runner.job import QueryJob
from uikg.graph.runner.pool import Change
from uikg.graph.runner.stream import CachedStream, Stream
from uikg.graph.search import Hit, LabelIndex
from uikg.graph.settings import Settings
from uikg.graph.sparql import formats, guard
from uikg.graph.store import open_store
from uikg.graph.store.base import Store, data_block, graph_ref
from uikg.graph.store.embedded import EmbeddedStore
from uikg.graph.version import StoreVersion, Versions, Write, build_time

log = logging.getLogger(__name__)
TRIM_EVERY_S = 10.0  # at most this often, the memory writes freed goes back to the system

# What the reader asks workers for: lossless, and parsed back into terms by pyoxigraph.
_READ_FORMATS = {
    "SELECT": formats.TSV,
    "ASK": formats.SPARQL_JSON,
    "CONSTRUCT": formats.N_TRIPLES,
    "DESCRIBE": formats.N_TRIPLES,
}


class GraphService:
    """Guarded reads for everyone, writes for those the HTTP layer has authorised."""

    def __init__(self, settings: Settings, store: Store) -> None:
        self.settings = settings
        self.store = store  # for graph-side collaborators (contributions); never the HTTP layer
        self.limits = guard.Limits.from_settings(settings)
        self._write_lock = threading.Lock()  # held by writers, and by on-disk checkpoints
        self._executor = executor_for(store, settings, self._write_lock)
        self._loop: asyncio.AbstractEventLoop | None = None
        self.generation = 0  # bumped after every write, so caches know when to refresh
        # the graphs each of the last generations wrote, for views that refresh in part
        self._changes: deque[tuple[int, frozenset[str] | None]] = deque(maxlen=1024)
        self._generation_lock = threading.Lock()  # bumped from writers' threads and the watcher
        self._watcher: asyncio.Task[None] | None = None
        self._indexing: asyncio.Task[None] | None = None
        self.labels_indexed = threading.Event()  # the start's label index is built (or failed)
        self._trimmed = 0.0  # when freed memory was last given back to the system
        self.cache = ResultCache(
            settings.query_cache_mb * 1024 * 1024, settings.query_cache_entry_kb * 1024
        )
        self.reader = GuardedReader(self)
        self._labels = LabelIndex()
        self._dumps = Dumps(settings.data_dir / "dumps")
        self.feed = Feed(settings.data_dir / "feed")
        # Only this process writes an embedded store; a remote one may change behind our back.
        self._versions = (
            Versions(settings.base_iri, None, settings.data_dir / "version.json")
            if isinstance(store, EmbeddedStore)
            else Versions(settings.base_iri, settings.version_check_s, None)
        )

    @classmethod
    def open(cls, settings: Settings) -> GraphService:
        store = open_store(settings, service=True)
        if not isinstance(store, EmbeddedStore):
            # Other processes may write a shared remote store behind our back: no result cache.
            settings = settings.model_copy(update={"query_cache_mb": 0})
        return cls(settings, store)

    async def start(self) -> None:
        """Start what runs queries, on the event loop that will serve them."""
        self._loop = asyncio.get_running_loop()
        if self.settings.change_feed:  # first: with the engine loading, the dataset was twice
            await asyncio.to_thread(self._feed_catch_up)  # in memory at once (bench/README.md)
        await self._executor.start()
        self._indexing = asyncio.create_task(self._index_labels())
        if self._versions.ttl_s is not None:  # others may write the store
            self._watcher = asyncio.create_task(self._watch(self._versions.ttl_s))

    async def _watch(self, every_s: float) -> None:
        """Follow the shared store's version: when another process wrote, move the generation
        (for the graphs it changed, when its write said) and put its writes in this process's
        change feed, as after this process's own writes. The result cache is off on this
        backend, so no answer is served from it."""
        seen: StoreVersion | None = None
        while True:
            try:
                current = await self.version()
                if seen is not None and current.token != seen.token:
                    await self._others_wrote(seen, current)
                seen = current
            except (UIKGError, OSError) as error:
                log.warning("cannot follow the store's version (%s)", error)
            await asyncio.sleep(every_s)

    async def _others_wrote(self, seen: StoreVersion, current: StoreVersion) -> None:
        writes = await self._versions.writes(self, seen, current)
        if writes == []:
            return  # only this process wrote: its generation and feed have moved already
        self._next_generation(None if writes is None else {g for w in writes for g in w.graphs})
        if self.settings.change_feed:
            await asyncio.to_thread(self._feed_others, writes)

    def _feed_others(self, writes: list[Write] | None) -> None:
        """A page per write of another process (``None``: a comparison of every graph)."""
        with self._write_lock:
            if writes is None:
                self._feed(self.feed.record, self.store, None, "recovery")
            for write in writes or ():
                self._feed(self.feed.record, self.store, set(write.graphs), write.kind)

    def _next_generation(self, graphs: set[str] | None = None) -> None:
        """``graphs``: the graphs the write changed (``None``: any, or unknown)."""
        with self._generation_lock:
            self.generation += 1
            self._changes.append((self.generation, None if graphs is None else frozenset(graphs)))
            self.cache.clear()

    def changed_since(self, generation: int) -> set[str] | None:
        """The graphs written after ``generation`` (``None`` when some write did not say, or
        is too old to be remembered): what a derived view must read again."""
        with self._generation_lock:
            changes = [(g, graphs) for g, graphs in self._changes if g > generation]
            if len(changes) != self.generation - generation:
                return None
            found: set[str] = set()
            for _, graphs in changes:
                if graphs is None:
                    return None
                found |= graphs
            return found

    def _feed_catch_up(self) -> None:
        """The first build this data dir's feed sees (or a rebuild since) becomes a page."""
        with self._write_lock:
            self._feed(
                self.feed.catch_up, self.store, build_time(self.store, self.settings.base_iri)
            )
        give_back_memory()

    @staticmethod
    def _feed(step: Any, *args: Any) -> None:
        """The feed follows the data; it never fails a write or a start. A step it could not
        take (a store it cannot read whole) is said in the log, and the next start's
        comparison of every graph makes up for it."""
        try:
            step(*args)
        except (UIKGError, SyntaxError, OSError, ValueError) as error:
            log.warning("the change feed missed a step (%s: %s)", type(error).__name__, error)

    async def stop(self) -> None:
        """Stop what runs queries (on the same loop); ``close`` then closes the store."""
        for task in (self._watcher, self._indexing):
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
        self._watcher = self._indexing = None
        await self._executor.stop()

    @property
    def query_store(self) -> str:
        return self._executor.query_store

    def close(self) -> None:
        self.feed.close()
        self.store.close()

    def _written(self, graphs: set[str] | None, kind: str, change: Change | None) -> None:
        """After a write (under the write lock): the change feed's page for the graphs it
        changed (``None``: any), the version every process sees, the workers' refresh (with
        the write as an update the in-memory copy can apply)."""
        if self.settings.change_feed:
            self._feed(self.feed.record, self.store, graphs, kind)
        # The version every process sees (graph/version.py), right after the write, under the
        # same lock (a crash between the two leaves the old version until the next write).
        self._versions.written(self.store, graphs, kind)
        self._executor.refresh(change)
        self._next_generation(graphs)
        now = time.monotonic()
        if now - self._trimmed >= TRIM_EVERY_S:
            # Writes leave free memory spread through the allocator's arenas (the checks, the
            # feed, the pages in between), which glibc keeps unless asked: ~0.3 MB/s under the
            # soak's stream of contributions.
            self._trimmed = now
            give_back_memory()

    async def version(self) -> StoreVersion:
        """The published graph's version (HTTP validators), read through the guarded path."""
        return await self._versions.current(self)

    # -- queries ----------------------------------------------------------------------------
    async def query_form(self, query: str) -> str:
        """The query's form, for the caller to negotiate a result format with.

        The fast path costs a few regular expressions; anything it cannot read is checked in
        full, in a thread, which raises the error the query deserves (syntax, limits).
        """
        form = guard.sniff_form(query, self.limits)
        if form is None:
            form = (await asyncio.to_thread(guard.inspect_query, query, self.limits)).form
        return form

    async def run(
        self,
        query: str,
        media_type: str,
        *,
        default_graph: Sequence[str] = (),
        named_graphs: Sequence[str] = (),
        substitutions: Sequence[tuple[str, str]] = (),
        union_default: bool = True,
        max_rows: int | None = None,
    ) -> Stream:
        """Check and start a query; returns once the first bytes (or the error) are known.

        ``media_type`` must suit the query's form (see ``query_form``).
        """
        for iri in (*default_graph, *named_graphs):
            guard.check_iri(iri, "default-graph-uri/named-graph-uri")
        protocol_dataset = bool(default_graph or named_graphs)
        job = QueryJob(
            query=query,
            media_type=media_type,
            max_rows=max_rows if max_rows is not None else self.settings.max_result_rows,
            limits=self.limits,
            # A protocol dataset replaces the whole dataset: naming only named graphs leaves
            # an empty default graph, and the other way round (SPARQL 1.1 Protocol 2.1.4).
            default_graph=tuple(default_graph) if protocol_dataset else None,
            named_graphs=tuple(named_graphs) if protocol_dataset else None,
            union_default=union_default and not protocol_dataset,
            substitutions=tuple(substitutions),
            base_iri=self.settings.base_iri,
        )
        key = (job, self.generation)
        cached = self.cache.get(key)
        if cached is not None:
            return CachedStream(cached)
        stream = await self._executor.run(job)
        if not stream.complete:
            return stream
        result = CachedResult(stream.media_type, stream.body(), stream.rows, stream.truncated)
        self.cache.put(key, result)
        return CachedStream(result)

    def _blocking(self, coroutine: Any) -> Any:
        """Run a coroutine on the service's loop from a worker thread, and wait for it."""
        if self._loop is None:
            raise RuntimeError("the graph service has not been started")
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is self._loop:
            coroutine.close()
            raise RuntimeError("blocking read on the event loop: call it from a worker thread")
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result()

    # -- Graph Store reads --------------------------------------------------------------------
    async def read_graph(self, graph: str | None, media_type: str) -> Stream:
        """One graph's triples (``None``: the default graph), run as a query like any read."""
        if graph is not None:
            guard.check_iri(graph, "graph")
        query, union = self.store.graph_query(graph)
        return await self.run(query, media_type, union_default=union)

    def graph_exists(self, graph: str | None) -> bool:
        if graph is None:
            return True
        guard.check_iri(graph, "graph")
        return self.reader.ask(f"ASK {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}", union_default=False)

    def named_graphs(self) -> list[str]:
        """The graph names (an index lookup on the embedded store; hidden system graphs left
        out on a remote one)."""
        return self.store.named_graphs()

    # -- derived views, rebuilt once per generation ------------------------------------------
    def search(self, text: str, limit: int) -> list[Hit]:
        self._refresh_labels()
        return self._labels.search(text, limit)

    def _refresh_labels(self) -> None:
        self._labels.refresh(self)

    async def _index_labels(self) -> None:
        """The label index before the first search, not during it (a large store's labels take
        seconds, read graph by graph), once the in-memory engine has loaded: read through the
        on-disk snapshots while it loaded, the index and the disk workers' caches came on top
        of the loading peak (2.05× Oxigraph in memory at 1 M triples, bench/README.md). A
        search before then builds it; a failure leaves it to the first search."""
        await self._executor.settled()
        try:
            await asyncio.to_thread(self._refresh_labels)
        except (UIKGError, OSError) as error:
            log.warning("the label index was not built at start (%s)", error)
        self.labels_indexed.set()

    def dumps(self) -> list[Dump]:
        """Whole-dataset files for download: an export of every quad, not a query, written
        once per generation."""
        return self._dumps.get(self.store, self.generation)

    # -- writes -----------------------------------------------------------------------------
    def update(
        self, text: str, *, using: Sequence[str] = (), using_named: Sequence[str] = ()
    ) -> None:
        for iri in (*using, *using_named):
            guard.check_iri(iri, "using-graph-uri/using-named-graph-uri")
        info = guard.inspect_update(text, self.limits)
        text = guard.apply_protocol_dataset(text, info, using, using_named)
        with self._write_lock:
            self.store.update(text, base_iri=self.settings.base_iri)
            self._written(None, "update", Change(text, self.settings.base_iri))

    def apply(self, update: str) -> None:
        """A trusted update the service built itself (no guards): one transaction, then refresh.

        Used by the contribution workflow, whose updates carry already-parsed terms.
        """
        with self._write_lock:
            self.store.update(update, base_iri=None)
            self._written(graphs_in(update), "contribution", Change(update))

    def replace_graph(self, graph: str | None, triples: Iterable[Triple]) -> bool:
        """Graph Store PUT; True when the graph did not exist before."""
        triples = list(triples)
        with self._write_lock:
            created = graph is not None and not self.store.has_graph(graph)
            self.store.replace_graph(graph, triples)
            change = (
                f"DROP SILENT {graph_ref(graph)} ; INSERT DATA {{ {data_block(triples, graph)} }}"
            )
            self._written({graph or DEFAULT}, "graph-store", Change(change))
            return created

    def add_triples(self, graph: str | None, triples: Iterable[Triple]) -> bool:
        triples = list(triples)
        with self._write_lock:
            created = graph is not None and not self.store.has_graph(graph)
            self.store.add_triples(graph, triples)
            change = f"INSERT DATA {{ {data_block(triples, graph)} }}"
            self._written({graph or DEFAULT}, "graph-store", Change(change))
            return created

    def drop_graph(self, graph: str | None) -> bool:
        """Graph Store DELETE; False when there was no such graph."""
        with self._write_lock:
            if graph is not None and not self.store.has_graph(graph):
                return False
            self.store.drop_graph(graph)
            self._written(
                {graph or DEFAULT}, "graph-store", Change(f"DROP SILENT {graph_ref(graph)}")
            )
            return True


class GuardedReader:
    """The ``Reader`` pages, collections and statistics use: each query through the service.

    Results come back from the worker in a lossless format and are parsed into pyoxigraph
    terms here, so the functions that read see the same objects a ``Store`` would give them.
    A result longer than ``max_read_rows`` is an error, never a silently shorter page.
    """

    def __init__(self, service: GraphService) -> None:
        self._service = service

    def query(
        self,
        sparql: str,
        *,
        union_default: bool = True,
        substitutions: Mapping[Variable, Any] | None = None,
    ) -> Any:
        pairs = tuple((v.value, str(term)) for v, term in (substitutions or {}).items())
        form, body = self._service._blocking(self._read(sparql, union_default, pairs))
        return _parse(form, body)  # here: pyoxigraph's results may not cross threads

    def ask(self, sparql: str, *, union_default: bool = True) -> bool:
        return bool(self.query(sparql, union_default=union_default))

    async def _read(
        self, sparql: str, union_default: bool, substitutions: tuple[tuple[str, str], ...] = ()
    ) -> tuple[str, bytes]:
        service = self._service
        form = await service.query_form(sparql)
        limit = service.settings.max_read_rows
        stream = await service.run(
            sparql,
            _READ_FORMATS[form],
            union_default=union_default,
            max_rows=limit,
            substitutions=substitutions,
        )
        body = await stream.read()
        if stream.truncated:
            raise ResultTooLarge(
                f"a read for this page has more than {limit} rows (the limit is UIKG_MAX_READ_ROWS)"
            )
        return form, body


def _parse(form: str, body: bytes) -> QuerySolutions | QueryBoolean | list[Triple]:
    if form == "SELECT":
        return parse_query_results(io.BytesIO(body), QueryResultsFormat.TSV)  # type: ignore[return-value]
    if form == "ASK":
        return parse_query_results(io.BytesIO(body), QueryResultsFormat.JSON)  # type: ignore[return-value]
    return [quad.triple for quad in parse(body, RdfFormat.N_TRIPLES)]
