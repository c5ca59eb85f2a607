"""Running a named query on a store as the service does: parameters bound through
pyoxigraph's substitutions, relative IRIs resolved on the base."""

from __future__ import annotations

from uikg.graph.paths import DataPaths
from uikg.graph.queries import load_catalogue
from uikg.graph.settings import DEFAULT_BASE_IRI

CATALOGUE = load_catalogue(DataPaths.locate().queries)


def run(store, name: str, **params: str) -> list[dict[str, str | None]]:
    query = CATALOGUE[name]
    solutions = store.query(
        query.text, substitutions=query.bind(params, DEFAULT_BASE_IRI), base_iri=DEFAULT_BASE_IRI
    )
    names = [v.value for v in solutions.variables]
    return [{n: (None if s[n] is None else str(s[n].value)) for n in names} for s in solutions]
