"""Checks every SPARQL request passes before it reaches the engine.

Size, nesting depth and operator count are limited because pyoxigraph's recursive parser
overflows its stack (a segfault, not an exception) on about 2,200 nested groups or a FILTER
of 10,000 ``||`` terms. ``SERVICE`` and ``LOAD`` are refused unless the operator allows them,
because the engine would fetch any URL a client names.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from uikg.graph.errors import BadRequest, QueryRejected, QuerySyntaxError
from uikg.graph.namespaces import PREFIXES
from uikg.graph.sparql.lexer import (
    COMMENT,
    IRI,
    STRING,
    Kind,
    LexError,
    Token,
    line_column,
    tokenize,
)

QUERY_FORMS = frozenset({"SELECT", "ASK", "CONSTRUCT", "DESCRIBE"})
UPDATE_KEYWORDS = frozenset(
    {"INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH"}
)
_PROLOGUE = frozenset({"PREFIX", "BASE"})


@dataclass(frozen=True)
class Limits:
    max_bytes: int = 65_536
    max_update_bytes: int = 1_048_576  # updates are authenticated and may carry data
    max_nesting: int = 64
    max_operators: int = 1_000
    service_allowlist: Sequence[str] = ()
    allow_load: bool = False

    @classmethod
    def from_settings(cls, settings: object) -> Limits:
        return cls(
            max_bytes=settings.max_query_bytes,  # type: ignore[attr-defined]
            max_update_bytes=settings.max_body_bytes,  # type: ignore[attr-defined]
            max_nesting=settings.max_query_nesting,  # type: ignore[attr-defined]
            max_operators=settings.max_query_operators,  # type: ignore[attr-defined]
            service_allowlist=tuple(settings.service_allowlist),  # type: ignore[attr-defined]
            allow_load=settings.allow_load,  # type: ignore[attr-defined]
        )


@dataclass(frozen=True)
class QueryInfo:
    """What the server needs to know before running a query."""

    form: str
    has_dataset: bool  # FROM or FROM NAMED in the query text


@dataclass(frozen=True)
class UpdateInfo:
    has_using: bool
    has_with: bool = False  # WITH names the dataset too, so it conflicts like USING
    where_offsets: tuple[int, ...] = field(default=())  # where a protocol USING clause goes


def _tokens(text: str, limits: Limits, what: str) -> list[Token]:
    size = len(text.encode("utf-8"))
    cap = limits.max_bytes if what == "query" else limits.max_update_bytes
    if size > cap:
        raise QueryRejected(f"the {what} is {size} bytes; the limit is {cap} bytes")
    try:
        tokens = list(tokenize(text))
    except LexError as error:
        line, column = line_column(text, error.position)
        raise QuerySyntaxError(
            f"error at {line}:{column}: {error}", line=line, column=column
        ) from None
    operators = 0
    for token in tokens:
        if token.depth >= limits.max_nesting:
            line, column = line_column(text, token.start)
            raise QueryRejected(
                f"the {what} nests groups deeper than {limits.max_nesting} levels "
                f"(at {line}:{column})",
                line=line,
                column=column,
            )
        if token.kind is Kind.PUNCT and token.text in ("||", "&&"):
            operators += 1
    if operators > limits.max_operators:
        raise QueryRejected(
            f"the {what} has {operators} || and && operators; the limit is {limits.max_operators}"
        )
    _check_service(text, tokens, limits)
    return tokens


def _check_service(text: str, tokens: list[Token], limits: Limits) -> None:
    for index, token in enumerate(tokens):
        if token.kind is not Kind.KEYWORD or token.upper != "SERVICE":
            continue
        target = tokens[index + 1] if index + 1 < len(tokens) else None
        if target is not None and target.upper == "SILENT":
            target = tokens[index + 2] if index + 2 < len(tokens) else None
        if target is not None and target.kind is Kind.IRI:
            if target.text[1:-1] in limits.service_allowlist:
                continue
            reason = f"SERVICE <{target.text[1:-1]}> is not an allowed federation endpoint"
        else:
            reason = "SERVICE with a variable endpoint is not allowed"
        line, column = line_column(text, token.start)
        raise QueryRejected(
            f"{reason} (at {line}:{column}); federated queries are off on this server",
            line=line,
            column=column,
        )


def _body(tokens: list[Token]) -> list[Token]:
    """The tokens after the prologue (PREFIX and BASE declarations)."""
    index = 0
    while index < len(tokens) and tokens[index].upper in _PROLOGUE:
        index += 3 if tokens[index].upper == "PREFIX" else 2
    return tokens[index:]


@functools.lru_cache(maxsize=4096)
def query_form(text: str) -> str:
    """SELECT, ASK, CONSTRUCT or DESCRIBE, without limits or errors (SELECT when unclear).

    >>> query_form("PREFIX a: <http://a/> CONSTRUCT WHERE { ?s ?p ?o }")
    'CONSTRUCT'
    """
    try:
        body = _body(list(tokenize(text)))
    except LexError:
        return "SELECT"
    first = body[0].upper if body else "SELECT"
    return first if first in QUERY_FORMS else "SELECT"


# The fast path: a query whose text needs no token-level judgement is checked with a few
# regular-expression passes (in C) instead of the tokenizer (in Python, ~2 µs a token). Strings,
# IRIs and comments are blanked the way the tokenizer skips them; this is exact as long as there
# is no backslash (an escape in a local name may hide a quote or a '#') and nothing is left the
# tokenizer would refuse. Anything unusual (SERVICE, FROM, deep nesting, many operators, a text
# it cannot read) goes to the tokenizer, which decides and says where.
_UNREADABLE = re.compile(r"[\\\x00-\x08]")
_SKIPPED = re.compile(rf"(?P<string>{STRING})|(?P<iri>{IRI})|{COMMENT}")
_LEFT_OVER = re.compile(r"[^\w\s{}()\[\];,.*=<>!+\-/|^?$:%@&\x01\x02]")
_PROLOGUE_RE = re.compile(
    r"\s*(?:(?:PREFIX\s+(?:[^\W\d][\w\-.]*)?:\s*\x01|BASE\s*\x01)\s*)*", re.IGNORECASE
)
_FORM = re.compile(r"(SELECT|ASK|CONSTRUCT|DESCRIBE)(?![\w\-.:%])", re.IGNORECASE)
# The prologue as written (white space, comments, PREFIX and BASE declarations): the form
# follows it, so nothing after it needs blanking to find the form.
_PROLOGUE_TEXT = re.compile(
    rf"(?:\s+|{COMMENT}|PREFIX\s+(?:[^\W\d][\w\-.]*)?:\s*{IRI}|BASE\s*{IRI})*", re.IGNORECASE
)
_NEEDS_TOKENS = re.compile(r"SERVICE|FROM", re.IGNORECASE)
_BRACKETS = re.compile(r"[^{}()\[\]]+")


def _blank(found: re.Match[str]) -> str:
    return "\x02" if found.lastgroup == "string" else "\x01" if found.lastgroup else " "


def _quick_info(text: str, limits: Limits) -> QueryInfo | None:
    """The query's form if the fast path can vouch for it; None to ask the tokenizer."""
    if _UNREADABLE.search(text):
        return None
    rest = _SKIPPED.sub(_blank, text)
    if _LEFT_OVER.search(rest) or _NEEDS_TOKENS.search(rest):
        return None
    if rest.count("||") + rest.count("&&") > limits.max_operators:
        return None
    depth = deepest = 0
    for bracket in _BRACKETS.sub("", rest):
        if bracket in "{([":
            depth += 1
            deepest = max(deepest, depth)
        else:
            depth = max(depth - 1, 0)
    if deepest >= limits.max_nesting:
        return None
    form = _FORM.match(rest, _PROLOGUE_RE.match(rest).end())  # type: ignore[union-attr]
    if form is None:
        return None
    return QueryInfo(form=form.group(1).upper(), has_dataset=False)


def sniff_form(text: str, limits: Limits) -> str | None:
    """The form of an ordinary query, found cheaply where the fast path can vouch for it
    (``None``: ask ``inspect_query``). The service negotiates the result format from it.

    >>> sniff_form('PREFIX a: <http://a/> CONSTRUCT WHERE { ?s ?p "ASK" }', Limits())
    'CONSTRUCT'
    """
    if len(text) > limits.max_bytes or _UNREADABLE.search(text):
        return None
    form = _FORM.match(text, _PROLOGUE_TEXT.match(text).end())  # type: ignore[union-attr]
    return form.group(1).upper() if form else None


@functools.lru_cache(maxsize=4096)
def inspect_query(text: str, limits: Limits) -> QueryInfo:
    """Check a query against the limits and find its form; raise ``QueryRejected`` if refused.

    >>> inspect_query("PREFIX : <http://x/> ASK { :a ?p ?o }", Limits())
    QueryInfo(form='ASK', has_dataset=False)
    """
    size = len(text.encode("utf-8"))
    if size <= limits.max_bytes:
        quick = _quick_info(text, limits)
        if quick is not None:
            return quick
    return _inspect_tokens(text, limits)


def _inspect_tokens(text: str, limits: Limits) -> QueryInfo:
    tokens = _tokens(text, limits, "query")
    body = _body(tokens)
    first = body[0] if body else None
    if first is not None and first.kind is Kind.KEYWORD and first.upper in UPDATE_KEYWORDS:
        raise QueryRejected(
            "this is a SPARQL Update; the query endpoint only runs queries "
            "(send updates to /sparql/update with a token)"
        )
    if first is None or first.upper not in QUERY_FORMS:
        position = first.start if first is not None else len(text)
        line, column = line_column(text, position)
        raise QuerySyntaxError(
            f"error at {line}:{column}: expected SELECT, ASK, CONSTRUCT or DESCRIBE",
            line=line,
            column=column,
        )
    has_dataset = any(t.kind is Kind.KEYWORD and t.upper == "FROM" and t.depth == 0 for t in body)
    return QueryInfo(form=first.upper, has_dataset=has_dataset)


def inspect_update(text: str, limits: Limits) -> UpdateInfo:
    """Check an update against the limits; refuse ``LOAD`` unless the operator allows it."""
    tokens = _tokens(text, limits, "update")
    has_using = has_with = False
    wheres: list[int] = []
    previous: Token | None = None
    for token in tokens:
        if token.kind is Kind.KEYWORD and token.depth == 0:
            keyword = token.upper
            if keyword == "LOAD" and not limits.allow_load:
                line, column = line_column(text, token.start)
                raise QueryRejected(
                    f"LOAD is not allowed on this server (at {line}:{column})",
                    line=line,
                    column=column,
                )
            if keyword == "USING":
                has_using = True
            if keyword == "WITH":
                has_with = True
            if keyword == "WHERE" and not (previous is not None and previous.upper == "DELETE"):
                wheres.append(token.start)
        previous = token
    return UpdateInfo(has_using=has_using, has_with=has_with, where_offsets=tuple(wheres))


def apply_protocol_dataset(
    text: str, info: UpdateInfo, using: Sequence[str], using_named: Sequence[str]
) -> str:
    """Add the protocol's ``using-graph-uri``/``using-named-graph-uri`` as USING clauses.

    The SPARQL 1.1 Protocol (§2.2.3) makes a request that names the dataset both ways, with
    parameters and with USING, USING NAMED or WITH in the text, an error.
    """
    if not using and not using_named:
        return text
    if info.has_using or info.has_with:
        clause = "USING clauses" if info.has_using else "a WITH clause"
        raise BadRequest(
            f"the update has {clause} and the request has using-graph-uri or "
            "using-named-graph-uri parameters; the protocol allows only one of the two"
        )
    clause = "".join(f"USING <{iri}> " for iri in using) + "".join(
        f"USING NAMED <{iri}> " for iri in using_named
    )
    for offset in sorted(info.where_offsets, reverse=True):
        text = text[:offset] + clause + text[offset:]
    return text


def check_iri(value: str, where: str) -> str:
    """An absolute IRI, or ``BadRequest`` naming the parameter (IRIs may end up in query text)."""
    from pyoxigraph import NamedNode

    try:
        NamedNode(value)
    except ValueError as error:
        raise BadRequest(f"{where}: {value!r} is not a valid absolute IRI ({error})") from None
    if ":" not in value or any(c in value for c in '<>"{}|^`\\ \t\r\n'):
        raise BadRequest(f"{where}: {value!r} is not a valid absolute IRI")
    return value


def explain(text: str, error: QuerySyntaxError) -> QuerySyntaxError:
    """The engine's syntax error in the words a query writer needs, where it can say more.

    An undeclared prefix is the commonest slip; the engine lists the characters it expected
    instead of naming it, so the prefix and the ``PREFIX`` line to add are named here.

    >>> explain("SELECT * { ?s foaf:name ?o }", QuerySyntaxError("error at 1:19: expected "
    ...     "one of Prefix not found, ['%']", line=1, column=19)).detail
    'error at 1:15: the prefix foaf: is not declared; add PREFIX foaf: <http://xmlns.com/foaf/0.1/>'
    """
    if "Prefix not found" not in error.detail:
        return error
    try:
        tokens = list(tokenize(text))
    except LexError:
        return error
    declared = {
        tokens[i + 1].text.split(":", 1)[0]
        for i, token in enumerate(tokens[:-1])
        if token.upper == "PREFIX"
    }
    for token in tokens:
        if token.kind is not Kind.PNAME or ":" not in token.text:
            continue
        prefix = token.text.split(":", 1)[0]
        if prefix in declared or prefix == "_":  # declared, or a blank node label
            continue
        line, column = line_column(text, token.start)
        known = PREFIXES.get(prefix)
        fix = f"add PREFIX {prefix}: <{known}>" if known else f"add PREFIX {prefix}: <…>"
        return QuerySyntaxError(
            f"error at {line}:{column}: the prefix {prefix}: is not declared; {fix}",
            line=line,
            column=column,
        )
    return error


def bind_values(text: str, bindings: Sequence[tuple[str, str]]) -> str:
    """The query with ``bindings`` (variable, N-Triples term) bound where its pattern starts.

    What pyoxigraph's ``substitutions`` do, for engines that only take query text: the values
    are there before the pattern is evaluated, so FILTERs and joins see them (a trailing
    ``VALUES`` would only join them with the answer). Terms come from parsed pyoxigraph terms,
    never from what a client typed.

    >>> bind_values("SELECT ?d WHERE { ?d ?p ?y FILTER(?y >= ?from) }", [("from", "2015")])
    'SELECT ?d WHERE { VALUES (?from) { (2015) } ?d ?p ?y FILTER(?y >= ?from) }'
    """
    if not bindings:
        return text
    block = (
        f" VALUES ({' '.join('?' + name for name, _ in bindings)}) "
        f"{{ ({' '.join(term for _, term in bindings)}) }}"
    )
    tokens = list(tokenize(text))
    body = _body(tokens)
    after_where = False
    for token in body:
        if token.depth != 0:
            continue
        if token.kind is Kind.KEYWORD and token.upper == "WHERE":
            after_where = True
        elif token.text == "{" and (after_where or body[0].upper in ("SELECT", "ASK")):
            return text[: token.start + 1] + block + text[token.start + 1 :]
    return f"{text}\n{block.strip()}"  # no pattern (DESCRIBE <…>): the answer is joined
