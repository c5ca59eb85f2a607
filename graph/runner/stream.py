"""The bytes of one result as they arrive, whatever runs the query.

``Stream`` is what the service hands the HTTP layer: a worker's result (``pool.ResultStream``),
a remote server's read in a thread (``ThreadStream``) or a cached one (``CachedStream``).
"""

from __future__ import annotations

import asyncio
import threading
from abc import ABC, abstractmethod
from collections.abc import AsyncIterator
from typing import Protocol, cast

from uikg.graph.errors import QueryTimeout, UIKGError
from uikg.graph.runner.cache import CachedResult
from uikg.graph.runner.job import QueryJob, run_job
from uikg.graph.store.base import Store


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


class ChunkStream(ABC):
    """The bytes of one result as they arrive, whatever runs the query.

    ``start`` waits for the first message, so an error before the first byte is raised to the
    caller while it can still answer with an error status; a short result arrives whole with
    its end message and is then ``complete``.
    """

    def __init__(self) -> None:
        self.media_type = ""  # known with the first message
        self.rows = 0
        self.truncated = False
        self._ready: list[bytes] = []
        self._finished = False

    @abstractmethod
    async def _receive(self) -> tuple[str, object]:
        """The next message: ``("chunk", (bytes, media_type))`` or
        ``("end", (rows, truncated, tail, media_type))``; raises the query's error."""

    async def _pull(self) -> None:
        kind, value = await self._receive()
        if kind == "chunk":
            chunk, self.media_type = cast(tuple[bytes, str], value)
            self._ready.append(chunk)
            return
        rows, truncated, tail, media_type = cast(tuple[int, bool, bytes, str], value)
        self.rows, self.truncated, self.media_type = rows, truncated, media_type
        if tail:
            self._ready.append(tail)
        self._finished = True

    async def start(self) -> None:
        try:
            if not self._finished:
                await self._pull()
        except BaseException:
            self.close()
            raise

    @property
    def complete(self) -> bool:
        return self._finished

    def body(self) -> bytes:
        """The whole result of a ``complete`` stream."""
        assert self._finished, "the result is still streaming"
        data = b"".join(self._ready)
        self._ready.clear()
        return data

    async def __aiter__(self) -> AsyncIterator[bytes]:
        try:
            while True:
                while self._ready:
                    yield self._ready.pop(0)
                if self._finished:
                    return
                await self._pull()
        finally:
            self.close()

    async def read(self) -> bytes:
        return b"".join([chunk async for chunk in self])

    @abstractmethod
    def close(self) -> None:
        """Abandon the query if it is still running (the client went away)."""


class _Abandoned(Exception):
    """The client went away or the time ran out: the producing thread stops."""


class ThreadStream(ChunkStream):
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
            raise QueryTimeout.after(self._timeout) from None
        self._room.release()
        if kind == "error":
            self.close()
            raise value  # type: ignore[misc]
        return kind, value

    def close(self) -> None:
        """The remote server stops the query at its own time limit; the thread stops here."""
        self._finished = True
        self._abandoned = True


class CachedStream:
    """A cached result, behaving like the live streams the executors return."""

    complete = True

    def __init__(self, result: CachedResult) -> None:
        self.media_type = result.media_type
        self.rows = result.rows
        self.truncated = result.truncated
        self._body = result.body

    async def __aiter__(self) -> AsyncIterator[bytes]:
        yield self._body

    async def read(self) -> bytes:
        return self._body

    def body(self) -> bytes:
        return self._body

    def close(self) -> None:
        pass
