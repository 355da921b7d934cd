"""Reasoning over the ontology: a HermiT consistency check and rule materialisation.

Two jobs, kept apart:

* :func:`check_consistency` loads the ontology (optionally with instance data) into
  owlready2 and runs HermiT on it. HermiT is Java: without a ``java`` executable the
  check is skipped and the result says so. This module is the only owlready2 user.
* :func:`infer` / :func:`materialise` compute what the ontology entails for the data,
  using rules *generated from the ontology* (an OWL 2 RL subset: sub-classes, domains,
  ranges, sub-properties, transitive, symmetric and inverse properties, property
  chains) plus one rule the OWL file states as data: a qualified participation with a
  role implies the direct role property (``ckg:roleProperty``). The rules run as
  SPARQL updates on an in-memory Oxigraph store until nothing new appears; only
  ``ckg:`` conclusions are kept (aligned external classes are left to those who
  query for them). :func:`materialise` writes the result into the inferred named
  graph only (one transaction), never into a report graph.

>>> from rdflib import Graph, URIRef
>>> from rdflib.namespace import RDF
>>> from ontology.namespace import CKG
>>> data = Graph()
>>> e, a = URIRef("https://example.org/e"), URIRef("https://example.org/a")
>>> _ = data.add((e, RDF.type, CKG.Raid))
>>> _ = data.add((e, CKG.perpetrator, a))
>>> [str(t[2]).rsplit("#")[-1] for t in infer(data) if t[0] == a]
['Actor']
"""

from __future__ import annotations

import io
import shutil
import time
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Protocol

from pyoxigraph import BlankNode, DefaultGraph, NamedNode, Quad, Store
from pyoxigraph import Literal as OxLiteral
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS, XSD
from rdflib.term import Node

from kg.core import iris
from ontology import load_ontology_graph
from ontology.namespace import CKG

#: Graphs whose content is never input to inference (the result itself, the ontology).
NOT_INPUT: frozenset[str] = frozenset({iris.INFERRED_GRAPH, iris.ONTOLOGY_GRAPH})

#: Upper bound on rule rounds (each round runs every rule once).
MAX_ROUNDS = 20

_CKG = str(CKG._NS)

#: Datatypes HermiT accepts in instance data (OWL 2 datatype map); literals of other
#: datatypes (xsd:date, xsd:gYear …) are left out of the consistency check.
_OWL2_DATATYPES = frozenset({
    XSD.string, XSD.integer, XSD.nonNegativeInteger, XSD.decimal, XSD.boolean,
    XSD.anyURI, XSD.dateTime, RDF.langString,
})


# =========================================================================== consistency

@dataclass(frozen=True, slots=True)
class ConsistencyResult:
    """The outcome of :func:`check_consistency`."""

    #: False when the check could not run (no Java); then ``consistent`` is None
    checked: bool
    consistent: bool | None
    #: IRIs of classes that cannot have any instance
    unsatisfiable: tuple[str, ...] = ()
    message: str = ""
    seconds: float = 0.0
    #: ``(individual IRI, ckg: class IRI)`` memberships HermiT entails for the data's
    #: individuals (all, not only the direct ones); filled when asked for
    class_assertions: frozenset[tuple[str, str]] = frozenset()

    @property
    def ok(self) -> bool:
        """True when the check ran, found the ontology consistent and every class satisfiable."""
        return bool(self.checked and self.consistent and not self.unsatisfiable)


def java_executable() -> str | None:
    """Path of the ``java`` executable HermiT would use, or None if there is none."""
    import owlready2

    configured = getattr(owlready2, "JAVA_EXE", "java") or "java"
    return shutil.which(configured)


def _owl_ready_triples(data: Graph) -> Iterator[tuple[Node, Node, Node]]:
    """Instance triples HermiT can read: literals only of OWL 2 datatypes."""
    for s, p, o in data:
        if isinstance(o, Literal):
            datatype = o.datatype or (RDF.langString if o.language else XSD.string)
            if datatype not in _OWL2_DATATYPES:
                continue
        yield s, p, o


def check_consistency(data: Graph | None = None, *, java: str | None = None,
                      class_assertions: bool = False) -> ConsistencyResult:
    """Run HermiT on the ontology (and optional instance data) through owlready2.

    Args:
        data: instance triples to check together with the ontology (e.g. a report
            graph plus the KB); literals whose datatype OWL 2 lacks are left out.
        java: the Java executable; by default ``java`` on the ``PATH``.
        class_assertions: also collect the ``ckg:`` classes HermiT entails for each
            individual of ``data`` (e.g. to check the materialisation rules against it).

    Returns:
        The result; ``checked`` is False, with a message, when Java is missing.
    """
    import owlready2

    executable = java or java_executable()
    if executable is None:
        return ConsistencyResult(False, None, message="consistency check skipped: no `java` "
                                 "executable found (HermiT needs Java 8 or later)")
    combined = load_ontology_graph()
    if data is not None:
        for triple in _owl_ready_triples(data):
            combined.add(triple)
    payload = combined.serialize(format="nt", encoding="utf-8")
    what = "the ontology" if data is None else "the ontology with the data"
    world = owlready2.World()
    start = time.perf_counter()
    previous = owlready2.JAVA_EXE
    owlready2.JAVA_EXE = executable
    try:
        ontology = world.get_ontology("https://w3id.org/conflict-kg/ontology")
        ontology.load(fileobj=io.BytesIO(payload), format="ntriples")
        try:
            with ontology:
                owlready2.sync_reasoner_hermit(world, infer_property_values=False, debug=0)
        except owlready2.OwlReadyInconsistentOntologyError:
            return ConsistencyResult(True, False, message="inconsistent: " + what,
                                     seconds=time.perf_counter() - start)
        unsatisfiable = tuple(sorted(
            c.iri for c in world.inconsistent_classes() if c is not owlready2.Nothing
        ))
        entailed: set[tuple[str, str]] = set()
        if class_assertions and data is not None:
            # data individuals are not declared owl:NamedIndividual: look each one up
            names = {str(n) for t in data for n in (t[0], t[2]) if isinstance(n, URIRef)}
            for name in sorted(names):
                individual = world[name]
                if not isinstance(individual, owlready2.Thing) or name.startswith(_CKG):
                    continue  # a class, a property, or one of the ontology's individuals
                for cls in individual.INDIRECT_is_a:
                    iri = getattr(cls, "iri", None)
                    if isinstance(iri, str) and iri.startswith(_CKG):
                        entailed.add((individual.iri, iri))
    finally:
        owlready2.JAVA_EXE = previous
        world.close()
    message = ("consistent, every class satisfiable" if not unsatisfiable
               else f"consistent, but {len(unsatisfiable)} class(es) unsatisfiable")
    return ConsistencyResult(True, True, unsatisfiable, message,
                             seconds=time.perf_counter() - start,
                             class_assertions=frozenset(entailed))


# =========================================================================== rules

@dataclass(frozen=True, slots=True)
class Rule:
    """One inference rule as a SPARQL update over the default graph."""

    name: str
    update: str


def _iri(node: object) -> str:
    return f"<{node}>"


def _is_ckg(node: object) -> bool:
    return isinstance(node, URIRef) and str(node).startswith(_CKG)


def _closure(graph: Graph, start: Node, predicate: URIRef) -> set[URIRef]:
    """Named nodes reachable from ``start`` through ``predicate`` (not including it)."""
    seen: set[URIRef] = set()
    todo: list[Node] = [start]
    while todo:
        for parent in graph.objects(todo.pop(), predicate):
            if isinstance(parent, URIRef) and parent not in seen and parent != start:
                seen.add(parent)
                todo.append(parent)
    return seen


def _values(variables: str, rows: Iterable[tuple[object, ...]]) -> str:
    body = " ".join("(" + " ".join(_iri(x) for x in row) + ")" for row in sorted(
        rows, key=lambda r: tuple(str(x) for x in r)))
    return f"VALUES ({variables}) {{ {body} }}"


def rules_from_ontology(ontology: Graph) -> list[Rule]:
    """Derive the materialisation rules from the ontology's axioms.

    Only ``ckg:`` classes and properties are concluded. Rules whose table is empty are
    left out.
    """
    classes = {c for c in ontology.subjects(RDF.type, OWL.Class) if _is_ckg(c)}
    properties = {p for t in (OWL.ObjectProperty, OWL.DatatypeProperty)
                  for p in ontology.subjects(RDF.type, t) if _is_ckg(p)}
    object_properties = {p for p in ontology.subjects(RDF.type, OWL.ObjectProperty) if _is_ckg(p)}

    sub_super = {(c, s) for c in classes for s in _closure(ontology, c, RDFS.subClassOf)
                 if _is_ckg(s)}
    prop_super = {(p, q) for p in properties for q in _closure(ontology, p, RDFS.subPropertyOf)
                  if _is_ckg(q)}
    domains = {(p, c) for p in properties for c in ontology.objects(p, RDFS.domain) if _is_ckg(c)}
    ranges = {(p, c) for p in object_properties for c in ontology.objects(p, RDFS.range)
              if _is_ckg(c)}
    transitive = sorted(str(p) for p in ontology.subjects(RDF.type, OWL.TransitiveProperty)
                        if _is_ckg(p))
    symmetric = sorted(str(p) for p in ontology.subjects(RDF.type, OWL.SymmetricProperty)
                       if _is_ckg(p))
    inverses = {(p, q) for p, q in ontology.subject_objects(OWL.inverseOf)
                if _is_ckg(p) and _is_ckg(q)}
    inverses |= {(q, p) for p, q in inverses}
    role_properties = {(r, p) for r, p in ontology.subject_objects(CKG.roleProperty)
                       if _is_ckg(r) and _is_ckg(p)}

    new = "FILTER NOT EXISTS {{ {0} }}"
    rules: list[Rule] = []
    if sub_super:
        rules.append(Rule("subclass", "INSERT { ?x a ?sup } WHERE { "
                          + _values("?sub ?sup", sub_super)
                          + " ?x a ?sub . " + new.format("?x a ?sup") + " }"))
    if prop_super:
        rules.append(Rule("subproperty", "INSERT { ?x ?q ?y } WHERE { "
                          + _values("?p ?q", prop_super)
                          + " ?x ?p ?y . " + new.format("?x ?q ?y") + " }"))
    if domains:
        rules.append(Rule("domain", "INSERT { ?x a ?c } WHERE { "
                          + _values("?p ?c", domains)
                          + " ?x ?p ?y . " + new.format("?x a ?c") + " }"))
    if ranges:
        rules.append(Rule("range", "INSERT { ?y a ?c } WHERE { "
                          + _values("?p ?c", ranges)
                          + " ?x ?p ?y . FILTER(!isLiteral(?y)) " + new.format("?y a ?c") + " }"))
    for prop in transitive:
        p = _iri(prop)
        rules.append(Rule(f"transitive {prop}", f"INSERT {{ ?x {p} ?z }} WHERE {{ "
                          f"?x {p}/{p}+ ?z . FILTER(?x != ?z) "
                          + new.format(f"?x {p} ?z") + " }"))
    if symmetric:
        rules.append(Rule("symmetric", "INSERT { ?y ?p ?x } WHERE { "
                          + _values("?p", [(p,) for p in symmetric])
                          + " ?x ?p ?y . FILTER(!isLiteral(?y)) " + new.format("?y ?p ?x") + " }"))
    if inverses:
        rules.append(Rule("inverse", "INSERT { ?y ?q ?x } WHERE { "
                          + _values("?p ?q", inverses)
                          + " ?x ?p ?y . FILTER(!isLiteral(?y)) " + new.format("?y ?q ?x") + " }"))
    for chain_owner, chain in sorted(ontology.subject_objects(OWL.propertyChainAxiom)):
        steps = list(Collection(ontology, chain))
        if not _is_ckg(chain_owner) or not steps:
            continue
        pattern = " . ".join(f"?v{i} {_iri(step)} ?v{i + 1}" for i, step in enumerate(steps))
        last = f"?v{len(steps)}"
        rules.append(Rule(f"chain {chain_owner}",
                          f"INSERT {{ ?v0 {_iri(chain_owner)} {last} }} WHERE {{ {pattern} . "
                          + new.format(f"?v0 {_iri(chain_owner)} {last}") + " }"))
    if role_properties:
        rules.append(Rule("qualified role", "INSERT { ?e ?p ?a } WHERE { "
                          + _values("?r ?p", role_properties)
                          + f" ?e {_iri(CKG.hasParticipation)} ?q . ?q {_iri(CKG.agent)} ?a ; "
                          f"{_iri(CKG.role)} ?r . " + new.format("?e ?p ?a") + " }"))
    return rules


@lru_cache(maxsize=1)
def default_rules() -> tuple[Rule, ...]:
    """The rules of the shipped ontology."""
    return tuple(rules_from_ontology(load_ontology_graph(codelists=False)))


# =========================================================================== inference

Triple = tuple[URIRef | BNode, URIRef, URIRef | BNode | Literal]


def _to_ox(term: object) -> NamedNode | BlankNode | OxLiteral:
    if isinstance(term, URIRef):
        return NamedNode(str(term))
    if isinstance(term, BNode):
        return BlankNode(str(term))
    assert isinstance(term, Literal)
    if term.language:
        return OxLiteral(str(term), language=term.language)
    if term.datatype is not None:
        return OxLiteral(str(term), datatype=NamedNode(str(term.datatype)))
    return OxLiteral(str(term))


def _from_ox(term: object) -> URIRef | BNode | Literal:
    if isinstance(term, NamedNode):
        return URIRef(term.value)
    if isinstance(term, BlankNode):
        return BNode(term.value)
    assert isinstance(term, OxLiteral)
    if term.language:
        return Literal(term.value, lang=term.language)
    return Literal(term.value, datatype=URIRef(term.datatype.value))


def _run_rules(work: Store, rules: Iterable[Rule]) -> int:
    """Run the rules until a round adds nothing; returns the number of rounds."""
    rules = list(rules)
    size = len(work)
    for round_number in range(1, MAX_ROUNDS + 1):
        for rule in rules:
            work.update(rule.update)
        if len(work) == size:
            return round_number
        size = len(work)
    return MAX_ROUNDS


def _infer_quads(asserted: Iterable[Quad], rules: Iterable[Rule]) -> tuple[list[Quad], int]:
    """New triples (as default-graph quads) entailed by ``asserted``, and the rounds used."""
    work = Store()
    asserted_graph = NamedNode("urn:conflict-kg:asserted")
    work.extend(Quad(q.subject, q.predicate, q.object, DefaultGraph()) for q in asserted)
    work.update(f"INSERT {{ GRAPH {asserted_graph} {{ ?s ?p ?o }} }} WHERE {{ ?s ?p ?o }}")
    rounds = _run_rules(work, rules)
    new = []
    for quad in work.quads_for_pattern(None, None, None, DefaultGraph()):
        s, p, o = quad.subject, quad.predicate, quad.object
        if not isinstance(s, NamedNode) or isinstance(o, BlankNode):
            continue  # blank nodes cannot be written to another graph and stay the same node
        if s.value.startswith(_CKG):  # the ontology's own individuals
            continue
        if p == NamedNode(str(RDF.type)) and not (isinstance(o, NamedNode)
                                                  and o.value.startswith(_CKG)):
            continue
        if not p.value.startswith(_CKG) and p != NamedNode(str(RDF.type)):
            continue
        if next(work.quads_for_pattern(s, p, o, asserted_graph), None) is None:
            new.append(Quad(s, p, o, DefaultGraph()))
    return new, rounds


def infer(data: Graph, rules: Iterable[Rule] | None = None) -> list[Triple]:
    """Triples the ontology entails for ``data`` that ``data`` does not state.

    Args:
        data: asserted triples.
        rules: the rules to apply; by default those of the shipped ontology.

    Returns:
        The new triples, sorted (only ``ckg:`` predicates and ``ckg:`` classes; none
        with blank nodes).
    """
    quads = (Quad(_to_ox(s), _to_ox(p), _to_ox(o), DefaultGraph())  # type: ignore[arg-type]
             for s, p, o in data)
    new, _ = _infer_quads(quads, default_rules() if rules is None else rules)
    triples: list[Triple] = [
        (_from_ox(q.subject), _from_ox(q.predicate), _from_ox(q.object))  # type: ignore[misc]
        for q in new
    ]
    return sorted(triples, key=lambda t: tuple(str(x) for x in t))


class WritableStore(Protocol):
    """What :func:`materialise` needs of a store (see :class:`kg.graph.store.GraphStore`)."""

    def graphs(self) -> list[str]: ...

    def quads(self, graph: str | None = None) -> Iterator[Quad]: ...

    def replace_graph(self, graph: str, quads: Iterable[Quad]) -> int: ...


@dataclass(frozen=True, slots=True)
class ReasoningSummary:
    """What :func:`materialise` did."""

    graph: str
    #: triples now in the inferred graph
    inferred: int
    #: asserted triples read
    asserted: int
    rounds: int
    seconds: float
    #: inferred triples per predicate (prefixed ``ckg:`` name or ``rdf:type``)
    by_predicate: dict[str, int] = field(default_factory=dict)

    def lines(self) -> list[str]:
        """A readable summary, one line per predicate."""
        head = (f"{self.inferred} inferred triples from {self.asserted} asserted "
                f"({self.rounds} rounds, {self.seconds:.2f} s) into {self.graph}")
        return [head, *(f"  {name}: {n}" for name, n in sorted(self.by_predicate.items()))]


def _short(predicate: NamedNode) -> str:
    if predicate.value == str(RDF.type):
        return "rdf:type"
    return "ckg:" + predicate.value[len(_CKG):]


def materialise(store: WritableStore, rules: Iterable[Rule] | None = None) -> ReasoningSummary:
    """Compute the inferences for every asserted graph and replace the inferred graph.

    Reads every graph except the inferred and ontology graphs, and writes only
    :data:`kg.core.iris.INFERRED_GRAPH`, in one transaction (readers see the old or the new
    inferred graph, never a mix). Report graphs are not touched.

    Args:
        store: an open, writable store (:class:`kg.graph.store.GraphStore`).
        rules: the rules to apply; by default those of the shipped ontology.

    Returns:
        A summary of what was inferred.
    """
    start = time.perf_counter()
    asserted: list[Quad] = []
    for name in store.graphs():
        if name not in NOT_INPUT:
            asserted.extend(store.quads(name))
    new, rounds = _infer_quads(asserted, default_rules() if rules is None else rules)
    target = NamedNode(iris.INFERRED_GRAPH)
    written = store.replace_graph(iris.INFERRED_GRAPH,
                                  (Quad(q.subject, q.predicate, q.object, target) for q in new))
    counts = Counter(_short(q.predicate) for q in new)
    return ReasoningSummary(iris.INFERRED_GRAPH, written, len(asserted), rounds,
                            time.perf_counter() - start, dict(counts))


__all__ = [
    "ConsistencyResult",
    "ReasoningSummary",
    "Rule",
    "check_consistency",
    "default_rules",
    "infer",
    "java_executable",
    "materialise",
    "rules_from_ontology",
]
