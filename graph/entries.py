"""A filled-in form or a spreadsheet row, as the RDF record the contribution workflow checks.

An :class:`Entry` holds the values of the fields of ``graph.forms`` (keyed by field key),
already typed: IRIs for choices, literals for the rest, and the new things a contributor adds
where a field allows it (``graph.new_things``). :func:`build` turns it into a record: the
thing itself under ``{base}id/{kind}/{slug}``; each new thing under ``{base}id/{segment}/
{slug}``; and, when the contributor cites a new source, the source as a work
(``{base}id/work/…``, or a work the graph holds) and the passage as the record's own evidence
unit (``{base}graph/evidence/{work}/{passage}``, with the quoted passage), which the thing names
with ``uikg:evidence``. An existing passage picked from the graph is named the same way. The
record remembers which field each statement came from, so that a finding of the validator can
be put next to the field (or the spreadsheet column) it concerns (:meth:`Built.key_of`).

>>> from pyoxigraph import Literal
>>> entry = Entry("document", {"label": [Literal("Strategia integracji Lublina", language="pl")]})
>>> entry.slug()
'strategia-integracji-lublina'
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from pyoxigraph import Literal, NamedNode, RdfFormat, Triple, serialize

from uikg.graph.contributions.check import POLICY_SHAPE
from uikg.graph.forms import KINDS, SOURCE_KINDS, Catalogue, FieldSpec
from uikg.graph.namespaces import DCT, FOAF, OA, PROV, RDF, RDFS, UIKG, XSD
from uikg.graph.new_things import new_kind
from uikg.graph.search import fold

RDF_TYPE = NamedNode(RDF + "type")
RDFS_LABEL = NamedNode(RDFS + "label")
DCT_TITLE = NamedNode(DCT + "title")
DCT_SOURCE = NamedNode(DCT + "source")
PROV_DERIVED = NamedNode(PROV + "wasDerivedFrom")
XSD_GYEAR = XSD + "gYear"
SLUG_MAX = 60


def slugify(text: str, limit: int = SLUG_MAX) -> str:
    """Lowercase ASCII words joined by hyphens, as the graph's IRIs want them.

    >>> slugify("Gdańsk: Model Integracji Imigrantów (2016)")
    'gdansk-model-integracji-imigrantow-2016'
    """
    words = re.findall(r"[a-z0-9]+", fold(text))
    slug = ""
    for word in words:
        candidate = f"{slug}-{word}" if slug else word
        if len(candidate) > limit:
            break
        slug = candidate
    return slug


def _local(iri: str) -> str:
    return iri.rstrip("/").rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def _digest(text: str, length: int = 6) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:length]


Term = NamedNode | Literal


@dataclass
class NewThing:
    """A thing the graph does not hold yet: its name, its class (one of the field's new kinds)
    and the values its kind requires, by field key (a city's ``country``)."""

    label: str
    cls: str
    values: dict[str, list[Term]] = field(default_factory=dict)


@dataclass
class Entry:
    """The typed values of one record, by field key (``label``, ``adoptionDate``, ``source.url``)."""

    kind: str
    values: dict[str, list[Term]] = field(default_factory=dict)
    identifier: str | None = None  # the slug, when the contributor gives one
    lang: str = "en"  # the language of texts that do not say theirs
    new: dict[str, list[NewThing]] = field(default_factory=dict)  # field key → things added
    labels: dict[str, str] = field(default_factory=dict)  # a picked thing's IRI → its label

    def first(self, key: str) -> Term | None:
        found = self.values.get(key) or []
        return found[0] if found else None

    def slug(self) -> str:
        if self.identifier:
            return slugify(self.identifier)
        labels = self.values.get("label") or []
        by_language = {getattr(v, "language", None): v.value for v in labels}
        name = by_language.get("en") or next(iter(by_language.values()), None)
        if name:
            return slugify(name)
        parts = [
            _local(v.value) for key in ("member", "memberOf") for v in self.values.get(key, [])
        ]
        parts += [
            slugify(t.label, 30) for key in ("member", "memberOf") for t in self.new.get(key, [])
        ]
        start = self.first("startDate")
        if start is not None:
            parts.append(start.value[:4])
        return slugify("-".join(parts))


@dataclass
class Built:
    """A record ready for the contribution workflow, and where its statements came from."""

    subject: str
    triples: list[Triple]
    origins: dict[tuple[str, str], str]  # (subject, predicate) → field key
    keys_of_subject: dict[str, str]  # a secondary subject (the work, the passage) → a field key
    # a new thing → the paths its kind requires → their keys (a new city's country)
    parts: dict[str, dict[str, str]] = field(default_factory=dict)
    new: dict[str, str] = field(default_factory=dict)  # a new thing's IRI → its field key

    def ntriples(self) -> bytes:
        return serialize(self.triples, format=RdfFormat.N_TRIPLES) or b""

    def field_of(self, result: Any) -> str | None:
        """The field a validator's finding is about, when the record holds what it concerns."""
        return self.key_of(result)[0]

    def key_of(
        self, result: Any, specs: dict[str, FieldSpec] | None = None
    ) -> tuple[str | None, str | None]:
        """The field a finding concerns, and for a new thing, which of its values (the country
        of a new city); ``(None, None)`` when it concerns the whole record.

        ``specs`` (the kind's fields by key) place findings about values the record lacks.
        """
        focus, path = result.focus_node, result.path
        if focus in self.parts:
            return self.new[focus], self.parts[focus].get(path or "")
        if focus is not None and path is not None:
            key = self.origins.get((focus, path))
            if key:
                return key, None
        if focus in self.keys_of_subject and focus != self.subject:
            return self.keys_of_subject[focus], None
        if focus != self.subject or specs is None:
            return None, None
        if path is not None:
            return _first_key(specs, path), None
        if result.source_shape == POLICY_SHAPE:
            return "evidence", None
        if result.value is not None:  # a SPARQL constraint names the value, not the path
            keys = {
                key
                for (subject, predicate), key in self.origins.items()
                if subject == self.subject
                and any(
                    t.predicate.value == predicate
                    and t.subject.value == subject  # type: ignore[union-attr]
                    and isinstance(t.object, NamedNode | Literal)
                    and t.object.value == result.value
                    for t in self.triples
                )
            }
            if len(keys) == 1:
                return keys.pop(), None
        return None, None


def _first_key(specs: dict[str, FieldSpec], path: str) -> str | None:
    return next((k for k, s in specs.items() if s.path == path and s.part == "record"), None)


class _Writer:
    def __init__(self) -> None:
        self.triples: list[Triple] = []
        self.origins: dict[tuple[str, str], str] = {}

    def add(self, subject: str, predicate: NamedNode, value: Term, key: str) -> None:
        self.triples.append(Triple(NamedNode(subject), predicate, value))
        self.origins.setdefault((subject, predicate.value), key)


def _text(value: Term | None) -> str | None:
    return value.value if value is not None else None


def build(entry: Entry, base_iri: str, catalogue: Catalogue | None = None) -> Built:
    """The record of an entry; required values that are missing are left to the validator."""
    catalogue = catalogue or Catalogue.default()
    kind = KINDS[entry.kind]
    specs = {spec.key: spec for spec in catalogue.fields(entry.kind)}
    subject = f"{base_iri}id/{kind.slug_kind}/{entry.slug() or 'unnamed'}"
    out = _Writer()
    built = Built(subject, out.triples, out.origins, {})
    out.add(subject, RDF_TYPE, NamedNode(kind.cls), "label")
    for key, values in entry.values.items():
        spec = specs.get(key)
        if spec is None or spec.part != "record":
            continue
        for value in values:
            out.add(subject, NamedNode(spec.path), value, key)
    for key, things in entry.new.items():
        spec = specs.get(key)
        if spec is not None and spec.part == "record":
            for thing in things:
                iri = _new_thing(thing, spec, entry.lang, base_iri, catalogue, out, built)
                out.add(subject, NamedNode(spec.path), NamedNode(iri), key)
    for unit in entry.values.get("evidence", []):
        out.add(subject, PROV_DERIVED, unit, "evidence")  # the policy's "state your source"
    built.keys_of_subject = _source(entry, base_iri, specs, subject, out, catalogue, built)
    # a record with no source at all: the finding goes to the source passage field
    out.origins.setdefault((subject, PROV_DERIVED.value), "evidence")
    return built


def _new_thing(
    thing: NewThing,
    spec: FieldSpec,
    lang: str,
    base_iri: str,
    catalogue: Catalogue,
    out: _Writer,
    built: Built,
) -> str:
    """Describe a new thing (its class, its name, the values its kind requires); its IRI."""
    kind = new_kind(spec, thing.cls, catalogue)
    segment = kind.segment if kind else "thing"
    iri = f"{base_iri}id/{segment}/{slugify(thing.label) or 'unnamed'}"
    out.add(iri, RDF_TYPE, NamedNode(thing.cls), spec.key)
    out.add(iri, RDFS_LABEL, Literal(thing.label, language=lang), spec.key)
    if segment == "person":  # a person's name as printed, as the shapes want it
        out.add(iri, NamedNode(FOAF + "name"), Literal(thing.label), spec.key)
    parts = {f.path: f.key for f in kind.fields} if kind else {}
    paths = {f.key: f.path for f in kind.fields} if kind else {}
    for key, values in thing.values.items():
        if key in paths:
            for value in values:
                out.add(iri, NamedNode(paths[key]), value, spec.key)
    built.parts[iri] = parts
    built.new[iri] = spec.key
    return iri


def _source(
    entry: Entry,
    base_iri: str,
    specs: dict[str, FieldSpec],
    subject: str,
    out: _Writer,
    catalogue: Catalogue,
    built: Built,
) -> dict[str, str]:
    """The cited work and its passage, when the entry cites a new passage (of a new work, or
    of one the graph holds)."""
    url, title = _text(entry.first("source.url")), _text(entry.first("source.title"))
    quote, locator = _text(entry.first("source.quotation")), _text(entry.first("source.locator"))
    date, held = entry.first("source.date"), entry.first("source.work")
    if not any((url, title, quote, locator, date, held)):
        return {}
    language = _text(entry.first("source.language")) or entry.lang
    found: dict[str, str] = {}
    if held is not None:  # a new passage of a work the graph holds: the work is not described
        work = held.value
        segment = slugify(_local(work), 44) or "source"
        passage = f"{slugify(locator or '', 33) or 'passage'}-{_digest(quote or locator or '')}"
    else:
        seed = f"{url or ''}\n{title or ''}"
        name = title or (urlsplit(url).netloc + urlsplit(url).path if url else "") or "source"
        segment = f"{slugify(name, 44) or 'source'}-{_digest(seed)}"
        work = f"{base_iri}id/work/{segment}"
        passage = slugify(locator or "", 33) or "passage"
        if quote:  # two passages quoted at the same place (or none named) stay two units
            passage = f"{passage}-{_digest(quote)}"
        found[work] = "source.title"
        _work(entry, base_iri, work, (url, title, language), specs, subject, out, catalogue, built)
    unit = f"{base_iri}graph/evidence/{segment}/{passage}"
    found[unit] = "source.locator"
    out.add(unit, RDF_TYPE, NamedNode(UIKG + "EvidenceUnit"), "source.locator")
    name = title or entry.labels.get(work) or _local(work)
    label = ", ".join(part for part in (name, locator) if part)
    out.add(unit, RDFS_LABEL, Literal(label, language=language), "source.locator")
    out.add(
        unit,
        NamedNode(UIKG + "evidenceFrom"),
        NamedNode(work),
        "source.work" if held else "source.title",
    )
    if locator:
        out.add(unit, NamedNode(UIKG + "locator"), Literal(locator), "source.locator")
    else:
        out.origins[(unit, UIKG + "locator")] = "source.locator"
    if quote:  # the passage, as curated units carry theirs (a W3C Web Annotation selector)
        selector = f"{unit}#passage"
        out.add(unit, NamedNode(OA + "hasSelector"), NamedNode(selector), "source.quotation")
        out.add(selector, RDF_TYPE, NamedNode(OA + "TextQuoteSelector"), "source.quotation")
        out.add(selector, NamedNode(OA + "exact"), Literal(quote), "source.quotation")
        found[selector] = "source.quotation"
    out.add(subject, NamedNode(UIKG + "evidence"), NamedNode(unit), "source.title")
    out.origins[(subject, UIKG + "evidence")] = "evidence"
    return found


def _work(
    entry: Entry,
    base_iri: str,
    work: str,
    described: tuple[str | None, str | None, str],
    specs: dict[str, FieldSpec],
    subject: str,
    out: _Writer,
    catalogue: Catalogue,
    built: Built,
) -> None:
    """A new work: its kind, title, address, publisher and date."""
    url, title, language = described
    date = entry.first("source.date")
    chosen = _text(entry.first("source.kind"))
    kind = chosen if chosen in SOURCE_KINDS else UIKG + ("WebPage" if url else "Publication")
    out.add(work, RDF_TYPE, NamedNode(kind), "source.kind" if chosen else "source.title")
    if title:
        out.add(work, RDFS_LABEL, Literal(title, language=language), "source.title")
        out.add(work, DCT_TITLE, Literal(title, language=language), "source.title")
    else:  # the shapes ask for both; the finding goes to the title column
        out.origins[(work, RDFS_LABEL.value)] = "source.title"
        out.origins[(work, DCT_TITLE.value)] = "source.title"
    if url:
        out.add(work, NamedNode(specs["source.url"].path), entry.first("source.url"), "source.url")  # type: ignore[arg-type]
        out.add(subject, DCT_SOURCE, NamedNode(url), "source.url")
    publisher = specs["source.publisher"]
    for value in entry.values.get("source.publisher", []):
        out.add(work, NamedNode(publisher.path), value, "source.publisher")
    for thing in entry.new.get("source.publisher", []):
        iri = _new_thing(thing, publisher, entry.lang, base_iri, catalogue, out, built)
        out.add(work, NamedNode(publisher.path), NamedNode(iri), "source.publisher")
    if date is not None:
        year = isinstance(date, Literal) and date.datatype.value == XSD_GYEAR
        predicate = UIKG + ("publicationYear" if year else "publicationDate")
        out.add(work, NamedNode(predicate), date, "source.date")
