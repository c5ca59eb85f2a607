"""The default backend: pyoxigraph's RocksDB store on local disk, no server needed."""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import IO

from pyoxigraph import DefaultGraph, NamedNode, Quad, RdfFormat, Triple
from pyoxigraph import Store as OxStore

from uikg.graph.errors import QuerySyntaxError, StoreError, StoreLocked
from uikg.graph.store.base import QueryResult, Store, Substitutions, data_block, graph_ref

_TRIPLE_BYTES = 150  # about what a triple takes as update text


def _graph_term(graph: str | None) -> NamedNode | DefaultGraph:
    return NamedNode(graph) if graph else DefaultGraph()


def syntax_error(error: SyntaxError) -> QuerySyntaxError:
    """pyoxigraph's ``error at L:C: …`` message as our error, with line and column."""
    message = str(error)
    line = column = None
    if message.startswith("error at "):
        position = message[len("error at ") :].split(":", 2)
        if len(position) == 3 and position[0].isdigit() and position[1].isdigit():
            line, column = int(position[0]), int(position[1])
    return QuerySyntaxError(message, line=line, column=column)


class EmbeddedStore(Store):
    """A pyoxigraph store on disk (or in memory with ``path=None``, for tests and tools).

    ``flush_after_bytes``: flush the write buffers once this much has been written (counted as
    update text or triples). Oxigraph lets RocksDB buffer up to 128 MB per index before it
    flushes, so a service taking small writes all day would hold up to ~1.4 GB of buffers;
    a flush per write, the other extreme, grew the process by the caches' churn (bench/README.md,
    "soak").
    """

    def __init__(
        self, path: Path | None, *, read_only: bool = False, flush_after_bytes: int = 0
    ) -> None:
        self.path = path
        self.read_only = read_only
        self._flush_after = flush_after_bytes if path is not None and not read_only else 0
        self._unflushed = 0
        self._unflushed_lock = threading.Lock()
        try:
            if path is None:
                self._store = OxStore()
            elif read_only:
                self._store = OxStore.read_only(str(path))
            else:
                path.parent.mkdir(parents=True, exist_ok=True)
                self._store = OxStore(str(path))
        except OSError as error:
            if "lock" in str(error).lower():
                raise StoreLocked(
                    f"the store at {path} is in use by another process "
                    "(stop the running server, or point --data-dir elsewhere)"
                ) from error
            raise StoreError(f"cannot open the store at {path}: {error}") from error

    @property
    def engine(self) -> OxStore:
        return self._store

    def query(
        self,
        sparql: str,
        *,
        default_graph: Sequence[str] | None = None,
        named_graphs: Sequence[str] | None = None,
        union_default: bool = True,
        substitutions: Substitutions | None = None,
        base_iri: str | None = None,
        form: str = "SELECT",
    ) -> QueryResult:
        try:
            return self._store.query(
                sparql,
                base_iri=base_iri,
                use_default_graph_as_union=union_default and default_graph is None,
                default_graph=None
                if default_graph is None
                else [NamedNode(g) for g in default_graph],
                named_graphs=None if named_graphs is None else [NamedNode(g) for g in named_graphs],
                substitutions=dict(substitutions) if substitutions else None,
            )
        except SyntaxError as error:
            raise syntax_error(error) from None

    def update(self, sparql: str, *, base_iri: str | None = None) -> None:
        try:
            self._store.update(sparql, base_iri=base_iri)
        except SyntaxError as error:
            raise syntax_error(error) from None
        self._written(len(sparql))

    def _written(self, size: int) -> None:
        if not self._flush_after:
            return
        with self._unflushed_lock:
            self._unflushed += size
            if self._unflushed < self._flush_after:
                return
            self._unflushed = 0
        self._store.flush()

    def named_graphs(self) -> list[str]:
        return sorted(g.value for g in self._store.named_graphs() if isinstance(g, NamedNode))

    def has_graph(self, graph: str) -> bool:
        return self._store.contains_named_graph(NamedNode(graph))

    def triples(self, graph: str | None) -> Iterator[Triple]:
        for quad in self._store.quads_for_pattern(None, None, None, _graph_term(graph)):
            yield quad.triple

    def replace_graph(self, graph: str | None, triples: Iterable[Triple]) -> None:
        block = data_block(triples, graph)
        self.update(f"DROP SILENT {graph_ref(graph)} ; INSERT DATA {{ {block} }}")
        if graph and not self.has_graph(graph):  # an empty graph still exists after PUT
            self._store.add_graph(NamedNode(graph))

    def add_triples(self, graph: str | None, triples: Iterable[Triple]) -> None:
        target = _graph_term(graph)
        quads = [Quad(t.subject, t.predicate, t.object, target) for t in triples]
        self._store.extend(quads)
        if graph and not self.has_graph(graph):
            self._store.add_graph(NamedNode(graph))
        self._written(_TRIPLE_BYTES * len(quads))

    def drop_graph(self, graph: str | None) -> None:
        if graph is None:
            self._store.clear_graph(DefaultGraph())
        else:
            self._store.remove_graph(NamedNode(graph))

    def load(self, source: IO[bytes], format: RdfFormat, *, bulk: bool = False) -> int:
        before = len(self._store)
        try:
            if bulk:
                self._store.bulk_load(source, format)
            else:
                self._store.load(source, format)
        except SyntaxError as error:
            raise syntax_error(error) from None
        return len(self._store) - before

    def quads(self) -> Iterator[Quad]:
        return iter(self._store)

    def __len__(self) -> int:
        return len(self._store)

    def snapshot(self, target: Path) -> None:
        """A consistent read-only copy; hard links make it cheap on the same file system."""
        if target.exists():
            shutil.rmtree(target)
        target.parent.mkdir(parents=True, exist_ok=True)
        if not self.read_only:
            self._store.flush()
        self._store.backup(str(target))

    def close(self) -> None:
        if not self.read_only:
            self._store.flush()
        del self._store
