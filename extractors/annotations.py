"""What the pipeline components write on a spaCy ``Doc`` (``doc._.ckg``).

Each component reads what earlier ones wrote and adds its own layer: token keys and
sentences, entity mentions, time expressions, triggers, casualties, speakers, and at
the end the events. Token indexes are ``Doc`` token indexes; character offsets are
offsets into the original text (the ``Doc`` text is the original text).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from spacy.tokens import Doc

from kg.core.model import Event, Mention


@dataclass(slots=True, eq=False)
class MentionHit:
    """An entity mention found in the text."""

    start: int  # first token
    end: int  # token after the last
    mention: Mention
    #: how it was found: ``kb``, ``pattern``, ``propagated``, ``ner``, ``anaphor``
    source: str = "kb"
    #: for a person with a title that names an organisation: that organisation's hit
    speaks_for: MentionHit | None = None
    #: for a region named by a direction from a settlement (شرقي بغداد): the settlement
    inner: MentionHit | None = None
    #: a countryside named with its word (ريف حلب الغربي): around the place, not in it
    countryside: bool = False
    #: for a seat read from a name it shares with its governorate or district (دير
    #: الزور، حلب): that container's KB key, as the text may mean either
    container: str | None = None


@dataclass(slots=True, eq=False)
class TimeHit:
    """A time expression and its parts, resolved against the reference date."""

    start: int
    end: int
    weekday: int | None = None
    day: int | None = None
    month: int | None = None
    year: int | None = None
    days_back: int | None = None
    period: str | None = None
    same_day: bool = False
    vague: bool = False
    #: a weekday told as still to come ("ابتداء من يوم الأحد", "starting Sunday")
    ahead: bool = False
    value: str | None = None
    precision: str = "unknown"


@dataclass(slots=True, eq=False)
class TriggerHit:
    """A word or phrase that reports a happening."""

    start: int
    end: int
    type: str | None
    kind: str
    confidence: float
    definite: bool = False
    #: typed from the word after a generic operation noun (العملية الأمنية)
    generic: bool = False


@dataclass(slots=True, eq=False)
class CasualtyHit:
    """People killed, injured, arrested, abducted or missing, as told at one place."""

    start: int
    end: int
    status: str
    count: int | None
    qualifier: str | None = None
    affiliation: MentionHit | None = None
    #: a generic group word (خلية) that stands for the last group named with it
    group_word: str | None = None
    #: people told apart from those before them ("seven ISIS fighters and 19 other
    #: offenders"): no side is inferred for them
    apart: bool = False


@dataclass(slots=True)
class SpeakerHit:
    """Who a sentence is attributed to."""

    sentence: int
    start: int
    end: int
    speakers: list[MentionHit]
    carried: bool = False
    #: events from this token on are attributed (a verb after a comma, "…، وقال X
    #: إن", speaks for what follows it; بحسب and "…, X said" for the whole sentence)
    scope: int = 0


@dataclass(slots=True)
class DocState:
    """All layers of one document."""

    lang: str
    published: dt.date | None
    today: dt.date
    #: the outlet that published the report, as the feed gives it (``None`` if unknown)
    source: str | None = None
    #: the report's URL, if known (a dated URL shows the publication date)
    url: str | None = None
    #: the document text (``Doc.text`` is rebuilt from tokens on every access)
    text: str = ""
    #: token texts and their start offsets in :attr:`text`
    words: list[str] = field(default_factory=list)
    starts: list[int] = field(default_factory=list)
    norms: list[str] = field(default_factory=list)
    keys: list[tuple[tuple[str, int], ...]] = field(default_factory=list)
    #: the lookup forms of each token as a set (the keys without their cut)
    forms: list[frozenset[str]] = field(default_factory=list)
    #: ``(start, end)`` token ranges of sentences
    sentences: list[tuple[int, int]] = field(default_factory=list)
    sentence_of: list[int] = field(default_factory=list)
    mentions: list[MentionHit] = field(default_factory=list)
    times: list[TimeHit] = field(default_factory=list)
    reference: dt.date | None = None
    #: the reference date was read from a date in the text, not given as the report's
    #: publication date (with the report or by a dated URL)
    reference_told: bool = False
    triggers: list[TriggerHit] = field(default_factory=list)
    casualties: list[CasualtyHit] = field(default_factory=list)
    speakers: list[SpeakerHit] = field(default_factory=list)
    #: token indexes of participles that attribute a clause to its subject
    claims: list[int] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    #: the KB's parent organisation of each actor key (for sub-units and sides)
    parents: dict[str, str] = field(default_factory=dict)

    #: scratch space of components (caches per document)
    user: dict[str, Any] = field(default_factory=dict)
    #: per-sentence lists of layers, built on first use (see :meth:`in_sentence`)
    _by_sentence: dict[str, list[list[Any]]] = field(default_factory=dict)

    def in_sentence(self, layer: str, index: int) -> list[Any]:
        """Items of a layer (``mentions``, ``times``, ``triggers``, ``casualties``)
        that start in sentence ``index``, in text order. Built once per layer; call it
        only after the layer is complete."""
        lists = self._by_sentence.get(layer)
        if lists is None:
            lists = [[] for _ in self.sentences]
            for item in sorted(getattr(self, layer), key=lambda h: h.start):
                if 0 <= item.start < len(self.sentence_of):
                    lists[self.sentence_of[item.start]].append(item)
            self._by_sentence[layer] = lists
        return lists[index] if 0 <= index < len(lists) else []

    def char_span(self, start: int, end: int) -> tuple[int, int]:
        """Character offsets of tokens ``[start, end)``."""
        last = max(start, end - 1)
        return self.starts[start], self.starts[last] + len(self.words[last])

    def mention_at(self, token: int) -> MentionHit | None:
        """The mention covering ``token``, if any."""
        for hit in self.mentions:
            if hit.start <= token < hit.end:
                return hit
        return None


def ensure_extensions() -> None:
    """Register the ``Doc._.ckg`` extension (idempotent)."""
    if not Doc.has_extension("ckg"):
        Doc.set_extension("ckg", default=None)


def state(doc: Doc) -> DocState:
    """The layers of ``doc``; creates an empty state if the normaliser did not run.

    The publication date comes from ``doc.user_data["published"]``, the outlet from
    ``doc.user_data["source"]`` and the date used for "the most recent year" from
    ``doc.user_data["today"]`` (default: today).
    """
    ensure_extensions()
    current = doc._.ckg
    if current is None:
        lang = doc.lang_ if doc.lang_ in ("ar", "en") else "ar"
        current = DocState(lang=lang, published=doc.user_data.get("published"),
                           today=doc.user_data.get("today") or dt.date.today(),
                           source=doc.user_data.get("source"), url=doc.user_data.get("url"))
        doc._.ckg = current
    return current
