"""Reading the change feed (LDES) over HTTP as a client does: the stream, then its pages
along their tree:relations."""

from __future__ import annotations

import httpx
from pyoxigraph import NamedNode, Quad, RdfFormat, Triple, parse

from tests.support.servers import Server

LDES = "https://w3id.org/ldes#"
TREE = "https://w3id.org/tree#"
DCT = "http://purl.org/dc/terms/"
PROV = "http://www.w3.org/ns/prov#"
RDF_TYPE = NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
BASE = "https://w3id.org/uikg/"


def quads_of(url: str, accept: str = "application/trig") -> tuple[httpx.Response, list[Quad]]:
    response = httpx.get(url, headers={"Accept": accept}, timeout=60)
    assert response.status_code == 200, (url, response.text[:300])
    format = RdfFormat.from_media_type(response.headers["content-type"].split(";")[0])
    return response, list(parse(response.content, format))


def one(quads: list[Quad], subject: object, predicate: str) -> object | None:
    found = [
        q.object for q in quads if q.subject == subject and q.predicate == NamedNode(predicate)
    ]
    return found[0] if found else None


def walk(server: Server) -> list[tuple[str, httpx.Response, list[Quad]]]:
    """Every page, from the stream's view along the tree:relations, as a client does."""
    _, stream = quads_of(server.url + "/feed")
    feed = NamedNode(BASE + "feed")
    assert Triple(feed, RDF_TYPE, NamedNode(LDES + "EventStream")) in {q.triple for q in stream}
    assert one(stream, feed, LDES + "timestampPath") == NamedNode(PROV + "generatedAtTime")
    assert one(stream, feed, LDES + "versionOfPath") == NamedNode(DCT + "isVersionOf")
    url = one(stream, feed, TREE + "view")
    pages = []
    while url is not None:
        response, quads = quads_of(url.value)
        pages.append((url.value, response, quads))
        relation = one(quads, url, TREE + "relation")
        url = one(quads, relation, TREE + "node") if relation is not None else None
    return pages


def members(quads: list[Quad]) -> list[NamedNode]:
    feed = NamedNode(BASE + "feed")
    return [
        q.object for q in quads if q.subject == feed and q.predicate == NamedNode(TREE + "member")
    ]
