"""The pool's two kinds of query processes: the engine over the in-memory copy, and workers over
the on-disk snapshot.

A write must be visible to the next query at once: the pool answers from the on-disk snapshot
until the engine has applied it (or, after a write it cannot replay, loaded the store again).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest
from pyoxigraph import Literal, NamedNode, Triple

from tests.conftest import make_settings
from tests.support import aio
from uikg.graph.errors import QueryTimeout
from uikg.graph.runner.pool import ReloadBackoff
from uikg.graph.service import GraphService
from uikg.graph.settings import Settings

COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


def triple(name: str) -> Triple:
    return Triple(NamedNode(f"http://ex/{name}"), NamedNode("http://ex/p"), Literal("3"))


async def count(service: GraphService) -> int:
    stream = await service.run(COUNT, "text/csv")
    return int((await stream.read()).split()[1])


async def until_memory(service: GraphService, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while service.query_store != "memory":
        assert time.monotonic() < deadline, "the in-memory copy did not load"
        await asyncio.sleep(0.02)


def run(scenario: Callable[[GraphService], Awaitable[None]], settings: Settings) -> None:
    """A service over a fresh data dir, for the length of one scenario on its event loop."""
    service = GraphService.open(settings)
    try:
        aio.run(scenario(service))
    finally:
        service.close()


def test_writes_are_visible_at_once_and_the_copy_catches_up(tmp_path: Path) -> None:
    """A write is visible to the next query (on disk until the copy has it), and the copy
    catches up by applying the write, not by loading the store again."""

    async def scenario(service: GraphService) -> None:
        await service.start()
        service.update("INSERT DATA { <http://ex/a> <http://ex/p> 1 }")
        await until_memory(service)
        pool = service._executor.pool  # type: ignore[attr-defined]
        loads, applies = pool.stats.memory_loads, pool.stats.memory_applies
        before = pool.stats.memory_queries
        assert await count(service) == 1
        assert pool.stats.memory_queries == before + 1  # answered from memory

        service.update("INSERT DATA { <http://ex/b> <http://ex/p> 2 }")
        assert await count(service) == 2  # at once: on disk, or on the copy once applied
        began = time.monotonic()
        await until_memory(service)
        assert time.monotonic() - began < 1.0  # an update applied, not a store loaded
        assert await count(service) == 2
        service.replace_graph("http://ex/g", [])  # Graph Store writes are applied too
        service.add_triples("http://ex/g", [triple("c")])
        await until_memory(service)
        assert await count(service) == 3
        service.drop_graph("http://ex/g")
        await until_memory(service)
        assert await count(service) == 2
        assert pool.stats.memory_loads == loads
        assert pool.stats.memory_applies == applies + 4
        await service.stop()

    run(scenario, make_settings(tmp_path, query_cache_mb=0))  # every query runs


def test_writes_make_no_checkpoint_while_the_engine_keeps_up(tmp_path: Path) -> None:
    """A checkpoint is made when a process needs one, not per write: while the engine applies
    the writes, queries wait for it (never the copy before the write), and the only
    checkpoint on disk stays the one the engine loaded."""

    async def scenario(service: GraphService) -> None:
        await service.start()
        await until_memory(service)
        pool = service._executor.pool  # type: ignore[attr-defined]
        snapshots = service.settings.snapshots_path
        assert len(list(snapshots.iterdir())) == 1
        disk = pool.stats.queries - pool.stats.memory_queries
        for number in range(1, 11):
            service.update(f"INSERT DATA {{ <http://ex/{number}> <http://ex/p> {number} }}")
            assert await count(service) == number  # the write, at once
        assert pool.stats.queries - pool.stats.memory_queries == disk  # none ran on disk
        assert [p.name for p in snapshots.iterdir()] == ["00000000"]
        pool._engine.process.kill()  # the engine is lost: disk workers need the newest state
        pool._engine.process.wait()
        assert await count(service) == 10
        assert "00000010" in [p.name for p in snapshots.iterdir()]
        await service.stop()

    run(scenario, make_settings(tmp_path, query_cache_mb=0))


def test_a_write_the_copy_cannot_replay_loads_it_again(tmp_path: Path) -> None:
    async def scenario(service: GraphService) -> None:
        await service.start()
        service.update("INSERT DATA { <http://ex/a> <http://ex/p> 1 }")
        await until_memory(service)
        pool = service._executor.pool  # type: ignore[attr-defined]
        loads = pool.stats.memory_loads
        service.store.update("INSERT DATA { <http://ex/b> <http://ex/p> 2 }")
        service._executor.refresh(None)  # type: ignore[attr-defined]  # a write not said as an update
        assert await count(service) == 2
        await until_memory(service)
        assert await count(service) == 2
        assert pool.stats.memory_loads == loads + 1
        await service.stop()

    run(scenario, make_settings(tmp_path, query_cache_mb=0))


def test_without_the_copy_every_query_runs_on_disk(tmp_path: Path) -> None:
    async def scenario(service: GraphService) -> None:
        await service.start()
        service.update("INSERT DATA { <http://ex/a> <http://ex/p> 1 }")
        assert await count(service) == 1
        await asyncio.sleep(0.5)
        assert service.query_store == "disk"
        assert service._executor.pool.stats.memory_queries == 0  # type: ignore[attr-defined]
        await service.stop()

    run(scenario, make_settings(tmp_path, query_in_memory=False))


def _gone(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] == "Z"  # a zombie has ended
    except FileNotFoundError:
        return True


async def _ends(pid: int, within_s: float = 5.0) -> bool:
    """Whether ``pid`` ends within ``within_s``: a SIGKILLed process takes a moment to go."""
    deadline = time.monotonic() + within_s
    while not _gone(pid):
        if time.monotonic() > deadline:
            return False
        await asyncio.sleep(0.02)
    return True


def test_a_dead_engine_sends_queries_to_disk_until_a_new_one_loads(tmp_path: Path) -> None:
    async def scenario(service: GraphService) -> None:
        await service.start()
        service.update("INSERT DATA { <http://ex/a> <http://ex/p> 1 }")
        await until_memory(service)
        pool = service._executor.pool  # type: ignore[attr-defined]
        loads = pool.stats.memory_loads
        pool._engine.process.kill()
        pool._engine.process.wait()
        assert await asyncio.gather(count(service), count(service)) == [1, 1]
        await until_memory(service)
        assert pool.stats.memory_loads == loads + 1
        assert await count(service) == 1
        await service.stop()

    settings = make_settings(tmp_path, query_cache_mb=0, query_workers=1, query_workers_max=3)
    run(scenario, settings)


async def start_with_sixty(service: GraphService) -> None:
    """Start the service with 60 triples (enough for HEAVY to outlast any limit) in memory."""
    await service.start()
    rows = " ".join(f"<http://ex/s{i}> <http://ex/p> {i} ." for i in range(60))
    service.update(f"INSERT DATA {{ {rows} }}")
    await until_memory(service)


HEAVY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n1 ?o }"


def test_a_query_past_the_limit_costs_the_engine_once(tmp_path: Path) -> None:
    """The engine cannot stop one query: it is restarted, the query it was running beside the
    late one runs again on disk, and the late query's text never reaches the engine again."""

    async def heavy(service: GraphService) -> str:
        try:
            await (await service.run(HEAVY, "text/csv")).read()
        except QueryTimeout:
            return "timeout"
        return "answered"

    async def scenario(service: GraphService) -> None:
        await start_with_sixty(service)
        pool = service._executor.pool  # type: ignore[attr-defined]
        engine, loads = pool._engine, pool.stats.memory_loads
        first = asyncio.ensure_future(heavy(service))
        await asyncio.sleep(0.3)
        # another text, sent later: in the engine when the first one's time runs out
        second = asyncio.ensure_future(service.run(HEAVY + " LIMIT 1", "text/csv"))
        assert await first == "timeout"
        assert not engine.alive and await _ends(engine.process.pid)
        with pytest.raises(QueryTimeout):  # it ran again on disk, and ran out of time there
            await (await second).read()
        assert pool.stats.retried == 1
        await until_memory(service)
        assert pool.stats.memory_loads == loads + 1
        engine = pool._engine
        assert await heavy(service) == "timeout"  # the same text: on a disk worker this time
        assert pool._engine is engine and engine.alive
        assert await count(service) == 60
        processes = [engine.process.pid, *(w.process.pid for w in pool._idle)]
        await service.stop()
        assert all([await _ends(pid) for pid in processes])

    settings = make_settings(
        tmp_path, query_cache_mb=0, query_workers=2, query_workers_max=4, query_timeout_s=1.5
    )
    run(scenario, settings)


def test_a_write_reaches_the_copy_while_every_query_thread_is_busy(tmp_path: Path) -> None:
    """Each engine thread reads the job it runs; one thread more than the queries the pool
    sends keeps reading, so a write is applied at once even while the engine is full."""

    async def scenario(service: GraphService) -> None:
        await start_with_sixty(service)
        pool = service._executor.pool  # type: ignore[attr-defined]
        engine = pool._engine
        heavies = [
            asyncio.ensure_future(service.run(HEAVY + f" LIMIT {n}", "text/csv")) for n in (1, 2)
        ]
        await asyncio.sleep(0.3)
        assert len(engine.tickets) == 2  # both threads the pool may use are running
        service.update("INSERT DATA { <http://ex/late> <http://ex/p> 61 }")
        await until_memory(service, timeout=1.0)  # applied while both still run
        assert pool._engine is engine and len(engine.tickets) == 2
        for heavy in heavies:
            with pytest.raises(QueryTimeout):
                await (await heavy).read()
        await service.stop()

    settings = make_settings(
        tmp_path, query_cache_mb=0, query_workers=2, query_workers_max=2, query_timeout_s=3
    )
    run(scenario, settings)


def test_a_query_ending_in_the_engine_wakes_one_waiting_query(tmp_path: Path) -> None:
    """Queries waiting for room in the engine wait in line: each answer wakes the next one,
    not every waiter (eight clients on two engine threads used to wake six per answer)."""

    async def scenario(service: GraphService) -> None:
        await service.start()
        service.update("INSERT DATA { <http://ex/a> <http://ex/p> 1 }")
        await until_memory(service)
        pool = service._executor.pool  # type: ignore[attr-defined]
        wakes = pool.stats.wakes
        counts = await asyncio.gather(*(count(service) for _ in range(16)))
        assert counts == [1] * 16
        assert pool.stats.wakes - wakes <= 16  # at most one per query; all at once: ~120
        await service.stop()

    settings = make_settings(tmp_path, query_cache_mb=0, query_workers=1, query_workers_max=2)
    run(scenario, settings)


def test_reload_backoff_doubles_while_losses_repeat_and_forgives_quiet() -> None:
    backoff = ReloadBackoff(first_s=10, max_s=60)
    assert [backoff.after_loss(t) for t in (0, 1, 2, 3, 4)] == [0, 10, 20, 40, 60]
    assert backoff.after_loss(200) == 0  # no loss for longer than the longest wait


def test_an_engine_lost_again_soon_reloads_only_after_a_wait(tmp_path: Path) -> None:
    """Varied heavy queries (each a new text, so the "never again" list cannot see them) cost
    one reload, then the engine waits: queries meanwhile run, and stop, on disk workers."""

    async def heavy(service: GraphService, text: str) -> None:
        with pytest.raises(QueryTimeout):
            await (await service.run(text, "text/csv")).read()

    async def scenario(service: GraphService) -> None:
        await start_with_sixty(service)
        pool = service._executor.pool  # type: ignore[attr-defined]
        loads = pool.stats.memory_loads
        await heavy(service, HEAVY)  # the first loss: a new engine loads at once
        await until_memory(service)
        assert pool.stats.memory_loads == loads + 1
        await heavy(service, HEAVY + " LIMIT 7")  # lost again, soon: no reload for a while
        assert pool.stats.reloads_delayed == 1
        await heavy(service, HEAVY + " LIMIT 8")  # runs on disk: the engine is not there
        assert service.query_store == "disk" and await count(service) == 60
        await asyncio.sleep(1.0)
        assert pool.stats.memory_loads == loads + 1 and pool._engine is None
        await until_memory(service)  # after the wait, it loads again
        assert pool.stats.memory_loads == loads + 2
        await service.stop()

    settings = make_settings(
        tmp_path,
        query_cache_mb=0,
        query_workers=2,
        query_workers_max=4,
        query_timeout_s=1.0,
        engine_reload_backoff_s=4.0,
    )
    run(scenario, settings)
