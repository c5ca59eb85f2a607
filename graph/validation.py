"""SHACL validation of records against ``shapes/``, with a report written for people.

The build validates the union of all curated graphs; contributions validate one record together
with the published things it references. Both go through :func:`validate`, which returns a
:class:`ValidationReport` whose ``conforms`` is False only for ``sh:Violation`` results:
warnings and info are advice for the curator, not errors.

pySHACL is the validator. Three things make one record take milliseconds rather than a few
hundred (profile and figures in ``bench/README.md``):

- :class:`Shapes` compiles the shapes once per process (pySHACL's ``ShapesGraph`` and its
  ``Shape`` objects); pySHACL's entry point would rebuild them on every call.
- The data graph is an in-memory pyoxigraph store, which pySHACL supports natively: the
  ``sh:sparql`` constraints are then parsed and run by Oxigraph, not by rdflib's pyparsing
  grammar, which re-parsed every query for every focus node (half the time before).
- Callers pass only the part of the ontology the data needs (contributions: the superclasses
  of the classes the record and its closure use), not the whole TBox.

``tests/graph/test_validation_differential.py`` pins the report of every shape example to
plain pySHACL's (rdflib data graph, shapes parsed per call, the whole ontology).

>>> from rdflib import Graph
>>> report = validate(Graph(), Graph())
>>> report.conforms, report.results
(True, [])
"""

from __future__ import annotations

import functools
import json
import logging
import threading
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph
from pyshacl.graph_abstraction import DataGraph, OxigraphDataGraph
from pyshacl.shapes_graph import ShapesGraph
from pyshacl.validator import Validator, assign_baked_in
from rdflib import RDF, Graph, Literal, Namespace, URIRef
from rdflib.term import Node

from uikg.graph.explain import Words

SH = Namespace("http://www.w3.org/ns/shacl#")
_SEVERITY = {SH.Violation: "Violation", SH.Warning: "Warning", SH.Info: "Info"}
_ORDER = {"Violation": 0, "Warning": 1, "Info": 2}
_SUBCLASS = "http://www.w3.org/2000/01/rdf-schema#subClassOf"

#: pySHACL's options, the same for the build, contributions and the reference in the tests.
OPTIONS: dict[str, Any] = {
    "inference": "none",
    "advanced": True,
    "allow_warnings": True,
    "allow_infos": True,
}


@dataclass(frozen=True)
class ValidationResult:
    """One finding: which record, which property, which value, how bad, and what to do.

    ``focus_node``, ``path``, ``value``, ``source_shape`` and ``constraint`` are for programs
    (the web form places a finding next to the field of ``path``); ``field``, ``focus_label``,
    ``value_label``, ``expected`` and ``text`` say the same in words, with labels, not IRIs.
    """

    focus_node: str | None
    path: str | None
    value: str | None
    severity: str
    message: str
    source_shape: str | None
    constraint: str | None = None
    field: str | None = None
    focus_label: str | None = None
    value_label: str | None = None
    expected: str | None = None
    text: str | None = None

    def to_text(self) -> str:
        parts = [f"{self.severity}: {self.focus_node}"]
        if self.path:
            parts.append(f"property {self.path}")
        if self.value is not None:
            parts.append(f"value {self.value}")
        return " | ".join(parts) + f" — {self.message}"

    @property
    def sort_key(self) -> tuple[int, str, str, str]:
        return (_ORDER[self.severity], self.focus_node or "", self.path or "", self.message)


@dataclass
class ValidationReport:
    """``graph`` is the ``sh:ValidationReport``; ``source`` is it, or what builds it when first
    asked (only Turtle answers and the CLI need it)."""

    conforms: bool
    results: list[ValidationResult] = field(default_factory=list)
    source: Graph | Callable[[], Graph] = field(default_factory=Graph, repr=False)

    @functools.cached_property
    def graph(self) -> Graph:
        return self.source() if callable(self.source) else self.source

    @property
    def violations(self) -> list[ValidationResult]:
        return [r for r in self.results if r.severity == "Violation"]

    def to_text(self) -> str:
        if not self.results:
            return "Conforms: no violations, warnings or notes."
        head = "Conforms (warnings/notes only)." if self.conforms else "Does not conform."
        return "\n".join([head, *(r.to_text() for r in self.results)])

    def to_json(self) -> list[dict[str, str | None]]:
        return [asdict(r) for r in self.results]

    def __str__(self) -> str:  # pragma: no cover - convenience
        return json.dumps(self.to_json(), ensure_ascii=False, indent=2)


def load_shapes(paths: Iterable[Path]) -> Graph:
    """Parse the given Turtle files (or every ``*.ttl`` in given folders) into one graph."""
    shapes = Graph()
    for path in paths:
        files = sorted(path.glob("*.ttl")) if path.is_dir() else [path]
        for file in files:
            shapes.parse(file, format="turtle")
    return shapes


class _QuietIllTyped(logging.Filter):
    """rdflib logs a traceback for each ill-typed literal it converts; the report says it."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith("Failed to convert Literal lexical form")


class _Targeting:
    """A shape whose own targets are limited to ``focus`` (the things a record describes).

    pySHACL's ``focus_nodes`` option cannot do this: it also filters the value nodes that
    ``sh:node`` and ``sh:property`` pass to nested shapes, so a nested check of a concept or
    a referenced record would pass unseen. Here only the top-level targets are cut, and a shape
    validated with an explicit focus behaves as pySHACL validates its targets.
    """

    def __init__(self, shape: Any, focus: frozenset[Node]) -> None:
        self._shape = shape
        self._focus = focus

    def validate(self, executor: Any, graph: Any, focus: Any = None, **kwargs: Any) -> Any:
        if focus is not None:
            return self._shape.validate(executor, graph, focus, **kwargs)
        targets = [n for n in self._shape.focus_nodes(graph) if n in self._focus]
        if not targets:
            return True, []
        return self._shape.validate(executor, graph, targets, **kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._shape, name)


class _Targeted:
    """The compiled shapes graph as the validator's loop sees it: only the shapes that declare
    targets (the others are reached through ``sh:node``/``sh:property`` or never), targeting
    only ``focus`` when given."""

    def __init__(self, compiled: ShapesGraph, top: list[Any], focus: frozenset[Node] | None):
        self._compiled = compiled
        self._top = top
        self._focus = focus

    @property
    def shapes(self) -> list[Any]:
        if self._focus is None:
            return self._top
        return [_Targeting(shape, self._focus) for shape in self._top]

    def __getattr__(self, name: str) -> Any:
        return getattr(self._compiled, name)


class _Data(OxigraphDataGraph):  # type: ignore[misc, valid-type]
    """pySHACL's Oxigraph data graph, sized without a SPARQL ``COUNT`` per result.

    pySHACL tests the data graph's truth (``len``) for every result it builds; the base class
    answers with a ``COUNT(DISTINCT …)`` query. Our stores hold one graph of distinct triples,
    so the store's own length is the same number.
    """

    def __len__(self, context: Any = None) -> int:
        return len(self.impl) if context is None else int(super().__len__(context))


class _CompiledValidator(Validator):
    """pySHACL's validator over shapes compiled once (its constructor would compile them again)."""

    def __init__(self, data: DataGraph, shapes: _Targeted) -> None:
        placeholder = Graph(bind_namespaces="none")  # replaced below; never parsed
        super().__init__(data, shacl_graph=placeholder, options={**OPTIONS, "inplace": True})
        self.shacl_graph = shapes  # type: ignore[assignment]


def _targets(graph: Graph, shape: Any) -> tuple[bool, frozenset[Node] | None]:
    """Whether ``shape`` declares targets, and the classes they are when they are only classes
    (``sh:targetClass`` and implicit class targets; None when there are others)."""
    nodes, classes, implicit, objects_of, subjects_of = shape.target()
    classes = frozenset([*classes, *implicit])
    others = [*nodes, *objects_of, *subjects_of, *graph.objects(shape.node, SH.target)]
    return bool(classes or others), (None if others else classes)


def _classes_of(data: pyoxigraph.Store, things: Iterable[Node]) -> set[Node]:
    """The classes of ``things`` in ``data`` and, through ``rdfs:subClassOf``, above them."""
    rdf_type, subclass_of = pyoxigraph.NamedNode(str(RDF.type)), pyoxigraph.NamedNode(_SUBCLASS)
    todo: list[Any] = [
        quad.object
        for thing in things
        for quad in data.quads_for_pattern(pyoxigraph.NamedNode(str(thing)), rdf_type, None)
        if isinstance(quad.object, pyoxigraph.NamedNode)
    ]
    seen: set[str] = set()
    while todo:
        current = todo.pop()
        if current.value not in seen:
            seen.add(current.value)
            todo += [q.object for q in data.quads_for_pattern(current, subclass_of, None)]
    return {URIRef(c) for c in seen}


class Shapes:
    """The shapes, compiled once: what every validation in this process runs against.

    ``vocabulary`` (the ontology) only supplies labels for the report's words.
    """

    def __init__(self, graph: Graph, vocabulary: Graph | None = None) -> None:
        assign_baked_in()  # what pySHACL's entry point does before each run; idempotent
        rdflib_terms = logging.getLogger("rdflib.term")
        if not any(isinstance(f, _QuietIllTyped) for f in rdflib_terms.filters):
            rdflib_terms.addFilter(_QuietIllTyped())
        self.graph = graph
        self._compiled = ShapesGraph(graph)
        # The shapes that declare targets, in pySHACL's order, with their target classes when
        # those are all their targets (a record that has none of them cannot be their target).
        self._top: list[tuple[Any, frozenset[Node] | None]] = []
        for shape in self._compiled.shapes:  # harvested now, not on the first request
            shape.set_advanced(OPTIONS["advanced"])  # once, for nested uses too
            declares, classes = _targets(graph, shape)
            if declares:
                self._top.append((shape, classes))
        self.words = Words(graph, vocabulary)
        # pySHACL's Shape objects are shared by every run; one run at a time per process.
        self._lock = threading.Lock()

    @classmethod
    def load(cls, paths: Iterable[Path], vocabulary: Graph | None = None) -> Shapes:
        return cls(load_shapes(paths), vocabulary)

    def run(self, data: pyoxigraph.Store, focus: Iterable[str] | None = None) -> Graph:
        """pySHACL's report graph for ``data`` (read, never changed); with ``focus``, only the
        shapes' targets among those IRIs are validated (the rest of ``data`` is context)."""
        top = [shape for shape, _ in self._top]
        only = None
        if focus is not None:
            only = frozenset(URIRef(iri) for iri in focus)
            classes = _classes_of(data, only)
            top = [s for s, targets in self._top if targets is None or targets & classes]
        shapes = _Targeted(self._compiled, top, only)
        with self._lock:
            validator = _CompiledValidator(_Data(data), shapes)
            _, report, _ = validator.run()
        return report  # type: ignore[no-any-return]


def _text(node: Node | None) -> str | None:
    if node is None:
        return None
    if isinstance(node, Literal):
        return str(node)
    return node.n3() if not isinstance(node, URIRef) else str(node)


def data_store(*parts: Graph | Iterable[pyoxigraph.Triple]) -> pyoxigraph.Store:
    """An in-memory store holding every part (rdflib graphs or pyoxigraph triples)."""
    store = pyoxigraph.Store()
    for part in parts:
        if isinstance(part, Graph):
            ntriples = part.serialize(format="nt", encoding="utf-8")
            store.load(ntriples, pyoxigraph.RdfFormat.N_TRIPLES)
        else:
            store.extend(pyoxigraph.Quad(t.subject, t.predicate, t.object) for t in part)
    return store


def _in_language(messages: Iterable[Node], languages: tuple[str, ...]) -> list[str]:
    """The messages in the reader's language first (shapes speak English and Polish), then
    English, then any; the same order every time."""
    order = {language: rank for rank, language in enumerate((*languages, "en"))}

    def rank(message: Node) -> tuple[int, str]:
        language = getattr(message, "language", None) or "en"
        return (order.get(language, len(order)), str(message))

    return [str(m) for m in sorted(messages, key=rank)]


def validate(
    data: Graph | Iterable[pyoxigraph.Triple] | pyoxigraph.Store,
    shapes: Shapes | Graph,
    ontology: Graph | Iterable[pyoxigraph.Triple] | None = None,
    languages: tuple[str, ...] = ("en",),
    focus: Iterable[str] | None = None,
) -> ValidationReport:
    """Validate ``data`` against ``shapes``.

    The ontology is unioned into the data graph (not passed as ``ont_graph`` with RDFS
    inference), so ``sh:class`` and ``sh:targetClass`` follow ``rdfs:subClassOf`` and concepts
    of the schemes resolve, without pySHACL inferring new triples on every run. ``languages``
    orders the labels the report's words use (English when none of them has one). ``data``
    may be an in-memory pyoxigraph store built by the caller (:func:`data_store`). With
    ``focus`` (IRIs), only those things are validated, the rest of the data is their context:
    the report is the full one's results about them.
    """
    if isinstance(shapes, Graph):
        shapes = Shapes(shapes, ontology if isinstance(ontology, Graph) else None)
    if isinstance(data, pyoxigraph.Store):
        store = data
        if ontology is not None:
            store.extend(data_store(ontology))
    else:
        store = data_store(data, *([ontology] if ontology is not None else []))
    report_graph = shapes.run(store, focus)
    labels = shapes.words.data_labels(store, languages)
    results = []
    for node in report_graph.subjects(RDF.type, SH.ValidationResult):
        level = report_graph.value(node, SH.resultSeverity)
        severity = _SEVERITY.get(level, "Violation") if isinstance(level, URIRef) else "Violation"
        messages = _in_language(report_graph.objects(node, SH.resultMessage), languages)
        shape = report_graph.value(node, SH.sourceShape)
        value = report_graph.value(node, SH.value)
        raw = ValidationResult(
            focus_node=_text(report_graph.value(node, SH.focusNode)),
            path=_text(report_graph.value(node, SH.resultPath)),
            value=_text(value),
            severity=severity,
            message=messages[0] if messages else "Does not satisfy the shape.",
            source_shape=_text(shape),
            constraint=_text(report_graph.value(node, SH.sourceConstraintComponent)),
        )
        results.append(
            shapes.words.explain(raw, shape, labels, languages, isinstance(value, URIRef))
        )
    results.sort(key=lambda r: r.sort_key)
    conforms = not any(r.severity == "Violation" for r in results)
    return ValidationReport(conforms=conforms, results=results, source=report_graph)


__all__ = [
    "OPTIONS",
    "SH",
    "Shapes",
    "ValidationReport",
    "ValidationResult",
    "data_store",
    "load_shapes",
    "validate",
]
