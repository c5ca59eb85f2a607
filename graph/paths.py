"""Where the data folders are, in a checkout and in an installed wheel.

The wheel carries ``ontology/``, ``shapes/``, ``queries/`` and ``graph/data/`` as
``uikg/resources/``; a checkout (or editable install) has them at the top of the repository.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


@dataclass(frozen=True)
class DataPaths:
    ontology: Path
    shapes: Path
    queries: Path
    records: Path

    @classmethod
    def locate(cls, root: Path | None = None) -> DataPaths:
        if root is not None:
            return cls(
                root / "ontology", root / "shapes", root / "queries", root / "graph" / "data"
            )
        installed = _PACKAGE.parent / "resources"
        if (installed / "ontology").is_dir():
            return cls(
                installed / "ontology",
                installed / "shapes",
                installed / "queries",
                installed / "data",
            )
        return cls.locate(_PACKAGE.parent)
