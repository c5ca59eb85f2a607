"""The per-client rate limit in front of the public dry runs and the uploads (429 + Retry-After).

Only POSTs to the configured paths count (``UIKG_RATE_LIMITED_PATHS``: ``/validate`` and the
spreadsheet uploads by default); the client is the connection's address, which uvicorn sets
from ``X-Forwarded-For`` only for the proxies it is told to trust (``--forwarded-allow-ips``).
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.types import ASGIApp, Receive, Scope, Send

from uikg.api.errors import error_response
from uikg.graph.errors import RateLimited
from uikg.graph.ratelimit import RateLimiter


class RateLimit:
    def __init__(self, app: ASGIApp, limiter: RateLimiter, paths: list[str]) -> None:
        self.app = app
        self.limiter = limiter
        self.paths = tuple(p.rstrip("/") for p in paths)

    def _limited(self, path: str) -> bool:
        return any(path == p or path.startswith(p + "/") for p in self.paths)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] == "http"
            and scope["method"] == "POST"
            and self.limiter.enabled
            and self._limited(scope["path"])
        ):
            client = scope.get("client")
            wait = self.limiter.hit(client[0] if client else "unknown")
            if wait is not None:
                error = RateLimited(
                    f"too many requests from {client[0] if client else 'this client'}: the limit "
                    f"is {self.limiter.describe()} (UIKG_RATE_LIMIT); try again in {wait} s",
                    retry_after=wait,
                )
                await error_response(Request(scope), error)(scope, receive, send)
                return
        await self.app(scope, receive, send)
