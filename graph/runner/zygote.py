"""A fork server holding one generation of the store in memory.

``python -m uikg.graph.runner.zygote FD SNAPSHOT MEMORY_BYTES``, started by
``graph.runner.pool.WorkerPool``. pyoxigraph's in-memory store answers joins and aggregates
several times faster than its on-disk store (bench/README.md), but a copy per worker would cost
its load time and memory each time. So this process loads the snapshot once and forks the
workers, which share its pages copy-on-write.

It never opens RocksDB itself (a forked child dumps the snapshot into a pipe), so it has one
thread when it forks. The control socket is a ``SOCK_SEQPACKET`` pair: one message per packet,
and each forked worker's socket travels back with its pid as an SCM_RIGHTS file descriptor.
"""

from __future__ import annotations

import gc
import os
import pickle
import signal
import socket
import sys

from pyoxigraph import RdfFormat
from pyoxigraph import Store as OxStore

from uikg.graph.runner.worker import serve
from uikg.graph.store.embedded import EmbeddedStore

PACKET = 65_536


def load(path: str) -> EmbeddedStore:
    """The snapshot at ``path`` as an in-memory store (dumped by a child, parsed here)."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the dumper: RocksDB and its threads live and die in this child
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
        store.engine.bulk_load(source, RdfFormat.N_QUADS)
    _, status = os.waitpid(pid, 0)
    if status != 0:
        raise OSError(f"dumping the snapshot {path} failed (wait status {status})")
    return store


def _apply(store: EmbeddedStore, request: bytes) -> tuple[str, object]:
    """A write the service made, applied to this copy: workers forked from now on see it
    (those forked before keep the copy they were forked with, and the pool retires them)."""
    try:
        _, script, base_iri = pickle.loads(request)  # noqa: S301 (our own process)
        with open(script, encoding="utf-8") as source:
            store.update(source.read(), base_iri=base_iri)
    except Exception as error:  # the pool loads the store again instead
        return ("failed", f"{type(error).__name__}: {error}")
    gc.collect()
    gc.freeze()
    return ("applied", len(store.engine))


def main(control: socket.socket, path: str, memory_bytes: int) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        store = load(path)
    except Exception as error:  # the pool logs it and stays on the on-disk snapshots
        control.send(pickle.dumps(("failed", f"{type(error).__name__}: {error}")))
        return
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # the kernel reaps the workers
    gc.collect()
    gc.freeze()  # the collector would otherwise write to (and so copy) every shared page
    control.send(pickle.dumps(("ready", len(store.engine))))
    while True:
        try:
            request = control.recv(PACKET)
        except OSError:
            return
        if not request:  # the pool closed its end: this generation is done
            return
        if request != b"fork":
            control.send(pickle.dumps(_apply(store, request)))
            continue
        parent, child = socket.socketpair()
        pid = os.fork()
        if pid == 0:
            control.close()
            parent.close()
            signal.signal(signal.SIGCHLD, signal.SIG_DFL)
            try:
                serve(child, lambda generation, path: store, memory_bytes)
            finally:
                os._exit(0)
        child.close()
        socket.send_fds(control, [pickle.dumps(("forked", pid))], [parent.fileno()])
        parent.close()


if __name__ == "__main__":
    main(socket.socket(fileno=int(sys.argv[1])), sys.argv[2], int(sys.argv[3]))
