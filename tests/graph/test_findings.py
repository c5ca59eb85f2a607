"""Findings that used to live only in claim paraphrase, typed counts and identifiers, evidence for
concepts and literature, and ranks: each answered by a named query, with its quoted passage."""

from __future__ import annotations

from tests.support.queries import run

ID = "https://w3id.org/uikg/id/"
UIKG = "https://w3id.org/uikg/ontology#"
XSD = "http://www.w3.org/2001/XMLSchema#"


def findings(store, place: str) -> list[dict[str, str | None]]:
    return run(store, "city_findings", place=ID + place)


def test_london_keeps_a_multicultural_course_against_the_national_policy(graph_store):
    rows = [
        r
        for r in findings(graph_store, "city/london")
        if r["policy"].endswith("london-diversity-approach")
    ]
    differs = {(r["locator"], r["kind"]) for r in rows if r["aspect"].startswith("differs")}
    assert differs == {("fn20", "stated"), ("fn21", "stated")}
    assert all(
        r["value"] == ID + "country/united-kingdom"
        for r in rows
        if r["aspect"].startswith("differs")
    )
    [model] = [r for r in rows if r["aspect"] == "follows model"]
    assert model["valueLabel"] == "urban multiculturalism"
    assert "London is still described as a cosmopolitan and multicultural city" in model["quote"]
    national = run(
        graph_store,
        "evidence_for_fact",
        subject=ID + "document/uk-national-integration-policy",
        property=UIKG + "followsModel",
    )
    assert [(r["value"], r["locator"]) for r in national] == [
        (ID + "concept/integration-model/neo-assimilation", "fn21")
    ]
    assert (
        "neo-assimilation or integration concepts of the British government" in national[0]["quote"]
    )


def test_rotterdam_restricted_immigrants_access_to_rights_in_the_2000s(graph_store):
    [row] = [r for r in findings(graph_store, "city/rotterdam") if r["aspect"] == "stance"]
    assert (row["valueLabel"], row["locator"], row["kind"]) == ("restrictive", "fn26", "stated")
    assert (
        "the city has been introducing policies that prevent immigrants access to their rights"
        in row["quote"]
    )
    when = run(graph_store, "evidence_for_fact", subject=row["policy"], property=UIKG + "dateText")
    assert [r["value"] for r in when] == ["the first decade of this century"]


def test_barcelona_mainstream_policy_did_not_achieve_inclusion(graph_store):
    rows = [
        r
        for r in findings(graph_store, "city/barcelona")
        if r["policy"].endswith("barcelona-mainstream-policy")
    ]
    [outcome] = [r for r in rows if r["aspect"] == "outcome"]
    assert (outcome["valueLabel"], outcome["locator"]) == ("no inclusion effects", "fn13")
    assert outcome["quote"].startswith("policy did not lead to effects of inclusion effects")
    assert "failed to compensate" in outcome["outcomeText"]
    [model] = [r for r in rows if r["aspect"] == "follows model"]
    assert (model["valueLabel"], model["locator"]) == ("mainstreaming", "L142-144")
    assert "Barcelona’s experience shows that this" in model["quote"]


def test_relations_to_national_policy_are_structured_for_every_city_that_has_one(graph_store):
    rows = run(graph_store, "city_findings")
    relation = {
        (r["placeLabel"], r["value"].rsplit("/", 1)[1])
        for r in rows
        if r["aspect"].startswith(("differs", "made without"))
    }
    assert {
        ("London", "united-kingdom"),
        ("Berlin", "germany"),
        ("Amsterdam", "netherlands"),
        ("Milan", "italy"),
        ("Aarhus", "denmark"),
        ("Copenhagen", "denmark"),
        ("United Kingdom", "united-kingdom"),
    } <= relation
    outcomes = {
        (r["policy"].rsplit("/", 1)[1], r["valueLabel"]) for r in rows if r["aspect"] == "outcome"
    }
    assert ("lublin-intercultural-cities", "inclusion achieved") in outcomes


def test_counts_are_typed_numbers_and_identifiers_identifier_properties(graph_store):
    team = f"<{ID}organisation/gdansk-team-immigrant-integration-model>"
    [row] = list(
        graph_store.query(
            f"""PREFIX uikg: <{UIKG}> PREFIX oa: <http://www.w3.org/ns/oa#>
            SELECT ?institutions ?people ?quote WHERE {{
              GRAPH ?g {{ {team} uikg:institutionCount ?institutions ; uikg:personCount ?people }}
              ?g oa:hasSelector/oa:exact ?quote }}"""
        )
    )
    assert (row["institutions"].value, row["people"].value) == ("70", "150")
    assert row["institutions"].datatype.value == XSD + "integer"
    assert "Over 70 institutions and 150 people" in row["quote"].value
    [count] = run(
        graph_store,
        "evidence_for_fact",
        subject=ID + "document/ump-mayors-declaration-2017",
        property=UIKG + "signatoryCount",
        kind=UIKG + "Stated",
    )[:1]
    assert count["value"] in {"11", "12"}
    reference = run(
        graph_store,
        "evidence_for_fact",
        subject=ID + "document/ep-resolution-2013-integration-of-migrants",
        property="http://data.europa.eu/eli/ontology#id_local",
    )
    assert [(r["value"], r["locator"]) for r in reference] == [("2012/2131(INI)", "fn41-note")]
    assert "2012/2131(INI)" in reference[0]["quote"]


def test_concepts_and_literature_records_have_evidence_units(graph_store):
    concept = run(
        graph_store,
        "evidence_for_fact",
        subject=ID + "concept/integration-model/assimilation-through-abandonment",
        property=UIKG + "proposedBy",
    )
    assert {(r["value"].rsplit("/", 1)[1], r["locator"]) for r in concept} == {
        ("aleksandra-grzymala-kazlowska", "fn34"),
        ("agnieszka-weinar", "fn34"),
    }
    assert "“assimilation through abandonment”" in concept[0]["quote"]
    footnote = run(
        graph_store,
        "evidence_for_fact",
        subject=ID + "citation/article-fn24",
        property=UIKG + "citedWork",
    )
    assert [(r["value"].rsplit("/", 1)[1], r["locator"], r["kind"]) for r in footnote] == [
        ("de-graauw-vermeulen-2016", "fn24-note", UIKG + "Stated")
    ]
    assert footnote[0]["quote"].startswith(
        "E. de Graauw, F. Vermeulen, Cities and the politics of immigrant integration"
    )
    work = run(
        graph_store,
        "evidence_for_fact",
        subject=ID + "work/de-graauw-vermeulen-2016",
        property="http://purl.org/dc/terms/title",
    )
    assert {r["locator"] for r in work} == {"fn24-note"}


def test_only_what_the_sources_say_and_the_readings_apart(graph_store):
    project = ID + "project/lublin-for-everyone"
    stated = run(graph_store, "evidence_for_fact", subject=project, kind=UIKG + "Stated")
    assert {r["property"].rsplit("#", 1)[1] for r in stated} == {"jurisdiction"}
    read = run(graph_store, "evidence_for_fact", subject=project, kind=UIKG + "CuratorReading")
    assert {r["property"].rsplit("#", 1)[1] for r in read} == {"runBy", "participant", "partOf"}
    assert all(
        r["quote"] is None and "names neither who ran the project" in r["reasoning"] for r in read
    )


def test_truthy_values_give_the_preferred_version_and_conflicts_keep_both(graph_store):
    declaration = ID + "document/ump-mayors-declaration-2017"
    truthy = [
        r
        for r in run(graph_store, "truthy_values", subject=declaration)
        if r["property"] == UIKG + "signatoryCount"
    ]
    assert [(r["value"], r["rank"], r["locator"]) for r in truthy] == [("11", "preferred", "L33")]
    assert "first-hand" in truthy[0]["reason"]
    assert "signed by Poland's biggest eleven cities" in truthy[0]["quote"]
    both = run(graph_store, "conflicting_statements", subject=declaration)
    assert {(r["value1"], r["value2"]) for r in both} == {("12", "11")}
    assert {r["preferred"] for r in both} == {"https://w3id.org/uikg/graph/evidence/essay/l33"}
    name = [r for r in run(graph_store, "truthy_values", subject=ID + "person/roberta-marzorati")]
    assert [(r["value"], r["rank"]) for r in name] == [("Roberta", "preferred")]
    # without a rank, every value stays (normal rank)
    team = run(
        graph_store,
        "truthy_values",
        subject=ID + "organisation/gdansk-team-immigrant-integration-model",
    )
    assert {(r["value"], r["rank"]) for r in team} == {("2015", "normal"), ("2015-04", "normal")}


def test_timelines_say_which_dates_are_curators_readings(graph_store):
    rows = run(graph_store, "document_timeline")
    kinds = {r["document"].rsplit("/", 1)[1]: (r["date"], r["dateKind"]) for r in rows}
    # "June 30, this year": the year is the curators' reading; the article states 2017 itself
    assert kinds["pomeranian-regional-declaration-2017"] == ("2017-06-30", "curators' reading")
    assert kinds["ump-mayors-declaration-2017"] == ("2017", "stated")
    timeline = run(graph_store, "policy_timeline")
    assert {r["dateKind"] for r in timeline} == {"stated", "curators' reading"}
