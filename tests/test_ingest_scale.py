"""Ingestion at scale: the ledger (skip what is done, redo what changed, resume a killed
batch) and parallel extraction (the same graphs as one process)."""

from __future__ import annotations

import datetime as dt
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from pyoxigraph import Literal
from rdflib import Graph
from rdflib.compare import isomorphic

from kg.core import iris
from kg.core.model import Document, Report
from kg.graph.store import GraphStore, Statements, open_store
from kg.pipeline.ingest import (
    GROUP_REPORTS,
    IngestFailure,
    IngestSummary,
    _Writer,
    ingest,
    ingest_paths,
    read_documents,
)
from kg.pipeline.ledger import LEDGER_FILE, Ledger
from kg.pipeline.pool import WORKER_NICENESS, Extracted, ProcessPool, plan_jobs
from tests.scale_corpus import write_corpus

GENERATED_AT = "<http://www.w3.org/ns/prov#generatedAtTime>"


class Plain:
    """Extractor double: a report with its metadata and no events; counts its calls."""

    calls = 0

    def __call__(self, document: Document) -> Report:
        Plain.calls += 1
        if "BOOM" in document.text:
            raise RuntimeError("extractor crashed on purpose")
        return Report(document=document, lang="ar")


def fixed_clock() -> dt.datetime:
    return dt.datetime(2025, 1, 1, tzinfo=dt.UTC)


def canonical(store: GraphStore, *, stamps: bool = True) -> tuple[list[str], Graph]:
    """The store's quads as sorted N-Quads lines, but the ontology graph, which is parsed
    from Turtle with fresh blank nodes each time: it is returned as a graph to compare
    by isomorphism."""
    lines = sorted(str(q) for g in store.graphs() if g != iris.ONTOLOGY_GRAPH
                   for q in store.quads(g))
    if not stamps:
        lines = [line for line in lines if GENERATED_AT not in line]
    ontology = Graph()
    ontology.parse(data="\n".join(f"{q.subject} {q.predicate} {q.object} ."
                                  for q in store.quads(iris.ONTOLOGY_GRAPH)), format="nt")
    return lines, ontology


def run(store: GraphStore, folder: Path, ledger: Ledger | None, **kwargs: object):  # type: ignore[no-untyped-def]
    return ingest(store, read_documents([folder]), processor=Plain(), ledger=ledger,
                  **kwargs)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- the ledger


def test_a_second_run_skips_what_is_done_and_redoes_what_changed(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for n in range(4):
        (folder / f"{n}.txt").write_text(f"تقرير رقم {n}")
    store = open_store(tmp_path / "store")
    ledger = Ledger(tmp_path / "ledger.sqlite3", version="v1")
    first = run(store, folder, ledger)
    assert (first.reports, first.skipped) == (4, 0) and len(ledger) == 4

    Plain.calls = 0
    again = run(store, folder, ledger)
    assert (again.reports, again.skipped, Plain.calls) == (0, 4, 0)

    (folder / "2.txt").write_text("تقرير رقم 2 معدل")  # changed: a new report
    (folder / "4.txt").write_text("تقرير جديد")          # new
    Plain.calls = 0
    third = run(store, folder, ledger)
    assert (third.reports, third.skipped, Plain.calls) == (2, 3, 2)
    assert len(store.graphs()) == 6

    forced = run(store, folder, ledger, force=True)
    assert (forced.reports, forced.skipped, forced.replaced) == (5, 0, 5)
    store.close()
    ledger.close()


def test_a_changed_report_with_a_url_replaces_its_graph(tmp_path: Path) -> None:
    path = tmp_path / "r.json"
    path.write_text('{"text": "first version", "url": "https://example.org/r"}')
    store = open_store(tmp_path / "store")
    ledger = Ledger(tmp_path / "ledger.sqlite3", version="v1")
    assert run(store, path, ledger).reports == 1
    path.write_text('{"text": "second version", "url": "https://example.org/r"}')
    redone = run(store, path, ledger)
    assert (redone.reports, redone.replaced, redone.skipped) == (1, 1, 0)
    [graph] = store.graphs()
    assert any("second version" in str(q.object) for q in store.quads(graph))


def test_a_new_pipeline_version_extracts_everything_again(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for n in range(3):
        (folder / f"{n}.txt").write_text(f"report {n}")
    store = open_store(tmp_path / "store")
    with Ledger(tmp_path / "ledger.sqlite3", version="v1") as ledger:
        run(store, folder, ledger)
    with Ledger(tmp_path / "ledger.sqlite3", version="v1") as ledger:
        assert run(store, folder, ledger).skipped == 3
    with Ledger(tmp_path / "ledger.sqlite3", version="v2") as ledger:
        upgraded = run(store, folder, ledger)
        assert (upgraded.reports, upgraded.skipped) == (3, 0)
        assert ledger.entry(iris.report_key(url=None, text="report 0"))[1] == "v2"  # type: ignore[index]


def test_a_graph_lost_from_the_store_is_written_again(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text("report a")
    (folder / "b.txt").write_text("report b")
    store = open_store(tmp_path / "store")
    ledger = Ledger(tmp_path / "ledger.sqlite3", version="v1")
    run(store, folder, ledger)
    store.drop_graph(iris.report_graph(iris.report_key(url=None, text="report a")))
    again = run(store, folder, ledger)
    assert (again.reports, again.skipped) == (1, 1)
    assert len(store.graphs()) == 2


def test_failed_reports_are_not_recorded_and_are_tried_again(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.txt").write_text("report")
    (folder / "bad.txt").write_text("BOOM")
    (folder / "copy.txt").write_text("report")  # the same report as good.txt
    store = open_store(tmp_path / "store")
    ledger = Ledger(tmp_path / "ledger.sqlite3", version="v1")
    first = run(store, folder, ledger)
    assert first.reports == 1 and len(first.failures) == 2 and len(ledger) == 1
    again = run(store, folder, ledger)
    assert again.skipped == 1
    reasons = sorted(f.reason for f in again.failures)
    assert "extraction failed" in reasons[0] and "same report as" in reasons[1]
    assert reasons[1].endswith("kept the first")


# --------------------------------------------------------------------------- the writer


def _extracted(n: int, text: str = "x") -> tuple[Document, Extracted]:
    graph = f"https://example.org/report/{n}"
    lines = (f'<https://example.org/s{n}> <https://example.org/p> "{text}" .',
             f"<https://example.org/s{n}> <https://example.org/q> <https://example.org/o> .")
    return (Document(text=f"r{n}", origin=f"r{n}.txt"),
            Extracted(graph=graph, statements=Statements(lines), event_types=["Raid"]))


def test_new_reports_are_written_in_groups_and_recorded_after(tmp_path: Path) -> None:
    store = open_store(tmp_path / "store")
    ledger = Ledger(tmp_path / "ledger.sqlite3", version="v1")
    old = _extracted(4, "old")
    store.replace_graph(old[1].graph, old[1].statements)
    summary = IngestSummary()
    writer = _Writer(store, summary, {}, None, ledger)
    reports = [_extracted(n) for n in range(GROUP_REPORTS + 3)]
    for document, extracted in reports:
        writer.add(document, extracted, (f"k{document.origin}", "h"))
        # held until a group is full; report 4 was in the store: written at once
        assert len(ledger) == summary.reports
    assert summary.reports == 5 and summary.replaced == 1  # 0-3 went before report 4
    writer.flush()
    assert summary.reports == len(reports) and len(ledger) == len(reports)
    assert summary.quads_written == 2 * len(reports) and summary.events == len(reports)
    assert store.count(old[1].graph) == 2  # replaced, not added to
    assert not list(store.match(None, None, Literal("old")))
    assert store.graphs() == sorted(e.graph for _, e in reports)


def test_a_group_that_fails_is_written_report_by_report(tmp_path: Path) -> None:
    store = open_store(tmp_path / "store")
    ledger = Ledger(tmp_path / "ledger.sqlite3", version="v1")
    summary = IngestSummary()
    writer = _Writer(store, summary, {}, None, ledger)
    broken = Extracted(graph="https://example.org/report/bad", event_types=["Raid"],
                       statements=Statements(('<https://example.org/s> <https://example.org/p>'
                                              ' "no end .',)))
    items = [_extracted(1), (Document(text="bad", origin="bad.txt"), broken), _extracted(2)]
    for document, extracted in items:
        writer.add(document, extracted, (f"k{document.origin}", "h"))
    writer.flush()
    assert summary.reports == 2 and [f.origin for f in summary.failures] == ["bad.txt"]
    assert store.graphs() == ["https://example.org/report/1", "https://example.org/report/2"]
    assert len(ledger) == 2 and ledger.entry("kbad.txt") is None


# --------------------------------------------------------------------------- parallel


def test_extraction_processes_run_below_the_writer_priority() -> None:
    with ProcessPool(1, Plain) as pool:
        niceness = pool._executor.submit(os.nice, 0).result(timeout=120)
    assert niceness == min(19, os.nice(0) + WORKER_NICENESS)


def test_plan_jobs_never_starts_more_processes_than_useful() -> None:
    assert plan_jobs(2, 10_000, 200) == 2
    assert plan_jobs(8, 450, 200) == 2
    assert plan_jobs(2, 10, 200) == 1
    assert plan_jobs(0, 10**6, 1) == (os.cpu_count() or 1)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A generated corpus of 60 varied reports, plus three bad ones among them."""
    folder = tmp_path_factory.mktemp("corpus")
    write_corpus(folder, 60, per_file=25)
    (folder / "reports-0000a.jsonl").write_text('{"text": "x", "lang": "fr"}\nnot json\n')
    (folder / "empty.txt").write_text("")
    return folder


def test_parallel_extraction_stores_the_same_graphs(corpus: Path, tmp_path: Path) -> None:
    results = []
    for jobs in (1, 2):
        store = open_store(tmp_path / f"jobs{jobs}")
        summary = ingest_paths(store, [corpus], jobs=jobs, reports_per_job=1, now=fixed_clock)
        results.append((summary.as_dict(), canonical(store)))
        store.close()
    (one, (lines1, onto1)), (two, (lines2, onto2)) = results
    assert one["reports"] == 60 and one["events"] > 60
    assert len(one["failures"]) == 3
    assert one == two  # the same counts and the same failures, in the same order
    assert lines1 == lines2  # every report graph and the KB graph, quad for quad
    assert isomorphic(onto1, onto2)


def test_parallel_extraction_reports_bad_input_and_goes_on(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for n in range(6):
        (folder / f"{n}.txt").write_text("BOOM" if n == 3 else f"report {n}")
    store = open_store(tmp_path / "store")
    summary = ingest_paths(store, [folder], jobs=2, reports_per_job=1, factory=Plain)
    assert summary.reports == 5
    [failure] = summary.failures
    assert isinstance(failure, IngestFailure) and failure.origin.endswith("3.txt")
    assert "extractor crashed on purpose" in failure.reason
    assert len(store.graphs()) == 5


# --------------------------------------------------------------------------- the command


def kg(*args: str, env: dict[str, str], output: bool = True) -> subprocess.Popen[str]:
    pipe = subprocess.PIPE if output else subprocess.DEVNULL
    return subprocess.Popen([sys.executable, "-m", "kg.cli", *args], env=env, text=True,
                            stdout=pipe, stderr=pipe)


def recorded(ledger: Path) -> int:
    try:
        with sqlite3.connect(ledger) as db:
            return int(db.execute("SELECT count(*) FROM reports").fetchone()[0])
    except sqlite3.Error:
        return 0


@pytest.mark.slow
def test_a_killed_batch_resumed_ends_with_the_same_store(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    count = write_corpus(folder, 240, per_file=40)
    env = {k: v for k, v in os.environ.items() if not k.startswith("KG_")}
    env |= {"XDG_CONFIG_HOME": str(tmp_path / "config"), "KG_REPORTS_PER_JOB": "1"}

    whole = kg("ingest", str(folder), "--store", str(tmp_path / "whole"), "--jobs", "1",
               env=env)
    out, err = whole.communicate(timeout=600)
    assert whole.returncode == 0, err

    killed = tmp_path / "killed"
    batch = kg("ingest", str(folder), "--store", str(killed), "--jobs", "2", env=env,
               output=False)
    deadline = time.monotonic() + 300
    while recorded(killed / LEDGER_FILE) < 40 and time.monotonic() < deadline:
        assert batch.poll() is None, "the batch ended before it was killed"
        time.sleep(0.05)
    batch.send_signal(signal.SIGKILL)
    batch.wait()
    done_before = recorded(killed / LEDGER_FILE)
    assert 40 <= done_before < count, "the batch was not killed half-way"

    resumed = kg("ingest", str(folder), "--store", str(killed), "--jobs", "2", env=env)
    out, err = resumed.communicate(timeout=600)
    assert resumed.returncode == 0, err
    skipped = int(out.split("reports skipped: ")[1].split()[0])
    ingested = int(out.split("reports ingested: ")[1].split()[0])
    assert skipped >= done_before and skipped + ingested == count

    stores = []
    for name in ("whole", "killed"):
        store = open_store(tmp_path / name, read_only=True)
        stores.append(canonical(store, stamps=False))
        store.close()
    assert stores[0][0] == stores[1][0]
    assert isomorphic(stores[0][1], stores[1][1])


def test_the_command_says_what_it_skipped_and_logs_progress(runner, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from kg.cli import main

    folder = tmp_path / "in"
    write_corpus(folder, 3)
    store = str(tmp_path / "store")
    first = runner.invoke(main, ["ingest", str(folder), "--store", store])
    assert first.exit_code == 0, first.output
    assert "reports ingested: 3" in first.output
    assert "3/3 reports (100%)" in first.output  # a plain progress line: not a terminal
    again = runner.invoke(main, ["ingest", str(folder), "--store", store])
    assert "reports skipped: 3" in again.output and "reports ingested: 0" in again.output
    forced = runner.invoke(main, ["ingest", str(folder), "--store", store, "--force"])
    assert "reports ingested: 3 (3 replaced)" in forced.output


# --------------------------------------------------------------------------- a Dask cluster


@pytest.mark.slow
def test_a_local_dask_cluster_stores_the_same_graphs(corpus: Path, tmp_path: Path) -> None:
    pytest.importorskip("distributed")
    results = []
    for cluster in (None, "local"):
        store = open_store(tmp_path / f"cluster-{cluster}")
        summary = ingest_paths(store, [corpus], jobs=2, reports_per_job=10**6,
                               cluster=cluster, now=fixed_clock)
        results.append((summary.as_dict(), canonical(store)))
        store.close()
    (one, (lines1, onto1)), (dask, (lines2, onto2)) = results
    assert one["reports"] == 60 and len(one["failures"]) == 3
    assert one == dask
    assert lines1 == lines2
    assert isomorphic(onto1, onto2)


@pytest.mark.slow
def test_the_command_ingests_on_a_cluster_started_by_the_test(runner, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    distributed = pytest.importorskip("distributed")
    from kg.cli import main

    folder = tmp_path / "in"
    write_corpus(folder, 12)
    (folder / "bad.json").write_text('{"text": ""}')
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster:
        result = runner.invoke(main, ["ingest", str(folder), "--store", str(tmp_path / "s"),
                                      "--cluster", cluster.scheduler_address])
    assert result.exit_code == 1, result.output  # the bad report, listed; the rest stored
    assert "reports ingested: 12" in result.output and "empty report" in result.output
    local = runner.invoke(main, ["ingest", str(folder), "--store", str(tmp_path / "s"),
                                 "--cluster", "local", "--force", "--jobs", "1"])
    assert "reports ingested: 12 (12 replaced)" in local.output, local.output


def test_a_cluster_nobody_runs_is_a_clear_error(runner, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    pytest.importorskip("distributed")
    from kg.cli import main
    from tests.conftest import free_port

    folder = tmp_path / "in"
    write_corpus(folder, 2)
    result = runner.invoke(main, ["ingest", str(folder), "--store", str(tmp_path / "s"),
                                  "--cluster", f"tcp://127.0.0.1:{free_port()}"])
    assert result.exit_code == 1 and "does not answer" in result.output, result.output
