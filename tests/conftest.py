"""Shared fixtures: settings, a store built from the repository's data once per session, and
real server processes (this service and Oxigraph server) for the tests that need HTTP."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from pyoxigraph import Quad

from tests.support.servers import (
    VIRTUOSO_HIDDEN_GRAPHS,
    Server,
    free_port,
    start_oxigraph,
    start_uikg,
    start_virtuoso,
    virtuoso_binary,
)
from tests.support.signals import stop_on_sigterm
from uikg.api.app import create_app
from uikg.graph.build import Rebase, build
from uikg.graph.settings import DEFAULT_BASE_IRI, Settings
from uikg.graph.store.embedded import EmbeddedStore
from uikg.graph.store.remote import RemoteStore

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
SOURCES = SHARED / "sources"
ADMIN_TOKEN = "test-admin-token-0123456789abcdef"


# Fixtures that start processes (servers, a browser) or build the whole graph (the OWL reasoner,
# Java): tests that use them are marked, so `make test-fast` can leave them out.
_SERVER_FIXTURES = {
    "built_server",
    "live_server",
    "oxigraph_server",
    "virtuoso_server",
    "site",
    "local_site",
    "browser",
    "page",
}
_REASONER_FIXTURES = {"built_dir"}


def pytest_configure(config: pytest.Config) -> None:
    stop_on_sigterm()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        used = set(getattr(item, "fixturenames", ()))
        if used & _SERVER_FIXTURES or "e2e" in item.path.parts:
            item.add_marker(pytest.mark.server)
        if used & _REASONER_FIXTURES:
            item.add_marker(pytest.mark.reasoner)


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    if not SHARED.is_dir():
        pytest.skip(f"the shared folder {SHARED} is not beside this checkout")
    return SHARED


@pytest.fixture(scope="session")
def built_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data dir whose store holds the full build (ontology, shapes, records, inferences),
    with every quote checked against the source texts when ../shared/sources is there."""
    data_dir = tmp_path_factory.mktemp("built")
    settings = Settings(data_dir=data_dir, sources_dir=SOURCES if SOURCES.is_dir() else None)
    with EmbeddedStore(settings.store_path) as store:
        build(store, settings)
    return data_dir


def copy_data_dir(source: Path, target: Path) -> Path:
    """A private copy of a built data dir (a checkpoint: hard links, cheap)."""
    with EmbeddedStore(source / "store", read_only=True) as store:
        store.snapshot(target / "store")
    return target


def serve_built(
    built_dir: Path, factory: pytest.TempPathFactory, name: str, **settings: str
) -> Server:
    """A real ``uikg serve`` over a private copy of the built graph (its own data dir)."""
    data_dir = copy_data_dir(built_dir, factory.mktemp(name))
    return start_uikg(data_dir, factory.mktemp("logs"), **settings)


@pytest.fixture(scope="session")
def built_store(
    built_dir: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[EmbeddedStore]:
    """The built graph, read-only by convention; ``.query`` uses the union default graph."""
    target = copy_data_dir(built_dir, tmp_path_factory.mktemp("built-store"))
    store = EmbeddedStore(target / "store")
    yield store
    store.close()


def make_settings(data_dir: Path, **overrides: object) -> Settings:
    values: dict[str, object] = {"data_dir": data_dir, "admin_token": ADMIN_TOKEN}
    values.update(overrides)
    return Settings(**values)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """An empty store's settings: queries on the on-disk snapshot (the in-memory copy has its own
    tests), so an app starts in a fraction of a second."""
    return make_settings(tmp_path, query_in_memory=False, query_workers=2)


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    """The app in-process, on an empty temporary store."""
    with TestClient(create_app(settings)) as test_client:
        yield test_client


@pytest.fixture(scope="session")
def built_client(built_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """The app in-process, on a copy of the built graph."""
    target = copy_data_dir(built_dir, tmp_path_factory.mktemp("built-app"))
    with TestClient(create_app(make_settings(target))) as test_client:
        yield test_client


@pytest.fixture
def auth() -> dict[str, str]:
    return {"Authorization": f"Bearer {ADMIN_TOKEN}"}


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A real ``uikg serve`` process over HTTP, on an empty store, with writes enabled."""
    data_dir = tmp_path_factory.mktemp("live")
    server = start_uikg(
        data_dir, tmp_path_factory.mktemp("logs"), admin_token=ADMIN_TOKEN, query_timeout_s="3"
    )
    yield server
    server.stop()


@pytest.fixture(scope="session")
def built_server(built_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A real ``uikg serve`` process over a copy of the full built graph (read-mostly)."""
    server = serve_built(built_dir, tmp_path_factory, "built-server", admin_token=ADMIN_TOKEN)
    yield server
    server.stop()


@dataclass(frozen=True)
class Site:
    """A served copy of the built graph with its base IRI, and a store to compare answers with."""

    base: str
    server: Server
    store: EmbeddedStore

    @property
    def id(self) -> str:
        return self.base + "id/"


@pytest.fixture(scope="session")
def local_site(built_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """The built graph minted with the server's own URL as base IRI (``UIKG_BASE_IRI``)."""
    port = free_port()
    base = f"http://127.0.0.1:{port}/"
    rebase = Rebase(base)
    data_dir = tmp_path_factory.mktemp("local-base")
    with (
        EmbeddedStore(built_dir / "store", read_only=True) as source,
        EmbeddedStore(data_dir / "store") as target,
    ):
        quads = []
        for quad in source.quads():
            triple = rebase.triple(quad.triple)
            graph = rebase.term(quad.graph_name)
            quads.append(Quad(triple.subject, triple.predicate, triple.object, graph))
        target.engine.extend(quads)
    store = EmbeddedStore(copy_data_dir(data_dir, tmp_path_factory.mktemp("local-store")) / "store")
    server = start_uikg(data_dir, tmp_path_factory.mktemp("logs"), port=port, base_iri=base)
    yield Site(base, server, store)
    server.stop()
    store.close()


@pytest.fixture(scope="session", params=["canonical base", "local base"])
def site(request: pytest.FixtureRequest) -> Site:
    """The web and REST suites run twice: on canonical IRIs, and on a server minting its own."""
    if request.param == "canonical base":
        server = request.getfixturevalue("built_server")
        return Site(DEFAULT_BASE_IRI, server, request.getfixturevalue("built_store"))
    return request.getfixturevalue("local_site")  # type: ignore[no-any-return]


@pytest.fixture(scope="session")
def oxigraph_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A real ``oxigraph serve`` process on a free loopback port."""
    server = start_oxigraph(tmp_path_factory.mktemp("oxigraph"), tmp_path_factory.mktemp("logs"))
    yield server
    server.stop()


def remote_store_for(server: Server) -> RemoteStore:
    return RemoteStore(f"{server.url}/query", f"{server.url}/update", f"{server.url}/store")


@pytest.fixture(scope="session")
def virtuoso_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """Virtuoso open source on free loopback ports (installed by .ci/run)."""
    if virtuoso_binary() is None:
        pytest.skip("virtuoso-t is not installed; .ci/run installs virtuoso-opensource-7-bin")
    server = start_virtuoso(tmp_path_factory.mktemp("virtuoso"), tmp_path_factory.mktemp("logs"))
    yield server
    server.stop()


def virtuoso_store_for(server: Server) -> RemoteStore:
    return RemoteStore(
        f"{server.url}/sparql",
        f"{server.url}/sparql",
        f"{server.url}/sparql-graph-crud",
        hidden_graphs=VIRTUOSO_HIDDEN_GRAPHS,
        default_graph_iri="urn:uikg:default-graph",
    )


__all__ = [
    "ADMIN_TOKEN",
    "REPO",
    "SHARED",
    "SOURCES",
    "Site",
    "copy_data_dir",
    "make_settings",
    "remote_store_for",
    "shutil",
]
