"""What an entity page opens with: the answer a reader came for, from named queries.

A city's page leads with the integration models its policies follow or reject, its documents
in time, its bodies and who coordinates, its memberships and where it departs from national
policy; a document's with who adopted it when, its status, model and areas; and so on for each
kind. Every section is a query in ``queries/`` (so the same answer is a REST operation and a
competency question), and every row names the evidence unit it comes from, so each summary line
shows its source and quote.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from pyoxigraph import BlankNode, Literal, NamedNode

from uikg.graph.describe import UIKG, Evidence, evidence_units, labels
from uikg.graph.namespaces import OWL, SKOS
from uikg.graph.queries import NamedQuery
from uikg.graph.reader import Reader

Term = NamedNode | BlankNode | Literal
Row = dict[str, Term]

# Most specific first: a policy document is also a work, a city also a place.
KINDS = (
    (UIKG + "EvidenceUnit", "unit"),
    (UIKG + "City", "city"),
    (UIKG + "Region", "city"),
    (UIKG + "Country", "country"),
    (UIKG + "PolicyDocument", "document"),
    (UIKG + "Programme", "programme"),
    (UIKG + "Project", "programme"),
    (UIKG + "FundingInstrument", "programme"),
    (UIKG + "Organisation", "organisation"),
    (UIKG + "Person", "person"),
    (UIKG + "Publication", "work"),
    (SKOS + "Concept", "concept"),
)

# Each kind's sections: (section, named query, the query's parameter for the thing).
PLAN: dict[str, tuple[tuple[str, str, str], ...]] = {
    "city": (
        ("models", "place_models", "place"),
        ("documents", "place_documents", "place"),
        ("actors", "place_actors", "place"),
        ("memberships", "place_memberships", "place"),
        ("divergences", "place_divergences", "place"),
        ("facts", "key_facts", "thing"),
    ),
    "country": (
        ("models", "place_models", "place"),
        ("documents", "place_documents", "place"),
        ("divergences", "place_divergences", "place"),
        ("facts", "key_facts", "thing"),
    ),
    "document": (("facts", "key_facts", "thing"),),
    "programme": (("facts", "key_facts", "thing"),),
    "organisation": (("facts", "key_facts", "thing"), ("roles", "agent_roles", "agent")),
    "person": (("roles", "agent_roles", "agent"), ("facts", "key_facts", "thing")),
    "work": (("facts", "key_facts", "thing"), ("passages", "work_passages", "work")),
    "concept": (("uses", "concept_uses", "concept"), ("facts", "key_facts", "thing")),
    "unit": (),
}


@dataclass
class Summary:
    """The sections' rows (pyoxigraph terms by column), the evidence units they name, and the
    labels of everything in them (every language: the page picks the reader's)."""

    kind: str
    sections: dict[str, list[Row]] = field(default_factory=dict)
    evidence: dict[str, Evidence] = field(default_factory=dict)
    labels: dict[str, list[Literal]] = field(default_factory=dict)


def kind_of(types: list[str]) -> str | None:
    for iri, kind in KINDS:
        if iri in types:
            return kind
    return None


def run(reader: Reader, query: NamedQuery, base: str, **values: str) -> list[Row]:
    """A named query's rows, its parameters bound through substitutions (as the REST API does)."""
    solutions = reader.query(query.text, substitutions=query.bind(values, base))
    names = [variable.value for variable in solutions.variables]
    return [
        {name: solution[name] for name in names if solution[name] is not None}
        for solution in solutions
    ]


def summarise(
    reader: Reader,
    catalogue: dict[str, NamedQuery],
    base: str,
    iri: str,
    types: list[str],
    known: dict[str, list[Literal]] | None = None,
) -> Summary | None:
    """The summary of the thing ``iri`` of these ``types``; ``None`` for kinds without one.

    ``known`` are labels the caller already has (the description's), not fetched again.
    """
    kind = kind_of(types)
    if kind is None:
        return None
    summary = Summary(kind)
    for section, name, parameter in PLAN[kind]:
        summary.sections[section] = run(reader, catalogue[name], base, **{parameter: iri})
    units = sorted(
        {
            row["unit"].value
            for rows in summary.sections.values()
            for row in rows
            if isinstance(row.get("unit"), NamedNode)
        }
    )
    summary.evidence = evidence_units(reader, units, with_statements=False)
    known = known or {}
    named = {
        term.value
        for rows in summary.sections.values()
        for row in rows
        for term in row.values()
        if isinstance(term, NamedNode)
    } | {item.work for item in summary.evidence.values() if item.work}
    found: dict[str, list[Literal]] = defaultdict(list)
    for triple in labels(reader, sorted(named - set(known))):
        found[triple.subject.value].append(triple.object)  # type: ignore[union-attr,arg-type]
    summary.labels = {**known, **found}
    return summary


def inverse_properties(reader: Reader, predicates: list[str]) -> dict[str, str]:
    """Each property's ``owl:inverseOf`` (either way round), so that a statement pointing at
    a thing reads forward ("governed by", not "is governs of")."""
    if not predicates:
        return {}
    values = " ".join(f"<{p}>" for p in predicates)
    found = {}
    for row in reader.query(
        f"SELECT ?p ?inverse WHERE {{ VALUES ?p {{ {values} }} "
        f"{{ ?p <{OWL}inverseOf> ?inverse }} UNION {{ ?inverse <{OWL}inverseOf> ?p }} "
        "FILTER(isIRI(?inverse)) }"
    ):
        found[row["p"].value] = row["inverse"].value
    return found
