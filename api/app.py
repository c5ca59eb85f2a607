"""``create_app(settings)``: the whole service, with no state at import time."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from starlette.concurrency import run_in_threadpool

from uikg.api import errors
from uikg.api.crossorigin import CrossOrigin
from uikg.api.httpcache import ConditionalGet
from uikg.api.middleware import BodyLimit, HeadAsGet
from uikg.api.routers import (
    contribute,
    contributions,
    dataset,
    feed,
    graph_store,
    health,
    linked_data,
    reconcile,
    rest,
    sparql,
    web,
)
from uikg.graph import __version__
from uikg.graph.auth import TokenRegistry
from uikg.graph.contributions.legacy import split_provenance
from uikg.graph.paths import DataPaths
from uikg.graph.queries import load_catalogue
from uikg.graph.service import GraphService
from uikg.graph.settings import Settings

log = logging.getLogger(__name__)
STATIC = Path(__file__).parent / "static"


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.service = await run_in_threadpool(GraphService.open, settings)
        await app.state.service.start()
        # before the first request: /history and pages read the provenance where it is now
        await run_in_threadpool(split_provenance, app.state.service, settings.base_iri)
        try:
            yield
        finally:
            await app.state.service.stop()
            queue = getattr(app.state, "contributions", None)
            if queue is not None:
                await run_in_threadpool(queue.close)
            await run_in_threadpool(app.state.service.close)

    app = FastAPI(
        title="Urban Integration Knowledge Graph",
        version=__version__,
        summary="How European cities integrate immigrants, as linked data: SPARQL, REST, pages.",
        lifespan=lifespan,
        docs_url=None,  # served by api/routers/web.py from the npm package: no CDN
        redoc_url=None,
    )
    app.state.settings = settings
    errors.install(app)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.state.auth = TokenRegistry.from_settings(settings)  # bad token config fails here
    web.mount_assets(app, settings)
    for module in (
        sparql,
        graph_store,
        linked_data,
        feed,
        dataset,
        health,
        contributions,
        reconcile,
        web,
    ):
        app.include_router(module.router)
    catalogue = app.state.catalogue = load_catalogue(DataPaths.locate().queries, settings.base_iri)
    app.include_router(rest.build_router(catalogue, settings.max_page_size, settings.base_iri))
    # Middleware wraps what was added before it: the SPARQL lane is innermost, so anything
    # added later (by us or by an operator embedding the app) applies to /sparql as well.
    app.add_middleware(sparql.QueryLane)
    app.add_middleware(ConditionalGet, max_age=settings.cache_max_age_s)
    app.add_middleware(HeadAsGet)
    app.add_middleware(BodyLimit, max_bytes=settings.max_body_bytes)
    contribute.install(app)  # the router, and the rate limit in front of the dry runs
    if settings.cors:
        app.add_middleware(CrossOrigin)  # outermost: 304s, 429s and errors carry it too
    return app
