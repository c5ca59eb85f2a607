"""The whole service on an existing engine: the built graph loaded into Oxigraph server and
Virtuoso through the standard protocols, then served with the remote backend."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.conftest import ADMIN_TOKEN, REPO
from tests.support.servers import Server, remote_settings, start_uikg
from uikg.graph.paths import DataPaths
from uikg.graph.queries import load_catalogue

pytestmark = pytest.mark.slow
CATALOGUE = load_catalogue(DataPaths.locate().queries)


@pytest.fixture(scope="module", params=["oxigraph", "virtuoso"])
def remote_service(
    request: pytest.FixtureRequest, built_dir: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, Server]]:
    engine = request.param
    server: Server = request.getfixturevalue(f"{engine}_server")
    settings = remote_settings(engine, server)
    env_settings = {f"UIKG_{k.upper()}": v for k, v in settings.items()}
    folder = tmp_path_factory.mktemp(f"remote-{engine}")
    dump = folder / "dump.nq"
    subprocess.run(
        [sys.executable, "-m", "uikg.api", "dump", str(dump), "--data-dir", str(built_dir)],
        check=True,
        timeout=300,
    )
    drop = httpx.post(
        settings["remote_update_url"], data={"update": "DROP SILENT GRAPH <urn:none>"}
    )
    assert drop.status_code < 400
    loaded = subprocess.run(
        [sys.executable, "-m", "uikg.api", "load", str(dump)],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=REPO,
        env={**__import__("os").environ, **env_settings},
    )
    assert loaded.returncode == 0, loaded.stderr
    service = start_uikg(
        folder / "data",
        folder,
        admin_token=ADMIN_TOKEN,
        tokens="ngo:contributor:contributor-token-0123456789abcdef,"
        "ed:curator:curator-token-0123456789abcdef0",
        **settings,
    )
    yield engine, service
    service.stop()


def _unordered(value: str) -> str:
    """GROUP_CONCAT's order is left to the engine by SPARQL: compare the parts, sorted."""
    for separator in ("; ", " | ", ", "):
        if separator in value:
            return separator.join(sorted(value.split(separator)))
    return value


def _rows(server_url: str, name: str) -> set[frozenset[tuple[str, str]]]:
    params = {p.name: p.example for p in CATALOGUE[name].params if p.example}
    reply = httpx.get(f"{server_url}/api/v1/queries/{name}", params=params, timeout=60)
    assert reply.status_code == 200, (name, reply.text[:300])
    body = reply.json()
    if isinstance(body, bool):
        return {frozenset({("boolean", str(body))})}
    return {frozenset((key, _unordered(value)) for key, value in row.items()) for row in body}


@pytest.mark.parametrize("name", sorted(CATALOGUE))
def test_named_query_answers_as_on_the_embedded_store(
    name: str, remote_service: tuple[str, Server], built_server: Server
) -> None:
    _, service = remote_service
    assert _rows(service.url, name) == _rows(built_server.url, name)


def test_contribution_lifecycle_on_the_remote_store(remote_service: tuple[str, Server]) -> None:
    _, service = remote_service
    record = (REPO / "tests/data/new-strategy.ttl").read_bytes()
    submitted = httpx.post(
        f"{service.url}/contributions",
        content=record,
        headers={
            "Authorization": "Bearer contributor-token-0123456789abcdef",
            "Content-Type": "text/turtle",
        },
    )
    assert submitted.status_code == 201, submitted.text
    accepted = httpx.post(
        f"{submitted.headers['location']}/accept",
        headers={"Authorization": "Bearer curator-token-0123456789abcdef0"},
    )
    assert accepted.status_code in (200, 204), accepted.text
    ask = httpx.get(
        f"{service.url}/sparql",
        headers={"Accept": "application/sparql-results+json"},
        params={
            "query": "ASK { <https://w3id.org/uikg/id/document/lublin-integration-strategy-2024> "
            "a <https://w3id.org/uikg/ontology#PolicyDocument> }"
        },
    )
    assert ask.json()["boolean"] is True
    page = httpx.get(f"{service.url}/doc/id/document/lublin-integration-strategy-2024.html")
    assert page.status_code == 200 and "Lublin integration strategy" in page.text
