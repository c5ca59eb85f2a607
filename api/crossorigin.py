"""Cross-origin reads for web applications elsewhere (CORS): public reads say
``Access-Control-Allow-Origin: *``; writes never do.

A page on another origin (a city's site, YASGUI or Comunica hosted elsewhere, a notebook) may
query ``/sparql``, fetch descriptions, the REST API, reconciliation and dumps. It may not write:
preflights for ``/sparql/update``, Graph Store writes and contributions are refused, and no
answer ever allows credentials, so a browser never sends a token cross-origin on its own.
"""

from __future__ import annotations

import json

from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

# Where a cross-origin POST is a read: the SPARQL query protocol and reconciliation.
READ_POSTS = ("/sparql", "/reconcile")
PRIVATE = ("/contributions", "/validate", "/sparql/update", "/curate")
ALLOWED_HEADERS = (
    "accept",
    "accept-language",
    "content-type",
    "if-none-match",
    "if-modified-since",
    "cache-control",
)
EXPOSED = "ETag, Link, Content-Location, Location, Vary, UIKG-Result-Limit, UIKG-Result-Truncated"


def _private(path: str) -> bool:
    return any(path == p or path.startswith(p + "/") for p in PRIVATE)


def is_public_read(method: str, path: str) -> bool:
    """Whether a cross-origin request with this method may read this path."""
    if _private(path):
        return False
    if method in ("GET", "HEAD"):
        return True
    return method == "POST" and path in READ_POSTS


class CrossOrigin:
    """CORS for public reads (the outermost middleware, so 304s and errors carry it too).

    Public reads say ``*`` whether or not the request has an ``Origin``: the answer is the same
    for everyone, so a shared cache may give a same-origin copy to a page elsewhere (no
    ``Vary: Origin`` needed).
    """

    def __init__(self, app: ASGIApp, max_age: int = 600) -> None:
        self.app = app
        self.max_age = str(max_age)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        method, path = scope["method"], scope["path"]
        requested = headers.get("access-control-request-method")
        if method == "OPTIONS" and requested is not None and "origin" in headers:
            await self._preflight(send, requested.upper(), path, headers)
            return
        if not is_public_read(method, path) or "authorization" in headers:
            await self.app(scope, receive, send)
            return

        async def allowed(message: Message) -> None:
            if message["type"] == "http.response.start":
                out = MutableHeaders(scope=message)
                out["Access-Control-Allow-Origin"] = "*"
                out["Access-Control-Expose-Headers"] = EXPOSED
            await send(message)

        await self.app(scope, receive, allowed)

    async def _preflight(self, send: Send, method: str, path: str, headers: Headers) -> None:
        asked = [
            h.strip().lower()
            for h in headers.get("access-control-request-headers", "").split(",")
            if h.strip()
        ]
        refused = [h for h in asked if h not in ALLOWED_HEADERS]
        if not is_public_read(method, path) or refused:
            why = (
                f"the header(s) {', '.join(refused)} are not allowed cross-origin"
                if refused and is_public_read(method, path)
                else f"{method} {path} is not a public read; writes are not allowed cross-origin"
            )
            body = json.dumps(
                {"type": "about:blank", "title": "Forbidden", "status": 403, "detail": why}
            ).encode()
            await send(
                {
                    "type": "http.response.start",
                    "status": 403,
                    "headers": [
                        (b"content-type", b"application/problem+json"),
                        (b"content-length", str(len(body)).encode()),
                    ],
                }
            )
            await send({"type": "http.response.body", "body": body})
            return
        methods = "GET, HEAD, POST" if path in READ_POSTS else "GET, HEAD"
        await send(
            {
                "type": "http.response.start",
                "status": 204,
                "headers": [
                    (b"access-control-allow-origin", b"*"),
                    (b"access-control-allow-methods", methods.encode()),
                    (b"access-control-allow-headers", ", ".join(ALLOWED_HEADERS).encode()),
                    (b"access-control-max-age", self.max_age.encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": b""})
