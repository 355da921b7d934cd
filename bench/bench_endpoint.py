"""Benchmark: our SPARQL endpoint against ``oxigraph serve`` on the same data.

Generates a synthetic store in conflict-kg's modelling (reports with events,
actors, places with hierarchy, casualties, text spans; a few hundred thousand
quads), copies it for both servers, starts ``kg``'s server (``python -m
server.wsgi``) and ``oxigraph serve --union-default-graph`` on 127.0.0.1, then
drives three queries at the same concurrency against each, in one run:

* point lookup: all properties of one event (a random one of all 10,000 events each
  request, so per-text caches on the server mostly miss);
* star join: airstrikes at one town with date and perpetrator;
* aggregate: events per type in one governorate, through the place hierarchy.

Clients are separate processes with keep-alive connections, so the Python client
is not the bottleneck of one server more than the other. Prints requests/s, p50
and p99 per server and query, the server's CPU time per request (all its processes,
from ``/proc``: the machine's other load disturbs it less than throughput), and
our/Oxigraph ratios of both; ``--json FILE``
also writes them. Finally it stops one runaway query and reports how long the
query worker took to restart (kill, promote the standby, reopen the store).

Each query is measured in ``--rounds`` short rounds that alternate between the
servers (the machine is shared, so its load drifts); medians are reported, and
the throughput ratio is the median of the per-round ratios.

Run: ``python bench/bench_endpoint.py [--reports 2500] [--rounds 3] [--seconds 2]
[--concurrency 4]``
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from kg.graph.store import open_store  # noqa: E402

CKG = "https://w3id.org/conflict-kg/ontology#"
ID = "https://w3id.org/conflict-kg/id/"
GRAPH = "https://w3id.org/conflict-kg/graph/"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
XSD = "http://www.w3.org/2001/XMLSchema#"
SCHEMA = "https://schema.org/"
EVENT_TYPES = ("ArmedClash", "Attack", "Raid", "Airstrike", "Shelling", "Explosion",
               "Arrest", "Abduction")
ROLES = ("perpetrator", "target", "supporter")
PREFIXES = (f"PREFIX ckg: <{CKG}>\nPREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n")


def _iri(value: str) -> str:
    return f"<{value}>"


def _lit(value: str, *, lang: str | None = None, datatype: str | None = None) -> str:
    text = json.dumps(value, ensure_ascii=False)
    if lang:
        return f"{text}@{lang}"
    if datatype:
        return f"{text}^^<{datatype}>"
    return text


def generate(path: Path, reports: int, seed: int = 7) -> dict[str, list[str]]:
    """Write an N-Quads file of ``reports`` synthetic reports plus a KB graph.

    Returns:
        IRIs to pick query parameters from (events, towns, governorates).
    """
    rng = random.Random(seed)
    governorates = [f"{ID}place/SY{g:02d}" for g in range(1, 15)]
    districts = [f"{ID}place/SY{g:02d}{d:02d}" for g in range(1, 15) for d in range(1, 6)]
    towns = [f"{ID}place/C{t:05d}" for t in range(2000)]
    actors = [f"{ID}actor/a{a:03d}" for a in range(200)]
    kb = _iri(GRAPH + "kb")
    events: list[str] = []
    with open(path, "w", encoding="utf-8") as out:
        def quad(s: str, p: str, o: str, g: str) -> None:
            out.write(f"{_iri(s)} {_iri(p)} {o} {g} .\n")

        for i, gov in enumerate(governorates):
            quad(gov, RDF_TYPE, _iri(CKG + "Governorate"), kb)
            quad(gov, LABEL, _lit(f"Governorate {i}", lang="en"), kb)
            quad(gov, LABEL, _lit(f"محافظة {i}", lang="ar"), kb)
        for i, district in enumerate(districts):
            quad(district, RDF_TYPE, _iri(CKG + "District"), kb)
            quad(district, LABEL, _lit(f"District {i}", lang="en"), kb)
            quad(district, CKG + "locatedIn", _iri(governorates[i // 5]), kb)
        for i, town in enumerate(towns):
            quad(town, RDF_TYPE, _iri(CKG + "Town"), kb)
            quad(town, LABEL, _lit(f"Town {i}", lang="en"), kb)
            quad(town, LABEL, _lit(f"بلدة {i}", lang="ar"), kb)
            quad(town, CKG + "locatedIn", _iri(rng.choice(districts)), kb)
        for i, actor in enumerate(actors):
            quad(actor, RDF_TYPE, _iri(CKG + "ArmedGroup"), kb)
            quad(actor, LABEL, _lit(f"Group {i}", lang="en"), kb)
            if i % 3 == 0:
                quad(actor, "http://www.w3.org/2002/07/owl#sameAs",
                     _iri(f"http://www.wikidata.org/entity/Q{1000 + i}"), kb)
        for r in range(reports):
            key = f"{r:016x}"
            graph = _iri(f"{GRAPH}report/{key}")
            report = f"{ID}report/{key}"
            quad(report, RDF_TYPE, _iri(CKG + "Report"), graph)
            quad(report, SCHEMA + "text", _lit("نص التقرير " * 20, lang="ar"), graph)
            quad(report, SCHEMA + "datePublished",
                 _lit(f"2024-{1 + r % 12:02d}-{1 + r % 28:02d}", datatype=XSD + "date"), graph)
            for e in range(4):
                event = f"{ID}event/{key}-{e}"
                events.append(event)
                kind = rng.choice(EVENT_TYPES)
                quad(event, RDF_TYPE, _iri(CKG + kind), graph)
                quad(event, CKG + "reportedIn", _iri(report), graph)
                quad(event, CKG + "isBackground", _lit("false", datatype=XSD + "boolean"), graph)
                quad(event, CKG + "date", _lit(f"2024-{1 + r % 12:02d}-{1 + e:02d}",
                                              datatype=XSD + "date"), graph)
                quad(event, CKG + "timePrecision", _iri(CKG + "DayPrecision"), graph)
                quad(event, CKG + "place", _iri(rng.choice(towns)), graph)
                for role in ROLES[: rng.randint(1, 3)]:
                    quad(event, CKG + role, _iri(rng.choice(actors)), graph)
                span = f"{event}/span/{e * 10}-{e * 10 + 5}"
                quad(event, CKG + "trigger", _iri(span), graph)
                quad(span, RDF_TYPE, _iri(CKG + "TextSpan"), graph)
                quad(span, CKG + "startOffset", _lit(str(e * 10), datatype=XSD + "integer"),
                     graph)
                quad(span, CKG + "endOffset", _lit(str(e * 10 + 5), datatype=XSD + "integer"),
                     graph)
                quad(span, CKG + "spanText", _lit("هجوم", lang="ar"), graph)
                casualty = f"{event}/casualty/0"
                quad(event, CKG + "casualty", _iri(casualty), graph)
                quad(casualty, RDF_TYPE, _iri(CKG + "Casualty"), graph)
                quad(casualty, CKG + "count", _lit(str(rng.randint(1, 20)),
                                                  datatype=XSD + "nonNegativeInteger"), graph)
                quad(casualty, CKG + "casualtyStatus", _iri(CKG + "Killed"), graph)
                quad(casualty, CKG + "affiliation", _iri(rng.choice(actors)), graph)
    return {"events": events, "towns": towns, "governorates": governorates}


def queries(pick: dict[str, list[str]], rng: random.Random) -> dict[str, list[str]]:
    """Query texts per benchmark, with varied parameters (the same lists for both servers)."""
    return {
        # every event (10,000 by default): more texts than the server's per-text caches
        "point_lookup": [f"SELECT ?p ?o WHERE {{ <{e}> ?p ?o }}" for e in pick["events"]],
        "star_join": [PREFIXES + f"""SELECT ?e ?date ?actor WHERE {{
  ?e a ckg:Airstrike ; ckg:place <{t}> ; ckg:date ?date ; ckg:perpetrator ?actor }}"""
                      for t in rng.sample(pick["towns"], 500)],
        "aggregate": [PREFIXES + f"""SELECT ?type (COUNT(?e) AS ?n) WHERE {{
  ?e ckg:place ?town ; a ?type . ?town ckg:locatedIn ?district .
  ?district ckg:locatedIn <{g}> }} GROUP BY ?type"""
                      for g in pick["governorates"]],
    }


def _client(args: tuple[str, int, list[str], float, float, int]
            ) -> tuple[list[float], int, int]:
    """One client process: send queries for ``duration`` seconds.

    Returns the latencies (ms) and errors after the warm-up, and the number of
    answered requests including the warm-up (what the server's CPU time was spent on).

    A text starting with ``OPTIONS `` is sent as that request instead of a query.
    """
    host, port, texts, warmup, duration, seed = args
    rng = random.Random(seed)
    # each client process from its own loopback address: separate users, as a server
    # that shares its query slots per client address sees them
    source = (f"127.0.0.{10 + seed}", 0)
    conn = http.client.HTTPConnection(host, port, timeout=60, source_address=source)
    headers = {"Accept": "application/sparql-results+json"}
    latencies: list[float] = []
    errors = answered = 0
    start = time.monotonic()
    while True:
        now = time.monotonic()
        if now - start > warmup + duration:
            break
        text = rng.choice(texts)
        method, path = ("OPTIONS", text.split(" ", 1)[1]) if text.startswith("OPTIONS ") \
            else ("GET", "/sparql?" + urllib.parse.urlencode({"query": text}))
        sent = time.perf_counter()
        try:
            conn.request(method, path, headers=headers)
            response = conn.getresponse()
            response.read()
            ok = response.status < 300
        except (OSError, http.client.HTTPException):
            conn.close()
            conn = http.client.HTTPConnection(host, port, timeout=60, source_address=source)
            ok = False
        elapsed = (time.perf_counter() - sent) * 1000
        answered += ok
        if now - start >= warmup:
            if ok:
                latencies.append(elapsed)
            else:
                errors += 1
    conn.close()
    return latencies, errors, answered


def process_tree_cpu(pid: int) -> float:
    """CPU seconds (user + system) used so far by process ``pid`` and its descendants.

    Linux ``/proc`` only; processes that ended are not counted (the servers' processes
    live through a measurement).
    """
    tick = os.sysconf("SC_CLK_TCK")
    children: dict[int, list[int]] = {}
    times: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(entry))
        times[int(entry)] = int(fields[11]) + int(fields[12])
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        total += times.get(current, 0)
        todo.extend(children.get(current, ()))
    return total / tick


def measure(port: int, texts: list[str], *, concurrency: int, warmup: float,
            duration: float, pid: int | None = None) -> dict[str, float]:
    """Drive one query set at one server; returns rps, p50, p99 and errors.

    With the server's ``pid``, also its CPU time per answered request
    (``cpu_us``: all its processes, warm-up included): a figure the machine's other
    load disturbs much less than throughput.
    """
    jobs = [("127.0.0.1", port, texts, warmup, duration, i) for i in range(concurrency)]
    cpu_before = process_tree_cpu(pid) if pid else 0.0
    with multiprocessing.get_context("spawn").Pool(concurrency) as pool:
        parts = pool.map(_client, jobs)
    cpu = process_tree_cpu(pid) - cpu_before if pid else float("nan")
    latencies = sorted(v for lat, _, _ in parts for v in lat)
    errors = sum(e for _, e, _ in parts)
    answered = sum(n for _, _, n in parts)
    if not latencies:
        return {"rps": 0.0, "p50_ms": float("nan"), "p99_ms": float("nan"), "errors": errors,
                "cpu_us": float("nan")}
    p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))]
    return {"rps": len(latencies) / duration, "p50_ms": statistics.median(latencies),
            "p99_ms": p99, "errors": errors, "requests": len(latencies),
            "cpu_us": cpu / max(answered, 1) * 1e6}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait(port: int, path: str, process: subprocess.Popen[bytes], seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server on port {port} exited with {process.returncode}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", path)
            if conn.getresponse().status < 500:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"server on port {port} did not start")


def _restart_cost(port: int) -> Any:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    runaway = ("SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }")
    conn.request("GET", "/sparql?" + urllib.parse.urlencode({"query": runaway}))
    first = conn.getresponse()
    first.read()
    time.sleep(1.0)
    conn.request("GET", "/api/status")
    status = json.loads(conn.getresponse().read())
    return {"runaway_status": first.status, **status["worker"]}


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reports", type=int, default=2500, help="synthetic reports")
    parser.add_argument("--seconds", type=float, default=2.0, help="measured seconds per round")
    parser.add_argument("--rounds", type=int, default=3,
                        help="alternating rounds per server and query (medians reported)")
    parser.add_argument("--warmup", type=float, default=1.0, help="warm-up seconds per run")
    parser.add_argument("--concurrency", type=int, default=4, help="client processes")
    parser.add_argument("--http-server", default="granian", choices=("granian", "gunicorn"),
                        help="HTTP server of ours (setting http_server)")
    parser.add_argument("--json", type=Path, default=None, help="also write results here")
    parser.add_argument("--baseline", type=Path, default=None,
                        help="also serve the same store with the code in this folder (a "
                             "worktree of an earlier commit), measured in the same rounds")
    args = parser.parse_args(argv)

    oxigraph = shutil.which("oxigraph") or str(Path(sys.executable).parent / "oxigraph")
    work = Path(tempfile.mkdtemp(prefix="kg-bench-"))
    processes: list[subprocess.Popen[bytes]] = []
    try:
        data = work / "data.nq"
        started = time.monotonic()
        pick = generate(data, args.reports)
        ours_dir, theirs_dir = work / "ours", work / "oxigraph"
        from pyoxigraph import RdfFormat

        with open_store(ours_dir) as store, open(data, "rb") as source:
            store.load(source, RdfFormat.N_QUADS)
            quads = len(store)
            store.backup(theirs_dir)
            if args.baseline:
                store.backup(work / "baseline")
        print(f"data: {args.reports} reports, {quads:,} quads "
              f"(generated and loaded in {time.monotonic() - started:.1f} s)", flush=True)

        our_port, their_port = _free_port(), _free_port()
        env = {k: v for k, v in os.environ.items() if not k.startswith("KG_")}
        env.update({"KG_STORE": str(ours_dir), "KG_PORT": str(our_port),
                    "KG_HOST": "127.0.0.1",
                    "KG_MAX_CONCURRENT_QUERIES": str(args.concurrency),
                    "KG_QUERY_TIMEOUT": "3", "KG_CONFIG": str(work / "none.toml"),
                    "KG_HTTP_SERVER": args.http_server,
                    "PYTHONPATH": str(REPO)})
        (work / "none.toml").write_text("", encoding="utf-8")
        processes.append(subprocess.Popen([sys.executable, "-m", "server.wsgi"], cwd=REPO,
                                          env=env, stdout=subprocess.DEVNULL))
        processes.append(subprocess.Popen(
            [oxigraph, "serve", "--location", str(theirs_dir), "--bind",
             f"127.0.0.1:{their_port}", "--union-default-graph"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        _wait(our_port, "/api/status", processes[0])
        _wait(their_port, "/", processes[1])
        servers: tuple[tuple[str, int, int], ...] = (
            ("oxigraph", their_port, processes[1].pid),
            ("conflict-kg", our_port, processes[0].pid))
        if args.baseline:
            base_port = _free_port()
            processes.append(subprocess.Popen(
                [sys.executable, "-m", "server.wsgi"], cwd=args.baseline,
                env={**env, "KG_STORE": str(work / "baseline"), "KG_PORT": str(base_port),
                     "PYTHONPATH": str(args.baseline.resolve())},
                stdout=subprocess.DEVNULL))
            _wait(base_port, "/api/status", processes[-1])
            servers += (("baseline", base_port, processes[-1].pid),)

        texts = queries(pick, random.Random(11))
        results: dict[str, dict[str, Any]] = {}
        for name, query_texts in texts.items():
            # Alternate the servers in short rounds, so a change in the machine's load
            # (it is shared) hits both alike; report medians over the rounds.
            rounds: dict[str, list[dict[str, float]]] = {server: [] for server, *_ in servers}
            for _ in range(args.rounds):
                for server, port, pid in servers:
                    rounds[server].append(measure(port, query_texts,
                                                  concurrency=args.concurrency,
                                                  warmup=args.warmup, duration=args.seconds,
                                                  pid=pid))
            for server, *_ in servers:
                figures = {key: statistics.median(r[key] for r in rounds[server])
                           for key in ("rps", "p50_ms", "p99_ms", "cpu_us")}
                figures["errors"] = sum(r["errors"] for r in rounds[server])
                results.setdefault(name, {})[server] = figures
                print(f"{name:13} {server:12} {figures['rps']:8.1f} req/s  "
                      f"p50 {figures['p50_ms']:7.2f} ms  p99 {figures['p99_ms']:7.2f} ms  "
                      f"server CPU {figures['cpu_us']:6.0f} µs/req  "
                      f"errors {figures['errors']}", flush=True)
            ratios = [ours["rps"] / max(theirs["rps"], 1e-9) for ours, theirs in
                      zip(rounds["conflict-kg"], rounds["oxigraph"], strict=True)]
            results[name]["ratio"] = statistics.median(ratios)
            results[name]["ratios"] = ratios
            print(f"{name:13} ratio conflict-kg / oxigraph throughput: "
                  f"{results[name]['ratio']:.2f} (median of "
                  f"{', '.join(f'{r:.2f}' for r in ratios)})", flush=True)
            cpu_ratios = [theirs["cpu_us"] / max(ours["cpu_us"], 1e-9) for ours, theirs in
                          zip(rounds["conflict-kg"], rounds["oxigraph"], strict=True)]
            results[name]["cpu_ratio"] = statistics.median(cpu_ratios)
            print(f"{name:13} ratio oxigraph / conflict-kg server CPU per request: "
                  f"{results[name]['cpu_ratio']:.2f}", flush=True)
            if args.baseline:
                before = statistics.median(b["rps"] / max(t["rps"], 1e-9) for b, t in zip(
                    rounds["baseline"], rounds["oxigraph"], strict=True))
                results[name]["baseline_ratio"] = before
                print(f"{name:13} ratio baseline / oxigraph throughput: {before:.2f}",
                      flush=True)
        # The floor of our HTTP stack: HTTP server + Flask answering a pre-flight request,
        # no query, no worker process involved.
        floor = measure(our_port, ["OPTIONS /sparql"], concurrency=args.concurrency,
                        warmup=args.warmup, duration=args.seconds)
        results["http_floor"] = {"conflict-kg": floor}
        print(f"{'http floor':13} {'conflict-kg':12} {floor['rps']:8.1f} req/s  "
              f"p50 {floor['p50_ms']:7.2f} ms  (OPTIONS /sparql: HTTP server + Flask only)",
              flush=True)
        restart = _restart_cost(our_port)
        print(f"worker restart after a timeout: {restart['last_restart_seconds']:.3f} s "
              f"(store open {restart['open_seconds']:.3f} s)", flush=True)
        summary = {"quads": quads, "reports": args.reports, "concurrency": args.concurrency,
                   "http_server": args.http_server,
                   "seconds": args.seconds, "rounds": args.rounds, "cores": os.cpu_count(),
                   "results": results, "restart": restart}
        if args.json:
            args.json.write_text(json.dumps(summary, indent=2), encoding="utf-8")
        targets = {"point_lookup": 0.6, "star_join": 0.7, "aggregate": 0.9}
        for name, target in targets.items():
            ok = results[name]["ratio"] >= target and \
                results[name]["conflict-kg"]["p99_ms"] <= 50
            print(f"target {name}: ≥ {target}× Oxigraph, p99 ≤ 50 ms:",
                  "met" if ok else "NOT met")
        return 0
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(15)
            except subprocess.TimeoutExpired:
                process.kill()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
