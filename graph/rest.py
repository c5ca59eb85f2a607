"""Typed collections for the REST API: which things, which filters, how they sort.

Filters are SPARQL patterns over the item (``?item``) and one filter variable; a value reaches
the query only as a validated pyoxigraph term (an IRI that parsed, an integer that parsed), in a
``VALUES`` block, never as pasted text. Items are returned as all their own triples, so each
answer's JSON-LD, expanded, is exactly the graph's triples for those things.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass, field
from string import Template

import rdflib
from pyoxigraph import Literal, NamedNode

from uikg.graph.errors import BadRequest
from uikg.graph.namespaces import RDFS, SKOS, UIKG, XSD
from uikg.graph.queries import QueryParam, convert, resolve
from uikg.graph.reader import Reader

PREFIXES = (
    f"PREFIX uikg: <{UIKG}>\nPREFIX skos: <{SKOS}>\nPREFIX rdfs: <{RDFS}>\nPREFIX xsd: <{XSD}>\n"
)
YEAR = "xsd:integer(SUBSTR(STR(?${p}d), 1, 4))"


@dataclass(frozen=True)
class Filter:
    name: str
    type: str  # as in named queries: iri, integer, string, concept:<scheme>
    pattern: str  # uses ?item, $value for the value and $p to prefix its own variables
    description: str
    example: str | None = None

    def param(self, base: str) -> QueryParam:
        """The filter as a typed parameter; its example (relative here) resolved on ``base``."""
        return QueryParam(
            self.name, self.type, self.description, False, resolve(base, self.example)
        )


@dataclass(frozen=True)
class Collection:
    name: str
    title: str
    kind: str  # path under id/: city, organisation, concept/integration-model …
    select: str  # pattern that makes ?item a member
    filters: tuple[Filter, ...] = field(default=())
    example_item: str | None = None


def _in_scheme(scheme: str) -> str:
    """Membership of a concept scheme; the relative IRI resolves on the query's base IRI."""
    return f"?item skos:inScheme <id/scheme/{scheme}> ."


_CITY = Filter(
    "city",
    "iri",
    "?item uikg:jurisdiction $value .",
    "Documents whose jurisdiction is this city",
    "id/city/gdansk",
)
_MODEL = Filter(
    "model",
    "concept:integration-model",
    "?item uikg:followsModel $value .",
    "Follows this integration model",
    "id/concept/integration-model/intercultural",
)

COLLECTIONS: dict[str, Collection] = {
    c.name: c
    for c in (
        Collection(
            "cities",
            "Cities",
            "city",
            "?item a uikg:City .",
            (
                Filter(
                    "country",
                    "iri",
                    "?item uikg:country $value .",
                    "Cities in this country",
                    "id/country/poland",
                ),
                Filter(
                    "model",
                    "concept:integration-model",
                    "?${p}doc uikg:jurisdiction ?item ; uikg:followsModel $value .",
                    "Cities with a policy document that follows this integration model",
                    "id/concept/integration-model/intercultural",
                ),
            ),
            "gdansk",
        ),
        Collection(
            "organisations",
            "Organisations",
            "organisation",
            "?item a uikg:Organisation .",
            (
                Filter(
                    "city",
                    "iri",
                    "?item uikg:basedIn $value .",
                    "Organisations based in this city",
                    "id/city/gdansk",
                ),
                Filter(
                    "type",
                    "iri",
                    "?item a $value .",
                    "Organisations of this class",
                    "https://w3id.org/uikg/ontology#NGO",
                ),
            ),
            "gdansk-municipality",
        ),
        Collection(
            "documents",
            "Policy documents",
            "document",
            "?item a uikg:PolicyDocument .",
            (
                _CITY,
                Filter(
                    "country",
                    "iri",
                    "{ ?item uikg:jurisdiction $value } UNION { ?item uikg:jurisdiction/uikg:country $value }",
                    "Documents of this country or of its cities and regions",
                    "id/country/poland",
                ),
                _MODEL,
                Filter(
                    "area",
                    "concept:policy-area",
                    "?item uikg:coversArea $value .",
                    "Covers this policy area",
                    "id/concept/policy-area/education",
                ),
                Filter(
                    "kind",
                    "concept:document-kind",
                    "?item uikg:documentKind $value .",
                    "Of this kind",
                    "id/concept/document-kind/strategy",
                ),
                Filter(
                    "status",
                    "concept:document-status",
                    "?item uikg:status $value .",
                    "With this status",
                    "id/concept/document-status/adopted",
                ),
                Filter(
                    "year_from",
                    "integer",
                    f"?item uikg:adoptionDate ?${{p}}d FILTER({YEAR} >= $value)",
                    "Adopted in or after this year",
                    "2015",
                ),
                Filter(
                    "year_to",
                    "integer",
                    f"?item uikg:adoptionDate ?${{p}}d FILTER({YEAR} <= $value)",
                    "Adopted in or before this year",
                    "2020",
                ),
            ),
            "gdansk-immigrant-integration-model",
        ),
        Collection(
            "models",
            "Integration models",
            "concept/integration-model",
            _in_scheme("integration-model"),
            (),
            "intercultural",
        ),
        Collection(
            "areas",
            "Policy areas",
            "concept/policy-area",
            _in_scheme("policy-area"),
            (),
            "education",
        ),
        Collection(
            "works",
            "Works of the literature",
            "work",
            "?item a uikg:Publication .",
            (
                Filter(
                    "author",
                    "iri",
                    "?item uikg:author $value .",
                    "Written by this person",
                    "id/person/dirk-gebhardt",
                ),
                Filter(
                    "year_from",
                    "integer",
                    f"?item uikg:publicationYear ?${{p}}d FILTER({YEAR} >= $value)",
                    "Published in or after this year",
                    "2010",
                ),
                Filter(
                    "year_to",
                    "integer",
                    f"?item uikg:publicationYear ?${{p}}d FILTER({YEAR} <= $value)",
                    "Published in or before this year",
                    "2016",
                ),
            ),
            "stefanska-2008",
        ),
        Collection(
            "claims",
            "Attributed claims",
            "claim",
            "?item a uikg:Claim .",
            (
                Filter(
                    "about",
                    "iri",
                    "?item uikg:about $value .",
                    "Claims about this thing",
                    "id/city/gdansk",
                ),
                Filter(
                    "by",
                    "iri",
                    "?item uikg:attributedTo $value .",
                    "Claims attributed to this agent",
                    "id/person/dirk-gebhardt",
                ),
            ),
            "c01",
        ),
    )
}

SORTS = {"iri": "?item", "label": "LCASE(STR(?sortLabel))"}


@dataclass
class Page:
    items: list[str]
    next_cursor: str | None
    offset: int


def encode_cursor(offset: int, sort: str) -> str:
    return (
        base64.urlsafe_b64encode(json.dumps({"o": offset, "s": sort}).encode()).decode().rstrip("=")
    )


def decode_cursor(cursor: str, sort: str) -> int:
    try:
        data = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        offset = int(data["o"])
    except (ValueError, KeyError, TypeError, binascii.Error):
        raise BadRequest("cursor: not a cursor this API gave out; start again without it") from None
    if data.get("s") != sort or offset < 0:
        raise BadRequest("cursor: it belongs to another sort order; start again without it")
    return offset


def list_items(
    reader: Reader,
    collection: Collection,
    values: dict[str, str],
    *,
    base: str,
    sort: str = "label",
    cursor: str | None = None,
    limit: int = 50,
) -> Page:
    """One page of a collection's items (IRIs), filtered and sorted."""
    descending = sort.startswith("-")
    key = sort.lstrip("-")
    if key not in SORTS:
        raise BadRequest(
            f"sort: use one of {', '.join(SORTS)} (prefix - for descending), not {sort!r}"
        )
    offset = decode_cursor(cursor, sort) if cursor else 0
    known = {f.name: f for f in collection.filters}
    patterns = [collection.select]
    for name, raw in values.items():
        spec = known.get(name)
        if spec is None:
            raise BadRequest(
                f"{name}: not a filter of /{collection.name}; filters: {', '.join(known) or 'none'}"
            )
        term = convert(spec.param(base), raw, base)  # typed, or BadRequest naming the filter
        variable = f"?v_{name}"
        pattern = Template(spec.pattern).substitute(value=variable, p=f"f_{name}_")
        patterns.append(f"VALUES {variable} {{ {term} }} {pattern}")
    order = SORTS[key]
    direction = "DESC" if descending else "ASC"
    query = (
        f"BASE <{base}>\n"
        + PREFIXES
        + "SELECT ?item (SAMPLE(?label) AS ?sortLabel) WHERE { "
        + " ".join(patterns)
        + " FILTER(isIRI(?item)) OPTIONAL { ?item rdfs:label|skos:prefLabel ?label FILTER(lang(?label) = 'en' || lang(?label) = '') } }"
        + f" GROUP BY ?item ORDER BY {direction}({order}) ?item LIMIT {limit + 1} OFFSET {offset}"
    )
    rows = [row["item"].value for row in reader.query(query)]
    more = len(rows) > limit
    return Page(rows[:limit], encode_cursor(offset + limit, sort) if more else None, offset)


def item_iri(base: str, collection: Collection, slug: str) -> str:
    if not slug or "/" in slug or any(c in slug for c in '<>"{}|^`\\ '):
        raise BadRequest(f"{slug!r} is not a valid identifier")
    iri = f"{base}id/{collection.kind}/{slug}"
    try:  # the engine refuses more than the characters above (``]``, controls): found by fuzzing
        NamedNode(iri)
    except ValueError as error:
        raise BadRequest(f"{slug!r} is not a valid identifier ({error})") from None
    return iri


def items_graph(reader: Reader, iris: list[str]) -> rdflib.Graph:
    """All triples whose subject is one of ``iris`` (the union of the graphs)."""
    graph = rdflib.Graph()
    for start in range(0, len(iris), 200):
        values = " ".join(str(NamedNode(iri)) for iri in iris[start : start + 200])
        for row in reader.query(f"SELECT ?s ?p ?o WHERE {{ VALUES ?s {{ {values} }} ?s ?p ?o }}"):
            graph.add((_rdflib(row["s"]), _rdflib(row["p"]), _rdflib(row["o"])))
    return graph


def _rdflib(term: object) -> rdflib.term.Node:
    if isinstance(term, NamedNode):
        return rdflib.URIRef(term.value)
    if isinstance(term, Literal):
        if term.language:
            return rdflib.Literal(term.value, lang=term.language)
        return rdflib.Literal(term.value, datatype=rdflib.URIRef(term.datatype.value))
    return rdflib.BNode(str(term)[2:])


def jsonld_context(reader: Reader, ontology_graph: str) -> dict[str, object]:
    """Short, stable keys for every ontology term, plus the few reused terms the data uses."""
    context: dict[str, object] = {
        "id": "@id",
        "type": "@type",
        "uikg": UIKG,
        "skos": SKOS,
        "rdfs": RDFS,
        "xsd": XSD,
        "owl": "http://www.w3.org/2002/07/owl#",
        "prov": "http://www.w3.org/ns/prov#",
        "dct": "http://purl.org/dc/terms/",
        "label": {"@id": "rdfs:label", "@container": "@language"},
        "prefLabel": {"@id": "skos:prefLabel", "@container": "@language"},
        "altLabel": {"@id": "skos:altLabel", "@container": "@language"},
        "definition": {"@id": "skos:definition", "@container": "@language"},
        "inScheme": {"@id": "skos:inScheme", "@type": "@id"},
        "broader": {"@id": "skos:broader", "@type": "@id"},
        "narrower": {"@id": "skos:narrower", "@type": "@id"},
        "exactMatch": {"@id": "skos:exactMatch", "@type": "@id"},
        "sameAs": {"@id": "owl:sameAs", "@type": "@id"},
        "wasDerivedFrom": {"@id": "prov:wasDerivedFrom", "@type": "@id"},
        "lat": "http://www.w3.org/2003/01/geo/wgs84_pos#lat",
        "long": "http://www.w3.org/2003/01/geo/wgs84_pos#long",
    }
    for row in reader.query(
        "SELECT ?t ?kind WHERE { GRAPH ?g { ?t a ?kind } "
        "VALUES ?kind { <http://www.w3.org/2002/07/owl#ObjectProperty> "
        "<http://www.w3.org/2002/07/owl#DatatypeProperty> <http://www.w3.org/2002/07/owl#Class> } "
        f'FILTER(?g = <{ontology_graph}> && STRSTARTS(STR(?t), "{UIKG}")) }} ORDER BY ?t',
        union_default=False,
    ):
        name = row["t"].value[len(UIKG) :]
        if name in context:
            continue
        if row["kind"].value.endswith("ObjectProperty"):
            context[name] = {"@id": f"uikg:{name}", "@type": "@id"}
        else:
            context[name] = f"uikg:{name}"
    return context


def to_jsonld(
    graph: rdflib.Graph,
    context: dict[str, object],
    context_url: str,
    order: list[str] | None = None,
) -> object:
    """Compact JSON-LD for ``graph`` whose ``@context`` is the published context's URL;
    ``order`` puts the nodes in page order (the serialiser's own order is arbitrary)."""
    document = json.loads(graph.serialize(format="json-ld", context=context, auto_compact=False))
    if isinstance(document, dict):
        document.pop("@context", None)
        nodes = document.get("@graph", [document] if document else [])
    else:
        nodes = document
    if order is not None:
        rank = {iri: index for index, iri in enumerate(order)}
        nodes.sort(key=lambda node: rank.get(node.get("id", ""), len(rank)))
    return {"@context": context_url, "@graph": nodes}
