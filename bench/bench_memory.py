"""Benchmark: a query that eats memory is stopped under the cap, and the server goes on.

Builds the demo store (`kg ingest` of the bundled samples, ~34k quads), serves it
with ``python -m server.wsgi`` (read-only, default settings; ``query_memory_limit``
from ``--limit``), and samples the resident memory of every process of the server
(web processes and query workers) every 20 ms while it:

1. sends one ``SELECT * { ?a ?b ?c . ?d ?e ?f } ORDER BY ?c ?f`` (the cross product
   of the store with itself, sorted: the engine materializes it);
2. checks that a small query is still answered;
3. sends five of them at once, from five client addresses.

Prints each answer's status, error code and time, the largest query-worker
memory seen and the largest total over all server processes, against the cap
(``query_memory_limit`` × web processes, since each web process has one worker).

Run: ``python bench/bench_memory.py [--limit 2048]``
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
HEAVY = "SELECT * { ?a ?b ?c . ?d ?e ?f } ORDER BY ?c ?f"
SMALL = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _group_memory(pgid: int) -> dict[int, tuple[str, int]]:
    """Resident bytes of every process in process group ``pgid``, with its name."""
    page = os.sysconf("SC_PAGE_SIZE")
    found = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as stat:
                fields = stat.read().rsplit(b")", 1)[1].split()
            if int(fields[2]) != pgid:
                continue
            with open(f"/proc/{entry}/statm", "rb") as statm:
                rss = int(statm.read().split()[1]) * page
            with open(f"/proc/{entry}/comm", "rb") as comm:
                name = comm.read().decode().strip()
            found[int(entry)] = (name, rss)
        except (OSError, ValueError, IndexError):
            continue
    return found


class Sampler(threading.Thread):
    """Largest worker and total memory of the server's processes."""

    def __init__(self, pgid: int) -> None:
        super().__init__(daemon=True)
        self.pgid = pgid
        self.peak_total = 0
        self.peak_process = 0
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.wait(0.02):
            sizes = _group_memory(self.pgid)
            if sizes:
                self.peak_total = max(self.peak_total, sum(r for _, r in sizes.values()))
                self.peak_process = max(self.peak_process,
                                        max(r for _, r in sizes.values()))


def _query(port: int, text: str, source: str) -> tuple[int, str, float]:
    started = time.monotonic()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120,
                                      source_address=(source, 0))
    try:
        conn.request("GET", "/sparql?" + urllib.parse.urlencode({"query": text}),
                     headers={"Accept": "application/sparql-results+json"})
        response = conn.getresponse()
        body = response.read()
    finally:
        conn.close()
    code = ""
    if response.status >= 400:
        code = json.loads(body)["error"]["code"]
    return response.status, code, time.monotonic() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=2048, help="query_memory_limit, MB")
    parser.add_argument("--timeout", type=float, default=30.0, help="query_timeout, s")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="kg-memory-"))
    store = work / "store"
    env = {k: v for k, v in os.environ.items() if not k.startswith("KG_")}
    (work / "none.toml").write_text("", encoding="utf-8")
    env["KG_CONFIG"] = str(work / "none.toml")
    samples = REPO / "kg" / "samples"
    subprocess.run([sys.executable, "-m", "kg.cli", "ingest", "--store", str(store),
                    str(samples)], env=env, cwd=REPO, check=True, capture_output=True)
    port = _free_port()
    env.update({"KG_STORE": str(store), "KG_PORT": str(port), "KG_HOST": "127.0.0.1",
                "KG_QUERY_MEMORY_LIMIT": str(args.limit),
                "KG_QUERY_TIMEOUT": str(args.timeout)})
    log = open(work / "server.log", "wb")  # noqa: SIM115 - closed with the process
    server = subprocess.Popen([sys.executable, "-m", "server.wsgi"], cwd=REPO, env=env,
                              stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if _query(port, "ASK {}", "127.0.0.1")[0] == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise SystemExit("server did not start; see " + str(work / "server.log"))
            time.sleep(0.2)
        processes = _group_memory(server.pid)
        print(f"store: demo samples; server processes at rest: {len(processes)}, "
              f"{sum(r for _, r in processes.values()) >> 20} MB in all")
        print(f"query_memory_limit {args.limit} MB; query: {HEAVY}")
        sampler = Sampler(server.pid)
        sampler.start()
        status, code, seconds = _query(port, HEAVY, "127.0.0.2")
        print(f"one heavy query: {status} {code} after {seconds:.1f} s; largest process "
              f"{sampler.peak_process >> 20} MB, all processes {sampler.peak_total >> 20} MB")
        status, _, seconds = _query(port, SMALL, "127.0.0.3")
        print(f"then a small query: {status} after {seconds * 1000:.0f} ms")
        sampler.peak_total = sampler.peak_process = 0
        outcomes: list[tuple[int, str, float]] = []
        threads = [threading.Thread(target=lambda i=i: outcomes.append(
            _query(port, HEAVY, f"127.0.1.{i + 1}"))) for i in range(5)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        sampler.stop.set()
        webs = 2  # read-only default: web_processes = 2, one query worker each
        print("five at once: " + ", ".join(f"{s} {c} {t:.1f} s" for s, c, t in
                                            sorted(outcomes)))
        print(f"  largest process {sampler.peak_process >> 20} MB, all processes "
              f"{sampler.peak_total >> 20} MB; cap × workers = {args.limit * webs} MB")
        status, _, seconds = _query(port, SMALL, "127.0.0.3")
        print(f"then a small query: {status} after {seconds * 1000:.0f} ms")
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
