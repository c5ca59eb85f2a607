"""Fixtures for the graph tests."""

from __future__ import annotations

import pytest

from uikg.graph.store.embedded import EmbeddedStore


@pytest.fixture(scope="session")
def graph_store(built_store: EmbeddedStore) -> EmbeddedStore:
    """The built graph (the session's copy shared with the other packages' tests)."""
    return built_store
