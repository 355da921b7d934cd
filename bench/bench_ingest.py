"""Benchmark ``kg ingest`` throughput with one and several extraction processes.

The corpus is generated from the bundled samples (tests/scale_corpus.py: numbers,
dates and URLs varied, so every report is extracted on its own). Each run ingests the
whole corpus into a fresh store in a child process (``python -m kg.cli ingest --jobs
J``) and reports wall time, reports/s, quads/s and peak resident memory: of the writer
(the command's process) and of the largest extraction process. Runs alternate between
the job counts (1, 2, 1, 2, ...) so that a busy spell of the shared machine hits both;
the summary gives medians and the ratio to one job.

With ``--remote``, every run is also made into a fresh ``oxigraph serve`` (the store
on a SPARQL server, ``--store URL``), and the table compares the two stores.

Run::

    PYTHONPATH=. python bench/bench_ingest.py --reports 10000 --jobs 1,2 --repeat 3
    PYTHONPATH=. python bench/bench_ingest.py --reports 3000 --jobs 2 --remote --repeat 3
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

CHILD = r"""
import json, resource, sys, time
from kg.cli import main
sys.argv = ["kg", "ingest", *sys.argv[1:]]
start = time.perf_counter()
try:
    main(standalone_mode=False)
except SystemExit:
    pass
wall = time.perf_counter() - start
status = open("/proc/self/status").read().split("\n")
hwm = next(int(line.split()[1]) for line in status if line.startswith("VmHWM"))
me = resource.getrusage(resource.RUSAGE_SELF)
kids = resource.getrusage(resource.RUSAGE_CHILDREN)
print("BENCH " + json.dumps({"wall": wall, "writer_kb": hwm, "worker_kb": kids.ru_maxrss,
                             "writer_cpu": me.ru_utime + me.ru_stime,
                             "worker_cpu": kids.ru_utime + kids.ru_stime}))
"""


def run(corpus: Path, store: str, jobs: int, ledger: Path) -> dict[str, float]:
    args = [sys.executable, "-c", CHILD, str(corpus), "--store", store, "--jobs", str(jobs),
            "--json", "--force"]
    env = {"KG_LEDGER": str(ledger), "PATH": "/usr/bin:/bin", "PYTHONPATH": str(REPO)}
    done = subprocess.run(args, capture_output=True, text=True, env=env, check=False)
    line = next((x for x in done.stdout.splitlines() if x.startswith("BENCH ")), None)
    if line is None:
        raise SystemExit(f"run failed:\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")
    measured = json.loads(line[6:])
    summary = json.loads(done.stdout[: done.stdout.index("BENCH ")])
    measured["reports"] = summary["reports"]
    measured["quads"] = summary["quads_written"]
    measured["events"] = summary["events"]
    return measured


def served(location: Path) -> tuple[subprocess.Popen[bytes], str]:
    """A fresh ``oxigraph serve`` on a free port, and its query URL."""
    import shutil
    import socket
    import urllib.request

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    binary = str(Path(sys.executable).parent / "oxigraph")
    binary = binary if Path(binary).exists() else (shutil.which("oxigraph") or "oxigraph")
    process = subprocess.Popen([binary, "serve", "--location", str(location), "--bind",
                                f"127.0.0.1:{port}"], stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/query"
    for _ in range(300):
        try:
            with urllib.request.urlopen(url + "?query=ASK%7B%7D", timeout=2):
                return process, url
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise SystemExit("oxigraph serve did not start")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--reports", type=int, default=10_000)
    parser.add_argument("--jobs", default="1,2", help="comma-separated job counts")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--remote", action="store_true",
                        help="also ingest into a fresh oxigraph serve each run")
    args = parser.parse_args()
    from tests.scale_corpus import write_corpus

    jobs_list = [int(j) for j in args.jobs.split(",")]
    with tempfile.TemporaryDirectory(prefix="kg-bench-ingest-") as tmp:
        root = Path(tmp)
        started = time.perf_counter()
        write_corpus(root / "corpus", args.reports)
        print(f"corpus: {args.reports} reports in {time.perf_counter() - started:.1f} s",
              flush=True)
        targets = ["embedded", "remote"] if args.remote else ["embedded"]
        keys = [(j, t) for j in jobs_list for t in targets]
        results: dict[tuple[int, str], list[dict[str, float]]] = {k: [] for k in keys}
        for round_ in range(args.repeat):
            for jobs, target in keys:
                name = f"r{round_}-j{jobs}-{target}"
                server = None
                if target == "remote":
                    server, store = served(root / name)
                else:
                    store = str(root / name)
                try:
                    m = run(root / "corpus", store, jobs, root / f"{name}.ledger")
                finally:
                    if server is not None:
                        server.terminate()
                        server.wait()
                results[(jobs, target)].append(m)
                print(f"jobs={jobs} {target} round={round_}: {m['wall']:.1f} s, "
                      f"{m['reports'] / m['wall']:.1f} reports/s, "
                      f"{m['quads'] / m['wall']:,.0f} quads/s, {m['events']} events, "
                      f"writer {m['writer_kb'] / 1024:.0f} MB {m['writer_cpu']:.0f} cpu-s, "
                      f"largest worker {m['worker_kb'] / 1024:.0f} MB, workers "
                      f"{m['worker_cpu']:.0f} cpu-s", flush=True)
        print("\n| jobs | store | reports | median s | reports/s | quads/s | ratio | writer MB "
              "| worker MB |")
        print("|---|---|---|---|---|---|---|---|---|")
        base = statistics.median(m["wall"] for m in results[keys[0]])
        for jobs, target in keys:
            ms = results[(jobs, target)]
            wall = statistics.median(m["wall"] for m in ms)
            print(f"| {jobs} | {target} | {ms[0]['reports']} | {wall:.1f} "
                  f"| {ms[0]['reports'] / wall:.1f} "
                  f"| {ms[0]['quads'] / wall:,.0f} | {base / wall:.2f}x "
                  f"| {max(m['writer_kb'] for m in ms) / 1024:.0f} "
                  f"| {max(m['worker_kb'] for m in ms) / 1024:.0f} |")


if __name__ == "__main__":
    main()
