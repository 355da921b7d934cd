"""Choose which graphs and events an export writes: by report, source, dates, place, type.

A :class:`Selection` is a set of filters, all of which must hold. Report filters
(``reports``, ``sources``) pick report graphs; event filters (``types``, ``places``,
``since``/``until``) pick events, and a report graph is chosen when at least one of its
events is. RDF exports write the chosen graphs; tabular exports write the chosen events.

Dates are intervals: an event dated ``2021-12`` (month precision) overlaps
``--since 2021-12-13``; an event with no date never matches a date filter. A place
filter matches the place itself and every place located in it (``ckg:locatedIn``
chain), by IRI or by any label (compared after Arabic/Latin normalisation).

>>> date_interval("2021-12", "http://www.w3.org/2001/XMLSchema#gYearMonth")
(datetime.date(2021, 12, 1), datetime.date(2021, 12, 31))
>>> Selection().is_everything
True
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from pyoxigraph import Literal, NamedNode, QuerySolutions
from rdflib.namespace import RDFS, XSD

from kg.core import iris
from kg.core.model import EVENT_TYPES
from kg.core.text import normalize_text
from kg.graph.store import GraphStore
from ontology.namespace import CKG, PREFIXES


class SelectionError(ValueError):
    """A filter is malformed (unknown event type, bad date, unknown graph)."""


@dataclass(frozen=True, slots=True)
class Selection:
    """Filters for an export; empty fields do not filter.

    Attributes:
        graphs: named graph IRIs to export as they are (combined with the others by union).
        reports: report keys (or report graph IRIs).
        sources: publishers (name, IRI or URL host) of reports.
        since: earliest event date (inclusive).
        until: latest event date (inclusive).
        places: place IRIs or names; places located in them match too.
        types: event type names (ontology class local names such as ``Raid``).
        include_kb: also write the knowledge-base graph when filtering.
    """

    graphs: tuple[str, ...] = ()
    reports: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    since: dt.date | None = None
    until: dt.date | None = None
    places: tuple[str, ...] = ()
    types: tuple[str, ...] = ()
    include_kb: bool = False

    @property
    def event_filters(self) -> bool:
        """Whether any filter applies to events (type, place, dates)."""
        return bool(self.types or self.places or self.since or self.until)

    @property
    def report_filters(self) -> bool:
        """Whether any filter applies to report graphs (key, source)."""
        return bool(self.reports or self.sources or self.event_filters)

    @property
    def is_everything(self) -> bool:
        """Whether nothing is filtered (the whole store is exported)."""
        return not (self.graphs or self.report_filters)

    def check(self) -> None:
        """Validate the filters.

        Raises:
            SelectionError: an unknown event type or a date range that is empty.
        """
        unknown = [t for t in self.types if t not in EVENT_TYPES]
        if unknown:
            raise SelectionError(
                f"unknown event type {', '.join(unknown)}; use one of: {', '.join(EVENT_TYPES)}")
        if self.since and self.until and self.since > self.until:
            raise SelectionError(f"--since {self.since} is after --until {self.until}")


@dataclass(frozen=True, slots=True)
class EventRef:
    """An event chosen for export and the report graph that holds it."""

    graph: str
    event: str


_XSD_DATE = str(XSD.date)
_XSD_YEAR_MONTH = str(XSD.gYearMonth)
_XSD_YEAR = str(XSD.gYear)
_EVENT_CLASSES = {str(CKG[name]): name for name in EVENT_TYPES}

_EVENTS_QUERY = """
SELECT ?g ?e ?type ?date ?place WHERE {
  GRAPH ?g { ?e ckg:reportedIn ?r ; a ?type .
             OPTIONAL { ?e ckg:date ?date } OPTIONAL { ?e ckg:place ?place } }
}"""

_REPORTS_QUERY = """
SELECT ?g ?publisher ?label ?url WHERE {
  GRAPH ?g { ?r a ckg:Report .
             OPTIONAL { ?r schema:publisher ?publisher } OPTIONAL { ?r schema:url ?url } }
  OPTIONAL { ?publisher rdfs:label ?label }
}"""


def date_interval(value: str, datatype: str) -> tuple[dt.date, dt.date] | None:
    """First and last day a date literal covers (``None`` when it cannot be read).

    >>> date_interval("2019", "http://www.w3.org/2001/XMLSchema#gYear")
    (datetime.date(2019, 1, 1), datetime.date(2019, 12, 31))
    """
    try:
        if datatype == _XSD_YEAR_MONTH:
            year, month = (int(part) for part in value[:7].split("-"))
            last = calendar.monthrange(year, month)[1]
            return dt.date(year, month, 1), dt.date(year, month, last)
        if datatype == _XSD_YEAR:
            year = int(value[:4])
            return dt.date(year, 1, 1), dt.date(year, 12, 31)
        day = dt.date.fromisoformat(value[:10])
    except ValueError:
        return None
    return day, day


def _solutions(store: GraphStore, sparql: str) -> QuerySolutions:
    result = store.query(sparql, prefixes=PREFIXES)
    assert isinstance(result, QuerySolutions)
    return result


def _term_value(term: Any) -> str:
    return str(term.value)


def _name_key(text: str) -> str:
    return normalize_text(text).casefold()


def _place_iris(store: GraphStore, places: Iterable[str]) -> set[str]:
    """Every place named (by IRI or label) in ``places`` and every place located in one."""
    wanted_names = {_name_key(p) for p in places if not p.startswith(("http://", "https://"))}
    roots = {p for p in places if p.startswith(("http://", "https://"))}
    if wanted_names:
        for quad in store.match(predicate=NamedNode(str(RDFS.label))):
            if isinstance(quad.object, Literal) and _name_key(quad.object.value) in wanted_names:
                roots.add(_term_value(quad.subject))
    found = set(roots)
    frontier = [NamedNode(r) for r in roots]
    located_in = NamedNode(str(CKG.locatedIn))
    while frontier:
        parent = frontier.pop()
        for quad in store.match(predicate=located_in, object=parent):
            child = _term_value(quad.subject)
            if child not in found:
                found.add(child)
                frontier.append(NamedNode(child))
    return found


def _report_graphs(store: GraphStore, selection: Selection) -> set[str]:
    """Report graphs that pass the report-level filters."""
    keys = {r if r.startswith(("http://", "https://")) else iris.report_graph(r)
            for r in selection.reports}
    wanted = {_name_key(s) for s in selection.sources}
    chosen: set[str] = set()
    for row in _solutions(store, _REPORTS_QUERY):
        graph = row["g"].value
        if keys and graph not in keys:
            continue
        if wanted:
            names = set()
            for var in ("publisher", "label"):
                term = row[var]
                if term is not None:
                    names.add(_name_key(term.value))
            url = row["url"]
            if url is not None:
                host = urlsplit(url.value).hostname or ""
                names.update({_name_key(host), _name_key(host.removeprefix("www."))})
            if not names & wanted:
                continue
        chosen.add(graph)
    return chosen


def _event_matches(selection: Selection, type_name: str, date: Literal | None,
                   place: str | None, places: set[str] | None) -> bool:
    if selection.types and type_name not in selection.types:
        return False
    if places is not None and (place is None or place not in places):
        return False
    if selection.since or selection.until:
        if date is None:
            return False
        span = date_interval(date.value, date.datatype.value)
        if span is None:
            return False
        if selection.since and span[1] < selection.since:
            return False
        if selection.until and span[0] > selection.until:
            return False
    return True


def select_events(store: GraphStore, selection: Selection) -> list[EventRef]:
    """Events in report graphs that pass every filter, sorted by graph then event IRI.

    Raises:
        SelectionError: a filter is malformed.
    """
    selection.check()
    graphs = _report_graphs(store, selection) if (selection.reports or selection.sources) \
        else None
    places = _place_iris(store, selection.places) if selection.places else None
    chosen: set[EventRef] = set()
    for row in _solutions(store, _EVENTS_QUERY):
        type_name = _EVENT_CLASSES.get(row["type"].value)
        if type_name is None:
            continue
        graph = row["g"].value
        if graph is not None and graphs is not None and graph not in graphs:
            continue
        place = row["place"]
        date = row["date"]
        if _event_matches(selection, type_name, date if isinstance(date, Literal) else None,
                          place.value if place is not None else None, places):
            chosen.add(EventRef(graph, row["e"].value))
    return sorted(chosen, key=lambda ref: (ref.graph, ref.event))


def select_graphs(store: GraphStore, selection: Selection) -> list[str] | None:
    """Named graphs an RDF export writes, sorted; ``None`` means the whole store.

    Raises:
        SelectionError: a filter is malformed or names a graph the store lacks.
    """
    selection.check()
    if selection.is_everything:
        return None
    present = set(store.graphs())
    missing = [g for g in selection.graphs if g not in present]
    if missing:
        raise SelectionError(f"the store has no graph {', '.join(missing)}")
    chosen = set(selection.graphs)
    if selection.report_filters:
        if selection.event_filters:
            chosen.update(ref.graph for ref in select_events(store, selection))
        else:
            chosen.update(_report_graphs(store, selection))
        if selection.include_kb and iris.KB_GRAPH in present:
            chosen.add(iris.KB_GRAPH)
    return sorted(chosen)


__all__ = ["EventRef", "Selection", "SelectionError", "date_interval", "select_events",
           "select_graphs"]
