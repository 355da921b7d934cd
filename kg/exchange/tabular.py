"""Tables of events for analysts: an ACLED-style CSV and a GeoJSON FeatureCollection.

One row (or feature) per event, read from the event's report graph and from the
entities it refers to (labels, ``ckg:locatedIn`` chain, coordinates — usually in the
knowledge-base graph). Columns follow ACLED's names where ACLED has the concept:

- ``event_type``/``sub_event_type`` come from :data:`ACLED_TYPES`, a table keyed by our
  event class and, where ACLED's coding depends on it, a condition on the event (an
  attack on an armed actor is a battle; a raid that only arrests is an arrest).
- ``time_precision`` is 1 (day), 2 (week) or 3 (month or coarser); ``event_date`` is
  the first day of the period the date covers.
- ``actor1`` is the first perpetrator (or imposer, or first participant);
  ``assoc_actor_1`` the other perpetrators and the supporters; ``actor2`` the first
  target (or second participant); ``assoc_actor_2`` the rest. Several names are
  joined with ``"; "`` as ACLED does.
- ``admin1``–``admin3`` come from the place's ``ckg:locatedIn`` chain by
  ``ckg:adminLevel``; ``geo_precision`` is 1 (exact), 2 (near/part of) or 3 (region,
  or coordinates taken from an enclosing unit).
- ``fatalities`` sums the counts of ``ckg:Killed`` casualties (unknown counts add 0).
- ``notes`` is a short note with the sentence the event was read from.

Background events (history the report mentions, ``ckg:isBackground true``) are left
out of the CSV, as a coder would code them from their own reports; GeoJSON keeps
them with ``"background": true``.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO, Any

from pyoxigraph import Literal, NamedNode
from rdflib.namespace import RDF, RDFS

from kg.core.model import EVENT_TYPES
from kg.exchange.selection import EventRef, date_interval
from kg.graph.store import GraphStore
from ontology.namespace import CKG, GEO, SCHEMA

#: ACLED (event_type, sub_event_type) per event class: a list of (condition, types)
#: tried in order; the condition ``None`` always holds. Conditions are names in
#: :data:`CONDITIONS`.
ACLED_TYPES: dict[str, list[tuple[str | None, tuple[str, str]]]] = {
    "ArmedClash": [(None, ("Battles", "Armed clash"))],
    "Attack": [("armed_target", ("Battles", "Armed clash")),
               (None, ("Violence against civilians", "Attack"))],
    "Raid": [("arrests_only", ("Strategic developments", "Arrests")),
             (None, ("Battles", "Armed clash"))],
    "Airstrike": [(None, ("Explosions/Remote violence", "Air/drone strike"))],
    "Shelling": [(None, ("Explosions/Remote violence", "Shelling/artillery/missile attack"))],
    "Explosion": [(None, ("Explosions/Remote violence", "Remote explosive/landmine/IED"))],
    "SuicideBombing": [(None, ("Explosions/Remote violence", "Suicide bomb"))],
    "Assassination": [("armed_target", ("Battles", "Armed clash")),
                      (None, ("Violence against civilians", "Attack"))],
    "Arrest": [(None, ("Strategic developments", "Arrests"))],
    "Abduction": [(None, ("Violence against civilians", "Abduction/forced disappearance"))],
    "Curfew": [(None, ("Strategic developments", "Other"))],
    "PrisonBreak": [(None, ("Strategic developments", "Other"))],
    "MilitaryOperation": [(None, ("Strategic developments", "Other"))],
}

#: Classes of actors that count as armed (ACLED codes attacks on them as battles).
ARMED_CLASSES = frozenset(str(CKG[name]) for name in (
    "ArmedActor", "ArmedGroup", "StateForce", "Coalition", "Militia", "TerroristOrganization"))

#: ACLED time_precision by our time precision individual.
TIME_PRECISION: dict[str, int] = {
    str(CKG.DayPrecision): 1, str(CKG.WeekPrecision): 2,
    str(CKG.MonthPrecision): 3, str(CKG.YearPrecision): 3,
}

#: ACLED geo_precision by our place precision individual.
GEO_PRECISION: dict[str, int] = {
    str(CKG.ExactPlace): 1, str(CKG.NearPlace): 2, str(CKG.AreaPlace): 2,
    str(CKG.AdminAreaPlace): 3, str(CKG.RegionPlace): 3, str(CKG.CountryPlace): 3,
}

#: ISO 3166-1 numeric code by the country's P-code (ISO alpha-2), for ACLED's ``iso``.
COUNTRY_ISO: dict[str, int] = {"SY": 760, "IQ": 368, "TR": 792, "LB": 422, "JO": 400}

#: The CSV columns, in order.
ACLED_COLUMNS: tuple[str, ...] = (
    "event_id_cnty", "event_date", "year", "time_precision", "event_type", "sub_event_type",
    "actor1", "assoc_actor_1", "actor2", "assoc_actor_2", "iso", "country",
    "admin1", "admin2", "admin3", "location", "latitude", "longitude", "geo_precision",
    "source", "notes", "fatalities", "event_iri", "conflict_kg_type", "report",
)

#: Longest sentence quoted in ``notes`` (characters).
NOTE_SENTENCE_CHARS = 300

_ROLE_PROPERTIES = {str(CKG[r]): r for r in
                    ("perpetrator", "supporter", "target", "imposer", "participant")}
_ROLE_INDIVIDUALS = {str(CKG[f"{r.capitalize()}Role"]): r for r in _ROLE_PROPERTIES.values()}
_EVENT_CLASSES = {str(CKG[name]): name for name in EVENT_TYPES}
_POINT = re.compile(r"POINT\s*\(\s*([-+0-9.eE]+)\s+([-+0-9.eE]+)\s*\)", re.IGNORECASE)
_INDEX = re.compile(r"/(\d+)$")


def _n(term: Any) -> NamedNode:
    return NamedNode(str(term))


def _value(term: Any) -> str:
    """The lexical value of an IRI, blank node or literal."""
    return str(term.value)


@dataclass(slots=True)
class EventFacts:
    """What one event's graph says about it."""

    iri: str
    graph: str
    type: str = ""
    date: Literal | None = None
    time_precision: str | None = None
    place: str | None = None
    place_precision: str | None = None
    background: bool = False
    report: str | None = None
    #: (role, actor IRI) in text order
    actors: list[tuple[str, str]] = field(default_factory=list)
    #: (status IRI, count or None, affiliation IRI or None)
    casualties: list[tuple[str, int | None, str | None]] = field(default_factory=list)
    according_to: list[str] = field(default_factory=list)
    sentence: str | None = None


class _Entities:
    """Labels, types, place chains and coordinates of entities, read once each."""

    def __init__(self, store: GraphStore, lang: str) -> None:
        self._store = store
        self._langs = (lang, "en", "ar", "")
        self._cache: dict[str, dict[str, list[Any]]] = {}

    def facts(self, iri: str) -> dict[str, list[Any]]:
        cached = self._cache.get(iri)
        if cached is None:
            cached = {}
            for quad in self._store.match(subject=NamedNode(iri)):
                cached.setdefault(quad.predicate.value, []).append(quad.object)
            self._cache[iri] = cached
        return cached

    def label(self, iri: str | None) -> str:
        if iri is None:
            return ""
        labels = [o for o in self.facts(iri).get(str(RDFS.label), []) if isinstance(o, Literal)]
        for lang in self._langs:
            chosen = sorted(o.value for o in labels if (o.language or "") == lang)
            if chosen:
                return chosen[0]
        if labels:
            return sorted(o.value for o in labels)[0]
        return iri.rstrip("/").rsplit("/", 1)[-1]

    def types(self, iri: str) -> set[str]:
        return {o.value for o in self.facts(iri).get(str(RDF.type), [])}

    def chain(self, iri: str) -> list[str]:
        """The place and the places it is located in, innermost first."""
        chain = [iri]
        while True:
            parents = sorted(o.value for o in self.facts(chain[-1]).get(str(CKG.locatedIn), [])
                             if isinstance(o, NamedNode))
            if not parents or parents[0] in chain:
                return chain
            chain.append(parents[0])

    def point(self, iri: str) -> tuple[float, float] | None:
        """(longitude, latitude) of a place's geometry, if it has one."""
        for geometry in self.facts(iri).get(str(GEO.hasGeometry), []):
            if not isinstance(geometry, NamedNode):
                continue
            for wkt in self.facts(geometry.value).get(str(GEO.asWKT), []):
                match = _POINT.search(wkt.value)
                if match:
                    return float(match.group(1)), float(match.group(2))
        return None

    def integer(self, iri: str, predicate: Any) -> int | None:
        for value in self.facts(iri).get(str(predicate), []):
            try:
                return int(value.value)
            except ValueError:
                continue
        return None

    def text(self, iri: str, predicate: Any) -> str | None:
        values = sorted(v.value for v in self.facts(iri).get(str(predicate), []))
        return values[0] if values else None


def read_event(store: GraphStore, ref: EventRef) -> EventFacts:
    """Collect what the report graph says about one event."""
    graph = NamedNode(ref.graph)
    facts = EventFacts(ref.event, ref.graph)
    participations: list[tuple[int, str, str]] = []
    direct: list[tuple[str, str]] = []
    casualty_nodes: list[str] = []
    for quad in store.match(subject=NamedNode(ref.event), graph=graph):
        p, o = quad.predicate.value, quad.object
        value = _value(o)
        if p == str(RDF.type) and value in _EVENT_CLASSES:
            facts.type = _EVENT_CLASSES[value]
        elif p == str(CKG.date) and isinstance(o, Literal):
            facts.date = o
        elif p == str(CKG.timePrecision):
            facts.time_precision = value
        elif p == str(CKG.place):
            facts.place = value
        elif p == str(CKG.placePrecision):
            facts.place_precision = value
        elif p == str(CKG.isBackground):
            facts.background = value in ("true", "1")
        elif p == str(CKG.reportedIn):
            facts.report = value
        elif p in _ROLE_PROPERTIES:
            direct.append((_ROLE_PROPERTIES[p], value))
        elif p == str(CKG.hasParticipation):
            participations.append(_participation(store, graph, value))
        elif p == str(CKG.casualty):
            casualty_nodes.append(value)
        elif p == str(CKG.accordingTo):
            facts.according_to.append(value)
        elif p == str(CKG.evidence):
            facts.sentence = _span_text(store, graph, value)
    participations.sort()
    ordered = [(role, agent) for _, role, agent in participations if role]
    facts.actors = ordered + sorted(set(direct) - set(ordered))
    facts.according_to.sort()
    facts.casualties = sorted((_casualty(store, graph, node) for node in sorted(casualty_nodes)),
                              key=lambda c: (c[0], -1 if c[1] is None else c[1], c[2] or ""))
    return facts


def _participation(store: GraphStore, graph: NamedNode, node: str) -> tuple[int, str, str]:
    match = _INDEX.search(node)
    index = int(match.group(1)) if match else 1 << 30
    role, agent = "", ""
    for quad in store.match(subject=NamedNode(node), graph=graph):
        if quad.predicate.value == str(CKG.role):
            role = _ROLE_INDIVIDUALS.get(_value(quad.object), "")
        elif quad.predicate.value == str(CKG.agent):
            agent = _value(quad.object)
    return index, role, agent


def _span_text(store: GraphStore, graph: NamedNode, node: str) -> str | None:
    for quad in store.match(subject=NamedNode(node), predicate=_n(CKG.spanText), graph=graph):
        return _value(quad.object)
    return None


def _casualty(store: GraphStore, graph: NamedNode,
              node: str) -> tuple[str, int | None, str | None]:
    status, count, affiliation = "", None, None
    for quad in store.match(subject=NamedNode(node), graph=graph):
        p = quad.predicate.value
        if p == str(CKG.casualtyStatus):
            status = _value(quad.object)
        elif p == str(CKG.count):
            try:
                count = int(_value(quad.object))
            except ValueError:
                count = None
        elif p == str(CKG.affiliation):
            affiliation = _value(quad.object)
    return status, count, affiliation


# --------------------------------------------------------------------------- rows

CONDITIONS = {
    "armed_target": lambda facts, entities: any(
        role == "target" and entities.types(actor) & ARMED_CLASSES
        for role, actor in facts.actors),
    "arrests_only": lambda facts, entities: bool(facts.casualties) and all(
        status in (str(CKG.Arrested), str(CKG.Abducted)) for status, _, _ in facts.casualties),
}


def acled_types(facts: EventFacts, entities: _Entities) -> tuple[str, str]:
    """ACLED (event_type, sub_event_type) of an event, from :data:`ACLED_TYPES`."""
    for condition, types in ACLED_TYPES.get(facts.type, []):
        if condition is None or CONDITIONS[condition](facts, entities):
            return types
    return "", ""


def _actor_columns(facts: EventFacts, entities: _Entities) -> dict[str, str]:
    by_role: dict[str, list[str]] = {}
    for role, actor in facts.actors:
        names = by_role.setdefault(role, [])
        label = entities.label(actor)
        if label not in names:
            names.append(label)
    side1 = by_role.get("perpetrator") or by_role.get("imposer") or []
    side2 = list(by_role.get("target", []))
    participants = by_role.get("participant", [])
    if not side1 and participants:
        side1, participants = participants[:1], participants[1:]
    if not side2 and participants:
        side2, participants = participants[:1], participants[1:]
    assoc1 = side1[1:] + [n for n in by_role.get("supporter", []) if n not in side1]
    if by_role.get("perpetrator"):
        assoc1 += [n for n in by_role.get("imposer", []) if n not in side1 + assoc1]
    assoc2 = side2[1:] + [n for n in participants if n not in side1 + side2]
    return {
        "actor1": side1[0] if side1 else "",
        "assoc_actor_1": "; ".join(assoc1),
        "actor2": side2[0] if side2 else "",
        "assoc_actor_2": "; ".join(assoc2),
    }


def _place_columns(facts: EventFacts, entities: _Entities) -> dict[str, Any]:
    columns: dict[str, Any] = {k: "" for k in ("iso", "country", "admin1", "admin2", "admin3",
                                               "location", "latitude", "longitude",
                                               "geo_precision")}
    if facts.place is None:
        return columns
    chain = entities.chain(facts.place)
    columns["location"] = entities.label(facts.place)
    for place in chain:
        level = entities.integer(place, CKG.adminLevel)
        is_country = str(CKG.Country) in entities.types(place) or level == 0
        if is_country and not columns["country"]:
            columns["country"] = entities.label(place)
            code = entities.text(place, CKG.pcode)
            columns["iso"] = COUNTRY_ISO.get(code or "", "")
        elif level in (1, 2, 3) and not columns[f"admin{level}"]:
            columns[f"admin{level}"] = entities.label(place)
    precision = GEO_PRECISION.get(facts.place_precision or "", "")
    for depth, place in enumerate(chain):
        point = entities.point(place)
        if point is not None:
            columns["longitude"], columns["latitude"] = round(point[0], 5), round(point[1], 5)
            if depth > 0:
                precision = 3
            columns["geo_precision"] = precision
            break
    return columns


def _note(facts: EventFacts, date: str, location: str) -> str:
    sentence = " ".join((facts.sentence or "").split())
    if len(sentence) > NOTE_SENTENCE_CHARS:
        sentence = sentence[:NOTE_SENTENCE_CHARS - 1].rstrip() + "…"
    head = f"{facts.type} on {date or 'an unknown date'}"
    if location:
        head += f" in {location}"
    return f"{head}. Report: {sentence}" if sentence else head + "."


def event_row(facts: EventFacts, entities: _Entities) -> dict[str, Any]:
    """The ACLED-style row of one event (keys: :data:`ACLED_COLUMNS`)."""
    span = date_interval(facts.date.value, facts.date.datatype.value) if facts.date else None
    date = span[0].isoformat() if span else ""
    event_type, sub_event_type = acled_types(facts, entities)
    sources = []
    if facts.report is not None:
        for publisher in entities.facts(facts.report).get(str(SCHEMA.publisher), []):
            sources.append(entities.label(publisher.value) if isinstance(publisher, NamedNode)
                           else publisher.value)
    for source in facts.according_to:
        label = entities.label(source)
        if label not in sources:
            sources.append(label)
    places = _place_columns(facts, entities)
    fatalities = sum(count or 0 for status, count, _ in facts.casualties
                     if status == str(CKG.Killed))
    row = {
        "event_id_cnty": facts.iri.rstrip("/").rsplit("/", 1)[-1],
        "event_date": date,
        "year": span[0].year if span else "",
        "time_precision": TIME_PRECISION.get(facts.time_precision or "", ""),
        "event_type": event_type,
        "sub_event_type": sub_event_type,
        **_actor_columns(facts, entities),
        **places,
        "source": "; ".join(sources),
        "notes": _note(facts, facts.date.value if facts.date else "", places["location"]),
        "fatalities": fatalities,
        "event_iri": facts.iri,
        "conflict_kg_type": facts.type,
        "report": facts.report or "",
    }
    return row


def iter_rows(store: GraphStore, events: list[EventRef], *, lang: str = "en",
              background: bool = True) -> Iterator[tuple[EventFacts, dict[str, Any]]]:
    """Facts and ACLED-style row of each event, in the order given.

    Args:
        store: the store.
        events: the events (see :func:`kg.exchange.selection.select_events`).
        lang: preferred language of labels (then English, Arabic, any).
        background: include background events.
    """
    entities = _Entities(store, lang)
    for ref in events:
        facts = read_event(store, ref)
        if facts.background and not background:
            continue
        yield facts, event_row(facts, entities)


def write_acled(out: IO[bytes], store: GraphStore, events: list[EventRef], *,
                lang: str = "en") -> int:
    """Write the ACLED-style CSV (UTF-8, RFC 4180) of the non-background events.

    Returns:
        The number of rows written (without the header).
    """
    text = io.TextIOWrapper(out, encoding="utf-8", newline="", write_through=True)
    try:
        writer = csv.DictWriter(text, fieldnames=ACLED_COLUMNS, lineterminator="\r\n")
        writer.writeheader()
        rows = 0
        for _, row in iter_rows(store, events, lang=lang, background=False):
            writer.writerow(row)
            rows += 1
        text.flush()
    finally:
        text.detach()
    return rows


def write_geojson(out: IO[bytes], store: GraphStore, events: list[EventRef], *,
                  lang: str = "en") -> int:
    """Write a GeoJSON FeatureCollection with one Point feature per event.

    Events whose place has no coordinates (nor any enclosing place) get a ``null``
    geometry, as GeoJSON allows.

    Returns:
        The number of features written.
    """
    out.write(b'{"type":"FeatureCollection","features":[')
    count = 0
    for facts, row in iter_rows(store, events, lang=lang, background=True):
        lon, lat = row.pop("longitude"), row.pop("latitude")
        geometry = ({"type": "Point", "coordinates": [lon, lat]} if lon != "" else None)
        properties = {k: v for k, v in row.items() if v != ""}
        properties["background"] = facts.background
        properties["date"] = facts.date.value if facts.date else None
        properties["place_iri"] = facts.place
        properties["actors"] = [{"role": role, "iri": iri} for role, iri in facts.actors]
        feature = {"type": "Feature", "id": facts.iri, "geometry": geometry,
                   "properties": properties}
        out.write((b"\n" if count == 0 else b",\n")
                  + json.dumps(feature, ensure_ascii=False, separators=(",", ":")).encode())
        count += 1
    out.write(b"\n]}\n")
    return count


_TABLE_WRITERS = {"acled": write_acled, "geojson": write_geojson}


def write_table(out: IO[bytes], store: GraphStore, events: list[EventRef], name: str, *,
                lang: str = "en") -> int:
    """Write the table called ``name`` (``acled`` or ``geojson``); returns rows written.

    Raises:
        KeyError: ``name`` is not a table format.
    """
    return _TABLE_WRITERS[name](out, store, events, lang=lang)


__all__ = ["ACLED_COLUMNS", "ACLED_TYPES", "EventFacts", "acled_types", "event_row",
           "iter_rows", "read_event", "write_acled", "write_geojson", "write_table"]
