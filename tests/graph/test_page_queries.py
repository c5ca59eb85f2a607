"""The named queries behind the entity pages' summaries and the workbench's questions."""

from __future__ import annotations

from tests.support.queries import run
from uikg.graph.settings import DEFAULT_BASE_IRI

ID = DEFAULT_BASE_IRI + "id/"


def test_documents_between_two_years(graph_store):
    gdansk = ID + "city/gdansk"
    only_2015 = run(
        graph_store, "documents_between", place=gdansk, **{"from": "2015", "to": "2015"}
    )
    assert [r["document"] for r in only_2015] == [ID + "document/gdansk-mayor-act-2015"]
    every = {r["document"] for r in run(graph_store, "documents_between", place=gdansk)}
    assert ID + "document/gdansk-immigrant-integration-model" in every and len(every) == 3
    draft = [
        r
        for r in run(graph_store, "documents_between", place=ID + "country/poland", to="2013")
        if r["document"].endswith("draft-2013")
    ]
    assert len(draft) == 1 and draft[0]["statusLabel"] in ("annulled, draft", "draft, annulled")


def test_place_models_keep_the_evidence_unit_of_each_stance(graph_store):
    rows = run(graph_store, "place_models", place=ID + "city/gdansk")
    stances = {
        (r["stance"], r["model"].rsplit("/", 1)[1], r["unit"].rsplit("/", 1)[1]) for r in rows
    }
    assert ("follows", "two-way-integration", "fn33") in stances
    assert ("rejects", "separation", "l347-362") in stances


def test_place_divergences_for_a_city_and_for_its_country(graph_store):
    berlin = {
        r["relation"].rsplit("#", 1)[1]
        for r in run(graph_store, "place_divergences", place=ID + "city/berlin")
    }
    assert berlin == {"differsFromNationalPolicyOf", "precedesNationalPolicyOf"}
    germany = {
        r["policy"] for r in run(graph_store, "place_divergences", place=ID + "country/germany")
    }
    assert ID + "document/frankfurt-integration-policy" in germany
    assert all(
        "germany" in r["country"]
        for r in run(graph_store, "place_divergences", place=ID + "country/germany")
    )
