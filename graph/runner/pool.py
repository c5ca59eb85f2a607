"""Query execution in worker processes: time limits that hold, and crashes that cost one query.

pyoxigraph cannot cancel a running query from Python, and some inputs crash it outright. So each
query runs in a worker process over a read-only snapshot of the store (a RocksDB checkpoint made
with hard links, see ``Snapshots``). A worker past the time limit is killed and replaced; a worker
that dies takes only its own query with it. A query that runs long is niced, so cheap queries
from other clients keep the CPU.

With ``memory`` on, a zygote process (``graph.runner.zygote``) loads the newest snapshot into
memory in the background and forks workers that share it; until it is ready (after start-up and
after every write) queries run on the on-disk snapshot, so a write is visible at once.

The pool lives on the service's event loop: a query in flight is a socket the loop watches, not a
thread, and the time limit is a loop timer that kills the worker. The first chunk of output (or
the end of a short result, or the error) is awaited before the caller commits to a status code,
so errors found before the first byte are real HTTP errors.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import pickle
import shutil
import signal
import socket
import subprocess
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from uikg.graph.errors import EngineCrashed, Overloaded, QueryTimeout, UIKGError
from uikg.graph.runner import wire
from uikg.graph.runner.job import QueryJob
from uikg.graph.runner.stream import ChunkStream

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Change:
    """A write, as a SPARQL Update the in-memory copy can apply (``base_iri`` as the store had)."""

    update: str
    base_iri: str | None = None


class Snapshots:
    """Numbered read-only checkpoints of an embedded store; workers query the newest one."""

    def __init__(self, make: Callable[[Path], None], folder: Path) -> None:
        self._make = make
        self._folder = folder
        self._lock = threading.Lock()
        self.generation = 0
        self._kept: set[int] = set()  # generations on disk
        shutil.rmtree(folder, ignore_errors=True)  # left by a previous run; nobody holds them
        folder.mkdir(parents=True, exist_ok=True)
        self.publish()

    def path(self, generation: int) -> Path:
        return self._folder / f"{generation:08d}"

    @property
    def current(self) -> tuple[int, Path]:
        return self._current  # one attribute, replaced whole: no lock needed to read it

    def publish(self) -> None:
        """Checkpoint the store after a write, so the next query sees it."""
        with self._lock:
            self._make(self.path(self.generation + 1))
            self.generation += 1
            self._kept.add(self.generation)
            self._current = (self.generation, self.path(self.generation))

    def prune(self, held: set[int]) -> None:
        """Remove the older checkpoints no worker has open."""
        with self._lock:
            for generation in [g for g in self._kept if g < self.generation and g not in held]:
                shutil.rmtree(self.path(generation), ignore_errors=True)
                self._kept.discard(generation)


class _Forked:
    """A worker forked by a zygote: not our child, so it is killed by pid and reaped there."""

    def __init__(self, pid: int) -> None:
        self.pid = pid

    def kill(self) -> None:
        os.kill(self.pid, signal.SIGKILL)

    def wait(self, timeout: float | None = None) -> int | None:
        return None


@dataclass(eq=False)
class _Zygote:
    """One generation of the store in memory, and the workers forked from it."""

    generation: int
    process: subprocess.Popen[bytes]
    control: socket.socket
    workers: int = 0
    talking: threading.Lock = field(default_factory=threading.Lock)  # one request at a time

    @classmethod
    async def start(cls, generation: int, path: Path, memory_bytes: int) -> _Zygote:
        parent, child = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        process = _python("uikg.graph.runner.zygote", child, str(path), str(memory_bytes))
        zygote = cls(generation, process, parent)
        try:
            reply = await asyncio.to_thread(zygote._receive)
        except BaseException:
            zygote.close()
            raise
        if reply[0] != "ready":
            zygote.close()
            raise OSError(f"loading generation {generation} into memory failed: {reply[1]}")
        return zygote

    def _receive(self) -> tuple[Any, ...]:
        data, fds, _, _ = socket.recv_fds(self.control, 65_536, 1)
        if not data:
            raise OSError(f"the zygote exited (code {self.process.poll()})")
        message: tuple[Any, ...] = pickle.loads(data)  # noqa: S301 (our own process)
        return (*message, *fds)

    def fork(self) -> tuple[_Forked, socket.socket]:
        with self.talking:
            self.control.send(b"fork")
            _, pid, fd = self._receive()
        self.workers += 1
        return _Forked(pid), socket.socket(fileno=fd)

    def apply(self, path: Path, base_iri: str | None) -> None:
        """Apply the update in ``path`` to the copy; workers forked later see it."""
        with self.talking:
            self.control.send(pickle.dumps(("apply", str(path), base_iri)))
            reply = self._receive()
        if reply[0] != "applied":
            raise OSError(f"applying an update to the in-memory copy failed: {reply[1]}")

    def close(self) -> None:
        """The zygote exits; workers it forked run on until they are retired."""
        self.control.close()
        threading.Thread(target=_reap, args=(self.process,), daemon=True).start()


@dataclass(eq=False)
class _Worker:
    process: subprocess.Popen[bytes] | _Forked
    reader: asyncio.StreamReader
    writer: asyncio.StreamWriter
    zygote: _Zygote | None = None  # None: a worker over the on-disk snapshots
    copy: int | None = None  # the zygote's generation when it forked this worker
    generation: int | None = None
    niced: bool = False
    nice_timer: asyncio.TimerHandle | None = None

    def kill(self) -> None:
        """SIGKILL and close; the process is reaped off the loop (or by its zygote)."""
        if self.nice_timer is not None:
            self.nice_timer.cancel()
        with contextlib.suppress(ProcessLookupError):
            self.process.kill()
        self.writer.close()


@dataclass
class PoolStats:
    started: int = 0
    forked: int = 0
    killed_timeout: int = 0
    crashed: int = 0
    queries: int = 0
    memory_queries: int = 0
    memory_loads: int = 0
    memory_applies: int = 0
    extra: dict[str, int] = field(default_factory=dict)


class WorkerPool:
    """A bounded, self-healing pool of query processes over the newest snapshot.

    Used from one event loop; workers are started on first need and then kept warm.
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
    ) -> None:
        self._snapshots = snapshots
        self._size = size
        self._max = max_size
        self._timeout = timeout_s
        self._queue_timeout = queue_timeout_s
        self._nice_after = nice_after_s
        self._memory_bytes = memory_bytes
        self._memory = memory
        self._idle: list[_Worker] = []
        self._busy: set[_Worker] = set()
        self._starting = 0
        self._freed: asyncio.Event | None = None
        self._zygotes: list[_Zygote] = []
        self._loading: int | None = None  # the generation a zygote is loading
        self._load_task: asyncio.Task[None] | None = None
        self._failed: int | None = None  # the generation whose load failed
        self._changes: dict[int, Change | None] = {}  # generation -> its write, to apply
        self._changes_lock = threading.Lock()  # writers note changes from their own threads
        self._applying: asyncio.Task[None] | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._closed = False
        self.stats = PoolStats()

    async def start(self) -> None:
        """Start the warm workers, and the in-memory copy in the background."""
        self._loop = asyncio.get_running_loop()
        generation, path = self._snapshots.current
        self._load_memory(generation, path)
        await self._warm(None)

    async def _warm(self, zygote: _Zygote | None) -> None:
        """Start workers until ``size`` are up, so the first queries do not wait for one."""
        while not self._closed and len(self._idle) + len(self._busy) + self._starting < self._size:
            self._starting += 1
            try:
                worker = await self._spawn(zygote)
            except OSError as error:  # the copy was superseded and closed meanwhile
                log.info("stopped starting workers: %s", error)
                return
            finally:
                self._starting -= 1
            self._idle.append(worker)

    @property
    def in_memory(self) -> bool:
        """Whether queries now run on an in-memory copy of the newest snapshot."""
        return self._ready_zygote(self._snapshots.generation) is not None

    # -- the in-memory copy -----------------------------------------------------------------
    def _ready_zygote(self, generation: int) -> _Zygote | None:
        for zygote in self._zygotes:
            if zygote.generation == generation:
                return zygote
        return None

    def _load_memory(self, generation: int, path: Path) -> None:
        """Start loading ``generation`` unless a load is under way (it catches up when done)."""
        if (
            self._memory
            and not self._closed
            and self._loading is None
            and generation != self._failed
            and self._ready_zygote(generation) is None
            and not self._will_apply(generation)
        ):
            self._loading = generation
            self._load_task = asyncio.get_running_loop().create_task(self._load(generation, path))

    async def _load(self, generation: int, path: Path) -> None:
        try:
            zygote = await _Zygote.start(generation, path, self._memory_bytes)
        except OSError as error:
            log.warning("queries stay on the on-disk snapshot: %s", error)
            self._failed = generation  # not retried until a write makes a new one
            zygote = None
        finally:
            self._loading = None
        if zygote is not None:
            if self._closed:
                zygote.close()
                return
            self._zygotes.append(zygote)
            self.stats.memory_loads += 1
            for worker in [w for w in self._idle if not self._usable(w)]:
                self._idle.remove(worker)
                self._retire(worker)
            self._collect_zygotes()
            await self._warm(zygote)
            self._notify()
        current, current_path = self._snapshots.current
        if current != generation and zygote is not None:
            self._apply_changes()  # writes made while it loaded, if they are known
            self._load_memory(current, current_path)

    def _collect_zygotes(self) -> None:
        """Close the zygotes of older generations once their last worker is gone; the newest
        stays, whatever its generation: the writes made since are applied to it."""
        if not self._zygotes:
            return
        newest = max(self._zygotes, key=lambda z: z.generation)
        current = self._snapshots.generation
        for zygote in [
            z
            for z in self._zygotes
            if z is not newest and z.generation < current and z.workers == 0
        ]:
            self._zygotes.remove(zygote)
            zygote.close()

    def _usable(self, worker: _Worker) -> bool:
        """A worker may run the next query: over the newest in-memory copy, if there is one
        (forked after the copy's last update)."""
        ready = self._ready_zygote(self._snapshots.generation)
        return worker.zygote is ready and (ready is None or worker.copy == ready.generation)

    # -- writes applied to the in-memory copy ----------------------------------------------
    def note_change(self, generation: int, change: Change | None) -> None:
        """A write makes ``generation`` (called from the writer's thread, before the snapshot
        is published). With its change known, the copy applies it in milliseconds instead of
        loading the whole store again; until then, queries run on the on-disk snapshot."""
        if not self._memory or self._loop is None:
            return
        with self._changes_lock:
            self._changes[generation] = change
        self._loop.call_soon_threadsafe(self._apply_changes)

    def _will_apply(self, generation: int) -> bool:
        """Whether ``generation`` will reach memory by an update of the newest copy."""
        newest = max((z.generation for z in self._zygotes), default=self._loading)
        if newest is None or newest >= generation:
            return False
        with self._changes_lock:
            return all(self._changes.get(g) is not None for g in range(newest + 1, generation + 1))

    def _apply_changes(self) -> None:
        if self._applying is None or self._applying.done():
            self._applying = asyncio.get_running_loop().create_task(self._apply_pending())

    async def _apply_pending(self) -> None:
        """Apply the noted changes to the newest copy, in order; fall back to a new load when
        one is unknown or fails."""
        while not self._closed and self._zygotes:
            zygote = max(self._zygotes, key=lambda z: z.generation)
            following = zygote.generation + 1
            with self._changes_lock:
                for old in [g for g in self._changes if g < following]:
                    del self._changes[old]
                if following not in self._changes:
                    return
                change = self._changes[following]  # kept until applied: see _will_apply
            if change is None:  # a write the copy cannot replay: load the store again
                generation, path = self._snapshots.current
                self._load_memory(generation, path)
                return
            script = self._snapshots.path(following).with_suffix(".rq")
            try:
                await asyncio.to_thread(script.write_text, change.update, encoding="utf-8")
                await asyncio.to_thread(zygote.apply, script, change.base_iri)
            except OSError as error:
                log.warning("reloading the in-memory copy: %s", error)
                self._zygotes.remove(zygote)
                zygote.close()
                generation, path = self._snapshots.current
                self._load_memory(generation, path)
                return
            finally:
                script.unlink(missing_ok=True)
            zygote.generation = following  # the change is dropped as old on the next round
            self.stats.memory_applies += 1
            for worker in [w for w in self._idle if not self._usable(w)]:
                self._idle.remove(worker)
                self._retire(worker)
            if zygote.generation == self._snapshots.generation:
                await self._warm(zygote)
            self._notify()

    # -- workers ----------------------------------------------------------------------------
    async def _spawn(self, zygote: _Zygote | None) -> _Worker:
        process: subprocess.Popen[bytes] | _Forked
        copy = zygote.generation if zygote is not None else None
        if zygote is not None:
            process, parent = await asyncio.to_thread(zygote.fork)
            self.stats.forked += 1
        else:
            parent, child = socket.socketpair()
            process = _python("uikg.graph.runner.worker", child, str(self._memory_bytes))
            self.stats.started += 1
        reader, writer = await asyncio.open_connection(sock=parent, limit=2**20)
        return _Worker(process, reader, writer, zygote, copy)

    # -- lifecycle of one query -------------------------------------------------------------
    async def run(self, job: QueryJob) -> ResultStream:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self._timeout
        worker, generation, path = await self._acquire(loop)
        worker.generation = generation
        worker.writer.write(wire.encode((generation, str(path), job)))
        worker.nice_timer = loop.call_later(self._nice_after, self._nice, worker)
        self.stats.queries += 1
        if worker.zygote is not None:
            self.stats.memory_queries += 1
        stream = ResultStream(self, worker, deadline)
        await stream.start()
        return stream

    async def _acquire(self, loop: asyncio.AbstractEventLoop) -> tuple[_Worker, int, Path]:
        """A worker for the newest snapshot (in memory if loaded), and that snapshot."""
        give_up = loop.time() + self._queue_timeout
        while True:
            if self._closed:
                raise Overloaded("the query service is shutting down")
            generation, path = self._snapshots.current
            self._load_memory(generation, path)
            zygote = self._ready_zygote(generation)
            worker = next((w for w in reversed(self._idle) if self._usable(w)), None)
            if worker is not None:
                self._idle.remove(worker)
                break
            if self._idle and len(self._busy) + len(self._idle) + self._starting >= self._max:
                self._retire(self._idle.pop(0))  # an idle worker of an older copy makes room
            if len(self._busy) + len(self._idle) + self._starting < self._max:
                self._starting += 1  # holds the slot while the process starts
                try:
                    worker = await self._spawn(zygote)
                except OSError as error:
                    if zygote is None:
                        raise
                    # The zygote died (out of memory?): back to the on-disk snapshot.
                    log.warning("the in-memory copy is gone, queries run on disk: %s", error)
                    if zygote in self._zygotes:  # a concurrent query may have found out first
                        self._zygotes.remove(zygote)
                        zygote.close()
                    self._failed = generation
                    continue
                finally:
                    self._starting -= 1
                break
            if self._freed is None or self._freed.is_set():
                self._freed = asyncio.Event()  # every waiter wakes on the next release
            try:
                async with asyncio.timeout_at(give_up):
                    await self._freed.wait()
            except TimeoutError:
                raise Overloaded(
                    f"all {self._max} query workers are busy; retry in a moment",
                    retry_after=max(1, int(self._timeout)),
                ) from None
        self._busy.add(worker)
        return worker, generation, path

    def _notify(self) -> None:
        if self._freed is not None:
            self._freed.set()

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
        if self._closed or not self._usable(worker):
            self._retire(worker)
            return
        # Workers started for a burst stay warm: starting one costs ~0.1 s, far more than the
        # memory an idle worker holds (measured in bench/README.md).
        self._idle.append(worker)
        self._notify()
        held = {w.generation for w in (*self._idle, *self._busy) if w.generation is not None}
        if self._loading is not None:
            held.add(self._loading)  # its zygote is reading that snapshot
        self._snapshots.prune(held)

    def _discard(self, worker: _Worker) -> None:
        """Kill a worker whose query must not go on; a replacement starts with a later query."""
        self._busy.discard(worker)
        self._retire(worker)

    def _retire(self, worker: _Worker) -> None:
        worker.kill()
        if worker.zygote is not None:
            worker.zygote.workers -= 1
            self._collect_zygotes()
        else:
            threading.Thread(target=_reap, args=(worker.process,), daemon=True).start()
        self._notify()

    def _nice(self, worker: _Worker) -> None:
        worker.nice_timer = None
        with contextlib.suppress(OSError):
            os.setpriority(os.PRIO_PROCESS, worker.process.pid, 10)
            worker.niced = True

    async def receive(self, worker: _Worker, deadline: float) -> tuple[str, Any]:
        """The worker's next message, killing it if the deadline passes first."""
        try:
            async with asyncio.timeout_at(deadline):
                return await wire.read(worker.reader)  # type: ignore[no-any-return]
        except TimeoutError:
            self.stats.killed_timeout += 1
            self._discard(worker)
            raise QueryTimeout.after(self._timeout) from None
        except (asyncio.IncompleteReadError, OSError):
            self.stats.crashed += 1
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
        for zygote in self._zygotes:
            zygote.close()
        self._zygotes.clear()
        await asyncio.to_thread(lambda: [_reap(worker.process) for worker in workers])


def _python(module: str, channel: socket.socket, *args: str) -> subprocess.Popen[bytes]:
    """``python -m module FD *args``, talking to us over ``channel`` (closed here).

    A fresh interpreter, not a fork: this process has threads and an open RocksDB; and not
    multiprocessing's spawn, which re-runs the parent's main script.
    """
    with channel:
        return subprocess.Popen(
            [sys.executable, "-m", module, str(channel.fileno()), *args],
            pass_fds=[channel.fileno()],
            stdin=subprocess.DEVNULL,
        )


def _reap(process: subprocess.Popen[bytes] | _Forked) -> int | None:
    with contextlib.suppress(subprocess.TimeoutExpired):
        return process.wait(timeout=5)
    return None


class ResultStream(ChunkStream):
    """The bytes of one query's result, read from its worker as the client consumes them."""

    def __init__(self, pool: WorkerPool, worker: _Worker, deadline: float):
        super().__init__()
        self._pool = pool
        self._worker: _Worker | None = worker
        self._deadline = deadline

    async def _receive(self) -> tuple[str, object]:
        assert self._worker is not None
        try:
            message = await self._pool.receive(self._worker, self._deadline)
        except UIKGError:
            self._worker = None  # receive() already killed it
            raise
        kind, value = message
        if kind == "chunk":
            return kind, value
        worker, self._worker = self._worker, None
        self._pool._release(worker)
        if kind == "end":
            return kind, value
        raise value

    def close(self) -> None:
        """Abandon the query (client went away): the only sure way to stop it is the kill."""
        if self._worker is not None:
            worker, self._worker = self._worker, None
            self._pool._discard(worker)
