"""Read access to the published graph, as the functions that build pages, collections, search
and statistics need it.

The service's reader (``service.GuardedReader``) runs each query like any other: in a query
worker, with the time limit, the row limit and the result cache. A ``Store`` has the same two
methods, so offline tools and tests can hand one in directly.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

from pyoxigraph import Variable


class Reader(Protocol):
    def query(
        self,
        sparql: str,
        *,
        union_default: bool = True,
        substitutions: Mapping[Variable, Any] | None = None,
    ) -> Any:
        """``QuerySolutions`` for SELECT, ``QueryBoolean`` for ASK, triples for CONSTRUCT;
        ``substitutions`` bind a named query's parameters (never pasted into its text)."""

    def ask(self, sparql: str, *, union_default: bool = True) -> bool: ...
