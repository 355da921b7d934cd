"""``make_nlp``: the extraction pipeline as registered spaCy components.

>>> nlp = make_nlp("ar", {"ner": True})
>>> nlp.pipe_names
['ckg_tokens', 'ckg_gazetteer', 'ckg_entity_patterns', 'ckg_times', 'ckg_triggers', \
'ckg_statistical_ner', 'ckg_casualties', 'ckg_attribution', 'ckg_events']
"""

from __future__ import annotations

from typing import Any, cast

import spacy
from spacy.language import Language

# Importing the modules registers their factories (spaCy's @Language.factory).
from extractors import (  # noqa: F401
    attribution,
    casualties,
    entities,
    events,
    temporal,
    tokens,
    triggers,
)
from extractors.annotations import ensure_extensions
from extractors.entities import EntityPatterns, Gazetteer, GazetteerMatcher
from extractors.tokenizer import RegexTokenizer

#: Languages with pattern tables.
LANGUAGES = ("ar", "en")

#: Options of :func:`make_nlp` and their defaults.
DEFAULTS: dict[str, Any] = {
    "aliases": [],  # extra [alias, key, kind, type, parent, prominence] rows
    # the statistical NER fallback (skipped when its model is missing); off by default:
    # it costs about 40 % of the extraction time and the KB and patterns carry the domain
    "ner": False,
    "ner_model": None,  # another model folder
}


def make_nlp(lang: str, config: dict[str, Any] | None = None, *,
             gazetteer: Gazetteer | None = None) -> Language:
    """Build the extraction pipeline for ``lang`` on ``spacy.blank(lang)``.

    Args:
        lang: ``ar`` or ``en``.
        config: options (see :data:`DEFAULTS`).
        gazetteer: the names of a knowledge base to match (with the configured
            ``aliases`` added); :func:`kg.pipeline.nlp.build_nlp` hands in the shipped
            KB's. Without it only the ``aliases`` and the patterns find names.

    Returns:
        A pipeline whose components write ``doc._.ckg`` (see :mod:`extractors.annotations`).

    Raises:
        ValueError: unknown language or option.
    """
    if lang not in LANGUAGES:
        raise ValueError(f"E002 no extraction pipeline for language {lang!r}; use 'ar' or 'en'")
    options = dict(DEFAULTS)
    for key, value in (config or {}).items():
        if key not in DEFAULTS:
            raise ValueError(f"E003 unknown pipeline option {key!r}; known: {sorted(DEFAULTS)}")
        options[key] = value
    ensure_extensions()
    nlp = spacy.blank(lang)
    nlp.tokenizer = RegexTokenizer(nlp.vocab)
    nlp.add_pipe("ckg_tokens", config={"lang": lang})
    names = nlp.add_pipe("ckg_gazetteer", config={"lang": lang, "aliases": options["aliases"]})
    patterns = nlp.add_pipe("ckg_entity_patterns", config={"lang": lang})
    if gazetteer is not None:
        cast(GazetteerMatcher, names).use(gazetteer)
        cast(EntityPatterns, patterns).gazetteer = gazetteer
    nlp.add_pipe("ckg_times", config={"lang": lang})
    nlp.add_pipe("ckg_triggers", config={"lang": lang})
    if options["ner"] and lang == "ar":
        nlp.add_pipe("ckg_statistical_ner", config={"lang": lang,
                                                    "model_dir": options["ner_model"]})
    for name in ("ckg_casualties", "ckg_attribution", "ckg_events"):
        nlp.add_pipe(name, config={"lang": lang})
    return nlp
