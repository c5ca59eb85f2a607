# ruff: noqa: E501  (long IRIs and inline RDF/SPARQL read best unbroken)
"""The built graph against the reference inventory in ../shared/reference."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from uikg.graph.curation.reference import iri_of

SHARED = Path(__file__).resolve().parents[2] / ".." / "shared"
REF = SHARED / "reference"
EXCLUSIONS = Path(__file__).resolve().parents[2] / "graph" / "data" / "exclusions.csv"
UIKG = "https://w3id.org/uikg/ontology#"


def _rows(name: str) -> list[dict[str, str]]:
    if not REF.is_dir():
        pytest.skip(f"reference inventory not found at {REF} (expected ../shared beside the repo)")
    with (REF / name).open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _typed(store) -> set[str]:
    return {str(s[0].value) for s in store.query("SELECT DISTINCT ?s { ?s a ?c }")}


def _excluded() -> dict[str, str]:
    if not EXCLUSIONS.exists():
        return {}
    with EXCLUSIONS.open(encoding="utf-8", newline="") as fh:
        return {r["id_slug"]: r["reason"] for r in csv.DictReader(fh)}


def test_every_entity_is_in_the_graph_or_excluded_with_a_reason(graph_store):
    typed, excluded = _typed(graph_store), _excluded()
    missing = [
        r["id_slug"]
        for r in _rows("entities.csv")
        if str(iri_of(r["id_slug"], r["type"])) not in typed and not excluded.get(r["id_slug"])
    ]
    assert missing == []


def test_all_sixty_works_are_described(graph_store):
    rows = _rows("bibliography.csv")
    assert len(rows) == 60
    typed = _typed(graph_store)
    assert [r["id"] for r in rows if str(iri_of(r["id"], "BibliographicWork")) not in typed] == []
    titled = {
        str(s[0].value)
        for s in graph_store.query("SELECT ?w { ?w <http://purl.org/dc/terms/title> ?t }")
    }
    assert all(str(iri_of(r["id"], "BibliographicWork")) in titled for r in rows)


def test_all_53_footnotes_are_citations(graph_store):
    rows = _rows("footnotes.csv")
    result = graph_store.query(f"""
        SELECT ?n ?work WHERE {{ ?f a <{UIKG}Footnote> ; <{UIKG}footnoteNumber> ?n ;
          <{UIKG}citingWork> <https://w3id.org/uikg/id/work/article-role-of-cities> .
          OPTIONAL {{ ?f <{UIKG}citedWork> ?work }} }}""")
    cited = {int(r[0].value): (str(r[1].value) if r[1] is not None else "") for r in result}
    assert sorted(cited) == list(range(1, 54))
    for row in rows:
        expected = str(iri_of(row["work_id"], "BibliographicWork")) if row["work_id"] else ""
        assert cited[int(row["footnote"])] == expected, row["footnote"]


def test_all_73_claims_have_attribution_citation_and_evidence(graph_store):
    rows = _rows("claims.csv")
    result = graph_store.query(f"""
        SELECT ?c (COUNT(DISTINCT ?a) AS ?na) (COUNT(DISTINCT ?e) AS ?ne) (COUNT(DISTINCT ?f) AS ?nf) WHERE {{
          ?c a <{UIKG}Claim> ; <{UIKG}attributedTo> ?a ; <{UIKG}evidence> ?e .
          ?e <{UIKG}evidenceFrom> ?work . OPTIONAL {{ ?c <{UIKG}citation> ?f }} }} GROUP BY ?c""")
    claims = {
        str(r[0].value).rsplit("/", 1)[1]: (int(r[1].value), int(r[2].value), int(r[3].value))
        for r in result
    }
    assert sorted(claims) == sorted(r["claim_id"] for r in rows)
    for row in rows:
        has_footnote = row["source_footnote"].startswith("fn")
        attributed, evidence, footnotes = claims[row["claim_id"]]
        assert attributed >= 1 and evidence >= 1
        assert footnotes >= 1 if has_footnote else True, row["claim_id"]


def test_reported_disagreements_are_present(graph_store):
    ask = graph_store.query(f"""ASK {{
      <https://w3id.org/uikg/id/claim/c26> <{UIKG}disputedBy> <https://w3id.org/uikg/id/work/dekker-et-al-2015> ;
          <{UIKG}foundAmbiguousBy> <https://w3id.org/uikg/id/work/scuzzarello-2015> ;
          <{UIKG}contradicts> <https://w3id.org/uikg/id/claim/c27> .
      <https://w3id.org/uikg/id/claim/c27> <{UIKG}contradicts> <https://w3id.org/uikg/id/claim/c26> . }}""")
    assert bool(ask)


def test_verified_ids_linked_and_unverified_not(graph_store):
    rows = _rows("external_ids.csv")
    links = {
        (str(r[0].value), str(r[1].value))
        for r in graph_store.query("SELECT ?s ?o { ?s <http://www.w3.org/2002/07/owl#sameAs> ?o }")
    }
    expected = set()
    for row in rows:
        node = str(iri_of(row["id_slug"], row["type"]))
        if row["wikidata_confidence"] == "verified" and row["wikidata_qid"]:
            expected.add((node, f"http://www.wikidata.org/entity/{row['wikidata_qid']}"))
        if row["geonames_confidence"] == "verified" and row["geonames_id"]:
            expected.add((node, f"https://sws.geonames.org/{row['geonames_id']}/"))
    assert links == expected
    unverified_targets = {
        row["wikidata_qid"]
        for row in rows
        if row["wikidata_confidence"] != "verified" and row["wikidata_qid"]
    }
    assert not any(o.endswith(f"/{q}") for _, o in links for q in unverified_targets)
