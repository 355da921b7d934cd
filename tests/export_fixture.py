"""The store the export tests share: the seed report coded from its gold, with its KB entities.

``tests/data/export_seed.trig`` holds the seed report's graph (built with kg.graph.build from
the gold annotation) and the knowledge-base entities it uses: Arabic and English labels
with language tags, xsd:date / gYearMonth / gYear dates, coordinates, the located-in
chain up to the country, owl:sameAs links to Wikidata and GeoNames.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pyoxigraph import RdfFormat

from kg.graph.store import GraphStore, open_store

FIXTURE = Path(__file__).resolve().parent / "data" / "export_seed.trig"


def load_seed(path: Path) -> GraphStore:
    """Open a new on-disk store at ``path`` holding the fixture."""
    store = open_store(path)
    with FIXTURE.open("rb") as handle:
        store.load(handle, RdfFormat.TRIG)
    return store


@pytest.fixture(scope="module", name="seed_store")
def seed_store_fixture(tmp_path_factory: pytest.TempPathFactory) -> Iterator[GraphStore]:
    """The fixture store, shared by the tests of one module (they only read it).

    Import it into a test module to use it as ``seed_store``.
    """
    store = load_seed(tmp_path_factory.mktemp("seed") / "store")
    yield store
    store.close()
