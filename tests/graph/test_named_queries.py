"""Each named query runs on the built graph and gives the answer the source texts give."""

from __future__ import annotations

import pytest

from tests.support.queries import CATALOGUE, run
from uikg.graph.errors import BadRequest
from uikg.graph.settings import DEFAULT_BASE_IRI

ID = DEFAULT_BASE_IRI + "id/"


def test_catalogue_has_at_least_twenty_documented_queries():
    assert len(CATALOGUE) >= 20
    for query in CATALOGUE.values():
        assert query.title and query.description
        assert query.title_in("pl") != query.title, f"{query.name}: no Polish title (title_pl)"
        for param in query.params:
            assert param.example, (query.name, param.name)


@pytest.mark.parametrize("name", sorted(CATALOGUE))
def test_every_query_runs_with_and_without_its_example_parameters(graph_store, name):
    query = CATALOGUE[name]
    examples = {p.name: p.example for p in query.params if p.example}
    required = {p.name: examples[p.name] for p in query.params if p.required}
    assert run(graph_store, name, **required)
    assert run(graph_store, name, **examples)


def test_cities_before_national_government(graph_store):
    rows = run(graph_store, "cities_before_national_government")
    cities = {r["cityLabel"] for r in rows}
    assert cities == {
        "Berlin",
        "Zurich",
        "Basel",
        "Vienna",
        "Rotterdam",
        "Amsterdam",
        "Frankfurt",
        "Turin",
        "Aarhus",
        "Copenhagen",
    }
    aarhus = [r for r in rows if r["cityLabel"] == "Aarhus"][0]
    assert aarhus["nationalDate"] == "2011" and aarhus["locator"] == "fn11"
    berlin = run(graph_store, "cities_before_national_government", city=ID + "city/berlin")
    assert [(r["when"], r["locator"]) for r in berlin] == [("in the 1980s", "fn24")]


def test_gdansk_model_areas_are_eight_plus_three(graph_store):
    rows = run(
        graph_store,
        "gdansk_model_areas",
        document=ID + "document/gdansk-immigrant-integration-model",
    )
    original = {r["areaLabel"] for r in rows if r["phase"] == "original"}
    added = {r["areaLabel"] for r in rows if r["phase"] != "original"}
    assert original == {
        "education",
        "employment",
        "health",
        "housing",
        "culture",
        "discrimination and violence",
        "social welfare",
        "local communities' integration",
    }
    assert added == {"higher education", "sports", "communication"}


def test_gdansk_model_rejects_assimilation_and_separation(graph_store):
    rows = run(
        graph_store,
        "model_follows_rejects",
        document=ID + "document/gdansk-immigrant-integration-model",
    )
    assert {r["modelLabel"] for r in rows if r["stance"] == "rejects"} == {
        "assimilationist policy",
        "separation",
    }
    assert {r["modelLabel"] for r in rows if r["stance"] == "follows"} == {"two-way integration"}
    # "the decision to reject the model" (lines 347-350) "of 'assimilation' and 'separation'"
    # (after the page break, the passage footnote 33 marks): the rejection rests on both.
    assert {(r["stance"], r["locator"]) for r in rows} == {
        ("rejects", "L347-362"),
        ("rejects", "fn33"),
        ("follows", "fn33"),
    }


def test_gdansk_model_coordination_and_adoption(graph_store):
    rows = run(
        graph_store,
        "model_coordination",
        document=ID + "document/gdansk-immigrant-integration-model",
    )
    by_role = {}
    for r in rows:
        by_role.setdefault(r["role"], set()).add(r["agent"].rsplit("/", 1)[1])
    assert by_role["coordinated by"] == {
        "gdansk-city-hall-social-affairs",
        "immigrants-support-centre-gdansk",
    }
    assert by_role["adopted by"] == {"gdansk-city-council"}
    assert by_role["developed by"] == {"gdansk-team-immigrant-integration-model"}
    coordinator = run(graph_store, "coordinators", agent=ID + "person/marta-siciarek")
    assert {r["thing"].rsplit("/", 1)[1] for r in coordinator} == {
        "gdansk-immigrant-integration-model",
        "pomeranian-integration-strategy",
    }


def test_polish_city_initiatives_with_dates(graph_store):
    rows = run(graph_store, "polish_city_initiatives", city=ID + "city/warsaw")
    assert {(r["initiative"].rsplit("/", 1)[1], r["date"]) for r in rows} == {
        ("warsaw-social-dialogue-commission-foreigners", "2012"),
        ("warsaw-multicultural-centre", "2014"),
    }
    gdansk = run(graph_store, "polish_city_initiatives", city=ID + "city/gdansk")
    dates = {r["initiative"].rsplit("/", 1)[1]: r["date"] for r in gdansk}
    assert dates["gdansk-mayor-act-2015"] == "2015-04"
    assert dates["gdansk-immigrant-integration-model"] == "2016-06"


def test_civic_integration_effects_per_country(graph_store):
    rows = run(graph_store, "civic_integration_effects")
    effects = {(r["country"].rsplit("/", 1)[1], r["effectLabel"]) for r in rows}
    assert ("netherlands", "role disappeared") in effects
    assert ("germany", "role disappeared") in effects
    assert ("sweden", "role reduced") in effects
    assert {c for c, _ in effects} == {
        "netherlands",
        "germany",
        "sweden",
        "denmark",
        "flanders",
        "catalonia",
    }


def test_scholars_who_disagree(graph_store):
    rows = run(graph_store, "scholar_disagreements", claim=ID + "claim/c26")
    assert {(r["relation"], r["work"].rsplit("/", 1)[1]) for r in rows} == {
        ("disputed by", "dekker-et-al-2015"),
        ("found ambiguous by", "scuzzarello-2015"),
    }
    assert "Ambrosini" in rows[0]["claimant"] and "Boccagni" in rows[0]["claimant"]


def test_conflicting_statements_keep_both_signatory_counts(graph_store):
    rows = run(graph_store, "conflicting_statements")
    declaration = [r for r in rows if r["subject"].endswith("ump-mayors-declaration-2017")]
    assert len(declaration) == 1
    row = declaration[0]
    versions = {
        (row["value1"], row["work1"].rsplit("/", 1)[1]),
        (row["value2"], row["work2"].rsplit("/", 1)[1]),
    }
    assert versions == {("12", "article-role-of-cities"), ("11", "essay-when-local-level-steps-in")}


def test_declaration_signatories_with_sources(graph_store):
    rows = run(
        graph_store, "declaration_signatories", document=ID + "document/ump-mayors-declaration-2017"
    )
    assert {(r["count"], r["locator"]) for r in rows} == {("12", "L362-365"), ("11", "L33")}
    assert {r["eventDate"] for r in rows} == {"2017-06-30"}


def test_evidence_behind_a_fact(graph_store):
    rows = run(
        graph_store,
        "evidence_for_fact",
        subject=ID + "document/gdansk-immigrant-integration-model",
        property="https://w3id.org/uikg/ontology#adoptionDate",
    )
    assert [(r["value"], r["work"].rsplit("/", 1)[1], r["locator"]) for r in rows] == [
        ("2016-06", "essay-when-local-level-steps-in", "L19")
    ]


def test_document_timeline_for_gdansk(graph_store):
    rows = run(graph_store, "document_timeline", place=ID + "city/gdansk")
    ordered = [r["document"].rsplit("/", 1)[1] for r in rows if r["date"]]
    assert ordered.index("gdansk-mayor-act-2015") < ordered.index(
        "gdansk-immigrant-integration-model"
    )


def test_lublin_in_intercultural_cities_2008_2013(graph_store):
    rows = run(graph_store, "memberships_by_period", member=ID + "organisation/lublin-municipality")
    assert [(r["in"].rsplit("/", 1)[1], r["start"], r["end"], r["locator"]) for r in rows] == [
        ("intercultural-cities-programme", "2008", "2013", "fn31")
    ]


def test_assimilation_through_abandonment_is_credited(graph_store):
    rows = run(
        graph_store,
        "integration_models",
        model=ID + "concept/integration-model/assimilation-through-abandonment",
    )
    assert "Grzymała-Kazłowska" in rows[0]["proposedBy"] and "Weinar" in rows[0]["proposedBy"]


def test_actor_query_finds_governments_and_ngos_alike(graph_store):
    rows = run(graph_store, "actors_in_city", city=ID + "city/gdansk")
    classes = {r["class"].rsplit("#", 1)[1] for r in rows}
    assert {"Municipality", "NGO", "CityCouncil", "Team"} <= classes


def test_draft_policies_by_status(graph_store):
    rows = run(graph_store, "documents_by_status", status=ID + "concept/document-status/draft")
    assert {r["document"].rsplit("/", 1)[1] for r in rows} == {
        "pl-integration-policy-draft-2013",
        "pl-migration-policy-draft-2019",
    }


def test_bind_rejects_bad_values():
    query = CATALOGUE["claims_about"]
    with pytest.raises(BadRequest, match="subject"):
        query.bind({"subject": "not an iri"}, DEFAULT_BASE_IRI)
    with pytest.raises(BadRequest, match="subject"):
        query.bind({"subject": "https://example.org/a b"}, DEFAULT_BASE_IRI)
    with pytest.raises(BadRequest, match="Unknown"):
        query.bind({"nope": "x"}, DEFAULT_BASE_IRI)
    with pytest.raises(BadRequest, match="status"):
        CATALOGUE["documents_by_status"].bind(
            {"status": ID + "concept/policy-area/health"}, DEFAULT_BASE_IRI
        )
    with pytest.raises(BadRequest, match="subject"):
        CATALOGUE["evidence_for_fact"].bind({}, DEFAULT_BASE_IRI)


def test_city_map_places_gdansk_with_its_model(graph_store):
    rows = [r for r in run(graph_store, "city_map") if r["city"] == ID + "city/gdansk"]
    assert rows and round(float(rows[0]["lat"]), 2) == 54.35
    assert round(float(rows[0]["long"]), 2) == 18.65
    assert {r["modelLabel"] for r in rows} == {"two-way integration"}
    assert len({r["city"] for r in run(graph_store, "city_map")}) == 29


def test_policy_timeline_puts_city_and_national_measures_side_by_side(graph_store):
    rows = run(graph_store, "policy_timeline", country=ID + "country/poland")
    model = [r for r in rows if r["item"] == ID + "document/gdansk-immigrant-integration-model"]
    assert model[0]["level"] == "city" and model[0]["date"] == "2016-06"
    national = {r["item"] for r in rows if r["level"] == "national"}
    assert ID + "document/pl-migration-policy-2012" in national
    lublin = [r for r in rows if r["kind"] == "membership"]
    assert [(r["placeLabel"], r["date"]) for r in lublin] == [("Lublin", "2008")]


def test_city_policy_areas_matrix(graph_store):
    rows = run(graph_store, "city_policy_areas")
    gdansk = {r["areaLabel"] for r in rows if r["cityLabel"] == "Gdańsk"}
    assert len(gdansk) == 11 and "sports" in gdansk
    assert {r["cityLabel"] for r in rows} == {"Gdańsk", "Bialystok", "Krakow"}


def test_actor_network_links(graph_store):
    rows = run(graph_store, "actor_network")
    links = {(r["actorLabel"], r["relation"], r["target"]) for r in rows}
    assert (
        "Gdańsk City Council",
        "adopted",
        ID + "document/gdansk-immigrant-integration-model",
    ) in links
    assert (
        "Municipality of Lublin",
        "member of",
        ID + "programme/intercultural-cities-programme",
    ) in links
    assert {r["relation"] for r in rows} >= {"adopted", "coordinates", "funds", "member of"}
