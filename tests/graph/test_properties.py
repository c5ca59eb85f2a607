"""Property tests (hypothesis) for the parsers every request goes through.

- the SPARQL guard (tokenizer, size, nesting and operator limits) raises nothing but our
  errors on arbitrary text, and what it lets through is what the engine can parse or refuse;
- ``api.negotiation.choose`` never crashes and returns an offered type or ``NotAcceptable``;
- named-query ``bind`` accepts valid values and refuses invalid ones with ``BadRequest``
  naming the parameter;
- ``graph.rdf_input.parse_triples`` raises only our errors on arbitrary bytes.

``UIKG_PROPERTY_EXAMPLES`` raises the budget (``make fuzz``); figures go to
``test-output/fuzz-properties.json``.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import time
from collections import Counter
from collections.abc import Iterator

import pyoxigraph
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import REPO
from uikg.api.negotiation import choose
from uikg.graph.errors import BadRequest, NotAcceptable, QuerySyntaxError, UIKGError
from uikg.graph.paths import DataPaths
from uikg.graph.queries import QueryParam, load_catalogue
from uikg.graph.rdf_input import parse_triples
from uikg.graph.settings import DEFAULT_BASE_IRI
from uikg.graph.sparql.guard import (
    Limits,
    _inspect_tokens,
    _quick_info,
    inspect_query,
    inspect_update,
)

EXAMPLES = int(os.environ.get("UIKG_PROPERTY_EXAMPLES", "150"))
SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
RUNS: Counter[str] = Counter()
FIGURES = REPO / "test-output" / "fuzz-properties.json"


@pytest.fixture(scope="module", autouse=True)
def figures() -> Iterator[None]:
    started = time.monotonic()
    yield
    FIGURES.parent.mkdir(exist_ok=True)
    FIGURES.write_text(
        json.dumps(
            {
                "examples_per_property": EXAMPLES,
                "cases": sum(RUNS.values()),
                "by_property": dict(RUNS),
                "duration_s": round(time.monotonic() - started, 1),
            },
            indent=2,
        )
        + "\n"
    )


# -- SPARQL ----------------------------------------------------------------------------------
SPARQL_WORDS = [
    "SELECT", "ASK", "CONSTRUCT", "DESCRIBE", "WHERE", "FILTER", "OPTIONAL", "UNION", "GRAPH",
    "SERVICE", "SILENT", "LOAD", "INSERT", "DELETE", "DATA", "PREFIX", "BASE", "FROM", "NAMED",
    "LIMIT", "OFFSET", "ORDER", "BY", "GROUP", "VALUES", "BIND", "AS", "{", "}", "(", ")", "[",
    "]", ".", ";", ",", "*", "?s", "$o", "<http://x/>", "<", ">", '"', "'", '"""', "#", "\n",
    "||", "&&", "!", "^^", "@en", "_:b", "a", "x:y", ":", "1", "1.5e3", "\\", "\x00", "é",
    "\u2028", "\ud7ff", "SERVICE <http://127.0.0.1:9/>", "LOAD <http://127.0.0.1:9/>",
]  # fmt: skip
sparql_text = st.one_of(
    st.text(max_size=300),
    st.lists(st.sampled_from(SPARQL_WORDS), max_size=60).map(" ".join),
    st.lists(st.sampled_from(SPARQL_WORDS), max_size=60).map("".join),
)
SMALL = Limits(max_bytes=2_000, max_update_bytes=2_000, max_nesting=8, max_operators=10)
_ENGINE = pyoxigraph.Store()


@SETTINGS
@given(sparql_text)
def test_query_guard_raises_only_our_errors(text: str) -> None:
    RUNS["query guard"] += 1
    try:
        info = inspect_query(text, SMALL)
    except UIKGError as error:
        assert isinstance(error, BadRequest) and error.detail
        return
    assert info.form in {"SELECT", "ASK", "CONSTRUCT", "DESCRIBE"}
    # what passes the guard stays within its limits and is not SERVICE or LOAD
    assert len(text.encode()) <= SMALL.max_bytes
    assert not re.search(r"\bSERVICE\b", text, re.IGNORECASE) or "#" in text or '"' in text


@SETTINGS
@given(
    st.one_of(
        sparql_text,
        st.lists(st.sampled_from(SPARQL_WORDS), max_size=40).map(
            lambda words: "PREFIX x: <http://x/> SELECT * WHERE { " + " ".join(words) + " }"
        ),
    )
)
def test_query_guard_fast_path_never_passes_what_the_tokenizer_refuses(text: str) -> None:
    """The regex fast path may only vouch for queries the tokenizer would pass, with the same
    form: a limit, SERVICE or an update it misses would reach the engine unchecked."""
    RUNS["query guard fast path"] += 1
    quick = _quick_info(text, SMALL)
    if quick is None:
        return
    RUNS["query guard fast path taken"] += 1
    with contextlib.suppress(QuerySyntaxError):  # a lexical slip the engine's parser reports
        assert _inspect_tokens(text, SMALL) == quick


@SETTINGS
@given(sparql_text)
def test_update_guard_raises_only_our_errors(text: str) -> None:
    RUNS["update guard"] += 1
    try:
        inspect_update(text, SMALL)
    except UIKGError as error:
        assert isinstance(error, BadRequest) and error.detail


@SETTINGS
@given(st.lists(st.sampled_from(SPARQL_WORDS), max_size=40).map(" ".join))
def test_what_the_guard_passes_the_engine_parses_or_refuses(text: str) -> None:
    RUNS["guard then engine"] += 1
    try:
        inspect_query(text, SMALL)
    except UIKGError:
        return
    # a clean refusal is fine; the property is "no crash, no other exception"
    with contextlib.suppress(SyntaxError, ValueError, OSError):
        _ENGINE.query(text)


# -- content negotiation ---------------------------------------------------------------------
MEDIA = ["text/turtle", "application/n-triples", "application/ld+json", "text/html",
         "application/sparql-results+json", "text/csv", "*/*", "text/*", "application/*"]  # fmt: skip
accept_range = st.one_of(
    st.sampled_from(MEDIA),
    st.text(alphabet="abcdefxyz/*+-.;=, q0123456789\t", max_size=30),
).flatmap(
    lambda media: st.sampled_from(
        [
            media,
            f"{media};q=0.5",
            f"{media};q=0",
            f"{media};q=1.000",
            f"{media};q=x",
            f"{media};level=1;q=0.3",
            f"{media}; q=2",
        ]  # fmt: skip
    )
)
accept_header = st.one_of(
    st.none(),
    st.text(max_size=80),
    st.lists(accept_range, max_size=6).map(", ".join),
)
offered = st.lists(st.sampled_from(MEDIA[:6]), min_size=1, max_size=6, unique=True)


@SETTINGS
@given(accept_header, offered)
def test_choose_returns_an_offered_type_or_refuses(
    accept: str | None, available: list[str]
) -> None:
    RUNS["negotiation"] += 1
    try:
        chosen = choose(accept, available)
    except NotAcceptable as error:
        assert error.available == available and "available" in error.detail
        return
    assert chosen in available


@SETTINGS
@given(offered)
def test_choose_honours_an_exact_type(available: list[str]) -> None:
    RUNS["negotiation exact"] += 1
    for media_type in available:
        assert choose(f"{media_type}, */*;q=0.1", available) == media_type


# -- named-query parameters ------------------------------------------------------------------
CATALOGUE = load_catalogue(DataPaths.locate().queries)
PARAMS = sorted(
    ((q, p) for q in CATALOGUE.values() for p in q.params), key=lambda qp: (qp[0].name, qp[1].name)
)
VALID = {
    "integer": st.integers(-(10**12), 10**12).map(str),
    "gYear": st.integers(1000, 2999).map(str),
    "string": st.text(max_size=40),
    "iri": st.from_regex(r"https://w3id\.org/uikg/id/[a-z]{1,8}/[a-z0-9-]{1,20}", fullmatch=True),
}


def valid_value(param: QueryParam) -> st.SearchStrategy[str]:
    if param.type.startswith("concept:"):
        scheme = param.type.split(":", 1)[1]
        return st.from_regex(r"[a-z0-9-]{1,20}", fullmatch=True).map(
            lambda slug: f"https://w3id.org/uikg/id/concept/{scheme}/{slug}"
        )
    return VALID.get(param.type, st.text(max_size=20))


def required_values(query: object) -> dict[str, str]:
    return {p.name: p.example for p in query.params if p.required and p.example}  # type: ignore[attr-defined]


@SETTINGS
@given(st.sampled_from(PARAMS).flatmap(lambda qp: st.tuples(st.just(qp), valid_value(qp[1]))))
def test_bind_accepts_valid_values(case: tuple[tuple[object, QueryParam], str]) -> None:
    (query, param), value = case
    RUNS["bind valid"] += 1
    bound = query.bind({**required_values(query), param.name: value}, DEFAULT_BASE_IRI)  # type: ignore[attr-defined]
    assert pyoxigraph.Variable(param.name) in bound


BAD = st.one_of(
    st.text(max_size=30).filter(lambda v: not re.fullmatch(r"-?\d+", v)),
    st.sampled_from(["https://x/a> } #", "no scheme", "http://a b", "<http://x/>", "1e3", ""]),
)


@SETTINGS
@given(st.sampled_from([qp for qp in PARAMS if qp[1].type != "string"]), BAD)
def test_bind_refuses_invalid_values_naming_the_parameter(
    query_param: tuple[object, QueryParam], value: str
) -> None:
    query, param = query_param
    RUNS["bind invalid"] += 1
    absolute = re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", value)
    if param.type == "iri" and absolute and not re.search(r'[\s<>"{}|^`\\]', value):
        return  # an absolute IRI is a valid value
    with pytest.raises(BadRequest) as raised:
        query.bind({**required_values(query), param.name: value}, DEFAULT_BASE_IRI)  # type: ignore[attr-defined]
    assert param.name in raised.value.detail


# -- RDF input -------------------------------------------------------------------------------
RDF_FORMATS = [pyoxigraph.RdfFormat.TURTLE, pyoxigraph.RdfFormat.N_TRIPLES,
               pyoxigraph.RdfFormat.RDF_XML, pyoxigraph.RdfFormat.JSON_LD]  # fmt: skip
RDF_PIECES = [b"<http://x/a>", b"<http://x/b>", b'"lit"', b"@prefix x: <http://x/> .", b"x:a",
              b" ", b".", b";", b",", b"[", b"]", b"(", b")", b"{", b"}", b'"@context"', b":",
              b'"@id"', b"<?xml version='1.0'?>", b"<rdf:RDF>", b"<!DOCTYPE x [<!ENTITY e 'x'>]>",
              b"&e;", b"\xff", b"\x00", b"_:b", b"^^", b"@en", b"\n"]  # fmt: skip
rdf_bytes = st.one_of(
    st.binary(max_size=300),
    st.lists(st.sampled_from(RDF_PIECES), max_size=50).map(b"".join),
)


@SETTINGS
@given(rdf_bytes, st.sampled_from(RDF_FORMATS))
def test_parse_triples_raises_only_our_errors(data: bytes, format: pyoxigraph.RdfFormat) -> None:
    RUNS["rdf input"] += 1
    try:
        triples = parse_triples(data, format, base_iri="https://w3id.org/uikg/")
    except UIKGError as error:
        assert isinstance(error, BadRequest) and error.detail
        return
    assert all(isinstance(t, pyoxigraph.Triple) for t in triples)
