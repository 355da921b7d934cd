"""Query helpers for the command line: rendering results and store statistics."""

from __future__ import annotations

import io
from typing import Any

from pyoxigraph import (
    BlankNode,
    Literal,
    NamedNode,
    QueryBoolean,
    QueryResultsFormat,
    QuerySolutions,
    QueryTriples,
    RdfFormat,
)

from kg.graph.store import GraphStore, QueryResult, Triples
from ontology.namespace import CKG

_RESULTS_FORMAT = {
    "json": QueryResultsFormat.JSON,
    "csv": QueryResultsFormat.CSV,
    "tsv": QueryResultsFormat.TSV,
    "xml": QueryResultsFormat.XML,
}


def _cell(term: Any) -> str:
    if term is None:
        return ""
    if isinstance(term, NamedNode):
        return term.value
    if isinstance(term, BlankNode):
        return f"_:{term.value}"
    if isinstance(term, Literal):
        return term.value
    return str(term)


def _table(header: list[str], rows: list[list[str]]) -> str:
    widths = [len(h) for h in header]
    for row in rows:
        widths = [max(w, min(len(c), 80)) for w, c in zip(widths, row, strict=True)]

    def line(cells: list[str]) -> str:
        return " | ".join(c[:80].ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip()

    out = [line(header), "-+-".join("-" * w for w in widths)]
    out.extend(line(r) for r in rows)
    out.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(out) + "\n"


def render_result(result: QueryResult, fmt: str = "table") -> str:
    """Render a query result as a text table or a standard results format.

    Args:
        result: what :meth:`GraphStore.query` returned.
        fmt: ``table``, ``json``, ``csv``, ``tsv`` or ``xml`` (graph results are
            always N-Triples).
    """
    if isinstance(result, QueryTriples | Triples):
        buffer = io.BytesIO()
        result.serialize(buffer, RdfFormat.N_TRIPLES)
        return buffer.getvalue().decode("utf-8")
    if isinstance(result, QueryBoolean) and fmt == "table":
        return ("true" if bool(result) else "false") + "\n"
    if fmt == "table" and isinstance(result, QuerySolutions):
        header = [v.value for v in result.variables]
        rows = [[_cell(solution[name]) for name in header] for solution in result]
        return _table(header, rows)
    buffer = io.BytesIO()
    result.serialize(buffer, _RESULTS_FORMAT[fmt])
    return buffer.getvalue().decode("utf-8")


def _scalar(store: GraphStore, sparql: str) -> int:
    result = store.query(sparql)
    assert isinstance(result, QuerySolutions)
    for row in result:
        value = row[0]
        return int(value.value) if value is not None else 0
    return 0


def store_stats(store: GraphStore) -> dict[str, Any]:
    """Counts that describe a store: reports, events by type, actors, places, quads."""
    ckg = str(CKG._NS)
    by_type: dict[str, int] = {}
    result = store.query(
        f"SELECT ?t (COUNT(DISTINCT ?e) AS ?n) WHERE {{ ?e <{ckg}reportedIn> ?r ; a ?t . }} "
        "GROUP BY ?t ORDER BY DESC(?n) ?t")
    assert isinstance(result, QuerySolutions)
    for row in result:
        by_type[row["t"].value.removeprefix(ckg)] = int(row["n"].value)
    roles = " ".join(f"<{ckg}{r}>" for r in
                     ("perpetrator", "supporter", "target", "imposer", "participant"))
    return {
        "store": store.location,
        "reports": _scalar(store, f"SELECT (COUNT(DISTINCT ?r) AS ?n) WHERE "
                                  f"{{ ?r a <{ckg}Report> }}"),
        "events": _scalar(store, f"SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE "
                                 f"{{ ?e <{ckg}reportedIn> ?r }}"),
        "events_by_type": by_type,
        "actors": _scalar(store, f"SELECT (COUNT(DISTINCT ?a) AS ?n) WHERE "
                                 f"{{ VALUES ?p {{ {roles} }} ?e ?p ?a }}"),
        "places": _scalar(store, f"SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE "
                                 f"{{ ?e <{ckg}place> ?p }}"),
        "graphs": len(store.graphs()),
        "quads": len(store),
        "size_bytes": store.size_bytes(),
    }

