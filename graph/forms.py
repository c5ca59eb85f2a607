"""Contribution forms described from the SHACL shapes: which fields a kind of record has,
which are required, their datatypes, and the pick-lists (concept schemes, existing records).

The web form renders what ``form_for`` returns, so a field added to ``shapes/`` appears in the
form without code changes.

>>> sorted(KINDS)[:2]
['document', 'membership']
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import rdflib
from rdflib import RDF, SH, Literal, Namespace, URIRef

from uikg.graph.reader import Reader

UIKG = Namespace("https://w3id.org/uikg/ontology#")
SKOS = Namespace("http://www.w3.org/2004/02/skos/core#")
XSD = "http://www.w3.org/2001/XMLSchema#"
PICK_LIMIT = 300
PROV_DERIVED = "http://www.w3.org/ns/prov#wasDerivedFrom"


@dataclass(frozen=True)
class Kind:
    title: str
    cls: str
    slug_kind: str  # the {kind} of …/id/{kind}/{slug}
    types: tuple[str, ...]


KINDS = {
    "document": Kind("City policy document", UIKG.PolicyDocument, "document", (UIKG.LocalPolicy,)),
    "programme": Kind("Programme", UIKG.Programme, "programme", ()),
    "membership": Kind("Membership in a network or programme", UIKG.Involvement, "involvement", ()),
}


@dataclass
class Field:
    path: str
    name: str
    required: bool
    multiple: bool
    datatype: str | None = None
    lang: bool = False
    date: bool = False
    options: list[dict[str, str]] = field(default_factory=list)
    message: str | None = None


def _local(iri: str) -> str:
    return iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def load_shapes(folder: Path) -> rdflib.Graph:
    graph = rdflib.Graph()
    for path in sorted(folder.glob("*.ttl")):
        graph.parse(path, format="turtle")
    return graph


def _scheme_of(shapes: rdflib.Graph, node: Any) -> str | None:
    for prop in shapes.objects(node, SH.property):
        if shapes.value(prop, SH.path) == SKOS.inScheme:
            value = shapes.value(prop, SH.hasValue)
            if value is not None:
                return str(value)
    return None


def _options(store: Reader, *, scheme: str | None = None, cls: str | None = None) -> list[dict]:
    if scheme:
        where = f"?o <{SKOS.inScheme}> <{scheme}> ; <{SKOS.prefLabel}> ?l ."
    elif cls:
        where = f"?o a <{cls}> . OPTIONAL {{ ?o <http://www.w3.org/2000/01/rdf-schema#label> ?l }}"
    else:
        return []
    query = (
        f"SELECT ?o (SAMPLE(?en) AS ?label) (SAMPLE(?pl) AS ?labelPl) WHERE {{ {where} "
        'BIND(IF(lang(?l) = "en" || lang(?l) = "", ?l, ?unbound) AS ?en) '
        'BIND(IF(lang(?l) = "pl", ?l, ?unbound) AS ?pl) } '
        f"GROUP BY ?o ORDER BY LCASE(STR(SAMPLE(?en))) LIMIT {PICK_LIMIT}"
    )
    out = []
    for row in store.query(query):
        iri = row["o"].value
        label = row["label"].value if row["label"] is not None else _local(iri)
        option = {"value": iri, "label": label}
        if row["labelPl"] is not None:
            option["labelPl"] = row["labelPl"].value
        out.append(option)
    return out


def form_for(kind_name: str, shapes: rdflib.Graph, store: Reader) -> dict[str, Any]:
    """The fields of one kind of record, merged over every shape that targets its class."""
    kind = KINDS[kind_name]
    fields: dict[str, Field] = {}
    for shape in shapes.subjects(SH.targetClass, URIRef(kind.cls)):
        if (shape, SH.severity, SH.Info) in shapes:
            continue
        for prop in shapes.objects(shape, SH.property):
            path = shapes.value(prop, SH.path)
            if not isinstance(path, URIRef) or (prop, SH.severity, SH.Info) in shapes:
                continue
            item = fields.setdefault(str(path), Field(str(path), _local(str(path)), False, True))
            name = shapes.value(prop, SH.name)
            if name is not None:
                item.name = str(name)
            min_count = shapes.value(prop, SH.minCount)
            if isinstance(min_count, Literal) and int(min_count) > 0:
                warning = (prop, SH.severity, SH.Warning) in shapes
                item.required = item.required or not warning
            max_count = shapes.value(prop, SH.maxCount)
            if isinstance(max_count, Literal) and int(max_count) == 1:
                item.multiple = False
            datatype = shapes.value(prop, SH.datatype)
            if datatype is not None:
                item.datatype = str(datatype)
                item.lang = str(datatype) == str(RDF.langString)
            message = shapes.value(prop, SH.message)
            if message is not None and item.message is None:
                item.message = str(message)
            node = shapes.value(prop, SH.node)
            if node is not None and str(node).endswith("PartialDate"):
                item.date = True
            scheme = _scheme_of(shapes, node) if node is not None else None
            classes = [str(c) for c in shapes.objects(prop, SH["class"])]
            or_list = shapes.value(prop, SH["or"])
            if or_list is not None:
                for member in rdflib.collection.Collection(shapes, or_list):
                    classes += [str(c) for c in shapes.objects(member, SH["class"])]
            if not item.options:
                if scheme:
                    item.options = _options(store, scheme=scheme)
                for cls in classes:
                    item.options += _options(store, cls=cls)
    # Shapes aimed at whoever uses a property (e.g. shp:Period on uikg:startDate) type it too.
    for shape in set(shapes.subjects(SH.targetSubjectsOf, None)):
        for prop in shapes.objects(shape, SH.property):
            used = fields.get(str(shapes.value(prop, SH.path)))
            node = shapes.value(prop, SH.node)
            if used is not None and node is not None and str(node).endswith("PartialDate"):
                used.date = True
    # The contribution policy (graph.contributions.check) wants a source on every record.
    source = fields.setdefault(PROV_DERIVED, Field(PROV_DERIVED, "source work", True, True))
    source.required = True
    source.message = source.message or "Name the work the record comes from."
    if not source.options:
        source.options = _options(store, cls=str(UIKG.Publication))
    ordered = sorted(fields.values(), key=lambda f: (not f.required, f.name.lower()))
    return {
        "kind": kind_name,
        "title": kind.title,
        "class": kind.cls,
        "types": list(kind.types),
        "slugKind": kind.slug_kind,
        "fields": [asdict(f) for f in ordered],
    }
