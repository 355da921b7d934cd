"""Report → quads: the modelling, determinism, local entities for NIL mentions."""

from __future__ import annotations

import datetime as dt

from pyoxigraph import Dataset, QuerySolutions

from kg.core import iris
from kg.core.model import (
    Casualty,
    Document,
    Event,
    Mention,
    Participation,
    PlaceRef,
    Report,
    Span,
    TimeValue,
)
from kg.graph.build import BuildContext, build_report, report_graph_iri
from kg.graph.store import open_store
from ontology.namespace import PREFIXES

TEXT = "قالت قسد إن قواتها داهمت البصيرة وقتلت 5 عناصر من داعش."
CTX = BuildContext(ingested_at=dt.datetime(2024, 1, 2, 3, 4, 5, tzinfo=dt.UTC))


def span(word: str) -> Span:
    start = TEXT.index(word)
    return Span(start, start + len(word), word)


def make_report() -> Report:
    sdf = Mention(span("قسد"), "actor", "ArmedGroup", entity="actor:sdf", name="قسد")
    isis = Mention(span("داعش"), "actor", "TerroristOrganization", entity=None, name="داعش")
    place = Mention(span("البصيرة"), "place", "Town", entity="place:gn-170000", name="البصيرة")
    raid = Event(
        type="Raid",
        trigger=span("داهمت"),
        sentence=Span(0, len(TEXT), TEXT),
        date=TimeValue("2021-12-13", "day"),
        place=PlaceRef(place, "near", "near"),
        actors=[Participation(sdf, "perpetrator"), Participation(isis, "target")],
        casualties=[Casualty("killed", 5, isis, "at_least", span("5 عناصر"))],
        according_to=[sdf],
        confidence=0.9,
    )
    background = Event(type="MilitaryOperation", trigger=span("قالت"),
                       sentence=Span(0, 4, TEXT[:4]), date=TimeValue("2020", "year"),
                       background=True, name="ردع الإرهاب")
    return Report(Document(TEXT, source="المرصد"), lang="ar", mentions=[sdf, isis, place],
                  events=[raid, background], extractor="test", extractor_version="1")


def select(store, sparql: str) -> list[tuple[str, ...]]:  # type: ignore[no-untyped-def]
    prefixes = "".join(f"PREFIX {k}: <{v}>\n" for k, v in PREFIXES.items())
    result = store.query(prefixes + sparql)
    assert isinstance(result, QuerySolutions)
    return [tuple(t.value if t is not None else None for t in row) for row in result]


def test_same_report_gives_same_quads() -> None:
    first = build_report(make_report(), CTX)
    second = build_report(make_report(), CTX)
    assert Dataset(first) == Dataset(second)
    graph = report_graph_iri(make_report())
    assert all(q.graph_name.value == graph for q in first)


def test_event_facts_are_queryable() -> None:
    store = open_store(None)
    report = make_report()
    store.replace_graph(report_graph_iri(report), build_report(report, CTX))
    rows = select(store, """
        SELECT ?perp ?target ?place ?date ?prec ?count ?status ?qual ?pp WHERE {
          ?e a ckg:Raid ; ckg:perpetrator ?perp ; ckg:target ?target ; ckg:place ?place ;
             ckg:date ?date ; ckg:timePrecision ?prec ; ckg:placePrecision ?pp ;
             ckg:casualty [ ckg:count ?count ; ckg:casualtyStatus ?status ;
                            ckg:countQualifier ?qual ; ckg:affiliation ?target ] .
        }""")
    ckg = "https://w3id.org/conflict-kg/ontology#"
    isis = iris.entity_iri("actor", iris.local_key("داعش"))
    assert rows == [(iris.entity_iri("actor", "sdf"), isis,
                     iris.entity_iri("place", "gn-170000"), "2021-12-13", ckg + "DayPrecision",
                     "5", ckg + "Killed", ckg + "AtLeast", ckg + "NearPlace")]
    # the NIL actor is minted locally with its label and type
    assert select(store, f"SELECT ?l WHERE {{ <{isis}> a ckg:Actor ; rdfs:label ?l }}") == [
        ("داعش",)]
    # the year-precision background operation
    assert select(store, "SELECT ?d ?b ?n WHERE { ?e a ckg:MilitaryOperation ; ckg:date ?d ; "
                         "ckg:isBackground ?b ; ckg:operationName ?n }") == [
        ("2020", "true", "ردع الإرهاب")]


def test_report_metadata_and_spans() -> None:
    store = open_store(None)
    report = make_report()
    store.replace_graph(report_graph_iri(report), build_report(report, CTX))
    rows = select(store, """
        SELECT ?hash ?time ?name ?version ?pub WHERE {
          ?r a ckg:Report ; ckg:textHash ?hash ; prov:generatedAtTime ?time ;
             schema:publisher/rdfs:label ?pub ;
             prov:wasGeneratedBy [ ckg:extractorName ?name ; ckg:extractorVersion ?version ] .
        }""")
    assert rows == [(iris.text_hash(TEXT), "2024-01-02T03:04:05Z", "test", "1", "المرصد")]
    [(start, end, text)] = select(store, """
        SELECT ?s ?e ?t WHERE { ?ev a ckg:Raid ; ckg:trigger [ ckg:startOffset ?s ;
                                ckg:endOffset ?e ; ckg:spanText ?t ] }""")
    assert TEXT[int(start):int(end)] == text == "داهمت"
