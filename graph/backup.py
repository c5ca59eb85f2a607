"""Online backup and restore of an embedded data dir: the published store and the queue.

A backup is a folder with two stores (``store/`` and ``contributions/``, each a plain
pyoxigraph store) and a manifest (``uikg-backup.json``). It can be taken while a server runs:
a second process may open a store read-only beside the one that holds its lock, and a
read-only open is a point-in-time view, so each copy is one consistent state of its store.

The two stores are copied one after the other, the queue first. That order keeps the pair
consistent without stopping writes: an accept writes the published store first and the queue
second, and the published store is the authority on what was accepted
(:meth:`graph.contributions.Contributions.reconcile` marks a contribution accepted when its
acceptance is published). A queue copied before the published store can therefore only be
*behind* it, which the server repairs when it opens the restored queue; the reverse order
could leave a contribution marked accepted whose records are missing.

>>> # uikg backup /backups/2026-11-23 --data-dir var
>>> # uikg restore /backups/2026-11-23 --data-dir var-restored
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from dataclasses import asdict, dataclass
from pathlib import Path

from pyoxigraph import Store as OxStore

from uikg.graph import __version__
from uikg.graph.errors import BadRequest, Conflict, DataError, StoreError
from uikg.graph.settings import Backend, Settings

MANIFEST = "uikg-backup.json"
PARTS = ("contributions", "store")  # copied in this order (see the module's docstring)


@dataclass
class BackupReport:
    path: str
    created: str
    version: str
    quads: dict[str, int]

    def to_json(self) -> dict[str, object]:
        return asdict(self)


def _empty(path: Path) -> bool:
    return not path.exists() or (path.is_dir() and not any(path.iterdir()))


def _copy(source: Path, target: Path) -> int:
    """A point-in-time copy of the store at ``source`` into ``target``; how many quads it holds.

    A logical copy, not a RocksDB checkpoint: the owning process may not have flushed its
    latest transactions yet, and a checkpoint taken through a read-only open leaves out what
    is still only in the write-ahead log (tested: a fresh queue came back empty), while
    reading through it sees every committed transaction.
    """
    try:
        store = OxStore.read_only(str(source))
    except OSError as error:
        raise StoreError(f"cannot open the store at {source} to back it up: {error}") from error
    try:
        copy = OxStore(str(target))
        copy.bulk_extend(store)
        for graph in store.named_graphs():  # graphs without quads exist too
            copy.add_graph(graph)
        copy.flush()
        count = len(copy)
        del copy
    except OSError as error:
        raise StoreError(f"cannot write the backup to {target}: {error}") from error
    finally:
        del store
    return count


def backup(settings: Settings, target: Path) -> BackupReport:
    """Copy the data dir's stores into ``target`` (a new or empty folder), online."""
    if settings.backend is not Backend.embedded:
        raise BadRequest(
            "uikg backup copies the embedded store; back up a remote server with its own tools "
            "(or uikg dump for the published data)"
        )
    if not _empty(target):
        raise Conflict(f"{target} is not empty; back up into a new folder")
    if not settings.store_path.is_dir():
        raise StoreError(f"there is no store at {settings.store_path}; run uikg build first")
    target.mkdir(parents=True, exist_ok=True)
    quads = {}
    for part in PARTS:
        source = settings.data_dir / part
        if source.is_dir():
            quads[part] = _copy(source, target / part)
    report = BackupReport(
        path=str(target.resolve()),
        created=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        version=__version__,
        quads=quads,
    )
    (target / MANIFEST).write_text(json.dumps(report.to_json(), indent=2) + "\n")
    return report


def restore(source: Path, settings: Settings) -> BackupReport:
    """Copy a backup into the data dir, which must not hold a store or a queue yet."""
    manifest = source / MANIFEST
    try:
        report = BackupReport(**json.loads(manifest.read_text()))
    except FileNotFoundError:
        raise DataError(f"{source} is not a uikg backup (no {MANIFEST})") from None
    except (ValueError, TypeError) as error:
        raise DataError(f"{manifest} is not a readable backup manifest: {error}") from None
    for part in PARTS:
        if not _empty(settings.data_dir / part):
            raise Conflict(
                f"{settings.data_dir / part} is not empty; restore into an empty data dir"
            )
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    for part, expected in report.quads.items():
        if part not in PARTS or not (source / part).is_dir():
            raise DataError(f"the backup in {source} lacks its {part!r} store")
        target = settings.data_dir / part
        shutil.copytree(source / part, target, dirs_exist_ok=True)
        store = OxStore(str(target))
        try:
            found = len(store)
        finally:
            del store
        if found != expected:
            raise DataError(
                f"the restored {part} store holds {found} quads; the backup said {expected}"
            )
    return report
