"""OWL consistency (HermiT via owlready2) and the small, deterministic materialisation queries use.

Why two mechanisms: HermiT is the authority on whether the ontology and the data contradict each
other, but its full output is large and its run time grows with the data; the queries only need
a few entailments (supertypes, inverse/symmetric/super-properties, transitive place nesting and
the ``owl:hasValue`` class definitions), which :func:`materialise` computes with plain rdflib in
a fixpoint loop, the same way every time.
"""

from __future__ import annotations

import tempfile
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path

from rdflib import OWL, RDF, RDFS, BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.term import Node

from uikg.graph.errors import OntologyInconsistent

_UNSUPPORTED = ("#gYear", "#gYearMonth", "#date")
_BUILTIN = (str(OWL), str(RDF), str(RDFS), "http://www.w3.org/2001/XMLSchema#")


def _reasoning_copy(tbox: Graph, abox: Graph) -> Graph:
    """Union of TBox and ABox that HermiT can digest.

    Dropped: triples that use OWL/RDF built-ins as plain values (``void:linkPredicate
    owl:sameAs``), which would make owlready2 pun the built-in; literals whose datatype HermiT
    does not know (``xsd:gYear``, ``xsd:gYearMonth``, ``xsd:date``) become plain strings and
    ranges naming them are dropped — no axiom here constrains their values.
    """
    union = Graph()
    for s, p, o in (*tbox, *abox):
        if (
            isinstance(o, URIRef)
            and p != RDF.type
            and str(o).startswith(_BUILTIN)
            and p
            not in (
                RDFS.subClassOf,
                RDFS.subPropertyOf,
                OWL.equivalentClass,
                OWL.inverseOf,
                RDF.first,
                RDF.rest,
                OWL.onProperty,
                OWL.disjointWith,
                OWL.members,
                OWL.intersectionOf,
                OWL.unionOf,
                RDFS.domain,
                RDFS.range,
            )
        ):
            continue
        if (
            isinstance(o, Literal)
            and o.datatype is not None
            and str(o.datatype).endswith(_UNSUPPORTED)
        ):
            o = Literal(str(o))
        if p == RDFS.range and str(o).endswith(_UNSUPPORTED):
            continue
        union.add((s, p, o))
    return union


def check_consistency(tbox: Graph, abox: Graph) -> None:
    """Raise :class:`OntologyInconsistent` if ontology plus data has no model.

    Runs HermiT once on the union (a few seconds for the curated graph; Java is needed). The
    explanation names individuals typed with disjoint classes and unsatisfiable classes, which
    are the usual causes in curated data.
    """
    import owlready2  # imported here: it creates a global world at import time

    union = _reasoning_copy(tbox, abox)
    world = owlready2.World()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "union.owl"
        union.serialize(path, format="xml")
        onto = world.get_ontology(path.as_uri()).load()
        try:
            with onto:
                owlready2.sync_reasoner_hermit(world, infer_property_values=False, debug=0)
        except owlready2.OwlReadyInconsistentOntologyError as exc:
            raise OntologyInconsistent(_explain(tbox, abox) or f"HermiT: {exc}") from None
        unsat = [str(c.iri) for c in world.inconsistent_classes() if hasattr(c, "iri")]
    unsat = [c for c in unsat if not c.endswith("#Nothing")]
    if unsat:
        raise OntologyInconsistent("Unsatisfiable classes: " + ", ".join(sorted(unsat)))


def _disjoint_pairs(tbox: Graph) -> set[frozenset[Node]]:
    pairs: set[frozenset[Node]] = set()
    for a, b in tbox.subject_objects(OWL.disjointWith):
        pairs.add(frozenset((a, b)))
    for node in tbox.subjects(RDF.type, OWL.AllDisjointClasses):
        head = tbox.value(node, OWL.members)
        if head is None:
            continue
        members = list(Collection(tbox, head))
        pairs.update(frozenset((a, b)) for i, a in enumerate(members) for b in members[i + 1 :])
    return pairs


def _explain(tbox: Graph, abox: Graph) -> str:
    closed = Graph()
    for t in abox:
        closed.add(t)
    for t in materialise(tbox, abox):
        closed.add(t)
    lines: list[str] = []
    for pair in sorted(_disjoint_pairs(tbox), key=lambda p: sorted(map(str, p))):
        a, b = sorted(pair, key=str)
        both = set(closed.subjects(RDF.type, a)) & set(closed.subjects(RDF.type, b))
        lines.extend(
            f"{x} is both a {a} and a {b}, which the ontology declares disjoint"
            for x in sorted(both, key=str)
        )
    return "; ".join(lines)


def _closure(edges: dict[Node, set[Node]], start: Node) -> set[Node]:
    seen: set[Node] = set()
    todo = [start]
    while todo:
        for nxt in edges.get(todo.pop(), ()):
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return seen


def materialise(tbox: Graph, abox: Graph) -> Graph:
    """Return only the NEW triples that queries rely on.

    Rules: rdf:type along rdfs:subClassOf and named owl:equivalentClass (both ways); classes
    defined as ``A ⊓ ∃p.{v}``; rdfs:subPropertyOf; owl:inverseOf both ways; symmetric and
    transitive properties. Domain and range are not used to type things.

    >>> from rdflib import Namespace
    >>> ex = Namespace("http://example.org/")
    >>> t = Graph(); _ = t.add((ex.City, RDFS.subClassOf, ex.Place))
    >>> a = Graph(); _ = a.add((ex.gdansk, RDF.type, ex.City))
    >>> sorted(materialise(t, a))[0][2] == ex.Place
    True
    """
    sup_class: dict[Node, set[Node]] = defaultdict(set)
    for c, d in tbox.subject_objects(RDFS.subClassOf):
        if isinstance(d, URIRef):
            sup_class[c].add(d)
    defined: list[tuple[Node, list[Node], list[tuple[Node, Node]]]] = []
    for c, d in tbox.subject_objects(OWL.equivalentClass):
        if isinstance(c, URIRef) and isinstance(d, URIRef):
            sup_class[c].add(d)
            sup_class[d].add(c)
        elif isinstance(c, URIRef) and isinstance(d, BNode):
            parts = tbox.value(d, OWL.intersectionOf)
            if parts is None:
                continue
            named: list[Node] = []
            values: list[tuple[Node, Node]] = []
            for part in Collection(tbox, parts):
                prop, value = tbox.value(part, OWL.onProperty), tbox.value(part, OWL.hasValue)
                if isinstance(part, URIRef):
                    named.append(part)
                elif prop is not None and value is not None:
                    values.append((prop, value))
            if values:
                defined.append((c, named, values))
                for n in named:
                    sup_class[c].add(n)
    sup_prop: dict[Node, set[Node]] = defaultdict(set)
    for p, q in tbox.subject_objects(RDFS.subPropertyOf):
        if isinstance(q, URIRef):
            sup_prop[p].add(q)
    inverse: dict[Node, set[Node]] = defaultdict(set)
    for p, q in tbox.subject_objects(OWL.inverseOf):
        inverse[p].add(q)
        inverse[q].add(p)
    symmetric = set(tbox.subjects(RDF.type, OWL.SymmetricProperty))
    transitive = set(tbox.subjects(RDF.type, OWL.TransitiveProperty))

    known = Graph()
    for t in abox:
        known.add(t)
    new = Graph()

    def add(triples: Iterable[tuple[Node, Node, Node]]) -> bool:
        changed = False
        for t in triples:
            if t not in known:
                known.add(t)
                new.add(t)
                changed = True
        return changed

    changed = True
    while changed:
        changed = False
        batch: list[tuple[Node, Node, Node]] = []
        for s, p, o in list(known):
            if p == RDF.type:
                batch.extend((s, RDF.type, d) for d in _closure(sup_class, o))
                continue
            if isinstance(o, Literal):
                batch.extend((s, q, o) for q in _closure(sup_prop, p))
                continue
            batch.extend((s, q, o) for q in _closure(sup_prop, p))
            batch.extend((o, q, s) for q in inverse.get(p, ()))
            if p in symmetric:
                batch.append((o, p, s))
        for c, named, values in defined:
            candidates = None
            for n in named:
                members = set(known.subjects(RDF.type, n))
                candidates = members if candidates is None else candidates & members
            for prop, value in values:
                holders = set(known.subjects(prop, value))
                candidates = holders if candidates is None else candidates & holders
            batch.extend((x, RDF.type, c) for x in candidates or ())
        for p in transitive:
            pairs = list(known.subject_objects(p))
            edges: dict[Node, set[Node]] = defaultdict(set)
            for s, o in pairs:
                edges[s].add(o)
            batch.extend((s, p, o) for s in list(edges) for o in _closure(edges, s))
        changed = add(batch)
    return new
