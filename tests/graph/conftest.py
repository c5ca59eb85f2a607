"""Fixtures for the graph tests.

``graph_store`` opens the session's built data dir directly: ``tests/conftest.py``'s
``built_store`` goes through a read-only ``EmbeddedStore`` whose ``close()`` calls ``flush()``,
which pyoxigraph refuses on read-only stores (reported to the lead). Switch back to
``built_store`` once that is fixed.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from graph.store.embedded import EmbeddedStore


@pytest.fixture(scope="session")
def graph_store(built_dir: Path) -> Iterator[EmbeddedStore]:
    store = EmbeddedStore(built_dir / "store")
    yield store
    store.close()
