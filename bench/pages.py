"""Median in-process time of the pages people read, on a built store.

``python -m bench.pages DATA_DIR`` serves the app in-process (TestClient, the real middleware
and query workers) over a copy of a built data dir and prints each page's median of N requests
after one warm-up, with the query result cache off and on.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

from fastapi.testclient import TestClient

from uikg.api.app import create_app
from uikg.graph.settings import Settings
from uikg.graph.store.embedded import EmbeddedStore

PAGES = (
    "/",
    "/doc/id/city/gdansk",
    "/doc/id/document/gdansk-immigrant-integration-model",
    "/doc/id/country/poland",
    "/doc/graph/evidence/essay/l17",
    "/sparql",
    "/pictures/map",
)


def measure(client: TestClient, path: str, runs: int) -> float:
    headers = {"Accept": "text/html"}
    client.get(path, headers=headers)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        response = client.get(path, headers=headers)
        times.append(time.perf_counter() - start)
        assert response.status_code == 200, (path, response.status_code)
    return statistics.median(times) * 1000


def main(source: Path, runs: int = 21) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        with EmbeddedStore(source / "store", read_only=True) as store:
            store.snapshot(Path(tmp) / "store")
        figures: dict[str, list[float]] = {path: [] for path in PAGES}
        for cache_mb in (0, 64):  # without the result cache, then with it
            settings = Settings(data_dir=Path(tmp), query_cache_mb=cache_mb)
            with TestClient(create_app(settings)) as client:
                for path in PAGES:
                    figures[path].append(measure(client, path, runs))
        print(f"{'page':56} {'no cache ms':>11} {'cached ms':>10}")
        for path, (cold, warm) in figures.items():
            print(f"{path:56} {cold:11.1f} {warm:10.1f}")


if __name__ == "__main__":
    main(Path(sys.argv[1]), *(int(a) for a in sys.argv[2:3]))
