"""conflict-kg extractors: from a report's text to a typed :class:`kg.core.model.Report`.

>>> from kg.core.model import Document
>>> from extractors import extract, make_nlp
>>> report = extract(Document("قصفت طائرات حربية بلدة البصيرة أمس.", lang="ar"),
...                  nlp=make_nlp("ar", {"ner": False}))
>>> [(e.type, e.place.mention.name) for e in report.events]
[('Airstrike', 'البصيرة')]
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover - names for type checkers only
    from extractors.api import EXTRACTOR_VERSION, extract
    from extractors.pipeline import make_nlp

__all__ = ["extract", "make_nlp", "EXTRACTOR_VERSION"]

#: Public names loaded on first use (PEP 562), so that ``import kg.core.text``
#: (used by kg.core.iris) does not import spaCy.
_LAZY = {"extract": "extractors.api", "EXTRACTOR_VERSION": "extractors.api",
         "make_nlp": "extractors.pipeline"}


def __getattr__(name: str) -> Any:
    """Import ``extract`` and ``make_nlp`` on first access.

    Args:
        name: the attribute asked for.

    Returns:
        The public function.

    Raises:
        AttributeError: for any other name.
    """
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'extractors' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value
