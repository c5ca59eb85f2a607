"""Validating one record against ``shapes/`` together with what it references in the graph.

A record is checked with the *closure* of the existing things it names, fetched from the store
by two bounded ``CONSTRUCT`` queries (index lookups, so the cost follows the record, not the
graph): every triple of every IRI the record names, and the types and schemes of the things
its existing subjects point to. With the ontology's class hierarchy added, ``sh:class`` and
``sh:node`` constraints see what they need: a record pointing at an unknown city or at a concept
outside the scheme fails. Only results about the record's own subjects are reported; existing
things were validated when they were built or accepted.

Policy rules run beside SHACL and are reported the same way: a record must state its source;
it may not describe the ontology, the concept schemes, the project's graphs or provenance
records; and a literal of a common XSD datatype must be well typed where no shape already says
so (``sh:datatype`` does for the properties the shapes constrain).

The data graph holds the record, its closure, and of the ontology only the superclasses of the
classes they use: that is all ``sh:class`` and ``sh:targetClass`` need, and it keeps the cost
of a validation independent of the size of the ontology.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import rdflib
import rdflib.collection
from pyoxigraph import Literal, NamedNode, Quad, Triple
from rdflib import OWL, RDF, RDFS, URIRef

from uikg.graph.build import from_rdflib, to_rdflib
from uikg.graph.contributions.publish import held_elsewhere
from uikg.graph.contributions.record import Record, ill_typed
from uikg.graph.explain import DATATYPES
from uikg.graph.namespaces import DCT, PROV, UIKG
from uikg.graph.paths import DataPaths
from uikg.graph.store.base import Store
from uikg.graph.validation import (
    SH,
    Shapes,
    ValidationReport,
    ValidationResult,
    data_store,
    load_shapes,
    validate,
)

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
SKOS_IN_SCHEME = "http://www.w3.org/2004/02/skos/core#inScheme"
RDFS_SUBCLASS_OF = str(RDFS.subClassOf)

POLICY_SHAPE = "https://w3id.org/uikg/shapes#ContributionPolicy"
SOURCE_PREDICATES = (
    DCT + "source",
    PROV + "wasDerivedFrom",
    PROV + "hadPrimarySource",
    UIKG + "evidenceFrom",
)
_TBOX_PREDICATES = {
    str(p)
    for p in (
        RDFS.subClassOf,
        RDFS.subPropertyOf,
        RDFS.domain,
        RDFS.range,
        OWL.equivalentClass,
        OWL.equivalentProperty,
        OWL.inverseOf,
        OWL.disjointWith,
        OWL.propertyDisjointWith,
        OWL.onProperty,
        OWL.someValuesFrom,
        OWL.allValuesFrom,
        OWL.hasValue,
        OWL.unionOf,
        OWL.intersectionOf,
        OWL.imports,
        OWL.versionIRI,
    )
}
_TBOX_TYPES = {
    str(t)
    for t in (
        OWL.Class,
        OWL.ObjectProperty,
        OWL.DatatypeProperty,
        OWL.AnnotationProperty,
        OWL.FunctionalProperty,
        OWL.InverseFunctionalProperty,
        OWL.TransitiveProperty,
        OWL.SymmetricProperty,
        OWL.Ontology,
        OWL.Restriction,
        RDF.Property,
        RDFS.Class,
        URIRef("http://www.w3.org/2004/02/skos/core#ConceptScheme"),
    )
}


@dataclass(frozen=True)
class Rules:
    """What records are checked with, loaded once per process from the data folders."""

    shapes: Shapes  # compiled once; ``shapes.graph`` is the rdflib graph
    ontology: rdflib.Graph  # the whole TBox and schemes, for inferences
    hierarchy: rdflib.Graph  # only the class hierarchy
    functional: frozenset[str]  # predicates with at most one value per subject
    superclasses: Mapping[str, frozenset[tuple[str, str]]]  # class → subClassOf edges above it

    @classmethod
    @functools.cache
    def load(cls, shapes_dir: Path | None = None, ontology_dir: Path | None = None) -> Rules:
        paths = DataPaths.locate()
        shapes_graph = load_shapes([shapes_dir or paths.shapes])
        ontology_root = ontology_dir or paths.ontology
        folders = [ontology_root, *(p for p in sorted(ontology_root.rglob("*")) if p.is_dir())]
        ontology = load_shapes(folders)
        hierarchy = rdflib.Graph()
        for predicate in (RDFS.subClassOf, OWL.equivalentClass):
            for s, o in ontology.subject_objects(predicate):
                if isinstance(s, URIRef) and isinstance(o, URIRef):
                    hierarchy.add((s, predicate, o))
        for c, d in ontology.subject_objects(OWL.equivalentClass):  # C ≡ A ⊓ ∃p.{v} ⊑ A
            parts = ontology.value(d, OWL.intersectionOf) if isinstance(c, URIRef) else None
            if parts is not None:
                for part in rdflib.collection.Collection(ontology, parts):
                    if isinstance(part, URIRef):
                        hierarchy.add((c, RDFS.subClassOf, part))
        functional = {str(p) for p in ontology.subjects(RDF.type, OWL.FunctionalProperty)}
        for shape in shapes_graph.subjects(SH.maxCount, rdflib.Literal(1)):
            path = shapes_graph.value(shape, SH.path)
            if isinstance(path, URIRef):
                functional.add(str(path))
        return cls(
            Shapes(shapes_graph, ontology),
            ontology,
            hierarchy,
            frozenset(functional),
            _superclasses(hierarchy),
        )

    def hierarchy_for(self, triples: Iterable[Triple]) -> list[Triple]:
        """The ``rdfs:subClassOf`` edges above every class that ``triples`` give a thing."""
        edges: set[tuple[str, str]] = set()
        for triple in triples:
            if triple.predicate.value == RDF_TYPE and isinstance(triple.object, NamedNode):
                edges |= self.superclasses.get(triple.object.value, frozenset())
        subclass_of = NamedNode(RDFS_SUBCLASS_OF)
        return [Triple(NamedNode(s), subclass_of, NamedNode(o)) for s, o in sorted(edges)]


def _superclasses(hierarchy: rdflib.Graph) -> dict[str, frozenset[tuple[str, str]]]:
    """For each class, the subclass edges on every path up from it."""
    up: dict[str, set[str]] = {}
    for s, o in hierarchy.subject_objects(RDFS.subClassOf):
        up.setdefault(str(s), set()).add(str(o))
    found: dict[str, frozenset[tuple[str, str]]] = {}
    for start in up:
        edges: set[tuple[str, str]] = set()
        todo, seen = [start], {start}
        while todo:
            current = todo.pop()
            for parent in up.get(current, ()):
                edges.add((current, parent))
                if parent not in seen:
                    seen.add(parent)
                    todo.append(parent)
        found[start] = frozenset(edges)
    return found


def _values(iris: Iterable[str]) -> str:
    return " ".join(f"<{iri}>" for iri in sorted(iris))


def closure(
    store: Store,
    record: Record,
    limit: int,
    exclude: Iterable[str] = (),
    retract: Iterable[Quad] = (),
) -> tuple[list[Triple], bool]:
    """The published triples a record's validation needs; True when the limit cut them short.

    ``exclude`` names graphs and ``retract`` quads to leave out: what a contribution the
    record supersedes published (its graphs, and its ledger in the evidence units).
    """
    terms = record.terms - record.minted
    subjects = record.subjects - record.minted
    dataset: dict[str, object] = {}
    skip = set(exclude)
    if skip:
        dataset = {
            "default_graph": [g for g in store.named_graphs() if g not in skip],
            "union_default": False,
        }
    found: list[Triple] = []
    if terms:
        found += list(
            store.query(
                f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ VALUES ?s {{ {_values(terms)} }} ?s ?p ?o }} "
                f"LIMIT {limit + 1}",
                form="CONSTRUCT",
                **dataset,  # type: ignore[arg-type]
            )
        )
    if subjects and len(found) <= limit:
        found += list(
            store.query(
                "CONSTRUCT { ?o ?q ?t } WHERE { "
                f"VALUES ?s {{ {_values(subjects)} }} "
                f"VALUES ?q {{ <{RDF_TYPE}> <{SKOS_IN_SCHEME}> }} "
                f"?s ?p ?o . FILTER(isIRI(?o)) ?o ?q ?t }} LIMIT {limit + 1 - len(found)}",
                form="CONSTRUCT",
                **dataset,  # type: ignore[arg-type]
            )
        )
    retracted = set(retract)
    if retracted:
        gone = {q.triple for q in retracted} & set(found)
        if gone:
            kept = held_elsewhere(store, sorted(gone, key=str), retracted)
            found = [t for t in found if t not in gone or t in kept]
    return found[:limit], len(found) > limit


def _ill_typed(record: Record) -> list[ValidationResult]:
    """A finding per literal whose lexical form its XSD datatype does not allow."""
    findings = []
    for triple in record.triples:
        if isinstance(triple.object, Literal) and (problem := ill_typed(triple.object)):
            findings.append(
                ValidationResult(
                    focus_node=triple.subject.value,  # type: ignore[union-attr]
                    path=triple.predicate.value,
                    value=triple.object.value,
                    severity="Violation",
                    message=problem,
                    source_shape=POLICY_SHAPE,
                    constraint=str(SH.DatatypeConstraintComponent),
                    expected=DATATYPES.get(triple.object.datatype.value),
                )
            )
    return findings


def _policy(record: Record, base_iri: str) -> list[ValidationResult]:
    """The contribution rules SHACL does not say: a source, and hands off the ontology."""
    findings: list[ValidationResult] = []

    def refuse(triple: Triple, message: str) -> None:
        findings.append(
            ValidationResult(
                focus_node=triple.subject.value,  # type: ignore[union-attr]
                path=triple.predicate.value,
                value=triple.object.value
                if isinstance(triple.object, NamedNode | Literal)
                else None,
                severity="Violation",
                message=message,
                source_shape=POLICY_SHAPE,
            )
        )

    reserved = (
        (base_iri + "ontology", "the ontology"),
        ("https://w3id.org/uikg/ontology", "the ontology"),
        (base_iri + "id/scheme/", "a concept scheme"),
        (base_iri + "id/concept/", "a concept of the schemes"),
        (base_iri + "id/contribution/", "a contribution's provenance"),
        (base_iri + "id/contributor/", "a contributor's record"),
        ("http://www.w3.org/ns/shacl#", "SHACL"),
    )
    for triple in record.triples:
        subject = triple.subject.value  # type: ignore[union-attr]
        for prefix, what in reserved:
            if subject.startswith(prefix):
                refuse(
                    triple,
                    f"A record may not describe {what} (<{subject}>); the ontology, "
                    "schemes and provenance change only through the project.",
                )
                break
        else:
            if subject.startswith(base_iri + "graph/") and not subject.startswith(
                base_iri + "graph/evidence/"
            ):
                refuse(
                    triple,
                    f"<{subject}> is one of the project's reserved graphs; a record "
                    "may only describe new evidence units under …/graph/evidence/.",
                )
            elif (
                triple.predicate.value in _TBOX_PREDICATES
                or (triple.predicate.value == RDF_TYPE and triple.object.value in _TBOX_TYPES)  # type: ignore[union-attr]
                or triple.predicate.value.startswith("http://www.w3.org/ns/shacl#")
            ):
                refuse(
                    triple,
                    "A record may not define classes, properties or shapes; "
                    "propose ontology changes to the project instead.",
                )
    if not any(t.predicate.value in SOURCE_PREDICATES for t in record.triples):
        subject = sorted(record.subjects)[0] if record.subjects else None
        findings.append(
            ValidationResult(
                focus_node=subject,
                path=None,
                value=None,
                severity="Violation",
                message="State the record's source: dct:source or prov:wasDerivedFrom pointing to "
                "a work, a URL or a document (or uikg:evidenceFrom on an evidence unit).",
                source_shape=POLICY_SHAPE,
            )
        )
    return findings


def sources_of(record: Record) -> list[str]:
    return sorted(
        {
            t.object.value
            for t in record.triples
            if t.predicate.value in SOURCE_PREDICATES and isinstance(t.object, NamedNode)
        }
        | {
            t.object.value
            for t in record.triples
            if t.predicate.value in SOURCE_PREDICATES and isinstance(t.object, Literal)
        }
    )


@dataclass
class Checked:
    report: ValidationReport
    closure: list[Triple] = field(default_factory=list)
    truncated: bool = False


def check_record(
    store: Store | None,
    record: Record,
    rules: Rules,
    *,
    base_iri: str,
    closure_limit: int = 20_000,
    exclude: Iterable[str] = (),
    retract: Iterable[Quad] = (),
    languages: tuple[str, ...] = ("en",),
) -> Checked:
    """SHACL plus policy for one record; ``store=None`` checks the record alone.

    ``languages`` orders the labels of the report's words (the reader's, then English).
    """
    context, truncated = (
        closure(store, record, closure_limit, exclude, retract)
        if store is not None
        else ([], False)
    )
    data = data_store(record.triples, context, rules.hierarchy_for([*record.triples, *context]))
    report = validate(data, rules.shapes, languages=languages, focus=record.subjects)
    subjects = record.subjects
    results = [r for r in report.results if r.focus_node in subjects]
    said = {(r.focus_node, r.path, r.value) for r in results}
    policy = [
        r for r in _ill_typed(record) if (r.focus_node, r.path, r.value) not in said
    ] + _policy(record, base_iri)
    if truncated:
        policy.append(
            ValidationResult(
                focus_node=None,
                path=None,
                value=None,
                severity="Info",
                source_shape=POLICY_SHAPE,
                message=f"The record references more than {closure_limit} published triples; only "
                "that many were used to check it.",
            )
        )
    labels = rules.shapes.words.data_labels(data, languages)
    results += [rules.shapes.words.explain(r, None, labels, languages) for r in policy]
    results.sort(key=lambda r: r.sort_key)
    conforms = not any(r.severity == "Violation" for r in results)
    kept = ValidationReport(conforms, results, lambda: _report_graph(report.graph, results))
    return Checked(kept, context, truncated)


def _report_graph(source: rdflib.Graph, results: list[ValidationResult]) -> rdflib.Graph:
    """An ``sh:ValidationReport`` holding exactly ``results`` (pySHACL's nodes where they exist)."""
    graph = rdflib.Graph()
    graph.bind("sh", SH)
    report = rdflib.BNode()
    graph.add((report, RDF.type, SH.ValidationReport))
    conforms = not any(r.severity == "Violation" for r in results)
    graph.add((report, SH.conforms, rdflib.Literal(conforms)))
    index: dict[tuple[str, str | None], list[rdflib.term.Node]] = {}
    for node in source.subjects(RDF.type, SH.ValidationResult):
        focus = source.value(node, SH.focusNode)
        message = source.value(node, SH.resultMessage)
        index.setdefault((str(focus), str(message) if message else None), []).append(node)
    for result in results:
        nodes = index.get((result.focus_node or "None", result.message), [])
        if nodes:
            node = nodes.pop(0)
            _copy(source, node, graph)
        else:
            node = rdflib.BNode()
            graph.add((node, RDF.type, SH.ValidationResult))
            if result.focus_node:
                graph.add((node, SH.focusNode, URIRef(result.focus_node)))
            if result.path:
                graph.add((node, SH.resultPath, URIRef(result.path)))
            if result.value is not None:
                graph.add((node, SH.value, rdflib.Literal(result.value)))
            graph.add((node, SH.resultSeverity, SH[result.severity]))
            graph.add((node, SH.resultMessage, rdflib.Literal(result.message, lang="en")))
            if result.source_shape:
                graph.add((node, SH.sourceShape, URIRef(result.source_shape)))
        graph.add((report, SH.result, node))
    return graph


def _copy(source: rdflib.Graph, node: rdflib.term.Node, target: rdflib.Graph) -> None:
    todo, seen = [node], set()
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        seen.add(current)
        for p, o in source.predicate_objects(current):
            target.add((current, p, o))
            if isinstance(o, rdflib.BNode) and p != SH.sourceShape:
                todo.append(o)


@dataclass
class Diff:
    adds: list[Triple]
    present: list[Triple]
    contradicts: list[tuple[Triple, list[Triple]]]  # record triple → published triples it opposes

    def to_json(self) -> dict[str, object]:
        return {
            "adds": [str(t) for t in self.adds],
            "alreadyPublished": [str(t) for t in self.present],
            "contradicts": [
                {"record": str(t), "published": [str(o) for o in others]}
                for t, others in self.contradicts
            ],
        }


def diff(record: Record, published: list[Triple], rules: Rules) -> Diff:
    """What the record adds to the published graph, and where it opposes a one-valued property."""
    existing = set(published)
    mine = set(record.triples)
    adds = [t for t in record.triples if t not in existing]
    present = [t for t in record.triples if t in existing]
    contradicts = []
    for triple in adds:
        if triple.predicate.value in rules.functional:
            others = [
                t
                for t in published
                if t.subject == triple.subject and t.predicate == triple.predicate and t not in mine
            ]
            if others:
                contradicts.append((triple, others))
    return Diff(adds, present, contradicts)


def inferences(record: Record, published: list[Triple], rules: Rules) -> list[Triple]:
    """The new entailments queries rely on, for the record in the context of what it touches."""
    from uikg.graph.reasoning import materialise

    abox = to_rdflib(record.triples)
    to_rdflib(published, into=abox)
    known = set(published) | set(record.triples)
    return [t for t in from_rdflib(materialise(rules.ontology, abox)) if t not in known]
