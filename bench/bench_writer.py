"""Benchmark the ingestion writer's cost per report: one transaction each, or groups.

Reports are generated from the bundled samples (tests/scale_corpus.py) and extracted
once, here, with the real pipeline; then their graphs are written into fresh on-disk
stores, again and again, in the ways the writer can:

* ``replace``: one ``DROP`` + ``INSERT DATA`` update per report
  (``GraphStore.replace_graph``, what a report whose graph exists gets);
* ``group K``: K new reports' graphs in one transaction, as N-Quads
  (``GraphStore.add_graphs``, what :class:`kg.pipeline.ingest._Writer` does).

Each round writes with every strategy, in a rotating order; the figures are medians of
the writer's CPU time (``time.process_time``) and wall time per report.

Run::

    PYTHONPATH=. python bench/bench_writer.py --reports 1000 --repeat 5
"""

from __future__ import annotations

import argparse
import datetime as dt
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from kg.core.model import Document  # noqa: E402
from kg.graph.store import Statements, open_store  # noqa: E402
from kg.pipeline.ingest import Processor, read_documents  # noqa: E402
from kg.pipeline.pool import extract_document  # noqa: E402
from tests.scale_corpus import write_corpus  # noqa: E402

Graphs = list[tuple[str, Statements]]


def extracted(folder: Path, count: int) -> Graphs:
    write_corpus(folder, count)
    process = Processor()
    stamp = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
    graphs = {}
    for document in read_documents([folder]):
        if not isinstance(document, Document):
            continue
        result = extract_document(process, document, stamp)
        if result.error is None:
            graphs[result.graph] = result.statements
    return list(graphs.items())


def write(graphs: Graphs, folder: Path, group: int) -> tuple[float, float]:
    """Write every graph into a fresh store; (CPU s, wall s) per report."""
    store = open_store(folder)
    cpu, wall = time.process_time(), time.perf_counter()
    if group == 0:
        for graph, statements in graphs:
            store.replace_graph(graph, statements)
    else:
        for start in range(0, len(graphs), group):
            store.add_graphs(graphs[start:start + group])
    store.flush()
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    assert len(store.graphs()) == len(graphs)
    store.close()
    shutil.rmtree(folder)
    return cpu / len(graphs), wall / len(graphs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--reports", type=int, default=1000)
    parser.add_argument("--groups", default="0,4,8,16,32",
                        help="reports per transaction, comma-separated (0: replace each)")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    groups = [int(g) for g in args.groups.split(",")]
    with tempfile.TemporaryDirectory(prefix="kg-bench-writer-") as tmp:
        root = Path(tmp)
        started = time.perf_counter()
        graphs = extracted(root / "corpus", args.reports)
        lines = sum(len(s.lines) for _, s in graphs)
        print(f"{len(graphs)} reports, {lines / len(graphs):.0f} statements each, extracted "
              f"in {time.perf_counter() - started:.0f} s", flush=True)
        results: dict[int, list[tuple[float, float]]] = {g: [] for g in groups}
        for round_ in range(args.repeat):
            shift = round_ % len(groups)
            for group in groups[shift:] + groups[:shift]:
                results[group].append(write(graphs, root / f"store-{group}", group))
        base = statistics.median(c for c, _ in results[groups[0]])
        print("\n| writes | CPU ms per report | wall ms per report | CPU vs first row |")
        print("|---|---|---|---|")
        for group in groups:
            cpu = statistics.median(c for c, _ in results[group]) * 1000
            wall = statistics.median(w for _, w in results[group]) * 1000
            name = "one update per report" if group == 0 else f"{group} reports per transaction"
            print(f"| {name} | {cpu:.2f} | {wall:.2f} | {cpu / base / 1000:.2f}x |")


if __name__ == "__main__":
    main()
