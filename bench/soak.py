"""``make soak``: a bounded mixed load with contributions, kills, and a memory curve.

For a few minutes, readers query the endpoint, the REST API and the pages while a contributor
submits records and a curator accepts them; optionally the server is SIGKILLed at random
moments (accepts in flight) and restarted on the same data. At the end every accepted record
must be published exactly once, every pending one must still be pending, no read may have
failed outside the kill windows, and the memory of the server's process tree (PSS and RSS,
``bench.memory``) is reported as a curve. Every process the soak starts ends with it: the last
server is stopped, and its query processes die with it. Loopback only, bounded in time.

    python -m bench.soak --seconds 180 --kills 3
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
from dataclasses import dataclass, field
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.memory import MB, MemorySampler  # noqa: E402
from tests.support.servers import Server, free_port, start_uikg  # noqa: E402

CONTRIBUTOR = "soak-contributor-token-0123456789"
CURATOR = "soak-curator-token-0123456789abcd"
UIKG = "https://w3id.org/uikg/"
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


class Soak:
    def __init__(
        self, data_dir: Path, log_dir: Path, seconds: float, kills: int, readers: int
    ) -> None:
        self.data_dir = data_dir
        self.log_dir = log_dir
        self.deadline = time.monotonic() + seconds
        self.kills = kills
        self.readers = readers
        self.port = free_port()
        self.tally = Tally()
        # Every process the soak starts is a descendant of this one (until it is killed).
        self.memory = MemorySampler(os.getpid(), include_root=False, interval=1.0)
        self.server: Server | None = None
        self.restarting = threading.Event()
        self.started = time.monotonic()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        self.server = start_uikg(
            self.data_dir,
            self.log_dir,
            port=self.port,
            tokens=f"ngo:contributor:{CONTRIBUTOR},ed:curator:{CURATOR}",
        )

    def running(self) -> bool:
        return time.monotonic() < self.deadline

    def reader(self, seed: int) -> None:
        rng = random.Random(seed)
        with httpx.Client(base_url=self.url, timeout=30) as client:
            while self.running():
                if self.restarting.is_set():
                    time.sleep(0.05)
                    continue
                method, path, params = rng.choice(READS)
                started = time.monotonic()
                try:
                    reply = client.request(method, path, params=params)
                except httpx.HTTPError as error:
                    if not self.restarting.is_set():
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
        number = 0
        with httpx.Client(base_url=self.url, timeout=60) as client:
            while self.running():
                if self.restarting.is_set():
                    time.sleep(0.05)
                    continue
                slug = f"soak-{os.getpid()}-{number}"
                try:
                    reply = client.post(
                        "/contributions",
                        content=record(slug),
                        headers={
                            "Authorization": f"Bearer {CONTRIBUTOR}",
                            "Content-Type": "text/turtle",
                        },
                    )
                except httpx.HTTPError:
                    continue  # killed mid-request: the record may or may not be pending, checked below
                if reply.status_code == 201:
                    number += 1
                    with self.tally.lock:
                        self.tally.submitted[reply.json()["id"]] = slug
                time.sleep(0.2)

    def curator(self) -> None:
        with httpx.Client(base_url=self.url, timeout=60) as client:
            while self.running():
                if self.restarting.is_set():
                    time.sleep(0.05)
                    continue
                try:
                    pending = client.get(
                        "/contributions",
                        params={"status": "pending"},
                        headers={"Authorization": f"Bearer {CURATOR}"},
                    ).json()
                except (httpx.HTTPError, ValueError):
                    continue
                items = pending if isinstance(pending, list) else pending.get("contributions", [])
                for item in items[:5]:
                    cid = item["id"]
                    try:
                        reply = client.post(
                            f"/contributions/{cid}/accept",
                            headers={"Authorization": f"Bearer {CURATOR}"},
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
        for index in range(self.kills):
            time.sleep(total / (self.kills + 1) * (0.5 + rng.random()))
            if not self.running():
                return
            self.restarting.set()
            assert self.server is not None
            self.memory.phase = f"kill {index + 1}"
            self.server.kill()
            print(
                f"  killed the server (SIGKILL #{index + 1}) at {time.monotonic() - self.started:.0f} s"
            )
            self.start()
            self.restarting.clear()

    def run(self) -> dict[str, object]:
        """The load, then the checks; the server is stopped whatever happens."""
        self.memory.start()
        try:
            self.start()
            self.memory.phase = "load"
            threads = [threading.Thread(target=self.reader, args=(i,)) for i in range(self.readers)]
            threads += [
                threading.Thread(target=self.contributor),
                threading.Thread(target=self.curator),
            ]
            if self.kills:
                threads.append(threading.Thread(target=self.killer))
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            self.memory.phase = "checks"
            return self.verify()
        finally:
            self.memory.stop()
            if self.server is not None:
                self.server.stop()

    def verify(self) -> dict[str, object]:
        """Every contribution: accepted ones published exactly once, the rest still pending."""
        assert self.server is not None
        problems: list[str] = []
        with httpx.Client(base_url=self.url, timeout=60) as client:
            curator = {"Authorization": f"Bearer {CURATOR}"}
            statuses = {}
            # Every contribution the server holds, including any whose 201 was lost in a kill.
            listed = client.get("/contributions", headers=curator).json()["contributions"]
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
            "consistency_problems": problems,
            "pss_mb_start": round(pss[0] / MB, 1) if pss else None,
            "pss_mb_end": round(pss[-1] / MB, 1) if pss else None,
            "pss_mb_max": round(max(pss) / MB, 1) if pss else None,
            "pss_mb_second_half_min_max": [round(min(later) / MB, 1), round(max(later) / MB, 1)]
            if later
            else None,
            "rss_mb_max": round(max(rss) / MB, 1) if rss else None,
            # (seconds, phase, PSS MB, RSS MB, processes), at most 120 points
            "memory_curve": [
                (round(s.at_s), s.phase, round(s.pss / MB, 1), round(s.rss / MB, 1), s.processes)
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
    parser.add_argument("--out", type=Path, default=REPO / "bench" / "results" / "soak.json")
    parser.add_argument(
        "--data-dir",
        type=Path,
        help="a scratch copy of a built data dir to soak (changed by the soak); default: build one",
    )
    args = parser.parse_args()
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
            f"soaking for {args.seconds:.0f} s with {args.readers} readers, a contributor, a curator"
            f" and {args.kills} kills …"
        )
        figures = Soak(data_dir, work, args.seconds, args.kills, args.readers).run()
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(figures, indent=1))
        for key, value in figures.items():
            if key != "memory_curve":
                print(f"  {key}: {value}")
        print(
            "  PSS curve (s: MB): "
            + " ".join(f"{point[0]}:{point[2]:.0f}" for point in figures["memory_curve"][::4])  # type: ignore[index]
        )
        ok = not figures["read_errors"] and not figures["consistency_problems"]
        print("PASS" if ok else "FAIL")
        return 0 if ok else 1
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
