"""A small SPARQL tokenizer: enough to inspect a request before the engine parses it.

The engine (pyoxigraph) crashes on pathological nesting, federates every ``SERVICE`` without
asking, and gives Python no query algebra. So the guards look at tokens: strings, IRIs and
comments are skipped as units, and what is left are keywords, names, variables and punctuation.

>>> [t.text for t in tokenize('SELECT * WHERE { ?s <http://x> "a{" } # {')]
['SELECT', '*', 'WHERE', '{', '?s', '<http://x>', '"a{"', '}']
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from enum import Enum
from typing import NamedTuple


class Kind(Enum):
    KEYWORD = "keyword"  # a bare word: SELECT, WHERE, a, true, function names
    PNAME = "pname"  # prefixed name or blank node label
    VAR = "var"
    IRI = "iri"
    STRING = "string"
    NUMBER = "number"
    LANGTAG = "langtag"
    PUNCT = "punct"


class Token(NamedTuple):
    kind: Kind
    text: str
    start: int  # offset in the source text
    depth: int  # nesting of { ( [ before this token

    @property
    def upper(self) -> str:
        return self.text.upper()


_PN_LOCAL = r"(?:[\w\-.:%]|\\.)*"
# Strings, IRIs and comments: what the guard's fast path blanks out, too (``graph.sparql.guard``).
STRING = (
    r"(?s:'''(?:[^'\\]|\\.|'(?!''))*'''"
    r'|"""(?:[^"\\]|\\.|"(?!""))*"""'
    r"|'(?:[^'\\\n\r]|\\.)*'"
    r'|"(?:[^"\\\n\r]|\\.)*")'
)
IRI = r'<[^<>"{}|^`\\\x00-\x20]*>'
COMMENT = r"#[^\n\r]*"
# One pattern, alternatives in the order they are tried at a token's first character; every
# alternative starts differently enough that the first to match is the right kind.
_TOKEN = re.compile(
    rf"(?P<space>(?:\s+|{COMMENT})+)"
    rf"|(?P<string>{STRING})"
    rf"|(?P<iri>{IRI})"
    r"|(?P<var>[?$]\w+)"
    r"|(?P<bnode>_:[\w\-.]+)"
    r"|(?P<number>[+-]?(?:\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?))"
    r"|(?P<langtag>@[A-Za-z]+(?:-[A-Za-z0-9]+)*)"
    r"|(?P<word>[^\W\d](?:[\w\-.]*[\w\-])?(?::" + _PN_LOCAL + ")?|:" + _PN_LOCAL + ")"
    r"|(?P<punct>\|\||&&|\^\^|!=|<=|>=|[{}()\[\];,.*=<>!+\-/|^?])"
)
_KINDS = {
    "string": Kind.STRING,
    "iri": Kind.IRI,
    "var": Kind.VAR,
    "bnode": Kind.PNAME,
    "number": Kind.NUMBER,
    "langtag": Kind.LANGTAG,
    "word": Kind.KEYWORD,
    "punct": Kind.PUNCT,
}
_OPEN = "{(["
_CLOSE = "})]"


class LexError(ValueError):
    def __init__(self, message: str, position: int) -> None:
        super().__init__(message)
        self.position = position


def tokenize(text: str) -> Iterator[Token]:
    """Yield the tokens of ``text``; raise ``LexError`` on an unterminated string or stray byte."""
    pos, depth, end = 0, 0, len(text)
    match = _TOKEN.match
    while pos < end:
        found = match(text, pos)
        if found is None:
            char = text[pos]
            if char in "'\"":
                raise LexError("unterminated string", pos)
            raise LexError(f"unexpected character {char!r}", pos)
        group = found.lastgroup
        if group == "space":
            pos = found.end()
            continue
        value = found.group()
        if group == "punct":
            if value in _CLOSE:
                depth = max(depth - 1, 0)
            yield Token(Kind.PUNCT, value, pos, depth)
            if value in _OPEN:
                depth += 1
        elif group == "word" and ":" in value:
            yield Token(Kind.PNAME, value, pos, depth)
        else:
            yield Token(_KINDS[group], value, pos, depth)  # type: ignore[index]
        pos = found.end()


def line_column(text: str, position: int) -> tuple[int, int]:
    """1-based line and column of an offset, as the engine reports them."""
    line = text.count("\n", 0, position) + 1
    return line, position - (text.rfind("\n", 0, position) + 1) + 1
