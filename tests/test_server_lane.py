"""One-subject look-ups answered in the web process of a read-only server (server.lane)."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
import urllib.parse
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from SPARQLWrapper import JSON, SPARQLWrapper

from kg.graph.store import StoreLockedError, hold_readers_lock, open_store
from server.lane import is_subject_lookup
from tests.conftest import (
    REPO,
    make_sample_store,
    server_settings,
    start_server,
    stop_server,
)

ID = "https://w3id.org/conflict-kg/id/"
EVENT = f"<{ID}event/r1-attack-0>"


@pytest.mark.parametrize("query", [
    f"SELECT ?p ?o WHERE {{ {EVENT} ?p ?o }}",
    f"select * {{ {EVENT} ?p ?o . }}",
    f"SELECT DISTINCT ?o {{ {EVENT} a ?o }} LIMIT 5 OFFSET 1",
    f"ASK {{ {EVENT} ckg:perpetrator ?who }}",
    "PREFIX id: <https://w3id.org/conflict-kg/id/> SELECT ?p ?o WHERE { id:x ?p ?o }",
    "BASE <https://w3id.org/conflict-kg/id/> SELECT ?o WHERE { <event/x> ?p ?o }",
    f'SELECT ?p WHERE {{ {EVENT} ?p "3"^^xsd:integer }}',
    f'SELECT ?p WHERE {{ {EVENT} ?p "منبج"@ar }}',
    f"SELECT ?p WHERE {{ {EVENT} ?p 42 }}",
    f"SELECT ?p ?o WHERE {{ {EVENT} ?p ?o }} # a comment with {{ ?s ?p ?o }}",
])
def test_one_subject_lookups_are_recognised(query: str) -> None:
    assert is_subject_lookup(query)


@pytest.mark.parametrize("query", [
    "SELECT ?s ?p ?o WHERE { ?s ?p ?o }",                        # no constant subject
    "SELECT ?p ?o WHERE { _:b ?p ?o }",                          # a blank node is a variable
    f"SELECT ?o WHERE {{ {EVENT} ?p ?o . ?o ?q ?r }}",          # a second pattern
    f"SELECT ?o WHERE {{ {EVENT} ?p ?o ; ?q ?r }}",             # a second pattern, shortened
    f"SELECT ?o WHERE {{ {EVENT} ?p ?o , ?r }}",                # a second object
    f"SELECT ?o WHERE {{ {EVENT} ckg:partOf+ ?o }}",            # a property path
    f"SELECT ?o WHERE {{ {EVENT} ?p ?o FILTER(?o != 1) }}",
    f"SELECT ?o WHERE {{ {EVENT} ?p ?o }} ORDER BY ?o",
    f"SELECT (COUNT(*) AS ?n) WHERE {{ {EVENT} ?p ?o }}",
    f"SELECT ?o FROM <urn:g> WHERE {{ {EVENT} ?p ?o }}",
    f"SELECT ?o WHERE {{ GRAPH ?g {{ {EVENT} ?p ?o }} }}",
    f"SELECT ?o WHERE {{ {EVENT} ?p ?o OPTIONAL {{ ?o ?q ?r }} }}",
    f"CONSTRUCT {{ {EVENT} ?p ?o }} WHERE {{ {EVENT} ?p ?o }}",
    f"DESCRIBE {EVENT}",
    f"INSERT DATA {{ {EVENT} <urn:p> 1 }}",
    f"SELECT ?o WHERE {{ {EVENT} ?p ?o }} LIMIT ?x",
    "SELECT ?o WHERE { " + " ".join(["<urn:a> ?p ?o ."] * 30) + " }",  # long
    "",
])
def test_anything_else_goes_to_the_worker(query: str) -> None:
    assert not is_subject_lookup(query)


# --------------------------------------------------------------------------- in process
@pytest.fixture(scope="module")
def read_only_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """The app over the sample store with writes off (so with a local reader)."""
    from server import create_app

    store = make_sample_store(tmp_path_factory.mktemp("lane") / "store")
    app = create_app(server_settings(store, allow_updates=False, write_token=None,
                                     max_result_rows=3))
    yield app
    app.extensions["kg"].pool.close()


def _job(app: Any, query: str, accept: str) -> Any:
    from server.fastpath import NO_GRAPHS
    from server.sparql import plan_query

    return plan_query(query, NO_GRAPHS, settings=app.extensions["kg"].settings,
                      accept=accept, override=None)


@pytest.mark.parametrize("accept", ["application/sparql-results+json",
                                    "application/sparql-results+xml", "text/csv",
                                    "text/tab-separated-values"])
@pytest.mark.parametrize("query", [
    # 2 rows, under the cap of 3
    f"SELECT ?who WHERE {{ {EVENT} ckg:perpetrator ?who }}",
    f"SELECT ?p ?o WHERE {{ {EVENT} ?p ?o }}",              # more rows than the cap
    f"SELECT ?p WHERE {{ {EVENT} ?p <{ID}actor/sdf> }}",
    "SELECT ?l WHERE { id:place\\/C1234 rdfs:label ?l }",   # pre-declared prefixes
    f"ASK {{ {EVENT} a ckg:Attack }}",
    "SELECT ?o WHERE { nowhere:x ?p ?o }",                  # undeclared prefix: an error
    f"SELECT ?o WHERE {{ <{ID}nothing> ?p ?o }}",           # no rows
])
def test_the_local_answer_is_the_workers_answer(read_only_app: Any, query: str,
                                                accept: str) -> None:
    server = read_only_app.extensions["kg"]
    plan = _job(read_only_app, query, accept)
    assert plan.lane
    local = server.reader.run(plan.job)
    remote = server.pool.run(plan.job)
    assert local == remote


def test_lookups_are_answered_without_the_worker(read_only_app: Any,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    server = read_only_app.extensions["kg"]
    asked: list[str] = []
    run = server.pool.run

    def counted(job: Any, **kwargs: Any) -> Any:
        asked.append(job["kind"])
        return run(job, **kwargs)

    monkeypatch.setattr(server.pool, "run", counted)
    client = read_only_app.test_client()
    lookup = client.get("/sparql", query_string={"query": f"SELECT ?p ?o {{ {EVENT} ?p ?o }}"},
                        headers={"Accept": "application/sparql-results+json"})
    assert lookup.status_code == 200
    assert len(lookup.json["results"]["bindings"]) == 3
    assert lookup.headers["KG-Truncated"].startswith("results cut at 3 rows")
    assert asked == []
    other = client.get("/sparql", query_string={"query": "SELECT * { ?s ?p ?o } LIMIT 1"},
                       headers={"Accept": "application/sparql-results+json"})
    assert other.status_code == 200 and asked == ["query"]


def test_a_server_that_takes_writes_sends_every_query_to_the_worker(tmp_path: Path) -> None:
    from server import create_app

    store = make_sample_store(tmp_path / "store")
    app = create_app(server_settings(store))  # writes on, with a token
    try:
        assert app.extensions["kg"].reader is None
        assert not app.extensions["kg"].pool.read_only
        assert app.extensions["kg"].pool.wait_ready()
    finally:
        app.extensions["kg"].pool.close()


# --------------------------------------------------------------------------- the lock
def test_readers_and_writers_keep_each_other_out(tmp_path: Path) -> None:
    store = make_sample_store(tmp_path / "store")
    lock = hold_readers_lock(store)
    try:
        with pytest.raises(StoreLockedError, match="read-only `kg serve`"):
            open_store(store)
        reader = open_store(store, read_only=True)  # readers are welcome
        assert len(reader) > 0
        second = hold_readers_lock(store)  # and so is a second read-only server
        os.close(second)
    finally:
        os.close(lock)
    writer = open_store(store)
    try:
        with pytest.raises(StoreLockedError, match="in use by another process"):
            hold_readers_lock(store)
    finally:
        writer.close()
    os.close(hold_readers_lock(store))  # closing the writer released its lock


# --------------------------------------------------------------------------- served
@pytest.fixture(scope="module")
def read_only_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """A real read-only server (two web processes) over the sample store."""
    store = make_sample_store(tmp_path_factory.mktemp("lane-live") / "store")
    process, url = start_server(store, tmp_path_factory.mktemp("lane-run"),
                                allow_updates="false", write_token="", web_processes="2")
    yield url, store
    stop_server(process)


def test_a_read_only_server_answers_lookups_and_other_queries(
        read_only_server: tuple[str, Path]) -> None:
    url, _ = read_only_server
    client = SPARQLWrapper(url + "/sparql")
    client.setReturnFormat(JSON)
    for _ in range(6):  # new connections, so both web processes answer some
        client.setQuery(f"SELECT ?p ?o WHERE {{ {EVENT} ?p ?o }}")
        rows = client.queryAndConvert()["results"]["bindings"]  # type: ignore[index]
        assert {"value": f"{ID}actor/sdf", "type": "uri"} in [r["o"] for r in rows]
        client.setQuery(f"SELECT (COUNT(*) AS ?n) WHERE {{ {EVENT} ?p ?o }}")
        counted = client.queryAndConvert()["results"]["bindings"]  # type: ignore[index]
        assert int(counted[0]["n"]["value"]) == len(rows)


def test_a_read_only_server_still_stops_a_runaway_query(
        read_only_server: tuple[str, Path]) -> None:
    import requests

    url, _ = read_only_server
    runaway = ("SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . "
               "?m ?q ?r }")
    outcome: dict[str, Any] = {}

    def run() -> None:
        started = time.monotonic()
        response = requests.get(url + "/sparql", params={"query": runaway}, timeout=60)
        outcome.update(status=response.status_code, body=response.json(),
                       seconds=time.monotonic() - started)

    thread = threading.Thread(target=run)
    thread.start()
    time.sleep(0.5)
    started = time.monotonic()
    lookup = requests.get(url + "/sparql", timeout=10, params={
        "query": f"SELECT ?p ?o WHERE {{ {EVENT} ?p ?o }}"})
    assert lookup.status_code == 200 and time.monotonic() - started < 1.0
    thread.join(30)
    assert outcome["status"] == 503 and outcome["body"]["error"]["code"] == "timeout"
    assert outcome["seconds"] < 2.0 + 1.0  # limit 2 s (start_server's query_timeout)


def test_ingest_is_refused_while_a_read_only_server_serves(
        read_only_server: tuple[str, Path], tmp_path: Path) -> None:
    _, store = read_only_server
    report = tmp_path / "report.txt"
    report.write_text("قتل 3 عناصر من تنظيم داعش في هجوم على منبج.", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("KG_")}
    env["KG_CONFIG"] = str(tmp_path / "none.toml")
    (tmp_path / "none.toml").write_text("", encoding="utf-8")
    out = subprocess.run([sys.executable, "-m", "kg.cli", "ingest", str(report),
                          "--store", str(store)], capture_output=True, text=True, cwd=REPO,
                         env=env, timeout=300)
    assert out.returncode == 1
    assert "read-only `kg serve`" in out.stderr and "Traceback" not in out.stderr


def test_fast_path_decodes_the_query_like_flask(read_only_app: Any) -> None:
    # '+' is a space and %2B a plus, as werkzeug decodes request.args for the Flask route
    client = read_only_app.test_client()
    for query in (f"SELECT ?p ?o WHERE {{ {EVENT} ?p ?o }}",
                  f'SELECT ?p WHERE {{ {EVENT} ?p "a+b 100%" }}'):
        raw = "query=" + urllib.parse.quote_plus(query)
        fast = client.get("/sparql?" + raw, headers={"Accept": "text/csv"})
        routed = client.get("/sparql?" + raw + "&download=", headers={"Accept": "text/csv"})
        assert fast.status_code == routed.status_code == 200
        assert fast.data == routed.data
