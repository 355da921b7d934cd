"""The work a query worker does against the store: one function per job kind.

A job is a plain dict (it crosses a process boundary) with a ``kind`` key; its
answer is a dict with ``ok`` and either the response parts (``body``,
``media_type``, extra ``headers``) or an error ``code`` and ``message`` that the
web process turns into an :class:`server.errors.ApiError`.

Results are capped at ``max_rows`` rows (or triples): the answer then carries
``truncated`` so the client is told. Engine exception text never leaves this
module except for syntax errors, whose position is re-worded.

>>> from kg.graph.store import open_store
>>> store = open_store(None)
>>> answer = run_job(store, {"kind": "query", "sparql": "ASK {}", "form": "ASK",
...                          "results_format": "JSON", "graph_format": None})
>>> answer["body"]
b'{"head":{},"boolean":true}'
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from itertools import islice
from typing import IO, Any, cast

import pyoxigraph as ox

from kg.graph.remote import ServerFailure, StoreUnreachable
from kg.graph.store import GraphStore, Statements, StoreError
from ontology.namespace import PREFIXES
from server.policy import tokenize

Job = dict[str, Any]
Answer = dict[str, Any]

#: The VoID description lists named graphs one by one up to this many.
MAX_LISTED_GRAPHS = 500
_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
_WHERE = re.compile(r"error at (\d+):(\d+)(?:-\d+:\d+)?:\s*(.*)", re.DOTALL)


def _error(code: str, message: str) -> Answer:
    return {"ok": False, "code": code, "message": message}


def syntax_message(exc: SyntaxError) -> str:
    """A short, engine-neutral message saying where a SPARQL text is wrong.

    >>> syntax_message(SyntaxError("error at 1:26: expected OPTIONAL"))
    'line 1, column 26: expected OPTIONAL'
    """
    text = str(exc.args[0] if exc.args else exc)
    match = _WHERE.search(text)
    if match:
        detail = match.group(3).strip().splitlines()[0][:200]
        return f"line {match.group(1)}, column {match.group(2)}: {detail}"
    return text.splitlines()[0][:200] if text else "not valid SPARQL"


def term_json(term: Any) -> dict[str, Any]:
    """A term in the SPARQL 1.1 results JSON form (with the SPARQL-star ``triple`` type)."""
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        out: dict[str, Any] = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value != _XSD_STRING:
            out["datatype"] = term.datatype.value
        return out
    return {"type": "triple", "value": {"subject": term_json(term.subject),
                                        "predicate": term_json(term.predicate),
                                        "object": term_json(term.object)}}


def solutions_json(variables: list[str], rows: Iterable[ox.QuerySolution]) -> bytes:
    """SPARQL results JSON for ``rows`` of a ``SELECT``."""
    bindings = []
    for row in rows:
        binding = {}
        for name, value in zip(variables, row, strict=True):
            if value is not None:
                binding[name] = term_json(value)
        bindings.append(binding)
    document = {"head": {"vars": variables}, "results": {"bindings": bindings}}
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


class _OverBudget(Exception):
    """A serialisation grew past the size that proves it is under the row cap."""


class _BudgetSink:
    """A binary sink for pyoxigraph that gives up once ``limit`` bytes are written."""

    def __init__(self, limit: int) -> None:
        self.parts: list[bytes] = []
        self.size = 0
        self.limit = limit

    def write(self, data: bytes) -> int:
        self.size += len(data)
        if self.size >= self.limit:
            raise _OverBudget()
        self.parts.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        """Nothing is buffered."""


#: Fewest bytes one result row takes in each format (``{},`` in JSON, a newline in TSV …).
MIN_ROW_BYTES = {"JSON": 3, "XML": 17, "CSV": 2, "TSV": 1}


def evaluate(store: GraphStore, job: Job) -> Any:
    """Evaluate a query job's SPARQL over its dataset (with the pre-declared prefixes).

    Without ``default_graph`` and ``named_graphs`` the dataset is the store's (the
    union of all graphs as the default graph and every named graph), or the query's
    own when it has ``FROM``/``FROM NAMED`` (``query_dataset``). With either list, the
    dataset is exactly the graphs listed, whatever the query says: named graphs alone
    leave the default graph empty, default graphs alone leave ``GRAPH`` nothing to
    match.
    """
    dataset = bool(job.get("default_graph") or job.get("named_graphs"))
    return store.query(
        job["sparql"],
        union_default_graph=not dataset and not job.get("query_dataset"),
        default_graph=list(job.get("default_graph") or ()) if dataset else None,
        named_graphs=list(job.get("named_graphs") or ()) if dataset else None,
        base_iri=job.get("base_iri"),
        prefixes=prefixes_used(job["sparql"]),
    )


def prefixes_used(sparql: str) -> dict[str, str]:
    """The pre-declared prefixes whose ``name:`` occurs in ``sparql`` (maybe more, never fewer).

    Handing the engine all of them costs about as much as evaluating a small query
    (each is parsed for every request), and most queries use a few or declare their own.

    >>> sorted(prefixes_used("SELECT * { ?e a ckg:Raid ; rdfs:label ?l }"))
    ['ckg', 'rdfs']
    """
    return {name: iri for name, iri in PREFIXES.items() if name + ":" in sparql}


def _solutions(store: GraphStore, job: Job, result: ox.QuerySolutions, fmt: str,
               max_rows: int | None) -> Answer:
    """Serialise SELECT results, capped at ``max_rows``.

    Fast path: the engine serialises on its own into a sink that stops at
    ``MIN_ROW_BYTES × max_rows`` bytes — a body shorter than that cannot hold more rows
    than the cap. A longer one means many rows: the query runs again and at most
    ``max_rows + 1`` rows are read and written here.
    """
    engine_format = getattr(ox.QueryResultsFormat, fmt)
    if max_rows:
        sink = _BudgetSink(MIN_ROW_BYTES[fmt] * max_rows)
        try:
            result.serialize(cast(IO[bytes], sink), format=engine_format)
            return {"ok": True, "form": "SELECT", "body": b"".join(sink.parts),
                    "truncated": False}
        except _OverBudget:
            result = evaluate(store, job)
            assert isinstance(result, ox.QuerySolutions)
    else:
        return {"ok": True, "form": "SELECT", "truncated": False,
                "body": result.serialize(format=engine_format)}
    variables = [v.value for v in result.variables]
    rows = list(islice(result, max_rows + 1))
    truncated = len(rows) > max_rows
    body = solutions_json(variables, rows[:max_rows] if truncated else rows)
    if fmt != "JSON":
        parsed = ox.parse_query_results(body, ox.QueryResultsFormat.JSON)
        assert isinstance(parsed, ox.QuerySolutions)
        body = parsed.serialize(format=engine_format) or b""
    return {"ok": True, "form": "SELECT", "body": body, "truncated": truncated}


def _query(store: GraphStore, job: Job) -> Answer:
    max_rows = int(job.get("max_rows") or 0) or None
    try:
        result = evaluate(store, job)
        if isinstance(result, ox.QueryBoolean):
            fmt = job.get("results_format")
            if fmt is None:
                return _error("not_acceptable", "no acceptable format for ASK results")
            body = result.serialize(format=getattr(ox.QueryResultsFormat, fmt))
            return {"ok": True, "form": "ASK", "body": body, "truncated": False}
        if isinstance(result, ox.QuerySolutions):
            fmt = job.get("results_format")
            if fmt is None:
                return _error("not_acceptable", "no acceptable format for SELECT results")
            return _solutions(store, job, result, fmt, max_rows)
        fmt = job.get("graph_format")
        if fmt is None:
            return _error("not_acceptable", "no acceptable format for an RDF graph")
        triples = list(islice(result, max_rows + 1 if max_rows else None))
        truncated = bool(max_rows and len(triples) > max_rows)
        if truncated:
            triples = triples[:max_rows]
        return {"ok": True, "form": "GRAPH", "body": graph_bytes(triples, fmt),
                "truncated": truncated, "rows": len(triples)}
    except SyntaxError as exc:
        return _error("query_syntax", syntax_message(exc))


def graph_bytes(triples: list[Any], fmt: str) -> bytes:
    """Serialise triples (or quads) in the pyoxigraph RDF format named ``fmt``."""
    rdf_format = getattr(ox.RdfFormat, fmt)
    items: list[Any] = triples
    if rdf_format.supports_datasets:
        items = [t if isinstance(t, ox.Quad) else ox.Quad(t.subject, t.predicate, t.object)
                 for t in triples]
    else:
        items = [ox.Triple(t.subject, t.predicate, t.object) if isinstance(t, ox.Quad) else t
                 for t in triples]
    body = ox.serialize(items, format=rdf_format, prefixes=_used_prefixes(items))
    return body if body is not None else b""


def _used_prefixes(items: list[Any]) -> dict[str, str]:
    """Only the prefixes some term uses, so small answers stay small."""
    seen: set[str] = set()
    for item in items:
        for term in (item.subject, item.predicate, item.object):
            if isinstance(term, ox.NamedNode):
                seen.add(term.value)
            elif isinstance(term, ox.Literal):
                seen.add(term.datatype.value)
    return {name: ns for name, ns in PREFIXES.items()
            if any(iri.startswith(ns) for iri in seen)}


#: Graph of the marks updates leave in their own transaction (see :func:`_update`).
WRITES_GRAPH = "urn:conflict-kg:writes"
_APPLIED = "urn:conflict-kg:applied"


def _write_mark(write_id: str) -> str:
    return f"GRAPH <{WRITES_GRAPH}> {{ <{WRITES_GRAPH}:{write_id}> <{_APPLIED}> true }}"


def _with_mark(sparql: str, write_id: str) -> str:
    """``sparql`` followed by an operation that records ``write_id``, in the same request.

    An update request is one transaction, so the mark is there exactly when the
    update was applied. (The text is first ended with a line break: it may end in a
    comment.)
    """
    tokens = list(tokenize(sparql))
    separator = "\n" if not tokens or tokens[-1].text == ";" else "\n;\n"
    return sparql + separator + "INSERT DATA { " + _write_mark(write_id) + " }"


def _update(store: GraphStore, job: Job) -> Answer:
    write_id = job.get("write_id")
    text = job["sparql"] if write_id is None else _with_mark(job["sparql"], write_id)
    try:
        store.update(text, base_iri=job.get("base_iri"), prefixes=prefixes_used(text))
    except SyntaxError as exc:
        return _error("query_syntax", syntax_message(exc))
    # The mark stays until the web process has this answer and asks for it to go
    # (:func:`_forget_writes`): removed here, a worker killed before its answer got
    # out would leave a write that was applied looking as if it had not been.
    return {"ok": True, "body": b"", "status": 204}


def _forget_writes(store: GraphStore, job: Job) -> Answer:
    """Remove the marks of writes whose outcome the web process knows (one transaction)."""
    marks = " ".join(_write_mark(write_id) for write_id in job["write_ids"])
    store.update("DELETE DATA { " + marks + " }")
    return {"ok": True}


def _write_outcome(store: GraphStore, job: Job) -> Answer:
    """Whether a write whose worker died under it was applied, judged from the store.

    Answers ``applied`` and ``total`` (parts: graphs of a batch, else 1) and the
    answer the write would have had. An update is judged by its mark (left in place:
    the web process has it removed once it has this answer); a graph write by the
    graph's content: every statement sent without blank nodes is there, and (for a
    replacement) the graph holds as many statements as were sent.
    """
    write = job["write"]
    kind = write["kind"]
    done: Answer = {"ok": True, "body": b"", "status": 204}
    if kind == "update":
        mark = f"ASK {{ {_write_mark(write['write_id'])} }}"
        marked = bool(store.query(mark, union_default_graph=False))
        return {"ok": True, "applied": int(marked), "total": 1, "answer": done}
    if kind == "graph_delete":
        name = _graph_name(write)
        gone = isinstance(name, ox.NamedNode) and not store.has_graph(name.value)
        return {"ok": True, "applied": int(gone), "total": 1, "answer": done}
    if kind in ("replace_graphs", "add_graphs"):
        applied = total = 0  # graphs written, statements they hold
        for graph, nquads in write["graphs"].items():
            quads = list(ox.parse(nquads, ox.RdfFormat.N_QUADS))
            wanted = [ox.Quad(q.subject, q.predicate, q.object, ox.NamedNode(graph))
                      for q in quads]
            applied += int(_holds(store, ox.NamedNode(graph), wanted, exact=True))
            total += len(set(wanted))
        return {"ok": True, "applied": applied, "total": len(write["graphs"]),
                "answer": {"ok": True, "quads": total}}
    quads = _parse_body(write)  # graph_put / graph_post: it parsed before, it parses now
    applied_one = _holds(store, _graph_name(write), quads, exact=kind == "graph_put")
    return {"ok": True, "applied": int(applied_one), "total": 1, "answer": done}


def _holds(store: GraphStore, name: Any, quads: list[ox.Quad], *, exact: bool) -> bool:
    """Whether graph ``name`` has every ground quad of ``quads`` (and, if ``exact``, no more)."""
    have = set(store.match(graph=name))
    ground = [q for q in quads if not isinstance(q.subject, ox.BlankNode)
              and not isinstance(q.object, ox.BlankNode)]
    if any(q not in have for q in ground):
        return False
    return not exact or len(have) == len(set(quads))


def _graph_name(job: Job) -> Any:
    graph = job.get("graph")
    return ox.DefaultGraph() if graph is None else ox.NamedNode(graph)


def _graph_get(store: GraphStore, job: Job) -> Answer:
    name = _graph_name(job)
    if isinstance(name, ox.NamedNode) and not store.has_graph(name.value):
        return _error("not_found", f"no graph <{name.value}> in this store")
    quads = list(store.match(graph=name))
    return {"ok": True, "body": graph_bytes(quads, job["graph_format"])}


def _parse_body(job: Job) -> list[ox.Quad]:
    rdf_format = ox.RdfFormat.from_media_type(job["media_type"])
    if rdf_format is None:
        raise ValueError(f"cannot read {job['media_type']}")
    name = _graph_name(job)
    options: dict[str, Any] = {"base_iri": job.get("graph") or None}
    if rdf_format.supports_datasets:
        # a JSON-LD document is a dataset: it is one graph when it names no graphs
        parsed = list(ox.parse(job["body"], rdf_format, **options))
        if any(not isinstance(q.graph_name, ox.DefaultGraph) for q in parsed):
            raise ValueError("send a graph (e.g. Turtle, N-Triples or JSON-LD without "
                             "named graphs), not a dataset")
        return [ox.Quad(q.subject, q.predicate, q.object, name) for q in parsed]
    return [ox.Quad(t.subject, t.predicate, t.object, name)
            for t in ox.parse(job["body"], rdf_format, **options)]


def _graph_write(store: GraphStore, job: Job) -> Answer:
    try:
        quads = _parse_body(job)
    except SyntaxError as exc:
        return _error("rdf_syntax", "the request body is not valid RDF: "
                      + syntax_message(exc))
    except ValueError as exc:
        return _error("unsupported_media_type", str(exc))
    name = _graph_name(job)
    existed = True if isinstance(name, ox.DefaultGraph) else store.has_graph(name.value)
    if job["kind"] == "graph_put":
        if isinstance(name, ox.DefaultGraph):
            store.update("DROP SILENT DEFAULT")
            store.extend(quads)
        else:
            store.replace_graph(name.value, quads)
    else:
        store.extend(quads)
    return {"ok": True, "body": b"", "status": 204 if existed else 201}


def _graph_delete(store: GraphStore, job: Job) -> Answer:
    name = _graph_name(job)
    if isinstance(name, ox.DefaultGraph):
        store.update("DROP SILENT DEFAULT")
        return {"ok": True, "body": b"", "status": 204}
    if not store.drop_graph(name.value):
        return _error("not_found", f"no graph <{name.value}> in this store")
    return {"ok": True, "body": b"", "status": 204}


def _replace_graphs(store: GraphStore, job: Job) -> Answer:
    """Replace named graphs by N-Quads sent by the web process (ingestion over HTTP)."""
    total = 0
    for graph, nquads in job["graphs"].items():
        quads = list(ox.parse(nquads, ox.RdfFormat.N_QUADS))
        total += store.replace_graph(graph, quads)
    return {"ok": True, "quads": total}


def _add_graphs(store: GraphStore, job: Job) -> Answer:
    """Write new named graphs sent as N-Triples lines, all in one transaction
    (ingestion over HTTP: :meth:`kg.graph.store.GraphStore.add_graphs`)."""
    graphs = [(graph, Statements(tuple(text.splitlines())))
              for graph, text in job["graphs"].items()]
    return {"ok": True, "quads": store.add_graphs(graphs)}


def _has_graphs(store: GraphStore, job: Job) -> Answer:
    return {"ok": True, "present": [g for g in job["graphs"] if store.has_graph(g)]}


def _count(store: GraphStore, job: Job) -> Answer:
    return {"ok": True, "count": store.count(job.get("graph"))}


def _flush(store: GraphStore, job: Job) -> Answer:
    store.flush()
    return {"ok": True}


def _stats(store: GraphStore, job: Job) -> Answer:
    return {"ok": True, "quads": len(store), "graphs": len(store.graphs())}


def _void(store: GraphStore, job: Job) -> Answer:
    """The VoID + DCAT description of the store, made by :func:`kg.graph.describe.describe`."""
    from kg.graph.describe import describe

    graph = describe(store, base_url=job.get("base_url"),
                     list_graphs=len(store.graphs()) <= MAX_LISTED_GRAPHS)
    body = graph.serialize(format=job["rdflib_format"], encoding="utf-8")
    return {"ok": True, "body": bytes(body)}


def _ping(store: GraphStore, job: Job) -> Answer:
    return {"ok": True}


#: What a client is told when the engine fails to evaluate a well-formed request.
EVALUATION_ERRORS = {
    "update": "the update could not be applied (does it name a graph that does not exist? "
              "add SILENT to ignore that)",
    "query": "the query could not be evaluated (check function arguments and types)",
}

JOBS: dict[str, Callable[[GraphStore, Job], Answer]] = {
    "query": _query,
    "update": _update,
    "graph_get": _graph_get,
    "graph_put": _graph_write,
    "graph_post": _graph_write,
    "graph_delete": _graph_delete,
    "replace_graphs": _replace_graphs,
    "add_graphs": _add_graphs,
    "has_graphs": _has_graphs,
    "count": _count,
    "flush": _flush,
    "stats": _stats,
    "void": _void,
    "ping": _ping,
    "write_outcome": _write_outcome,
    "forget_writes": _forget_writes,
}


def run_job(store: GraphStore, job: Job) -> Answer:
    """Do one job against ``store``; never raises for a bad request, only answers.

    Returns:
        The answer dict (``ok`` true or false).
    """
    handler = JOBS.get(job.get("kind", ""))
    if handler is None:
        return _error("bad_request", f"unknown job kind {job.get('kind')!r}")
    try:
        return handler(store, job)
    except PermissionError as exc:
        # The worker has no network access (server.sandbox): a SERVICE or LOAD that the
        # policy did not see tried to connect.
        return {"ok": False, "code": "offline",
                "message": "this server makes no outbound requests (SERVICE and LOAD are "
                           "refused)", "detail": str(exc)}
    except StoreUnreachable as exc:  # a store on a SPARQL server (kg.graph.remote)
        return {"ok": False, "code": "store_unavailable",
                "message": "the store does not answer; try again shortly", "detail": str(exc)}
    except ServerFailure as exc:
        if exc.status >= 500 and job.get("kind") in EVALUATION_ERRORS:
            # how a SPARQL server says it could not evaluate a well-formed request
            return {"ok": False, "code": "evaluation", "detail": str(exc),
                    "message": EVALUATION_ERRORS[job["kind"]]}
        return {"ok": False, "code": "store", "message": "the store could not do this",
                "detail": str(exc)}
    except (StoreError, OSError) as exc:
        return {"ok": False, "code": "store", "message": "the store could not do this",
                "detail": str(exc)}
    except Exception as exc:  # noqa: BLE001 - the engine's evaluation errors (RuntimeError …)
        message = EVALUATION_ERRORS.get(job.get("kind", ""), "the request could not be done")
        return {"ok": False, "code": "evaluation", "message": message,
                "detail": f"{type(exc).__name__}: {exc}"}
