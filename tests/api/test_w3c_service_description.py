"""The W3C SPARQL 1.1 Service Description tests, over real HTTP.

The manifest names three tests and gives no requests; what each checks is the one sentence in
its ``mf:name`` (and §3 of the Service Description recommendation): a GET on the endpoint
returns RDF, that RDF has an ``sd:endpoint`` triple whose object is the URL that was
dereferenced, and it conforms to the SD vocabulary (terms exist, domains and ranges hold).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from rdflib import RDF, RDFS, BNode, Graph, Literal, Namespace, URIRef

from tests.conftest import ADMIN_TOKEN, SHARED
from tests.support.servers import Server
from tests.support.w3c import W3CTest, cases, parse_rdf, read_manifest, send

MANIFEST = SHARED / "conformance" / "w3c-sparql11" / "service-description" / "manifest.ttl"
TESTS = read_manifest(MANIFEST) if MANIFEST.is_file() else []
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
FORMATS = Namespace("http://www.w3.org/ns/formats/")
ENDPOINTS = ["/sparql", "/sparql/update"]

# The SD vocabulary (https://www.w3.org/ns/sparql-service-description), reduced to what a
# conformance check needs: classes, the individuals the recommendation defines, and each
# property's domain and range.
VOCABULARY = """
@prefix sd: <http://www.w3.org/ns/sparql-service-description#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix formats: <http://www.w3.org/ns/formats/> .

sd:Service a rdfs:Class .  sd:Language a rdfs:Class .  sd:Function a rdfs:Class .
sd:Aggregate a rdfs:Class .  sd:EntailmentRegime a rdfs:Class .
sd:EntailmentProfile a rdfs:Class .  sd:GraphCollection a rdfs:Class .
sd:Dataset rdfs:subClassOf sd:GraphCollection .  sd:Graph a rdfs:Class .
sd:NamedGraph a rdfs:Class .  sd:Feature a rdfs:Class .

sd:SPARQL10Query a sd:Language .  sd:SPARQL11Query a sd:Language .
sd:SPARQL11Update a sd:Language .
sd:DereferencesURIs a sd:Feature .  sd:UnionDefaultGraph a sd:Feature .
sd:RequiresDataset a sd:Feature .  sd:EmptyGraphs a sd:Feature .
sd:BasicFederatedQuery a sd:Feature .

sd:endpoint rdfs:domain sd:Service .
sd:feature rdfs:domain sd:Service ; rdfs:range sd:Feature .
sd:defaultEntailmentRegime rdfs:domain sd:Service ; rdfs:range sd:EntailmentRegime .
sd:entailmentRegime rdfs:domain sd:NamedGraph ; rdfs:range sd:EntailmentRegime .
sd:defaultSupportedEntailmentProfile rdfs:domain sd:Service ; rdfs:range sd:EntailmentProfile .
sd:supportedEntailmentProfile rdfs:domain sd:NamedGraph ; rdfs:range sd:EntailmentProfile .
sd:extensionFunction rdfs:domain sd:Service ; rdfs:range sd:Function .
sd:extensionAggregate rdfs:domain sd:Service ; rdfs:range sd:Aggregate .
sd:languageExtension rdfs:domain sd:Service ; rdfs:range sd:Feature .
sd:supportedLanguage rdfs:domain sd:Service ; rdfs:range sd:Language .
sd:propertyFeature rdfs:domain sd:Service ; rdfs:range sd:Feature .
sd:defaultDataset rdfs:domain sd:Service ; rdfs:range sd:Dataset .
sd:availableGraphs rdfs:domain sd:Service ; rdfs:range sd:GraphCollection .
sd:resultFormat rdfs:domain sd:Service ; rdfs:range formats:Format .
sd:inputFormat rdfs:domain sd:Service ; rdfs:range formats:Format .
sd:defaultGraph rdfs:domain sd:Dataset ; rdfs:range sd:Graph .
sd:namedGraph rdfs:domain sd:GraphCollection ; rdfs:range sd:NamedGraph .
sd:name rdfs:domain sd:NamedGraph .
sd:graph rdfs:domain sd:NamedGraph ; rdfs:range sd:Graph .

formats:Format a rdfs:Class .
formats:SPARQL_Results_JSON a formats:Format .  formats:SPARQL_Results_XML a formats:Format .
formats:SPARQL_Results_CSV a formats:Format .  formats:SPARQL_Results_TSV a formats:Format .
formats:Turtle a formats:Format .  formats:N-Triples a formats:Format .
formats:JSON-LD a formats:Format .  formats:RDF_XML a formats:Format .
formats:N-Quads a formats:Format .  formats:TriG a formats:Format .  formats:N3 a formats:Format .
"""


@pytest.fixture(scope="module")
def server(shared_dir: Path, live_server: Server) -> Iterator[Server]:
    """The shared server, with two named graphs so that the dataset description has some."""
    auth = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
    update = {**auth, "Content-Type": "application/sparql-update"}
    send(live_server.url, "POST", "/sparql/update", update, b"DROP ALL")
    data = (
        b"INSERT DATA { GRAPH <http://example.org/g1> { <http://example.org/s> a <http://x/C> } "
        b"GRAPH <http://example.org/g2> { <http://example.org/s> a <http://x/D> } }"
    )
    assert send(live_server.url, "POST", "/sparql/update", update, data).status == 204
    yield live_server
    send(live_server.url, "POST", "/sparql/update", update, b"DROP ALL")


def description(server: Server, path: str, accept: str | None = None) -> Graph:
    reply = send(server.url, "GET", path, {"Accept": accept} if accept else {})
    assert reply.status == 200, reply.describe()
    return parse_rdf(reply.body, reply.media_type, base=server.url + path)


def schema_problems(graph: Graph) -> list[str]:
    """Where the description breaks the SD vocabulary; empty when it conforms."""
    vocabulary = Graph().parse(data=VOCABULARY, format="turtle")
    known = set(vocabulary.subjects())
    problems = []
    for s, p, o in graph:
        for term in (p, o) if p != RDF.type else (o,):
            if isinstance(term, URIRef) and term.startswith(SD) and term not in known:
                problems.append(f"{term} is not a term of the SD vocabulary")
        if not p.startswith(SD):
            continue
        if p not in known:
            continue
        if isinstance(s, Literal):
            problems.append(f"literal subject of {p}")
        if p in (SD.endpoint, SD.name):
            if not isinstance(o, URIRef):
                problems.append(f"{p} must be an IRI, not {o!r}")
            continue
        range_ = vocabulary.value(p, RDFS.range)
        if range_ is not None and isinstance(o, Literal):
            problems.append(f"{p} must point to a {range_}, not the literal {o!r}")
        if range_ is not None and isinstance(o, URIRef | BNode):
            asserted = set(graph.objects(o, RDF.type)) | set(vocabulary.objects(o, RDF.type))
            closed = set(asserted)
            for cls in asserted:
                closed |= set(vocabulary.transitive_objects(cls, RDFS.subClassOf))
            if asserted and range_ not in closed:
                problems.append(f"{o} is typed {sorted(asserted)}, but {p} needs a {range_}")
        domain = vocabulary.value(p, RDFS.domain)
        asserted = set(graph.objects(s, RDF.type))
        closed = set(asserted)
        for cls in asserted:
            closed |= set(vocabulary.transitive_objects(cls, RDFS.subClassOf))
        if domain is not None and asserted and domain not in closed:
            problems.append(f"{s} is typed {sorted(asserted)}, but {p} needs a {domain}")
    for service in graph.subjects(RDF.type, SD.Service):
        for required in (SD.endpoint, SD.supportedLanguage):
            if graph.value(service, required) is None:
                problems.append(f"the service {service} has no {required}")
    if not any(graph.subjects(RDF.type, SD.Service)):
        problems.append("there is no sd:Service")
    return problems


def returns_rdf(server: Server, path: str) -> None:
    for accept in (
        None,
        "text/turtle",
        "application/rdf+xml",
        "application/n-triples",
        "application/ld+json",
    ):
        reply = send(server.url, "GET", path, {"Accept": accept} if accept else {})
        assert reply.status == 200, reply.describe()
        if accept:
            assert reply.media_type == accept, reply.describe()
        assert len(parse_rdf(reply.body, reply.media_type, base=server.url + path)) > 0


def has_endpoint_triple(server: Server, path: str) -> None:
    graph = description(server, path)
    endpoint = URIRef(server.url + path)
    services = set(graph.subjects(SD.endpoint, endpoint))
    assert services, f"no sd:endpoint <{endpoint}> in:\n{graph.serialize(format='turtle')}"
    assert all((s, RDF.type, SD.Service) in graph for s in services)


def conforms_to_schema(server: Server, path: str) -> None:
    graph = description(server, path)
    assert schema_problems(graph) == [], graph.serialize(format="turtle")


CHECKS: dict[str, Callable[[Server, str], None]] = {
    "returns-rdf": returns_rdf,
    "has-endpoint-triple": has_endpoint_triple,
    "conforms-to-schema": conforms_to_schema,
}


@pytest.mark.parametrize("test", cases(TESTS))
def test_service_description(test: W3CTest, server: Server) -> None:
    assert test.local_name in CHECKS, f"no check written for {test.iri}"
    CHECKS[test.local_name](server, "/sparql")


def test_manifest_is_complete(shared_dir: Path) -> None:
    assert sorted(t.local_name for t in TESTS) == sorted(CHECKS)


def test_description_tells_the_truth(server: Server) -> None:
    """Beyond the schema: the two services, their languages and the named graphs listed."""
    graph = description(server, "/sparql")
    query = graph.value(None, SD.endpoint, URIRef(server.url + "/sparql"))
    update = graph.value(None, SD.endpoint, URIRef(server.url + "/sparql/update"))
    assert (query, SD.supportedLanguage, SD.SPARQL11Query) in graph
    assert (update, SD.supportedLanguage, SD.SPARQL11Update) in graph
    # Queries see the union of the graphs by default; updates write to the real default graph.
    assert (query, SD.feature, SD.UnionDefaultGraph) in graph
    assert (update, SD.feature, SD.UnionDefaultGraph) not in graph
    names = set(graph.objects(None, SD.name))
    assert names == {URIRef("http://example.org/g1"), URIRef("http://example.org/g2")}


def test_schema_check_catches_mistakes() -> None:
    """The conformance check itself finds a broken description."""
    bad = Graph().parse(
        data="""
        @prefix sd: <http://www.w3.org/ns/sparql-service-description#> .
        [] a sd:Service ; sd:endpoint "http://x/sparql" ; sd:feature sd:NoSuchFeature ;
           sd:supportedLanguage sd:SPARQL11Query ; sd:defaultGraph [ a sd:Graph ] .
        [] a sd:Service .
    """,
        format="turtle",
    )
    problems = "\n".join(schema_problems(bad))
    assert "endpoint must be an IRI" in problems
    assert "NoSuchFeature" in problems
    assert "defaultGraph" in problems
    assert "has no" in problems
