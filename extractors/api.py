"""``extract``: from a report's text to a typed :class:`kg.core.model.Report`."""

from __future__ import annotations

import datetime as dt

from spacy.language import Language

from extractors.annotations import state
from extractors.pipeline import make_nlp
from kg.core.model import Document, Report
from kg.core.text import detect_language

__all__ = ["EXTRACTOR_VERSION", "extract"]

#: Recorded on every report.
EXTRACTOR_VERSION = "0.1"


def extract(document: Document, *, nlp: Language | None = None,
            today: dt.date | None = None) -> Report:
    """Read the events, mentions and sources of one report.

    Pure: no I/O besides loading package data (pattern tables, the optional NER model)
    when ``nlp`` is not given.

    Args:
        document: the report; ``lang="auto"`` detects the language.
        nlp: a pipeline from :func:`make_nlp` (pass one to reuse it across reports, and
            :func:`kg.pipeline.nlp.build_nlp`'s to match the shipped knowledge base's
            names); when omitted, one without a knowledge base is built for the
            document's language.
        today: the date that bounds "the most recent year" for texts without a
            publication date (default: today).

    Returns:
        The report with its mentions and events.
    """
    lang = document.lang if document.lang in ("ar", "en") else detect_language(document.text)
    if nlp is None:
        nlp = make_nlp(lang)
    doc = nlp.make_doc(document.text)
    doc.user_data["published"] = document.published
    doc.user_data["source"] = document.source
    doc.user_data["url"] = document.url
    doc.user_data["today"] = today
    for _name, proc in nlp.pipeline:
        doc = proc(doc)
    st = state(doc)
    return Report(document=document, lang=nlp.lang or lang,
                  mentions=[h.mention for h in st.mentions], events=st.events,
                  extractor="conflict-kg", extractor_version=EXTRACTOR_VERSION)
