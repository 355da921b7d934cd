"""Benchmark of the knowledge base and the linker.

Run: ``PYTHONPATH=. python bench/bench_link.py [--repeat N]``

Measures, as medians over ``--repeat`` runs:

* KB load time: in a fresh interpreter (import + :func:`kg.linking.kb.load_kb`, wall and CPU
  time) and re-reading in this process (:func:`kg.linking.kb.read_resource`), and the
  memory the loaded KB holds (``tracemalloc``: retained after load, and peak);
* linking throughput in mentions per second: :func:`kg.linking.link.link_report` over a
  report made of the seed text (or a built-in Arabic paragraph when the shared data
  is absent) with one mention per occurrence of the names below, and over the re3d
  dev documents' Location/Organisation mentions when available;
* :func:`kg.linking.link.resolve_name` calls per second without context.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import statistics
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

from kg.core.model import Document, Mention, Report, Span
from kg.linking.kb import DEFAULT_PATH, KnowledgeBase, read_resource
from kg.linking.link import link_report, resolve_name

FALLBACK_TEXT = (
    "قالت قوات سوريا الديموقراطية (قسد) إن قوات التحالف الدولي نفذت عملية في قرية البصيرة "
    "في محافظة دير الزور أدت إلى مقتل 5 عناصر من داعش، بحسب المرصد السوري لحقوق الإنسان. "
) * 10

NAMES = {
    "place": ["البصيرة", "دير الزور", "سوريا", "العراق", "الميادين", "الصور"],
    "actor": [
        "قوات سوريا الديموقراطية",
        "قسد",
        "التحالف الدولي",
        "داعش",
        "المرصد السوري لحقوق الإنسان",
        "مركز معلومات شمال وشرق سوريا",
    ],
}


def shared_dir() -> Path:
    env = os.environ.get("KG_SHARED_DIR")
    return Path(env) if env else Path(__file__).resolve().parents[2] / "shared"


def timed(fn: Callable[[], object], repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        gc.collect()
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return times


COLD = (
    "import time; w0 = time.perf_counter()\n"
    "from kg.linking.kb import load_kb\n"
    "w = time.perf_counter(); c = time.process_time(); load_kb()\n"
    "print(time.perf_counter() - w, time.process_time() - c, w - w0)"
)


def cold_load() -> tuple[float, float, float]:
    """Load wall and CPU seconds, and import seconds, of the KB in a fresh interpreter."""
    root = Path(__file__).resolve().parents[1]
    env = {**os.environ, "PYTHONPATH": str(root)}
    out = subprocess.run(
        [sys.executable, "-c", COLD], capture_output=True, text=True, check=True, env=env, cwd=root
    ).stdout.split()
    return float(out[0]), float(out[1]), float(out[2])


def seed_report() -> Report:
    path = shared_dir() / "seed" / "report-ar-000.txt"
    text = path.read_text(encoding="utf-8") if path.is_file() else FALLBACK_TEXT
    mentions = []
    for kind, names in NAMES.items():
        for name in names:
            start = text.find(name)
            while start >= 0:
                mentions.append(Mention(Span(start, start + len(name), name), kind, name=name))  # type: ignore[arg-type]
                start = text.find(name, start + len(name))
    return Report(Document(text), "ar", mentions=mentions)


def re3d_reports() -> list[Report]:
    base = shared_dir() / "data" / "re3d-dev"
    if not base.is_dir():
        return []
    kinds = {"Location": "place", "Organisation": "actor"}
    reports = []
    for folder in sorted(p for p in base.iterdir() if p.is_dir()):

        def rows(name: str, folder: Path = folder) -> list[dict[str, object]]:
            text = (folder / name).read_text(encoding="utf-8-sig")
            return [json.loads(line) for line in text.splitlines() if line.strip()]

        docs = {str(d["_id"]): d for d in rows("documents.json")}
        by_doc: dict[str, list[Mention]] = {}
        for ent in rows("entities.json"):
            kind = kinds.get(str(ent["type"]))
            if kind and ent["documentId"] in docs:
                span = Span(int(ent["begin"]), int(ent["end"]), str(ent["value"]))  # type: ignore[call-overload]
                by_doc.setdefault(str(ent["documentId"]), []).append(
                    Mention(span, kind, name=str(ent["value"]))
                )  # type: ignore[arg-type]
        for doc_id, mentions in by_doc.items():
            reports.append(
                Report(Document(str(docs[doc_id]["text"]), lang="en"), "en", mentions=mentions)
            )
    return reports


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)

    cold = [cold_load() for _ in range(args.repeat)]
    load_times = timed(lambda: read_resource(DEFAULT_PATH), args.repeat)
    gc.collect()
    tracemalloc.start()
    kb: KnowledgeBase = read_resource(DEFAULT_PATH)
    retained, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(
        f"KB: {len(kb)} entities, {sum(1 for _ in kb.aliases())} alias pairs, "
        f"file {DEFAULT_PATH.stat().st_size / 1024:.0f} KiB"
    )
    print(
        "KB cold load_kb() in a fresh process: median wall "
        f"{statistics.median(c[0] for c in cold) * 1000:.0f} ms, CPU "
        f"{statistics.median(c[1] for c in cold) * 1000:.0f} ms (n={args.repeat}); "
        f"importing kg.linking.kb first took {statistics.median(c[2] for c in cold) * 1000:.0f} ms"
    )
    print(
        f"KB reload (same process, warm caches): median {statistics.median(load_times) * 1000:.0f}"
        f" ms (min {min(load_times) * 1000:.0f}, max {max(load_times) * 1000:.0f})"
    )
    print(
        f"KB memory: {retained / 2**20:.1f} MiB retained, {peak / 2**20:.1f} MiB peak while loading"
    )

    report = seed_report()
    n = len(report.mentions)
    times = timed(lambda: link_report(report, kb), args.repeat)
    print(
        f"link_report seed ({n} mentions, {len(report.document.text)} chars): median "
        f"{statistics.median(times) * 1000:.1f} ms = {n / statistics.median(times):.0f} mentions/s"
    )

    reports = re3d_reports()
    if reports:
        total = sum(len(r.mentions) for r in reports)
        times = timed(lambda: [link_report(r, kb) for r in reports], args.repeat)
        print(
            f"link_report re3d ({len(reports)} docs, {total} mentions): median "
            f"{statistics.median(times):.2f} s = {total / statistics.median(times):.0f} mentions/s"
        )

    names = [name for items in NAMES.values() for name in items] * 20
    times = timed(lambda: [resolve_name(x, "place", kb=kb) for x in names], args.repeat)
    print(f"resolve_name without context: {len(names) / statistics.median(times):.0f} names/s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
