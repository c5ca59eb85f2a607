"""A deterministic synthetic graph shaped like the UIKG data, at any scale.

Cities, the municipalities that govern them, countries and their governments, NGOs, universities
and city networks, policy documents with dates, statuses, integration models and policy areas,
memberships with periods, publications, footnote citations, and the evidence units (named graphs)
that hold the curated statements. Sizes are skewed the way the real world is: a few big cities
(rank r gets weight 1/r^1.1) hold most of the documents, a few networks most of the memberships,
a few works most of the citations.

The same ``(triples, seed)`` always gives the same bytes: one ``random.Random(seed)`` drives
everything, and entities are written in a fixed order.

>>> data, entities = generate_text(2_000, seed=1)
>>> data == generate_text(2_000, seed=1)[0]
True
>>> entities.cities[0].startswith("https://w3id.org/uikg/id/city/")
True
"""

from __future__ import annotations

import bisect
import hashlib
import io
import itertools
import json
import random
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import IO, TypeVar

T = TypeVar("T")


_BASE = "https://w3id.org/uikg/"
_UIKG = _BASE + "ontology#"
_ID = _BASE + "id/"


class V:
    """The vocabulary, in one place: the project's ontology terms and the reused ones."""

    BASE = _BASE
    UIKG = _UIKG
    ID = _ID
    GRAPH = _BASE + "graph/"

    RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
    RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
    XSD = "http://www.w3.org/2001/XMLSchema#"
    SKOS = "http://www.w3.org/2004/02/skos/core#"
    DCT = "http://purl.org/dc/terms/"
    FOAF = "http://xmlns.com/foaf/0.1/"
    WGS = "http://www.w3.org/2003/01/geo/wgs84_pos#"
    PROV = "http://www.w3.org/ns/prov#"
    CITO = "http://purl.org/spar/cito/"

    # classes
    City = UIKG + "City"
    Country = UIKG + "Country"
    Municipality = UIKG + "Municipality"
    NationalGovernment = UIKG + "NationalGovernment"
    NGO = UIKG + "NGO"
    University = UIKG + "University"
    CityNetwork = UIKG + "CityNetwork"
    Person = UIKG + "Person"
    DOCUMENT_CLASSES = tuple(
        _UIKG + name
        for name in ("Strategy", "LocalPolicy", "Declaration", "LegalAct", "DraftPolicy")
    )
    NationalPolicy = UIKG + "NationalPolicy"
    WORK_CLASSES = tuple(
        _UIKG + name for name in ("JournalArticle", "Report", "Book", "BookChapter")
    )
    Membership = UIKG + "Membership"
    Footnote = UIKG + "Footnote"
    EvidenceUnit = UIKG + "EvidenceUnit"
    Concept = SKOS + "Concept"

    # properties
    country = UIKG + "country"
    population = UIKG + "population"
    wikidataId = UIKG + "wikidataId"
    governs = UIKG + "governs"
    basedIn = UIKG + "basedIn"
    foundingDate = UIKG + "foundingDate"
    adoptedBy = UIKG + "adoptedBy"
    jurisdiction = UIKG + "jurisdiction"
    adoptionDate = UIKG + "adoptionDate"
    status = UIKG + "status"
    governanceLevel = UIKG + "governanceLevel"
    followsModel = UIKG + "followsModel"
    coversArea = UIKG + "coversArea"
    precededBy = UIKG + "precededBy"
    evidence = UIKG + "evidence"
    member = UIKG + "member"
    memberOf = UIKG + "memberOf"
    startDate = UIKG + "startDate"
    endDate = UIKG + "endDate"
    publicationYear = UIKG + "publicationYear"
    author = UIKG + "author"
    citingWork = UIKG + "citingWork"
    citedWork = UIKG + "citedWork"
    evidenceFrom = UIKG + "evidenceFrom"
    locator = UIKG + "locator"
    title = DCT + "title"
    cites = CITO + "cites"
    name = FOAF + "name"
    lat = WGS + "lat"
    long = WGS + "long"
    prefLabel = SKOS + "prefLabel"
    inScheme = SKOS + "inScheme"

    # concepts
    MODELS = tuple(
        _ID + "concept/integration-model/" + slug
        for slug in (
            "intercultural-integration",
            "mainstreaming",
            "civic-integration",
            "pluralist",
            "assimilationist",
            "two-way-integration",
            "guest-worker",
            "non-policy",
            "neo-assimilation",
            "diversity-policy",
            "separation",
            "multicultural",
            "intercultural-post-multicultural",
        )
    )
    AREAS = tuple(
        _ID + "concept/policy-area/" + slug
        for slug in (
            "education",
            "labour-market",
            "housing",
            "health",
            "language",
            "culture",
            "participation",
            "anti-discrimination",
            "social-services",
            "security",
            "religion",
            "citizenship",
            "family-reunification",
            "youth",
            "sport",
            "media",
            "public-space",
            "administration",
            "refugee-reception",
        )
    )
    STATUSES = tuple(
        _ID + "concept/document-status/" + slug for slug in ("adopted", "draft", "annulled")
    )
    LOCAL = ID + "concept/governance-level/local"
    NATIONAL = ID + "concept/governance-level/national"
    MODEL_SCHEME = ID + "scheme/integration-model"
    AREA_SCHEME = ID + "scheme/policy-area"

    # named graphs
    G_PLACES = GRAPH + "data/reference/places"
    G_AGENTS = GRAPH + "data/reference/agents"
    G_LITERATURE = GRAPH + "data/reference/literature"
    G_SCHEMES = GRAPH + "ontology/schemes"


@dataclass
class Entities:
    """The IRIs and labels the query mixes draw their parameters from (the manifest)."""

    triples: int = 0
    seed: int = 0
    countries: list[str] = field(default_factory=list)
    cities: list[str] = field(default_factory=list)  # by rank: the biggest first
    city_labels: list[str] = field(default_factory=list)
    municipalities: list[str] = field(default_factory=list)
    organisations: list[str] = field(default_factory=list)
    networks: list[str] = field(default_factory=list)
    documents: list[str] = field(default_factory=list)
    document_cities: list[int] = field(default_factory=list)  # index into cities
    works: list[str] = field(default_factory=list)
    persons: list[str] = field(default_factory=list)
    models: list[str] = field(default_factory=list)
    areas: list[str] = field(default_factory=list)
    years: tuple[int, int] = (1990, 2024)
    graphs: int = 0

    def to_json(self) -> str:
        return json.dumps(asdict(self), separators=(",", ":"))

    @classmethod
    def from_json(cls, text: str) -> Entities:
        data = json.loads(text)
        data["years"] = tuple(data["years"])
        return cls(**data)


# -- sizes ----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Sizes:
    """How many of each thing for a target number of triples (about 1 M at scale 1)."""

    countries: int
    cities: int
    organisations: int
    networks: int
    persons: int
    works: int
    footnotes: int
    documents: int
    national_documents: int
    memberships: int

    @classmethod
    def for_triples(cls, triples: int) -> Sizes:
        k = triples / 1_000_000
        return cls(
            countries=max(3, min(40, round(40 * k**0.5))),
            cities=max(10, round(2_500 * k)),
            organisations=max(5, round(1_500 * k)),
            networks=max(3, min(60, round(60 * k**0.5))),
            persons=max(5, round(2_500 * k)),
            works=max(10, round(6_000 * k)),
            footnotes=max(10, round(24_000 * k)),
            documents=max(20, round(53_000 * k)),
            national_documents=max(5, round(1_000 * k)),
            memberships=max(10, round(16_000 * k)),
        )


# -- writing --------------------------------------------------------------------------------------
_SYLLABLES = (
    "ba",
    "be",
    "bi",
    "bo",
    "bu",
    "da",
    "de",
    "di",
    "do",
    "du",
    "ga",
    "ge",
    "gi",
    "go",
    "gu",
    "ka",
    "ke",
    "ki",
    "ko",
    "ku",
    "la",
    "le",
    "li",
    "lo",
    "lu",
    "ma",
    "me",
    "mi",
    "mo",
    "mu",
    "na",
    "ne",
    "ni",
    "no",
    "nu",
    "ra",
    "re",
    "ri",
    "ro",
    "ru",
    "sa",
    "se",
    "si",
    "so",
    "su",
    "ta",
    "te",
    "ti",
    "to",
    "tu",
    "va",
    "ve",
    "vi",
    "vo",
    "za",
    "ze",
    "zi",
    "zo",
    "ław",
    "ńsk",
    "burg",
    "berg",
    "dorf",
    "gen",
    "heim",
    "stad",
    "ville",
    "mont",
    "sur",
    "wice",
    "nów",
    "ów",
)

_DOCUMENT_WORDS = ("strategy", "plan", "programme", "declaration")


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


class _Writer:
    def __init__(self, sink: IO[str]) -> None:
        self.sink = sink
        self.count = 0
        self.graphs: set[str] = set()

    def iri(self, s: str, p: str, o: str, g: str) -> None:
        self.sink.write(f"<{s}> <{p}> <{o}> <{g}> .\n")
        self.count += 1

    def lit(self, s: str, p: str, value: str, g: str, lang: str | None = None) -> None:
        suffix = f"@{lang}" if lang else ""
        self.sink.write(f'<{s}> <{p}> "{_escape(value)}"{suffix} <{g}> .\n')
        self.count += 1

    def typed(self, s: str, p: str, value: str, datatype: str, g: str) -> None:
        self.sink.write(f'<{s}> <{p}> "{value}"^^<{V.XSD}{datatype}> <{g}> .\n')
        self.count += 1


class _Weighted:
    """Draws indexes 0..n-1 with weight 1/(i+1)^s: a few items get most draws."""

    def __init__(self, n: int, s: float) -> None:
        self.cumulative = list(itertools.accumulate(1 / (i + 1) ** s for i in range(n)))

    def draw(self, rng: random.Random) -> int:
        return bisect.bisect_left(self.cumulative, rng.random() * self.cumulative[-1])


def _name(rng: random.Random, used: set[str], parts: tuple[int, int] = (2, 3)) -> str:
    while True:
        text = "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(*parts))).capitalize()
        if text not in used:
            used.add(text)
            return text


def _slug(text: str) -> str:
    table = str.maketrans({"ł": "l", "ń": "n", "ó": "o"})
    return text.lower().translate(table)


def _date(rng: random.Random, years: tuple[int, int]) -> str:
    return f"{rng.randint(*years):04d}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"


def _pick(rng: random.Random, items: Sequence[T], weights: _Weighted | None = None) -> T:
    return items[weights.draw(rng)] if weights else items[rng.randrange(len(items))]


def generate(triples: int, seed: int, sink: IO[str]) -> Entities:
    """Write about ``triples`` quads as N-Quads to ``sink``; return the entities for the mixes."""
    rng = random.Random(seed)
    sizes = Sizes.for_triples(triples)
    w = _Writer(sink)
    e = Entities(triples=triples, seed=seed, models=list(V.MODELS), areas=list(V.AREAS))
    used: set[str] = set()
    years = e.years

    # Concept schemes
    for scheme, concepts, label in (
        (V.MODEL_SCHEME, V.MODELS, "integration model"),
        (V.AREA_SCHEME, V.AREAS, "policy area"),
    ):
        for concept in concepts:
            w.iri(concept, V.RDF_TYPE, V.Concept, V.G_SCHEMES)
            w.iri(concept, V.inScheme, scheme, V.G_SCHEMES)
            w.lit(
                concept, V.prefLabel, concept.rsplit("/", 1)[1].replace("-", " "), V.G_SCHEMES, "en"
            )
        w.lit(scheme, V.prefLabel, label, V.G_SCHEMES, "en")

    # Countries and their governments
    governments = []
    for _ in range(sizes.countries):
        name = _name(rng, used)
        country = f"{V.ID}country/{_slug(name)}"
        government = f"{V.ID}organisation/government-of-{_slug(name)}"
        e.countries.append(country)
        governments.append(government)
        w.iri(country, V.RDF_TYPE, V.Country, V.G_PLACES)
        w.lit(country, V.RDFS_LABEL, name, V.G_PLACES, "en")
        w.iri(government, V.RDF_TYPE, V.NationalGovernment, V.G_AGENTS)
        w.lit(government, V.RDFS_LABEL, f"Government of {name}", V.G_AGENTS, "en")
        w.iri(government, V.jurisdiction, country, V.G_AGENTS)
    country_weights = _Weighted(len(e.countries), 0.8)

    # Cities (rank order: the first is the biggest) and their municipalities
    city_country: list[int] = []
    for rank in range(sizes.cities):
        name = _name(rng, used)
        slug = _slug(name)
        city = f"{V.ID}city/{slug}"
        municipality = f"{V.ID}organisation/municipality-of-{slug}"
        country_index = country_weights.draw(rng)
        city_country.append(country_index)
        e.cities.append(city)
        e.city_labels.append(name)
        e.municipalities.append(municipality)
        w.iri(city, V.RDF_TYPE, V.City, V.G_PLACES)
        w.lit(city, V.RDFS_LABEL, name, V.G_PLACES, "en")
        w.iri(city, V.country, e.countries[country_index], V.G_PLACES)
        population = int(4_000_000 / (rank + 1) ** 0.9 * rng.uniform(0.8, 1.2)) + 5_000
        w.typed(city, V.population, str(population), "integer", V.G_PLACES)
        w.typed(city, V.lat, f"{rng.uniform(36, 68):.5f}", "decimal", V.G_PLACES)
        w.typed(city, V.long, f"{rng.uniform(-9, 30):.5f}", "decimal", V.G_PLACES)
        w.lit(city, V.wikidataId, f"Q{1000 + rank * 7}", V.G_PLACES)
        w.iri(municipality, V.RDF_TYPE, V.Municipality, V.G_AGENTS)
        w.lit(municipality, V.RDFS_LABEL, f"City of {name}", V.G_AGENTS, "en")
        w.iri(municipality, V.governs, city, V.G_AGENTS)
    city_weights = _Weighted(len(e.cities), 1.1)

    # NGOs, universities and city networks
    for index in range(sizes.organisations):
        name = _name(rng, used)
        org = f"{V.ID}organisation/{_slug(name)}"
        e.organisations.append(org)
        w.iri(org, V.RDF_TYPE, V.NGO if index % 3 else V.University, V.G_AGENTS)
        w.lit(
            org,
            V.RDFS_LABEL,
            f"{name} {'Foundation' if index % 3 else 'University'}",
            V.G_AGENTS,
            "en",
        )
        w.iri(org, V.basedIn, _pick(rng, e.cities, city_weights), V.G_AGENTS)
        w.typed(org, V.foundingDate, _date(rng, (1950, 2020)), "date", V.G_AGENTS)
    for _ in range(sizes.networks):
        name = _name(rng, used)
        network = f"{V.ID}organisation/network-{_slug(name)}"
        e.networks.append(network)
        w.iri(network, V.RDF_TYPE, V.CityNetwork, V.G_AGENTS)
        w.lit(network, V.RDFS_LABEL, f"{name} Cities Network", V.G_AGENTS, "en")
        w.typed(network, V.foundingDate, _date(rng, (1985, 2015)), "date", V.G_AGENTS)

    # People and the literature
    for _ in range(sizes.persons):
        given, family = _name(rng, used, (1, 2)), _name(rng, used)
        person = f"{V.ID}person/{_slug(given)}-{_slug(family)}"
        e.persons.append(person)
        w.iri(person, V.RDF_TYPE, V.Person, V.G_AGENTS)
        w.lit(person, V.name, f"{given} {family}", V.G_AGENTS)
    person_weights = _Weighted(len(e.persons), 0.9)
    work_year: list[int] = []
    for index in range(sizes.works):
        work = f"{V.ID}work/w{index:06d}"
        year = rng.randint(1985, 2024)
        e.works.append(work)
        work_year.append(year)
        w.iri(work, V.RDF_TYPE, _pick(rng, V.WORK_CLASSES), V.G_LITERATURE)
        w.lit(
            work,
            V.title,
            f"On {rng.choice(V.AREAS).rsplit('/', 1)[1]} in "
            f"{e.city_labels[city_weights.draw(rng)]}: study {index}",
            V.G_LITERATURE,
            "en",
        )
        w.typed(work, V.publicationYear, str(year), "gYear", V.G_LITERATURE)
        for _ in range(rng.choice((1, 1, 2, 3))):
            w.iri(work, V.author, _pick(rng, e.persons, person_weights), V.G_LITERATURE)
    work_weights = _Weighted(len(e.works), 1.0)
    for index in range(sizes.footnotes):
        footnote = f"{V.ID}footnote/f{index:07d}"
        citing = rng.randrange(len(e.works))
        cited = work_weights.draw(rng)
        w.iri(footnote, V.RDF_TYPE, V.Footnote, V.G_LITERATURE)
        w.iri(footnote, V.citingWork, e.works[citing], V.G_LITERATURE)
        w.iri(footnote, V.citedWork, e.works[cited], V.G_LITERATURE)
        w.lit(footnote, V.locator, f"fn{index % 97 + 1}", V.G_LITERATURE)
        w.iri(e.works[citing], V.cites, e.works[cited], V.G_LITERATURE)

    # Evidence units: a passage of a work, the named graph of the statements drawn from it
    unit_counter = itertools.count()

    def evidence_unit() -> str:
        index = next(unit_counter)
        work = e.works[work_weights.draw(rng)]
        graph = f"{V.GRAPH}evidence/{work.rsplit('/', 1)[1]}/p{index}"
        w.iri(graph, V.RDF_TYPE, V.EvidenceUnit, graph)
        w.iri(graph, V.evidenceFrom, work, graph)
        w.lit(graph, V.locator, f"p. {rng.randint(1, 400)}", graph)
        w.graphs.add(graph)
        return graph

    model_weights = _Weighted(len(V.MODELS), 0.9)
    area_weights = _Weighted(len(V.AREAS), 0.7)

    def document(
        doc: str, graph: str, kind: str, agent: str, place: str, level: str, label: str
    ) -> None:
        w.iri(doc, V.RDF_TYPE, kind, graph)
        w.lit(doc, V.title, label, graph, "en")
        w.iri(doc, V.adoptedBy, agent, graph)
        w.iri(doc, V.jurisdiction, place, graph)
        w.typed(doc, V.adoptionDate, _date(rng, years), "date", graph)
        w.iri(doc, V.status, V.STATUSES[0] if rng.random() < 0.8 else _pick(rng, V.STATUSES), graph)
        w.iri(doc, V.governanceLevel, level, graph)
        w.iri(doc, V.followsModel, _pick(rng, V.MODELS, model_weights), graph)
        for area in sorted({area_weights.draw(rng) for _ in range(rng.randint(1, 4))}):
            w.iri(doc, V.coversArea, V.AREAS[area], graph)
        w.iri(doc, V.evidence, graph, graph)

    # National policy documents
    for index in range(sizes.national_documents):
        country_index = index % len(e.countries)
        graph = evidence_unit()
        document(
            f"{V.ID}document/national-{index:05d}",
            graph,
            V.NationalPolicy,
            governments[country_index],
            e.countries[country_index],
            V.NATIONAL,
            f"National integration policy {index}",
        )

    # Local policy documents, a few statements per evidence unit, skewed towards big cities
    last_document: dict[int, str] = {}
    graph = ""
    for index in range(sizes.documents):
        if index % 3 == 0:
            graph = evidence_unit()
        city_index = city_weights.draw(rng)
        doc = f"{V.ID}document/d{index:07d}"
        e.documents.append(doc)
        e.document_cities.append(city_index)
        document(
            doc,
            graph,
            _pick(rng, V.DOCUMENT_CLASSES),
            e.municipalities[city_index],
            e.cities[city_index],
            V.LOCAL,
            f"{e.city_labels[city_index]} integration {rng.choice(_DOCUMENT_WORDS)} {index}",
        )
        if city_index in last_document:
            w.iri(doc, V.precededBy, last_document[city_index], graph)
        last_document[city_index] = doc

    # Memberships of municipalities and NGOs in networks, with periods
    network_weights = _Weighted(len(e.networks), 1.0)
    for index in range(sizes.memberships):
        if index % 4 == 0:
            graph = evidence_unit()
        membership = f"{V.ID}membership/m{index:07d}"
        agent = (
            e.municipalities[
                city_weights.draw(rng) if rng.random() < 0.5 else rng.randrange(len(e.cities))
            ]
            if rng.random() < 0.8
            else _pick(rng, e.organisations)
        )
        start = rng.randint(1990, 2022)
        w.iri(membership, V.RDF_TYPE, V.Membership, graph)
        w.iri(membership, V.member, agent, graph)
        w.iri(membership, V.memberOf, _pick(rng, e.networks, network_weights), graph)
        w.typed(membership, V.startDate, f"{start}-01-01", "date", graph)
        if rng.random() < 0.4:
            w.typed(membership, V.endDate, f"{rng.randint(start, 2024)}-12-31", "date", graph)
        w.iri(membership, V.evidence, graph, graph)

    e.graphs = len(w.graphs) + 4
    e.triples = w.count
    del work_year, city_country
    return e


def generate_text(triples: int, seed: int) -> tuple[str, Entities]:
    buffer = io.StringIO()
    entities = generate(triples, seed, buffer)
    return buffer.getvalue(), entities


def ensure_dataset(
    folder: Path, triples: int, seed: int, log: Callable[[str], None] = print
) -> tuple[Path, Entities]:
    """The N-Quads file and manifest for ``(triples, seed)``, generated once and cached."""
    folder.mkdir(parents=True, exist_ok=True)
    data = folder / f"uikg-{triples}-{seed}.nq"
    manifest = folder / f"uikg-{triples}-{seed}.json"
    if data.exists() and manifest.exists():
        return data, Entities.from_json(manifest.read_text())
    log(f"generating about {triples:,} triples (seed {seed}) into {data}")
    partial = data.with_suffix(".nq.partial")
    with partial.open("w", encoding="utf-8", buffering=1 << 20) as sink:
        entities = generate(triples, seed, sink)
    partial.replace(data)
    manifest.write_text(entities.to_json())
    log(f"generated {entities.triples:,} quads in {entities.graphs:,} graphs")
    return data, entities


def file_hash(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
