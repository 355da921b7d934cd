"""Typed records that flow from the extractors to the graph builder.

Extractors turn a :class:`Document` into a :class:`Report` without any I/O; the
linker fills in :attr:`Mention.entity`; :mod:`kg.graph.build` turns a report into quads.
Offsets are character offsets into :attr:`Document.text` (the original text, not
the normalised one).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Literal

EventType = Literal[
    "ArmedClash",
    "Attack",
    "Raid",
    "Airstrike",
    "Shelling",
    "Explosion",
    "SuicideBombing",
    "Assassination",
    "Arrest",
    "Abduction",
    "Curfew",
    "PrisonBreak",
    "MilitaryOperation",
]
EVENT_TYPES: tuple[str, ...] = EventType.__args__  # type: ignore[attr-defined]
#: Label of a mention of civilians as a side (مدنيين، أطفال، civilians), whose gold
#: name is "civilians".
CIVILIANS = "Civilians"

Role = Literal["perpetrator", "supporter", "target", "imposer", "participant"]
ROLES: tuple[str, ...] = Role.__args__  # type: ignore[attr-defined]

CasualtyStatus = Literal["killed", "injured", "arrested", "abducted", "missing"]
CASUALTY_STATUSES: tuple[str, ...] = CasualtyStatus.__args__  # type: ignore[attr-defined]

#: How precisely a date is known (ACLED time_precision 1-3, UCDP date_prec).
TimePrecision = Literal["day", "week", "month", "year", "unknown"]

#: How precisely a place is known (ACLED geo_precision, UCDP where_prec).
PlacePrecision = Literal["exact", "near", "area", "admin", "region", "country", "unknown"]

#: What a mention names. Kinds match the KB's entity kinds.
MentionKind = Literal["actor", "place", "person", "operation", "outlet", "facility"]


@dataclass(frozen=True, slots=True)
class Span:
    """A stretch of the original report text."""

    start: int
    end: int
    text: str


@dataclass(slots=True)
class Document:
    """One report as it arrives: its text and what is known about it."""

    text: str
    url: str | None = None
    title: str | None = None
    published: dt.date | None = None
    source: str | None = None
    lang: str = "auto"
    #: where it came from, for error messages: ``file`` or ``file:line``
    origin: str = "<input>"


@dataclass(slots=True)
class Mention:
    """A name in the text that refers to an entity."""

    span: Span
    kind: MentionKind
    #: fine type of the entity if known, e.g. ``ArmedGroup``, ``Town``, ``Governorate``
    label: str | None = None
    #: KB key of the entity (``actor:sdf``, ``place:SY090300``) once linked, else ``None``
    entity: str | None = None
    #: name to use when no KB entity is found (as written, clitics stripped)
    name: str | None = None
    confidence: float = 1.0
    #: confidence of the link to :attr:`entity` (0 when NIL)
    link_confidence: float = 0.0


@dataclass(slots=True)
class TimeValue:
    """A date with its precision; ``value`` is ``YYYY-MM-DD``, ``YYYY-MM`` or ``YYYY``."""

    value: str | None
    precision: TimePrecision
    span: Span | None = None


@dataclass(slots=True)
class PlaceRef:
    """Where an event happened: a place mention and how precisely it is known."""

    mention: Mention
    precision: PlacePrecision = "exact"
    #: relation words such as ``near``, ``east of``, ``countryside of``
    relation: str | None = None


@dataclass(slots=True)
class Participation:
    """An actor's part in an event."""

    mention: Mention
    role: Role


@dataclass(slots=True)
class Casualty:
    """People killed, injured, arrested, abducted or missing in an event."""

    status: CasualtyStatus
    count: int | None
    affiliation: Mention | None = None
    #: ``at_least``, ``more_than``, ``about``, ``up_to`` or ``None`` for an exact count
    qualifier: str | None = None
    span: Span | None = None


@dataclass(slots=True)
class Event:
    """One happening the report tells of."""

    type: EventType
    trigger: Span
    #: the sentence the event was read from
    sentence: Span
    date: TimeValue | None = None
    place: PlaceRef | None = None
    actors: list[Participation] = field(default_factory=list)
    casualties: list[Casualty] = field(default_factory=list)
    according_to: list[Mention] = field(default_factory=list)
    background: bool = False
    #: the name of a named operation or campaign, as written
    name: str | None = None
    #: index in :attr:`Report.events` of the operation this event is part of
    part_of: int | None = None
    confidence: float = 1.0


@dataclass(slots=True)
class Report:
    """What an extractor read from one document."""

    document: Document
    lang: str
    mentions: list[Mention] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    extractor: str = "conflict-kg"
    extractor_version: str = "0"
