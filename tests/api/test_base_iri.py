"""A server whose base IRI is its own URL mints and serves its own IRIs (issue: UIKG_BASE_IRI)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import httpx
import pytest
import rdflib

from tests.support.servers import free_port, start_uikg

pytestmark = pytest.mark.slow


def test_own_base_iri_is_minted_and_dereferenced(tmp_path: Path) -> None:
    port = free_port()
    base = f"http://127.0.0.1:{port}/"
    built = subprocess.run(
        [
            sys.executable,
            "-m",
            "uikg.api",
            "build",
            "--data-dir",
            str(tmp_path / "var"),
            "--base-iri",
            base,
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert built.returncode == 0, built.stderr
    server = start_uikg(tmp_path / "var", tmp_path, port=port, base_iri=base)
    try:
        gdansk = rdflib.URIRef(f"{base}id/city/gdansk")
        graph = rdflib.Graph().parse(str(gdansk))
        assert (gdansk, rdflib.RDFS.label, rdflib.Literal("Gdańsk", lang="pl")) in graph
        # the ontology keeps its canonical namespace; the things are the server's
        assert (
            gdansk,
            rdflib.RDF.type,
            rdflib.URIRef("https://w3id.org/uikg/ontology#City"),
        ) in graph
        # links on the page lead to this server
        page = httpx.get(f"{base}doc/id/city/gdansk.html").text
        assert f'href="{base}id/country/poland"' in page
        # the REST API and named queries speak the same IRIs
        node = httpx.get(f"{base}api/v1/cities/gdansk").json()["@graph"][0]
        assert node["id"] == str(gdansk)
    finally:
        server.stop()
