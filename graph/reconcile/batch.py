"""Reading a reconciliation query batch and a data extension query: shapes, types and the
limits, each error naming the field (``queries.q0.limit``) and the setting it meets."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from uikg.graph.errors import BadRequest, PayloadTooLarge
from uikg.graph.reconcile.index import Index
from uikg.graph.reconcile.properties import property_id
from uikg.graph.settings import Settings
from uikg.graph.sparql.guard import check_iri


@dataclass(frozen=True)
class Limits:
    batch: int
    query_chars: int
    candidates: int
    properties: int
    extend_ids: int
    extend_properties: int

    @classmethod
    def from_settings(cls, settings: Settings) -> Limits:
        return cls(
            settings.reconcile_max_batch,
            settings.reconcile_max_query_chars,
            settings.reconcile_max_candidates,
            settings.reconcile_max_properties,
            settings.reconcile_max_extend_ids,
            settings.reconcile_max_extend_properties,
        )


@dataclass
class Query:
    """One reconciliation query, checked: ``where`` names it in error messages."""

    where: str
    text: str
    types: list[str]
    type_strict: str
    limit: int
    properties: list[tuple[str, list[Any]]]


def _fail(where: str, message: str) -> BadRequest:
    return BadRequest(f"{where}: {message}")


def parse_batch(batch: object, limits: Limits, index: Index) -> dict[str, Query]:
    """A reconciliation query batch (spec §4.1), checked, with the limits named in errors."""
    if not isinstance(batch, dict):
        raise BadRequest("queries: must be a JSON object mapping query ids to queries")
    if len(batch) > limits.batch:
        raise PayloadTooLarge(
            f"queries: the batch has {len(batch)} queries; at most {limits.batch} are allowed "
            "in one batch (UIKG_RECONCILE_MAX_BATCH; the manifest's batchSize)"
        )
    return {
        str(key): _parse_query(f"queries.{key}", value, limits, index)
        for key, value in batch.items()
    }


def _parse_query(where: str, value: object, limits: Limits, index: Index) -> Query:
    if not isinstance(value, dict):
        raise _fail(
            where, "must be an object with 'query' and optional 'type', 'limit', 'properties'"
        )
    unknown = set(value) - {"query", "type", "limit", "properties", "type_strict"}
    if unknown:
        raise _fail(where, f"unknown field(s) {', '.join(sorted(unknown))}")
    text = value.get("query", "")
    if not isinstance(text, str):
        raise _fail(f"{where}.query", "must be a string")
    if len(text) > limits.query_chars:
        raise _fail(
            f"{where}.query",
            f"has {len(text)} characters; the limit is {limits.query_chars} "
            "(UIKG_RECONCILE_MAX_QUERY_CHARS)",
        )
    types = value.get("type", [])
    if isinstance(types, str):
        types = [types]
    if not isinstance(types, list) or not all(isinstance(t, str) and t for t in types):
        raise _fail(f"{where}.type", "must be a type id or a list of type ids")
    strict = value.get("type_strict", "any")
    if strict not in ("any", "should", "all"):
        raise _fail(f"{where}.type_strict", "must be 'any', 'should' or 'all'")
    limit = value.get("limit", limits.candidates)
    if (
        isinstance(limit, bool)
        or not isinstance(limit, int | float)
        or (isinstance(limit, float) and not limit.is_integer())
        or limit < 1
    ):
        raise _fail(f"{where}.limit", "must be a positive integer")
    if limit > limits.candidates:
        raise _fail(
            f"{where}.limit",
            f"is {limit}; at most {limits.candidates} candidates per query "
            "(UIKG_RECONCILE_MAX_CANDIDATES)",
        )
    raw = value.get("properties", [])
    if not isinstance(raw, list):
        raise _fail(f"{where}.properties", "must be a list of {pid, v} objects")
    if len(raw) > limits.properties:
        raise _fail(
            f"{where}.properties",
            f"has {len(raw)} constraints; the limit is {limits.properties} "
            "(UIKG_RECONCILE_MAX_PROPERTIES)",
        )
    properties = []
    for number, item in enumerate(raw):
        here = f"{where}.properties[{number}]"
        if not isinstance(item, dict) or not isinstance(item.get("pid"), str) or "v" not in item:
            raise _fail(here, "must be an object with a 'pid' (string) and a 'v'")
        values = item["v"] if isinstance(item["v"], list) else [item["v"]]
        for v in values:
            if isinstance(v, dict) and not isinstance(v.get("id"), str):
                raise _fail(f"{here}.v", "an entity value must have an 'id' string")
            if not isinstance(v, str | int | float | bool | dict):
                raise _fail(f"{here}.v", "must be a string, number, boolean or {id} object")
        properties.append((property_id(item["pid"], here), values))
    if not text.strip() and not properties:
        raise _fail(where, "needs a non-empty 'query' or at least one property constraint")
    return Query(
        where, text.strip(), [index.type_iri(t) for t in types], strict, int(limit), properties
    )


def parse_extend(query: object, limits: Limits) -> tuple[list[str], list[str]]:
    """A data extension query's ids (IRIs, once each) and property ids."""
    if not isinstance(query, dict):
        raise BadRequest("extend: must be a JSON object with 'ids' and 'properties'")
    ids, properties = query.get("ids"), query.get("properties")
    if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
        raise BadRequest("extend.ids: must be a list of entity ids (IRIs)")
    if len(ids) > limits.extend_ids:
        raise PayloadTooLarge(
            f"extend.ids: {len(ids)} ids; at most {limits.extend_ids} in one request "
            "(UIKG_RECONCILE_MAX_EXTEND_IDS)"
        )
    for number, iri in enumerate(ids):
        check_iri(iri, f"extend.ids[{number}]")
    if not isinstance(properties, list) or not all(
        isinstance(p, dict) and isinstance(p.get("id"), str) for p in properties
    ):
        raise BadRequest("extend.properties: must be a list of {id} objects")
    if len(properties) > limits.extend_properties:
        raise BadRequest(
            f"extend.properties: {len(properties)} properties; at most "
            f"{limits.extend_properties} in one request (UIKG_RECONCILE_MAX_EXTEND_PROPERTIES)"
        )
    pids = [property_id(p["id"], f"extend.properties[{n}]") for n, p in enumerate(properties)]
    return list(dict.fromkeys(ids)), pids
