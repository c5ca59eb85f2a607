"""The benchmark's memory sampler measures a whole process tree, shared pages once."""

from __future__ import annotations

import os
import subprocess
import sys
import time

from bench.memory import MB, MemorySampler, kind, tree

# A child holding 60 MB of its own, and a grandchild forked after it touched them: RSS counts
# those pages twice, PSS once.
PROGRAM = """
import os, sys, time
block = bytearray(60 * 1024 * 1024)
for i in range(0, len(block), 4096):
    block[i] = 1
if os.fork() == 0:
    time.sleep(30)
    os._exit(0)
print("ready", flush=True)
time.sleep(30)
"""


def test_a_tree_is_sampled_whole_with_shared_pages_once() -> None:
    child = subprocess.Popen([sys.executable, "-c", PROGRAM], stdout=subprocess.PIPE)
    try:
        assert child.stdout is not None and child.stdout.readline() == b"ready\n"
        # The child's tree, not this process's: the session's servers are children of it too.
        assert len(tree(child.pid)) == 2
        sampler = MemorySampler(child.pid, include_root=True, interval=0.05).start()
        time.sleep(0.3)
        sampler.phase = "point"
        time.sleep(0.3)
        sampler.stop()
    finally:
        for pid in tree(child.pid):
            os.kill(pid, 9)
        child.wait()
    summary = sampler.summary()
    peak = summary["peak"]
    assert peak["processes"] == 2
    assert 60 <= peak["pss_mb"] < 100  # the block once, plus two small interpreters
    assert peak["rss_mb"] >= 120  # the block in both
    assert set(summary["phases"]) == {"start", "point"}
    assert summary["peak_serving"]["processes"] == 2
    assert all(point[2] <= point[3] for point in summary["curve"])  # PSS ≤ RSS
    assert MB == 1024 * 1024
    # Per kind of process: here both are the interpreter, named by its program.
    last = sampler.samples[-1]
    assert last.by_kind == {os.path.basename(sys.executable): last.pss}


def test_the_service_s_processes_are_told_apart_by_their_command_line() -> None:
    assert kind(os.getpid()) == os.path.basename(sys.executable)  # pytest: no module of ours
    assert kind(2**22 + 1) is None  # beyond pid_max: no such process
