"""The ontology (with its code lists) and the KB live in graphs of their own,
written once and rewritten only when they change."""

from __future__ import annotations

from pyoxigraph import QuerySolutions

from kg.core import iris
from kg.graph.store import open_store
from kg.pipeline.ingest import ensure_static_graphs


def test_static_graphs_are_loaded_once_and_queryable() -> None:
    store = open_store(None)
    assert ensure_static_graphs(store) == [iris.ONTOLOGY_GRAPH, iris.KB_GRAPH]
    counts = (store.count(iris.ONTOLOGY_GRAPH), store.count(iris.KB_GRAPH))
    assert ensure_static_graphs(store) == []
    assert (store.count(iris.ONTOLOGY_GRAPH), store.count(iris.KB_GRAPH)) == counts
    # the ACLED code list and our mapping to it are in the ontology graph
    result = store.query(f"""
        PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
        SELECT ?concept WHERE {{ GRAPH <{iris.ONTOLOGY_GRAPH}> {{
          <https://w3id.org/conflict-kg/ontology#Airstrike> ?match ?concept .
          ?concept skos:inScheme ?scheme .
        }} }}""")
    assert isinstance(result, QuerySolutions)
    assert len(list(result)) >= 1
    # Deir ez-Zor governorate is in the KB graph with its Wikidata link
    assert bool(store.query(f"""ASK {{ GRAPH <{iris.KB_GRAPH}> {{
        ?g <http://www.w3.org/2002/07/owl#sameAs> <http://www.wikidata.org/entity/Q232387>
    }} }}"""))
