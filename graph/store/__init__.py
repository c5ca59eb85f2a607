"""One store interface (``base.Store``), two backends: pyoxigraph on disk (``embedded``) and any
SPARQL 1.1 Protocol + Graph Store Protocol server (``remote``). Depends on nothing else in
``uikg.graph`` but settings, errors and terms."""

from __future__ import annotations

from pathlib import Path

from uikg.graph.settings import Backend, Settings
from uikg.graph.store.base import Store
from uikg.graph.store.embedded import EmbeddedStore
from uikg.graph.store.remote import RemoteStore


def open_store(settings: Settings, *, read_only: bool = False, service: bool = False) -> Store:
    """The store the settings name (``read_only`` applies to the embedded store; ``service``:
    the long-running service's own, reopened now and then to empty RocksDB's caches)."""
    if settings.backend is Backend.remote:
        assert settings.remote_query_url is not None
        return RemoteStore(
            settings.remote_query_url,
            settings.remote_update_url,
            settings.remote_store_url,
            timeout=settings.remote_timeout_s,
            hidden_graphs=settings.remote_hidden_graphs,
            default_graph_iri=settings.remote_default_graph_iri,
        )
    return open_embedded(settings.store_path, settings, read_only=read_only, service=service)


def open_embedded(
    path: Path, settings: Settings, *, read_only: bool = False, service: bool = False
) -> EmbeddedStore:
    """An on-disk store whose write buffers are bounded as the settings say (``service``: and
    which is reopened after so many flushes, see ``EmbeddedStore``)."""
    return EmbeddedStore(
        path,
        read_only=read_only,
        flush_after_bytes=settings.store_flush_after_kb * 1024,
        reopen_after_flushes=settings.store_reopen_after_flushes if service else 0,
    )
