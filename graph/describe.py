"""The description of one thing: what it says, what points at it, and the evidence for each.

Every curated statement sits in a named graph that is an evidence unit (a source work plus a
passage), so the graph a statement comes from *is* its provenance. A description keeps that
graph beside each statement; as RDF, each statement is also reified with
``prov:wasDerivedFrom`` its graph, so the provenance survives in formats without graphs
(Turtle, N-Triples, JSON-LD, RDF/XML).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import cast

from pyoxigraph import BlankNode, Literal, NamedNode, Quad, Triple

from uikg.graph.reader import Reader
from uikg.graph.sparql.guard import check_iri

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
PROV = "http://www.w3.org/ns/prov#"
FOAF = "http://xmlns.com/foaf/0.1/"
UIKG = "https://w3id.org/uikg/ontology#"
OA = "http://www.w3.org/ns/oa#"
LABEL_PROPERTIES = (
    RDFS + "label",
    "http://www.w3.org/2004/02/skos/core#prefLabel",
    FOAF + "name",
    "http://purl.org/dc/terms/title",
    "https://schema.org/name",
)
Term = NamedNode | BlankNode | Literal


@dataclass
class Statement:
    subject: NamedNode | BlankNode
    predicate: NamedNode
    object: Term
    graphs: list[str] = field(default_factory=list)


@dataclass
class Evidence:
    """An evidence unit as a reader sees it: where, the quoted passage, or the curators' reasoning.

    ``kind`` is the unit's ``uikg:assertionKind`` IRI; a stated unit carries ``exact`` (with
    ``prefix``/``suffix`` for context, ``found_at`` when the build verified it against the text),
    a curators' reading carries ``reading_note`` and the units it was ``read_from`` instead.
    ``statements`` are what the unit's graph holds, and ``labels`` name the things in them and
    the units read from, so the unit's own page can list everything it supports.
    """

    graph: str
    names: dict[str, str] = field(default_factory=dict)  # the unit's labels by language
    work: str | None = None
    locator: str | None = None
    quotation: str | None = None
    kind: str | None = None
    exact: str | None = None
    prefix: str | None = None
    suffix: str | None = None
    found_at: str | None = None
    citation: str | None = None
    reading_note: str | None = None
    read_from: list[str] = field(default_factory=list)
    statements: list[Triple] = field(default_factory=list)
    labels: dict[str, str] = field(default_factory=dict)

    def name(self, languages: tuple[str, ...] = ("en", "pl", "")) -> tuple[str | None, str]:
        """The unit's label for a reader of ``languages`` (then any), and its language."""
        for language in (*languages, *self.names):
            if language in self.names:
                return self.names[language], language
        return None, ""

    @property
    def is_reading(self) -> bool:
        return self.kind == UIKG + "CuratorReading"


@dataclass
class Description:
    iri: str
    statements: list[Statement]
    inverse: list[Statement]
    inverse_total: int
    inverse_offset: int
    labels: dict[str, list[Literal]]
    evidence: dict[str, Evidence]
    label_triples: list[Triple] = field(default_factory=list)

    @property
    def types(self) -> list[str]:
        return sorted(
            {
                s.object.value
                for s in self.statements
                if s.predicate.value == RDF + "type" and isinstance(s.object, NamedNode)
            }
        )

    def label(self, iri: str, languages: tuple[str, ...] = ("en", "pl", "")) -> str | None:
        """The best label of ``iri`` for a reader of ``languages``, in that order."""
        candidates = self.labels.get(iri, [])
        for language in languages:
            for literal in candidates:
                if (literal.language or "") == language:
                    return literal.value
        return candidates[0].value if candidates else None


def _iri(term: Term) -> str:
    return str(term)


def describe(
    reader: Reader, iri: str, *, inverse_limit: int = 100, inverse_offset: int = 0
) -> Description | None:
    """Everything the store holds about ``iri``, or ``None`` when it knows nothing of it.

    ``iri`` often comes from a URL path, so it is checked before it goes into query text: a
    path with ``>`` or spaces would otherwise rewrite the query (and run it without the
    worker's time limit). Not an IRI: ``BadRequest``.
    """
    node = str(NamedNode(check_iri(iri, "the requested resource")))
    statements: dict[tuple[str, str], Statement] = {}
    for row in reader.query(
        f"SELECT ?p ?o ?g WHERE {{ GRAPH ?g {{ {node} ?p ?o }} }} ORDER BY ?p ?o",
        union_default=False,
    ):
        key = (_iri(row["p"]), _iri(row["o"]))
        if key not in statements:
            statements[key] = Statement(NamedNode(iri), row["p"], row["o"])
        statements[key].graphs.append(row["g"].value)

    total = int(
        next(
            iter(
                reader.query(
                    f"SELECT (COUNT(*) AS ?n) WHERE {{ SELECT DISTINCT ?s ?p WHERE {{ GRAPH ?g {{ ?s ?p {node} }} }} }}",
                    union_default=False,
                )
            )
        )["n"].value
    )
    inverse: dict[tuple[str, str], Statement] = {}
    if total:
        for row in reader.query(
            f"SELECT ?s ?p (GROUP_CONCAT(STR(?g); SEPARATOR=' ') AS ?gs) WHERE {{ "
            f"GRAPH ?g {{ ?s ?p {node} }} }} GROUP BY ?s ?p ORDER BY ?p ?s "
            f"LIMIT {int(inverse_limit)} OFFSET {int(inverse_offset)}",
            union_default=False,
        ):
            key = (_iri(row["s"]), _iri(row["p"]))
            inverse[key] = Statement(row["s"], row["p"], NamedNode(iri), row["gs"].value.split())
    if not statements and not total:
        return None

    graphs = sorted({g for s in (*statements.values(), *inverse.values()) for g in s.graphs})
    mentioned = {iri, *graphs}
    for statement in (*statements.values(), *inverse.values()):
        for term in (statement.subject, statement.predicate, statement.object):
            if isinstance(term, NamedNode):
                mentioned.add(term.value)
    evidence = evidence_units(reader, graphs)
    mentioned.update(e.work for e in evidence.values() if e.work)
    label_triples = labels(reader, sorted(mentioned))
    found: dict[str, list[Literal]] = defaultdict(list)
    for triple in label_triples:
        found[cast(NamedNode, triple.subject).value].append(cast(Literal, triple.object))
    return Description(
        iri=iri,
        statements=list(statements.values()),
        inverse=list(inverse.values()),
        inverse_total=total,
        inverse_offset=inverse_offset,
        labels=dict(found),
        evidence=evidence,
        label_triples=label_triples,
    )


def _values(iris: list[str]) -> str:
    return " ".join(f"<{i}>" for i in iris)


def labels(reader: Reader, iris: list[str]) -> list[Triple]:
    """The label triples of many things, one query per batch."""
    found: list[Triple] = []
    properties = _values(list(LABEL_PROPERTIES))
    for start in range(0, len(iris), 200):
        batch = iris[start : start + 200]
        for row in reader.query(
            f"SELECT DISTINCT ?x ?p ?l WHERE {{ VALUES ?x {{ {_values(batch)} }} "
            f"VALUES ?p {{ {properties} }} ?x ?p ?l FILTER(isLiteral(?l)) }}"
        ):
            found.append(Triple(row["x"], row["p"], row["l"]))
    return found


def evidence_units(
    reader: Reader, graphs: list[str], *, with_statements: bool = True
) -> dict[str, Evidence]:
    """What each of ``graphs`` is as evidence (work, locator, quote or reading); with
    ``with_statements``, one to three units also carry the statements they hold (a unit's page)."""
    out = {g: Evidence(g) for g in graphs}
    if not graphs:
        return out
    for row in reader.query(
        f"PREFIX uikg: <{UIKG}> PREFIX rdfs: <{RDFS}> PREFIX prov: <{PROV}> PREFIX oa: <{OA}> "
        "SELECT ?g ?label ?work ?locator ?quote ?kind ?exact ?prefix ?suffix ?found ?citation "
        f"?note ?from WHERE {{ VALUES ?g {{ {_values(graphs)} }} "
        "OPTIONAL { ?g rdfs:label ?label } "
        "OPTIONAL { ?g uikg:evidenceFrom|prov:wasDerivedFrom ?work FILTER(isIRI(?work)) "
        "  FILTER NOT EXISTS { ?work a uikg:EvidenceUnit } } "
        "OPTIONAL { ?g uikg:locator ?locator } OPTIONAL { ?g uikg:quotation ?quote } "
        "OPTIONAL { ?g uikg:assertionKind ?kind } "
        "OPTIONAL { ?g oa:hasSelector ?selector . ?selector oa:exact ?exact "
        "  OPTIONAL { ?selector oa:prefix ?prefix } OPTIONAL { ?selector oa:suffix ?suffix } } "
        "OPTIONAL { ?g uikg:quoteFoundAt ?found } OPTIONAL { ?g uikg:citation ?citation } "
        "OPTIONAL { ?g uikg:readingNote ?note } OPTIONAL { ?g uikg:readFrom ?from } }"
    ):
        item = out[row["g"].value]
        if row["label"] is not None:
            item.names.setdefault(row["label"].language or "", row["label"].value)
        for name, column in (
            ("work", "work"),
            ("locator", "locator"),
            ("quotation", "quote"),
            ("kind", "kind"),
            ("exact", "exact"),
            ("prefix", "prefix"),
            ("suffix", "suffix"),
            ("found_at", "found"),
            ("citation", "citation"),
            ("reading_note", "note"),
        ):
            if getattr(item, name) is None and row[column] is not None:
                setattr(item, name, row[column].value)
        if row["from"] is not None and row["from"].value not in item.read_from:
            item.read_from.append(row["from"].value)
    # A unit's own page lists what the unit holds; a thing drawing on many units (a city) does
    # not need that, and fetching it would double the page's cost.
    units = [g for g, item in out.items() if item.kind or item.locator]
    if not with_statements or not 0 < len(units) <= 3:
        return out
    for row in reader.query(
        f"SELECT ?g ?s ?p ?o WHERE {{ VALUES ?g {{ {_values(units)} }} "
        "GRAPH ?g { ?s ?p ?o } } ORDER BY ?g ?s ?p ?o LIMIT 2000"
    ):
        out[row["g"].value].statements.append(Triple(row["s"], row["p"], row["o"]))
    named = {
        term.value
        for item in out.values()
        for triple in item.statements
        for term in (triple.subject, triple.predicate, triple.object)
        if isinstance(term, NamedNode)
    } | {unit for item in out.values() for unit in item.read_from}
    found: dict[str, dict[str, str]] = defaultdict(dict)
    for triple in labels(reader, sorted(named)):
        found[triple.subject.value][triple.object.language or ""] = triple.object.value  # type: ignore[union-attr]
    best = {iri: names.get("en") or next(iter(names.values())) for iri, names in found.items()}
    for item in out.values():
        for triple in item.statements:
            for term in (triple.subject, triple.predicate, triple.object):
                if isinstance(term, NamedNode) and term.value in best:
                    item.labels[term.value] = best[term.value]
        for unit in item.read_from:
            if unit in best:
                item.labels[unit] = best[unit]
    return out


def to_triples(description: Description, document: str | None = None) -> list[Triple]:
    """The description as plain triples, with each statement's graph as reified provenance.

    Order: the statements, then labels and evidence units, then one ``rdf:Statement`` per
    (statement, graph) saying ``prov:wasDerivedFrom`` that graph.
    """
    rdf_type = NamedNode(RDF + "type")
    derived = NamedNode(PROV + "wasDerivedFrom")
    statements = [*description.statements, *description.inverse]
    triples = [Triple(s.subject, s.predicate, s.object) for s in statements]
    if document:
        triples.append(
            Triple(
                NamedNode(document), NamedNode(FOAF + "primaryTopic"), NamedNode(description.iri)
            )
        )
    triples += description.label_triples
    for item in description.evidence.values():
        here = NamedNode(item.graph)
        if item.work:
            triples.append(Triple(here, NamedNode(UIKG + "evidenceFrom"), NamedNode(item.work)))
        if item.locator:
            triples.append(Triple(here, NamedNode(UIKG + "locator"), Literal(item.locator)))
        if item.kind:
            triples.append(Triple(here, NamedNode(UIKG + "assertionKind"), NamedNode(item.kind)))
        if item.citation:
            triples.append(Triple(here, NamedNode(UIKG + "citation"), NamedNode(item.citation)))
        if item.exact:
            selector = BlankNode()
            triples += [
                Triple(here, NamedNode(OA + "hasSelector"), selector),
                Triple(selector, rdf_type, NamedNode(OA + "TextQuoteSelector")),
                Triple(selector, NamedNode(OA + "exact"), Literal(item.exact)),
            ]
            for name, value in (("prefix", item.prefix), ("suffix", item.suffix)):
                if value:
                    triples.append(Triple(selector, NamedNode(OA + name), Literal(value)))
        if item.found_at:
            triples.append(Triple(here, NamedNode(UIKG + "quoteFoundAt"), Literal(item.found_at)))
        if item.reading_note:
            note = Literal(item.reading_note, language="en")
            triples.append(Triple(here, NamedNode(UIKG + "readingNote"), note))
        for source in item.read_from:
            triples.append(Triple(here, NamedNode(UIKG + "readFrom"), NamedNode(source)))
    for statement in statements:
        for graph in statement.graphs:
            node = BlankNode()
            triples += [
                Triple(node, rdf_type, NamedNode(RDF + "Statement")),
                Triple(node, NamedNode(RDF + "subject"), statement.subject),
                Triple(node, NamedNode(RDF + "predicate"), statement.predicate),
                Triple(node, NamedNode(RDF + "object"), statement.object),
                Triple(node, derived, NamedNode(graph)),
            ]
    return list(dict.fromkeys(triples))


def to_quads(description: Description, document: str | None = None) -> list[Quad]:
    """The description as a dataset: the default graph says exactly what the triple formats
    say (statements, labels, evidence units, reified provenance), and each statement is also
    in its own evidence graph.

    So a client that queries a quad document's default graph (Comunica and other traversal
    clients do) sees every statement, and one that reads graphs sees where each comes from.
    """
    quads = [Quad(t.subject, t.predicate, t.object) for t in to_triples(description, document)]
    for statement in (*description.statements, *description.inverse):
        for graph in statement.graphs:
            quads.append(
                Quad(statement.subject, statement.predicate, statement.object, NamedNode(graph))
            )
    return list(dict.fromkeys(quads))
