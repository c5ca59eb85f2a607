"""The ``uikg`` command: the graph's commands (``uikg.graph.cli``) and ``serve``.

Serving needs both packages, and ``graph`` never imports ``api``, so the command is composed here.
"""

from __future__ import annotations

from typing import Annotated

import typer

from uikg.graph.cli import DataDir, app, fail, main, settings_from
from uikg.graph.errors import UIKGError
from uikg.graph.heap import fix_mmap_threshold, limit_arenas

__all__ = ["app", "main"]


@app.command()
def serve(
    data_dir: DataDir = None,
    host: Annotated[str | None, typer.Option(help="Interface to listen on.")] = None,
    port: Annotated[int | None, typer.Option(help="Port to listen on.")] = None,
) -> None:
    """Serve the SPARQL endpoint, the API and the Linked-Data pages."""
    import uvicorn

    from uikg.api.app import create_app

    settings = settings_from(data_dir, host=host, port=port)
    limit_arenas(settings.malloc_arenas)  # before the server starts its threads
    fix_mmap_threshold(settings.malloc_mmap_threshold_kb)
    try:
        application = create_app(settings)
    except UIKGError as error:
        fail(error)
    uvicorn.run(
        application,
        host=settings.host,
        port=settings.port,
        log_level="info",
        access_log=settings.access_log,
    )
