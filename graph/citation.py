"""How to cite the dataset: one place for its title, version, licences and identifier policy.

The home page, VoID/DCAT and ``CITATION.cff`` (checked against this module by a test) all say
the same. The version is the software release plus the date of the build that made the data,
read from the build's own record (``{base}graph/build``) through the reader it is given.

>>> Citation("0.1.0", "2026-11-29", "https://w3id.org/uikg/").text()
'Urban Integration Knowledge Graph (UIKG), release 0.1.0, build of 2026-11-29. https://w3id.org/uikg/. Data licensed under CC-BY-4.0.'
"""

from __future__ import annotations

from dataclasses import dataclass

from pyoxigraph import Literal, NamedNode, Triple

from uikg.graph import __version__
from uikg.graph.namespaces import PREFIXES
from uikg.graph.reader import Reader

TITLE = "Urban Integration Knowledge Graph"
SHORT = "UIKG"
AUTHOR = "The Urban Integration Knowledge Graph project"
DATA_LICENSE = ("CC-BY-4.0", "https://creativecommons.org/licenses/by/4.0/")
CODE_LICENSE = ("Apache-2.0", "https://www.apache.org/licenses/LICENSE-2.0")
PERSISTENCE = (
    "Every IRI the graph mints under {base}id/ is permanent: a slug is never reused, renamed or "
    "withdrawn. A thing found to be the same as another keeps its IRI, linked with owl:sameAs. "
    "The ontology's terms under https://w3id.org/uikg/ontology# keep their meaning across "
    "versions; a changed meaning gets a new term. The canonical base https://w3id.org/uikg/ is a "
    "w3id.org permanent identifier, redirected to wherever the project is served."
)
DCT, DCAT, RDFS = PREFIXES["dct"], "http://www.w3.org/ns/dcat#", PREFIXES["rdfs"]
RDF_TYPE = NamedNode(PREFIXES["rdf"] + "type")


@dataclass(frozen=True)
class Citation:
    release: str
    built: str | None  # YYYY-MM-DD of the build, when the store records one
    base: str

    @property
    def version(self) -> str:
        return f"{self.release}+{self.built}" if self.built else self.release

    def text(self) -> str:
        build = f", build of {self.built}" if self.built else ""
        return (
            f"{TITLE} ({SHORT}), release {self.release}{build}. {self.base}. "
            f"Data licensed under {DATA_LICENSE[0]}."
        )

    def bibtex(self) -> str:
        year = (self.built or "")[:4]
        lines = [
            "@misc{uikg,",
            f"  title = {{{{{TITLE}}} ({SHORT})}},",
            f"  author = {{{{{AUTHOR}}}}},",
            f"  version = {{{self.version}}},",
        ]
        if year:
            lines.append(f"  year = {{{year}}},")
        lines += [
            f"  url = {{{self.base}}},",
            f"  note = {{Data licensed under {DATA_LICENSE[0]}, code under {CODE_LICENSE[0]}}}",
            "}",
        ]
        return "\n".join(lines)

    def persistence(self) -> str:
        return PERSISTENCE.format(base=self.base)


def build_date(reader: Reader, base: str) -> str | None:
    """The day the store's data was built (``uikg build``), or ``None`` before any build."""
    rows = reader.query(
        f"SELECT ?t WHERE {{ GRAPH <{base}graph/build> {{ <{base}graph/build#activity> "
        f"<{PREFIXES['prov']}endedAtTime> ?t }} }}",
        union_default=False,
    )
    for row in rows:
        return str(row["t"].value)[:10]
    return None


def citation(reader: Reader, base: str) -> Citation:
    return Citation(__version__, build_date(reader, base), base)


def void_triples(dataset: NamedNode, cite: Citation, endpoint: str, home: str) -> list[Triple]:
    """What VoID/DCAT add for citing: the citation, version, build date, landing page, the
    identifier policy, and the endpoint as a ``dcat:DataService`` under the code's licence."""
    service = NamedNode(endpoint)
    policy = NamedNode(str(dataset.value) + "#iri-persistence")
    triples = [
        Triple(dataset, NamedNode(DCT + "bibliographicCitation"), Literal(cite.text())),
        Triple(dataset, NamedNode(DCAT + "landingPage"), NamedNode(home)),
        Triple(dataset, NamedNode(RDFS + "seeAlso"), policy),
        Triple(policy, RDF_TYPE, NamedNode(DCT + "Policy")),
        Triple(policy, NamedNode(RDFS + "label"), Literal("IRI persistence policy", language="en")),
        Triple(policy, NamedNode(DCT + "description"), Literal(cite.persistence(), language="en")),
        Triple(service, RDF_TYPE, NamedNode(DCAT + "DataService")),
        Triple(service, NamedNode(DCAT + "endpointURL"), service),
        Triple(service, NamedNode(DCAT + "servesDataset"), dataset),
        Triple(service, NamedNode(DCT + "license"), NamedNode(CODE_LICENSE[1])),
        Triple(dataset, NamedNode(PREFIXES["owl"] + "versionInfo"), Literal(cite.version)),
    ]
    if cite.built:
        date = NamedNode(PREFIXES["xsd"] + "date")
        triples.append(
            Triple(dataset, NamedNode(DCT + "issued"), Literal(cite.built, datatype=date))
        )
    return triples
