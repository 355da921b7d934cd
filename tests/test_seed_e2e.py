"""The founding report end to end: ingest with the real pipeline, then ask SPARQL."""

from __future__ import annotations

from pathlib import Path

import pytest
from pyoxigraph import QuerySolutions

from kg.cli import main
from kg.graph.store import open_store
from ontology.namespace import PREFIXES
from tests.conftest import REPO

SEED = REPO / "kg" / "samples" / "report-ar-000.txt"
PREFIX = "".join(f"PREFIX {k}: <{v}>\n" for k, v in PREFIXES.items())


def rows(store_dir: Path, sparql: str) -> list[dict[str, str]]:
    store = open_store(store_dir)
    try:
        result = store.query(PREFIX + sparql)
        assert isinstance(result, QuerySolutions)
        names = [v.value for v in result.variables]
        return [{n: r[n].value for n in names if r[n] is not None} for r in result]
    finally:
        store.close()


@pytest.fixture(scope="module")
def seed_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from click.testing import CliRunner

    store_dir = tmp_path_factory.mktemp("seed") / "store"
    result = CliRunner().invoke(main, ["ingest", str(SEED), "--store", str(store_dir)])
    assert result.exit_code == 0, result.output
    assert "reports ingested: 1" in result.output
    return store_dir


def test_the_raid_near_al_busayrah(seed_store: Path) -> None:
    found = rows(seed_store, """
        SELECT DISTINCT ?e ?date ?prec WHERE {
          ?e a ckg:Raid ; ckg:isBackground false ; ckg:date ?date ; ckg:timePrecision ?prec ;
             ckg:place ?place ;
             ckg:perpetrator ?sdf ; ckg:supporter ?coalition ; ckg:target ?isis ;
             ckg:casualty [ ckg:casualtyStatus ckg:Killed ; ckg:count ?n ; ckg:affiliation ?isis ] .
          FILTER(?n = 5)
          ?sdf rdfs:label "Syrian Democratic Forces"@en .
          ?isis owl:sameAs wd:Q2429253 .
          ?coalition rdfs:label|skos:altLabel ?cl .
          FILTER(CONTAINS(LCASE(STR(?cl)), "coalition") || CONTAINS(STR(?cl), "التحالف"))
          ?place ckg:locatedIn+ ?gov . ?gov owl:sameAs wd:Q232387 .
          ?place rdfs:label ?pl . FILTER(CONTAINS(STR(?pl), "البصيرة"))
        }""")
    assert len(found) == 1, found
    assert found[0]["date"] == "2021-12-13"
    assert found[0]["prec"].endswith("#DayPrecision")


def test_the_raid_comes_from_the_report_with_provenance(seed_store: Path) -> None:
    found = rows(seed_store, """
        SELECT ?g ?hash ?version WHERE {
          GRAPH ?g { ?e a ckg:Raid ; ckg:reportedIn ?r .
                     ?r ckg:textHash ?hash ; prov:wasGeneratedBy/ckg:extractorVersion ?version }
        }""")
    assert found and all(r["g"].startswith("https://w3id.org/conflict-kg/graph/report/")
                         for r in found)
    assert len({r["g"] for r in found}) == 1


def test_reingesting_leaves_the_same_quad_count(seed_store: Path) -> None:
    from click.testing import CliRunner

    store = open_store(seed_store)
    before = len(store)
    store.close()
    # the ledger has the report as done: it is skipped, not extracted again
    result = CliRunner().invoke(main, ["ingest", str(SEED), "--store", str(seed_store)])
    assert result.exit_code == 0, result.output
    assert "reports skipped: 1" in result.output and "reports ingested: 0" in result.output
    # --force re-does it, replacing its graph by the same quads
    result = CliRunner().invoke(main, ["ingest", str(SEED), "--store", str(seed_store),
                                       "--force"])
    assert result.exit_code == 0, result.output
    assert "(1 replaced)" in result.output and "net change +0" in result.output
    store = open_store(seed_store)
    assert len(store) == before
    store.close()


def test_stats_count_the_seed(seed_store: Path) -> None:
    from click.testing import CliRunner

    result = CliRunner().invoke(main, ["stats", "--json", "--store", str(seed_store)])
    assert result.exit_code == 0, result.output
    import json

    data = json.loads(result.output)
    assert data["reports"] == 1
    assert data["events_by_type"]["Raid"] >= 1 and data["events_by_type"]["Curfew"] >= 1
    assert data["actors"] >= 3 and data["places"] >= 1 and data["quads"] > 0


def test_seed_passes_the_shapes_when_validated_on_ingest(tmp_path: Path) -> None:
    from click.testing import CliRunner

    result = CliRunner().invoke(main, ["ingest", str(SEED), "--validate",
                                       "--store", str(tmp_path / "store")])
    assert result.exit_code == 0, result.output
    assert "reports ingested: 1" in result.output
