"""Two curators at once, measured: how many of N concurrent deciders go on, per engine.

The figures behind the claim protocol of ``graph/contributions/queue.py``: for each round, N
threads (each its own "process": its own HTTP client and claim owner) try to move one pending
contribution at the same moment, first with one conditional update each (``DELETE … INSERT …
WHERE`` the status is pending), then with ``Claims.take``. A round is wrong when other than
exactly one goes on: *several* breaks the decision, *none* only makes both curators try again.

    python -m bench.races --rounds 100 --racers 4      # Oxigraph server, and Virtuoso if installed
"""

from __future__ import annotations

import argparse
import secrets
import tempfile
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from bench import end_on_sigterm
from tests.support.servers import (
    Server,
    queue_settings,
    start_oxigraph,
    start_virtuoso,
    virtuoso_binary,
)
from uikg.graph.contributions.queue import STATUS, Claims
from uikg.graph.errors import Conflict
from uikg.graph.store.remote import RemoteStore

META = "urn:uikg-bench:queue"


def _pending(store: RemoteStore) -> str:
    iri = f"urn:uikg-bench:contribution/{secrets.token_hex(6)}"
    store.update(f'INSERT DATA {{ GRAPH <{META}> {{ <{iri}> <{STATUS}> "pending" }} }}')
    return iri


def _statuses(store: RemoteStore, iri: str) -> int:
    rows = store.query(
        f"SELECT ?s WHERE {{ GRAPH <{META}> {{ <{iri}> <{STATUS}> ?s }} }}", union_default=False
    )
    return sum(1 for _ in rows)


def _race(
    racers: int, attempt: Callable[[int, str], bool], iri: str, pool: ThreadPoolExecutor
) -> int:
    barrier = threading.Barrier(racers)

    def one(index: int) -> bool:
        barrier.wait()
        return attempt(index, iri)

    return sum(pool.map(one, range(racers)))


def measure(server: Server, engine: str, rounds: int, racers: int) -> dict[str, int]:
    urls = queue_settings(engine, server)
    stores = [RemoteStore(urls["queue_query_url"], urls["queue_update_url"]) for _ in range(racers)]
    claims = [Claims(store, META, lease_s=300) for store in stores]

    def conditional(index: int, iri: str) -> bool:
        stores[index].update(
            f'DELETE {{ GRAPH <{META}> {{ <{iri}> <{STATUS}> "pending" }} }} '
            f'INSERT {{ GRAPH <{META}> {{ <{iri}> <{STATUS}> "decided-{index}" }} }} '
            f'WHERE {{ GRAPH <{META}> {{ <{iri}> <{STATUS}> "pending" }} }}'
        )
        return False  # counted from the statuses left

    def claim(index: int, iri: str) -> bool:
        try:
            claims[index].take("bench", iri, "accept")
        except Conflict:
            return False
        return True

    wrong = {"conditional update: several": 0, "claim: several": 0, "claim: none": 0}
    with ThreadPoolExecutor(racers) as pool:
        for _ in range(rounds):
            iri = _pending(stores[0])
            _race(racers, conditional, iri, pool)
            if _statuses(stores[0], iri) > 1:
                wrong["conditional update: several"] += 1
            winners = _race(racers, claim, _pending(stores[0]), pool)
            if winners > 1:
                wrong["claim: several"] += 1
            elif winners == 0:
                wrong["claim: none"] += 1
    for store in stores:
        store.close()
    return wrong


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=100)
    parser.add_argument("--racers", type=int, default=4)
    args = parser.parse_args()
    end_on_sigterm()
    engines: list[tuple[str, Callable[[Path, Path], Server]]] = [("oxigraph", start_oxigraph)]
    if virtuoso_binary() is not None:
        engines.append(("virtuoso", start_virtuoso))
    print(f"rounds with several winners or none, of {args.rounds}, {args.racers} racers each")
    with tempfile.TemporaryDirectory(prefix="uikg-races-") as folder:
        for engine, start in engines:
            server = start(Path(folder) / engine, Path(folder))
            try:
                wrong = measure(server, engine, args.rounds, args.racers)
            finally:
                server.stop()
            print(f"{engine:10} " + "  ".join(f"{k}: {v}" for k, v in wrong.items()))


if __name__ == "__main__":
    main()
