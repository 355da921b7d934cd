"""A generated corpus of many distinct reports, varied from the bundled samples.

Used by the parallel and resumable ingestion tests and by ``bench/bench_ingest.py``.
Each report is a sample's text with its numbers changed, a publication date and a
URL of its own, so every report has its own key and its own extraction; the same
``(count, seed)`` always writes the same files.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import re
from pathlib import Path

from kg.core.model import Document
from kg.pipeline.ingest import read_documents

SAMPLES = Path(__file__).resolve().parent.parent / "kg" / "samples"
_NUMBER = re.compile(r"\d+")


def sample_documents() -> list[Document]:
    """The bundled sample reports, read as ``kg ingest`` reads them."""
    return [d for d in read_documents([SAMPLES]) if isinstance(d, Document)]


def write_corpus(folder: Path, count: int, *, seed: int = 15, per_file: int = 1000) -> int:
    """Write ``count`` reports as JSON lines files (``per_file`` reports each) in ``folder``.

    Returns:
        The number of reports written.
    """
    rng = random.Random(seed)
    samples = sample_documents()
    folder.mkdir(parents=True, exist_ok=True)
    start = dt.date(2023, 1, 1)
    lines: list[str] = []
    for i in range(count):
        base = samples[i % len(samples)]
        text = _NUMBER.sub(lambda m: str(int(m.group()) % 7 + rng.randint(1, 30)), base.text)
        record = {
            "text": text,
            "url": f"https://example.org/generated/{seed}/{i}",
            "published": (start + dt.timedelta(days=rng.randint(0, 700))).isoformat(),
            "lang": base.lang if base.lang in ("ar", "en") else "auto",
        }
        if base.title:
            record["title"] = base.title
        lines.append(json.dumps(record, ensure_ascii=False))
    for n, first in enumerate(range(0, count, per_file)):
        chunk = lines[first:first + per_file]
        (folder / f"reports-{n:04d}.jsonl").write_text("\n".join(chunk) + "\n", encoding="utf-8")
    return count
