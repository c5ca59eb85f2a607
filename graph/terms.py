"""RDF term helpers shared by the SPARQL result writers."""

from __future__ import annotations

from json.encoder import encode_basestring  # type: ignore[attr-defined]

from pyoxigraph import BlankNode, Literal, NamedNode, Triple

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
Term = NamedNode | BlankNode | Literal | Triple


def json_term(term: Term) -> str:
    """A term as JSON text in the W3C SPARQL 1.1 results format, assembled from parts with C's
    string encoder: a dict per term, dumped, cost ~11 µs a row, as much as a point lookup.

    >>> json_term(Literal("Gdańsk", language="pl"))
    '{"type":"literal","value":"Gdańsk","xml:lang":"pl"}'
    """
    if isinstance(term, NamedNode):
        return '{"type":"uri","value":' + encode_basestring(term.value) + "}"
    if isinstance(term, Literal):
        value = encode_basestring(term.value)
        if term.language:
            return (
                '{"type":"literal","value":'
                + value
                + ',"xml:lang":'
                + encode_basestring(term.language)
                + "}"
            )
        datatype = term.datatype.value
        if datatype == XSD_STRING:
            return '{"type":"literal","value":' + value + "}"
        return (
            '{"type":"literal","value":'
            + value
            + ',"datatype":'
            + encode_basestring(datatype)
            + "}"
        )
    if isinstance(term, BlankNode):
        return '{"type":"bnode","value":' + encode_basestring(term.value) + "}"
    assert isinstance(term, Triple)
    return (
        '{"type":"triple","value":{"subject":'
        + json_term(term.subject)  # type: ignore[arg-type]
        + ',"predicate":'
        + json_term(term.predicate)
        + ',"object":'
        + json_term(term.object)  # type: ignore[arg-type]
        + "}}"
    )
