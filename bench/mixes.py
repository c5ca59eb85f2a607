"""The three query mixes, as parameterised SPARQL, and the heavy query of the isolation scenario.

Each template is a SPARQL text with ``{name}`` holes and a function that draws the values from the
generated entities with a seeded ``random.Random``, so a mix is the same list of requests in every
run. Parameters are IRIs and literals minted by the generator, never user input.

- ``point``: lookups by IRI or exact label; a handful of rows each.
- ``api``: what the REST operations and resource pages ask: joins, ORDER BY … LIMIT, a year
  window, a resource's description as CONSTRUCT; tens of rows.
- ``analytical``: GROUP BY over large parts of the graph: comparisons across countries, models,
  areas, networks and the literature; blocking operators, small results.
"""

from __future__ import annotations

import bisect
import itertools
import random
from collections.abc import Callable
from dataclasses import dataclass

from bench.generate import Entities, V

JSON = "application/sparql-results+json"
NTRIPLES = "application/n-triples"

PREFIXES = f"""PREFIX uikg: <{V.UIKG}>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
PREFIX dct: <{V.DCT}>
PREFIX cito: <{V.CITO}>
"""


@dataclass(frozen=True)
class Request:
    name: str
    query: str
    accept: str = JSON


@dataclass(frozen=True)
class Template:
    name: str
    text: str
    params: Callable[[random.Random, Entities, _Skew], dict[str, str]]
    accept: str = JSON

    def draw(self, rng: random.Random, entities: Entities, skew: _Skew) -> Request:
        values = self.params(rng, entities, skew)
        return Request(self.name, PREFIXES + self.text.format(**values), self.accept)


class _Skew:
    """Popular things are asked about more: cities drawn with weight 1/rank (like the data)."""

    def __init__(self, entities: Entities) -> None:
        self.cumulative = list(
            itertools.accumulate(1 / (i + 1) for i in range(len(entities.cities)))
        )

    def city(self, rng: random.Random) -> int:
        return bisect.bisect_left(self.cumulative, rng.random() * self.cumulative[-1])


def _any(rng: random.Random, items: list[str]) -> str:
    return items[rng.randrange(len(items))]


def _year(rng: random.Random, e: Entities) -> int:
    return rng.randint(e.years[0], e.years[1] - 1)


POINT = [
    Template(
        "city-description",
        "SELECT ?p ?o WHERE {{ <{city}> ?p ?o }}",
        lambda r, e, s: {"city": _any(r, e.cities)},
    ),
    Template(
        "document-facts",
        "SELECT ?title ?date ?status WHERE {{ <{doc}> dct:title ?title ; "
        "uikg:adoptionDate ?date ; uikg:status ?status }}",
        lambda r, e, s: {"doc": _any(r, e.documents)},
    ),
    Template(
        "city-by-label",
        'SELECT ?city WHERE {{ ?city rdfs:label "{label}"@en ; a uikg:City }}',
        lambda r, e, s: {"label": _any(r, e.city_labels)},
    ),
    Template(
        "document-in-city",
        "ASK {{ <{doc}> uikg:jurisdiction <{city}> }}",
        lambda r, e, s: (lambda i: {"doc": e.documents[i], "city": e.cities[e.document_cities[i]]})(
            r.randrange(len(e.documents))
        ),
    ),
    Template(
        "work-authors",
        "SELECT ?author ?name WHERE {{ <{work}> uikg:author ?author . ?author <{name}> ?name }}",
        lambda r, e, s: {"work": _any(r, e.works), "name": V.name},
    ),
]

API = [
    Template(
        "city-documents",
        "SELECT ?doc ?title ?date WHERE {{ ?doc uikg:jurisdiction <{city}> ; dct:title ?title ; "
        "uikg:adoptionDate ?date }} ORDER BY DESC(?date) LIMIT 20",
        lambda r, e, s: {"city": e.cities[s.city(r)]},
    ),
    Template(
        "memberships-of",
        "SELECT ?network ?label ?start ?end WHERE {{ ?m uikg:member <{agent}> ; "
        "uikg:memberOf ?network ; uikg:startDate ?start . ?network rdfs:label ?label "
        "OPTIONAL {{ ?m uikg:endDate ?end }} }} ORDER BY ?start LIMIT 100",
        lambda r, e, s: {"agent": e.municipalities[s.city(r)]},
    ),
    Template(
        "fact-with-evidence",
        "SELECT ?date ?work ?locator WHERE {{ GRAPH ?g {{ <{doc}> uikg:adoptionDate ?date }} "
        "?g uikg:evidenceFrom ?work ; uikg:locator ?locator }}",
        lambda r, e, s: {"doc": _any(r, e.documents)},
    ),
    Template(
        "area-documents-in-year",
        "SELECT ?doc ?title ?date WHERE {{ ?doc uikg:coversArea <{area}> ; "
        "uikg:jurisdiction <{city}> ; uikg:adoptionDate ?date ; dct:title ?title "
        'FILTER(?date >= "{year}-01-01"^^xsd:date && ?date < "{next}-01-01"^^xsd:date) }} '
        "ORDER BY ?date LIMIT 50",
        lambda r, e, s: (
            lambda y: {
                "area": _any(r, e.areas),
                "city": e.cities[s.city(r)],
                "year": y,
                "next": y + 5,
            }
        )(_year(r, e)),
    ),
    Template(
        "document-page",
        "CONSTRUCT {{ <{doc}> ?p ?o . ?o rdfs:label ?label }} WHERE {{ <{doc}> ?p ?o "
        "OPTIONAL {{ ?o rdfs:label ?label }} }}",
        lambda r, e, s: {"doc": _any(r, e.documents)},
        NTRIPLES,
    ),
    Template(
        "works-citing",
        "SELECT ?citing ?title ?year WHERE {{ ?citing cito:cites <{work}> ; dct:title ?title ; "
        "uikg:publicationYear ?year }} ORDER BY DESC(?year) LIMIT 20",
        lambda r, e, s: {"work": e.works[min(int(r.paretovariate(1.0)) - 1, len(e.works) - 1)]},
    ),
    Template(
        "country-cities",
        "SELECT ?city ?label ?population WHERE {{ ?city uikg:country <{country}> ; "
        "rdfs:label ?label ; uikg:population ?population }} ORDER BY DESC(?population) LIMIT 25",
        lambda r, e, s: {"country": _any(r, e.countries)},
    ),
]

ANALYTICAL = [
    Template(
        "models-by-country",
        "SELECT ?model (COUNT(?doc) AS ?documents) (COUNT(DISTINCT ?city) AS ?cities) WHERE {{ "
        "?doc uikg:followsModel ?model ; uikg:jurisdiction ?city . "
        "?city uikg:country <{country}> }} GROUP BY ?model ORDER BY DESC(?documents)",
        lambda r, e, s: {"country": _any(r, e.countries)},
    ),
    Template(
        "divergence-from-national",
        "SELECT ?city (COUNT(DISTINCT ?doc) AS ?diverging) WHERE {{ "
        "?city uikg:country <{country}> . ?doc uikg:jurisdiction ?city ; "
        "uikg:followsModel ?model ; uikg:adoptionDate ?date . "
        "?national uikg:jurisdiction <{country}> ; uikg:followsModel ?nationalModel . "
        'FILTER(?model != ?nationalModel && ?date >= "{year}-01-01"^^xsd:date) }} '
        "GROUP BY ?city ORDER BY DESC(?diverging) LIMIT 20",
        lambda r, e, s: {"country": _any(r, e.countries), "year": _year(r, e)},
    ),
    Template(
        "most-cited-since",
        "SELECT ?work (COUNT(*) AS ?citations) WHERE {{ ?footnote uikg:citedWork ?work ; "
        "uikg:citingWork ?citing . ?citing uikg:publicationYear ?year "
        'FILTER(?year >= "{year}"^^xsd:gYear) }} GROUP BY ?work ORDER BY DESC(?citations) '
        "LIMIT 20",
        lambda r, e, s: {"year": r.randint(2000, 2022)},
    ),
    Template(
        "area-timeline",
        "SELECT ?year (COUNT(?doc) AS ?documents) WHERE {{ ?doc uikg:coversArea <{area}> ; "
        "uikg:adoptionDate ?date BIND(YEAR(?date) AS ?year) }} GROUP BY ?year ORDER BY ?year",
        lambda r, e, s: {"area": _any(r, e.areas)},
    ),
    Template(
        "network-overlap",
        "SELECT ?other (COUNT(DISTINCT ?agent) AS ?shared) WHERE {{ "
        "?m1 uikg:memberOf <{network}> ; uikg:member ?agent . "
        "?m2 uikg:member ?agent ; uikg:memberOf ?other FILTER(?other != <{network}>) }} "
        "GROUP BY ?other ORDER BY DESC(?shared) LIMIT 20",
        lambda r, e, s: {"network": _any(r, e.networks)},
    ),
    Template(
        "model-adoption-by-decade",
        "SELECT ?model ?decade (COUNT(?doc) AS ?documents) WHERE {{ "
        "?doc uikg:followsModel ?model ; uikg:coversArea <{area}> ; uikg:status ?status ; "
        "uikg:adoptionDate ?date "
        "BIND(FLOOR(YEAR(?date) / 10) * 10 AS ?decade) }} GROUP BY ?model ?decade "
        "ORDER BY ?model ?decade",
        lambda r, e, s: {"area": _any(r, e.areas)},
    ),
]

MIXES: dict[str, list[Template]] = {"point": POINT, "api": API, "analytical": ANALYTICAL}

# Runs into any time limit: a blocking aggregate over the square of the graph.
HEAVY = Request(
    "heavy-cross-product",
    "SELECT (COUNT(*) AS ?n) WHERE { ?a ?p ?b . ?c ?q ?d FILTER(?b != ?d) }",
)


def requests(mix: str, entities: Entities, seed: int | str, count: int = 2_000) -> list[Request]:
    """``count`` requests of a mix, templates taken in turn, parameters drawn from ``seed``."""
    rng = random.Random(f"{seed}:{mix}")
    skew = _Skew(entities)
    templates = MIXES[mix]
    return [templates[i % len(templates)].draw(rng, entities, skew) for i in range(count)]


# Enough requests that no cell goes round its list at the rates measured (bench/README.md): a
# server with a result cache must not be measured answering the same list over and over.
CELL_REQUESTS = {"point": 200_000, "api": 20_000, "analytical": 5_000}


class Draws:
    """A fresh draw of requests for every cell (mix x concurrency), the same for every target.

    Repeats within a draw are the mix's own (popular cities are asked about more); repeats
    across cells would favour a server that caches results, so each cell has its own seed.
    """

    def __init__(self, entities: Entities, seed: int, max_requests: int) -> None:
        self._entities = entities
        self._seed = seed
        self._max = max_requests
        self._drawn: dict[tuple[str, object], list[Request]] = {}

    def cell(self, mix: str, cell: object) -> list[Request]:
        key = (mix, cell)
        if key not in self._drawn:
            count = min(CELL_REQUESTS[mix], self._max)
            self._drawn[key] = requests(mix, self._entities, f"{self._seed}:{cell}", count)
        return self._drawn[key]
