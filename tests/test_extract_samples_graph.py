"""The sample reports (and one written here) ingested with the real pipeline: no place
acts in an event.

ckg:Actor and ckg:Place are disjoint; a state named as a party acts through its armed
forces (an actor), so no report graph may put a place of the KB in an actor role.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from pyoxigraph import QueryBoolean, QuerySolutions

from kg.cli import main
from kg.core import iris
from kg.graph.store import open_store
from ontology.namespace import PREFIXES
from tests.conftest import REPO

PREFIX = "".join(f"PREFIX {k}: <{v}>\n" for k, v in PREFIXES.items())
SAMPLES = sorted(p for p in (REPO / "kg" / "samples").iterdir() if p.name != "README.md")

#: A role (any sub-property of ckg:hasActor) whose value the KB graph types as a place.
PLACE_IN_ROLE = f"""
    ASK {{
      GRAPH ?report {{ ?e ?role ?a }}
      FILTER(STRSTARTS(STR(?report), "{iris.GRAPH}report/"))
      GRAPH <{iris.ONTOLOGY_GRAPH}> {{ ?role rdfs:subPropertyOf* ckg:hasActor }}
      GRAPH <{iris.KB_GRAPH}> {{ ?a a ?class }}
      GRAPH <{iris.ONTOLOGY_GRAPH}> {{ ?class rdfs:subClassOf* ckg:Place }}
    }}"""


@pytest.fixture(scope="module")
def samples_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("samples")
    states = folder / "states.txt"  # states named as parties, by name and by adjective
    states.write_text("قصفت تركيا قرية تل رفعت بريف حلب الشمالي يوم الأحد، فيما شنت طائرات "
                      "حربية روسية غارات على بلدة كفرنبل.\n", encoding="utf-8")
    store_dir = folder / "store"
    result = CliRunner().invoke(main, ["ingest", *map(str, SAMPLES), str(states),
                                       "--published", "2023-03-13", "--store", str(store_dir)])
    assert result.exit_code == 0, result.output
    return store_dir


def ask(store_dir: Path, sparql: str) -> bool:
    store = open_store(store_dir)
    try:
        result = store.query(PREFIX + sparql)
        assert isinstance(result, QueryBoolean)
        return bool(result)
    finally:
        store.close()


def test_the_query_finds_a_place_when_one_is_a_party(samples_store: Path) -> None:
    # the same pattern, on a place that is in the KB graph, is found (the query can fail)
    found = ask(samples_store, f"""
        ASK {{
          GRAPH <{iris.KB_GRAPH}> {{ ?a a ?class }}
          GRAPH <{iris.ONTOLOGY_GRAPH}> {{ ?class rdfs:subClassOf* ckg:Place .
                                          ckg:perpetrator rdfs:subPropertyOf* ckg:hasActor }}
        }}""")
    assert found


def test_no_report_puts_a_place_in_a_role(samples_store: Path) -> None:
    assert not ask(samples_store, PLACE_IN_ROLE)


def test_states_act_through_their_forces(samples_store: Path) -> None:
    assert ask(samples_store, f"""
        ASK {{
          GRAPH ?report {{ ?e a ckg:Shelling ; ckg:perpetrator ?turkey }}
          GRAPH <{iris.KB_GRAPH}> {{ ?turkey a ckg:StateForce ;
                                     rdfs:label "Turkish Armed Forces"@en }}
        }}""")


def test_samples_have_actors_in_roles(samples_store: Path) -> None:
    store = open_store(samples_store)
    try:
        result = store.query(PREFIX + """
            SELECT (COUNT(*) AS ?n) WHERE {
              GRAPH ?report { ?e ckg:perpetrator|ckg:target|ckg:participant ?a } }""")
        assert isinstance(result, QuerySolutions)
        assert int(next(iter(result))["n"].value) > 5
    finally:
        store.close()
