"""A store as what the views over every graph read through (``graph_rows.Source``), with the
writes said by hand and every query remembered."""

from __future__ import annotations

from typing import Any

from uikg.graph.store.base import Store


class StoreSource:
    def __init__(self, store: Store) -> None:
        self.store, self.generation = store, 0
        self.queries: list[str] = []
        self._writes: dict[int, set[str] | None] = {}

    @property
    def reader(self) -> StoreSource:
        return self

    def query(self, sparql: str, **options: Any) -> Any:
        self.queries.append(sparql)
        return self.store.query(sparql, **options)

    def wrote(self, graphs: set[str] | None) -> None:
        """A write that changed ``graphs`` (``None``: did not say which)."""
        self.generation += 1
        self._writes[self.generation] = graphs

    def changed_since(self, generation: int) -> set[str] | None:
        changed: set[str] = set()
        for later in range(generation + 1, self.generation + 1):
            graphs = self._writes[later]
            if graphs is None:
                return None
            changed |= graphs
        return changed

    def named_graphs(self) -> list[str]:
        return self.store.named_graphs()
