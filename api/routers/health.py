"""Liveness and readiness for load balancers and operators."""

from __future__ import annotations

from fastapi import APIRouter

from uikg.api.deps import ServiceDep
from uikg.graph import __version__

router = APIRouter(tags=["Health"])


@router.get("/health", operation_id="health", summary="Is the service up and its store reachable?")
def health(service: ServiceDep) -> dict[str, object]:
    """Cheap on every backend (load balancers call it often): one trivial query, run like any
    other read (so a health check also says whether queries are answered)."""
    service.reader.ask("ASK {}")
    return {
        "status": "ok",
        "version": __version__,
        "generation": service.generation,
        "queries_run_on": service.query_store,
    }
