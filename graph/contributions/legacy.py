"""Moving the PROV of accepted contributions out of the one graph that held them all.

Until 2026-11 every acceptance added its PROV to ``{base}graph/contributions`` in the published
store. That graph grew with every contribution, and each acceptance changed it, so each page of
the change feed (which carries every changed graph whole) grew with it: the feed was quadratic
in the contributions (19 GB after an hour's soak). Each contribution's PROV now has a graph of
its own (:func:`~.publish.provenance_graph`); a store written before is split once, when the
service starts, in one update that deletes exactly what it inserts elsewhere, so running it
twice (two processes starting together on a shared store) changes nothing more.
"""

from __future__ import annotations

from collections import defaultdict

from pyoxigraph import Literal, NamedNode, Triple

from uikg.graph.contributions.publish import (
    Publisher,
    block,
    provenance_graph,
    provenance_labels,
)
from uikg.graph.namespaces import PROV, RDFS
from uikg.graph.store.base import Store

RDF_TYPE = NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")


def split_provenance(publisher: Publisher, base_iri: str) -> bool:
    """Split the legacy graph if the published store has one; True when it did."""
    update = split_update(publisher.store, base_iri)
    if update is not None:
        publisher.apply(update)
    return update is not None


def legacy_graph(base_iri: str) -> str:
    return f"{base_iri}graph/contributions"


def split_update(store: Store, base_iri: str) -> str | None:
    """The update that moves each contribution's PROV from the legacy graph into its own, or
    ``None`` when the store has nothing to move. A triple belongs to the contribution whose
    IRI, or whose own or inferred graph, it mentions; an agent's type goes with every
    contribution that names the agent; the legacy graph's label is dropped; anything else stays."""
    legacy = legacy_graph(base_iri)
    if not store.has_graph(legacy):
        return None
    owned_by = (
        f"{base_iri}id/contribution/",
        f"{base_iri}graph/published/contribution/",
        f"{base_iri}graph/inferred/contribution/",
    )

    def owner(triple: Triple) -> str | None:
        # an activity owns what it touched (a revision invalidates the graphs of the one it
        # replaces), so an acceptance as the object comes first
        obj = triple.object
        terms = (triple.subject, obj)
        if isinstance(obj, NamedNode) and obj.value.endswith("/acceptance"):
            terms = (obj, triple.subject)
        for term in terms:
            if isinstance(term, NamedNode):
                for prefix in owned_by:
                    if term.value.startswith(prefix):
                        return term.value[len(prefix) :].split("/", 1)[0]
        return None

    moved: dict[str, list[Triple]] = defaultdict(list)
    agents: dict[NamedNode, Triple] = {}
    dropped: list[Triple] = []
    total = 0
    for triple in store.triples(legacy):
        total += 1
        cid = owner(triple)
        if cid is not None:
            moved[cid].append(triple)
        elif triple.predicate == RDF_TYPE and triple.object == NamedNode(PROV + "Agent"):
            agents[triple.subject] = triple  # type: ignore[index]
        elif triple.subject == NamedNode(legacy) and triple.predicate == NamedNode(RDFS + "label"):
            dropped.append(triple)
    if not moved:
        return None
    inserts, copied = [], set()
    for cid, triples in sorted(moved.items()):
        named = {t.object for t in triples if isinstance(t.object, NamedNode)}
        extra = [agents[a] for a in sorted(named & set(agents), key=str)]
        copied.update(extra)
        graph = provenance_graph(base_iri, cid)
        submitted = [
            t.object.value
            for t in triples
            if t.predicate == NamedNode(PROV + "generatedAtTime")
            and t.subject == NamedNode(owned_by[0] + cid)
            and isinstance(t.object, Literal)
        ]
        labels = provenance_labels(graph, submitted[0]) if submitted else []
        inserts.append(f"GRAPH <{graph}> {{ {block([*triples, *extra, *labels])} }}")
    deleted = [t for ts in moved.values() for t in ts] + sorted(copied, key=str) + dropped
    remove = (  # an emptied graph would stay, empty, in stores that keep named graphs
        f"DROP SILENT GRAPH <{legacy}>"
        if len(deleted) == total
        else f"DELETE DATA {{ GRAPH <{legacy}> {{ {block(deleted)} }} }}"
    )
    return f"{remove} ;\nINSERT DATA {{ {chr(10).join(inserts)} }}"
