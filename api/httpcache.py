"""HTTP caching for every public read: validators from the store's version, and 304s that cost
no query.

A read's answer is a function of the published graph's version and of the request (path, query
string, the negotiation headers, the language switch's cookie), so its strong ``ETag`` is a
hash of those; ``Last-Modified`` is the time of the last write. A request whose ``If-None-Match`` (or, without one,
``If-Modified-Since``) still holds gets ``304 Not Modified`` before any route runs: the version
is known without a query once this process has read it (see ``graph/version.py``).

Private answers are never stored by caches: contributions, anything sent with a token, and
the health check (``Cache-Control: no-store``).
"""

from __future__ import annotations

import email.utils
import hashlib
from collections import OrderedDict

from starlette.datastructures import Headers, MutableHeaders
from starlette.requests import cookie_parser
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from uikg.api.i18n import COOKIE as LANGUAGE_COOKIE
from uikg.graph.errors import UIKGError
from uikg.graph.version import StoreVersion

# Paths whose answers are private or live: never cached, no validators.
PRIVATE = ("/contributions", "/health", "/curate")
# Files served as they are, with their own validators.
UNTOUCHED = ("/static/", "/assets/")


def _private(scope: Scope) -> bool:
    path: str = scope["path"]
    if any(path == p or path.startswith(p + "/") for p in PRIVATE):
        return True
    return any(name == b"authorization" for name, _ in scope["headers"])


def etag_for(version: StoreVersion, scope: Scope) -> str:
    """A strong validator: the version and everything in the request that shapes the answer."""
    headers = Headers(scope=scope)
    key = hashlib.sha256()
    for part in (
        version.token,
        scope.get("root_path", ""),
        scope["path"],
        scope.get("query_string", b"").decode("latin-1"),
        headers.get("host", ""),
        headers.get("accept", "*/*").strip() or "*/*",  # no Accept means any type
        headers.get("accept-language", ""),
        cookie_parser(headers.get("cookie", "")).get(LANGUAGE_COOKIE, ""),  # the language switch
    ):
        key.update(part.encode("utf-8", "surrogateescape") + b"\0")
    return f'"{key.hexdigest()[:40]}"'


def _matches(header: str, etag: str) -> bool:
    """If-None-Match uses the weak comparison (RFC 9110 §13.1.2). ``*`` is left to the route:
    whether a representation exists is not known before it runs."""
    return any(tag.strip().removeprefix("W/") == etag for tag in header.split(","))


def _not_modified_since(header: str, version: StoreVersion) -> bool:
    if version.modified is None:
        return False
    try:
        since = email.utils.parsedate_to_datetime(header)
    except (TypeError, ValueError):
        return False
    if since.tzinfo is None:
        return False
    return version.modified.replace(microsecond=0) <= since


class ConditionalGet:
    """Validators, ``Cache-Control`` and 304s on public GET and HEAD (HEAD arrives as GET).

    It sits just outside the ``/sparql`` lane, so SPARQL GETs get the same treatment as pages.
    """

    def __init__(self, app: ASGIApp, max_age: int) -> None:
        self.app = app
        self.cache_control = f"public, max-age={max_age}" if max_age > 0 else "no-cache"
        # Vary and Content-Location of answers seen, by ETag, to repeat on their 304s.
        self._seen: OrderedDict[str, list[tuple[bytes, bytes]]] = OrderedDict()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] != "http"
            or scope["method"] != "GET"
            or scope["path"].startswith(UNTOUCHED)
        ):
            await self.app(scope, receive, send)
            return
        if _private(scope):
            await self.app(scope, receive, self._no_store(send))
            return
        try:
            version = await scope["app"].state.service.version()
        except UIKGError:
            # No version, no validators: the route answers (and says what is wrong) itself.
            await self.app(scope, receive, send)
            return
        etag = etag_for(version, scope)
        headers = Headers(scope=scope)
        condition = headers.get("if-none-match")
        fresh = (
            _matches(condition, etag)
            if condition is not None
            else "if-modified-since" in headers
            and _not_modified_since(headers["if-modified-since"], version)
        )
        if fresh:
            await self._not_modified(send, etag, version)
            return

        async def validated(message: Message) -> None:
            if message["type"] == "http.response.start":
                out = MutableHeaders(scope=message)
                status = message["status"]
                if status in (200, 303):
                    out["ETag"] = etag
                    if version.modified is not None:
                        out["Last-Modified"] = email.utils.format_datetime(
                            version.modified, usegmt=True
                        )
                    out.setdefault("Cache-Control", self.cache_control)
                    self._remember(etag, out)
                elif status >= 400:
                    out.setdefault("Cache-Control", "no-store")
            await send(message)

        await self.app(scope, receive, validated)

    def _remember(self, etag: str, headers: MutableHeaders) -> None:
        kept = [
            (name.encode(), headers[name].encode())
            for name in ("vary", "content-location")
            if name in headers
        ]
        self._seen[etag] = kept
        self._seen.move_to_end(etag)
        while len(self._seen) > 4096:
            self._seen.popitem(last=False)

    async def _not_modified(self, send: Send, etag: str, version: StoreVersion) -> None:
        headers = [(b"etag", etag.encode()), (b"cache-control", self.cache_control.encode())]
        if version.modified is not None:
            modified = email.utils.format_datetime(version.modified, usegmt=True)
            headers.append((b"last-modified", modified.encode()))
        headers += self._seen.get(etag, [(b"vary", b"Accept")])
        await send({"type": "http.response.start", "status": 304, "headers": headers})
        await send({"type": "http.response.body", "body": b""})

    @staticmethod
    def _no_store(send: Send) -> Send:
        async def private(message: Message) -> None:
            if message["type"] == "http.response.start":
                MutableHeaders(scope=message)["Cache-Control"] = "no-store"
            await send(message)

        return private
