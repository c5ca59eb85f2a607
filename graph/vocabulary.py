"""The ontology and the shapes read back from the store, for their human documentation.

Generated from the ontology graph itself, so the documentation cannot drift from the OWL file.
(pyLODE would be the obvious tool; its 3.4 wheel fails at import and 3.2 has another API.)
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from uikg.graph.reader import Reader

PREFIXES = """PREFIX owl: <http://www.w3.org/2002/07/owl#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX dct: <http://purl.org/dc/terms/>
PREFIX sh: <http://www.w3.org/ns/shacl#>
"""


@dataclass
class Term:
    iri: str
    kind: str
    labels: dict[str, str] = field(default_factory=dict)
    definition: str | None = None
    parents: list[str] = field(default_factory=list)
    domains: list[str] = field(default_factory=list)
    ranges: list[str] = field(default_factory=list)
    inverse: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]

    @property
    def label(self) -> str:
        return self.labels.get("en") or next(iter(self.labels.values()), self.name)


@dataclass
class OntologyDoc:
    iri: str
    title: str | None
    description: str | None
    version: str | None
    version_iri: str | None
    classes: list[Term]
    properties: list[Term]


_KINDS = {
    "http://www.w3.org/2002/07/owl#Class": "class",
    "http://www.w3.org/2002/07/owl#ObjectProperty": "object property",
    "http://www.w3.org/2002/07/owl#DatatypeProperty": "datatype property",
}


def ontology_doc(reader: Reader, graph: str) -> OntologyDoc | None:
    header = list(
        reader.query(
            PREFIXES
            + f"SELECT ?o ?title ?desc ?version ?viri WHERE {{ GRAPH <{graph}> {{ ?o a owl:Ontology "
            "OPTIONAL { ?o dct:title ?title } OPTIONAL { ?o dct:description ?desc } "
            "OPTIONAL { ?o owl:versionInfo ?version } OPTIONAL { ?o owl:versionIRI ?viri } } } LIMIT 1",
            union_default=False,
        )
    )
    if not header:
        return None
    row = header[0]
    terms: dict[str, Term] = {}
    for item in reader.query(
        PREFIXES + f"SELECT ?t ?type ?p ?v WHERE {{ GRAPH <{graph}> {{ ?t a ?type "
        "VALUES ?type { owl:Class owl:ObjectProperty owl:DatatypeProperty } FILTER(isIRI(?t)) "
        "OPTIONAL { ?t ?p ?v VALUES ?p { rdfs:label skos:definition rdfs:subClassOf "
        "rdfs:subPropertyOf rdfs:domain rdfs:range owl:inverseOf } } } }",
        union_default=False,
    ):
        iri = item["t"].value
        term = terms.setdefault(iri, Term(iri, _KINDS[item["type"].value]))
        if item["p"] is None:
            continue
        prop, value = item["p"].value.rsplit("#", 1)[-1], item["v"]
        if prop == "label":
            term.labels[value.language or ""] = value.value
        elif prop == "definition" and (value.language or "en") == "en":
            term.definition = value.value
        elif (
            hasattr(value, "value")
            and not value.value.startswith("_:")
            and type(value).__name__ == "NamedNode"
        ):
            target = {
                "subClassOf": term.parents,
                "subPropertyOf": term.parents,
                "domain": term.domains,
                "range": term.ranges,
                "inverseOf": term.inverse,
            }[prop]
            if value.value not in target:
                target.append(value.value)
    ordered = sorted(terms.values(), key=lambda t: t.name.lower())
    return OntologyDoc(
        iri=row["o"].value,
        title=row["title"].value if row["title"] else None,
        description=row["desc"].value if row["desc"] else None,
        version=row["version"].value if row["version"] else None,
        version_iri=row["viri"].value if row["viri"] else None,
        classes=[t for t in ordered if t.kind == "class"],
        properties=[t for t in ordered if t.kind != "class"],
    )


@dataclass
class ShapeDoc:
    iri: str
    targets: list[str]
    properties: list[dict[str, str | None]]


def shapes_doc(reader: Reader, graphs: list[str]) -> list[ShapeDoc]:
    """Node shapes with their targets and property constraints, for people filling in records."""
    from_clause = " ".join(f"FROM <{g}>" for g in graphs)
    shapes: dict[str, ShapeDoc] = {}
    targets: dict[str, list[str]] = defaultdict(list)
    for row in reader.query(
        PREFIXES + f"SELECT ?s ?target {from_clause} WHERE {{ ?s a sh:NodeShape FILTER(isIRI(?s)) "
        "OPTIONAL { ?s sh:targetClass ?target } } ORDER BY ?s"
    ):
        shapes.setdefault(row["s"].value, ShapeDoc(row["s"].value, [], []))
        if row["target"] is not None:
            targets[row["s"].value].append(row["target"].value)
    for row in reader.query(
        PREFIXES + f"SELECT ?s ?path ?min ?max ?severity ?message {from_clause} WHERE {{ "
        "?s sh:property ?p . ?p sh:path ?path FILTER(isIRI(?path)) "
        "OPTIONAL { ?p sh:minCount ?min } OPTIONAL { ?p sh:maxCount ?max } "
        "OPTIONAL { ?p sh:severity ?severity } OPTIONAL { ?p sh:message ?message } } ORDER BY ?s ?path"
    ):
        shape = shapes.get(row["s"].value)
        if shape is None:
            continue
        shape.properties.append(
            {
                "path": row["path"].value,
                "min": row["min"].value if row["min"] else None,
                "max": row["max"].value if row["max"] else None,
                "severity": row["severity"].value.rsplit("#", 1)[-1]
                if row["severity"]
                else "Violation",
                "message": row["message"].value if row["message"] else None,
            }
        )
    for iri, found in targets.items():
        shapes[iri].targets = sorted(set(found))
    return list(shapes.values())


def completions(reader: Reader) -> dict[str, list[str]]:
    """Classes and properties a query writer may want, for the workbench's autocomplete: what
    the ontology declares and what the shapes use (reused vocabularies included), so that
    completion needs nothing but this server."""
    rows = reader.query(
        PREFIXES + "PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> "
        "SELECT DISTINCT ?t ?kind WHERE { "
        '{ VALUES ?type { owl:Class rdfs:Class } ?t a ?type BIND("class" AS ?kind) } UNION '
        "{ VALUES ?type { owl:ObjectProperty owl:DatatypeProperty owl:AnnotationProperty "
        'rdf:Property } ?t a ?type BIND("property" AS ?kind) } UNION '
        '{ [] sh:path ?t BIND("property" AS ?kind) } UNION '
        '{ [] sh:class|sh:targetClass ?t BIND("class" AS ?kind) } '
        "FILTER(isIRI(?t)) } ORDER BY ?t"
    )
    found: dict[str, list[str]] = {"class": [], "property": []}
    for row in rows:
        found[row["kind"].value].append(row["t"].value)
    return found
