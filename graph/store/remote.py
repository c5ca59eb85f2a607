"""A store behind any SPARQL 1.1 Protocol + Graph Store Protocol server.

Only the two W3C protocols are used, so Oxigraph server, Jena Fuseki, GraphDB or Virtuoso can
hold the data once one machine is not enough. The server is expected to answer queries over the
union of its graphs by default (Oxigraph: ``--union-default-graph``; Fuseki:
``tdb2:unionDefaultGraph true``; Virtuoso does so natively); a request that names a dataset
overrides that as the protocol says.

Engine quirks handled here, each found by running the store test suite on that engine:

- Virtuoso 7.2 never answers a direct ``application/sparql-query`` POST, so queries and updates
  go as URL-encoded forms, which every server accepts.
- Virtuoso answers 406 to a mixed Accept list, so the Accept header follows the query form.
- Virtuoso answers ASK as a one-row SELECT of ``__ASK_RETVAL``; it is turned back into a boolean.
- Virtuoso keeps its own system graphs (``virtrdf#``, ``ldp#``…) among the named graphs;
  ``hidden_graphs`` prefixes keep them out of graph listings, counts and dumps.
- Virtuoso runs ``SELECT DISTINCT ?g`` over all quads into its time limit; ``GROUP BY ?g``
  answers at once.
- Virtuoso names blank nodes ``nodeID://b10000`` in query results, which is not a blank node
  label; the prefix is dropped (its N-Triples already say ``_:b10000``).
- Virtuoso has no default graph apart from the named ones and its Graph Store endpoint refuses
  ``?default``; ``default_graph_iri`` names the graph that stands in for it.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Iterator, Sequence
from typing import IO

import httpx
from pyoxigraph import (
    NamedNode,
    Quad,
    QueryBoolean,
    QueryResultsFormat,
    QuerySolutions,
    RdfFormat,
    Triple,
    parse,
    parse_query_results,
    serialize,
)

from uikg.graph.errors import QuerySyntaxError, StoreError
from uikg.graph.store.base import QueryResult, Store, Substitutions

_ASK_COLUMN = "__ASK_RETVAL"
_SOLUTIONS = QueryResultsFormat.JSON.media_type
_TRIPLES = RdfFormat.N_TRIPLES.media_type
_VIRTUOSO_BNODE = re.compile(rb'("type"\s*:\s*"bnode"\s*,\s*"value"\s*:\s*")nodeID://')


class RemoteStore(Store):
    native_substitutions = False  # the protocol has none: runner.job binds them in the text

    def __init__(
        self,
        query_url: str,
        update_url: str | None = None,
        store_url: str | None = None,
        *,
        timeout: float = 30.0,
        headers: dict[str, str] | None = None,
        hidden_graphs: Sequence[str] = (),
        default_graph_iri: str | None = None,
    ) -> None:
        self.query_url = query_url
        self.update_url = update_url or query_url
        self.store_url = store_url
        self.default_graph_iri = default_graph_iri
        self.hidden_graphs = tuple(hidden_graphs) + (
            (default_graph_iri,) if default_graph_iri else ()
        )
        self._http = httpx.Client(timeout=timeout, headers=headers or {})

    # -- SPARQL Protocol -------------------------------------------------------------------
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
        if substitutions:
            raise StoreError(
                "a remote store takes no substitutions: bind them in the query text first "
                "(runner.job does, with guard.bind_values)"
            )
        if base_iri:  # the protocol has no base parameter; a prologue may hold several BASEs
            sparql = f"BASE <{base_iri}>\n{sparql}"
        fields: dict[str, str | list[str]] = {"query": sparql}
        if default_graph:
            fields["default-graph-uri"] = list(default_graph)
        if named_graphs:
            fields["named-graph-uri"] = list(named_graphs)
        accept = _SOLUTIONS if form in ("SELECT", "ASK") else _TRIPLES
        response = self._send("POST", self.query_url, data=fields, headers={"Accept": accept})
        media_type = response.headers.get("content-type", "").split(";")[0].strip()
        content = response.content
        if b'"nodeID://' in content:
            content = _VIRTUOSO_BNODE.sub(rb"\1", content)
        body = io.BytesIO(content)
        solutions = QueryResultsFormat.from_media_type(media_type) if media_type else None
        graph = RdfFormat.from_media_type(media_type) if media_type else None
        if solutions is not None:
            result = parse_query_results(body, solutions)
            if form == "ASK" and isinstance(result, QuerySolutions):
                return _ask_from_solutions(result)
            return result
        if graph is not None:
            return (quad.triple for quad in parse(body, graph))
        raise StoreError(f"the remote store answered with an unexpected type {media_type!r}")

    def update(self, sparql: str, *, base_iri: str | None = None) -> None:
        self._send("POST", self.update_url, data={"update": sparql})

    def _visible(self, graph: str) -> bool:
        return not graph.startswith(self.hidden_graphs) if self.hidden_graphs else True

    def _graph_filter(self) -> str:
        tests = " && ".join(f'!STRSTARTS(STR(?g), "{prefix}")' for prefix in self.hidden_graphs)
        return f"FILTER({tests})" if tests else ""

    def named_graphs(self) -> list[str]:
        # GROUP BY, not DISTINCT: Virtuoso runs the DISTINCT form into its time limit.
        rows = self.query(
            "SELECT ?g WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g", union_default=False
        )
        return sorted(
            row["g"].value
            for row in rows
            if isinstance(row["g"], NamedNode) and self._visible(row["g"].value)
        )

    def has_graph(self, graph: str) -> bool:
        return self.ask(f"ASK {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")

    def count(self, graph: str | None = None) -> int:
        if graph is not None:
            return super().count(graph)
        result = self.query(
            f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ ?s ?p ?o }} {self._graph_filter()} }}",
            union_default=False,
        )
        return int(next(iter(result))["n"].value)

    def graph_query(self, graph: str | None) -> tuple[str, bool]:
        if graph is None and self.default_graph_iri:
            graph = self.default_graph_iri
        return super().graph_query(graph)

    # -- Graph Store Protocol --------------------------------------------------------------
    def _graph_params(self, graph: str | None) -> dict[str, str]:
        if graph is None and self.default_graph_iri:
            return {"graph": self.default_graph_iri}
        return {"graph": graph} if graph else {"default": ""}

    def _gsp_url(self) -> str:
        if not self.store_url:
            raise StoreError("this remote store has no Graph Store Protocol URL configured")
        return self.store_url

    def triples(self, graph: str | None) -> Iterator[Triple]:
        response = self._send(
            "GET",
            self._gsp_url(),
            params=self._graph_params(graph),
            headers={"Accept": _TRIPLES},
            missing_ok=True,
        )
        if response.status_code == 404:
            return iter(())
        return (q.triple for q in parse(io.BytesIO(response.content), RdfFormat.N_TRIPLES))

    def _send_graph(self, method: str, graph: str | None, triples: Iterable[Triple]) -> None:
        body = serialize(triples, None, RdfFormat.N_TRIPLES) or b""
        self._send(
            method,
            self._gsp_url(),
            params=self._graph_params(graph),
            content=body,
            headers={"Content-Type": _TRIPLES},
        )

    def replace_graph(self, graph: str | None, triples: Iterable[Triple]) -> None:
        self._send_graph("PUT", graph, triples)

    def add_triples(self, graph: str | None, triples: Iterable[Triple]) -> None:
        self._send_graph("POST", graph, triples)

    def drop_graph(self, graph: str | None) -> None:
        self._send("DELETE", self._gsp_url(), params=self._graph_params(graph), missing_ok=True)

    def load(self, source: IO[bytes], format: RdfFormat, *, bulk: bool = False) -> int:
        by_graph: dict[str | None, list[Triple]] = {}
        count = 0
        for quad in parse(source, format):
            name = quad.graph_name.value if isinstance(quad.graph_name, NamedNode) else None
            by_graph.setdefault(name, []).append(quad.triple)
            count += 1
        for graph, triples in by_graph.items():
            self.add_triples(graph, triples)
        return count

    def quads(self) -> Iterator[Quad]:
        rows = self.query(
            f"SELECT ?s ?p ?o ?g WHERE {{ GRAPH ?g {{ ?s ?p ?o }} {self._graph_filter()} }}",
            union_default=False,
        )
        for row in rows:
            yield Quad(row["s"], row["p"], row["o"], row["g"])
        for triple in self.triples(None):
            yield Quad(triple.subject, triple.predicate, triple.object)

    def close(self) -> None:
        self._http.close()

    # -- plumbing --------------------------------------------------------------------------
    def _send(
        self, method: str, url: str, *, missing_ok: bool = False, **kwargs: object
    ) -> httpx.Response:
        try:
            response = self._http.request(method, url, **kwargs)  # type: ignore[arg-type]
        except httpx.TimeoutException as error:
            raise StoreError(f"the remote store at {url} did not answer in time") from error
        except httpx.HTTPError as error:
            raise StoreError(f"cannot reach the remote store at {url}: {error}") from error
        if response.status_code == 404 and missing_ok:
            return response
        if response.status_code == 400:
            raise QuerySyntaxError(f"the remote store refused the request: {response.text[:500]}")
        if response.status_code >= 400:
            raise StoreError(
                f"the remote store answered {response.status_code}: {response.text[:500]}"
            )
        return response


def _ask_from_solutions(solutions: QuerySolutions) -> QueryBoolean:
    """Virtuoso's ``SELECT __ASK_RETVAL`` answer to an ASK, as the boolean it stands for."""
    names = [v.value for v in solutions.variables]
    if names != [_ASK_COLUMN]:
        raise StoreError(f"the remote store answered an ASK with the columns {names}")
    rows = list(solutions)
    answer = bool(rows) and rows[0][_ASK_COLUMN].value not in ("0", "false")
    document = b'{"head":{},"boolean":' + (b"true" if answer else b"false") + b"}"
    return parse_query_results(io.BytesIO(document), QueryResultsFormat.JSON)  # type: ignore[return-value]
