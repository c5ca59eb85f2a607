"""The app (through ``TestClient``) on a copy of the built data dir, with the tokens a test
gives (``name:role:token,…``): how the API tests that write get a store of their own."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from fastapi.testclient import TestClient

from tests.conftest import copy_data_dir, make_settings
from uikg.api.app import create_app

CONTRIBUTOR = {"Authorization": "Bearer contributor-token-0123456789abcdef"}
CURATOR = {"Authorization": "Bearer curator-token-0123456789abcdef0"}
TOKENS = (
    "ngo:contributor:contributor-token-0123456789abcdef,ed:curator:curator-token-0123456789abcdef0"
)


@contextmanager
def app_on_copy(built_dir: Path, folder: Path, tokens: str = TOKENS) -> Iterator[TestClient]:
    settings = make_settings(copy_data_dir(built_dir, folder), tokens=tokens)
    with TestClient(create_app(settings)) as client:
        yield client
