"""VoID/DCAT description, dumps, and the ontology and shapes at their namespace."""

from __future__ import annotations

import gzip
import hashlib

import httpx
import pytest
import rdflib
from pyoxigraph import CanonicalizationAlgorithm, Dataset, RdfFormat, parse

from tests.conftest import Site
from uikg.graph.store.embedded import EmbeddedStore

VOID = rdflib.Namespace("http://rdfs.org/ns/void#")
DCAT = rdflib.Namespace("http://www.w3.org/ns/dcat#")
SPDX = rdflib.Namespace("http://spdx.org/rdf/terms#")


@pytest.fixture(scope="module")
def web(site: Site) -> httpx.Client:
    return httpx.Client(base_url=site.server.url, timeout=60)


@pytest.fixture(scope="module")
def void(web: httpx.Client) -> rdflib.Graph:
    reply = web.get("/.well-known/void", headers={"Accept": "text/turtle"})
    assert reply.status_code == 200
    return rdflib.Graph().parse(data=reply.text, format="turtle")


def _count(store: EmbeddedStore, query: str) -> int:
    return int(next(iter(store.query(query)))["n"].value)


def test_void_counts_match_the_store(void: rdflib.Graph, site: Site) -> None:
    built_store = site.store
    DATASET = rdflib.URIRef(site.base + "dataset")
    assert int(void.value(DATASET, VOID.triples)) == built_store.count()
    partitions = {
        void.value(p, VOID["class"]): int(void.value(p, VOID.entities))
        for p in void.objects(DATASET, VOID.classPartition)
    }
    for cls in ("City", "PolicyDocument", "Claim", "Footnote"):
        iri = f"https://w3id.org/uikg/ontology#{cls}"
        assert partitions[rdflib.URIRef(iri)] == _count(
            built_store, f"SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ ?s a <{iri}> }}"
        )
    assert void.value(DATASET, VOID.sparqlEndpoint).endswith("/sparql")
    assert (DATASET, VOID.vocabulary, rdflib.URIRef("http://www.w3.org/2004/02/skos/core#")) in void


def test_one_linkset_per_external_target_with_its_count(void: rdflib.Graph, site: Site) -> None:
    built_store = site.store
    DATASET = rdflib.URIRef(site.base + "dataset")
    targets = {}
    for linkset in void.subjects(rdflib.RDF.type, VOID.Linkset):
        if (DATASET, VOID.subset, linkset) in void:
            targets[str(void.value(linkset, VOID.objectsTarget))] = int(
                void.value(linkset, VOID.triples)
            )
    assert set(targets) >= {"http://www.wikidata.org/entity/", "https://sws.geonames.org/"}
    wikidata = _count(
        built_store,
        "SELECT (COUNT(*) AS ?n) WHERE { ?s <http://www.w3.org/2002/07/owl#sameAs> ?o "
        "FILTER(STRSTARTS(STR(?o), 'http://www.wikidata.org/entity/')) }",
    )
    assert targets["http://www.wikidata.org/entity/"] == wikidata > 10


def test_dumps_load_back_isomorphically(web: httpx.Client, void: rdflib.Graph, site: Site) -> None:
    built_store = site.store
    DATASET = rdflib.URIRef(site.base + "dataset")
    dumps = {str(d): d for d in void.objects(DATASET, VOID.dataDump)}
    nquads = next(d for d in dumps if d.endswith(".nq.gz"))
    reply = web.get(nquads)
    assert reply.status_code == 200
    node = dumps[nquads]
    assert int(void.value(node, DCAT.byteSize)) == len(reply.content)
    checksum = void.value(node, SPDX.checksum)
    assert (
        str(void.value(checksum, SPDX.checksumValue)) == hashlib.sha256(reply.content).hexdigest()
    )
    loaded = Dataset(parse(gzip.decompress(reply.content), RdfFormat.N_QUADS))
    original = Dataset(built_store.quads())
    for dataset in (loaded, original):
        dataset.canonicalize(CanonicalizationAlgorithm.UNSTABLE)
    assert loaded == original
    turtle = next(d for d in dumps if d.endswith(".ttl.gz"))
    triples = list(parse(gzip.decompress(web.get(turtle).content), RdfFormat.TURTLE))
    assert len(triples) > 1000


def test_ontology_at_its_namespace(web: httpx.Client) -> None:
    page = web.get("/ontology", headers={"Accept": "text/html"})
    assert page.status_code == 200 and "Classes" in page.text and "policy document" in page.text
    owl = rdflib.Graph().parse(
        data=web.get("/ontology", headers={"Accept": "text/turtle"}).text, format="turtle"
    )
    ontology = rdflib.URIRef("https://w3id.org/uikg/ontology")
    assert (ontology, rdflib.RDF.type, rdflib.OWL.Ontology) in owl
    version = str(owl.value(ontology, rdflib.OWL.versionInfo))
    assert web.get(f"/ontology/{version}", headers={"Accept": "text/turtle"}).status_code == 200
    assert web.get("/ontology/0.0.0-missing").status_code == 404
    assert (
        web.get("/ontology", headers={"Accept": "application/rdf+xml"})
        .headers["content-type"]
        .startswith("application/rdf+xml")
    )


def test_shapes_at_their_namespace(web: httpx.Client) -> None:
    page = web.get("/shapes", headers={"Accept": "text/html"})
    assert page.status_code == 200 and "Violation" in page.text
    shapes = rdflib.Graph().parse(
        data=web.get("/shapes", headers={"Accept": "text/turtle"}).text, format="turtle"
    )
    assert (
        len(
            set(
                shapes.subjects(
                    rdflib.RDF.type, rdflib.URIRef("http://www.w3.org/ns/shacl#NodeShape")
                )
            )
        )
        >= 10
    )
