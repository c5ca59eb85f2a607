"""What a curator needs to judge a pending record: the record as it would be published, and how
it compares with the published graph, everything named with labels.

The record is placed in the graphs acceptance would write (``placement.place``) inside a small
in-memory store, beside the labels and evidence units it names from the published graph; the
same :func:`~uikg.graph.describe.describe` that builds published pages then describes each of
its things, so each statement shows the source passage and quote it would show once published.

The comparison sorts the record's statements into:

- **added**: what the graph does not say yet;
- **changed**: a property that takes one value (``Rules.functional``) to which the graph gives
  another — the record's value and source beside the graph's;
- **alongside**: other values the graph gives the same property of the same thing, with their
  sources, beside the record's (a status or a date that other sources state differently);
- **present**: what the graph already says.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Any

from pyoxigraph import Literal, NamedNode, Quad, Triple

from uikg.graph.contributions.placement import place, quads
from uikg.graph.describe import Description, Statement, describe, labels
from uikg.graph.namespaces import DCT, OA, PROV, RDF, RDFS, UIKG, XSD
from uikg.graph.store.base import Store
from uikg.graph.store.embedded import EmbeddedStore

RDF_TYPE = RDF + "type"
RDFS_LABEL = RDFS + "label"
UNIT = UIKG + "EvidenceUnit"
_PLAIN = (XSD + "string", RDF + "langString")
# Where a thing comes from and what it is: other values of these are not a disagreement.
_SOURCES = frozenset({RDF_TYPE, UIKG + "evidence", DCT + "source", PROV + "wasDerivedFrom"})


@dataclass
class Source:
    """One evidence unit as a reader sees it: the quote (or the curators' reasoning), where."""

    unit: str
    label: str
    work: str | None = None
    work_label: str | None = None
    locator: str | None = None
    quote: str | None = None
    reading: str | None = None  # a curators' reading's note (then there is no quote)


@dataclass
class Value:
    text: str
    iri: str | None = None  # a thing's IRI (for links), None for a literal
    lang: str | None = None
    kind: str | None = None  # a literal's datatype, in words (a year, a date…)
    sources: list[Source] = field(default_factory=list)


@dataclass
class Row:
    property: str
    label: str
    values: list[Value]


@dataclass
class Thing:
    iri: str
    title: str
    types: list[str]
    rows: list[Row]
    published: bool  # the graph already holds something about it
    sources: list[Source] = field(default_factory=list)  # of every statement, when they agree


@dataclass
class Comparison:
    """One property of one thing: the record's values beside the graph's."""

    subject: str
    subject_label: str
    property: str
    label: str
    record: list[Value]
    graph: list[Value]


@dataclass
class Review:
    things: list[Thing]
    added: list[Comparison]
    changed: list[Comparison]
    alongside: list[Comparison]
    present: list[Comparison]
    new: list[str] = field(default_factory=list)  # what the record describes that is not published

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class _View:
    """How values are shown: the contribution's own graph (no passage), the reader's languages,
    the base IRI (things under it without a label show their last part)."""

    own: str
    languages: tuple[str, ...]
    base: str

    def value(self, description: Description, statement: Statement) -> Value:
        value = _value(description, statement.object, self.languages, self.base)
        value.sources = _sources(description, statement, self.own)
        return value


_KINDS = {
    XSD + "gYear": "year",
    XSD + "gYearMonth": "month",
    XSD + "date": "date",
    XSD + "integer": "number",
    XSD + "decimal": "number",
    XSD + "anyURI": "address",
}


def _value(description: Description, term: object, languages: tuple[str, ...], base: str) -> Value:
    if isinstance(term, NamedNode):
        name = description.label(term.value, (*languages, "en", "pl", ""))
        return Value(name or _name(term.value, base), term.value)
    if isinstance(term, Literal):
        if term.language:
            return Value(term.value, lang=term.language)
        datatype = term.datatype.value
        return Value(term.value, kind=None if datatype in _PLAIN else _KINDS.get(datatype, "value"))
    return Value(str(term))


def _local(iri: str) -> str:
    return iri.rstrip("/").rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def _name(iri: str, base: str) -> str:
    """What to show for a thing without a label: a web address as it is, else its last part."""
    return _local(iri) if iri.startswith((base, UIKG)) else iri


def _sources(description: Description, statement: Statement, own: str) -> list[Source]:
    found = []
    for graph in statement.graphs:
        item = description.evidence.get(graph)
        if item is None or graph == own or not (item.work or item.locator or item.kind):
            continue
        found.append(
            Source(
                unit=graph,
                label=item.name()[0] or _local(graph),
                work=item.work,
                work_label=(description.label(item.work) or _local(item.work))
                if item.work
                else None,
                locator=item.locator,
                quote=item.exact or item.quotation,
                reading=item.reading_note if item.is_reading else None,
            )
        )
    return found


def _context(store: Store, record: list[Triple], units: Iterable[str]) -> list[Triple]:
    """What the in-memory copy needs from the published graph: the labels of everything the
    record names and of the works its units come from, and the units it names but does not
    describe."""
    named = {
        term.value
        for t in record
        for term in (t.subject, t.predicate, t.object)
        if isinstance(term, NamedNode)
    }
    found: list[Triple] = []
    described = {t.subject.value for t in record}  # type: ignore[union-attr]
    held = sorted(set(units) - described)
    if held:
        values = " ".join(f"<{u}>" for u in held)
        found += list(
            store.query(
                f"CONSTRUCT {{ ?g ?p ?o . ?s ?sp ?so }} WHERE {{ VALUES ?g {{ {values} }} "
                f"?g ?p ?o OPTIONAL {{ ?g <{OA}hasSelector> ?s . ?s ?sp ?so }} }}",
                form="CONSTRUCT",
            )
        )
        named |= {
            t.object.value
            for t in found
            if t.predicate.value == UIKG + "evidenceFrom" and isinstance(t.object, NamedNode)
        }
    return found + labels(store, sorted(named))  # type: ignore[arg-type]


def review(
    store: Store,
    record: list[Triple],
    own: str,
    functional: Iterable[str],
    languages: tuple[str, ...] = ("en",),
    base_iri: str = "",
) -> Review:
    """The record as published (``own``: the contribution's own graph) and its comparison."""
    view = _View(own, languages, base_iri)
    placed = place(record, own)
    units = [g for g in placed if g != own]
    memory = EmbeddedStore(None)
    memory.engine.extend(quads(placed))
    memory.engine.extend(
        Quad(t.subject, t.predicate, t.object) for t in _context(store, record, units)
    )
    subjects = list(dict.fromkeys(t.subject.value for t in record))  # type: ignore[union-attr]
    typed = {
        (t.subject.value, t.object.value)  # type: ignore[union-attr]
        for t in record
        if t.predicate.value == RDF_TYPE
    }
    skip = {s for s, cls in typed if cls in (UNIT, OA + "TextQuoteSelector")}
    published = _published(store, [s for s in subjects if s not in skip or (s, UNIT) in typed])
    things, records = [], {}
    for subject in subjects:
        if subject in skip:
            continue
        description = describe(memory, subject, inverse_limit=0)
        if description is None:  # pragma: no cover - every subject has statements
            continue
        records[subject] = description
        things.append(_thing(description, view, subject in published))
    works = {
        t.object.value
        for t in record
        if t.predicate.value == UIKG + "evidenceFrom" and isinstance(t.object, NamedNode)
    }
    things.sort(  # the record's own thing first, then what it adds, then its source
        key=lambda t: (not any(r.property == UIKG + "evidence" for r in t.rows), t.iri in works)
    )
    compared = _compare(records, published, view, set(functional))
    new = [s for s in subjects if s not in published and (s, OA + "TextQuoteSelector") not in typed]
    return Review(things, *compared, new=new)


def _thing(description: Description, view: _View, published: bool) -> Thing:
    languages = view.languages
    rows: dict[str, Row] = {}
    for statement in description.statements:
        predicate = statement.predicate.value
        if predicate == RDF_TYPE:
            continue
        row = rows.setdefault(
            predicate,
            Row(predicate, description.label(predicate, languages) or _local(predicate), []),
        )
        row.values.append(view.value(description, statement))
    ordered = sorted(rows.values(), key=lambda r: (r.property != RDFS_LABEL, r.label.lower()))
    types = [description.label(t, languages) or _local(t) for t in description.types]
    title = description.label(description.iri, (*languages, "en", "pl", ""))
    thing = Thing(description.iri, title or _local(description.iri), types, ordered, published)
    every = [v.sources for r in ordered for v in r.values]
    if every and every[0] and all(s == every[0] for s in every):  # one passage says it all
        thing.sources = every[0]
        for row in ordered:
            for value in row.values:
                value.sources = []
    return thing


def _published(store: Store, subjects: list[str]) -> dict[str, Description]:
    """The published descriptions of the record's subjects the graph already holds."""
    found = {}
    for subject in subjects:
        description = describe(store, subject, inverse_limit=0)  # type: ignore[arg-type]
        if description is not None and description.statements:
            found[subject] = description
    return found


def _compare(
    records: dict[str, Description],
    published: dict[str, Description],
    view: _View,
    functional: set[str],
) -> tuple[list[Comparison], list[Comparison], list[Comparison], list[Comparison]]:
    added: list[Comparison] = []
    changed: list[Comparison] = []
    alongside: list[Comparison] = []
    present: list[Comparison] = []
    languages = view.languages
    for subject, mine in records.items():
        theirs = published.get(subject)
        title = mine.label(subject, (*languages, "en", "pl", "")) or _local(subject)
        by_property: dict[str, list[Statement]] = {}
        for statement in mine.statements:
            by_property.setdefault(statement.predicate.value, []).append(statement)
        for predicate, statements in by_property.items():
            label = mine.label(predicate, languages) or _local(predicate)
            graph = (
                [
                    s
                    for s in theirs.statements
                    if s.predicate.value == predicate
                    and any("/graph/inferred/" not in g for g in s.graphs)
                ]
                if theirs
                else []
            )
            held = {str(s.object) for s in graph}
            new = [s for s in statements if str(s.object) not in held]
            same = [s for s in statements if str(s.object) in held]
            others = [s for s in graph if str(s.object) not in {str(m.object) for m in statements}]

            def values(found: list[Statement], description: Description) -> list[Value]:
                return [view.value(description, s) for s in found]

            if same:
                present.append(Comparison(subject, title, predicate, label, values(same, mine), []))
            if not new:
                continue
            if others and predicate not in _SOURCES:
                kept = values(others, theirs)  # type: ignore[arg-type]
                target = changed if predicate in functional else alongside
                target.append(Comparison(subject, title, predicate, label, values(new, mine), kept))
            if not others or predicate not in functional:
                added.append(Comparison(subject, title, predicate, label, values(new, mine), []))
    return added, changed, alongside, present
