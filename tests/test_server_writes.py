"""Writes: SPARQL Update and the Graph Store Protocol behind the setting and the token."""

from __future__ import annotations

import json

import pytest
from rdflib import Graph
from rdflib.compare import isomorphic

from server import create_app
from tests.conftest import SERVER_TOKEN, server_settings

AUTH = {"Authorization": f"Bearer {SERVER_TOKEN}"}
TURTLE = b"""@prefix ex: <http://example.org/> .
ex:a ex:knows ex:b , ex:c . ex:b ex:name "B\xc3\xa9" ."""


def count(client, graph: str) -> int:  # type: ignore[no-untyped-def]
    query = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
    body = client.get("/sparql", query_string={"query": query}).data
    return int(json.loads(body)["results"]["bindings"][0]["n"]["value"])


@pytest.mark.parametrize("headers,status", [
    ({}, 401),
    ({"Authorization": "Bearer wrong"}, 401),
    ({"Authorization": f"Basic {SERVER_TOKEN}"}, 401),
    (AUTH, 204),
])
def test_update_needs_the_bearer_token(client, headers, status) -> None:  # type: ignore[no-untyped-def]
    graph = "urn:test:update-auth"
    update = f"INSERT DATA {{ GRAPH <{graph}> {{ <urn:a> <urn:b> <urn:c> }} }}"
    response = client.post("/sparql", data={"update": update}, headers=headers)
    assert response.status_code == status
    assert count(client, graph) == (1 if status == 204 else 0)
    if status == 401:
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
        assert response.json["error"]["code"] == "unauthorized"
    client.post("/sparql", data={"update": f"DROP SILENT GRAPH <{graph}>"}, headers=AUTH)


def test_update_as_body_with_predeclared_prefixes(client) -> None:  # type: ignore[no-untyped-def]
    graph = "urn:test:update-body"
    response = client.post("/sparql", headers=AUTH, content_type="application/sparql-update",
                           data=f"INSERT DATA {{ GRAPH <{graph}> {{ ckgr:x rdfs:label 'x' }} }}")
    assert response.status_code == 204
    assert count(client, graph) == 1
    client.post("/sparql", data={"update": f"DROP GRAPH <{graph}>"}, headers=AUTH)
    assert count(client, graph) == 0


def test_update_syntax_error_is_400(client) -> None:  # type: ignore[no-untyped-def]
    response = client.post("/sparql", data={"update": "INSERT DATA { <urn:a> }"}, headers=AUTH)
    assert response.status_code == 400
    assert response.json["error"]["code"] == "query_syntax"


def test_load_is_refused_even_with_the_token(client) -> None:  # type: ignore[no-untyped-def]
    response = client.post("/sparql", data={"update": "LOAD <http://127.0.0.1:9/x.ttl>"},
                           headers=AUTH)
    assert response.status_code == 403
    assert "LOAD" in response.json["error"]["message"]


def test_graph_store_protocol_round_trip(client) -> None:  # type: ignore[no-untyped-def]
    url = "/graphs?graph=urn:test:gsp"
    assert client.get(url).status_code == 404
    assert client.put(url, data=TURTLE, content_type="text/turtle").status_code == 401
    assert client.put(url, data=TURTLE, content_type="text/turtle", headers=AUTH).status_code \
        == 201
    assert client.put(url, data=TURTLE, content_type="text/turtle", headers=AUTH).status_code \
        == 204
    got = client.get(url, headers={"Accept": "application/n-triples"})
    assert got.headers["Content-Type"].startswith("application/n-triples")
    assert isomorphic(Graph().parse(data=got.data, format="nt"),
                      Graph().parse(data=TURTLE, format="turtle"))
    more = b"<http://example.org/c> <http://example.org/knows> <http://example.org/a> ."
    assert client.post(url, data=more, content_type="application/n-triples",
                       headers=AUTH).status_code == 204
    assert count(client, "urn:test:gsp") == 4
    assert client.put(url, data=b"<a> <b", content_type="text/turtle",
                      headers=AUTH).status_code == 400
    assert count(client, "urn:test:gsp") == 4  # a bad body changes nothing
    assert client.put(url, data=TURTLE, content_type="image/png", headers=AUTH).status_code \
        == 415
    assert client.delete(url, headers=AUTH).status_code == 204
    assert client.delete(url, headers=AUTH).status_code == 404
    assert client.get("/graphs").status_code == 400
    assert client.get("/graphs?graph=urn:x&default").status_code == 400


def test_read_only_server_refuses_every_write(server_app) -> None:  # type: ignore[no-untyped-def]
    settings = server_settings(server_app.extensions["kg"].settings.store, allow_updates=False)
    app = create_app(settings, pool=server_app.extensions["kg"].pool)
    client = app.test_client()
    response = client.post("/sparql", data={"update": "CLEAR ALL"}, headers=AUTH)
    assert response.status_code == 403
    assert response.json["error"]["code"] == "forbidden"
    assert client.delete("/graphs?graph=https://w3id.org/conflict-kg/graph/test-kb",
                         headers=AUTH).status_code == 403
    assert client.post("/api/reports", json=[{"text": "x"}], headers=AUTH).status_code == 403
    assert count(client, "https://w3id.org/conflict-kg/graph/test-kb") > 0
    description = client.get("/sparql").data.decode()
    assert "SPARQL11Update" not in description


def test_reports_route_checks_token_and_body(client) -> None:  # type: ignore[no-untyped-def]
    assert client.post("/api/reports", json=[{"text": "x"}]).status_code == 401
    response = client.post("/api/reports", data=b"text", content_type="text/plain",
                           headers=AUTH)
    assert response.status_code == 415
    response = client.post("/api/reports", data=b" ", content_type="application/json",
                           headers=AUTH)
    assert response.status_code == 400
    # JSON nested 1,000 deep: the batch is refused with the reason, not a server error
    response = client.post("/api/reports", data=b"[" * 1000 + b"]" * 1000,
                           content_type="application/json", headers=AUTH)
    assert response.status_code == 422
    assert "nested too deeply" in response.get_data(as_text=True)


def test_void_is_remembered_until_a_write(client, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from rdflib import URIRef
    from rdflib.namespace import VOID

    pool = client.application.extensions["kg"].pool
    kinds: list[str] = []
    run = pool.run

    def counted(job, **kwargs):  # type: ignore[no-untyped-def]
        kinds.append(job["kind"])
        return run(job, **kwargs)

    monkeypatch.setattr(pool, "run", counted)
    dataset = URIRef("http://localhost/void#dataset")

    def triples() -> int:
        response = client.get("/void", headers={"Accept": "text/turtle"})
        assert response.status_code == 200
        return int(Graph().parse(data=response.data, format="turtle").value(dataset,
                                                                            VOID.triples))

    before = triples()
    assert triples() == before and kinds.count("void") <= 1  # the second is remembered
    graph = "urn:test:void-stale"
    response = client.put(f"/graphs?graph={graph}", data=TURTLE,
                          content_type="text/turtle", headers=AUTH)
    assert response.status_code in (201, 204)
    try:
        assert triples() == before + 3  # the write made the remembered answer stale
    finally:
        client.delete(f"/graphs?graph={graph}", headers=AUTH)
    assert triples() == before


def test_json_ld_uploads_and_invalid_graph_iris(client) -> None:  # type: ignore[no-untyped-def]
    url = "/graphs?graph=urn:test:jsonld"
    doc = json.dumps({"@id": "http://example.org/a",
                      "http://example.org/name": [{"@value": "alpha"}]})
    assert client.put(url, data=doc, content_type="application/ld+json",
                      headers=AUTH).status_code == 201
    assert count(client, "urn:test:jsonld") == 1
    named = json.dumps({"@id": "http://example.org/g", "@graph": [
        {"@id": "http://example.org/a", "http://example.org/name": "beta"}]})
    refused = client.put(url, data=named, content_type="application/ld+json", headers=AUTH)
    assert refused.status_code == 415 and "not a dataset" in refused.get_data(as_text=True)
    assert count(client, "urn:test:jsonld") == 1
    bad = client.get("/graphs?graph=http://example.org/a%20b")
    assert bad.status_code == 400 and "not a valid IRI" in bad.get_data(as_text=True)


@pytest.mark.parametrize("text", [
    "SELECT * WHERE " + "{" * 3000 + " ?s ?p ?o " + "}" * 3000,
    "SELECT * WHERE { ?s ?p ?o FILTER(" + "(" * 10000 + "1" + ")" * 10000 + ") }",
])
def test_deeply_nested_requests_are_refused_before_the_engine(client, text: str) -> None:  # type: ignore[no-untyped-def]
    for response in (client.post("/sparql", data={"query": text}),
                     client.post("/sparql", data={"update": "INSERT DATA " + text[15:]},
                                 headers=AUTH)):
        assert response.status_code == 400
        assert "max_query_nesting" in response.get_data(as_text=True)
    assert client.get("/sparql", query_string={"query": "ASK { ?s ?p ?o }"}).status_code == 200
