"""A query worker process: ``python -m graph.sparql.worker FD MEMORY_BYTES``.

Started by ``graph.sparql.pool.WorkerPool``; talks to it over the inherited socket ``FD``.
"""

from __future__ import annotations

import resource
import signal
import sys
from multiprocessing.connection import Connection
from pathlib import Path

from graph.errors import StoreError, UIKGError
from graph.sparql.execute import run_job
from graph.store.embedded import EmbeddedStore


def _worker_main(conn: Connection, memory_bytes: int) -> None:
    """Loop of a worker process: open the requested snapshot, run the job, stream the bytes."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if memory_bytes > 0:
        resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    store: EmbeddedStore | None = None
    opened: int | None = None
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            return
        if message is None:
            return
        generation, path, job = message
        try:
            if generation != opened:
                store = None  # close the older snapshot before opening the new one
                store = EmbeddedStore(Path(path), read_only=True)
                opened = generation
            assert store is not None
            outcome, tail = run_job(store, job, lambda chunk: conn.send(("chunk", chunk)))
            conn.send(("end", outcome.rows, outcome.truncated, tail))
        except UIKGError as error:
            conn.send(("error", error))
        except MemoryError:
            conn.send(("error", StoreError("the query needed more memory than allowed")))
        except Exception as error:  # the engine's own errors (OSError, ValueError, TypeError…)
            conn.send(("error", StoreError(f"{type(error).__name__}: {error}")))


if __name__ == "__main__":
    _worker_main(Connection(int(sys.argv[1])), int(sys.argv[2]))
