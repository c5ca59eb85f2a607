"""Parsing RDF that clients send, with the error position they need to fix it."""

from __future__ import annotations

import re

from pyoxigraph import RdfFormat, Triple, parse

from uikg.graph.errors import BadRequest, RDFSyntaxError, UnsupportedMediaType
from uikg.graph.sparql import formats

# pyoxigraph says "line 3 column 7", "line 3 between columns 7 and 9", or "3:7".
_POSITION = re.compile(r"line (\d+)(?: between columns| column|, column)? (\d+)|(\d+):(\d+)")


def rdf_syntax_error(error: Exception, format: RdfFormat, what: str = "body") -> RDFSyntaxError:
    """The parser's message as our error, with the line and column when it gives them."""
    message = str(error)
    match = _POSITION.search(message)
    line = column = None
    if match:
        numbers = [int(g) for g in match.groups() if g]
        line, column = numbers[0], numbers[1]
    where = f" (line {line}, column {column})" if line else ""
    return RDFSyntaxError(
        f"the {format.name} {what} does not parse{where}: {message}", line, column
    )


def rdf_format(content_type: str | None, *, graphs_only: bool = True) -> RdfFormat:
    """The parser for a Content-Type; ``graphs_only`` refuses dataset formats (TriG, N-Quads)."""
    media_type = (content_type or "").split(";")[0].strip().lower()
    accepted = {k: v for k, v in formats.INPUT.items() if not (graphs_only and v.supports_datasets)}
    if media_type not in accepted:
        raise UnsupportedMediaType(
            f"cannot read {media_type or 'a body without Content-Type'}; "
            f"send one of: {', '.join(sorted(accepted))}"
        )
    return accepted[media_type]


def parse_triples(data: bytes, format: RdfFormat, base_iri: str | None = None) -> list[Triple]:
    if not data.strip():
        raise BadRequest("the request body is empty; send the RDF to store")
    try:
        return [
            quad.triple
            for quad in parse(data, format, base_iri=base_iri, without_named_graphs=True)
        ]
    except (SyntaxError, ValueError) as error:
        raise rdf_syntax_error(error, format) from None
