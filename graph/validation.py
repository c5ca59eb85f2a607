"""SHACL validation of records against ``shapes/``, with a report written for people.

The build validates the union of all curated graphs; contributions validate one record together
with the types of the things it references. Both go through :func:`validate`, which returns a
:class:`ValidationReport` whose ``conforms`` is False only for ``sh:Violation`` results:
warnings and info are advice for the curator, not errors.

>>> from rdflib import Graph
>>> report = validate(Graph(), Graph())
>>> report.conforms, report.results
(True, [])
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path

import pyshacl
from rdflib import RDF, Graph, Literal, Namespace, URIRef
from rdflib.term import Node

SH = Namespace("http://www.w3.org/ns/shacl#")
_SEVERITY = {SH.Violation: "Violation", SH.Warning: "Warning", SH.Info: "Info"}


@dataclass(frozen=True)
class ValidationResult:
    """One finding: which record, which property, which value, how bad, and what to do."""

    focus_node: str | None
    path: str | None
    value: str | None
    severity: str
    message: str
    source_shape: str | None

    def to_text(self) -> str:
        parts = [f"{self.severity}: {self.focus_node}"]
        if self.path:
            parts.append(f"property {self.path}")
        if self.value is not None:
            parts.append(f"value {self.value}")
        return " | ".join(parts) + f" — {self.message}"


@dataclass
class ValidationReport:
    conforms: bool
    results: list[ValidationResult] = field(default_factory=list)
    graph: Graph = field(default_factory=Graph)

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
    """Parse the given Turtle files (or every ``*.ttl`` in given folders) into one shapes graph."""
    shapes = Graph()
    for path in paths:
        files = sorted(path.glob("*.ttl")) if path.is_dir() else [path]
        for file in files:
            shapes.parse(file, format="turtle")
    return shapes


def _text(node: Node | None) -> str | None:
    if node is None:
        return None
    if isinstance(node, Literal):
        return str(node)
    return node.n3() if not isinstance(node, URIRef) else str(node)


def validate(data: Graph, shapes: Graph, ontology: Graph | None = None) -> ValidationReport:
    """Validate ``data`` against ``shapes``.

    The ontology is unioned into the data graph (not passed as ``ont_graph`` with RDFS
    inference), so ``sh:class`` and ``sh:targetClass`` follow ``rdfs:subClassOf`` and concepts
    of the schemes resolve, without pySHACL inferring new triples on every run.
    """
    graph = data
    if ontology is not None:
        graph = Graph()
        for triple in data:
            graph.add(triple)
        for triple in ontology:
            graph.add(triple)
    _, report_graph, _ = pyshacl.validate(
        graph,
        shacl_graph=shapes,
        inference="none",
        advanced=True,
        allow_warnings=True,
        allow_infos=True,
    )
    results = []
    for node in report_graph.subjects(RDF.type, SH.ValidationResult):
        severity = _SEVERITY.get(report_graph.value(node, SH.resultSeverity), "Violation")
        messages = sorted(str(m) for m in report_graph.objects(node, SH.resultMessage))
        results.append(
            ValidationResult(
                focus_node=_text(report_graph.value(node, SH.focusNode)),
                path=_text(report_graph.value(node, SH.resultPath)),
                value=_text(report_graph.value(node, SH.value)),
                severity=severity,
                message=messages[0] if messages else "Does not satisfy the shape.",
                source_shape=_text(report_graph.value(node, SH.sourceShape)),
            )
        )
    order = {"Violation": 0, "Warning": 1, "Info": 2}
    results.sort(key=lambda r: (order[r.severity], r.focus_node or "", r.path or "", r.message))
    conforms = not any(r.severity == "Violation" for r in results)
    return ValidationReport(conforms=conforms, results=results, graph=report_graph)
