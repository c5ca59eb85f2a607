"""One query, from text to serialised bytes, on any store.

Both executors call ``run_job`` (the pool's workers on the embedded store, the inline executor's
thread on a remote one), so the guard, the result formats and the row limit behave the same on
either backend.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from pyoxigraph import RdfFormat, Variable, parse

from uikg.graph.errors import QuerySyntaxError, StoreError
from uikg.graph.sparql import formats, guard
from uikg.graph.sparql.results import Outcome, write_result
from uikg.graph.store.base import Store

CHUNK_BYTES = 65_536


@dataclass(frozen=True)
class QueryJob:
    """Everything a worker needs; plain data so that it pickles cheaply.

    The query is checked (``guard.inspect_query``) where it runs, just before the engine parses
    it: in a worker process, so the service's event loop spends nothing on it. The result format
    was negotiated in the service's process from the query's form (``guard.sniff_form``).
    """

    query: str
    media_type: str
    max_rows: int
    limits: guard.Limits = guard.Limits()
    default_graph: tuple[str, ...] | None = None
    named_graphs: tuple[str, ...] | None = None
    union_default: bool = True  # off when the protocol names a dataset (or the query, FROM)
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
    media_type = job.media_type
    if media_type not in formats.for_form(info.form):  # the form was sniffed otherwise: a bug
        raise StoreError(f"{media_type} cannot carry a {info.form} result")
    query, substitutions = job.query, job.substitutions
    if substitutions and not store.native_substitutions:
        query, substitutions = guard.bind_values(query, substitutions), ()
    try:
        result = store.query(
            query,
            default_graph=job.default_graph,
            named_graphs=job.named_graphs,
            union_default=job.union_default and not info.has_dataset,
            substitutions=decode_substitutions(substitutions) or None,
            base_iri=job.base_iri,
            form=info.form,
        )
    except QuerySyntaxError as error:
        raise guard.explain(job.query, error) from None
    writer = ChunkWriter(lambda chunk: emit(chunk, media_type))
    outcome = write_result(result, media_type, writer, job.max_rows)
    return outcome, media_type, writer.take()
