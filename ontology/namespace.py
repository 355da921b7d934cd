"""Closed namespace objects for the conflict-kg ontology and the vocabularies it uses.

``CKG`` mirrors ``ontology/conflict.ttl`` term for term (a test compares the two):
a mistyped term raises instead of minting an IRI nobody queries.

>>> str(CKG.Raid)
'https://w3id.org/conflict-kg/ontology#Raid'
"""

from __future__ import annotations

from rdflib import Namespace, URIRef
from rdflib.namespace import DefinedNamespace


class CKG(DefinedNamespace):
    """The conflict-kg ontology, ``https://w3id.org/conflict-kg/ontology#``."""

    _NS = Namespace("https://w3id.org/conflict-kg/ontology#")
    _fail = True

    # --- agents
    Actor: URIRef
    Organization: URIRef
    ArmedActor: URIRef
    ArmedGroup: URIRef
    StateForce: URIRef
    Coalition: URIRef
    Militia: URIRef
    TerroristOrganization: URIRef
    Person: URIRef
    MonitoringOrganization: URIRef
    NewsOutlet: URIRef
    Polity: URIRef
    subUnitOf: URIRef
    memberOf: URIRef
    alliedWith: URIRef
    holdsPosition: URIRef
    basedIn: URIRef

    # --- events
    Event: URIRef
    ArmedClash: URIRef
    Attack: URIRef
    Raid: URIRef
    Airstrike: URIRef
    Shelling: URIRef
    Explosion: URIRef
    SuicideBombing: URIRef
    Assassination: URIRef
    Arrest: URIRef
    Abduction: URIRef
    Curfew: URIRef
    PrisonBreak: URIRef
    MilitaryOperation: URIRef

    # --- places
    Place: URIRef
    Country: URIRef
    AdministrativeUnit: URIRef
    Governorate: URIRef
    District: URIRef
    Subdistrict: URIRef
    Community: URIRef
    Settlement: URIRef
    City: URIRef
    Town: URIRef
    Village: URIRef
    Facility: URIRef
    Prison: URIRef
    MilitaryBase: URIRef
    Headquarters: URIRef
    Camp: URIRef
    OilField: URIRef
    NaturalFeature: URIRef
    River: URIRef
    Region: URIRef
    locatedIn: URIRef
    pcode: URIRef
    geonamesId: URIRef
    adminLevel: URIRef

    # --- reports, claims, provenance of facts
    Report: URIRef
    TextSpan: URIRef
    reportedIn: URIRef
    accordingTo: URIRef
    quotes: URIRef
    isBackground: URIRef
    confidence: URIRef
    evidence: URIRef
    trigger: URIRef
    startOffset: URIRef
    endOffset: URIRef
    spanText: URIRef
    textHash: URIRef
    extractorName: URIRef
    extractorVersion: URIRef

    # --- participation and roles
    hasActor: URIRef
    perpetrator: URIRef
    supporter: URIRef
    target: URIRef
    imposer: URIRef
    participant: URIRef
    Participation: URIRef
    hasParticipation: URIRef
    agent: URIRef
    role: URIRef
    Role: URIRef
    roleProperty: URIRef
    PerpetratorRole: URIRef
    SupporterRole: URIRef
    TargetRole: URIRef
    ImposerRole: URIRef
    ParticipantRole: URIRef

    # --- time and place of events
    date: URIRef
    timePrecision: URIRef
    TimePrecision: URIRef
    DayPrecision: URIRef
    WeekPrecision: URIRef
    MonthPrecision: URIRef
    YearPrecision: URIRef
    UnknownTimePrecision: URIRef
    place: URIRef
    occurredIn: URIRef
    placePrecision: URIRef
    placeRelation: URIRef
    PlacePrecision: URIRef
    ExactPlace: URIRef
    NearPlace: URIRef
    AreaPlace: URIRef
    AdminAreaPlace: URIRef
    RegionPlace: URIRef
    CountryPlace: URIRef
    UnknownPlacePrecision: URIRef
    partOf: URIRef
    operationName: URIRef

    # --- casualties
    Casualty: URIRef
    casualty: URIRef
    count: URIRef
    casualtyStatus: URIRef
    affiliation: URIRef
    countQualifier: URIRef
    CasualtyStatus: URIRef
    Killed: URIRef
    Injured: URIRef
    Arrested: URIRef
    Abducted: URIRef
    Missing: URIRef
    CountQualifier: URIRef
    AtLeast: URIRef
    MoreThan: URIRef
    About: URIRef
    UpTo: URIRef


GEO = Namespace("http://www.opengis.net/ont/geosparql#")
SF = Namespace("http://www.opengis.net/ont/sf#")
SEM = Namespace("http://semanticweb.cs.vu.nl/2009/11/sem/")
SCHEMA = Namespace("https://schema.org/")
WD = Namespace("http://www.wikidata.org/entity/")
WDT = Namespace("http://www.wikidata.org/prop/direct/")
GN = Namespace("https://sws.geonames.org/")
TIME = Namespace("http://www.w3.org/2006/time#")
OA = Namespace("http://www.w3.org/ns/oa#")

#: Prefixes declared in every export, query page and serialisation.
PREFIXES: dict[str, str] = {
    "ckg": str(CKG._NS),
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "prov": "http://www.w3.org/ns/prov#",
    "schema": str(SCHEMA),
    "geo": str(GEO),
    "sf": str(SF),
    "sem": str(SEM),
    "time": str(TIME),
    "oa": str(OA),
    "wd": str(WD),
    "wdt": str(WDT),
    "gn": str(GN),
    "dcterms": "http://purl.org/dc/terms/",
    "ckgr": "https://w3id.org/conflict-kg/id/",
}
