"""Query execution in worker processes: time limits that hold, and crashes that cost one query.

pyoxigraph cannot cancel a running query from Python, and some inputs crash it outright. So each
query runs in a worker process over a read-only snapshot of the store (a RocksDB checkpoint made
with hard links, see ``Snapshots``). A worker past the time limit is killed and replaced; a worker
that dies takes only its own query with it. A query that runs long is niced, so cheap queries
from other clients keep the CPU.

The first chunk of output (or the end of a short result, or the error) is awaited before the
caller commits to a status code, so errors found before the first byte are real HTTP errors.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from graph.errors import EngineCrashed, Overloaded, QueryTimeout, UIKGError
from graph.sparql.execute import ChunkStream, QueryJob

log = logging.getLogger(__name__)


class Snapshots:
    """Numbered read-only checkpoints of an embedded store; workers query the newest one."""

    def __init__(self, make: Callable[[Path], None], folder: Path) -> None:
        self._make = make
        self._folder = folder
        self._lock = threading.Lock()
        self.generation = 0
        shutil.rmtree(folder, ignore_errors=True)  # left by a previous run; nobody holds them
        folder.mkdir(parents=True, exist_ok=True)
        self.publish()

    def path(self, generation: int) -> Path:
        return self._folder / f"{generation:08d}"

    @property
    def current(self) -> tuple[int, Path]:
        with self._lock:
            return self.generation, self.path(self.generation)

    def publish(self) -> None:
        """Checkpoint the store after a write, so the next query sees it."""
        with self._lock:
            self._make(self.path(self.generation + 1))
            self.generation += 1

    def prune(self, held: set[int]) -> None:
        with self._lock:
            for child in self._folder.iterdir():
                if child.name.isdigit():
                    generation = int(child.name)
                    if generation < self.generation and generation not in held:
                        shutil.rmtree(child, ignore_errors=True)


@dataclass(eq=False)
class _Worker:
    process: Any
    conn: Connection
    generation: int | None = None
    niced: bool = False

    def kill(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            self.process.kill()
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=5)
        self.conn.close()


@dataclass
class PoolStats:
    started: int = 0
    killed_timeout: int = 0
    crashed: int = 0
    queries: int = 0
    extra: dict[str, int] = field(default_factory=dict)


class WorkerPool:
    """A bounded, self-healing pool of query processes over the newest snapshot."""

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
    ) -> None:
        self._snapshots = snapshots
        self._size = size
        self._max = max_size
        self._timeout = timeout_s
        self._queue_timeout = queue_timeout_s
        self._nice_after = nice_after_s
        self._memory = memory_bytes
        self._idle: list[_Worker] = []
        self._busy: set[_Worker] = set()
        self._cond = threading.Condition()
        self._closed = False
        self.stats = PoolStats()
        for _ in range(size):
            self._idle.append(self._spawn())

    def _spawn(self) -> _Worker:
        # A fresh interpreter per worker (not fork: the parent has threads and an open RocksDB;
        # not multiprocessing's spawn: it re-runs the parent's main script).
        parent, child = socket.socketpair()
        with child:
            process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "graph.sparql.worker",
                    str(child.fileno()),
                    str(self._memory),
                ],
                pass_fds=[child.fileno()],
                stdin=subprocess.DEVNULL,
            )
        self.stats.started += 1
        return _Worker(process, Connection(parent.detach()))

    # -- lifecycle of one query -------------------------------------------------------------
    def run(self, job: QueryJob) -> ResultStream:
        deadline = time.monotonic() + self._timeout
        worker = self._acquire()
        generation, path = self._snapshots.current
        try:
            worker.conn.send((generation, str(path), job))
        except (OSError, ValueError):
            self._discard(worker)
            raise EngineCrashed("a query worker was lost; please retry") from None
        worker.generation = generation
        self.stats.queries += 1
        stream = ResultStream(self, worker, deadline, job.media_type)
        stream.start()
        return stream

    def _acquire(self) -> _Worker:
        give_up = time.monotonic() + self._queue_timeout
        with self._cond:
            while True:
                if self._closed:
                    raise Overloaded("the query service is shutting down")
                if self._idle:
                    worker = self._idle.pop()
                    break
                if len(self._busy) + len(self._idle) < self._max:
                    worker = self._spawn()
                    break
                remaining = give_up - time.monotonic()
                if remaining <= 0:
                    raise Overloaded(
                        f"all {self._max} query workers are busy; retry in a moment",
                        retry_after=max(1, int(self._timeout)),
                    )
                self._cond.wait(remaining)
            self._busy.add(worker)
            return worker

    def _release(self, worker: _Worker) -> None:
        if worker.niced:
            try:
                os.setpriority(os.PRIO_PROCESS, worker.process.pid, 0)
                worker.niced = False
            except OSError:  # lowering a nice value needs privileges: retire the worker instead
                self._discard(worker)
                return
        with self._cond:
            self._busy.discard(worker)
            if self._closed:
                worker.conn.send(None)
                worker.conn.close()
            else:
                # Workers started for a burst stay warm: starting one costs ~0.1 s, far more
                # than the memory an idle worker holds (measured in bench/README.md).
                self._idle.append(worker)
            self._cond.notify()
            held = {w.generation for w in (*self._idle, *self._busy) if w.generation is not None}
        self._snapshots.prune(held)

    def _discard(self, worker: _Worker) -> None:
        worker.kill()
        with self._cond:
            self._busy.discard(worker)
            if not self._closed and len(self._idle) + len(self._busy) < self._size:
                self._idle.append(self._spawn())
            self._cond.notify()

    def _nice(self, worker: _Worker) -> None:
        with contextlib.suppress(OSError):
            os.setpriority(os.PRIO_PROCESS, worker.process.pid, 10)
            worker.niced = True

    def receive(self, worker: _Worker, deadline: float, started: float) -> tuple[Any, ...]:
        """The worker's next message, killing it if the deadline passes first."""
        nice_at = started + self._nice_after
        while True:
            now = time.monotonic()
            if now >= deadline:
                self.stats.killed_timeout += 1
                self._discard(worker)
                raise QueryTimeout(
                    f"the query ran past the time limit of {self._timeout:g} s and was stopped"
                )
            wait = deadline - now if worker.niced else min(deadline, nice_at) - now
            try:
                if worker.conn.poll(max(wait, 0)):
                    return worker.conn.recv()  # type: ignore[no-any-return]
            except (EOFError, OSError):
                self.stats.crashed += 1
                code = worker.process.poll()
                self._discard(worker)
                raise EngineCrashed(
                    "the query engine crashed on this query"
                    + (f" (signal {-code})" if code and code < 0 else "")
                    + "; the service replaced it, other queries are unaffected"
                ) from None
            if not worker.niced and time.monotonic() >= nice_at:
                self._nice(worker)

    def close(self) -> None:
        with self._cond:
            self._closed = True
            workers = [*self._idle, *self._busy]
            self._idle.clear()
            self._cond.notify_all()
        for worker in workers:
            worker.kill()


class ResultStream(ChunkStream):
    """The bytes of one query's result, read from its worker as the client consumes them."""

    def __init__(self, pool: WorkerPool, worker: _Worker, deadline: float, media_type: str):
        super().__init__(media_type)
        self._pool = pool
        self._worker: _Worker | None = worker
        self._deadline = deadline
        self._started = time.monotonic()

    def _receive(self) -> tuple[str, object]:
        assert self._worker is not None
        try:
            message = self._pool.receive(self._worker, self._deadline, self._started)
        except UIKGError:
            self._worker = None  # receive() already killed and replaced it
            raise
        if message[0] == "chunk":
            return "chunk", message[1]
        worker, self._worker = self._worker, None
        self._pool._release(worker)
        if message[0] == "end":
            return "end", (message[1], message[2], message[3])
        raise message[1]

    def close(self) -> None:
        """Abandon the query (client went away): the only sure way to stop it is the kill."""
        if self._worker is not None:
            worker, self._worker = self._worker, None
            self._pool._discard(worker)
