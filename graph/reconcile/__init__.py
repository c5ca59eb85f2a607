"""Reconciliation (W3C Reconciliation Service API 0.2): our IRIs next to someone's spreadsheet rows.

OpenRefine and other clients send batches of names ("Gdansk", type City, country Poland) and
get candidates with scores; ``match`` is true only when one candidate is certain. They can then
pull columns (country, integration model, documents, Wikidata id) with data extension.

Identifiers are the graph's own IRIs, so a reconciled cell holds the IRI other datasets link
to. Names are compared accent- and case-folded (``search.fold``), in every language the graph
labels things in. Every read goes through the ``Reader`` it is given (the service's guarded
reader): an index of names and types per version of the graph, and one bounded query per property
for constraints and extensions.

The package: ``index`` (names and types of every thing, the name score), ``properties`` (what
clients constrain on and pull as columns), ``batch`` (reading requests, with the limits),
``service`` (``Reconciler``, what the router calls).
"""

from uikg.graph.reconcile.index import UIKG, name_score
from uikg.graph.reconcile.properties import EXTENSIONS
from uikg.graph.reconcile.service import Reconciler

__all__ = ["EXTENSIONS", "UIKG", "Reconciler", "name_score"]
