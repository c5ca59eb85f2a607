"""The SPARQL 1.1 Service Description of the endpoint, as RDF."""

from __future__ import annotations

from collections.abc import Sequence

from pyoxigraph import BlankNode, NamedNode, Triple

from uikg.graph.sparql import formats

SD = "http://www.w3.org/ns/sparql-service-description#"
RDF_TYPE = NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
FORMATS = "http://www.w3.org/ns/formats/"

_FORMAT_IRIS = {
    formats.SPARQL_JSON: "SPARQL_Results_JSON",
    formats.SPARQL_XML: "SPARQL_Results_XML",
    formats.CSV: "SPARQL_Results_CSV",
    formats.TSV: "SPARQL_Results_TSV",
    formats.TURTLE: "Turtle",
    formats.N_TRIPLES: "N-Triples",
    formats.JSON_LD: "JSON-LD",
    formats.RDF_XML: "RDF_XML",
}


def _sd(name: str) -> NamedNode:
    return NamedNode(SD + name)


def service_description(
    query_endpoint: str, update_endpoint: str, named_graphs: Sequence[str], *, federation: bool
) -> list[Triple]:
    """Both services (query and update) and the dataset they share.

    Each service is named by its endpoint's URL, the query service first: a client that reads
    the description it fetched from ``query_endpoint`` (Comunica takes ``sd:endpoint`` from the
    document's own URL or a blank node) finds that endpoint, never the update one.
    """
    # Fixed blank-node labels: the same description is the same bytes (a strong ETag holds).
    triples: list[Triple] = []
    dataset = BlankNode("dataset")
    default_graph = BlankNode("defaultGraph")
    triples += [
        Triple(dataset, RDF_TYPE, _sd("Dataset")),
        Triple(dataset, _sd("defaultGraph"), default_graph),
        Triple(default_graph, RDF_TYPE, _sd("Graph")),
    ]
    for index, name in enumerate(named_graphs):
        node = BlankNode(f"graph{index}")
        triples += [
            Triple(dataset, _sd("namedGraph"), node),
            Triple(node, RDF_TYPE, _sd("NamedGraph")),
            Triple(node, _sd("name"), NamedNode(name)),
        ]
    services: list[Triple] = []
    for endpoint, language in (
        (query_endpoint, "SPARQL11Query"),
        (update_endpoint, "SPARQL11Update"),
    ):
        service = NamedNode(endpoint)
        services += [
            Triple(service, RDF_TYPE, _sd("Service")),
            Triple(service, _sd("endpoint"), NamedNode(endpoint)),
            Triple(service, _sd("supportedLanguage"), _sd(language)),
            Triple(service, _sd("defaultDataset"), dataset),
        ]
        if federation:
            services.append(Triple(service, _sd("feature"), _sd("BasicFederatedQuery")))
        if language == "SPARQL11Query":
            # Only queries see the union of the graphs; an update's WHERE and its INSERTs
            # without GRAPH use the store's real default graph. Only queries have results.
            services.append(Triple(service, _sd("feature"), _sd("UnionDefaultGraph")))
            services += [
                Triple(service, _sd("resultFormat"), NamedNode(FORMATS + name))
                for name in _FORMAT_IRIS.values()
            ]
    return services + triples
