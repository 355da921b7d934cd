"""The HTTP front (server.gateway) of a served endpoint: bodies, limits, environ, streaming."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from tests.conftest import SERVER_TOKEN, make_sample_store, start_server, stop_server

AUTH = {"Authorization": f"Bearer {SERVER_TOKEN}"}


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    store = make_sample_store(tmp_path_factory.mktemp("gateway") / "store")
    process, url = start_server(store, tmp_path_factory.mktemp("gateway-run"),
                                request_read_timeout="1.5", max_client_requests="4",
                                request_header_timeout="1",
                                max_request_bytes="200000")
    yield url
    stop_server(process)


def _hold_body(url: str, source: str = "127.0.0.1") -> socket.socket:
    """A connection that sends headers promising a body it never sends."""
    host, port = url[len("http://"):].split(":")
    sock = socket.create_connection((host, int(port)), timeout=10,
                                    source_address=(source, 0))
    sock.sendall(b"POST /sparql HTTP/1.1\r\nHost: t\r\nContent-Type: application/"
                 b"sparql-query\r\nContent-Length: 1000\r\n\r\nSELECT")
    return sock


def _status_of(sock: socket.socket) -> int:
    answer = sock.recv(4096)
    return int(answer.split(b" ", 2)[1])


def test_a_body_that_never_arrives_gets_408(served: str) -> None:
    sock = _hold_body(served)
    started = time.monotonic()
    try:
        assert _status_of(sock) == 408
    finally:
        sock.close()
    assert time.monotonic() - started < 8


def test_headers_that_never_end_are_cut_off(served: str) -> None:
    host, port = served[len("http://"):].split(":")
    started = time.monotonic()
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall(b"GET /sparql HTTP/1.1\r\nHost: t\r\n")  # and no blank line
        assert sock.recv(4096) == b""  # closed by the server
    assert time.monotonic() - started < 6  # request_header_timeout = 1 s


def test_idle_connections_do_not_hold_the_server(served: str) -> None:
    host, port = served[len("http://"):].split(":")
    idle = [socket.create_connection((host, int(port)), timeout=10,
                                     source_address=("127.0.0.4", 0)) for _ in range(600)]
    try:
        response = requests.get(served + "/sparql", timeout=3,
                                params={"query": "ASK { ?s ?p ?o }"})
        assert response.status_code == 200
    finally:
        for sock in idle:
            sock.close()


def test_held_bodies_do_not_hold_the_server(served: str) -> None:
    # from another address, so that the per-client cap is not what saves us
    holders = [_hold_body(served, "127.0.0.2") for _ in range(4)]
    try:
        for _ in range(20):
            response = requests.get(served + "/sparql", timeout=3,
                                    params={"query": "ASK { ?s ?p ?o }"})
            assert response.status_code == 200
    finally:
        for sock in holders:
            sock.close()


def test_one_client_may_have_only_so_many_requests_in_progress(served: str) -> None:
    holders = [_hold_body(served, "127.0.0.3") for _ in range(4)]
    time.sleep(0.3)
    try:
        extra = _hold_body(served, "127.0.0.3")
        try:
            assert _status_of(extra) == 429
        finally:
            extra.close()
        # another client is not affected
        response = requests.get(served + "/sparql", params={"query": "ASK {}"}, timeout=3)
        assert response.status_code == 200
    finally:
        for sock in holders:
            sock.close()


def test_a_declared_body_over_the_cap_gets_413_at_once(served: str) -> None:
    host, port = served[len("http://"):].split(":")
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall(b"POST /sparql HTTP/1.1\r\nHost: t\r\nContent-Type: application/"
                     b"sparql-query\r\nContent-Length: 999999999\r\n\r\n")
        assert _status_of(sock) == 413


def test_a_chunked_body_over_the_cap_gets_413(served: str) -> None:
    def chunks() -> Iterator[bytes]:
        for _ in range(30):
            yield b"#" * 10_000 + b"\n"

    response = requests.post(served + "/sparql", data=chunks(), timeout=10,
                             headers={"Content-Type": "application/sparql-query"})
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "too_large"


def test_a_chunked_body_is_read_whole(served: str) -> None:
    def chunks() -> Iterator[bytes]:
        yield b"SELECT * WHERE "
        yield b"{ ?s ?p ?o } LIMIT 2"

    response = requests.post(served + "/sparql", data=chunks(), timeout=10,
                             headers={"Content-Type": "application/sparql-query",
                                      "Accept": "application/sparql-results+json"})
    assert response.status_code == 200
    assert len(response.json()["results"]["bindings"]) == 2


def test_non_ascii_paths_and_query_strings_reach_the_app(served: str) -> None:
    query = 'SELECT ?x WHERE { BIND("دير الزور" AS ?x) }'
    response = requests.get(served + "/sparql", params={"query": query},
                            headers={"Accept": "application/sparql-results+json"}, timeout=5)
    assert response.json()["results"]["bindings"][0]["x"]["value"] == "دير الزور"
    page = requests.get(served + "/id/place/C1234", timeout=5,
                        headers={"Accept": "text/turtle"})
    assert page.status_code == 200
    missing = requests.get(served + "/id/place/%D8%AF%D9%8A%D8%B1", timeout=5,
                           headers={"Accept": "application/json"})
    assert missing.status_code == 404


def test_a_large_answer_streams_whole(served: str, tmp_path: Path) -> None:
    # a graph larger than the gateway's one-piece buffer, uploaded then read back
    lines = "".join(f"<http://example.org/s{i}> <http://example.org/p> \"{'v' * 40}\" .\n"
                    for i in range(1500))
    graph = {"graph": "http://example.org/big"}
    put = requests.put(served + "/graphs", params=graph, data=lines.encode(), timeout=30,
                       headers={"Content-Type": "application/n-triples", **AUTH})
    assert put.status_code in (200, 201, 204)
    got = requests.get(served + "/graphs", params=graph, timeout=30,
                       headers={"Accept": "application/n-triples"})
    assert got.status_code == 200
    assert len(got.content) > 65536
    assert got.text.count("\n") == 1500


def test_requests_in_parallel_all_get_their_own_answer(served: str) -> None:
    results: dict[int, str] = {}

    def ask(i: int) -> None:
        response = requests.get(served + "/sparql", timeout=10, params={
            "query": f'SELECT ?x WHERE {{ BIND("{i}" AS ?x) }}'},
            headers={"Accept": "application/sparql-results+json"})
        if response.status_code != 200:  # said in the assertion below, with its reason
            results[i] = f"{response.status_code} {response.text}"
            return
        results[i] = response.json()["results"]["bindings"][0]["x"]["value"]

    # as many as one client may have in progress (max_client_requests = 4)
    threads = [threading.Thread(target=ask, args=(i,)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == {i: str(i) for i in range(4)}


# --------------------------------------------------------------------------- ASGI, in-process
def _echo(environ, start_response):  # type: ignore[no-untyped-def]
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [environ["PATH_INFO"].encode("latin-1"), b"|", environ["wsgi.input"].read()]


def _scope(path: str = "/x", client: str = "10.0.0.1") -> dict[str, object]:
    return {"type": "http", "method": "POST", "path": path, "query_string": b"",
            "headers": [(b"content-type", b"text/plain")], "client": (client, 1),
            "server": ("127.0.0.1", 80)}


def _run_asgi(gateway, scope, messages, delay: float = 0.0):  # type: ignore[no-untyped-def]
    import asyncio

    sent: list[dict[str, object]] = []
    queue = list(messages)

    async def receive() -> dict[str, object]:
        if not queue:
            await asyncio.sleep(3600)
        await asyncio.sleep(delay)
        return queue.pop(0)

    async def send(message: dict[str, object]) -> None:
        sent.append(message)

    asyncio.run(gateway(scope, receive, send))
    return sent


def test_asgi_reads_a_body_in_parts_and_decodes_the_path() -> None:
    from server.gateway import Gateway

    sent = _run_asgi(Gateway(_echo, threads=1), _scope("/id/دير"), [
        {"type": "http.request", "body": b"ab", "more_body": True},
        {"type": "http.request", "body": b"cd", "more_body": False}])
    assert sent[0]["status"] == 200
    assert sent[1]["body"] == "/id/دير".encode() + b"|abcd"


def test_asgi_body_that_stops_gets_408() -> None:
    from server.gateway import Gateway

    sent = _run_asgi(Gateway(_echo, threads=1, read_timeout=0.2), _scope(),
                     [{"type": "http.request", "body": b"ab", "more_body": True}])
    assert sent[0]["status"] == 408


def test_asgi_body_over_the_cap_gets_413() -> None:
    from server.gateway import Gateway

    sent = _run_asgi(Gateway(_echo, threads=1, max_body=3), _scope(),
                     [{"type": "http.request", "body": b"abcd", "more_body": False}])
    assert sent[0]["status"] == 413
