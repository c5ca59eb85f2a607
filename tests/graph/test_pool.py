"""The worker pool's two kinds of workers: over the in-memory copy, and over the on-disk snapshot.

A write must be visible to the next query at once, although the in-memory copy takes a while
to reload: the pool answers from the on-disk snapshot until the new copy is ready.
"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

from pyoxigraph import Literal, NamedNode, Triple

from tests.conftest import make_settings
from tests.support import aio
from uikg.graph.service import GraphService

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

    service = GraphService.open(make_settings(tmp_path, query_cache_mb=0))  # every query runs
    try:
        aio.run(scenario(service))
    finally:
        service.close()


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

    service = GraphService.open(make_settings(tmp_path, query_cache_mb=0))
    try:
        aio.run(scenario(service))
    finally:
        service.close()


def test_without_the_copy_every_query_runs_on_disk(tmp_path: Path) -> None:
    async def scenario(service: GraphService) -> None:
        await service.start()
        service.update("INSERT DATA { <http://ex/a> <http://ex/p> 1 }")
        assert await count(service) == 1
        await asyncio.sleep(0.5)
        assert service.query_store == "disk"
        assert service._executor.pool.stats.memory_queries == 0  # type: ignore[attr-defined]
        await service.stop()

    service = GraphService.open(make_settings(tmp_path, query_in_memory=False))
    try:
        aio.run(scenario(service))
    finally:
        service.close()


def test_a_dead_zygote_sends_queries_back_to_disk(tmp_path: Path) -> None:
    async def scenario(service: GraphService) -> None:
        await service.start()
        service.update("INSERT DATA { <http://ex/a> <http://ex/p> 1 }")
        await until_memory(service)
        pool = service._executor.pool  # type: ignore[attr-defined]
        pool._zygotes[0].process.kill()
        pool._zygotes[0].process.wait()
        # two at once: one takes the warm worker, the other needs a new one the zygote can't fork
        assert await asyncio.gather(count(service), count(service)) == [1, 1]
        assert service.query_store == "disk"
        assert await count(service) == 1
        await service.stop()

    settings = make_settings(tmp_path, query_cache_mb=0, query_workers=1, query_workers_max=3)
    service = GraphService.open(settings)
    try:
        aio.run(scenario(service))
    finally:
        service.close()
