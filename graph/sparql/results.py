"""Writing query results with a row limit, in any of the standard formats.

pyoxigraph serialises a whole ``QuerySolutions`` at once, with no way to stop after N rows, so
SELECT results are written here row by row (W3C SPARQL 1.1 JSON, XML, CSV and TSV formats);
ASK and graph results go through pyoxigraph's own serialisers.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from json.encoder import encode_basestring  # type: ignore[attr-defined]
from typing import Protocol
from xml.sax.saxutils import escape, quoteattr

from pyoxigraph import (
    BlankNode,
    Literal,
    NamedNode,
    QueryBoolean,
    QuerySolutions,
    Triple,
    serialize,
)

from uikg.graph.sparql import formats
from uikg.graph.terms import XSD_STRING, json_term

RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"


class Sink(Protocol):
    def write(self, data: bytes, /) -> int: ...


@dataclass
class Outcome:
    rows: int
    truncated: bool


def write_result(result: object, media_type: str, sink: Sink, max_rows: int) -> Outcome:
    """Serialise any pyoxigraph query result into ``sink``; stop after ``max_rows`` rows."""
    if isinstance(result, QueryBoolean):
        result.serialize(sink, formats.SOLUTIONS[media_type])  # type: ignore[arg-type]
        return Outcome(rows=1, truncated=False)
    if isinstance(result, QuerySolutions):
        return _write_solutions(result, media_type, sink, max_rows)
    counter = _Limited(result, max_rows)  # type: ignore[arg-type]
    serialize(counter, sink, formats.GRAPH[media_type])  # type: ignore[arg-type]
    return Outcome(rows=counter.count, truncated=counter.truncated)


class _Limited:
    """An iterator that stops after ``limit`` items and remembers whether it had to."""

    def __init__(self, items: Iterable[Triple], limit: int) -> None:
        self._items = iter(items)
        self._limit = limit
        self.count = 0
        self.truncated = False

    def __iter__(self) -> Iterator[Triple]:
        return self

    def __next__(self) -> Triple:
        item = next(self._items)
        if self.count >= self._limit:
            self.truncated = True
            raise StopIteration
        self.count += 1
        return item


def _write_solutions(
    solutions: QuerySolutions, media_type: str, sink: Sink, max_rows: int
) -> Outcome:
    names = [variable.value for variable in solutions.variables]
    writer = _WRITERS[media_type](names, sink)
    rows = 0
    truncated = False
    buffer: list[str] = []
    for solution in solutions:
        if rows >= max_rows:
            truncated = True
            break
        buffer.append(writer.row([solution[index] for index in range(len(names))]))
        rows += 1
        if len(buffer) >= 256:
            sink.write("".join(buffer).encode())
            buffer.clear()
    if buffer:
        sink.write("".join(buffer).encode())
    writer.end()
    return Outcome(rows=rows, truncated=truncated)


Term = NamedNode | BlankNode | Literal | Triple | None


class _JsonWriter:
    """Rows as JSON text, each variable's key quoted once."""

    def __init__(self, names: list[str], sink: Sink) -> None:
        self.keys = [encode_basestring(name) + ":" for name in names]
        self.sink = sink
        self.first = True
        sink.write(('{"head":{"vars":' + json.dumps(names) + '},"results":{"bindings":[').encode())

    def row(self, terms: list[Term]) -> str:
        text = (
            "{"
            + ",".join(
                key + json_term(term)
                for key, term in zip(self.keys, terms, strict=True)
                if term is not None
            )
            + "}"
        )
        if self.first:
            self.first = False
            return text
        return "," + text

    def end(self) -> None:
        self.sink.write(b"]}}")


class _XmlWriter:
    def __init__(self, names: list[str], sink: Sink) -> None:
        self.names = names
        self.sink = sink
        head = "".join(f"<variable name={quoteattr(name)}/>" for name in names)
        sink.write(
            (
                '<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">'
                f"<head>{head}</head><results>"
            ).encode()
        )

    def row(self, terms: list[Term]) -> str:
        bindings = "".join(
            f"<binding name={quoteattr(name)}>{_xml_term(term)}</binding>"
            for name, term in zip(self.names, terms, strict=True)
            if term is not None
        )
        return f"<result>{bindings}</result>"

    def end(self) -> None:
        self.sink.write(b"</results></sparql>")


def _xml_term(term: Term) -> str:
    if isinstance(term, NamedNode):
        return f"<uri>{escape(term.value)}</uri>"
    if isinstance(term, BlankNode):
        return f"<bnode>{escape(term.value)}</bnode>"
    if isinstance(term, Literal):
        if term.language:
            return f"<literal xml:lang={quoteattr(term.language)}>{escape(term.value)}</literal>"
        if term.datatype.value != XSD_STRING:
            return (
                f"<literal datatype={quoteattr(term.datatype.value)}>{escape(term.value)}</literal>"
            )
        return f"<literal>{escape(term.value)}</literal>"
    assert isinstance(term, Triple)
    return (
        f"<triple><subject>{_xml_term(term.subject)}</subject>"  # type: ignore[arg-type]
        f"<predicate>{_xml_term(term.predicate)}</predicate>"
        f"<object>{_xml_term(term.object)}</object></triple>"  # type: ignore[arg-type]
    )


class _CsvWriter:
    def __init__(self, names: list[str], sink: Sink) -> None:
        self.buffer = io.StringIO()
        self.csv = csv.writer(self.buffer, lineterminator="\r\n")
        self.csv.writerow(names)
        sink.write(self._take().encode())

    def _take(self) -> str:
        text = self.buffer.getvalue()
        self.buffer.seek(0)
        self.buffer.truncate()
        return text

    def row(self, terms: list[Term]) -> str:
        self.csv.writerow(["" if term is None else _csv_term(term) for term in terms])
        return self._take()

    def end(self) -> None:
        pass


def _csv_term(term: NamedNode | BlankNode | Literal | Triple) -> str:
    if isinstance(term, BlankNode):
        return f"_:{term.value}"
    if isinstance(term, NamedNode | Literal):
        return term.value
    return str(term)


class _TsvWriter:
    def __init__(self, names: list[str], sink: Sink) -> None:
        sink.write(("\t".join(f"?{name}" for name in names) + "\n").encode())

    def row(self, terms: list[Term]) -> str:
        return "\t".join("" if term is None else str(term) for term in terms) + "\n"

    def end(self) -> None:
        pass


class _Writer(Protocol):
    def row(self, terms: list[Term]) -> str: ...
    def end(self) -> None: ...


_WRITERS: dict[str, Callable[[list[str], Sink], _Writer]] = {
    formats.SPARQL_JSON: _JsonWriter,
    formats.SPARQL_XML: _XmlWriter,
    formats.CSV: _CsvWriter,
    formats.TSV: _TsvWriter,
}

__all__ = ["Outcome", "Sink", "write_result"]
