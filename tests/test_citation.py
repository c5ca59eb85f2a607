"""The dataset is citable: CITATION.cff, the home page and VoID/DCAT say the same title,
version, licences, citation and identifier policy (``graph/citation.py``)."""

from __future__ import annotations

import tomllib

import httpx
import rdflib
import yaml

from tests.conftest import REPO
from tests.support.servers import Server
from uikg.graph import __version__, citation

CFF = yaml.safe_load((REPO / "CITATION.cff").read_text(encoding="utf-8"))
DCT = rdflib.Namespace("http://purl.org/dc/terms/")
DCAT = rdflib.Namespace("http://www.w3.org/ns/dcat#")
OWL = rdflib.OWL


def test_citation_cff_states_title_version_licences_and_how_to_cite() -> None:
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    for key in ("cff-version", "message", "title", "authors", "version", "license"):
        assert CFF.get(key), key
    assert CFF["cff-version"] == "1.2.0"
    assert CFF["type"] == "dataset"
    assert CFF["version"] == __version__ == project["version"]
    assert CFF["license"] == citation.DATA_LICENSE[0]
    assert citation.TITLE in CFF["title"]
    software = CFF["references"][0]
    assert software["type"] == "software" and software["license"] == citation.CODE_LICENSE[0]
    assert project["license"] == citation.CODE_LICENSE[0]
    preferred = CFF["preferred-citation"]
    assert preferred["version"] == __version__ and preferred["license"] == "CC-BY-4.0"
    assert "persistence" in preferred["notes"] and "date-released" in CFF


def test_citation_text_and_bibtex_carry_release_and_build() -> None:
    cite = citation.Citation("1.2.3", "2026-01-02", "https://w3id.org/uikg/")
    assert cite.version == "1.2.3+2026-01-02"
    assert "release 1.2.3, build of 2026-01-02" in cite.text()
    bibtex = cite.bibtex()
    assert bibtex.startswith("@misc{uikg,") and bibtex.endswith("}")
    assert "version = {1.2.3+2026-01-02}" in bibtex and "year = {2026}" in bibtex
    assert bibtex.count("{") == bibtex.count("}")


def test_home_page_says_how_to_cite(built_server: Server) -> None:
    page = httpx.get(built_server.url + "/", timeout=60).text
    for expected in (
        f"release {__version__}",
        "data built on 20",
        "@misc{uikg,",
        "CC-BY-4.0",
        "Apache-2.0",
        "IRI persistence policy",
        "never reused",
        "CITATION.cff",
    ):
        assert expected in page, expected
    assert 'rel="license" href="https://creativecommons.org/licenses/by/4.0/"' in page


def test_void_and_dcat_say_how_to_cite(built_server: Server) -> None:
    turtle = httpx.get(
        built_server.url + "/.well-known/void", headers={"Accept": "text/turtle"}, timeout=60
    ).text
    graph = rdflib.Graph().parse(data=turtle, format="turtle")
    dataset = rdflib.URIRef("https://w3id.org/uikg/dataset")
    assert str(graph.value(dataset, DCT.license)) == citation.DATA_LICENSE[1]
    version = str(graph.value(dataset, OWL.versionInfo))
    assert version.startswith(__version__ + "+20")
    assert str(graph.value(dataset, DCT.issued)) == version.split("+")[1]
    assert f"release {__version__}" in str(graph.value(dataset, DCT.bibliographicCitation))
    policy = graph.value(dataset, rdflib.RDFS.seeAlso)
    assert "permanent" in str(graph.value(policy, DCT.description))
    service = rdflib.URIRef(built_server.url + "/sparql")
    assert (service, DCAT.servesDataset, dataset) in graph
    assert str(graph.value(service, DCT.license)) == citation.CODE_LICENSE[1]
    assert str(graph.value(dataset, DCAT.landingPage)) == built_server.url + "/"
