"""What runs a query: worker processes on the embedded store, a thread on a remote one.

Either way a query gets the same guard, time limit, row limit and result formats
(``runner.job.run_job``); the pool adds crash isolation, since the engine runs in its process.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import Protocol

from uikg.graph.runner.job import QueryJob
from uikg.graph.runner.pool import Change, ReloadBackoff, Snapshots, WorkerPool
from uikg.graph.runner.stream import Stream, ThreadStream
from uikg.graph.settings import Settings
from uikg.graph.store.base import Store
from uikg.graph.store.embedded import EmbeddedStore


class Executor(Protocol):
    @property
    def query_store(self) -> str:
        """What queries run on now: "memory", "disk" (a copy is loading) or "remote"."""

    async def start(self) -> None: ...
    async def settled(self) -> None:
        """Wait until queries run where they will run from now on (the in-memory engine
        loaded, or not to be)."""

    async def run(self, job: QueryJob) -> Stream: ...
    def refresh(self, change: Change | None = None) -> None:
        """After a write; ``change`` says it as a SPARQL Update, so that an in-memory copy can
        apply it instead of loading the store again (``None``: the change is not known)."""

    async def stop(self) -> None: ...


class PoolExecutor:
    """Embedded store: worker processes over snapshots (see ``runner.pool``)."""

    def __init__(
        self, store: EmbeddedStore, settings: Settings, write_lock: AbstractContextManager[object]
    ) -> None:
        self.snapshots = Snapshots(store.snapshot, settings.snapshots_path, write_lock)
        self.pool = WorkerPool(
            self.snapshots,
            size=settings.query_workers,
            max_size=settings.query_workers_max,
            timeout_s=settings.query_timeout_s,
            queue_timeout_s=settings.query_queue_timeout_s,
            nice_after_s=settings.slow_query_nice_after_s,
            memory_bytes=settings.query_memory_mb * 1024 * 1024,
            memory=settings.query_in_memory,
            reload_backoff=ReloadBackoff(
                first_s=settings.engine_reload_backoff_s,
                max_s=settings.engine_reload_backoff_max_s,
            ),
            apply_wait_s=settings.engine_apply_wait_s,
        )

    async def start(self) -> None:
        await self.pool.start()

    async def settled(self) -> None:
        await self.pool.loaded()

    @property
    def query_store(self) -> str:
        return "memory" if self.pool.in_memory else "disk"

    async def run(self, job: QueryJob) -> Stream:
        return await self.pool.run(job)

    def refresh(self, change: Change | None = None) -> None:
        # The change is noted for the next generation before the generation moves, so no query
        # can see that generation without it (and start loading a whole copy instead).
        self.pool.note_change(self.snapshots.generation + 1, change)
        self.snapshots.publish()

    async def stop(self) -> None:
        await self.pool.close()


class InlineExecutor:
    """Remote store: the server does the work; here a thread waits for it, with a deadline."""

    def __init__(self, store: Store, settings: Settings) -> None:
        self._store = store
        self._timeout = settings.query_timeout_s

    @property
    def query_store(self) -> str:
        return "remote"

    async def start(self) -> None:
        pass

    async def settled(self) -> None:
        pass

    async def run(self, job: QueryJob) -> Stream:
        stream = ThreadStream(self._store, job, self._timeout)
        await stream.start()
        return stream

    def refresh(self, change: Change | None = None) -> None:
        pass

    async def stop(self) -> None:
        pass


def executor_for(
    store: Store, settings: Settings, write_lock: AbstractContextManager[object]
) -> Executor:
    """``write_lock`` is the one the service's writers hold: on-disk checkpoints take it, so
    each holds whole writes."""
    if isinstance(store, EmbeddedStore):
        return PoolExecutor(store, settings, write_lock)
    return InlineExecutor(store, settings)
