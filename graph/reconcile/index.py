"""The names and types of every thing the graph mints, and how well a name matches one.

Re-read through the reader once per version of the published graph; names are folded (``search.fold``) so
that accents and case never matter.

>>> name_score("gdansk", ("gdansk",))
100.0
>>> name_score("gdansk", ("lodz",)) < 50
True
"""

from __future__ import annotations

import difflib
import threading
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from uikg.graph.describe import LABEL_PROPERTIES
from uikg.graph.namespaces import PREFIXES
from uikg.graph.reader import Reader
from uikg.graph.search import fold

UIKG = PREFIXES["uikg"]
SKOS = PREFIXES["skos"]
NAME_PROPERTIES = (*LABEL_PROPERTIES, SKOS + "altLabel")
CERTAIN = 95.0  # a name this close (exact after folding) can be a match
THRESHOLD = 50.0  # below this a name is not a candidate
SPARQL_PREFIXES = "".join(f"PREFIX {k}: <{v}>\n" for k, v in PREFIXES.items())


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


def trigrams(text: str) -> set[str]:
    """The letter trigrams of a folded text's words, padded so short words have some.

    >>> sorted(trigrams("lodz"))
    ['  l', ' lo', 'dz ', 'lod', 'odz']
    """
    grams: set[str] = set()
    for word in text.split():
        padded = f"  {word} "
        grams.update(padded[i : i + 3] for i in range(len(padded) - 2))
    return grams


class Index:
    """Names and types of every thing under ``{base}id/``, re-read once per graph version.

    A trigram index over the folded names keeps a query from scoring every thing: only those
    sharing a good part of its trigrams are scored (a big graph has tens of thousands).
    """

    def __init__(self, base: str) -> None:
        self.base = base
        self.entities: dict[str, Entity] = {}
        self.class_names: dict[str, str] = {}
        self.property_names: dict[str, str] = {}
        self._grams: dict[str, list[Entity]] = {}
        self._version: str | None = None
        self._lock = threading.Lock()

    def refresh(self, reader: Reader, version: str) -> None:
        with self._lock:
            if version == self._version:
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
            grams: dict[str, list[Entity]] = defaultdict(list)
            for entity in entities.values():
                for gram in set().union(*map(trigrams, entity.folded)) if entity.folded else ():
                    grams[gram].append(entity)
            self.entities, self._grams = entities, dict(grams)
            self._version = version

    def candidates(self, folded: str) -> list[Entity]:
        """Things that share at least a third of the query's trigrams (the rest cannot score
        above the threshold)."""
        wanted = trigrams(folded)
        counts: Counter[str] = Counter()
        found: dict[str, Entity] = {}
        for gram in wanted:
            for entity in self._grams.get(gram, ()):
                counts[entity.iri] += 1
                found[entity.iri] = entity
        least = max(1, len(wanted) // 3)
        return [found[iri] for iri, count in counts.items() if count >= least]

    @staticmethod
    def _labels(reader: Reader, pattern: str) -> dict[str, str]:
        found: dict[str, str] = {}
        for row in reader.query(
            f"{SPARQL_PREFIXES}SELECT ?x ?l WHERE {{ {pattern} ?x rdfs:label ?l "
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
