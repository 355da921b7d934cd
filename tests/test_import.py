"""kg.exchange.importer and the `kg import` / `kg export` commands: moving graphs between stores."""

from __future__ import annotations

import gzip
import io
from pathlib import Path

import pytest
import rdflib
from click.testing import CliRunner
from pyoxigraph import DefaultGraph, Literal, NamedNode, Quad, RdfFormat
from rdflib.compare import isomorphic

from kg.cli import main
from kg.exchange.importer import ImportFileError, import_file
from kg.graph.store import GraphStore, open_store

FIXTURE = Path(__file__).resolve().parent / "data" / "export_seed.trig"
EX = "https://example.org/"


def as_rdflib(store: GraphStore, graph: str | None) -> rdflib.Graph:
    buffer = io.BytesIO()
    store.dump(buffer, RdfFormat.N_TRIPLES, graph=graph if graph else DefaultGraph())
    result = rdflib.Graph()
    result.parse(data=buffer.getvalue(), format="nt")
    return result


def q(s: str, o: str, g: str | None = None) -> Quad:
    return Quad(NamedNode(EX + s), NamedNode(EX + "p"), Literal(o),
                NamedNode(EX + g) if g else DefaultGraph())


def test_import_trig_with_arabic(tmp_path: Path) -> None:
    store = open_store(tmp_path / "s")
    result = import_file(store, FIXTURE)
    assert result.format == "trig" and result.quads == len(store) == 529
    assert len(result.graphs) == 2 and result.replaced == []
    assert any(True for _ in store.match(object=Literal("البصيرة", language="ar")))


def test_named_graphs_in_the_file_replace_the_stores(tmp_path: Path) -> None:
    store = open_store(tmp_path / "s")
    store.extend([q("a", "old", "g1"), q("b", "kept", "g2")])
    data = tmp_path / "new.nq"
    data.write_text(f'<{EX}a> <{EX}p> "new" <{EX}g1> .\n', encoding="utf-8")
    result = import_file(store, data)
    assert result.replaced == [EX + "g1"]
    assert {x.object.value for x in store.quads(EX + "g1")} == {"new"}
    assert {x.object.value for x in store.quads(EX + "g2")} == {"kept"}
    import_file(store, data, replace=False)
    store.extend([q("a", "extra", "g1")])
    again = tmp_path / "again.nq"
    again.write_text(f'<{EX}a> <{EX}p> "more" <{EX}g1> .\n', encoding="utf-8")
    import_file(store, again, replace=False)
    assert {x.object.value for x in store.quads(EX + "g1")} == {"new", "extra", "more"}


def test_triples_go_to_the_graph_asked_for(tmp_path: Path) -> None:
    store = open_store(tmp_path / "s")
    ttl = tmp_path / "x.ttl.gz"
    ttl.write_bytes(gzip.compress(f'<{EX}a> <{EX}p> "قسد"@ar .\n'.encode()))
    import_file(store, ttl, graph=EX + "g")
    assert store.graphs() == [EX + "g"]
    import_file(store, ttl)
    assert {x.graph_name for x in store.match(graph=DefaultGraph())} == {DefaultGraph()}


def test_bad_files_change_nothing(tmp_path: Path) -> None:
    store = open_store(tmp_path / "s")
    store.extend([q("a", "before", "g1")])
    broken = tmp_path / "broken.nq"
    broken.write_text(f'<{EX}a> <{EX}p> "new" <{EX}g1> .\n'
                      f'<{EX}b> <{EX}p> "unterminated <{EX}g1> .\n', encoding="utf-8")
    with pytest.raises(ImportFileError, match="not valid nq"):
        import_file(store, broken)
    assert {x.object.value for x in store.quads(EX + "g1")} == {"before"}
    with pytest.raises(ImportFileError, match="no such file"):
        import_file(store, tmp_path / "missing.nq")
    (tmp_path / "table.csv").write_text("a,b\n")
    with pytest.raises(ImportFileError, match="not an RDF format"):
        import_file(store, tmp_path / "table.csv")
    (tmp_path / "mystery.dat").write_text("?")
    with pytest.raises(ImportFileError, match="give --format"):
        import_file(store, tmp_path / "mystery.dat")
    (tmp_path / "fake.nq.gz").write_bytes(b"not gzip at all")
    with pytest.raises(ImportFileError, match="cannot read"):
        import_file(store, tmp_path / "fake.nq.gz")
    assert len(store) == 1


def test_an_empty_store_is_bulk_loaded_and_left_empty_by_a_bad_file(tmp_path: Path) -> None:
    store = open_store(tmp_path / "s")
    broken = tmp_path / "broken.nq"
    broken.write_text(f'<{EX}a> <{EX}p> "new" <{EX}g1> .\n' * 3
                      + f'<{EX}b> <{EX}p> "unterminated <{EX}g1> .\n', encoding="utf-8")
    with pytest.raises(ImportFileError, match="not valid nq"):
        import_file(store, broken)
    assert store.is_empty()
    (tmp_path / "fake.nq.gz").write_bytes(b"not gzip at all")
    with pytest.raises(ImportFileError, match="cannot read"):
        import_file(store, tmp_path / "fake.nq.gz")
    assert store.is_empty()
    good = tmp_path / "good.nq.gz"
    with gzip.open(good, "wt", encoding="utf-8") as out:
        out.write(f'<{EX}a> <{EX}p> "x" <{EX}g1> .\n<{EX}a> <{EX}p> "y" <{EX}g2> .\n'
                  f'<{EX}a> <{EX}p> "z" .\n')
    result = import_file(store, good)
    assert (result.quads, result.graphs) == (3, [EX + "g1", EX + "g2"])
    triples = tmp_path / "t.nt"
    triples.write_text(f'<{EX}b> <{EX}p> "w" .\n', encoding="utf-8")
    fresh = open_store(tmp_path / "s2")
    import_file(fresh, triples, graph=EX + "g3")
    assert [x.object.value for x in fresh.quads(EX + "g3")] == ["w"]


def test_blank_nodes_do_not_merge_with_the_stores(tmp_path: Path) -> None:
    store = open_store(tmp_path / "s")
    data = tmp_path / "b.nt"
    data.write_text(f'_:x <{EX}p> "one" .\n', encoding="utf-8")
    import_file(store, data, graph=EX + "g1")
    import_file(store, data, graph=EX + "g2")
    subjects = {x.subject for x in store.match()}
    assert len(subjects) == 2


def test_cli_export_then_import_moves_a_report(tmp_path: Path) -> None:
    runner = CliRunner()
    source, target = tmp_path / "source", tmp_path / "target"
    loaded = runner.invoke(main, ["import", str(FIXTURE), "--store", str(source)])
    assert loaded.exit_code == 0, loaded.output
    assert "imported 529 quads" in loaded.output
    with open_store(source) as store:
        report = next(g for g in store.graphs() if "/report/" in g)
    key = report.rsplit("/", 1)[-1]
    out = tmp_path / "report.trig.gz"
    exported = runner.invoke(main, ["export", "--report", key, "--with-kb", "-o", str(out),
                                    "--store", str(source)])
    assert exported.exit_code == 0, exported.output
    moved = runner.invoke(main, ["import", str(out), "--store", str(target)])
    assert moved.exit_code == 0, moved.output
    with open_store(source) as a, open_store(target) as b:
        assert a.graphs() == b.graphs()
        for graph in a.graphs():
            assert isomorphic(as_rdflib(a, graph), as_rdflib(b, graph))


def test_cli_errors_are_clear(tmp_path: Path) -> None:
    runner = CliRunner()
    store = tmp_path / "store"
    runner.invoke(main, ["import", str(FIXTURE), "--store", str(store)])
    cases = [
        (["export", "--format", "xlsx"], "unknown export format 'xlsx'"),
        (["export", "--type", "Bombing"], "unknown event type Bombing"),
        (["export", "--place", "Mosul", "-o", str(tmp_path / "x.nq")], "nothing matches"),
        (["export", "-o", str(tmp_path / "no" / "x.nq")], "does not exist"),
        (["export", "--since", "13/12/2021"], "Invalid value for '--since'"),
        (["import", str(tmp_path / "missing.ttl")], "no such file"),
    ]
    for args, message in cases:
        result = runner.invoke(main, [*args, "--store", str(store)])
        assert result.exit_code != 0, args
        assert message in result.output, (args, result.output)
        assert "Traceback" not in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["store"]


def test_cli_dataset_package(tmp_path: Path) -> None:
    runner = CliRunner()
    store = tmp_path / "store"
    runner.invoke(main, ["import", str(FIXTURE), "--store", str(store)])
    result = runner.invoke(main, ["export", "--dataset", str(tmp_path / "pkg"), "--title",
                                  "Busayra", "--store", str(store)])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "pkg" / "void.ttl").is_file()
    assert (tmp_path / "pkg" / "README.md").read_text(encoding="utf-8").startswith("# Busayra")
    # the package folder itself can be imported elsewhere
    again = runner.invoke(main, ["import", str(tmp_path / "pkg"), "--store",
                                 str(tmp_path / "copy")])
    assert again.exit_code == 0, again.output
    assert "imported 529 quads" in again.output
    not_a_package = runner.invoke(main, ["import", str(tmp_path / "copy"), "--store",
                                         str(tmp_path / "other")])
    assert not_a_package.exit_code == 1
    assert "not a dataset package" in not_a_package.output
