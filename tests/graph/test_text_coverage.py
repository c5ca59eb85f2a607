"""``uikg coverage``: the source texts cut into passages, and which passages the graph quotes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import SOURCES, copy_data_dir
from uikg.graph.coverage import coverage, passages
from uikg.graph.quotes import SourceText

ARTICLE = "000_2e7a3fa26992cef3.txt"
ESSAY = "002_ff4cdf59319586c8.txt"


@pytest.fixture(scope="module")
def sources() -> Path:
    if not SOURCES.is_dir():
        pytest.skip(f"the source texts are not at {SOURCES} (../shared/sources beside the repo)")
    return SOURCES


def test_the_article_is_cut_into_its_paragraphs_and_53_footnotes(sources: Path):
    cut = {p.id: p for p in passages(SourceText.read(sources / ARTICLE))}
    notes = [p for p in cut.values() if p.kind == "footnote"]
    assert [p.id for p in notes] == [f"fn{n}" for n in range(1, 54)]
    assert sum(1 for p in cut.values() if p.kind == "paragraph") == 24
    # a paragraph runs on after its page's footnotes; a footnote after the next page's body
    assert cut["¶2"].span == "L17-23, L26-36"
    assert cut["fn1"].span == "L24-25, L58-60"
    assert cut["¶14"].span == "L331-349, L359-365"
    assert not any(p.text.startswith(("Trends in Urban", "Conclusions")) for p in cut.values())


def test_the_essay_is_cut_into_paragraphs_and_its_three_notes(sources: Path):
    cut = {p.id: p for p in passages(SourceText.read(sources / ESSAY))}
    assert [p.id for p in cut.values() if p.kind == "footnote"] == ["fn1", "fn2", "fn3"]
    assert cut["¶6"].span == "L23, L31"  # "we nevertheless have" … "space to act"
    assert cut["¶1"].text.startswith("*Marta Siciarek is a sinologist")


def test_coverage_of_the_built_graph(graph_store, sources: Path):
    report = {item.text_file: item for item in coverage(graph_store.query, sources)}
    article, essay = report[ARTICLE], report[ESSAY]
    for item in (article, essay):
        assert item.units == item.quoted == item.found > 0
        assert all(p.units for p in item.passages if p.kind == "footnote")
    found = [
        (row["first"].value, row["last"].value)
        for row in graph_store.query(
            "SELECT ?first ?last WHERE { ?u <https://w3id.org/uikg/ontology#evidenceFrom> "
            "<https://w3id.org/uikg/id/work/article-role-of-cities> ; "
            "<https://w3id.org/uikg/ontology#quoteFoundAt> ?at "
            "BIND(REPLACE(STR(?at), '^L([0-9]+).*$', '$1') AS ?first) "
            "BIND(REPLACE(STR(?at), '^L(?:[0-9]+-)?([0-9]+)$', '$1') AS ?last) }"
        )
    ]
    quoted_lines = {line for a, b in found for line in range(int(a), int(b) + 1)}
    for passage in article.uncited:
        assert not set(passage.lines) & quoted_lines, passage.id
    for passage in article.cited:
        assert set(passage.lines) & quoted_lines, passage.id
        assert passage.statements > 0 and 0 < passage.quoted <= 1
    assert "¶1" in {p.id for p in article.uncited}  # the abstract repeats the body; not quoted


def test_uikg_coverage_command(built_dir: Path, tmp_path: Path, sources: Path):
    data_dir = copy_data_dir(built_dir, tmp_path / "copy")
    command = [sys.executable, "-m", "uikg.api", "coverage", "--data-dir", str(data_dir)]
    result = subprocess.run(
        [*command, "--sources", str(sources), "--format", "json"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    report = {item["textFile"]: item for item in json.loads(result.stdout)}
    assert report[ESSAY]["quoted"] == report[ESSAY]["units"] >= 20
    assert {p["id"] for p in report[ARTICLE]["passages"]} >= {"¶1", "fn53"}
    assert set(report[ARTICLE]["uncited"]) <= {p["id"] for p in report[ARTICLE]["passages"]}
    missing = subprocess.run(
        command, capture_output=True, text=True, timeout=300, env={"PATH": "/usr/bin"}
    )
    assert missing.returncode == 2 and "--sources DIR" in missing.stderr
