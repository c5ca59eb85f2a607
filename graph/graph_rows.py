"""A query's rows read graph by graph and kept per graph, for views over the whole store (the
label search, reconciliation): after a write only the graphs it changed are read again, so a
stream of contributions does not make each view read the whole store once per write."""

from __future__ import annotations

import itertools
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar

from uikg.graph.reader import Reader

T = TypeVar("T")


class Source(Protocol):
    """What such a view reads through: the service's guarded reader, its generation, and the
    graphs each write changed (which it learns of another process's writes, too)."""

    generation: int

    @property
    def reader(self) -> Reader: ...

    def changed_since(self, generation: int) -> set[str] | None: ...

    def named_graphs(self) -> list[str]: ...


@dataclass(frozen=True)
class Reread(Generic[T]):
    """What a refresh read: every graph (``whole``: see ``rows``), or only some, whose rows
    were ``dropped`` and are now ``added``."""

    whole: bool
    dropped: list[T]
    added: list[T]


class RowsByGraph(Generic[T]):
    """The rows of ``pattern`` (a group graph pattern that binds ``variables``), each made into
    a ``T`` by ``row``, kept per graph (``""`` for the default graph)."""

    BATCH = 200  # graphs a query reads: one query over a large store ran past the time limit

    def __init__(self, pattern: str, variables: str, row: Callable[[Any], T]) -> None:
        self._pattern, self._variables, self._row = pattern, variables, row
        self._graphs: dict[str, list[T]] = {}
        self._generation: int | None = None
        self._lock = threading.Lock()

    def refresh(self, source: Source) -> Reread[T] | None:
        """Read again the graphs written since the last refresh (all of them the first time, or
        when a write did not say which); what was read, or ``None`` when nothing was."""
        with self._lock:
            generation, reader = source.generation, source.reader
            if generation == self._generation:
                return None
            graphs = None if self._generation is None else source.changed_since(self._generation)
            whole = graphs is None
            # a new dict, swapped in whole: readers iterate the old one meanwhile, unlocked
            if graphs is None:
                kept: dict[str, list[T]] = {}
                graphs = {"", *source.named_graphs()}
            else:
                kept = {g: rows for g, rows in self._graphs.items() if g not in graphs}
            named = sorted(g for g in graphs if g)
            for start in range(0, len(named), self.BATCH):
                self._read(reader, named[start : start + self.BATCH], kept)
            if "" in graphs:
                self._read(reader, None, kept)
            before, self._graphs, self._generation = self._graphs, kept, generation
            if whole:
                return Reread(True, [], [])
            return Reread(
                False,
                [row for g in graphs for row in before.get(g, ())],
                [row for g in graphs for row in kept.get(g, ())],
            )

    def _read(self, reader: Reader, graphs: list[str] | None, into: dict[str, list[T]]) -> None:
        """The rows of the named ``graphs`` (of the default graph, when ``None``)."""
        if graphs is None:
            query = f"SELECT DISTINCT ?g {self._variables} WHERE {{ {self._pattern} }}"
        else:
            only = " ".join(f"<{g}>" for g in graphs)
            query = (
                f"SELECT DISTINCT ?g {self._variables} WHERE {{ VALUES ?g {{ {only} }} "
                f"GRAPH ?g {{ {self._pattern} }} }}"
            )
        for row in reader.query(query, union_default=False):
            graph = row["g"].value if row["g"] is not None else ""
            into.setdefault(graph, []).append(self._row(row))

    def rows(self) -> Iterator[T]:
        """Every graph's rows, as of the last refresh (a refresh meanwhile does not change them)."""
        return itertools.chain.from_iterable(self._graphs.values())
