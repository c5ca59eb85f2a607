"""Reconciliation (W3C Reconciliation Service API 0.2): our IRIs next to someone's spreadsheet rows.

OpenRefine and other clients send batches of names ("Gdansk", type City, country Poland) and
get candidates with scores; ``match`` is true only when one candidate is certain. They can then
pull columns (country, integration model, documents, Wikidata id) with data extension.

Identifiers are the graph's own IRIs, so a reconciled cell holds the IRI other datasets link
to. Names are compared accent- and case-folded (``search.fold``), in every language the graph
labels things in. Every read goes through the ``Reader`` it is given (the service's guarded
reader): an index of names and types per store generation, and one bounded query per property
for constraints and extensions.

>>> name_score("gdansk", ("gdansk",))
100.0
>>> name_score("gdansk", ("lodz",)) < 50
True
"""

from __future__ import annotations

import difflib
import threading
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from pyoxigraph import Literal, NamedNode

from uikg.graph.describe import LABEL_PROPERTIES
from uikg.graph.errors import BadRequest, PayloadTooLarge
from uikg.graph.namespaces import PREFIXES
from uikg.graph.reader import Reader
from uikg.graph.search import fold
from uikg.graph.settings import Settings
from uikg.graph.sparql.guard import check_iri

UIKG = PREFIXES["uikg"]
SKOS = PREFIXES["skos"]
XSD = PREFIXES["xsd"]
NAME_PROPERTIES = (*LABEL_PROPERTIES, SKOS + "altLabel")
# The classes offered first (``defaultTypes``), in this order, when the graph has instances.
DEFAULT_TYPES = (
    "City",
    "Country",
    "Region",
    "Organisation",
    "Person",
    "PolicyDocument",
    "Publication",
    "Programme",
    "Project",
    "Event",
)
CERTAIN = 95.0  # a name this close (exact after folding) can be a match
THRESHOLD = 50.0  # below this a name is not a candidate
_SPARQL_PREFIXES = "".join(f"PREFIX {k}: <{v}>\n" for k, v in PREFIXES.items())


@dataclass(frozen=True)
class Extension:
    """A property clients can constrain on and pull as a column: a pattern from ``?item`` to
    ``?value``. Any property IRI of the graph works too (``?item <pid> ?value``)."""

    id: str
    name: str
    pattern: str
    types: tuple[str, ...]  # uikg class local names it is proposed for
    value_type: str | None = None  # class of entity values, for the extension's metadata
    description: str = ""


EXTENSIONS: dict[str, Extension] = {
    e.id: e
    for e in (
        Extension(
            "country",
            "country",
            "{ ?item uikg:country ?value } UNION "
            "{ ?item uikg:jurisdiction ?place . ?place uikg:country ?value }",
            ("City", "Region", "PolicyDocument"),
            "Country",
            "The country of a city or region, or of a document's jurisdiction",
        ),
        Extension(
            "integration-model",
            "integration model",
            "{ ?item uikg:followsModel ?value } UNION "
            "{ ?doc uikg:jurisdiction ?item ; uikg:followsModel ?value }",
            ("City", "PolicyDocument", "Organisation", "Programme"),
            None,
            "The integration models it follows, or its policy documents follow, by the sources",
        ),
        Extension(
            "documents",
            "policy documents",
            "?value uikg:jurisdiction ?item ; a uikg:PolicyDocument .",
            ("City", "Country", "Region"),
            "PolicyDocument",
            "Policy documents whose jurisdiction it is",
        ),
        Extension(
            "city",
            "city",
            "?item uikg:jurisdiction|uikg:basedIn ?value . ?value a uikg:City .",
            ("PolicyDocument", "Organisation"),
            "City",
            "The city of a document (its jurisdiction) or of an organisation (where it is based)",
        ),
        Extension(
            "year",
            "year",
            "?item uikg:adoptionDate|<http://purl.org/dc/terms/date> ?date "
            "BIND(xsd:integer(SUBSTR(STR(?date), 1, 4)) AS ?value)",
            ("PolicyDocument", "Programme", "Publication"),
            None,
            "Year of adoption or publication",
        ),
        Extension(
            "wikidata",
            "Wikidata id",
            "?item uikg:wikidataId ?value .",
            (),
            None,
            "The Wikidata item (Q-number) it is the same as",
        ),
    )
}


class Source(Protocol):
    """What reconciliation needs from the service: its guarded reader and the generation."""

    @property
    def reader(self) -> Reader: ...

    @property
    def generation(self) -> int: ...


@dataclass(frozen=True)
class Limits:
    batch: int
    query_chars: int
    candidates: int
    properties: int
    extend_ids: int
    extend_properties: int

    @classmethod
    def from_settings(cls, settings: Settings) -> Limits:
        return cls(
            settings.reconcile_max_batch,
            settings.reconcile_max_query_chars,
            settings.reconcile_max_candidates,
            settings.reconcile_max_properties,
            settings.reconcile_max_extend_ids,
            settings.reconcile_max_extend_properties,
        )


@dataclass
class Entity:
    iri: str
    names: list[str] = field(default_factory=list)
    folded: list[str] = field(default_factory=list)
    types: set[str] = field(default_factory=set)

    def name(self) -> str:
        return self.names[0] if self.names else self.iri.rsplit("/", 1)[-1]


def name_score(query: str, names: Iterable[str]) -> float:
    """How well a folded query names a thing, 0–100: 100 for an exact (folded) name, a
    similarity ratio otherwise, at least 50 + a share of 40 when every word of the query is in
    the name ("gdansk" in "gdansk city hall")."""
    best = 0.0
    words = query.split()
    for name in names:
        if name == query:
            return 100.0
        matcher = difflib.SequenceMatcher(None, query, name, autojunk=False)
        score = 0.0
        if matcher.real_quick_ratio() * 100 > THRESHOLD and matcher.quick_ratio() * 100 > THRESHOLD:
            score = matcher.ratio() * 90  # never 'certain' without the exact name
        name_words = name.split()
        if words and all(any(n.startswith(w) for n in name_words) for w in words):
            score = max(score, 50 + 40 * len(query) / max(len(name), 1))
        best = max(best, score)
    return round(best, 1)


class Index:
    """Names and types of every thing under ``{base}id/``, re-read once per store generation."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.entities: dict[str, Entity] = {}
        self.class_names: dict[str, str] = {}
        self.property_names: dict[str, str] = {}
        self._generation: int | None = None
        self._lock = threading.Lock()

    def refresh(self, reader: Reader, generation: int) -> None:
        with self._lock:
            if generation == self._generation:
                return
            prefix = self.base + "id/"
            names = " ".join(f"<{p}>" for p in NAME_PROPERTIES)
            entities: dict[str, Entity] = {}
            for row in reader.query(
                f"SELECT DISTINCT ?s ?l WHERE {{ VALUES ?p {{ {names} }} ?s ?p ?l "
                f'FILTER(isIRI(?s) && STRSTARTS(STR(?s), "{prefix}") && isLiteral(?l)) }} '
                "ORDER BY ?s DESC(LANG(?l) = 'en') ?l"
            ):
                entity = entities.setdefault(row["s"].value, Entity(row["s"].value))
                label = row["l"].value
                if label not in entity.names:
                    entity.names.append(label)
                    entity.folded.append(fold(label))
            for row in reader.query(
                f"SELECT DISTINCT ?s ?t WHERE {{ ?s a ?t "
                f'FILTER(isIRI(?s) && STRSTARTS(STR(?s), "{prefix}") && isIRI(?t)) }}'
            ):
                entity = entities.setdefault(row["s"].value, Entity(row["s"].value))
                entity.types.add(row["t"].value)
            self.class_names = self._labels(
                reader, "?x a ?k VALUES ?k { owl:Class rdfs:Class skos:ConceptScheme }"
            )
            self.property_names = self._labels(
                reader,
                "?x a ?k VALUES ?k { owl:ObjectProperty owl:DatatypeProperty rdf:Property }",
            )
            self.entities = entities
            self._generation = generation

    @staticmethod
    def _labels(reader: Reader, pattern: str) -> dict[str, str]:
        found: dict[str, str] = {}
        for row in reader.query(
            f"{_SPARQL_PREFIXES}SELECT ?x ?l WHERE {{ {pattern} ?x rdfs:label ?l "
            "FILTER(isIRI(?x) && LANGMATCHES(LANG(?l), 'en')) } ORDER BY ?x ?l"
        ):
            found.setdefault(row["x"].value, row["l"].value)
        return found

    def type_name(self, iri: str) -> str:
        return self.class_names.get(iri) or iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]

    def type_iri(self, value: str) -> str:
        """A type as clients name it: an IRI, or the local name of one of our classes."""
        if ":" in value:
            return value
        return UIKG + value

    def has_instances(self, type_iri: str) -> bool:
        return any(type_iri in e.types for e in self.entities.values())


@dataclass
class Query:
    """One reconciliation query, checked: ``where`` names it in error messages."""

    where: str
    text: str
    types: list[str]
    type_strict: str
    limit: int
    properties: list[tuple[str, list[Any]]]


def _fail(where: str, message: str) -> BadRequest:
    return BadRequest(f"{where}: {message}")


def parse_batch(batch: object, limits: Limits, index: Index) -> dict[str, Query]:
    """A reconciliation query batch (spec §4.1), checked, with the limits named in errors."""
    if not isinstance(batch, dict):
        raise BadRequest("queries: must be a JSON object mapping query ids to queries")
    if len(batch) > limits.batch:
        raise PayloadTooLarge(
            f"queries: the batch has {len(batch)} queries; at most {limits.batch} are allowed "
            "in one batch (UIKG_RECONCILE_MAX_BATCH; the manifest's batchSize)"
        )
    return {
        str(key): _parse_query(f"queries.{key}", value, limits, index)
        for key, value in batch.items()
    }


def _parse_query(where: str, value: object, limits: Limits, index: Index) -> Query:
    if not isinstance(value, dict):
        raise _fail(
            where, "must be an object with 'query' and optional 'type', 'limit', 'properties'"
        )
    unknown = set(value) - {"query", "type", "limit", "properties", "type_strict"}
    if unknown:
        raise _fail(where, f"unknown field(s) {', '.join(sorted(unknown))}")
    text = value.get("query", "")
    if not isinstance(text, str):
        raise _fail(f"{where}.query", "must be a string")
    if len(text) > limits.query_chars:
        raise _fail(
            f"{where}.query",
            f"has {len(text)} characters; the limit is {limits.query_chars} "
            "(UIKG_RECONCILE_MAX_QUERY_CHARS)",
        )
    types = value.get("type", [])
    if isinstance(types, str):
        types = [types]
    if not isinstance(types, list) or not all(isinstance(t, str) and t for t in types):
        raise _fail(f"{where}.type", "must be a type id or a list of type ids")
    strict = value.get("type_strict", "any")
    if strict not in ("any", "should", "all"):
        raise _fail(f"{where}.type_strict", "must be 'any', 'should' or 'all'")
    limit = value.get("limit", limits.candidates)
    if (
        isinstance(limit, bool)
        or not isinstance(limit, int | float)
        or (isinstance(limit, float) and not limit.is_integer())
        or limit < 1
    ):
        raise _fail(f"{where}.limit", "must be a positive integer")
    if limit > limits.candidates:
        raise _fail(
            f"{where}.limit",
            f"is {limit}; at most {limits.candidates} candidates per query "
            "(UIKG_RECONCILE_MAX_CANDIDATES)",
        )
    raw = value.get("properties", [])
    if not isinstance(raw, list):
        raise _fail(f"{where}.properties", "must be a list of {pid, v} objects")
    if len(raw) > limits.properties:
        raise _fail(
            f"{where}.properties",
            f"has {len(raw)} constraints; the limit is {limits.properties} "
            "(UIKG_RECONCILE_MAX_PROPERTIES)",
        )
    properties = []
    for number, item in enumerate(raw):
        here = f"{where}.properties[{number}]"
        if not isinstance(item, dict) or not isinstance(item.get("pid"), str) or "v" not in item:
            raise _fail(here, "must be an object with a 'pid' (string) and a 'v'")
        values = item["v"] if isinstance(item["v"], list) else [item["v"]]
        for v in values:
            if isinstance(v, dict) and not isinstance(v.get("id"), str):
                raise _fail(f"{here}.v", "an entity value must have an 'id' string")
            if not isinstance(v, str | int | float | bool | dict):
                raise _fail(f"{here}.v", "must be a string, number, boolean or {id} object")
        properties.append((_property_id(item["pid"], here), values))
    if not text.strip() and not properties:
        raise _fail(where, "needs a non-empty 'query' or at least one property constraint")
    return Query(
        where, text.strip(), [index.type_iri(t) for t in types], strict, int(limit), properties
    )


def _property_id(pid: str, where: str) -> str:
    if pid in EXTENSIONS:
        return pid
    if ":" not in pid:
        raise _fail(
            where, f"unknown property {pid!r}; use one of {', '.join(EXTENSIONS)} or a property IRI"
        )
    check_iri(pid, f"{where}.pid")
    return pid


def _pattern(pid: str) -> str:
    extension = EXTENSIONS.get(pid)
    return extension.pattern if extension else f"?item <{pid}> ?value ."


@dataclass(frozen=True)
class Value:
    term: NamedNode | Literal
    label: str | None


def property_values(reader: Reader, items: list[str], pid: str) -> dict[str, list[Value]]:
    """The values of one property for many things: one query, the things in a VALUES block."""
    found: dict[str, list[Value]] = defaultdict(list)
    if not items:
        return found
    values = " ".join(f"<{check_iri(i, 'id')}>" for i in items)
    seen: set[tuple[str, str]] = set()
    for row in reader.query(
        f"{_SPARQL_PREFIXES}SELECT ?item ?value ?label WHERE {{ VALUES ?item {{ {values} }} "
        f"{_pattern(pid)} OPTIONAL {{ ?value rdfs:label ?label "
        "FILTER(LANGMATCHES(LANG(?label), 'en') || LANG(?label) = '') } } "
        "ORDER BY ?item ?value ?label"
    ):
        key = (row["item"].value, str(row["value"]))
        if row["value"] is None or key in seen:
            continue
        seen.add(key)
        label = row["label"].value if row["label"] is not None else None
        found[row["item"].value].append(Value(row["value"], label))
    return found


def _matches(wanted: Any, value: Value, index: Index) -> bool:
    term = value.term
    if isinstance(wanted, dict):
        return isinstance(term, NamedNode) and term.value == wanted["id"]
    text = str(wanted).lower() if isinstance(wanted, bool) else str(wanted)
    if isinstance(term, NamedNode):
        if term.value == text:
            return True
        entity = index.entities.get(term.value)
        names = entity.folded if entity else []
        return fold(text) in names or (value.label is not None and fold(value.label) == fold(text))
    return fold(term.value) == fold(text)


class Reconciler:
    """The service behind ``/reconcile``; build one per app, call it from worker threads."""

    def __init__(self, source: Source, settings: Settings) -> None:
        self.source = source
        self.base = settings.base_iri
        self.limits = Limits.from_settings(settings)
        self.index = Index(settings.base_iri)

    def _fresh(self) -> Index:
        self.index.refresh(self.source.reader, self.source.generation)
        return self.index

    # -- the manifest --------------------------------------------------------------------------
    def manifest(self, root: str, name: str, version: str) -> dict[str, Any]:
        """The service manifest (spec §3.1); ``root`` is this server's URL."""
        index = self._fresh()
        service = f"{root}/reconcile"
        return {
            "versions": ["0.2"],
            "name": name,
            "identifierSpace": self.base + "id/",
            "schemaSpace": UIKG,
            "documentation": f"{root}/docs#/Reconciliation",
            "serviceVersion": version,
            "batchSize": self.limits.batch,
            "view": {"url": f"{service}/view?id={{{{id}}}}"},
            "preview": {"url": f"{service}/preview?id={{{{id}}}}", "width": 400, "height": 160},
            "defaultTypes": [
                {"id": UIKG + t, "name": index.type_name(UIKG + t)}
                for t in DEFAULT_TYPES
                if index.has_instances(UIKG + t)
            ],
            "suggest": {
                kind: {"service_url": service, "service_path": f"/suggest/{kind}"}
                for kind in ("entity", "type", "property")
            },
            "extend": {
                "propose_properties": {"service_url": service, "service_path": "/properties"},
                "property_settings": [],
            },
        }

    # -- reconciliation queries ----------------------------------------------------------------
    def reconcile(self, batch: object) -> dict[str, Any]:
        index = self._fresh()
        queries = parse_batch(batch, self.limits, index)
        return {key: {"result": self._candidates(query, index)} for key, query in queries.items()}

    def _candidates(self, query: Query, index: Index) -> list[dict[str, Any]]:
        wanted = set(query.types)
        pool: list[tuple[float, Entity]] = []
        folded = fold(query.text)
        for entity in index.entities.values():
            if wanted:
                shared = wanted & entity.types
                if not shared or (query.type_strict == "all" and shared != wanted):
                    continue
            if not folded or query.text == entity.iri:
                score = 100.0
            else:
                score = name_score(folded, entity.folded)
            if score >= THRESHOLD:
                pool.append((score, entity))
        pool.sort(key=lambda item: (-item[0], item[1].name()))
        # Property constraints are checked on a bounded pool: the best names, or (no name
        # given) every thing of the types, up to the extension limit.
        pool = pool[: max(query.limit * 4, 20) if folded else self.limits.extend_ids]
        features: dict[str, list[dict[str, Any]]] = {e.iri: [] for _, e in pool}
        scored: list[tuple[float, bool, Entity]] = []
        checks = {
            pid: property_values(self.source.reader, [e.iri for _, e in pool], pid)
            for pid, _ in query.properties
        }
        for score, entity in pool:
            all_match = True
            for number, (pid, wanted_values) in enumerate(query.properties):
                found = checks[pid].get(entity.iri, [])
                ok = any(_matches(w, v, index) for w in wanted_values for v in found)
                features[entity.iri].append({"id": f"property_{number}_{pid}", "value": ok})
                if not ok:
                    all_match = False
                    score -= 30.0
            if not folded and not all_match:
                continue
            scored.append((max(score, 0.0), all_match, entity))
        scored.sort(key=lambda item: (-item[0], item[2].name()))
        certain = [s for s in scored if s[0] >= CERTAIN and s[1]]
        results = []
        for score, _, entity in scored[: query.limit]:
            results.append(
                {
                    "id": entity.iri,
                    "name": entity.name(),
                    "score": score,
                    "match": len(certain) == 1 and certain[0][2] is entity,
                    "type": [
                        {"id": t, "name": index.type_name(t)}
                        for t in sorted(entity.types)
                        if t.startswith(UIKG) or t == SKOS + "Concept"
                    ],
                    "features": [
                        {
                            "id": "name_score",
                            "value": name_score(folded, entity.folded) if folded else 100.0,
                        },
                        *features[entity.iri],
                    ],
                }
            )
        return results

    # -- suggest -------------------------------------------------------------------------------
    def suggest_entities(
        self, prefix: str, cursor: int, limit: int, type: str | None = None
    ) -> list[dict[str, Any]]:
        index = self._fresh()
        needle = fold(prefix.strip())
        if not needle:
            return []
        type_iri = index.type_iri(type) if type else None
        ranked = []
        for entity in index.entities.values():
            if type_iri and type_iri not in entity.types:
                continue
            rank = _prefix_rank(needle, entity.folded, entity.iri == prefix.strip())
            if rank is not None:
                ranked.append((rank, entity.name(), entity))
        ranked.sort(key=lambda item: (item[0], len(item[1]), item[1]))
        return [
            {
                "id": e.iri,
                "name": e.name(),
                "notable": [
                    {"id": t, "name": index.type_name(t)}
                    for t in sorted(e.types)
                    if t.startswith(UIKG)
                ],
            }
            for _, _, e in ranked[cursor : cursor + limit]
        ]

    def suggest_types(self, prefix: str, cursor: int, limit: int) -> list[dict[str, Any]]:
        index = self._fresh()
        used = {t for e in index.entities.values() for t in e.types if t in index.class_names}
        return _suggest({t: index.type_name(t) for t in used}, prefix, cursor, limit)

    def suggest_properties(self, prefix: str, cursor: int, limit: int) -> list[dict[str, Any]]:
        index = self._fresh()
        named = {e.id: e.name for e in EXTENSIONS.values()}
        named.update(index.property_names)
        return _suggest(
            named, prefix, cursor, limit, {e.id: e.description for e in EXTENSIONS.values()}
        )

    # -- preview and view ----------------------------------------------------------------------
    def entity(self, iri: str) -> Entity | None:
        check_iri(iri, "id")
        return self._fresh().entities.get(iri)

    # -- data extension ------------------------------------------------------------------------
    def propose(self, type: str, limit: int) -> dict[str, Any]:
        """Properties worth pulling for things of ``type``: ours first, then its most used."""
        index = self._fresh()
        type_iri = index.type_iri(type)
        check_iri(type_iri, "type")
        local = type_iri[len(UIKG) :] if type_iri.startswith(UIKG) else None
        proposed = [
            {"id": e.id, "name": e.name, "description": e.description}
            for e in EXTENSIONS.values()
            if not e.types or local in e.types
        ]
        for row in self.source.reader.query(
            f"SELECT ?p (COUNT(*) AS ?n) WHERE {{ ?item a <{type_iri}> ; ?p ?o }} "
            f"GROUP BY ?p ORDER BY DESC(?n) ?p LIMIT {int(limit) + 10}"
        ):
            iri = row["p"].value
            if iri in index.property_names:
                proposed.append({"id": iri, "name": index.property_names[iri]})
        return {"type": type, "limit": limit, "properties": proposed[:limit]}

    def extend(self, query: object) -> dict[str, Any]:
        """A data extension query (spec §7.3): property values of the given things."""
        ids, properties = self._parse_extend(query)
        index = self._fresh()
        meta = []
        rows: dict[str, dict[str, list[dict[str, Any]]]] = {i: {} for i in ids}
        for pid in properties:
            extension = EXTENSIONS.get(pid)
            column: dict[str, Any] = {
                "id": pid,
                "name": extension.name if extension else index.property_names.get(pid, pid),
            }
            if extension and extension.value_type:
                column["type"] = {
                    "id": UIKG + extension.value_type,
                    "name": index.type_name(UIKG + extension.value_type),
                }
            meta.append(column)
            found = property_values(self.source.reader, ids, pid)
            for item in ids:
                rows[item][pid] = [_cell(v, index) for v in found.get(item, [])]
        return {"meta": meta, "rows": rows}

    def _parse_extend(self, query: object) -> tuple[list[str], list[str]]:
        if not isinstance(query, dict):
            raise BadRequest("extend: must be a JSON object with 'ids' and 'properties'")
        ids, properties = query.get("ids"), query.get("properties")
        if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
            raise BadRequest("extend.ids: must be a list of entity ids (IRIs)")
        if len(ids) > self.limits.extend_ids:
            raise PayloadTooLarge(
                f"extend.ids: {len(ids)} ids; at most {self.limits.extend_ids} in one request "
                "(UIKG_RECONCILE_MAX_EXTEND_IDS)"
            )
        for number, iri in enumerate(ids):
            check_iri(iri, f"extend.ids[{number}]")
        if not isinstance(properties, list) or not all(
            isinstance(p, dict) and isinstance(p.get("id"), str) for p in properties
        ):
            raise BadRequest("extend.properties: must be a list of {id} objects")
        if len(properties) > self.limits.extend_properties:
            raise BadRequest(
                f"extend.properties: {len(properties)} properties; at most "
                f"{self.limits.extend_properties} in one request (UIKG_RECONCILE_MAX_EXTEND_PROPERTIES)"
            )
        pids = [_property_id(p["id"], f"extend.properties[{n}]") for n, p in enumerate(properties)]
        return list(dict.fromkeys(ids)), pids


def _prefix_rank(needle: str, names: list[str], is_iri: bool) -> int | None:
    if is_iri:
        return 0
    best = None
    for name in names:
        if name == needle:
            rank = 0
        elif name.startswith(needle):
            rank = 1
        elif any(word.startswith(needle) for word in name.split()):
            rank = 2
        else:
            continue
        best = rank if best is None else min(best, rank)
    return best


def _suggest(
    names: Mapping[str, str],
    prefix: str,
    cursor: int,
    limit: int,
    descriptions: Mapping[str, str] | None = None,
) -> list[dict[str, Any]]:
    needle = fold(prefix.strip())
    ranked = []
    for iri, name in names.items():
        rank = _prefix_rank(needle, [fold(name)], iri == prefix.strip()) if needle else 3
        if rank is not None:
            ranked.append((rank, name, iri))
    ranked.sort()
    out = []
    for _, name, iri in ranked[cursor : cursor + limit]:
        item = {"id": iri, "name": name}
        if descriptions and descriptions.get(iri):
            item["description"] = descriptions[iri]
        out.append(item)
    return out


_INTEGERS = {
    XSD + t for t in ("integer", "int", "long", "short", "nonNegativeInteger", "positiveInteger")
}
_FLOATS = {XSD + t for t in ("decimal", "double", "float")}


def _cell(value: Value, index: Index) -> dict[str, Any]:
    """One value as data extension writes it: an entity, or a string, number or date."""
    term = value.term
    if isinstance(term, NamedNode):
        entity = index.entities.get(term.value)
        name = value.label or (entity.name() if entity else term.value)
        return {"id": term.value, "name": name}
    datatype = term.datatype.value
    if datatype in _INTEGERS:
        try:
            return {"int": int(term.value)}
        except ValueError:
            pass
    if datatype in _FLOATS:
        try:
            return {"float": float(term.value)}
        except ValueError:
            pass
    if datatype == XSD + "dateTime" and ("Z" in term.value or "+" in term.value[10:]):
        return {"date": term.value}
    return {"str": term.value}
