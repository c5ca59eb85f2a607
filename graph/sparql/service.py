"""The SPARQL service: guarded queries, updates and whole-graph operations on the store.

This is what the HTTP layer talks to. It knows nothing of HTTP: callers give it query text, the
format negotiated for each query form and the protocol's dataset, and get a stream of bytes.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator, Iterable, Sequence
from typing import Protocol

from pyoxigraph import Triple

from uikg.graph.errors import QueryTimeout, UIKGError
from uikg.graph.settings import Backend, Settings
from uikg.graph.sparql import guard
from uikg.graph.sparql.cache import CachedResult, CachedStream, ResultCache
from uikg.graph.sparql.execute import ChunkStream, QueryJob, run_job
from uikg.graph.sparql.pool import Snapshots, WorkerPool
from uikg.graph.store.base import Store
from uikg.graph.store.embedded import EmbeddedStore
from uikg.graph.store.remote import RemoteStore


class Stream(Protocol):
    media_type: str
    rows: int
    truncated: bool

    def __aiter__(self) -> AsyncIterator[bytes]: ...
    async def read(self) -> bytes: ...
    def body(self) -> bytes: ...
    def close(self) -> None: ...

    @property
    def complete(self) -> bool: ...


class Executor(Protocol):
    query_store: str  # what queries run on now: "memory", "disk" (loading) or "remote"

    async def start(self) -> None: ...
    async def run(self, job: QueryJob) -> Stream: ...
    def refresh(self) -> None: ...
    async def stop(self) -> None: ...


class PoolExecutor:
    """Embedded store: worker processes over snapshots (see ``graph.sparql.pool``)."""

    def __init__(self, store: EmbeddedStore, settings: Settings) -> None:
        self.snapshots = Snapshots(store.snapshot, settings.snapshots_path)
        self.pool = WorkerPool(
            self.snapshots,
            size=settings.query_workers,
            max_size=settings.query_workers_max,
            timeout_s=settings.query_timeout_s,
            queue_timeout_s=settings.query_queue_timeout_s,
            nice_after_s=settings.slow_query_nice_after_s,
            memory_bytes=settings.query_memory_mb * 1024 * 1024,
            memory=settings.query_in_memory,
        )

    async def start(self) -> None:
        await self.pool.start()

    @property
    def query_store(self) -> str:
        return "memory" if self.pool.in_memory else "disk"

    async def run(self, job: QueryJob) -> Stream:
        return await self.pool.run(job)

    def refresh(self) -> None:
        self.snapshots.publish()

    async def stop(self) -> None:
        await self.pool.close()


class _Abandoned(Exception):
    """The client went away or the time ran out: the producing thread stops."""


class _ThreadStream(ChunkStream):
    """A query running in a thread of this process; its chunks reach the loop through a queue."""

    def __init__(self, store: Store, job: QueryJob, timeout_s: float) -> None:
        super().__init__()
        self._loop = asyncio.get_running_loop()
        self._queue: asyncio.Queue[tuple[str, object]] = asyncio.Queue()
        self._room = threading.Semaphore(64)  # chunks in flight: the thread waits for the client
        self._abandoned = False
        self._deadline = self._loop.time() + timeout_s
        self._timeout = timeout_s
        threading.Thread(target=self._work, args=(store, job), daemon=True).start()

    def _put(self, kind: str, value: object) -> None:
        while not self._room.acquire(timeout=1):
            if self._abandoned:
                raise _Abandoned
        try:
            self._loop.call_soon_threadsafe(self._queue.put_nowait, (kind, value))
        except RuntimeError:  # the loop has closed
            raise _Abandoned from None

    def _work(self, store: Store, job: QueryJob) -> None:
        try:
            try:
                outcome, media_type, tail = run_job(
                    store, job, lambda chunk, media: self._put("chunk", (chunk, media))
                )
                last: tuple[str, object] = (
                    "end",
                    (outcome.rows, outcome.truncated, tail, media_type),
                )
            except UIKGError as error:
                last = ("error", error)
            self._put(*last)
        except _Abandoned:
            pass

    async def _receive(self) -> tuple[str, object]:
        try:
            async with asyncio.timeout_at(self._deadline):
                kind, value = await self._queue.get()
        except TimeoutError:
            self.close()
            raise QueryTimeout(
                f"the query ran past the time limit of {self._timeout:g} s and was stopped"
            ) from None
        self._room.release()
        if kind == "error":
            self.close()
            raise value  # type: ignore[misc]
        return kind, value

    def close(self) -> None:
        """The remote server stops the query at its own time limit; the thread stops here."""
        self._finished = True
        self._abandoned = True


class InlineExecutor:
    """Remote store: the server does the work; here a thread waits for it, with a deadline."""

    def __init__(self, store: Store, settings: Settings) -> None:
        self._store = store
        self._timeout = settings.query_timeout_s

    async def start(self) -> None:
        pass

    query_store = "remote"

    async def run(self, job: QueryJob) -> Stream:
        stream = _ThreadStream(self._store, job, self._timeout)
        await stream.start()
        return stream

    def refresh(self) -> None:
        pass

    async def stop(self) -> None:
        pass


def open_store(settings: Settings) -> Store:
    if settings.backend is Backend.remote:
        assert settings.remote_query_url is not None
        return RemoteStore(
            settings.remote_query_url,
            settings.remote_update_url,
            settings.remote_store_url,
            timeout=settings.remote_timeout_s,
            hidden_graphs=settings.remote_hidden_graphs,
            default_graph_iri=settings.remote_default_graph_iri,
        )
    return EmbeddedStore(settings.store_path)


class SparqlService:
    """Guarded reads for everyone, writes for those the HTTP layer has authorised."""

    def __init__(self, settings: Settings, store: Store, executor: Executor) -> None:
        self.settings = settings
        self.store = store
        self.limits = guard.Limits.from_settings(settings)
        self._executor = executor
        self._write_lock = threading.Lock()
        self.generation = 0  # bumped after every write, so caches know when to refresh
        self.cache = ResultCache(
            settings.query_cache_mb * 1024 * 1024, settings.query_cache_entry_kb * 1024
        )

    @classmethod
    def open(cls, settings: Settings) -> SparqlService:
        store = open_store(settings)
        if isinstance(store, EmbeddedStore):
            return cls(settings, store, PoolExecutor(store, settings))
        # Other processes may write a shared remote store behind our back: no result cache.
        remote = settings.model_copy(update={"query_cache_mb": 0})
        return cls(remote, store, InlineExecutor(store, remote))

    async def start(self) -> None:
        """Start what runs queries, on the event loop that will serve them."""
        await self._executor.start()

    async def stop(self) -> None:
        """Stop what runs queries (on the same loop); ``close`` then closes the store."""
        await self._executor.stop()

    @property
    def query_store(self) -> str:
        return self._executor.query_store

    def close(self) -> None:
        self.store.close()

    def _written(self) -> None:
        self._executor.refresh()
        self.generation += 1

    # -- reads ------------------------------------------------------------------------------
    def inspect(self, query: str) -> guard.QueryInfo:
        return guard.inspect_query(query, self.limits)

    async def run(
        self,
        query: str,
        media_types: Sequence[tuple[str, str | None]],
        *,
        default_graph: Sequence[str] = (),
        named_graphs: Sequence[str] = (),
        substitutions: Sequence[tuple[str, str]] = (),
    ) -> Stream:
        """Check and start a query; returns once the first bytes (or the error) are known.

        ``media_types`` pairs each query form with the format negotiated for it (None when the
        client accepts none); the query's form, found where it is checked, picks one.
        """
        for iri in (*default_graph, *named_graphs):
            guard.check_iri(iri, "default-graph-uri/named-graph-uri")
        protocol_dataset = bool(default_graph or named_graphs)
        job = QueryJob(
            query=query,
            media_types=tuple(media_types),
            max_rows=self.settings.max_result_rows,
            limits=self.limits,
            # A protocol dataset replaces the whole dataset: naming only named graphs leaves
            # an empty default graph, and the other way round (SPARQL 1.1 Protocol 2.1.4).
            default_graph=tuple(default_graph) if protocol_dataset else None,
            named_graphs=tuple(named_graphs) if protocol_dataset else None,
            union_default=not protocol_dataset,
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
            self._written()

    def apply(self, update: str) -> None:
        """A trusted update the service built itself (no guards): one transaction, then refresh.

        Used by the contribution workflow, whose updates carry already-parsed terms.
        """
        with self._write_lock:
            self.store.update(update, base_iri=None)
            self._written()

    def replace_graph(self, graph: str | None, triples: Iterable[Triple]) -> bool:
        """Graph Store PUT; True when the graph did not exist before."""
        with self._write_lock:
            created = graph is not None and not self.store.has_graph(graph)
            self.store.replace_graph(graph, triples)
            self._written()
            return created

    def add_triples(self, graph: str | None, triples: Iterable[Triple]) -> bool:
        with self._write_lock:
            created = graph is not None and not self.store.has_graph(graph)
            self.store.add_triples(graph, triples)
            self._written()
            return created

    def drop_graph(self, graph: str | None) -> bool:
        """Graph Store DELETE; False when there was no such graph."""
        with self._write_lock:
            if graph is not None and not self.store.has_graph(graph):
                return False
            self.store.drop_graph(graph)
            self._written()
            return True

    def graph_exists(self, graph: str | None) -> bool:
        return graph is None or self.store.has_graph(graph)
