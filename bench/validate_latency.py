"""Record-validation latency at several graph sizes: ``python -m bench.validate_latency``.

Validating one record reads only the closure of what it references (two bounded CONSTRUCTs,
index lookups) and runs SHACL on that, so its time should stay flat as the graph grows. This
loads the benchmark's synthetic graph at each size (``bench.generate``) into an embedded store
and times ``read_record`` + ``check_record`` for a record about a new city in an existing
country, and a link added to an existing city.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from pyoxigraph import RdfFormat

from bench.generate import ensure_dataset
from uikg.graph.contributions import Rules, check_record, read_record
from uikg.graph.settings import DEFAULT_BASE_IRI
from uikg.graph.store.embedded import EmbeddedStore

RECORD = """\
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix dct: <http://purl.org/dc/terms/> .
@prefix uikg: <https://w3id.org/uikg/ontology#> .
<https://w3id.org/uikg/id/city/bench-new-city> a uikg:City ;
    rdfs:label "Bench City"@en ;
    uikg:country <{country}> ;
    dct:source <https://example.org/bench> .
<{city}> rdfs:seeAlso <https://example.org/bench/about> .
"""


def _store(folder: Path, triples: int, seed: int) -> tuple[EmbeddedStore, object]:
    data, entities = ensure_dataset(folder / "data", triples, seed)
    path = folder / f"store-{triples}-{seed}"
    fresh = not path.exists()
    store = EmbeddedStore(path)
    if fresh:
        started = time.perf_counter()
        with data.open("rb") as handle:
            store.load(handle, RdfFormat.N_QUADS, bulk=True)
        print(f"loaded {len(store):,} quads in {time.perf_counter() - started:.1f} s")
    return store, entities


def measure(store: EmbeddedStore, entities: object, rules: Rules, runs: int) -> dict[str, float]:
    countries = entities.countries  # type: ignore[attr-defined]
    cities = entities.cities  # type: ignore[attr-defined]
    record = RECORD.format(country=countries[0], city=cities[0]).encode()
    times, closure = [], 0
    for run in range(runs + 2):
        started = time.perf_counter()
        parsed = read_record(record, RdfFormat.TURTLE, base_iri=DEFAULT_BASE_IRI, record_id="bench")
        checked = check_record(store, parsed, rules, base_iri=DEFAULT_BASE_IRI)
        if run >= 2:  # two warm-up runs
            times.append(time.perf_counter() - started)
        closure = len(checked.closure)
    times.sort()
    return {
        "quads": len(store),
        "closure": closure,
        "median_ms": statistics.median(times) * 1000,
        "p95_ms": times[min(len(times) - 1, round(0.95 * (len(times) - 1)))] * 1000,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--sizes", default="10000,100000,1000000", help="graph sizes in triples, comma separated"
    )
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--folder", type=Path, default=Path("var/bench-validate"))
    args = parser.parse_args()
    rules = Rules.load()
    rows = []
    for size in (int(s) for s in args.sizes.split(",")):
        store, entities = _store(args.folder, size, args.seed)
        try:
            rows.append((size, measure(store, entities, rules, args.runs)))
        finally:
            store.close()
    print("\nRecord validation latency (read + closure + SHACL), one record\n")
    print("| graph (triples) | quads loaded | closure triples | median ms | p95 ms |")
    print("| ---: | ---: | ---: | ---: | ---: |")
    for size, row in rows:
        print(
            f"| {size:,} | {row['quads']:,} | {row['closure']} | {row['median_ms']:.0f} "
            f"| {row['p95_ms']:.0f} |"
        )


if __name__ == "__main__":
    main()
