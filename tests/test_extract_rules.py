"""Rules added to generalise the extractor: short sentences written for each rule."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_normaliser_import_does_not_load_spacy() -> None:
    code = ("import sys, extractors.normalize, kg.iris; "
            "assert 'spacy' not in sys.modules, 'spacy imported'; "
            "import extractors; assert callable(extractors.make_nlp); "
            "assert 'spacy' in sys.modules")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                          text=True, env={"PYTHONPATH": str(ROOT)}, check=False)
    assert done.returncode == 0, done.stderr
