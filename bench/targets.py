"""What the benchmark measures: each target is started on loopback, loaded, sampled, stopped.

- ``floor``: pyoxigraph in this process, in memory, called from a thread pool (no HTTP); the
  least any server built on it could cost.
- ``floor-disk``: the same on pyoxigraph's on-disk store (what this service's workers query).
- ``oxigraph-disk``: ``oxigraph load`` then ``oxigraph serve --location … --union-default-graph``.
- ``oxigraph-mem``: ``oxigraph serve`` without ``--location``, loaded by POST to ``/store``.
- ``uikg``: ``uikg load --bulk`` into a fresh data dir, then ``uikg serve``.
"""

from __future__ import annotations

import abc
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import httpx
from pyoxigraph import QueryBoolean, QueryResultsFormat, QuerySolutions, RdfFormat, Store, serialize

from bench.load import Group, Sample, run_http_groups, run_threads
from bench.mixes import Request
from tests.support.servers import Server, _wait, free_port, oxigraph_binary, start_uikg

Log = Callable[[str], None]


class Target(abc.ABC):
    name = ""
    http = True

    def __init__(self, data: Path, workdir: Path, log: Log) -> None:
        self.data = data
        self.workdir = workdir / self.name
        self.log = log

    def prepare(self) -> None:  # noqa: B027 (an optional hook)
        """Load the data (once)."""

    def start(self, timeout_s: float | None = None) -> None:  # noqa: B027 (an optional hook)
        """Start serving; ``timeout_s`` is the server's query time limit (None: the default)."""

    def stop(self) -> None: ...  # noqa: B027 (an optional hook)

    @abc.abstractmethod
    def run(self, groups: Sequence[Group], duration_s: float, max_requests: int) -> list[Sample]:
        """Send the mix for ``duration_s`` (at most ``max_requests``) and time each request."""

    def describe(self) -> str:
        return self.name


class _Floor(Target, abc.ABC):
    http = False
    store: Store | None = None

    @abc.abstractmethod
    def _open(self) -> Store:
        """The pyoxigraph store this floor queries."""

    def prepare(self) -> None:  # noqa: B027 (an optional hook)
        began = time.perf_counter()
        self.store = self._open()
        with self.data.open("rb") as handle:
            self.store.bulk_load(handle, RdfFormat.N_QUADS)
        self.log(
            f"{self.name}: loaded {len(self.store):,} quads in {time.perf_counter() - began:.1f} s"
        )

    def call(self, request: Request) -> bytes:
        assert self.store is not None
        result = self.store.query(request.query, use_default_graph_as_union=True)
        if isinstance(result, QuerySolutions | QueryBoolean):
            return result.serialize(format=QueryResultsFormat.JSON) or b""
        return serialize(result, format=RdfFormat.N_TRIPLES) or b""

    def run(self, groups: Sequence[Group], duration_s: float, max_requests: int) -> list[Sample]:
        if len(groups) != 1:
            raise ValueError("the in-process floor runs one group at a time")
        group = groups[0]
        return [
            run_threads(
                self.call, group.requests, group.concurrency, duration_s, max_requests=max_requests
            )
        ]

    def stop(self) -> None:
        self.store = None


class Floor(_Floor):
    name = "floor"

    def _open(self) -> Store:
        return Store()

    def describe(self) -> str:
        return "pyoxigraph in-process, in-memory store, thread pool, results serialised to JSON"


class FloorDisk(_Floor):
    name = "floor-disk"

    def _open(self) -> Store:
        shutil.rmtree(self.workdir, ignore_errors=True)
        self.workdir.mkdir(parents=True)
        return Store(str(self.workdir / "store"))

    def describe(self) -> str:
        return "pyoxigraph in-process, on-disk (RocksDB) store, thread pool"


class _Server(Target):
    path = "/query"
    server: Server | None = None

    def run(self, groups: Sequence[Group], duration_s: float, max_requests: int) -> list[Sample]:
        assert self.server is not None
        return run_http_groups(
            self.server.url + self.path,
            groups,
            duration_s,
            max_requests=max_requests,
            server_pid=self.server.process.pid,
        )

    def stop(self) -> None:
        if self.server is not None:
            self.server.stop()
            self.server = None

    def _serve_oxigraph(self, extra: list[str], timeout_s: float | None) -> Server:
        binary = oxigraph_binary()
        if binary is None:
            raise RuntimeError("the oxigraph server is not installed (pip install oxigraph)")
        port = free_port()
        log = self.workdir / f"oxigraph-{port}.log"
        command = [binary, "serve", *extra, "--bind", f"127.0.0.1:{port}", "--union-default-graph"]
        if timeout_s is not None:
            # Only for the isolation scenario: oxigraph 0.5.13 keeps one thread per request
            # alive for the whole time limit, so under sustained load it runs out of threads
            # ("Resource temporarily unavailable", HTTP 500).
            command += ["--timeout-s", f"{timeout_s:g}"]
        process = subprocess.Popen(command, stdout=log.open("wb"), stderr=subprocess.STDOUT)
        url = f"http://127.0.0.1:{port}"
        _wait(f"{url}/query?query=ASK%7B%7D", process, log)
        return Server(url, process, log)


class OxigraphDisk(_Server):
    name = "oxigraph-disk"

    def prepare(self) -> None:  # noqa: B027 (an optional hook)
        shutil.rmtree(self.workdir, ignore_errors=True)
        self.workdir.mkdir(parents=True)
        binary = oxigraph_binary()
        if binary is None:
            raise RuntimeError("the oxigraph server is not installed (pip install oxigraph)")
        began = time.perf_counter()
        subprocess.run(
            [binary, "load", "--location", str(self.workdir / "store"), "--file", str(self.data)],
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self.log(f"{self.name}: oxigraph load took {time.perf_counter() - began:.1f} s")

    def start(self, timeout_s: float | None = None) -> None:  # noqa: B027 (an optional hook)
        self.server = self._serve_oxigraph(["--location", str(self.workdir / "store")], timeout_s)

    def describe(self) -> str:
        return "oxigraph serve --location DIR --union-default-graph (RocksDB on disk)"


def _chunks(path: Path, size: int = 1 << 20) -> Iterator[bytes]:
    with path.open("rb") as handle:
        while block := handle.read(size):
            yield block


class OxigraphMemory(_Server):
    name = "oxigraph-mem"

    def prepare(self) -> None:  # noqa: B027 (an optional hook)
        shutil.rmtree(self.workdir, ignore_errors=True)
        self.workdir.mkdir(parents=True)

    def start(self, timeout_s: float | None = None) -> None:  # noqa: B027 (an optional hook)
        self.server = self._serve_oxigraph([], timeout_s)
        began = time.perf_counter()
        response = httpx.post(
            f"{self.server.url}/store",
            content=_chunks(self.data),
            headers={"Content-Type": "application/n-quads"},
            timeout=None,
        )
        response.raise_for_status()
        self.log(f"{self.name}: POST /store took {time.perf_counter() - began:.1f} s")

    def describe(self) -> str:
        return "oxigraph serve (in memory) --union-default-graph, loaded by POST /store"


class Uikg(_Server):
    name = "uikg"
    path = "/sparql"

    def __init__(
        self, data: Path, workdir: Path, log: Log, settings: dict[str, str] | None = None
    ) -> None:
        super().__init__(data, workdir, log)
        self.settings = settings or {}

    def prepare(self) -> None:  # noqa: B027 (an optional hook)
        shutil.rmtree(self.workdir, ignore_errors=True)
        (self.workdir / "data").mkdir(parents=True)
        env = {k: v for k, v in os.environ.items() if not k.startswith("UIKG_")}
        began = time.perf_counter()
        subprocess.run(
            [
                sys.executable,
                "-m",
                "uikg.api",
                "load",
                "--bulk",
                "--data-dir",
                str(self.workdir / "data"),
                str(self.data),
            ],
            check=True,
            stdout=subprocess.DEVNULL,
            env=env,
        )
        self.log(f"{self.name}: uikg load --bulk took {time.perf_counter() - began:.1f} s")

    def start(self, timeout_s: float | None = None) -> None:  # noqa: B027 (an optional hook)
        settings = dict(self.settings)  # the service's own defaults otherwise (10 s limit)
        if timeout_s is not None:
            settings["query_timeout_s"] = f"{timeout_s:g}"
        began = time.perf_counter()
        # The first start of a data dir writes the change feed's first page (every graph):
        # about a minute at 1 M triples on 2 busy cores.
        self.server = start_uikg(
            self.workdir / "data", self.workdir, start_timeout_s=600, **settings
        )
        if settings.get("query_in_memory", "true").lower() == "true":
            self.server.wait_for_queries_on("memory", timeout=600)
            self.log(
                f"{self.name}: queries on the in-memory copy after {time.perf_counter() - began:.1f} s"
            )

    def describe(self) -> str:
        extra = ", ".join(f"{k}={v}" for k, v in sorted(self.settings.items()))
        memory = self.settings.get("query_in_memory", "true").lower() == "true"
        engine = "a query engine over an in-memory copy" if memory else "RocksDB snapshots"
        return f"uikg serve (FastAPI + {engine})" + (
            f" with {extra}" if extra else ", default settings"
        )


class UikgNoCache(Uikg):
    """The same service with the result cache off: the engine path alone, what a workload
    whose questions never repeat gets."""

    name = "uikg-nocache"

    def __init__(
        self, data: Path, workdir: Path, log: Log, settings: dict[str, str] | None = None
    ) -> None:
        super().__init__(data, workdir, log, {"query_cache_mb": "0", **(settings or {})})


TARGETS: dict[str, type[Target]] = {
    cls.name: cls for cls in (Floor, FloorDisk, OxigraphDisk, OxigraphMemory, Uikg, UikgNoCache)
}
