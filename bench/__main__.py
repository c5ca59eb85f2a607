"""``python -m bench``: generate the data, measure every target, write the report.

Examples::

    python -m bench                      # about 1 M triples, 10 s per cell (15–20 minutes)
    python -m bench --quick              # 50 k triples, 3 s per cell (about 2 minutes)
    python -m bench --targets floor,uikg --mixes point --concurrency 8
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import sys
import tempfile
import time
from pathlib import Path

import pyoxigraph

from bench import end_on_sigterm, mixes
from bench.generate import ensure_dataset
from bench.load import DEFAULT_MAX_REQUESTS, Group
from bench.memory import MemorySampler
from bench.report import Report
from bench.targets import TARGETS, Target, Uikg, UikgNoCache

HERE = Path(__file__).resolve().parent
ISOLATION_TARGETS = ("uikg", "oxigraph-disk")


def _csv(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="small preset: 50k triples, 3 s cells, short isolation run",
    )
    parser.add_argument("--triples", type=int, help="size of the generated graph (1,000,000)")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--duration", type=float, help="seconds per cell (10)")
    parser.add_argument("--warmup", type=float, help="seconds of unrecorded load per mix (5)")
    parser.add_argument("--concurrency", default="1,8,32")
    parser.add_argument("--mixes", default="point,api,analytical")
    parser.add_argument(
        "--targets",
        default="floor,oxigraph-disk,oxigraph-mem,uikg,uikg-nocache",
        help=f"any of {', '.join(TARGETS)}",
    )
    parser.add_argument(
        "--max-requests",
        type=int,
        default=DEFAULT_MAX_REQUESTS,
        help="hard cap on requests per cell",
    )
    parser.add_argument(
        "--isolation",
        default="on",
        choices=("on", "off"),
        help="4 clients whose queries hit the time limit + cheap lookups",
    )
    parser.add_argument("--isolation-timeout", type=float, help="time limit in that scenario (3)")
    parser.add_argument("--isolation-duration", type=float, help="seconds under load (20)")
    parser.add_argument("--heavy-clients", type=int, default=4)
    parser.add_argument("--cheap-clients", type=int, default=2)
    parser.add_argument(
        "--uikg-setting",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="a setting for uikg serve, e.g. query_workers=4 (repeatable)",
    )
    parser.add_argument(
        "--out",
        type=Path,
        help="report path without suffix (default bench/results/bench-<triples>-<time>)",
    )
    parser.add_argument(
        "--cache",
        type=Path,
        default=Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "uikg-bench",
        help="where generated datasets are kept",
    )
    parser.add_argument("--keep", action="store_true", help="keep the working directory")
    args = parser.parse_args(argv)
    quick = args.quick
    defaults = {
        "triples": 50_000 if quick else 1_000_000,
        "duration": 3.0 if quick else 10.0,
        "warmup": 0.5 if quick else 5.0,
        "isolation_timeout": 2.0 if quick else 3.0,
        "isolation_duration": 6.0 if quick else 20.0,
    }
    for key, value in defaults.items():
        if getattr(args, key) is None:
            setattr(args, key, value)
    args.concurrency = [int(c) for c in _csv(args.concurrency)]
    args.mixes = _csv(args.mixes)
    args.targets = _csv(args.targets)
    for mix in args.mixes:
        if mix not in mixes.MIXES:
            parser.error(f"unknown mix {mix!r}; use {', '.join(mixes.MIXES)}")
    for target in args.targets:
        if target not in TARGETS:
            parser.error(f"unknown target {target!r}; use {', '.join(TARGETS)}")
    args.uikg_settings = dict(item.split("=", 1) for item in args.uikg_setting)
    return args


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def _make(name: str, data: Path, workdir: Path, args: argparse.Namespace) -> Target:
    if name in (Uikg.name, UikgNoCache.name):
        return TARGETS[name](data, workdir, log, settings=args.uikg_settings)  # type: ignore[call-arg]
    return TARGETS[name](data, workdir, log)


def _fmt(summary: dict[str, object]) -> str:
    errors = summary["errors"]
    return (
        f"{summary['rps']:>9,.1f} rps  p50 {summary['p50_ms']} ms  p99 {summary['p99_ms']} ms"
        + (f"  errors {errors}" if errors else "")
    )


def measure_target(
    target: Target,
    requests: mixes.Draws,
    args: argparse.Namespace,
    report: Report,
) -> None:
    target.prepare()
    # The benchmark's own process when the target runs in it (the floor), else the servers it
    # starts: every process of the target, from its start (loading included) to its stop.
    memory = MemorySampler(os.getpid(), include_root=not target.http).start()
    try:
        target.start()
        for mix in args.mixes:
            memory.phase = mix
            if args.warmup > 0:
                warmup = requests.cell(mix, "warmup")
                target.run([Group(warmup, 8)], args.warmup, args.max_requests)
            for concurrency in args.concurrency:
                cell = requests.cell(mix, concurrency)
                sample = target.run([Group(cell, concurrency)], args.duration, args.max_requests)[0]
                if len(sample.latencies_s) > len(cell):
                    log(f"note: {target.name} {mix} c={concurrency} went round its requests")
                summary = sample.summary()
                report.add(target.name, mix, summary)
                log(f"{target.name:>13} {mix:>10} c={concurrency:<3} {_fmt(summary)}")
    finally:
        memory.sample()
        memory.stop()
        target.stop()
    report.memory[target.name] = used = memory.summary()
    if used["peak"] is not None:
        log(
            f"{target.name:>13} memory: peak PSS {used['peak']['pss_mb']:,.0f} MB "
            f"(RSS {used['peak']['rss_mb']:,.0f} MB, {used['peak']['processes']} processes)"
        )
    if args.isolation == "on" and target.name in ISOLATION_TARGETS:
        report.isolation.append(isolation(target, requests.cell("point", "isolation"), args))


def isolation(target: Target, cheap: list[mixes.Request], args: argparse.Namespace) -> dict:
    """Cheap lookups alone, then beside ``heavy_clients`` queries that run into the time limit."""
    target.start(timeout_s=args.isolation_timeout)
    try:
        target.run([Group(cheap, args.cheap_clients)], args.warmup, args.max_requests)
        alone = target.run(
            [Group(cheap, args.cheap_clients)],
            max(args.duration, args.isolation_duration / 2),
            args.max_requests,
        )[0]
        heavy, under_load = target.run(
            [Group([mixes.HEAVY], args.heavy_clients), Group(cheap, args.cheap_clients)],
            args.isolation_duration,
            args.max_requests,
        )
    finally:
        target.stop()
    run = {
        "target": target.name,
        "timeout_s": args.isolation_timeout,
        "heavy_clients": args.heavy_clients,
        "cheap_clients": args.cheap_clients,
        "duration_s": args.isolation_duration,
        "baseline": alone.summary(),
        "under_load": under_load.summary(),
        "heavy": heavy.summary(),
    }
    log(f"{target.name:>13} isolation: cheap alone {_fmt(run['baseline'])}")
    log(
        f"{target.name:>13} isolation: under load  {_fmt(run['under_load'])}; "
        f"heavy: {run['heavy']['requests']} completed, {run['heavy']['errors']}"
    )
    return run


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    end_on_sigterm()
    began = time.time()
    data, entities = ensure_dataset(args.cache, args.triples, args.seed, log)
    requests = mixes.Draws(entities, args.seed, args.max_requests)
    workdir = Path(tempfile.mkdtemp(prefix="uikg-bench-"))
    report = Report(
        meta={
            "quads": entities.triples,
            "graphs": entities.graphs,
            "seed": args.seed,
            "duration_s_per_cell": args.duration,
            "concurrency": args.concurrency,
            "machine": f"{os.cpu_count()} CPUs, {platform.machine()}, Linux {platform.release()}",
            "python": platform.python_version(),
            "pyoxigraph": pyoxigraph.__version__ if hasattr(pyoxigraph, "__version__") else "?",
            "load_generator": "python asyncio, closed loop, one keep-alive HTTP/1.1 connection "
            "per client",
            "started": time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(began)),
            "targets": {},
        }
    )
    stem = args.out or HERE / "results" / f"bench-{args.triples}-{time.strftime('%Y%m%d-%H%M%S')}"
    try:
        for name in args.targets:
            target = _make(name, data, workdir, args)
            report.meta["targets"][name] = target.describe()
            log(f"target {name}: {target.describe()}")
            measure_target(target, requests, args, report)
            report.write(stem)  # partial results survive a crash
    finally:
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)
    report.meta["elapsed_s"] = round(time.time() - began, 1)
    json_path, md_path = report.write(stem)
    print(report.markdown())
    log(f"wrote {json_path} and {md_path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
