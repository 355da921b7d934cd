"""Experiment: would a learned filter of predicted events beat the rules on unseen reports?

The rules over-generate on real news (more predicted events than gold ones, most of
the extras at a place no gold event has or as a second type of one incident). This
trains a spaCy text classifier (bag of words and bigrams) on the dev split's predicted
events, each labelled *kept* when it strictly matches a gold event, from the event's
type, background flag, trigger and sentence; then drops the predictions it scores
below a threshold. Five-fold cross-validation over the dev reports (a report's events
all in one fold) says whether the filter helps on reports it was not trained on;
strict event F1 is printed for the rules alone and for each threshold.

The test split is never read. Run::

    python bench/learned_filter.py corpus/ar/dev.gold.jsonl [--texts DIR]
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
from pathlib import Path
from typing import Any

FOLDS = 5
EPOCHS = 15
THRESHOLDS = (0.1, 0.2, 0.3, 0.4, 0.5)


def predictions(gold_file: Path, texts: str) -> tuple[list[dict[str, Any]], int]:
    """Every predicted event of the gold file's reports, labelled, and the gold count."""
    from kg.core.model import Document
    from kg.pipeline.evaluation import read_gold, to_eval_record
    from kg.pipeline.ingest import Processor
    from kg.pipeline.scoring import _strict, match_events

    processor = Processor(None)
    rows: list[dict[str, Any]] = []
    gold_total = 0
    for record, text in read_gold(gold_file, texts=texts):
        published = record.get("published")
        document = Document(text, url=record.get("url"), source=record.get("source"),
                            lang=record["lang"],
                            published=dt.date.fromisoformat(published) if published else None)
        report = processor(document)
        predicted = to_eval_record(report, id=record["id"], kb=processor.kb)["events"]
        matched = {j for _, j in match_events(record["events"], predicted, _strict)}
        gold_total += len(record["events"])
        for j, (event, row) in enumerate(zip(report.events, predicted, strict=True)):
            rows.append({"report": record["id"], "lang": record["lang"], "kept": j in matched,
                         "text": f"TYPE_{row['type']} {'BG' if row.get('background') else 'NEWS'}"
                                 f" {event.trigger.text if event.trigger else ''}"
                                 f" | {event.sentence.text if event.sentence else ''}"})
    return rows, gold_total


def cross_validate(rows: list[dict[str, Any]], seed: int = 0) -> list[float]:
    """The probability of *kept* for every row, from a model not trained on its report."""
    import spacy
    from spacy.training import Example

    reports = sorted({r["report"] for r in rows})
    random.Random(seed).shuffle(reports)
    scores = [0.0] * len(rows)
    for fold in range(FOLDS):
        held = set(reports[fold::FOLDS])
        nlp = spacy.blank(rows[0]["lang"])
        textcat = nlp.add_pipe("textcat", config={"model": {
            "@architectures": "spacy.TextCatBOW.v3", "exclusive_classes": True,
            "ngram_size": 2, "no_output_layer": False}})
        textcat.add_label("KEEP")
        textcat.add_label("DROP")
        examples = [Example.from_dict(nlp.make_doc(r["text"]), {"cats": {
            "KEEP": float(r["kept"]), "DROP": float(not r["kept"])}})
            for r in rows if r["report"] not in held]
        optimizer = nlp.initialize(lambda: examples)  # noqa: B023 - used at once
        for epoch in range(EPOCHS):
            random.Random(epoch).shuffle(examples)
            for start in range(0, len(examples), 16):
                nlp.update(examples[start:start + 16], sgd=optimizer, drop=0.2)
        for i, row in enumerate(rows):
            if row["report"] in held:
                scores[i] = nlp(row["text"]).cats["KEEP"]
    return scores


def strict_f1(rows: list[dict[str, Any]], keep: list[bool], gold_total: int) -> float:
    """Strict event F1 when only the rows marked in ``keep`` are predicted."""
    tp = sum(1 for r, k in zip(rows, keep, strict=True) if k and r["kept"])
    fp = sum(keep) - tp
    return 2 * tp / max(1, 2 * tp + fp + (gold_total - tp))


def main() -> None:
    """Print strict F1 of the rules and of the filtered predictions per threshold."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("gold", type=Path, help="a dev gold file (EVAL_FORMAT)")
    parser.add_argument("--texts", default=None, help="local corpus folder (corpus_dir)")
    args = parser.parse_args()
    from kg.core.settings import load_settings

    rows, gold_total = predictions(args.gold, args.texts or load_settings().corpus_dir)
    scores = cross_validate(rows)
    print(f"{args.gold}: {len(rows)} predicted events, {sum(r['kept'] for r in rows)} "
          f"strictly matched, {gold_total} gold")
    print(f"rules alone: strict F1 {strict_f1(rows, [True] * len(rows), gold_total):.3f}")
    for threshold in THRESHOLDS:
        keep = [s >= threshold for s in scores]
        print(f"learned filter, keep when P(kept) >= {threshold}: strict F1 "
              f"{strict_f1(rows, keep, gold_total):.3f} ({sum(keep)} kept)")


if __name__ == "__main__":
    sys.path.append(str(Path(__file__).resolve().parent.parent))
    main()
