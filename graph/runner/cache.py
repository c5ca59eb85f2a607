"""A bounded cache of whole query results, keyed by the store generation they were read at.

The graph is read-mostly: the same questions (a city's page, a named query, a chart's data)
come back again and again, and a write bumps the generation, so an entry can never be served
after the data it was computed from has changed. Only results that arrived complete before the
first byte (short ones) are kept; long streams are never buffered for the cache.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable
from dataclasses import dataclass


@dataclass(frozen=True)
class CachedResult:
    media_type: str
    body: bytes
    rows: int
    truncated: bool


class ResultCache:
    """LRU by total bytes; ``max_bytes=0`` turns it off."""

    def __init__(self, max_bytes: int, max_entry_bytes: int) -> None:
        self.max_bytes = max_bytes
        self.max_entry_bytes = min(max_entry_bytes, max_bytes)
        self._entries: OrderedDict[Hashable, CachedResult] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    @property
    def size(self) -> int:
        """Bytes of results held."""
        return self._size

    def clear(self) -> None:
        """Forget every entry: after a write, none can be asked for again (their keys name the
        generation before it), and left to the LRU they would hold their bytes until the cache
        is full; under a stream of writes, that was most of the service's growth."""
        with self._lock:
            self._entries.clear()
            self._size = 0

    def get(self, key: Hashable) -> CachedResult | None:
        with self._lock:
            found = self._entries.get(key)
            if found is None:
                self.misses += 1
                return None
            self._entries.move_to_end(key)
            self.hits += 1
            return found

    def put(self, key: Hashable, result: CachedResult) -> None:
        size = len(result.body)
        if size > self.max_entry_bytes:
            return
        with self._lock:
            previous = self._entries.pop(key, None)
            if previous is not None:
                self._size -= len(previous.body)
            self._entries[key] = result
            self._size += size
            while self._size > self.max_bytes and self._entries:
                _, evicted = self._entries.popitem(last=False)
                self._size -= len(evicted.body)
