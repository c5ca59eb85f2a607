"""A filled-in form or a spreadsheet row, as the RDF record the contribution workflow checks.

An :class:`Entry` holds the values of the fields of ``graph.forms`` (keyed by field key),
already typed: IRIs for choices, literals for the rest. :func:`build` turns it into a record:
the thing itself under ``{base}id/{kind}/{slug}`` and, when the contributor cites a new source,
the source as a work (``{base}id/work/…``) and the passage as the record's own evidence unit
(``{base}graph/evidence/{work}/{passage}``, with the quoted passage), which the thing names with
``uikg:evidence``. An existing passage picked from the graph is named the same way. The record
remembers which field each statement came from, so a finding of the validator can be put
next to the field (or the spreadsheet column) it concerns.

>>> from pyoxigraph import Literal
>>> entry = Entry("document", {"label": [Literal("Strategia integracji Lublina", language="pl")]})
>>> entry.slug()
'strategia-integracji-lublina'
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from pyoxigraph import Literal, NamedNode, RdfFormat, Triple, serialize

from uikg.graph.forms import KINDS, UIKG, Catalogue, FieldSpec
from uikg.graph.namespaces import PREFIXES
from uikg.graph.search import fold
from uikg.graph.validation import ValidationResult

RDF_TYPE = NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
RDFS_LABEL = NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
DCT_TITLE = NamedNode("http://purl.org/dc/terms/title")
DCT_SOURCE = NamedNode("http://purl.org/dc/terms/source")
PROV_DERIVED = NamedNode("http://www.w3.org/ns/prov#wasDerivedFrom")
XSD_GYEAR = "http://www.w3.org/2001/XMLSchema#gYear"
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


@dataclass
class Entry:
    """The typed values of one record, by field key (``label``, ``adoptionDate``, ``source.url``)."""

    kind: str
    values: dict[str, list[NamedNode | Literal]] = field(default_factory=dict)
    identifier: str | None = None  # the slug, when the contributor gives one
    lang: str = "en"  # the language of texts that do not say theirs

    def first(self, key: str) -> NamedNode | Literal | None:
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

    def ntriples(self) -> bytes:
        return serialize(self.triples, format=RdfFormat.N_TRIPLES) or b""

    def field_of(self, result: ValidationResult) -> str | None:
        """The field a validator's finding is about, or None when it concerns the whole record."""
        if result.focus_node is not None and result.path is not None:
            key = self.origins.get((result.focus_node, result.path))
            if key:
                return key
        if result.focus_node in self.keys_of_subject and result.focus_node != self.subject:
            if result.path is not None:
                for (subject, path), key in self.origins.items():
                    if path == result.path and subject == result.focus_node:
                        return key
            return self.keys_of_subject[result.focus_node]
        return None


class _Writer:
    def __init__(self) -> None:
        self.triples: list[Triple] = []
        self.origins: dict[tuple[str, str], str] = {}

    def add(self, subject: str, predicate: NamedNode, value: NamedNode | Literal, key: str) -> None:
        self.triples.append(Triple(NamedNode(subject), predicate, value))
        self.origins.setdefault((subject, predicate.value), key)


def _text(value: NamedNode | Literal | None) -> str | None:
    return value.value if value is not None else None


def build(entry: Entry, base_iri: str, catalogue: Catalogue | None = None) -> Built:
    """The record of an entry; required values that are missing are left to the validator."""
    catalogue = catalogue or Catalogue.default()
    kind = KINDS[entry.kind]
    specs = {spec.key: spec for spec in catalogue.fields(entry.kind)}
    subject = f"{base_iri}id/{kind.slug_kind}/{entry.slug() or 'unnamed'}"
    out = _Writer()
    out.add(subject, RDF_TYPE, NamedNode(kind.cls), "label")
    for key, values in entry.values.items():
        spec = specs.get(key)
        if spec is None or spec.part != "record":
            continue
        for value in values:
            out.add(subject, NamedNode(spec.path), value, key)
    for unit in entry.values.get("evidence", []):
        out.add(subject, PROV_DERIVED, unit, "evidence")  # the policy's "state your source"
    secondary = _source(entry, base_iri, specs, subject, out)
    # a record with no source at all: the finding goes to the source passage field
    out.origins.setdefault((subject, PROV_DERIVED.value), "evidence")
    return Built(subject, out.triples, out.origins, secondary)


OA = PREFIXES["oa"]


def _source(
    entry: Entry, base_iri: str, specs: dict[str, FieldSpec], subject: str, out: _Writer
) -> dict[str, str]:
    """The cited work and its passage, when the entry cites a new source."""
    url, title = _text(entry.first("source.url")), _text(entry.first("source.title"))
    quote, locator = _text(entry.first("source.quotation")), _text(entry.first("source.locator"))
    date = entry.first("source.date")
    if not any((url, title, quote, locator, date)):
        return {}
    language = _text(entry.first("source.language")) or entry.lang
    seed = f"{url or ''}\n{title or ''}"
    name = title or (urlsplit(url).netloc + urlsplit(url).path if url else "") or "source"
    work_slug = f"{slugify(name, 44) or 'source'}-{hashlib.sha256(seed.encode()).hexdigest()[:6]}"
    work = f"{base_iri}id/work/{work_slug}"
    unit = f"{base_iri}graph/evidence/{work_slug}/{slugify(locator or '', 40) or 'passage'}"
    kind = UIKG.WebPage if url else UIKG.Publication
    out.add(work, RDF_TYPE, NamedNode(kind), "source.title")
    if title:
        out.add(work, RDFS_LABEL, Literal(title, language=language), "source.title")
        out.add(work, DCT_TITLE, Literal(title, language=language), "source.title")
    else:  # the shapes ask for both; the finding goes to the title column
        out.origins[(work, RDFS_LABEL.value)] = "source.title"
        out.origins[(work, DCT_TITLE.value)] = "source.title"
    if url:
        out.add(work, NamedNode(specs["source.url"].path), entry.first("source.url"), "source.url")  # type: ignore[arg-type]
        out.add(subject, DCT_SOURCE, NamedNode(url), "source.url")
    if date is not None:
        year = isinstance(date, Literal) and date.datatype.value == XSD_GYEAR
        predicate = UIKG.publicationYear if year else UIKG.publicationDate
        out.add(work, NamedNode(predicate), date, "source.date")
    out.add(unit, RDF_TYPE, NamedNode(UIKG.EvidenceUnit), "source.locator")
    label = ", ".join(part for part in (title or name, locator) if part)
    out.add(unit, RDFS_LABEL, Literal(label, language=language), "source.locator")
    out.add(unit, NamedNode(UIKG.evidenceFrom), NamedNode(work), "source.title")
    if locator:
        out.add(unit, NamedNode(UIKG.locator), Literal(locator), "source.locator")
    else:
        out.origins[(unit, str(UIKG.locator))] = "source.locator"
    if quote:  # the passage, as curated units carry theirs (a W3C Web Annotation selector)
        selector = f"{unit}#passage"
        out.add(unit, NamedNode(OA + "hasSelector"), NamedNode(selector), "source.quotation")
        out.add(selector, RDF_TYPE, NamedNode(OA + "TextQuoteSelector"), "source.quotation")
        out.add(selector, NamedNode(OA + "exact"), Literal(quote), "source.quotation")
    out.add(subject, NamedNode(UIKG.evidence), NamedNode(unit), "source.title")
    out.origins[(subject, str(UIKG.evidence))] = "evidence"
    return {work: "source.title", unit: "source.locator"}
