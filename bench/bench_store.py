"""Benchmark the store at growing sizes: bulk loading and query latency.

Data: the synthetic stores of ``bench/bench_endpoint.py`` (reports with events,
actors, places with hierarchy, casualties, text spans; ~79 quads a report plus a KB
graph), written as N-Quads at each size asked for.

* **Bulk load**: ``kg import FILE`` into a fresh store (``kg.exchange.importer``,
  which fills an empty store with the engine's bulk loader) against pyoxigraph's own
  ``Store.bulk_load`` of the same file into a fresh store, alternating, ``--repeat``
  times; the ratio is ours/raw throughput (median of the per-round ratios).
* **Query latency**: the endpoint benchmark's three queries (point lookup, star join,
  aggregate through the place hierarchy) run on the loaded store through
  ``GraphStore.query`` (results consumed), one thread, ``--queries`` texts each with
  varied parameters; medians in ms, and growth against the smallest size.

Run (sizes in quads; the 10M size takes several minutes per load on 2 busy cores)::

    PYTHONPATH=. python bench/bench_store.py --sizes 100000,1000000 --repeat 3
    PYTHONPATH=. python bench/bench_store.py --sizes 10000000 --repeat 1
"""

from __future__ import annotations

import argparse
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from bench_endpoint import generate, queries  # noqa: E402
from pyoxigraph import RdfFormat, Store  # noqa: E402

from kg.exchange.importer import import_file  # noqa: E402
from kg.graph.store import open_store  # noqa: E402

QUADS_PER_REPORT = 79  # what bench_endpoint.generate writes, on average
KB_QUADS = 9_100


def reports_for(quads: int) -> int:
    return max(1, (quads - KB_QUADS) // QUADS_PER_REPORT)


def load_ours(data: Path, folder: Path) -> float:
    store = open_store(folder)
    start = time.perf_counter()
    import_file(store, data)
    store.close()
    return time.perf_counter() - start


def load_raw(data: Path, folder: Path) -> float:
    store = Store(str(folder))
    start = time.perf_counter()
    store.bulk_load(path=str(data), format=RdfFormat.N_QUADS)
    store.flush()
    elapsed = time.perf_counter() - start
    del store
    return elapsed


def latencies(folder: Path, texts: dict[str, list[str]], count: int) -> dict[str, float]:
    store = open_store(folder)
    out = {}
    for name, options in texts.items():
        for text in options[:3]:  # warm the caches a little, as a running server has
            list(store.query(text))  # type: ignore[arg-type]
        times = []
        for i in range(count):
            text = options[i % len(options)]
            start = time.perf_counter()
            rows = sum(1 for _ in store.query(text))  # type: ignore[arg-type]
            times.append((time.perf_counter() - start) * 1000)
            assert rows >= 0
        out[name] = statistics.median(times)
    store.close()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="100000,1000000",
                        help="store sizes in quads, comma-separated")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--no-load", action="store_true", help="only the query latencies")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    rows = []
    with tempfile.TemporaryDirectory(prefix="kg-bench-store-") as tmp:
        root = Path(tmp)
        for size in sizes:
            data = root / f"data-{size}.nq"
            started = time.perf_counter()
            pick = generate(data, reports_for(size))
            texts = queries(pick, random.Random(3))
            lines = sum(1 for _ in data.open("rb"))
            print(f"size {size:,}: {lines:,} quads written in "
                  f"{time.perf_counter() - started:.0f} s", flush=True)
            ours, raw, ratios = [], [], []
            for round_ in range(args.repeat if not args.no_load else 1):
                for kind in ("ours", "raw") if round_ % 2 == 0 else ("raw", "ours"):
                    folder = root / f"{kind}-{size}-{round_}"
                    took = (load_ours if kind == "ours" else load_raw)(data, folder)
                    (ours if kind == "ours" else raw).append(took)
                    if kind == "raw" or round_ < args.repeat - 1:
                        shutil.rmtree(folder, ignore_errors=True)
                ratios.append(raw[-1] / ours[-1])
                print(f"  load round {round_}: kg import {ours[-1]:.1f} s, "
                      f"bulk_load {raw[-1]:.1f} s", flush=True)
            kept = root / f"ours-{size}-{len(ours) - 1}"
            lat = latencies(kept, texts, args.queries)
            print("  latency (ms): " + ", ".join(f"{k} {v:.2f}" for k, v in lat.items()),
                  flush=True)
            rows.append((size, lines, statistics.median(ours), statistics.median(raw),
                         statistics.median(ratios), lat))
            shutil.rmtree(kept, ignore_errors=True)
            data.unlink()
    print("\n| quads | kg import s | bulk_load s | kg import quads/s | ratio (ours/raw) |")
    print("|---|---|---|---|---|")
    for _size, lines, ours_s, raw_s, ratio, _ in rows:
        print(f"| {lines:,} | {ours_s:.1f} | {raw_s:.1f} | {lines / ours_s:,.0f} | {ratio:.2f}x |")
    base = rows[0][5]
    print("\n| quads | point lookup ms | star join ms | aggregate ms | growth vs smallest |")
    print("|---|---|---|---|---|")
    for _size, lines, *_, lat in rows:
        growth = " / ".join(f"{lat[k] / base[k]:.1f}x" for k in lat)
        print(f"| {lines:,} | {lat['point_lookup']:.2f} | {lat['star_join']:.2f} "
              f"| {lat['aggregate']:.2f} | {growth} |")


if __name__ == "__main__":
    main()
