"""One query, from text to serialised bytes, on any store.

Workers (embedded store) and the inline executor (remote store) both call ``run_job``, so the
result formats and the row limit behave the same on either backend.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from pyoxigraph import RdfFormat, Variable, parse

from graph.sparql.results import Outcome, write_result
from graph.store.base import Store

CHUNK_BYTES = 65_536


@dataclass(frozen=True)
class QueryJob:
    """Everything a worker needs; plain data so that it pickles cheaply."""

    query: str
    media_type: str
    max_rows: int
    default_graph: tuple[str, ...] | None = None
    named_graphs: tuple[str, ...] | None = None
    union_default: bool = True
    substitutions: tuple[tuple[str, str], ...] = ()  # (variable, N-Triples term)
    base_iri: str | None = None


class ChunkWriter:
    """A binary sink that hands on output in chunks of about ``CHUNK_BYTES``."""

    def __init__(self, emit: Callable[[bytes], None], size: int = CHUNK_BYTES) -> None:
        self._emit = emit
        self._size = size
        self._parts: list[bytes] = []
        self._pending = 0

    def write(self, data: bytes) -> int:
        self._parts.append(bytes(data))
        self._pending += len(data)
        if self._pending >= self._size:
            self.flush()
        return len(data)

    def flush(self) -> None:
        if self._parts:
            self._emit(self.take())

    def take(self) -> bytes:
        """What is buffered and not yet emitted."""
        data = b"".join(self._parts)
        self._parts.clear()
        self._pending = 0
        return data


def decode_substitutions(pairs: tuple[tuple[str, str], ...]) -> dict[Variable, object]:
    """N-Triples terms back into pyoxigraph terms (parsed, never pasted into query text)."""
    out: dict[Variable, object] = {}
    for name, term in pairs:
        quad = next(iter(parse(f"<urn:s> <urn:p> {term} .".encode(), RdfFormat.N_TRIPLES)))
        out[Variable(name)] = quad.object
    return out


def run_job(store: Store, job: QueryJob, emit: Callable[[bytes], None]) -> tuple[Outcome, bytes]:
    """Run the job, emitting full chunks as they fill; returns the outcome and the last bytes.

    The last bytes travel with the end-of-result message, so a short result arrives whole in
    one message and the HTTP layer can answer it with a Content-Length and exact headers.
    """
    result = store.query(
        job.query,
        default_graph=job.default_graph,
        named_graphs=job.named_graphs,
        union_default=job.union_default,
        substitutions=decode_substitutions(job.substitutions) or None,
        base_iri=job.base_iri,
    )
    writer = ChunkWriter(emit)
    outcome = write_result(result, job.media_type, writer, job.max_rows)
    return outcome, writer.take()


class ChunkStream(ABC):
    """The bytes of one result as they arrive, whatever runs the query.

    ``start`` waits for the first message, so an error before the first byte is raised to the
    caller while it can still answer with an error status; a short result arrives whole with
    its end message and is then ``complete``.
    """

    def __init__(self, media_type: str) -> None:
        self.media_type = media_type
        self.rows = 0
        self.truncated = False
        self._ready: list[bytes] = []
        self._finished = False

    @abstractmethod
    def _receive(self) -> tuple[str, object]:
        """The next message: ``("chunk", bytes)`` or ``("end", (rows, truncated, tail))``;
        raises the query's error."""

    def _pull(self) -> None:
        kind, value = self._receive()
        if kind == "chunk":
            self._ready.append(value)  # type: ignore[arg-type]
            return
        self.rows, self.truncated, tail = value  # type: ignore[misc]
        if tail:
            self._ready.append(tail)
        self._finished = True

    def start(self) -> None:
        if not self._finished:
            self._pull()

    @property
    def complete(self) -> bool:
        return self._finished

    def __iter__(self) -> Iterator[bytes]:
        try:
            while True:
                while self._ready:
                    yield self._ready.pop(0)
                if self._finished:
                    return
                self._pull()
        finally:
            self.close()

    def read(self) -> bytes:
        return b"".join(self)

    @abstractmethod
    def close(self) -> None:
        """Abandon the query if it is still running (the client went away)."""
