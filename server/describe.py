"""RDF the server says about itself: the SPARQL service description and the VoID dataset.

Both are built with rdflib and sent in the RDF format the client accepts.
"""

from __future__ import annotations

from typing import Any

from flask import Response, request
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, VOID, XSD

from server.context import state
from server.errors import NotAcceptable
from server.formats import GRAPHS, Format, negotiate

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
FORMATS = Namespace("http://www.w3.org/ns/formats/")

#: rdflib serializer name for each of our RDF formats.
RDFLIB_FORMATS: dict[str, str] = {
    "turtle": "turtle",
    "ntriples": "nt",
    "nquads": "nquads",
    "trig": "trig",
    "rdfxml": "xml",
    "jsonld": "json-ld",
}

#: W3C format IRIs for what /sparql can answer in.
RESULT_FORMAT_IRIS = ("SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV",
                      "SPARQL_Results_TSV", "Turtle", "N-Triples", "N-Quads", "TriG",
                      "RDF_XML", "JSON-LD")


def base_url() -> str:
    """The server's public URL: the ``base_url`` setting, else the request's host URL."""
    configured = state().settings.base_url
    return (configured or request.host_url).rstrip("/")


def graph_response(graph: Graph, *, fmt: Format | None = None) -> Response:
    """Send an rdflib graph in the format ``Accept`` (or ``format=``) asks for.

    Raises:
        NotAcceptable: no RDF format is acceptable.
    """
    chosen = fmt or negotiate(GRAPHS, request.headers.get("Accept"),
                              override=request.args.get("format"))
    if chosen is None:
        raise NotAcceptable("no acceptable RDF format; offered: "
                            + ", ".join(f.media_type for f in GRAPHS))
    name = RDFLIB_FORMATS[chosen.name]
    if not graph.context_aware:
        # one graph in a dataset format is that graph in the default graph: N-Triples
        # lines are N-Quads lines, and a Turtle document is a TriG document
        name = {"nquads": "nt", "trig": "turtle"}.get(name, name)
    body: Any = graph.serialize(format=name, encoding="utf-8")
    response = Response(body, content_type=chosen.content_type)
    response.headers["Vary"] = "Accept"
    return response


def service_graph() -> Graph:
    """The SPARQL 1.1 service description of this endpoint."""
    settings = state().settings
    base = base_url()
    graph = Graph()
    graph.bind("sd", SD)
    graph.bind("void", VOID)
    graph.bind("dcterms", DCTERMS)
    service = URIRef(base + "/sparql#service")
    graph.add((service, RDF.type, SD.Service))
    graph.add((service, SD.endpoint, URIRef(base + "/sparql")))
    graph.add((service, SD.supportedLanguage, SD.SPARQL11Query))
    if settings.allow_updates and settings.write_token:
        graph.add((service, SD.supportedLanguage, SD.SPARQL11Update))
    graph.add((service, SD.feature, SD.UnionDefaultGraph))
    if settings.allowed_service_endpoints:
        graph.add((service, SD.feature, SD.BasicFederatedQuery))
    for name in RESULT_FORMAT_IRIS:
        graph.add((service, SD.resultFormat, FORMATS[name]))
    graph.add((service, DCTERMS.title, Literal("conflict-kg SPARQL endpoint", lang="en")))
    graph.add((service, RDFS.comment, Literal(
        "The default graph is the union of all named graphs (one per report, plus the "
        "knowledge-base, ontology and inferred graphs) unless default-graph-uri or "
        f"named-graph-uri say otherwise. Queries stop after {settings.query_timeout:g} s "
        f"and return at most {settings.max_result_rows} rows; SERVICE is limited to "
        "the operator's allow-list and LOAD is refused.", lang="en")))
    dataset = BNode()
    graph.add((service, SD.defaultDataset, dataset))
    graph.add((dataset, RDF.type, SD.Dataset))
    graph.add((dataset, RDF.type, VOID.Dataset))
    graph.add((dataset, VOID.sparqlEndpoint, URIRef(base + "/sparql")))
    graph.add((dataset, RDFS.seeAlso, URIRef(base + "/void")))
    default = BNode()
    graph.add((dataset, SD.defaultGraph, default))
    graph.add((default, RDF.type, SD.Graph))
    stats = state().pool.run_remembered("stats", {"kind": "stats"})
    if stats.get("ok"):
        graph.add((default, VOID.triples, Literal(stats["quads"], datatype=XSD.integer)))
        graph.add((dataset, VOID.triples, Literal(stats["quads"], datatype=XSD.integer)))
    for endpoint in settings.allowed_service_endpoints:
        graph.add((service, RDFS.seeAlso, URIRef(endpoint)))
    return graph


def service_description() -> Response:
    """The service description, as Turtle or whatever RDF format is accepted."""
    return graph_response(service_graph())
