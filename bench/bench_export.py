"""Benchmark ``kg export`` on a generated store of a million quads or more.

The store is made of copies of the seed report's graph (tests/data/export_seed.trig,
the project's modelling: report metadata and full text, 11 events with spans,
participations, casualties) under fresh report keys, plus the knowledge-base graph.

Each export runs in a fresh child process, which reports its wall time and its peak
resident memory (``VmHWM`` from ``/proc/self/status``); the child's memory after
opening the store (before exporting) is reported too, so the export's own share is
visible. Baselines, in the same run and the same way: pyoxigraph's raw ``Store.dump``
of the whole store (unsorted, no determinism, no filters) in the same format.
Memory flatness is shown by exporting a store a quarter of the size as well.

Run (each 1M-quad export takes 15-60 s on 2 busy cores)::

    PYTHONPATH=. python bench/bench_export.py --repeat 3 --formats nq,jsonld --quarter
    PYTHONPATH=. python bench/bench_export.py --repeat 3 --formats nq.gz,trig,acled

Prints one line per measurement and a summary of medians and ratios.
"""

from __future__ import annotations

import argparse
import io
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
FIXTURE = REPO / "tests" / "data" / "export_seed.trig"


def _raw_formats() -> dict[str, object]:
    from pyoxigraph import RdfFormat

    return {"nq": RdfFormat.N_QUADS, "trig": RdfFormat.TRIG, "jsonld": RdfFormat.JSON_LD}


def _rss_kb(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def generate(folder: Path, quads: int) -> int:
    """Create (or reuse) a store of at least ``quads`` quads; returns its size."""
    from pyoxigraph import RdfFormat, parse

    from kg.core import iris
    from kg.graph.store import open_store

    marker = folder / "bench-size.txt"
    if marker.is_file() and int(marker.read_text()) >= quads:
        return int(marker.read_text())
    template = open_store(None)
    with FIXTURE.open("rb") as handle:
        template.load(handle, RdfFormat.TRIG)
    report = next(g for g in template.graphs() if "/report/" in g)
    old_key = report.rsplit("/", 1)[-1]
    buffer = io.BytesIO()
    template.dump(buffer, RdfFormat.N_QUADS, graph=None)
    lines = buffer.getvalue().decode("utf-8").splitlines()
    report_lines = "\n".join(line for line in lines if line.endswith(f"<{report}> ."))
    kb_lines = "\n".join(line for line in lines if line.endswith(f"<{iris.KB_GRAPH}> ."))
    per_report = report_lines.count("\n") + 1
    copies = -(-(quads - kb_lines.count("\n") - 1) // per_report)
    store = open_store(folder)
    store.clear()

    def chunks() -> object:
        yield from parse(kb_lines.encode("utf-8"), RdfFormat.N_QUADS)
        for i in range(copies):
            key = f"{i:016x}"
            text = report_lines.replace(old_key, key)
            yield from parse(text.encode("utf-8"), RdfFormat.N_QUADS)

    store.bulk_extend(chunks())  # type: ignore[arg-type]
    size = len(store)
    store.close()
    marker.write_text(str(size))
    return size


def child(store_dir: str, fmt: str, mode: str, out: str) -> None:
    """Run one export in this process and print its figures as JSON."""
    from pyoxigraph import Store

    if mode == "raw":
        raw = Store.read_only(store_dir)
        before = _rss_kb("VmRSS")
        start = time.perf_counter()
        raw.dump(out, _raw_formats()[fmt])  # type: ignore[arg-type]
        seconds = time.perf_counter() - start
        items = len(raw)
    else:
        from kg.exchange.export import export
        from kg.graph.store import open_store

        store = open_store(store_dir, read_only=True)
        before = _rss_kb("VmRSS")
        start = time.perf_counter()
        items = export(store, out, fmt=fmt).items
        seconds = time.perf_counter() - start
    print(json.dumps({"seconds": seconds, "items": items, "rss_before_kb": before,
                      "peak_kb": _rss_kb("VmHWM"), "bytes": Path(out).stat().st_size}))


def measure(store_dir: Path, fmt: str, mode: str, out: Path) -> dict[str, float]:
    done = subprocess.run([sys.executable, __file__, "--child", str(store_dir), fmt, mode,
                           str(out)], capture_output=True, text=True, cwd=REPO,
                          env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin"})
    if done.returncode != 0:
        raise SystemExit(done.stderr)
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    out.unlink(missing_ok=True)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quads", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--formats", default="nq,nq.gz,trig,jsonld,acled")
    parser.add_argument("--quarter", action="store_true",
                        help="also export a store a quarter of the size (memory flatness)")
    parser.add_argument("--dir", type=Path, default=Path("/tmp/kg-bench-export"))
    parser.add_argument("--child", nargs=4, metavar=("STORE", "FORMAT", "MODE", "OUT"))
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return
    args.dir.mkdir(parents=True, exist_ok=True)
    sizes = {"big": args.quads, **({"quarter": args.quads // 4} if args.quarter else {})}
    stores = {}
    for name, quads in sizes.items():
        start = time.perf_counter()
        stores[name] = (args.dir / f"store-{name}", generate(args.dir / f"store-{name}", quads))
        print(f"store {name}: {stores[name][1]} quads "
              f"(ready in {time.perf_counter() - start:.1f} s)", flush=True)

    rows = []
    for spec in args.formats.split(","):
        fmt, _, gz = spec.partition(".")
        suffix = ".gz" if gz else ""
        sizes_run = ["big", "quarter"] if args.quarter else ["big"]
        plans = [("ours", size) for size in sizes_run]
        if fmt in _raw_formats() and not gz:
            plans += [("raw", size) for size in sizes_run]
        for mode, size in plans:
            runs = [measure(stores[size][0], fmt, mode, args.dir / f"out.{fmt}{suffix}")
                    for _ in range(args.repeat)]
            seconds = statistics.median(r["seconds"] for r in runs)
            peak = statistics.median(r["peak_kb"] for r in runs) / 1024
            before = statistics.median(r["rss_before_kb"] for r in runs) / 1024
            quads = stores[size][1]
            row = {"format": spec, "mode": mode, "store": size, "quads": quads,
                   "seconds": seconds, "quads_per_s": quads / seconds, "peak_mb": peak,
                   "before_mb": before, "items": runs[0]["items"],
                   "bytes": runs[0]["bytes"]}
            rows.append(row)
            print(f"{spec:7} {mode:4} {size:7} quads={quads} median={seconds:.2f}s "
                  f"({row['quads_per_s']:,.0f} quads/s) peak RSS={peak:.0f} MB "
                  f"(after open {before:.0f} MB) items={row['items']} "
                  f"size={row['bytes']:,} B  runs={[round(r['seconds'], 2) for r in runs]}",
                  flush=True)

    print("\nsummary (medians of", args.repeat, "runs)")
    by = {(r["format"], r["mode"], r["store"]): r for r in rows}
    for spec in args.formats.split(","):
        ours = by[(spec, "ours", "big")]
        line = (f"{spec:7} {ours['quads_per_s']:>10,.0f} quads/s, peak {ours['peak_mb']:.0f} MB"
                f" (export share {ours['peak_mb'] - ours['before_mb']:.0f} MB)")
        quarter = by.get((spec, "ours", "quarter"))
        if quarter:
            line += (f"; peak at 1/4 size {quarter['peak_mb']:.0f} MB "
                     f"(big/quarter {ours['peak_mb'] / quarter['peak_mb']:.2f})")
        raw = by.get((spec, "raw", "big"))
        if raw:
            ratio = ours["seconds"] / raw["seconds"]
            line += (f"; raw Store.dump {raw['quads_per_s']:,.0f} quads/s, peak "
                     f"{raw['peak_mb']:.0f} MB (share {raw['peak_mb'] - raw['before_mb']:.0f} MB)"
                     f"; ours/raw time {ratio:.2f}x")
        raw_quarter = by.get((spec, "raw", "quarter"))
        if raw_quarter:
            line += (f"; raw share at 1/4 size "
                     f"{raw_quarter['peak_mb'] - raw_quarter['before_mb']:.0f} MB")
        print(line)


if __name__ == "__main__":
    main()
