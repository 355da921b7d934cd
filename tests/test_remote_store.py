"""A store on a SPARQL 1.1 server: a real ``oxigraph serve`` (PyPI ``oxigraph``, the same
engine and version as the embedded store) started on a free port for each test.

The store commands run against it and against an embedded store with the same input,
and must agree."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from pyoxigraph import DefaultGraph, Literal, NamedNode, Quad, QueryBoolean, RdfFormat

from kg.cli import main
from kg.graph.remote import RemoteStore, endpoints
from kg.graph.store import StoreError, Triples
from tests.conftest import REPO, free_port, start_oxigraph

EX = "https://example.org/"
SAMPLES = str(REPO / "kg" / "samples")
GENERATED_AT = "<http://www.w3.org/ns/prov#generatedAtTime>"


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    """The query URL of a fresh ``oxigraph serve`` on 127.0.0.1, stopped afterwards."""
    process, url = start_oxigraph(tmp_path / "served")
    yield url
    process.terminate()
    process.wait(timeout=30)


def quad(s: str, p: str, o: str | Literal, g: str | None = None) -> Quad:
    obj = o if isinstance(o, Literal) else NamedNode(EX + o)
    return Quad(NamedNode(EX + s), NamedNode(EX + p), obj,
                NamedNode(EX + g) if g else DefaultGraph())


def test_endpoints_are_found_from_the_query_url() -> None:
    assert endpoints("http://h:7878/query") == (
        "http://h:7878/query", "http://h:7878/update", "http://h:7878/store")


def test_the_store_reads_and_writes_graphs(server: str) -> None:
    store = RemoteStore(server)
    assert len(store) == 0 and store.graphs() == []
    assert store.replace_graph(EX + "g1", [quad("a", "p", "b"), quad("a", "p", "b"),
                                           quad("a", "name", Literal("قسد", language="ar"))]) == 2
    store.replace_graph(EX + "g2", [quad("b", "p", "c")])
    assert store.graphs() == [EX + "g1", EX + "g2"]
    assert store.has_graph(EX + "g1") and not store.has_graph(EX + "nope")
    assert (store.count(EX + "g1"), len(store)) == (2, 3)
    # replacing swaps the content
    assert store.replace_graph(EX + "g1", [quad("a", "p", "z")]) == 1
    assert [str(q.object) for q in store.quads(EX + "g1")] == [f"<{EX}z>"]
    # patterns, in every graph or one
    found = list(store.match(NamedNode(EX + "b")))
    assert found == [quad("b", "p", "c", "g2")]
    assert list(store.match(None, None, NamedNode(EX + "c"), NamedNode(EX + "g1"))) == []
    # queries see the union of the graphs unless asked not to
    rows = list(store.query(f"SELECT ?o WHERE {{ <{EX}a> <{EX}p> ?o }}"))
    assert [r["o"] for r in rows] == [NamedNode(EX + "z")]
    assert list(store.query(f"SELECT ?o WHERE {{ <{EX}a> <{EX}p> ?o }}",
                            union_default_graph=False)) == []
    ask = store.query("ASK { ?s ex:p ex:c }", prefixes={"ex": EX})
    assert isinstance(ask, QueryBoolean) and bool(ask)
    triples = store.query(f"CONSTRUCT {{ ?s <{EX}q> ?o }} WHERE {{ ?s <{EX}p> ?o }}")
    assert isinstance(triples, Triples) and len(list(triples)) == 2
    with pytest.raises(SyntaxError):
        store.query("SELECT nonsense")
    assert store.drop_graph(EX + "g2") and not store.drop_graph(EX + "g2")
    assert len(store) == 1
    store.close()


def test_a_report_is_replaced_by_one_update_request(server: str,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    store = RemoteStore(server)
    sent: list[tuple[str, str]] = []
    original = store._http.request

    def spy(method: str, url: str, **kwargs: object):  # type: ignore[no-untyped-def]
        sent.append((method, url))
        return original(method, url, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(store._http, "request", spy)
    store.replace_graph(EX + "g", [quad("a", "p", "b"), quad("a", "p", "c")])
    assert sent == [("POST", server.replace("/query", "/update"))]


def test_a_read_only_open_refuses_writes(server: str) -> None:
    store = RemoteStore(server, read_only=True)
    with pytest.raises(StoreError, match="read-only"):
        store.replace_graph(EX + "g", [quad("a", "p", "b")])


def test_nobody_answering_is_a_clear_error() -> None:
    with pytest.raises(StoreError, match="does not answer"):
        RemoteStore(f"http://127.0.0.1:{free_port()}/query")


# --------------------------------------------------------------------------- the commands


def invoke(runner, *args: str) -> str:  # type: ignore[no-untyped-def]
    result = runner.invoke(main, list(args), catch_exceptions=False)
    assert result.exit_code in (0, 1), result.output
    return str(result.output)


def export_lines(runner, store: str, tmp_path: Path, name: str) -> list[str]:  # type: ignore[no-untyped-def]
    """The store's export, sorted, without ingestion times and the ontology graph (parsed
    from Turtle with fresh blank nodes on each load)."""
    out = tmp_path / f"{name}.nq"
    invoke(runner, "export", "--store", store, "-o", str(out), "--format", "nq")
    return sorted(line for line in out.read_text(encoding="utf-8").splitlines()
                  if GENERATED_AT not in line and not line.endswith("/graph/ontology> ."))


@pytest.mark.slow
def test_every_store_command_agrees_with_the_embedded_store(runner, server: str,  # type: ignore[no-untyped-def]
                                                             tmp_path: Path) -> None:
    folder = str(tmp_path / "embedded")
    for store in (folder, server):
        output = invoke(runner, "ingest", SAMPLES, "--store", store, "--jobs", "1")
        assert "reports ingested: 7" in output, output
    # the ledger of the server's store skips what is done there too
    assert "reports skipped: 7" in invoke(runner, "ingest", SAMPLES, "--store", server)

    stats = [json.loads(invoke(runner, "stats", "--json", "--store", s)) for s in (folder, server)]
    assert stats[1]["store"] == server
    for item in stats:
        item.pop("store")
        item.pop("size_bytes")
    assert stats[0] == stats[1] and stats[0]["events"] > 5

    question = ("SELECT ?type (COUNT(?e) AS ?n) WHERE { ?e a ?type ; "
                "<https://w3id.org/conflict-kg/ontology#reportedIn> ?r } GROUP BY ?type "
                "ORDER BY ?type")
    answers = [invoke(runner, "query", question, "--store", s, "--format", "csv")
               for s in (folder, server)]
    assert answers[0] == answers[1] and answers[0].count("\n") > 3

    exported = [export_lines(runner, s, tmp_path, str(n)) for n, s in enumerate((folder, server))]
    assert exported[0] == exported[1] and len(exported[0]) > 1000

    checked = [invoke(runner, "validate", "--store", s) for s in (folder, server)]
    assert checked[0] == checked[1]

    reasoned = [re.sub(r"[\d.]+ s\b", "", invoke(runner, "reason", "--store", s))
                for s in (folder, server)]  # the same summary, but for the time taken
    assert reasoned[0] == reasoned[1] and "inferred" in reasoned[0]
    inferred = [export_lines(runner, s, tmp_path, f"r{n}") for n, s in enumerate((folder, server))]
    assert inferred[0] == inferred[1] and len(inferred[0]) > len(exported[0])


def test_import_into_a_server_store(runner, server: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    source = tmp_path / "in.nq"
    source.write_text(f'<{EX}a> <{EX}p> "x" <{EX}g> .\n<{EX}b> <{EX}p> <{EX}c> <{EX}h> .\n',
                      encoding="utf-8")
    output = invoke(runner, "import", str(source), "--store", server)
    assert "imported 2 quads" in output
    store = RemoteStore(server)
    assert store.graphs() == [EX + "g", EX + "h"]
    out = tmp_path / "g.nt"
    store.dump(str(out), RdfFormat.N_TRIPLES, graph=EX + "g")
    assert out.read_text(encoding="utf-8").strip() == f'<{EX}a> <{EX}p> "x" .'
