"""The WSGI fast path for ``GET /sparql?query=`` answers exactly as the Flask route does."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from flask import request_started
from werkzeug.test import Client

from server.errors import ForbiddenOperation
from server.fastpath import QueryFastPath
from server.sparql import verdict

SDF = "https://w3id.org/conflict-kg/id/actor/sdf"

#: (query, Accept) pairs covering answers and every error the fast path can meet.
CASES = [
    (f"SELECT ?l WHERE {{ <{SDF}> rdfs:label ?l }} ORDER BY ?l", None),
    (f"SELECT ?l WHERE {{ <{SDF}> rdfs:label ?l }} ORDER BY ?l", "text/csv"),
    (f"SELECT ?l WHERE {{ <{SDF}> rdfs:label ?l }}", "application/sparql-results+xml"),
    (f"ASK {{ <{SDF}> ?p ?o }}", "application/sparql-results+json"),
    (f"CONSTRUCT {{ <{SDF}> ?p ?o }} WHERE {{ <{SDF}> ?p ?o }}", "application/n-triples"),
    (f"DESCRIBE <{SDF}>", "text/turtle"),
    (f"CONSTRUCT {{ <{SDF}> ?p ?o }} WHERE {{ <{SDF}> ?p ?o }}", "text/csv"),  # 406
    ("SELECT * WHERE { ?s ?p }", None),  # syntax error
    ("SELECT * WHERE { ?s ?p ?o", "text/html"),  # syntax error, for a browser
    ("SELECT * { SERVICE <http://example.org/sparql> { ?s ?p ?o } }", None),  # refused
    ("LOAD <http://example.org/data.ttl>", None),  # refused
    ("INSERT DATA { <http://x/a> <http://x/b> <http://x/c> }", None),  # an update
    ("   ", None),  # empty
    ("SELECT (1/0 AS ?x) (STRLEN(1) AS ?y) WHERE {}", None),
]


@contextmanager
def flask_dispatches(app) -> Iterator[list[str]]:  # type: ignore[no-untyped-def]
    """Record the paths of requests Flask itself dispatched while inside the block."""
    seen: list[str] = []

    def record(sender, **extra) -> None:  # type: ignore[no-untyped-def]
        from flask import request

        seen.append(request.full_path)

    request_started.connect(record, app)
    try:
        yield seen
    finally:
        request_started.disconnect(record, app)


def _answer(wsgi, query: str, accept: str | None):  # type: ignore[no-untyped-def]
    headers = {"Accept": accept} if accept else {}
    response = Client(wsgi).get("/sparql", query_string={"query": query}, headers=headers)
    return response.status_code, sorted(response.headers.items()), response.get_data()


@pytest.mark.parametrize(("query", "accept"), CASES)
def test_fast_path_answers_as_the_flask_route(server_app, query: str,  # type: ignore[no-untyped-def]
                                              accept: str | None) -> None:
    fast = server_app.wsgi_app
    assert isinstance(fast, QueryFastPath)
    with flask_dispatches(server_app) as dispatched:
        by_fast_path = _answer(fast, query, accept)
    assert dispatched == []  # Flask never saw the request
    by_flask = _answer(fast.inner, query, accept)
    assert by_fast_path == by_flask


def test_fast_path_sends_cors_and_vary_headers(client) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/sparql", query_string={"query": "ASK {}"})
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert response.headers["Vary"] == "Accept"
    assert response.headers["Content-Length"] == str(len(response.data))


@pytest.mark.parametrize("extra", [{"format": "csv"}, {"download": "1"},
                                   {"default-graph-uri": "http://x/none"}])
def test_other_parameters_go_to_flask(server_app, extra: dict[str, str]) -> None:  # type: ignore[no-untyped-def]
    with flask_dispatches(server_app) as dispatched:
        response = server_app.test_client().get(
            "/sparql", query_string={"query": "SELECT * WHERE { ?s ?p ?o } LIMIT 1", **extra})
    assert response.status_code == 200
    assert len(dispatched) == 1


def test_repeated_query_parameter_is_refused_by_flask(server_app) -> None:  # type: ignore[no-untyped-def]
    with flask_dispatches(server_app) as dispatched:
        response = server_app.test_client().get("/sparql?query=ASK%7B%7D&query=ASK%7B%7D")
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "bad_request"
    assert len(dispatched) == 1


def test_cached_verdict_depends_on_the_allow_list() -> None:
    query = "SELECT * { SERVICE <http://example.org/sparql> { ?s ?p ?o } }"
    assert verdict(query, ["http://example.org/sparql"], 128) == "SELECT"
    with pytest.raises(ForbiddenOperation):
        verdict(query, [], 128)
    assert verdict(query, ("http://example.org/sparql",), 128) == "SELECT"
    with pytest.raises(ForbiddenOperation):
        verdict("LOAD <http://example.org/x>", [], 128)
    with pytest.raises(ForbiddenOperation):  # a refusal is never remembered as a pass
        verdict("LOAD <http://example.org/x>", [], 128)


@pytest.mark.parametrize(("query", "accept"), CASES)
def test_the_event_loop_answer_is_the_flask_routes(server_app, query: str,  # type: ignore[no-untyped-def]
                                                   accept: str | None) -> None:
    """:meth:`QueryFastPath.answer_async` (what the gateway awaits) gives the same bytes."""
    import asyncio
    from urllib.parse import urlencode

    from werkzeug.test import EnvironBuilder

    fast = server_app.wsgi_app
    headers = {"Accept": accept} if accept else {}
    environ = EnvironBuilder(path="/sparql", query_string=urlencode({"query": query}),
                             headers=headers).get_environ()
    with flask_dispatches(server_app) as dispatched:
        answered = asyncio.run(fast.answer_async(environ))
    assert dispatched == []
    assert answered is not None
    status, answer_headers, body = answered
    by_flask = _answer(fast.inner, query, accept)
    assert (status, sorted(answer_headers), body) == by_flask


def test_the_event_loop_leaves_other_requests_to_the_app(server_app) -> None:  # type: ignore[no-untyped-def]
    import asyncio

    from werkzeug.test import EnvironBuilder

    for builder in (EnvironBuilder(path="/sparql", query_string="query=ASK%7B%7D&format=csv"),
                    EnvironBuilder(path="/", method="GET"),
                    EnvironBuilder(path="/sparql", method="POST", data="ASK {}",
                                   content_type="application/sparql-query")):
        assert asyncio.run(server_app.wsgi_app.answer_async(builder.get_environ())) is None
