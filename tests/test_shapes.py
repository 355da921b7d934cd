"""SHACL shapes: a small hand-built graph conforms; each planted defect is reported once."""

from __future__ import annotations

import pytest
from pyoxigraph import RdfFormat, parse
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib import namespace as rdfns
from rdflib.namespace import RDF

from kg.core import iris
from kg.graph.store import open_store
from ontology.namespace import CKG, PREFIXES
from ontology.validation import ValidationReport, report_validator, validate, validate_store

ID = "https://w3id.org/conflict-kg/id/"

VALID = """
@prefix ckg:    <https://w3id.org/conflict-kg/ontology#> .
@prefix ckgr:   <https://w3id.org/conflict-kg/id/> .
@prefix xsd:    <http://www.w3.org/2001/XMLSchema#> .
@prefix rdfs:   <http://www.w3.org/2000/01/rdf-schema#> .
@prefix prov:   <http://www.w3.org/ns/prov#> .
@prefix schema: <https://schema.org/> .
@prefix geo:    <http://www.opengis.net/ont/geosparql#> .

ckgr:report\\/r1 a ckg:Report ;
    schema:text "قالت قسد إن قواتها داهمت البصيرة."@ar ;
    ckg:textHash "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef" ;
    schema:url "https://example.org/a"^^xsd:anyURI ;
    schema:datePublished "2021-12-14"^^xsd:date ;
    schema:publisher ckgr:actor\\/outlet ;
    ckg:quotes ckgr:actor\\/sohr ;
    prov:generatedAtTime "2024-01-02T03:04:05Z"^^xsd:dateTime ;
    prov:wasGeneratedBy ckgr:report\\/r1\\/extraction .
ckgr:report\\/r1\\/extraction a prov:Activity ;
    ckg:extractorName "conflict-kg" ; ckg:extractorVersion "0.1.0" .

ckgr:actor\\/outlet a ckg:NewsOutlet .
ckgr:actor\\/sohr a ckg:MonitoringOrganization .
ckgr:actor\\/sdf a ckg:ArmedGroup .
ckgr:actor\\/dmc a ckg:ArmedGroup ; ckg:subUnitOf ckgr:actor\\/sdf .
ckgr:actor\\/isis a ckg:TerroristOrganization .
ckgr:actor\\/coalition a ckg:Coalition ; ckg:alliedWith ckgr:actor\\/sdf .
ckgr:person\\/rami a ckg:Person ; ckg:holdsPosition "director"@en ; ckg:memberOf ckgr:actor\\/sohr .

ckgr:place\\/SY a ckg:Country ; ckg:adminLevel 0 .
ckgr:place\\/SY09 a ckg:Governorate ; ckg:pcode "SY09" ; ckg:adminLevel 1 ;
    ckg:locatedIn ckgr:place\\/SY ;
    geo:hasGeometry [ geo:asWKT "POINT(40.14 35.33)"^^geo:wktLiteral ] .
ckgr:place\\/basira a ckg:Town ; ckg:geonamesId "170000" ; ckg:locatedIn ckgr:place\\/SY09 .
ckgr:place\\/east a ckg:Region .

ckgr:event\\/r1-raid a ckg:Raid ;
    ckg:reportedIn ckgr:report\\/r1 ;
    ckg:accordingTo ckgr:actor\\/sdf , ckgr:actor\\/sohr ;
    ckg:isBackground false ;
    ckg:confidence 0.9 ;
    ckg:trigger ckgr:event\\/r1-raid\\/span\\/20-25 ;
    ckg:evidence ckgr:event\\/r1-raid\\/span\\/0-33 ;
    ckg:date "2021-12-13"^^xsd:date ; ckg:timePrecision ckg:DayPrecision ;
    ckg:place ckgr:place\\/basira ; ckg:placePrecision ckg:NearPlace ; ckg:placeRelation "near" ;
    ckg:perpetrator ckgr:actor\\/sdf ; ckg:supporter ckgr:actor\\/coalition ;
    ckg:target ckgr:actor\\/isis ;
    ckg:hasParticipation ckgr:event\\/r1-raid\\/participation\\/0 ;
    ckg:casualty ckgr:event\\/r1-raid\\/casualty\\/0 ;
    ckg:partOf ckgr:event\\/r1-op .
ckgr:event\\/r1-raid\\/participation\\/0 a ckg:Participation ;
    ckg:agent ckgr:actor\\/sdf ; ckg:role ckg:PerpetratorRole ; ckg:confidence 0.8 ;
    ckg:evidence ckgr:event\\/r1-raid\\/span\\/20-25 .
ckgr:event\\/r1-raid\\/casualty\\/0 a ckg:Casualty ;
    ckg:count "5"^^xsd:nonNegativeInteger ; ckg:casualtyStatus ckg:Killed ;
    ckg:affiliation ckgr:actor\\/isis ; ckg:countQualifier ckg:AtLeast .
ckgr:event\\/r1-raid\\/span\\/20-25 a ckg:TextSpan ;
    ckg:startOffset 20 ; ckg:endOffset 25 ; ckg:spanText "داهمت"@ar .
ckgr:event\\/r1-raid\\/span\\/0-33 a ckg:TextSpan ; ckg:startOffset 0 ; ckg:endOffset 33 .

ckgr:event\\/r1-curfew a ckg:Curfew ;
    ckg:reportedIn ckgr:report\\/r1 ; ckg:isBackground false ;
    ckg:date "2021-12-13"^^xsd:date ; ckg:timePrecision ckg:WeekPrecision ;
    ckg:imposer ckgr:actor\\/sdf .

ckgr:event\\/r1-attack a ckg:Attack ;
    ckg:reportedIn ckgr:report\\/r1 ; ckg:isBackground true ;
    ckg:date "2021-12"^^xsd:gYearMonth ; ckg:timePrecision ckg:MonthPrecision ;
    ckg:participant ckgr:actor\\/isis , ckgr:actor\\/dmc ;
    ckg:casualty ckgr:event\\/r1-attack\\/casualty\\/0 .
ckgr:event\\/r1-attack\\/casualty\\/0 a ckg:Casualty ;
    ckg:casualtyStatus ckg:Injured ; ckg:affiliation ckgr:actor\\/sdf .

ckgr:event\\/r1-escape a ckg:PrisonBreak ;
    ckg:reportedIn ckgr:report\\/r1 ; ckg:isBackground true ;
    ckg:timePrecision ckg:UnknownTimePrecision .

ckgr:event\\/r1-op a ckg:MilitaryOperation ;
    ckg:reportedIn ckgr:report\\/r1 ; ckg:isBackground true ;
    ckg:date "2020"^^xsd:gYear ; ckg:timePrecision ckg:YearPrecision ;
    ckg:operationName "ردع الإرهاب"@ar ; rdfs:label "ردع الإرهاب"@ar ;
    ckg:place ckgr:place\\/east ; ckg:placePrecision ckg:RegionPlace .
"""


def valid_graph() -> Graph:
    return Graph().parse(data=VALID, format="turtle")


def r(path: str) -> URIRef:
    return URIRef(ID + path)


def pairs(report: ValidationReport) -> set[tuple[str, str]]:
    return {(v.focus, v.path) for v in report.violations}


def test_hand_built_graph_conforms() -> None:
    report = validate(valid_graph())
    assert report.lines() == []
    assert report.conforms
    assert report.triples == len(valid_graph())


#: defect planted → (focus, path) of the one violation it must cause, and message words
DEFECTS = {
    "two event types": ("ckgr:event/r1-curfew", "rdf:type", "exactly one of the 13"),
    "no report": ("ckgr:event/r1-escape", "ckg:reportedIn", "at least one ckg:Report"),
    "day precision without date": ("ckgr:event/r1-op", "", "must match the time precision"),
    "negative count": ("ckgr:event/r1-raid/casualty/0", "ckg:count", "non-negative integer"),
    "qualifier without count": ("ckgr:event/r1-attack/casualty/0", "", "qualifier needs a count"),
    "place as perpetrator": ("ckgr:event/r1-attack", "ckg:perpetrator", "ckg:Actor"),
    "status used as role": ("ckgr:event/r1-raid/participation/0", "ckg:role", "role from the list"),
    "span ends before it starts": ("ckgr:event/r1-raid/span/20-25", "ckg:startOffset",
                                   "not after its end offset"),
    "confidence above one": ("ckgr:event/r1-raid", "ckg:confidence", "between 0 and 1"),
    "ad-hoc predicate": ("ckgr:event/r1-raid", "ckg:perpetrater", "not a term of the"),
    "bad text hash": ("ckgr:report/r1", "ckg:textHash", "64 lower-case hexadecimal"),
    "lower-case P-code": ("ckgr:place/SY09", "ckg:pcode", "P-code"),
    "operation part of itself": ("ckgr:event/r1-op", "", "part of itself"),
    "bad geometry": ("ckgr:place/SY09", "geo:hasGeometry/geo:asWKT", "POINT(lon lat)"),
}


def broken_graph() -> Graph:
    g = valid_graph()
    g.add((r("event/r1-curfew"), RDF.type, CKG.Attack))
    g.remove((r("event/r1-escape"), CKG.reportedIn, None))
    g.remove((r("event/r1-op"), CKG.date, None))
    g.set((r("event/r1-op"), CKG.timePrecision, CKG.DayPrecision))
    g.set((r("event/r1-raid/casualty/0"), CKG.count,
           Literal("-2", datatype=rdfns.XSD.nonNegativeInteger)))
    g.add((r("event/r1-attack/casualty/0"), CKG.countQualifier, CKG.About))
    g.add((r("event/r1-attack"), CKG.perpetrator, r("place/basira")))
    g.set((r("event/r1-raid/participation/0"), CKG.role, CKG.Killed))
    g.set((r("event/r1-raid/span/20-25"), CKG.startOffset, Literal(30)))
    g.set((r("event/r1-raid"), CKG.confidence, Literal("1.5", datatype=rdfns.XSD.decimal)))
    g.add((r("event/r1-raid"), URIRef(str(CKG._NS) + "perpetrater"), r("actor/sdf")))
    g.set((r("report/r1"), CKG.textHash, Literal("abc")))
    g.set((r("place/SY09"), CKG.pcode, Literal("sy09")))
    g.add((r("event/r1-op"), CKG.partOf, r("event/r1-op")))
    geometry = g.value(r("place/SY09"), URIRef("http://www.opengis.net/ont/geosparql#hasGeometry"))
    g.set((geometry, URIRef("http://www.opengis.net/ont/geosparql#asWKT"),
           Literal("POINT(40.14)", datatype=URIRef(
               "http://www.opengis.net/ont/geosparql#wktLiteral"))))
    return g


def test_broken_graph_yields_exactly_the_planted_violations() -> None:
    report = validate(broken_graph())
    assert not report.conforms
    expected = {(focus, path) for focus, path, _ in DEFECTS.values()}
    assert pairs(report) == expected
    assert len(report.violations) == len(DEFECTS)
    for name, (focus, path, words) in DEFECTS.items():
        found = [v for v in report.violations if (v.focus, v.path) == (focus, path)]
        assert any(words in v.message for v in found), (name, [v.message for v in found])


def test_each_defect_alone_is_caught() -> None:
    """Removing one defect removes exactly its violation (no violation hides another)."""
    report = validate(broken_graph())
    g = broken_graph()
    g.remove((r("event/r1-raid"), URIRef(str(CKG._NS) + "perpetrater"), None))
    fixed = validate(g)
    assert pairs(report) - pairs(fixed) == {("ckgr:event/r1-raid", "ckg:perpetrater")}


def test_violation_lines_are_readable() -> None:
    line = next(v.line() for v in validate(broken_graph()).violations if v.path == "ckg:count")
    assert line.startswith("ckgr:event/r1-raid/casualty/0  ckg:count  ")
    assert '(value: "-2"^^xsd:nonNegativeInteger)' in line


def dataset_with(report_graph: Graph, extra_graph: str, extra: Graph) -> Dataset:
    ds = Dataset()
    target = ds.graph(URIRef(iris.report_graph("r1")))
    for triple in report_graph:
        target.add(triple)
    other = ds.graph(URIRef(extra_graph))
    for triple in extra:
        other.add(triple)
    return ds


def orphan_event() -> Graph:
    g = Graph()
    g.add((r("event/x"), RDF.type, CKG.Curfew))  # no report, no time precision
    return g


def test_dataset_validation_skips_the_inferred_graph_but_not_report_graphs() -> None:
    in_inferred = validate(dataset_with(valid_graph(), iris.INFERRED_GRAPH, orphan_event()))
    assert in_inferred.conforms
    in_report = validate(dataset_with(valid_graph(), iris.report_graph("r2"), orphan_event()))
    assert ("ckgr:event/x", "ckg:reportedIn") in pairs(in_report)


def load(store, graph: str, data: Graph) -> None:  # type: ignore[no-untyped-def]
    quads = parse(data.serialize(format="nt", encoding="utf-8"), RdfFormat.N_TRIPLES)
    store.replace_graph(graph, quads)


def split_valid() -> tuple[Graph, Graph]:
    """The valid graph split as build + KB would split it: entities in the KB graph."""
    report, kb = Graph(), Graph()
    for s, p, o in valid_graph():
        is_entity = str(s).startswith((ID + "actor/", ID + "place/", ID + "person/"))
        (kb if is_entity or not isinstance(s, URIRef) else report).add((s, p, o))
    return report, kb


def test_store_validation_of_one_report_graph_uses_the_kb_as_context(store_dir) -> None:  # type: ignore[no-untyped-def]
    report_part, kb_part = split_valid()
    report_graph = iris.report_graph("r1")
    with open_store(store_dir) as store:
        load(store, report_graph, report_part)
        assert not validate_store(store, report_graph).conforms  # places, actors untyped
        kb_part.add((r("place/broken"), CKG.adminLevel, Literal(9)))
        kb_part.add((r("place/broken"), RDF.type, CKG.Village))
        load(store, iris.KB_GRAPH, kb_part)
        one = validate_store(store, report_graph)
        assert one.conforms, one.lines()  # the KB's own defect is not this graph's
        whole = validate_store(store)
        assert pairs(whole) == {("ckgr:place/broken", "ckg:adminLevel")}
        with pytest.raises(KeyError):
            validate_store(store, iris.report_graph("nope"))


def test_report_text_form() -> None:
    text = str(validate(broken_graph()))
    assert text.splitlines()[0].startswith(f"{len(DEFECTS)} violation(s)")
    assert str(validate(valid_graph())).startswith("conforms")


def test_report_validator_uses_the_store_for_entity_types() -> None:
    """The ingestion hook: a report's quads are checked with the KB's entity types."""
    from kg.graph.build import build_report
    from tests.test_build import CTX, make_report

    quads = build_report(make_report(), CTX)
    with open_store(None) as store:
        check = report_validator(store)
        problems = check(quads)
        assert any("ckgr:actor/sdf" in line and "ckg:perpetrator" in line for line in problems)
        kb = Graph()
        kb.add((r("actor/sdf"), RDF.type, CKG.ArmedGroup))
        kb.add((r("place/gn-170000"), RDF.type, CKG.Town))
        load(store, iris.KB_GRAPH, kb)
        assert check(quads) == []


def test_the_seed_report_builds_a_conforming_graph(shared) -> None:  # type: ignore[no-untyped-def]
    from kg.core.model import Document
    from kg.pipeline.ingest import ingest

    text = (shared / "seed" / "report-ar-000.txt").read_text(encoding="utf-8")
    with open_store(None) as store:
        summary = ingest(store, [Document(text, lang="ar", origin="seed")],
                         validate=report_validator(store))
        assert summary.failures == [], [str(f) for f in summary.failures]
        assert summary.events >= 5
        reports = [g for g in store.graphs() if g.startswith(iris.GRAPH + "report/")]
        assert len(reports) == 1
        report = validate_store(store, reports[0])
        assert report.conforms, report.lines()
        assert report.triples > 100
        # the seed graph uses the ontology throughout: every predicate is a ckg: term
        # (checked above) or a term of a vocabulary the ontology aligns with
        allowed = tuple(PREFIXES[p] for p in ("ckg", "rdf", "rdfs", "schema", "prov", "owl",
                                              "skos", "geo"))
        predicates = {q.predicate.value for q in store.quads(reports[0])}
        assert sorted(p for p in predicates if not p.startswith(allowed)) == []


def test_kg_validate_command(runner, store_dir) -> None:  # type: ignore[no-untyped-def]
    from kg.cli import main

    with open_store(store_dir) as store:
        load(store, iris.report_graph("r1"), valid_graph())
    ok = runner.invoke(main, ["validate", "--store", str(store_dir)])
    assert ok.exit_code == 0, ok.output
    assert ok.output.startswith("conforms:")

    with open_store(store_dir) as store:
        load(store, iris.report_graph("r2"), orphan_event())
    bad = runner.invoke(main, ["validate", "--store", str(store_dir)])
    assert bad.exit_code == 1
    lines = bad.output.splitlines()
    assert "ckgr:event/x  ckg:reportedIn  An event must come from" in bad.output
    assert lines[-1].startswith(f"{len(lines) - 1} violation(s)")

    one = runner.invoke(main, ["validate", "--store", str(store_dir),
                               "--graph", iris.report_graph("r1")])
    assert one.exit_code == 0, one.output
    missing = runner.invoke(main, ["validate", "--store", str(store_dir),
                                   "--graph", iris.report_graph("nope")])
    assert missing.exit_code == 2
    assert "no graph" in missing.output
