"""The extraction pipeline with the shipped knowledge base's names.

:func:`extractors.make_nlp` knows no knowledge base: the extractors import only
:mod:`kg.core`. This module hands it the KB's gazetteer, read once per process.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from spacy.language import Language

from extractors import make_nlp
from extractors.entities import Gazetteer
from kg.linking.kb import load_kb


@lru_cache(maxsize=2)
def kb_gazetteer(path: str | None = None) -> Gazetteer:
    """The gazetteer of the shipped knowledge base, or of the KB file ``path``."""
    kb = load_kb(Path(path)) if path else load_kb()
    rows = []
    for alias, key in kb.aliases():
        ent = kb.entity(key)
        rows.append((alias, ent.key, ent.kind, ent.type, ent.parent, ent.prominence))
    return Gazetteer(rows)


def build_nlp(lang: str, config: dict[str, Any] | None = None, *,
              kb_path: str | None = None) -> Language:
    """:func:`extractors.make_nlp` for ``lang`` matching the knowledge base's names.

    Args:
        lang: ``ar`` or ``en``.
        config: the pipeline's options (:data:`extractors.pipeline.DEFAULTS`).
        kb_path: a KB resource file other than the shipped one.
    """
    return make_nlp(lang, config, gazetteer=kb_gazetteer(kb_path))
