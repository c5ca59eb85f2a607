"""The ``uikg`` command, run as a real process on small sources written by the test."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from pyoxigraph import CanonicalizationAlgorithm, Dataset, RdfFormat, parse

pytestmark = pytest.mark.reasoner

ONTOLOGY = """\
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix ex: <https://w3id.org/uikg/ontology#> .
<https://w3id.org/uikg/ontology> a owl:Ontology .
ex:Place a owl:Class ; rdfs:label "Place"@en .
ex:City a owl:Class ; rdfs:subClassOf ex:Place ; rdfs:label "City"@en .
"""
SHAPES = """\
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix ex: <https://w3id.org/uikg/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
<https://w3id.org/uikg/shapes#City> a sh:NodeShape ; sh:targetClass ex:City ;
  sh:property [ sh:path rdfs:label ; sh:minCount 1 ; sh:message "A city needs a label." ] .
"""
CITY = """\
@prefix ex: <https://w3id.org/uikg/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
<https://w3id.org/uikg/id/city/gdansk> a ex:City ; rdfs:label "Gdańsk"@pl .
"""


def uikg(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "uikg.api", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=300,
    )


def quad_count(data_dir: str) -> str:
    query = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
    return json.loads(uikg("query", query, "--format", "json", "--data-dir", data_dir).stdout)[0][
        "n"
    ]


@pytest.fixture
def source(tmp_path: Path) -> Path:
    root = tmp_path / "src"
    for relative, text in {
        "ontology/o.ttl": ONTOLOGY,
        "shapes/city.ttl": SHAPES,
        "graph/data/cities.ttl": CITY,
        "graph/data/more.ttl": CITY.replace("gdansk", "lublin").replace("Gdańsk", "Lublin"),
    }.items():
        (root / relative).parent.mkdir(parents=True, exist_ok=True)
        (root / relative).write_text(text, encoding="utf-8")
    return root


def test_build_rebuild_and_stale_graphs(source: Path, tmp_path: Path) -> None:
    data = str(tmp_path / "var")
    first = uikg("build", "--source", str(source), "--data-dir", data)
    assert first.returncode == 0, first.stderr
    assert "built" in first.stdout
    count = quad_count(data)
    again = uikg("build", "--source", str(source), "--data-dir", data)
    assert again.returncode == 0
    recount = quad_count(data)
    assert recount == count  # replaced, not duplicated
    (source / "graph/data/more.ttl").unlink()
    third = uikg("build", "--source", str(source), "--data-dir", data)
    assert "1 stale graphs dropped" in " ".join(third.stdout.split())
    graphs = uikg(
        "query", "SELECT DISTINCT ?g WHERE { GRAPH ?g {} }", "--format", "csv", "--data-dir", data
    )
    assert "graph/data/cities" in graphs.stdout and "graph/data/more" not in graphs.stdout


def test_inferred_types_are_materialised(source: Path, tmp_path: Path) -> None:
    data = str(tmp_path / "var")
    assert uikg("build", "--source", str(source), "--data-dir", data).returncode == 0
    result = uikg(
        "query",
        "ASK { GRAPH <https://w3id.org/uikg/graph/inferred> { "
        "<https://w3id.org/uikg/id/city/gdansk> a <https://w3id.org/uikg/ontology#Place> } }",
        "--data-dir",
        data,
    )
    assert result.stdout.strip() == "true"


def test_violation_stops_the_build_and_names_file_and_shape(source: Path, tmp_path: Path) -> None:
    (source / "graph/data/bad.ttl").write_text(
        "<https://w3id.org/uikg/id/city/nowhere> a <https://w3id.org/uikg/ontology#City> .\n"
    )
    data = tmp_path / "var"
    result = uikg("build", "--source", str(source), "--data-dir", str(data))
    assert result.returncode == 1
    message = " ".join(result.stderr.split())
    assert "bad.ttl" in message and "A city needs a label." in message
    assert "id/city/nowhere" in message
    # nothing was written
    count = uikg("query", "ASK { ?s ?p ?o }", "--data-dir", str(data))
    assert count.stdout.strip() == "false"


def test_syntax_error_in_a_source_is_a_data_error(source: Path, tmp_path: Path) -> None:
    (source / "graph/data/broken.ttl").write_text("<a> <b> .\n")
    result = uikg("build", "--source", str(source), "--data-dir", str(tmp_path / "var"))
    assert result.returncode == 1
    assert "broken.ttl" in result.stderr


def test_dump_and_load_give_an_isomorphic_dataset(source: Path, tmp_path: Path) -> None:
    one, two = str(tmp_path / "one"), str(tmp_path / "two")
    assert uikg("build", "--source", str(source), "--data-dir", one).returncode == 0
    for suffix in ("nq", "trig"):
        dump = tmp_path / f"dump.{suffix}"
        assert uikg("dump", str(dump), "--data-dir", one).returncode == 0
        target = f"{two}-{suffix}"
        loaded = uikg("load", str(dump), "--data-dir", target)
        assert loaded.returncode == 0, loaded.stderr
        again = tmp_path / f"again.{suffix}"
        assert uikg("dump", str(again), "--data-dir", target).returncode == 0
        datasets = []
        for path in (dump, again):
            dataset = Dataset(parse(path=str(path)))
            dataset.canonicalize(CanonicalizationAlgorithm.UNSTABLE)
            datasets.append(dataset)
        assert len(datasets[0]) > 10
        assert datasets[0] == datasets[1]


def test_query_formats(source: Path, tmp_path: Path) -> None:
    data = str(tmp_path / "var")
    uikg("build", "--source", str(source), "--data-dir", data)
    query = "SELECT ?label WHERE { ?c a <https://w3id.org/uikg/ontology#City> ; <http://www.w3.org/2000/01/rdf-schema#label> ?label } ORDER BY ?label"
    assert uikg("query", query, "--format", "csv", "--data-dir", data).stdout.splitlines() == [
        "label",
        "Gdańsk",
        "Lublin",
    ]
    assert [
        r["label"]
        for r in json.loads(uikg("query", query, "--format", "json", "--data-dir", data).stdout)
    ] == ["Gdańsk", "Lublin"]
    assert "Gdańsk" in uikg("query", query, "--data-dir", data).stdout
    query_file = tmp_path / "q.rq"
    query_file.write_text("CONSTRUCT WHERE { ?c a <https://w3id.org/uikg/ontology#City> }")
    turtle = uikg(
        "query", "--file", str(query_file), "--format", "turtle", "--data-dir", data
    ).stdout
    assert len(list(parse(turtle.encode(), RdfFormat.TURTLE))) == 2


def test_stats_counts_per_class(source: Path, tmp_path: Path) -> None:
    data = str(tmp_path / "var")
    uikg("build", "--source", str(source), "--data-dir", data)
    stats = uikg("stats", "--data-dir", data)
    assert stats.returncode == 0
    line = next(row for row in stats.stdout.splitlines() if "ontology#City" in row)
    assert line.split()[-2] == "2"


@pytest.mark.parametrize(
    "args",
    [
        ("query",),
        ("query", "ASK {}", "--file", "x.rq"),
        ("query", "ASK {}", "--format", "yaml"),
        ("dump", "out.xyz"),
        ("no-such-command",),
    ],
)
def test_usage_errors_exit_2(args: tuple[str, ...], tmp_path: Path) -> None:
    assert uikg(*args, "--data-dir", str(tmp_path / "var")).returncode == 2


def test_query_syntax_error_exits_2_with_position(tmp_path: Path) -> None:
    result = uikg("query", "SELECT * WHERE { ?s ?p }", "--data-dir", str(tmp_path / "var"))
    assert result.returncode == 2
    assert "1:" in result.stderr


def test_rebuild_with_another_base_drops_the_old_bases_graphs(source: Path, tmp_path: Path) -> None:
    data = str(tmp_path / "var")
    first = uikg("build", "--source", str(source), "--data-dir", data)
    assert first.returncode == 0, first.stderr
    count = quad_count(data)
    local = "http://127.0.0.1:8000/"
    second = uikg("build", "--source", str(source), "--data-dir", data, "--base-iri", local)
    assert second.returncode == 0, second.stderr
    assert quad_count(data) == count  # one set of graphs, not both
    graphs = uikg(
        "query", "SELECT DISTINCT ?g WHERE { GRAPH ?g {} }", "--format", "csv", "--data-dir", data
    ).stdout.split()[1:]
    assert graphs and all(g.startswith(local) for g in graphs), graphs


def test_build_without_java_warns_loudly_and_still_infers(source: Path, tmp_path: Path) -> None:
    empty = tmp_path / "no-java"
    empty.mkdir()
    built = subprocess.run(
        [sys.executable, "-m", "uikg.api", "build", "--source", str(source)]
        + ["--data-dir", str(tmp_path / "var")],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "PATH": str(empty)},
    )
    assert built.returncode == 0, built.stderr
    assert "OWL consistency was NOT checked" in " ".join(built.stderr.split())
    inferred = int(built.stdout.split("(")[1].split()[0])
    assert inferred > 0
