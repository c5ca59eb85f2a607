"""Closed-loop load: ``concurrency`` clients, each sending its next request when the last is done.

Two drivers with the same contract (fixed duration, hard cap on requests, per-request latency):
``run_http`` (asyncio, one keep-alive HTTP/1.1 connection per client, loopback only) and
``run_threads`` (a callable in a thread pool, for the in-process floor).

CPU is sampled around each run: the load generator's own process (``client_cpu_s``), and for a
server, its process tree (``server_cpu_s``), so a report can say where the time went.
"""

from __future__ import annotations

import asyncio
import math
import os
import socket
import threading
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from bench.mixes import Request

DEFAULT_MAX_REQUESTS = 200_000
_TICK = os.sysconf("SC_CLK_TCK")


@dataclass
class Sample:
    """What one run of the load measured."""

    concurrency: int
    duration_s: float = 0.0
    latencies_s: list[float] = field(default_factory=list)  # successful requests only
    errors: Counter[str] = field(default_factory=Counter)
    error_examples: dict[str, str] = field(default_factory=dict)
    client_cpu_s: float = 0.0
    server_cpu_s: dict[str, float] = field(default_factory=dict)

    @property
    def ok(self) -> int:
        return len(self.latencies_s)

    @property
    def rps(self) -> float:
        return self.ok / self.duration_s if self.duration_s else 0.0

    def percentile(self, q: float) -> float | None:
        """Nearest-rank percentile of the successful latencies, in seconds."""
        if not self.latencies_s:
            return None
        ordered = sorted(self.latencies_s)
        rank = max(1, math.ceil(q / 100 * len(ordered)))
        return ordered[rank - 1]

    def summary(self) -> dict[str, object]:
        p50, p99 = self.percentile(50), self.percentile(99)
        total = self.ok + sum(self.errors.values())
        return {
            "concurrency": self.concurrency,
            "duration_s": round(self.duration_s, 3),
            "requests": self.ok,
            "errors": dict(self.errors),
            "error_examples": self.error_examples,
            "rps": round(self.rps, 2),
            "p50_ms": None if p50 is None else round(p50 * 1000, 3),
            "p99_ms": None if p99 is None else round(p99 * 1000, 3),
            "client_cpu_ms_per_request": round(self.client_cpu_s * 1000 / total, 3)
            if total
            else None,
            "server_cpu_ms_per_request": {
                name: round(value * 1000 / total, 3) for name, value in self.server_cpu_s.items()
            }
            if total
            else {},
        }


# -- CPU accounting -------------------------------------------------------------------------------
def _stat(pid: int) -> list[str] | None:
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as handle:
            text = handle.read()
    except OSError:
        return None
    return text[text.rindex(")") + 2 :].split()  # fields from "state" on


def process_tree_cpu(pid: int) -> dict[str, float]:
    """CPU seconds of a process (with its reaped children) and of its live descendants."""
    parents: dict[int, list[int]] = {}
    stats: dict[int, list[str]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            fields = _stat(int(entry))
            if fields is not None:
                stats[int(entry)] = fields
                parents.setdefault(int(fields[1]), []).append(int(entry))
    root = stats.get(pid)
    if root is None:
        return {}
    # fields (0-based from state): 11 utime, 12 stime, 13 cutime, 14 cstime
    main = sum(int(root[i]) for i in (11, 12, 13, 14)) / _TICK
    children = 0.0
    stack = list(parents.get(pid, []))
    while stack:
        child = stack.pop()
        fields = stats.get(child)
        if fields is not None:
            children += sum(int(fields[i]) for i in (11, 12)) / _TICK
        stack.extend(parents.get(child, []))
    return {"main": main, "children": children}


def _delta(before: dict[str, float], after: dict[str, float]) -> dict[str, float]:
    return {key: max(0.0, after.get(key, 0.0) - value) for key, value in before.items()}


# -- HTTP -----------------------------------------------------------------------------------------
def check_loopback(url: str) -> None:
    host = urlsplit(url).hostname
    if host != "127.0.0.1":
        raise ValueError(f"the load generator only targets 127.0.0.1, not {host!r}")


@dataclass(frozen=True)
class Group:
    """Clients that send the same list of requests; each group gets its own ``Sample``."""

    requests: Sequence[Request]
    concurrency: int


class ConnectionLost(Exception):
    pass


class _Connection:
    """One keep-alive HTTP/1.1 connection, just enough protocol for POSTing queries.

    httpx's AsyncClient costs about 2.5 ms of CPU per request and slows down with many
    connections, which on a 2-core machine measures the client, not the server; this costs
    about a tenth of that.
    """

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def _open(self) -> None:
        self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        sock = self.writer.get_extra_info("socket")
        if sock is not None:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None

    async def post(self, path: str, body: bytes, accept: str) -> tuple[int, bytes]:
        if self.writer is None:
            await self._open()
        assert self.reader is not None and self.writer is not None
        self.writer.write(
            (
                f"POST {path} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\n"
                f"Content-Type: application/sparql-query\r\nAccept: {accept}\r\n"
                f"Content-Length: {len(body)}\r\n\r\n"
            ).encode()
            + body
        )
        reader = self.reader
        try:
            head = await reader.readuntil(b"\r\n\r\n")
        except (asyncio.IncompleteReadError, ConnectionError) as error:
            self.close()
            raise ConnectionLost(str(error)) from None
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split(" ", 2)[1])
        headers = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip().lower()
        if "content-length" in headers:
            data = await reader.readexactly(int(headers["content-length"]))
        elif headers.get("transfer-encoding") == "chunked":
            parts = []
            while True:
                size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
                if size == 0:
                    while await reader.readuntil(b"\r\n") != b"\r\n":
                        pass
                    break
                parts.append((await reader.readexactly(size + 2))[:-2])
            data = b"".join(parts)
        else:
            data = await reader.read()
            self.close()
        if headers.get("connection") == "close":
            self.close()
        return status, data


async def _http(
    endpoint: str, groups: Sequence[Group], duration_s: float, max_requests: int, timeout_s: float
) -> list[Sample]:
    check_loopback(endpoint)
    url = urlsplit(endpoint)
    host, port, path = url.hostname or "", url.port or 80, url.path or "/"
    samples = [Sample(group.concurrency) for group in groups]
    issued = 0
    start = time.perf_counter()
    stop_at = start + duration_s

    async def one_client(group: Group, sample: Sample, index: int) -> None:
        nonlocal issued
        requests = group.requests
        position = index * max(1, len(requests) // group.concurrency)
        connection = _Connection(host, port)
        try:
            while time.perf_counter() < stop_at and issued < max_requests:
                issued += 1
                request = requests[position % len(requests)]
                position += 1
                began = time.perf_counter()
                try:
                    async with asyncio.timeout(timeout_s):
                        status, body = await connection.post(
                            path, request.query.encode(), request.accept
                        )
                except (
                    TimeoutError,
                    ConnectionLost,
                    OSError,
                    asyncio.IncompleteReadError,
                ) as error:
                    connection.close()
                    sample.errors[type(error).__name__] += 1
                    continue
                if status == 200:
                    sample.latencies_s.append(time.perf_counter() - began)
                else:
                    sample.errors[f"HTTP {status}"] += 1
                    sample.error_examples.setdefault(
                        f"HTTP {status}", body[:300].decode(errors="replace")
                    )
        finally:
            connection.close()

    await asyncio.gather(
        *(
            one_client(group, sample, index)
            for group, sample in zip(groups, samples, strict=True)
            for index in range(group.concurrency)
        )
    )
    elapsed = time.perf_counter() - start
    for sample in samples:
        sample.duration_s = elapsed
    return samples


def run_http_groups(
    endpoint: str,
    groups: Sequence[Group],
    duration_s: float,
    *,
    max_requests: int = DEFAULT_MAX_REQUESTS,
    timeout_s: float = 60.0,
    server_pid: int | None = None,
) -> list[Sample]:
    """POST each query (``application/sparql-query``) to ``endpoint`` for ``duration_s``.

    CPU figures are for the whole run; they are attached to the first group's sample.
    """
    server_before = process_tree_cpu(server_pid) if server_pid else {}
    cpu_before = time.process_time()
    samples = asyncio.run(_http(endpoint, groups, duration_s, max_requests, timeout_s))
    samples[0].client_cpu_s = time.process_time() - cpu_before
    if server_pid:
        samples[0].server_cpu_s = _delta(server_before, process_tree_cpu(server_pid))
    return samples


def run_http(
    endpoint: str,
    requests: Sequence[Request],
    concurrency: int,
    duration_s: float,
    **options: object,
) -> Sample:
    """One group of ``concurrency`` clients; see ``run_http_groups``."""
    return run_http_groups(endpoint, [Group(requests, concurrency)], duration_s, **options)[0]  # type: ignore[arg-type]


# -- in-process -----------------------------------------------------------------------------------
def run_threads(
    call: Callable[[Request], object],
    requests: Sequence[Request],
    concurrency: int,
    duration_s: float,
    *,
    max_requests: int = DEFAULT_MAX_REQUESTS,
) -> Sample:
    """``call(request)`` from ``concurrency`` threads for ``duration_s`` (the in-process floor)."""
    sample = Sample(concurrency)
    lock = threading.Lock()
    issued = 0
    start = time.perf_counter()
    stop_at = start + duration_s

    def one_client(index: int) -> None:
        nonlocal issued
        position = index * max(1, len(requests) // concurrency)
        latencies: list[float] = []
        errors: Counter[str] = Counter()
        while time.perf_counter() < stop_at:
            with lock:
                if issued >= max_requests:
                    break
                issued += 1
            request = requests[position % len(requests)]
            position += 1
            began = time.perf_counter()
            try:
                call(request)
            except Exception as error:  # a benchmark records failures, it does not stop on them
                errors[type(error).__name__] += 1
                continue
            latencies.append(time.perf_counter() - began)
        with lock:
            sample.latencies_s.extend(latencies)
            sample.errors.update(errors)

    cpu_before = time.process_time()
    threads = [threading.Thread(target=one_client, args=(i,)) for i in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    sample.duration_s = time.perf_counter() - start
    sample.client_cpu_s = time.process_time() - cpu_before
    return sample
