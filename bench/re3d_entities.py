"""English entity recognition on the re3d dev documents: Location, Organisation, Person.

re3d (``shared/data/re3d-dev``) is English defence-domain text with gold entity spans.
The extractor's mentions are mapped to re3d types — places and facilities are
Location, actors and outlets Organisation, persons Person — and compared span by span:
*exact* (same begin and end) and *overlap* (the spans share a character and the types
agree), micro-averaged per type.

Run: ``python bench/re3d_entities.py [--shared ../shared]``. To compare with an
earlier commit in the same run, check it out elsewhere and run this script with
``PYTHONPATH`` pointing at that checkout.
"""

from __future__ import annotations

import argparse
import json
import os
from collections import Counter
from pathlib import Path

from extractors import extract
from kg.core.model import Document
from kg.pipeline.nlp import build_nlp

TYPES = ("Location", "Organisation", "Person")
KIND_TYPE = {"place": "Location", "facility": "Location", "actor": "Organisation",
             "outlet": "Organisation", "person": "Person"}


def jsonl(path: Path) -> list[dict[str, object]]:
    """re3d files hold one JSON object per line."""
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()
            if line.strip()]


def main() -> None:
    """Score and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    here = Path(__file__).resolve().parent.parent
    parser.add_argument("--shared", type=Path,
                        default=Path(os.environ.get("KG_SHARED_DIR") or here.parent / "shared"))
    args = parser.parse_args()
    root = args.shared / "data" / "re3d-dev"
    if not root.is_dir():
        raise SystemExit(f"re3d dev data not found at {root}")
    nlp = build_nlp("en")
    counts: dict[str, Counter[str]] = {t: Counter() for t in TYPES}
    documents = 0
    for folder in sorted(p for p in root.iterdir() if p.is_dir()):
        gold: dict[str, set[tuple[int, int, str]]] = {}
        for ent in jsonl(folder / "entities.json"):
            if ent["type"] in TYPES:
                gold.setdefault(str(ent["documentId"]), set()).add(
                    (int(ent["begin"]), int(ent["end"]), str(ent["type"])))  # type: ignore[call-overload]
        for doc in jsonl(folder / "documents.json"):
            documents += 1
            report = extract(Document(str(doc["text"]), lang="en"), nlp=nlp)
            pred = {(m.span.start, m.span.end, KIND_TYPE[m.kind]) for m in report.mentions
                    if m.kind in KIND_TYPE and m.span.end > m.span.start}
            truth = gold.get(str(doc["_id"]), set())
            for t in TYPES:
                g = {s for s in truth if s[2] == t}
                p = {s for s in pred if s[2] == t}
                counts[t]["gold"] += len(g)
                counts[t]["pred"] += len(p)
                counts[t]["exact"] += len(g & p)
                counts[t]["overlap_pred"] += sum(
                    any(a < d and c < b for c, d, _ in g) for a, b, _ in p)
                counts[t]["overlap_gold"] += sum(
                    any(a < d and c < b for c, d, _ in p) for a, b, _ in g)

    def f1(precision: float, recall: float) -> float:
        return 2 * precision * recall / (precision + recall) if precision + recall else 0.0

    print(f"re3d dev: {documents} documents")
    print(f"{'type':<14}{'gold':>6}{'pred':>6}  {'exact P':>8}{'R':>7}{'F1':>7}  "
          f"{'overlap P':>10}{'R':>7}{'F1':>7}")
    total: Counter[str] = Counter()
    for t in (*TYPES, "all"):
        c = counts[t] if t != "all" else total
        if t != "all":
            total.update(c)
        p = c["exact"] / c["pred"] if c["pred"] else 0.0
        r = c["exact"] / c["gold"] if c["gold"] else 0.0
        op = c["overlap_pred"] / c["pred"] if c["pred"] else 0.0
        orr = c["overlap_gold"] / c["gold"] if c["gold"] else 0.0
        print(f"{t:<14}{c['gold']:>6}{c['pred']:>6}  {p:>8.3f}{r:>7.3f}{f1(p, r):>7.3f}  "
              f"{op:>10.3f}{orr:>7.3f}{f1(op, orr):>7.3f}")


if __name__ == "__main__":
    main()
