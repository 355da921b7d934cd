"""A real served process on 127.0.0.1, used by standard clients (SPARQLWrapper, rdflib)."""

from __future__ import annotations

import json
import socket
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from email.message import Message

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDFS
from rdflib.plugins.stores.sparqlstore import SPARQLStore, SPARQLUpdateStore
from SPARQLWrapper import CSV, JSON, POST, TSV, TURTLE, XML, SPARQLWrapper

from tests.conftest import SERVER_TOKEN, make_sample_store, server_settings

pytestmark = pytest.mark.slow

SDF = "https://w3id.org/conflict-kg/id/actor/sdf"
# DISTINCT: other tests may ingest the real knowledge base, which labels the same actors
LABELS = f"SELECT DISTINCT ?l WHERE {{ <{SDF}> rdfs:label ?l }} ORDER BY ?l"
RUNAWAY = ("SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . "
           "?m ?n2 ?o }")


def http(url: str, *, data: bytes | None = None,
         headers: dict[str, str] | None = None) -> tuple[int, Message, bytes]:
    """One request with the standard library; returns status, headers (any case), body."""
    request = urllib.request.Request(url, data=data, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


@pytest.mark.parametrize("fmt,method", [(JSON, "GET"), (JSON, POST), (XML, "GET"),
                                        (CSV, "GET"), (TSV, POST)])
def test_sparqlwrapper_select(live_server: str, fmt: str, method: str) -> None:
    client = SPARQLWrapper(live_server + "/sparql")
    client.setQuery(LABELS)
    client.setReturnFormat(fmt)
    client.setMethod(method)
    result = client.query()
    if fmt == JSON:
        values = {b["l"]["value"] for b in result.convert()["results"]["bindings"]}
    elif fmt == XML:
        values = {node.firstChild.data for node in result.convert().getElementsByTagName(
            "literal")}
    else:
        lines = result.convert().decode("utf-8").splitlines()[1:]
        values = {line.split("@")[0].strip('"') for line in lines}
    assert values == {"Syrian Democratic Forces", "قوات سوريا الديمقراطية"}


def test_sparqlwrapper_construct_and_ask(live_server: str) -> None:
    client = SPARQLWrapper(live_server + "/sparql")
    client.setQuery(f"CONSTRUCT {{ <{SDF}> ?p ?o }} WHERE {{ <{SDF}> ?p ?o }}")
    client.setReturnFormat(TURTLE)
    graph = Graph().parse(data=client.query().convert(), format="turtle")
    assert (URIRef(SDF), RDFS.label, Literal("Syrian Democratic Forces", lang="en")) in graph
    client.setReturnFormat(XML)  # RDF/XML for a graph, parsed by SPARQLWrapper into rdflib
    assert len(client.query().convert()) == len(graph)
    client.setQuery(f"ASK {{ <{SDF}> a ckg:ArmedGroup }}")
    client.setReturnFormat(JSON)
    assert client.query().convert()["boolean"] is True


def test_sparqlwrapper_update_needs_token(live_server: str) -> None:
    from SPARQLWrapper.SPARQLExceptions import Unauthorized

    client = SPARQLWrapper(live_server + "/sparql")
    client.setMethod(POST)
    client.setQuery("INSERT DATA { GRAPH <urn:live:w> { <urn:a> <urn:b> 'c' } }")
    with pytest.raises(Unauthorized):
        client.query()
    client.addCustomHttpHeader("Authorization", f"Bearer {SERVER_TOKEN}")
    client.query()
    check = SPARQLWrapper(live_server + "/sparql")
    check.setQuery("ASK { GRAPH <urn:live:w> { <urn:a> <urn:b> 'c' } }")
    check.setReturnFormat(JSON)
    assert check.query().convert()["boolean"] is True


def test_rdflib_sparqlstore_reads_and_updates(live_server: str) -> None:
    graph = Graph(store=SPARQLStore(live_server + "/sparql"))
    rows = list(graph.query(LABELS))
    assert {str(row[0]) for row in rows} == {"Syrian Democratic Forces",
                                             "قوات سوريا الديمقراطية"}
    posting = Graph(store=SPARQLStore(live_server + "/sparql", method="POST"))
    assert len(list(posting.query(LABELS))) == 2
    store = SPARQLUpdateStore(live_server + "/sparql", live_server + "/sparql",
                              headers={"Authorization": f"Bearer {SERVER_TOKEN}"})
    store.update("INSERT DATA { GRAPH <urn:live:rdflib> { <urn:x> <urn:y> 'z' } }")
    assert bool(Graph(store=store).query("ASK { GRAPH <urn:live:rdflib> { <urn:x> ?p ?o } }"))


def http_from(source: str, url: str, headers: dict[str, str] | None = None
              ) -> tuple[int, bytes]:
    """A GET from another local address (another client, as the server counts them)."""
    import http.client

    parts = urllib.parse.urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30,
                                            source_address=(source, 0))
    try:
        connection.request("GET", parts.path + "?" + parts.query, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def test_runaway_query_is_stopped_while_others_are_answered(live_server: str) -> None:
    outcome: dict[str, object] = {}

    def runaway() -> None:
        started = time.monotonic()
        url = live_server + "/sparql?" + urllib.parse.urlencode({"query": RUNAWAY})
        status, _, body = http(url)
        outcome.update(status=status, body=body, seconds=time.monotonic() - started)

    thread = threading.Thread(target=runaway)
    thread.start()
    time.sleep(0.5)
    started = time.monotonic()
    status, body = http_from("127.0.0.2", live_server + "/sparql?" + urllib.parse.urlencode(
        {"query": LABELS}), headers={"Accept": "application/sparql-results+json"})
    answered_in = time.monotonic() - started
    assert status == 200 and len(json.loads(body)["results"]["bindings"]) == 2
    assert answered_in < 1.0, answered_in  # answered while the runaway query runs
    thread.join(30)
    assert outcome["status"] == 503
    assert json.loads(outcome["body"])["error"]["code"] == "timeout"  # type: ignore[arg-type]
    assert outcome["seconds"] < 2.0 + 1.0  # limit 2 s (KG_QUERY_TIMEOUT), stopped in time
    status, _, _ = http(live_server + "/sparql?" + urllib.parse.urlencode({"query": LABELS}))
    assert status == 200  # the new worker answers
    status, _, body = http(live_server + "/api/status")
    worker = json.loads(body)["worker"]
    assert worker["timeouts"] >= 1 and worker["last_restart_seconds"] < 1.0


@pytest.fixture
def listener() -> Iterator[tuple[str, list[bytes]]]:
    """A TCP listener on 127.0.0.1 that records every connection made to it."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(8)
    sock.settimeout(0.2)
    seen: list[bytes] = []
    stop = threading.Event()

    def accept() -> None:
        while not stop.is_set():
            try:
                conn, _ = sock.accept()
            except OSError:
                continue
            conn.settimeout(1)
            try:
                seen.append(conn.recv(4096))
            except OSError:
                seen.append(b"")
            conn.close()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{sock.getsockname()[1]}", seen
    stop.set()
    thread.join(2)
    sock.close()


def test_service_and_load_make_no_outbound_connection(live_server: str, listener) -> None:  # type: ignore[no-untyped-def]
    target, seen = listener
    auth = {"Authorization": f"Bearer {SERVER_TOKEN}"}
    for query in (f"SELECT * WHERE {{ SERVICE <{target}/sparql> {{ ?s ?p ?o }} }}",
                  f"select * {{ ?x ?y ?z . service silent <{target}/sparql> {{ ?s ?p ?o }} }}"):
        status, _, body = http(live_server + "/sparql?" + urllib.parse.urlencode(
            {"query": query}))
        assert status == 403 and json.loads(body)["error"]["code"] == "forbidden"
    for update in (f"LOAD <{target}/data.ttl>",
                   f"INSERT {{ ?s ?p ?o }} WHERE {{ SERVICE <{target}/sparql> {{ ?s ?p ?o }} }}"):
        status, _, _ = http(live_server + "/sparql", data=update.encode(), headers={
            **auth, "Content-Type": "application/sparql-update"})
        assert status == 403
    time.sleep(0.5)
    assert seen == []


def test_listener_sees_an_allowed_service_call(tmp_path, listener) -> None:  # type: ignore[no-untyped-def]
    """Control for the test above: with the endpoint allowed, the engine does connect.

    (Its worker keeps network access: a server that federates needs it.)
    """
    from server import create_app

    target, seen = listener
    settings = server_settings(make_sample_store(tmp_path / "store"),
                               allowed_service_endpoints=target + "/sparql")
    app = create_app(settings)
    pool = app.extensions["kg"].pool
    try:
        assert pool.wait_ready() and not pool.stats.offline
        response = app.test_client().get("/sparql", query_string={
            "query": f"SELECT * WHERE {{ SERVICE <{target}/sparql> {{ ?s ?p ?o }} }}"})
    finally:
        pool.close()
    assert response.status_code >= 400  # our listener is no SPARQL server
    assert "Traceback" not in response.data.decode()
    deadline = time.monotonic() + 3
    while not seen and time.monotonic() < deadline:
        time.sleep(0.05)
    assert len(seen) == 1 and seen[0].startswith(b"POST /sparql")


def test_cors_and_service_description_over_http(live_server: str) -> None:
    status, headers, body = http(live_server + "/sparql",
                                 headers={"Accept": "application/rdf+xml",
                                          "Origin": "https://elsewhere.example"})
    assert status == 200 and headers["Access-Control-Allow-Origin"] == "*"
    graph = Graph().parse(data=body, format="xml")
    sd = "http://www.w3.org/ns/sparql-service-description#"
    assert (None, URIRef(sd + "endpoint"), URIRef(live_server + "/sparql")) in graph


def test_entity_page_over_http(live_server: str) -> None:
    status, headers, body = http(live_server + "/id/place/C1234",
                                 headers={"Accept": "text/html"})
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    assert "منبج".encode() in body
    status, headers, body = http(live_server + "/id/place/C1234",
                                 headers={"Accept": "text/turtle"})
    graph = Graph().parse(data=body, format="turtle")
    assert (URIRef("https://w3id.org/conflict-kg/id/place/C1234"), RDFS.label,
            Literal("Manbij", lang="en")) in graph


def test_remote_ingest_through_the_server(live_server: str, seed_text: str) -> None:
    from kg.core.model import Document
    from kg.pipeline.remote import RemoteError, send_reports

    with pytest.raises(RemoteError, match="401"):
        send_reports(live_server, "wrong", [Document(text=seed_text, lang="ar")])
    summary = send_reports(live_server, SERVER_TOKEN, [
        Document(text=seed_text, lang="ar", url="https://example.org/seed", origin="seed.txt"),
        Document(text="   ", origin="blank.txt")])
    assert summary.reports == 1 and summary.events > 0
    assert [f.origin for f in summary.failures] == ["blank.txt"]
    status, _, body = http(live_server + "/sparql?" + urllib.parse.urlencode({
        "query": "SELECT (COUNT(?e) AS ?n) WHERE { ?e ckg:reportedIn ?r . "
                 "?r schema:url ?u FILTER(STR(?u) = 'https://example.org/seed') }"}))
    assert int(json.loads(body)["results"]["bindings"][0]["n"]["value"]) == summary.events


@pytest.mark.parametrize("http_server", ["gunicorn", "granian"])
def test_each_http_server_serves_and_stops_cleanly(tmp_path, http_server: str) -> None:  # type: ignore[no-untyped-def]
    from tests.conftest import make_sample_store, start_server, stop_server

    store = make_sample_store(tmp_path / "store")
    process, url = start_server(store, tmp_path, http_server=http_server)
    try:
        status, headers, body = http(url + "/sparql?" + urllib.parse.urlencode(
            {"query": LABELS}), headers={"Accept": "text/csv"})
        assert status == 200 and headers["Content-Type"].startswith("text/csv")
        assert "قوات سوريا الديمقراطية" in body.decode("utf-8")
    finally:
        code = stop_server(process)
    assert code == 0
    log = (tmp_path / "server.log").read_text(errors="replace")
    assert "terminate called" not in log and "Traceback" not in log
    # the query worker flushed and let go of the store: it opens again at once
    from kg.graph.store import open_store

    with open_store(store) as reopened:
        assert len(reopened) == 64
