"""Ingestion over HTTP: ``POST /api/reports`` runs :func:`kg.pipeline.ingest.ingest` in the server.

One process owns the on-disk store while the server runs, so ``kg ingest
--server URL --token T`` sends reports here instead of opening the store. The
body is a JSON array or JSON lines of report objects (``text`` and optionally
``url``, ``title``, ``published``, ``source``, ``lang``). Extraction and linking
run in the web process (one batch at a time); each report's graph is then
written by the store-owning worker in one transaction, through
:class:`PoolStore`. Re-sending a report replaces its graph (its IRIs are
deterministic), so a client may retry a batch that failed half-way.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, cast

import pyoxigraph as ox
from flask import Blueprint, Response, jsonify, request

from kg.graph.store import Statements, StoreError
from server.access import read_body, require_writer
from server.context import state
from server.errors import ApiError, BadRequest, UnsupportedMediaType
from server.jobs import graph_bytes
from server.sparql import JOB_ERRORS
from server.workers import WorkerPool, run_checked

blueprint = Blueprint("reports", __name__)

#: Body media types and the file suffix :func:`kg.pipeline.ingest.read_documents` reads them by.
BODY_TYPES = {
    "application/json": ".json",
    "application/x-ndjson": ".jsonl",
    "application/jsonl": ".jsonl",
    "application/jsonlines": ".jsonl",
}


#: Seconds an ingestion write may take at least (the knowledge-base graph is large).
WRITE_TIMEOUT = 120.0


class PoolStore:
    """The part of :class:`kg.graph.store.GraphStore` that ingestion uses, run by the worker pool.

    Args:
        pool: the server's worker pool.
    """

    read_only = False

    def __init__(self, pool: WorkerPool) -> None:
        self._pool = pool

    def _run(self, job: dict[str, Any]) -> dict[str, Any]:
        timeout = max(self._pool.timeout, WRITE_TIMEOUT)
        return run_checked(self._pool, job, errors=JOB_ERRORS, timeout=timeout)

    def query(self, sparql: str, **_: Any) -> Any:
        """Run a ``SELECT`` or ``ASK`` query; rows come back as pyoxigraph solutions."""
        answer = self._run({"kind": "query", "sparql": sparql, "results_format": "JSON",
                            "graph_format": None})
        return ox.parse_query_results(answer["body"], ox.QueryResultsFormat.JSON)

    def has_graph(self, graph: str) -> bool:
        """Whether the named graph holds any quad."""
        return bool(self._run({"kind": "has_graphs", "graphs": [graph]})["present"])

    def count(self, graph: str | None = None) -> int:
        """Number of quads in ``graph`` (or in the store)."""
        return int(self._run({"kind": "count", "graph": graph})["count"])

    def replace_graph(self, graph: str, quads: Iterable[ox.Quad] | Statements) -> int:
        """Replace a named graph in one transaction; returns its new size."""
        if isinstance(quads, Statements):  # N-Triples lines are N-Quads in no graph
            nquads: bytes | str = "\n".join(quads.lines) + "\n"
        else:
            nquads = graph_bytes(list(quads), "N_QUADS")
        return int(self._run({"kind": "replace_graphs", "graphs": {graph: nquads}})["quads"])

    def add_graphs(self, graphs: Sequence[tuple[str, Statements]]) -> int:
        """Write new named graphs in one transaction; returns the statements written.

        Raises:
            StoreError: the store could not write them (nothing changed).
        """
        job = {"kind": "add_graphs",
               "graphs": {graph: "\n".join(st.lines) + "\n" for graph, st in graphs}}
        try:
            return int(self._run(job)["quads"])
        except ApiError as exc:
            if exc.code != "store":  # a time limit, an interrupted worker …: as they are
                raise
            raise StoreError(f"could not write {len(graphs)} graphs") from None

    def flush(self) -> None:
        """Ask the worker to write buffered data to disk."""
        self._run({"kind": "flush"})


@blueprint.route("/api/reports", methods=["POST"])
def post_reports() -> Response:
    """Ingest a batch of reports (needs the write token); answers with the summary."""
    from kg.graph.store import GraphStore
    from kg.pipeline.ingest import Processor, ReadOptions, ingest, read_documents

    require_writer()
    suffix = BODY_TYPES.get(request.mimetype)
    if suffix is None:
        raise UnsupportedMediaType(
            f"cannot read {request.mimetype or 'a body without type'}",
            hint="send a JSON array (application/json) or JSON lines "
                 "(application/x-ndjson) of report objects")
    body = read_body()
    if not body.strip():
        raise BadRequest("no reports in the request body")
    server = state()
    settings = server.settings
    options = ReadOptions(lang=settings.lang, max_bytes=settings.max_report_bytes)
    with server.ingest_lock, tempfile.TemporaryDirectory(prefix="kg-upload-") as tmp:
        path = Path(tmp) / f"reports{suffix}"
        path.write_bytes(body)
        if server.processor is None:
            server.processor = Processor()
        items = [_relabel(item, path) for item in read_documents([path], options)]
        summary = ingest(cast(GraphStore, PoolStore(server.pool)), items,
                         processor=server.processor)
    result = summary.as_dict()
    # so that a client sending many batches can count distinct entities over all of them
    result["entity_iris"] = sorted(summary.entity_iris)
    status = 422 if summary.failures and not summary.reports else 200
    response = jsonify(result)
    response.status_code = status
    return response


def _relabel(item: Any, path: Path) -> Any:
    """Name items by their place in the request, not by the temporary file."""
    origin = str(item.origin).replace(str(path), "request")
    if hasattr(item, "reason"):
        return type(item)(origin, item.reason)
    item.origin = origin
    return item
