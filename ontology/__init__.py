"""conflict-kg: the ontology, its code lists and its SHACL shapes, as files and as graphs.

The Turtle files in this package are the source of truth; :mod:`ontology.namespace`
mirrors the ``ckg:`` terms of ``conflict.ttl``. :func:`terms` lists every term with
its English and Arabic label and definition (for the reference page the server renders).

>>> graph = load_ontology_graph()
>>> from ontology.namespace import CKG
>>> term = next(t for t in terms(graph) if t.iri == str(CKG.Raid))
>>> (term.kind, term.label_en, term.label_ar)
('class', 'raid', 'مداهمة')
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from ontology.namespace import CKG

#: IRI of the ontology document (``owl:Ontology``).
ONTOLOGY_IRI = "https://w3id.org/conflict-kg/ontology"

#: Kind of a term by its ``rdf:type``, in the order the reference page lists them.
KINDS: dict[URIRef, str] = {
    OWL.Class: "class",
    OWL.ObjectProperty: "object property",
    OWL.DatatypeProperty: "datatype property",
    OWL.AnnotationProperty: "annotation property",
    OWL.NamedIndividual: "individual",
}

#: SKOS mapping properties reported for each term, by their short name.
MAPPING_PROPERTIES: dict[URIRef, str] = {
    SKOS.exactMatch: "exactMatch",
    SKOS.closeMatch: "closeMatch",
    SKOS.broadMatch: "broadMatch",
    SKOS.narrowMatch: "narrowMatch",
    SKOS.relatedMatch: "relatedMatch",
}


def _package_file(name: str) -> Path:
    return Path(str(resources.files("ontology").joinpath(name)))


def ontology_path() -> Path:
    """Path of ``conflict.ttl``, the ontology (classes, properties, individuals)."""
    return _package_file("conflict.ttl")


def codelists_path() -> Path:
    """Path of ``codelists.ttl``: ACLED and PLOVER concept schemes and the mappings to them."""
    return _package_file("codelists.ttl")


def shapes_path() -> Path:
    """Path of ``shapes.ttl``, the SHACL shapes of a well-formed conflict-kg graph."""
    return _package_file("shapes.ttl")


def ontology_files() -> list[Path]:
    """The Turtle files that make up the ontology as published: ``conflict.ttl`` and
    ``codelists.ttl`` (what the store's ontology graph should hold)."""
    return [ontology_path(), codelists_path()]


def load_ontology_graph(*, codelists: bool = True) -> Graph:
    """Parse the ontology (and, unless told not to, the code lists) into one graph.

    Args:
        codelists: also load ``codelists.ttl`` (concept schemes and mappings).

    Returns:
        A new :class:`rdflib.Graph` with the usual prefixes bound.

    Raises:
        rdflib.plugins.parsers.notation3.BadSyntax: a file is not valid Turtle.
    """
    graph = Graph()
    graph.parse(ontology_path(), format="turtle")
    if codelists:
        graph.parse(codelists_path(), format="turtle")
    return graph


def load_shapes_graph() -> Graph:
    """Parse the SHACL shapes into a new graph."""
    return Graph().parse(shapes_path(), format="turtle")


@dataclass(frozen=True, slots=True)
class Term:
    """One ``ckg:`` term of the ontology, as the reference page shows it."""

    iri: str
    #: ``class``, ``object property``, ``datatype property``, ``annotation property``
    #: or ``individual``
    kind: str
    label_en: str
    label_ar: str
    definition_en: str
    definition_ar: str
    #: direct super-classes / super-properties, or the classes of an individual
    parents: tuple[str, ...] = ()
    #: ``(mapping kind, IRI)`` pairs such as ``("exactMatch", "http://www.wikidata.org/entity/Q645883")``
    mappings: tuple[tuple[str, str], ...] = ()

    @property
    def local_name(self) -> str:
        """The part of the IRI after ``#``."""
        return self.iri.rsplit("#", 1)[-1]


def _text(graph: Graph, subject: URIRef, predicate: URIRef, lang: str) -> str:
    for value in graph.objects(subject, predicate):
        if isinstance(value, Literal) and value.language == lang:
            return str(value)
    return ""


def _kind(graph: Graph, subject: URIRef) -> str:
    types = set(graph.objects(subject, RDF.type))
    for rdf_type, kind in KINDS.items():
        if rdf_type in types:
            return kind
    return "individual" if types else "unknown"


def _parents(graph: Graph, subject: URIRef, kind: str) -> tuple[str, ...]:
    if kind == "class":
        found = graph.objects(subject, RDFS.subClassOf)
    elif kind.endswith("property"):
        found = graph.objects(subject, RDFS.subPropertyOf)
    else:
        found = (t for t in graph.objects(subject, RDF.type) if t != OWL.NamedIndividual)
    return tuple(sorted(str(p) for p in found if isinstance(p, URIRef)))


def term_iris(graph: Graph | None = None) -> set[str]:
    """IRIs of the ``ckg:`` terms the ontology defines (subjects in the ``ckg:`` namespace)."""
    source = graph if graph is not None else load_ontology_graph(codelists=False)
    prefix = str(CKG._NS)
    return {str(s) for s in source.subjects()
            if isinstance(s, URIRef) and str(s).startswith(prefix)}


def terms(graph: Graph | None = None) -> Iterator[Term]:
    """Every ``ckg:`` term with its kind, labels, definitions, parents and mappings.

    Terms come grouped by kind (classes, object properties, datatype properties,
    annotation properties, individuals), then by local name.

    Args:
        graph: the ontology graph; by default :func:`load_ontology_graph` (with code
            lists, so the ACLED/PLOVER mappings are included).
    """
    source = graph if graph is not None else load_ontology_graph()
    order = {kind: i for i, kind in enumerate([*KINDS.values(), "unknown"])}
    found = []
    for iri in term_iris(source):
        subject = URIRef(iri)
        kind = _kind(source, subject)
        mappings = tuple(sorted(
            (name, str(target))
            for prop, name in MAPPING_PROPERTIES.items()
            for target in source.objects(subject, prop)
        ))
        found.append(Term(
            iri=iri,
            kind=kind,
            label_en=_text(source, subject, RDFS.label, "en"),
            label_ar=_text(source, subject, RDFS.label, "ar"),
            definition_en=_text(source, subject, SKOS.definition, "en"),
            definition_ar=_text(source, subject, SKOS.definition, "ar"),
            parents=_parents(source, subject, kind),
            mappings=mappings,
        ))
    found.sort(key=lambda t: (order[t.kind], t.local_name.lower(), t.local_name))
    yield from found


def version_info(graph: Graph | None = None) -> str:
    """The ontology's ``owl:versionInfo``."""
    source = graph if graph is not None else load_ontology_graph(codelists=False)
    value = source.value(URIRef(ONTOLOGY_IRI), OWL.versionInfo)
    return str(value) if value is not None else ""


__all__ = [
    "ONTOLOGY_IRI",
    "Term",
    "codelists_path",
    "load_ontology_graph",
    "load_shapes_graph",
    "ontology_files",
    "ontology_path",
    "shapes_path",
    "term_iris",
    "terms",
    "version_info",
]
