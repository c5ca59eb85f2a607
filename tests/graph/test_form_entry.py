"""The web form's values as a record (graph/form_entry.py, graph/entries.py): what people typed,
typed or flagged next to its field; new things where the shapes allow them; a new source, or a
new passage of a work the graph holds; picks checked against the graph; refusals that name the
place in the body."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from pyoxigraph import Literal, NamedNode, Quad

from uikg.graph.errors import BadRequest
from uikg.graph.form_entry import Form
from uikg.graph.forms import Catalogue, existing
from uikg.graph.store.embedded import EmbeddedStore
from uikg.graph.validation import ValidationResult

BASE = "https://w3id.org/uikg/"
U = BASE + "ontology#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
IN_SCHEME = "http://www.w3.org/2004/02/skos/core#inScheme"
LUBLIN = BASE + "id/city/lublin"
POLAND = BASE + "id/country/poland"
STRATEGY = BASE + "id/concept/document-kind/strategy"
ARTICLE = BASE + "id/work/article-role-of-cities"


def _quads() -> list[Quad]:
    def q(s: str, p: str, o: NamedNode | Literal) -> Quad:
        return Quad(NamedNode(s), NamedNode(p), o)

    return [
        q(LUBLIN, RDF_TYPE, NamedNode(U + "City")),
        q(LUBLIN, RDF_TYPE, NamedNode(U + "Place")),
        q(LUBLIN, LABEL, Literal("Lublin", language="pl")),
        q(LUBLIN, U + "country", NamedNode(POLAND)),
        q(POLAND, RDF_TYPE, NamedNode(U + "Country")),
        q(POLAND, RDF_TYPE, NamedNode(U + "Place")),
        q(POLAND, LABEL, Literal("Poland", language="en")),
        q(STRATEGY, IN_SCHEME, NamedNode(BASE + "id/scheme/document-kind")),
        q(STRATEGY, LABEL, Literal("strategy", language="en")),
        q(ARTICLE, RDF_TYPE, NamedNode(U + "Publication")),
        q(ARTICLE, RDF_TYPE, NamedNode(U + "Work")),
        q(ARTICLE, LABEL, Literal("The role of cities", language="en")),
    ]


@pytest.fixture(scope="module")
def store() -> Iterator[EmbeddedStore]:
    memory = EmbeddedStore(None)
    memory.engine.extend(_quads())
    yield memory
    memory.close()


def form(store: EmbeddedStore, lang: str = "en", kind: str = "document") -> Form:
    return Form(Catalogue.default(), kind, lang, store, BASE, lambda iris: existing(store, iris))


def triples_of(built, subject: str) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for t in built.triples:
        if t.subject.value == subject:
            found.setdefault(t.predicate.value, []).append(t.object.value)
    return found


def test_a_date_people_type_wrong_is_a_problem_of_its_field_in_their_language(store) -> None:
    for lang, words in (("en", "takes a date as YYYY"), ("pl", "przyjmuje datę w formacie RRRR")):
        entry, problems = form(store, lang).read({"values": {"adoptionDate": ["2024-13"]}})
        [problem] = problems
        assert problem.field == "adoptionDate" and problem.value == "2024-13"
        assert words in problem.message and problem.severity == "Violation"
        assert "adoptionDate" not in entry.values  # nothing ill-typed goes into the record
    entry, problems = form(store).read({"values": {"adoptionDate": ["2024-02-29", ""]}})
    assert problems == [] and entry.values["adoptionDate"][0].datatype.value.endswith("#date")
    _, problems = form(store).read({"values": {"adoptionDate": ["2023-02-29"]}})
    assert [p.field for p in problems] == ["adoptionDate"]  # not a day of the calendar


def test_a_new_city_carries_its_name_kind_and_country(store) -> None:
    new = {"new": {"label": "Nowa Dęba", "class": U + "City", "values": {"country": [POLAND]}}}
    built, problems = form(store).prepare(
        {"values": {"label": [{"text": "Strategia", "lang": "pl"}], "jurisdiction": [new]}}
    )
    assert problems == []
    city = BASE + "id/city/nowa-deba"
    assert triples_of(built, city) == {
        RDF_TYPE: [U + "City"],
        LABEL: ["Nowa Dęba"],
        U + "country": [POLAND],
    }
    assert city in triples_of(built, built.subject)[U + "jurisdiction"]
    missing = ValidationResult(city, U + "country", None, "Violation", "…", None)
    assert built.key_of(missing) == ("jurisdiction", "country")


def test_a_new_person_has_the_name_the_shapes_want(store) -> None:
    new = {"new": {"label": "Marta Siciarek", "class": U + "Person"}}
    built, _ = form(store).prepare({"values": {"signedBy": [new]}})
    person = triples_of(built, BASE + "id/person/marta-siciarek")
    assert person["http://xmlns.com/foaf/0.1/name"] == ["Marta Siciarek"]


def test_new_things_that_are_not_allowed_or_unnamed(store) -> None:
    _, problems = form(store).read(
        {"values": {"jurisdiction": [{"new": {"label": "", "class": U + "City"}}]}}
    )
    assert [(p.field, "name" in p.message) for p in problems] == [("jurisdiction", True)]
    _, problems = form(store).read(
        {"values": {"jurisdiction": [{"new": {"label": "X", "class": U + "EvidenceUnit"}}]}}
    )
    assert [p.field for p in problems] == ["jurisdiction"]
    with pytest.raises(BadRequest, match=r"values\.documentKind\[0\]\.new: .*list only"):
        form(store).read({"values": {"documentKind": [{"new": {"label": "x", "class": "y"}}]}})


def test_picks_must_be_of_the_fields_kind(store) -> None:
    _, problems = form(store).read(
        {"values": {"jurisdiction": [LUBLIN], "documentKind": [STRATEGY]}}
    )
    assert problems == []
    _, problems = form(store).read({"values": {"jurisdiction": [STRATEGY]}})
    assert [(p.field, p.message) for p in problems] == [
        ("jurisdiction", "Choose “Place it applies to” from the list.")
    ]
    new = {"new": {"label": "Nowa Dęba", "class": U + "City", "values": {"country": [LUBLIN]}}}
    _, problems = form(store).read({"values": {"jurisdiction": [new]}})
    assert [(p.field, p.subfield) for p in problems] == [("jurisdiction", "country")]


@pytest.mark.parametrize(
    ("payload", "where"),
    [
        ([], "JSON object"),
        ({"values": []}, "values: expected an object"),
        ({"values": {"manifesto": ["x"]}}, "values.manifesto: not a field"),
        ({"values": {"adoptionDate": [2024]}}, r"values.adoptionDate[0]: expected a text"),
        ({"values": {"label": [{"text": "x", "lang": "xx"}]}}, "values.label[0].lang"),
        ({"values": {"jurisdiction": ["not an iri"]}}, "values.jurisdiction[0] is not a valid"),
        ({"values": {"status": ["x"] * 51}}, "at most 50 values"),
        ({"values": {"source.title": ["x" * 10_001]}}, "at most 10000 characters"),
    ],
)
def test_a_body_that_is_not_a_form_is_refused_naming_the_place(store, payload, where) -> None:
    with pytest.raises(BadRequest) as refused:
        form(store).read(payload)
    assert where in refused.value.detail


def test_a_new_source_is_a_work_and_the_records_own_passage(store) -> None:
    publisher = {"new": {"label": "Urząd Miasta Lublin", "class": U + "Municipality"}}
    built, problems = form(store).prepare(
        {
            "values": {
                "label": [{"text": "Lublin strategy", "lang": "en"}],
                "source.kind": [U + "Report"],
                "source.url": ["https://lublin.eu/strategy.pdf"],
                "source.title": ["Strategia"],
                "source.language": ["pl"],
                "source.publisher": [publisher],
                "source.date": ["2024-05-12"],
                "source.quotation": ["Rada Miasta przyjęła strategię w maju 2024 roku."],
                "source.locator": ["s. 4"],
            }
        }
    )
    assert [p.message for p in problems if p.severity == "Violation"] == []
    [unit] = triples_of(built, built.subject)[U + "evidence"]
    assert re.fullmatch(BASE + r"graph/evidence/strategia-[0-9a-f]{6}/s-4-[0-9a-f]{6}", unit)
    [work] = triples_of(built, unit)[U + "evidenceFrom"]
    described = triples_of(built, work)
    assert described[RDF_TYPE] == [U + "Report"]
    assert described[U + "publicationDate"] == ["2024-05-12"]
    [org] = described[U + "publisher"]
    assert org == BASE + "id/organisation/urzad-miasta-lublin"
    assert triples_of(built, f"{unit}#passage")["http://www.w3.org/ns/oa#exact"] == [
        "Rada Miasta przyjęła strategię w maju 2024 roku."
    ]


def test_a_new_passage_of_a_work_the_graph_holds(store) -> None:
    values = {
        "label": [{"text": "Lublin strategy", "lang": "en"}],
        "source.work": [ARTICLE],
        "source.quotation": ["Lublin adopted a strategy for newcomers."],
        "source.locator": ["p. 12"],
    }
    built, problems = form(store).prepare({"values": values})
    assert problems == []
    [unit] = triples_of(built, built.subject)[U + "evidence"]
    assert unit.startswith(BASE + "graph/evidence/article-role-of-cities/p-12-")
    assert triples_of(built, unit)[U + "evidenceFrom"] == [ARTICLE]
    assert triples_of(built, unit)[LABEL] == ["The role of cities, p. 12"]
    assert triples_of(built, ARTICLE) == {}  # the held work is not described again
    both = dict(values, **{"source.title": ["Another title"]})
    _, problems = form(store).prepare({"values": both})
    assert [p.field for p in problems] == ["source.work"]
    unquoted = {k: v for k, v in values.items() if k != "source.quotation"}
    _, problems = form(store).prepare({"values": unquoted})
    assert [p.field for p in problems] == ["source.quotation"]


def test_a_quote_too_short_is_said_with_the_shapes_bound(store) -> None:
    _, problems = form(store, "pl").read({"values": {"source.quotation": ["Tak."]}})
    assert [p.message for p in problems] == [
        "Pole „Cytowany fragment” wymaga co najmniej 10 znaków."
    ]


def test_a_record_adding_to_a_thing_the_graph_holds_is_told_so(store) -> None:
    _, problems = form(store).prepare({"values": {}, "identifier": "lublin"})
    assert problems == []  # a document named lublin is not the city
    built, problems = form(store, kind="programme").prepare(
        {"values": {"jurisdiction": [{"new": {"label": "Lublin", "class": U + "City"}}]}}
    )
    assert BASE + "id/city/lublin" in built.new
    assert [(p.field, p.severity) for p in problems] == [("jurisdiction", "Violation")]
    assert "already has “Lublin”" in problems[0].message
