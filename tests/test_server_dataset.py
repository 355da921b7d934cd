"""The token reading of :mod:`server.dataset`: patterns outside GRAPH, USING rewriting."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from server.dataset import check_update, loose_triple, names_dataset, with_using
from server.errors import BadRequest
from server.policy import tokenize

WHERE_GROUPS = [
    # (group, first token of a pattern outside GRAPH, or None)
    ("{ GRAPH ?g { ?s ?p ?o } }", None),
    ("{ ?s ?p ?o }", "?s"),
    ("{ GRAPH ?g { ?s ?p ?o } FILTER(?o > 1) BIND(?o AS ?x) VALUES ?v { 1 2 } "
     "VALUES (?a ?b) { (1 2) } }", None),
    ("{ GRAPH ?g { ?s ?p ?o } FILTER regex(?o, 'x') FILTER xsd:boolean(?o) "
     "FILTER <http://www.w3.org/2001/XMLSchema#string>(?o) }", None),
    ("{ GRAPH ?g { ?s ?p ?o } FILTER NOT EXISTS { ?s a ?t } }", "?s"),
    ("{ GRAPH ?g { ?s ?p ?o } FILTER (EXISTS { GRAPH ?h { ?s a ?t } }) }", None),
    ("{ { SELECT ?s (COUNT(?o) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?s "
     "HAVING (?n > 1) ORDER BY DESC(?n) LIMIT 3 } }", None),
    ("{ { SELECT ?s WHERE { ?s ?p ?o } } }", "?s"),
    ("{ GRAPH ?g { { SELECT * WHERE { ?s ?p ?o } } [ a ?x ] } }", None),
    ("{ [ ex:p ?o ] }", "["),
    ("{ GRAPH <urn:g> { ?s ?p ?o } OPTIONAL { ?s ex:q ?z } }", "?s"),
    ("{ { GRAPH ?g { ?s ?p ?o } } UNION { GRAPH ?h { ?s ?p ?o } } MINUS { GRAPH ?h "
     "{ ?s a ?o } } }", None),
    ("{ SERVICE SILENT <urn:x:s> { ?s ?p ?o } }", None),
    ("{ GRAPH ?g { ?s ?p ?o } . ex:a ex:b ex:c }", "ex:a"),
    ("{ 'x' ex:p ?o }", "'x'"),
]


@pytest.mark.parametrize("group,first", WHERE_GROUPS)
def test_loose_triple(group: str, first: str | None) -> None:
    tokens = list(tokenize(group))
    found = loose_triple(tokens, 0, len(tokens))
    assert (found.text if found else None) == first


@pytest.mark.parametrize("group,first", WHERE_GROUPS)
def test_refusal_matches_what_the_engine_would_miss(group: str, first: str | None) -> None:
    # an update with the group as WHERE is refused exactly when a pattern is outside GRAPH;
    # the engine agrees the update is well-formed either way
    text = "PREFIX ex: <urn:ex:> PREFIX xsd: <http://www.w3.org/2001/XMLSchema#> " \
           f"INSERT {{ GRAPH <urn:out> {{ <urn:a> <urn:b> <urn:c> }} }} " \
           f"WHERE {group}"
    ox.Store().update(text.replace("SERVICE SILENT <urn:x:s>", "GRAPH <urn:x:s>"))
    if first is None:
        check_update(text)
    else:
        with pytest.raises(BadRequest) as refused:
            check_update(text)
        assert refused.value.code == "pattern_outside_graph"


@pytest.mark.parametrize("text", [
    "INSERT DATA { <urn:a> <urn:b> <urn:c> }",
    "DELETE DATA { <urn:a> <urn:b> <urn:c> }",
    "CLEAR DEFAULT ; DROP SILENT GRAPH <urn:g>",
    "WITH <urn:g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
    "DELETE { GRAPH ?g { ?s ?p ?o } } USING NAMED <urn:g> WHERE { GRAPH ?g { ?s ?p ?o } }",
    "INSERT { ?s a <urn:T> } WHERE { GRAPH ?g { ?s ?p ?o } }",
    "PREFIX where: <urn:w:> INSERT DATA { where:a where:b 'WHERE { ?s ?p ?o }' }",
])
def test_updates_that_name_their_graphs_pass(text: str) -> None:
    check_update(text)


@pytest.mark.parametrize("text", [
    "DELETE WHERE { ?s ?p ?o }",
    "DELETE { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }",
    "DELETE { ?s ?p ?o } USING <urn:g> WHERE { ?s ?p ?o }",
    "INSERT DATA { <urn:a> <urn:b> <urn:c> } ; INSERT { GRAPH <urn:o> { ?s ?p ?o } } "
    "WHERE { ?s ?p ?o }",
])
def test_updates_that_would_change_nothing_are_refused(text: str) -> None:
    with pytest.raises(BadRequest):
        check_update(text)


def test_with_using_gives_every_matching_operation_the_graphs() -> None:
    store = ox.Store()
    store.update("INSERT DATA { GRAPH <urn:g1> { <urn:a> a <urn:Doc> } "
                 "GRAPH <urn:g2> { <urn:b> a <urn:Doc> } }")
    text = with_using("INSERT { GRAPH <urn:out> { ?s a <urn:Copy> } } WHERE { ?s a <urn:Doc> } ;"
                      " DELETE WHERE { ?s a <urn:Doc> }", ["urn:g1"], [])
    store.update(text)
    copies = {q.subject.value for q in store.quads_for_pattern(None, None, None,
                                                              ox.NamedNode("urn:out"))}
    assert copies == {"urn:a"}
    # the rewritten DELETE WHERE matched in urn:g1 and deleted from the default graph
    assert len(list(store.quads_for_pattern(None, None, None, ox.NamedNode("urn:g1")))) == 1


def test_with_using_refuses_a_text_that_names_graphs() -> None:
    with pytest.raises(BadRequest):
        with_using("WITH <urn:g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }", [], ["urn:h"])
    assert with_using("CLEAR ALL", [], []) == "CLEAR ALL"


def test_names_dataset() -> None:
    assert names_dataset("select * from named <urn:g> { graph ?g { ?s ?p ?o } }")
    assert not names_dataset("SELECT ?from WHERE { ?from <urn:from> 'FROM <urn:g>' }")
