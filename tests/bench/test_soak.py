"""Every process a soak starts ends with it: the server it restarted last, and the query
processes of every server it started (those of a SIGKILLed one included)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bench.memory import started as started_at
from bench.memory import still_running, tree
from bench.soak import Soak
from tests.conftest import copy_data_dir
from tests.support.servers import oxigraph_binary

REPO = Path(__file__).resolve().parents[2]


def _port_open(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(1)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def _memory_is_told_per_kind(figures: dict[str, object], kinds: set[str]) -> None:
    """Each quarter's peak is split by kind of process, so growth can be put down to one."""
    by_kind = figures["pss_mb_max_by_quarter_by_kind"]
    assert isinstance(by_kind, dict) and kinds <= set(by_kind), by_kind
    totals = figures["pss_mb_max_by_quarter"]
    assert isinstance(totals, list)
    for quarter, total in enumerate(totals):
        # the kinds' peaks, taken at their own moments, add up to at least the tree's peak
        assert sum(peaks[quarter] for peaks in by_kind.values()) >= total - 0.5, by_kind
    rss = figures["rss_mb_max_by_quarter"]
    assert isinstance(rss, list) and all(r >= p for r, p in zip(rss, totals, strict=True))
    flat = figures["memory_flat_by_kind"]
    assert isinstance(flat, dict) and set(flat) == set(by_kind)


@pytest.mark.slow
def test_a_soak_with_a_kill_leaves_no_process_behind(built_dir: Path, tmp_path: Path) -> None:
    data_dir = copy_data_dir(built_dir, tmp_path / "data")
    before = set(tree(os.getpid(), include_root=False))  # the session's own servers
    soak = Soak(data_dir, tmp_path, seconds=20, kills=1, readers=2)
    figures = soak.run()

    started = {p for p in soak.memory.seen if p[0] not in before}
    # A service, its engine and a disk worker at least, and the same again after the kill.
    assert len(started) >= 6, started
    assert [p for p in started if still_running(p)] == []
    assert not _port_open(soak.port)
    assert figures["consistency_problems"] == []
    assert figures["reads"] and figures["read_errors"] == 0, figures["error_samples"]
    # one page per accepted contribution at least, each as small as the record, not the history
    assert figures["feed_pages"] > figures["accepted"]
    assert figures["feed_page_kb_max_after_build"] < 32, figures
    _memory_is_told_per_kind(figures, {"service", "engine"})


@pytest.mark.slow
@pytest.mark.remote
def test_a_remote_soak_kills_one_api_process_while_the_other_serves(
    built_dir: Path, tmp_path: Path
) -> None:
    """Two API processes over Oxigraph servers: a kill takes one, reads and decisions go on at
    the other, nothing accepted is lost or published twice, and nothing is left running."""
    if oxigraph_binary() is None:
        pytest.skip("the oxigraph server is not installed (pip install oxigraph)")
    data_dir = copy_data_dir(built_dir, tmp_path / "data")
    before = set(tree(os.getpid(), include_root=False))
    soak = Soak(data_dir, tmp_path, seconds=25, kills=1, readers=2, remote=True)
    figures = soak.run()

    started = {p for p in soak.memory.seen if p[0] not in before}
    # Two Oxigraph servers, two API processes, and the killed one's replacement at least.
    assert len(started) >= 5, started
    assert [p for p in started if still_running(p)] == []
    assert not any(_port_open(port) for port in soak.ports)
    assert figures["api_processes"] == 2
    assert figures["consistency_problems"] == []
    assert figures["read_errors"] == 0, figures["error_samples"]
    assert figures["reads"] and figures["accepted"]
    _memory_is_told_per_kind(figures, {"service", "oxigraph published", "oxigraph queue"})


@pytest.mark.slow
def test_a_soak_ended_by_sigterm_stops_what_it_started(built_dir: Path, tmp_path: Path) -> None:
    """``kill`` of a running ``make soak`` (SIGTERM, not only Ctrl-C) stops its servers: with
    Python's default, the soak died on the spot and left them serving, orphaned."""
    data_dir = copy_data_dir(built_dir, tmp_path / "data")
    soak = subprocess.Popen(
        [sys.executable, "-m", "bench.soak", "--data-dir", str(data_dir), "--seconds", "600"]
        + ["--kills", "0", "--readers", "1", "--out", str(tmp_path / "soak.json")],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 90
        while len(tree(soak.pid, include_root=False)) < 3:  # a service, its engine, a worker
            assert soak.poll() is None and time.monotonic() < deadline, "the soak did not start"
            time.sleep(0.2)
        time.sleep(3)  # under load
        spawned = [(pid, started_at(pid)) for pid in tree(soak.pid, include_root=False)]
        soak.send_signal(signal.SIGTERM)
        output, _ = soak.communicate(timeout=60)
    finally:
        soak.kill()
    assert soak.returncode == 128 + signal.SIGTERM, output.decode()
    assert [p for p in spawned if p[1] is not None and still_running(p)] == []  # type: ignore[arg-type]
