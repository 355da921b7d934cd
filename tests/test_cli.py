"""The kg command through click's runner: help, query formats, stats, export, errors."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from pyoxigraph import Literal, NamedNode, Quad

from kg.cli import main
from kg.graph.store import open_store

EX = "https://example.org/"


@pytest.fixture
def filled(store_dir: Path) -> Path:
    store = open_store(store_dir)
    store.replace_graph(EX + "g", [
        Quad(NamedNode(EX + "a"), NamedNode(EX + "name"), Literal("قسد", language="ar")),
        Quad(NamedNode(EX + "b"), NamedNode(EX + "name"), Literal("SDF, \"the\"", language="en")),
    ])
    store.close()
    return store_dir


@pytest.mark.parametrize("command", sorted(main.commands))
def test_every_command_has_help(runner, command: str) -> None:  # type: ignore[no-untyped-def]
    result = runner.invoke(main, [command, "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage: kg " + command in result.output


def test_foundation_commands_exist() -> None:
    import click

    ctx = click.Context(main)
    assert {"ingest", "query", "stats", "serve", "demo", "export", "settings"} <= set(
        main.list_commands(ctx))
    # serve and demo come from the server package through the entry-point group
    assert main.get_command(ctx, "serve").callback.__module__ == "server.cli"


def test_query_table_and_formats(runner, filled: Path) -> None:  # type: ignore[no-untyped-def]
    q = f"SELECT ?s ?n WHERE {{ ?s <{EX}name> ?n }} ORDER BY ?s"
    table = runner.invoke(main, ["query", q, "--store", str(filled)])
    assert table.exit_code == 0, table.output
    assert "قسد" in table.output and "(2 rows)" in table.output

    as_json = runner.invoke(main, ["query", q, "--store", str(filled), "--format", "json"])
    bindings = json.loads(as_json.output)["results"]["bindings"]
    assert [b["n"]["value"] for b in bindings] == ["قسد", 'SDF, "the"']
    assert bindings[0]["n"]["xml:lang"] == "ar"

    as_csv = runner.invoke(main, ["query", q, "--store", str(filled), "--format", "csv"])
    rows = list(csv.reader(io.StringIO(as_csv.output)))
    assert rows[0] == ["s", "n"] and rows[2][1] == 'SDF, "the"'

    tsv = runner.invoke(main, ["query", q, "--store", str(filled), "--format", "tsv"])
    assert tsv.output.splitlines()[0] == "?s\t?n"
    xml = runner.invoke(main, ["query", q, "--store", str(filled), "--format", "xml"])
    assert "<sparql" in xml.output


def test_query_from_file_and_union_switch(runner, filled: Path,  # type: ignore[no-untyped-def]
                                          tmp_path: Path) -> None:
    rq = tmp_path / "q.rq"
    rq.write_text(f"ASK {{ <{EX}a> ?p ?o }}")
    union = runner.invoke(main, ["query", f"@{rq}", "--store", str(filled)])
    assert union.output.strip() == "true"
    plain = runner.invoke(main, ["query", f"@{rq}", "--store", str(filled), "--no-union"])
    assert plain.output.strip() == "false"


def test_query_syntax_error_is_clear(runner, filled: Path) -> None:  # type: ignore[no-untyped-def]
    result = runner.invoke(main, ["query", "SELEKT ?x WHERE {}", "--store", str(filled)])
    assert result.exit_code == 1
    assert "invalid SPARQL" in result.output and "Traceback" not in result.output


def test_export_nquads(runner, filled: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "dump.nq"
    result = runner.invoke(main, ["export", "--format", "nq", "-o", str(out),
                                  "--store", str(filled)])
    assert result.exit_code == 0, result.output
    lines = out.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 2 and all(line.endswith(f"<{EX}g> .") for line in lines)


def test_store_taken_by_another_process_is_reported(runner, filled: Path) -> None:  # type: ignore[no-untyped-def]
    holder = open_store(filled)
    try:
        import subprocess
        import sys

        out = subprocess.run([sys.executable, "-m", "kg.cli", "stats", "--store", str(filled)],
                             capture_output=True, text=True)
        assert out.returncode == 1
        assert "in use by another process" in out.stderr and "Traceback" not in out.stderr
    finally:
        holder.close()


def test_ingest_reports_failures_and_exits_1(runner, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "empty.txt").write_text("")
    (tmp_path / "bin.txt").write_bytes(b"\x00\x01\x02")
    result = runner.invoke(main, ["ingest", str(tmp_path / "empty.txt"), str(tmp_path / "bin.txt"),
                                  str(tmp_path / "missing.txt"),
                                  "--store", str(tmp_path / "store")])
    assert result.exit_code == 1
    assert "failures: 3" in result.output
    assert "empty.txt: empty report" in result.output
    assert "bin.txt: binary file" in result.output
    assert "missing.txt: no such file or folder" in result.output


def test_bad_published_date_is_a_usage_error(runner, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "a.txt").write_text("x")
    result = runner.invoke(main, ["ingest", str(tmp_path / "a.txt"), "--published", "yesterday",
                                  "--store", str(tmp_path / "s")])
    assert result.exit_code == 2 and "not an ISO date" in result.output
