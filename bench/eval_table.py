"""The real-news evaluation table: per-field figures on every corpus split.

Runs ``kg eval`` on ``corpus/{ar,en}/{dev,test}.gold.jsonl`` (texts from the
``corpus_dir`` setting) and prints one Markdown row per split: strict and relaxed
event F1, actor-role F1, casualty, date and attribution accuracy, and the background
flag accuracy (matched events whose flag is right).

With ``--baseline DIR`` (a checkout of an earlier commit) the same splits are also run
with that checkout's extractor — in the same run, scored by this checkout's scorer — so
before and after are compared on equal terms.

Run: ``python bench/eval_table.py [--baseline /path/to/old/checkout]``
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent
SPLITS = [(lang, split) for lang in ("ar", "en") for split in ("dev", "test")]
COLUMNS = ("strict F1", "relaxed F1", "actor-role F1", "casualty acc.", "date acc.",
           "attribution acc.", "background flag")

#: Scores a gold file with the extractor found first on ``sys.path`` and this checkout's
#: scorer, and prints the result as JSON.
_RUNNER = """
import importlib.util, json, sys
import kg.pipeline
spec = importlib.util.spec_from_file_location(
    "kg.pipeline.scoring", sys.argv[1] + "/kg/pipeline/scoring.py")
scoring = importlib.util.module_from_spec(spec)
sys.modules["kg.pipeline.scoring"] = scoring
spec.loader.exec_module(scoring)
from kg.pipeline.evaluation import evaluate
print(json.dumps(evaluate(sys.argv[2], texts=sys.argv[3]).as_dict()))
"""


def run(gold: Path, texts: str, baseline: Path | None) -> dict[str, object]:
    """Evaluate one gold file, with the baseline's extractor when given."""
    env = dict(os.environ)
    env["PYTHONPATH"] = str(baseline or HERE)
    # the checkout is the working folder too: ``-c`` puts it first on sys.path
    out = subprocess.run([sys.executable, "-c", _RUNNER, str(HERE), str(gold), texts],
                         capture_output=True, text=True, env=env, check=True,
                         cwd=str(baseline or HERE))
    return json.loads(out.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def row(result: dict[str, object]) -> list[float | None]:
    """The table's figures of one result."""
    r: dict = result  # type: ignore[type-arg]
    bg = r["background"]
    matched = bg["matched_gold_background"] + bg["matched_gold_reported"]
    flag = ((bg["marked_background"] + bg["matched_gold_reported"]
             - bg["reported_marked_background"]) / matched) if matched else None
    return [r["events"]["f1"], r["events_relaxed"]["f1"], r["actor_roles"]["f1"],
            r["casualties"]["accuracy"], r["dates"]["accuracy"], r["attribution"]["accuracy"],
            flag]


def main() -> None:
    """Print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", type=Path, default=None,
                        help="checkout of an earlier commit to compare with")
    parser.add_argument("--texts", default=None, help="local corpus folder (corpus_dir)")
    args = parser.parse_args()
    sys.path.insert(0, str(HERE))
    from kg.core.settings import load_settings

    texts = args.texts or load_settings().corpus_dir
    print("| split | run | reports (missing) | " + " | ".join(COLUMNS) + " |")
    print("|" + "---|" * (len(COLUMNS) + 3))
    for lang, split in SPLITS:
        gold = HERE / "corpus" / lang / f"{split}.gold.jsonl"
        runs = ([("before", args.baseline)] if args.baseline else []) + [("after", None)]
        for name, checkout in runs:
            result = run(gold, texts, checkout)
            figures = " | ".join("n/a" if v is None else f"{v:.3f}" for v in row(result))
            missing = len(result.get("missing_texts") or [])  # type: ignore[arg-type]
            print(f"| {lang} {split} | {name} | {result['reports']} ({missing}) | {figures} |")


if __name__ == "__main__":
    main()
