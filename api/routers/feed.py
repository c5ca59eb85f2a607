"""The change feed (LDES) at ``/feed``: the event stream, and one immutable page per write.

Pages are files the service wrote when the data changed (``graph/feed.py``), served as they
are, like dumps: a page never changes once written, so every page but the newest is served
``immutable``; the newest links to the next one once there is one.
"""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from pyoxigraph import Quad, RdfFormat

from uikg.api.deps import ServiceDep, SettingsDep
from uikg.api.negotiation import choose
from uikg.graph.errors import NotFound
from uikg.graph.feed import page_quads, serialize_quads, stream_quads
from uikg.graph.sparql import formats

router = APIRouter(prefix="/feed", tags=["Change feed"])
DATASET_TYPES = {
    formats.TRIG: RdfFormat.TRIG,
    formats.N_QUADS: RdfFormat.N_QUADS,
}
IMMUTABLE = "public, max-age=31536000, immutable"


def _root(request: Request) -> str:
    return str(request.base_url).rstrip("/")


def _answer(
    request: Request, quads: list[Quad], cache_control: str | None, link: str | None
) -> Response:
    media_type = choose(request.headers.get("accept"), list(DATASET_TYPES))
    headers = {"Vary": "Accept"}
    if cache_control:
        headers["Cache-Control"] = cache_control
    if link:
        headers["Link"] = link
    body = serialize_quads(quads, DATASET_TYPES[media_type])
    return Response(body, media_type=formats.charset(media_type), headers=headers)


@router.get(
    "",
    operation_id="feed",
    summary="The LDES event stream of every published version of every graph",
    responses={200: {"content": {t: {} for t in DATASET_TYPES}}},
)
def feed(request: Request, service: ServiceDep, settings: SettingsDep) -> Response:
    """`ldes:EventStream` with `ldes:timestampPath` and `ldes:versionOfPath`, and its TREE
    view: the first page, from which `tree:relation`s lead to every later one."""
    first = f"{_root(request)}/feed/1" if service.feed.count() else None
    quads = stream_quads(settings.base_iri + "feed", first)
    link = f'<{first}>; rel="first"' if first else None
    return _answer(request, quads, None, link)


@router.get(
    "/{number}",
    operation_id="feed_page",
    summary="One page of the change feed: the graphs one write changed, with their content",
    responses={200: {"content": {t: {} for t in DATASET_TYPES}}, 404: {}},
)
def feed_page(
    number: int, request: Request, service: ServiceDep, settings: SettingsDep
) -> Response:
    page = service.feed.page(number)
    if page is None:
        raise NotFound(f"the feed has no page {number}; it has {service.feed.count()} (see /feed)")
    following = service.feed.page(number + 1)
    root = _root(request)
    next_page = (f"{root}/feed/{number + 1}", following.time) if following else None
    quads = page_quads(
        page, settings.base_iri + "feed", f"{root}/feed/{number}", next_page, settings.base_iri
    )
    link = f'<{next_page[0]}>; rel="next"' if next_page else None
    return _answer(request, quads, IMMUTABLE if following else None, link)
