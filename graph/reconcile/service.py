"""The service behind ``/reconcile``: the manifest, reconciliation, suggest, preview and data
extension, over the index and the properties, every read through the reader it is given."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from uikg.graph.graph_rows import Source
from uikg.graph.reconcile.batch import Limits, Query, parse_batch, parse_extend
from uikg.graph.reconcile.index import CERTAIN, SKOS, THRESHOLD, UIKG, Entity, Index, name_score
from uikg.graph.reconcile.properties import EXTENSIONS, cell, matches, property_values
from uikg.graph.search import fold
from uikg.graph.settings import Settings
from uikg.graph.sparql.guard import check_iri

DEFAULT_TYPES = (
    "City",
    "Country",
    "Region",
    "Organisation",
    "Person",
    "PolicyDocument",
    "Publication",
    "Programme",
    "Project",
    "Event",
)


class Reconciler:
    """The service behind ``/reconcile``; build one per app, call it from worker threads."""

    def __init__(self, source: Source, settings: Settings) -> None:
        self.source = source
        self.base = settings.base_iri
        self.limits = Limits.from_settings(settings)
        self.index = Index(settings.base_iri)

    def _fresh(self) -> Index:
        self.index.refresh(self.source)
        return self.index

    # -- the manifest --------------------------------------------------------------------------
    def manifest(self, root: str, name: str, version: str) -> dict[str, Any]:
        """The service manifest (spec §3.1); ``root`` is this server's URL."""
        index = self._fresh()
        service = f"{root}/reconcile"
        return {
            "versions": ["0.2"],
            "name": name,
            "identifierSpace": self.base + "id/",
            "schemaSpace": UIKG,
            "documentation": f"{root}/docs#/Reconciliation",
            "serviceVersion": version,
            "batchSize": self.limits.batch,
            "view": {"url": f"{service}/view?id={{{{id}}}}"},
            "preview": {"url": f"{service}/preview?id={{{{id}}}}", "width": 400, "height": 160},
            "defaultTypes": [
                {"id": UIKG + t, "name": index.type_name(UIKG + t)}
                for t in DEFAULT_TYPES
                if index.has_instances(UIKG + t)
            ],
            "suggest": {
                kind: {"service_url": service, "service_path": f"/suggest/{kind}"}
                for kind in ("entity", "type", "property")
            },
            "extend": {
                "propose_properties": {"service_url": service, "service_path": "/properties"},
                "property_settings": [],
            },
        }

    # -- reconciliation queries ----------------------------------------------------------------
    def reconcile(self, batch: object) -> dict[str, Any]:
        index = self._fresh()
        queries = parse_batch(batch, self.limits, index)
        return {key: {"result": self._candidates(query, index)} for key, query in queries.items()}

    def _candidates(self, query: Query, index: Index) -> list[dict[str, Any]]:
        wanted = set(query.types)
        pool: list[tuple[float, Entity]] = []
        folded = fold(query.text)
        if not folded:
            looked_at = list(index.entities.values())
        else:
            looked_at = index.candidates(folded)
            if query.text in index.entities:  # an id as the query
                looked_at.append(index.entities[query.text])
        for entity in looked_at:
            if wanted:
                shared = wanted.intersection(entity.types)
                if not shared or (query.type_strict == "all" and shared != wanted):
                    continue
            if not folded or query.text == entity.iri:
                score = 100.0
            else:
                score = name_score(folded, entity.folded)
            if score >= THRESHOLD:
                pool.append((score, entity))
        pool.sort(key=lambda item: (-item[0], item[1].name()))
        # Property constraints are checked on a bounded pool: the best names, or (no name
        # given) every thing of the types, up to the extension limit.
        pool = pool[: max(query.limit * 4, 20) if folded else self.limits.extend_ids]
        features: dict[str, list[dict[str, Any]]] = {e.iri: [] for _, e in pool}
        scored: list[tuple[float, bool, Entity]] = []
        checks = {
            pid: property_values(self.source.reader, [e.iri for _, e in pool], pid)
            for pid, _ in query.properties
        }
        for score, entity in pool:
            all_match = True
            for number, (pid, wanted_values) in enumerate(query.properties):
                found = checks[pid].get(entity.iri, [])
                ok = any(matches(w, v, index) for w in wanted_values for v in found)
                features[entity.iri].append({"id": f"property_{number}_{pid}", "value": ok})
                if not ok:
                    all_match = False
                    score -= 30.0
            if not folded and not all_match:
                continue
            scored.append((max(score, 0.0), all_match, entity))
        scored.sort(key=lambda item: (-item[0], item[2].name()))
        certain = [s for s in scored if s[0] >= CERTAIN and s[1]]
        results = []
        for score, _, entity in scored[: query.limit]:
            results.append(
                {
                    "id": entity.iri,
                    "name": entity.name(),
                    "score": score,
                    "match": len(certain) == 1 and certain[0][2] is entity,
                    "type": [
                        {"id": t, "name": index.type_name(t)}
                        for t in sorted(entity.types)
                        if t.startswith(UIKG) or t == SKOS + "Concept"
                    ],
                    "features": [
                        {
                            "id": "name_score",
                            "value": name_score(folded, entity.folded) if folded else 100.0,
                        },
                        *features[entity.iri],
                    ],
                }
            )
        return results

    # -- suggest -------------------------------------------------------------------------------
    def suggest_entities(
        self, prefix: str, cursor: int, limit: int, type: str | None = None
    ) -> list[dict[str, Any]]:
        index = self._fresh()
        needle = fold(prefix.strip())
        if not needle:
            return []
        type_iri = index.type_iri(type) if type else None
        ranked = []
        for entity in index.entities.values():
            if type_iri and type_iri not in entity.types:
                continue
            rank = _prefix_rank(needle, entity.folded, entity.iri == prefix.strip())
            if rank is not None:
                ranked.append((rank, entity.name(), entity))
        ranked.sort(key=lambda item: (item[0], len(item[1]), item[1]))
        return [
            {
                "id": e.iri,
                "name": e.name(),
                "notable": [
                    {"id": t, "name": index.type_name(t)}
                    for t in sorted(e.types)
                    if t.startswith(UIKG)
                ],
            }
            for _, _, e in ranked[cursor : cursor + limit]
        ]

    def suggest_types(self, prefix: str, cursor: int, limit: int) -> list[dict[str, Any]]:
        index = self._fresh()
        used = {t for e in index.entities.values() for t in e.types if t in index.class_names}
        return _suggest({t: index.type_name(t) for t in used}, prefix, cursor, limit)

    def suggest_properties(self, prefix: str, cursor: int, limit: int) -> list[dict[str, Any]]:
        index = self._fresh()
        named = {e.id: e.name for e in EXTENSIONS.values()}
        named.update(index.property_names)
        return _suggest(
            named, prefix, cursor, limit, {e.id: e.description for e in EXTENSIONS.values()}
        )

    # -- preview and view ----------------------------------------------------------------------
    def entity(self, iri: str) -> Entity | None:
        check_iri(iri, "id")
        return self._fresh().entities.get(iri)

    # -- data extension ------------------------------------------------------------------------
    def propose(self, type: str, limit: int) -> dict[str, Any]:
        """Properties worth pulling for things of ``type``: ours first, then its most used."""
        index = self._fresh()
        type_iri = index.type_iri(type)
        check_iri(type_iri, "type")
        local = type_iri[len(UIKG) :] if type_iri.startswith(UIKG) else None
        proposed = [
            {"id": e.id, "name": e.name, "description": e.description}
            for e in EXTENSIONS.values()
            if not e.types or local in e.types
        ]
        for row in self.source.reader.query(
            f"SELECT ?p (COUNT(*) AS ?n) WHERE {{ ?item a <{type_iri}> ; ?p ?o }} "
            f"GROUP BY ?p ORDER BY DESC(?n) ?p LIMIT {int(limit) + 10}"
        ):
            iri = row["p"].value
            if iri in index.property_names:
                proposed.append({"id": iri, "name": index.property_names[iri]})
        return {"type": type, "limit": limit, "properties": proposed[:limit]}

    def extend(self, query: object) -> dict[str, Any]:
        """A data extension query (spec §7.3): property values of the given things."""
        ids, properties = parse_extend(query, self.limits)
        index = self._fresh()
        meta = []
        rows: dict[str, dict[str, list[dict[str, Any]]]] = {i: {} for i in ids}
        for pid in properties:
            extension = EXTENSIONS.get(pid)
            column: dict[str, Any] = {
                "id": pid,
                "name": extension.name if extension else index.property_names.get(pid, pid),
            }
            if extension and extension.value_type:
                column["type"] = {
                    "id": UIKG + extension.value_type,
                    "name": index.type_name(UIKG + extension.value_type),
                }
            meta.append(column)
            found = property_values(self.source.reader, ids, pid)
            for item in ids:
                rows[item][pid] = [cell(v, index) for v in found.get(item, [])]
        return {"meta": meta, "rows": rows}


def _prefix_rank(needle: str, names: Sequence[str], is_iri: bool) -> int | None:
    if is_iri:
        return 0
    best = None
    for name in names:
        if name == needle:
            rank = 0
        elif name.startswith(needle):
            rank = 1
        elif any(word.startswith(needle) for word in name.split()):
            rank = 2
        else:
            continue
        best = rank if best is None else min(best, rank)
    return best


def _suggest(
    names: Mapping[str, str],
    prefix: str,
    cursor: int,
    limit: int,
    descriptions: Mapping[str, str] | None = None,
) -> list[dict[str, Any]]:
    needle = fold(prefix.strip())
    ranked = []
    for iri, name in names.items():
        rank = _prefix_rank(needle, [fold(name)], iri == prefix.strip()) if needle else 3
        if rank is not None:
            ranked.append((rank, name, iri))
    ranked.sort()
    out = []
    for _, name, iri in ranked[cursor : cursor + limit]:
        item = {"id": iri, "name": name}
        if descriptions and descriptions.get(iri):
            item["description"] = descriptions[iri]
        out.append(item)
    return out
