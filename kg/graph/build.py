"""Turn an extracted :class:`~kg.core.model.Report` into RDF quads (pure, no I/O).

Every term comes from the ontology's namespace objects; every IRI from
:mod:`kg.core.iris`. All quads land in the report's own named graph; entities linked to
the knowledge base are only referenced here (their labels, hierarchy and coordinates
live in the KB graph), while entities nobody has listed (NIL) are minted locally with
their label and type.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from pyoxigraph import Literal, NamedNode, Quad
from rdflib.namespace import PROV, RDF, RDFS, XSD

from kg.core import iris
from kg.core.model import Casualty, Event, Mention, Report, Span, TimeValue
from ontology.namespace import CKG, SCHEMA

#: Class of an entity minted for an unlinked mention, by mention kind.
_KIND_CLASS = {
    "actor": CKG.Actor,
    "person": CKG.Person,
    "place": CKG.Place,
    "operation": CKG.MilitaryOperation,
    "outlet": CKG.NewsOutlet,
    "facility": CKG.Facility,
}
_ROLE_PROPERTY = {
    "perpetrator": CKG.perpetrator,
    "supporter": CKG.supporter,
    "target": CKG.target,
    "imposer": CKG.imposer,
    "participant": CKG.participant,
}
_ROLE_INDIVIDUAL = {
    "perpetrator": CKG.PerpetratorRole,
    "supporter": CKG.SupporterRole,
    "target": CKG.TargetRole,
    "imposer": CKG.ImposerRole,
    "participant": CKG.ParticipantRole,
}
_TIME_PRECISION = {
    "day": CKG.DayPrecision,
    "week": CKG.WeekPrecision,
    "month": CKG.MonthPrecision,
    "year": CKG.YearPrecision,
    "unknown": CKG.UnknownTimePrecision,
}
_DATE_TYPE = {"day": XSD.date, "week": XSD.date, "month": XSD.gYearMonth, "year": XSD.gYear}
_PLACE_PRECISION = {
    "exact": CKG.ExactPlace,
    "near": CKG.NearPlace,
    "area": CKG.AreaPlace,
    "admin": CKG.AdminAreaPlace,
    "region": CKG.RegionPlace,
    "country": CKG.CountryPlace,
    "unknown": CKG.UnknownPlacePrecision,
}
_STATUS = {
    "killed": CKG.Killed,
    "injured": CKG.Injured,
    "arrested": CKG.Arrested,
    "abducted": CKG.Abducted,
    "missing": CKG.Missing,
}
_QUALIFIER = {
    "at_least": CKG.AtLeast,
    "more_than": CKG.MoreThan,
    "about": CKG.About,
    "up_to": CKG.UpTo,
}
_ARABIC = re.compile(r"[\u0600-\u06FF]")


def _n(term: str) -> NamedNode:
    return NamedNode(str(term))


def _lang_of(text: str) -> str:
    return "ar" if _ARABIC.search(text) else "en"


@dataclass(frozen=True, slots=True)
class BuildContext:
    """What the builder needs besides the report itself."""

    #: when the report was ingested (recorded as prov:generatedAtTime)
    ingested_at: dt.datetime


class _Builder:
    """Accumulates the quads of one report's graph."""

    def __init__(self, report: Report, context: BuildContext) -> None:
        self.report = report
        self.context = context
        doc = report.document
        self.key = iris.report_key(url=doc.url, text=doc.text)
        self.graph = NamedNode(iris.report_graph(self.key))
        self.report_node = NamedNode(iris.report_iri(self.key))
        self.quads: list[Quad] = []
        self._minted: set[str] = set()

    def add(self, s: NamedNode, p: str | NamedNode, o: NamedNode | Literal) -> None:
        predicate = p if isinstance(p, NamedNode) else _n(p)
        self.quads.append(Quad(s, predicate, o, self.graph))

    # --- entities
    def entity(self, mention: Mention) -> NamedNode:
        """IRI of the entity a mention refers to, minting a local one when unlinked."""
        if mention.entity:
            kind, _, key = mention.entity.partition(":")
            return NamedNode(iris.entity_iri(kind, key))
        name = mention.name or mention.span.text
        node = NamedNode(iris.entity_iri(mention.kind, iris.local_key(name)))
        if node.value not in self._minted:
            self._minted.add(node.value)
            self.add(node, RDF.type, _n(_KIND_CLASS[mention.kind]))
            self.add(node, RDFS.label, Literal(name, language=_lang_of(name)))
        return node

    def span(self, owner: NamedNode, span: Span) -> NamedNode:
        node = NamedNode(f"{owner.value}/span/{span.start}-{span.end}")
        self.add(node, RDF.type, _n(CKG.TextSpan))
        self.add(node, CKG.startOffset, Literal(str(span.start), datatype=_n(XSD.integer)))
        self.add(node, CKG.endOffset, Literal(str(span.end), datatype=_n(XSD.integer)))
        self.add(node, CKG.spanText, Literal(span.text, language=self.report.lang))
        return node

    # --- report metadata
    def report_metadata(self) -> None:
        doc = self.report.document
        r = self.report_node
        self.add(r, RDF.type, _n(CKG.Report))
        self.add(r, SCHEMA.text, Literal(doc.text, language=self.report.lang))
        self.add(r, SCHEMA.inLanguage, Literal(self.report.lang))
        self.add(r, CKG.textHash, Literal(iris.text_hash(doc.text)))
        if doc.url:
            self.add(r, SCHEMA.url, Literal(doc.url, datatype=_n(XSD.anyURI)))
        if doc.title:
            self.add(r, SCHEMA.headline, Literal(doc.title, language=_lang_of(doc.title)))
        if doc.published:
            self.add(r, SCHEMA.datePublished,
                     Literal(doc.published.isoformat(), datatype=_n(XSD.date)))
        if doc.source:
            outlet = NamedNode(iris.entity_iri("outlet", iris.local_key(doc.source)))
            self.add(outlet, RDF.type, _n(CKG.NewsOutlet))
            self.add(outlet, RDFS.label, Literal(doc.source, language=_lang_of(doc.source)))
            self.add(r, SCHEMA.publisher, outlet)
        stamp = self.context.ingested_at.astimezone(dt.UTC).replace(microsecond=0)
        self.add(r, PROV.generatedAtTime,
                 Literal(stamp.isoformat().replace("+00:00", "Z"), datatype=_n(XSD.dateTime)))
        activity = NamedNode(f"{r.value}/extraction")
        self.add(r, PROV.wasGeneratedBy, activity)
        self.add(activity, RDF.type, _n(PROV.Activity))
        self.add(activity, CKG.extractorName, Literal(self.report.extractor))
        self.add(activity, CKG.extractorVersion, Literal(self.report.extractor_version))
        self.add(activity, PROV.used, r)
        for mention in self.report.mentions:
            self.add(r, SCHEMA.mentions, self.entity(mention))

    # --- events
    def event_nodes(self) -> list[NamedNode]:
        nodes = []
        for event in self.report.events:
            local = f"{event.type.lower()}-{event.trigger.start}"
            nodes.append(NamedNode(iris.event_iri(self.key, local)))
        return nodes

    def event(self, event: Event, node: NamedNode, nodes: list[NamedNode]) -> None:
        self.add(node, RDF.type, _n(getattr(CKG, event.type)))
        self.add(node, CKG.reportedIn, self.report_node)
        self.add(node, CKG.isBackground,
                 Literal("true" if event.background else "false", datatype=_n(XSD.boolean)))
        self.add(node, CKG.confidence, _decimal(event.confidence))
        self.add(node, CKG.trigger, self.span(node, event.trigger))
        self.add(node, CKG.evidence, self.span(node, event.sentence))
        self.time(node, event.date)
        if event.place is not None:
            self.add(node, CKG.place, self.entity(event.place.mention))
            self.add(node, CKG.placePrecision, _n(_PLACE_PRECISION[event.place.precision]))
            if event.place.relation:
                self.add(node, CKG.placeRelation, Literal(event.place.relation))
        if event.name:
            self.add(node, CKG.operationName, Literal(event.name, language=_lang_of(event.name)))
            self.add(node, RDFS.label, Literal(event.name, language=_lang_of(event.name)))
        if event.part_of is not None and 0 <= event.part_of < len(nodes):
            self.add(node, CKG.partOf, nodes[event.part_of])
        for i, part in enumerate(event.actors):
            actor = self.entity(part.mention)
            self.add(node, _ROLE_PROPERTY[part.role], actor)
            qualified = NamedNode(f"{node.value}/participation/{i}")
            self.add(node, CKG.hasParticipation, qualified)
            self.add(qualified, RDF.type, _n(CKG.Participation))
            self.add(qualified, CKG.agent, actor)
            self.add(qualified, CKG.role, _n(_ROLE_INDIVIDUAL[part.role]))
            self.add(qualified, CKG.confidence, _decimal(part.mention.confidence))
            self.add(qualified, CKG.evidence, self.span(node, part.mention.span))
        for i, casualty in enumerate(event.casualties):
            self.casualty(node, i, casualty)
        for source in event.according_to:
            self.add(node, CKG.accordingTo, self.entity(source))

    def time(self, node: NamedNode, value: TimeValue | None) -> None:
        if value is None or value.value is None or value.precision == "unknown":
            self.add(node, CKG.timePrecision, _n(CKG.UnknownTimePrecision))
            return
        self.add(node, CKG.date, Literal(value.value, datatype=_n(_DATE_TYPE[value.precision])))
        self.add(node, CKG.timePrecision, _n(_TIME_PRECISION[value.precision]))

    def casualty(self, event: NamedNode, index: int, casualty: Casualty) -> None:
        node = NamedNode(f"{event.value}/casualty/{index}")
        self.add(event, CKG.casualty, node)
        self.add(node, RDF.type, _n(CKG.Casualty))
        self.add(node, CKG.casualtyStatus, _n(_STATUS[casualty.status]))
        if casualty.count is not None:
            self.add(node, CKG.count,
                     Literal(str(casualty.count), datatype=_n(XSD.nonNegativeInteger)))
        if casualty.qualifier in _QUALIFIER:
            self.add(node, CKG.countQualifier, _n(_QUALIFIER[casualty.qualifier]))
        if casualty.affiliation is not None:
            self.add(node, CKG.affiliation, self.entity(casualty.affiliation))
        if casualty.span is not None:
            self.add(node, CKG.evidence, self.span(event, casualty.span))


def _decimal(value: float) -> Literal:
    return Literal(f"{max(0.0, min(1.0, value)):.3f}", datatype=_n(XSD.decimal))


def report_graph_iri(report: Report) -> str:
    """IRI of the named graph that holds ``report``'s facts."""
    doc = report.document
    return iris.report_graph(iris.report_key(url=doc.url, text=doc.text))


def build_report(report: Report, context: BuildContext) -> list[Quad]:
    """All quads of one report's named graph.

    Args:
        report: an extracted (and, ideally, linked) report.
        context: ingestion facts recorded with it.

    Returns:
        The quads, each in the report's graph (see :func:`report_graph_iri`).
    """
    builder = _Builder(report, context)
    builder.report_metadata()
    nodes = builder.event_nodes()
    for event, node in zip(report.events, nodes, strict=True):
        builder.event(event, node, nodes)
    return builder.quads

