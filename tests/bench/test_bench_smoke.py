"""The benchmark's parts at a tiny scale: deterministic data, valid mixes, a working load loop.

No timing assertions: these only prove that ``make bench`` measures what it says it measures.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from pyoxigraph import QueryBoolean, QuerySolutions, RdfFormat, Store

from bench import mixes
from bench.generate import Entities, ensure_dataset, file_hash, generate_text
from bench.load import Group, check_loopback, run_http
from bench.report import Report, expected_cells
from bench.targets import Floor

TINY = 6_000


@pytest.fixture(scope="module")
def tiny() -> tuple[str, Entities]:
    return generate_text(TINY, seed=7)


@pytest.fixture(scope="module")
def tiny_store(tiny: tuple[str, Entities]) -> Store:
    store = Store()
    store.bulk_load(tiny[0].encode(), RdfFormat.N_QUADS)
    return store


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def test_same_seed_same_bytes(tiny: tuple[str, Entities]) -> None:
    again, entities = generate_text(TINY, seed=7)
    assert _sha(again) == _sha(tiny[0])
    assert entities.to_json() == tiny[1].to_json()
    assert _sha(generate_text(TINY, seed=8)[0]) != _sha(tiny[0])


def test_cached_file_matches_the_generator(tmp_path: Path, tiny: tuple[str, Entities]) -> None:
    path, entities = ensure_dataset(tmp_path, TINY, 7, log=lambda _: None)
    assert file_hash(path) == _sha(tiny[0])
    assert Entities.from_json(entities.to_json()) == entities
    assert ensure_dataset(tmp_path, TINY, 7, log=lambda _: None)[1] == entities


def test_size_is_close_to_the_target() -> None:
    _, entities = generate_text(40_000, seed=1)
    assert 30_000 <= entities.triples <= 50_000
    assert entities.graphs > 10


def test_skewed_sizes(tiny: tuple[str, Entities]) -> None:
    counts = [0] * len(tiny[1].cities)
    for index in tiny[1].document_cities:
        counts[index] += 1
    assert counts[0] > 3 * (sum(counts) / len(counts))  # the biggest city dwarfs the average


def test_data_loads_into_named_graphs(tiny: tuple[str, Entities], tiny_store: Store) -> None:
    assert len(tiny_store) > TINY * 0.8
    graphs = {g.value for g in tiny_store.named_graphs()}
    assert len(graphs) == tiny[1].graphs
    assert all(g.startswith("https://w3id.org/uikg/graph/") for g in graphs)


@pytest.mark.parametrize("mix", sorted(mixes.MIXES))
def test_every_template_parses_and_returns_rows(
    mix: str, tiny: tuple[str, Entities], tiny_store: Store
) -> None:
    templates = mixes.MIXES[mix]
    requests = mixes.requests(mix, tiny[1], seed=7, count=len(templates) * 20)
    with_rows: set[str] = set()
    for request in requests:
        result = tiny_store.query(request.query, use_default_graph_as_union=True)
        if isinstance(result, QueryBoolean):
            found = bool(result)
        elif isinstance(result, QuerySolutions):
            found = any(True for _ in result)
        else:
            found = any(True for _ in result)
        if found:
            with_rows.add(request.name)
    assert with_rows == {template.name for template in templates}


def test_requests_are_deterministic(tiny: tuple[str, Entities]) -> None:
    assert mixes.requests("api", tiny[1], seed=3) == mixes.requests("api", tiny[1], seed=3)


def test_heavy_query_parses() -> None:
    assert isinstance(Store().query(mixes.HEAVY.query), QuerySolutions)


def test_floor_end_to_end(tmp_path: Path, tiny: tuple[str, Entities]) -> None:
    data, entities = ensure_dataset(tmp_path / "data", TINY, 7, log=lambda _: None)
    floor = Floor(data, tmp_path / "work", log=lambda _: None)
    floor.prepare()
    report = Report(meta={"quads": entities.triples})
    try:
        for mix in ("point", "api"):
            requests = mixes.requests(mix, entities, seed=7, count=50)
            for concurrency in (1, 2):
                (sample,) = floor.run([Group(requests, concurrency)], 5.0, max_requests=12)
                assert sample.ok == 12 and not sample.errors
                report.add(floor.name, mix, sample.summary())
    finally:
        floor.stop()
    cells = {(c["target"], c["mix"], c["concurrency"]) for c in report.cells}
    assert cells == expected_cells(["floor"], ["point", "api"], [1, 2])
    for cell in report.cells:
        assert cell["requests"] == 12 and cell["p50_ms"] <= cell["p99_ms"]
    assert "| 2 | floor |" in report.markdown()
    json_path, md_path = report.write(tmp_path / "out" / "report")
    assert json.loads(json_path.read_text())["cells"] == report.cells
    assert md_path.read_text().startswith("# UIKG benchmark")


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self) -> None:  # noqa: N802 (the stdlib's name)
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.send_response(200 if b"ok" in body else 400)
        if b"chunked" in body:
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            for part in (b"{}", b""):
                self.wfile.write(b"%x\r\n%s\r\n" % (len(part), part))
        else:
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"{}")

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def tiny_http() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/query"
    server.shutdown()
    server.server_close()


def test_http_client_counts_statuses_and_bodies(tiny_http: str) -> None:
    requests = [
        mixes.Request("a", "ok"),
        mixes.Request("b", "ok chunked"),
        mixes.Request("c", "no"),
    ]
    sample = run_http(tiny_http, requests, 1, 5.0, max_requests=9)
    assert sample.ok + sum(sample.errors.values()) == 9
    assert sample.ok == 6 and sample.errors == {"HTTP 400": 3}


def test_only_loopback() -> None:
    with pytest.raises(ValueError, match="only targets 127.0.0.1"):
        check_loopback("http://example.org/sparql")
    check_loopback("http://127.0.0.1:8000/sparql")
