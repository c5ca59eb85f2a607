# ruff: noqa: E501  (inline Turtle records read best one per line)
"""Every shape has a conforming example (GOOD, which raises nothing) and a non-conforming one."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pytest
from rdflib import RDF, SH, Graph

from uikg.graph.validation import load_shapes, validate

ROOT = Path(__file__).resolve().parents[2]
SHP = "https://w3id.org/uikg/shapes#"

PREFIXES = """
@prefix uikg: <https://w3id.org/uikg/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix foaf: <http://xmlns.com/foaf/0.1/> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix dct: <http://purl.org/dc/terms/> .
@prefix wgs: <http://www.w3.org/2003/01/geo/wgs84_pos#> .
@prefix id: <https://w3id.org/uikg/id/> .
@prefix c: <https://w3id.org/uikg/id/concept/> .
@prefix ev: <https://w3id.org/uikg/graph/evidence/article/> .
@prefix oa: <http://www.w3.org/ns/oa#> .
"""

GOOD = (
    PREFIXES
    + """
<https://w3id.org/uikg/id/country/poland> a uikg:Country ; rdfs:label "Poland"@en ; uikg:sourceLocation "A:L1" ; uikg:wikidataId "Q36" ;
    owl:sameAs <http://www.wikidata.org/entity/Q36> .
<https://w3id.org/uikg/id/city/gdansk> a uikg:City ; rdfs:label "Gdansk"@en, "Gdańsk"@pl ; uikg:sourceLocation "E:L17" ; uikg:wikidataId "Q1792" ;
    uikg:country <https://w3id.org/uikg/id/country/poland> ; wgs:lat 54.35227 ; wgs:long 18.64912 ; uikg:population 487371 .
<https://w3id.org/uikg/id/organisation/m> a uikg:Municipality ; rdfs:label "Municipality"@en ; uikg:sourceLocation "E:L17" ;
    uikg:governs <https://w3id.org/uikg/id/city/gdansk> .
<https://w3id.org/uikg/id/organisation/team> a uikg:Team ; rdfs:label "Team"@en ; uikg:sourceLocation "E:L17" ;
    uikg:parentOrganisation <https://w3id.org/uikg/id/organisation/m> ; uikg:foundingDate "2015-04"^^xsd:gYearMonth .
<https://w3id.org/uikg/id/person/r-stefanska> a uikg:Person ; foaf:name "R. Stefańska" ; uikg:sourceLocation "A:fn1" .
<https://w3id.org/uikg/id/person/a-b> a uikg:Person ; foaf:name "A. B." ; foaf:familyName "B." ; uikg:sourceLocation "A:fn1" .
<https://w3id.org/uikg/id/office/mayor> a uikg:PublicOffice ; uikg:postIn <https://w3id.org/uikg/id/organisation/m> ; uikg:heldBy <https://w3id.org/uikg/id/person/a-b> .
<https://w3id.org/uikg/id/document/d> a uikg:PolicyDocument ; rdfs:label "Model"@en ; uikg:sourceLocation "E:L19" ;
    uikg:documentKind <https://w3id.org/uikg/id/concept/document-kind/model> ; uikg:status <https://w3id.org/uikg/id/concept/document-status/adopted> ; uikg:governanceLevel <https://w3id.org/uikg/id/concept/governance-level/local> ;
    uikg:jurisdiction <https://w3id.org/uikg/id/city/gdansk> ; uikg:adoptedBy <https://w3id.org/uikg/id/organisation/m> ;
    uikg:adoptionDate "2016-06"^^xsd:gYearMonth ; uikg:followsModel <https://w3id.org/uikg/id/concept/integration-model/two-way-integration> ;
    uikg:coversArea <https://w3id.org/uikg/id/concept/policy-area/health> ; uikg:signatoryCount 11 ; uikg:evidence ev:fn1 ;
    uikg:stance <https://w3id.org/uikg/id/concept/policy-stance/inclusive> ; uikg:outcome <https://w3id.org/uikg/id/concept/policy-outcome/inclusion-achieved> ;
    uikg:outcomeText "brought residents into the process"@en .
<https://w3id.org/uikg/id/programme/p> a uikg:Programme ; rdfs:label "Programme"@en ; uikg:sourceLocation "A:fn31" ;
    uikg:jurisdiction <https://w3id.org/uikg/id/city/gdansk> ; uikg:startDate "2008"^^xsd:gYear ; uikg:endDate "2013"^^xsd:gYear .
<https://w3id.org/uikg/id/involvement/i> a uikg:Participation ; uikg:member <https://w3id.org/uikg/id/organisation/m> ;
    uikg:memberOf <https://w3id.org/uikg/id/programme/p> ; uikg:startDate "2008"^^xsd:gYear ; uikg:endDate "2013-05-01"^^xsd:date ; uikg:evidence ev:fn1 .
<https://w3id.org/uikg/id/event/e> a uikg:Event ; rdfs:label "Conference"@en ; uikg:sourceLocation "E:L33" ; uikg:date "2017-06-30"^^xsd:date ;
    uikg:location <https://w3id.org/uikg/id/city/gdansk> .
<https://w3id.org/uikg/id/work/w> a uikg:JournalArticle, uikg:SourceText ; rdfs:label "Title"@en ; dct:title "Title"@en ; uikg:sourceLocation "A:fn1" ;
    uikg:publicationYear "2016"^^xsd:gYear ; uikg:author <https://w3id.org/uikg/id/person/a-b> ; uikg:url "https://example.org/"^^xsd:anyURI .
<https://w3id.org/uikg/id/citation/article-fn1> a uikg:Footnote ; uikg:footnoteNumber 1 ; uikg:citingWork <https://w3id.org/uikg/id/work/w> ;
    uikg:citedWork <https://w3id.org/uikg/id/work/w> ; uikg:sourceLocation "A:fn1" .
ev:fn1 a uikg:EvidenceUnit ; uikg:evidenceFrom <https://w3id.org/uikg/id/work/w> ; uikg:locator "fn1" ; uikg:citation <https://w3id.org/uikg/id/citation/article-fn1> ;
    uikg:assertionKind uikg:Stated ; oa:hasSelector [ a oa:TextQuoteSelector ; oa:prefix "As " ; oa:exact "cities matter to integration" ; oa:suffix ".1 " ] .
ev:fn2 a uikg:EvidenceUnit ; uikg:evidenceFrom <https://w3id.org/uikg/id/work/w> ; uikg:locator "fn2" .
<https://w3id.org/uikg/graph/evidence/reading/r> a uikg:EvidenceUnit ; uikg:assertionKind uikg:CuratorReading ;
    uikg:readFrom ev:fn1, ev:fn2 ; uikg:readingNote "Both passages speak of the same team."@en .
<https://w3id.org/uikg/id/claim/c01> a uikg:Claim ; uikg:statement "Cities matter."@en ; uikg:attributedTo <https://w3id.org/uikg/id/person/a-b> ;
    uikg:reportedIn <https://w3id.org/uikg/id/work/w> ; uikg:evidence ev:fn1 ; uikg:about <https://w3id.org/uikg/id/city/gdansk> ;
    uikg:citation <https://w3id.org/uikg/id/citation/article-fn1> ; uikg:claimKind <https://w3id.org/uikg/id/concept/claim-kind/attributed-finding> ;
    uikg:contested <https://w3id.org/uikg/id/concept/contested/yes> ; uikg:disputedBy <https://w3id.org/uikg/id/work/w> .
<https://w3id.org/uikg/id/discrepancy/x> a uikg:Discrepancy ; uikg:concerns <https://w3id.org/uikg/id/document/d> ;
    uikg:conflictingEvidence ev:fn1, ev:fn2 ; uikg:resolution "Both kept."@en ;
    uikg:preferredEvidence ev:fn1 ; uikg:rankReason "First-hand."@en .
"""
)

# shape -> (triples to add, triples to remove (as N3 fragments), expected severity, message fragment)
CASES = {
    "LabelledThing": (
        '<https://w3id.org/uikg/id/city/Bad_Slug> a uikg:City ; rdfs:label "X"@en ; uikg:country <https://w3id.org/uikg/id/country/poland> .',
        "Violation",
        "lowercase ASCII slug",
    ),
    "EnglishLabel": (
        '<https://w3id.org/uikg/id/city/x> a uikg:City ; rdfs:label "X"@pl ; uikg:country <https://w3id.org/uikg/id/country/poland> ; uikg:sourceLocation "A:L1" ; uikg:wikidataId "Q1" .',
        "Warning",
        "English label",
    ),
    "SourceLocation": (
        '<https://w3id.org/uikg/id/city/y> a uikg:City ; rdfs:label "Y"@en ; uikg:country <https://w3id.org/uikg/id/country/poland> ; uikg:wikidataId "Q2" .',
        "Warning",
        "uikg:sourceLocation",
    ),
    "WikidataLink": (
        '<https://w3id.org/uikg/id/city/z> a uikg:City ; rdfs:label "Z"@en ; uikg:country <https://w3id.org/uikg/id/country/poland> ; uikg:sourceLocation "A:L1" .',
        "Info",
        "Wikidata",
    ),
    "SameAsTargets": (
        "<https://w3id.org/uikg/id/city/gdansk> owl:sameAs <http://dbpedia.org/resource/Gdansk> .",
        "Violation",
        "Wikidata entity",
    ),
    "City": (
        "<https://w3id.org/uikg/id/city/gdansk> uikg:population -5 .",
        "Violation",
        "Population",
    ),
    "PlaceNotActor": (
        "<https://w3id.org/uikg/id/city/gdansk> uikg:adoptedBy <https://w3id.org/uikg/id/organisation/m> .",
        "Violation",
        "Places do not act",
    ),
    "Organisation": (
        '<https://w3id.org/uikg/id/organisation/team> uikg:foundingDate "April 2015" .',
        "Violation",
        "founding date",
    ),
    "GovernmentJurisdiction": (
        '<https://w3id.org/uikg/id/organisation/n> a uikg:NationalGovernment ; rdfs:label "N"@en ; uikg:sourceLocation "A:L1" .',
        "Violation",
        "uikg:governs",
    ),
    "Body": (
        '<https://w3id.org/uikg/id/organisation/t2> a uikg:Commission ; rdfs:label "T"@en ; uikg:sourceLocation "A:L1" ; uikg:foundingDate "2012"^^xsd:gYear .',
        "Warning",
        "parentOrganisation",
    ),
    "Person": (
        '<https://w3id.org/uikg/id/person/c-d> a uikg:Person ; uikg:sourceLocation "A:fn1" .',
        "Violation",
        "foaf:name",
    ),
    "PublicOffice": (
        "<https://w3id.org/uikg/id/office/x> a uikg:PublicOffice .",
        "Violation",
        "uikg:postIn",
    ),
    "PolicyDocument": (
        "<https://w3id.org/uikg/id/document/d> uikg:coversArea <https://w3id.org/uikg/id/concept/integration-model/separation> .",
        "Violation",
        "policy-area scheme",
    ),
    "PolicyFinding": (
        "<https://w3id.org/uikg/id/document/d> uikg:stance <https://w3id.org/uikg/id/concept/policy-outcome/inclusion-achieved> .",
        "Violation",
        "policy-stance scheme",
    ),
    "AdoptedHasDate": (
        '<https://w3id.org/uikg/id/document/e> a uikg:PolicyDocument ; rdfs:label "E"@en ; uikg:sourceLocation "A:L1" ; uikg:documentKind <https://w3id.org/uikg/id/concept/document-kind/policy> ; uikg:status <https://w3id.org/uikg/id/concept/document-status/adopted> ; uikg:governanceLevel <https://w3id.org/uikg/id/concept/governance-level/local> ; uikg:jurisdiction <https://w3id.org/uikg/id/city/gdansk> ; uikg:evidence ev:fn1 .',
        "Warning",
        "no adoption date",
    ),
    "DraftHasNoAdoption": (
        "<https://w3id.org/uikg/id/document/d> uikg:status <https://w3id.org/uikg/id/concept/document-status/draft> .",
        "Violation",
        "draft cannot have an adoption date",
    ),
    "Period": (
        '<https://w3id.org/uikg/id/programme/p> uikg:endDate "2007"^^xsd:gYear .',
        "Violation",
        "ends before it starts",
    ),
    "Involvement": (
        '<https://w3id.org/uikg/id/involvement/j> a uikg:Membership ; uikg:member <https://w3id.org/uikg/id/city/gdansk> ; uikg:memberOf <https://w3id.org/uikg/id/programme/p> ; uikg:startDate "2008"^^xsd:gYear ; uikg:evidence ev:fn1 .',
        "Violation",
        "not the place",
    ),
    "Programme": (
        "<https://w3id.org/uikg/id/programme/p> uikg:fundedBy <https://w3id.org/uikg/id/city/gdansk> .",
        "Violation",
        "funding instrument",
    ),
    "Event": (
        "<https://w3id.org/uikg/id/event/e> uikg:location <https://w3id.org/uikg/id/organisation/m> .",
        "Violation",
        "place record",
    ),
    "Publication": (
        '<https://w3id.org/uikg/id/work/w> uikg:publicationYear "2016" .',
        "Violation",
        "one year, e.g. 2016",
    ),
    "PublicationYearWanted": (
        '<https://w3id.org/uikg/id/work/v> a uikg:Book ; rdfs:label "V"@en ; dct:title "V"@en ; uikg:sourceLocation "A:fn2" .',
        "Info",
        "year of publication",
    ),
    "Footnote": (
        '<https://w3id.org/uikg/id/citation/fn2> a uikg:Footnote ; uikg:footnoteNumber 2 ; uikg:citedWork <https://w3id.org/uikg/id/work/w> ; uikg:citingWork <https://w3id.org/uikg/id/work/w> ; uikg:sourceLocation "A:fn2" .',
        "Violation",
        "IRI is …/id/citation",
    ),
    "FootnoteContent": (
        '<https://w3id.org/uikg/id/citation/article-fn3> a uikg:Footnote ; uikg:footnoteNumber 3 ; uikg:citingWork <https://w3id.org/uikg/id/work/w> ; uikg:sourceLocation "A:fn3" .',
        "Violation",
        "either cites a work",
    ),
    "Claim": (
        '<https://w3id.org/uikg/id/claim/c02> a uikg:Claim ; uikg:statement "No one says this."@en ; uikg:reportedIn <https://w3id.org/uikg/id/work/w> ; uikg:evidence ev:fn1 ; uikg:aboutCities true ; uikg:claimKind <https://w3id.org/uikg/id/concept/claim-kind/unreferenced> ; uikg:contested <https://w3id.org/uikg/id/concept/contested/no> .',
        "Violation",
        "who asserts",
    ),
    "ClaimSubject": (
        '<https://w3id.org/uikg/id/claim/c03> a uikg:Claim ; uikg:statement "S"@en ; uikg:attributedTo <https://w3id.org/uikg/id/person/a-b> ; uikg:reportedIn <https://w3id.org/uikg/id/work/w> ; uikg:evidence ev:fn1 ; uikg:claimKind <https://w3id.org/uikg/id/concept/claim-kind/unreferenced> ; uikg:contested <https://w3id.org/uikg/id/concept/contested/no> .',
        "Warning",
        "what the claim is about",
    ),
    "ContestedNeedsCounterpart": (
        '<https://w3id.org/uikg/id/claim/c04> a uikg:Claim ; uikg:statement "S"@en ; uikg:attributedTo <https://w3id.org/uikg/id/person/a-b> ; uikg:reportedIn <https://w3id.org/uikg/id/work/w> ; uikg:evidence ev:fn1 ; uikg:aboutCities true ; uikg:claimKind <https://w3id.org/uikg/id/concept/claim-kind/unreferenced> ; uikg:contested <https://w3id.org/uikg/id/concept/contested/yes> .',
        "Warning",
        "contested but names no",
    ),
    "EvidenceUnit": (
        '<https://w3id.org/uikg/graph/evidence/p1> a uikg:EvidenceUnit ; uikg:evidenceFrom <https://w3id.org/uikg/id/work/w> ; uikg:locator "p1" .',
        "Violation",
        "evidence unit is named",
    ),
    "StatedUnit": (
        '<https://w3id.org/uikg/graph/evidence/article/l9> a uikg:EvidenceUnit ; uikg:assertionKind uikg:Stated ; uikg:locator "L9" .',
        "Violation",
        "names the work it quotes",
    ),
    "CuratorReading": (
        '<https://w3id.org/uikg/graph/evidence/reading/s> a uikg:EvidenceUnit ; uikg:assertionKind uikg:CuratorReading ; uikg:readFrom ev:fn1 ; oa:hasSelector [ a oa:TextQuoteSelector ; oa:exact "cities matter to integration" ] .',
        "Violation",
        "curators' reading names the stated units",
    ),
    "QuoteSelector": (
        '<https://w3id.org/uikg/graph/evidence/article/fn3> a uikg:EvidenceUnit ; uikg:evidenceFrom <https://w3id.org/uikg/id/work/w> ; uikg:locator "fn3" ; uikg:assertionKind uikg:Stated ; oa:hasSelector <https://w3id.org/uikg/graph/evidence/article/fn3#passage> . <https://w3id.org/uikg/graph/evidence/article/fn3#passage> a oa:TextQuoteSelector ; oa:exact "cities"@en .',
        "Violation",
        "Quote the passage exactly",
    ),
    "Rank": (
        '<https://w3id.org/uikg/id/discrepancy/z> a uikg:Discrepancy ; uikg:concerns <https://w3id.org/uikg/id/document/d> ; uikg:conflictingEvidence ev:fn1, ev:fn2 ; uikg:resolution "x"@en ; uikg:preferredEvidence <https://w3id.org/uikg/graph/evidence/reading/r> ; uikg:rankReason "r"@en .',
        "Violation",
        "preferred evidence must be one of",
    ),
    "Discrepancy": (
        '<https://w3id.org/uikg/id/discrepancy/y> a uikg:Discrepancy ; uikg:concerns <https://w3id.org/uikg/id/document/d> ; uikg:conflictingEvidence ev:fn1 ; uikg:resolution "x"@en .',
        "Violation",
        "at least two evidence units",
    ),
    "Concept": (
        '<https://w3id.org/uikg/id/concept/policy-area/x> a skos:Concept ; skos:prefLabel "x" ; skos:inScheme <https://w3id.org/uikg/id/scheme/policy-area> ; skos:definition "x"@en .',
        "Violation",
        "prefLabel",
    ),
    "IntegrationModel": (
        '<https://w3id.org/uikg/id/document/d> uikg:followsModel <https://w3id.org/uikg/id/concept/integration-model/new-model> . <https://w3id.org/uikg/id/concept/integration-model/new-model> a skos:Concept ; skos:inScheme <https://w3id.org/uikg/id/scheme/integration-model> ; skos:prefLabel "new"@en ; skos:definition "d"@en .',
        "Info",
        "proposedBy",
    ),
}


@cache
def shapes() -> Graph:
    return load_shapes([ROOT / "shapes"])


@cache
def ontology() -> Graph:
    g = Graph()
    for path in sorted((ROOT / "ontology").rglob("*.ttl")):
        g.parse(path)
    return g


def _report(extra: str = ""):
    data = Graph().parse(data=GOOD + extra, format="turtle")
    return validate(data, shapes(), ontology())


def test_the_conforming_example_has_no_findings():
    report = _report()
    assert report.conforms, report.to_text()
    assert report.results == [], report.to_text()


def test_every_named_shape_has_a_case():
    groups = set(shapes().subjects(RDF.type, SH.PropertyGroup))  # the form's, not shapes
    named = {
        str(s).removeprefix(SHP)
        for s in shapes().subjects()
        if str(s).startswith(SHP) and s not in groups
    }
    helpers = {
        "PartialDate",
        "InDocumentKindScheme",
        "InDocumentStatusScheme",
        "InGovernanceLevelScheme",
        "InIntegrationModelScheme",
        "InPolicyAreaScheme",
    }
    assert named - helpers == set(CASES)


@pytest.mark.parametrize("shape", sorted(CASES))
def test_non_conforming_example(shape):
    extra, severity, fragment = CASES[shape]
    report = _report(extra)
    hits = [r for r in report.results if r.severity == severity and re.search(fragment, r.message)]
    assert hits, report.to_text()
    assert report.conforms == (severity != "Violation")
    for hit in hits:
        assert hit.focus_node and len(hit.message) > 30
    assert report.to_json() and report.to_text().startswith(("Conforms", "Does not conform"))
