"""Memory of a target while the benchmark runs: PSS and RSS of its whole process tree.

PSS (proportional set size) counts a page shared by n processes as 1/n in each, so the sum over
a tree counts shared pages once: the figure to compare a service of several processes with a
server of one. RSS counts them in every process that maps them, so it overstates a tree; both
are reported. Read from ``/proc/PID/smaps_rollup`` (Linux 4.14+) every ``interval`` seconds in a
thread, with the phase of the run (loading, a mix) each sample was taken in.
"""

from __future__ import annotations

import os
import threading
import time
from dataclasses import dataclass, field
from typing import Any

MB = 1024 * 1024


def _children() -> dict[int, list[int]]:
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii") as handle:
                text = handle.read()
        except OSError:
            continue
        parent = int(text[text.rindex(")") + 2 :].split()[1])
        children.setdefault(parent, []).append(int(entry))
    return children


def tree(root: int, include_root: bool = True) -> list[int]:
    """``root`` and its descendants (or only the descendants)."""
    children = _children()
    found, stack = [], list(children.get(root, []))
    while stack:
        pid = stack.pop()
        found.append(pid)
        stack.extend(children.get(pid, []))
    return [root, *found] if include_root else found


def started(pid: int) -> int | None:
    """When ``pid`` started (clock ticks since boot): with the pid, names one process even if
    the pid is reused; None if it is gone or a zombie (it has ended)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as handle:
            text = handle.read()
    except OSError:
        return None
    fields = text[text.rindex(")") + 2 :].split()
    return None if fields[0] in ("Z", "X") else int(fields[19])


def still_running(process: tuple[int, int]) -> bool:
    """Whether the process ``(pid, started)`` (from ``MemorySampler.seen``) has not ended."""
    return started(process[0]) == process[1]


def kind(pid: int) -> str | None:
    """What the process is, in a word or two, from its command line: the service, its query
    engine or disk workers, an Oxigraph server (named by its folder), or its program's name."""
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as handle:
            words = handle.read().decode(errors="replace").split("\0")
    except OSError:
        return None
    for module, name in (
        ("uikg.graph.runner.engine", "engine"),
        ("uikg.graph.runner.worker", "disk worker"),
        ("uikg.api", "service"),
    ):
        if module in words:
            return name
    if words and os.path.basename(words[0]) == "oxigraph":
        location = words[words.index("--location") + 1] if "--location" in words else "memory"
        return f"oxigraph {os.path.basename(location.rstrip('/'))}"
    return os.path.basename(words[0]) if words and words[0] else None


def usage(pid: int) -> tuple[int, int] | None:
    """(PSS, RSS) in bytes, or None if the process is gone (or a zombie)."""
    pss = rss = None
    try:
        with open(f"/proc/{pid}/smaps_rollup", encoding="ascii") as handle:
            for line in handle:
                if line.startswith("Pss:"):
                    pss = int(line.split()[1]) * 1024
                elif line.startswith("Rss:"):
                    rss = int(line.split()[1]) * 1024
    except OSError:
        return None
    if pss is None or rss is None:
        return None
    return pss, rss


@dataclass
class Sample:
    at_s: float
    phase: str
    pss: int
    rss: int
    processes: int
    by_kind: dict[str, int] = field(default_factory=dict)  # PSS per ``kind`` of process


@dataclass
class MemorySampler:
    """Samples the tree of ``root`` (without ``root`` itself unless ``include_root``: the
    benchmark's own process is the root of the servers it starts)."""

    root: int
    include_root: bool
    interval: float = 0.5
    phase: str = "start"
    samples: list[Sample] = field(default_factory=list)
    seen: set[tuple[int, int]] = field(default_factory=set)  # (pid, started) of every process
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None
    _began: float = 0.0

    def start(self) -> MemorySampler:
        self._began = time.monotonic()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def sample(self) -> None:
        pss = rss = count = 0
        by_kind: dict[str, int] = {}
        for pid in tree(self.root, self.include_root):
            found = usage(pid)
            if found is not None:
                pss, rss, count = pss + found[0], rss + found[1], count + 1
                name = kind(pid) or "unknown"
                by_kind[name] = by_kind.get(name, 0) + found[0]
            began = started(pid)
            if began is not None:
                self.seen.add((pid, began))
        if count:
            at = round(time.monotonic() - self._began, 1)
            self.samples.append(Sample(at, self.phase, pss, rss, count, by_kind))

    def _run(self) -> None:
        while not self._stop.is_set():
            self.sample()
            self._stop.wait(self.interval)

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()

    def summary(self) -> dict[str, Any]:
        """Peaks over the whole run and while serving (every phase but ``start``, the
        loading), per phase, and a curve of at most 60 points."""

        def peak(samples: list[Sample]) -> dict[str, Any] | None:
            if not samples:
                return None
            top = max(samples, key=lambda s: s.pss)
            return {
                "pss_mb": round(top.pss / MB, 1),
                "rss_mb": round(max(s.rss for s in samples) / MB, 1),
                "processes": top.processes,
            }

        phases = list(dict.fromkeys(s.phase for s in self.samples))
        step = max(1, len(self.samples) // 60)
        return {
            "interval_s": self.interval,
            "peak": peak(self.samples),
            "peak_serving": peak([s for s in self.samples if s.phase != "start"]),
            "phases": {p: peak([s for s in self.samples if s.phase == p]) for p in phases},
            "curve": [
                (s.at_s, s.phase, round(s.pss / MB, 1), round(s.rss / MB, 1))
                for s in self.samples[::step]
            ],
        }
