"""A per-client rate limit, so that one client cannot take the CPU from everyone.

Built on the ``limits`` package (moving windows kept in memory, one process): a limit such as
``"30/minute;300/hour"`` allows a client that many requests in any window of that length.
With several API processes each keeps its own count; put a shared limit in the reverse proxy.

>>> limiter = RateLimiter("2/minute")
>>> limiter.hit("a"), limiter.hit("a"), limiter.hit("a") is not None, limiter.hit("b")
(None, None, True, None)
"""

from __future__ import annotations

import math
import time

from limits import parse_many
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter


class RateLimiter:
    def __init__(self, spec: str) -> None:
        self.items = parse_many(spec) if spec.strip() else []
        self._limiter = MovingWindowRateLimiter(MemoryStorage())

    @property
    def enabled(self) -> bool:
        return bool(self.items)

    def hit(self, client: str) -> int | None:
        """Count one request of ``client``; None if allowed, else the seconds to wait."""
        for item in self.items:
            if not self._limiter.hit(item, client):
                reset, _ = self._limiter.get_window_stats(item, client)
                return max(1, math.ceil(reset - time.time()))
        return None

    def describe(self) -> str:
        return "; ".join(str(item) for item in self.items)
