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


# ------------------------------------------------------------------------- query dataset

DATA = [EX + f"data{i}" for i in (1, 2, 3)]


@pytest.fixture(scope="module")
def data_graphs(endpoint: str) -> list[str]:
    """Three graphs, each holding one statement about the graph's own IRI."""
    quads = " ".join(f"GRAPH <{g}> {{ <{g}> a <{EX}Document> ; <{EX}n> {i} }}"
                     for i, g in enumerate(DATA, start=1))
    response = update(endpoint, f"INSERT DATA {{ {quads} }}")
    assert response.status_code == 204, response.text
    return DATA


@pytest.mark.parametrize("method", ["GET", POST])
def test_default_graph_uri_is_the_default_graph(endpoint: str, data_graphs: list[str],
                                               method: str) -> None:
    # query_dataset_default_graphs_get / _post, through SPARQLWrapper's own parameters
    client = SPARQLWrapper(endpoint)
    client.setQuery("SELECT ?s WHERE { ?s ?p ?o }")
    client.setReturnFormat(JSON)
    client.setMethod(method)
    client.addDefaultGraph(data_graphs[0])
    client.addDefaultGraph(data_graphs[1])
    rows = client.query().convert()["results"]["bindings"]  # type: ignore[index]
    assert {row["s"]["value"] for row in rows} == set(data_graphs[:2])


def test_default_graphs_are_merged_for_one_pattern(endpoint: str,
                                                   data_graphs: list[str]) -> None:
    one, two = data_graphs[:2]
    both = f"ASK {{ <{one}> ?p ?o . <{two}> ?p ?o }}"
    assert ask(endpoint, both, **{"default-graph-uri": [one, two]})
    assert not ask(endpoint, both, **{"default-graph-uri": [one]})


def test_default_graph_uri_alone_leaves_no_named_graphs(endpoint: str,
                                                        data_graphs: list[str]) -> None:
    # the dataset is the graphs listed, as with FROM: GRAPH ?g has nothing to match
    rows = select(endpoint, "SELECT ?g WHERE { GRAPH ?g { ?s ?p ?o } }",
                  **{"default-graph-uri": data_graphs[0]})
    assert rows == []


def test_named_graph_uri_lists_the_named_graphs(endpoint: str,
                                                data_graphs: list[str]) -> None:
    # query_dataset_named_graphs_get / _post
    in_default = requests.post(endpoint.replace("/sparql", "/graphs"), params={"default": ""},
                               data=f"<{EX}s> <{EX}in> <{EX}default> .".encode(), timeout=30,
                               headers={**WRITE, "Content-Type": "application/n-triples"})
    assert in_default.status_code in (201, 204), in_default.text
    named = {"named-graph-uri": data_graphs[:2]}
    rows = select(endpoint, "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }", **named)
    assert {row["g"] for row in rows} == set(data_graphs[:2])
    # ... and, as with FROM NAMED alone, the default graph is empty (not the store's own)
    assert ask(endpoint, f"ASK {{ <{EX}s> <{EX}in> ?o }}")
    assert not ask(endpoint, "ASK { ?s ?p ?o }", **named)


def test_full_dataset_from_the_protocol(endpoint: str, data_graphs: list[str]) -> None:
    # query_dataset_full: a default graph and two named graphs
    one, two, three = data_graphs
    rows = select(endpoint, "SELECT ?x ?g ?s WHERE { ?x ?y ?o GRAPH ?g { ?s ?p ?o } }",
                  **{"default-graph-uri": three, "named-graph-uri": [one, two]})
    # ?o is shared: only the type statement is in every graph
    assert sorted((row["x"], row["g"], row["s"]) for row in rows) == \
        sorted([(three, one, one), (three, two, two)])


def test_protocol_dataset_replaces_from_in_the_query(endpoint: str,
                                                     data_graphs: list[str]) -> None:
    # query_multiple_dataset
    one, two = data_graphs[:2]
    text = f"ASK FROM <{one}> {{ <{two}> ?p ?o }}"
    assert not ask(endpoint, text)
    assert ask(endpoint, text, **{"default-graph-uri": two})


def test_dataset_parameter_that_is_no_iri_is_a_400(endpoint: str) -> None:
    response = requests.get(endpoint, params={"query": "ASK {}",
                                              "named-graph-uri": "not an iri>"}, timeout=30)
    error = assert_error(response, 400)
    assert "named-graph-uri" in str(error["message"])

