"""A query worker process over the on-disk snapshots: ``python -m uikg.graph.runner.worker FD
PARENT MEMORY_BYTES``.

Started by ``graph.runner.pool.WorkerPool``, one query at a time, while the in-memory engine
(``graph.runner.engine``) loads, for the queries it could not finish, and for every query when
the in-memory copy is off. It talks to the pool over the socket ``FD`` (messages framed by
``graph.runner.wire``).
"""

from __future__ import annotations

import ctypes
import os
import resource
import signal
import socket
import sys
from collections.abc import Callable
from pathlib import Path

from uikg.graph.errors import StoreError, UIKGError
from uikg.graph.runner import wire
from uikg.graph.runner.job import run_job
from uikg.graph.store.base import Store
from uikg.graph.store.embedded import EmbeddedStore

OpenStore = Callable[[int, str], Store]
_PR_SET_PDEATHSIG = 1


def die_with_parent(parent: int) -> None:
    """Be killed when the service's process dies, even by SIGKILL, even inside a query that
    would never end (Linux; elsewhere the closed socket ends an idle process)."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):
        return
    if os.getppid() != parent:  # it died before the line above
        os._exit(0)


def serve(sock: socket.socket, open_store: OpenStore, memory_bytes: int) -> None:
    """Loop of a worker: take a job, run it on ``open_store(generation, path)``, stream the bytes."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if memory_bytes > 0:
        resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    while True:
        try:
            message = wire.recv(sock)
        except (EOFError, OSError):
            return
        if message is None:
            return
        generation, path, job = message
        try:
            store = open_store(generation, path)
            outcome, media_type, tail = run_job(
                store, job, lambda chunk, media: wire.send(sock, ("chunk", (chunk, media)))
            )
            reply: tuple[object, ...] = ("end", (outcome.rows, outcome.truncated, tail, media_type))
        except UIKGError as error:
            reply = ("error", error)
        except MemoryError:
            reply = ("error", StoreError("the query needed more memory than allowed"))
        except Exception as error:  # the engine's own errors (OSError, ValueError, TypeError…)
            reply = ("error", StoreError(f"{type(error).__name__}: {error}"))
        try:
            wire.send(sock, reply)
        except OSError:  # the service abandoned this query and closed our socket
            return


class Snapshot:
    """The newest on-disk snapshot a job names, reopened when a write has made a newer one."""

    def __init__(self) -> None:
        self._store: EmbeddedStore | None = None
        self._generation: int | None = None

    def __call__(self, generation: int, path: str) -> Store:
        if generation != self._generation or self._store is None:
            self._store = None  # close the older snapshot before opening the new one
            self._store = EmbeddedStore(Path(path), read_only=True)
            self._generation = generation
        return self._store


if __name__ == "__main__":
    die_with_parent(int(sys.argv[2]))
    serve(socket.socket(fileno=int(sys.argv[1])), Snapshot(), int(sys.argv[3]))
