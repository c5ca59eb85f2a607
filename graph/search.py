"""Label search that ignores case and accents: "Gdansk" finds "Gdańsk", "lodz" finds "Łódź"."""

from __future__ import annotations

import threading
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

from uikg.graph.describe import LABEL_PROPERTIES
from uikg.graph.reader import Reader

# Letters that Unicode does not decompose into a base letter plus an accent.
_FOLD = str.maketrans(
    {
        "ł": "l",
        "Ł": "L",
        "đ": "d",
        "Đ": "D",
        "ø": "o",
        "Ø": "O",
        "ß": "ss",
        "æ": "ae",
        "Æ": "AE",
        "œ": "oe",
        "Œ": "OE",
        "ı": "i",
    }
)


def fold(text: str) -> str:
    """Lower case, no accents.

    >>> fold("Łódź, Gdańsk")
    'lodz, gdansk'
    """
    decomposed = unicodedata.normalize("NFKD", text.translate(_FOLD))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


@dataclass(frozen=True)
class Hit:
    iri: str
    label: str
    language: str | None


class LabelIndex:
    """An in-memory index of every label, kept per graph: when the store's generation changes,
    only the graphs written since are read again (all of them when a write did not say which),
    so a stream of contributions does not rebuild it whole for each."""

    BATCH = 200  # graphs a query reads

    def __init__(self) -> None:
        self._graphs: dict[str, list[tuple[str, Hit]]] = {}  # "" for the default graph
        self._generation: int | None = None
        self._lock = threading.Lock()

    def refresh(
        self,
        reader: Reader,
        generation: int,
        changed_since: Callable[[int], set[str] | None],
        named_graphs: Callable[[], list[str]],
    ) -> None:
        """Read again the graphs written since the last refresh; all of them the first time,
        or when a write did not say which. Graph by graph, in batches: one query over every
        label of a large store ran past the time limit (a search after a restart, 650 k quads)."""
        with self._lock:
            if generation == self._generation:
                return
            graphs = None if self._generation is None else changed_since(self._generation)
            # a new dict, swapped in whole: searches iterate the old one meanwhile, unlocked
            if graphs is None:
                index: dict[str, list[tuple[str, Hit]]] = {}
                graphs = {"", *named_graphs()}
            else:
                index = {g: entries for g, entries in self._graphs.items() if g not in graphs}
            named = sorted(g for g in graphs if g)
            for start in range(0, len(named), self.BATCH):
                self._read(reader, named[start : start + self.BATCH], index)
            if "" in graphs:
                self._read(reader, None, index)
            self._graphs, self._generation = index, generation

    @staticmethod
    def _read(
        reader: Reader, graphs: list[str] | None, index: dict[str, list[tuple[str, Hit]]]
    ) -> None:
        """The labels of the named ``graphs`` (of the default graph, when ``None``)."""
        pattern = (
            f"VALUES ?p {{ {' '.join(f'<{p}>' for p in LABEL_PROPERTIES)} }} ?s ?p ?l "
            "FILTER(isIRI(?s) && isLiteral(?l))"
        )
        if graphs is None:
            query = f"SELECT DISTINCT ?g ?s ?l WHERE {{ {pattern} }}"
        else:
            only = " ".join(f"<{g}>" for g in graphs)
            query = f"SELECT DISTINCT ?g ?s ?l WHERE {{ VALUES ?g {{ {only} }} GRAPH ?g {{ {pattern} }} }}"
        for row in reader.query(query, union_default=False):
            graph = row["g"].value if row["g"] is not None else ""
            label = row["l"]
            index.setdefault(graph, []).append(
                (fold(label.value), Hit(row["s"].value, label.value, label.language))
            )

    def search(self, query: str, limit: int = 50) -> list[Hit]:
        """Things whose label contains every word of ``query``; exact and prefix matches first."""
        words = fold(query).split()
        if not words:
            return []
        needle = " ".join(words)
        scored: dict[str, tuple[int, Hit]] = {}
        graphs = self._graphs  # the index as it is now; a refresh swaps in another
        for folded, hit in (entry for entries in graphs.values() for entry in entries):
            if all(word in folded for word in words):
                rank = 0 if folded == needle else 1 if folded.startswith(needle) else 2
                best = scored.get(hit.iri)
                if best is None or rank < best[0]:
                    scored[hit.iri] = (rank, hit)
        ordered = sorted(
            scored.values(), key=lambda item: (item[0], len(item[1].label), item[1].label)
        )
        return [hit for _, hit in ordered[:limit]]
