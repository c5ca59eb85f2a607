"""Label search that ignores case and accents: "Gdansk" finds "Gdańsk", "lodz" finds "Łódź"."""

from __future__ import annotations

import threading
import unicodedata
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
    """An in-memory index of every label, rebuilt when the store's generation changes."""

    def __init__(self) -> None:
        self._entries: list[tuple[str, Hit]] = []
        self._generation: int | None = None
        self._lock = threading.Lock()

    def refresh(self, reader: Reader, generation: int) -> None:
        with self._lock:
            if generation == self._generation:
                return
            values = " ".join(f"<{p}>" for p in LABEL_PROPERTIES)
            rows = reader.query(
                f"SELECT DISTINCT ?s ?l WHERE {{ VALUES ?p {{ {values} }} ?s ?p ?l "
                "FILTER(isIRI(?s) && isLiteral(?l)) }"
            )
            self._entries = [
                (fold(row["l"].value), Hit(row["s"].value, row["l"].value, row["l"].language))
                for row in rows
            ]
            self._generation = generation

    def search(self, query: str, limit: int = 50) -> list[Hit]:
        """Things whose label contains every word of ``query``; exact and prefix matches first."""
        words = fold(query).split()
        if not words:
            return []
        needle = " ".join(words)
        scored: dict[str, tuple[int, Hit]] = {}
        for folded, hit in self._entries:
            if all(word in folded for word in words):
                rank = 0 if folded == needle else 1 if folded.startswith(needle) else 2
                best = scored.get(hit.iri)
                if best is None or rank < best[0]:
                    scored[hit.iri] = (rank, hit)
        ordered = sorted(
            scored.values(), key=lambda item: (item[0], len(item[1].label), item[1].label)
        )
        return [hit for _, hit in ordered[:limit]]
