"""One way to answer with a query's result stream, for every route that runs one."""

from __future__ import annotations

from fastapi import Response
from fastapi.responses import StreamingResponse

from uikg.graph.runner.stream import Stream
from uikg.graph.sparql import formats


def respond(stream: Stream, headers: dict[str, str], row_limit: int) -> Response:
    """A short result whole (with a Content-Length and the truncation header), a long one
    streamed as it arrives from the worker."""
    headers = {"Vary": "Accept", **headers, "UIKG-Result-Limit": str(row_limit)}
    media_type = formats.charset(stream.media_type)
    if stream.complete:
        body = stream.body()
        if stream.truncated:
            headers["UIKG-Result-Truncated"] = "true"
        return Response(body, media_type=media_type, headers=headers)
    return StreamingResponse(stream, media_type=media_type, headers=headers)
