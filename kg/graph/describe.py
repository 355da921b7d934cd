"""VoID and DCAT description of a store: what a published dataset (or the server) says about itself.

:func:`describe` counts what the store holds and returns an :class:`rdflib.Graph`:

- the dataset (``dcat:Dataset`` and ``void:Dataset``): title, description, licence,
  issue date, last modification (the latest ``prov:generatedAtTime``), publisher,
  the ontology it conforms to and its version, the vocabularies it uses;
- counts: ``void:triples`` (= quads in the store), ``void:entities``,
  ``void:distinctSubjects``/``distinctObjects``, ``void:classes``/``properties``,
  ``void:documents`` (reports);
- one ``void:classPartition`` per class (entities) and ``void:propertyPartition``
  per property (quads), so the property counts add up to ``void:triples``;
- one ``void:subset`` per named graph (``sd:name`` and ``void:triples``), plus the
  default graph when it holds anything;
- ``void:Linkset``\\ s to Wikidata and GeoNames (``owl:sameAs`` links);
- ``dcat:distribution``\\ s for the data files of a package, when given.

The server can serve the graph as its VoID description (``base_url`` then gives the
SPARQL endpoint and the dataset IRI ``{base_url}/void#dataset``).

>>> from kg.graph.store import open_store
>>> g = describe(open_store(None), issued="2021-12-14")
>>> int(g.value(DEFAULT_DATASET, VOID.triples))
0
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from pyoxigraph import Literal as OxLiteral
from pyoxigraph import QuerySolutions, RdfFormat, parse
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, OWL, PROV, RDF, RDFS, VOID, XSD

from kg.core import iris
from kg.graph.store import GraphStore
from ontology.namespace import CKG, PREFIXES

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
SPDX = Namespace("http://spdx.org/rdf/terms#")

#: Dataset IRI used when no ``base_url`` is given.
DEFAULT_DATASET = URIRef(iris.BASE + "dataset")
DEFAULT_TITLE = "conflict-kg dataset"
DEFAULT_DESCRIPTION = (
    "Armed-conflict events read from news reports and statements (mostly Arabic, on "
    "Syria and Iraq) by conflict-kg: what happened, when, where, who did it to whom, "
    "casualties and who says so, with the sentence each fact was read from. One named "
    "graph per report, one for the knowledge base of places and actors.")
#: Licence of exported data when none is given (the knowledge base derives from CC BY 4.0 data).
DEFAULT_LICENCE = "https://creativecommons.org/licenses/by/4.0/"
DEFAULT_PUBLISHER = "conflict-kg user"

#: Datasets the store links to with owl:sameAs: name → (dataset IRI, URI spaces, homepage).
LINK_TARGETS: dict[str, tuple[str, tuple[str, ...], str]] = {
    "wikidata": ("https://www.wikidata.org/", ("http://www.wikidata.org/entity/",),
                 "https://www.wikidata.org/"),
    "geonames": ("https://www.geonames.org/",
                 ("https://sws.geonames.org/", "http://sws.geonames.org/"),
                 "https://www.geonames.org/"),
}

ONTOLOGY_IRI = URIRef(iris.BASE + "ontology")


@dataclass(frozen=True, slots=True)
class Distribution:
    """A file of a published package."""

    #: file name relative to the package (or a full URL)
    path: str
    media_type: str
    byte_size: int
    sha256: str
    title: str
    #: whether it is an RDF dump (listed as ``void:dataDump`` too)
    rdf: bool = True

    @classmethod
    def of_file(cls, file: Path, relative: str, media_type: str, title: str, *,
                rdf: bool = True) -> Distribution:
        """Describe a written file (size and SHA-256 read from disk)."""
        digest = hashlib.sha256()
        with file.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
        return cls(relative, media_type, file.stat().st_size, digest.hexdigest(), title, rdf)


def _rows(store: GraphStore, sparql: str, *, union: bool = False) -> QuerySolutions:
    result = store.query(sparql, union_default_graph=union, prefixes=PREFIXES)
    assert isinstance(result, QuerySolutions)
    return result


def _int(term: object) -> int:
    return int(term.value) if isinstance(term, OxLiteral) else 0


#: every quad, whichever graph holds it (the query runs without the union default graph)
_ALL = "{ { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } }"


def ontology_version(store: GraphStore) -> tuple[str | None, str | None]:
    """(versionInfo, versionIRI) of the ontology: from the store's ontology graph, else
    from the shipped ``ontology/conflict.ttl``; ``(None, None)`` when neither has one."""
    query = ("SELECT ?v ?vi WHERE { GRAPH ?g { ?o a owl:Ontology . "
             "OPTIONAL { ?o owl:versionInfo ?v } OPTIONAL { ?o owl:versionIRI ?vi } } } "
             "ORDER BY ?v ?vi LIMIT 1")
    for row in _rows(store, query):
        return (row["v"].value if row["v"] else None, row["vi"].value if row["vi"] else None)
    shipped = resources.files("ontology").joinpath("conflict.ttl")
    if not shipped.is_file():
        return None, None
    info = iri = None
    for quad in parse(shipped.read_bytes(), RdfFormat.TURTLE):
        if quad.predicate.value == str(OWL.versionInfo):
            info = quad.object.value
        elif quad.predicate.value == str(OWL.versionIRI):
            iri = quad.object.value
    return info, iri


def _vocabularies(properties: Iterable[str]) -> list[str]:
    namespaces = sorted(PREFIXES.values(), key=len, reverse=True)
    used = set()
    for prop in properties:
        for namespace in namespaces:
            if prop.startswith(namespace):
                used.add(namespace)
                break
    return sorted(used)


def describe(
    store: GraphStore,
    *,
    base_url: str | None = None,
    dataset_iri: str | None = None,
    title: str = DEFAULT_TITLE,
    description: str = DEFAULT_DESCRIPTION,
    licence: str = DEFAULT_LICENCE,
    publisher: str = DEFAULT_PUBLISHER,
    issued: str | dt.date | None = None,
    distributions: Iterable[Distribution] = (),
    list_graphs: bool = True,
) -> Graph:
    """The VoID + DCAT description of ``store``.

    Args:
        store: the store to describe (read only).
        base_url: public URL of a server for this store; adds ``void:sparqlEndpoint``
            and makes the dataset IRI ``{base_url}/void#dataset``.
        dataset_iri: the dataset's IRI (overrides the one derived from ``base_url``;
            default :data:`DEFAULT_DATASET`).
        title: ``dcterms:title``.
        description: ``dcterms:description``.
        licence: IRI of the licence of the data.
        publisher: name (or IRI) of who publishes it.
        issued: creation and issue date of this description (default: today, UTC).
        distributions: files of a package (:class:`Distribution`), relative to
            ``base_url`` when it is given.
        list_graphs: describe every named graph (turn off for stores with very many).

    Returns:
        An rdflib graph with the description (prefixes bound).
    """
    graph = Graph()
    for prefix, namespace in (("void", VOID), ("dcat", DCAT), ("dcterms", DCTERMS),
                              ("foaf", FOAF), ("sd", SD), ("spdx", SPDX), ("owl", OWL),
                              ("ckg", CKG._NS), ("prov", PROV), ("xsd", XSD)):
        graph.bind(prefix, namespace)
    base = base_url.rstrip("/") if base_url else None
    ds = URIRef(dataset_iri or (f"{base}/void#dataset" if base else str(DEFAULT_DATASET)))
    add = graph.add
    document = str(ds).split("#", 1)[0]

    def part(kind: str, key: str) -> URIRef:
        """A stable IRI for a partition, subset or file node (keeps the output diffable)."""
        local = key.rstrip("/#").rsplit("/", 1)[-1].rsplit("#", 1)[-1]
        slug = "".join(ch if ch.isalnum() else "-" for ch in local)[:40]
        digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:8]
        return URIRef(f"{document}#{kind}-{slug}-{digest}")

    def count(value: int) -> Literal:
        return Literal(value, datatype=XSD.integer)

    add((ds, RDF.type, DCAT.Dataset))
    add((ds, RDF.type, VOID.Dataset))
    add((ds, DCTERMS.title, Literal(title, lang="en")))
    add((ds, DCTERMS.description, Literal(description, lang="en")))
    add((ds, DCTERMS.license, URIRef(licence)))
    if isinstance(issued, dt.date):
        issued = issued.isoformat()
    issued_on = Literal(issued or dt.datetime.now(dt.UTC).date().isoformat(), datatype=XSD.date)
    add((ds, DCTERMS.created, issued_on))
    add((ds, DCTERMS.issued, issued_on))
    if publisher.startswith(("http://", "https://")):
        add((ds, DCTERMS.publisher, URIRef(publisher)))
    else:
        agent = part("publisher", publisher)
        add((ds, DCTERMS.publisher, agent))
        add((agent, RDF.type, FOAF.Agent))
        add((agent, FOAF.name, Literal(publisher)))
    for keyword in ("armed conflict", "events", "Syria", "Iraq", "ACLED"):
        add((ds, DCAT.keyword, Literal(keyword, lang="en")))
    add((ds, VOID.uriSpace, Literal(iris.ID)))
    if base:
        add((ds, VOID.sparqlEndpoint, URIRef(base + "/sparql")))
        add((ds, DCAT.landingPage, URIRef(base + "/")))

    # --- ontology
    version, version_iri = ontology_version(store)
    add((ds, DCTERMS.conformsTo, ONTOLOGY_IRI))
    add((ONTOLOGY_IRI, RDF.type, OWL.Ontology))
    if version:
        add((ONTOLOGY_IRI, OWL.versionInfo, Literal(version)))
    if version_iri:
        add((ONTOLOGY_IRI, OWL.versionIRI, URIRef(version_iri)))
        add((ds, DCTERMS.conformsTo, URIRef(version_iri)))

    # --- counts
    total = len(store)
    add((ds, VOID.triples, count(total)))
    for row in _rows(store, f"SELECT (COUNT(DISTINCT ?s) AS ?s_) (COUNT(DISTINCT ?o) AS ?o_) "
                            f"WHERE {_ALL}"):
        add((ds, VOID.distinctSubjects, count(_int(row["s_"]))))
        add((ds, VOID.distinctObjects, count(_int(row["o_"]))))
    for row in _rows(store, "SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { { ?s ?p ?o } UNION "
                            "{ GRAPH ?g { ?s ?p ?o } } FILTER(isIRI(?s)) }"):
        add((ds, VOID.entities, count(_int(row["n"]))))
    for row in _rows(store, "SELECT (COUNT(DISTINCT ?g) AS ?n) "
                            "WHERE { GRAPH ?g { ?r a ckg:Report } }"):
        add((ds, VOID.documents, count(_int(row["n"]))))
    for row in _rows(store, "SELECT (MAX(?t) AS ?m) "
                            "WHERE { GRAPH ?g { ?r prov:generatedAtTime ?t } }"):
        if row["m"] is not None:
            add((ds, DCTERMS.modified, Literal(row["m"].value, datatype=XSD.dateTime)))

    classes = sorted(
        (row["c"].value, _int(row["n"]))
        for row in _rows(store, "SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE { { ?s a ?c } UNION "
                                "{ GRAPH ?g { ?s a ?c } } FILTER(isIRI(?c)) } GROUP BY ?c"))
    add((ds, VOID.classes, count(len(classes))))
    for cls, n in classes:
        node = part("class", cls)
        add((ds, VOID.classPartition, node))
        add((node, VOID["class"], URIRef(cls)))
        add((node, VOID.entities, count(n)))
    properties = sorted(
        (row["p"].value, _int(row["n"]))
        for row in _rows(store, f"SELECT ?p (COUNT(*) AS ?n) WHERE {_ALL} GROUP BY ?p"))
    add((ds, VOID.properties, count(len(properties))))
    for prop, n in properties:
        node = part("property", prop)
        add((ds, VOID.propertyPartition, node))
        add((node, VOID.property, URIRef(prop)))
        add((node, VOID.triples, count(n)))
    for vocabulary in _vocabularies(p for p, _ in properties):
        add((ds, VOID.vocabulary, URIRef(vocabulary)))

    # --- graphs
    if list_graphs:
        per_graph = {row["g"].value: _int(row["n"]) for row in _rows(
            store, "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")}
        for name in sorted(per_graph):
            subset = part("graph", name)
            add((ds, VOID.subset, subset))
            add((subset, RDF.type, VOID.Dataset))
            add((subset, RDF.type, SD.NamedGraph))
            add((subset, SD.name, URIRef(name)))
            add((subset, VOID.triples, count(per_graph[name])))
        in_default = total - sum(per_graph.values())
        if in_default:
            subset = part("graph", "default")
            add((ds, VOID.subset, subset))
            add((subset, RDF.type, VOID.Dataset))
            add((subset, RDFS.label, Literal("default graph", lang="en")))
            add((subset, VOID.triples, count(in_default)))

    # --- linksets
    for name, (target, spaces, homepage) in LINK_TARGETS.items():
        test = " || ".join(f'STRSTARTS(STR(?o), "{space}")' for space in spaces)
        links = sum(_int(row["n"]) for row in _rows(
            store, f"SELECT (COUNT(*) AS ?n) WHERE {{ {{ ?s owl:sameAs ?o }} UNION "
                   f"{{ GRAPH ?g {{ ?s owl:sameAs ?o }} }} FILTER({test}) }}"))
        if not links:
            continue
        target_node = URIRef(target)
        add((target_node, RDF.type, VOID.Dataset))
        add((target_node, FOAF.homepage, URIRef(homepage)))
        for space in spaces[:1]:
            add((target_node, VOID.uriSpace, Literal(space)))
        linkset = part("linkset", name)
        add((ds, VOID.subset, linkset))
        add((linkset, RDF.type, VOID.Linkset))
        add((linkset, RDFS.label, Literal(f"links to {name}", lang="en")))
        add((linkset, VOID.subjectsTarget, ds))
        add((linkset, VOID.objectsTarget, target_node))
        add((linkset, VOID.linkPredicate, OWL.sameAs))
        add((linkset, VOID.triples, count(links)))

    # --- files
    for dist in distributions:
        node = part("file", dist.path)
        url = URIRef(dist.path if dist.path.startswith(("http://", "https://")) or not base
                     else f"{base}/{dist.path}")
        add((ds, DCAT.distribution, node))
        add((node, RDF.type, DCAT.Distribution))
        add((node, DCTERMS.title, Literal(dist.title, lang="en")))
        add((node, DCAT.downloadURL, url))
        add((node, DCAT.mediaType, URIRef(
            f"https://www.iana.org/assignments/media-types/{dist.media_type}")))
        add((node, DCTERMS["format"], Literal(dist.media_type)))
        add((node, DCAT.byteSize, Literal(dist.byte_size, datatype=XSD.nonNegativeInteger)))
        add((node, DCTERMS.license, URIRef(licence)))
        checksum = part("checksum", dist.path)
        add((node, SPDX.checksum, checksum))
        add((checksum, RDF.type, SPDX.Checksum))
        add((checksum, SPDX.algorithm, SPDX.checksumAlgorithm_sha256))
        add((checksum, SPDX.checksumValue, Literal(dist.sha256, datatype=XSD.hexBinary)))
        if dist.rdf:
            add((ds, VOID.dataDump, url))
    return graph


__all__ = ["DEFAULT_DATASET", "DEFAULT_LICENCE", "Distribution", "LINK_TARGETS", "describe",
           "ontology_version"]
