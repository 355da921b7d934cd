"""The query-worker pool: slots, timeouts, restarts, and a store that survives kills."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator

import pytest

from server.errors import Busy, Interrupted, QueryTimeout
from server.workers import WorkerPool
from tests.conftest import make_sample_store

pytestmark = pytest.mark.slow

#: 64 sample triples to the 5th power: runs far longer than any limit used here (the
#: 4th power, 16.7M rows, is counted in under 3 s on a fast machine).
LONG = ("SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . "
        "?m ?q ?r }")
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"


def select(sparql: str) -> dict:
    return {"kind": "query", "sparql": sparql, "results_format": "JSON", "graph_format": None}


def number(answer: dict) -> int:
    return int(json.loads(answer["body"])["results"]["bindings"][0]["n"]["value"])


@pytest.fixture(scope="module")
def pool(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WorkerPool]:
    store = make_sample_store(tmp_path_factory.mktemp("pool") / "store")
    workers = WorkerPool(store, slots=2, timeout=1.5, queue_wait=0.3)
    assert workers.wait_ready()
    yield workers
    workers.close()


def in_background(pool: WorkerPool, job: dict, **kwargs: float) -> tuple[threading.Thread, dict]:
    outcome: dict = {}

    def run() -> None:
        try:
            outcome["answer"] = pool.run(job, **kwargs)
        except Exception as exc:  # noqa: BLE001 - the test inspects it
            outcome["error"] = exc

    thread = threading.Thread(target=run)
    thread.start()
    return thread, outcome


def wait_busy(pool: WorkerPool, slots: int) -> None:
    deadline = time.monotonic() + 10
    while pool.busy_slots() < slots:
        assert time.monotonic() < deadline, "job never started"
        time.sleep(0.01)


def test_timeout_stops_the_job_and_the_next_job_runs(pool: WorkerPool) -> None:
    restarts = pool.stats.restarts
    started = time.monotonic()
    with pytest.raises(QueryTimeout):
        pool.run(select(LONG))
    assert time.monotonic() - started < 1.5 + 1.0
    assert pool.stats.restarts == restarts + 1
    assert number(pool.run(select(COUNT))) == 64


def test_at_most_slots_jobs_run_at_once(pool: WorkerPool) -> None:
    threads = [in_background(pool, select(LONG), timeout=3.0) for _ in range(2)]
    wait_busy(pool, 2)
    with pytest.raises(Busy):
        pool.run(select(COUNT))
    for thread, outcome in threads:  # both stopped by their time limit
        thread.join(30)
        assert isinstance(outcome.get("error"), QueryTimeout | Interrupted)
    assert number(pool.run(select(COUNT))) == 64


def test_reads_beside_a_killed_worker_are_sent_again(pool: WorkerPool) -> None:
    retries = pool.stats.retries
    # a read that takes about a second, running when its worker is killed
    read = select("SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . "
                  "VALUES ?x { 1 2 3 4 } }")
    thread, outcome = in_background(pool, read, timeout=90.0)
    wait_busy(pool, 1)
    pool.restart()
    thread.join(120)
    assert "error" not in outcome, (outcome.get("error"), pool.stats)
    assert number(outcome["answer"]) == 64 ** 3 * 4
    assert pool.stats.retries == retries + 1


def test_a_write_killed_half_way_leaves_the_store_as_it_was(pool: WorkerPool) -> None:
    graph = "urn:test:half-written"
    # updates see the store's own default graph (empty here), so name the graphs
    update = (f"INSERT {{ GRAPH <{graph}> {{ ?a <urn:p> ?n }} }} WHERE {{ "
              "GRAPH ?w { ?a ?b ?c } GRAPH ?x { ?d ?e ?f } GRAPH ?y { ?g ?h ?i } "
              "BIND(CONCAT(STR(?c), STR(?f), STR(?i)) AS ?n) }")  # ~190k new quads, seconds
    thread, outcome = in_background(pool, {"kind": "update", "sparql": update}, timeout=60.0)
    wait_busy(pool, 1)
    time.sleep(0.2)
    killed = time.monotonic()
    pool.restart()
    thread.join(60)
    assert time.monotonic() - killed < 60, "the write was not stopped"
    assert isinstance(outcome.get("error"), Interrupted)
    answer = pool.run(select(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"))
    assert number(answer) == 0
    assert number(pool.run(select(COUNT))) == 64


def test_restart_time_is_measured(pool: WorkerPool) -> None:
    pool.stats.last_restart_seconds = None
    pool.restart()
    assert pool.wait_ready()
    deadline = time.monotonic() + 5
    while pool.stats.last_restart_seconds is None and time.monotonic() < deadline:
        time.sleep(0.01)
    assert pool.stats.last_restart_seconds is not None
    assert 0 < pool.stats.open_seconds < 5
