"""An entity page's context: the summary a reader came for, then every statement, in words.

The summary's sections come from named queries (``graph/summary.py``); each line carries the
evidence units it rests on. Below it, "all statements" lists what the graph holds about the
thing and what points at it, property by property, with the reasoner's inferences folded away
(they repeat what a curated statement says in other words: a type's superclasses, ``dct:date``
beside ``uikg:adoptionDate``) and shown on demand.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

from pyoxigraph import BlankNode, Literal, NamedNode

from uikg.api.pages import Links
from uikg.api.wording import (
    RDF,
    inverse_label,
    literal_text,
    local_name,
    property_label,
    web_address,
)
from uikg.api.wording import date_text as _date_text
from uikg.graph.describe import UIKG, Description, Evidence, Statement
from uikg.graph.summary import Row, Summary

LINKS_OUT = (
    "http://www.w3.org/2002/07/owl#sameAs",
    "http://www.w3.org/2004/02/skos/core#exactMatch",
)
# Properties shown first, in this order; the rest follow alphabetically by label.
FIRST = (
    RDF + "type",
    "http://www.w3.org/2000/01/rdf-schema#label",
    "http://www.w3.org/2004/02/skos/core#prefLabel",
    "http://www.w3.org/2004/02/skos/core#definition",
    "http://purl.org/dc/terms/description",
)
# Notes among curators ("do not guess", "needs a source"): kept in the data, never on a page.
INTERNAL = (
    UIKG + "curationNote",
    "http://www.w3.org/2004/02/skos/core#editorialNote",
)
# Properties whose values are usually pages elsewhere, shown by their address when unnamed.
WEB_PAGES = frozenset(
    {
        "http://purl.org/dc/terms/source",
        "http://www.w3.org/2000/01/rdf-schema#seeAlso",
        "http://xmlns.com/foaf/0.1/page",
        "http://xmlns.com/foaf/0.1/homepage",
        "http://www.w3.org/ns/prov#hadPrimarySource",
    }
)
SUMMARY = (
    "http://www.w3.org/2004/02/skos/core#definition",
    "http://purl.org/dc/terms/description",
    "http://www.w3.org/2000/01/rdf-schema#comment",
)


class Words:
    """Labels in the reader's language (then the other, then untagged), with the language of
    the text chosen, so that the page's ``lang`` attributes say what is really there."""

    def __init__(self, labels: dict[str, list[Literal]], language: str) -> None:
        self.labels = labels
        self.language = language
        self.order = (language, "", "pl" if language == "en" else "en")

    def label(self, iri: str) -> tuple[str | None, str | None]:
        candidates = self.labels.get(iri, [])
        for language in self.order:
            for literal in candidates:
                if (literal.language or "") == language:
                    return literal.value, literal.language or None
        if candidates:
            return candidates[0].value, candidates[0].language or None
        return None, None

    def text(self, iri: str) -> str:
        return self.label(iri)[0] or local_name(iri)

    def foreign(self, language: str | None) -> str | None:
        """A ``lang`` attribute for text in ``language``, when it is not the page's."""
        return language if language and language != self.language else None


@dataclass
class Value:
    text: str
    href: str | None = None
    lang: str | None = None  # the text's language where it is not the page's
    evidence: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class Group:
    label: str
    href: str
    values: list[Value]
    lang: str | None = None


def value(words: Words, term: object, links: Links, *, web: bool = False) -> Value:
    """A term as a reader sees it; ``web``: an IRI without a label is a page elsewhere, shown
    by its address (a vocabulary term without one keeps its local name)."""
    if isinstance(term, NamedNode):
        text, language = words.label(term.value)
        if not text and web:
            text = _link_name(term.value)
        return Value(
            text or local_name(term.value), links.href(term.value), words.foreign(language)
        )
    if isinstance(term, Literal):
        if term.language:
            return Value(term.value, lang=words.foreign(term.language))
        return Value(literal_text(term, words.language))
    if isinstance(term, BlankNode):
        return Value(f"_:{term.value}")
    return Value(str(term))


def source(words: Words, item: Evidence, links: Links) -> dict[str, Any]:
    """What a reader sees of one evidence unit: where (work, passage), and the quote or the
    curators' reasoning."""
    label, language = item.name((words.language, "en", "pl", ""))
    return {
        "href": links.href(item.graph),
        "label": label or local_name(item.graph),
        "label_lang": words.foreign(language),
        "work_href": links.href(item.work) if item.work else None,
        "work_label": words.text(item.work) if item.work else None,
        "locator": item.locator,
        "quote": item.exact,
        "prefix": item.prefix,
        "suffix": item.suffix,
        "verified": item.found_at,
        "reading": item.is_reading,
        "note": item.reading_note,
        "read_from": [
            {"href": links.href(unit), "label": item.labels.get(unit) or local_name(unit)}
            for unit in item.read_from
        ],
    }


def _inferred(graphs: list[str], prefix: str) -> bool:
    return bool(graphs) and all(g.startswith(prefix) for g in graphs)


def _groups(
    description: Description,
    statements: list[Statement],
    words: Words,
    links: Links,
    *,
    inverse: bool,
    inverses: dict[str, str],
) -> OrderedDict[str, Group]:
    """Statements grouped by property, each value with its evidence; ``inverse`` shows the
    subjects of statements pointing at the thing, under the property read backwards."""
    groups: OrderedDict[str, Group] = OrderedDict()
    for statement in statements:
        predicate = statement.predicate.value
        if predicate in INTERNAL:
            continue
        if predicate not in groups:
            text, language = words.label(predicate)
            label = property_label(predicate, text, words.language)
            if inverse:
                other = inverses.get(predicate)
                backward = (
                    property_label(other, words.label(other)[0], words.language) if other else None
                )
                label = inverse_label(predicate, label, backward, words.language)
                language = None
            groups[predicate] = Group(label, links.href(predicate), [], words.foreign(language))
        if inverse:
            item = value(words, statement.subject, links)
        else:
            item = value(words, statement.object, links, web=predicate in WEB_PAGES)
        item.evidence = [
            source(words, description.evidence[g], links)
            for g in statement.graphs
            if g in description.evidence
        ]
        groups[predicate].values.append(item)
    return groups


def _ordered(groups: OrderedDict[str, Group]) -> list[Group]:
    first = [groups[p] for p in FIRST if p in groups]
    rest = sorted((g for p, g in groups.items() if p not in FIRST), key=lambda g: g.label.lower())
    return first + rest


def resource_context(
    description: Description,
    links: Links,
    language: str,
    *,
    inferred_prefix: str,
    summary: Summary | None = None,
    inverses: dict[str, str] | None = None,
    extra_labels: dict[str, list[Literal]] | None = None,
) -> dict[str, Any]:
    labels = {**description.labels, **(extra_labels or {})}
    if summary is not None:
        labels.update(summary.labels)
    words = Words(labels, language)
    inverses = inverses or {}

    def split(statements: list[Statement]) -> tuple[list[Statement], list[Statement]]:
        said = [s for s in statements if not _inferred(s.graphs, inferred_prefix)]
        derived = [s for s in statements if _inferred(s.graphs, inferred_prefix)]
        return said, derived

    said, derived = split(description.statements)
    said_in, derived_in = split(description.inverse)
    build = {"words": words, "links": links, "inverses": inverses}
    types = [
        s.object.value
        for s in said
        if s.predicate.value == RDF + "type" and isinstance(s.object, NamedNode)
    ] or description.types
    title, title_lang = words.label(description.iri)
    summary_text = next(
        (
            s.object
            for p in SUMMARY
            for lang in (language, "en", "pl", "")
            for s in description.statements
            if s.predicate.value == p
            and isinstance(s.object, Literal)
            and (s.object.language or "") == lang
        ),
        None,
    )
    unit = description.evidence.get(description.iri)
    return {
        "unit": _unit(description, unit, words, links) if unit else None,
        "title": title or local_name(description.iri),
        "title_lang": words.foreign(title_lang),
        "iri": description.iri,
        "types": [
            {
                "label": words.text(t),
                "href": links.href(t),
                "lang": words.foreign(words.label(t)[1]),
            }
            for t in sorted(set(types), key=words.text)
        ],
        "summary": summary_text.value if summary_text else None,
        "summary_lang": words.foreign(summary_text.language) if summary_text else None,
        "kind": summary.kind if summary else None,
        "sections": sections(summary, words, links) if summary else {},
        "groups": _ordered(_groups(description, said, **build, inverse=False)),  # type: ignore[arg-type]
        "inferred_groups": _ordered(_groups(description, derived, **build, inverse=False)),  # type: ignore[arg-type]
        "inverse_groups": list(_groups(description, said_in, **build, inverse=True).values()),  # type: ignore[arg-type]
        "inferred_inverse_groups": list(
            _groups(description, derived_in, **build, inverse=True).values()  # type: ignore[arg-type]
        ),
        "inverse_total": description.inverse_total,
        "links_out": [
            {"href": s.object.value, "label": _link_name(s.object.value)}
            for s in description.statements
            if s.predicate.value in LINKS_OUT and isinstance(s.object, NamedNode)
        ],
        "map": _where(description),
    }


def _where(description: Description) -> dict[str, str] | None:
    """The thing's coordinates, for a link to it on the map."""
    found = {
        local_name(s.predicate.value): s.object.value
        for s in description.statements
        if s.predicate.value.startswith("http://www.w3.org/2003/01/geo/wgs84_pos#")
        and isinstance(s.object, Literal)
    }
    return (
        {"lat": found["lat"], "long": found["long"]} if "lat" in found and "long" in found else None
    )


def _unit(description: Description, unit: Evidence, words: Words, links: Links) -> dict[str, Any]:
    """An evidence unit's own page: its passage and every statement it supports."""
    named = Words({**{k: [Literal(v)] for k, v in unit.labels.items()}}, words.language)

    def term(node: object) -> Value:
        if isinstance(node, NamedNode) and node.value in unit.labels:
            return value(named, node, links)
        return value(words, node, links)

    rows = []
    for t in unit.statements:
        if t.predicate.value in INTERNAL:
            continue
        predicate = t.predicate.value
        label = property_label(
            predicate, words.label(predicate)[0] or unit.labels.get(predicate), words.language
        )
        rows.append(
            {
                "subject": term(t.subject),
                "predicate": Value(label, links.href(predicate)),
                "object": term(t.object),
            }
        )
    return {**source(words, unit, links), "statements": rows}


def _link_name(iri: str) -> str:
    if "wikidata.org" in iri:
        return f"Wikidata {local_name(iri)}"
    if "geonames.org" in iri:
        return f"GeoNames {local_name(iri)}"
    return web_address(iri)


# -- the summary's sections ------------------------------------------------------------------


def sections(summary: Summary, words: Words, links: Links) -> dict[str, list[dict[str, Any]]]:
    """Each section's rows folded into lines (one per thing said, with every unit saying it)."""
    out: dict[str, list[dict[str, Any]]] = {}
    for name, rows in summary.sections.items():
        out[name] = _lines(name, rows, summary, words, links)
    if "actors" in out:
        out["coordinators"], out["bodies"] = _split_actors(out.pop("actors"))
    return out


def _split_actors(lines: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Who coordinates, develops or runs the place's policies; and its bodies, one line each
    (a council both governs and sits in its city)."""
    order = ["coordinatedBy", "developedBy", "runBy"]
    coordinators = sorted(
        (line for line in lines if line.get("relation") in order),
        key=lambda line: order.index(line["relation"]),
    )
    bodies: OrderedDict[str, dict[str, Any]] = OrderedDict()
    for line in lines:
        if line.get("relation") in order:
            continue
        body = bodies.setdefault(line["agent"].href or line["agent"].text, {**line, "sources": []})
        for ev in line["sources"]:
            if ev["href"] not in {s["href"] for s in body["sources"]}:
                body["sources"].append(ev)
    return coordinators, list(bodies.values())


# The columns that make a line in each section; the other columns are gathered per line.
_KEYS = {
    "models": ("stance", "model"),
    "documents": ("item",),
    "actors": ("agent", "relation"),
    "memberships": ("member", "in"),
    "divergences": ("policy", "relation", "country"),
    "facts": ("relation",),
    "roles": ("relation",),
    "uses": ("relation",),
    "passages": ("unit",),
}
# Columns listed under a line (several values, each with its own sources).
_MANY = {
    "models": "policy",
    "actors": "thing",
    "facts": "value",
    "roles": "thing",
    "uses": "thing",
    "documents": "status",
}


def _lines(
    name: str, rows: list[Row], summary: Summary, words: Words, links: Links
) -> list[dict[str, Any]]:
    keys = _KEYS.get(name, ())
    many = _MANY.get(name)
    lines: OrderedDict[tuple[str, ...], dict[str, Any]] = OrderedDict()
    for row in rows:
        key = tuple(str(row.get(k, "")) for k in keys)
        line = lines.get(key)
        if line is None:
            line = lines[key] = {"sources": [], "values": [], "_units": set(), "_values": {}}
            for column, term in row.items():
                if column in ("unit", many):
                    continue
                if column in ("date", "start", "end"):
                    line[column] = _date_text(term.value, words.language)
                elif column in ("stance", "locator", "statements"):
                    line[column] = term.value
                elif column == "relation":
                    line["relation"] = local_name(term.value)
                    text, _ = words.label(term.value)
                    line["relation_label"] = property_label(term.value, text, words.language)
                else:
                    line[column] = value(words, term, links)
        unit = row.get("unit")
        item = summary.evidence.get(unit.value) if isinstance(unit, NamedNode) else None
        here = source(words, item, links) if item else None
        if many and many in row:
            shown = line["_values"].get(str(row[many]))
            if shown is None:
                shown = line["_values"][str(row[many])] = value(words, row[many], links)
                line["values"].append(shown)
            if here and here["href"] not in {s["href"] for s in shown.evidence}:
                shown.evidence.append(here)
        if here and here["href"] not in line["_units"]:
            line["_units"].add(here["href"])
            line["sources"].append(here)
    for line in lines.values():
        del line["_units"], line["_values"]
    return list(lines.values())
