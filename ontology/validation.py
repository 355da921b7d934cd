"""Check graphs against the SHACL shapes and the ontology's closed vocabulary.

:func:`validate` runs ``shapes.ttl`` (pyshacl) over an rdflib graph or dataset, with
the ontology mixed in so that ``sh:targetClass ckg:Event`` also reaches a
``ckg:Raid``; it also reports any ``ckg:`` predicate or class the ontology does not
define. :func:`validate_store` does the same over a conflict-kg store (asserted graphs
only: the inferred graph would make the class checks trivially true).

>>> from rdflib import Graph, Literal, URIRef
>>> from rdflib.namespace import RDF
>>> from ontology.namespace import CKG
>>> g = Graph()
>>> span = URIRef("https://example.org/span")
>>> _ = g.add((span, RDF.type, CKG.TextSpan))
>>> _ = g.add((span, CKG.startOffset, Literal(5)))
>>> report = validate(g)
>>> report.conforms
False
>>> print(report.lines()[0])
<https://example.org/span>  ckg:endOffset  A text span has one end offset, an integer from 0.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Protocol

from pyoxigraph import Quad, RdfFormat, Triple, serialize
from pyshacl import validate as shacl_validate
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.graph import ConjunctiveGraph
from rdflib.namespace import RDF, SH
from rdflib.term import Node

from kg.core import iris
from ontology import load_ontology_graph, load_shapes_graph, term_iris
from ontology.namespace import CKG, PREFIXES

#: Graphs left out when a whole store or dataset is validated.
SKIPPED_GRAPHS: frozenset[str] = frozenset({iris.INFERRED_GRAPH, iris.ONTOLOGY_GRAPH})

#: Severity names by SHACL severity IRI.
_SEVERITY = {SH.Violation: "Violation", SH.Warning: "Warning", SH.Info: "Info"}


class StoreLike(Protocol):
    """What :func:`validate_store` needs of a store (see :class:`kg.graph.store.GraphStore`)."""

    def graphs(self) -> list[str]: ...

    def dump(self, output: io.BytesIO, fmt: RdfFormat, *, graph: str | None = None) -> None: ...

    def query(self, sparql: str) -> Any: ...


@dataclass(frozen=True, slots=True, order=True)
class Violation:
    """One problem found in a graph: where (focus node, path), what (message), how bad."""

    focus: str
    path: str
    message: str
    value: str = ""
    severity: str = "Violation"
    #: the shape that raised it, or ``vocabulary`` for an undefined ``ckg:`` term
    source: str = field(default="", compare=False)

    def line(self) -> str:
        """The violation as one readable line: focus, path, message and offending value."""
        text = f"{self.focus}  {self.path or '-'}  {self.message}"
        if self.value:
            text += f" (value: {self.value})"
        if self.severity != "Violation":
            text = f"[{self.severity}] {text}"
        return text


@dataclass(frozen=True, slots=True)
class ValidationReport:
    """The outcome of a validation run."""

    violations: tuple[Violation, ...]
    #: number of triples that were checked
    triples: int = 0

    @property
    def conforms(self) -> bool:
        """True when nothing of severity ``Violation`` was found."""
        return not any(v.severity == "Violation" for v in self.violations)

    def lines(self) -> list[str]:
        """One readable line per violation, sorted by focus node then path."""
        return [v.line() for v in self.violations]

    def __str__(self) -> str:
        head = (f"conforms ({self.triples} triples checked)" if self.conforms
                else f"{len(self.violations)} violation(s) in {self.triples} triples")
        return "\n".join([head, *self.lines()])


# --------------------------------------------------------------------------- rendering

_PREFIXES = sorted(PREFIXES.items(), key=lambda item: -len(item[1]))


def _render(node: Node | None, graph: Graph | None = None) -> str:
    """A compact, readable form of an RDF term (prefixed name, ``<iri>``, literal)."""
    if node is None:
        return ""
    if isinstance(node, URIRef):
        value = str(node)
        for prefix, base in _PREFIXES:
            rest = value[len(base):]
            if value.startswith(base) and rest and all(c.isalnum() or c in "-_./" for c in rest):
                return f"{prefix}:{rest}"
        return f"<{value}>"
    if isinstance(node, Literal):
        text = str(node)
        if len(text) > 60:
            text = text[:57] + "…"
        if node.language:
            return f'"{text}"@{node.language}'
        if node.datatype is not None:
            return f'"{text}"^^{_render(node.datatype)}'
        return f'"{text}"'
    if isinstance(node, BNode) and graph is not None:
        items = list(Collection(graph, node)) if graph.value(node, RDF.first) is not None else []
        if items:  # a sequence path
            return "/".join(_render(item, graph) for item in items)
    return f"_:{node}"


# --------------------------------------------------------------------------- checks

@lru_cache(maxsize=1)
def _ontology() -> Graph:
    return load_ontology_graph(codelists=False)


@lru_cache(maxsize=1)
def _shapes() -> Graph:
    return load_shapes_graph()


@lru_cache(maxsize=1)
def _defined_terms() -> frozenset[str]:
    return frozenset(term_iris(_ontology()))


def vocabulary_violations(graph: Graph) -> list[Violation]:
    """Uses of ``ckg:`` predicates or classes that the ontology does not define.

    These are the ad-hoc terms a closed vocabulary forbids (a typo such as
    ``ckg:perpetrater``); SHACL cannot see them, since no shape targets them.
    """
    prefix = str(CKG._NS)
    defined = _defined_terms()
    found = []
    for s, p, o in graph:
        if str(p).startswith(prefix) and str(p) not in defined:
            found.append(Violation(_render(s), _render(p),
                                   "Predicate is not a term of the conflict-kg ontology.",
                                   source="vocabulary"))
        elif p == RDF.type and isinstance(o, URIRef) and str(o).startswith(prefix) \
                and str(o) not in defined:
            found.append(Violation(_render(s), "rdf:type",
                                   "Class is not a term of the conflict-kg ontology.",
                                   value=_render(o), source="vocabulary"))
    return found


def _severity(node: Node | None) -> str:
    return _SEVERITY.get(node, "Violation") if isinstance(node, URIRef) else "Violation"


def _shape_violations(results: Graph, keep: set[Node] | None) -> list[Violation]:
    found = []
    for result in results.subjects(RDF.type, SH.ValidationResult):
        focus = results.value(result, SH.focusNode)
        if keep is not None and focus not in keep:
            continue
        message = results.value(result, SH.resultMessage)
        component = results.value(result, SH.sourceConstraintComponent)
        found.append(Violation(
            focus=_render(focus),
            path=_render(results.value(result, SH.resultPath), results),
            message=str(message) if message is not None else _render(component),
            value=_render(results.value(result, SH.value)),
            severity=_severity(results.value(result, SH.resultSeverity)),
            source=_render(results.value(result, SH.sourceShape), results),
        ))
    return found


def _union(data: Graph | Dataset | ConjunctiveGraph, skipped: Iterable[str]) -> Graph:
    """One graph with the triples of every graph of a dataset except the skipped ones."""
    if not isinstance(data, ConjunctiveGraph):  # Dataset is a ConjunctiveGraph in rdflib 7
        return data
    skip = {URIRef(g) for g in skipped}
    merged = Graph()
    graphs = data.graphs() if isinstance(data, Dataset) else data.contexts()
    for context in graphs:
        if context.identifier not in skip:
            for triple in context:
                merged.add(triple)
    return merged


def validate(
    data: Graph | Dataset | ConjunctiveGraph,
    *,
    context: Graph | None = None,
    skipped_graphs: Iterable[str] = SKIPPED_GRAPHS,
) -> ValidationReport:
    """Validate a graph, or the union of a dataset's graphs, against the shapes.

    Args:
        data: the graph to check. For a dataset, the union of its graphs except
            ``skipped_graphs`` (the inferred and ontology graphs) is checked.
        context: further triples the checks may use but that are not themselves
            reported on, e.g. the KB graph that types the places and actors a report
            graph refers to. Only nodes that are subjects in ``data`` are reported.
        skipped_graphs: graph IRIs left out of a dataset.

    Returns:
        The report: ``conforms`` and one :class:`Violation` per problem, sorted.
    """
    graph = _union(data, skipped_graphs)
    keep: set[Node] | None = None
    checked = graph
    if context is not None and len(context):
        keep = set(graph.subjects())
        checked = Graph()
        for triple in graph:
            checked.add(triple)
        for triple in context:
            checked.add(triple)
    options: dict[str, Any] = {}
    if keep is not None and all(isinstance(n, URIRef) for n in keep):
        options["focus_nodes"] = sorted(keep)  # skip checking the context's own nodes
    _, results, _ = shacl_validate(
        checked,
        shacl_graph=_shapes(),
        ont_graph=_ontology(),
        inference="none",
        advanced=False,
        allow_warnings=True,
        **options,
    )
    assert isinstance(results, Graph)
    violations = _shape_violations(results, keep) + vocabulary_violations(graph)
    return ValidationReport(tuple(sorted(set(violations))), triples=len(graph))


def _graph_from_store(store: StoreLike, graphs: Iterable[str]) -> Graph:
    merged = Graph()
    for name in graphs:
        buffer = io.BytesIO()
        store.dump(buffer, RdfFormat.N_TRIPLES, graph=name)
        merged.parse(data=buffer.getvalue(), format="nt")
    return merged


def _types_of_referenced(store: StoreLike, graph: str) -> Graph:
    """``rdf:type`` triples, from any asserted graph, of the IRIs ``graph`` refers to."""
    skipped = ", ".join(f"<{g}>" for g in sorted(SKIPPED_GRAPHS))
    rows = store.query(
        "SELECT DISTINCT ?o ?t WHERE { "
        f"GRAPH <{graph}> {{ ?s ?p ?o FILTER(isIRI(?o)) }} "
        "GRAPH ?k { ?o a ?t } "
        f"FILTER(?k NOT IN ({skipped})) }}")
    types = Graph()
    for row in rows:
        types.add((URIRef(row["o"].value), RDF.type, URIRef(row["t"].value)))
    return types


def validate_store(store: StoreLike, graph: str | None = None) -> ValidationReport:
    """Validate a conflict-kg store, or one of its named graphs.

    Args:
        store: an open store (:class:`kg.graph.store.GraphStore`).
        graph: IRI of one named graph to check (e.g. a report graph); the types the
            other asserted graphs (the KB) give to the entities it refers to serve as
            context. ``None`` checks the union of all asserted graphs.

    Returns:
        The validation report.

    Raises:
        KeyError: ``graph`` is not a graph of the store.
    """
    names = store.graphs()
    if graph is not None:
        if graph not in names:
            raise KeyError(f"no graph {graph} in the store")
        return validate(_graph_from_store(store, [graph]),
                        context=_types_of_referenced(store, graph))
    asserted = [g for g in names if g not in SKIPPED_GRAPHS]
    return validate(_graph_from_store(store, asserted))


def _graph_from_quads(quads: Iterable[Quad]) -> Graph:
    buffer = io.BytesIO()
    serialize((Triple(q.subject, q.predicate, q.object) for q in quads), buffer,
              RdfFormat.N_TRIPLES)
    return Graph().parse(data=buffer.getvalue(), format="nt")


def report_validator(store: StoreLike) -> Callable[[list[Quad]], list[str]]:
    """A check for one report's quads before they are stored (``kg.pipeline.ingest``'s hook).

    The returned function validates the quads with the types the store's asserted
    graphs (the KB) give to the entities they refer to, and returns one readable line
    per violation (an empty list when the report conforms).
    """

    def check(quads: list[Quad]) -> list[str]:
        data = _graph_from_quads(quads)
        referenced = sorted({o for o in data.objects() if isinstance(o, URIRef)})
        context = Graph()
        skipped = ", ".join(f"<{g}>" for g in sorted(SKIPPED_GRAPHS))
        for start in range(0, len(referenced), 500):
            values = " ".join(f"<{o}>" for o in referenced[start:start + 500])
            rows = store.query(f"SELECT ?o ?t WHERE {{ VALUES ?o {{ {values} }} "
                               f"GRAPH ?k {{ ?o a ?t }} FILTER(?k NOT IN ({skipped})) }}")
            for row in rows:
                context.add((URIRef(row["o"].value), RDF.type, URIRef(row["t"].value)))
        return validate(data, context=context).lines()

    return check


def iter_lines(report: ValidationReport) -> Iterator[str]:
    """The lines ``kg validate`` prints: one per violation, then a summary."""
    yield from report.lines()
    if report.conforms:
        yield f"conforms: {report.triples} triples checked, no violations"
    else:
        count = sum(1 for v in report.violations if v.severity == "Violation")
        yield f"{count} violation(s) in {report.triples} triples"


__all__ = [
    "SKIPPED_GRAPHS",
    "ValidationReport",
    "Violation",
    "iter_lines",
    "report_validator",
    "validate",
    "validate_store",
    "vocabulary_violations",
]
