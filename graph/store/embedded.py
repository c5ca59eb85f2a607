"""The default backend: pyoxigraph's RocksDB store on local disk, no server needed."""

from __future__ import annotations

import contextlib
import gc
import shutil
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import IO, Any

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

    ``reopen_after_flushes``: close and open the store again after this many of those flushes,
    once nothing reads it. RocksDB's block caches (Oxigraph gives each store 128 MB for its
    strings and 32 MB for the rest, and no way to set them) keep the blocks of the files that
    each flush and compaction replaces until they are full, so a service whose reads follow its
    small writes kept growing, towards ~160 MB per store (bench/README.md, "Memory under a
    stream of contributions"); reopening empties them. The store counts who uses it
    (calls, and the lazy results and iterators it hands out) and reopens only when no one does.
    """

    def __init__(
        self,
        path: Path | None,
        *,
        read_only: bool = False,
        flush_after_bytes: int = 0,
        reopen_after_flushes: int = 0,
    ) -> None:
        self.path = path
        self.read_only = read_only
        self._flush_after = flush_after_bytes if path is not None and not read_only else 0
        self._reopen_after = reopen_after_flushes if self._flush_after else 0
        self._unflushed = 0
        self._unflushed_lock = threading.Lock()
        self._flushes = 0  # since the store was (re)opened
        self._users = 0  # calls running, results and iterators not yet used up or dropped
        # Re-entrant: a result dropped by a garbage collection that runs while this thread
        # holds the gate lets go of it from inside (``_Held.__del__``).
        self._gate = threading.RLock()
        self.reopened = 0
        self._closed = False
        self._store: OxStore | None = self._open()

    def _open(self) -> OxStore:
        path = self.path
        try:
            if path is None:
                return OxStore()
            if self.read_only:
                return OxStore.read_only(str(path))
            path.parent.mkdir(parents=True, exist_ok=True)
            return OxStore(str(path))
        except OSError as error:
            if "lock" in str(error).lower():
                raise StoreLocked(
                    f"the store at {path} is in use by another process "
                    "(stop the running server, or point --data-dir elsewhere)"
                ) from error
            raise StoreError(f"cannot open the store at {path}: {error}") from error

    @property
    def engine(self) -> OxStore:
        assert self._store is not None
        return self._store

    def _enter(self) -> OxStore:
        """Count one more user of the store (reopening it first when that is due and no one
        uses it) and return the pyoxigraph store to use."""
        with self._gate:
            if self._closed:
                raise StoreError(f"the store at {self.path} is closed")
            if self._reopen_after and self._users == 0 and self._flushes >= self._reopen_after:
                self._reopen()
            if self._store is None:  # a reopening failed: try again
                self._store = self._open_again()
            self._users += 1
            return self._store

    def _leave(self) -> None:
        with self._gate:
            self._users -= 1

    @contextlib.contextmanager
    def _use(self) -> Iterator[OxStore]:
        store = self._enter()
        try:
            yield store
        finally:
            self._leave()

    def _reopen(self) -> None:
        """Under the gate, with no user: drop the store (RocksDB closes it when its last
        reference goes) and open it again."""
        if self._store is not None:
            self._store.flush()
        self._flushes = 0
        self._store = None
        self._store = self._open_again()
        self.reopened += 1

    def _open_again(self, attempts: int = 20) -> OxStore:
        """The store, opened once RocksDB has closed it: a reference not counted (a result in
        a reference cycle) is collected first. Should one outlive the attempts, this use fails
        and the next tries again."""
        for _ in range(attempts - 1):
            with contextlib.suppress(StoreLocked):
                return self._open()
            gc.collect()
            time.sleep(0.01)
        try:
            return self._open()
        except StoreLocked as error:
            raise StoreError(
                f"cannot open the store at {self.path} again: {error.__cause__}"
            ) from error

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
        store = self._enter()
        try:
            result = store.query(
                sparql,
                base_iri=base_iri,
                use_default_graph_as_union=union_default and default_graph is None,
                default_graph=None
                if default_graph is None
                else [NamedNode(g) for g in default_graph],
                named_graphs=None if named_graphs is None else [NamedNode(g) for g in named_graphs],
                substitutions=dict(substitutions) if substitutions else None,
            )
        except BaseException as error:
            self._leave()
            if isinstance(error, SyntaxError):
                raise syntax_error(error) from None
            raise
        if not self._reopen_after or not hasattr(result, "__next__"):
            self._leave()  # an answer that holds nothing open (ASK), or a store never reopened
            return result
        return _Held(result, self._leave)

    def update(self, sparql: str, *, base_iri: str | None = None) -> None:
        with self._use() as store:
            try:
                store.update(sparql, base_iri=base_iri)
            except SyntaxError as error:
                raise syntax_error(error) from None
            self._written(store, len(sparql))

    def _written(self, store: OxStore, size: int) -> None:
        if not self._flush_after:
            return
        with self._unflushed_lock:
            self._unflushed += size
            if self._unflushed < self._flush_after:
                return
            self._unflushed = 0
        store.flush()
        with self._gate:
            self._flushes += 1

    def named_graphs(self) -> list[str]:
        with self._use() as store:
            return sorted(g.value for g in store.named_graphs() if isinstance(g, NamedNode))

    def has_graph(self, graph: str) -> bool:
        with self._use() as store:
            return store.contains_named_graph(NamedNode(graph))

    def triples(self, graph: str | None) -> Iterator[Triple]:
        with self._use() as store:
            for quad in store.quads_for_pattern(None, None, None, _graph_term(graph)):
                yield quad.triple

    def replace_graph(self, graph: str | None, triples: Iterable[Triple]) -> None:
        block = data_block(triples, graph)
        with self._use() as store:
            self.update(f"DROP SILENT {graph_ref(graph)} ; INSERT DATA {{ {block} }}")
            if graph and not store.contains_named_graph(NamedNode(graph)):
                store.add_graph(NamedNode(graph))  # an empty graph still exists after PUT

    def add_triples(self, graph: str | None, triples: Iterable[Triple]) -> None:
        target = _graph_term(graph)
        quads = [Quad(t.subject, t.predicate, t.object, target) for t in triples]
        with self._use() as store:
            store.extend(quads)
            if graph and not store.contains_named_graph(NamedNode(graph)):
                store.add_graph(NamedNode(graph))
            self._written(store, _TRIPLE_BYTES * len(quads))

    def drop_graph(self, graph: str | None) -> None:
        with self._use() as store:
            if graph is None:
                store.clear_graph(DefaultGraph())
            else:
                store.remove_graph(NamedNode(graph))

    def load(self, source: IO[bytes], format: RdfFormat, *, bulk: bool = False) -> int:
        with self._use() as store:
            before = len(store)
            try:
                if bulk:
                    store.bulk_load(source, format)
                else:
                    store.load(source, format)
            except SyntaxError as error:
                raise syntax_error(error) from None
            return len(store) - before

    def quads(self) -> Iterator[Quad]:
        with self._use() as store:
            yield from store

    def __len__(self) -> int:
        with self._use() as store:
            return len(store)

    def snapshot(self, target: Path) -> None:
        """A consistent read-only copy; hard links make it cheap on the same file system."""
        if target.exists():
            shutil.rmtree(target)
        target.parent.mkdir(parents=True, exist_ok=True)
        with self._use() as store:
            if not self.read_only:
                store.flush()
            store.backup(str(target))

    def close(self) -> None:
        with self._gate:
            if self._store is not None and not self.read_only:
                self._store.flush()
            self._store = None
            self._closed = True


class _Held:
    """A lazy query result (solutions, triples) that counts as a user of its store until it is
    used up, closed or dropped: while pyoxigraph's result lives, RocksDB cannot close the store
    under it (used up, it still does: it is let go then; the rows it gave do not)."""

    def __init__(self, result: Any, release: Callable[[], None]) -> None:
        self._result = result
        self._release: Callable[[], None] | None = release
        self.variables = getattr(result, "variables", None)

    def _done(self) -> None:
        self._result = iter(())
        release, self._release = self._release, None
        if release is not None:
            release()

    def __iter__(self) -> _Held:
        return self

    def __next__(self) -> Any:
        try:
            return next(self._result)
        except BaseException:
            self._done()
            raise

    def close(self) -> None:
        self._done()

    def __del__(self) -> None:
        self._done()
