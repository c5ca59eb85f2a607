"""Every process a soak starts ends with it: the server it restarted last, and the query
processes of every server it started (those of a SIGKILLed one included)."""

from __future__ import annotations

import os
import socket
from pathlib import Path

import pytest

from bench.memory import still_running, tree
from bench.soak import Soak
from tests.conftest import copy_data_dir


def _port_open(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(1)
        return sock.connect_ex(("127.0.0.1", port)) == 0


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
    assert figures["reads"]
