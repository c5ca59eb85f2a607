"""The ``uikg`` command line.

Exit codes: 0 success, 1 the data is wrong (violations, inconsistency), 2 usage or system error.
"""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from pyoxigraph import (
    BlankNode,
    Literal,
    NamedNode,
    QueryBoolean,
    QuerySolutions,
    RdfFormat,
    serialize,
)
from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from uikg.graph import __version__
from uikg.graph.cli_validate import validate
from uikg.graph.errors import UIKGError
from uikg.graph.settings import Settings
from uikg.graph.sparql.guard import query_form
from uikg.graph.store import open_store
from uikg.graph.store.base import Store

app = typer.Typer(
    help="Urban Integration Knowledge Graph: build, query and serve the graph.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
err = Console(stderr=True, soft_wrap=True)
out = Console()

DataDir = Annotated[
    Path | None,
    typer.Option("--data-dir", help="Where the store lives (default: $UIKG_DATA_DIR or ./var)."),
]


def settings_from(data_dir: Path | None, **overrides: Any) -> Settings:
    values = {key: value for key, value in overrides.items() if value is not None}
    if data_dir is not None:
        values["data_dir"] = data_dir
    return Settings(**values)


def _open(settings: Settings) -> Store:
    return open_store(settings)


def fail(error: UIKGError) -> None:
    err.print(f"[bold red]error:[/] {error.detail}", highlight=False)
    raise typer.Exit(error.exit_code)


def _progress() -> Progress:
    return Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        TimeElapsedColumn(),
        console=err,
        transient=False,
        disable=not err.is_terminal,
    )


@app.command()
def build(
    data_dir: DataDir = None,
    skip_checks: Annotated[
        bool, typer.Option("--skip-checks", help="Load without SHACL and OWL checks (development).")
    ] = False,
    base_iri: Annotated[str | None, typer.Option(help="Mint IRIs under this base.")] = None,
    source: Annotated[
        Path | None,
        typer.Option(
            help="A folder laid out like the repository (ontology/, shapes/, graph/data/)."
        ),
    ] = None,
    sources: Annotated[
        Path | None,
        typer.Option(
            "--sources",
            help="The folder of source texts (default: $UIKG_SOURCES_DIR); every quote is "
            "checked against them.",
        ),
    ] = None,
) -> None:
    """Load the ontology, shapes and curated records into the store, after checking them."""
    from uikg.graph.build import build as run_build
    from uikg.graph.paths import DataPaths

    settings = settings_from(data_dir, base_iri=base_iri, sources_dir=sources)
    paths = DataPaths.locate(source.resolve()) if source else None
    try:
        with _open(settings) as store, _progress() as progress:
            task = progress.add_task("building", total=None)
            report = run_build(
                store,
                settings,
                paths=paths,
                checks=not skip_checks,
                progress=lambda message: progress.update(task, description=message),
            )
    except UIKGError as error:
        fail(error)
    for warning in report.warnings[:20]:
        err.print(f"[yellow]{warning}[/]", highlight=False)
    if len(report.warnings) > 20:
        err.print(f"[yellow]… and {len(report.warnings) - 20} more warnings[/]")
    out.print(
        f"built {report.graphs} graphs from {report.files} files: {report.triples} triples "
        f"({report.inferred} inferred), {len(report.warnings)} warnings, "
        f"{len(report.dropped)} stale graphs dropped"
    )
    if report.quotes_verified:
        out.print(f"{report.quotes} quotes verified against the source texts")
    else:
        err.print(
            f"[yellow]{report.quotes} quotes were NOT verified: no source texts given "
            "(--sources DIR or UIKG_SOURCES_DIR)[/]",
            highlight=False,
        )


_QUERY_FORMATS = ("table", "csv", "json", "turtle")


@app.command()
def query(
    text: Annotated[str | None, typer.Argument(help="SPARQL query text.")] = None,
    file: Annotated[
        Path | None, typer.Option("--file", "-f", help="Read the query from a file.")
    ] = None,
    format: Annotated[str, typer.Option("--format", help="table, csv, json or turtle.")] = "table",
    data_dir: DataDir = None,
) -> None:
    """Run a SPARQL query on the store (union of all graphs as the default graph)."""
    if (text is None) == (file is None):
        err.print("give the query either as an argument or with --file")
        raise typer.Exit(2)
    if format not in _QUERY_FORMATS:
        err.print(f"unknown format {format!r}; use one of {', '.join(_QUERY_FORMATS)}")
        raise typer.Exit(2)
    sparql = text if text is not None else file.read_text(encoding="utf-8")  # type: ignore[union-attr]
    try:
        with _open(settings_from(data_dir)) as store:
            _print_result(store.query(sparql, form=query_form(sparql)), format)
    except UIKGError as error:
        fail(error)


def _plain(term: Any) -> str:
    if term is None:
        return ""
    if isinstance(term, NamedNode | Literal):
        return term.value
    if isinstance(term, BlankNode):
        return f"_:{term.value}"
    return str(term)


def _print_result(result: Any, format: str) -> None:
    if isinstance(result, QueryBoolean):
        out.print("true" if bool(result) else "false")
        return
    if not isinstance(result, QuerySolutions):
        data = serialize(result, None, RdfFormat.TURTLE) or b""
        sys.stdout.write(data.decode())
        return
    names = [v.value for v in result.variables]
    rows = [[row[i] for i in range(len(names))] for row in result]
    if format == "csv":
        writer = csv.writer(sys.stdout)
        writer.writerow(names)
        writer.writerows([[_plain(t) for t in row] for row in rows])
    elif format == "json":
        json.dump(
            [
                {n: _plain(t) for n, t in zip(names, row, strict=True) if t is not None}
                for row in rows
            ],
            sys.stdout,
            ensure_ascii=False,
            indent=2,
        )
        sys.stdout.write("\n")
    else:
        table = Table(*names, show_lines=False)
        for row in rows:
            table.add_row(*(_plain(t) for t in row))
        out.print(table)
        err.print(f"{len(rows)} rows")


_DUMP_FORMATS = {".nq": RdfFormat.N_QUADS, ".nquads": RdfFormat.N_QUADS, ".trig": RdfFormat.TRIG}


def _dataset_format(path: Path | None, name: str | None) -> RdfFormat:
    if name:
        key = {"nquads": ".nq", "n-quads": ".nq", "trig": ".trig"}.get(name.lower())
        if key is None:
            err.print(f"unknown format {name!r}; use nquads or trig")
            raise typer.Exit(2)
        return _DUMP_FORMATS[key]
    if path is None:
        return RdfFormat.N_QUADS
    suffix = path.suffix if path.suffix != ".gz" else Path(path.stem).suffix
    if suffix not in _DUMP_FORMATS:
        err.print(f"cannot tell the format of {path}; use .nq or .trig, or --format")
        raise typer.Exit(2)
    return _DUMP_FORMATS[suffix]


@app.command()
def dump(
    output: Annotated[
        Path | None, typer.Argument(help="File to write (default: standard output).")
    ] = None,
    format: Annotated[str | None, typer.Option("--format", help="nquads or trig.")] = None,
    data_dir: DataDir = None,
) -> None:
    """Write the whole dataset (every graph) as N-Quads or TriG."""
    rdf_format = _dataset_format(output, format)
    try:
        with _open(settings_from(data_dir)) as store:
            if output is None:
                serialize(store.quads(), sys.stdout.buffer, rdf_format)
            else:
                with output.open("wb") as handle:
                    serialize(store.quads(), handle, rdf_format)
    except UIKGError as error:
        fail(error)


@app.command()
def load(
    files: Annotated[list[Path], typer.Argument(help="N-Quads or TriG files.")],
    format: Annotated[str | None, typer.Option("--format", help="nquads or trig.")] = None,
    bulk: Annotated[bool, typer.Option(help="Fast non-transactional load (empty store).")] = False,
    data_dir: DataDir = None,
) -> None:
    """Add the quads of dataset files to the store."""
    try:
        with _open(settings_from(data_dir)) as store, _progress() as progress:
            for path in files:
                task = progress.add_task(f"loading {path}", total=None)
                with path.open("rb") as handle:
                    count = store.load(handle, _dataset_format(path, format), bulk=bulk)
                progress.update(task, description=f"loaded {path}")
                out.print(f"{path}: {count} quads")
    except UIKGError as error:
        fail(error)
    except FileNotFoundError as error:
        err.print(f"error: {error}")
        raise typer.Exit(2) from None


@app.command()
def stats(data_dir: DataDir = None) -> None:
    """Counts: quads, graphs, and things per class."""
    try:
        with _open(settings_from(data_dir)) as store:
            graphs = store.named_graphs()
            out.print(f"{store.count()} quads in {len(graphs)} named graphs")
            table = Table("class", "instances")
            rows = store.query(
                "SELECT ?class (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?class } "
                "GROUP BY ?class ORDER BY DESC(?n) ?class"
            )
            for row in rows:
                table.add_row(row["class"].value, row["n"].value)
            out.print(table)
    except UIKGError as error:
        fail(error)


@app.command()
def coverage(
    sources: Annotated[
        Path | None,
        typer.Option("--sources", help="The folder of source texts (default: $UIKG_SOURCES_DIR)."),
    ] = None,
    format: Annotated[str, typer.Option("--format", help="table, markdown or json.")] = "table",
    data_dir: DataDir = None,
) -> None:
    """Each source's paragraphs and footnotes with the units quoting them, and what nothing cites."""
    from uikg.graph.coverage import coverage as measure

    settings = settings_from(data_dir, sources_dir=sources)
    if settings.sources_dir is None or not Path(settings.sources_dir).is_dir():
        err.print("give the source texts: --sources DIR or UIKG_SOURCES_DIR")
        raise typer.Exit(2)
    if format not in ("table", "markdown", "json"):
        err.print(f"unknown format {format!r}; use table, markdown or json")
        raise typer.Exit(2)
    try:
        with _open(settings) as store:
            report = measure(store.query, Path(settings.sources_dir))
    except UIKGError as error:
        fail(error)
    if format == "json":
        json.dump(
            [_coverage_json(item) for item in report], sys.stdout, ensure_ascii=False, indent=2
        )
        sys.stdout.write("\n")
        return
    for item in report:
        if format == "markdown":
            _coverage_markdown(item)
            continue
        table = Table(
            "passage", "lines", "units quoting it", "statements", "begins", title=item.work
        )
        for passage in item.passages:
            table.add_row(
                passage.id,
                passage.span,
                ", ".join(passage.units) or "[yellow]not cited[/]",
                str(passage.statements),
                passage.text[:48],
            )
        out.print(table)
        out.print(_coverage_summary(item), highlight=False)


def _coverage_summary(item: Any) -> str:
    paragraphs = [p for p in item.passages if p.kind == "paragraph"]
    notes = [p for p in item.passages if p.kind == "footnote"]
    uncited = item.uncited
    share = sum(p.quoted for p in paragraphs) / len(paragraphs) if paragraphs else 0.0
    return (
        f"{item.text_file}: {item.units} evidence units, {item.quoted} quoted, {item.found} found "
        f"in the text, {item.readings} curators' readings read from it; "
        f"{len(paragraphs)} paragraphs ({sum(1 for p in paragraphs if p.units)} cited) and "
        f"{len(notes)} footnotes ({sum(1 for p in notes if p.units)} cited); "
        f"{share:.0%} of the paragraphs' text quoted on average; "
        f"not cited: {', '.join(p.id for p in uncited) or 'none'}"
    )


def _coverage_markdown(item: Any) -> None:
    print(f"### {item.work}\n")
    print("| passage | lines | units quoting it | statements | quoted |")
    print("| --- | --- | --- | ---: | ---: |")
    for passage in item.passages:
        print(
            f"| {passage.id} | {passage.span} | {', '.join(passage.units) or '**not cited**'} "
            f"| {passage.statements} | {passage.quoted:.0%} |"
        )
    print(f"\n{_coverage_summary(item)}\n")


def _coverage_json(item: Any) -> dict[str, Any]:
    return {
        "work": item.work,
        "textFile": item.text_file,
        "units": item.units,
        "quoted": item.quoted,
        "found": item.found,
        "readings": item.readings,
        "passages": [
            {
                "id": p.id,
                "kind": p.kind,
                "lines": p.span,
                "units": p.units,
                "statements": p.statements,
                "quoted": round(p.quoted, 3),
                "begins": p.text[:80],
            }
            for p in item.passages
        ],
        "uncited": [p.id for p in item.uncited],
    }


@app.command("backup")
def backup_command(
    target: Annotated[Path, typer.Argument(help="A new (or empty) folder for the backup.")],
    data_dir: DataDir = None,
) -> None:
    """Copy the store and the contribution queue into TARGET (online: a server may be running)."""
    from uikg.graph.backup import backup

    try:
        report = backup(settings_from(data_dir), target)
    except UIKGError as error:
        fail(error)
    counts = ", ".join(f"{part}: {n} quads" for part, n in report.quads.items())
    out.print(f"backed up to {report.path} ({counts})", highlight=False)


@app.command("restore")
def restore_command(
    source: Annotated[Path, typer.Argument(help="A folder written by uikg backup.")],
    data_dir: DataDir = None,
) -> None:
    """Restore a backup into an empty data dir (then uikg serve on it)."""
    from uikg.graph.backup import restore

    settings = settings_from(data_dir)
    try:
        report = restore(source, settings)
    except UIKGError as error:
        fail(error)
    counts = ", ".join(f"{part}: {n} quads" for part, n in report.quads.items())
    out.print(
        f"restored the backup of {report.created} into {settings.data_dir} ({counts})",
        highlight=False,
    )


@app.command()
def version() -> None:
    """Print the version."""
    out.print(__version__)


app.command("validate")(validate)


def main() -> None:
    try:
        app()
    except UIKGError as error:  # anything a command did not map itself
        err.print(f"error: {error.detail}")
        sys.exit(error.exit_code)
