"""Media types the service speaks, per kind of result.

The first entry of each list is the default when a client accepts anything.
"""

from __future__ import annotations

from pyoxigraph import QueryResultsFormat, RdfFormat

SPARQL_JSON = "application/sparql-results+json"
SPARQL_XML = "application/sparql-results+xml"
CSV = "text/csv"
TSV = "text/tab-separated-values"

TURTLE = "text/turtle"
N_TRIPLES = "application/n-triples"
JSON_LD = "application/ld+json"
RDF_XML = "application/rdf+xml"
N_QUADS = "application/n-quads"
TRIG = "application/trig"

SOLUTIONS: dict[str, QueryResultsFormat] = {
    SPARQL_JSON: QueryResultsFormat.JSON,
    SPARQL_XML: QueryResultsFormat.XML,
    CSV: QueryResultsFormat.CSV,
    TSV: QueryResultsFormat.TSV,
}
GRAPH: dict[str, RdfFormat] = {
    TURTLE: RdfFormat.TURTLE,
    N_TRIPLES: RdfFormat.N_TRIPLES,
    JSON_LD: RdfFormat.JSON_LD,
    RDF_XML: RdfFormat.RDF_XML,
}
DATASET: dict[str, RdfFormat] = {N_QUADS: RdfFormat.N_QUADS, TRIG: RdfFormat.TRIG}

# Names a client may give instead of a media type (``?format=json``), as many endpoints accept.
ALIASES: dict[str, str] = {
    "json": "application/json",
    "xml": SPARQL_XML,
    "csv": CSV,
    "tsv": TSV,
    "turtle": TURTLE,
    "ttl": TURTLE,
    "nt": N_TRIPLES,
    "ntriples": N_TRIPLES,
    "jsonld": JSON_LD,
    "json-ld": JSON_LD,
    "rdfxml": RDF_XML,
    "rdf": RDF_XML,
}

# Accepted on input (Graph Store Protocol, contributions, `uikg load`), with the usual aliases.
INPUT: dict[str, RdfFormat] = {
    **GRAPH,
    **DATASET,
    "application/x-turtle": RdfFormat.TURTLE,
    "text/plain": RdfFormat.N_TRIPLES,
    "application/json": RdfFormat.JSON_LD,
    "application/xml": RdfFormat.RDF_XML,
    "text/xml": RdfFormat.RDF_XML,
    "text/n3": RdfFormat.N3,
}


JSON = "application/json"
TEXT = "text/plain"


def offered(form: str) -> list[str]:
    """What a client may ask for to get a ``form`` result: ours, then generic types that stand
    for one of them (``application/json``; ``text/plain`` for N-Triples, as rdflib asks)."""
    if form in ("SELECT", "ASK"):
        return [*for_form(form), JSON]
    return [*for_form(form), JSON, TEXT]


def served(form: str, chosen: str) -> str:
    """The format that answers a request for ``chosen`` (one of ``offered(form)``)."""
    if chosen == JSON:
        return SPARQL_JSON if form in ("SELECT", "ASK") else JSON_LD
    if chosen == TEXT:
        return N_TRIPLES
    return chosen


def for_form(form: str) -> list[str]:
    """The media types a query form can answer in, default first.

    ASK has no standard CSV or TSV form, so it is offered in JSON and XML only.
    """
    if form == "ASK":
        return [SPARQL_JSON, SPARQL_XML]
    return list(SOLUTIONS) if form == "SELECT" else list(GRAPH)


def charset(media_type: str) -> str:
    """Content-Type value with a charset for the textual formats."""
    if media_type in (RDF_XML, SPARQL_XML, JSON_LD, SPARQL_JSON):
        return media_type
    return f"{media_type}; charset=utf-8"
