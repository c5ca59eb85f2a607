"""Reading the W3C SPARQL 1.1 protocol test manifests, and sending their requests verbatim.

The manifests describe each request and the expected response in RDF (the HTTP-in-RDF and
Content-in-RDF vocabularies), not as code: ``read_manifest`` turns each test into plain data
that a pytest module parametrizes over, and ``send`` puts one request on the wire exactly as
written (method, path with its own percent-encoding, headers, body bytes), which an HTTP
client library would normalise.
"""

from __future__ import annotations

import http.client
import io
import json
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from rdflib import RDF, RDFS, Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.compare import isomorphic
from rdflib.query import Result

MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
HT = Namespace("http://www.w3.org/2011/http#")
HTS = Namespace("http://www.w3.org/2011/http-statusCodes#")
CNT = Namespace("http://www.w3.org/2011/content#")
UT = Namespace("http://www.w3.org/2009/sparql/tests/test-update#")

# hts: names used by the manifests (RFC 9110 reason phrases without spaces).
_STATUS_NAMES = {
    "OK": "200",
    "Created": "201",
    "Accepted": "202",
    "NoContent": "204",
    "MovedPermanently": "301",
    "Found": "302",
    "SeeOther": "303",
    "NotModified": "304",
    "BadRequest": "400",
    "Unauthorized": "401",
    "Forbidden": "403",
    "NotFound": "404",
    "MethodNotAllowed": "405",
    "NotAcceptable": "406",
    "Conflict": "409",
    "UnsupportedMediaType": "415",
}

SOLUTION_FORMATS = {
    "application/sparql-results+json": "json",
    "application/sparql-results+xml": "xml",
    "text/csv": "csv",
    "text/tab-separated-values": "tsv",
}
RDF_FORMATS = {
    "text/turtle": "turtle",
    "application/n-triples": "nt",
    "application/rdf+xml": "xml",
    "application/ld+json": "json-ld",
    "text/plain": "nt",
}


@dataclass(frozen=True)
class Expected:
    """What a response must show; every field is optional, as in the manifests."""

    statuses: tuple[str, ...] = ()  # exact codes ("201") or classes ("2xx")
    format: str | None = None  # "boolean", "tabular" or "RDF"
    boolean: bool | None = None
    headers: tuple[tuple[str, str], ...] = ()
    body: str | None = None  # expected RDF content (GSP)
    location_variable: str | None = None  # e.g. "$LOCATION$"

    def status_ok(self, status: int) -> bool:
        code = str(status)
        return not self.statuses or any(
            code == s or (s.endswith("xx") and code[0] == s[0]) for s in self.statuses
        )

    @property
    def negative(self) -> bool:
        return bool(self.statuses) and all(s.startswith("4") for s in self.statuses)


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    headers: tuple[tuple[str, str], ...]
    body: bytes | None
    expected: Expected

    def header(self, name: str) -> str | None:
        return next((v for k, v in self.headers if k.lower() == name.lower()), None)


@dataclass(frozen=True)
class W3CTest:
    iri: str
    name: str
    requests: tuple[Request, ...]
    graph_data: tuple[tuple[str, Path], ...] = ()  # (graph IRI, data file)
    requires: tuple[str, ...] = ()
    listed: bool = True  # False: typed as a test in the file but missing from mf:entries
    notes: dict[str, str] = field(default_factory=dict)

    @property
    def local_name(self) -> str:
        return self.iri.rsplit("#", 1)[-1]


def _status(node: URIRef) -> str:
    local = str(node).rsplit("#", 1)[-1]
    if local.startswith("StatusCode"):
        return local[len("StatusCode") :].lower()  # "2xx"
    if local not in _STATUS_NAMES:
        raise ValueError(f"unknown status {node} in the manifest; add it to _STATUS_NAMES")
    return _STATUS_NAMES[local]


def _headers(graph: Graph, node: object) -> tuple[tuple[str, str], ...]:
    lists = list(graph.objects(node, HT.headers))
    out = []
    for head in lists:
        for item in Collection(graph, head):
            out.append(
                (str(graph.value(item, HT.fieldName)), str(graph.value(item, HT.fieldValue)))
            )
    return tuple(out)


def _body(graph: Graph, node: object) -> tuple[str, str] | None:
    body = graph.value(node, HT.body)
    if body is None:
        return None
    encoding = str(graph.value(body, CNT.characterEncoding) or "UTF-8")
    return str(graph.value(body, CNT.chars)), encoding


def _expected(graph: Graph, response: object) -> Expected:
    boolean = graph.value(response, MF.expectedBoolean)
    fmt = graph.value(response, MF.expectedFormat)
    body = _body(graph, response)
    location = graph.value(response, MF.expectedLocation)
    return Expected(
        statuses=tuple(sorted(_status(s) for s in graph.objects(response, MF.expectedStatus))),
        format=str(fmt) if fmt is not None else None,
        boolean=bool(boolean.toPython()) if isinstance(boolean, Literal) else None,
        headers=_headers(graph, response),
        body=body[0] if body else None,
        location_variable=str(location) if location is not None else None,
    )


def _request(graph: Graph, node: object) -> Request:
    body = _body(graph, node)
    response = graph.value(node, HT.resp)
    return Request(
        method=str(graph.value(node, HT.methodName)),
        path=str(graph.value(node, HT.absolutePath)),
        headers=_headers(graph, node),
        body=body[0].encode(body[1].lower()) if body else None,
        expected=_expected(graph, response) if response is not None else Expected(),
    )


def _test(graph: Graph, node: URIRef, base: Path, listed: bool) -> W3CTest:
    action = graph.value(node, MF.action)
    requests: list[Request] = []
    if action is not None:
        for head in graph.objects(action, HT.requests):
            requests += [_request(graph, item) for item in Collection(graph, head)]
    data = []
    for item in graph.objects(node, UT.graphData):
        source = graph.value(item, UT.graph)
        label = graph.value(item, RDFS.label)
        data.append((str(label), base / str(source).rsplit("/", 1)[-1]))
    return W3CTest(
        iri=str(node),
        name=str(graph.value(node, MF.name)),
        requests=tuple(requests),
        graph_data=tuple(sorted(data)),
        requires=tuple(sorted(str(r).rsplit("#", 1)[-1] for r in graph.objects(node, MF.requires))),
        listed=listed,
    )


def read_manifest(path: Path, *, include_unlisted: bool = False) -> list[W3CTest]:
    """The tests of a manifest, in its ``mf:entries`` order, following ``mf:include``.

    With ``include_unlisted``, tests typed in the file but missing from ``mf:entries`` come
    last, marked ``listed=False`` (the GSP direct manifest defines ``head_non_existing_direct``
    without listing it).
    """
    graph = Graph()
    graph.parse(path, format="turtle", publicID=path.resolve().as_uri())
    tests: list[W3CTest] = []
    for manifest in graph.subjects(RDF.type, MF.Manifest):
        for head in graph.objects(manifest, MF.include):
            for included in Collection(graph, head):
                tests += read_manifest(
                    path.parent / str(included).rsplit("/", 1)[-1],
                    include_unlisted=include_unlisted,
                )
        listed: list[URIRef] = []
        for head in graph.objects(manifest, MF.entries):
            listed += [entry for entry in Collection(graph, head) if isinstance(entry, URIRef)]
        tests += [_test(graph, entry, path.parent, True) for entry in listed]
        if include_unlisted:
            typed = {s for s in graph.subjects(MF.name, None) if isinstance(s, URIRef)}
            tests += [_test(graph, s, path.parent, False) for s in sorted(typed - set(listed))]
    return tests


def case_ids(tests: list[W3CTest]) -> list[str]:
    """``mf:name`` as the pytest id; a name two tests share gets the test's local name added."""
    names = [t.name for t in tests]
    return [t.name if names.count(t.name) == 1 else f"{t.name} [{t.local_name}]" for t in tests]


def cases(tests: list[W3CTest]) -> list[object]:
    """``pytest.param`` per test; with no manifest, one placeholder whose fixtures skip it."""
    import pytest

    if not tests:
        return [pytest.param(None, id="manifest-not-found")]
    return [pytest.param(t, id=i) for t, i in zip(tests, case_ids(tests), strict=True)]


# -- the wire ---------------------------------------------------------------------------------
@dataclass
class Reply:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    @property
    def media_type(self) -> str:
        return (self.headers.get("content-type") or "").split(";")[0].strip().lower()

    def describe(self) -> str:
        text = self.body[:600].decode("utf-8", "replace")
        return f"{self.status} {self.headers.get('content-type')!r}: {text}"


def send(
    base_url: str,
    method: str,
    path: str,
    headers: dict[str, str] | tuple[tuple[str, str], ...] = (),
    body: bytes | None = None,
    timeout: float = 30,
) -> Reply:
    """One request with ``path`` sent byte for byte; only Host and Content-Length are added."""
    parts = urlsplit(base_url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    try:
        items = headers.items() if isinstance(headers, dict) else headers
        connection.request(method, path, body=body, headers=dict(items))
        response = connection.getresponse()
        return Reply(response.status, response.headers, response.read())
    finally:
        connection.close()


# -- checking what came back -------------------------------------------------------------------
def parse_solutions(reply: Reply) -> Result:
    """The body as SPARQL results, in whichever of the four standard formats it claims."""
    if reply.media_type not in SOLUTION_FORMATS:
        raise AssertionError(f"not a SPARQL results type: {reply.describe()}")
    fmt = SOLUTION_FORMATS[reply.media_type]
    if fmt == "json":
        json.loads(reply.body)  # a clearer error than rdflib's for broken JSON
    return Result.parse(io.BytesIO(reply.body), format=fmt)


def parse_rdf(data: bytes | str, media_type: str, base: str) -> Graph:
    if media_type not in RDF_FORMATS:
        raise AssertionError(f"not an RDF graph type: {media_type!r}")
    graph = Graph()
    graph.parse(data=data, format=RDF_FORMATS[media_type], publicID=base)
    return graph


def same_graph(actual: Graph, expected: Graph) -> bool:
    return isomorphic(actual, expected)
