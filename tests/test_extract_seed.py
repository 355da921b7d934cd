"""The extractor with the shipped KB on the founding report (bundled as a sample)."""

from __future__ import annotations

import datetime as dt

import pytest

from extractors import extract
from kg.core.model import Document, Report
from kg.pipeline.nlp import build_nlp


@pytest.fixture(scope="module")
def report() -> Report:
    from pathlib import Path

    text = (Path(__file__).resolve().parent.parent / "kg" / "samples"
            / "report-ar-000.txt").read_text(encoding="utf-8")
    return extract(Document(text, lang="ar"), nlp=build_nlp("ar"), today=dt.date(2026, 11, 25))


def test_event_mentions_are_report_mentions(report: Report) -> None:
    ids = {id(m) for m in report.mentions}
    for event in report.events:
        referenced = [p.mention for p in event.actors] + list(event.according_to) + [
            c.affiliation for c in event.casualties if c.affiliation is not None]
        if event.place is not None:
            referenced.append(event.place.mention)
        assert all(id(m) in ids for m in referenced), event


def test_spans_are_offsets_into_the_text(report: Report) -> None:
    text = report.document.text
    for mention in report.mentions:
        assert text[mention.span.start:mention.span.end] == mention.span.text
    for event in report.events:
        assert text[event.trigger.start:event.trigger.end] == event.trigger.text
        assert event.sentence.start <= event.trigger.start < event.sentence.end


def test_founding_report_events(report: Report) -> None:
    summary = sorted((e.type, e.date.value if e.date else None, e.background)
                     for e in report.events)
    assert summary == sorted([
        ("Raid", "2021-12-13", False), ("Curfew", "2021-12-13", False),
        ("ArmedClash", "2021-12-12", False), ("Attack", "2021-12-12", False),
        ("Attack", "2021-12-12", False), ("Raid", "2021-12-12", False),
        ("Attack", "2021-12-06", True), ("PrisonBreak", None, True),
        ("PrisonBreak", None, True), ("MilitaryOperation", "2019", True),
        ("MilitaryOperation", "2020", True)])
    joint = next(e for e in report.events if e.type == "Raid" and e.date
                 and e.date.value == "2021-12-13")
    assert {(p.mention.entity, p.role) for p in joint.actors} == {
        ("actor:sdf", "perpetrator"), ("actor:cjtf_oir", "supporter"),
        ("actor:isis", "target")}
    assert [(c.status, c.count) for c in joint.casualties] == [("killed", 5)]
    assert {m.entity for m in joint.according_to} == {"actor:sdf", "actor:sohr"}
