"""Benchmark: do clients that never finish their request body slow everyone else down?

Starts ``python -m server.wsgi`` (read-only, default settings) on a store holding
the server test sample, then, for each number of *slow clients* (default 0, 16,
32): the slow clients open connections from 127.0.0.2, send a ``POST /sparql``
with ``Content-Length: 100000`` and a few bytes of body, then trickle one byte
every two seconds and reconnect whenever the server closes on them; meanwhile
``--clients`` ordinary clients (from 127.0.0.1) send a small query in a loop for
``--seconds`` seconds. Prints the ordinary clients' requests, failures (no answer
within 5 s, or an error status), p50 and p99.

``--baseline DIR`` runs the same measurement, in the same run, against the server
code in DIR (a worktree of an earlier commit), for a before/after table.

Run: ``python bench/bench_slow_clients.py [--slow 0 16 32] [--seconds 10]
[--baseline /tmp/before]``
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
SAMPLE = REPO / "tests" / "data" / "server_sample.trig"
QUERY = "SELECT ?s ?p ?o WHERE { ?s ?p ?o } LIMIT 3"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _make_store(folder: Path) -> None:
    sys.path.insert(0, str(REPO))
    from pyoxigraph import RdfFormat

    from kg.graph.store import open_store

    with open_store(folder) as store, open(SAMPLE, "rb") as data:
        store.load(data, RdfFormat.TRIG)


def _start(code: Path, store: Path, workdir: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("KG_")}
    config = workdir / "none.toml"
    config.write_text("", encoding="utf-8")
    env.update({"KG_STORE": str(store), "KG_PORT": str(port), "KG_HOST": "127.0.0.1",
                "KG_CONFIG": str(config), "PYTHONPATH": str(code)})
    log = open(workdir / "server.log", "wb")  # noqa: SIM115 - closed with the process
    process = subprocess.Popen([sys.executable, "-m", "server.wsgi"], cwd=code, env=env,
                               stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url + "/api/status", timeout=2):
                return process, url
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise SystemExit("server did not start: see " + str(workdir / "server.log"))


def _idle_client(port: int, stop: threading.Event) -> None:
    """One connection that never sends a request, re-opened whenever the server closes it."""
    while not stop.is_set():
        try:
            sock = socket.create_connection(("127.0.0.1", port), timeout=5,
                                            source_address=("127.0.0.2", 0))
        except OSError:
            stop.wait(0.2)
            continue
        try:
            sock.settimeout(None)
            while not stop.is_set() and sock.recv(1):
                pass
        except OSError:
            stop.wait(0.2)
        finally:
            sock.close()


def _slow_client(port: int, stop: threading.Event) -> None:
    """One held-open request body, re-opened whenever the server closes it."""
    while not stop.is_set():
        try:
            sock = socket.create_connection(("127.0.0.1", port), timeout=5,
                                            source_address=("127.0.0.2", 0))
        except OSError:
            stop.wait(0.2)
            continue
        try:
            sock.sendall(b"POST /sparql HTTP/1.1\r\nHost: bench\r\nContent-Type: "
                         b"application/sparql-query\r\nContent-Length: 100000\r\n\r\nSELECT")
            while not stop.wait(2.0):
                sock.sendall(b" ")
        except OSError:
            stop.wait(0.2)
        finally:
            sock.close()


def _ordinary(url: str, until: float, latencies: list[float], failures: list[int]) -> None:
    target = url + "/sparql?query=" + urllib.parse.quote(QUERY)
    while time.monotonic() < until:
        started = time.monotonic()
        try:
            with urllib.request.urlopen(target, timeout=5) as response:
                response.read()
            latencies.append(time.monotonic() - started)
        except OSError:
            failures.append(1)


def measure(url: str, slow: int, clients: int, seconds: float,
            holder: Any = None) -> dict[str, float]:
    port = int(url.rsplit(":", 1)[1])
    stop = threading.Event()
    holders = [threading.Thread(target=holder or _slow_client, args=(port, stop), daemon=True)
               for _ in range(slow)]
    for holder in holders:
        holder.start()
    time.sleep(1.0 if slow else 0.0)
    latencies: list[float] = []
    failures: list[int] = []
    until = time.monotonic() + seconds
    workers = [threading.Thread(target=_ordinary, args=(url, until, latencies, failures))
               for _ in range(clients)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    stop.set()
    latencies.sort()
    p99 = latencies[max(0, int(len(latencies) * 0.99) - 1)] if latencies else float("nan")
    return {"ok": len(latencies), "failed": len(failures),
            "p50_ms": statistics.median(latencies) * 1000 if latencies else float("nan"),
            "p99_ms": p99 * 1000}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--slow", type=int, nargs="+", default=[0, 16, 32])
    parser.add_argument("--idle", type=int, nargs="*", default=[2000],
                        help="also: this many connections that send nothing")
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--baseline", type=Path, help="worktree of an earlier commit")
    args = parser.parse_args()
    runs = [("this commit", REPO)]
    if args.baseline:
        runs.insert(0, ("baseline", args.baseline.resolve()))
    work = Path(tempfile.mkdtemp(prefix="kg-slow-"))
    try:
        print("| server | held connections | ordinary requests | failed | p50 ms | p99 ms |")
        print("|---|---|---|---|---|---|")
        for name, code in runs:
            store = work / f"store-{len(list(work.iterdir()))}"
            _make_store(store)
            process, url = _start(code, store, work)
            try:
                plan = [(n, f"{n} slow bodies", _slow_client) for n in args.slow] + \
                       [(n, f"{n} idle", _idle_client) for n in args.idle]
                for count, label, holder in plan:
                    figures = measure(url, count, args.clients, args.seconds, holder)
                    print(f"| {name} | {label} | {figures['ok']} | {figures['failed']} | "
                          f"{figures['p50_ms']:.1f} | {figures['p99_ms']:.1f} |", flush=True)
                    time.sleep(1.0)
            finally:
                process.terminate()
                try:
                    process.wait(20)
                except subprocess.TimeoutExpired:
                    process.kill()
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
