"""Reading a contributed record: limits, safety checks, and skolemised blank nodes.

A record is a graph (Turtle, JSON-LD, RDF/XML or N-Triples; never a dataset). Everything that
could make the parser fetch or expand something is refused *before* the parser sees the bytes:
a JSON-LD ``@context`` (or ``@import``) that names a URL, and any ``<!DOCTYPE``/``<!ENTITY``
in RDF/XML. After parsing, every IRI must be free of spaces and control characters. An ill-typed literal
(``"2025-13-45"^^xsd:date``; Oxigraph keeps it as is) is not a reason to refuse the body: it is
a finding of the report, beside the others (:func:`ill_typed`, used by ``check``).

Blank nodes become IRIs under ``{base}.well-known/genid/{record id}/`` (RDF 1.1 §3.5), numbered
in order of appearance, so the same bytes give the same triples.

>>> record = read_record(b'_:a <http://ex.org/p> "1"^^<http://www.w3.org/2001/XMLSchema#integer> .',
...                      RdfFormat.N_TRIPLES, base_iri="https://w3id.org/uikg/", record_id="r1")
>>> str(record.triples[0].subject)
'<https://w3id.org/uikg/.well-known/genid/r1/b0>'
"""

from __future__ import annotations

import calendar
import hashlib
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pyoxigraph import BlankNode, Literal, NamedNode, RdfFormat, Triple, parse

from uikg.graph.errors import BadRequest, PayloadTooLarge, RDFSyntaxError, UnsupportedMediaType
from uikg.graph.explain import DATATYPES
from uikg.graph.namespaces import XSD
from uikg.graph.rdf_input import rdf_syntax_error

MEDIA_TYPES: dict[str, RdfFormat] = {
    "text/turtle": RdfFormat.TURTLE,
    "application/x-turtle": RdfFormat.TURTLE,
    "application/ld+json": RdfFormat.JSON_LD,
    "application/json": RdfFormat.JSON_LD,
    "application/rdf+xml": RdfFormat.RDF_XML,
    "application/xml": RdfFormat.RDF_XML,
    "text/xml": RdfFormat.RDF_XML,
    "application/n-triples": RdfFormat.N_TRIPLES,
    "text/plain": RdfFormat.N_TRIPLES,
}
EXTENSIONS: dict[str, RdfFormat] = {
    ".ttl": RdfFormat.TURTLE,
    ".turtle": RdfFormat.TURTLE,
    ".jsonld": RdfFormat.JSON_LD,
    ".json": RdfFormat.JSON_LD,
    ".rdf": RdfFormat.RDF_XML,
    ".owl": RdfFormat.RDF_XML,
    ".xml": RdfFormat.RDF_XML,
    ".nt": RdfFormat.N_TRIPLES,
}


class RecordRefused(BadRequest):
    """The record uses something the service never processes (remote context, DTD, …)."""


def format_for_media_type(content_type: str | None) -> RdfFormat:
    media_type, *params = (content_type or "").split(";")
    media_type = media_type.strip().lower()
    if media_type not in MEDIA_TYPES:
        raise UnsupportedMediaType(
            f"cannot read a record sent as {media_type or 'a body without Content-Type'}; "
            "send text/turtle, application/ld+json, application/rdf+xml or application/n-triples"
        )
    for param in params:
        name, _, value = param.strip().partition("=")
        charset = value.strip().strip('"').lower()
        if name.strip().lower() == "charset" and charset not in ("utf-8", "utf8"):
            raise UnsupportedMediaType(f"records must be UTF-8 encoded, not {charset}")
    return MEDIA_TYPES[media_type]


def format_for_path(path: Path) -> RdfFormat:
    try:
        return EXTENSIONS[path.suffix.lower()]
    except KeyError:
        raise UnsupportedMediaType(
            f"{path}: cannot tell the format from the extension {path.suffix or '(none)'}; "
            f"use one of {', '.join(sorted(EXTENSIONS))}"
        ) from None


@dataclass
class Record:
    """A parsed, checked, skolemised record, and what identifies the bytes it came from."""

    triples: list[Triple]
    format: RdfFormat
    digest: str  # "sha256:HEX" of the bytes as sent
    size: int
    record_id: str
    minted: set[str] = field(default_factory=set)  # skolem IRIs this record introduced

    @property
    def subjects(self) -> set[str]:
        return {t.subject.value for t in self.triples if isinstance(t.subject, NamedNode)}

    @property
    def terms(self) -> set[str]:
        """Every IRI the record names as a subject or an object."""
        found = self.subjects
        found.update(t.object.value for t in self.triples if isinstance(t.object, NamedNode))
        return found


def _line_column(text: str, offset: int) -> tuple[int, int]:
    before = text[:offset]
    return before.count("\n") + 1, offset - (before.rfind("\n") + 1) + 1


# -- checks before parsing ---------------------------------------------------------------------
_BAD_IRI = re.compile(r'[\x00-\x20<>"{}|^`\\\x7f-\x9f]')
_DTD = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)
_IRI_KEYS = ("@id", "@type", "@vocab", "@base")


def _walk_jsonld(node: Any, path: str) -> Iterator[str]:
    """Problems in a JSON-LD document: remote contexts, imports, IRIs with bad characters."""
    if isinstance(node, list):
        for index, item in enumerate(node):
            yield from _walk_jsonld(item, f"{path}[{index}]")
        return
    if not isinstance(node, dict):
        return
    for key, value in node.items():
        where = f"{path}.{key}" if path else key
        if key == "@context":
            contexts = value if isinstance(value, list) else [value]
            for context in contexts:
                if isinstance(context, str):
                    yield (
                        f"{where}: the remote context {context!r} is refused (never fetched); "
                        "put the context inline as a JSON object"
                    )
                elif isinstance(context, dict) and "@import" in context:
                    yield f"{where}.@import: imported contexts are refused (never fetched)"
        if key in _IRI_KEYS:
            for item in value if isinstance(value, list) else [value]:
                if isinstance(item, str) and _BAD_IRI.search(item):
                    yield f"{where}: {item!r} is not a valid IRI (spaces or control characters)"
        yield from _walk_jsonld(value, where)


_JSON_TOKENS = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]')


def _check_nesting(text: str, limit: int) -> None:
    """Refuse JSON nested deeper than ``limit`` before any parser recurses into it (Python's
    JSON reader and the checks after it would run out of stack on a few thousand levels)."""
    depth = 0
    for found in _JSON_TOKENS.finditer(text):
        piece = found.group()
        if piece in ("[", "{"):
            depth += 1
            if depth > limit:
                line, column = _line_column(text, found.start())
                raise RecordRefused(
                    f"the JSON-LD record nests arrays and objects deeper than {limit} levels "
                    f"(line {line}, column {column}); the limit is UIKG_RECORD_MAX_NESTING",
                    line=line,
                    column=column,
                )
        elif piece in ("]", "}"):
            depth -= 1


def _precheck(data: bytes, text: str, format: RdfFormat, max_nesting: int) -> None:
    if format is RdfFormat.JSON_LD:
        _check_nesting(text, max_nesting)
        try:
            document = json.loads(text)
        except json.JSONDecodeError as error:
            raise RDFSyntaxError(
                f"the JSON-LD record is not JSON (line {error.lineno}, column {error.colno}): "
                f"{error.msg}",
                error.lineno,
                error.colno,
            ) from None
        problems = list(_walk_jsonld(document, ""))
        if problems:
            raise RecordRefused("; ".join(problems[:5]))
    elif format is RdfFormat.RDF_XML:
        match = _DTD.search(data)
        if match:
            line, column = _line_column(text, len(data[: match.start()].decode("utf-8")))
            raise RecordRefused(
                f"DOCTYPE and ENTITY declarations are refused in RDF/XML (line {line}, column "
                f"{column}); entities are never expanded or fetched",
                line=line,
                column=column,
            )


# -- checks after parsing ----------------------------------------------------------------------
_TZ = r"(Z|[+-](0\d|1[0-3]):[0-5]\d|[+-]14:00)?"
_YEAR = r"-?([1-9]\d{3,}|0\d{3})"
_LEXICAL = {
    "date": rf"{_YEAR}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01]){_TZ}",
    "dateTime": rf"{_YEAR}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):[0-5]\d:"
    rf"[0-5]\d(\.\d+)?{_TZ}",
    "gYear": rf"{_YEAR}{_TZ}",
    "gYearMonth": rf"{_YEAR}-(0[1-9]|1[0-2]){_TZ}",
    "integer": r"[+-]?\d+",
    "int": r"[+-]?\d+",
    "long": r"[+-]?\d+",
    "nonNegativeInteger": r"\+?\d+|-0+",
    "positiveInteger": r"\+?0*[1-9]\d*",
    "decimal": r"[+-]?(\d+(\.\d*)?|\.\d+)",
    "double": r"[+-]?(\d+(\.\d*)?|\.\d+)([Ee][+-]?\d+)?|[+-]?INF|NaN",
    "float": r"[+-]?(\d+(\.\d*)?|\.\d+)([Ee][+-]?\d+)?|[+-]?INF|NaN",
    "boolean": r"true|false|1|0",
}
_LEXICAL_RE = {XSD + name: re.compile(pattern) for name, pattern in _LEXICAL.items()}


def ill_typed(literal: Literal) -> str | None:
    """Why a literal of a common XSD datatype is not well typed, in words; None when it is."""
    pattern = _LEXICAL_RE.get(literal.datatype.value)
    if pattern is None:
        return None
    expected = DATATYPES.get(literal.datatype.value, f"a valid {literal.datatype.value}")
    if not pattern.fullmatch(literal.value):
        return f"“{literal.value}” is not {expected}."
    if literal.datatype.value == XSD + "date":
        year, month, day = literal.value.lstrip("-")[:10].split("-")[:3]
        if int(day) > calendar.monthrange(max(int(year), 1) % 400 + 2000, int(month))[1]:
            return f"“{literal.value}” is not {expected}: there is no such day."
    return None


def _check_iri(node: NamedNode) -> str | None:
    if _BAD_IRI.search(node.value):
        return f"<{node.value!r}> is not a valid IRI (spaces or control characters)"
    return None


class _Skolemiser:
    def __init__(self, prefix: str) -> None:
        self.prefix = prefix
        self.labels: dict[str, NamedNode] = {}

    def __call__(self, term: Any) -> Any:
        if isinstance(term, BlankNode):
            if term.value not in self.labels:
                self.labels[term.value] = NamedNode(f"{self.prefix}b{len(self.labels)}")
            return self.labels[term.value]
        return term


def skolem_prefix(base_iri: str, record_id: str) -> str:
    return f"{base_iri}.well-known/genid/{record_id}/"


def read_record(
    data: bytes,
    format: RdfFormat,
    *,
    base_iri: str,
    record_id: str,
    max_bytes: int = 1_048_576,
    max_triples: int = 10_000,
    max_nesting: int = 64,
) -> Record:
    """Parse and check a record; every refusal names what is wrong and, when known, where."""
    if len(data) > max_bytes:
        raise PayloadTooLarge(f"the record is {len(data)} bytes; the limit is {max_bytes} bytes")
    if not data.strip():
        raise BadRequest("the record is empty; send the RDF to validate")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise BadRequest(f"the record is not valid UTF-8 (byte {error.start})") from None
    _precheck(data, text, format, max_nesting)
    skolemise = _Skolemiser(skolem_prefix(base_iri, record_id))
    triples: list[Triple] = []
    problems: list[str] = []
    try:
        for quad in parse(data, format, without_named_graphs=True):
            if len(triples) >= max_triples:
                raise PayloadTooLarge(
                    f"the record has more than {max_triples} triples, the limit per record"
                )
            triple = quad.triple
            terms = (triple.subject, triple.predicate, triple.object)
            if any(isinstance(t, Triple) for t in terms):
                raise RecordRefused("triple terms (RDF 1.2 <<( … )>>) are not accepted in records")
            for term in terms:
                if isinstance(term, NamedNode):
                    problems.append(_check_iri(term) or "")
            triples.append(Triple(*(skolemise(t) for t in terms)))
    except (SyntaxError, ValueError) as error:
        raise rdf_syntax_error(error, format, "record") from None
    problems = [p for p in problems if p]
    if problems:
        more = f" (and {len(problems) - 5} more)" if len(problems) > 5 else ""
        raise BadRequest("; ".join(dict.fromkeys(problems[:5])) + more)
    if not triples:
        raise BadRequest("the record holds no triples")
    for term in {t.subject.value for t in triples} | {  # type: ignore[union-attr]
        t.object.value for t in triples if isinstance(t.object, NamedNode)
    }:
        if term.startswith(f"{base_iri}.well-known/genid/") and not term.startswith(
            skolemise.prefix
        ):
            raise RecordRefused(
                f"<{term}> is a skolem IRI of another record; use a blank node or a named IRI"
            )
    return Record(
        triples=triples,
        format=format,
        digest="sha256:" + hashlib.sha256(data).hexdigest(),
        size=len(data),
        record_id=record_id,
        minted={node.value for node in skolemise.labels.values()},
    )
