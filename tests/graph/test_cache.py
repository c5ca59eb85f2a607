"""The query result cache: bounded, and never serving a result across a write."""

from __future__ import annotations

from tests.support import aio
from uikg.graph.runner.cache import CachedResult, ResultCache
from uikg.graph.service import GraphService
from uikg.graph.settings import Settings


def result(body: bytes) -> CachedResult:
    return CachedResult("text/csv", body, 1, False)


def test_lru_by_bytes() -> None:
    cache = ResultCache(max_bytes=10, max_entry_bytes=6)
    cache.put("a", result(b"aaaa"))
    cache.put("b", result(b"bbbb"))
    assert cache.get("a") is not None  # a is now the most recent
    cache.put("c", result(b"cccc"))  # over 10 bytes: b, the least recent, goes
    assert cache.get("b") is None and cache.get("a") and cache.get("c")
    cache.put("big", result(b"x" * 7))  # larger than an entry may be: not kept
    assert cache.get("big") is None


def test_zero_turns_it_off() -> None:
    cache = ResultCache(max_bytes=0, max_entry_bytes=1024)
    cache.put("a", result(b"a"))
    assert cache.get("a") is None


def test_service_serves_repeats_from_cache_and_never_across_a_write(settings: Settings) -> None:
    async def scenario(service: GraphService) -> None:
        await service.start()

        async def run(query: str) -> bytes:
            stream = await service.run(query, "text/csv")
            return await stream.read()

        service.update("INSERT DATA { <http://ex/a> <http://ex/p> 1 }")
        query = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
        first = await run(query)
        hits = service.cache.hits
        assert await run(query) == first
        assert service.cache.hits == hits + 1
        await run("SELECT ?s WHERE { ?s ?p 1 }")
        assert service.cache.size > 0
        service.update("INSERT DATA { <http://ex/b> <http://ex/p> 2 }")
        assert service.cache.size == 0  # the old generation's entries are gone with it
        assert (await run(query)).split() == [b"n", b"2"]
        await service.stop()

    service = GraphService.open(settings)
    try:
        aio.run(scenario(service))
    finally:
        service.close()
