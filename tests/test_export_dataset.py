"""kg export --dataset: the package validates and its VoID/DCAT counts match the store."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
import rdflib
from rdflib.namespace import DCAT, DCTERMS, OWL, RDF, VOID, XSD

from kg.core import iris
from kg.exchange.export import ExportError, export_dataset
from kg.exchange.importer import import_file
from kg.exchange.selection import Selection
from kg.graph.describe import DEFAULT_DATASET, SD, SPDX, describe
from kg.graph.store import GraphStore, open_store
from tests.export_fixture import seed_store_fixture  # noqa: F401 - a fixture

CKG = rdflib.Namespace("https://w3id.org/conflict-kg/ontology#")


@pytest.fixture(scope="module")
def package(seed_store: GraphStore, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("pkg") / "conflict-kg-seed"
    export_dataset(seed_store, folder, issued="2021-12-15", title="Seed dataset",
                   publisher="Test Lab")
    return folder


def void_of(folder: Path) -> rdflib.Graph:
    graph = rdflib.Graph()
    graph.parse(folder / "void.ttl", format="turtle", publicID=(folder / "void.ttl").as_uri())
    return graph


def test_package_has_the_files(package: Path) -> None:
    files = sorted(str(p.relative_to(package)) for p in package.rglob("*") if p.is_file())
    assert files == ["README.md", "SHA256SUMS", "data/conflict-kg.nq.gz", "data/events.csv",
                     "data/events.geojson", "ontology/conflict.ttl",
                     "ontology/context.jsonld", "void.ttl"]
    assert not list(package.parent.glob(".*part"))  # no temporary folder left


def test_checksums_match(package: Path) -> None:
    lines = (package / "SHA256SUMS").read_text(encoding="utf-8").splitlines()
    assert len(lines) == 7
    for line in lines:
        digest, name = line.split("  ", 1)
        assert hashlib.sha256((package / name).read_bytes()).hexdigest() == digest, name


def test_void_counts_match_the_store(package: Path, seed_store: GraphStore) -> None:
    void = void_of(package)
    ds = DEFAULT_DATASET
    assert (ds, RDF.type, DCAT.Dataset) in void and (ds, RDF.type, VOID.Dataset) in void
    assert int(void.value(ds, VOID.triples)) == len(seed_store) == 529
    by_graph = {str(void.value(s, SD.name)): int(void.value(s, VOID.triples))
                for s in void.objects(ds, VOID.subset) if void.value(s, SD.name)}
    assert by_graph == {g: seed_store.count(g) for g in seed_store.graphs()}
    properties = [int(void.value(p, VOID.triples))
                  for p in void.objects(ds, VOID.propertyPartition)]
    assert sum(properties) == len(seed_store)
    assert int(void.value(ds, VOID.properties)) == len(properties)
    classes = {void.value(p, VOID["class"]): int(void.value(p, VOID.entities))
               for p in void.objects(ds, VOID.classPartition)}
    assert classes[CKG.Raid] == 2 and classes[CKG.Attack] == 3 and classes[CKG.Report] == 1
    assert int(void.value(ds, VOID.documents)) == 1
    links = {str(void.value(s, VOID.objectsTarget)): int(void.value(s, VOID.triples))
             for s in void.subjects(RDF.type, VOID.Linkset)}
    sameas = [q for q in seed_store.match() if q.predicate.value == str(OWL.sameAs)]
    assert links == {
        "https://www.wikidata.org/": sum("wikidata.org" in q.object.value for q in sameas),
        "https://www.geonames.org/": sum("geonames.org" in q.object.value for q in sameas),
    }
    assert all(n > 0 for n in links.values())


def test_dcat_metadata(package: Path) -> None:
    void = void_of(package)
    ds = DEFAULT_DATASET
    assert str(void.value(ds, DCTERMS.title)) == "Seed dataset"
    assert void.value(ds, DCTERMS.issued) == rdflib.Literal("2021-12-15", datatype=XSD.date)
    assert str(void.value(ds, DCTERMS.license)) == "https://creativecommons.org/licenses/by/4.0/"
    publisher = void.value(ds, DCTERMS.publisher)
    assert str(void.value(publisher, rdflib.URIRef("http://xmlns.com/foaf/0.1/name"))) == \
        "Test Lab"
    ontology = rdflib.URIRef(iris.BASE + "ontology")
    assert str(void.value(ontology, OWL.versionInfo)) == "0.1.0"
    assert (ds, DCTERMS.conformsTo, ontology) in void
    assert (ds, VOID.vocabulary, rdflib.URIRef(str(CKG))) in void
    # every file is a distribution with its real size and checksum
    sizes = {}
    for dist in void.objects(ds, DCAT.distribution):
        url = str(void.value(dist, DCAT.downloadURL))
        checksum = void.value(void.value(dist, SPDX.checksum), SPDX.checksumValue)
        name = url.split("conflict-kg-seed/", 1)[1]
        assert hashlib.sha256((package / name).read_bytes()).hexdigest() == str(checksum)
        sizes[name] = int(void.value(dist, DCAT.byteSize))
    assert sizes["data/conflict-kg.nq.gz"] == (package / "data/conflict-kg.nq.gz").stat().st_size
    dumps = {str(u) for u in void.objects(ds, VOID.dataDump)}
    assert len(dumps) == 1 and dumps.pop().endswith("data/conflict-kg.nq.gz")


def test_package_data_loads_back(package: Path, seed_store: GraphStore,
                                 tmp_path: Path) -> None:
    fresh = open_store(tmp_path / "fresh")
    result = import_file(fresh, package / "data" / "conflict-kg.nq.gz")
    assert result.quads == len(seed_store) == len(fresh)
    readme = (package / "README.md").read_text(encoding="utf-8")
    assert readme.startswith("# Seed dataset")
    assert "Reports: 1; events: 11" in readme and "Raid: 2" in readme
    assert "529 quads in 2 named graphs" in readme


def test_description_is_deterministic(seed_store: GraphStore) -> None:
    one = describe(seed_store, issued="2021-12-15").serialize(format="turtle")
    two = describe(seed_store, issued="2021-12-15").serialize(format="turtle")
    assert one == two


def test_filtered_package_describes_what_it_holds(seed_store: GraphStore,
                                                  tmp_path: Path) -> None:
    folder = tmp_path / "curfews"
    result = export_dataset(seed_store, folder, selection=Selection(types=("Curfew",)),
                            issued="2021-12-15")
    report_graph = next(g for g in seed_store.graphs() if "/report/" in g)
    assert result.quads == seed_store.count(report_graph)
    void = void_of(folder)
    assert int(void.value(DEFAULT_DATASET, VOID.triples)) == result.quads


def test_server_style_description_names_the_endpoint(seed_store: GraphStore) -> None:
    graph = describe(seed_store, base_url="https://kg.example.org/", issued="2021-12-15")
    ds = rdflib.URIRef("https://kg.example.org/void#dataset")
    assert (ds, VOID.sparqlEndpoint, rdflib.URIRef("https://kg.example.org/sparql")) in graph
    assert int(graph.value(ds, VOID.triples)) == len(seed_store)


def test_existing_folder_and_wrong_format_are_refused(seed_store: GraphStore,
                                                      tmp_path: Path) -> None:
    taken = tmp_path / "taken"
    taken.mkdir()
    (taken / "notes.txt").write_text("mine")
    with pytest.raises(ExportError, match="already exists"):
        export_dataset(seed_store, taken)
    assert [p.name for p in taken.iterdir()] == ["notes.txt"]
    with pytest.raises(ExportError, match="keeps graph names"):
        export_dataset(seed_store, tmp_path / "ttl", fmt="ttl")
    with pytest.raises(ExportError, match="nothing matches"):
        export_dataset(seed_store, tmp_path / "none", selection=Selection(types=("Arrest",)))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["taken"]
