"""Error classes of the extractor on real-news gold files: what kind of wrong, how often.

For each gold file, counts over all gold and predicted events:

* a gold event with no strict match is *missed*: the type was predicted at another
  place (``missed: other place``), at its place with another type (``missed: other
  type``), with type and place but the wrong date (``missed: date``), or nothing of
  its type or place was predicted (``missed: none``);
* a prediction with no strict match is *spurious*: a second event for a matched gold
  event (``spurious: second``), another type where a gold event is (``spurious: split
  incident``), marked background (``spurious: background``), in a report with no gold
  event (``spurious: no-event report``), or at a place no gold event has (``spurious:
  other place``);

and, over strictly matched events, the ``wrong`` lines of ``kg eval``'s diffs by field
(roles, spurious actors, sources, casualties wrong or none read, background, date).

The extractor and scorer are the ones on ``sys.path``: to count for an earlier
commit, run this file with ``PYTHONPATH`` set to a checkout of it.

Run: ``python bench/error_classes.py corpus/ar/dev.gold.jsonl corpus/ar/test.gold.jsonl
[--texts DIR]`` (texts from the ``corpus_dir`` setting by default).
"""

from __future__ import annotations

import argparse
import collections
import datetime as dt
import sys
from pathlib import Path
from typing import Any

EVENT_CLASSES = ("missed: other place", "missed: none", "missed: other type", "missed: date",
                 "spurious: other place", "spurious: split incident", "spurious: second",
                 "spurious: background", "spurious: no-event report")
FIELD_CLASSES = ("roles", "spurious actor", "sources", "casualties wrong",
                 "casualties none read", "background", "date")


def event_classes(gold: list[dict[str, Any]],
                  pred: list[dict[str, Any]]) -> collections.Counter[str]:
    """The event classes of one report's gold and predicted events."""
    from kg.pipeline.scoring import _strict, match_events, places_agree

    counts: collections.Counter[str] = collections.Counter()
    pairs = match_events(gold, pred, _strict)
    matched_gold = {i for i, _ in pairs}
    matched_pred = {j for _, j in pairs}
    left = [p for j, p in enumerate(pred) if j not in matched_pred]
    for i, g in enumerate(gold):
        if i in matched_gold:
            continue
        if any(p["type"] == g["type"] and places_agree(g.get("place"), p.get("place"))
               for p in left):
            counts["missed: date"] += 1
        elif any(p["type"] == g["type"] for p in left):
            counts["missed: other place"] += 1
        elif g.get("place") and any(places_agree(g.get("place"), p.get("place")) for p in left):
            counts["missed: other type"] += 1
        else:
            counts["missed: none"] += 1
    for j, p in enumerate(pred):
        if j in matched_pred:
            continue
        if not gold:
            counts["spurious: no-event report"] += 1
        elif any(g["type"] == p["type"] and places_agree(g.get("place"), p.get("place"))
                 for i, g in enumerate(gold) if i in matched_gold):
            counts["spurious: second"] += 1
        elif any(places_agree(g.get("place"), p.get("place")) for g in gold if g.get("place")):
            counts["spurious: split incident"] += 1
        elif p.get("background"):
            counts["spurious: background"] += 1
        else:
            counts["spurious: other place"] += 1
    return counts


def field_class(line: str) -> str | None:
    """The field a ``wrong`` line of ``kg eval``'s diffs is about (``None``: another)."""
    if "actor missing or wrong role" in line:
        return "roles"
    if "spurious actor" in line:
        return "spurious actor"
    if ": according_to gold" in line:
        return "sources"
    if ": casualties gold" in line:
        return "casualties none read" if line.rstrip().endswith("predicted []") \
            else "casualties wrong"
    if ": background gold" in line:
        return "background"
    if ": date gold" in line:
        return "date"
    return None


def classes(gold_file: Path, texts: str) -> collections.Counter[str]:
    """Event and field classes over one gold file."""
    from kg.core.model import Document
    from kg.pipeline.evaluation import evaluate, read_gold, to_eval_record
    from kg.pipeline.ingest import Processor

    processor = Processor(None)
    counts: collections.Counter[str] = collections.Counter()
    for record, text in read_gold(gold_file, texts=texts):
        published = record.get("published")
        document = Document(text, url=record.get("url"), source=record.get("source"),
                            lang=record["lang"],
                            published=dt.date.fromisoformat(published) if published else None)
        predicted = to_eval_record(processor(document), id=record["id"], kb=processor.kb)
        counts.update(event_classes(record["events"], predicted["events"]))
    for diff in evaluate(gold_file, texts=texts).as_dict()["diffs"]:
        counts.update(c for c in map(field_class, diff["wrong"]) if c is not None)
    return counts


def main() -> None:
    """Print the two tables, one column per gold file."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("gold", nargs="+", type=Path, help="gold files (EVAL_FORMAT)")
    parser.add_argument("--texts", default=None, help="local corpus folder (corpus_dir)")
    args = parser.parse_args()
    from kg.core.settings import load_settings

    texts = args.texts or load_settings().corpus_dir
    columns = [classes(g, texts) for g in args.gold]
    names = [f"{g.parent.name} {g.name.split('.')[0]}" for g in args.gold]
    for title, rows in (("event class", EVENT_CLASSES), ("matched events", FIELD_CLASSES)):
        print(f"| {title} | " + " | ".join(names) + " |")
        print("|---|" + "---|" * len(names))
        for name in rows:
            print(f"| {name} | " + " | ".join(str(c[name]) for c in columns) + " |")
        print()


if __name__ == "__main__":
    sys.path.append(str(Path(__file__).resolve().parent.parent))  # after PYTHONPATH
    main()
