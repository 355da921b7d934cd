"""The README's main job: `kg demo` ingests the samples and serves them over HTTP,
queried here with SPARQLWrapper as a user's client would."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator

import pytest
import requests
from SPARQLWrapper import JSON, SPARQLWrapper

from kg.cli import sample_paths
from kg.core.model import Document
from kg.pipeline.ingest import read_documents


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    store = tmp_path_factory.mktemp("demo") / "store"
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("KG_")}
    env["XDG_CONFIG_HOME"] = str(store.parent / "config")
    proc = subprocess.Popen(
        [sys.executable, "-m", "kg.cli", "demo", "--store", str(store), "--port", str(port)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env,
        start_new_session=True)
    lines: list[str] = []
    deadline = time.monotonic() + 240
    assert proc.stdout is not None
    try:
        while time.monotonic() < deadline:
            line = proc.stdout.readline()
            if not line:
                break
            lines.append(line)
            if line.startswith("Press Ctrl+C"):
                break
        output = "".join(lines)
        assert f"SPARQL endpoint: http://127.0.0.1:{port}/sparql" in output, output
        yield f"http://127.0.0.1:{port}/sparql", output
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)


def test_demo_prints_url_and_an_example_query(demo_server: tuple[str, str]) -> None:
    url, output = demo_server
    assert f"reports ingested: {len(sample_reports())}" in output
    assert "curl -G" in output and "query=SELECT" in output


def sample_reports() -> list[Document]:
    """The bundled sample reports, as the reader sees them."""
    docs = [d for d in read_documents(sample_paths()) if isinstance(d, Document)]
    assert len(docs) >= 6
    return docs


def test_sparqlwrapper_sees_the_seed_raid(demo_server: tuple[str, str]) -> None:
    url, _ = demo_server
    client = SPARQLWrapper(url)
    client.setReturnFormat(JSON)
    client.setQuery("""
        PREFIX ckg: <https://w3id.org/conflict-kg/ontology#>
        PREFIX owl: <http://www.w3.org/2002/07/owl#>
        SELECT ?e ?date WHERE {
          ?e a ckg:Raid ; ckg:date ?date ; ckg:target ?t ; ckg:place ?p .
          ?t owl:sameAs <http://www.wikidata.org/entity/Q2429253> .
          ?p ckg:locatedIn+/owl:sameAs <http://www.wikidata.org/entity/Q232387> .
        }""")
    bindings = client.queryAndConvert()["results"]["bindings"]  # type: ignore[index]
    assert "2021-12-13" in {b["date"]["value"] for b in bindings}


def test_the_endpoint_is_read_only(demo_server: tuple[str, str]) -> None:
    url, _ = demo_server
    count = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
    before = requests.get(url, params={"query": count}, timeout=30,
                          headers={"Accept": "text/csv"}).text
    refused = requests.post(
        url, data={"update": "INSERT DATA { <http://ex.org/a> <http://ex.org/b> 1 }"},
        timeout=30)
    assert refused.status_code == 403
    assert refused.headers["Content-Type"].startswith("application/json")
    assert "read-only" in refused.json()["error"]["message"]
    after = requests.get(url, params={"query": count}, timeout=30,
                         headers={"Accept": "text/csv"}).text
    assert before == after
