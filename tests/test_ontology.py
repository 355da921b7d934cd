"""The ontology files: they parse, mirror the namespace object, and document every term."""

from __future__ import annotations

import re

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib import namespace as rdfns
from rdflib.namespace import OWL, RDF, RDFS, SKOS

import ontology
from kg.core.model import CASUALTY_STATUSES, EVENT_TYPES, ROLES
from ontology.namespace import CKG, OA, PREFIXES, SEM

ARABIC = re.compile(r"[\u0600-\u06FF]")
NS = str(CKG._NS)

#: SEM terms, as listed in the published SEM schema (sem.rdf).
SEM_TERMS = {
    "Actor", "ActorType", "Authority", "Constraint", "Core", "Event", "EventType", "Object",
    "Place", "PlaceType", "Role", "RoleType", "Temporary", "Time", "TimeType", "Type", "View",
    "accordingTo", "actorType", "eventProperty", "eventType", "hasActor", "hasBeginTimeStamp",
    "hasEarliestBeginTimeStamp", "hasEarliestEndTimeStamp", "hasEndTimeStamp",
    "hasLatestBeginTimeStamp", "hasLatestEndTimeStamp", "hasPlace", "hasSubEvent", "hasSubType",
    "hasTime", "hasTimeStamp", "placeType", "roleType", "subEventOf", "subTypeOf", "timeType",
    "type",
}
#: Web Annotation terms used for text spans.
OA_TERMS = {"TextPositionSelector", "start", "end"}
#: Wikidata items and properties: those named in issue 3, plus ones checked in public
#: SPARQL queries (P1339 number of injured, P710, P276, P585, P361, P131, P1566, P17, Q5,
#: Q6256, Q4022).
WIKIDATA = {
    "Q17149090", "Q645883", "Q2380335", "Q2223653", "P8031", "P1120",
    "P1339", "P710", "P276", "P585", "P361", "P131", "P1566", "P17", "Q5", "Q6256", "Q4022",
}


@pytest.fixture(scope="module")
def onto() -> Graph:
    return ontology.load_ontology_graph(codelists=False)


@pytest.fixture(scope="module")
def full() -> Graph:
    return ontology.load_ontology_graph()


def namespace_terms() -> set[str]:
    return {str(CKG[name]) for name in CKG.__annotations__}


def test_files_parse_and_the_ontology_has_a_version(onto: Graph) -> None:
    header = URIRef(ontology.ONTOLOGY_IRI)
    assert (header, RDF.type, OWL.Ontology) in onto
    assert re.fullmatch(r"\d+\.\d+\.\d+", ontology.version_info(onto))
    assert len(ontology.load_shapes_graph()) > 100
    assert len(Graph().parse(ontology.codelists_path())) > 100


def test_namespace_object_mirrors_the_ontology_both_ways(onto: Graph) -> None:
    defined = ontology.term_iris(onto)
    assert sorted(namespace_terms() - defined) == [], "in namespace.py but not in conflict.ttl"
    assert sorted(defined - namespace_terms()) == [], "in conflict.ttl but not in namespace.py"


def test_closed_namespace_refuses_unknown_terms() -> None:
    with pytest.raises(AttributeError):
        CKG.perpetrater  # noqa: B018


def test_no_ckg_iri_is_used_without_being_defined(full: Graph) -> None:
    defined = ontology.term_iris(full)
    used = {str(t) for triple in full for t in triple
            if isinstance(t, URIRef) and str(t).startswith(NS)}
    assert sorted(used - defined) == []


def test_every_term_has_a_kind_and_english_and_arabic_labels_and_definitions() -> None:
    terms = list(ontology.terms())
    assert len(terms) == len(namespace_terms())
    missing = [t.local_name for t in terms
               if t.kind == "unknown" or not (t.label_en and t.label_ar
                                              and t.definition_en and t.definition_ar)]
    assert missing == []
    not_arabic = [t.local_name for t in terms
                  if not ARABIC.search(t.label_ar) or not ARABIC.search(t.definition_ar)]
    assert not_arabic == []
    english_in_arabic_script = [t.local_name for t in terms if ARABIC.search(t.label_en)]
    assert english_in_arabic_script == []


def test_terms_are_grouped_by_kind_with_parents_and_mappings() -> None:
    terms = {t.local_name: t for t in ontology.terms()}
    kinds = [t.kind for t in ontology.terms()]
    assert kinds == sorted(kinds, key=list(ontology.KINDS.values()).index)
    assert terms["Raid"].parents == (str(CKG.Event),)
    assert terms["perpetrator"].parents == (str(CKG.hasActor),)
    assert terms["perpetrator"].kind == "object property"
    assert terms["count"].kind == "datatype property"
    assert terms["DayPrecision"].kind == "individual"
    assert ("exactMatch", "http://www.wikidata.org/entity/Q645883") in \
        terms["MilitaryOperation"].mappings


def test_model_literals_match_ontology_terms(onto: Graph) -> None:
    """Every event type, role and casualty status of kg.core.model has its ontology term."""
    for event_type in EVENT_TYPES:
        assert (CKG[event_type], RDFS.subClassOf, CKG.Event) in onto
    for role in ROLES:
        individual = CKG[role.capitalize() + "Role"]
        assert (individual, RDF.type, CKG.Role) in onto
        assert (individual, CKG.roleProperty, CKG[role]) in onto
        assert (CKG[role], RDFS.subPropertyOf, CKG.hasActor) in onto
    for status in CASUALTY_STATUSES:
        assert (CKG[status.capitalize()], RDF.type, CKG.CasualtyStatus) in onto


def test_code_lists_are_closed_and_their_members_distinct(onto: Graph) -> None:
    for code_list in (CKG.Role, CKG.TimePrecision, CKG.PlacePrecision, CKG.CasualtyStatus,
                      CKG.CountQualifier):
        enumerations = [o for o in onto.objects(code_list, OWL.equivalentClass)
                        if onto.value(o, OWL.oneOf) is not None]
        assert len(enumerations) == 1, code_list
        members = set(onto.items(onto.value(enumerations[0], OWL.oneOf)))
        assert members == set(onto.subjects(RDF.type, code_list))


def test_agent_hierarchy(onto: Graph) -> None:
    def ancestors(cls: URIRef) -> set[URIRef]:
        return set(onto.transitive_objects(cls, RDFS.subClassOf)) - {cls}

    for armed in (CKG.ArmedGroup, CKG.StateForce, CKG.Coalition, CKG.Militia,
                  CKG.TerroristOrganization):
        assert {CKG.ArmedActor, CKG.Organization, CKG.Actor} <= ancestors(armed)
    assert CKG.ArmedActor not in ancestors(CKG.Person)
    assert CKG.Actor in ancestors(CKG.Person)
    for place in (CKG.Village, CKG.Prison, CKG.River, CKG.Community, CKG.Country, CKG.Region):
        assert {CKG.Place, rdfns.GEO.Feature} <= ancestors(place)
    for prop in (CKG.locatedIn, CKG.subUnitOf, CKG.partOf):
        assert (prop, RDF.type, OWL.TransitiveProperty) in onto
    assert (CKG.alliedWith, RDF.type, OWL.SymmetricProperty) in onto


def _external_targets(graph: Graph) -> set[URIRef]:
    predicates = {RDFS.subClassOf, RDFS.subPropertyOf, SKOS.exactMatch, SKOS.closeMatch,
                  SKOS.broadMatch, SKOS.narrowMatch, SKOS.relatedMatch}
    return {o for s, p, o in graph
            if p in predicates and isinstance(o, URIRef) and str(s).startswith(NS)
            and not str(o).startswith("https://w3id.org/conflict-kg/")}


def test_alignments_use_only_checked_external_terms(full: Graph) -> None:
    closed = {str(ns): ns for ns in (rdfns.SDO, rdfns.PROV, rdfns.TIME, rdfns.GEO)}
    unchecked = []
    for target in _external_targets(full):
        iri = str(target)
        base = next((b for b in closed if iri.startswith(b)), None)
        if base is not None:
            name = iri[len(base):]
            if name not in closed[base].__annotations__:
                unchecked.append(iri)
        elif iri.startswith(str(SEM)):
            if iri[len(str(SEM)):] not in SEM_TERMS:
                unchecked.append(iri)
        elif iri.startswith(str(OA)):
            if iri[len(str(OA)):] not in OA_TERMS:
                unchecked.append(iri)
        elif iri.startswith((PREFIXES["wd"], PREFIXES["wdt"])):
            if iri.rsplit("/", 1)[-1] not in WIKIDATA:
                unchecked.append(iri)
        else:
            unchecked.append(iri)
    assert sorted(unchecked) == []


def test_alignment_to_each_required_vocabulary(full: Graph) -> None:
    targets = {str(t) for t in _external_targets(full)}
    for base in map(str, (SEM, rdfns.SDO, rdfns.PROV, rdfns.GEO, rdfns.TIME)):
        assert any(t.startswith(base) for t in targets), base
    for qid in ("Q17149090", "Q645883", "Q2380335", "Q2223653"):
        assert PREFIXES["wd"] + qid in targets
    for pid in ("P8031", "P1120"):
        assert PREFIXES["wdt"] + pid in targets


def test_every_event_type_is_mapped_to_acled_and_plover(full: Graph) -> None:
    mapping = (SKOS.exactMatch, SKOS.closeMatch, SKOS.broadMatch, SKOS.narrowMatch,
               SKOS.relatedMatch)
    acled = "https://w3id.org/conflict-kg/codes/acled#"
    plover = "https://w3id.org/conflict-kg/codes/plover#"
    unmapped: dict[str, list[str]] = {"acled": [], "plover": []}
    for event_type in EVENT_TYPES:
        targets = {str(o) for p in mapping for o in full.objects(CKG[event_type], p)}
        for scheme, base in (("acled", acled), ("plover", plover)):
            if not any(t.startswith(base) for t in targets):
                unmapped[scheme].append(event_type)
                # a missing mapping must say why
                notes = [n for n in full.objects(CKG[event_type], SKOS.scopeNote)
                         if isinstance(n, Literal) and n.language == "en"]
                assert notes, f"{event_type} has no {scheme} mapping and no scope note"
    assert unmapped == {"acled": ["MilitaryOperation"],
                        "plover": ["PrisonBreak", "MilitaryOperation"]}
    # every mapping target is a concept of a scheme the code lists define
    for event_type in EVENT_TYPES:
        for p in mapping:
            for target in full.objects(CKG[event_type], p):
                if str(target).startswith((acled, plover)):
                    assert (target, RDF.type, SKOS.Concept) in full
                    assert full.value(target, SKOS.inScheme) is not None


def test_acled_scheme_has_its_six_types_and_twenty_five_sub_types(full: Graph) -> None:
    scheme = URIRef("https://w3id.org/conflict-kg/codes/acled#EventTypes")
    top = set(full.objects(scheme, SKOS.hasTopConcept))
    assert len(top) == 6
    members = set(full.subjects(SKOS.inScheme, scheme))
    subs = {m for m in members if full.value(m, SKOS.broader) in top}
    assert len(subs) == 25
    assert all(full.value(m, SKOS.notation) is not None for m in members)
