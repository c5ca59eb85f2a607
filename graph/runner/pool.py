"""Query execution in processes of their own: time limits that hold, crashes the server survives.

pyoxigraph cannot cancel a running query from Python, and some inputs crash it outright, so no
query runs in the service's process. Two kinds of query processes:

- the **engine** (``graph.runner.engine``): one process holding the newest snapshot in memory,
  running up to ``max_size`` queries at once in threads; each write reaches it as a SPARQL Update.
- **disk workers** (``graph.runner.worker``): one query at a time over a read-only on-disk
  snapshot (a RocksDB checkpoint made with hard links when one is needed, see ``Snapshots``).
  They answer while the engine loads (at start, after a write it cannot replay, after it was
  stopped), the queries the engine could not finish, and every query when ``memory`` is off.

A write is visible to the next query: a query that arrives while the engine applies a write
waits for it (up to ``apply_wait_s``, then it runs on disk), never on the copy before the write.

Time limit: a disk worker past it is killed and replaced. A query past it in the engine cannot
be stopped alone, so the engine is killed: the other queries it was running start again on disk
workers (those whose first bytes had gone out end with an error), and a new engine loads in the
background. The same query sent again then runs on a disk worker, so one query costs the engine
once. A crash is handled the same way; the query that crashed the engine then crashes only its
own disk worker. An engine lost again soon after (a client varying a heavy query's text, which
the "never again" list cannot see) is reloaded after a wait that doubles with each further loss
(``ReloadBackoff``): meanwhile every query runs on disk workers, each stoppable on its own, so
such a client costs speed but never a reload storm.

Scheduling: the engine runs ``size`` queries at full priority (about the number of cores: more
only slows them down, bench/README.md) and at most ``max_size`` in all; a query running longer
than ``nice_after_s`` is niced and stops counting against ``size``, so cheap queries get through
while heavy ones run.

The pool lives on the service's event loop: a query in flight is a message the loop awaits, not
a thread, and the time limit is a loop timer. The first chunk of output (or the end of a short
result, or the error) is awaited before the caller commits to a status code, so errors found
before the first byte are real HTTP errors.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import os
import shutil
import socket
import subprocess
import sys
import threading
from collections import OrderedDict, deque
from collections.abc import Callable, Hashable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from uikg.graph.errors import EngineCrashed, Overloaded, QueryTimeout, UIKGError
from uikg.graph.runner import wire
from uikg.graph.runner.job import QueryJob
from uikg.graph.runner.stream import ChunkStream

log = logging.getLogger(__name__)


@dataclass
class ReloadBackoff:
    """How long to wait before loading a new engine after one was lost (killed for a query past
    the limit, or crashed): at once the first time; after a further loss within ``max_s`` of the
    previous one, ``first_s``, doubling each time, at most ``max_s``."""

    first_s: float
    max_s: float
    losses: int = 0
    last: float = float("-inf")

    def after_loss(self, now: float) -> float:
        if now - self.last > self.max_s:  # quiet long enough: forgiven
            self.losses = 0
        self.last = now
        self.losses += 1
        if self.losses == 1 or self.first_s <= 0:
            return 0.0
        return float(min(self.first_s * 2 ** (self.losses - 2), self.max_s))


@dataclass(frozen=True)
class Change:
    """A write, as a SPARQL Update the in-memory copy can apply (``base_iri`` as the store had)."""

    update: str
    base_iri: str | None = None


class Snapshots:
    """Numbered read-only checkpoints of an embedded store, made when a process needs one.

    Every write moves ``generation``; the checkpoint of a generation is made only when an engine
    loads it or a disk worker is to query it, under the writers' lock, so it holds exactly the
    writes of its generation. Why not one per write: a checkpoint flushes the store's write
    buffers, and a flush per write (with the service's own reads between) grew the service's
    memory with every accepted contribution, ~1 MB/s under the soak (bench/README.md).
    """

    def __init__(
        self,
        make: Callable[[Path], None],
        folder: Path,
        write_lock: AbstractContextManager[object] | None = None,
    ) -> None:
        self._make = make
        self._folder = folder
        self._write_lock = write_lock if write_lock is not None else threading.Lock()
        self._lock = threading.Lock()
        self.generation = 0
        self._kept: set[int] = set()  # generations on disk
        shutil.rmtree(folder, ignore_errors=True)  # left by a previous run; nobody holds them
        folder.mkdir(parents=True, exist_ok=True)
        self.checkpoint()

    def path(self, generation: int) -> Path:
        return self._folder / f"{generation:08d}"

    def publish(self) -> None:
        """A write made the next generation (called by the writer, holding its lock)."""
        with self._lock:
            self.generation += 1

    def checkpoint(self) -> tuple[int, Path]:
        """The newest generation and its checkpoint, made now if it is not on disk yet
        (blocking: the loop calls it in a thread)."""
        with self._write_lock, self._lock:
            generation = self.generation
            if generation not in self._kept:
                self._make(self.path(generation))
                self._kept.add(generation)
            return generation, self.path(generation)

    def prune(self, held: set[int]) -> None:
        """Remove the checkpoints no worker has open, but the newest (it may have just been
        made for a process not yet holding it)."""
        with self._lock:
            newest = max(self._kept, default=0)
            for generation in [g for g in self._kept if g < newest and g not in held]:
                shutil.rmtree(self.path(generation), ignore_errors=True)
                self._kept.discard(generation)


@dataclass(eq=False)
class _Worker:
    """A disk worker: one query at a time over the newest on-disk snapshot."""

    process: subprocess.Popen[bytes]
    reader: asyncio.StreamReader
    writer: asyncio.StreamWriter
    generation: int | None = None
    niced: bool = False
    nice_timer: asyncio.TimerHandle | None = None

    def kill(self) -> None:
        """SIGKILL and close; the process is reaped off the loop."""
        if self.nice_timer is not None:
            self.nice_timer.cancel()
        with contextlib.suppress(ProcessLookupError):
            self.process.kill()
        self.writer.close()


class _Ticket:
    """One query in the engine: its messages as they arrive, for the stream that reads them.

    Besides the engine's own messages it may get ``("retry",)`` (the engine stopped before
    answering: run it elsewhere) or ``("fail", error)``.
    """

    __slots__ = ("ident", "key", "started", "timer", "messages", "waiter", "received", "abandoned")

    def __init__(self, ident: int, key: Hashable, started: float) -> None:
        self.ident = ident
        self.key = key
        self.started = started
        self.timer: asyncio.TimerHandle | None = None
        self.messages: deque[tuple[Any, ...]] = deque()
        self.waiter: asyncio.Future[None] | None = None
        self.received = False  # something reached the stream: bytes may have gone out
        self.abandoned = False  # the client went away; the engine finishes it anyway

    def push(self, message: tuple[Any, ...]) -> None:
        self.received = self.received or message[0] in ("c", "e", "x")
        self.messages.append(message)
        if self.waiter is not None and not self.waiter.done():
            self.waiter.set_result(None)

    async def next(self) -> tuple[Any, ...]:
        while not self.messages:
            self.waiter = asyncio.get_running_loop().create_future()
            await self.waiter
        return self.messages.popleft()


@dataclass(eq=False)
class _Engine:
    """The engine process, the generation its copy is at, and the queries in it."""

    process: subprocess.Popen[bytes]
    reader: asyncio.StreamReader
    writer: asyncio.StreamWriter
    generation: int
    tickets: dict[int, _Ticket] = field(default_factory=dict)
    updates: dict[int, asyncio.Future[tuple[Any, ...]]] = field(default_factory=dict)
    alive: bool = True
    listener: asyncio.Task[None] | None = None

    def kill(self) -> None:
        self.alive = False
        with contextlib.suppress(ProcessLookupError):
            self.process.kill()
        self.writer.close()
        threading.Thread(target=_reap, args=(self.process,), daemon=True).start()


@dataclass
class PoolStats:
    started: int = 0  # disk workers
    killed_timeout: int = 0
    crashed: int = 0
    queries: int = 0
    memory_queries: int = 0
    memory_loads: int = 0
    memory_applies: int = 0
    retried: int = 0  # queries the engine was running when it stopped, run again on disk
    reloads_delayed: int = 0  # engine losses whose reload waited (``ReloadBackoff``)
    wakes: int = 0  # times a waiting query was woken to look again
    extra: dict[str, int] = field(default_factory=dict)


QUARANTINE = 1024  # query texts remembered as having stopped the engine


class WorkerPool:
    """The engine and a bounded, self-healing set of disk workers.

    Used from one event loop; disk workers are started on first need and kept warm while the
    engine is not there.
    """

    def __init__(
        self,
        snapshots: Snapshots,
        *,
        size: int,
        max_size: int,
        timeout_s: float,
        queue_timeout_s: float,
        nice_after_s: float,
        memory_bytes: int = 0,
        memory: bool = False,
        reload_backoff: ReloadBackoff | None = None,
        apply_wait_s: float = 1.0,
    ) -> None:
        self._snapshots = snapshots
        self._size = size
        self._max = max_size
        self._timeout = timeout_s
        self._queue_timeout = queue_timeout_s
        self._nice_after = nice_after_s
        self._memory_bytes = memory_bytes
        self._memory = memory
        self._apply_wait = apply_wait_s
        self._idle: list[_Worker] = []
        self._busy: set[_Worker] = set()
        self._starting = 0
        self._freed: asyncio.Event | None = None
        # Queries waiting only for room in the engine, oldest first: a query that ends there
        # wakes one of them, not every waiter (8 clients on 2 threads woke 6 per answer).
        self._room_waiters: deque[asyncio.Future[None]] = deque()
        self._engine: _Engine | None = None
        self._loading: int | None = None  # the generation an engine is loading
        self._loading_process: subprocess.Popen[bytes] | None = None
        self._load_task: asyncio.Task[None] | None = None
        self._failed: int | None = None  # the generation whose load failed
        self._changes: dict[int, Change | None] = {}  # generation -> its write, to apply
        self._changes_lock = threading.Lock()  # writers note changes from their own threads
        self._applying: asyncio.Task[None] | None = None
        self._quarantine: OrderedDict[Hashable, None] = OrderedDict()
        self._backoff = reload_backoff or ReloadBackoff(first_s=0.0, max_s=0.0)
        self._reload_at = 0.0  # no engine loads before this (loop time)
        self._reload_timer: asyncio.TimerHandle | None = None
        self._ids = itertools.count()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._closed = False
        self.stats = PoolStats()

    async def start(self) -> None:
        """Start loading the engine in the background, and the disk workers that answer
        meanwhile, so the first queries do not wait for one."""
        self._loop = asyncio.get_running_loop()
        self._load_engine()
        while not self._closed and len(self._idle) + len(self._busy) + self._starting < self._size:
            self._starting += 1
            try:
                worker = await self._spawn()
            finally:
                self._starting -= 1
            self._idle.append(worker)

    async def loaded(self) -> None:
        """Wait until the engine that ``start`` began loading has loaded (or failed to)."""
        task = self._load_task
        if task is not None:
            with contextlib.suppress(Exception):
                await asyncio.shield(task)

    @property
    def in_memory(self) -> bool:
        """Whether queries now run on the engine's in-memory copy of the newest snapshot."""
        engine = self._engine
        return engine is not None and engine.generation == self._snapshots.generation

    # -- the engine ---------------------------------------------------------------------------
    def _load_engine(self) -> None:
        """Start loading the newest generation unless there is an engine (writes reach it as
        updates) or one is loading."""
        generation = self._snapshots.generation
        if (
            self._memory
            and not self._closed
            and self._engine is None
            and self._loading is None
            and generation != self._failed
            and asyncio.get_running_loop().time() >= self._reload_at
        ):
            self._loading = generation
            self._load_task = asyncio.get_running_loop().create_task(self._load())

    async def _load(self) -> None:
        try:
            generation, path = await asyncio.to_thread(self._snapshots.checkpoint)
            self._loading = generation  # writes since the request are applied after the load
            engine = await self._start_engine(generation, path)
        except OSError as error:
            log.warning("queries stay on the on-disk snapshot: %s", error)
            self._failed = self._loading  # not retried until a write makes a new one
            return
        finally:
            self._loading = None
            self._loading_process = None
        if self._closed:
            engine.kill()
            return
        self._engine = engine
        self.stats.memory_loads += 1
        engine.listener = asyncio.get_running_loop().create_task(self._listen(engine))
        self._apply_changes()  # the writes made while it loaded
        for worker in self._idle[1:]:  # one disk worker stays warm for what the engine can't run
            self._idle.remove(worker)
            self._retire(worker)
        self._notify()

    async def _start_engine(self, generation: int, path: Path) -> _Engine:
        parent, child = socket.socketpair()
        process = _python(
            "uikg.graph.runner.engine",
            child,
            str(path),
            str(self._memory_bytes),
            str(self._max),
            str(self._nice_after),
        )
        self._loading_process = process
        reader, writer = await asyncio.open_connection(sock=parent, limit=2**20)
        try:
            message = await wire.read(reader)
        except (asyncio.IncompleteReadError, OSError):
            message = (
                "failed",
                f"the engine exited (code {await asyncio.to_thread(_reap, process)})",
            )
        except BaseException:
            process.kill()
            writer.close()
            raise
        if message[0] != "ready":
            process.kill()
            writer.close()
            threading.Thread(target=_reap, args=(process,), daemon=True).start()
            raise OSError(f"loading generation {generation} into memory failed: {message[1]}")
        return _Engine(process, reader, writer, generation)

    async def _listen(self, engine: _Engine) -> None:
        """Hand the engine's messages to the queries (and updates) they belong to."""
        try:
            while True:
                message = await wire.read(engine.reader)
                kind, ident = message[0], message[1]
                if kind == "u":
                    future = engine.updates.pop(ident, None)
                    if future is not None and not future.done():
                        future.set_result(message)
                    continue
                ticket = engine.tickets.get(ident)
                if ticket is None:
                    continue
                if kind != "c":  # its end: the engine has room for another
                    del engine.tickets[ident]
                    if ticket.timer is not None:
                        ticket.timer.cancel()
                    self._notify_room()
                if not ticket.abandoned:
                    ticket.push(message)
        except asyncio.CancelledError:
            return
        except Exception as error:  # EOF, a broken socket, a message that does not unpickle
            if engine.alive:
                log.warning("the query engine stopped (%s): queries go to disk meanwhile", error)
                self.stats.crashed += 1
                self._lose(engine, None)

    def _lose(self, engine: _Engine, culprit: _Ticket | None) -> None:
        """The engine is gone (killed for ``culprit``, or crashed): its other queries run
        again on disk workers, and a new engine loads."""
        engine.kill()
        if self._engine is engine:
            self._engine = None
        for ticket in engine.tickets.values():
            if ticket.timer is not None:
                ticket.timer.cancel()
            if ticket is culprit or ticket.abandoned:
                continue
            if ticket.received:
                ticket.push(
                    (
                        "fail",
                        EngineCrashed(
                            "the query engine was stopped while sending this result (another "
                            "query ran past the time limit, or crashed it); run it again"
                        ),
                    )
                )
            else:
                self.stats.retried += 1
                ticket.push(("retry",))
        engine.tickets.clear()
        for future in engine.updates.values():
            if not future.done():
                future.set_result(("u", -1, False, "the engine stopped"))
        engine.updates.clear()
        if not self._closed:
            loop = asyncio.get_running_loop()
            wait = self._backoff.after_loss(loop.time())
            if wait > 0:
                self.stats.reloads_delayed += 1
                log.warning("the query engine was lost again: it reloads in %.0f s", wait)
                self._reload_at = loop.time() + wait
                self._reload_timer = loop.call_at(self._reload_at, self._reload)
            else:
                self._reload()
        self._notify()

    def _reload(self) -> None:
        self._reload_timer = None
        self._load_engine()

    def _expire(self, engine: _Engine, ticket: _Ticket) -> None:
        """A query in the engine ran past the time limit: the engine goes with it."""
        if engine.tickets.pop(ticket.ident, None) is None:
            return
        self.stats.killed_timeout += 1
        self._remember(ticket.key)
        if not ticket.abandoned:
            ticket.push(("fail", QueryTimeout.after(self._timeout)))
        log.warning("a query ran past the time limit: the query engine is restarted")
        self._lose(engine, ticket)

    def _remember(self, key: Hashable) -> None:
        """This query stopped the engine: it runs on a disk worker from now on."""
        self._quarantine[key] = None
        self._quarantine.move_to_end(key)
        while len(self._quarantine) > QUARANTINE:
            self._quarantine.popitem(last=False)

    def _room(self, engine: _Engine, now: float) -> float | None:
        """None if the engine may take a query now, else how long until a running one is
        niced (and so stops counting against ``size``)."""
        if len(engine.tickets) >= self._max:
            return self._nice_after
        fresh = [t.started for t in engine.tickets.values() if now - t.started < self._nice_after]
        if len(fresh) < self._size:
            return None
        return min(fresh) + self._nice_after - now

    # -- writes applied to the engine's copy --------------------------------------------------
    def note_change(self, generation: int, change: Change | None) -> None:
        """A write makes ``generation`` (called from the writer's thread, before the snapshot
        is published). With its change known, the engine applies it in milliseconds instead of
        loading the whole store again; until then, queries run on the on-disk snapshot."""
        if not self._memory or self._loop is None:
            return
        with self._changes_lock:
            engine = self._engine
            floor = engine.generation if engine is not None else self._loading
            for old in [g for g in self._changes if floor is None or g <= floor]:
                del self._changes[old]
            self._changes[generation] = change
        self._loop.call_soon_threadsafe(self._apply_changes)

    def _apply_changes(self) -> None:
        if self._applying is None or self._applying.done():
            self._applying = asyncio.get_running_loop().create_task(self._apply_pending())

    async def _apply_pending(self) -> None:
        """Apply the noted changes to the engine's copy, in order; load a new copy when one is
        unknown or fails."""
        while not self._closed:
            engine = self._engine
            if engine is None:
                return
            following = engine.generation + 1
            with self._changes_lock:
                for old in [g for g in self._changes if g < following]:
                    del self._changes[old]
                if following not in self._changes:
                    return
                change = self._changes[following]
            if change is not None:
                ident = next(self._ids)
                future = engine.updates[ident] = asyncio.get_running_loop().create_future()
                engine.writer.write(wire.encode(("u", ident, change.update, change.base_iri)))
                reply = await future
            if change is None or not reply[2]:
                why = "a write it cannot replay" if change is None else reply[3]
                if engine.alive:
                    log.warning("loading the in-memory copy again: %s", why)
                    self._lose(engine, None)
                return
            engine.generation = following
            self.stats.memory_applies += 1
            self._notify()

    # -- disk workers -------------------------------------------------------------------------
    async def _spawn(self) -> _Worker:
        parent, child = socket.socketpair()
        process = _python("uikg.graph.runner.worker", child, str(self._memory_bytes))
        self.stats.started += 1
        reader, writer = await asyncio.open_connection(sock=parent, limit=2**20)
        return _Worker(process, reader, writer)

    # -- lifecycle of one query ---------------------------------------------------------------
    async def run(self, job: QueryJob) -> ResultStream:
        deadline = asyncio.get_running_loop().time() + self._timeout
        stream = ResultStream(self, job, deadline)
        await stream.start()
        return stream

    def _catching_up(self, engine: _Engine, generation: int) -> bool:
        """Whether the engine has been sent (or will be) every write up to ``generation``."""
        with self._changes_lock:
            return all(
                self._changes.get(g) is not None
                for g in range(engine.generation + 1, generation + 1)
            )

    async def _dispatch(self, stream: ResultStream) -> None:
        """Send the stream's job to the engine (if it has the newest generation and room) or
        to a disk worker; wait (up to the queue timeout) when neither can take it, and (up to
        the apply wait) while the engine applies a write."""
        loop = asyncio.get_running_loop()
        give_up = loop.time() + self._queue_timeout
        apply_until = loop.time() + self._apply_wait
        while True:
            if self._closed:
                raise Overloaded("the query service is shutting down")
            now = loop.time()
            generation = self._snapshots.generation
            self._load_engine()
            engine = self._engine
            wait: float | None = None
            for_room = False  # waiting only for a query in the engine to end
            eligible = (
                engine is not None and not stream.disk_only and stream.key not in self._quarantine
            )
            if (
                eligible
                and engine is not None
                and engine.generation < generation
                and now < apply_until
                and self._catching_up(engine, generation)
            ):
                wait = apply_until - now  # each applied write wakes us
            elif eligible and engine is not None and engine.generation == generation:
                wait = self._room(engine, now)
                for_room = wait is not None
                if wait is None:
                    ticket = _Ticket(next(self._ids), stream.key, now)
                    ticket.timer = loop.call_at(stream.deadline, self._expire, engine, ticket)
                    engine.tickets[ticket.ident] = ticket
                    engine.writer.write(wire.encode(("q", ticket.ident, stream.job)))
                    self.stats.queries += 1
                    self.stats.memory_queries += 1
                    stream.ticket = ticket
                    return
            else:
                worker = await self._disk_worker()
                if worker is not None:
                    try:
                        generation, path = await asyncio.to_thread(self._snapshots.checkpoint)
                    except BaseException:
                        self._release(worker)
                        raise
                    worker.generation = generation
                    worker.writer.write(wire.encode((generation, str(path), stream.job)))
                    worker.nice_timer = loop.call_later(self._nice_after, self._nice, worker)
                    self.stats.queries += 1
                    stream.worker = worker
                    return
            if self._freed is None or self._freed.is_set():
                self._freed = asyncio.Event()  # every waiter wakes on the next release
            until = give_up if wait is None else min(give_up, now + wait)
            waiter: asyncio.Future[None] | None = None
            try:
                async with asyncio.timeout_at(until):
                    if for_room:
                        waiter = loop.create_future()
                        self._room_waiters.append(waiter)
                        await waiter
                    else:
                        await self._freed.wait()
                self.stats.wakes += 1
            except TimeoutError:
                if loop.time() >= give_up:
                    self._pass_on(waiter)
                    raise Overloaded(
                        f"all {self._max} query workers are busy; retry in a moment",
                        retry_after=max(1, int(self._timeout)),
                    ) from None
            except BaseException:  # the client went away
                self._pass_on(waiter)
                raise

    def _pass_on(self, waiter: asyncio.Future[None] | None) -> None:
        """A query woken for room in the engine that will not take it: the next one may."""
        if waiter is not None and waiter.done() and not waiter.cancelled():
            self._notify_room()

    async def _disk_worker(self) -> _Worker | None:
        """An idle disk worker, or a new one if there is room; None when all are busy."""
        if self._idle:
            worker = self._idle.pop()
        elif len(self._busy) + self._starting < self._max:
            self._starting += 1  # holds the slot while the process starts
            try:
                worker = await self._spawn()
            finally:
                self._starting -= 1
        else:
            return None
        self._busy.add(worker)
        return worker

    def _notify(self) -> None:
        """Something changed (a worker freed, the engine loaded, lost or caught up): every
        waiter looks again."""
        if self._freed is not None:
            self._freed.set()
        while self._room_waiters:
            self._wake(self._room_waiters.popleft())

    def _notify_room(self) -> None:
        """A query ended in the engine: the oldest query waiting for room there looks again."""
        while self._room_waiters:
            if self._wake(self._room_waiters.popleft()):
                return

    @staticmethod
    def _wake(waiter: asyncio.Future[None]) -> bool:
        if waiter.done():  # it gave up (its time ran out) or was woken already
            return False
        waiter.set_result(None)
        return True

    def _release(self, worker: _Worker) -> None:
        if worker.nice_timer is not None:
            worker.nice_timer.cancel()
            worker.nice_timer = None
        self._busy.discard(worker)
        if worker.niced:
            try:
                os.setpriority(os.PRIO_PROCESS, worker.process.pid, 0)
                worker.niced = False
            except OSError:  # lowering a nice value needs privileges: retire the worker instead
                self._retire(worker)
                return
        # While the engine answers, one disk worker stays warm; otherwise those started for a
        # burst stay (starting one costs ~0.1 s).
        if self._closed or (self.in_memory and self._idle):
            self._retire(worker)
        else:
            self._idle.append(worker)
            self._notify()
        held = {w.generation for w in (*self._idle, *self._busy) if w.generation is not None}
        if self._loading is not None:
            held.add(self._loading)  # the loading engine is reading that snapshot
        self._snapshots.prune(held)

    def _discard(self, worker: _Worker) -> None:
        """Kill a worker whose query must not go on; a replacement starts with a later query."""
        self._busy.discard(worker)
        self._retire(worker)

    def _retire(self, worker: _Worker) -> None:
        worker.kill()
        threading.Thread(target=_reap, args=(worker.process,), daemon=True).start()
        self._notify()

    def _nice(self, worker: _Worker) -> None:
        worker.nice_timer = None
        with contextlib.suppress(OSError):
            os.setpriority(os.PRIO_PROCESS, worker.process.pid, 10)
            worker.niced = True

    async def receive(self, worker: _Worker, deadline: float, key: Hashable) -> tuple[str, Any]:
        """The disk worker's next message, killing it if the deadline passes first."""
        try:
            async with asyncio.timeout_at(deadline):
                return await wire.read(worker.reader)  # type: ignore[no-any-return]
        except TimeoutError:
            self.stats.killed_timeout += 1
            self._discard(worker)
            raise QueryTimeout.after(self._timeout) from None
        except (asyncio.IncompleteReadError, OSError):
            self.stats.crashed += 1
            self._remember(key)  # never again in the engine, where it would cost more
            self._busy.discard(worker)
            code = await asyncio.to_thread(_reap, worker.process)
            self._retire(worker)
            raise EngineCrashed(
                "the query engine crashed on this query"
                + (f" (signal {-code})" if code and code < 0 else "")
                + "; the service replaced it, other queries are unaffected"
            ) from None

    async def close(self) -> None:
        self._closed = True
        workers = [*self._idle, *self._busy]
        self._idle.clear()
        self._busy.clear()
        self._notify()
        for worker in workers:
            worker.kill()
        if self._engine is not None:
            engine, self._engine = self._engine, None
            engine.kill()
            if engine.listener is not None:
                engine.listener.cancel()
        if self._loading_process is not None:
            with contextlib.suppress(ProcessLookupError):
                self._loading_process.kill()
            workers_processes = [w.process for w in workers] + [self._loading_process]
        else:
            workers_processes = [w.process for w in workers]
        if self._load_task is not None:
            self._load_task.cancel()
        if self._reload_timer is not None:
            self._reload_timer.cancel()
        await asyncio.to_thread(lambda: [_reap(process) for process in workers_processes])


def _python(module: str, channel: socket.socket, *args: str) -> subprocess.Popen[bytes]:
    """``python -m module FD PARENT *args``, talking to us over ``channel`` (closed here).

    A fresh interpreter, not a fork: this process has threads and an open RocksDB; and not
    multiprocessing's spawn, which re-runs the parent's main script. ``PARENT`` (this process)
    lets the child die with it. Two malloc arenas: the engine's threads would otherwise each
    keep their own, and the memory freed in them.
    """
    with channel:
        return subprocess.Popen(
            [sys.executable, "-m", module, str(channel.fileno()), str(os.getpid()), *args],
            pass_fds=[channel.fileno()],
            stdin=subprocess.DEVNULL,
            env={**os.environ, "MALLOC_ARENA_MAX": "2"},
        )


def _reap(process: subprocess.Popen[bytes]) -> int | None:
    with contextlib.suppress(subprocess.TimeoutExpired):
        return process.wait(timeout=5)
    return None


class ResultStream(ChunkStream):
    """The bytes of one query's result, from the engine or a disk worker, as the client
    consumes them."""

    def __init__(self, pool: WorkerPool, job: QueryJob, deadline: float):
        super().__init__()
        self._pool = pool
        self.job = job
        self.key: Hashable = (job.query, job.default_graph, job.named_graphs, job.substitutions)
        self.deadline = deadline
        self.disk_only = False  # the engine stopped while running it once
        self.ticket: _Ticket | None = None
        self.worker: _Worker | None = None

    async def _receive(self) -> tuple[str, object]:
        while True:
            if self.ticket is not None:
                message = await self.ticket.next()
                kind = message[0]
                if kind == "c":
                    return "chunk", (message[2], message[3])
                self.ticket = None
                if kind == "e":
                    return "end", message[2]
                if kind == "retry":
                    self.disk_only = True
                    continue
                raise message[-1]  # "x" (the query's error) or "fail"
            if self.worker is not None:
                return await self._from_worker(self.worker)
            await self._pool._dispatch(self)

    async def _from_worker(self, worker: _Worker) -> tuple[str, object]:
        try:
            kind, value = await self._pool.receive(worker, self.deadline, self.key)
        except UIKGError:
            self.worker = None  # receive() already killed it
            raise
        if kind == "chunk":
            return kind, value
        self.worker = None
        self._pool._release(worker)
        if kind == "end":
            return kind, value
        raise value  # type: ignore[misc]

    def close(self) -> None:
        """Abandon the query (the client went away). A disk worker is killed, the only sure way
        to stop it; the engine finishes the query (its time limit still holds) unheard."""
        if self.ticket is not None:
            self.ticket.abandoned = True
            self.ticket.messages.clear()
            self.ticket = None
        if self.worker is not None:
            worker, self.worker = self.worker, None
            self._pool._discard(worker)
