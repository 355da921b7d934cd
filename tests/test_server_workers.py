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
    assert outcome["error"].code == "not_applied"  # checked, not guessed
    answer = pool.run(select(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"))
    assert number(answer) == 0
    assert number(pool.run(select(COUNT))) == 64


def test_a_write_stopped_by_its_time_limit_says_it_changed_nothing(pool: WorkerPool) -> None:
    graph = "urn:test:too-slow"
    # an update's WHERE sees the store's own default graph (empty here): name the graphs
    update = (f"INSERT {{ GRAPH <{graph}> {{ <urn:s> <urn:p> ?n }} }} WHERE {{ "
              "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?v { ?a ?b ?c } GRAPH ?w { ?d ?e ?f } "
              "GRAPH ?x { ?g ?h ?i } GRAPH ?y { ?j ?k ?l } GRAPH ?z { ?m ?q ?r } } }")
    with pytest.raises(QueryTimeout) as stopped:
        pool.run({"kind": "update", "sparql": update}, timeout=0.5)
    assert "nothing was changed" in stopped.value.message  # checked, not guessed
    assert pool.stats.write_checks > 0
    answer = pool.run(select(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"))
    assert number(answer) == 0


def test_a_killed_workers_pipes_stay_open_while_a_job_holds_a_slot(pool: WorkerPool) -> None:
    """Closed under a job, a pipe's descriptor number goes to the next worker's pipes,
    and the job would then send to, or read from, a slot another job is using."""
    from server.workers import send_frame

    worker, slot = pool._checkout()  # a job in flight on this slot
    conn = worker.slots[slot]
    pool.restart(worker)
    assert pool.wait_ready()
    assert not conn.closed
    with pytest.raises(OSError):  # the worker is gone: the job learns it cleanly
        send_frame(conn.fileno(), b"a job")
    pool._checkin(worker, slot)
    assert conn.closed  # and closed once the last job let go of it
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


def test_one_client_gets_its_share_of_slots_and_no_more(pool: WorkerPool) -> None:
    from server.errors import TooManyRequests
    from server.workers import serving_client

    assert pool.client_slots == 1  # two slots: one fewer for any one client

    def as_client(address: str, job: dict, outcome: dict) -> None:
        with serving_client(address):
            try:
                outcome["answer"] = pool.run(job, timeout=3.0)
            except Exception as exc:  # noqa: BLE001 - the test inspects it
                outcome["error"] = exc

    first: dict = {}
    thread = threading.Thread(target=as_client, args=("10.0.0.1", select(LONG), first))
    thread.start()
    wait_busy(pool, 1)
    again: dict = {}
    as_client("10.0.0.1", select(COUNT), again)  # waits queue_wait (0.3 s), then refused
    assert isinstance(again.get("error"), TooManyRequests)
    other: dict = {}
    as_client("10.0.0.2", select(COUNT), other)  # another client has the other slot
    assert number(other["answer"]) == 64
    thread.join(30)
    assert isinstance(first.get("error"), QueryTimeout | Interrupted)


def test_a_worker_over_its_memory_limit_is_stopped_with_a_clear_answer(
        tmp_path_factory: pytest.TempPathFactory) -> None:
    from server.workers import MemoryLimit, resident_bytes

    store = make_sample_store(tmp_path_factory.mktemp("memory") / "store")
    probe = WorkerPool(store, slots=2, timeout=30, queue_wait=0.3)
    try:
        assert probe.wait_ready()
        idle = resident_bytes(probe._current.process.pid or 0)
    finally:
        probe.close()
    if idle is None:
        pytest.skip("no /proc on this platform")
    limit = idle + (150 << 20)
    workers = WorkerPool(store, slots=2, timeout=30, queue_wait=0.3, memory_limit=limit)
    try:
        assert workers.wait_ready()
        # sorting the cross product materializes it: memory grows until stopped
        started = time.monotonic()
        with pytest.raises(MemoryLimit):
            workers.run(select("SELECT * { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } "
                               "ORDER BY STR(?c) STR(?f) STR(?i)"))
        assert time.monotonic() - started < 30
        assert workers.stats.memory_stops == 1
        assert workers.stats.peak_memory < limit + (400 << 20)
        assert number(workers.run(select(COUNT))) == 64  # a new worker answers
    finally:
        workers.close()


def test_every_write_answer_says_what_happened_to_it(pool: WorkerPool) -> None:
    """Writes run while the worker is killed again and again: each answer is the truth.

    A write answered as done is in the store; one answered ``not_applied`` is not.
    """
    answers: dict[str, str] = {}
    stop = threading.Event()
    restarts = pool.stats.restarts

    def writer(prefix: str) -> None:
        for i in range(20):
            subject = f"urn:test:w:{prefix}{i}"
            try:
                # a count over 262k rows: tens of milliseconds, so kills land mid-write
                text = (f"INSERT {{ GRAPH <urn:test:writes> {{ <{subject}> <urn:p> ?n }} }} "
                        "WHERE { SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?w { ?a ?b ?c } "
                        "GRAPH ?x { ?d ?e ?f } GRAPH ?y { ?g ?h ?i } } }")
                answer = pool.run({"kind": "update", "sparql": text})
                # an error answer (the engine refused the update) changed nothing either
                answers[subject] = "done" if answer.get("ok") else "failed:" + answer["code"]
            except Interrupted as exc:
                answers[subject] = exc.code

    def killer() -> None:
        while not stop.wait(0.15):
            pool.restart()

    threads = [threading.Thread(target=writer, args=(p,)) for p in "ab"]
    chaos = threading.Thread(target=killer)
    chaos.start()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    stop.set()
    chaos.join(10)
    try:
        assert pool.wait_ready()
        rows = pool.run(select("SELECT (COUNT(*) AS ?n) WHERE { GRAPH <urn:test:writes> "
                               "{ ?s ?p ?o } }"))
        present = json.loads(pool.run({"kind": "query", "results_format": "JSON",
                                       "graph_format": None, "sparql":
                                       "SELECT ?s WHERE { GRAPH <urn:test:writes> { ?s ?p ?o } }"}
                                      )["body"])["results"]["bindings"]
        stored = {b["s"]["value"] for b in present}
        assert number(rows) == len(stored)
        assert pool.stats.restarts > restarts  # the writes did run into kills
        for subject, answer in answers.items():
            if answer == "done":
                assert subject in stored, subject
            elif answer == "not_applied" or answer.startswith("failed:"):
                assert subject not in stored, (subject, answer)
            else:
                assert answer == "outcome_unknown", answer
        # a write's mark is left behind only when its outcome could not be checked, or
        # when the worker stopped before removing it (then the pool still knows it)
        marks = pool.run(select("SELECT (COUNT(*) AS ?n) WHERE { GRAPH <urn:conflict-kg:writes> "
                                "{ ?s ?p ?o } }"))
        assert number(marks) <= (list(answers.values()).count("outcome_unknown")
                                 + pool.stats.marks_to_remove)
    finally:
        pool.run({"kind": "update", "sparql": "DROP SILENT GRAPH <urn:test:writes> ; "
                                              "DROP SILENT GRAPH <urn:conflict-kg:writes>"})


def test_run_async_answers_times_out_and_falls_back(pool: WorkerPool) -> None:
    import asyncio

    assert number(asyncio.run(pool.run_async(select(COUNT), client="10.0.0.9"))) == 64
    started = time.monotonic()
    with pytest.raises(QueryTimeout):
        asyncio.run(pool.run_async(select(LONG)))
    assert time.monotonic() - started < 1.5 + 1.0
    # both slots busy: it waits in a thread as run() does, then says so
    threads = [in_background(pool, select(LONG), timeout=3.0) for _ in range(2)]
    wait_busy(pool, 2)
    with pytest.raises(Busy):
        asyncio.run(pool.run_async(select(COUNT)))
    for thread, _ in threads:
        thread.join(30)
    assert number(asyncio.run(pool.run_async(select(COUNT)))) == 64


def test_a_cancelled_run_async_leaves_no_answer_for_the_next_job(pool: WorkerPool) -> None:
    """A request given up while its query runs (its task cancelled) must not leave its
    answer in the slot's pipe, where the next job on that slot would read it as its own."""
    import asyncio

    # a few hundred thousand rows: long enough to be cancelled while it runs, far
    # below the time limit
    cube = ("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?w { ?a ?b ?c } GRAPH ?x { ?d ?e ?f } "
            "GRAPH ?y { ?g ?h ?i } }")
    expected = number(pool.run(select(cube)))
    assert expected == 64 ** 3

    async def give_up() -> None:
        with pytest.raises(TimeoutError):
            await asyncio.wait_for(pool.run_async(select(cube)), 0.001)

    for _ in range(3):
        asyncio.run(give_up())
        # every slot, in turn, answers its own job
        for _ in range(pool.slot_count):
            assert number(pool.run(select(COUNT))) == 64
    assert number(pool.run(select(cube))) == expected
