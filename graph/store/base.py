"""The one store interface both backends implement.

Results are pyoxigraph objects (``QuerySolutions``, ``QueryBoolean``, an iterator of
``Triple``) whatever the backend, so that serialising, limiting and testing are written once.
A graph name of ``None`` means the default graph.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import IO, Any

from pyoxigraph import Literal, NamedNode, Quad, RdfFormat, Triple, Variable

QueryResult = Any  # QuerySolutions | QueryBoolean | Iterator[Triple]
Substitutions = Mapping[Variable, Any]


def data_block(triples: Iterable[Triple], graph: str | None) -> str:
    """Triples as the body of an ``INSERT DATA``/``DELETE DATA`` block (N-Triples is valid SPARQL)."""
    lines = "\n".join(f"{t.subject} {t.predicate} {t.object} ." for t in triples)
    return f"GRAPH <{graph}> {{\n{lines}\n}}" if graph else lines


def graph_ref(graph: str | None) -> str:
    return f"GRAPH <{graph}>" if graph else "DEFAULT"


class Store(ABC):
    """A quad store reachable by SPARQL, with whole-graph operations (the Graph Store Protocol)."""

    # Whether ``query`` takes ``substitutions`` (bound before evaluation, as pyoxigraph does);
    # for a store that does not, the runner binds them in the query text.
    native_substitutions = True

    @abstractmethod
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
        """Run a query. ``union_default`` makes the default graph the union of all graphs.

        ``form`` (SELECT, ASK, CONSTRUCT or DESCRIBE) is the query's form as the caller's guard
        found it: a remote server is asked for the result format that form has.
        """

    @abstractmethod
    def update(self, sparql: str, *, base_iri: str | None = None) -> None:
        """Run a SPARQL Update as one transaction."""

    @abstractmethod
    def named_graphs(self) -> list[str]: ...

    @abstractmethod
    def has_graph(self, graph: str) -> bool: ...

    @abstractmethod
    def triples(self, graph: str | None) -> Iterator[Triple]:
        """The triples of one graph (``None``: the default graph)."""

    @abstractmethod
    def replace_graph(self, graph: str | None, triples: Iterable[Triple]) -> None:
        """Replace a graph's content atomically (creates it if needed)."""

    @abstractmethod
    def add_triples(self, graph: str | None, triples: Iterable[Triple]) -> None: ...

    @abstractmethod
    def drop_graph(self, graph: str | None) -> None: ...

    @abstractmethod
    def load(self, source: IO[bytes], format: RdfFormat, *, bulk: bool = False) -> int:
        """Add the quads of a dataset file (N-Quads, TriG); returns how many were read."""

    @abstractmethod
    def quads(self) -> Iterator[Quad]: ...

    @abstractmethod
    def close(self) -> None: ...

    def graph_query(self, graph: str | None) -> tuple[str, bool]:
        """A CONSTRUCT that reads one graph (``None``: the default graph), and whether the
        default graph is the union for it: graph reads run as queries, with their limits."""
        if graph is None:
            return "CONSTRUCT WHERE { ?s ?p ?o }", False
        return f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}", False

    def count(self, graph: str | None = None) -> int:
        where = f"GRAPH <{graph}> {{ ?s ?p ?o }}" if graph else "GRAPH ?g { ?s ?p ?o }"
        result = self.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ {where} }}", union_default=False)
        return int(next(iter(result))["n"].value)

    def ask(self, sparql: str, **kwargs: Any) -> bool:
        return bool(self.query(sparql, form="ASK", **kwargs))

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


def literal_int(value: int) -> Literal:
    return Literal(str(value), datatype=NamedNode("http://www.w3.org/2001/XMLSchema#integer"))
