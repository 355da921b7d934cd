"""No request to the endpoint makes it connect anywhere: probes against a counting listener.

Every probe below asks a served, write-enabled endpoint (with the write token, so
updates and uploads get as far as they can) to reach a local listener: through
``SERVICE`` and ``LOAD`` hidden behind SPARQL's escape, comment, string and name
rules, through ``FROM``, and through JSON-LD contexts and RDF/XML entities in
uploads. The listener counts every connection it accepts; it must count none.

Two layers are tested: :mod:`server.policy` refuses ``SERVICE``/``LOAD`` from the
request's tokens, and :mod:`server.sandbox` leaves the query worker without network
sockets, so a request the policy misreads still cannot connect. The last tests run
the engine itself with and without the sandbox, bypassing the policy.
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from server.sandbox import sandbox_supported
from tests.conftest import (
    SERVER_TOKEN,
    CountingListener,
    make_sample_store,
    start_server,
    stop_server,
)

AUTH = {"Authorization": f"Bearer {SERVER_TOKEN}"}


@pytest.fixture(scope="module")
def listener() -> Iterator[CountingListener]:
    counting = CountingListener()
    yield counting
    counting.close()


@pytest.fixture(scope="module")
def endpoint(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    store = make_sample_store(tmp_path_factory.mktemp("ssrf") / "store")
    process, url = start_server(store, tmp_path_factory.mktemp("ssrf-run"))
    yield url
    stop_server(process)


def _targets(port: int) -> list[tuple[str, str]]:
    """(prologue, endpoint term) pairs that all name the listener."""
    here = f"http://127.0.0.1:{port}/"
    return [
        ("", f"<{here}>"),
        ("", f"<{here}sparql>"),
        ("", f"<http://localhost:{port}/sparql>"),
        (f"PREFIX w: <{here}> ", "w:sparql"),
        (f"BASE <{here}> ", "<sparql>"),
        ("", f"<http://127.0.0.1:{port}/\\u0073parql>"),
    ]


#: Ways to hide a pattern ``{X}`` from a reader that gets SPARQL's lexical rules wrong.
HIDING = [
    "SELECT * WHERE { {X} }",
    "select * { {X} }",
    "SELECT ?x WHERE { BIND(1 AS ?one) ?s ?p true.{X} }",
    "SELECT ?x WHERE { ?s ?p 1.{X} }",
    "SELECT ?x WHERE { ?s ?p <http://example.org/a>.{X} }",
    "PREFIX ex: <http://example.org/> SELECT ?x WHERE { ?s ?p ex:a.{X} }",
    "SELECT ?x WHERE { ?s ?p \"x\"@en.{X} }",
    "SELECT ?x WHERE { VALUES ?z { <http://x/\\u0041#> } {X} }",
    "SELECT ?x WHERE { VALUES ?z { <http://x/\\u0027> } {X} }",
    "SELECT ?x WHERE { VALUES ?z { <http://x/'> } {X} }",
    "SELECT ?x WHERE { VALUES ?z { \"a\\u0022\" } {X} }",
    "SELECT ?x WHERE { VALUES ?z { 'it\\'s' } {X} }",
    "SELECT ?x WHERE { VALUES ?z { '''a'b''' } {X} }",
    "SELECT ?x WHERE { VALUES ?z { \"\"\"a\"b\"\"\" } {X} }",
    "SELECT ?x WHERE { # a comment\r{X} }",
    "SELECT ?x WHERE { ?s ?p ?o OPTIONAL { {X} } }",
    "SELECT ?x WHERE { { {X} } UNION { ?s ?p ?o } }",
    "SELECT ?x WHERE { ?s ?p ?o FILTER EXISTS { {X} } }",
    "SELECT ?x WHERE { ?s ?p ?o MINUS { {X} } }",
    "SELECT ?x WHERE { { SELECT * WHERE { {X} } } }",
    "ASK { {X} }",
    "CONSTRUCT { ?x ?b ?c } WHERE { {X} }",
]


def _service_probes(port: int) -> list[str]:
    probes = []
    for hiding in HIDING:
        for j, (prologue, target) in enumerate(_targets(port)):
            silent = "SILENT " if j % 3 == 0 else ""
            pattern = f"SERVICE {silent}{target} {{ ?x ?b ?c }}"
            probes.append(prologue + hiding.replace("{X}", pattern))
    return probes


def _load_probes(port: int) -> list[str]:
    here = f"http://127.0.0.1:{port}/"
    return [
        f"LOAD <{here}data.ttl>",
        f"load silent <{here}data.ttl>",
        f"LOAD <{here}data.ttl> INTO GRAPH <http://example.org/g>",
        f"BASE <{here}> LOAD <data.ttl>",
        f"PREFIX w: <{here}> LOAD w:data.ttl",
        f"INSERT DATA {{ <http://a/> <http://b/> true }} ; LOAD <{here}>",
        f"INSERT DATA {{ <http://a/> <http://b/> <http://x/\\u0041#> }} ; LOAD <{here}>",
        f"INSERT DATA {{ <http://a/> <http://b/> 'x\\'' }} ; LOAD <{here}>",
        f"# LOAD\nLOAD <{here}>",
        f"INSERT {{ ?x ?b ?c }} WHERE {{ SERVICE <{here}> {{ ?x ?b ?c }} }}",
        f"INSERT {{ ?x ?b ?c }} WHERE {{ ?s ?p true.SERVICE <{here}> {{ ?x ?b ?c }} }}",
        f"DELETE {{ ?x ?b ?c }} WHERE {{ VALUES ?z {{ <http://x/\\u0041#> }} "
        f"SERVICE <{here}> {{ ?x ?b ?c }} }}",
    ]


@pytest.mark.parametrize("probes", [_service_probes, _load_probes])
def test_the_policy_alone_refuses_every_probe(probes: Any) -> None:
    """The first layer, without the sandbox: each probe is refused from its tokens.

    Unless the engine cannot parse it either (``ex:a.SERVICE`` is one prefixed name).
    """
    import pyoxigraph

    from server.errors import ForbiddenOperation
    from server.policy import check_request

    for probe in probes(9):
        try:
            check_request(probe, allowed=())
        except ForbiddenOperation:
            continue
        engine = pyoxigraph.Store()
        run = engine.update if "LOAD" in probe else engine.query
        with pytest.raises(SyntaxError):
            run(probe)


def _send(url: str, method: str, **kwargs: Any) -> requests.Response:
    return requests.request(method, url, timeout=30, **kwargs)


def test_the_listener_counts_connections(listener: CountingListener) -> None:
    before = listener.count
    with socket.create_connection(("127.0.0.1", listener.port), timeout=5) as conn:
        conn.recv(16)
    assert listener.count == before + 1
    listener.count = before


def test_no_query_probe_connects(endpoint: str, listener: CountingListener) -> None:
    probes = _service_probes(listener.port)
    assert len(probes) >= 120
    answers = []
    for i, probe in enumerate(probes):
        if i % 2:
            response = _send(endpoint + "/sparql", "GET", params={"query": probe})
        else:
            response = _send(endpoint + "/sparql", "POST", data=probe.encode(),
                             headers={"Content-Type": "application/sparql-query"})
        answers.append((probe, response.status_code))
    time.sleep(0.5)
    assert listener.count == 0
    # every probe is refused (403 by the policy or the offline worker), or is not SPARQL
    assert all(status in (400, 403) for _, status in answers), \
        [a for a in answers if a[1] not in (400, 403)]


def test_no_update_probe_connects(endpoint: str, listener: CountingListener) -> None:
    answers = []
    for probe in _load_probes(listener.port):
        response = _send(endpoint + "/sparql", "POST", data=probe.encode(),
                         headers={"Content-Type": "application/sparql-update", **AUTH})
        answers.append((probe, response.status_code))
    time.sleep(0.5)
    assert listener.count == 0
    assert all(status in (400, 403) for _, status in answers), answers


def test_no_dataset_probe_connects(endpoint: str, listener: CountingListener) -> None:
    here = f"http://127.0.0.1:{listener.port}/"
    queries = [
        f"SELECT * FROM <{here}> WHERE {{ ?s ?p ?o }} LIMIT 1",
        f"SELECT * FROM NAMED <{here}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }} LIMIT 1",
        f"CONSTRUCT {{ ?s ?p ?o }} FROM <{here}data.ttl> WHERE {{ ?s ?p ?o }}",
    ]
    for query in queries:
        _send(endpoint + "/sparql", "GET", params={"query": query})
    for name in ("default-graph-uri", "named-graph-uri"):
        _send(endpoint + "/sparql", "GET",
              params={"query": "SELECT * WHERE { ?s ?p ?o } LIMIT 1", name: here})
    time.sleep(0.5)
    assert listener.count == 0


def test_no_upload_probe_connects(endpoint: str, listener: CountingListener) -> None:
    here = f"http://127.0.0.1:{listener.port}/"
    graph = {"graph": "http://example.org/upload"}
    uploads = [
        ("application/ld+json", json.dumps(
            {"@context": here + "context.jsonld", "@id": "http://a/", "name": "x"})),
        ("application/ld+json", json.dumps(
            {"@context": [here + "c1", {"@import": here + "c2"}], "@id": "http://a/"})),
        ("application/ld+json", json.dumps(
            {"@context": {"@vocab": "http://v/"}, "@id": "http://a/",
             "@included": [{"@context": here + "c3", "@id": "http://b/"}]})),
        ("application/rdf+xml",
         f'<?xml version="1.0"?>\n<!DOCTYPE r [<!ENTITY e SYSTEM "{here}e.xml">]>\n'
         '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
         '<rdf:Description rdf:about="http://a/"><rdf:value>&e;</rdf:value>'
         '</rdf:Description></rdf:RDF>'),
        ("application/rdf+xml",
         f'<?xml version="1.0"?>\n<!DOCTYPE r SYSTEM "{here}r.dtd">\n'
         '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/>'),
        ("text/turtle", f"@base <{here}> . <a> <b> <c> ."),
    ]
    for media_type, body in uploads:
        for method in ("POST", "PUT"):
            _send(endpoint + "/graphs", method, params=graph, data=body.encode(),
                  headers={"Content-Type": media_type, **AUTH})
    time.sleep(0.5)
    assert listener.count == 0


_ENGINE = """
import sys
sys.path.insert(0, {repo!r})
import pyoxigraph
from server.sandbox import deny_network
if {sandbox}:
    assert deny_network()
store = pyoxigraph.Store()
try:
    list(store.query("SELECT * WHERE {{ SERVICE <http://127.0.0.1:{port}/> {{ ?s ?p ?o }} }}"))
except Exception as exc:
    print(type(exc).__name__)
"""


@pytest.mark.skipif(not sandbox_supported(), reason="seccomp sandbox is Linux x86-64/AArch64")
@pytest.mark.parametrize("sandbox", [True, False])
def test_the_engine_connects_only_without_the_sandbox(listener: CountingListener,
                                                      sandbox: bool) -> None:
    """The policy is bypassed here: the engine is given SERVICE directly."""
    before = listener.count
    repo = str(Path(__file__).resolve().parent.parent)
    run = subprocess.run([sys.executable, "-c", _ENGINE.format(
        repo=repo, sandbox=sandbox, port=listener.port)], capture_output=True, text=True,
        timeout=60)
    assert run.returncode == 0, run.stderr
    time.sleep(0.2)
    if sandbox:
        assert listener.count == before
        assert "PermissionError" in run.stdout
    else:
        assert listener.count > before
    listener.count = before


def test_the_served_worker_is_offline(endpoint: str) -> None:
    status = requests.get(endpoint + "/api/status", timeout=10).json()
    assert status["worker"]["offline"] is sandbox_supported()
