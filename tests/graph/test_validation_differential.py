"""The fast validation path gives plain pySHACL's report, for every shape example.

``graph/validation.py`` runs pySHACL over shapes compiled once and an in-memory Oxigraph data
graph (so ``sh:sparql`` runs in Oxigraph), and contributions add only the superclasses the
record uses instead of the whole ontology. Each of those is pinned here to the reference:
``pyshacl.validate`` with an rdflib data graph holding the whole ontology, shapes parsed for
the call, the same options.
"""

from __future__ import annotations

from functools import cache

import pyshacl
import pytest
from pyoxigraph import NamedNode
from rdflib import RDF, BNode, Graph, Literal, URIRef
from rdflib.compare import to_isomorphic
from rdflib.term import Node

from tests.graph.test_validation import CASES, GOOD, PREFIXES, ROOT, ontology
from uikg.graph.build import from_rdflib
from uikg.graph.contributions import Rules
from uikg.graph.validation import OPTIONS, SH, Shapes, load_shapes, validate

XSD_STRING = URIRef("http://www.w3.org/2001/XMLSchema#string")
EXAMPLES = {"GOOD": "", **{shape: extra for shape, (extra, _, _) in CASES.items()}}


@cache
def compiled() -> Shapes:
    return Shapes(load_shapes([ROOT / "shapes"]), ontology())


def example(name: str) -> Graph:
    return Graph().parse(data=GOOD + EXAMPLES[name], format="turtle")


def reference(data: Graph) -> Graph:
    """Plain pySHACL: rdflib data graph with the whole ontology, shapes parsed for this call."""
    union = Graph()
    for triple in data:
        union.add(triple)
    for triple in ontology():
        union.add(triple)
    _, report, _ = pyshacl.validate(union, shacl_graph=load_shapes([ROOT / "shapes"]), **OPTIONS)
    return report


def same_literals(report: Graph) -> Graph:
    """``"x"^^xsd:string`` as ``"x"``: one literal in RDF 1.1, two in rdflib; Oxigraph gives the
    first, rdflib's parser the second."""
    out = Graph()
    for s, p, o in report:
        if isinstance(o, Literal) and o.datatype == XSD_STRING:
            o = Literal(str(o))
        out.add((s, p, o))
    return out


def shape(report: Graph, node: Node) -> object:
    """A source shape: its IRI, or for a blank node what it says (ids differ between parses)."""
    if not isinstance(node, BNode):
        return node
    return frozenset((p, o) for p, o in report.predicate_objects(node) if not isinstance(o, BNode))


def findings(report: Graph, about: set[str] | None = None) -> set[tuple[object, ...]]:
    """Every result (about one of ``about`` when given) as a tuple of its fields."""
    report = same_literals(report)
    keys = (
        SH.focusNode,
        SH.resultPath,
        SH.value,
        SH.resultSeverity,
        SH.sourceConstraintComponent,
        SH.resultMessage,
    )
    return {
        (
            *(frozenset(report.objects(node, key)) for key in keys),
            frozenset(shape(report, s) for s in report.objects(node, SH.sourceShape)),
        )
        for node in report.subjects(RDF.type, SH.ValidationResult)
        if about is None or str(report.value(node, SH.focusNode)) in about
    }


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_the_fast_path_gives_pyshacls_report(name: str) -> None:
    data = example(name)
    expected, got = reference(data), validate(data, compiled(), ontology()).graph
    assert findings(got) == findings(expected)
    assert to_isomorphic(same_literals(got)) == to_isomorphic(same_literals(expected))
    assert (name == "GOOD") == (len(findings(expected)) == 0)


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_the_superclasses_a_record_uses_are_enough(name: str) -> None:
    """What contributions union in (the superclasses of the classes used, the triples of the
    IRIs named, as the closure fetches them) finds what the whole ontology finds about the
    record's own things, the only results a contribution's report keeps."""
    data = from_rdflib(example(name))
    named = {t.subject for t in data} | {t.object for t in data if isinstance(t.object, NamedNode)}
    known = [t for t in from_rdflib(ontology()) if t.subject in named]
    part = Rules.load().hierarchy_for([*data, *known])
    whole = validate(example(name), compiled(), ontology())
    sliced = validate([*data, *known, *part], compiled())
    assert len(part) < len(from_rdflib(ontology())) / 10
    subjects = {t.subject.value for t in data}
    assert findings(sliced.graph, subjects) == findings(whole.graph, subjects)
    assert (name == "GOOD") == (not findings(whole.graph, subjects))


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_validating_only_some_things_gives_the_full_reports_results_about_them(name: str) -> None:
    """``focus`` (what a contribution validates: its own subjects, the rest being context)
    cuts only the shapes' top-level targets; nested checks of referenced things still run."""
    extra = Graph().parse(data=PREFIXES + (EXAMPLES[name] or GOOD), format="turtle")
    focus = {str(s) for s in extra.subjects() if isinstance(s, URIRef)}
    whole = validate(example(name), compiled(), ontology())
    focused = validate(example(name), compiled(), ontology(), focus=focus)
    assert findings(focused.graph, focus) == findings(whole.graph, focus)
    top = {r.focus_node for r in focused.results} - {r.focus_node for r in whole.results}
    assert not top
    assert (name == "GOOD") == (not findings(whole.graph, focus))
