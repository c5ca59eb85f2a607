"""A store behind any SPARQL 1.1 Protocol + Graph Store Protocol server.

Only the two W3C protocols are used, so Oxigraph server, Jena Fuseki, GraphDB or Virtuoso can
hold the data once one machine is not enough. The server is expected to answer queries over the
union of its graphs by default (Oxigraph: ``--union-default-graph``; Fuseki:
``tdb2:unionDefaultGraph true``; Virtuoso does so natively); a request that names a dataset
overrides that as the protocol says.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator, Sequence
from typing import IO

import httpx
from pyoxigraph import (
    NamedNode,
    Quad,
    QueryResultsFormat,
    RdfFormat,
    Triple,
    parse,
    parse_query_results,
    serialize,
)

from graph.errors import QuerySyntaxError, StoreError
from graph.sparql import formats
from graph.store.base import QueryResult, Store, Substitutions

_ACCEPT = f"{formats.SPARQL_JSON}, {formats.N_TRIPLES};q=0.9"


class RemoteStore(Store):
    def __init__(
        self,
        query_url: str,
        update_url: str | None = None,
        store_url: str | None = None,
        *,
        timeout: float = 30.0,
        headers: dict[str, str] | None = None,
    ) -> None:
        self.query_url = query_url
        self.update_url = update_url or query_url
        self.store_url = store_url
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
    ) -> QueryResult:
        if substitutions:
            sparql = _bind_values(sparql, substitutions)
        params = [("default-graph-uri", g) for g in default_graph or ()]
        params += [("named-graph-uri", g) for g in named_graphs or ()]
        response = self._send(
            "POST",
            self.query_url,
            params=params,
            content=sparql.encode(),
            headers={"Content-Type": "application/sparql-query", "Accept": _ACCEPT},
        )
        media_type = response.headers.get("content-type", "").split(";")[0].strip()
        body = io.BytesIO(response.content)
        if media_type in formats.SOLUTIONS:
            return parse_query_results(body, formats.SOLUTIONS[media_type])
        if media_type in formats.INPUT:
            return (quad.triple for quad in parse(body, formats.INPUT[media_type]))
        raise StoreError(f"the remote store answered with an unexpected type {media_type!r}")

    def update(self, sparql: str, *, base_iri: str | None = None) -> None:
        self._send(
            "POST",
            self.update_url,
            content=sparql.encode(),
            headers={"Content-Type": "application/sparql-update"},
        )

    def named_graphs(self) -> list[str]:
        rows = self.query("SELECT DISTINCT ?g WHERE { GRAPH ?g { } }", union_default=False)
        return sorted(row["g"].value for row in rows if isinstance(row["g"], NamedNode))

    def has_graph(self, graph: str) -> bool:
        return self.ask(f"ASK {{ GRAPH <{graph}> {{ }} }}")

    # -- Graph Store Protocol --------------------------------------------------------------
    def _graph_params(self, graph: str | None) -> dict[str, str]:
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
            headers={"Accept": formats.N_TRIPLES},
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
            headers={"Content-Type": formats.N_TRIPLES},
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
        rows = self.query("SELECT ?s ?p ?o ?g WHERE { GRAPH ?g { ?s ?p ?o } }", union_default=False)
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


def _bind_values(sparql: str, substitutions: Substitutions) -> str:
    """Bind variables for servers without SEP-0007 substitutions: a trailing VALUES block.

    Terms come from pyoxigraph objects, whose ``str`` is their N-Triples form, so nothing the
    caller typed is pasted into the query text.
    """
    names = " ".join(str(variable) for variable in substitutions)
    values = " ".join(str(term) for term in substitutions.values())
    return f"{sparql}\nVALUES ({names}) {{ ({values}) }}"


__all__ = ["RemoteStore", "QueryResultsFormat"]
