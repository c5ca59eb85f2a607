"""The names and types of every thing the graph mints, and how well a name matches one.

Read through the reader graph by graph, and after a write only the graphs it changed; names are
folded (``search.fold``) so that accents and case never matter.

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
from dataclasses import dataclass
from sys import intern
from typing import Any

from uikg.graph.describe import LABEL_PROPERTIES
from uikg.graph.graph_rows import Reread, RowsByGraph, Source
from uikg.graph.namespaces import PREFIXES
from uikg.graph.reader import Reader
from uikg.graph.search import fold

UIKG = PREFIXES["uikg"]
SKOS = PREFIXES["skos"]
NAME_PROPERTIES = (*LABEL_PROPERTIES, SKOS + "altLabel")
CERTAIN = 95.0  # a name this close (exact after folding) can be a match
THRESHOLD = 50.0  # below this a name is not a candidate
SPARQL_PREFIXES = "".join(f"PREFIX {k}: <{v}>\n" for k, v in PREFIXES.items())


@dataclass(slots=True)
class Entity:
    """A thing as reconciliation sees it; tuples, not lists and sets: one is held per thing."""

    iri: str
    names: tuple[str, ...] = ()
    folded: tuple[str, ...] = ()
    types: tuple[str, ...] = ()

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


def _count(counts: dict[str, Counter[Any]], rows: Iterable[tuple[str, Any]], by: int) -> None:
    for iri, value in rows:
        counts[iri][value] += by


def _recount(counts: dict[str, Counter[Any]], reread: Reread[tuple[str, Any]] | None) -> set[str]:
    """Apply what a refresh read again to ``counts``; the things it named, before or after."""
    if reread is None:
        return set()
    _count(counts, reread.dropped, -1)
    _count(counts, reread.added, 1)
    return {iri for iri, _ in (*reread.dropped, *reread.added)}


def _grams(entity: Entity | None) -> set[str]:
    return set().union(*map(trigrams, entity.folded)) if entity is not None else set()


class Index:
    """Names and types of every thing under ``{base}id/``, following the store's writes.

    A trigram index over the folded names keeps a query from scoring every thing: only those
    sharing a good part of its trigrams are scored (a big graph has tens of thousands).
    """

    def __init__(self, base: str) -> None:
        self.base = base
        # the things and the trigram index (the things whose names have each trigram), swapped
        # in together: a reconciliation reads one pair whole while a refresh makes the next
        self._view: tuple[dict[str, Entity], dict[str, tuple[str, ...]]] = ({}, {})
        self.class_names: dict[str, str] = {}
        self.property_names: dict[str, str] = {}
        self._lock = threading.Lock()
        ours = f'isIRI(?s) && STRSTARTS(STR(?s), "{base}id/")'
        names = " ".join(f"<{p}>" for p in NAME_PROPERTIES)
        # kept per graph: after a write only the graphs it changed are read again
        self._names: RowsByGraph[tuple[str, tuple[bool, str]]] = RowsByGraph(
            f"VALUES ?p {{ {names} }} ?s ?p ?l FILTER({ours} && isLiteral(?l))",
            "?s ?l",
            lambda row: (intern(row["s"].value), (row["l"].language != "en", row["l"].value)),
        )
        self._types: RowsByGraph[tuple[str, str]] = RowsByGraph(
            f"?s a ?t FILTER({ours} && isIRI(?t))",
            "?s ?t",
            lambda row: (intern(row["s"].value), intern(row["t"].value)),
        )
        # per thing, how many graphs give it each (not English, name) and each type
        self._names_of: dict[str, Counter[tuple[bool, str]]] = defaultdict(Counter)
        self._types_of: dict[str, Counter[str]] = defaultdict(Counter)
        self._counted = False

    def refresh(self, source: Source) -> None:
        """Read again what changed since the last refresh; index anew only the things whose
        names or types it changed (re-indexing all of them took 3 s at 54 k things)."""
        with self._lock:
            # counted from every row again unless the last refresh ended well (a read that
            # failed halfway would leave the counts short of what the rows hold)
            whole, self._counted = not self._counted, False
            names, types = self._names.refresh(source), self._types.refresh(source)
            if names is None and types is None and not whole:
                self._counted = True
                return
            if whole or (names and names.whole) or (types and types.whole):
                self._names_of.clear()
                self._types_of.clear()
                _count(self._names_of, self._names.rows(), 1)
                _count(self._types_of, self._types.rows(), 1)
                self._reindex(set(self._names_of) | set(self._types_of), {}, {})
            else:
                changed = _recount(self._names_of, names) | _recount(self._types_of, types)
                entities, grams = self._view
                self._reindex(changed, dict(entities), dict(grams))
            self.class_names = self._labels(
                source.reader, "?x a ?k VALUES ?k { owl:Class rdfs:Class skos:ConceptScheme }"
            )
            self.property_names = self._labels(
                source.reader,
                "?x a ?k VALUES ?k { owl:ObjectProperty owl:DatatypeProperty rdf:Property }",
            )
            self._counted = True

    @property
    def entities(self) -> dict[str, Entity]:
        """Every thing by IRI, as of the last refresh."""
        return self._view[0]

    def _reindex(
        self, things: set[str], entities: dict[str, Entity], grams: dict[str, tuple[str, ...]]
    ) -> None:
        """Make ``things`` anew from the counts, into ``entities`` and ``grams`` (copies of the
        index, or empty ones), swapped in whole: reconciliations read the old ones meanwhile.
        A trigram's things are a tuple of (interned) IRIs, 8 bytes each: with a dict of entities
        per trigram (and lists and sets in each entity) the index held 182 MB at 54 k things,
        108 MB now."""
        touched: dict[str, set[str]] = {}

        def own(gram: str) -> set[str]:
            found = touched.get(gram)
            if found is None:
                found = touched[gram] = set(grams.get(gram, ()))
            return found

        for iri in things:
            old, new = entities.pop(iri, None), self._entity(iri)
            for gram in _grams(old):
                own(gram).discard(iri)
            if new is None:
                self._names_of.pop(iri, None)
                self._types_of.pop(iri, None)
                continue
            entities[iri] = new
            for gram in _grams(new):
                own(gram).add(iri)
        for gram, iris in touched.items():
            if iris:
                grams[gram] = tuple(iris)
            else:
                grams.pop(gram, None)
        self._view = (entities, grams)

    def _entity(self, iri: str) -> Entity | None:
        """English names first, then by name; ``None`` once no graph names or types it."""
        ranked = sorted(name for name, count in self._names_of[iri].items() if count > 0)
        names = tuple(dict.fromkeys(name for _, name in ranked))
        types = tuple(sorted(t for t, count in self._types_of[iri].items() if count > 0))
        if not names and not types:
            return None
        return Entity(iri, names, tuple(fold(name) for name in names), types)

    def candidates(self, folded: str) -> list[Entity]:
        """Things that share at least a third of the query's trigrams (the rest cannot score
        above the threshold)."""
        wanted = trigrams(folded)
        counts: Counter[str] = Counter()
        entities, grams = self._view  # as it is now: a refresh swaps in another
        for gram in wanted:
            counts.update(grams.get(gram, ()))
        least = max(1, len(wanted) // 3)
        return [entities[iri] for iri, count in counts.items() if count >= least]

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
