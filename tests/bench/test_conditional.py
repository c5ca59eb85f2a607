"""``bench.conditional`` measures what it says: cached 200s, then 304s, per request kind."""

from __future__ import annotations

from bench.conditional import NAMES, measure
from tests.support.servers import Server


def test_conditional_bench_measures_200s_then_304s(built_server: Server) -> None:
    rows = measure(built_server.url, "https://w3id.org/uikg/id/city/gdansk", 0.3, [1])
    assert [(r["request"], r["kind"]) for r in rows] == [
        (name, kind) for name in NAMES for kind in ("cached 200", "304")
    ]
    assert all(r["requests"] > 0 for r in rows)
