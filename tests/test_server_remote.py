"""``kg serve`` as a front end over a store on a SPARQL 1.1 server.

A real ``oxigraph serve`` (PyPI ``oxigraph``) holds the server sample; a real
``python -m server.wsgi`` serves the project's endpoint over it (``store`` = the
server's query URL), and real HTTP clients (requests, SPARQLWrapper, rdflib) talk to
the front end. What they check: answers come from the server store, writes need the
token and land there, ``SERVICE`` is refused before anything leaves, and a query past
``query_timeout`` is stopped with the usual answer.
"""

from __future__ import annotations

import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from pyoxigraph import NamedNode, RdfFormat
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDFS
from SPARQLWrapper import JSON, POST, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import Unauthorized

from kg.graph.remote import RemoteStore
from tests.conftest import (
    SERVER_SAMPLE,
    SERVER_TOKEN,
    CountingListener,
    oxigraph_binary,
    start_oxigraph,
    start_server,
    stop_server,
)

pytestmark = pytest.mark.slow

SDF = "https://w3id.org/conflict-kg/id/actor/sdf"
LABELS = f"SELECT DISTINCT ?l WHERE {{ <{SDF}> rdfs:label ?l }} ORDER BY ?l"
RUNAWAY = ("SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . "
           "?m ?n2 ?o }")
AUTH = {"Authorization": f"Bearer {SERVER_TOKEN}"}


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """(front end URL, server store query URL): the sample in ``oxigraph serve``, served.

    The server stops a query by itself after 10 s (``--timeout-s``), as an operator
    should set it: a query the front end abandoned does not run on there for ever.
    """
    folder = tmp_path_factory.mktemp("remote-front")
    oxigraph, store_url = start_oxigraph(folder / "served", "--timeout-s", "10")
    try:
        with RemoteStore(store_url) as store, open(SERVER_SAMPLE, "rb") as data:
            store.load(data, RdfFormat.TRIG)
        # two query slots: the timeout test runs a query beside the runaway one
        process, url = start_server(store_url, folder, max_concurrent_queries="3")  # type: ignore[arg-type]
        try:
            yield url, store_url
        finally:
            stop_server(process)
    finally:
        oxigraph.terminate()
        oxigraph.wait(30)


def in_store(store_url: str, ask: str) -> bool:
    """Ask the server store itself (not through the front end)."""
    with RemoteStore(store_url) as store:
        return bool(store.query(ask, union_default_graph=False))


def test_queries_are_answered_from_the_server_store(served: tuple[str, str]) -> None:
    url, _ = served
    client = SPARQLWrapper(url + "/sparql")
    client.setQuery(LABELS)  # the pre-declared rdfs: prefix, the union default graph
    client.setReturnFormat(JSON)
    values = {b["l"]["value"] for b in client.query().convert()["results"]["bindings"]}
    assert values == {"Syrian Democratic Forces", "قوات سوريا الديمقراطية"}
    for method in ("GET", POST):  # the query page's POST form too
        client.setMethod(method)
        client.setQuery(f"ASK {{ <{SDF}> a ckg:ArmedGroup }}")
        assert client.query().convert()["boolean"] is True
    status = requests.get(url + "/api/status", timeout=30).json()
    assert status["ok"] and status["quads"] > 0
    assert status["worker"]["offline"] is False  # it talks to the store over the network


def test_linked_data_pages_come_from_the_server_store(served: tuple[str, str]) -> None:
    url, _ = served
    page = requests.get(url + "/id/actor/sdf", headers={"Accept": "text/turtle"}, timeout=30)
    assert page.status_code == 200
    graph = Graph().parse(data=page.text, format="turtle")
    assert (URIRef(SDF), RDFS.label, Literal("Syrian Democratic Forces", lang="en")) in graph
    html = requests.get(url + "/id/actor/sdf", headers={"Accept": "text/html"}, timeout=30)
    assert html.status_code == 200 and "Syrian Democratic Forces" in html.text
    assert requests.get(url + "/id/actor/nobody-at-all", timeout=30).status_code == 404


def test_a_write_with_the_token_lands_in_the_server_store(served: tuple[str, str]) -> None:
    url, store_url = served
    client = SPARQLWrapper(url + "/sparql")
    client.setMethod(POST)
    client.setQuery("INSERT DATA { GRAPH <urn:remote:w> { <urn:a> <urn:b> 'c' } }")
    client.addCustomHttpHeader("Authorization", f"Bearer {SERVER_TOKEN}")
    client.query()
    assert in_store(store_url, "ASK { GRAPH <urn:remote:w> { <urn:a> <urn:b> 'c' } }")
    # the mark that tells whether an update was applied is gone again
    assert not in_store(store_url, "ASK { GRAPH <urn:conflict-kg:writes> { ?s ?p ?o } }")
    # Graph Store Protocol: PUT with the token, read back through the front end
    put = requests.put(url + "/graphs", params={"graph": "urn:remote:put"}, headers={
        **AUTH, "Content-Type": "text/turtle"}, data="<urn:x> <urn:y> 'z' .", timeout=30)
    assert put.status_code == 201
    assert in_store(store_url, "ASK { GRAPH <urn:remote:put> { <urn:x> <urn:y> 'z' } }")
    got = requests.get(url + "/graphs", params={"graph": "urn:remote:put"},
                       headers={"Accept": "application/n-triples"}, timeout=30)
    assert got.status_code == 200 and got.text.strip() == '<urn:x> <urn:y> "z" .'


def test_a_write_without_the_token_is_refused(served: tuple[str, str]) -> None:
    url, store_url = served
    client = SPARQLWrapper(url + "/sparql")
    client.setMethod(POST)
    client.setQuery("INSERT DATA { GRAPH <urn:remote:anon> { <urn:a> <urn:b> 'c' } }")
    with pytest.raises(Unauthorized):
        client.query()
    put = requests.put(url + "/graphs", params={"graph": "urn:remote:anon"},
                       headers={"Content-Type": "text/turtle"}, data="<urn:x> <urn:y> 'z' .",
                       timeout=30)
    assert put.status_code == 401 and put.json()["error"]["code"] == "unauthorized"
    assert not in_store(store_url, "ASK { GRAPH <urn:remote:anon> { ?s ?p ?o } }")


def test_service_is_refused_before_anything_leaves(served: tuple[str, str]) -> None:
    url, store_url = served
    listener = CountingListener()
    try:
        here = f"http://127.0.0.1:{listener.port}/sparql"
        probes = [f"SELECT * WHERE {{ SERVICE <{here}> {{ ?s ?p ?o }} }}",
                  f"PREFIX x: <http://127.0.0.1:{listener.port}/> "
                  "SELECT * WHERE { SERVICE SILENT x:sparql { ?s ?p ?o } }",
                  f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{listener.port}/\\u0073> "
                  "{ ?s ?p ?o } }"]
        for probe in probes:
            answer = requests.get(url + "/sparql", params={"query": probe}, timeout=30)
            assert answer.status_code == 403, (probe, answer.text)
            assert answer.json()["error"]["code"] == "forbidden"
        load = requests.post(url + "/sparql", data={"update": f"LOAD <{here}>"}, headers=AUTH,
                             timeout=30)
        assert load.status_code == 403
        time.sleep(0.2)
        assert listener.count == 0
        # the server store itself would have gone there: the listener counts
        requests.post(store_url, data={"query": probes[0]}, timeout=30)
        assert listener.count > 0
    finally:
        listener.close()


def test_bad_input_gets_the_one_error_shape(served: tuple[str, str]) -> None:
    url, _ = served
    wrong = requests.get(url + "/sparql", params={"query": "SELECT * WHERE { ?s ?p }"},
                         timeout=30)
    assert wrong.status_code == 400
    error = wrong.json()["error"]
    assert error["code"] == "query_syntax" and error["message"].startswith("line 1, column ")
    assert "127.0.0.1" not in error["message"]  # the store's address is not told
    failed = requests.post(url + "/sparql", data={"update": "DROP GRAPH <urn:remote:none>"},
                           headers=AUTH, timeout=30)
    assert failed.status_code == 400
    assert failed.json()["error"]["code"] == "evaluation_failed"
    assert "127.0.0.1" not in failed.text


def test_a_query_past_the_time_limit_is_stopped(served: tuple[str, str]) -> None:
    url, store_url = served
    outcome: dict[str, object] = {}

    def runaway() -> None:
        started = time.monotonic()
        answer = requests.get(url + "/sparql", params={"query": RUNAWAY}, timeout=60)
        outcome.update(answer=answer, seconds=time.monotonic() - started)

    thread = threading.Thread(target=runaway)
    thread.start()
    time.sleep(0.5)
    beside = requests.get(url + "/sparql", params={"query": LABELS},
                          headers={"Accept": "application/sparql-results+json"}, timeout=30)
    assert beside.status_code == 200 and len(beside.json()["results"]["bindings"]) == 2
    thread.join(60)
    answer = outcome["answer"]
    assert isinstance(answer, requests.Response) and answer.status_code == 503
    assert answer.json()["error"]["code"] == "timeout"
    assert outcome["seconds"] < 2.0 + 1.5  # limit 2 s (start_server's query_timeout)
    status = requests.get(url + "/api/status", timeout=30).json()["worker"]
    assert status["timeouts"] >= 1 and status["restarts"] >= 1
    # the new worker answers, and so does the store
    again = requests.get(url + "/sparql", params={"query": f"ASK {{ <{SDF}> ?p ?o }}"},
                         headers={"Accept": "application/sparql-results+json"}, timeout=30)
    assert again.json()["boolean"] is True
    assert in_store(store_url, f"ASK {{ GRAPH ?g {{ {NamedNode(SDF)} ?p ?o }} }}")


def test_serve_refuses_a_server_that_does_not_answer(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from kg.cli import main
    from tests.conftest import free_port

    config = tmp_path / "none.toml"
    config.write_text("", encoding="utf-8")
    result = CliRunner().invoke(main, ["--config", str(config), "serve", "--store",
                                       f"http://127.0.0.1:{free_port()}/query"])
    assert result.exit_code == 1 and "does not answer" in result.output, result.output


def test_a_store_server_that_stops_answering_is_503_then_back(tmp_path: Path) -> None:
    folder = tmp_path / "served"
    oxigraph, store_url = start_oxigraph(folder)
    process, url = start_server(store_url, tmp_path)  # type: ignore[arg-type]
    try:
        ask = {"query": "ASK {}"}
        assert requests.get(url + "/sparql", params=ask, timeout=30).status_code == 200
        oxigraph.terminate()
        oxigraph.wait(30)
        down = requests.get(url + "/sparql", params=ask, timeout=30)
        assert down.status_code == 503
        assert down.json()["error"]["code"] == "store_unavailable"
        assert "127.0.0.1" not in down.text
        # the same server again on the same port: the front end answers again
        port = store_url.split(":")[2].split("/")[0]
        again = subprocess.Popen([str(oxigraph_binary()), "serve", "--location", str(folder),
                                  "--bind", f"127.0.0.1:{port}"],
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            deadline = time.monotonic() + 30
            while True:
                back = requests.get(url + "/sparql", params=ask, timeout=30)
                if back.status_code == 200 or time.monotonic() > deadline:
                    break
                time.sleep(0.2)
            assert back.status_code == 200
        finally:
            again.terminate()
            again.wait(30)
    finally:
        stop_server(process)
        if oxigraph.poll() is None:
            oxigraph.terminate()
            oxigraph.wait(30)
