"""Turning descriptions into what the HTML templates show: labels, groups, evidence, links."""

from __future__ import annotations

import functools
import re
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path

from fastapi import Request
from fastapi.templating import Jinja2Templates
from markupsafe import Markup, escape
from pyoxigraph import BlankNode, Literal, NamedNode

from uikg.graph.describe import RDF, UIKG, Description, Evidence, Statement

TEMPLATES = Path(__file__).parent / "templates"
XSD = "http://www.w3.org/2001/XMLSchema#"
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
SUMMARY = (
    "http://www.w3.org/2004/02/skos/core#definition",
    "http://purl.org/dc/terms/description",
    "http://www.w3.org/2000/01/rdf-schema#comment",
)


@functools.cache
def templates() -> Jinja2Templates:
    """One environment for the process, so each template is compiled once."""
    environment = Jinja2Templates(directory=str(TEMPLATES))
    environment.env.filters["passage"] = passage
    return environment


_SUPERSCRIPT = re.compile(r"&lt;sup&gt;(\w{1,3})&lt;/sup&gt;")


def passage(text: str | None) -> Markup:
    """A quoted passage as HTML: escaped, with the essay's footnote marks as superscripts.

    >>> str(passage("action plans, which<sup>2</sup> have <b>become</b>"))
    'action plans, which<sup>2</sup> have &lt;b&gt;become&lt;/b&gt;'
    """
    escaped = str(escape(text or ""))  # everything escaped; only <sup>word</sup> comes back
    return Markup(_SUPERSCRIPT.sub(r"<sup>\1</sup>", escaped))  # noqa: S704


def reader_language(request: Request) -> str:
    """``pl`` when the reader prefers Polish to English, else ``en``."""
    best, best_q = "en", 0.0
    for part in request.headers.get("accept-language", "").split(","):
        tag, _, params = part.strip().partition(";")
        q = 1.0
        if params.strip().startswith("q="):
            try:
                q = float(params.strip()[2:])
            except ValueError:
                continue
        primary = tag.strip().lower().split("-")[0]
        if primary in ("en", "pl") and q > best_q:
            best, best_q = primary, q
    return best


class Links:
    """Maps IRIs under the base to this server's URLs, so pages link within the server."""

    def __init__(self, base_iri: str, root: str) -> None:
        self.base = base_iri
        self.root = root.rstrip("/")

    def href(self, iri: str) -> str:
        if iri.startswith(self.base):
            return f"{self.root}/{iri[len(self.base) :]}"
        return iri

    def doc(self, iri: str, extension: str | None = None) -> str:
        path = iri[len(self.base) :] if iri.startswith(self.base) else iri
        return f"{self.root}/doc/{path}" + (f".{extension}" if extension else "")


def local_name(iri: str) -> str:
    for separator in ("#", "/"):
        if separator in iri.rstrip(separator):
            iri = iri.rstrip(separator).rsplit(separator, 1)[1]
    return iri


@dataclass
class Value:
    text: str
    href: str | None = None
    lang: str | None = None
    evidence: list[dict[str, object]] = field(default_factory=list)


@dataclass
class Group:
    label: str
    href: str
    values: list[Value]


def _evidence(
    description: Description, statement: Statement, links: Links
) -> list[dict[str, object]]:
    out = []
    for graph in statement.graphs:
        item = description.evidence.get(graph)
        if item is None:
            continue
        out.append(_source(description, item, links))
    return out


def _source(description: Description, item: Evidence, links: Links) -> dict[str, object]:
    """What a reader sees of one evidence unit: the quote (or the curators' reasoning), the
    passage and the work."""
    return {
        "href": links.href(item.graph),
        "label": item.label or local_name(item.graph),
        "work_href": links.href(item.work) if item.work else None,
        "work_label": (description.label(item.work) or local_name(item.work))
        if item.work
        else None,
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


def _value(description: Description, term: object, links: Links) -> Value:
    if isinstance(term, NamedNode):
        return Value(
            description.label(term.value) or local_name(term.value), links.href(term.value)
        )
    if isinstance(term, Literal):
        text = term.value
        if term.datatype.value not in (XSD + "string", RDF + "langString") and not term.language:
            return Value(text, lang=local_name(term.datatype.value))
        return Value(text, lang=term.language)
    if isinstance(term, BlankNode):
        return Value(f"_:{term.value}")
    return Value(str(term))


def _label(description: Description, iri: str) -> str:
    return description.label(iri) or local_name(iri)


def _groups(
    description: Description, statements: list[Statement], links: Links, *, inverse: bool
) -> OrderedDict[str, Group]:
    """Statements grouped by property, each value with its evidence; ``inverse`` shows the
    subjects of statements pointing at the thing."""
    groups: OrderedDict[str, Group] = OrderedDict()
    for statement in statements:
        predicate = statement.predicate.value
        if predicate in INTERNAL:
            continue
        group = groups.setdefault(
            predicate, Group(_label(description, predicate), links.href(predicate), [])
        )
        value = _value(description, statement.subject if inverse else statement.object, links)
        value.evidence = _evidence(description, statement, links)
        group.values.append(value)
    return groups


def resource_context(
    description: Description, links: Links, languages: tuple[str, ...]
) -> dict[str, object]:
    groups = _groups(description, description.statements, links, inverse=False)
    ordered = [groups[p] for p in FIRST if p in groups]
    ordered += sorted(
        (g for p, g in groups.items() if p not in FIRST), key=lambda g: g.label.lower()
    )
    inverse = _groups(description, description.inverse, links, inverse=True)

    summary = next(
        (
            s.object.value
            for p in SUMMARY
            for s in description.statements
            if s.predicate.value == p
            and isinstance(s.object, Literal)
            and (s.object.language or "en") in (*languages, "en")
        ),
        None,
    )
    links_out = [
        {"href": s.object.value, "label": _link_name(s.object.value)}
        for s in description.statements
        if s.predicate.value in LINKS_OUT and isinstance(s.object, NamedNode)
    ]
    unit = description.evidence.get(description.iri)
    return {
        "unit": _unit(description, unit, links) if unit else None,
        "title": description.label(description.iri, (*languages, ""))
        or local_name(description.iri),
        "iri": description.iri,
        "types": [
            {"label": _label(description, t), "href": links.href(t)} for t in description.types
        ],
        "summary": summary,
        "groups": ordered,
        "inverse_groups": list(inverse.values()),
        "inverse_total": description.inverse_total,
        "links_out": links_out,
    }


def _unit(description: Description, unit: Evidence, links: Links) -> dict[str, object]:
    """An evidence unit's own page: its passage and every statement it supports."""

    def term(node: object) -> Value:
        if isinstance(node, NamedNode):
            return Value(
                unit.labels.get(node.value) or local_name(node.value), links.href(node.value)
            )
        return _value(description, node, links)

    rows = [
        {"subject": term(t.subject), "predicate": term(t.predicate), "object": term(t.object)}
        for t in unit.statements
        if t.predicate.value not in INTERNAL
    ]
    return {**_source(description, unit, links), "statements": rows}


def _link_name(iri: str) -> str:
    if "wikidata.org" in iri:
        return f"Wikidata {local_name(iri)}"
    if "geonames.org" in iri:
        return f"GeoNames {local_name(iri)}"
    return iri
