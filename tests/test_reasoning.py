"""Reasoning: HermiT consistency (skipped without Java) and rule materialisation."""

from __future__ import annotations

import pytest
from pyoxigraph import NamedNode, Quad, RdfFormat, parse
from rdflib import Graph, URIRef
from rdflib.namespace import RDF, RDFS

from kg.core import iris
from kg.graph.store import open_store
from ontology import reasoning
from ontology.namespace import CKG
from ontology.reasoning import check_consistency, infer, materialise, rules_from_ontology
from tests.test_shapes import ID, valid_graph

EX = "https://example.org/"


def r(path: str) -> URIRef:
    return URIRef(ID + path)


def consistency_or_skip(data: Graph | None = None, *,
                        class_assertions: bool = False) -> reasoning.ConsistencyResult:
    result = check_consistency(data, class_assertions=class_assertions)
    if not result.checked:
        pytest.skip(result.message)
    return result


# --------------------------------------------------------------------------- HermiT

def two_event_types() -> Graph:
    data = Graph()
    data.add((URIRef(EX + "e"), RDF.type, CKG.Raid))
    data.add((URIRef(EX + "e"), RDF.type, CKG.Curfew))  # event types are disjoint
    return data


def place_as_perpetrator() -> Graph:
    data = Graph()
    data.add((URIRef(EX + "e"), RDF.type, CKG.Raid))
    data.add((URIRef(EX + "town"), RDF.type, CKG.Town))
    data.add((URIRef(EX + "e"), CKG.perpetrator, URIRef(EX + "town")))  # actors are not places
    return data


@pytest.mark.parametrize("make", [two_event_types, place_as_perpetrator])
def test_contradictory_data_is_found_inconsistent(make) -> None:  # type: ignore[no-untyped-def]
    result = consistency_or_skip(make())
    assert result.consistent is False
    assert not result.ok


def test_ontology_with_the_hand_built_graph_is_consistent_and_satisfiable() -> None:
    data = valid_graph()
    result = consistency_or_skip(data, class_assertions=True)
    assert result.consistent is True, result.message
    assert result.unsatisfiable == ()
    assert result.ok
    # the materialisation rules conclude exactly the ckg: types HermiT entails
    ckg = str(CKG._NS)
    by_rules = {(str(s), str(o)) for s, p, o in [*data, *infer(data)]
                if p == RDF.type and str(o).startswith(ckg)}
    assert len(by_rules) > 30
    assert by_rules == set(result.class_assertions)


def test_without_java_the_check_is_skipped_with_a_message(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(reasoning, "java_executable", lambda: None)
    result = check_consistency()
    assert result.checked is False and result.consistent is None
    assert "java" in result.message.lower() and "skipped" in result.message


# --------------------------------------------------------------------------- rules

def inferred_set(data: Graph) -> set[tuple[URIRef, URIRef, URIRef]]:
    return set(infer(data))  # type: ignore[arg-type]


def test_inferences_on_the_hand_built_graph() -> None:
    data = valid_graph()
    new = inferred_set(data)
    expected = {
        # types implied by roles and by the class hierarchy
        (r("actor/sdf"), RDF.type, CKG.Actor),
        (r("actor/sdf"), RDF.type, CKG.ArmedActor),
        (r("actor/sdf"), RDF.type, CKG.Organization),
        (r("event/r1-raid"), RDF.type, CKG.Event),
        (r("place/basira"), RDF.type, CKG.Settlement),
        # the located-in closure, and where events happened
        (r("place/basira"), CKG.locatedIn, r("place/SY")),
        (r("event/r1-raid"), CKG.occurredIn, r("place/basira")),
        (r("event/r1-raid"), CKG.occurredIn, r("place/SY09")),
        (r("event/r1-raid"), CKG.occurredIn, r("place/SY")),
        # role properties roll up to hasActor; alliances are symmetric
        (r("event/r1-raid"), CKG.hasActor, r("actor/isis")),
        (r("event/r1-curfew"), CKG.hasActor, r("actor/sdf")),
        (r("actor/sdf"), CKG.alliedWith, r("actor/coalition")),
    }
    assert expected <= new
    assert not (new & set(data)), "nothing already asserted is inferred again"
    assert all(isinstance(t, URIRef) for triple in new for t in triple)
    assert {p for _, p, _ in new} <= {RDF.type} | {URIRef(str(CKG._NS) + n) for n in
                                                   CKG.__annotations__}
    assert all(str(o).startswith(str(CKG._NS)) for _, p, o in new if p == RDF.type)
    # only entailed facts: the event's place is not put inside places it is not in
    assert (r("event/r1-raid"), CKG.occurredIn, r("place/east")) not in new


def test_untyped_perpetrator_becomes_an_actor_and_operations_collect_their_parts() -> None:
    data = Graph()
    event, gunman = URIRef(EX + "attack"), URIRef(EX + "gunman")
    op, campaign = URIRef(EX + "op"), URIRef(EX + "campaign")
    data.add((event, RDF.type, CKG.Attack))
    data.add((event, CKG.perpetrator, gunman))
    data.add((event, CKG.partOf, op))
    data.add((op, CKG.partOf, campaign))
    new = inferred_set(data)
    assert (gunman, RDF.type, CKG.Actor) in new
    assert (gunman, RDF.type, CKG.ArmedActor) not in new  # no role implies more than Actor
    assert (event, CKG.partOf, campaign) in new
    assert (op, RDF.type, CKG.Event) in new
    assert (campaign, RDF.type, CKG.Event) in new
    # a larger event is not assumed to be an operation: it may be a war or a battle
    assert (campaign, RDF.type, CKG.MilitaryOperation) not in new


def test_qualified_participation_implies_the_direct_role() -> None:
    data = Graph()
    event, part, actor = URIRef(EX + "e"), URIRef(EX + "e/p0"), URIRef(EX + "a")
    data.add((event, RDF.type, CKG.Abduction))
    data.add((event, CKG.hasParticipation, part))
    data.add((part, CKG.agent, actor))
    data.add((part, CKG.role, CKG.TargetRole))
    new = inferred_set(data)
    assert (event, CKG.target, actor) in new
    assert (event, CKG.perpetrator, actor) not in new
    assert (part, RDF.type, CKG.Participation) in new


def test_rules_come_from_the_ontology_axioms() -> None:
    tiny = Graph()
    a, b, p = CKG.Raid, CKG.Event, CKG.locatedIn
    tiny.add((a, RDF.type, URIRef("http://www.w3.org/2002/07/owl#Class")))
    tiny.add((a, RDFS.subClassOf, b))
    tiny.add((p, RDF.type, URIRef("http://www.w3.org/2002/07/owl#ObjectProperty")))
    rules = rules_from_ontology(tiny)
    assert [rule.name for rule in rules] == ["subclass"]
    data = Graph()
    data.add((URIRef(EX + "x"), RDF.type, a))
    data.add((URIRef(EX + "v"), p, URIRef(EX + "w")))
    data.add((URIRef(EX + "w"), p, URIRef(EX + "z")))
    # with only the sub-class axiom, locatedIn is not treated as transitive
    assert infer(data, rules) == [(URIRef(EX + "x"), RDF.type, b)]


# --------------------------------------------------------------------------- store

def load(store, graph: str, data: Graph) -> None:  # type: ignore[no-untyped-def]
    store.replace_graph(graph, parse(data.serialize(format="nt", encoding="utf-8"),
                                     RdfFormat.N_TRIPLES))


def snapshot(store, graph: str) -> set[str]:  # type: ignore[no-untyped-def]
    return {str(q) for q in store.quads(graph)}


def test_materialise_writes_only_the_inferred_graph(store_dir) -> None:  # type: ignore[no-untyped-def]
    report_part, kb_part = Graph(), Graph()
    for s, p, o in valid_graph():
        entity = str(s).startswith((ID + "actor/", ID + "place/", ID + "person/"))
        (kb_part if entity or not isinstance(s, URIRef) else report_part).add((s, p, o))
    report_graph = iris.report_graph("r1")
    with open_store(store_dir) as store:
        load(store, report_graph, report_part)
        load(store, iris.KB_GRAPH, kb_part)
        stale = Quad(NamedNode(EX + "stale"), NamedNode(str(CKG.hasActor)),
                     NamedNode(EX + "x"), NamedNode(iris.INFERRED_GRAPH))
        store.replace_graph(iris.INFERRED_GRAPH, [stale])
        before = {g: snapshot(store, g) for g in (report_graph, iris.KB_GRAPH)}

        summary = materialise(store)

        assert {g: snapshot(store, g) for g in before} == before  # asserted graphs untouched
        assert set(store.graphs()) == {report_graph, iris.KB_GRAPH, iris.INFERRED_GRAPH}
        inferred = {(q.subject.value, q.predicate.value, q.object.value)
                    for q in store.quads(iris.INFERRED_GRAPH)}
        assert (EX + "stale", str(CKG.hasActor), EX + "x") not in inferred  # replaced
        assert (ID + "event/r1-raid", str(CKG.occurredIn), ID + "place/SY") in inferred
        assert (ID + "actor/sdf", str(RDF.type), str(CKG.Actor)) in inferred
        assert summary.inferred == len(inferred) == store.count(iris.INFERRED_GRAPH)
        assert summary.by_predicate["ckg:occurredIn"] == 4  # 3 for the raid, 1 for the op
        asserted = {(q.subject.value, q.predicate.value, q.object.value)
                    for g in before for q in store.quads(g)}
        assert not inferred & asserted

        again = materialise(store)  # idempotent: same graph, inferred from asserted only
        assert again.inferred == summary.inferred
        assert again.asserted == summary.asserted


def test_kg_reason_command(runner, store_dir, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    from kg.cli import main

    with open_store(store_dir) as store:
        load(store, iris.report_graph("r1"), valid_graph())
    monkeypatch.setattr(reasoning, "java_executable", lambda: None)
    result = runner.invoke(main, ["reason", "--store", str(store_dir), "--consistency"])
    assert result.exit_code == 0, result.output
    assert "consistency check skipped" in result.output
    assert f"into {iris.INFERRED_GRAPH}" in result.output
    assert "ckg:occurredIn: 4" in result.output
    with open_store(store_dir) as store:
        assert store.count(iris.INFERRED_GRAPH) > 0
