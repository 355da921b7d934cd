"""kg.exchange.export: RDF formats, round trips through kg.exchange.importer, determinism, errors.

The fixture store holds the seed report coded from its gold annotation (with
kg.graph.build) and the knowledge-base entities it uses: Arabic and English labels with
language tags, xsd:date / gYearMonth / gYear dates, coordinates, owl:sameAs links.
"""

from __future__ import annotations

import datetime as dt
import gzip
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import rdflib
from pyoxigraph import BlankNode, DefaultGraph, Literal, NamedNode, Quad, RdfFormat
from rdflib.compare import isomorphic

from kg.core import iris
from kg.exchange.export import (
    FORMATS,
    ExportError,
    atomic_output,
    context_path,
    export,
    format_for,
    graph_lines,
    jsonld_context,
)
from kg.exchange.importer import import_file
from kg.exchange.selection import Selection
from kg.graph.store import GraphStore, open_store
from tests.export_fixture import load_seed, seed_store_fixture  # noqa: F401 - a fixture

REPO = Path(__file__).resolve().parent.parent
XSD = "http://www.w3.org/2001/XMLSchema#"
CKG = "https://w3id.org/conflict-kg/ontology#"
RDF_FORMATS = [name for name, f in FORMATS.items() if f.rdf_format is not None]
DATASET_FORMATS = [name for name, f in FORMATS.items() if f.kind in ("dataset", "jsonld")]


def nquads(store: GraphStore) -> bytes:
    buffer = io.BytesIO()
    store.dump(buffer, RdfFormat.N_QUADS)
    return buffer.getvalue()


def graphs_of(store: GraphStore) -> dict[str, rdflib.Graph]:
    """Each non-empty graph of the store as an rdflib graph ('' for the default graph)."""
    result = {}
    for name in ["", *store.graphs()]:
        buffer = io.BytesIO()
        store.dump(buffer, RdfFormat.N_TRIPLES, graph=name or DefaultGraph())
        graph = rdflib.Graph()
        graph.parse(data=buffer.getvalue(), format="nt")
        if len(graph):
            result[name] = graph
    return result


def union_of(store: GraphStore) -> rdflib.Graph:
    union = rdflib.Graph()
    for graph in graphs_of(store).values():
        for triple in graph:
            union.add(triple)
    return union


def assert_same_dataset(a: GraphStore, b: GraphStore) -> None:
    left, right = graphs_of(a), graphs_of(b)
    assert sorted(left) == sorted(right)
    for name in left:
        assert isomorphic(left[name], right[name]), name


# --------------------------------------------------------------------------- round trips


@pytest.mark.parametrize("compressed", [False, True])
@pytest.mark.parametrize("fmt", DATASET_FORMATS)
def test_dataset_formats_round_trip_isomorphic(seed_store: GraphStore, tmp_path: Path,
                                               fmt: str, compressed: bool) -> None:
    out = tmp_path / f"export{FORMATS[fmt].extension}{'.gz' if compressed else ''}"
    result = export(seed_store, out, fmt=fmt)
    assert result.items == len(seed_store)
    if compressed:
        assert out.read_bytes()[:2] == b"\x1f\x8b"
    fresh = open_store(tmp_path / "fresh")
    imported = import_file(fresh, out)
    assert imported.quads == len(seed_store)
    assert imported.graphs == seed_store.graphs()
    assert_same_dataset(seed_store, fresh)


@pytest.mark.parametrize("fmt", ["nt", "ttl", "rdfxml"])
def test_triple_formats_round_trip_one_graph_and_the_union(seed_store: GraphStore,
                                                           tmp_path: Path, fmt: str) -> None:
    report = next(g for g in seed_store.graphs() if "/report/" in g)
    one = tmp_path / f"report{FORMATS[fmt].extension}"
    export(seed_store, one, fmt=fmt, selection=Selection(graphs=(report,)))
    fresh = open_store(tmp_path / "fresh")
    import_file(fresh, one, graph=report)
    assert fresh.graphs() == [report]
    assert isomorphic(graphs_of(fresh)[report], graphs_of(seed_store)[report])

    whole = tmp_path / f"all{FORMATS[fmt].extension}.gz"
    export(seed_store, whole, fmt=fmt)
    merged = open_store(tmp_path / "merged")
    import_file(merged, whole)
    assert merged.graphs() == []  # a triple format has no graph names
    assert isomorphic(graphs_of(merged)[""], union_of(seed_store))


def test_arabic_language_tags_and_typed_dates_survive_every_format(
        seed_store: GraphStore, tmp_path: Path) -> None:
    wanted = [
        Literal("البصيرة", language="ar"),
        Literal("al-Busayrah", language="en"),
        Literal("2021-12-13", datatype=NamedNode(XSD + "date")),
        Literal("2021-12", datatype=NamedNode(XSD + "gYearMonth")),
        Literal("2019", datatype=NamedNode(XSD + "gYear")),
        Literal("عملية ردع الإرهاب", language="ar"),
    ]
    for literal in wanted:
        assert any(True for _ in seed_store.match(object=literal)), literal
    for fmt in RDF_FORMATS:
        out = tmp_path / f"x{FORMATS[fmt].extension}"
        export(seed_store, out, fmt=fmt)
        fresh = open_store(tmp_path / f"fresh-{fmt}")
        import_file(fresh, out)
        for literal in wanted:
            assert any(True for _ in fresh.match(object=literal)), (fmt, literal)
        fresh.close()


@pytest.mark.parametrize("fmt,rdflib_format", [("nq", "nquads"), ("trig", "trig"),
                                                ("jsonld", "json-ld")])
def test_other_tools_read_the_exports(seed_store: GraphStore, tmp_path: Path, fmt: str,
                                      rdflib_format: str) -> None:
    out = tmp_path / f"x{FORMATS[fmt].extension}"
    export(seed_store, out, fmt=fmt)
    dataset = rdflib.Dataset()
    dataset.parse(out, format=rdflib_format)
    parsed = {str(g.identifier): g for g in dataset.graphs() if len(g)}
    expected = graphs_of(seed_store)
    assert sorted(parsed) == sorted(expected)
    for name, graph in expected.items():
        assert isomorphic(parsed[name], graph), name


@pytest.mark.parametrize("fmt,rdflib_format", [("ttl", "turtle"), ("rdfxml", "xml"),
                                                ("nt", "nt")])
def test_other_tools_read_triple_exports(seed_store: GraphStore, tmp_path: Path, fmt: str,
                                         rdflib_format: str) -> None:
    out = tmp_path / f"x{FORMATS[fmt].extension}"
    export(seed_store, out, fmt=fmt)
    graph = rdflib.Graph()
    graph.parse(out, format=rdflib_format)
    assert isomorphic(graph, union_of(seed_store))


def test_jsonld_is_compacted_with_the_published_context(seed_store: GraphStore,
                                                        tmp_path: Path) -> None:
    out = tmp_path / "x.jsonld"
    export(seed_store, out, fmt="jsonld")
    document = json.loads(out.read_text(encoding="utf-8"))
    published = json.loads(context_path().read_text(encoding="utf-8"))
    assert document["@context"] == published["@context"] == jsonld_context()["@context"]
    report = next(g for g in document["@graph"] if "/graph/report/" in g["@id"])
    events = [n for n in report["@graph"] if "ckg:Raid" in n.get("@type", [])]
    assert len(events) == 2
    assert {"@value": "2021-12-13", "@type": "xsd:date"} in [
        v for e in events for v in e["ckg:date"]]


# --------------------------------------------------------------------------- determinism


def test_same_store_same_bytes_in_every_format(seed_store: GraphStore, tmp_path: Path) -> None:
    for fmt in FORMATS:
        first, second = tmp_path / f"a-{fmt}.gz", tmp_path / f"b-{fmt}.gz"
        export(seed_store, first, fmt=fmt)
        export(seed_store, second, fmt=fmt)
        assert first.read_bytes() == second.read_bytes(), fmt


def test_same_content_loaded_in_another_order_gives_the_same_bytes(
        seed_store: GraphStore, tmp_path: Path) -> None:
    other = open_store(tmp_path / "reversed")
    other.extend(reversed(list(seed_store.quads())))
    for fmt in ("nq", "trig", "jsonld"):
        a, b = io.BytesIO(), io.BytesIO()
        from kg.exchange.export import write_rdf

        write_rdf(a, seed_store, FORMATS[fmt])
        write_rdf(b, other, FORMATS[fmt])
        assert a.getvalue() == b.getvalue(), fmt


def test_output_is_identical_across_processes(tmp_path: Path) -> None:
    """Prefix order and hashing must not depend on the process (e.g. hash seeds)."""
    store_dir = tmp_path / "store"
    load_seed(store_dir).close()
    here, there = tmp_path / "here.ttl", tmp_path / "there.ttl"
    with open_store(store_dir) as store:
        export(store, here)
    script = ("import sys; from kg.exchange.export import export; "
              "from kg.graph.store import open_store; "
              "export(open_store(sys.argv[1]), sys.argv[2])")
    env = {"PYTHONHASHSEED": "12345", "PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin"}
    done = subprocess.run([sys.executable, "-c", script, str(store_dir), str(there)],
                          capture_output=True, text=True, env=env, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert here.read_bytes() == there.read_bytes()
    prefixes = [line for line in here.read_bytes().splitlines() if line.startswith(b"@prefix")]
    assert prefixes == sorted(prefixes) and prefixes


def test_gzip_output_has_no_timestamp(seed_store: GraphStore, tmp_path: Path) -> None:
    out = tmp_path / "x.nq.gz"
    export(seed_store, out)
    header = out.read_bytes()[:10]
    assert header[4:8] == b"\x00\x00\x00\x00"  # MTIME
    assert gzip.decompress(out.read_bytes()).count(b"\n") == len(seed_store)


def test_blank_nodes_are_named_from_their_content(tmp_path: Path) -> None:
    def build(path: Path) -> GraphStore:
        store = open_store(path)
        graph = NamedNode(iris.report_graph("bn"))
        event = NamedNode(iris.event_iri("bn", "raid-1"))
        quads = []
        for status, count in (("Killed", "5"), ("Arrested", "3")):
            node = BlankNode()  # a fresh random identifier in each store
            quads += [Quad(event, NamedNode(CKG + "casualty"), node, graph),
                      Quad(node, NamedNode(CKG + "casualtyStatus"), NamedNode(CKG + status),
                           graph),
                      Quad(node, NamedNode(CKG + "count"),
                           Literal(count, datatype=NamedNode(XSD + "nonNegativeInteger")),
                           graph)]
        store.extend(quads)
        return store

    one, two = build(tmp_path / "one"), build(tmp_path / "two")
    assert nquads(one) != nquads(two)  # the stores' own labels differ
    graph = iris.report_graph("bn")
    assert graph_lines(one, graph) == graph_lines(two, graph)
    out = tmp_path / "bn.nq"
    export(one, out)
    fresh = open_store(tmp_path / "fresh")
    import_file(fresh, out)
    assert_same_dataset(one, fresh)


def test_default_graph_is_exported_first(tmp_path: Path) -> None:
    store = open_store(tmp_path / "s")
    s, p = NamedNode("https://example.org/s"), NamedNode("https://example.org/p")
    store.extend([Quad(s, p, Literal("in default")),
                  Quad(s, p, Literal("in named"), NamedNode("https://example.org/g"))])
    out = tmp_path / "x.nq"
    export(store, out)
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines == ['<https://example.org/s> <https://example.org/p> "in default" .',
                     '<https://example.org/s> <https://example.org/p> "in named" '
                     '<https://example.org/g> .']


# --------------------------------------------------------------------------- filters


def test_filters_choose_report_graphs(seed_store: GraphStore, tmp_path: Path) -> None:
    report = next(g for g in seed_store.graphs() if "/report/" in g)
    key = report.rsplit("/", 1)[-1]
    cases = {
        Selection(reports=(key,)): [report],
        Selection(types=("Curfew",)): [report],
        Selection(types=("Curfew",), include_kb=True): [iris.KB_GRAPH, report],
        Selection(places=("محافظة دير الزور",)): [report],
        Selection(places=("Deir ez-Zor Governorate",), since=dt.date(2021, 12, 13)): [report],
        Selection(graphs=(iris.KB_GRAPH,)): [iris.KB_GRAPH],
    }
    for selection, graphs in cases.items():
        result = export(seed_store, tmp_path / "x.nq", selection=selection)
        assert result.graphs == graphs, selection


@pytest.mark.parametrize("selection", [
    Selection(types=("Airstrike",)),
    Selection(places=("حلب",)),
    Selection(since=dt.date(2022, 1, 1)),
    Selection(reports=("0000000000000000",)),
    Selection(sources=("Reuters",)),
])
def test_filters_matching_nothing_fail_without_writing(seed_store: GraphStore, tmp_path: Path,
                                                       selection: Selection) -> None:
    out = tmp_path / "nothing.nq"
    with pytest.raises(ExportError, match="nothing matches"):
        export(seed_store, out, selection=selection)
    assert list(tmp_path.iterdir()) == []


# --------------------------------------------------------------------------- errors


def test_unknown_format_and_unwritable_paths(seed_store: GraphStore, tmp_path: Path) -> None:
    with pytest.raises(ExportError, match="unknown export format 'xlsx'"):
        export(seed_store, tmp_path / "x.xlsx", fmt="xlsx")
    with pytest.raises(ExportError, match="cannot tell the format"):
        export(seed_store, tmp_path / "x.docx")
    with pytest.raises(ExportError, match="does not exist"):
        export(seed_store, tmp_path / "missing" / "x.nq")
    with pytest.raises(ExportError, match="is a folder"):
        export(seed_store, tmp_path, fmt="nq")
    if os.geteuid() != 0:  # root ignores folder permissions
        locked = tmp_path / "locked"
        locked.mkdir()
        locked.chmod(0o500)
        try:
            with pytest.raises(ExportError, match="cannot write"):
                export(seed_store, locked / "x.nq")
        finally:
            locked.chmod(0o700)


def test_failed_export_leaves_no_partial_file(tmp_path: Path) -> None:
    target = tmp_path / "out.nq"
    target.write_bytes(b"previous export\n")
    with pytest.raises(RuntimeError), atomic_output(target) as out:
        out.write(b"half of it")
        raise RuntimeError("disk full")
    assert target.read_bytes() == b"previous export\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.nq"]


def test_format_is_guessed_from_the_name() -> None:
    assert format_for(None, "a.nq.gz").name == "nq"
    assert format_for(None, "a.trig").name == "trig"
    assert format_for(None, "a.rdf").name == "rdfxml"
    assert format_for(None, "a.geojson").name == "geojson"
    assert format_for(None, None).name == "nq"
    assert format_for("TTL", "a.nq").name == "ttl"


def test_empty_store_is_refused(tmp_path: Path) -> None:
    store = open_store(tmp_path / "empty")
    with pytest.raises(ExportError, match="empty"):
        export(store, tmp_path / "x.nq")
    assert not (tmp_path / "x.nq").exists()


def test_source_filter_matches_publisher_name_or_url_host(tmp_path: Path) -> None:
    store = open_store(tmp_path / "s")
    schema, rdfs = "https://schema.org/", "http://www.w3.org/2000/01/rdf-schema#"
    quads = []
    for key, outlet, url in (("a1", "عنب بلدي", "https://www.enabbaladi.net/x"),
                             ("b2", "Rudaw", "https://www.rudaw.net/y")):
        graph = NamedNode(iris.report_graph(key))
        report = NamedNode(iris.report_iri(key))
        publisher = NamedNode(iris.entity_iri("actor", f"outlet-{key}"))
        quads += [
            Quad(report, NamedNode(rdflib.RDF.type), NamedNode(CKG + "Report"), graph),
            Quad(report, NamedNode(schema + "publisher"), publisher, graph),
            Quad(publisher, NamedNode(rdfs + "label"), Literal(outlet, language="ar"), graph),
            Quad(report, NamedNode(schema + "url"),
                 Literal(url, datatype=NamedNode(XSD + "anyURI")), graph),
        ]
    store.extend(quads)
    by_name = export(store, tmp_path / "x.nq", selection=Selection(sources=("عنب بلدي",)))
    assert by_name.graphs == [iris.report_graph("a1")]
    by_host = export(store, tmp_path / "x.nq", selection=Selection(sources=("rudaw.net",)))
    assert by_host.graphs == [iris.report_graph("b2")]
    both = export(store, tmp_path / "x.nq", selection=Selection(sources=("RUDAW", "عنب بلدي")))
    assert both.graphs == sorted([iris.report_graph("a1"), iris.report_graph("b2")])
