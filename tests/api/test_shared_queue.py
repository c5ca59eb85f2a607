"""Scale-out that shares everything: two API processes over one published store, with the
contribution queue on a second server of the same kind, on Oxigraph server and on Virtuoso.

A contribution sent to one process is listed, reviewed and decided at the other; what is
accepted is visible at both (SPARQL, pages, search) and their validators change; two curators
deciding the same contribution at once get one 200 and one 409, and the history says it once.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import ADMIN_TOKEN, REPO
from tests.support import records
from tests.support.feed import DCT, members, one, walk
from tests.support.servers import (
    Server,
    dump_built,
    load_remote,
    queue_settings,
    remote_settings,
    start_oxigraph,
    start_uikg,
    start_virtuoso,
    virtuoso_binary,
)

pytestmark = [pytest.mark.slow, pytest.mark.server, pytest.mark.remote]

BASE = "https://w3id.org/uikg/"
CONTRIBUTOR = "contributor-token-0123456789abcdef"
CURATORS = ("curator-token-0123456789abcdef0", "curator-token-0123456789abcdef1")
TOKENS = f"ngo:contributor:{CONTRIBUTOR},ed:curator:{CURATORS[0]},jo:curator:{CURATORS[1]}"
CITIES = f"SELECT ?s WHERE {{ ?s a <{BASE}ontology#City> }}"


@dataclass
class Pair:
    engine: str
    a: Server
    b: Server
    data_dirs: tuple[Path, Path]


@pytest.fixture(scope="module")
def dump(built_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return dump_built(built_dir, tmp_path_factory.mktemp("shared-dump") / "dump.nq")


@pytest.fixture(scope="module", params=["oxigraph", "virtuoso"])
def pair(
    request: pytest.FixtureRequest, dump: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Pair]:
    engine = request.param
    if engine == "virtuoso" and virtuoso_binary() is None:
        pytest.skip("virtuoso-t is not installed; .ci/run installs virtuoso-opensource-7-bin")
    start = start_oxigraph if engine == "oxigraph" else start_virtuoso
    folder = tmp_path_factory.mktemp(f"shared-{engine}")
    started: list[Server] = []
    try:
        published = start(folder / "published", folder)
        started.append(published)
        queue = start(folder / "queue", folder)
        started.append(queue)
        settings = remote_settings(engine, published)
        load_remote(dump, settings, REPO)
        settings |= queue_settings(engine, queue)
        dirs = (folder / "a", folder / "b")
        for data_dir in dirs:
            started.append(
                start_uikg(
                    data_dir,
                    folder,
                    admin_token=ADMIN_TOKEN,
                    tokens=TOKENS,
                    version_check_s="0.5",
                    cache_max_age_s="30",
                    **settings,
                )
            )
        yield Pair(engine, started[2], started[3], dirs)
    finally:
        for server in reversed(started):
            server.stop()


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def submit(server: Server, record: bytes) -> str:
    sent = httpx.post(
        f"{server.url}/contributions",
        content=record,
        headers={**bearer(CONTRIBUTOR), "Content-Type": "text/turtle"},
        timeout=120,
    )
    assert sent.status_code == 201, sent.text
    return str(sent.json()["id"])


def contribution(server: Server, cid: str, token: str = CURATORS[0]) -> dict[str, Any]:
    reply = httpx.get(f"{server.url}/contributions/{cid}", headers=bearer(token), timeout=60)
    assert reply.status_code == 200, reply.text
    return reply.json()  # type: ignore[no-any-return]


def decide(server: Server, cid: str, action: str, token: str) -> httpx.Response:
    return httpx.post(
        f"{server.url}/contributions/{cid}/{action}",
        json={"reason": f"{action}ed at {server.url}"},
        headers=bearer(token),
        timeout=120,
    )


def ask(server: Server, query: str) -> bool:
    reply = httpx.get(
        f"{server.url}/sparql",
        params={"query": query},
        headers={"Accept": "application/sparql-results+json"},
        timeout=60,
    )
    assert reply.status_code == 200, reply.text
    return bool(reply.json()["boolean"])


def acceptances(server: Server, cid: str) -> int:
    """How many acceptance times the published store holds for one contribution."""
    reply = httpx.get(
        f"{server.url}/sparql",
        params={
            "query": f"SELECT ?t WHERE {{ GRAPH <{BASE}graph/provenance/contribution/{cid}> {{ "
            f"<{BASE}id/contribution/{cid}/acceptance> "
            f"<http://www.w3.org/ns/prov#endedAtTime> ?t }} }}"
        },
        headers={"Accept": "application/sparql-results+json"},
        timeout=60,
    )
    return len(reply.json()["results"]["bindings"])


def found(server: Server, words: str) -> list[str]:
    """The IRIs the label search finds (an index each process keeps per generation)."""
    reply = httpx.get(
        f"{server.url}/search",
        params={"q": words},
        headers={"Accept": "application/json"},
        timeout=60,
    )
    return [hit["iri"] for hit in reply.json()]


def eventually(check: Callable[[], bool], timeout: float = 10) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.2)
    return check()


def at_once(*calls: Callable[[], httpx.Response]) -> list[httpx.Response]:
    """Send the requests together (a barrier releases the threads at the same moment)."""
    barrier = threading.Barrier(len(calls))
    replies: list[httpx.Response | None] = [None] * len(calls)

    def run(index: int) -> None:
        barrier.wait()
        replies[index] = calls[index]()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert all(reply is not None for reply in replies)
    return replies  # type: ignore[return-value]


def test_submitted_at_one_process_decided_at_the_other(pair: Pair) -> None:
    a, b = pair.a, pair.b
    city = f"{BASE}id/city/sharedville"
    query = f"{a.url}/sparql"
    before = httpx.get(query, params={"query": CITIES}, headers={"Accept": "text/csv"})
    assert before.status_code == 200 and "etag" in before.headers

    assert found(a, "Sharedville") == []  # A's label index is built now, before B's write
    cid = submit(a, records.city("sharedville", "Sharedville"))
    listed = httpx.get(
        f"{b.url}/contributions", params={"status": "pending"}, headers=bearer(CURATORS[1])
    )
    assert cid in [c["id"] for c in listed.json()["contributions"]], listed.text
    review = httpx.get(
        f"{b.url}/contributions/{cid}/review",
        headers={**bearer(CURATORS[1]), "Accept": "application/json"},
        timeout=120,
    )
    assert review.status_code == 200, review.text
    assert review.json()["report"]["conforms"] is True
    assert contribution(a, cid, CONTRIBUTOR)["status"] == "pending"
    assert not ask(a, f"ASK {{ <{city}> ?p ?o }}"), "a pending record is public"

    accepted = decide(b, cid, "accept", CURATORS[1])
    assert accepted.status_code == 200, accepted.text
    assert [e["action"] for e in accepted.json()["history"]] == ["submitted", "accepted"]
    assert contribution(a, cid, CONTRIBUTOR)["status"] == "accepted"

    assert ask(a, f"ASK {{ <{city}> a <{BASE}ontology#City> }}")
    page = httpx.get(f"{a.url}/doc/id/city/sharedville.html", timeout=60)
    assert page.status_code == 200 and "Sharedville" in page.text
    # A's validators and what it keeps per generation follow B's write.
    assert eventually(
        lambda: (
            httpx.get(query, params={"query": CITIES}, headers={"Accept": "text/csv"}).headers[
                "etag"
            ]
            != before.headers["etag"]
        )
    )
    revalidated = httpx.get(
        query,
        params={"query": CITIES},
        headers={"Accept": "text/csv", "If-None-Match": before.headers["etag"]},
    )
    assert revalidated.status_code == 200 and city in revalidated.text
    assert eventually(lambda: city in found(a, "Sharedville"))
    # Nothing of the queue is in a data dir: it is on the queue's server.
    assert not any((data_dir / "contributions").exists() for data_dir in pair.data_dirs)


def test_two_curators_accepting_at_once_one_wins(pair: Pair) -> None:
    a, b = pair.a, pair.b
    cid = submit(b, records.city("raceville", "Raceville"))
    replies = at_once(
        lambda: decide(a, cid, "accept", CURATORS[0]),
        lambda: decide(b, cid, "accept", CURATORS[1]),
    )
    assert sorted(r.status_code for r in replies) == [200, 409], [r.text for r in replies]
    loser = next(r for r in replies if r.status_code == 409)
    assert cid in loser.json()["detail"]
    for server in (a, b):
        history = contribution(server, cid)["history"]
        assert [e["action"] for e in history] == ["submitted", "accepted"]
    assert acceptances(a, cid) == 1
    again = decide(a, cid, "accept", CURATORS[0])
    assert again.status_code == 409 and "accepted" in again.json()["detail"]


def test_accept_and_reject_at_once_one_decides(pair: Pair) -> None:
    a, b = pair.a, pair.b
    cid = submit(a, records.city("duelton", "Duelton"))
    replies = at_once(
        lambda: decide(a, cid, "reject", CURATORS[0]),
        lambda: decide(b, cid, "accept", CURATORS[1]),
    )
    assert sorted(r.status_code for r in replies) == [200, 409], [r.text for r in replies]
    winner = "rejected" if replies[0].status_code == 200 else "accepted"
    history = contribution(b, cid)["history"]
    assert [e["action"] for e in history] == ["submitted", winner]
    assert contribution(a, cid)["status"] == winner
    published = ask(a, f"ASK {{ <{BASE}id/city/duelton> ?p ?o }}")
    assert published is (winner == "accepted")


def test_ids_are_unique_across_processes(pair: Pair) -> None:
    a, b = pair.a, pair.b

    def send(server: Server, i: int) -> Callable[[], httpx.Response]:
        return lambda: httpx.post(
            f"{server.url}/contributions",
            content=records.city(f"twinburg-{i}", f"Twinburg {i}"),
            headers={**bearer(CONTRIBUTOR), "Content-Type": "text/turtle"},
            timeout=120,
        )

    replies = at_once(*(send(server, i) for i, server in enumerate((a, b, a, b))))
    assert [r.status_code for r in replies] == [201] * 4, [r.text for r in replies]
    ids = [r.json()["id"] for r in replies]
    assert len(set(ids)) == len(ids)
    listed = httpx.get(
        f"{b.url}/contributions", params={"status": "pending"}, headers=bearer(CURATORS[0])
    )
    assert set(ids) <= {c["id"] for c in listed.json()["contributions"]}


def test_a_write_at_one_process_is_a_page_of_the_others_feed(pair: Pair) -> None:
    """Each process keeps its own change feed; B's acceptance reaches A's as a page of its
    own, carrying only the graphs that write changed (A reads them from the store's version
    graph, where each write records its graphs), not at A's next start as a comparison of
    everything."""
    a, b = pair.a, pair.b
    before = len(walk(a))
    cid = submit(a, records.city("feedville", "Feedville"))
    assert decide(b, cid, "accept", CURATORS[1]).status_code == 200
    assert eventually(lambda: len(walk(a)) > before)
    pages = walk(a)[before:]
    assert len(pages) == 1
    quads = pages[0][2]
    assert one(quads, members(quads)[0], DCT + "type").value == "contribution"
    graphs = {one(quads, member, DCT + "isVersionOf").value for member in members(quads)}
    assert f"{BASE}graph/provenance/contribution/{cid}" in graphs
    assert all(cid in graph for graph in graphs), graphs
    assert eventually(lambda: f"{BASE}id/city/feedville" in found(a, "Feedville"))
