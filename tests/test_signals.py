"""A test run ended by SIGTERM stops what its session fixtures started (tests.support.signals)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from bench.memory import started

REPO = Path(__file__).resolve().parents[1]

CONFTEST = """
import subprocess
import pytest
from tests.support.signals import stop_on_sigterm

def pytest_configure(config):
    stop_on_sigterm()

@pytest.fixture(scope="session")
def server(tmp_path_factory):
    process = subprocess.Popen(["sleep", "600"])
    with open("server.pid", "w") as out:
        out.write(str(process.pid))
    yield process
    process.kill()
    process.wait()
"""

TEST = """
import time

def test_long(server):
    time.sleep(60)
"""


def test_a_run_ended_by_sigterm_tears_its_fixtures_down(tmp_path: Path) -> None:
    (tmp_path / "conftest.py").write_text(CONFTEST)
    (tmp_path / "test_long.py").write_text(TEST)
    run = subprocess.Popen(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:randomly", "-p", "no:cacheprovider"],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    pid_file = tmp_path / "server.pid"
    try:
        deadline = time.monotonic() + 60
        while not pid_file.exists() or not pid_file.read_text():
            assert run.poll() is None and time.monotonic() < deadline, run.stdout
            time.sleep(0.1)
        server = int(pid_file.read_text())
        assert started(server) is not None
        time.sleep(0.5)  # inside the test, past the fixture's setup
        run.send_signal(signal.SIGTERM)
        output, _ = run.communicate(timeout=30)
    finally:
        run.kill()
    assert run.returncode == 2, output  # pytest's "interrupted"
    assert b"ended by signal 15" in output
    assert started(server) is None  # the fixture's finalizer killed it
