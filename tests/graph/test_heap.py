"""glibc's heap settings, each case in a process of its own: with the arena limit, threads that
allocate at once share one arena; with a fixed mmap threshold, a large block freed does not
send later large blocks into the heap."""

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


MAPPED = """
import ctypes, sys
from uikg.graph.heap import fix_mmap_threshold
fix_mmap_threshold(int(sys.argv[1]))
libc = ctypes.CDLL(None)
class Info(ctypes.Structure):
    _fields_ = [(name, ctypes.c_size_t) for name in (
        "arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks", "fsmblks", "uordblks",
        "fordblks", "keepcost")]
libc.mallinfo2.restype = Info
libc.malloc.restype = ctypes.c_void_p
libc.free.argtypes = [ctypes.c_void_p]
libc.free(libc.malloc(4 << 20))  # glibc's default threshold rises to 4 MB here
kept = libc.malloc(1 << 20)
print(libc.mallinfo2().hblkhd)  # bytes in mapped blocks
"""


def _mapped(kib: int) -> int:
    ran = subprocess.run(
        [sys.executable, "-c", MAPPED, str(kib)], capture_output=True, text=True, check=True
    )
    return int(ran.stdout)


@pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="the threshold is glibc's")
def test_a_fixed_mmap_threshold_keeps_large_blocks_mapped() -> None:
    assert _mapped(128) - _mapped(0) >= 1 << 20  # the 1 MB block: mapped, not in the heap
