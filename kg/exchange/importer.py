"""Load an RDF file (an export, or any RDF) into a store: ``kg import FILE``.

The format comes from the file name (``.nq``, ``.trig``, ``.nt``, ``.ttl``, ``.jsonld``,
``.rdf``…, optionally followed by ``.gz``) unless given. The file is read twice: once
to check all of it parses and to learn which named graphs it holds, then to load it.
So a file with a syntax error changes nothing. An empty store is filled by the
engine's bulk loader in one pass instead (and emptied again if the file is bad).
By default the named graphs in the file replace the graphs of the same name in the
store (as re-ingesting a report does); triples of a triple format go to ``graph``
(or the default graph), which is replaced too when it is a named graph. Blank nodes
get fresh identifiers so they never merge with blank nodes already in the store.
"""

from __future__ import annotations

import gzip
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, cast

from pyoxigraph import DefaultGraph, NamedNode, Quad, RdfFormat, parse

from kg.exchange.formats import FORMATS, format_for
from kg.graph.store import GraphStore, StoreError


class ImportFileError(ValueError):
    """The file cannot be imported: missing, unknown format, or not valid RDF."""


@dataclass(slots=True)
class ImportResult:
    """What an import did."""

    path: Path
    format: str
    quads: int = 0
    #: named graphs the file filled (sorted)
    graphs: list[str] = field(default_factory=list)
    #: named graphs that existed before and were replaced
    replaced: list[str] = field(default_factory=list)


def _rdf_format(path: Path, fmt: str | None) -> tuple[str, RdfFormat]:
    try:
        chosen = format_for(fmt, path)
    except ValueError as exc:
        raise ImportFileError(str(exc)) from None
    if chosen.rdf_format is None:
        rdf = [name for name, f in FORMATS.items() if f.rdf_format is not None]
        raise ImportFileError(f"cannot import {path}: {chosen.name} is not an RDF format; "
                              f"give --format ({', '.join(rdf)})")
    return chosen.name, chosen.rdf_format


def _opened(path: Path) -> IO[bytes]:
    """The file's bytes, decompressed when its name ends in ``.gz``."""
    try:
        if path.suffix.lower() == ".gz":
            return cast(IO[bytes], gzip.open(path, "rb"))  # noqa: SIM115 - caller closes
        return path.open("rb")
    except OSError as exc:
        raise ImportFileError(f"cannot read {path}: {exc.strerror or exc}") from None


def _statements(handle: IO[bytes], fmt: RdfFormat, *, rename: bool) -> Iterator[Quad]:
    return parse(handle, fmt, rename_blank_nodes=rename)


def package_data_file(folder: Path) -> Path:
    """The RDF data file of a dataset package written by ``kg export --dataset``.

    Raises:
        ImportFileError: the folder holds no (or more than one) ``data/conflict-kg.*`` file.
    """
    found = sorted(f for f in (folder / "data").glob("conflict-kg.*") if f.is_file())
    if len(found) != 1:
        raise ImportFileError(f"{folder} is a folder but not a dataset package "
                              "(no single data/conflict-kg.* file); give an RDF file")
    return found[0]


def import_file(store: GraphStore, path: str | Path, *, fmt: str | None = None,
                graph: str | None = None, replace: bool = True) -> ImportResult:
    """Import an RDF file into ``store``.

    Args:
        store: an open, writable store.
        path: the file (``.gz`` is decompressed), or the folder of a dataset package
            (its ``data/conflict-kg.*`` file is read).
        fmt: a format name (``nq``, ``trig``, ``nt``, ``ttl``, ``jsonld``, ``rdfxml``);
            guessed from the file name when ``None``.
        graph: named graph for the triples of a triple format (default: the default
            graph). Quads of a dataset format keep their own graphs.
        replace: replace the named graphs the file fills instead of adding to them.

    Returns:
        What was loaded.

    Raises:
        ImportFileError: the file is missing, its format unknown, or it is not valid RDF
            (the store is left unchanged).
        StoreError: the store is read-only or cannot be written.
    """
    file = package_data_file(Path(path)) if Path(path).is_dir() else Path(path)
    name, rdf_format = _rdf_format(file, fmt)
    if not file.is_file():
        raise ImportFileError(f"cannot read {file}: no such file")
    target = NamedNode(graph) if graph else None
    if store.is_empty() and (target is None or not rdf_format.supports_datasets):
        return _load_fresh(store, file, name, rdf_format, graph)
    graphs: set[str] = set()
    default_graph = False
    count = 0
    with _opened(file) as handle:
        try:
            for quad in _statements(handle, rdf_format, rename=False):
                count += 1
                if isinstance(quad.graph_name, NamedNode):
                    graphs.add(quad.graph_name.value)
                else:
                    default_graph = True
        except SyntaxError as exc:
            raise ImportFileError(f"{file} is not valid {name}: {exc}") from None
        except (OSError, EOFError) as exc:
            raise ImportFileError(f"cannot read {file}: {exc}") from None
    if default_graph and target is not None:
        graphs.add(target.value)
    result = ImportResult(file, name, count, sorted(graphs))
    if replace:
        for g in result.graphs:
            if store.drop_graph(g):
                result.replaced.append(g)

    def statements(handle: IO[bytes]) -> Iterator[Quad]:
        for quad in _statements(handle, rdf_format, rename=True):
            if target is not None and isinstance(quad.graph_name, DefaultGraph):
                yield Quad(quad.subject, quad.predicate, quad.object, target)
            else:
                yield quad

    with _opened(file) as handle:
        store.bulk_extend(statements(handle))
    store.flush()
    return result


def _load_fresh(store: GraphStore, file: Path, name: str, rdf_format: RdfFormat,
                graph: str | None) -> ImportResult:
    """Fill an empty store with the engine's bulk loader, in one pass over the file.

    Nothing is in the store to replace or to merge blank nodes with, so the checking
    pass is not needed: a file that does not parse is unloaded again (the store is
    left empty, as it was).
    """
    try:
        if file.suffix.lower() == ".gz":
            with _opened(file) as handle:
                store.load(handle, rdf_format, graph=graph)
        else:
            store.load(file, rdf_format, graph=graph)
    except StoreError:
        raise
    except (SyntaxError, OSError, EOFError) as exc:
        store.clear()
        if isinstance(exc, SyntaxError):
            raise ImportFileError(f"{file} is not valid {name}: {exc}") from None
        raise ImportFileError(f"cannot read {file}: {exc}") from None
    store.flush()
    return ImportResult(file, name, len(store), store.graphs())


__all__ = ["ImportFileError", "ImportResult", "import_file", "package_data_file"]
