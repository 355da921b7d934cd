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


# ------------------------------------------------------------------------ update dataset

DOC, BIB = EX + "Document", EX + "BibliographicResource"


def copied(endpoint: str, target: str) -> set[str]:
    """The subjects an update below copied into ``target`` as bibliographic resources."""
    rows = select(endpoint, f"SELECT ?s WHERE {{ GRAPH <{target}> {{ ?s a <{BIB}> }} }}")
    return {row["s"] for row in rows}


@pytest.mark.parametrize("count", [1, 2])
def test_using_graph_uri_is_the_default_graph_of_where(endpoint: str, data_graphs: list[str],
                                                       count: int) -> None:
    # update_dataset_default_graph / update_dataset_default_graphs
    target = EX + f"out-default-{count}"
    response = update(endpoint, f"INSERT {{ GRAPH <{target}> {{ ?s a <{BIB}> }} }} "
                                f"WHERE {{ ?s a <{DOC}> }}",
                      **{"using-graph-uri": data_graphs[:count]})
    assert response.status_code == 204, response.text
    assert copied(endpoint, target) == set(data_graphs[:count])


def test_using_named_graph_uri_lists_the_graphs_of_where(endpoint: str,
                                                         data_graphs: list[str]) -> None:
    # update_dataset_named_graphs, sent as a form with the parameters in the body
    target = EX + "out-named"
    text = (f"INSERT {{ GRAPH <{target}> {{ ?s a <{BIB}> }} }} "
            f"WHERE {{ GRAPH ?g {{ ?s a <{DOC}> }} }}")
    response = requests.post(endpoint, data={"update": text,
                                             "using-named-graph-uri": data_graphs[:2]},
                             headers=WRITE, timeout=30)
    assert response.status_code == 204, response.text
    assert copied(endpoint, target) == set(data_graphs[:2])


def test_using_graph_and_named_graph_uri_together(endpoint: str,
                                                  data_graphs: list[str]) -> None:
    # update_dataset_full
    one, _, three = data_graphs
    target = EX + "out-full"
    response = update(endpoint, f"INSERT {{ GRAPH <{target}> {{ ?s <{EX}seenWith> ?x }} }} "
                                f"WHERE {{ ?x a <{DOC}> GRAPH ?g {{ ?s a <{DOC}> }} }}",
                      **{"using-graph-uri": three, "using-named-graph-uri": one})
    assert response.status_code == 204, response.text
    rows = select(endpoint, f"SELECT ?s ?x WHERE {{ GRAPH <{target}> {{ ?s ?p ?x }} }}")
    assert rows == [{"s": one, "x": three}]


@pytest.mark.parametrize("clause", [f"WITH <{EX}data1>", f"USING <{EX}data1>",
                                    f"USING NAMED <{EX}data1>"])
def test_protocol_graphs_and_dataset_clauses_together_are_a_400(
        endpoint: str, data_graphs: list[str], clause: str) -> None:
    # bad_update_dataset_conflict
    target = EX + "out-conflict"
    insert = f"INSERT {{ GRAPH <{target}> {{ ?s a <{BIB}> }} }}"
    text = f"{clause} {insert} WHERE {{ ?s a <{DOC}> }}" if clause.startswith("WITH") \
        else f"{insert} {clause} WHERE {{ ?s a <{DOC}> }}"
    response = update(endpoint, text, **{"using-named-graph-uri": data_graphs[1]})
    error = assert_error(response, 400)
    assert "using-named-graph-uri" in str(error["message"])
    assert copied(endpoint, target) == set()


def test_graph_parameters_that_are_no_iris_are_a_400(endpoint: str,
                                                     data_graphs: list[str]) -> None:
    target = EX + "out-injected"
    injected = f"{data_graphs[0]}> WHERE {{ }} ; DROP GRAPH <{data_graphs[0]}"
    response = update(endpoint, f"INSERT {{ GRAPH <{target}> {{ ?s a <{BIB}> }} }} "
                                f"WHERE {{ ?s a <{DOC}> }}", **{"using-graph-uri": injected})
    assert "using-graph-uri" in str(assert_error(response, 400)["message"])
    assert ask(endpoint, f"ASK {{ GRAPH <{data_graphs[0]}> {{ ?s ?p ?o }} }}")


def test_query_parameters_on_an_update_and_back_are_a_400(endpoint: str,
                                                          data_graphs: list[str]) -> None:
    on_update = update(endpoint, f"CLEAR GRAPH <{data_graphs[0]}>",
                       **{"default-graph-uri": data_graphs[0]})
    assert "default-graph-uri" in str(assert_error(on_update, 400)["message"])
    on_query = requests.get(endpoint, params={"query": "ASK {}",
                                              "using-graph-uri": data_graphs[0]}, timeout=30)
    assert_error(on_query, 400)
    assert ask(endpoint, f"ASK {{ GRAPH <{data_graphs[0]}> {{ ?s ?p ?o }} }}")


# ------------------------------------------------------- what an update's WHERE matches

DATED = "ASK { GRAPH ?g { ?e ckg:date ?d } }"


@pytest.mark.parametrize("text", [
    "DELETE WHERE { ?e ckg:date ?d }",
    "DELETE { GRAPH ?g { ?e ckg:date ?d } } WHERE { ?e ckg:date ?d }",
    "DELETE { ?e ckg:date ?d } WHERE { GRAPH ?g { ?e ckg:date ?d } }",
    "INSERT { GRAPH <urn:x:out> { ?e a ckg:Dated } } WHERE { GRAPH ?g { ?e a ?t } "
    "OPTIONAL { ?e ckg:date ?d } }",
    "PREFIX x: <urn:x:> CLEAR SILENT GRAPH x:none ;\n DELETE { GRAPH ?g { ?e ckg:date ?d } }"
    " WHERE { { SELECT ?e ?d WHERE { ?e ckg:date ?d } } GRAPH ?g { ?e ckg:date ?d } }",
])
def test_patterns_outside_graph_in_an_update_are_refused(endpoint: str, text: str) -> None:
    # the union is what queries see; an update would match the store's empty default graph
    assert ask(endpoint, DATED)
    error = assert_error(update(endpoint, text), 400)
    assert error["code"] == "pattern_outside_graph"
    assert "GRAPH" in str(error["hint"])
    assert ask(endpoint, DATED)


def test_update_naming_its_graphs_deletes_from_them(endpoint: str) -> None:
    graphs = {row["g"] for row in select(
        endpoint, "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?e ckg:date ?d } }")}
    assert graphs
    first, *rest = sorted(graphs)
    response = update(endpoint, f"WITH <{first}> DELETE {{ ?e ckg:date ?d }} "
                                "WHERE { ?e ckg:date ?d }")
    assert response.status_code == 204, response.text
    assert not ask(endpoint, f"ASK {{ GRAPH <{first}> {{ ?e ckg:date ?d }} }}")
    response = update(endpoint, "DELETE { GRAPH ?g { ?e ckg:date ?d } } "
                                "WHERE { GRAPH ?g { ?e ckg:date ?d } }")
    assert response.status_code == 204, response.text
    assert not ask(endpoint, DATED)


def test_insert_outside_graph_lands_in_the_default_graph_queries_see(endpoint: str) -> None:
    # an INSERT template without GRAPH writes to the store's own default graph, which
    # is part of the union queries see (and of no report)
    response = update(endpoint, f"INSERT {{ ?g a <{EX}Graph> }} WHERE {{ GRAPH ?g {{ "
                                f"<{EX}data1> <{EX}n> ?n }} }}")
    assert response.status_code == 204, response.text
    assert select(endpoint, f"SELECT ?g WHERE {{ ?g a <{EX}Graph> }}") == [{"g": EX + "data1"}]
    default = requests.get(endpoint.replace("/sparql", "/graphs"), params={"default": ""},
                           headers={"Accept": "application/n-triples"}, timeout=30)
    assert f"<{EX}data1> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <{EX}Graph>" \
        in default.text
