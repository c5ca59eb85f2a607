"""The query engine: one process holding the store in memory, running queries in threads.

``python -m uikg.graph.runner.engine FD PARENT SNAPSHOT MEMORY_BYTES THREADS NICE_AFTER_S``,
started by ``graph.runner.pool.WorkerPool``. It loads the snapshot into pyoxigraph's in-memory
store (several times faster than the on-disk store on joins and aggregates: bench/README.md),
then answers the jobs the pool sends over the socket ``FD`` (at most ``THREADS`` at once), each
in the thread that read it (pyoxigraph releases the GIL while it evaluates and serialises), and
applies each write the service makes as a SPARQL Update, between queries that see the store
before or after it whole (the store's reads are snapshots).

Why one process and not a worker process per query: pyoxigraph's in-memory store writes to the
memory it reads (reference counts and locks in every quad it visits), so processes forked over
one copy each ended up with a private copy of ~80% of it (~280 MB per worker at 1 M triples).
Here there is one copy. The price: a query cannot be stopped inside a thread, so a query past
its time limit (or an engine crash) costs the whole process; the pool kills it, sends the other
queries it was running to on-disk workers, and loads a new engine (see ``graph.runner.pool``).

Messages (framed by ``graph.runner.wire``), to the engine: ``("q", id, QueryJob)``,
``("u", id, update, base_iri)``, ``None`` (stop); from it: ``("ready", quads)`` once, then
``("c", id, chunk, media_type)``, ``("e", id, (rows, truncated, tail, media_type))``,
``("x", id, error)`` and ``("u", id, ok, detail)``.
"""

from __future__ import annotations

import os
import resource
import signal
import socket
import sys
import threading
import time
from collections.abc import Callable

from pyoxigraph import RdfFormat
from pyoxigraph import Store as OxStore

from uikg.graph.errors import StoreError, UIKGError
from uikg.graph.runner import wire
from uikg.graph.runner.job import QueryJob, run_job
from uikg.graph.runner.worker import die_with_parent
from uikg.graph.store.embedded import EmbeddedStore

NICE = 10
_TICK_S = 0.05


def load(path: str) -> EmbeddedStore:
    """The snapshot at ``path`` as an in-memory store.

    A forked child dumps it into a pipe and this process parses it, so RocksDB (its threads,
    its caches) lives and dies in the child: this process must not have other threads when it
    forks, and keeps only the in-memory store. ``load``, not ``bulk_load``: as fast into the
    in-memory store, and at 1 M quads its peak is 380 MB where ``bulk_load`` reaches 590 MB
    for the same 360 MB store (bench/README.md).
    """
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the dumper
        os.close(read)
        code = 1
        try:
            with os.fdopen(write, "wb", buffering=1 << 20) as out:
                OxStore.read_only(path).dump(out, RdfFormat.N_QUADS)
            code = 0
        finally:
            os._exit(code)
    os.close(write)
    store = EmbeddedStore(None)
    with os.fdopen(read, "rb", buffering=1 << 20) as source:
        store.engine.load(source, RdfFormat.N_QUADS)
    _, status = os.waitpid(pid, 0)
    if status != 0:
        raise OSError(f"dumping the snapshot {path} failed (wait status {status})")
    return store


class Engine:
    """The threads and the socket of a loaded engine."""

    def __init__(self, sock: socket.socket, store: EmbeddedStore, threads: int, nice_after: float):
        self.sock = sock
        self.store = store
        self.size = threads + 1  # the pool sends at most ``threads`` queries at once
        self.nice_after = nice_after
        self._reading = threading.Lock()  # one thread at a time reads the next message
        self._sending = threading.Lock()
        self._lock = threading.Lock()
        self.running: dict[int, float] = {}  # native thread id -> when its query started
        self.niced: set[int] = set()
        self.threads = 0

    def send(self, message: object) -> None:
        data = wire.encode(message)
        with self._sending:
            self.sock.sendall(data)

    def serve(self) -> None:
        """Start the threads; the one that reads the end of the socket exits the process at
        once (another may be inside a query that will never end)."""
        with self._lock:
            while self.threads < self.size:
                self._spawn()
        threading.Thread(target=self._watch, daemon=True).start()
        threading.Event().wait()

    def _next_job(self) -> tuple[int, QueryJob]:
        """The next query, read by the thread that will run it: handing each job from a reading
        thread to a running one cost more CPU than a short query (bench/README.md). Writes are
        applied by the reading thread as they come; one thread more than the pool ever sends
        queries at once keeps one reading, so a write never waits for a query."""
        with self._reading:
            while True:
                try:
                    message = wire.recv(self.sock)
                except (EOFError, OSError):
                    message = None
                if message is None:
                    os._exit(0)
                if message[0] == "q":
                    return message[1], message[2]
                self._update(message[1], message[2], message[3])

    def _update(self, ident: int, update: str, base_iri: str | None) -> None:
        """A write the service made, applied to this copy before the next job is read: the
        pool sends queries for the new generation only after this answer."""
        try:
            self.store.update(update, base_iri=base_iri)
            reply: tuple[object, ...] = ("u", ident, True, len(self.store.engine))
        except Exception as error:  # the pool loads the store again instead
            reply = ("u", ident, False, f"{type(error).__name__}: {error}")
        self.send(reply)

    def _spawn(self) -> None:
        """A query thread (started by an un-niced thread, so it starts un-niced)."""
        self.threads += 1
        threading.Thread(target=self._work, daemon=True).start()

    def _work(self) -> None:
        me = threading.get_native_id()
        while True:
            ident, job = self._next_job()
            self.running[me] = time.monotonic()
            try:
                outcome, media_type, tail = run_job(self.store, job, self._emitter(ident))
                reply: tuple[object, ...] = (
                    "e",
                    ident,
                    (outcome.rows, outcome.truncated, tail, media_type),
                )
            except UIKGError as error:
                reply = ("x", ident, error)
            except MemoryError:
                reply = ("x", ident, StoreError("the query needed more memory than allowed"))
            except Exception as error:  # the engine's own errors (OSError, ValueError…)
                reply = ("x", ident, StoreError(f"{type(error).__name__}: {error}"))
            finally:
                del self.running[me]
            try:
                self.send(reply)
            except OSError:  # the pool is gone
                os._exit(0)
            if me in self.niced and not self._unnice(me):
                with self._lock:
                    self.threads -= 1  # the watcher starts an un-niced replacement
                return

    def _emitter(self, ident: int) -> Callable[[bytes, str], None]:
        return lambda chunk, media: self.send(("c", ident, chunk, media))

    def _unnice(self, thread: int) -> bool:
        try:
            os.setpriority(os.PRIO_PROCESS, thread, 0)
        except OSError:  # lowering a nice value needs privileges
            return False
        self.niced.discard(thread)
        return True

    def _watch(self) -> None:
        """Nice the threads whose query runs long (cheap queries keep the CPU), and replace
        the threads that could not be un-niced afterwards."""
        while True:
            time.sleep(_TICK_S)
            now = time.monotonic()
            for thread, started in list(self.running.items()):
                if thread not in self.niced and now - started > self.nice_after:
                    try:
                        os.setpriority(os.PRIO_PROCESS, thread, NICE)
                        self.niced.add(thread)
                    except OSError:  # the thread is gone
                        pass
            with self._lock:
                while self.threads < self.size:
                    self._spawn()


def main(argv: list[str]) -> None:
    fd, parent, path, memory_bytes, threads, nice_after = argv
    die_with_parent(int(parent))
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    control = socket.socket(fileno=int(fd))
    try:
        store = load(path)
    except Exception as error:  # the pool logs it and stays on the on-disk snapshots
        wire.send(control, ("failed", f"{type(error).__name__}: {error}"))
        return
    if int(memory_bytes) > 0:
        resource.setrlimit(resource.RLIMIT_AS, (int(memory_bytes), int(memory_bytes)))
    engine = Engine(control, store, int(threads), float(nice_after))
    engine.send(("ready", len(store.engine)))
    engine.serve()


if __name__ == "__main__":
    main(sys.argv[1:])
