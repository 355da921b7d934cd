"""The embedded store: the only module that uses :class:`pyoxigraph.Store`.

One named graph per report; replacing a report's graph is a single transaction, so
re-ingesting never leaves a half-written report behind. Queries see the union of all
graphs as their default graph unless asked not to.

>>> from pyoxigraph import NamedNode, Quad
>>> store = open_store(None)  # in memory
>>> g = "https://example.org/g"
>>> q = Quad(NamedNode("https://example.org/s"), NamedNode("https://example.org/p"),
...          NamedNode("https://example.org/o"))
>>> store.replace_graph(g, [q, q])
1
>>> store.replace_graph(g, [q])
1
>>> len(store)
1
"""

from __future__ import annotations

import fcntl
import os
import weakref
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from pyoxigraph import (
    BlankNode,
    DefaultGraph,
    Literal,
    NamedNode,
    Quad,
    QueryBoolean,
    QuerySolutions,
    QueryTriples,
    RdfFormat,
    Store,
    Triple,
    serialize,
)

Term = NamedNode | BlankNode | Literal



class Triples:
    """Triples a CONSTRUCT or DESCRIBE query returned from a server (the embedded
    store gives a :class:`pyoxigraph.QueryTriples`, which Python cannot make)."""

    def __init__(self, triples: list[Triple]) -> None:
        self._triples = triples

    def __iter__(self) -> Iterator[Triple]:
        return iter(self._triples)

    def serialize(self, output: IO[bytes], fmt: RdfFormat) -> None:
        """Write the triples to a binary stream."""
        serialize(self._triples, output, fmt)


QueryResult = QuerySolutions | QueryBoolean | QueryTriples | Triples


class StoreError(OSError):
    """The store cannot be opened or written."""


class StoreLockedError(StoreError):
    """Another process holds the store open for writing."""


class GraphStore:
    """An Oxigraph store with the operations conflict-kg needs.

    Create it with :func:`open_store`.
    """

    def __init__(self, store: Store, path: Path | None, *, read_only: bool = False,
                 writer_lock: int | None = None) -> None:
        self._store = store
        self.path = path
        self.read_only = read_only
        # the writers' lock is released when the store is closed or collected
        self._release = weakref.finalize(self, os.close, writer_lock) \
            if writer_lock is not None else None

    # --- reading
    def __len__(self) -> int:
        return len(self._store)

    def is_empty(self) -> bool:
        """Whether the store holds no quad at all (quickly, however big it is)."""
        return next(self._store.quads_for_pattern(None, None, None, None), None) is None

    def count(self, graph: str | None = None) -> int:
        """Number of quads in ``graph`` (or in the whole store)."""
        if graph is None:
            return len(self._store)
        return sum(1 for _ in self._store.quads_for_pattern(None, None, None, NamedNode(graph)))

    def quads(self, graph: str | None = None) -> Iterator[Quad]:
        """Quads of one named graph, or of the whole store."""
        graph_name = None if graph is None else NamedNode(graph)
        return self._store.quads_for_pattern(None, None, None, graph_name)

    def match(
        self,
        subject: NamedNode | BlankNode | None = None,
        predicate: NamedNode | None = None,
        object: Term | None = None,
        graph: NamedNode | BlankNode | DefaultGraph | None = None,
    ) -> Iterator[Quad]:
        """Quads matching a pattern; ``None`` matches anything.

        ``graph=DefaultGraph()`` restricts the match to the default graph, ``None`` to
        no graph in particular (every graph).
        """
        return self._store.quads_for_pattern(subject, predicate, object, graph)

    def graphs(self) -> list[str]:
        """IRIs of the named graphs, sorted."""
        return sorted(g.value for g in self._store.named_graphs() if isinstance(g, NamedNode))

    def has_graph(self, graph: str) -> bool:
        """Whether a named graph with this IRI holds any quad."""
        return self._store.contains_named_graph(NamedNode(graph))

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
        """Run a SPARQL query.

        Args:
            sparql: the query.
            union_default_graph: use the union of all graphs as the default graph.
            default_graph: IRIs of the graphs that make up the default graph
                (overrides ``union_default_graph``; an empty list: an empty default
                graph).
            named_graphs: IRIs of the named graphs the query may see (an empty list:
                none; ``None``: all).
            base_iri: base IRI for relative IRIs in the query.
            prefixes: prefixes the query may use without declaring them.

        Raises:
            SyntaxError: the query is not valid SPARQL.
            OSError: the store cannot be read.
        """
        options: dict[str, Any] = {"base_iri": base_iri, "prefixes": prefixes}
        if default_graph is not None:
            options["default_graph"] = [NamedNode(g) for g in default_graph]
        else:
            options["use_default_graph_as_union"] = union_default_graph
        if named_graphs is not None:
            options["named_graphs"] = [NamedNode(g) for g in named_graphs]
        return self._store.query(sparql, **options)

    def size_bytes(self) -> int:
        """Bytes the store takes on disk (0 in memory)."""
        if self.path is None:
            return 0
        return sum(f.stat().st_size for f in self.path.rglob("*") if f.is_file())

    def dump(self, output: IO[bytes] | str | Path, fmt: RdfFormat, *,
             graph: str | DefaultGraph | None = None) -> None:
        """Serialise the store (or one graph) to a file or binary stream.

        Args:
            output: a path or a binary stream.
            fmt: the RDF format.
            graph: IRI of one named graph, ``DefaultGraph()`` for the default graph, or
                ``None`` for the whole store (the format must then support datasets).
        """
        if isinstance(graph, DefaultGraph):
            self._store.dump(output, fmt, from_graph=graph)
        elif graph is not None:
            self._store.dump(output, fmt, from_graph=NamedNode(graph))
        else:
            self._store.dump(output, fmt)

    @property
    def location(self) -> str:
        """Where the store is: its folder, ``:memory:`` or a server's URL."""
        return str(self.path) if self.path else ":memory:"

    # --- writing
    def _writable(self) -> None:
        if self.read_only:
            raise StoreError(f"store {self.path} is open read-only")

    def replace_graph(self, graph: str, quads: Iterable[Quad] | Statements) -> int:
        """Replace the content of ``graph`` by ``quads`` in one transaction.

        The quads' own graph names are ignored: all land in ``graph``.

        Returns:
            The number of distinct quads the graph now holds.

        Raises:
            StoreError: the store is read-only or the write failed (nothing changed).
        """
        self._writable()
        update, count = replace_update(graph, quads)
        try:
            self._store.update(update)
        except (OSError, SyntaxError) as exc:
            raise StoreError(f"could not replace graph {graph}: {exc}") from exc
        return count

    def add_graphs(self, graphs: Sequence[tuple[str, Statements]]) -> int:
        """Write named graphs that are not in the store yet, all in one transaction.

        For a writer that knows the graphs are new (``has_graph`` said so): one
        transaction for several reports costs about a third less than one each, and
        the statements go to the engine as N-Quads, not as a SPARQL update to parse.
        Either every graph is written or none. Nothing is dropped first, so a graph
        that is there after all gets the statements added; statements with blank
        nodes must not be grouped (a label would be one node across the graphs).

        Returns:
            The number of statements written.

        Raises:
            StoreError: the store is read-only or the write failed (nothing changed).
        """
        self._writable()
        data = nquads(graphs)
        try:
            self._store.load(data, RdfFormat.N_QUADS)
        except (OSError, SyntaxError) as exc:
            raise StoreError(f"could not write {len(graphs)} graphs: {exc}") from exc
        return sum(len(statements.lines) for _, statements in graphs)

    def drop_graph(self, graph: str) -> bool:
        """Remove a named graph; returns whether it existed."""
        self._writable()
        node = NamedNode(graph)
        if not self._store.contains_named_graph(node):
            return False
        self._store.remove_graph(node)
        return True

    def update(self, sparql: str, *, base_iri: str | None = None,
               prefixes: dict[str, str] | None = None) -> None:
        """Run a SPARQL update (one transaction).

        Args:
            sparql: the update.
            base_iri: base IRI for relative IRIs in the update.
            prefixes: prefixes the update may use without declaring them.

        Raises:
            SyntaxError: the update is not valid SPARQL.
        """
        self._writable()
        self._store.update(sparql, base_iri=base_iri, prefixes=prefixes)

    def load(self, source: IO[bytes] | str | Path, fmt: RdfFormat, *,
             graph: str | None = None) -> None:
        """Load RDF in bulk from a file path or a binary stream.

        Not transactional: for imports into a fresh store.
        """
        self._writable()
        options: dict[str, Any] = {"format": fmt}
        if graph is not None:
            options["to_graph"] = NamedNode(graph)
        if isinstance(source, str | Path):
            self._store.bulk_load(path=str(source), **options)
        else:
            self._store.bulk_load(source, **options)

    def bulk_extend(self, quads: Iterable[Quad]) -> None:
        """Add many quads fast, without a transaction (for imports; memory stays flat).

        Raises:
            StoreError: the store is read-only.
        """
        self._writable()
        self._store.bulk_extend(quads)

    def extend(self, quads: Iterable[Quad]) -> None:
        """Add quads in one transaction."""
        self._writable()
        self._store.extend(quads)

    def clear(self) -> None:
        """Remove everything."""
        self._writable()
        self._store.clear()

    def flush(self) -> None:
        """Write buffered data to disk."""
        if not self.read_only:
            self._store.flush()

    def backup(self, target: str | Path) -> None:
        """Make a consistent copy of the store in the folder ``target`` (must not exist)."""
        self._store.backup(str(target))

    @property
    def raw(self) -> Store:
        """The underlying :class:`pyoxigraph.Store`, for the server's query workers."""
        return self._store

    def close(self) -> None:
        """Flush and release the store (the object must not be used afterwards)."""
        self.flush()
        del self._store
        if self._release is not None:
            self._release()

    def __enter__(self) -> GraphStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


@dataclass(frozen=True, slots=True)
class Statements:
    """A graph's distinct statements, already written as N-Triples lines.

    What an extraction process sends to the one writer: a list of strings pickles and
    unpickles many times faster than a list of pyoxigraph quads, and the writer
    needs the lines anyway (:func:`replace_update`).

    >>> from pyoxigraph import Literal
    >>> q = Quad(NamedNode("urn:s"), NamedNode("urn:p"), Literal("x"))
    >>> Statements.of([q, q]).lines
    ('<urn:s> <urn:p> "x" .',)
    """

    lines: tuple[str, ...]

    @classmethod
    def of(cls, quads: Iterable[Quad]) -> Statements:
        """The distinct statements of ``quads`` (their graph names are dropped)."""
        return cls(tuple(dict.fromkeys(f"{q.subject} {q.predicate} {q.object} ."
                                       for q in quads)))

    def quads(self, graph: str) -> list[Quad]:
        """The statements as quads in ``graph`` (parsed back; blank nodes get new labels)."""
        from pyoxigraph import RdfFormat, parse

        name = NamedNode(graph)
        return [Quad(t.subject, t.predicate, t.object, name)
                for t in parse("\n".join(self.lines), RdfFormat.N_TRIPLES)]


def nquads(graphs: Sequence[tuple[str, Statements]]) -> bytes:
    """The statements of several graphs as one N-Quads document.

    >>> nquads([("urn:g", Statements(('<urn:s> <urn:p> "x" .',)))])
    b'<urn:s> <urn:p> "x" <urn:g> .\\n'
    """
    parts: list[str] = []
    for graph, statements in graphs:
        tail = f" {NamedNode(graph)} .\n"
        parts.extend(line[:-2] + tail for line in statements.lines)  # each ends with " ."
    return "".join(parts).encode("utf-8")


def has_blank_nodes(statements: Statements) -> bool:
    """Whether some statement may hold a blank node (``_:`` at a term's start).

    >>> has_blank_nodes(Statements(('_:b <urn:p> "x" .',)))
    True
    """
    return any(line.startswith("_:") or " _:" in line for line in statements.lines)


def replace_update(graph: str, quads: Iterable[Quad] | Statements) -> tuple[str, int]:
    """The SPARQL update that replaces ``graph`` by ``quads`` in one transaction.

    Returns:
        The update (``DROP SILENT GRAPH`` then ``INSERT DATA``) and the number of
        distinct quads it inserts; the quads' own graph names are ignored.
    """
    target = NamedNode(graph)
    lines = (quads if isinstance(quads, Statements) else Statements.of(quads)).lines
    update = f"DROP SILENT GRAPH {target} ;\n"
    if lines:
        update += "INSERT DATA { GRAPH " + str(target) + " {\n" + "\n".join(lines) + "\n} }"
    return update, len(lines)


#: The lock file that keeps writers out while a read-only server reads the store.
#:
#: RocksDB's own ``LOCK`` is taken by a read-write open only, and a read-only open
#: beside a writer is undefined behaviour. So every read-write open also takes this
#: file exclusively (``flock``), and a read-only ``kg serve`` holds it shared for
#: its whole life (:func:`hold_readers_lock`): each side sees the other and stops
#: with :class:`StoreLockedError`.
READERS_LOCK = "kg-readers.lock"


def _lock(folder: Path, mode: int) -> int | None:
    """``flock`` the readers' lock file of ``folder`` without waiting; ``None`` if held."""
    fd = os.open(folder / READERS_LOCK, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    try:
        fcntl.flock(fd, mode | fcntl.LOCK_NB)
    except OSError:
        os.close(fd)
        return None
    return fd


def _locked_by(folder: Path) -> StoreLockedError:
    """The error for a store whose readers' lock is taken: by readers, or by a writer."""
    probe = _lock(folder, fcntl.LOCK_SH)  # succeeds when only readers hold the lock
    if probe is None:
        return StoreLockedError(
            f"store {folder} is in use by another process (a running `kg serve`?). Stop "
            "it, or send reports to the server with `kg ingest --server URL`.")
    os.close(probe)
    return StoreLockedError(
        f"store {folder} is in use by another process: a read-only `kg serve`. Stop it to "
        "write here, or serve with writes on (allow_updates, write_token) and send "
        "reports with `kg ingest --server URL`.")


def hold_readers_lock(path: str | Path) -> int:
    """Keep writers away from the store at ``path`` until the returned descriptor closes.

    A read-only server holds this for as long as it serves (its processes open the
    store read-only); ``kg ingest`` and every other read-write open then stop with
    :class:`StoreLockedError` instead of writing under the readers.

    Raises:
        StoreLockedError: a process has the store open for writing.
        StoreError: the folder cannot be created.
    """
    folder = Path(path).expanduser()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd = _lock(folder, fcntl.LOCK_SH)
    except OSError as exc:
        raise StoreError(f"cannot open store {folder}: {exc.strerror or exc}") from None
    if fd is None:
        raise StoreLockedError(f"store {folder} is in use by another process that writes "
                               "to it (a `kg ingest` still running, or a server that "
                               "accepts writes)")
    return fd


def ensure_store(path: str | Path) -> None:
    """Create an empty store at ``path`` unless one is there (so it can be opened read-only).

    Raises:
        StoreLockedError: the store does not exist yet and its folder is locked.
        StoreError: the folder cannot be created.
    """
    if not (Path(path).expanduser() / "CURRENT").exists():
        open_store(path).close()


def open_store(path: str | Path | None, *, read_only: bool = False) -> GraphStore:
    """Open (creating if needed) the on-disk store at ``path``; ``None`` opens one in memory.

    A read-only open takes no lock and must not run beside a writer: the server
    holds :func:`hold_readers_lock` while its processes read.

    Raises:
        StoreLockedError: another process has the store open for writing, or a
            read-only server is serving it.
        StoreError: the folder cannot be created or is not a store.
    """
    if path is None:
        return GraphStore(Store(), None)
    folder = Path(path).expanduser()
    lock: int | None = None
    try:
        if read_only:
            return GraphStore(Store.read_only(str(folder)), folder, read_only=True)
        folder.mkdir(parents=True, exist_ok=True)
        lock = _lock(folder, fcntl.LOCK_EX)
        if lock is None:
            raise _locked_by(folder)
        return GraphStore(Store(str(folder)), folder, writer_lock=lock)
    except StoreLockedError:
        raise
    except OSError as exc:
        if lock is not None:
            os.close(lock)
        text = str(exc)
        if "lock" in text.lower():
            raise StoreLockedError(
                f"store {folder} is in use by another process (a running `kg serve`?). "
                "Stop it, or send reports to the server with `kg ingest --server URL`."
            ) from None
        reason = exc.strerror or text
        raise StoreError(f"cannot open store {folder}: {reason}") from None


__all__ = ["GraphStore", "StoreError", "StoreLockedError", "ensure_store", "hold_readers_lock",
           "open_store", "replace_update", "QueryResult", "RdfFormat"]
