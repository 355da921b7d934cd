"""The SPARQL 1.1 Protocol endpoint: ``/sparql`` for queries, updates and the service description.

Queries come as ``GET ?query=``, as a form (``POST``,
``application/x-www-form-urlencoded``) or as the body of a ``POST`` with
``application/sparql-query``. Their dataset is the store's (the union of all graphs
as the default graph, every named graph) unless ``default-graph-uri`` and
``named-graph-uri`` list its graphs, which then replace any ``FROM`` and ``FROM
NAMED`` in the query. Updates come as
``update=`` in a form or as ``application/sparql-update`` and need the write token.
``GET /sparql`` without a query answers with the service description.

Relative IRIs in a query or update are resolved against the endpoint's URL (the
``base_url`` setting followed by the path, or else the URL the request was sent
to), unless the text declares its own ``BASE``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import pyoxigraph as ox
from flask import Blueprint, Response, request

from kg.core.settings import Settings
from ontology.namespace import PREFIXES
from server.access import add_cors, check_query_string, read_body, require_writer
from server.context import ServerState, state
from server.dataset import check_update, names_dataset, with_using
from server.describe import service_description
from server.errors import (
    ApiError,
    BadRequest,
    ForbiddenOperation,
    NotAcceptable,
    NotFound,
    QuerySyntaxError,
    UnsupportedMediaType,
)
from server.formats import GRAPHS, RESULTS, Format, by_override, negotiate, override_or_error
from server.lane import is_subject_lookup
from server.policy import QUERY_FORMS, UPDATE_WORDS, check_request
from server.workers import checked, run_checked

blueprint = Blueprint("sparql", __name__)

FORM = "application/x-www-form-urlencoded"
QUERY_BODY = "application/sparql-query"
UPDATE_BODY = "application/sparql-update"

#: Answer codes from the worker and the error each becomes.
JOB_ERRORS: dict[str, Any] = {
    "query_syntax": QuerySyntaxError,
    "not_acceptable": NotAcceptable,
    "not_found": NotFound,
    "rdf_syntax": BadRequest,
    "unsupported_media_type": UnsupportedMediaType,
    "evaluation": lambda message: BadRequest(message, code="evaluation_failed"),
    "offline": ForbiddenOperation,
    "store_unavailable": lambda message: ApiError(message, status=503, code="store_unavailable",
                                                  headers={"Retry-After": "1"}),
}


def _single(values: list[str], name: str) -> str | None:
    if len(values) > 1:
        raise BadRequest(f"give the parameter {name!r} once, not {len(values)} times")
    return values[0] if values else None


def _read_operation() -> tuple[str | None, str | None, dict[str, list[str]]]:
    """The operation a request carries: (``"query"``/``"update"``/``None``, text, graph params)."""
    check_query_string()
    args = request.args
    graphs = {name: args.getlist(name) for name in
              ("default-graph-uri", "named-graph-uri", "using-graph-uri",
               "using-named-graph-uri")}
    if request.method == "GET":
        if "update" in args:
            raise BadRequest("updates must be sent with POST, not GET")
        return ("query", _single(args.getlist("query"), "query"), graphs) \
            if "query" in args else (None, None, graphs)
    mimetype = request.mimetype
    if mimetype == FORM:
        read_body()
        form = request.form
        for name in graphs:
            graphs[name] = graphs[name] + form.getlist(name)
        if "query" in form and "update" in form:
            raise BadRequest("send either 'query' or 'update', not both")
        if "update" in form:
            return "update", _single(form.getlist("update"), "update"), graphs
        if "query" in form:
            return "query", _single(form.getlist("query"), "query"), graphs
        raise BadRequest("the form has no 'query' or 'update' field")
    if mimetype in (QUERY_BODY, UPDATE_BODY):
        body = read_body()
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            raise BadRequest("the request body is not UTF-8 text") from None
        return ("query" if mimetype == QUERY_BODY else "update"), text, graphs
    raise UnsupportedMediaType(
        f"cannot read a {mimetype or 'body without Content-Type'}",
        hint=f"POST a form ({FORM}), {QUERY_BODY} or {UPDATE_BODY}")


@lru_cache(maxsize=64)
def endpoint_base(server_url: str | None, path: str, request_url: str) -> str | None:
    """The base IRI of a request's relative IRIs: the URL of the endpoint it was sent to.

    Args:
        server_url: the ``base_url`` setting (the server's public URL), if set.
        path: the request's path (``/sparql``), appended to ``server_url``.
        request_url: the URL the request was sent to, without its query string (used
            when ``server_url`` is not set).

    Returns:
        The base IRI, or ``None`` when it is not a valid IRI (a ``Host`` header with
        spaces, say): relative IRIs are then a syntax error, as without a base.

    >>> endpoint_base("https://example.org/kg/", "/sparql", "http://127.0.0.1:5000/sparql")
    'https://example.org/kg/sparql'
    >>> endpoint_base(None, "/sparql", "http://127.0.0.1:5000/sparql")
    'http://127.0.0.1:5000/sparql'
    >>> endpoint_base(None, "/sparql", "http://a b/sparql") is None
    True
    """
    base = server_url.rstrip("/") + path if server_url else request_url
    try:
        ox.NamedNode(base)
    except ValueError:
        return None
    return base


def _request_base() -> str | None:
    return endpoint_base(state().settings.base_url, request.path, request.base_url)


def _format_param() -> str | None:
    return request.args.get("format") or (request.form.get("format")
                                          if request.mimetype == FORM else None)


def _respond(body: bytes, fmt: Format, *, extra: dict[str, str] | None = None) -> Response:
    response = Response(body, status=200, content_type=fmt.content_type)
    response.headers["Vary"] = "Accept"
    if request.args.get("download"):
        response.headers["Content-Disposition"] = \
            f'attachment; filename="results.{fmt.extension}"'
    response.headers.update(extra or {})
    return response


@lru_cache(maxsize=256)
def _choose(accept: str | None, override: str | None) -> tuple[Format | None, Format | None]:
    """The results format and the RDF format for an ``Accept`` header and ``format=``.

    Raises:
        BadRequest: ``format=`` names no format at all.
    """
    if override and all(by_override(f, override) is None for f in (RESULTS, GRAPHS)):
        override_or_error(RESULTS + GRAPHS, override)
    return (negotiate(RESULTS, accept, override=override),
            negotiate(GRAPHS, accept, override=override))


#: Query texts at most this long have their policy verdict cached (longer ones are
#: checked every time, so the cache stays small: ≤ 2048 × 4 KiB).
VERDICT_CACHE_TEXT = 4096


def nesting_depth(text: str) -> int:
    """The deepest nesting of ``{``, ``(`` and ``[`` in a text. Brackets inside strings and
    IRIs are counted too, so the figure is never lower than the engine's own.

    >>> nesting_depth("SELECT * WHERE { ?s ?p ?o FILTER((?o > 1)) }")
    3
    """
    depth = deepest = 0
    for ch in text:
        if ch in "{([":
            depth += 1
            deepest = max(deepest, depth)
        elif ch in "})]" and depth:
            depth -= 1
    return deepest


@lru_cache(maxsize=2048)
def _cached_verdict(text: str, allowed: tuple[str, ...]) -> str | None:
    return check_request(text, allowed=allowed, prefixes=PREFIXES)


def verdict(text: str, allowed: Sequence[str], max_nesting: int) -> str | None:
    """:func:`server.policy.check_request` for a query text, remembered per text.

    The check is a pure function of the text and the allow-list, so a verdict can be
    reused; refusals raise and are never cached (an exception is not a result). A text
    nested deeper than ``max_nesting`` brackets is refused first: the engine's parser
    recurses per bracket.

    Raises:
        BadRequest: nesting too deep.
        ForbiddenOperation: ``LOAD``, or a ``SERVICE`` not on ``allowed``.
    """
    depth = nesting_depth(text)
    if depth > max_nesting:
        raise BadRequest(f"the request nests brackets {depth} deep; at most {max_nesting} "
                         "are accepted (setting max_query_nesting)")
    if len(text) > VERDICT_CACHE_TEXT:
        return check_request(text, allowed=allowed, prefixes=PREFIXES)
    return _cached_verdict(text, tuple(allowed))


def graph_iris(graphs: dict[str, list[str]], name: str) -> list[str]:
    """The graph IRIs of the dataset parameter ``name``, each checked.

    Raises:
        BadRequest: a value is not an absolute IRI.
    """
    for value in graphs[name]:
        try:
            ox.NamedNode(value)
        except ValueError:
            raise BadRequest(f"{name} {value!r} is not an absolute IRI") from None
    return graphs[name]


@dataclass(frozen=True, slots=True)
class QueryPlan:
    """A checked query: the job for the worker and the formats its answer may take."""

    job: dict[str, Any]
    results_format: Format | None
    graph_format: Format | None
    #: a look-up of one subject over the union graph (:func:`server.lane.is_subject_lookup`)
    lane: bool = False


def plan_query(text: str, graphs: dict[str, list[str]], *, settings: Settings,
               accept: str | None, override: str | None,
               base_iri: str | None = None) -> QueryPlan:
    """Check one query (policy, dataset, formats) and build its worker job.

    Used by the Flask route and by :class:`server.fastpath.QueryFastPath`, so both
    check exactly the same things. ``base_iri`` resolves the query's relative IRIs
    (:func:`endpoint_base`).

    Raises:
        ApiError: for every way the query can fail before it runs (empty, an update,
            ``LOAD``/``SERVICE``, no acceptable format, unknown ``format=``).
    """
    if not text or not text.strip():
        raise BadRequest("the query is empty")
    if graphs["using-graph-uri"] or graphs["using-named-graph-uri"]:
        raise BadRequest("using-graph-uri and using-named-graph-uri apply to updates")
    operation = verdict(text, settings.allowed_service_endpoints, settings.max_query_nesting)
    if operation in UPDATE_WORDS:
        raise BadRequest("this is an update, not a query",
                         hint="send updates as 'update=' in a POST form or as "
                              f"{UPDATE_BODY}")
    form = operation if operation in QUERY_FORMS else None
    results_fmt, graph_fmt = _choose(accept, override)
    chosen = {"SELECT": (results_fmt,), "ASK": (results_fmt,), "CONSTRUCT": (graph_fmt,),
              "DESCRIBE": (graph_fmt,)}.get(form or "", (results_fmt, graph_fmt))
    if all(c is None for c in chosen):
        families = {"SELECT": RESULTS, "ASK": RESULTS, "CONSTRUCT": GRAPHS,
                    "DESCRIBE": GRAPHS}.get(form or "", RESULTS + GRAPHS)
        offered = ", ".join(f.media_type for f in families)
        raise NotAcceptable(f"cannot answer this {form or 'query'} in an acceptable format; "
                            f"offered: {offered}")
    default_graphs = graph_iris(graphs, "default-graph-uri")
    named_graphs = graph_iris(graphs, "named-graph-uri")
    job = {
        "kind": "query",
        "sparql": text,
        "form": form,
        "results_format": results_fmt.engine if results_fmt else None,
        "graph_format": graph_fmt.engine if graph_fmt else None,
        "default_graph": default_graphs,
        "named_graphs": named_graphs,
        # FROM / FROM NAMED: the query's own dataset, not the union
        "query_dataset": _cached_from(text) if len(text) <= VERDICT_CACHE_TEXT
        else names_dataset(text),
        "max_rows": settings.max_result_rows,
        "base_iri": base_iri,
    }
    lane = not default_graphs and not named_graphs and (
        _cached_lane(text) if len(text) <= VERDICT_CACHE_TEXT else is_subject_lookup(text))
    return QueryPlan(job, results_fmt, graph_fmt, lane)


@lru_cache(maxsize=2048)
def _cached_from(text: str) -> bool:
    return names_dataset(text)


@lru_cache(maxsize=2048)
def _cached_lane(text: str) -> bool:
    return is_subject_lookup(text)


def answer_query(server: ServerState, plan: QueryPlan) -> dict[str, Any]:
    """The answer to a planned query: from this process for a one-subject look-up on a
    read-only server (:mod:`server.lane`), from the worker pool otherwise.

    Raises:
        ApiError: the answer was an error (syntax, limits, timeout …).
    """
    if plan.lane and server.reader is not None:
        answer = server.reader.run(plan.job)
        if answer is not None:
            return checked(plan.job, answer, errors=JOB_ERRORS)
    return run_checked(server.pool, plan.job, errors=JOB_ERRORS)


async def answer_query_async(server: ServerState, plan: QueryPlan,
                             client: str | None) -> dict[str, Any]:
    """:func:`answer_query` on an event loop: a look-up here, else the worker, awaited.

    Raises:
        ApiError: the answer was an error (syntax, limits, timeout …).
    """
    if plan.lane and server.reader is not None:
        answer = server.reader.run(plan.job)  # one subject: bounded, a fraction of a ms
        if answer is not None:
            return checked(plan.job, answer, errors=JOB_ERRORS)
    return checked(plan.job, await server.pool.run_async(plan.job, client=client),
                   errors=JOB_ERRORS)


def answer_parts(plan: QueryPlan, answer: dict[str, Any],
                 settings: Settings) -> tuple[bytes, Format, dict[str, str]]:
    """The body, format and extra headers of a query's answer (the worker's bytes as sent)."""
    fmt = plan.results_format if answer["form"] in ("SELECT", "ASK") else plan.graph_format
    assert fmt is not None
    extra = {}
    if answer.get("truncated"):
        extra["KG-Truncated"] = f"results cut at {settings.max_result_rows} rows " \
                                "(setting max_result_rows)"
    return answer["body"], fmt, extra


def run_query(text: str, graphs: dict[str, list[str]]) -> Response:
    """Check, run and serialise one query as the request's ``Accept`` asks.

    Raises:
        ApiError: for every way the query can fail (syntax, policy, format, limits).
    """
    settings = state().settings
    plan = plan_query(text, graphs, settings=settings, accept=request.headers.get("Accept"),
                      override=_format_param(), base_iri=_request_base())
    answer = answer_query(state(), plan)
    body, fmt, extra = answer_parts(plan, answer, settings)
    return _respond(body, fmt, extra=extra)


def run_update(text: str, graphs: dict[str, list[str]]) -> Response:
    """Check and run one update (the caller has checked the write token).

    ``using-graph-uri`` and ``using-named-graph-uri`` become ``USING`` and ``USING
    NAMED`` clauses (:func:`server.dataset.with_using`); patterns that would match
    the store's own, empty default graph are refused (:func:`server.dataset.check_update`).

    Raises:
        ApiError: syntax, policy, dataset or limit errors.
    """
    if not text or not text.strip():
        raise BadRequest("the update is empty")
    if graphs["default-graph-uri"] or graphs["named-graph-uri"]:
        raise BadRequest("default-graph-uri and named-graph-uri apply to queries",
                         hint="an update's graphs are using-graph-uri and "
                              "using-named-graph-uri")
    verdict(text, state().settings.allowed_service_endpoints,
            state().settings.max_query_nesting)
    text = with_using(text, graph_iris(graphs, "using-graph-uri"),
                      graph_iris(graphs, "using-named-graph-uri"))
    check_update(text)
    run_checked(state().pool, {"kind": "update", "sparql": text, "base_iri": _request_base()},
                errors=JOB_ERRORS)
    return Response(status=204)


@blueprint.route("/sparql", methods=["GET", "POST", "OPTIONS"])
def endpoint() -> Response:
    """The SPARQL endpoint (query, update, service description)."""
    if request.method == "OPTIONS":
        return add_cors(Response(status=204))
    kind, text, graphs = _read_operation()
    if kind == "update":
        require_writer()
        return run_update(text or "", graphs)
    if kind is None:
        return add_cors(service_description())
    return add_cors(run_query(text or "", graphs))
