"""``create_app(settings)``: the whole service, with no state at import time."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp

from uikg.api import errors
from uikg.api.limits import BodyLimit
from uikg.api.routers import (
    contribute,
    contributions,
    dataset,
    graph_store,
    health,
    linked_data,
    rest,
    sparql,
    web,
)
from uikg.graph import __version__
from uikg.graph.auth import TokenRegistry
from uikg.graph.dataset import Dumps
from uikg.graph.paths import DataPaths
from uikg.graph.queries import load_catalogue
from uikg.graph.search import LabelIndex
from uikg.graph.settings import Settings
from uikg.graph.sparql.service import SparqlService

log = logging.getLogger(__name__)
STATIC = Path(__file__).parent / "static"


class _Service(FastAPI):
    """FastAPI behind the body limit and the SPARQL query lane (``api.routers.sparql``).

    Both sit in front of FastAPI's own middleware stack: the limit holds for every request,
    and queries skip the layers they do not need. Errors in the lane become the same problem
    details as everywhere (the lane calls the one error mapping).
    """

    def build_middleware_stack(self) -> ASGIApp:
        inner = sparql.QueryLane(super().build_middleware_stack())
        return BodyLimit(inner, max_bytes=self.state.settings.max_body_bytes)


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.service = await run_in_threadpool(SparqlService.open, settings)
        await app.state.service.start()
        try:
            yield
        finally:
            await app.state.service.stop()
            await run_in_threadpool(app.state.service.close)

    app = _Service(
        title="Urban Integration Knowledge Graph",
        version=__version__,
        summary="How European cities integrate immigrants, as linked data: SPARQL, REST, pages.",
        lifespan=lifespan,
    )
    app.state.settings = settings
    errors.install(app)
    app.state.labels = LabelIndex()
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.state.dumps = Dumps(settings.data_dir / "dumps")
    app.state.auth = TokenRegistry.from_settings(settings)  # bad token config fails here
    web.mount_assets(app, settings)
    for module in (sparql, graph_store, linked_data, dataset, health, contributions, web):
        app.include_router(module.router)
    catalogue = app.state.catalogue = load_catalogue(DataPaths.locate().queries)
    app.include_router(rest.build_router(catalogue, settings.max_page_size))
    contribute.install(app)  # the router, and the rate limit in front of the dry runs
    return app
