"""Measure the statistical NER on the ANERcorp dev split through the inference path.

Each dev sentence is rebuilt as written (tokens joined by spaces, no normalisation)
and tagged with :func:`extractors.ner_model.find_entities`, which normalises the
text, runs the model and maps offsets back; an entity counts as right when its
start, end and label equal the gold ones exactly. Prints P/R/F1 overall and per
label, the model size and the tagging speed.

Command::

    python -m extractors.training.eval_ner [--data ../shared/data/anercorp] [--model DIR]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from pathlib import Path

from extractors import ner_model
from extractors.training.anercorp import read_tokens, sentences
from extractors.training.train_ner import default_data_dir


def gold_sentences(path: Path) -> list[tuple[str, set[tuple[int, int, str]]]]:
    """Dev sentences as written with their gold entity spans (character offsets).

    Args:
        path: ANERcorp ``dev.txt``.

    Returns:
        ``(text, {(start, end, label)})`` per sentence.
    """
    out = []
    for sent in sentences(read_tokens(path, normalise=False)):
        text, spans = "", set()
        start, label, end = -1, "", -1
        for word, tag in sent:
            if text:
                text += " "
            w_start = len(text)
            text += word
            continues = tag.startswith("I-") and label == tag[2:]
            if not continues and label:
                spans.add((start, end, label))
                label = ""
            if tag.startswith(("B-", "I-")) and not continues:
                start, label = w_start, tag[2:]
            end = len(text)
        if label:
            spans.add((start, end, label))
        out.append((text, spans))
    return out


def measure(model: Path, dev: Path) -> dict[str, object]:
    """Score the model on ``dev`` and time it.

    Args:
        model: the model folder.
        dev: ANERcorp ``dev.txt``.

    Returns:
        Scores overall and per label, model size in MB, words per second.
    """
    ner = ner_model.load_ner(model)
    if ner is None:
        raise SystemExit(f"no model in {model}")
    data = gold_sentences(dev)
    tp: Counter[str] = Counter()
    fp: Counter[str] = Counter()
    fn: Counter[str] = Counter()
    words = sum(len(text.split()) for text, _ in data)
    started = time.perf_counter()
    for text, gold in data:
        pred = {(e.start, e.end, e.label) for e in ner_model.find_entities(ner, text)}
        for span in pred & gold:
            tp[span[2]] += 1
        for span in pred - gold:
            fp[span[2]] += 1
        for span in gold - pred:
            fn[span[2]] += 1
    elapsed = time.perf_counter() - started

    def prf(t: int, p: int, n: int) -> dict[str, float | int]:
        prec = t / (t + p) if t + p else 0.0
        rec = t / (t + n) if t + n else 0.0
        f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
        return {"p": round(prec, 4), "r": round(rec, 4), "f1": round(f1, 4), "gold": t + n}

    labels = sorted(set(tp) | set(fp) | set(fn))
    size = sum(f.stat().st_size for f in model.rglob("*") if f.is_file())
    return {
        "overall": prf(sum(tp.values()), sum(fp.values()), sum(fn.values())),
        "per_label": {lab: prf(tp[lab], fp[lab], fn[lab]) for lab in labels},
        "model_mb": round(size / 1e6, 2),
        "words_per_second": round(words / elapsed),
        "sentences": len(data),
    }


def main(argv: list[str] | None = None) -> int:
    """Command entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=default_data_dir())
    parser.add_argument("--model", type=Path, default=ner_model.DEFAULT_MODEL_DIR)
    parser.add_argument("--json", action="store_true", help="print JSON")
    args = parser.parse_args(argv)
    if not (args.data / "dev.txt").is_file():
        print(f"ANERcorp not found in {args.data}", file=sys.stderr)
        return 1
    res = measure(args.model, args.data / "dev.txt")
    if args.json:
        print(json.dumps(res, indent=2))
        return 0
    print(f"{'label':<8}{'P':>7}{'R':>7}{'F1':>7}{'gold':>7}")
    rows = [("ALL", res["overall"]), *res["per_label"].items()]  # type: ignore[attr-defined]
    for name, s in rows:
        print(f"{name:<8}{s['p']:>7.3f}{s['r']:>7.3f}{s['f1']:>7.3f}{s['gold']:>7}")
    print(f"model size {res['model_mb']} MB; {res['words_per_second']} words/s; "
          f"{res['sentences']} sentences")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
