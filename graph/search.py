"""Label search that ignores case and accents: "Gdansk" finds "Gdańsk", "lodz" finds "Łódź"."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Any

from uikg.graph.describe import LABEL_PROPERTIES
from uikg.graph.graph_rows import RowsByGraph, Source

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


def _entry(row: Any) -> tuple[str, Hit]:
    label = row["l"]
    return fold(label.value), Hit(row["s"].value, label.value, label.language)


class LabelIndex:
    """Every label in memory, kept per graph (``RowsByGraph``): after a write only the graphs
    it changed are read again."""

    def __init__(self) -> None:
        pattern = (
            f"VALUES ?p {{ {' '.join(f'<{p}>' for p in LABEL_PROPERTIES)} }} ?s ?p ?l "
            "FILTER(isIRI(?s) && isLiteral(?l))"
        )
        self._labels = RowsByGraph(pattern, "?s ?l", _entry)

    def refresh(self, source: Source) -> None:
        self._labels.refresh(source)

    def search(self, query: str, limit: int = 50) -> list[Hit]:
        """Things whose label contains every word of ``query``; exact and prefix matches first."""
        words = fold(query).split()
        if not words:
            return []
        needle = " ".join(words)
        scored: dict[str, tuple[int, Hit]] = {}
        for folded, hit in self._labels.rows():
            if all(word in folded for word in words):
                rank = 0 if folded == needle else 1 if folded.startswith(needle) else 2
                best = scored.get(hit.iri)
                if best is None or rank < best[0]:
                    scored[hit.iri] = (rank, hit)
        ordered = sorted(
            scored.values(), key=lambda item: (item[0], len(item[1].label), item[1].label)
        )
        return [hit for _, hit in ordered[:limit]]
