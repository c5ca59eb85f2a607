"""One content-negotiation function for every route (RFC 9110 §12.5.1).

Media ranges carry q-values; the most specific range that matches a type decides its q; among
equal q the server's order of preference wins; q=0 excludes.

>>> choose("text/turtle;q=0.5, application/*", ["text/turtle", "application/n-triples"])
'application/n-triples'
>>> choose(None, ["text/turtle", "application/n-triples"])
'text/turtle'
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from uikg.graph.errors import BadRequest, NotAcceptable
from uikg.graph.sparql import formats


@dataclass(frozen=True)
class MediaRange:
    type: str
    subtype: str
    q: float

    @property
    def specificity(self) -> int:
        return (self.type != "*") + (self.subtype != "*")

    def matches(self, media_type: str) -> bool:
        kind, _, sub = media_type.partition("/")
        return self.type in ("*", kind) and self.subtype in ("*", sub)


_TOKEN = re.compile(r"[!#$%&'*+.^_`|~0-9a-z-]+")
_QVALUE = re.compile(r"0(?:\.[0-9]{0,3})?|1(?:\.0{0,3})?")  # RFC 9110 §12.4.2


def parse_accept(header: str) -> list[MediaRange]:
    """The media ranges of an Accept header; a malformed range is left out, not guessed at.

    A bad q-value (``q=high``, ``q=2``, ``q=nan``) drops its range rather than counting as
    q=0, which would turn a client's typo into a silent refusal of the very type it named.

    >>> [r.subtype for r in parse_accept("text/turtle;q=x, */turtle, application/n-triples")]
    ['n-triples']
    """
    ranges = []
    for part in header.split(","):
        fields = [f.strip() for f in part.split(";")]
        kind, _, sub = fields[0].lower().partition("/")
        if not (_TOKEN.fullmatch(kind) and _TOKEN.fullmatch(sub)) or (kind == "*" != sub):
            continue
        q: float | None = 1.0
        for param in fields[1:]:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                q = float(value) if _QVALUE.fullmatch(value.strip()) else None
        if q is not None:
            ranges.append(MediaRange(kind, sub, q))
    return ranges


def quality(ranges: Sequence[MediaRange], media_type: str) -> float:
    best: MediaRange | None = None
    for media_range in ranges:
        if media_range.matches(media_type) and (
            best is None or media_range.specificity > best.specificity
        ):
            best = media_range
    return best.q if best else 0.0


def choose(accept: str | None, available: Sequence[str]) -> str:
    """The best of ``available`` for an Accept header; raise ``NotAcceptable`` if none fits."""
    if not accept or not accept.strip():
        return available[0]
    ranges = parse_accept(accept)
    if not ranges:
        return available[0]
    scored = [
        (quality(ranges, media_type), -index, media_type)
        for index, media_type in enumerate(available)
    ]
    q, _, media_type = max(scored)
    if q <= 0:
        raise NotAcceptable(
            f"none of the requested types ({accept}) is available here; "
            f"available: {', '.join(available)}",
            available=list(available),
        )
    return media_type


def requested(accept: str | None, format: str | None) -> str | None:
    """The Accept header, unless a ``format`` parameter (``csv``, ``ttl``, a media type) names
    one type, as links in pages and many SPARQL endpoints do."""
    if format is None:
        return accept
    media_type = formats.ALIASES.get(format.lower(), format)
    if "/" not in media_type:
        raise BadRequest(
            f"format: {format!r} is not a format; use one of {', '.join(formats.ALIASES)} "
            "or a media type"
        )
    return media_type


def choose_result(accept: str | None, form: str, format: str | None = None) -> str:
    """The result format of a ``form`` query (SELECT, ASK, CONSTRUCT, DESCRIBE) for a request.

    >>> choose_result("application/json", "SELECT")
    'application/sparql-results+json'
    >>> choose_result("text/plain", "CONSTRUCT")
    'application/n-triples'
    """
    try:
        chosen = choose(requested(accept, format), formats.offered(form))
    except NotAcceptable:
        available = formats.for_form(form)
        raise NotAcceptable(
            f"none of the requested types ({accept if format is None else format}) is "
            f"available for a {form} query's result; available: {', '.join(available)}",
            available=available,
        ) from None
    return formats.served(form, chosen)
