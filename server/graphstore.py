"""The SPARQL 1.1 Graph Store HTTP Protocol at ``/graphs`` (indirect identification).

``/graphs?graph=IRI`` names a graph, ``/graphs?default`` the store's default graph.
``GET``/``HEAD`` read (anyone; the graph in any RDF format); ``PUT`` replaces,
``POST`` adds to, ``DELETE`` drops a graph — those need ``allow_updates`` and the
bearer token. Bodies are read in the format their ``Content-Type`` names.
"""

from __future__ import annotations

from flask import Blueprint, Response, request

from server.access import add_cors, read_body, require_writer
from server.context import state
from server.errors import BadRequest, NotAcceptable, UnsupportedMediaType
from server.formats import GRAPHS, negotiate
from server.sparql import JOB_ERRORS
from server.workers import run_checked

blueprint = Blueprint("graphstore", __name__)

#: Media types a graph can be uploaded in.
UPLOAD_TYPES = ("text/turtle", "application/n-triples", "application/rdf+xml",
                "application/ld+json", "text/n3")


#: Characters an IRI never holds (RFC 3987), besides white space.
_NOT_IN_IRIS = frozenset('<>"{}|\\^`')


def _target() -> str | None:
    graph = request.args.get("graph")
    if ("default" in request.args) == (graph is not None):
        raise BadRequest("name exactly one graph: ?graph=IRI or ?default")
    if graph is not None and ":" not in graph:
        raise BadRequest(f"graph {graph!r} is not an absolute IRI")
    if graph is not None and any(c in _NOT_IN_IRIS or c.isspace() for c in graph):
        raise BadRequest(f"graph {graph!r} is not a valid IRI (no spaces or <>\"{{}}|\\^`)")
    return graph


@blueprint.route("/graphs", methods=["GET", "HEAD", "OPTIONS"])
def read_graph() -> Response:
    """Download one graph."""
    if request.method == "OPTIONS":
        return add_cors(Response(status=204), "GET, HEAD, OPTIONS")
    graph = _target()
    fmt = negotiate(GRAPHS, request.headers.get("Accept"), override=request.args.get("format"))
    if fmt is None:
        raise NotAcceptable("no acceptable RDF format; offered: "
                            + ", ".join(f.media_type for f in GRAPHS))
    answer = run_checked(state().pool, {"kind": "graph_get", "graph": graph,
                                        "graph_format": fmt.engine}, errors=JOB_ERRORS)
    response = Response(answer["body"], content_type=fmt.content_type)
    response.headers["Vary"] = "Accept"
    return add_cors(response, "GET, HEAD, OPTIONS")


@blueprint.route("/graphs", methods=["PUT", "POST", "DELETE"])
def write_graph() -> Response:
    """Replace, add to or drop one graph (needs the write token)."""
    require_writer()
    graph = _target()
    if request.method == "DELETE":
        answer = run_checked(state().pool, {"kind": "graph_delete", "graph": graph},
                             errors=JOB_ERRORS)
        return Response(status=answer.get("status", 204))
    if request.mimetype not in UPLOAD_TYPES:
        raise UnsupportedMediaType(f"cannot read {request.mimetype or 'a body without type'}",
                                   hint="send one of: " + ", ".join(UPLOAD_TYPES))
    body = read_body()
    kind = "graph_put" if request.method == "PUT" else "graph_post"
    answer = run_checked(state().pool, {"kind": kind, "graph": graph, "body": body,
                                        "media_type": request.mimetype}, errors=JOB_ERRORS)
    return Response(status=answer.get("status", 204))
