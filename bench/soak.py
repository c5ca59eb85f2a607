"""``make soak``: a bounded mixed load with contributions, kills, and a memory curve.

For a few minutes, readers query the endpoint, the REST API and the pages while a contributor
submits records and a curator accepts them; optionally the server is SIGKILLed at random
moments (accepts in flight) and restarted on the same data; with ``--remote``, two API
processes share a published store and a contribution queue on Oxigraph servers and each kill
takes one of them while the other serves on. At the end every accepted record
must be published exactly once, every pending one must still be pending, no read may have
failed outside the kill windows, and the memory of the server's process tree (PSS and RSS,
``bench.memory``) is reported as a curve. Every process the soak starts ends with it: the last
server is stopped, and its query processes die with it. Loopback only, bounded in time.

    python -m bench.soak --seconds 180 --kills 3
    python -m bench.soak --remote        # two API processes sharing Oxigraph servers
    python -m bench.soak --data-dir COPY   # a scratch copy of a built data dir: no build
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench import end_on_sigterm  # noqa: E402
from bench.memory import MB, MemorySampler, Sample  # noqa: E402
from tests.support.servers import (  # noqa: E402
    Server,
    dump_built,
    free_port,
    load_remote,
    queue_settings,
    remote_settings,
    start_oxigraph,
    start_uikg,
)

CONTRIBUTOR = "soak-contributor-token-0123456789"
CURATOR = "soak-curator-token-0123456789abcd"
UIKG = "https://w3id.org/uikg/"
# A client drops an idle connection before the server does (uvicorn after 5 s, httpx's default
# too): otherwise a request sent on a connection the server is closing fails with a reset, a
# race of keep-alive, not an answer of the server (seen once in an hour of the remote soak).
CLIENT_LIMITS = httpx.Limits(keepalive_expiry=2)

READS = [
    (
        "GET",
        "/sparql",
        {
            "query": "SELECT ?c ?l WHERE { ?c a <https://w3id.org/uikg/ontology#City> ; "
            "<http://www.w3.org/2000/01/rdf-schema#label> ?l } LIMIT 50"
        },
    ),
    ("GET", "/api/v1/cities", {"limit": "20"}),
    ("GET", "/api/v1/queries/gdansk_model_areas", {}),
    ("GET", "/doc/id/city/gdansk.ttl", {}),
    ("GET", "/doc/id/city/gdansk.html", {}),
    ("GET", "/search", {"q": "gdansk"}),
    # OpenRefine's reconciliation and a mirror following the change feed
    ("GET", "/reconcile", {"queries": json.dumps({"q0": {"query": "Gdańsk", "type": "City"}})}),
    ("GET", "/feed", {}),
]


def record(slug: str) -> bytes:
    return (
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        "@prefix dct: <http://purl.org/dc/terms/> .\n"
        "@prefix uikg: <https://w3id.org/uikg/ontology#> .\n"
        f"<{UIKG}id/city/{slug}> a uikg:City ;\n"
        f'    rdfs:label "Soak {slug}"@en ;\n'
        f"    uikg:country <{UIKG}id/country/poland> ;\n"
        f"    dct:source <https://example.org/soak/{slug}> .\n"
    ).encode()


RECORD_TRIPLES = 4


@dataclass
class Tally:
    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    submitted: dict[str, str] = field(default_factory=dict)  # contribution id -> slug
    accepted: set[str] = field(default_factory=set)
    lock: threading.Lock = field(default_factory=threading.Lock)


def _pss_of(kind: str) -> Callable[[Sample], int]:
    return lambda sample: sample.by_kind.get(kind, 0)


class Soak:
    """The load, the kills and the checks over one service (embedded store) or, with
    ``remote``, two API processes sharing a published store and a contribution queue, each on
    its own Oxigraph server: readers and the contributor use either process, the curator
    decides at either, and each kill takes one API process while the other serves on."""

    def __init__(
        self,
        data_dir: Path,
        log_dir: Path,
        seconds: float,
        kills: int,
        readers: int,
        remote: bool = False,
        per_minute: float = 0,
    ) -> None:
        self.data_dir = data_dir
        self.log_dir = log_dir
        self.seconds = seconds
        self.deadline = time.monotonic() + seconds
        self.kills = kills
        self.readers = readers
        self.remote = remote
        # contributions a minute: 0 sends them as fast as the service takes them (a stress that
        # grows the graph 40-50x in an hour); a rate keeps the data near its size, so that
        # memory can be judged flat or not
        self.pause = 60 / per_minute if per_minute else 0.2
        self.quads: list[int] = []  # at the start of the load, at the end
        self.ports = [free_port() for _ in range(2 if remote else 1)]
        self.tally = Tally()
        # Every process the soak starts is a descendant of this one (until it is killed).
        self.memory = MemorySampler(os.getpid(), include_root=False, interval=1.0)
        self.servers: list[Server | None] = [None] * len(self.ports)
        self.backing: list[Server] = []  # the remote stores' servers
        self.settings: dict[str, str] = {}
        self.restarting = [threading.Event() for _ in self.ports]
        self.ended = threading.Event()  # the load is over, or cut short
        self.killing = threading.Thread(target=self.killer)
        self.started = time.monotonic()

    @property
    def port(self) -> int:
        return self.ports[0]

    @property
    def url(self) -> str:
        return self.url_of(0)

    def url_of(self, index: int) -> str:
        return f"http://127.0.0.1:{self.ports[index]}"

    def up(self, rng: random.Random) -> int | None:
        """An API process not being restarted (None while every one is)."""
        serving = [i for i, event in enumerate(self.restarting) if not event.is_set()]
        return rng.choice(serving) if serving else None

    def prepare(self) -> None:
        """For ``remote``: the published store and the queue on two Oxigraph servers, the
        published one loaded with the built data dir's graph."""
        if not self.remote:
            return
        dump = dump_built(self.data_dir, self.log_dir / "dump.nq")
        published = start_oxigraph(self.log_dir / "published", self.log_dir)
        self.backing.append(published)
        queue = start_oxigraph(self.log_dir / "queue", self.log_dir)
        self.backing.append(queue)
        self.settings = remote_settings("oxigraph", published)
        load_remote(dump, self.settings, REPO)
        self.settings |= queue_settings("oxigraph", queue) | {"version_check_s": "1"}

    def start(self, index: int = 0) -> None:
        self.servers[index] = start_uikg(
            self.data_dir if not self.remote else self.log_dir / f"api-{index}",
            self.log_dir,
            port=self.ports[index],
            tokens=f"ngo:contributor:{CONTRIBUTOR},ed:curator:{CURATOR}",
            **self.settings,  # type: ignore[arg-type]
        )

    def running(self) -> bool:
        return not self.ended.is_set() and time.monotonic() < self.deadline

    def reader(self, seed: int) -> None:
        rng = random.Random(seed)
        with httpx.Client(timeout=30, limits=CLIENT_LIMITS) as client:
            while self.running():
                index = self.up(rng)
                if index is None:
                    time.sleep(0.05)
                    continue
                method, path, params = rng.choice(READS)
                started = time.monotonic()
                try:
                    reply = client.request(method, self.url_of(index) + path, params=params)
                except httpx.HTTPError as error:
                    if not self.restarting[index].is_set():
                        with self.tally.lock:
                            self.tally.errors.append(f"{path}: {error!r}")
                    continue
                elapsed = time.monotonic() - started
                with self.tally.lock:
                    if reply.status_code >= 400:
                        self.tally.errors.append(
                            f"{path}: HTTP {reply.status_code} {reply.text[:120]}"
                        )
                    else:
                        self.tally.latencies.append(elapsed)

    def contributor(self) -> None:
        rng = random.Random(11)
        number = 0
        with httpx.Client(timeout=60, limits=CLIENT_LIMITS) as client:
            while self.running():
                index = self.up(rng)
                if index is None:
                    time.sleep(0.05)
                    continue
                # a slug per attempt: a record sent again after a kill (the first may have been
                # stored, its 201 lost) is another city, so each city's triples are one record's
                slug = f"soak-{os.getpid()}-{number}"
                number += 1
                try:
                    reply = client.post(
                        self.url_of(index) + "/contributions",
                        content=record(slug),
                        headers={
                            "Authorization": f"Bearer {CONTRIBUTOR}",
                            "Content-Type": "text/turtle",
                        },
                    )
                except httpx.HTTPError:
                    continue  # killed mid-request: the record may or may not be pending, checked below
                if reply.status_code == 201:
                    with self.tally.lock:
                        self.tally.submitted[reply.json()["id"]] = slug
                time.sleep(self.pause)

    def curator(self) -> None:
        rng = random.Random(13)
        curator = {"Authorization": f"Bearer {CURATOR}"}
        with httpx.Client(timeout=60, limits=CLIENT_LIMITS) as client:
            while self.running():
                index = self.up(rng)
                if index is None:
                    time.sleep(0.05)
                    continue
                try:
                    pending = client.get(
                        self.url_of(index) + "/contributions",
                        params={"status": "pending"},
                        headers=curator,
                    ).json()
                except (httpx.HTTPError, ValueError):
                    continue
                items = pending if isinstance(pending, list) else pending.get("contributions", [])
                for item in items[:5]:
                    cid = item["id"]
                    at = self.up(rng)  # decided at either process
                    if at is None:
                        break
                    try:
                        reply = client.post(
                            f"{self.url_of(at)}/contributions/{cid}/accept", headers=curator
                        )
                    except httpx.HTTPError:
                        continue
                    if reply.status_code in (200, 204):
                        with self.tally.lock:
                            self.tally.accepted.add(cid)
                time.sleep(0.3)

    def killer(self) -> None:
        rng = random.Random(7)
        total = self.deadline - time.monotonic()
        for number in range(self.kills):
            if self.ended.wait(total / (self.kills + 1) * (0.5 + rng.random())):
                return
            if not self.running():
                return
            index = number % len(self.ports)
            self.restarting[index].set()
            server = self.servers[index]
            assert server is not None
            self.memory.phase = f"kill {number + 1}"
            server.kill()
            which = f" of API process {index + 1} of 2" if self.remote else ""
            print(
                f"  killed the server{which} (SIGKILL #{number + 1}) at "
                f"{time.monotonic() - self.started:.0f} s"
            )
            self.start(index)
            self.restarting[index].clear()

    def run(self) -> dict[str, object]:
        """The load, then the checks; every server is stopped whatever happens."""
        self.memory.start()
        try:
            self.prepare()
            for index in range(len(self.ports)):
                self.start(index)
            self.quads.append(self.count_quads())
            self.deadline = time.monotonic() + self.seconds  # the load's time, after set-up
            self.memory.phase = "load"
            threads = [threading.Thread(target=self.reader, args=(i,)) for i in range(self.readers)]
            threads += [
                threading.Thread(target=self.contributor),
                threading.Thread(target=self.curator),
            ]
            threads.append(self.killing)
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            self.memory.phase = "checks"
            return self.verify()
        finally:
            self.ended.set()  # the load's threads end too, if this ends early (SIGTERM, Ctrl-C)
            if self.killing.is_alive():
                self.killing.join()  # a server it is starting again is stopped below, not left
            self.memory.stop()
            for server in [*self.servers, *reversed(self.backing)]:
                if server is not None:
                    server.stop()

    def count_quads(self) -> int:
        with httpx.Client(base_url=self.url, timeout=120) as client:
            reply = client.get(
                "/sparql",
                params={"query": "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"},
                headers={"Accept": "application/sparql-results+json"},
            )
            reply.raise_for_status()
            return int(reply.json()["results"]["bindings"][0]["n"]["value"])

    def flatness(self) -> dict[str, object]:
        """The peak PSS of each quarter of the load: after the first (warm-up), memory is flat
        when the last quarter's peak is within 10% of the second's. The same per kind of
        process (``bench.memory.kind``, summed over the processes of a kind) says which grew;
        RSS too, since the PSS of a page shared with a process outside the tree (another
        Python process on the same libraries) changes when that process comes or goes."""
        load = [s for s in self.memory.samples if s.phase not in ("start", "checks")]
        if len(load) < 4:
            return {"pss_mb_max_by_quarter": None, "memory_flat": None}
        size = len(load) / 4
        quarters = [load[int(q * size) : int((q + 1) * size)] for q in range(4)]

        def peaks(value: Callable[[Sample], int]) -> list[float]:
            return [round(max(value(s) for s in quarter) / MB, 1) for quarter in quarters]

        def flat(quarter_peaks: list[float]) -> bool:
            return quarter_peaks[3] <= quarter_peaks[1] * 1.1

        pss, rss = peaks(lambda s: s.pss), peaks(lambda s: s.rss)
        by_kind = {
            name: peaks(_pss_of(name)) for name in sorted({n for s in load for n in s.by_kind})
        }
        return {
            "pss_mb_max_by_quarter": pss,
            "rss_mb_max_by_quarter": rss,
            "pss_mb_max_by_quarter_by_kind": by_kind,
            "memory_flat_by_kind": {name: flat(p) for name, p in by_kind.items()},
            "memory_flat_rss": flat(rss),
            "memory_flat": flat(pss),
        }

    def feed(self) -> dict[str, object]:
        """The change feeds' size: pages after the first (the build, the whole dataset) should
        stay as small as what each write changed, however many came before."""
        folders = (
            [self.data_dir / "feed"]
            if not self.remote
            else [self.log_dir / f"api-{index}" / "feed" for index in range(len(self.ports))]
        )
        pages = [p for f in folders if f.is_dir() for p in f.glob("*.json") if p.stem.isdigit()]
        later = [p.stat().st_size for p in pages if p.stem != "1"]
        return {
            "feed_pages": len(pages),
            "feed_mb": round(sum(p.stat().st_size for p in pages) / MB, 1),
            "feed_page_kb_max_after_build": round(max(later) / 1024, 1) if later else None,
        }

    def verify(self) -> dict[str, object]:
        """Every contribution: accepted ones published exactly once, the rest still pending."""
        problems: list[str] = []
        with httpx.Client(base_url=self.url, timeout=60) as client:
            curator = {"Authorization": f"Bearer {CURATOR}"}
            statuses = {}
            # Every contribution the server holds, including any whose 201 was lost in a kill.
            listed, page = [], client.get("/contributions", headers=curator).json()
            while True:
                listed += page["contributions"]
                if not page.get("next"):
                    break
                page = client.get(page["next"], headers=curator).json()
            for item in listed:
                cid, status = item["id"], item["status"]
                statuses[cid] = status
                slug = self.tally.submitted.get(cid)
                if slug is None:
                    text = client.get(f"/contributions/{cid}/record", headers=curator).text
                    found = re.search(r"id/city/(soak-[0-9-]+)", text)
                    if found is None:
                        problems.append(f"{cid}: its record names no soak city")
                        continue
                    slug = found.group(1)
                query = (
                    f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ <{UIKG}id/city/{slug}> ?p ?o }} "
                    "FILTER(!CONTAINS(STR(?g), '/graph/inferred')) }"
                )
                reply = client.get(
                    "/sparql",
                    params={"query": query},
                    headers={"Accept": "application/sparql-results+json"},
                )
                published = int(reply.json()["results"]["bindings"][0]["n"]["value"])
                expected = RECORD_TRIPLES if status == "accepted" else 0
                if published != expected:
                    problems.append(
                        f"{cid} ({slug}) is {status} with {published} published triples"
                    )
                if cid in self.tally.accepted and status != "accepted":
                    problems.append(f"{cid} was accepted (200) but is now {status}")
        latencies = sorted(self.tally.latencies)
        self.quads.append(self.count_quads())
        feed = self.feed()
        samples = self.memory.samples
        pss = [s.pss for s in samples]
        rss = [s.rss for s in samples]
        # After warm-up: from the second half of the run on, memory should stay level.
        later = [s.pss for s in samples[len(samples) // 2 :]]
        return {
            "reads": len(latencies),
            "read_errors": len(self.tally.errors),
            "error_samples": self.tally.errors[:5],
            "p50_ms": round(statistics.median(latencies) * 1000, 1) if latencies else None,
            "p99_ms": round(latencies[int(len(latencies) * 0.99) - 1] * 1000, 1)
            if latencies
            else None,
            "contributions": len(statuses),
            "accepted": sum(1 for s in statuses.values() if s == "accepted"),
            "pending": sum(1 for s in statuses.values() if s == "pending"),
            "kills": self.kills,
            "api_processes": len(self.ports),
            "store": "Oxigraph server (published) + Oxigraph server (queue)"
            if self.remote
            else "embedded",
            "consistency_problems": problems,
            "quads_start_end": self.quads,
            **feed,
            "pss_mb_start": round(pss[0] / MB, 1) if pss else None,
            "pss_mb_end": round(pss[-1] / MB, 1) if pss else None,
            "pss_mb_max": round(max(pss) / MB, 1) if pss else None,
            "pss_mb_second_half_min_max": [round(min(later) / MB, 1), round(max(later) / MB, 1)]
            if later
            else None,
            "rss_mb_max": round(max(rss) / MB, 1) if rss else None,
            **self.flatness(),
            # (seconds, phase, PSS MB, RSS MB, processes, PSS MB per kind), at most 120 points
            "memory_curve": [
                (
                    round(s.at_s),
                    s.phase,
                    round(s.pss / MB, 1),
                    round(s.rss / MB, 1),
                    s.processes,
                    {name: round(pss / MB, 1) for name, pss in sorted(s.by_kind.items())},
                )
                for s in samples[:: max(1, len(samples) // 120)]
            ],
        }


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=float, default=180)
    parser.add_argument("--kills", type=int, default=3)
    parser.add_argument("--readers", type=int, default=4)
    parser.add_argument(
        "--per-minute",
        type=float,
        default=6,
        help="contributions sent a minute (0: as fast as the service takes them)",
    )
    parser.add_argument(
        "--remote",
        action="store_true",
        help="two API processes over Oxigraph server (published store and queue), "
        "each kill taking one of them",
    )
    parser.add_argument("--out", type=Path, default=REPO / "bench" / "results" / "soak.json")
    parser.add_argument(
        "--data-dir",
        type=Path,
        help="a scratch copy of a built data dir to soak (changed by the soak); default: build one",
    )
    parser.add_argument(
        "--keep",
        action="store_true",
        help="keep the working folder (the servers' logs, the remote stores) and say where",
    )
    args = parser.parse_args()
    end_on_sigterm()
    work = Path(tempfile.mkdtemp(prefix="uikg-soak-"))
    data_dir = args.data_dir or work / "data"
    try:
        if args.data_dir is None:
            print(f"building the graph into {work} …")
            built = os.spawnv(
                os.P_WAIT,
                sys.executable,
                [sys.executable, "-m", "uikg.api", "build", "--data-dir", str(data_dir)],
            )
            if built != 0:
                print("the build failed", file=sys.stderr)
                return 2
        print(
            f"soaking for {args.seconds:.0f} s with {args.readers} readers, a contributor"
            f" ({args.per_minute:g} a minute), a curator"
            f" and {args.kills} kills{' over two API processes on Oxigraph server' if args.remote else ''} …"
        )
        figures = Soak(
            data_dir,
            work,
            args.seconds,
            args.kills,
            args.readers,
            remote=args.remote,
            per_minute=args.per_minute,
        ).run()
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(figures, indent=1))
        for key, value in figures.items():
            if key != "memory_curve":
                print(f"  {key}: {value}")
        print(
            "  PSS curve (s: MB): "
            + " ".join(f"{point[0]}:{point[2]:.0f}" for point in figures["memory_curve"][::4])  # type: ignore[index]
        )
        ok = (
            not figures["read_errors"]
            and not figures["consistency_problems"]
            and figures["memory_flat"] is not False
        )
        print("PASS" if ok else "FAIL")
        return 0 if ok else 1
    finally:
        if args.keep:
            print(f"  the servers' logs are in {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
