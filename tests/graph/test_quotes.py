"""Quotes checked against their source texts: the matcher, the build check and the CLI."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO, SOURCES
from uikg.graph.build import build
from uikg.graph.errors import DataError
from uikg.graph.paths import DataPaths
from uikg.graph.quotes import (
    QuoteErrors,
    Selector,
    SourceText,
    Unit,
    check_locator,
    normalise,
    verify,
)
from uikg.graph.settings import Settings
from uikg.graph.store.embedded import EmbeddedStore

TEXT = (
    "Cities can play their role.4 The term is defi ned as a two-way\n"
    "process of im-\n"
    "migrants and the host society.5 Cities can play their role in\n"
    "\n"
    "7  A. Author, Title of the work, p. 3.\n"
)


def test_normalise_joins_broken_ligatures_and_collapses_whitespace_only():
    assert normalise("defi ned  as\n\ta infl ux") == "defined as a influx"
    assert normalise("im-\nmigrants") == "im-migrants"  # the printed hyphen stays
    assert normalise("well- being") == "well- being"  # not a line break: untouched
    assert normalise("colour") != normalise("color")  # nothing else is fuzzy


def test_a_quote_is_found_across_line_breaks_and_ligatures():
    text = SourceText("t.txt", TEXT)
    [match] = text.find(Selector("The term is defined as a two-way process of im-migrants"))
    assert match.lines == (1, 3)
    assert text.find(Selector("The term is defined as a two way process")) == []


def test_prefix_and_suffix_make_a_repeated_quote_unique():
    text = SourceText("t.txt", TEXT)
    assert len(text.find(Selector("Cities can play their role"))) == 2
    assert len(text.find(Selector("Cities can play their role", suffix=" in"))) == 1
    assert len(text.find(Selector("Cities can play their role", prefix="society.5 "))) == 1


def test_the_locator_must_agree_with_where_the_quote_is():
    text = SourceText("t.txt", TEXT)
    [match] = text.find(Selector("The term is defined as a two-way process"))
    assert check_locator(text, match, "L1-2") is None
    assert "outside" in check_locator(text, match, "L3-5")
    assert check_locator(text, match, "fn5") is None  # marker 5 later in the paragraph
    assert "marker 4" in check_locator(text, match, "fn4")  # 4 comes before the quote
    [note] = text.find(Selector("A. Author, Title of the work"))
    assert check_locator(text, note, "fn7-note") is None
    [inside] = text.find(Selector("Title of the work"))
    assert "does not start footnote 7" in check_locator(text, inside, "fn7-note")


def test_verify_names_every_unit_that_fails(tmp_path: Path):
    (tmp_path / "t.txt").write_text(TEXT, encoding="utf-8")
    units = [
        Unit("https://x/ok", "t.txt", "L1", Selector("The term is defined")),
        Unit("https://x/missing", "t.txt", "L1", Selector("The term is undefined")),
        Unit("https://x/twice", "t.txt", "L1-3", Selector("Cities can play their role")),
        Unit("https://x/elsewhere", "t.txt", "L5", Selector("The term is defined")),
        Unit("https://x/no-quote", "t.txt", "L1", None),
        Unit("https://x/reading", None, None, None, reading=True),
    ]
    with pytest.raises(QuoteErrors) as raised:
        verify(units, tmp_path, quotations=[("https://x/ok", "a three-way process")])
    problems = "\n".join(raised.value.problems)
    assert "<https://x/missing>: quote not found" in problems
    assert "<https://x/twice>: quote is not unique" in problems and "(at L1, L3)" in problems
    assert "<https://x/elsewhere>: locator 'L5'" in problems
    assert "<https://x/no-quote>: no quote" in problems
    assert "<https://x/ok>: a record's uikg:quotation is not in t.txt" in problems
    assert "reading" not in problems
    [verified] = verify(units[:1], tmp_path)
    assert verified.lines == (1, 1)


def _copy_of_the_data(root: Path) -> DataPaths:
    for folder in ("ontology", "shapes", "graph/data"):
        shutil.copytree(REPO / folder, root / folder)
    return DataPaths.locate(root)


@pytest.fixture
def sources() -> Path:
    if not SOURCES.is_dir():
        pytest.skip(f"the source texts are not at {SOURCES} (../shared/sources beside the repo)")
    return SOURCES


def test_the_build_fails_naming_the_unit_whose_quote_is_not_in_its_source(
    tmp_path: Path, sources: Path
):
    paths = _copy_of_the_data(tmp_path / "src")
    evidence = paths.records / "curated" / "evidence.ttl"
    text = evidence.read_text(encoding="utf-8")
    quote = "the mayors of the biggest twelve cities signed"
    assert text.count(quote) == 1
    evidence.write_text(text.replace(quote, "the mayors of the biggest ten cities signed"))
    settings = Settings(data_dir=tmp_path / "var", sources_dir=sources)
    with EmbeddedStore(settings.store_path) as store, pytest.raises(DataError) as raised:
        build(store, settings, paths=paths)
    assert "1 quote(s) do not match" in raised.value.detail
    assert "<https://w3id.org/uikg/graph/evidence/article/l362-365>: quote not found" in (
        raised.value.detail
    )
    with EmbeddedStore(settings.store_path) as store:
        assert store.count() == 0  # nothing written


def test_the_curated_quotes_verify_and_the_build_records_where(tmp_path: Path, sources: Path):
    settings = Settings(data_dir=tmp_path / "var", sources_dir=sources)
    with EmbeddedStore(settings.store_path) as store:
        report = build(store, settings, checks=False)
        assert report.quotes_verified and report.quotes >= 100
        [row] = store.query(
            "SELECT ?where WHERE { <https://w3id.org/uikg/graph/evidence/article/fn24> "
            "<https://w3id.org/uikg/ontology#quoteFoundAt> ?where }"
        )
        assert row["where"].value == "L242-246"


SMALL_ONTOLOGY = """\
@prefix owl: <http://www.w3.org/2002/07/owl#> .
<https://w3id.org/uikg/ontology> a owl:Ontology .
"""
SMALL_DATA = """\
@prefix uikg: <https://w3id.org/uikg/ontology#> .
@prefix oa: <http://www.w3.org/ns/oa#> .
<https://w3id.org/uikg/id/work/t> uikg:textFile "t.txt" .
<https://w3id.org/uikg/graph/evidence/t/l1> a uikg:EvidenceUnit ; uikg:assertionKind uikg:Stated ;
    uikg:evidenceFrom <https://w3id.org/uikg/id/work/t> ; uikg:locator "L1-2" ;
    oa:hasSelector [ a oa:TextQuoteSelector ; oa:exact "QUOTE" ] .
"""


def _uikg(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "uikg.api", *args],
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.mark.parametrize(
    ("quote", "code", "says"),
    [
        ("The term is defined as a two-way process", 0, "1 quotes verified"),
        ("The term is defined as a three-way process", 1, "evidence/t/l1>: quote not found"),
    ],
)
def test_uikg_build_sources_checks_quotes(tmp_path: Path, quote: str, code: int, says: str):
    root = tmp_path / "src"
    (root / "ontology").mkdir(parents=True)
    (root / "shapes").mkdir()
    (root / "graph" / "data").mkdir(parents=True)
    (root / "ontology" / "o.ttl").write_text(SMALL_ONTOLOGY)
    (root / "graph" / "data" / "units.ttl").write_text(SMALL_DATA.replace("QUOTE", quote))
    texts = tmp_path / "texts"
    texts.mkdir()
    (texts / "t.txt").write_text(TEXT)
    data_dir = str(tmp_path / "var")
    common = ("build", "--skip-checks", "--source", str(root), "--data-dir", data_dir)
    checked = _uikg(*common, "--sources", str(texts))
    assert checked.returncode == code, checked.stderr
    assert says in checked.stdout + checked.stderr
    unchecked = _uikg(*common)
    assert unchecked.returncode == 0
    assert "1 quotes were NOT verified" in unchecked.stderr


def test_the_generated_footnote_units_are_up_to_date(sources: Path, monkeypatch):
    from uikg.graph.curation.evidence import footnotes

    monkeypatch.chdir(REPO)  # the generator reads graph/data/reference/literature.ttl
    committed = (REPO / "graph" / "data" / "curated" / "footnotes.trig").read_text(encoding="utf-8")
    assert footnotes(sources) == committed, (
        "regenerate: python -m uikg.graph.curation.evidence footnotes"
    )
