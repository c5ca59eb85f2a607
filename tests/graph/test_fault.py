"""A build or a bulk load killed (SIGKILL) part-way leaves a store that opens cleanly, and
running the command again gives the full dataset exactly once (no duplicate quads).

The kill lands at a seeded random point (``UIKG_FAULT_SEED`` to vary it), reported on failure.
"""

from __future__ import annotations

import os
import random
import subprocess
import sys
import time
from pathlib import Path

import pytest
from pyoxigraph import RdfFormat, serialize

from uikg.graph.store.embedded import EmbeddedStore

pytestmark = pytest.mark.slow
SEED = int(os.environ.get("UIKG_FAULT_SEED", "7"))


def uikg(*args: str | Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "uikg.api", *map(str, args)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def finish(*args: str | Path) -> None:
    process = uikg(*args)
    _, err = process.communicate(timeout=300)
    assert process.returncode == 0, err.decode()


def kill_after(process: subprocess.Popen[bytes], delay: float) -> bool:
    """SIGKILL after ``delay`` seconds; False if the command had already finished."""
    deadline = time.monotonic() + delay
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return False
        time.sleep(0.01)
    process.kill()
    process.wait()
    return True


def dataset(store_path: Path) -> tuple[int, frozenset[str], int]:
    """Quad count, the ground quads, and how many quads hold blank nodes (whose labels a
    rebuild mints afresh)."""
    with EmbeddedStore(store_path) as store:  # opens cleanly, read-write, after the kill
        quads = [str(q) for q in store.quads()]
        count = store.count()
    ground = frozenset(
        q
        for q in quads  # the build's own timestamps differ from one build to the next
        if "_:" not in q and not ("AtTime>" in q and q.endswith("graph/build>"))
    )
    return count, ground, len(quads) - len(ground)


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data_dir = tmp_path_factory.mktemp("reference")
    finish("build", "--skip-checks", "--data-dir", data_dir)
    return data_dir


def test_kill_during_build(reference: Path, tmp_path: Path) -> None:
    rng = random.Random(SEED)
    expected = dataset(reference / "store")
    for attempt in range(3):
        delay = rng.uniform(0.6, 2.5)
        data_dir = tmp_path / f"build-{attempt}"
        killed = kill_after(uikg("build", "--skip-checks", "--data-dir", data_dir), delay)
        if (data_dir / "store").exists():
            dataset(data_dir / "store")  # the interrupted store opens and reads
        finish("build", "--skip-checks", "--data-dir", data_dir)
        assert dataset(data_dir / "store") == expected, (
            f"seed {SEED}, kill after {delay:.2f}s ({killed=})"
        )


def test_kill_during_bulk_load(reference: Path, tmp_path: Path) -> None:
    rng = random.Random(SEED)
    count, _, _ = dataset(reference / "store")
    with EmbeddedStore(reference / "store", read_only=True) as store:
        original = serialize(store.quads(), None, RdfFormat.N_QUADS) or b""
    extra = b"".join(
        f'<https://x.example/s{i}> <https://x.example/p> "{i}" <https://x.example/g{i % 7}> .\n'.encode()
        for i in range(300_000)
    )
    source = tmp_path / "dump.nq"
    source.write_bytes(original + extra + original)  # duplicates in the file count once
    delay = rng.uniform(1.0, 3.0)
    data_dir = tmp_path / "load"
    killed = kill_after(uikg("load", "--bulk", source, "--data-dir", data_dir), delay)
    if (data_dir / "store").exists():
        dataset(data_dir / "store")
    finish("load", source, "--data-dir", data_dir)
    loaded, _, _ = dataset(data_dir / "store")
    assert loaded == count + 300_000, f"seed {SEED}, kill after {delay:.2f}s ({killed=})"
