"""Named queries as fill-in-the-blank questions (as the Wikidata Query Service's ``#TEMPLATE``).

A question is a sentence with blanks, each blank a parameter of a named query, filled from a
pick-list of the graph's own things (cities, countries, concepts of a scheme) or a year. The
workbench shows them above the editor, so that someone who cannot write SPARQL can still ask
"policy documents of [Gdańsk] between [2015] and [2016]"; the answer comes from the same REST
operation (``/api/v1/queries/{name}``) a program would call.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from uikg.api.i18n import N_, gettext
from uikg.graph.queries import NamedQuery
from uikg.graph.reader import Reader


@dataclass(frozen=True)
class Question:
    query: str
    sentence: str  # with {param} blanks; translated through the catalogue
    blanks: dict[str, str]  # param -> "places", "cities", "year" or "concept:{scheme}"


QUESTIONS = (
    Question(
        "documents_between",
        N_("Policy documents of {place} between {from} and {to}"),
        {"place": "places", "from": "year", "to": "year"},
    ),
    Question(
        "place_models",
        N_("Which integration models do the policies of {place} follow or reject?"),
        {"place": "places"},
    ),
    Question(
        "followers_of_model",
        N_("Which policies and actors follow the model {model}?"),
        {"model": "concept:integration-model"},
    ),
    Question(
        "policy_area_coverage",
        N_("What covers the policy area {area}?"),
        {"area": "concept:policy-area"},
    ),
    Question(
        "documents_by_status",
        N_("Which policy documents are {status}?"),
        {"status": "concept:document-status"},
    ),
    Question("actors_in_city", N_("Who acts in {city}?"), {"city": "cities"}),
)

_BLANK = re.compile(r"\{(\w+)\}")
# What each blank asks for, for screen readers (its accessible name) and for sighted readers
# (the empty choice).
BLANK_NAMES = {
    "place": N_("place"),
    "city": N_("city"),
    "from": N_("first year"),
    "to": N_("last year"),
    "model": N_("integration model"),
    "area": N_("policy area"),
    "status": N_("status"),
}


def _choices(reader: Reader, base: str, language: str) -> dict[str, list[dict[str, str]]]:
    """Every pick-list, in one query: cities, countries, and the concepts of each scheme."""
    rows = reader.query(
        "PREFIX uikg: <https://w3id.org/uikg/ontology#> "
        "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
        "PREFIX skos: <http://www.w3.org/2004/02/skos/core#> "
        "SELECT ?x ?group ?label WHERE { "
        '{ ?x a uikg:City ; rdfs:label ?label BIND("cities" AS ?group) } UNION '
        '{ ?x a uikg:Country ; rdfs:label ?label BIND("countries" AS ?group) } UNION '
        "{ ?x skos:prefLabel ?label "
        f'FILTER(STRSTARTS(STR(?x), "{base}id/concept/")) '
        f'BIND(CONCAT("concept:", STRBEFORE(SUBSTR(STR(?x), {len(base) + 12}), "/")) AS ?group) }} }}'
    )
    best: dict[tuple[str, str], tuple[int, str]] = {}
    for row in rows:
        tag = row["label"].language or ""
        rank = (language, "", "en", "pl").index(tag) if tag in (language, "", "en", "pl") else 9
        key = (row["group"].value, row["x"].value)
        if key not in best or rank < best[key][0]:
            best[key] = (rank, row["label"].value)
    out: dict[str, list[dict[str, str]]] = {}
    for (group, iri), (_, label) in best.items():
        out.setdefault(group, []).append({"value": iri, "label": label})
    for items in out.values():
        items.sort(key=lambda item: item["label"].lower())
    out["places"] = sorted(
        out.get("cities", []) + out.get("countries", []), key=lambda i: i["label"].lower()
    )
    return out


def questions(
    reader: Reader, catalogue: dict[str, NamedQuery], base: str, language: str
) -> list[dict[str, Any]]:
    """The questions as the workbench shows them: sentence parts, each blank with its choices
    and the named query's example as the first pick."""
    choices = _choices(reader, base, language)
    out = []
    for question in QUESTIONS:
        query = catalogue.get(question.query)
        if query is None:
            continue
        params = {p.name: p for p in query.params}
        parts: list[dict[str, Any]] = []
        sentence = gettext(language, question.sentence)
        for index, piece in enumerate(_BLANK.split(sentence)):
            if index % 2 == 0:
                if piece:
                    parts.append({"text": piece})
                continue
            param = params[piece]
            kind = question.blanks[piece]
            parts.append(
                {
                    "name": piece,
                    "kind": "year" if kind == "year" else "choice",
                    "label": gettext(language, BLANK_NAMES.get(piece, piece)),
                    "example": param.example or "",
                    "required": param.required,
                    "options": [] if kind == "year" else choices.get(kind, []),
                }
            )
        out.append({"name": query.name, "title": query.title_in(language), "parts": parts})
    return out
