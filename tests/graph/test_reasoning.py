# ruff: noqa: E501  (long IRIs and inline RDF/SPARQL read best unbroken)
"""OWL consistency with HermiT, and the deterministic materialisation."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from rdflib import RDF, Dataset, Graph, Namespace

from uikg.graph.errors import OntologyInconsistent
from uikg.graph.reasoning import check_consistency, materialise

pytestmark = pytest.mark.reasoner

ROOT = Path(__file__).resolve().parents[2]
UIKG = Namespace("https://w3id.org/uikg/ontology#")
ID = Namespace("https://w3id.org/uikg/id/")
needs_java = pytest.mark.skipif(shutil.which("java") is None, reason="HermiT needs Java")


def tbox() -> Graph:
    g = Graph()
    for path in sorted((ROOT / "ontology").rglob("*.ttl")):
        g.parse(path)
    return g


def abox() -> Graph:
    g = Graph()
    for path in sorted((ROOT / "graph" / "data").rglob("*.ttl")):
        g.parse(path)
    for path in sorted((ROOT / "graph" / "data").rglob("*.trig")):
        ds = Dataset()
        ds.parse(path, format="trig")
        for s, p, o, _ in ds.quads():
            g.add((s, p, o))
    return g


@needs_java
@pytest.mark.slow
def test_real_ontology_and_data_are_consistent():
    check_consistency(tbox(), abox())


@needs_java
def test_inconsistent_toy_example_is_caught_and_explained():
    toy = Graph().parse(
        data="""
        @prefix uikg: <https://w3id.org/uikg/ontology#> .
        <https://w3id.org/uikg/id/city/x> a uikg:City, uikg:Municipality .
    """,
        format="turtle",
    )
    with pytest.raises(OntologyInconsistent, match="city/x"):
        check_consistency(tbox(), toy)


def test_materialise_adds_supertypes_inverses_and_defined_classes():
    data = Graph().parse(
        data="""
        @prefix uikg: <https://w3id.org/uikg/ontology#> .
        @prefix id: <https://w3id.org/uikg/id/> .
        <https://w3id.org/uikg/id/organisation/m> a uikg:Municipality ; uikg:governs <https://w3id.org/uikg/id/city/c> .
        <https://w3id.org/uikg/id/city/c> a uikg:City ; uikg:country <https://w3id.org/uikg/id/country/k> .
        <https://w3id.org/uikg/id/document/d> a uikg:PolicyDocument ; uikg:documentKind <https://w3id.org/uikg/id/concept/document-kind/declaration> .
        <https://w3id.org/uikg/id/claim/c01> a uikg:Claim ; uikg:contradicts <https://w3id.org/uikg/id/claim/c02> .
    """,
        format="turtle",
    )
    new = materialise(tbox(), data)
    assert (ID["organisation/m"], RDF.type, UIKG.Agent) in new
    assert (ID["organisation/m"], RDF.type, UIKG.GovernmentOrganisation) in new
    assert (ID["city/c"], UIKG.governedBy, ID["organisation/m"]) in new
    assert (ID["city/c"], UIKG.locatedIn, ID["country/k"]) in new
    assert (ID["document/d"], RDF.type, UIKG.Declaration) in new
    assert (ID["claim/c02"], UIKG.contradicts, ID["claim/c01"]) in new
    assert not any(t in data for t in new)  # only new triples
    assert set(materialise(tbox(), data)) == set(new)  # deterministic
