"""How fresh the fast path is: ``python -m bench.freshness``.

After a write (a SPARQL Update, as an accepted contribution makes one), queries wait for the
in-memory copy to apply it (or, past ``UIKG_ENGINE_APPLY_WAIT_S``, run on disk); this
measures, at each graph size of the benchmark's synthetic data (``bench.generate``), the time
from the write returning to the first answer *from the in-memory copy* that shows it, and
checks that no answer in between was stale (every answer after the write counts the new
triple).

Goal (issue 16): within 1 s at 1 M triples. Options: ``--sizes`` (``100000,1000000``),
``--writes`` per size (10), ``--seed``, ``--folder`` (``var/bench-freshness``), ``--out``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import shutil
import statistics
import time
from pathlib import Path
from typing import Any

from pyoxigraph import RdfFormat

from bench import end_on_sigterm
from bench.generate import ensure_dataset
from uikg.graph.service import GraphService
from uikg.graph.settings import Settings
from uikg.graph.store.embedded import EmbeddedStore

GOAL_S = 1.0
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH <urn:bench:fresh> { ?s ?p ?o } }"


async def _count(service: GraphService) -> tuple[int, str]:
    stream = await service.run(COUNT, "text/csv")
    return int((await stream.read()).split()[1]), service.query_store


async def _measure(service: GraphService, writes: int) -> list[dict[str, Any]]:
    await service.start()
    deadline = time.monotonic() + 600
    while service.query_store != "memory":  # the first copy loads once, at start
        assert time.monotonic() < deadline, "the in-memory copy did not load"
        await asyncio.sleep(0.05)
    rows = []
    for index in range(writes):
        text = f"INSERT DATA {{ GRAPH <urn:bench:fresh> {{ <urn:s{index}> <urn:p> {index} }} }}"
        await asyncio.to_thread(service.update, text)
        written = time.monotonic()
        answers = stale = 0
        while True:
            count, tier = await _count(service)
            answers += 1
            stale += count != index + 1
            if tier == "memory" and count == index + 1:
                break
            assert time.monotonic() - written < 120, "the copy never caught up"
        rows.append({"seconds": time.monotonic() - written, "answers": answers, "stale": stale})
    await service.stop()
    return rows


def run(size: int, writes: int, seed: int, folder: Path) -> dict[str, Any]:
    data, entities = ensure_dataset(folder / "data", size, seed)
    data_dir = folder / f"store-{size}"
    shutil.rmtree(data_dir, ignore_errors=True)
    settings = Settings(data_dir=data_dir, query_cache_mb=0, change_feed=False)
    with EmbeddedStore(settings.store_path) as store, data.open("rb") as source:
        store.load(source, RdfFormat.N_QUADS, bulk=True)
    service = GraphService.open(settings)
    try:
        rows = asyncio.run(_measure(service, writes))
    finally:
        service.close()
    seconds = sorted(r["seconds"] for r in rows)
    return {
        "triples": entities.triples,
        "writes": writes,
        "median_s": statistics.median(seconds),
        "max_s": seconds[-1],
        "stale_answers": sum(r["stale"] for r in rows),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100000,1000000")
    parser.add_argument("--writes", type=int, default=10)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--folder", type=Path, default=Path("var/bench-freshness"))
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    end_on_sigterm()
    results = [
        run(int(size), args.writes, args.seed, args.folder) for size in args.sizes.split(",")
    ]
    print("| triples | writes | median s | max s | stale answers | goal ≤ 1 s |")
    print("| ---: | ---: | ---: | ---: | ---: | --- |")
    for r in results:
        met = "met" if r["max_s"] <= GOAL_S and r["stale_answers"] == 0 else "NOT met"
        print(
            f"| {r['triples']:,} | {r['writes']} | {r['median_s']:.3f} | {r['max_s']:.3f} "
            f"| {r['stale_answers']} | {met} |"
        )
    if args.out:
        args.out.write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
