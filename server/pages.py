"""Pages for people and linked data: the query page, entity pages, the ontology, VoID.

Entity IRIs ``https://w3id.org/conflict-kg/id/{kind}/{key}`` resolve here at
``/id/{kind}/{key}``: an HTML page for browsers (labels in Arabic and English,
types, an actor's events with roles, a place's events and hierarchy, a report's
text with its extracted facts marked) and RDF by content negotiation.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from functools import lru_cache
from typing import Any

import pyoxigraph as ox
from flask import Blueprint, Response, jsonify, render_template, request, url_for
from markupsafe import Markup, escape
from rdflib import Graph
from rdflib.namespace import OWL, RDF, RDFS

from kg.core import iris
from ontology.namespace import CKG, PREFIXES
from server.access import add_cors
from server.context import state
from server.describe import RDFLIB_FORMATS, base_url, graph_response
from server.errors import NotAcceptable, NotFound
from server.formats import GRAPHS, negotiate
from server.sparql import JOB_ERRORS
from server.workers import checked, run_checked

blueprint = Blueprint("pages", __name__)

#: Characters an IRI reference may not contain (SPARQL's IRIREF terminal).
_NOT_IN_IRI = re.compile(r'[<>"{}|^`\\\x00-\x20]')

ROLE_PROPERTIES = ("perpetrator", "supporter", "target", "imposer", "participant")

#: Example queries on the query page: (title, query). Prefixes are pre-declared.
EXAMPLES: tuple[tuple[str, str], ...] = (
    ("Events by type in a governorate", """\
# Events of each type in Aleppo governorate (and the places inside it)
SELECT ?type (COUNT(DISTINCT ?event) AS ?events) WHERE {
  ?gov a ckg:Governorate ; rdfs:label ?name .
  FILTER(lang(?name) = "en" && CONTAINS(LCASE(?name), "aleppo"))
  ?event ckg:place ?place ; a ?type .
  ?place ckg:locatedIn* ?gov .
  ?type rdfs:subClassOf* ckg:Event .
}
GROUP BY ?type ORDER BY DESC(?events)"""),
    ("Who attacked whom", """\
SELECT ?event ?type ?attackerName ?targetName ?date WHERE {
  ?event ckg:perpetrator ?attacker ; ckg:target ?target ; a ?type .
  OPTIONAL { ?event ckg:date ?date }
  OPTIONAL { ?attacker rdfs:label ?attackerName FILTER(lang(?attackerName) = "en") }
  OPTIONAL { ?target rdfs:label ?targetName FILTER(lang(?targetName) = "en") }
}
ORDER BY DESC(?date) LIMIT 100"""),
    ("Casualties by side per month", """\
SELECT ?month ?side ?status (SUM(?n) AS ?people) WHERE {
  ?event ckg:casualty ?c ; ckg:date ?date .
  ?c ckg:count ?n ; ckg:casualtyStatus ?status .
  OPTIONAL { ?c ckg:affiliation ?side }
  BIND(SUBSTR(STR(?date), 1, 7) AS ?month)
}
GROUP BY ?month ?side ?status ORDER BY ?month"""),
    ("Events attributed to a source", """\
SELECT ?sourceName (COUNT(DISTINCT ?event) AS ?events) WHERE {
  ?event ckg:accordingTo ?source .
  OPTIONAL { ?source rdfs:label ?sourceName }
}
GROUP BY ?sourceName ORDER BY DESC(?events)"""),
    ("Actors linked to Wikidata", """\
SELECT ?actor ?label ?wikidata WHERE {
  ?actor a/rdfs:subClassOf* ckg:Actor ; owl:sameAs ?wikidata .
  FILTER(STRSTARTS(STR(?wikidata), STR(wd:)))
  OPTIONAL { ?actor rdfs:label ?label FILTER(lang(?label) = "en") }
}
ORDER BY ?label"""),
)


def _select(sparql: str) -> list[dict[str, Any]]:
    """Run a SELECT in the worker; rows as dicts of pyoxigraph terms."""
    answer = run_checked(state().pool, {"kind": "query", "sparql": sparql,
                                        "results_format": "JSON", "graph_format": None,
                                        "max_rows": 5000}, errors=JOB_ERRORS)
    parsed = ox.parse_query_results(answer["body"], ox.QueryResultsFormat.JSON)
    assert isinstance(parsed, ox.QuerySolutions)
    names = [v.value for v in parsed.variables]
    return [{n: row[n] for n in names if row[n] is not None} for row in parsed]


def local_path(iri: str) -> str:
    """Where an IRI can be looked at: our entity IRIs resolve here, others stay as they are."""
    if iri.startswith(iris.ID):
        return url_for("pages.entity", kind_key=iri[len(iris.ID):])
    if iri.startswith(iris.ONTOLOGY):
        return url_for("pages.ontology") + "#" + iri[len(iris.ONTOLOGY):]
    return iri


def short(iri: str) -> str:
    """A prefixed name for an IRI when a known prefix fits."""
    for name, namespace in PREFIXES.items():
        if iri.startswith(namespace) and len(iri) > len(namespace):
            return f"{name}:{iri[len(namespace):]}"
    return iri


class Labels:
    """Labels of IRIs, in Arabic and English, fetched in one query."""

    def __init__(self, iris_wanted: set[str]) -> None:
        self.by_iri: dict[str, dict[str, str]] = defaultdict(dict)
        wanted = sorted(i for i in iris_wanted if i)[:800]
        if wanted:
            values = " ".join(f"<{i}>" for i in wanted)
            for row in _select(f"SELECT ?x ?l WHERE {{ VALUES ?x {{ {values} }} "
                               "?x rdfs:label|schema:headline ?l }"):
                self.by_iri[row["x"].value].setdefault(row["l"].language or "", row["l"].value)

    def text(self, iri: str) -> str:
        """The English label, else any label, else the short IRI."""
        labels = self.by_iri.get(iri, {})
        return labels.get("en") or next(iter(labels.values()), None) or short(iri)

    def html(self, term: Any) -> Markup:
        """A term as HTML: a link with both labels for an IRI, the text for a literal."""
        if isinstance(term, ox.NamedNode):
            labels = self.by_iri.get(term.value, {})
            ar = labels.get("ar")
            shown = escape(self.text(term.value))
            extra = Markup(f' <span lang="ar" dir="rtl">{escape(ar)}</span>') \
                if ar and ar != labels.get("en") else Markup("")
            return Markup(f'<a href="{escape(local_path(term.value))}" '
                          f'title="{escape(term.value)}">{shown}</a>') + extra
        if isinstance(term, ox.Literal):
            if term.language:
                direction = "rtl" if term.language == "ar" else "ltr"
                return Markup(f'<span lang="{escape(term.language)}" dir="{direction}">'
                              f'{escape(term.value)}</span>')
            return escape(term.value)
        return escape(str(term))


def _wants_html() -> bool:
    offered = ["text/html"] + [f.media_type for f in GRAPHS]
    if request.args.get("format"):
        return request.args["format"] == "html"
    best = request.accept_mimetypes.best_match(offered, default="text/html")
    return best == "text/html"


def _rdf_about(iri: str) -> Response:
    fmt = negotiate(GRAPHS, request.headers.get("Accept"), override=request.args.get("format"))
    if fmt is None:
        raise NotAcceptable("offered: text/html, " + ", ".join(f.media_type for f in GRAPHS))
    node = f"<{iri}>"
    sparql = (f"CONSTRUCT {{ {node} ?p ?o . ?s ?q {node} }} WHERE {{ "
              f"{{ {node} ?p ?o }} UNION {{ ?s ?q {node} }} }}")
    answer = run_checked(state().pool, {"kind": "query", "sparql": sparql,
                                        "results_format": None, "graph_format": fmt.engine,
                                        "max_rows": state().settings.max_result_rows},
                         errors=JOB_ERRORS)
    response = Response(answer["body"], content_type=fmt.content_type)
    response.headers["Vary"] = "Accept"
    return add_cors(response, "GET, OPTIONS")


def _events(iri: str, link: str) -> list[dict[str, Any]]:
    """Events linked to ``iri`` by ``link`` (a SPARQL path), newest first."""
    return _select(f"""SELECT ?event ?role ?type ?date ?place WHERE {{
      ?event {link} <{iri}> ; ckg:reportedIn ?r .
      OPTIONAL {{ ?event a ?type }}
      OPTIONAL {{ ?event ckg:date ?date }}
      OPTIONAL {{ ?event ckg:place ?place }}
    }} ORDER BY DESC(?date) LIMIT 500""")


def _report_text(text: str, spans: list[tuple[int, int, str, str]]) -> Markup:
    """The report text with event triggers marked (non-overlapping, in order)."""
    out: list[str] = []
    position = 0
    for start, end, event, title in sorted(spans):
        if start < position or end > len(text):
            continue
        out.append(str(escape(text[position:start])))
        out.append(f'<a class="trigger" href="{escape(local_path(event))}" '
                   f'title="{escape(title)}"><mark>{escape(text[start:end])}</mark></a>')
        position = end
    out.append(str(escape(text[position:])))
    return Markup("".join(out))


@blueprint.route("/id/<path:kind_key>", methods=["GET", "HEAD", "OPTIONS"])
def entity(kind_key: str) -> Response | str:
    """An entity (actor, place, event, report, ...): HTML or RDF by content negotiation."""
    if request.method == "OPTIONS":
        return add_cors(Response(status=204), "GET, OPTIONS")
    iri = iris.ID + kind_key
    if _NOT_IN_IRI.search(iri):
        # the IRI is written into SPARQL text below: refuse anything that could end it
        raise NotFound(f"no entity has the IRI {iri!r}")
    outgoing = _select(f"SELECT ?p ?o ?g WHERE {{ GRAPH ?g {{ <{iri}> ?p ?o }} }} LIMIT 2000")
    incoming = _select(f"SELECT DISTINCT ?s ?p WHERE {{ ?s ?p <{iri}> }} LIMIT 1000")
    if not outgoing and not incoming:
        raise NotFound(f"nothing is known about <{iri}>")
    if not _wants_html():
        return _rdf_about(iri)
    kind = kind_key.split("/", 1)[0]
    types = sorted({r["o"].value for r in outgoing if r["p"].value == str(RDF.type)})
    own_labels = [r["o"] for r in outgoing if r["p"].value == str(RDFS.label)]
    sections: dict[str, Any] = {}
    mentioned = {r["p"].value for r in outgoing} | {r["s"].value for r in incoming} \
        | {r["p"].value for r in incoming} | set(types)
    mentioned |= {r["o"].value for r in outgoing if isinstance(r["o"], ox.NamedNode)}
    is_actor = any(r["p"].value in {str(getattr(CKG, p)) for p in ROLE_PROPERTIES}
                   for r in incoming)
    is_place = any(r["p"].value in (str(CKG.place), str(CKG.locatedIn)) for r in incoming) \
        or any(r["p"].value == str(CKG.locatedIn) for r in outgoing)
    if is_actor:
        rows = _select(f"""SELECT ?event ?role ?type ?date ?place WHERE {{
          ?event ?role <{iri}> VALUES ?role {{ {" ".join(f"ckg:{r}" for r in ROLE_PROPERTIES)} }}
          OPTIONAL {{ ?event a ?type }} OPTIONAL {{ ?event ckg:date ?date }}
          OPTIONAL {{ ?event ckg:place ?place }} }} ORDER BY DESC(?date) LIMIT 500""")
        sections["actor_events"] = rows
    if is_place:
        sections["place_events"] = _events(iri, "ckg:place")
        chain = _select(f"""SELECT ?a ?b WHERE {{ <{iri}> ckg:locatedIn* ?a .
                            ?a ckg:locatedIn ?b }}""")
        parent = {r["a"].value: r["b"].value for r in chain}
        path: list[ox.NamedNode] = []
        current = iri
        while current in parent and len(path) < 12:
            current = parent[current]
            path.append(ox.NamedNode(current))
        sections["hierarchy"] = path
        sections["wkt"] = [r["wkt"].value for r in _select(
            f"SELECT ?wkt WHERE {{ <{iri}> geo:hasGeometry/geo:asWKT ?wkt }} LIMIT 5")]
        sections["children"] = sorted(
            {r["s"].value for r in incoming if r["p"].value == str(CKG.locatedIn)})
    if kind == "report" or str(CKG.Report) in types:
        facts = _select(f"""SELECT ?event ?type ?start ?end ?date ?place WHERE {{
          ?event ckg:reportedIn <{iri}> ; a ?type .
          OPTIONAL {{ ?event ckg:trigger ?t . ?t ckg:startOffset ?start ; ckg:endOffset ?end }}
          OPTIONAL {{ ?event ckg:date ?date }} OPTIONAL {{ ?event ckg:place ?place }}
        }} ORDER BY ?start""")
        text = next((r["o"].value for r in outgoing
                     if r["p"].value == "https://schema.org/text"), "")
        lang = next((r["o"].language for r in outgoing
                     if r["p"].value == "https://schema.org/text"), None)
        spans = [(int(r["start"].value), int(r["end"].value), r["event"].value,
                  short(r["type"].value)) for r in facts if "start" in r and "end" in r]
        sections["report"] = {"text": _report_text(text, spans), "lang": lang,
                              "facts": facts}
    for rows in (sections.get("actor_events", []), sections.get("place_events", []),
                 sections.get("report", {}).get("facts", [])):
        for row in rows:
            mentioned |= {t.value for t in row.values() if isinstance(t, ox.NamedNode)}
    mentioned |= {t.value for t in sections.get("hierarchy", [])}
    mentioned |= set(sections.get("children", []))
    labels = Labels(mentioned | {iri})
    properties: dict[str, list[Any]] = defaultdict(list)
    hidden = {str(RDF.type), str(RDFS.label)}
    if "report" in sections:
        hidden.add("https://schema.org/text")
    for row in outgoing:
        if row["p"].value not in hidden and row["o"] not in properties[row["p"].value]:
            properties[row["p"].value].append(row["o"])
    graphs = sorted({r["g"].value for r in outgoing})
    return render_template(
        "entity.html", iri=iri, kind=kind, labels=labels, own_labels=own_labels,
        types=[ox.NamedNode(t) for t in types], properties=properties,
        incoming=incoming, sections=sections, graphs=graphs, ox=ox,
        same_as=[o for o in properties.get(str(OWL.sameAs), [])],
        formats=GRAPHS)


@lru_cache(maxsize=1)
def ontology_graph() -> Graph:
    """The ontology with its code lists (:func:`ontology.load_ontology_graph`), parsed once."""
    from ontology import load_ontology_graph

    graph = load_ontology_graph()
    for name, namespace in PREFIXES.items():
        graph.bind(name, namespace)
    return graph


def _ontology_terms(graph: Graph) -> dict[str, list[Any]]:
    """The ontology's terms grouped by kind, in the order :func:`ontology.terms` gives."""
    from ontology import terms

    groups: dict[str, list[Any]] = {}
    for term in terms(graph):
        groups.setdefault(term.kind, []).append(term)
    return groups


@blueprint.route("/ontology", methods=["GET", "HEAD"])
def ontology() -> Response | str:
    """The ontology: a reference page for browsers, RDF by content negotiation."""
    graph = ontology_graph()
    if _wants_html():
        from ontology import version_info

        return render_template("ontology.html", groups=_ontology_terms(graph),
                               formats=GRAPHS, short=short, version=version_info())
    return add_cors(graph_response(graph), "GET, OPTIONS")


@blueprint.route("/void", methods=["GET", "HEAD"])
@blueprint.route("/.well-known/void", methods=["GET", "HEAD"])
def void() -> Response:
    """The VoID description of the dataset (built by :mod:`kg.graph.describe` in the worker).

    Remembered until the next write: it counts every class and property, which
    takes seconds on a large store.
    """
    fmt = negotiate(GRAPHS, request.headers.get("Accept"), override=request.args.get("format"))
    if fmt is None:
        raise NotAcceptable("offered: " + ", ".join(f.media_type for f in GRAPHS))
    job = {"kind": "void", "base_url": base_url(), "rdflib_format": RDFLIB_FORMATS[fmt.name]}
    answer = checked(job, state().pool.run_remembered(("void", job["base_url"], fmt.name), job),
                     errors=JOB_ERRORS)
    response = Response(answer["body"], content_type=fmt.content_type)
    response.headers["Vary"] = "Accept"
    return add_cors(response, "GET, OPTIONS")


@blueprint.route("/", methods=["GET"])
def query_page() -> str:
    """The query page: editor, examples, results table, downloads."""
    return render_template("query.html", examples=EXAMPLES,
                           prefixes=json.dumps(PREFIXES), id_base=iris.ID,
                           initial=request.args.get("query") or EXAMPLES[1][1])


@blueprint.route("/api/status", methods=["GET"])
def status() -> Response:
    """Health and worker figures (restarts, store open time) as JSON."""
    pool = state().pool
    stats = pool.run({"kind": "stats"})
    response = jsonify({"ok": True, "quads": stats.get("quads"), "graphs": stats.get("graphs"),
                        "worker": vars(pool.stats)})
    return add_cors(response, "GET, OPTIONS")
