"""The store wrapper: atomic graph replacement, locking, persistence."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from pyoxigraph import Literal, NamedNode, Quad

from kg.graph.store import StoreError, StoreLockedError, open_store

EX = "https://example.org/"


def quad(s: str, o: str, g: str = "g1") -> Quad:
    return Quad(NamedNode(EX + s), NamedNode(EX + "p"), Literal(o, language="ar"),
                NamedNode(EX + g))


def test_replace_graph_replaces_only_that_graph(store_dir: Path) -> None:
    store = open_store(store_dir)
    store.replace_graph(EX + "g1", [quad("a", "١"), quad("b", "٢")])
    store.replace_graph(EX + "g2", [quad("c", "٣", "g2")])
    assert store.replace_graph(EX + "g1", [quad("d", "٤")]) == 1
    assert store.count(EX + "g1") == 1
    assert store.count(EX + "g2") == 1
    assert store.graphs() == [EX + "g1", EX + "g2"]
    store.close()


def test_data_survives_reopening(store_dir: Path) -> None:
    store = open_store(store_dir)
    store.replace_graph(EX + "g1", [quad("a", "قسد")])
    store.close()
    again = open_store(store_dir)
    [q] = list(again.quads(EX + "g1"))
    assert q.object == Literal("قسد", language="ar")
    again.close()


def test_second_process_gets_a_clear_lock_error(store_dir: Path) -> None:
    store = open_store(store_dir)
    code = ("from kg.graph.store import open_store, StoreLockedError\n"
            f"try:\n    open_store({str(store_dir)!r})\n"
            "except StoreLockedError as e:\n    print('LOCKED', e)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.startswith("LOCKED") and "in use by another process" in out.stdout
    store.close()
    assert issubclass(StoreLockedError, OSError)


def test_read_only_store_refuses_writes(store_dir: Path) -> None:
    open_store(store_dir).close()
    ro = open_store(store_dir, read_only=True)
    with pytest.raises(StoreError, match="read-only"):
        ro.replace_graph(EX + "g", [quad("a", "b")])


def test_union_default_graph_by_default() -> None:
    store = open_store(None)
    store.replace_graph(EX + "g1", [quad("a", "x")])
    ask = f"ASK {{ <{EX}a> ?p ?o }}"
    assert bool(store.query(ask)) is True
    assert bool(store.query(ask, union_default_graph=False)) is False
    assert bool(store.query(ask, default_graph=[EX + "g1"])) is True


def test_load_from_a_path_and_a_stream(tmp_path: Path) -> None:
    from pyoxigraph import RdfFormat

    data = tmp_path / "d.nq"
    data.write_text(f'<{EX}s> <{EX}p> "ق"@ar <{EX}g> .\n', encoding="utf-8")
    store = open_store(None)
    store.load(data, RdfFormat.N_QUADS)
    triples = tmp_path / "d.nt"
    triples.write_text(f'<{EX}s> <{EX}p> "ق"@ar .\n', encoding="utf-8")
    with triples.open("rb") as stream:
        store.load(stream, RdfFormat.N_TRIPLES, graph=EX + "other")
    assert store.graphs() == [EX + "g", EX + "other"]
