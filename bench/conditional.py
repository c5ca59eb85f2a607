"""``python -m bench.conditional``: what a ``304 Not Modified`` costs next to a cached ``200``.

The same GETs (a SPARQL point query, a thing's Turtle description, a REST collection, a page)
are sent over keep-alive loopback connections, first plain (after a warm-up every answer comes
from the result cache: the cheapest 200 there is), then with the ``If-None-Match`` of their
first answer (a 304, decided before any route runs). Closed loop, fixed duration per cell.

    python -m bench.conditional                 # 50 k triples, 3 s per cell
    python -m bench.conditional --triples 1000000 --duration 10
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

import httpx

from bench import end_on_sigterm
from bench.generate import ensure_dataset
from bench.load import ConnectionLost, _Connection, check_loopback
from bench.targets import Uikg

HERE = Path(__file__).resolve().parent


class GetConnection(_Connection):
    async def get(self, path: str, headers: dict[str, str]) -> tuple[int, bytes]:
        """One GET on the keep-alive connection (``post``'s response reading, a GET request)."""
        if self.writer is None:
            await self._open()
        assert self.reader is not None and self.writer is not None
        lines = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
        self.writer.write(
            f"GET {path} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\n{lines}\r\n".encode()
        )
        head = await self.reader.readuntil(b"\r\n\r\n")
        status = int(head.split(b" ", 2)[1])
        length = 0
        for line in head.decode("latin-1").split("\r\n")[1:]:
            name, _, value = line.partition(":")
            if name.strip().lower() == "content-length":
                length = int(value)
        body = await self.reader.readexactly(length) if length else b""
        return status, body


NAMES = ("sparql", "void", "rest", "reconcile")


def requests_for(url: str, city: str) -> list[tuple[str, dict[str, str]]]:
    query = f"SELECT ?p ?o WHERE {{ <{city}> ?p ?o }} LIMIT 50"
    return [
        (f"/sparql?query={quote(query)}", {"Accept": "application/sparql-results+json"}),
        ("/.well-known/void", {"Accept": "text/turtle"}),
        ("/api/v1/cities?limit=20", {"Accept": "application/ld+json"}),
        ("/reconcile", {"Accept": "application/json"}),
    ]


async def _cell(
    url: str, requests: list[tuple[str, dict[str, str]]], concurrency: int, seconds: float
) -> dict[str, object]:
    host, port = url.removeprefix("http://").split(":")
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    stop = time.perf_counter() + seconds

    async def client(index: int) -> None:
        connection = GetConnection(host, int(port))
        position = index
        try:
            while time.perf_counter() < stop:
                path, headers = requests[position % len(requests)]
                position += 1
                began = time.perf_counter()
                try:
                    status, _ = await connection.get(path, headers)
                except (ConnectionLost, OSError, asyncio.IncompleteReadError):
                    connection.close()
                    continue
                latencies.append(time.perf_counter() - began)
                statuses[status] = statuses.get(status, 0) + 1
        finally:
            connection.close()

    started = time.perf_counter()
    await asyncio.gather(*(client(i) for i in range(concurrency)))
    elapsed = time.perf_counter() - started
    latencies.sort()

    def pct(q: float) -> float:
        return round(latencies[max(1, math.ceil(q / 100 * len(latencies))) - 1] * 1000, 3)

    return {
        "concurrency": concurrency,
        "requests": len(latencies),
        "rps": round(len(latencies) / elapsed, 1),
        "p50_ms": pct(50),
        "p99_ms": pct(99),
        "statuses": statuses,
    }


def measure(
    url: str, city: str, duration: float, concurrency: list[int]
) -> list[dict[str, object]]:
    """For each request and concurrency: a cell of cached 200s, then a cell of 304s."""
    check_loopback(url)
    rows = []
    for name, (path, headers) in zip(NAMES, requests_for(url, city), strict=True):
        first = httpx.get(url + path, headers=headers, timeout=60)
        first.raise_for_status()
        conditional = {**headers, "If-None-Match": first.headers["etag"]}
        for c in concurrency:
            asyncio.run(_cell(url, [(path, headers)], c, min(1.0, duration)))  # warm-up
            for kind, sent in (("cached 200", headers), ("304", conditional)):
                row = {
                    "request": name,
                    "kind": kind,
                    **asyncio.run(_cell(url, [(path, sent)], c, duration)),
                }
                expected = 200 if kind == "cached 200" else 304
                assert set(row["statuses"]) == {expected}, row  # type: ignore[arg-type]
                rows.append(row)
                print(
                    f"{name:>12} {kind:>10} c={c:<3} {row['rps']:>8,} rps  "
                    f"p50 {row['p50_ms']} ms  p99 {row['p99_ms']} ms",
                    file=sys.stderr,
                    flush=True,
                )
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.conditional", description=__doc__)
    parser.add_argument("--triples", type=int, default=50_000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--duration", type=float, default=3.0)
    parser.add_argument("--concurrency", default="1,8")
    parser.add_argument(
        "--cache",
        type=Path,
        default=Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "uikg-bench",
    )
    args = parser.parse_args(argv)
    end_on_sigterm()
    data, entities = ensure_dataset(
        args.cache, args.triples, args.seed, lambda m: print(m, file=sys.stderr)
    )
    with tempfile.TemporaryDirectory(prefix="uikg-bench-304-") as workdir:
        target = Uikg(data, Path(workdir), lambda m: print(m, file=sys.stderr))
        target.prepare()
        target.start()
        try:
            assert target.server is not None
            rows = measure(
                target.server.url,
                entities.cities[0],
                args.duration,
                [int(c) for c in args.concurrency.split(",")],
            )
        finally:
            target.stop()
    out = HERE / "results" / f"conditional-{args.triples}-{time.strftime('%Y%m%d-%H%M%S')}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"triples": entities.triples, "rows": rows}, indent=2))
    print(f"wrote {out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
