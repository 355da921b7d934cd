"""The statistical Arabic NER fallback: a small spaCy model trained on ANERcorp.

Gazetteers, titles and patterns carry the domain; this model only catches names
no list has. It was trained from scratch (no pretrained vectors) on text passed
through :func:`kg.core.text.normalize`, so text is normalised the same
way before tagging and the entity offsets are mapped back to the original text.

:func:`load_ner` returns the trained pipeline (or ``None``, with a log message,
when the model folder is missing) and :func:`find_entities` tags a text with it.
The extraction pipeline's ``ckg_statistical_ner`` component
(:mod:`extractors.entities`) calls both.

>>> stem_form("والصادرات")
'صادرات'
>>> stem_form("للتحالف")
'تحالف'
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc

from kg.core.text import clitic_variants, normalize, strip_article

log = logging.getLogger(__name__)

#: Where the trained model ships, inside the package.
DEFAULT_MODEL_DIR = Path(__file__).parent / "models" / "ner-ar"

#: ANERcorp labels and the mention kinds of :mod:`kg.core.model` they correspond to
#: (``MISC`` has no counterpart and is not turned into mentions).
LABEL_KINDS: dict[str, str] = {"LOC": "place", "PERS": "person", "ORG": "actor"}

#: Confidence given to a statistical entity (the greedy parser has no scores);
#: lower than any gazetteer or pattern match so those win on overlap.
STATISTICAL_CONFIDENCE = 0.5


def stem_form(token: str) -> str:
    """The token with its proclitics (و ف ب ل ك) and the article removed.

    Args:
        token: a normalised Arabic token.

    Returns:
        The shortest clitic-stripped form, article removed; the token itself when
        nothing can be stripped.
    """
    variants = clitic_variants(token)
    form = variants[-1][0] if variants else token
    return strip_article(form)


@Language.component("ckg_ar_stem_norm")
def stem_norm_component(doc: Doc) -> Doc:
    """Set each token's ``norm_`` to its clitic- and article-free form.

    The NER model embeds ``ORTH`` (the written form) and ``NORM`` (this stem), so
    ``وبغداد`` and ``بغداد`` share features. Part of the trained pipeline.

    Args:
        doc: a doc of normalised text.

    Returns:
        The same doc.
    """
    for token in doc:
        stem = stem_form(token.text)
        if stem != token.text:
            token.norm_ = stem
    return doc


@dataclass(frozen=True, slots=True)
class FoundEntity:
    """An entity the statistical model found, in original-text offsets."""

    start: int
    end: int
    text: str
    label: str


def load_ner(path: str | Path | None = None) -> Language | None:
    """Load the trained NER pipeline.

    Args:
        path: the model folder; the shipped ``extractors/models/ner-ar`` by default.

    Returns:
        The pipeline, or ``None`` (with a warning logged) when the folder holds no
        model.
    """
    import spacy

    folder = Path(path) if path is not None else DEFAULT_MODEL_DIR
    if not (folder / "config.cfg").is_file():
        log.warning(
            "statistical NER model not found in %s; the NER fallback is skipped "
            "(train one with: python -m extractors.training.train_ner)", folder)
        return None
    return spacy.load(folder)


def find_entities(ner: Language, text: str) -> list[FoundEntity]:
    """Tag a text with the statistical model.

    The text is normalised first (as at training time); entity offsets are mapped
    back to ``text``.

    >>> import spacy
    >>> find_entities(spacy.blank("ar"), "لا شيء")
    []

    Args:
        ner: a pipeline from :func:`load_ner`.
        text: the original text.

    Returns:
        Entities in text order, with offsets into ``text``.
    """
    norm = normalize(text)
    doc = ner(norm.text)
    found: list[FoundEntity] = []
    for ent in doc.ents:
        start, end = norm.original_span(ent.start_char, ent.end_char)
        found.append(FoundEntity(start, end, text[start:end], ent.label_))
    return found
