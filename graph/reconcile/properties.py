"""Properties clients constrain on and pull as columns: our named ones (country, city, year,
integration model, documents, Wikidata id) and any property IRI, read one query per property
for many things at once."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from pyoxigraph import Literal, NamedNode

from uikg.graph.errors import BadRequest
from uikg.graph.namespaces import PREFIXES
from uikg.graph.reader import Reader
from uikg.graph.reconcile.index import SPARQL_PREFIXES, Index
from uikg.graph.search import fold
from uikg.graph.sparql.guard import check_iri

XSD = PREFIXES["xsd"]


@dataclass(frozen=True)
class Extension:
    """A property clients can constrain on and pull as a column: a pattern from ``?item`` to
    ``?value``. Any property IRI of the graph works too (``?item <pid> ?value``)."""

    id: str
    name: str
    pattern: str
    types: tuple[str, ...]  # uikg class local names it is proposed for
    value_type: str | None = None  # class of entity values, for the extension's metadata
    description: str = ""


EXTENSIONS: dict[str, Extension] = {
    e.id: e
    for e in (
        Extension(
            "country",
            "country",
            "{ ?item uikg:country ?value } UNION "
            "{ ?item uikg:jurisdiction ?place . ?place uikg:country ?value }",
            ("City", "Region", "PolicyDocument"),
            "Country",
            "The country of a city or region, or of a document's jurisdiction",
        ),
        Extension(
            "integration-model",
            "integration model",
            "{ ?item uikg:followsModel ?value } UNION "
            "{ ?doc uikg:jurisdiction ?item ; uikg:followsModel ?value }",
            ("City", "PolicyDocument", "Organisation", "Programme"),
            None,
            "The integration models it follows, or its policy documents follow, by the sources",
        ),
        Extension(
            "documents",
            "policy documents",
            "?value uikg:jurisdiction ?item ; a uikg:PolicyDocument .",
            ("City", "Country", "Region"),
            "PolicyDocument",
            "Policy documents whose jurisdiction it is",
        ),
        Extension(
            "city",
            "city",
            "?item uikg:jurisdiction|uikg:basedIn ?value . ?value a uikg:City .",
            ("PolicyDocument", "Organisation"),
            "City",
            "The city of a document (its jurisdiction) or of an organisation (where it is based)",
        ),
        Extension(
            "year",
            "year",
            "?item uikg:adoptionDate|<http://purl.org/dc/terms/date> ?date "
            "BIND(xsd:integer(SUBSTR(STR(?date), 1, 4)) AS ?value)",
            ("PolicyDocument", "Programme", "Publication"),
            None,
            "Year of adoption or publication",
        ),
        Extension(
            "wikidata",
            "Wikidata id",
            "?item uikg:wikidataId ?value .",
            (),
            None,
            "The Wikidata item (Q-number) it is the same as",
        ),
    )
}


def property_id(pid: str, where: str) -> str:
    if pid in EXTENSIONS:
        return pid
    if ":" not in pid:
        raise BadRequest(
            f"{where}: unknown property {pid!r}; use one of {', '.join(EXTENSIONS)} or a property IRI"
        )
    check_iri(pid, f"{where}.pid")
    return pid


def pattern(pid: str) -> str:
    extension = EXTENSIONS.get(pid)
    return extension.pattern if extension else f"?item <{pid}> ?value ."


@dataclass(frozen=True)
class Value:
    term: NamedNode | Literal
    label: str | None


def property_values(reader: Reader, items: list[str], pid: str) -> dict[str, list[Value]]:
    """The values of one property for many things: one query, the things in a VALUES block."""
    found: dict[str, list[Value]] = defaultdict(list)
    if not items:
        return found
    values = " ".join(f"<{check_iri(i, 'id')}>" for i in items)
    seen: set[tuple[str, str]] = set()
    for row in reader.query(
        f"{SPARQL_PREFIXES}SELECT ?item ?value ?label WHERE {{ VALUES ?item {{ {values} }} "
        f"{pattern(pid)} OPTIONAL {{ ?value rdfs:label ?label "
        "FILTER(LANGMATCHES(LANG(?label), 'en') || LANG(?label) = '') } } "
        "ORDER BY ?item ?value ?label"
    ):
        key = (row["item"].value, str(row["value"]))
        if row["value"] is None or key in seen:
            continue
        seen.add(key)
        label = row["label"].value if row["label"] is not None else None
        found[row["item"].value].append(Value(row["value"], label))
    return found


def matches(wanted: Any, value: Value, index: Index) -> bool:
    term = value.term
    if isinstance(wanted, dict):
        return isinstance(term, NamedNode) and term.value == wanted["id"]
    text = str(wanted).lower() if isinstance(wanted, bool) else str(wanted)
    if isinstance(term, NamedNode):
        if term.value == text:
            return True
        entity = index.entities.get(term.value)
        names = entity.folded if entity else []
        return fold(text) in names or (value.label is not None and fold(value.label) == fold(text))
    return fold(term.value) == fold(text)


_INTEGERS = {
    XSD + t for t in ("integer", "int", "long", "short", "nonNegativeInteger", "positiveInteger")
}
_FLOATS = {XSD + t for t in ("decimal", "double", "float")}


def cell(value: Value, index: Index) -> dict[str, Any]:
    """One value as data extension writes it: an entity, or a string, number or date."""
    term = value.term
    if isinstance(term, NamedNode):
        entity = index.entities.get(term.value)
        name = value.label or (entity.name() if entity else term.value)
        return {"id": term.value, "name": name}
    datatype = term.datatype.value
    if datatype in _INTEGERS:
        try:
            return {"int": int(term.value)}
        except ValueError:
            pass
    if datatype in _FLOATS:
        try:
            return {"float": float(term.value)}
        except ValueError:
            pass
    if datatype == XSD + "dateTime" and ("Z" in term.value or "+" in term.value[10:]):
        return {"date": term.value}
    return {"str": term.value}
