"""The C heap of a long-running process: how many arenas glibc keeps, and giving freed memory back.

Why: under a stream of contributions the service's memory grew ~0.5 MB/s while what it held
stayed level (bench/README.md, "Memory under a stream of contributions"). glibc gives each
thread that allocates at once an arena of its own (up to 8 per core), and RocksDB's write
buffers, allocated by whichever request thread wrote and freed by its flush thread, left each
arena holding its own high-water mark. One arena keeps one. Neither call exists outside glibc.
"""

from __future__ import annotations

import contextlib
import ctypes

_M_MMAP_THRESHOLD = -3  # mallopt's parameter numbers, from glibc's malloc.h
_M_ARENA_MAX = -8


def limit_arenas(arenas: int) -> None:
    """At most ``arenas`` malloc arenas from now on (0: glibc's default); call it before the
    process starts threads, since an arena a thread already has stays."""
    if arenas > 0:
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None).mallopt(_M_ARENA_MAX, arenas)


def fix_mmap_threshold(kib: int) -> None:
    """Blocks of at least ``kib`` KiB are mapped from the system, and unmapped when freed (0:
    glibc's default). glibc raises its threshold each time such a block is freed (up to 32 MB),
    so later large blocks (RocksDB's, whole results) come from the heap and leave holes there
    that trimming cannot give back; a fixed threshold keeps them mapped. In 300 s soaks the
    service ended 20 MB lower and grew 2.7 MB/min instead of 4.0 (bench/README.md)."""
    if kib > 0:
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None).mallopt(_M_MMAP_THRESHOLD, kib * 1024)


def give_back_memory() -> None:
    """Return the freed heap to the system (after a whole-dataset step, and after writes):
    glibc keeps it otherwise, ~200 MB per million triples for the service's life."""
    with contextlib.suppress(OSError, AttributeError):  # not glibc: nothing to do
        ctypes.CDLL(None).malloc_trim(0)
