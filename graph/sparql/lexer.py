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
from dataclasses import dataclass
from enum import Enum


class Kind(Enum):
    KEYWORD = "keyword"  # a bare word: SELECT, WHERE, a, true, function names
    PNAME = "pname"  # prefixed name or blank node label
    VAR = "var"
    IRI = "iri"
    STRING = "string"
    NUMBER = "number"
    LANGTAG = "langtag"
    PUNCT = "punct"


@dataclass(frozen=True, slots=True)
class Token:
    kind: Kind
    text: str
    start: int  # offset in the source text
    depth: int  # nesting of { ( [ before this token

    @property
    def upper(self) -> str:
        return self.text.upper()


_IRI = re.compile(r'<[^<>"{}|^`\\\x00-\x20]*>')
_STRING = re.compile(
    r"'''(?:[^'\\]|\\.|'(?!''))*'''"
    r'|"""(?:[^"\\]|\\.|"(?!""))*"""'
    r"|'(?:[^'\\\n\r]|\\.)*'"
    r'|"(?:[^"\\\n\r]|\\.)*"',
    re.DOTALL,
)
_PN_LOCAL = r"(?:[\w\-.:%]|\\.)*"
_WORD = re.compile(r"[^\W\d](?:[\w\-.]*[\w\-])?(?::" + _PN_LOCAL + ")?|:" + _PN_LOCAL, re.UNICODE)
_BNODE = re.compile(r"_:[\w\-.]+")
_VAR = re.compile(r"[?$]\w+")
_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?)")
_LANG = re.compile(r"@[A-Za-z]+(?:-[A-Za-z0-9]+)*")
_PUNCT = re.compile(r"\|\||&&|\^\^|!=|<=|>=|[{}()\[\];,.*=<>!+\-/|^?]")
_SPACE = re.compile(r"(?:\s+|#[^\n\r]*)+")
_OPEN = "{(["
_CLOSE = "})]"


class LexError(ValueError):
    def __init__(self, message: str, position: int) -> None:
        super().__init__(message)
        self.position = position


def tokenize(text: str) -> Iterator[Token]:
    """Yield the tokens of ``text``; raise ``LexError`` on an unterminated string or stray byte."""
    pos, depth, end = 0, 0, len(text)
    while pos < end:
        space = _SPACE.match(text, pos)
        if space:
            pos = space.end()
            continue
        char = text[pos]
        for kind, pattern in (
            (Kind.STRING, _STRING if char in "'\"" else None),
            (Kind.IRI, _IRI if char == "<" else None),
            (Kind.VAR, _VAR if char in "?$" else None),
            (Kind.PNAME, _BNODE if char == "_" and text.startswith("_:", pos) else None),
            (Kind.NUMBER, _NUMBER if char.isdigit() or char in "+-." else None),
            (Kind.LANGTAG, _LANG if char == "@" else None),
            (Kind.KEYWORD, _WORD),
        ):
            match = pattern.match(text, pos) if pattern else None
            if match:
                value = match.group()
                if kind is Kind.KEYWORD and ":" in value:
                    kind = Kind.PNAME
                yield Token(kind, value, pos, depth)
                pos = match.end()
                break
        else:
            if char in "'\"":
                raise LexError("unterminated string", pos)
            match = _PUNCT.match(text, pos)
            if not match:
                raise LexError(f"unexpected character {char!r}", pos)
            value = match.group()
            if value in _CLOSE:
                depth = max(depth - 1, 0)
            yield Token(Kind.PUNCT, value, pos, depth)
            if value in _OPEN:
                depth += 1
            pos = match.end()


def line_column(text: str, position: int) -> tuple[int, int]:
    """1-based line and column of an offset, as the engine reports them."""
    line = text.count("\n", 0, position) + 1
    return line, position - (text.rfind("\n", 0, position) + 1) + 1
