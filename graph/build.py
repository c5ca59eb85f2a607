"""``uikg build``: ontology, shapes and curated records into named graphs of the store.

Each source file becomes one named graph (TriG files keep their own graphs), so a rebuild
replaces graphs instead of adding duplicates, and every triple keeps the file it came from.
Before anything is written, every evidence unit's quote is looked up in its source text (when
the texts are given: ``Settings.sources_dir``), and the records are checked against the SHACL
shapes and, with the ontology, for OWL consistency; the inferences queries rely on go into their
own graph.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import rdflib
from pyoxigraph import DefaultGraph, Literal, NamedNode, RdfFormat, Triple, parse, serialize

from uikg.graph import quotes
from uikg.graph.errors import DataError, UIKGError, ValidationFailed
from uikg.graph.namespaces import PROV, RDFS, UIKG, XSD
from uikg.graph.paths import DataPaths
from uikg.graph.settings import DEFAULT_BASE_IRI, Settings
from uikg.graph.store.base import Store

Progress = Callable[[str], None]

RDF_TYPE = NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")

NO_JAVA = (
    "WARNING: OWL consistency was NOT checked: Java is not installed, and the HermiT reasoner "
    "needs it (apt-get install default-jre-headless). SHACL validation and inferences ran."
)
INFERRED = "graph/inferred"
BUILD_META = "graph/build"
# Graphs the build owns, whatever base IRI minted them. A rebuild drops any of these it did not
# write (a deleted source file, a build with another base) and never touches other graphs
# (contributions, their history).
OWNED = re.compile(r"[/#]graph/(?:(?:ontology|shapes|data)/|(?:inferred|build)$)")


@dataclass
class SourceFile:
    path: Path
    kind: str  # ontology | shapes | data
    graphs: dict[str, list[Triple]] = field(default_factory=dict)


@dataclass
class BuildReport:
    files: int = 0
    graphs: int = 0
    triples: int = 0
    inferred: int = 0
    dropped: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    quotes: int = 0
    quotes_verified: bool = False


ONTOLOGY_NAMESPACE = DEFAULT_BASE_IRI + "ontology"


class Rebase:
    """Rewrites IRIs from the canonical base to the configured one (a local server's own URL).

    The ontology's terms keep their canonical namespace: a vocabulary is shared by every copy of
    the data, and queries written against ``uikg:`` keep working on any deployment.
    """

    def __init__(self, base_iri: str) -> None:
        self.base = base_iri
        self.active = base_iri != DEFAULT_BASE_IRI

    def iri(self, value: str) -> str:
        if (
            self.active
            and value.startswith(DEFAULT_BASE_IRI)
            and not value.startswith(ONTOLOGY_NAMESPACE)
        ):
            return self.base + value[len(DEFAULT_BASE_IRI) :]
        return value

    def term(self, term):  # type: ignore[no-untyped-def]
        if isinstance(term, NamedNode):
            return NamedNode(self.iri(term.value)) if self.active else term
        if isinstance(term, Literal) and self.active:
            return Literal(term.value, datatype=self.term(term.datatype), language=term.language)
        return term

    def triple(self, triple: Triple) -> Triple:
        if not self.active:
            return triple
        return Triple(
            self.term(triple.subject), self.term(triple.predicate), self.term(triple.object)
        )


def _read(path: Path, kind: str, file_graph: str, rebase: Rebase) -> SourceFile:
    source = SourceFile(path, kind)
    format = RdfFormat.TRIG if path.suffix == ".trig" else RdfFormat.TURTLE
    try:
        quads = list(parse(path=str(path), format=format))
    except SyntaxError as error:
        raise DataError(f"{path}: {error}") from None
    for quad in quads:
        if isinstance(quad.graph_name, DefaultGraph):
            name = file_graph
        else:
            name = rebase.iri(quad.graph_name.value)
        source.graphs.setdefault(name, []).append(rebase.triple(quad.triple))
    return source


def collect(paths: DataPaths, settings: Settings) -> list[SourceFile]:
    """Every source file with its graphs, in a stable order."""
    rebase = Rebase(settings.base_iri)
    base = settings.base_iri
    found: list[SourceFile] = []
    for kind, folder, pattern in (
        ("ontology", paths.ontology, "**/*.ttl"),
        ("shapes", paths.shapes, "*.ttl"),
        ("data", paths.records, "**/*.ttl"),
        ("data", paths.records, "**/*.trig"),
    ):
        if not folder.is_dir():
            continue
        for path in sorted(folder.glob(pattern)):
            relative = path.relative_to(folder).with_suffix("").as_posix()
            found.append(_read(path, kind, f"{base}graph/{kind}/{relative}", rebase))
    for source in found:
        for name in source.graphs:
            if not name.startswith(f"{base}graph/"):
                raise DataError(
                    f"{source.path}: graph <{name}> is outside {base}graph/; "
                    "curated data may only write the project's graphs"
                )
    return found


def to_rdflib(triples: Iterable[Triple], into: rdflib.Graph | None = None) -> rdflib.Graph:
    graph = into if into is not None else rdflib.Graph()
    data = serialize(triples, None, RdfFormat.N_TRIPLES) or b""
    graph.parse(data=data, format="nt")
    return graph


def from_rdflib(graph: rdflib.Graph) -> list[Triple]:
    data = graph.serialize(format="nt", encoding="utf-8")
    return [quad.triple for quad in parse(data, RdfFormat.N_TRIPLES)]


def _triples_of(sources: list[SourceFile], kind: str) -> Iterator[Triple]:
    for source in sources:
        if source.kind == kind:
            for triples in source.graphs.values():
                yield from triples


def _origin_index(sources: list[SourceFile]) -> dict[str, set[str]]:
    """Subject IRI → source files that describe it, to say where a violation comes from."""
    index: dict[str, set[str]] = defaultdict(set)
    for source in sources:
        for triples in source.graphs.values():
            for triple in triples:
                index[str(triple.subject).strip("<>")].add(str(source.path))
    return index


def check(sources: list[SourceFile], progress: Progress) -> tuple[rdflib.Graph, list[str]]:
    """SHACL validation and OWL consistency; returns the inferred triples and warnings."""
    from uikg.graph import reasoning, validation

    progress("reading the ontology and the shapes")
    tbox = to_rdflib(_triples_of(sources, "ontology"))
    shapes = to_rdflib(_triples_of(sources, "shapes"))
    abox = to_rdflib(_triples_of(sources, "data"))
    progress(f"validating {len(abox)} triples against {len(shapes)} triples of shapes")
    report = validation.validate(abox, shapes, tbox)
    warnings = [r.to_text() for r in report.results if r.severity != "Violation"]
    if not report.conforms:
        origins = _origin_index(sources)
        lines = []
        for result in report.results:
            if result.severity == "Violation":
                files = ", ".join(sorted(origins.get(result.focus_node or "", {"?"})))
                shape = result.source_shape
                named = f" (shape {shape})" if shape and not shape.startswith("_:") else ""
                lines.append(f"{files}: {result.to_text()}{named}")
        raise ValidationFailed(
            f"{len(lines)} SHACL violation(s) in the curated data:\n" + "\n".join(lines), report
        )
    if shutil.which("java") is None:
        # A newcomer's machine without Java still builds; the gap is said, loudly.
        warnings.insert(0, NO_JAVA)
        progress(NO_JAVA)
    else:
        progress("checking OWL consistency (HermiT)")
        reasoning.check_consistency(tbox, abox)
    progress("materialising inferences")
    inferred = reasoning.materialise(tbox, abox)
    return inferred, warnings


def build(
    store: Store,
    settings: Settings,
    *,
    paths: DataPaths | None = None,
    checks: bool = True,
    progress: Progress = lambda _message: None,
) -> BuildReport:
    """Load everything into ``store``; nothing is written unless every check passes."""
    paths = paths or DataPaths.locate()
    base = settings.base_iri
    progress(f"reading sources from {paths.ontology.parent}")
    sources = collect(paths, settings)
    report = BuildReport(files=len(sources))
    graphs: dict[str, list[Triple]] = {}
    for source in sources:
        for name, triples in source.graphs.items():
            graphs.setdefault(name, []).extend(triples)
    verified = check_quotes(sources, settings, progress)
    report.quotes = sum(1 for u in quotes.units_from(_triples_of(sources, "data")) if u.selector)
    report.quotes_verified = verified is not None
    if checks:
        inferred, report.warnings = check(sources, progress)
        graphs[base + INFERRED] = from_rdflib(inferred)
        report.inferred = len(inferred)
    graphs[base + BUILD_META] = (
        _build_activity(base, sources)
        + _verified_quotes(base, verified)
        + (_inferred_names(base) if checks else [])
    )

    progress(f"writing {len(graphs)} graphs")
    for name, triples in graphs.items():
        store.replace_graph(name, triples)
        report.triples += len(triples)
    for name in store.named_graphs():
        if OWNED.search(name) and name not in graphs:
            store.drop_graph(name)
            report.dropped.append(name)
    report.graphs = len(graphs)
    return report


def check_quotes(
    sources: list[SourceFile], settings: Settings, progress: Progress
) -> list[quotes.Verified] | None:
    """Every unit's quote looked up in its source text, or ``None`` without the texts."""
    if settings.sources_dir is None:
        return None
    folder = Path(settings.sources_dir)
    if not folder.is_dir():
        raise UIKGError(f"the source texts folder {folder} does not exist (--sources)")
    units = quotes.units_from(_triples_of(sources, "data"))
    quotations = [
        (name, triple.object.value)
        for source in sources
        if source.kind == "data"
        for name, triples in source.graphs.items()
        for triple in triples
        if triple.predicate.value == UIKG + "quotation" and isinstance(triple.object, Literal)
    ]
    progress(f"checking {len(units)} quotes against the source texts in {folder}")
    try:
        return quotes.verify(units, folder, quotations)
    except quotes.QuoteErrors as error:
        raise DataError(
            f"{len(error.problems)} quote(s) do not match their source text:\n" + str(error)
        ) from None


def _verified_quotes(base: str, verified: list[quotes.Verified] | None) -> list[Triple]:
    """Where each quote was found (lines), recorded beside the build: the mark of a check."""
    activity = NamedNode(f"{base}graph/build#activity")
    flag = Literal("true" if verified is not None else "false", datatype=NamedNode(XSD + "boolean"))
    triples = [Triple(activity, NamedNode(UIKG + "quotesVerified"), flag)]
    for item in verified or []:
        first, last = item.lines
        where = f"L{first}" if first == last else f"L{first}-{last}"
        triples.append(
            Triple(NamedNode(item.iri), NamedNode(UIKG + "quoteFoundAt"), Literal(where))
        )
    return triples


# The reasoner's graph, as pages name it where it is the source of a statement.
INFERRED_NAMES = {"en": "derived by the reasoner", "pl": "wyprowadzone automatycznie z danych"}


def _inferred_names(base: str) -> list[Triple]:
    return [
        Triple(NamedNode(base + INFERRED), NamedNode(RDFS + "label"), Literal(name, language=lang))
        for lang, name in INFERRED_NAMES.items()
    ]


def _build_activity(base: str, sources: list[SourceFile]) -> list[Triple]:
    """A PROV record of this build: when, and from which files."""
    activity = NamedNode(f"{base}graph/build#activity")
    now = dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()
    triples = [
        Triple(activity, RDF_TYPE, NamedNode(PROV + "Activity")),
        Triple(
            activity,
            NamedNode(PROV + "endedAtTime"),
            Literal(now, datatype=NamedNode(XSD + "dateTime")),
        ),
    ]
    for source in sources:
        for name in source.graphs:
            triples.append(Triple(NamedNode(name), NamedNode(PROV + "wasGeneratedBy"), activity))
    return triples
