"""SPARQL 1.1 Protocol semantics against a served endpoint, with real HTTP clients.

Each test is one case of the W3C SPARQL 1.1 Protocol (the names in the comments are
the W3C test suite's): relative IRIs and the request's base, the dataset of a query
(``default-graph-uri``, ``named-graph-uri``) and of an update (``using-graph-uri``,
``using-named-graph-uri``), and what an update's ``WHERE`` sees. The server runs in
its own process over its own copy of the sample store (these tests write to it).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urljoin

import pytest
import requests
from rdflib import Graph, Literal, URIRef
from SPARQLWrapper import JSON, POST, SPARQLWrapper

from tests.conftest import SERVER_TOKEN, make_sample_store, start_server, stop_server

pytestmark = pytest.mark.slow

EX = "http://example.org/protocol/"
WRITE = {"Authorization": f"Bearer {SERVER_TOKEN}"}
JSON_RESULTS = {"Accept": "application/sparql-results+json"}


def _serve(tmp: Path, **settings: str) -> Iterator[str]:
    store = make_sample_store(tmp / "store")
    process, url = start_server(store, tmp, **settings)
    try:
        yield url + "/sparql"
    finally:
        stop_server(process)


@pytest.fixture(scope="module")
def endpoint(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The URL of a served, write-enabled ``/sparql`` over a fresh sample store."""
    yield from _serve(tmp_path_factory.mktemp("w3c-protocol"))


def update(endpoint: str, text: str, **params: str | list[str]) -> requests.Response:
    """POST an update as ``application/sparql-update`` with the write token."""
    return requests.post(endpoint, params=params, data=text.encode("utf-8"), timeout=30,
                         headers={**WRITE, "Content-Type": "application/sparql-update"})


def select(endpoint: str, text: str, **params: str | list[str]) -> list[dict[str, str]]:
    """Run a SELECT by GET; each row as ``{variable: value}``."""
    response = requests.get(endpoint, params={"query": text, **params}, headers=JSON_RESULTS,
                            timeout=30)
    assert response.status_code == 200, response.text
    return [{name: term["value"] for name, term in row.items()}
            for row in response.json()["results"]["bindings"]]


def ask(endpoint: str, text: str, **params: str | list[str]) -> bool:
    """Run an ASK as a ``application/sparql-query`` POST body."""
    response = requests.post(endpoint, params=params, data=text.encode("utf-8"), timeout=30,
                             headers={**JSON_RESULTS, "Content-Type": "application/sparql-query"})
    assert response.status_code == 200, response.text
    return bool(response.json()["boolean"])


def assert_error(response: requests.Response, status: int) -> dict[str, object]:
    """The response is the project's one error shape with ``status``; returns its body."""
    assert response.status_code == status, response.text
    assert response.headers["Content-Type"].startswith("application/json")
    error = response.json()["error"]
    assert error["status"] == status
    assert set(error) <= {"status", "code", "message", "hint"}
    return error  # type: ignore[no-any-return]


# ------------------------------------------------------------------------------ base IRI

def test_construct_with_relative_iris_resolves_them_against_the_endpoint(
        endpoint: str) -> None:
    # query_content_type_construct: CONSTRUCT { <s> <p> 1 } WHERE {}
    response = requests.post(endpoint, data=b"CONSTRUCT { <s> <p> 1 } WHERE {}", timeout=30,
                             headers={"Content-Type": "application/sparql-query",
                                      "Accept": "application/n-triples"})
    assert response.status_code == 200, response.text
    graph = Graph().parse(data=response.text, format="nt")
    expected = Graph()
    expected.add((URIRef(urljoin(endpoint, "s")), URIRef(urljoin(endpoint, "p")), Literal(1)))
    assert set(graph) == set(expected)


@pytest.mark.parametrize("method", ["GET", POST])
def test_relative_iri_in_a_select_by_every_route(endpoint: str, method: str) -> None:
    # a plain GET ?query= takes the fast path, a POST goes through Flask: same base
    client = SPARQLWrapper(endpoint)
    client.setQuery("SELECT (<rel/x> AS ?x) WHERE {}")
    client.setReturnFormat(JSON)
    client.setMethod(method)
    rows = client.query().convert()["results"]["bindings"]  # type: ignore[index]
    assert [row["x"]["value"] for row in rows] == [urljoin(endpoint, "rel/x")]


def test_the_querys_own_base_wins_over_the_endpoint(endpoint: str) -> None:
    rows = select(endpoint, f"BASE <{EX}b/> SELECT (<x> AS ?x) WHERE {{}}")
    assert rows == [{"x": EX + "b/x"}]


def test_update_with_a_relative_iri_resolves_it_against_the_endpoint(endpoint: str) -> None:
    # update_base_uri: an insert with <test>, then a query reads the stored IRI back
    graph = EX + "base-test"
    response = update(endpoint, f"CLEAR SILENT GRAPH <{graph}> ; INSERT DATA {{ GRAPH "
                                f"<{graph}> {{ <{EX}s> <{EX}p> <test> }} }}")
    assert response.status_code == 204, response.text
    rows = select(endpoint, f"SELECT ?o WHERE {{ GRAPH <{graph}> {{ <{EX}s> <{EX}p> ?o }} }}")
    assert rows == [{"o": urljoin(endpoint, "test")}]


def test_base_url_setting_is_the_base_of_relative_iris(
        tmp_path_factory: pytest.TempPathFactory) -> None:
    public = "https://kg.example.org/data/"
    for served in _serve(tmp_path_factory.mktemp("w3c-base-url"), base_url=public):
        by_get = select(served, "SELECT (<x> AS ?x) WHERE {}")
        by_post = requests.post(served, data={"query": "SELECT (<y> AS ?y) WHERE {}"},
                                headers=JSON_RESULTS, timeout=30).json()
        assert by_get == [{"x": public + "x"}]
        assert by_post["results"]["bindings"] == [{"y": {"type": "uri", "value": public + "y"}}]
