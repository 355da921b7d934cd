"""Train the statistical Arabic NER fallback on ANERcorp and install it in the package.

Steps: convert ``train.txt`` / ``dev.txt`` to ``.spacy`` files in a work folder,
train with ``extractors/training/ner.cfg``, copy ``model-best`` (without its
training-only files) to ``extractors/models/ner-ar``, and print dev scores.

Command (about 20 minutes on two shared cores)::

    nice -n 10 python -m extractors.training.train_ner \\
        [--data ../shared/data/anercorp] [--work /tmp/ner] [--max-steps 5000]
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

from extractors import ner_model
from extractors.training.anercorp import convert

CONFIG = Path(__file__).with_name("ner.cfg")


def default_data_dir() -> Path:
    """The ANERcorp folder: ``$KG_SHARED_DIR/data/anercorp`` or ``<repo>/../shared/...``."""
    import os

    shared = os.environ.get("KG_SHARED_DIR")
    base = Path(shared) if shared else Path(__file__).resolve().parents[2].parent / "shared"
    return base / "data" / "anercorp"


def train(data: Path, work: Path, max_steps: int, dest: Path) -> Path:
    """Convert, train and install the model.

    Args:
        data: folder with ANERcorp ``train.txt`` and ``dev.txt``.
        work: scratch folder for the converted corpus and training output.
        max_steps: training steps (the config's ``training.max_steps``).
        dest: where the trained pipeline is installed.

    Returns:
        ``dest``.
    """
    from spacy.cli.train import train as spacy_train

    work.mkdir(parents=True, exist_ok=True)
    for split in ("train", "dev"):
        n = convert(data / f"{split}.txt", work / f"{split}.spacy")
        print(f"{split}: {n} sentences")
    overrides = {
        "paths.train": str(work / "train.spacy"),
        "paths.dev": str(work / "dev.spacy"),
        "training.max_steps": max_steps,
    }
    spacy_train(CONFIG, work / "output", overrides=overrides)
    best = work / "output" / "model-best"
    if dest.exists():
        for child in dest.iterdir():
            if child.name != "README.md":
                shutil.rmtree(child) if child.is_dir() else child.unlink()
    dest.mkdir(parents=True, exist_ok=True)
    for child in best.iterdir():
        target = dest / child.name
        if child.is_dir():
            shutil.copytree(child, target)
        else:
            shutil.copy2(child, target)
    write_meta(dest / "meta.json")
    clear_paths(dest / "config.cfg")
    return dest


def clear_paths(path: Path) -> None:
    """Remove the (machine-specific) corpus paths from an installed model's config."""
    from thinc.api import Config

    config = Config().from_disk(path, interpolate=False)
    config["paths"]["train"] = None
    config["paths"]["dev"] = None
    config.to_disk(path)


#: What the installed model says about itself (merged into spaCy's meta.json).
META = {
    "name": "ner_ar_anercorp",
    "version": "0.1.0",
    "description": "Statistical Arabic NER fallback of conflict-kg (PERS, LOC, ORG, MISC), "
                   "CNN trained from scratch on the ANERcorp train split; text is normalised "
                   "with kg.core.text before tagging. Needs the extractors.ner_model "
                   "module imported (component ckg_ar_stem_norm).",
    "license": "Research use only (derived from ANERcorp; see README.md). "
               "Not covered by the Apache-2.0 licence of the code.",
    "sources": [{"name": "ANERcorp", "author": "Yassine Benajiba, Paolo Rosso, "
                 "José Miguel Benedí Ruiz", "license": "research use"}],
}


def write_meta(path: Path) -> None:
    """Merge :data:`META` into the spaCy ``meta.json`` at ``path``."""
    import json

    meta = json.loads(path.read_text(encoding="utf-8"))
    meta.update(META)
    path.write_text(json.dumps(meta, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    """Command entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=default_data_dir())
    parser.add_argument("--work", type=Path, default=Path("/tmp/ckg-ner"))
    parser.add_argument("--max-steps", type=int, default=5000)
    parser.add_argument("--dest", type=Path, default=ner_model.DEFAULT_MODEL_DIR)
    args = parser.parse_args(argv)
    if not (args.data / "train.txt").is_file():
        print(f"ANERcorp not found in {args.data}", file=sys.stderr)
        return 1
    dest = train(args.data, args.work, args.max_steps, args.dest)
    print(f"model installed in {dest}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
