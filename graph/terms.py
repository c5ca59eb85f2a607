"""RDF term helpers shared by the store backends and the SPARQL result writers."""

from __future__ import annotations

from pyoxigraph import BlankNode, Literal, NamedNode, Triple

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
Term = NamedNode | BlankNode | Literal | Triple


def json_term(term: Term) -> dict[str, object]:
    if isinstance(term, NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, Literal):
        out: dict[str, object] = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value != XSD_STRING:
            out["datatype"] = term.datatype.value
        return out
    assert isinstance(term, Triple)
    return {
        "type": "triple",
        "value": {
            "subject": json_term(term.subject),  # type: ignore[arg-type]
            "predicate": json_term(term.predicate),
            "object": json_term(term.object),  # type: ignore[arg-type]
        },
    }
