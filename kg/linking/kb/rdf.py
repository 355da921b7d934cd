"""The knowledge base as RDF quads, all in the KB named graph (:data:`kg.core.iris.KB_GRAPH`).

Each entity gets its ontology class, ``rdfs:label`` in Arabic and English,
``skos:altLabel`` for its other names, and, where known, ``ckg:pcode``,
``ckg:geonamesId``, ``ckg:adminLevel`` and a point geometry
(``geo:hasGeometry`` → ``geo:asWKT "POINT(lon lat)"^^geo:wktLiteral``). Places state
their direct parent with ``ckg:locatedIn`` (the chain up to the country is there by
following it); units state theirs with ``ckg:subUnitOf``, persons with
``ckg:memberOf``, actors and persons whose parent is a country or region with
``ckg:basedIn``, operations with ``ckg:partOf`` (a larger operation) or
``ckg:hasActor`` (the force that ran them). Places and actors are disjoint classes
in the ontology, so the predicate follows the classes of both ends (:func:`role_of`).

External identifiers use ``owl:sameAs``, not ``skos:exactMatch``: a Wikidata entity
IRI (``wd:Q…``) and a GeoNames feature IRI (``https://sws.geonames.org/ID/``) name
the same real-world place or organisation as our IRI -- they are not concepts of a
SKOS scheme -- and the QIDs come only from curated sources, never from a string
match. ``owl:sameAs`` is what lets a federated query (or a reasoner) join our
entities with Wikidata's statements about them. The risk of ``owl:sameAs`` is that
a wrong link merges two things; that is why no guessed QID is ever written.

>>> from kg.linking.kb import load_kb
>>> quads = list(kb_quads(load_kb()))
>>> all(q.graph_name.value == "https://w3id.org/conflict-kg/graph/kb" for q in quads)
True
"""

from __future__ import annotations

from collections.abc import Iterator

from pyoxigraph import Literal, NamedNode, Quad
from rdflib.namespace import OWL, RDF, RDFS, SKOS, XSD

from kg.core import iris
from kg.linking.kb import KBEntity, KnowledgeBase
from ontology.namespace import CKG, GEO, GN, SF, WD

#: Classes of the KB that are organisations (ckg:Organization and below) or persons;
#: everything else a place entity holds is a ckg:Place (the two are disjoint).
AGENT_TYPES: frozenset[str] = frozenset(
    {
        "ArmedGroup",
        "StateForce",
        "Coalition",
        "Militia",
        "TerroristOrganization",
        "MonitoringOrganization",
        "NewsOutlet",
        "Polity",
        "Person",
    }
)
#: Classes that are events (named operations, wars, battles).
EVENT_TYPES: frozenset[str] = frozenset({"MilitaryOperation", "Event"})

#: Parent predicate by (child role, parent role), roles from :func:`role_of`.
PARENT_PREDICATES: dict[tuple[str, str], str] = {
    ("place", "place"): str(CKG.locatedIn),
    ("organisation", "organisation"): str(CKG.subUnitOf),
    ("organisation", "place"): str(CKG.basedIn),
    ("person", "organisation"): str(CKG.memberOf),
    ("person", "place"): str(CKG.basedIn),
    ("event", "event"): str(CKG.partOf),
    ("event", "organisation"): str(CKG.hasActor),
}


def role_of(ent: KBEntity) -> str:
    """What an entity is in the ontology: ``place``, ``organisation``, ``person``, ``event``.

    A polity (a government, an autonomous administration) is an organisation even
    where its IRI kind is ``place``: its forces are units of it.
    """
    if ent.type == "Person":
        return "person"
    if ent.type in AGENT_TYPES:
        return "organisation"
    if ent.type in EVENT_TYPES:
        return "event"
    return "place"


#: Letters only Kurdish (Sorani) uses among Arabic-script names.
_KURDISH = frozenset("ەێۆڵڕڤپچژگ")


def entity_node(ent: KBEntity) -> NamedNode:
    """IRI of a KB entity (``https://w3id.org/conflict-kg/id/{kind}/{id}``)."""
    return NamedNode(iris.entity_iri(ent.kind, ent.local))


def _lang(name: str) -> str:
    if any("\u0600" <= ch <= "\u06ff" for ch in name):
        return "ckb" if any(ch in _KURDISH for ch in name) else "ar"
    return "en"


def entity_quads(ent: KBEntity, kb: KnowledgeBase) -> Iterator[Quad]:
    """The quads describing one entity (in the KB graph)."""
    graph = NamedNode(iris.KB_GRAPH)
    node = entity_node(ent)

    def quad(p: str, o: NamedNode | Literal, s: NamedNode = node) -> Quad:
        return Quad(s, NamedNode(p), o, graph)

    yield quad(str(RDF.type), NamedNode(str(CKG[ent.type])))
    if ent.label_ar:
        yield quad(str(RDFS.label), Literal(ent.label_ar, language="ar"))
    if ent.label_en:
        yield quad(str(RDFS.label), Literal(ent.label_en, language="en"))
    for alias in ent.aliases:
        yield quad(str(SKOS.altLabel), Literal(alias, language=_lang(alias)))
    if ent.parent and ent.parent in kb:
        parent = kb.entity(ent.parent)
        predicate = PARENT_PREDICATES.get((role_of(ent), role_of(parent)))
        # ckg:partOf points at a military operation, not at a war or other event
        if predicate and (predicate != str(CKG.partOf) or parent.type == "MilitaryOperation"):
            yield quad(predicate, entity_node(parent))
    if ent.pcode:
        yield quad(str(CKG.pcode), Literal(ent.pcode))
    if ent.geonames:
        yield quad(str(CKG.geonamesId), Literal(ent.geonames))
        yield quad(str(OWL.sameAs), NamedNode(f"{GN}{ent.geonames}/"))
    if ent.wikidata:
        yield quad(str(OWL.sameAs), NamedNode(str(WD[ent.wikidata])))
    if ent.admin_level is not None:
        yield quad(
            str(CKG.adminLevel), Literal(str(ent.admin_level), datatype=NamedNode(str(XSD.integer)))
        )
    if ent.lat is not None and ent.lon is not None:
        geometry = NamedNode(node.value + "/geometry")
        yield quad(str(GEO.hasGeometry), geometry)
        yield quad(str(RDF.type), NamedNode(str(SF.Point)), geometry)
        wkt = f"POINT({ent.lon} {ent.lat})"
        yield quad(str(GEO.asWKT), Literal(wkt, datatype=NamedNode(str(GEO.wktLiteral))), geometry)


def kb_quads(kb: KnowledgeBase) -> Iterator[Quad]:
    """Every entity of the KB as quads in the KB graph, in key order (deterministic)."""
    for ent in sorted(kb, key=lambda e: e.key):
        yield from entity_quads(ent, kb)
