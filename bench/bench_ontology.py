"""Benchmark the ontology's validation and materialisation on stores of seed copies.

The store holds the knowledge-base graph and N copies of the seed report's graph as
the real pipeline builds it (ingested once, then copied under fresh report keys).
Measured in one run, on stores of two sizes so the scaling is visible:

* ``validate --graph``: one report graph checked with the KB types it refers to
  (median over 5 graphs);
* the ingestion hook (:func:`ontology.validation.report_validator`) on one report's
  quads (median over 5 reports);
* ``validate`` of the whole store (all asserted graphs, KB included), small store only;
* ``reason``: materialising the inferred graph (median of 3), and its size.

Run: ``PYTHONPATH=. python bench/bench_ontology.py [--small 20] [--large 200]``
"""

from __future__ import annotations

import argparse
import io
import statistics
import tempfile
import time
from pathlib import Path

from pyoxigraph import RdfFormat, parse

from kg.core import iris
from kg.core.model import Document
from kg.graph.store import GraphStore, open_store
from kg.pipeline.ingest import ingest
from ontology.reasoning import materialise
from ontology.validation import SKIPPED_GRAPHS, report_validator, validate_store

REPO = Path(__file__).resolve().parent.parent
SEED = REPO / "kg" / "samples" / "report-ar-000.txt"


def template() -> tuple[str, str, str]:
    """N-Quads of the seed report graph and of the KB graph, and the seed report key."""
    store = open_store(None)
    ingest(store, [Document(SEED.read_text(encoding="utf-8"), lang="ar", origin="seed")])
    report = next(g for g in store.graphs() if g.startswith(iris.GRAPH + "report/"))
    buffer = io.BytesIO()
    store.dump(buffer, RdfFormat.N_QUADS)
    lines = buffer.getvalue().decode("utf-8").splitlines()
    report_nq = "\n".join(line for line in lines if line.endswith(f"<{report}> ."))
    kb_nq = "\n".join(line for line in lines if line.endswith(f"<{iris.KB_GRAPH}> ."))
    return report_nq, kb_nq, report.rsplit("/", 1)[-1]


def fill(store: GraphStore, copies: int, report_nq: str, kb_nq: str, key: str) -> list[str]:
    """Load the KB and ``copies`` re-keyed report graphs; returns the report graph IRIs."""
    store.clear()

    def quads():  # type: ignore[no-untyped-def]
        yield from parse(kb_nq.encode("utf-8"), RdfFormat.N_QUADS)
        for i in range(copies):
            yield from parse(report_nq.replace(key, f"{i:016x}").encode("utf-8"),
                             RdfFormat.N_QUADS)

    store.raw.bulk_extend(quads())
    return [iris.report_graph(f"{i:016x}") for i in range(copies)]


def timed(action, repeat: int) -> list[float]:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return times


def run(store: GraphStore, graphs: list[str], whole: bool) -> dict[str, float]:
    asserted = sum(store.count(g) for g in store.graphs() if g not in SKIPPED_GRAPHS)
    result: dict[str, float] = {"reports": len(graphs), "asserted_quads": asserted}
    sample = graphs[:5]
    result["validate_graph_s"] = statistics.median(
        t for g in sample for t in timed(lambda g=g: validate_store(store, g), 1))
    check = report_validator(store)
    report_quads = [list(store.quads(g)) for g in sample]
    result["ingest_hook_s"] = statistics.median(
        t for q in report_quads for t in timed(lambda q=q: check(q), 1))
    if whole:
        result["validate_store_s"] = timed(lambda: validate_store(store), 1)[0]
    summaries = []
    result["reason_s"] = statistics.median(timed(lambda: summaries.append(materialise(store)), 3))
    result["inferred_quads"] = summaries[-1].inferred
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--small", type=int, default=20, help="reports in the small store")
    parser.add_argument("--large", type=int, default=200, help="reports in the large store")
    args = parser.parse_args()
    report_nq, kb_nq, key = template()
    rows = []
    with tempfile.TemporaryDirectory() as folder, open_store(Path(folder) / "store") as store:
        for copies, whole in ((args.small, True), (args.large, False)):
            graphs = fill(store, copies, report_nq, kb_nq, key)
            rows.append(run(store, graphs, whole))
    for row in rows:
        print(", ".join(f"{k}={v:.3f}" if isinstance(v, float) else f"{k}={v}"
                        for k, v in row.items()))
    small, large = rows
    per_small = small["reason_s"] / small["reports"]
    per_large = large["reason_s"] / large["reports"]
    print(f"reason time per report: {per_small:.4f} s ({small['reports']} reports), "
          f"{per_large:.4f} s ({large['reports']} reports); "
          f"large/small total-time ratio {large['reason_s'] / small['reason_s']:.2f} "
          f"for {large['reports'] / small['reports']:.0f}x the reports")
    print(f"validate --graph: {small['validate_graph_s']:.3f} s vs "
          f"{large['validate_graph_s']:.3f} s (independent of store size if ~1.0: "
          f"{large['validate_graph_s'] / small['validate_graph_s']:.2f})")


if __name__ == "__main__":
    main()
