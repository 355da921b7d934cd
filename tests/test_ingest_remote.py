"""`kg ingest --server` sends reports to a running server that owns the store."""

from __future__ import annotations

from pathlib import Path

import requests

from kg.cli import main
from tests.conftest import REPO, SERVER_TOKEN

SEED = REPO / "kg" / "samples" / "report-ar-000.txt"


def test_ingest_through_the_server(runner, live_server: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "empty.txt").write_text("")
    result = runner.invoke(main, ["ingest", str(SEED), str(tmp_path / "empty.txt"),
                                  "--server", live_server, "--token", SERVER_TOKEN])
    assert result.exit_code == 1, result.output  # the empty file failed, the seed went in
    assert "reports ingested: 1" in result.output
    assert "empty.txt: empty report" in result.output
    ask = ("PREFIX ckg: <https://w3id.org/conflict-kg/ontology#> "
           "ASK { ?e a ckg:Curfew ; ckg:reportedIn ?r }")
    answer = requests.get(live_server + "/sparql", params={"query": ask},
                          headers={"Accept": "application/sparql-results+json"}, timeout=30)
    assert answer.json()["boolean"] is True


def test_wrong_token_is_a_clear_error(runner, live_server: str) -> None:  # type: ignore[no-untyped-def]
    result = runner.invoke(main, ["ingest", str(SEED), "--server", live_server,
                                  "--token", "not-the-token"])
    assert result.exit_code == 1
    assert "refused the reports (401)" in result.output


def test_server_needs_a_token(runner) -> None:  # type: ignore[no-untyped-def]
    result = runner.invoke(main, ["ingest", str(SEED), "--server", "http://127.0.0.1:9"])
    assert result.exit_code == 2 and "write token" in result.output


def test_entities_are_counted_once_over_batches(runner, live_server: str,  # type: ignore[no-untyped-def]
                                               tmp_path: Path, monkeypatch) -> None:
    import kg.pipeline.remote

    monkeypatch.setattr(kg.pipeline.remote, "BATCH", 1)  # one report per request
    text = SEED.read_text(encoding="utf-8")
    for name in ("a", "b"):  # the same entities, in two reports (different texts)
        (tmp_path / f"{name}.txt").write_text(f"{text}\n\n{name}", encoding="utf-8")
    result = runner.invoke(main, ["ingest", str(tmp_path / "a.txt"), str(tmp_path / "b.txt"),
                                  "--server", live_server, "--token", SERVER_TOKEN])
    assert result.exit_code == 0, result.output
    assert "reports ingested: 2" in result.output
    local = runner.invoke(main, ["ingest", str(tmp_path / "a.txt"),
                                 "--store", str(tmp_path / "store")])
    once = next(line for line in local.output.splitlines() if "entities mentioned" in line)
    assert once in result.output  # as many as one report mentions, not twice that
