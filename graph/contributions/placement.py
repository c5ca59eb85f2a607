"""Where an accepted record's statements are published: in the evidence units it names.

Every curated statement sits in the named graph of its evidence unit, and pages and queries
show that graph's work, passage and quote as the statement's source. An accepted record keeps
that model, so its statements show the evidence the contributor chose, not the contribution:

- a thing that names its evidence (``uikg:evidence <unit>``) has its statements published in
  the graph of each unit it names (a new unit the record describes, or an existing one);
- a thing that names none, in a record that names exactly one unit, goes with that unit (the
  record's source says it too);
- what describes the sources themselves (the evidence units and the works they come from)
  and everything else goes into the contribution's own graph, which PROV describes as derived
  from the contribution.

>>> from pyoxigraph import NamedNode as N, Triple as T
>>> doc, unit = N("https://e.org/doc"), N("https://w3id.org/uikg/graph/evidence/web/p1")
>>> placed = place([T(doc, N(EVIDENCE), unit), T(unit, N(EVIDENCE_FROM), N("https://e.org/w"))],
...                own="urn:own")
>>> sorted((graph, len(triples)) for graph, triples in placed.items())
[('https://w3id.org/uikg/graph/evidence/web/p1', 1), ('urn:own', 1)]
"""

from __future__ import annotations

from collections.abc import Iterable

from pyoxigraph import NamedNode, Quad, Triple

from uikg.graph.namespaces import UIKG

EVIDENCE = UIKG + "evidence"
EVIDENCE_FROM = UIKG + "evidenceFrom"
EVIDENCE_UNIT = UIKG + "EvidenceUnit"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
PROV_DERIVED = "http://www.w3.org/ns/prov#wasDerivedFrom"


def place(triples: Iterable[Triple], own: str) -> dict[str, list[Triple]]:
    """The record's triples by the graph they are published in (``own``: the contribution's)."""
    triples = list(triples)
    evidence: dict[str, list[str]] = {}
    for t in triples:
        if t.predicate.value == EVIDENCE and isinstance(t.object, NamedNode):
            named = evidence.setdefault(t.subject.value, [])  # type: ignore[union-attr]
            if t.object.value not in named:
                named.append(t.object.value)
    units = {unit for named in evidence.values() for unit in named}
    units |= {
        t.subject.value  # type: ignore[union-attr]
        for t in triples
        if t.predicate.value == RDF_TYPE and t.object.value == EVIDENCE_UNIT  # type: ignore[union-attr]
    }
    sources = units | {
        t.object.value
        for t in triples
        if t.subject.value in units  # type: ignore[union-attr]
        and t.predicate.value in (EVIDENCE_FROM, PROV_DERIVED)
        and isinstance(t.object, NamedNode)
    }
    named_units = sorted({unit for named in evidence.values() for unit in named})
    single = named_units if len(named_units) == 1 else [own]
    placed: dict[str, list[Triple]] = {}
    for t in triples:
        subject = t.subject.value  # type: ignore[union-attr]
        graphs = [own] if subject in sources else evidence.get(subject) or single
        for graph in graphs:
            placed.setdefault(graph, []).append(t)
    return placed


def quads(placed: dict[str, list[Triple]]) -> list[Quad]:
    return [
        Quad(t.subject, t.predicate, t.object, NamedNode(graph))
        for graph, triples in placed.items()
        for t in triples
    ]
