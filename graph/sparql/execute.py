"""One query, from text to serialised bytes, on any store.

Workers (embedded store) and the inline executor (remote store) both call ``run_job``, so the
result formats and the row limit behave the same on either backend.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass

from pyoxigraph import RdfFormat, Variable, parse

from uikg.graph.errors import NotAcceptable
from uikg.graph.sparql import formats, guard
from uikg.graph.sparql.results import Outcome, write_result
from uikg.graph.store.base import Store

CHUNK_BYTES = 65_536


@dataclass(frozen=True)
class QueryJob:
    """Everything a worker needs; plain data so that it pickles cheaply.

    The query is checked (``guard.inspect_query``) where it runs, just before the engine parses
    it: in a worker process, so the service's event loop spends nothing on it. The format is
    negotiated for each query form beforehand; the form, known only then, picks one.
    """

    query: str
    media_types: tuple[tuple[str, str | None], ...]  # (form, format); None: none acceptable
    max_rows: int
    limits: guard.Limits = guard.Limits()
    default_graph: tuple[str, ...] | None = None
    named_graphs: tuple[str, ...] | None = None
    union_default: bool = True  # off when the protocol names a dataset (or the query, FROM)
    substitutions: tuple[tuple[str, str], ...] = ()  # (variable, N-Triples term)
    base_iri: str | None = None

    def media_type(self, form: str) -> str:
        chosen = dict(self.media_types).get(form)
        if chosen is None:
            available = formats.for_form(form)
            raise NotAcceptable(
                f"none of the requested types is available for a {form} query's result; "
                f"available: {', '.join(available)}",
                available=available,
            )
        return chosen


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
            self._emit(self.take())
        return len(data)

    def flush(self) -> None:
        """Ignored: pyoxigraph's serialisers flush at their end, and the last bytes must stay
        here to travel with the end message (a short result then arrives in one piece)."""

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


def run_job(
    store: Store, job: QueryJob, emit: Callable[[bytes, str], None]
) -> tuple[Outcome, str, bytes]:
    """Check and run the job, emitting full chunks (with their media type) as they fill.

    Returns the outcome, the media type and the last bytes. The last bytes travel with the
    end-of-result message, so a short result arrives whole in one message and the HTTP layer
    can answer it with a Content-Length and exact headers.
    """
    info = guard.inspect_query(job.query, job.limits)
    media_type = job.media_type(info.form)
    result = store.query(
        job.query,
        default_graph=job.default_graph,
        named_graphs=job.named_graphs,
        union_default=job.union_default and not info.has_dataset,
        substitutions=decode_substitutions(job.substitutions) or None,
        base_iri=job.base_iri,
    )
    writer = ChunkWriter(lambda chunk: emit(chunk, media_type))
    outcome = write_result(result, media_type, writer, job.max_rows)
    return outcome, media_type, writer.take()


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
            chunk, self.media_type = value  # type: ignore[misc]
            self._ready.append(chunk)
            return
        self.rows, self.truncated, tail, self.media_type = value  # type: ignore[misc]
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
