"""Hostile input against a real ``uikg serve`` process on a copy of the built graph.

Every case sends one malformed, oversized, injected or expensive request and checks three
things: the answer is a 4xx whose message names the problem (or a bounded, correct result), the
server process is alive and healthy afterwards, and nothing changed (a fingerprint of every quad
of the published store, and the contribution queue). A loopback ``Listener`` proves that no
``SERVICE``, ``LOAD``, ``FROM``, remote JSON-LD context or XML external entity was fetched.

A case that finds a bug in ``graph/sparql`` or ``graph/store`` (owned elsewhere) is marked
``xfail(strict=True)`` with the reason, so it turns into a reminder once fixed.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import ADMIN_TOKEN, serve_built
from tests.support import records
from tests.support.records import Listener
from tests.support.servers import Server
from uikg.graph import rest as rest_domain
from uikg.graph.paths import DataPaths
from uikg.graph.queries import load_catalogue

ALICE = "alice-token-hostile-0123456789"
BOB = "bob-token-hostile-0123456789ab"
TOKENS = f"alice:contributor:{ALICE},bob:curator:{BOB}"
LISTENER = "LISTENER"  # replaced by the loopback listener's URL in every case
MAX_BODY = 262_144
TIMEOUT_S = 3
BASE = "https://w3id.org/uikg/"


@dataclass
class Case:
    id: str
    method: str
    path: str
    params: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes | None = None
    token: str | None = None
    status: tuple[int, ...] = (400,)
    says: str | None = None  # a regular expression the problem's detail must match
    bounded_s: float | None = None  # for expensive queries: the answer came within this time
    marks: tuple[Any, ...] = ()

    def param(self) -> Any:
        return pytest.param(self, id=self.id, marks=self.marks)


def _q(**headers: str) -> dict[str, str]:
    return headers


SPARQL_JSON = {"Accept": "application/sparql-results+json"}
FORM = {"Content-Type": "application/x-www-form-urlencoded"}
DIRECT = {"Content-Type": "application/sparql-query"}
TURTLE = {"Content-Type": "text/turtle"}
JSONLD = {"Content-Type": "application/ld+json"}
RDFXML = {"Content-Type": "application/rdf+xml"}
NTRIPLES = {"Content-Type": "application/n-triples"}
POSITION = r"line \d+|\d+:\d+|column"
INJECTION = "https://x.example/a> ?p ?o } ; DROP ALL ; SELECT * WHERE { <https://x.example/b"


# -- the query endpoint -----------------------------------------------------------------------
SYNTAX_ERRORS = {
    "keyword": "SELEC * WHERE { ?s ?p ?o }",
    "missing-object": "SELECT * WHERE { ?s ?p }",
    "unclosed-group": "SELECT * WHERE { ?s ?p ?o ",
    "bad-limit": "SELECT * WHERE { ?s ?p ?o } LIMIT many",
    "unclosed-iri": "PREFIX x: <http://x/\nSELECT * WHERE { ?s ?p ?o }",
    "unclosed-string": 'SELECT * WHERE { ?s ?p "abc }',
    "extra-brace": "ASK { ?s ?p ?o } }",
    "line-three": "PREFIX x: <http://x/>\nSELECT *\nWHERE { ?s x:p ?o . FILTER(?o = ) }",
    "unknown-prefix": "SELECT * WHERE { ?s nope:p ?o }",
    "bad-aggregate": "SELECT (COUNT(?s) ?n) WHERE { ?s ?p ?o }",
}

QUERY_CASES = [
    *(
        Case(f"syntax-{name}", "GET", "/sparql", {"query": text}, SPARQL_JSON, says=POSITION)
        for name, text in SYNTAX_ERRORS.items()
    ),
    Case(
        "update-as-query",
        "GET",
        "/sparql",
        {"query": "INSERT DATA { <https://x.example/a> <https://x.example/b> 1 }"},
        says=r"update|INSERT|line",
    ),
    Case(
        "update-as-query-post",
        "POST",
        "/sparql",
        headers=DIRECT,
        body=b"DELETE WHERE { ?s ?p ?o }",
        says=r"update|DELETE|line",
    ),
    Case(
        "update-parameter-on-query-endpoint",
        "POST",
        "/sparql",
        headers=FORM,
        body=b"update=DROP+ALL",
        says="not accepted here",
    ),
    Case(
        "update-content-type-on-query-endpoint",
        "POST",
        "/sparql",
        headers={"Content-Type": "application/sparql-update"},
        body=b"DROP ALL",
        status=(415,),
        says="application/sparql-query",
    ),
    Case(
        "two-query-parameters",
        "GET",
        "/sparql",
        [("query", "ASK {}"), ("query", "ASK {}")],
        says="2 'query' parameters",
    ),
    Case(
        "query-in-url-and-body",
        "POST",
        "/sparql",
        {"query": "ASK {}"},
        headers=DIRECT,
        body=b"ASK {}",
        says="not the URL",
    ),
    Case(
        "two-update-parameters",
        "POST",
        "/sparql/update",
        headers=FORM,
        body=b"update=CLEAR+ALL&update=CLEAR+ALL",
        token=BOB,
        says="2 'update' parameters",
    ),
    Case(
        "wrong-content-type",
        "POST",
        "/sparql",
        headers={"Content-Type": "text/plain"},
        body=b"ASK {}",
        status=(415,),
        says="text/plain",
    ),
    Case(
        "missing-content-type",
        "POST",
        "/sparql",
        body=b"ASK {}",
        status=(415,),
        says="without Content-Type",
    ),
    Case("empty-direct-body", "POST", "/sparql", headers=DIRECT, body=b"", says="no 'query'"),
    Case("empty-query-parameter", "GET", "/sparql", {"query": "   "}, says="no 'query'"),
    Case(
        "oversized-body",
        "POST",
        "/sparql",
        headers=DIRECT,
        body=b"#" * (MAX_BODY + 10),
        status=(413,),
        says="larger than the limit",
    ),
    Case(
        "oversized-query",
        "POST",
        "/sparql",
        headers=DIRECT,
        body=("ASK {}" + " " * 70_000).encode(),
        says=r"bytes|large|long",
    ),
    Case(
        "deep-nesting",
        "POST",
        "/sparql",
        headers=DIRECT,
        body=("SELECT * WHERE " + "{ " * 5000 + "}" * 5000).encode(),
        says="nest",
    ),
    Case(
        "deep-parentheses",
        "GET",
        "/sparql",
        {"query": "ASK { FILTER(" + "(" * 3000 + "1" + ")" * 3000 + ") }"},
        says="nest",
    ),
    Case(
        "too-many-operators",
        "POST",
        "/sparql",
        headers=DIRECT,
        body=("ASK { FILTER(" + " || ".join(["true"] * 3000) + ") }").encode(),
        says="operator",
    ),
    Case(
        "invalid-utf8-direct",
        "POST",
        "/sparql",
        headers=DIRECT,
        body=b'ASK { ?s ?p "\xff\xfe" }',
        says="UTF-8",
    ),
    Case(
        "utf16-declared",
        "POST",
        "/sparql",
        headers={"Content-Type": "application/sparql-query; charset=utf-16"},
        body="ASK {}".encode("utf-16"),
        status=(415,),
        says="UTF-8",
    ),
    Case(
        "utf16-undeclared",
        "POST",
        "/sparql",
        headers=DIRECT,
        body="ASK {}".encode("utf-16"),
        says="UTF-8",
    ),
    Case(
        "invalid-utf8-form",
        "POST",
        "/sparql",
        headers=FORM,
        body=b"query=ASK%20%7B%7D%FF",
        says="UTF-8",
    ),
    Case("invalid-utf8-url", "GET", "/sparql?query=ASK%7B%7D%C3%28", says="UTF-8"),
    Case(
        "control-character-in-iri",
        "GET",
        "/sparql",
        {"query": "SELECT * WHERE { <https://w3id.org/uikg/id/city/gda\x01nsk> ?p ?o }"},
        says=POSITION,
    ),
    Case(
        "nul-in-query",
        "GET",
        "/sparql",
        {"query": "ASK { ?s ?p \x00 }"},
        says=POSITION,
    ),
    Case(
        "service-loopback",
        "GET",
        "/sparql",
        {"query": f"SELECT * WHERE {{ SERVICE <{LISTENER}/sparql> {{ ?s ?p ?o }} }}"},
        says="SERVICE",
    ),
    Case(
        "service-silent-loopback",
        "GET",
        "/sparql",
        {"query": f"SELECT * WHERE {{ SERVICE SILENT <{LISTENER}/> {{ ?s ?p ?o }} }}"},
        says="SERVICE",
    ),
    Case(
        "service-variable",
        "GET",
        "/sparql",
        {"query": "SELECT * WHERE { BIND(<http://127.0.0.1:9/> AS ?e) SERVICE ?e { ?s ?p ?o } }"},
        says="SERVICE",
    ),
    Case(
        "load-on-query-endpoint",
        "GET",
        "/sparql",
        {"query": f"LOAD <{LISTENER}/data.ttl>"},
        says=r"LOAD|update|line",
    ),
    Case(
        "load-on-update-endpoint",
        "POST",
        "/sparql/update",
        headers={"Content-Type": "application/sparql-update"},
        body=f"LOAD <{LISTENER}/data.ttl> INTO GRAPH <https://x.example/g>".encode(),
        token=BOB,
        says="LOAD",
    ),
    Case(
        "load-silent-on-update-endpoint",
        "POST",
        "/sparql/update",
        headers=FORM,
        body=f"update=LOAD+SILENT+%3C{LISTENER}/x%3E".encode(),
        token=BOB,
        says="LOAD",
    ),
    Case(
        "from-loopback",
        "GET",
        "/sparql",
        {"query": f"SELECT * FROM <{LISTENER}/g.ttl> WHERE {{ ?s ?p ?o }}"},
        SPARQL_JSON,
        status=(200,),
    ),
    Case(
        "from-named-loopback",
        "GET",
        "/sparql",
        {"query": f"SELECT * FROM NAMED <{LISTENER}/g> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}"},
        SPARQL_JSON,
        status=(200,),
    ),
    Case(
        "default-graph-uri-loopback",
        "GET",
        "/sparql",
        {"query": "SELECT * WHERE { ?s ?p ?o }", "default-graph-uri": f"{LISTENER}/g"},
        SPARQL_JSON,
        status=(200,),
    ),
    Case(
        "update-without-token",
        "POST",
        "/sparql/update",
        headers=FORM,
        body=b"update=DROP+ALL",
        status=(401,),
        says="bearer token",
    ),
    Case(
        "update-as-contributor",
        "POST",
        "/sparql/update",
        headers=FORM,
        body=b"update=DROP+ALL",
        token=ALICE,
        status=(403,),
        says="curator",
    ),
    Case(
        "update-syntax-error",
        "POST",
        "/sparql/update",
        headers=FORM,
        body=b"update=INSERT+DATA+%7B+%3Chttps://x.example/a%3E+%7D",
        token=BOB,
        says=POSITION,
    ),
    Case(
        "not-acceptable",
        "GET",
        "/sparql",
        {"query": "ASK {}"},
        {"Accept": "image/png"},
        status=(406,),
        says="available",
    ),
    Case(
        "cartesian-product",
        "GET",
        "/sparql",
        {"query": "SELECT ?a ?d ?g WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"},
        SPARQL_JSON,
        status=(200, 503),
        bounded_s=TIMEOUT_S + 5,
    ),
    Case(
        "cartesian-count",
        "GET",
        "/sparql",
        {"query": "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"},
        SPARQL_JSON,
        status=(503,),
        says="time limit",
        bounded_s=TIMEOUT_S + 5,
    ),
    Case(
        "unbounded-property-path",
        "GET",
        "/sparql",
        {"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s (<urn:x:p>|!<urn:x:p>)* ?o }"},
        SPARQL_JSON,
        status=(200, 503),
        bounded_s=TIMEOUT_S + 5,
    ),
    Case(
        "path-in-every-direction",
        "GET",
        "/sparql",
        {"query": "SELECT * WHERE { ?s (^!<urn:x:p>|!<urn:x:p>)+ ?o } ORDER BY ?o"},
        SPARQL_JSON,
        status=(200, 503),
        bounded_s=TIMEOUT_S + 5,
    ),
]


# -- validation and contributions -------------------------------------------------------------
def _nested_jsonld(depth: int) -> bytes:
    inner = '{"http://purl.org/dc/terms/source": "x"}'
    for _ in range(depth):
        inner = '{"http://purl.org/dc/terms/hasPart": ' + inner + "}"
    return inner.encode()


def _nested_jsonld_arrays(depth: int) -> bytes:
    inner = '{"@id": "https://x.example/a", "http://purl.org/dc/terms/source": ' + "[" * depth
    return (inner + '"x"' + "]" * depth + "}").encode()


def _nested_turtle(depth: int) -> bytes:
    return (
        b"<https://w3id.org/uikg/id/city/x> <http://purl.org/dc/terms/hasPart> "
        + b"[ <http://purl.org/dc/terms/hasPart> " * depth
        + b'"x"'
        + b" ]" * depth
        + b" .\n"
    )


def _nested_list_turtle(depth: int) -> bytes:
    return (
        b"<https://w3id.org/uikg/id/city/x> <http://purl.org/dc/terms/hasPart> "
        + b"( " * depth
        + b")" * depth
        + b" .\n"
    )


def _nested_rdfxml(depth: int) -> bytes:
    open_ = b'<dct:hasPart><rdf:Description rdf:about="https://x.example/n">'
    close = b"</rdf:Description></dct:hasPart>"
    return (
        b'<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"'
        b' xmlns:dct="http://purl.org/dc/terms/">'
        b'<rdf:Description rdf:about="https://x.example/a">'
        + open_ * depth
        + close * depth
        + b"</rdf:Description></rdf:RDF>"
    )


def _record_cases(path: str, token: str | None) -> list[Case]:
    name = path.strip("/")

    def case(id: str, headers: dict[str, str], body: bytes, **kw: Any) -> Case:
        return Case(f"{name}-{id}", "POST", path, headers=headers, body=body, token=token, **kw)

    return [
        case("no-content-type", {}, records.city(), status=(415,), says="without Content-Type"),
        case(
            "wrong-content-type",
            {"Content-Type": "application/octet-stream"},
            records.city(),
            status=(415,),
            says="application/octet-stream",
        ),
        case("empty-body", TURTLE, b"", says="empty"),
        case("whitespace-body", TURTLE, b"  \n\t ", says="empty"),
        case("turtle-syntax", TURTLE, records.SYNTAX_ERROR, says=POSITION),
        case("ntriples-control-iri", NTRIPLES, records.IRI_WITH_CONTROL_NT, says=r"IRI|parse"),
        case("jsonld-iri-with-space", JSONLD, records.IRI_WITH_SPACE_JSONLD, says=r"IRI|space"),
        case("jsonld-not-json", JSONLD, b'{"@id": ', says=r"parse|JSON"),
        case(
            "jsonld-remote-context",
            JSONLD,
            records.remote_context(LISTENER),
            says="context",
        ),
        case(
            "jsonld-remote-context-in-list",
            JSONLD,
            records.remote_context_in_list(LISTENER),
            says="context",
        ),
        case("jsonld-deep-nesting", JSONLD, _nested_jsonld(3000), status=(400, 413)),
        # ~1,000 levels: deep enough to exhaust a recursive walk, small enough to be read
        case("jsonld-1000-objects", JSONLD, _nested_jsonld(1000), says="deeper than 64 levels"),
        case("jsonld-1000-arrays", JSONLD, _nested_jsonld_arrays(1000), says="deeper than 64"),
        case(
            "rdfxml-external-entity",
            RDFXML,
            records.external_entity(LISTENER),
            says=r"DTD|ENTITY|entit",
        ),
        case("rdfxml-entity-expansion", RDFXML, records.BILLION_LAUGHS, says=r"DTD|ENTITY|entit"),
        case("rdfxml-deep-nesting", RDFXML, _nested_rdfxml(3000), status=(400, 413)),
        case("turtle-deep-nesting", TURTLE, _nested_turtle(5000), status=(400, 413)),
        case("turtle-deep-lists", TURTLE, _nested_list_turtle(5000), status=(400, 413)),
        case(
            "invalid-utf8",
            TURTLE,
            b'<https://x.example/a> <https://x.example/b> "\xff" .',
            says=r"UTF-8|parse",
        ),
        case("utf16", TURTLE, records.city().decode().encode("utf-16"), says=r"UTF|parse"),
        case(
            "too-many-triples", NTRIPLES, records.many_triples(400), status=(413,), says="triples"
        ),
        case(
            "too-many-bytes",
            NTRIPLES,
            b"# padding\n" * 8_000,
            status=(413,),
            says=r"bytes|limit",
        ),
        case(
            "dataset-format",
            {"Content-Type": "application/trig"},
            b"<https://x.example/g> { <https://x.example/a> <https://x.example/b> 1 }",
            status=(415,),
            says="text/turtle",
        ),
    ]


CONTRIBUTION_CASES = [
    *_record_cases("/validate", None),
    *[
        c
        for c in _record_cases("/contributions", ALICE)
        if c.id.split("-", 1)[1]
        in {
            "no-content-type",
            "empty-body",
            "turtle-syntax",
            "jsonld-remote-context",
            "rdfxml-external-entity",
            "rdfxml-entity-expansion",
            "jsonld-deep-nesting",
            "too-many-triples",
        }
    ],
    Case(
        "contributions-no-token",
        "POST",
        "/contributions",
        headers=TURTLE,
        body=records.city(),
        status=(401,),
        says="bearer token",
    ),
    Case(
        "contributions-wrong-token",
        "POST",
        "/contributions",
        headers={**TURTLE, "Authorization": "Bearer nope"},
        body=records.city(),
        status=(401,),
        says="not valid",
    ),
    Case(
        "contributions-basic-auth",
        "POST",
        "/contributions",
        headers={**TURTLE, "Authorization": "Basic YWxpY2U6eA=="},
        body=records.city(),
        status=(401,),
        says="bearer",
    ),
    Case(
        "contributions-supersedes-injection",
        "POST",
        "/contributions",
        {"supersedes": "x> ?p ?o } #"},
        headers=TURTLE,
        body=records.city("hostile-one"),
        token=ALICE,
        status=(404,),
        says="no contribution",
    ),
    Case(
        "contribution-id-injection",
        "GET",
        "/contributions/x%3E%20%3Fp%20%3Fo%20%7D%20%7D%20%23",
        token=BOB,
        status=(404,),
        says="no contribution",
    ),
    Case(
        "contribution-path-traversal",
        "GET",
        "/contributions/..%2F..%2Fstore",
        token=BOB,
        status=(404,),
    ),
    Case(
        "accept-unknown",
        "POST",
        "/contributions/20260101T000000-000000000000/accept",
        token=BOB,
        status=(404,),
        says="no contribution",
    ),
    Case(
        "accept-as-contributor",
        "POST",
        "/contributions/20260101T000000-000000000000/accept",
        token=ALICE,
        status=(403,),
        says="curator",
    ),
    Case(
        "reject-without-reason",
        "POST",
        "/contributions/20260101T000000-000000000000/reject",
        headers={"Content-Type": "application/json"},
        body=b"{}",
        token=BOB,
        says="reason",
    ),
    Case(
        "reject-malformed-json",
        "POST",
        "/contributions/20260101T000000-000000000000/reject",
        headers={"Content-Type": "application/json"},
        body=b'{"reason": ',
        token=BOB,
        says=r"JSON|invalid",
    ),
    Case(
        "reject-deep-json",
        "POST",
        "/contributions/20260101T000000-000000000000/reject",
        headers={"Content-Type": "application/json"},
        body=b'{"reason": ' + b"[" * 100_000 + b"]" * 100_000 + b"}",
        token=BOB,
        status=(400, 413),
    ),
    Case(
        "list-status-injection",
        "GET",
        "/contributions",
        {"status": "pending' } #"},
        token=BOB,
        says="status",
    ),
    Case(
        "history-injection",
        "GET",
        "/history",
        {"resource": INJECTION},
        says="resource",
    ),
    Case(
        "history-control-character",
        "GET",
        "/history",
        {"resource": "https://w3id.org/uikg/id/city/gda\x01nsk"},
        says="resource",
    ),
    Case(
        "graph-store-put-external-entity",
        "PUT",
        "/store",
        {"graph": "https://x.example/hostile"},
        headers=RDFXML,
        body=records.external_entity(LISTENER),
        token=BOB,
        says=r"DTD|ENTITY|entit",
    ),
    Case(
        "graph-store-put-remote-context",
        "PUT",
        "/store",
        {"graph": "https://x.example/hostile"},
        headers=JSONLD,
        body=records.remote_context(LISTENER),
        token=BOB,
        status=(400, 415),
        says=r"context|cannot read",
    ),
    Case(
        "graph-store-graph-injection",
        "GET",
        "/store",
        {"graph": INJECTION},
        says="graph",
    ),
]


# -- REST filters and named queries: injection in every parameter -----------------------------
def _rest_cases() -> list[Case]:
    cases = []
    for collection in rest_domain.COLLECTIONS.values():
        for spec in collection.filters:
            value = INJECTION if spec.type == "iri" or spec.type.startswith("concept:") else "1) }"
            cases.append(
                Case(
                    f"rest-{collection.name}-{spec.name}",
                    "GET",
                    f"/api/v1/{collection.name}",
                    {spec.name: value},
                    says=re.escape(spec.name),
                    # a string filter binds the text as a literal: a correct, empty answer
                    status=(400,) if spec.type != "string" else (200, 400),
                )
            )
        cases.append(
            Case(
                f"rest-{collection.name}-sort",
                "GET",
                f"/api/v1/{collection.name}",
                {"sort": "label) } DROP ALL #"},
                says="sort",
            )
        )
    cases += [
        Case("rest-cursor", "GET", "/api/v1/cities", {"cursor": "eyJzIjoxfQ'}"}, says="cursor"),
        Case("rest-limit-negative", "GET", "/api/v1/cities", {"limit": "-1"}, says="limit"),
        Case("rest-limit-huge", "GET", "/api/v1/cities", {"limit": "10" * 30}, says="limit"),
        Case("rest-unknown-filter", "GET", "/api/v1/cities", {"bogus": "1"}, status=(200, 400)),
        Case(
            "rest-slug-injection", "GET", "/api/v1/cities/x%3E%20%7D", says="not a valid identifier"
        ),
        # regression (found by schemathesis): ']' and control characters gave a 500
        Case("rest-slug-bracket", "GET", "/api/v1/cities/a%5Db", says="not a valid identifier"),
        Case("rest-slug-control", "GET", "/api/v1/works/a%16b", says="not a valid identifier"),
    ]
    return cases


def _named_query_cases() -> list[Case]:
    cases = []
    for query in load_catalogue(DataPaths.locate().queries).values():
        required = {p.name: p.example for p in query.params if p.required}
        for param in query.params:
            typed = param.type != "string"
            cases.append(
                Case(
                    f"query-{query.name}-{param.name}",
                    "GET",
                    f"/api/v1/queries/{query.name}",
                    {**required, param.name: INJECTION},
                    status=(400,) if typed else (200,),
                    says=re.escape(param.name) if typed else None,
                )
            )
    return cases


# -- dereferencing ----------------------------------------------------------------------------
DEREFERENCE_CASES = [
    Case("id-dot-dot", "GET", "/id/../../etc/passwd", status=(404,)),
    Case("id-encoded-dot-dot", "GET", "/id/%2e%2e/%2e%2e/etc/passwd", status=(404,)),
    Case("doc-encoded-slashes", "GET", "/doc/..%2F..%2Fetc%2Fpasswd.ttl", status=(404,)),
    Case(
        "doc-iri-injection",
        "GET",
        "/doc/city/x%3E%20%3Fp%20%3Fo%20%7D%20%23.ttl",
        says="not a valid absolute IRI",
    ),
    Case(
        "id-iri-injection",
        "GET",
        "/id/city/x%3E%20%3Fp%20%3Fo%20%7D%20%23",
        says="not a valid absolute IRI",
    ),
    Case("id-control-character", "GET", "/id/city/gda%01nsk", says="not a valid absolute IRI"),
    Case("id-nul", "GET", "/id/city/%00", says="not a valid absolute IRI"),
    Case("id-invalid-utf8", "GET", "/id/city/%FF%FE", says="not a valid absolute IRI"),
    Case("graph-iri-injection", "GET", "/graph/x%3E%20%7D", says="not a valid absolute IRI"),
    Case(
        "id-service-injection",
        "GET",
        "/id/x%3E%20%3Fp%20%3Fo%20%7D%20SERVICE%20%3CLISTENER/%3E%20%7B%20%3Fa%20%3Fb%20%3Fc%20%7D%20%7D%20%23",
        says="not a valid absolute IRI",
    ),
    Case(
        "doc-service-injection",
        "GET",
        "/doc/x%3E%20%3Fp%20%3Fo%20%7D%20SERVICE%20%3CLISTENER/%3E%20%7B%20%3Fa%20%3Fb%20%3Fc%20%7D%20%7D%20%23.ttl",
        says="not a valid absolute IRI",
    ),
    Case(
        "doc-expensive-injection",
        "GET",
        "/doc/id/city/gdansk%3E%20%3Fp%20%3Fo%20.%20%3Fa%20%3Fb%20%3Fc%20.%20%3Fd%20%3Fe%20%3Ff%20.%20%3Fh%20%3Fi%20%3Fj%20%7D%20%7D%20ORDER%20BY%20%3Fj%20%23.ttl",
        says="not a valid absolute IRI",
        bounded_s=TIMEOUT_S + 5,
    ),
    Case("doc-page-zero", "GET", "/doc/id/city/gdansk", {"page": "0"}, says="page"),
    Case("doc-page-huge", "GET", "/doc/id/city/gdansk", {"page": "9" * 40}, says="page"),
    Case("doc-long-path", "GET", "/doc/id/city/" + "a" * 5000 + ".ttl", status=(400, 404, 414)),
    Case("static-traversal", "GET", "/static/..%2F..%2Fgraph%2Fsettings.py", status=(404,)),
    Case("static-dot-dot", "GET", "/static/../app.py", status=(404,)),
    Case("dumps-traversal", "GET", "/dumps/..%2Fstore%2FCURRENT", status=(400, 404)),
    Case("dumps-dot-dot", "GET", "/dumps/../store/CURRENT", status=(404,)),
    Case("ontology-traversal", "GET", "/ontology/..%2F..%2Fetc%2Fpasswd", status=(400, 404)),
    Case("store-path-traversal", "GET", "/store/..%2F..%2Fetc%2Fpasswd", status=(404,)),
    Case(
        "search-control-characters", "GET", "/search", {"q": "\x00\x01\x7f" * 50}, status=(200, 400)
    ),
    Case("search-huge", "GET", "/search", {"q": "a" * 20_000}, status=(200, 400, 414)),
]

CASES = [
    *QUERY_CASES,
    *CONTRIBUTION_CASES,
    *_rest_cases(),
    *_named_query_cases(),
    *DEREFERENCE_CASES,
]


# -- the harness ------------------------------------------------------------------------------
FINGERPRINT = """
SELECT (COUNT(*) AS ?n) (SHA256(GROUP_CONCAT(?line; separator="\\n")) AS ?h) WHERE {
  { SELECT ?line WHERE { GRAPH ?g { ?s ?p ?o }
      BIND(CONCAT(STR(?g), " ", IF(isBLANK(?s), "_", STR(?s)), " ", STR(?p), " ",
                  IF(isBLANK(?o), "_", STR(?o)), " ", COALESCE(STR(DATATYPE(?o)), ""),
                  COALESCE(LANG(?o), "")) AS ?line) }
    ORDER BY ?line }
}"""


@dataclass
class World:
    server: Server
    listener: Listener
    client: httpx.Client


@pytest.fixture(scope="module")
def world(built_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    server = serve_built(
        built_dir,
        tmp_path_factory,
        "hostile",
        admin_token=ADMIN_TOKEN,
        tokens=TOKENS,
        query_timeout_s=str(TIMEOUT_S),
        max_body_bytes=str(MAX_BODY),
        record_max_triples="200",
        record_max_bytes="65536",
        query_workers="2",
        query_workers_max="3",
    )
    with Listener() as listener, httpx.Client(base_url=server.url, timeout=60) as client:
        # one pending contribution, so the queue is not trivially empty
        created = client.post(
            "/contributions",
            content=records.city("hostile-pending", "Hostile"),
            headers={**TURTLE, "Authorization": f"Bearer {ALICE}"},
        )
        assert created.status_code == 201, created.text
        yield World(server, listener, client)
    server.stop()


def fingerprint(world: World) -> tuple[str, str, str]:
    reply = world.client.get("/sparql", params={"query": FINGERPRINT}, headers=SPARQL_JSON)
    assert reply.status_code == 200, reply.text
    row = reply.json()["results"]["bindings"][0]
    queue = world.client.get("/contributions", headers={"Authorization": f"Bearer {BOB}"})
    assert queue.status_code == 200, queue.text
    listed = sorted(
        f"{c['id']}:{c['status']}:{len(c['history'])}" for c in queue.json()["contributions"]
    )
    return row["n"]["value"], row["h"]["value"], "|".join(listed)


@pytest.fixture(scope="module")
def baseline(world: World) -> tuple[str, str, str]:
    return fingerprint(world)


def _fill(value: Any, url: str) -> Any:
    if isinstance(value, str):
        return value.replace(LISTENER, url)
    if isinstance(value, bytes):
        return value.replace(LISTENER.encode(), url.encode())
    if isinstance(value, dict):
        return {k: _fill(v, url) for k, v in value.items()}
    if isinstance(value, list):
        return [(k, _fill(v, url)) for k, v in value]
    return value


def send(world: World, case: Case) -> tuple[httpx.Response, float]:
    url = world.listener.url
    headers = dict(case.headers)
    if case.token:
        headers["Authorization"] = f"Bearer {case.token}"
    started = time.monotonic()
    response = world.client.request(
        case.method,
        _fill(case.path, url),
        params=_fill(case.params, url),
        headers=headers,
        content=_fill(case.body, url),
    )
    return response, time.monotonic() - started


def detail_of(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return response.text
    if isinstance(body, dict):
        return str(body.get("detail", body))
    return str(body)


def test_cases_are_many() -> None:
    assert len(CASES) >= 60
    assert len({c.id for c in CASES}) == len(CASES)


@pytest.mark.parametrize("case", [c.param() for c in CASES])
def test_hostile(world: World, baseline: tuple[str, str, str], case: Case) -> None:
    before = world.listener.connections
    response, elapsed = send(world, case)
    detail = detail_of(response)
    assert response.status_code in case.status, f"{response.status_code}: {detail[:500]}"
    if response.status_code >= 400 and case.says:
        assert re.search(case.says, detail, re.IGNORECASE), detail[:500]
    if case.bounded_s is not None:
        assert elapsed < case.bounded_s, f"answered after {elapsed:.1f}s"
    assert world.server.alive(), world.server.log.read_text()[-3000:]
    health = world.client.get("/health")
    assert health.status_code == 200, health.text
    assert world.listener.connections == before, "the server fetched from the loopback listener"
    assert fingerprint(world) == baseline, "the store or the contribution queue changed"


def test_describe_refuses_a_path_that_would_rewrite_the_query(built_store: Any) -> None:
    """Regression: ``/doc/…`` pasted the path into query text, so ``>`` injected SPARQL that
    ran in the request thread with no time limit (a cartesian product hung the thread)."""
    from uikg.graph.describe import describe
    from uikg.graph.errors import BadRequest

    with pytest.raises(BadRequest, match="not a valid absolute IRI"):
        describe(built_store, f"{BASE}id/city/gdansk> ?p ?o . ?a ?b ?c }} }} #")
