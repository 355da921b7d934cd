"""Stress: is every write's answer the truth while the query worker is killed again and again?

Two threads send SPARQL updates (each a count over the sample store's graphs, tens of
milliseconds, then one new statement) to a :class:`server.workers.WorkerPool` while a
third kills the worker at random moments (0.05–0.3 s after it is ready). After each
round the store is read: a write answered as done must be there, one answered
``not_applied`` (or refused, or stopped at its time limit) must not. Prints, per round,
the answers seen and the number of untrue ones, then the total.

``--widen MS`` puts a pause of MS milliseconds before every frame written to a slot pipe,
on both sides, to make rare interleavings (a kill between two steps of the protocol)
frequent. ``--baseline DIR`` runs the same rounds with the code in DIR (a worktree of an
earlier commit) in a second process, for a before/after comparison in one run.

Run: ``python bench/bench_write_outcomes.py [--rounds 20] [--widen 3] [--baseline DIR]``
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

WIDEN_ENV = "KG_BENCH_WIDEN_MS"

if os.environ.get(WIDEN_ENV):
    # Module level, so that it also runs in the worker processes (spawned: they import
    # this file as their main module).
    import server.workers as _workers

    _send = _workers.send_frame
    _pause = float(os.environ[WIDEN_ENV]) / 1000

    def _slow_send(fd: int, payload: bytes) -> None:
        time.sleep(_pause)
        _send(fd, payload)

    _workers.send_frame = _slow_send  # type: ignore[assignment]

UPDATE = ("INSERT {{ <{subject}> <urn:p> ?n }} WHERE {{ SELECT (COUNT(*) AS ?n) WHERE {{ "
          "GRAPH ?w {{ ?a ?b ?c }} GRAPH ?x {{ ?d ?e ?f }} GRAPH ?y {{ ?g ?h ?i }} }} }}")


def run_rounds(rounds: int, writes: int) -> int:
    """Run the rounds in this process; return the number of untrue answers."""
    from server.errors import ApiError
    from server.workers import WorkerPool
    from tests.conftest import make_sample_store

    store = make_sample_store(Path(tempfile.mkdtemp(prefix="kg-bench-writes-")) / "store")
    pool = WorkerPool(store, slots=2, timeout=1.5, queue_wait=0.3)
    assert pool.wait_ready()
    untrue = 0
    for number in range(rounds):
        answers: dict[str, str] = {}
        stop = threading.Event()

        def writer(prefix: str, number: int = number, answers: dict = answers) -> None:
            for i in range(writes):
                subject = f"urn:bench:{number}:{prefix}{i}"
                try:
                    answer = pool.run({"kind": "update", "sparql": UPDATE.format(subject=subject)})
                    answers[subject] = "done" if answer.get("ok") else "refused"
                except ApiError as exc:
                    answers[subject] = exc.code

        def killer(stop: threading.Event = stop) -> None:
            while not stop.wait(random.uniform(0.05, 0.3)):
                pool.wait_ready()
                pool.restart()

        threads = [threading.Thread(target=writer, args=(p,)) for p in "ab"]
        chaos = threading.Thread(target=killer)
        chaos.start()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        stop.set()
        chaos.join()
        pool.wait_ready()
        body = pool.run({"kind": "query", "results_format": "JSON", "graph_format": None,
                         "sparql": "SELECT ?s WHERE { ?s <urn:p> ?n }"})["body"]
        stored = {row["s"]["value"] for row in json.loads(body)["results"]["bindings"]}
        wrong = sum(1 for subject, answer in answers.items()
                    if (answer == "done") != (subject in stored)
                    and answer not in ("outcome_unknown", "partly_applied"))
        untrue += wrong
        seen = dict(sorted(Counter(answers.values()).items()))
        print(f"round {number}: {seen}, untrue {wrong}", flush=True)
    pool.close()
    return untrue


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--writes", type=int, default=20, help="writes per thread and round")
    parser.add_argument("--widen", type=float, default=0.0, metavar="MS")
    parser.add_argument("--baseline", type=Path, help="a worktree of an earlier commit")
    parser.add_argument("--here", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.here:
        print(f"TOTAL untrue {run_rounds(args.rounds, args.writes)}", flush=True)
        return
    env = {name: value for name, value in os.environ.items() if name != WIDEN_ENV}
    if args.widen:
        env[WIDEN_ENV] = str(args.widen)
    code = [(Path(__file__).resolve().parent.parent, "this code")]
    if args.baseline:
        code.append((args.baseline.resolve(), f"baseline {args.baseline}"))
    totals = []
    for root, name in code:
        print(f"== {name}", flush=True)
        result = subprocess.run(
            [sys.executable, str(Path(__file__).resolve()), "--here", "--rounds",
             str(args.rounds), "--writes", str(args.writes)],
            env={**env, "PYTHONPATH": str(root)}, cwd=root, capture_output=True, text=True)
        lines = [line for line in result.stdout.splitlines()
                 if line.startswith(("round", "TOTAL"))]
        print("\n".join(lines), flush=True)
        totals.append((name, lines[-1] if lines else f"failed: {result.stderr[-500:]}"))
    for name, total in totals:
        print(f"{name}: {total}")


if __name__ == "__main__":
    main()
