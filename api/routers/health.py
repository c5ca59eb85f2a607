"""Liveness and readiness for load balancers and operators."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.concurrency import run_in_threadpool

from api.deps import ServiceDep
from graph import __version__

router = APIRouter(tags=["Health"])


@router.get("/health", operation_id="health", summary="Is the service up and its store reachable?")
async def health(service: ServiceDep) -> dict[str, object]:
    graphs = await run_in_threadpool(service.store.named_graphs)
    return {"status": "ok", "version": __version__, "graphs": len(graphs)}
