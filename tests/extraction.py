"""What the extraction tests share: one report from a pipeline, and its casualties."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from kg.core.model import Document, Report

#: The publication date of the test sentences (a Monday).
PUBLISHED = dt.date(2023, 3, 13)

#: "Today" for dates without a year.
TODAY = dt.date(2026, 11, 25)


def run(nlp: Any, text: str, published: dt.date | None = PUBLISHED) -> Report:
    """The report ``nlp`` extracts from ``text``."""
    from extractors import extract

    return extract(Document(text, lang=nlp.lang, published=published), nlp=nlp, today=TODAY)


def casualties(report: Report) -> set[tuple[str, int | None, str | None]]:
    """``(status, count, side's KB key or name)`` of every casualty of the report."""
    return {(c.status, c.count, (c.affiliation.entity or c.affiliation.name)
             if c.affiliation else None)
            for e in report.events for c in e.casualties}


def pipeline(lang: str, aliases: list[list[Any]]) -> Any:
    """A pipeline for ``lang`` knowing only ``aliases`` (KB rows), without the NER model."""
    from extractors import make_nlp

    return make_nlp(lang, {"aliases": aliases, "ner": False})


def pipeline_fixtures(aliases: list[list[Any]]) -> tuple[Any, Any]:
    """The module fixtures ``nlp_ar`` and ``nlp_en``: pipelines knowing ``aliases``."""
    ar = pytest.fixture(scope="module", name="nlp_ar")(lambda: pipeline("ar", aliases))
    en = pytest.fixture(scope="module", name="nlp_en")(lambda: pipeline("en", aliases))
    return ar, en
