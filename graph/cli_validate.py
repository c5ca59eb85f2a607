"""``uikg validate FILE...``: check records the way ``POST /validate`` does, on the command line.

Each file is read by its extension (``.ttl``, ``.jsonld``/``.json``, ``.rdf``/``.owl``/``.xml``,
``.nt``) with the same limits as the API, and validated against ``shapes/`` with what it
references in the published graph of ``--data-dir``. The store is opened read-only, so a running
server is no obstacle; with no store yet, the curated sources are loaded in memory instead.

Exit codes: 0 every file conforms, 1 at least one does not, 2 an error (unreadable file,
syntax error, unknown extension, refused content).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from uikg.graph.errors import UIKGError
from uikg.graph.settings import Settings
from uikg.graph.store.base import Store

_FORMATS = ("text", "json", "turtle")
err = Console(stderr=True, soft_wrap=True)


def _store(settings: Settings) -> tuple[Store, str | None]:
    from uikg.graph.settings import Backend
    from uikg.graph.store import open_store
    from uikg.graph.store.embedded import EmbeddedStore

    if settings.backend is Backend.remote:
        return open_store(settings), None
    if settings.store_path.exists():
        return EmbeddedStore(settings.store_path, read_only=True), None
    from uikg.graph.build import build

    store = EmbeddedStore(None)
    build(store, settings, checks=False)
    return store, f"no store at {settings.store_path}; checked against the curated sources"


def validate(
    files: Annotated[
        list[Path], typer.Argument(help="Record files (Turtle, JSON-LD, RDF/XML, N-Triples).")
    ],
    format: Annotated[str, typer.Option("--format", help="text, json or turtle.")] = "text",
    data_dir: Annotated[
        Path | None,
        typer.Option(
            "--data-dir", help="Where the store lives (default: $UIKG_DATA_DIR or ./var)."
        ),
    ] = None,
) -> None:
    """Validate records against the shapes and the published graph (0 conforms, 1 not, 2 error)."""
    from uikg.graph.contributions import Rules, check_record, format_for_path, read_record

    if format not in _FORMATS:
        err.print(f"unknown format {format!r}; use one of {', '.join(_FORMATS)}")
        raise typer.Exit(2)
    settings = Settings(data_dir=data_dir) if data_dir is not None else Settings()
    worst = 0
    try:
        store, note = _store(settings)
    except UIKGError as error:
        err.print(f"error: {error.detail}", highlight=False)
        raise typer.Exit(2) from None
    if note:
        err.print(f"note: {note}", highlight=False)
    rules = Rules.load()
    outputs = []
    try:
        for path in files:
            try:
                record = read_record(
                    path.read_bytes(),
                    format_for_path(path),
                    base_iri=settings.base_iri,
                    record_id="validate",
                    max_bytes=settings.record_max_bytes,
                    max_triples=settings.record_max_triples,
                    max_nesting=settings.record_max_nesting,
                )
                checked = check_record(
                    store,
                    record,
                    rules,
                    base_iri=settings.base_iri,
                    closure_limit=settings.record_closure_max_triples,
                )
            except OSError as error:
                err.print(f"{path}: error: {error.strerror or error}", highlight=False)
                worst = 2
                continue
            except UIKGError as error:
                err.print(f"{path}: error: {error.detail}", highlight=False)
                worst = 2
                continue
            report = checked.report
            if not report.conforms:
                worst = max(worst, 1)
            if format == "json":
                outputs.append(
                    {"file": str(path), "conforms": report.conforms, "results": report.to_json()}
                )
            elif format == "turtle":
                sys.stdout.write(f"# {path}\n")
                sys.stdout.write(report.graph.serialize(format="turtle"))
            else:
                sys.stdout.write(f"{path}: {report.to_text()}\n")
    finally:
        store.close()
    if format == "json":
        json.dump(outputs, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    raise typer.Exit(worst)
