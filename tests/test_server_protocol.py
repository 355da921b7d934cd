"""The SPARQL 1.1 Protocol through the Flask test client: forms, formats, errors, limits."""

from __future__ import annotations

import csv
import io
import json

import pyoxigraph as ox
import pytest
from rdflib import Graph, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import RDF

from server.formats import GRAPHS, RESULTS

SDF = "https://w3id.org/conflict-kg/id/actor/sdf"
TOWN = "https://w3id.org/conflict-kg/id/place/C1234"
KB = "https://w3id.org/conflict-kg/graph/test-kb"
R1 = "https://w3id.org/conflict-kg/graph/report/r1"
LABELS = f"SELECT ?l WHERE {{ <{SDF}> rdfs:label ?l }} ORDER BY ?l"


def bindings(response) -> list[dict]:  # type: ignore[no-untyped-def]
    assert response.status_code == 200, response.data
    return json.loads(response.data)["results"]["bindings"]


def test_get_query_returns_json_results(client) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/sparql", query_string={"query": LABELS})
    assert response.headers["Content-Type"].startswith("application/sparql-results+json")
    assert {b["l"]["value"] for b in bindings(response)} == {
        "Syrian Democratic Forces", "قوات سوريا الديمقراطية"}


def test_post_form_and_post_body_give_the_same_answer(client) -> None:  # type: ignore[no-untyped-def]
    by_get = bindings(client.get("/sparql", query_string={"query": LABELS}))
    by_form = bindings(client.post("/sparql", data={"query": LABELS}))
    by_body = bindings(client.post("/sparql", data=LABELS.encode(),
                                   content_type="application/sparql-query"))
    assert by_get == by_form == by_body
    assert len(by_get) == 2


def test_default_graph_is_the_union_of_named_graphs(client) -> None:  # type: ignore[no-untyped-def]
    query = f"SELECT ?who WHERE {{ ?e ckg:perpetrator ?who ; ckg:place <{TOWN}> . " \
            f"?who rdfs:label ?l }}"
    assert [b["who"]["value"] for b in bindings(client.get("/sparql",
            query_string={"query": query}))] == [SDF, SDF]


def test_default_graph_uri_restricts_the_dataset(client) -> None:  # type: ignore[no-untyped-def]
    query = "SELECT (COUNT(*) AS ?n) WHERE { ?s a ckg:Report }"
    only_kb = bindings(client.get("/sparql", query_string={"query": query,
                                                          "default-graph-uri": KB}))
    only_r1 = bindings(client.get("/sparql", query_string={"query": query,
                                                          "default-graph-uri": R1}))
    assert only_kb[0]["n"]["value"] == "0"
    assert only_r1[0]["n"]["value"] == "1"


def test_named_graph_uri_limits_graph_patterns(client) -> None:  # type: ignore[no-untyped-def]
    query = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
    rows = bindings(client.get("/sparql", query_string={"query": query,
                                                       "named-graph-uri": [KB, R1]}))
    assert sorted(b["g"]["value"] for b in rows) == sorted([KB, R1])


@pytest.mark.parametrize("fmt", RESULTS, ids=lambda f: f.name)
def test_select_in_every_results_format(client, fmt) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/sparql", query_string={"query": LABELS},
                          headers={"Accept": fmt.media_type})
    assert response.status_code == 200
    assert response.headers["Content-Type"].split(";")[0] == fmt.media_type
    if fmt.name == "csv":
        rows = list(csv.DictReader(io.StringIO(response.data.decode("utf-8"))))
        values = {r["l"] for r in rows}
    else:
        parsed = ox.parse_query_results(response.data, getattr(ox.QueryResultsFormat,
                                                                fmt.engine))
        values = {row["l"].value for row in parsed}  # type: ignore[union-attr]
    assert values == {"Syrian Democratic Forces", "قوات سوريا الديمقراطية"}


@pytest.mark.parametrize("fmt", [f for f in RESULTS if f.name != "csv"], ids=lambda f: f.name)
def test_ask_in_results_formats(client, fmt) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/sparql", query_string={"query": f"ASK {{ <{SDF}> a ckg:ArmedGroup }}",
                                                   "format": fmt.name})
    parsed = ox.parse_query_results(response.data, getattr(ox.QueryResultsFormat, fmt.engine))
    assert bool(parsed) is True


@pytest.mark.parametrize("fmt", GRAPHS, ids=lambda f: f.name)
def test_construct_in_every_rdf_format(client, fmt) -> None:  # type: ignore[no-untyped-def]
    query = f"CONSTRUCT {{ <{TOWN}> ?p ?o }} WHERE {{ <{TOWN}> ?p ?o }}"
    response = client.get("/sparql", query_string={"query": query},
                          headers={"Accept": fmt.media_type})
    assert response.status_code == 200, response.data
    assert response.headers["Content-Type"].split(";")[0] == fmt.media_type
    rdflib_format = {"turtle": "turtle", "ntriples": "nt", "nquads": "nquads", "trig": "trig",
                     "rdfxml": "xml", "jsonld": "json-ld"}[fmt.name]
    got = Graph()
    if fmt.datasets:
        from rdflib import Dataset

        dataset = Dataset()
        dataset.parse(data=response.data, format=rdflib_format)
        for s, p, o, _ in dataset.quads():
            got.add((s, p, o))
    else:
        got.parse(data=response.data, format=rdflib_format)
    expected = Graph()
    ttl = client.get("/sparql", query_string={"query": query, "format": "nt"}).data
    expected.parse(data=ttl, format="nt")
    assert len(expected) == 5  # type, two labels, locatedIn, geometry
    assert isomorphic(got, expected)
    assert (URIRef(TOWN), RDF.type, URIRef("https://w3id.org/conflict-kg/ontology#Town")) in got


def test_not_acceptable(client) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/sparql", query_string={"query": LABELS},
                          headers={"Accept": "image/png"})
    assert response.status_code == 406
    assert response.json["error"]["code"] == "not_acceptable"
    # a graph format cannot carry SELECT results
    response = client.get("/sparql", query_string={"query": LABELS, "format": "turtle"})
    assert response.status_code == 406


def test_format_parameter_overrides_accept(client) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/sparql", query_string={"query": LABELS, "format": "csv"},
                          headers={"Accept": "application/sparql-results+json"})
    assert response.headers["Content-Type"].startswith("text/csv")
    response = client.get("/sparql", query_string={"query": LABELS, "format": "yaml"})
    assert response.status_code == 400
    assert "unknown format" in response.json["error"]["message"]


def test_download_links_send_attachments(client) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/sparql", query_string={"query": LABELS, "format": "tsv",
                                                   "download": "1"})
    assert response.headers["Content-Disposition"] == 'attachment; filename="results.tsv"'


def test_syntax_error_says_where_without_internals(client) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/sparql", query_string={"query": "SELECT * WHERE { ?s ?p }"})
    assert response.status_code == 400
    error = response.json["error"]
    assert error["code"] == "query_syntax"
    assert error["message"].startswith("line 1, column ")
    assert "Traceback" not in response.data.decode() and "pyoxigraph" not in response.data.decode()


@pytest.mark.parametrize("request_kwargs,status", [
    ({"method": "GET", "query_string": {"update": "CLEAR ALL"}}, 400),
    ({"method": "GET", "query_string": {"query": ["ASK {}", "ASK {}"]}}, 400),
    ({"method": "POST", "data": b"ASK {}", "content_type": "text/plain"}, 415),
    ({"method": "POST", "data": {"nothing": "here"}}, 400),
    ({"method": "GET", "query_string": {"query": "INSERT DATA { <a:b> <a:b> <a:b> }"}}, 400),
    ({"method": "GET", "query_string": {"query": "   "}}, 400),
    ({"method": "PUT", "data": b""}, 405),
])
def test_protocol_errors_share_one_shape(client, request_kwargs, status) -> None:  # type: ignore[no-untyped-def]
    response = client.open("/sparql", **request_kwargs)
    assert response.status_code == status
    error = response.json["error"]
    assert error["status"] == status and error["code"] and error["message"]


def test_unknown_route_uses_the_error_shape(client) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert response.json["error"]["code"] == "not_found"


def test_result_rows_are_capped(client) -> None:  # type: ignore[no-untyped-def]
    # 64 triples squared is 4096 rows; the test server caps at 1000
    response = client.get("/sparql", query_string={
        "query": "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f }"})
    assert len(bindings(response)) == 1000
    assert "1000" in response.headers["KG-Truncated"]
    small = client.get("/sparql", query_string={"query": LABELS})
    assert "KG-Truncated" not in small.headers
    as_tsv = client.get("/sparql", query_string={
        "query": "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f }", "format": "tsv"})
    assert len(as_tsv.data.decode("utf-8").splitlines()) == 1 + 1000  # header + rows
    # just under the cap: every row comes back, no truncation
    just = client.get("/sparql", query_string={
        "query": "SELECT ?a ?d WHERE { ?a ?b ?c . ?d ?e ?f } LIMIT 1000", "format": "csv"})
    assert len(just.data.decode("utf-8").splitlines()) == 1 + 1000
    assert "KG-Truncated" not in just.headers


def test_request_size_is_capped(client) -> None:  # type: ignore[no-untyped-def]
    big = "ASK {} #" + "x" * 1_000_100
    response = client.post("/sparql", data=big.encode(), content_type="application/sparql-query")
    assert response.status_code == 413
    assert response.json["error"]["code"] == "too_large"
    response = client.get("/sparql", query_string={"query": big})
    assert response.status_code == 413


def test_service_description(client) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/sparql")
    assert response.headers["Content-Type"].startswith("text/turtle")
    graph = Graph().parse(data=response.data, format="turtle")
    sd = "http://www.w3.org/ns/sparql-service-description#"
    service = next(graph.subjects(RDF.type, URIRef(sd + "Service")))
    assert (service, URIRef(sd + "feature"), URIRef(sd + "UnionDefaultGraph")) in graph
    assert (service, URIRef(sd + "endpoint"), URIRef("http://localhost/sparql")) in graph
    assert (service, URIRef(sd + "supportedLanguage"), URIRef(sd + "SPARQL11Update")) in graph
    as_jsonld = client.get("/sparql", headers={"Accept": "application/ld+json"})
    assert isomorphic(Graph().parse(data=as_jsonld.data, format="json-ld"), graph)


def test_cors_on_reads_only(client) -> None:  # type: ignore[no-untyped-def]
    read = client.get("/sparql", query_string={"query": LABELS},
                      headers={"Origin": "https://elsewhere.example"})
    assert read.headers["Access-Control-Allow-Origin"] == "*"
    preflight = client.options("/sparql", headers={
        "Origin": "https://elsewhere.example", "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization"})
    assert preflight.headers["Access-Control-Allow-Origin"] == "*"
    assert "authorization" not in preflight.headers["Access-Control-Allow-Headers"].lower()
    write = client.post("/sparql", data={"update": "CLEAR SILENT GRAPH <urn:x:nothing>"},
                        headers={"Origin": "https://elsewhere.example",
                                 "Authorization": "Bearer test-token-6f1c"})
    assert write.status_code == 204
    assert "Access-Control-Allow-Origin" not in write.headers
    gsp = client.put("/graphs?graph=urn:x:cors", data=b"<urn:a> <urn:b> <urn:c> .",
                     content_type="application/n-triples",
                     headers={"Authorization": "Bearer test-token-6f1c"})
    assert gsp.status_code == 201
    assert "Access-Control-Allow-Origin" not in gsp.headers
