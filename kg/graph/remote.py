"""A store on a SPARQL 1.1 server, used through the same interface as the embedded one.

``--store URL`` (or the setting ``store``) names the server's **query** endpoint;
the update and Graph Store Protocol endpoints are found from it (:func:`endpoints`):

==================  ==========================  ===============================
server              store URL                   update · graph store
==================  ==========================  ===============================
Oxigraph server     ``http://host:7878/query``  ``/update`` · ``/store``
Fuseki              ``http://host:3030/ds/query`` ``/ds/update`` · ``/ds/data``
GraphDB             ``…/repositories/ID``       ``…/statements`` · ``…/rdf-graphs/service``
Virtuoso, QLever    ``http://host/sparql``      the same URL (update) · ``store_graph_url``
==================  ==========================  ===============================

The settings ``store_update_url`` and ``store_graph_url`` override the guess.

A report's graph is replaced by one update request (``DROP SILENT GRAPH`` then
``INSERT DATA``), which the server runs as one transaction, as the embedded store does.
Queries see the union of the graphs by asking for it with Oxigraph's
``union-default-graph`` parameter; other servers must be configured to make their
default graph the union (Fuseki's ``unionDefaultGraph``; GraphDB and Virtuoso do it
by default).
"""

from __future__ import annotations

import contextlib
import io
import re
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import IO, Any, cast
from urllib.parse import urlsplit, urlunsplit

import requests
from pyoxigraph import (
    BlankNode,
    DefaultGraph,
    Literal,
    NamedNode,
    Quad,
    QueryResultsFormat,
    RdfFormat,
    parse,
    parse_query_results,
    serialize,
)

from kg.graph.store import (
    GraphStore,
    QueryResult,
    Statements,
    StoreError,
    Triples,
    open_store,
    replace_update,
)

Term = NamedNode | BlankNode | Literal

#: Seconds a request may take before the store gives up (a bulk load takes longer).
TIMEOUT = 300.0

_RESULTS = "application/sparql-results+json"
_NTRIPLES = "application/n-triples"
_NQUADS = "application/n-quads"


def is_url(location: str | Path | None) -> bool:
    """Whether a ``store`` setting names a server rather than a folder.

    >>> is_url("http://127.0.0.1:7878/query"), is_url("/var/lib/kg/store")
    (True, False)
    """
    return isinstance(location, str) and location.startswith(("http://", "https://"))


class StoreUnreachable(StoreError):
    """The store's server did not answer (refused the connection, or timed out)."""


class ServerFailure(StoreError):
    """The store's server answered a request with an error status (other than 400).

    For a query or an update, a SPARQL server says so when it fails to evaluate a
    well-formed request (Oxigraph: ``500``, e.g. "the graph does not exist").
    """

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        #: the HTTP status the server answered
        self.status = status


def open_location(location: str | Path | None, *, read_only: bool = False,
                  update_url: str | None = None, graph_url: str | None = None,
                  check: bool = True) -> GraphStore:
    """Open the store a ``store`` setting names: a server's URL, or a folder.

    Args:
        location: the query URL of a SPARQL 1.1 server, a store folder, or ``None``
            (in memory).
        read_only: refuse writes (a folder is then opened read-only).
        update_url: a server's update endpoint, when the guess is wrong.
        graph_url: a server's Graph Store endpoint, when the guess is wrong.
        check: ask a server one ``ASK {}`` now, so that nobody answering is an error here.

    Raises:
        StoreError: the folder cannot be opened, or (``check``) the server does not answer.
    """
    if is_url(location):
        assert isinstance(location, str)
        return RemoteStore(location, read_only=read_only, update_url=update_url,
                           graph_url=graph_url, check=check)
    return open_store(location, read_only=read_only)


def endpoints(url: str) -> tuple[str, str, str]:
    """``(query, update, graph store)`` URLs for a store URL (see the module's table).

    >>> endpoints("http://h:7878/query")
    ('http://h:7878/query', 'http://h:7878/update', 'http://h:7878/store')
    >>> endpoints("http://h:7878")
    ('http://h:7878/query', 'http://h:7878/update', 'http://h:7878/store')
    >>> endpoints("http://h:3030/ds/query")[1:]
    ('http://h:3030/ds/update', 'http://h:3030/ds/data')
    >>> endpoints("http://h:7200/repositories/kg")[1:]
    ('http://h:7200/repositories/kg/statements', 'http://h:7200/repositories/kg/rdf-graphs/service')
    >>> endpoints("http://h:8890/sparql")[1:]
    ('http://h:8890/sparql', 'http://h:8890/sparql-graph-crud')
    """
    parts = urlsplit(url)
    path = parts.path.rstrip("/")

    def at(new_path: str) -> str:
        return urlunsplit((parts.scheme, parts.netloc, new_path, "", ""))

    if not path:
        return at("/query"), at("/update"), at("/store")
    head, _, last = path.rpartition("/")
    if last == "query" and "/" in head:  # Fuseki: /DATASET/query
        return url, at(head + "/update"), at(head + "/data")
    if last == "query":  # Oxigraph server
        return url, at(head + "/update"), at(head + "/store")
    if head.endswith("/repositories") or head == "/repositories":  # GraphDB, RDF4J
        return url, at(path + "/statements"), at(path + "/rdf-graphs/service")
    return url, url, at(path + "-graph-crud")


class RemoteStore(GraphStore):
    """A SPARQL 1.1 server as a :class:`~kg.graph.store.GraphStore` (see the module).

    Create it with :func:`kg.graph.store.open_store` given a URL.

    Args:
        url: the query endpoint.
        read_only: refuse writes before they are sent.
        update_url: the update endpoint, when the guess (:func:`endpoints`) is wrong.
        graph_url: the Graph Store endpoint, when the guess is wrong.
        timeout: seconds a request may wait for the server.
        check: ask ``ASK {}`` now, so that nobody answering is an error at once.

    Raises:
        StoreUnreachable: ``check`` and the server does not answer.
    """

    def __init__(self, url: str, *, read_only: bool = False, update_url: str | None = None,
                 graph_url: str | None = None, timeout: float = TIMEOUT,
                 check: bool = True) -> None:
        query, update, graph_store = endpoints(url)
        self.url = url
        self.query_url = query
        self.update_url = update_url or update
        self.graph_url = graph_url or graph_store
        self.path = None
        self.read_only = read_only
        self._release = None
        self._timeout = timeout
        self._http = requests.Session()
        if check:
            self._ask("ASK {}")  # fail now, with a clear message, if nobody answers

    @property
    def location(self) -> str:
        return self.url

    # --- HTTP
    def _send(self, method: str, url: str, **kwargs: Any) -> requests.Response:
        try:
            response = self._http.request(method, url, timeout=self._timeout, **kwargs)
        except requests.RequestException as exc:
            raise StoreUnreachable(f"store {self.url} does not answer: {exc}") from None
        if response.status_code == 400:
            # the server's own words (Oxigraph: "error at 1:8: expected …", as the
            # embedded engine says it)
            raise SyntaxError(response.text[:500] or f"{url} refused the request")
        if response.status_code >= 300:
            raise ServerFailure(f"{url} answered {response.status_code}: "
                                f"{response.text[:500]}", response.status_code)
        return response

    def _select(self, sparql: str, *, union: bool = False) -> Any:
        return self.query(sparql, union_default_graph=union)

    def _ask(self, sparql: str) -> bool:
        return bool(self.query(sparql, union_default_graph=False))

    # --- reading
    def __len__(self) -> int:
        return self.count()

    def is_empty(self) -> bool:
        return not self._ask("ASK { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } }")

    def count(self, graph: str | None = None) -> int:
        if graph is None:
            where = "{ ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } }"
        else:
            where = f"GRAPH {NamedNode(graph)} {{ ?s ?p ?o }}"
        for row in self._select(f"SELECT (COUNT(*) AS ?n) WHERE {{ {where} }}"):
            return int(row["n"].value)
        return 0

    def quads(self, graph: str | None = None) -> Iterator[Quad]:
        return self.match(graph=None if graph is None else NamedNode(graph))

    def match(
        self,
        subject: NamedNode | BlankNode | None = None,
        predicate: NamedNode | None = None,
        object: Term | None = None,
        graph: NamedNode | BlankNode | DefaultGraph | None = None,
    ) -> Iterator[Quad]:
        bound = {"s": subject, "p": predicate, "o": object}
        if any(isinstance(t, BlankNode) for t in (*bound.values(), graph)):
            raise ValueError("a remote store cannot match a blank node of its own "
                             "(the server renames them)")
        values = "".join(f"VALUES ?{name} {{ {term} }} " for name, term in bound.items()
                         if term is not None)
        if graph is None:
            where = f"{{ {values}?s ?p ?o }} UNION {{ {values}GRAPH ?g {{ ?s ?p ?o }} }}"
        elif isinstance(graph, DefaultGraph):
            where = f"{values}?s ?p ?o"
        else:
            where = f"{values}GRAPH {graph} {{ ?s ?p ?o }}"
        for row in self._select(f"SELECT ?s ?p ?o ?g WHERE {{ {where} }}"):
            name = row["g"] if row["g"] is not None else (graph or DefaultGraph())
            yield Quad(row["s"], row["p"], row["o"], name)

    def graphs(self) -> list[str]:
        rows = self._select("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
        return sorted(row["g"].value for row in rows if isinstance(row["g"], NamedNode))

    def has_graph(self, graph: str) -> bool:
        return self._ask(f"ASK {{ GRAPH {NamedNode(graph)} {{ ?s ?p ?o }} }}")

    def query(
        self,
        sparql: str,
        *,
        union_default_graph: bool = True,
        default_graph: list[str] | None = None,
        named_graphs: list[str] | None = None,
        base_iri: str | None = None,
        prefixes: dict[str, str] | None = None,
    ) -> QueryResult:
        prologue = _prologue(base_iri, prefixes)
        form: list[tuple[str, str]] = [("query", prologue + sparql)]
        if default_graph:
            form += [("default-graph-uri", g) for g in default_graph]
        elif union_default_graph:
            form.append(("union-default-graph", ""))
        form += [("named-graph-uri", g) for g in named_graphs or ()]
        with _positions_in(prologue):
            response = self._send("POST", self.query_url, data=form,
                                  headers={"Accept": f"{_RESULTS}, {_NTRIPLES};q=0.9"})
        kind = response.headers.get("Content-Type", "").split(";")[0].strip()
        if kind == _RESULTS:
            return parse_query_results(response.content, format=QueryResultsFormat.JSON)
        if kind in (_NTRIPLES, "text/plain"):
            return Triples(list(parse(response.content, format=RdfFormat.N_TRIPLES)))
        raise StoreError(f"{self.query_url} answered a query with {kind or 'no type'}")

    def size_bytes(self) -> int:
        return 0

    def dump(self, output: IO[bytes] | str | Path, fmt: RdfFormat, *,
             graph: str | DefaultGraph | None = None) -> None:
        if graph is None:
            quads: Iterable[Quad] = self._download(None)
        else:
            name = graph if isinstance(graph, DefaultGraph) else NamedNode(graph)
            quads = (Quad(q.subject, q.predicate, q.object, DefaultGraph())
                     for q in self._download(name))
        if fmt.supports_datasets:
            serialize(quads, output, fmt)
        else:
            serialize((q.triple for q in quads), output, fmt)

    def _download(self, graph: NamedNode | DefaultGraph | None) -> Iterator[Quad]:
        """Quads of the whole store or of one graph, through the Graph Store Protocol."""
        params: dict[str, str] = {}
        if isinstance(graph, NamedNode):
            params["graph"] = graph.value
        elif isinstance(graph, DefaultGraph):
            params["default"] = ""
        accept = _NQUADS if graph is None else _NTRIPLES
        response = self._send("GET", self.graph_url, params=params, headers={"Accept": accept},
                              stream=True)
        response.raw.decode_content = True
        if graph is None:
            yield from parse(cast(IO[bytes], response.raw), format=RdfFormat.N_QUADS)
            return
        for triple in parse(cast(IO[bytes], response.raw), format=RdfFormat.N_TRIPLES):
            yield Quad(triple.subject, triple.predicate, triple.object, graph)

    # --- writing
    def replace_graph(self, graph: str, quads: Iterable[Quad] | Statements) -> int:
        self._writable()
        update, count = replace_update(graph, quads)
        try:
            self._send("POST", self.update_url, data={"update": update})
        except (OSError, SyntaxError) as exc:
            raise StoreError(f"could not replace graph {graph}: {exc}") from exc
        return count

    def add_graphs(self, graphs: Sequence[tuple[str, Statements]]) -> int:
        """Write new graphs with one update request (``INSERT DATA``), one transaction."""
        self._writable()
        blocks = "".join("GRAPH " + str(NamedNode(graph)) + " {\n" + "\n".join(st.lines)
                         + "\n}\n" for graph, st in graphs if st.lines)
        if blocks:
            try:
                self._send("POST", self.update_url,
                           data={"update": "INSERT DATA {\n" + blocks + "}"})
            except (OSError, SyntaxError) as exc:
                raise StoreError(f"could not write {len(graphs)} graphs: {exc}") from exc
        return sum(len(st.lines) for _, st in graphs)

    def drop_graph(self, graph: str) -> bool:
        self._writable()
        if not self.has_graph(graph):
            return False
        self.update(f"DROP GRAPH {NamedNode(graph)}")
        return True

    def update(self, sparql: str, *, base_iri: str | None = None,
               prefixes: dict[str, str] | None = None) -> None:
        self._writable()
        prologue = _prologue(base_iri, prefixes)
        with _positions_in(prologue):
            self._send("POST", self.update_url, data={"update": prologue + sparql})

    def load(self, source: IO[bytes] | str | Path, fmt: RdfFormat, *,
             graph: str | None = None) -> None:
        self._writable()
        params = {"graph": graph} if graph is not None else (
            {} if fmt.supports_datasets else {"default": ""})
        if isinstance(source, str | Path):
            with open(source, "rb") as stream:
                self._post_rdf(stream, fmt, params)
        else:
            self._post_rdf(source, fmt, params)

    def _post_rdf(self, body: Any, fmt: RdfFormat, params: dict[str, str]) -> None:
        self._send("POST", self.graph_url, params=params, data=body,
                   headers={"Content-Type": fmt.media_type})

    def bulk_extend(self, quads: Iterable[Quad]) -> None:
        """Add quads in requests of 100,000 (each one transaction on the server)."""
        self._writable()
        batch: list[Quad] = []
        for quad in quads:
            batch.append(quad)
            if len(batch) == 100_000:
                self.extend(batch)
                batch = []
        if batch:
            self.extend(batch)

    def extend(self, quads: Iterable[Quad]) -> None:
        self._writable()
        buffer = io.BytesIO()
        serialize(quads, buffer, RdfFormat.N_QUADS)
        self._post_rdf(buffer.getvalue(), RdfFormat.N_QUADS, {})

    def clear(self) -> None:
        self.update("DROP ALL")

    def flush(self) -> None:
        """Nothing to do: the server writes each request."""

    def backup(self, target: str | Path) -> None:
        raise StoreError(f"store {self.url} is a server: back it up with the server's tools")

    @property
    def raw(self) -> Any:
        raise StoreError(f"store {self.url} is a server, not an embedded store")

    def close(self) -> None:
        self._http.close()


def _prologue(base_iri: str | None, prefixes: dict[str, str] | None) -> str:
    """``BASE`` and ``PREFIX`` lines for a request to a server (it takes no such options)."""
    lines = f"BASE {NamedNode(base_iri)}\n" if base_iri else ""
    return lines + "".join(f"PREFIX {k}: {NamedNode(v)}\n" for k, v in (prefixes or {}).items())


_POSITION = re.compile(r"^error at (\d+):(\d+)(?:-(\d+):(\d+))?")


@contextlib.contextmanager
def _positions_in(prologue: str) -> Iterator[None]:
    """Within the block, a server's syntax error names lines of the caller's text.

    The server saw ``prologue`` (whole lines) before the text, so its "error at L:C"
    is moved up by that many lines.

    >>> with _positions_in("PREFIX a: <urn:a>\\n"):
    ...     raise SyntaxError("error at 2:25: expected one of LATERAL, SERVICE")
    Traceback (most recent call last):
    SyntaxError: error at 1:25: expected one of LATERAL, SERVICE
    """
    try:
        yield
    except SyntaxError as exc:
        shift = prologue.count("\n")
        text = str(exc.args[0] if exc.args else exc)
        if not shift or not _POSITION.match(text):
            raise

        def moved(match: re.Match[str]) -> str:
            start = f"{max(1, int(match[1]) - shift)}:{match[2]}"
            end = f"-{max(1, int(match[3]) - shift)}:{match[4]}" if match[3] else ""
            return f"error at {start}{end}"

        raise SyntaxError(_POSITION.sub(moved, text, count=1)) from None
