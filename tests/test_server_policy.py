"""The SERVICE/LOAD guard decides on SPARQL terminals, and agrees with a real parser."""

from __future__ import annotations

import pytest
from pyparsing import ParseResults
from rdflib.plugins.sparql.parser import parseQuery, parseUpdate

from server.errors import ForbiddenOperation
from server.policy import check_request, is_update, query_form, tokenize

EP = "http://127.0.0.1:9/sparql"

#: Queries that name SERVICE only inside strings, comments, IRIs, variables, prefixed names.
HARMLESS = [
    "SELECT * WHERE { ?s ?p 'SERVICE <http://x/> { ?a ?b ?c }' }",
    'SELECT * WHERE { ?s ?p """multi\nline SERVICE <http://x/> {}\n""" }',
    "SELECT * WHERE { ?s ?p ?o } # SERVICE <http://x/> { }",
    "SELECT * WHERE { ?s <http://example.org/SERVICE> ?o }",
    "PREFIX ex: <http://example.org/> SELECT * WHERE { ?s ex:service ?o . ?o ex:load ?x }",
    "PREFIX service: <http://example.org/> SELECT * WHERE { ?s service:x ?o }",
    "SELECT ?service ?load WHERE { ?service ?p ?load }",
    "SELECT * WHERE { ?s ?p \"it's \\\" SERVICE <http://x/> {}\" }",
    "PREFIX ex: <http://example.org/> SELECT * WHERE { ?s ex:o.SERVICE ?o }",
]

#: Queries that really use SERVICE, however they spell it.
FEDERATED = [
    f"SELECT * WHERE {{ SERVICE <{EP}> {{ ?s ?p ?o }} }}",
    f"select * where {{ service <{EP}> {{ ?s ?p ?o }} }}",
    f"SELECT * WHERE {{ ?a ?b ?c .SERVICE <{EP}> {{ ?s ?p ?o }} }}",
    f"SELECT * WHERE {{ ?a ?b 1.SERVICE <{EP}> {{ ?s ?p ?o }} }}",
    f"SELECT * WHERE {{ ?a ?b 'x'SERVICE<{EP}>{{?s ?p ?o}} }}",
    f"SELECT * WHERE {{ SeRvIcE SILENT <{EP}> {{ ?s ?p ?o }} }}",
    "PREFIX w: <http://127.0.0.1:9/> SELECT * WHERE { SERVICE w:sparql { ?s ?p ?o } }",
    "SELECT * WHERE { SERVICE ?endpoint { ?s ?p ?o } VALUES ?endpoint { <http://x/> } }",
    "BASE <http://127.0.0.1:9/> SELECT * WHERE { SERVICE <sparql> { ?s ?p ?o } }",
    f"SELECT * WHERE {{ # comment\n SERVICE <{EP}> {{ ?s ?p ?o }} }}",
    f"SELECT * WHERE {{ FILTER(?a<?b) SERVICE <{EP}> {{ ?s ?p ?o }} }}",
]


def rdflib_sees_service(query: str) -> bool:
    """Whether rdflib's SPARQL parser finds a SERVICE graph pattern."""
    found = []

    def walk(node: object) -> None:
        name = getattr(node, "name", None)
        if name == "ServiceGraphPattern":
            found.append(node)
        if isinstance(node, dict):
            for value in node.values():
                walk(value)
        elif isinstance(node, list | tuple | ParseResults):
            for value in node:
                walk(value)

    walk(parseQuery(query))
    return bool(found)


@pytest.mark.parametrize("query", HARMLESS)
def test_service_in_strings_comments_and_names_is_not_refused(query: str) -> None:
    assert not rdflib_sees_service(query)
    check_request(query, allowed=())


@pytest.mark.parametrize("query", FEDERATED)
def test_service_is_refused_however_written(query: str) -> None:
    assert rdflib_sees_service(query)
    with pytest.raises(ForbiddenOperation):
        check_request(query, allowed=())


def test_allow_list_admits_listed_endpoints_only() -> None:
    check_request(FEDERATED[0], allowed=(EP,))
    check_request(FEDERATED[6], allowed=(EP,))  # prefixed name resolves to the same IRI
    check_request(FEDERATED[8], allowed=(EP,))  # relative IRI against BASE
    with pytest.raises(ForbiddenOperation, match="not allowed"):
        check_request(FEDERATED[0], allowed=("http://127.0.0.1:9/other",))
    with pytest.raises(ForbiddenOperation):  # a variable endpoint is never allowed
        check_request(FEDERATED[7], allowed=(EP, "http://x/"))


def test_predeclared_prefixes_resolve_service_names() -> None:
    query = "SELECT * WHERE { SERVICE wdq:sparql { ?s ?p ?o } }"
    check_request(query, allowed=("https://query.wikidata.org/sparql",),
                  prefixes={"wdq": "https://query.wikidata.org/"})


@pytest.mark.parametrize("update", [
    "LOAD <http://127.0.0.1:9/data.ttl>",
    "load silent <http://127.0.0.1:9/data.ttl> INTO GRAPH <urn:g>",
    "INSERT DATA { <urn:a> <urn:b> <urn:c> } ; LOAD <http://127.0.0.1:9/x>",
])
def test_load_is_refused(update: str) -> None:
    parseUpdate(update)  # valid SPARQL Update
    with pytest.raises(ForbiddenOperation, match="LOAD"):
        check_request(update, allowed=(EP,))


def test_load_in_a_literal_is_not_refused() -> None:
    check_request("INSERT DATA { <urn:a> <urn:b> 'LOAD <http://x/>' }", allowed=())


def test_tokens_keep_strings_whole() -> None:
    texts = [t.text for t in tokenize("ASK { ?s ?p '''a ' b''' }")]
    assert texts == ["ASK", "{", "?s", "?p", "'''a ' b'''", "}"]


def test_form_and_update_detection() -> None:
    assert query_form("# CONSTRUCT\nPREFIX a: <http://x/> ASK {}") == "ASK"
    assert query_form("DESCRIBE <http://x/>") == "DESCRIBE"
    assert is_update("WITH <urn:g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }")
    assert not is_update("SELECT ('INSERT' AS ?x) {}")
