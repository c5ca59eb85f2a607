"""glibc's arenas: with the limit, threads that allocate at once share one (a process of its
own per case, since the limit applies to arenas made after it)."""

from __future__ import annotations

import platform
import subprocess
import sys

import pytest

SCRIPT = """
import ctypes, sys, threading
from uikg.graph.heap import limit_arenas
limit_arenas(int(sys.argv[1]))
barrier = threading.Barrier(8)
def work():
    barrier.wait()
    kept = [bytearray(200_000) for _ in range(50)]  # malloc'd, all threads at once
    barrier.wait()
threads = [threading.Thread(target=work) for _ in range(8)]
for t in threads: t.start()
for t in threads: t.join()
ctypes.CDLL(None).malloc_stats()  # per arena, on stderr
"""


def _arenas(limit: int) -> int:
    ran = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(limit)], capture_output=True, text=True, check=True
    )
    return ran.stderr.count("Arena ")


@pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="arenas are glibc's")
def test_the_arena_limit_keeps_threads_in_one_arena() -> None:
    assert _arenas(0) > 1  # glibc's default: threads allocating at once get arenas of their own
    assert _arenas(1) == 1
