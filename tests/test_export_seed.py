"""The founding report through the real pipeline (`kg ingest`), then exported.

The ACLED-style CSV must have the rows a coder would write for the seed, and the
whole store (report, knowledge base and ontology graphs) must survive an export and
import in each dataset format.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

import pytest
import rdflib
from click.testing import CliRunner
from pyoxigraph import DefaultGraph, RdfFormat
from rdflib.compare import isomorphic

from kg.cli import main
from kg.exchange.export import export
from kg.exchange.importer import import_file
from kg.graph.store import GraphStore, open_store
from tests.test_export_tabular import EXPECTED

SEED = Path(__file__).resolve().parent.parent / "kg" / "samples" / "report-ar-000.txt"


@pytest.fixture(scope="module")
def ingested(tmp_path_factory: pytest.TempPathFactory) -> Iterator[GraphStore]:
    if not SEED.is_file():
        pytest.skip("the seed sample is not bundled")
    store_dir = tmp_path_factory.mktemp("seed") / "store"
    result = CliRunner().invoke(main, ["ingest", str(SEED), "--store", str(store_dir)])
    assert result.exit_code == 0, result.output
    store = open_store(store_dir)
    yield store
    store.close()


def test_acled_csv_of_the_ingested_seed(ingested: GraphStore, tmp_path: Path) -> None:
    out = tmp_path / "seed.csv"
    export(ingested, out, fmt="acled")
    with out.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    got = sorted((r["event_date"], r["event_type"], r["sub_event_type"], r["actor1"],
                  r["assoc_actor_1"], r["actor2"], r["fatalities"], r["conflict_kg_type"])
                 for r in rows)
    assert got == EXPECTED
    assert {(r["admin1"], r["location"]) for r in rows} == {
        ("Deir ez-Zor Governorate", "al-Busayrah")}


def _lines(store: GraphStore, name: str) -> bytes:
    buffer = io.BytesIO()
    store.dump(buffer, RdfFormat.N_TRIPLES, graph=name or DefaultGraph())
    return buffer.getvalue()


def _same(a: bytes, b: bytes) -> bool:
    """Same graph: equal triples, or isomorphic when blank nodes are involved."""
    if b"_:" not in a and b"_:" not in b:
        return set(a.splitlines()) == set(b.splitlines())
    left, right = rdflib.Graph(), rdflib.Graph()
    left.parse(data=a, format="nt")
    right.parse(data=b, format="nt")
    return isomorphic(left, right)


@pytest.mark.parametrize("name", ["seed.nq.gz", "seed.jsonld"])
def test_whole_ingested_store_round_trips(ingested: GraphStore, tmp_path: Path,
                                          name: str) -> None:
    out = tmp_path / name
    export(ingested, out)
    fresh = open_store(tmp_path / "fresh")
    import_file(fresh, out)
    assert len(fresh) == len(ingested)
    assert fresh.graphs() == ingested.graphs()
    for graph in ingested.graphs():
        assert _same(_lines(ingested, graph), _lines(fresh, graph)), graph
