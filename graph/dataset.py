"""The dataset about itself: VoID and DCAT descriptions, and downloadable dumps.

Counts come from the store at the time of the request (cached per store generation by the
caller), so the description and the data cannot disagree.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, cast

from pyoxigraph import Literal, NamedNode, Quad, RdfFormat, Triple, serialize

from uikg.graph import __version__, citation
from uikg.graph.namespaces import DCT, XSD
from uikg.graph.reader import Reader
from uikg.graph.store.base import Store

VOID = "http://rdfs.org/ns/void#"
DCAT = "http://www.w3.org/ns/dcat#"
SPDX = "http://spdx.org/rdf/terms#"
RDF_TYPE = NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
LICENSE = "https://creativecommons.org/licenses/by/4.0/"
LDES_SPEC = "https://w3id.org/ldes/specification"
OWL_SAME_AS = "http://www.w3.org/2002/07/owl#sameAs"
SKOS_EXACT = "http://www.w3.org/2004/02/skos/core#exactMatch"
LINK_TARGETS = {
    "wikidata": "http://www.wikidata.org/entity/",
    "geonames": "https://sws.geonames.org/",
}


def _count(reader: Reader) -> int:
    """Every triple of every graph (the VoID count of the whole dataset)."""
    rows = reader.query(
        "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }", union_default=False
    )
    return int(next(iter(rows))["n"].value)


def _int(value: int) -> Literal:
    return Literal(str(value), datatype=NamedNode(XSD + "integer"))


@dataclass(frozen=True)
class Dump:
    name: str  # file name, e.g. uikg.nq.gz
    media_type: str
    path: Path
    size: int
    sha256: str


class Dumps:
    """Gzipped N-Quads (every graph) and Turtle (the union) of the store, made on demand and
    kept until the store changes."""

    FILES = (
        ("uikg.nq.gz", "application/n-quads", RdfFormat.N_QUADS),
        ("uikg.ttl.gz", "text/turtle", RdfFormat.TURTLE),
    )

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._lock = threading.Lock()
        self._made: tuple[int, list[Dump]] | None = None

    def get(self, store: Store, generation: int) -> list[Dump]:
        with self._lock:
            if self._made is None or self._made[0] != generation:
                self._made = (generation, self._write(store))
            return self._made[1]

    def _write(self, store: Store) -> list[Dump]:
        self.folder.mkdir(parents=True, exist_ok=True)
        made = []
        for name, media_type, rdf_format in self.FILES:
            target = self.folder / name
            partial = target.with_suffix(".partial")
            with (
                partial.open("wb") as raw,
                gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as handle,
            ):
                data: Iterator[Quad] | Iterator[Triple] = store.quads()
                if not rdf_format.supports_datasets:
                    data = (quad.triple for quad in store.quads())
                serialize(data, cast(IO[bytes], handle), rdf_format)
            os.replace(partial, target)
            digest = hashlib.sha256(target.read_bytes()).hexdigest()
            made.append(Dump(name, media_type, target, target.stat().st_size, digest))
        return made


def void(
    reader: Reader,
    base: str,
    endpoint: str,
    dump_urls: dict[str, str],
    dumps: list[Dump],
    home: str | None = None,
    feed: str | None = None,
) -> list[Triple]:
    """VoID + DCAT for the whole dataset, with one ``void:Linkset`` per external target,
    (given the ``home`` page's URL) how to cite it (``citation``), and (given its URL) the
    change feed as a distribution conforming to LDES."""
    dataset = NamedNode(base + "dataset")
    triples = [
        Triple(dataset, RDF_TYPE, NamedNode(VOID + "Dataset")),
        Triple(dataset, RDF_TYPE, NamedNode(DCAT + "Dataset")),
        Triple(
            dataset,
            NamedNode(DCT + "title"),
            Literal("Urban Integration Knowledge Graph", language="en"),
        ),
        Triple(
            dataset,
            NamedNode(DCT + "description"),
            Literal(
                "How European cities integrate immigrants: integration models, actors, policy documents, "
                "memberships and the literature, each statement traceable to its source passage.",
                language="en",
            ),
        ),
        Triple(dataset, NamedNode(DCT + "license"), NamedNode(LICENSE)),
        Triple(
            dataset, NamedNode(DCT + "publisher"), NamedNode(base + "id/organisation/uikg-project")
        ),
        Triple(dataset, NamedNode(DCAT + "version"), Literal(__version__)),
        Triple(dataset, NamedNode(VOID + "sparqlEndpoint"), NamedNode(endpoint)),
        Triple(dataset, NamedNode(VOID + "uriSpace"), Literal(base + "id/")),
        Triple(dataset, NamedNode(VOID + "triples"), _int(_count(reader))),
    ]
    entities = next(
        iter(
            reader.query(
                f'SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ ?s ?p ?o FILTER(STRSTARTS(STR(?s), "{base}id/")) }}'
            )
        )
    )["n"].value
    triples.append(Triple(dataset, NamedNode(VOID + "entities"), _int(int(entities))))
    for row in reader.query(
        "SELECT ?class (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?class FILTER(isIRI(?class)) } GROUP BY ?class ORDER BY ?class"
    ):
        partition = NamedNode(
            f"{base}dataset#class-{hashlib.sha256(row['class'].value.encode()).hexdigest()[:12]}"
        )
        triples += [
            Triple(dataset, NamedNode(VOID + "classPartition"), partition),
            Triple(partition, NamedNode(VOID + "class"), row["class"]),
            Triple(partition, NamedNode(VOID + "entities"), _int(int(row["n"].value))),
        ]
    for row in reader.query(
        'SELECT DISTINCT ?ns WHERE { ?s ?p ?o BIND(REPLACE(STR(?p), "[^/#]+$", "") AS ?ns) FILTER(?ns != "") } ORDER BY ?ns'
    ):
        triples.append(Triple(dataset, NamedNode(VOID + "vocabulary"), NamedNode(row["ns"].value)))
    for name, prefix in LINK_TARGETS.items():
        for predicate in (OWL_SAME_AS, SKOS_EXACT):
            count = int(
                next(
                    iter(
                        reader.query(
                            f'SELECT (COUNT(*) AS ?n) WHERE {{ ?s <{predicate}> ?o FILTER(STRSTARTS(STR(?o), "{prefix}")) }}'
                        )
                    )
                )["n"].value
            )
            if not count:
                continue
            linkset = NamedNode(f"{base}dataset#links-{name}-{predicate.rsplit('#', 1)[1]}")
            triples += [
                Triple(linkset, RDF_TYPE, NamedNode(VOID + "Linkset")),
                Triple(dataset, NamedNode(VOID + "subset"), linkset),
                Triple(linkset, NamedNode(VOID + "subjectsTarget"), dataset),
                Triple(linkset, NamedNode(VOID + "objectsTarget"), NamedNode(prefix)),
                Triple(linkset, NamedNode(VOID + "linkPredicate"), NamedNode(predicate)),
                Triple(linkset, NamedNode(VOID + "triples"), _int(count)),
            ]
    for dump in dumps:
        url = NamedNode(dump_urls[dump.name])
        checksum = NamedNode(dump_urls[dump.name] + "#sha256")
        triples += [
            Triple(dataset, NamedNode(VOID + "dataDump"), url),
            Triple(dataset, NamedNode(DCAT + "distribution"), url),
            Triple(url, RDF_TYPE, NamedNode(DCAT + "Distribution")),
            Triple(url, NamedNode(DCAT + "downloadURL"), url),
            Triple(url, NamedNode(DCAT + "mediaType"), Literal(dump.media_type)),
            Triple(url, NamedNode(DCAT + "compressFormat"), Literal("application/gzip")),
            Triple(url, NamedNode(DCAT + "byteSize"), _int(dump.size)),
            Triple(url, NamedNode(SPDX + "checksum"), checksum),
            Triple(
                checksum,
                NamedNode(SPDX + "algorithm"),
                NamedNode(SPDX + "checksumAlgorithm_sha256"),
            ),
            Triple(checksum, NamedNode(SPDX + "checksumValue"), Literal(dump.sha256)),
        ]
    if feed is not None:
        stream = NamedNode(feed)
        triples += [
            Triple(dataset, NamedNode(DCAT + "distribution"), stream),
            Triple(stream, RDF_TYPE, NamedNode(DCAT + "Distribution")),
            Triple(stream, NamedNode(DCAT + "accessURL"), stream),
            Triple(stream, NamedNode(DCAT + "mediaType"), Literal("application/trig")),
            Triple(stream, NamedNode(DCT + "conformsTo"), NamedNode(LDES_SPEC)),
            Triple(
                stream,
                NamedNode(DCT + "description"),
                Literal(
                    "Change feed: every published version of every graph (LDES event stream "
                    "with a TREE view of immutable pages); a dump plus the members after it "
                    "give the current dataset.",
                    language="en",
                ),
            ),
        ]
    if home is not None:
        triples += citation.void_triples(dataset, citation.citation(reader, base), endpoint, home)
    return triples


def facts(triples: list[Triple], base: str) -> dict[str, Any]:
    """What a person reads first about the dataset, taken from its own VoID description."""
    dataset = NamedNode(base + "dataset")

    def value(predicate: str) -> str | None:
        found = [
            t.object for t in triples if t.subject == dataset and t.predicate.value == predicate
        ]
        return str(found[0].value) if found else None  # type: ignore[union-attr]

    classes = {
        t.subject: t.object.value  # type: ignore[union-attr]
        for t in triples
        if t.predicate.value == VOID + "class"
    }
    counts = {
        t.subject: int(t.object.value)  # type: ignore[union-attr]
        for t in triples
        if t.predicate.value == VOID + "entities" and t.subject in classes
    }
    return {
        "title": value(DCT + "title"),
        "description": value(DCT + "description"),
        "license": value(DCT + "license"),
        "version": value(DCAT + "version"),
        "triples": int(value(VOID + "triples") or 0),
        "entities": int(value(VOID + "entities") or 0),
        "classes": sorted(((classes[p], n) for p, n in counts.items()), key=lambda item: -item[1]),
    }
