"""Record-validation latency at several graph sizes: ``python -m bench.validate_latency``.

Validating one record reads only the closure of what it references (two bounded CONSTRUCTs,
index lookups) and runs pySHACL on that, so its time should stay flat as the graph grows. This
loads the benchmark's synthetic graph at each size (``bench.generate``) into an embedded store
and times ``read_record`` + ``check_record`` (parse, closure, SHACL, policy, report words), the
work behind ``POST /validate``, for two records (wall-clock latency, and the CPU time of this
process, which other load on the machine does not inflate as much):

- *city*: a new city in an existing country, and a link added to an existing city;
- *document*: a strategy of the biggest city (the one most of the graph is about), adopted by
  its municipality, with an integration model, two policy areas and an existing evidence unit,
  and an ill-typed adoption date (a finding of the report).

Goal (issue 12): median ≤ 20 ms and p95 ≤ 40 ms at 10 k, 100 k and 1 M triples. Options:
``--sizes`` (``10000,100000,1000000``), ``--runs`` per record (100), ``--seed``, ``--folder``
(stores and generated data, ``var/bench-validate``), ``--out`` (also write the rows as JSON).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
from pathlib import Path
from typing import Any

from pyoxigraph import RdfFormat

from bench import end_on_sigterm
from bench.generate import Entities, V, ensure_dataset
from uikg.graph.contributions import Rules, check_record, read_record
from uikg.graph.settings import DEFAULT_BASE_IRI
from uikg.graph.store.embedded import EmbeddedStore

GOAL_MEDIAN_MS, GOAL_P95_MS = 20.0, 40.0

CITY = """\
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix dct: <http://purl.org/dc/terms/> .
@prefix uikg: <https://w3id.org/uikg/ontology#> .
<https://w3id.org/uikg/id/city/bench-new-city> a uikg:City ;
    rdfs:label "Bench City"@en ;
    uikg:country <{country}> ;
    dct:source <https://example.org/bench> .
<{city}> rdfs:seeAlso <https://example.org/bench/about> .
"""

DOCUMENT = """\
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix dct: <http://purl.org/dc/terms/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix uikg: <https://w3id.org/uikg/ontology#> .
<https://w3id.org/uikg/id/document/bench-city-strategy-2025> a uikg:PolicyDocument ;
    rdfs:label "Bench city strategy"@en, "Strategia"@pl ;
    uikg:documentKind <https://w3id.org/uikg/id/concept/document-kind/strategy> ;
    uikg:status <https://w3id.org/uikg/id/concept/document-status/adopted> ;
    uikg:governanceLevel <https://w3id.org/uikg/id/concept/governance-level/local> ;
    uikg:jurisdiction <{city}> ;
    uikg:adoptedBy <{municipality}> ;
    uikg:adoptionDate "2025-13-45"^^xsd:date ;
    uikg:followsModel <{model}> ;
    uikg:coversArea <{area1}>, <{area2}> ;
    uikg:evidence <{unit}> ;
    dct:source <https://example.org/bench/strategy> .
"""


def _store(folder: Path, triples: int, seed: int) -> tuple[EmbeddedStore, Entities]:
    data, entities = ensure_dataset(folder / "data", triples, seed)
    path = folder / f"store-{triples}-{seed}"
    fresh = not path.exists()
    store = EmbeddedStore(path)
    if fresh:
        started = time.perf_counter()
        with data.open("rb") as handle:
            store.load(handle, RdfFormat.N_QUADS, bulk=True)
        print(f"loaded {len(store):,} quads in {time.perf_counter() - started:.1f} s", flush=True)
    return store, entities


def records(store: EmbeddedStore, entities: Entities) -> dict[str, bytes]:
    [row] = store.query(f"SELECT ?u WHERE {{ ?u a <{V.EvidenceUnit}> }} LIMIT 1")
    unit = row["u"].value  # type: ignore[index]
    return {
        "city": CITY.format(country=entities.countries[0], city=entities.cities[0]).encode(),
        "document": DOCUMENT.format(
            city=entities.cities[0],
            municipality=entities.municipalities[0],
            model=entities.models[0],
            area1=entities.areas[0],
            area2=entities.areas[1],
            unit=unit,
        ).encode(),
    }


def measure(store: EmbeddedStore, record: bytes, rules: Rules, runs: int) -> dict[str, Any]:
    times, cpu, closure, findings = [], [], 0, 0
    for run in range(runs + 3):
        started, cpu_started = time.perf_counter(), time.process_time()
        parsed = read_record(record, RdfFormat.TURTLE, base_iri=DEFAULT_BASE_IRI, record_id="bench")
        checked = check_record(store, parsed, rules, base_iri=DEFAULT_BASE_IRI)
        if run >= 3:  # warm-up runs
            times.append(time.perf_counter() - started)
            cpu.append(time.process_time() - cpu_started)
        closure, findings = len(checked.closure), len(checked.report.results)
    times.sort()
    return {
        "quads": len(store),
        "closure": closure,
        "findings": findings,
        "median_ms": statistics.median(times) * 1000,
        "p95_ms": times[min(len(times) - 1, round(0.95 * (len(times) - 1)))] * 1000,
        "max_ms": times[-1] * 1000,
        "cpu_median_ms": statistics.median(cpu) * 1000,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--sizes", default="10000,100000,1000000", help="graph sizes in triples, comma separated"
    )
    parser.add_argument("--runs", type=int, default=100)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--folder", type=Path, default=Path("var/bench-validate"))
    parser.add_argument("--out", type=Path, default=None, help="also write the rows as JSON")
    args = parser.parse_args()
    end_on_sigterm()
    started = time.perf_counter()
    rules = Rules.load()
    print(f"shapes compiled and ontology indexed in {time.perf_counter() - started:.2f} s")
    rows = []
    for size in (int(s) for s in args.sizes.split(",")):
        store, entities = _store(args.folder, size, args.seed)
        try:
            for name, record in records(store, entities).items():
                rows.append(
                    {"size": size, "record": name, **measure(store, record, rules, args.runs)}
                )
        finally:
            store.close()
    print(
        "\nRecord validation latency (parse + closure + SHACL + policy + words), one record, "
        f"{args.runs} runs each; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs; "
        f"goal: median ≤ {GOAL_MEDIAN_MS:.0f} ms, p95 ≤ {GOAL_P95_MS:.0f} ms\n"
    )
    print(
        "| graph (triples) | quads loaded | record | closure triples | findings | median ms "
        "| p95 ms | max ms | CPU median ms | goal |"
    )
    print("| ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |")
    for row in rows:
        met = row["median_ms"] <= GOAL_MEDIAN_MS and row["p95_ms"] <= GOAL_P95_MS
        print(
            f"| {row['size']:,} | {row['quads']:,} | {row['record']} | {row['closure']} "
            f"| {row['findings']} | {row['median_ms']:.1f} | {row['p95_ms']:.1f} "
            f"| {row['max_ms']:.1f} | {row['cpu_median_ms']:.1f} | {'met' if met else 'NOT met'} |"
        )
    if args.out is not None:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(rows, indent=2) + "\n")


if __name__ == "__main__":
    main()
