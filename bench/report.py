"""The benchmark's results: one JSON document and its Markdown rendering.

Ratios compare requests per second (higher is better for the target) and p99 latency (lower is
better) with the in-process floor and with the best Oxigraph server configuration of the same
cell (the one with the higher throughput, on disk or in memory).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

OXIGRAPH = ("oxigraph-disk", "oxigraph-mem")
CHECK_CONCURRENCY = 8


@dataclass
class Report:
    meta: dict[str, Any] = field(default_factory=dict)
    cells: list[dict[str, Any]] = field(default_factory=list)
    isolation: list[dict[str, Any]] = field(default_factory=list)
    memory: dict[str, dict[str, Any]] = field(default_factory=dict)  # target -> MemorySampler

    def add(self, target: str, mix: str, summary: dict[str, Any]) -> None:
        self.cells.append({"target": target, "mix": mix, **summary})

    def cell(self, target: str, mix: str, concurrency: int) -> dict[str, Any] | None:
        for cell in self.cells:
            if (cell["target"], cell["mix"], cell["concurrency"]) == (target, mix, concurrency):
                return cell
        return None

    def best_oxigraph(self, mix: str, concurrency: int) -> dict[str, Any] | None:
        found = [c for t in OXIGRAPH if (c := self.cell(t, mix, concurrency)) is not None]
        return max(found, key=lambda c: c["rps"]) if found else None

    # -- the goals of the issue -------------------------------------------------------------
    def checks(self) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        c = CHECK_CONCURRENCY
        # The engine path is judged with the result cache off when the run measured it.
        engine = (
            "uikg-nocache" if any(x["target"] == "uikg-nocache" for x in self.cells) else "uikg"
        )
        for mix in ("point", "api", "analytical"):
            uikg = self.cell(engine, mix, c)
            if uikg is None:
                continue
            if mix == "point":
                reference = self.cell("oxigraph-disk", mix, c)
                factor, goal = 0.5, "≥ 0.5 × oxigraph-disk rps"
            else:
                reference = self.best_oxigraph(mix, c)
                factor, goal = 1.0, "≥ best oxigraph rps"
            if reference is None or not reference["rps"]:
                continue
            ratio = uikg["rps"] / reference["rps"]
            out.append(
                {
                    "check": f"{mix} mix at concurrency {c} ({engine})",
                    "goal": goal,
                    "reference": reference["target"],
                    "uikg_rps": uikg["rps"],
                    "reference_rps": reference["rps"],
                    "ratio": round(ratio, 3),
                    "met": ratio >= factor,
                }
            )
        ours = [m for t in ("uikg", "uikg-nocache") if (m := self.memory.get(t)) and m["peak"]]
        reference = self.memory.get("oxigraph-mem")
        if ours and reference and reference["peak"]:
            uikg = max(ours, key=lambda m: m["peak"]["pss_mb"])
            ratio = uikg["peak"]["pss_mb"] / reference["peak"]["pss_mb"]
            out.append(
                {
                    "check": "peak memory (PSS of the process tree, loading included)",
                    "goal": "≤ 2 × oxigraph-mem",
                    "uikg_mb": uikg["peak"]["pss_mb"],
                    "reference_mb": reference["peak"]["pss_mb"],
                    "ratio": round(ratio, 3),
                    "met": ratio <= 2.0,
                }
            )
        for run in self.isolation:
            p99 = run["under_load"]["p99_ms"]
            out.append(
                {
                    "check": f"isolation on {run['target']}",
                    "goal": "cheap-query p99 < 100 ms",
                    "p99_ms": p99,
                    "met": p99 is not None and p99 < 100,
                }
            )
        return out

    # -- output -----------------------------------------------------------------------------
    def to_json(self) -> str:
        return json.dumps(
            {
                "meta": self.meta,
                "cells": self.cells,
                "isolation": self.isolation,
                "memory": self.memory,
                "checks": self.checks(),
            },
            indent=2,
            ensure_ascii=False,
        )

    def markdown(self) -> str:
        lines = [
            f"# UIKG benchmark — {self.meta.get('quads', '?'):,} quads"
            if isinstance(self.meta.get("quads"), int)
            else "# UIKG benchmark",
            "",
        ]
        lines += [f"- {key}: {value}" for key, value in self.meta.items() if key != "targets"]
        for name, text in self.meta.get("targets", {}).items():
            lines.append(f"- target `{name}`: {text}")
        mixes = list(dict.fromkeys(cell["mix"] for cell in self.cells))
        for mix in mixes:
            lines += [
                "",
                f"## {mix} mix",
                "",
                "| c | target | rps | p50 ms | p99 ms | errors "
                "| rps ÷ floor | rps ÷ best oxigraph | p99 ÷ best oxigraph |",
                "|---:|---|---:|---:|---:|---:|---:|---:|---:|",
            ]
            levels = sorted({cell["concurrency"] for cell in self.cells if cell["mix"] == mix})
            for c in levels:
                floor = self.cell("floor", mix, c)
                best = self.best_oxigraph(mix, c)
                for cell in (x for x in self.cells if x["mix"] == mix and x["concurrency"] == c):
                    errors = sum(cell["errors"].values())
                    lines.append(
                        f"| {c} | {cell['target']} | {cell['rps']:,.1f} | {_ms(cell['p50_ms'])} "
                        f"| {_ms(cell['p99_ms'])} | {errors or ''} "
                        f"| {_ratio(cell['rps'], floor and floor['rps'])} "
                        f"| {_ratio(cell['rps'], best and best['rps'])} "
                        f"| {_ratio(cell['p99_ms'], best and best['p99_ms'])} |"
                    )
        if self.isolation:
            lines += [
                "",
                "## isolation",
                "",
                "Cheap point lookups while heavy queries run into the time limit.",
                "",
                "| target | time limit s | heavy clients | cheap clients "
                "| cheap alone p50 / p99 ms | cheap under load p50 / p99 ms | cheap rps "
                "| cheap errors | heavy outcomes |",
                "|---|---:|---:|---:|---:|---:|---:|---:|---|",
            ]
            for run in self.isolation:
                alone, load, heavy = run["baseline"], run["under_load"], run["heavy"]
                outcomes = ", ".join(f"{k}: {v}" for k, v in heavy["errors"].items())
                if heavy["requests"]:
                    outcomes = f"HTTP 200: {heavy['requests']} (p50 {_ms(heavy['p50_ms'])} ms)" + (
                        f", {outcomes}" if outcomes else ""
                    )
                lines.append(
                    f"| {run['target']} | {run['timeout_s']:g} | {run['heavy_clients']} "
                    f"| {run['cheap_clients']} | {_ms(alone['p50_ms'])} / {_ms(alone['p99_ms'])} "
                    f"| {_ms(load['p50_ms'])} / {_ms(load['p99_ms'])} | {load['rps']:,.1f} "
                    f"| {sum(load['errors'].values()) or ''} | {outcomes} |"
                )
        if self.memory:
            lines += [
                "",
                "## memory",
                "",
                "Sampled from `/proc/PID/smaps_rollup` every 0.5 s over each target's whole "
                "process tree, from its start to its stop (PSS counts a shared page once).",
                "",
                "| target | peak PSS MB | peak RSS MB | processes at the peak "
                "| peak PSS while serving MB | peak PSS while loading MB |",
                "|---|---:|---:|---:|---:|---:|",
            ]
            for name, used in self.memory.items():
                top, serving = used["peak"], used["peak_serving"]
                loading = used["phases"].get("start")
                if top is None:
                    continue
                lines.append(
                    f"| {name} | {top['pss_mb']:,.0f} | {top['rss_mb']:,.0f} | {top['processes']} "
                    f"| {serving['pss_mb'] if serving else 0:,.0f} "
                    f"| {loading['pss_mb'] if loading else 0:,.0f} |"
                )
        checks = self.checks()
        if checks:
            lines += ["", "## goals", "", "| check | goal | measured | met |", "|---|---|---|---|"]
            for check in checks:
                if "uikg_mb" in check:
                    measured = (
                        f"uikg {check['uikg_mb']:,.0f} MB vs {check['reference_mb']:,.0f} MB "
                        f"= {check['ratio']:.2f}×"
                    )
                elif "ratio" in check:
                    measured = (
                        f"uikg {check['uikg_rps']:,.1f} rps vs {check['reference']} "
                        f"{check['reference_rps']:,.1f} rps = {check['ratio']:.2f}×"
                    )
                else:
                    measured = f"p99 {_ms(check['p99_ms'])} ms"
                lines.append(
                    f"| {check['check']} | {check['goal']} | {measured} "
                    f"| {'yes' if check['met'] else '**no**'} |"
                )
        return "\n".join(lines) + "\n"

    def write(self, stem: Path) -> tuple[Path, Path]:
        stem.parent.mkdir(parents=True, exist_ok=True)
        json_path, md_path = stem.with_suffix(".json"), stem.with_suffix(".md")
        json_path.write_text(self.to_json() + "\n", encoding="utf-8")
        md_path.write_text(self.markdown(), encoding="utf-8")
        return json_path, md_path


def _ms(value: float | None) -> str:
    if value is None:
        return "–"
    return f"{value:,.1f}" if value >= 10 else f"{value:.2f}"


def _ratio(value: float | None, reference: float | None) -> str:
    if not value or not reference:
        return "–"
    return f"{value / reference:.2f}"


def expected_cells(
    targets: Iterable[str], mixes: Iterable[str], levels: Iterable[int]
) -> set[tuple[str, str, int]]:
    return {(t, m, c) for t in targets for m in mixes for c in levels}
