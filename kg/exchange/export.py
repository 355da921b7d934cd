"""Write the store, or chosen graphs of it, as RDF files and tables people can publish.

Exports stream graph by graph: memory grows with the largest graph, not with the
store. Output is deterministic (the same store gives the same bytes, so exports can
be diffed): graphs are written in IRI order, the triples of each graph sorted as
N-Triples lines, blank nodes renamed from their content (see :func:`graph_lines`),
prefixes come from one fixed table, and gzip files carry no time stamp or name.

Files are written to a temporary file in the target folder and renamed into place on
success, so a failed export leaves no partial file behind. A name ending in ``.gz``
is gzip-compressed.

Formats (``--format``; guessed from the file name when not given):

========  ==========================================================================
nq        N-Quads: every graph
trig      TriG: every graph
nt        N-Triples: the union of the chosen graphs (graph names are dropped)
ttl       Turtle: the union of the chosen graphs
rdfxml    RDF/XML: the union of the chosen graphs
jsonld    JSON-LD: every graph, compacted with the published context
          (``ontology/context.jsonld``, embedded in the file)
acled     ACLED-style CSV of events (see :mod:`kg.exchange.tabular`)
geojson   GeoJSON FeatureCollection of events (see :mod:`kg.exchange.tabular`)
========  ==========================================================================

>>> format_for(None, "events.csv.gz").name
'acled'
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import os
import shutil
import sys
import tempfile
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import IO, Any, cast

from pyoxigraph import (
    BlankNode,
    DefaultGraph,
    Literal,
    NamedNode,
    Quad,
    RdfFormat,
    Triple,
    parse,
    serialize,
)

from kg.exchange.formats import FORMATS, ExportError, ExportFormat, format_for
from kg.exchange.selection import Selection, SelectionError, select_events, select_graphs
from kg.graph.store import GraphStore
from ontology.namespace import PREFIXES


@dataclass(slots=True)
class ExportResult:
    """What an export wrote."""

    format: str
    path: Path | None
    #: quads (RDF formats) or rows/features (tables) written
    items: int = 0
    graphs: list[str] = field(default_factory=list)


# --------------------------------------------------------------------------- output files


@contextmanager
def atomic_output(path: str | Path | None) -> Iterator[IO[bytes]]:
    """A binary stream that becomes the file ``path`` only if the block succeeds.

    Writes to a temporary file in the same folder and renames it over ``path`` at the
    end, so readers never see a half-written file and a failure leaves nothing behind.
    A name ending in ``.gz`` is gzip-compressed (without time stamp or file name, so
    the bytes are reproducible). ``None`` or ``-`` writes to standard output.

    Raises:
        ExportError: the folder does not exist or cannot be written.
    """
    if path is None or str(path) == "-":
        yield sys.stdout.buffer
        sys.stdout.buffer.flush()
        return
    target = Path(path)
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise ExportError(f"cannot write {target}: folder {folder} does not exist")
    if target.is_dir():
        raise ExportError(f"cannot write {target}: it is a folder")
    try:
        handle, temp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part",
                                             dir=folder)
    except OSError as exc:
        raise ExportError(f"cannot write {target}: {exc.strerror or exc}") from None
    temp = Path(temp_name)
    try:
        with os.fdopen(handle, "wb", buffering=1 << 20) as raw:
            if target.suffix.lower() == ".gz":
                with gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0,
                                   compresslevel=6) as zipped:
                    yield zipped  # type: ignore[misc]
            else:
                yield raw
            raw.flush()
            os.fsync(raw.fileno())
        os.chmod(temp, 0o666 & ~_umask())
        os.replace(temp, target)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


# --------------------------------------------------------------------------- canonical graphs


def _blank_labels(triples: list[Triple]) -> dict[str, str]:
    """Content-derived names for the blank nodes of one graph.

    A blank node is named by a hash of what it says (its outgoing triples, with nested
    blank nodes described recursively) and where it hangs (its incoming triples from
    named nodes). Blank nodes with equal descriptions get a numbered suffix.
    """
    outgoing: dict[str, list[tuple[str, Any]]] = defaultdict(list)
    incoming: dict[str, list[str]] = defaultdict(list)
    for t in triples:
        if isinstance(t.subject, BlankNode):
            outgoing[t.subject.value].append((str(t.predicate), t.object))
        if isinstance(t.object, BlankNode):
            source = "_:" if isinstance(t.subject, BlankNode) else str(t.subject)
            incoming[t.object.value].append(f"{source} {t.predicate}")

    def describe(node: str, seen: frozenset[str]) -> str:
        parts = []
        for predicate, obj in outgoing.get(node, ()):
            if isinstance(obj, BlankNode):
                inner = "_:" if obj.value in seen else describe(obj.value, seen | {node})
                parts.append(f"{predicate} [{inner}]")
            else:
                parts.append(f"{predicate} {obj}")
        parts.sort()
        return "; ".join(parts) + " | " + "; ".join(sorted(incoming.get(node, ())))

    nodes = sorted(set(outgoing) | set(incoming))
    by_digest: dict[str, list[str]] = defaultdict(list)
    for node in nodes:
        digest = hashlib.sha256(describe(node, frozenset()).encode("utf-8")).hexdigest()[:20]
        by_digest[digest].append(node)
    labels = {}
    for digest, same in by_digest.items():
        for i, node in enumerate(same):
            labels[node] = f"b{digest}" if i == 0 else f"b{digest}x{i}"
    return labels


def _relabel(term: Any, labels: dict[str, str]) -> Any:
    return BlankNode(labels[term.value]) if isinstance(term, BlankNode) else term


def graph_lines(store: GraphStore, graph: str | None) -> list[bytes]:
    """The triples of one graph as sorted N-Triples lines (each ending in `` .``).

    ``graph=None`` reads the default graph. Blank nodes are renamed from their content
    (:func:`_blank_labels`), so two stores holding the same graph give the same lines
    even when their blank node identifiers differ.
    """
    buffer = io.BytesIO()
    store.dump(buffer, RdfFormat.N_TRIPLES, graph=DefaultGraph() if graph is None else graph)
    data = buffer.getvalue()
    del buffer
    if b"_:" in data:
        triples = [q.triple for q in parse(data, RdfFormat.N_TRIPLES)]
        if any(isinstance(t.subject, BlankNode) or isinstance(t.object, BlankNode)
               for t in triples):
            labels = _blank_labels(triples)
            lines = [
                f"{_relabel(t.subject, labels)} {t.predicate} {_relabel(t.object, labels)} ."
                .encode() for t in triples
            ]
            lines.sort()
            return lines
    lines = data.splitlines()
    lines.sort()
    return lines


def _has_default_graph(store: GraphStore) -> bool:
    return next(iter(store.match(graph=DefaultGraph())), None) is not None


def _graph_order(store: GraphStore, graphs: list[str] | None) -> list[str | None]:
    """Graphs to write in order; ``None`` stands for the default graph."""
    if graphs is not None:
        return list(graphs)
    order: list[str | None] = [None] if _has_default_graph(store) else []
    return order + store.graphs()


# --------------------------------------------------------------------------- RDF writers


def _term_bytes(graph: str) -> bytes:
    return str(NamedNode(graph)).encode()


def _write_nquads(out: IO[bytes], store: GraphStore, order: list[str | None]) -> int:
    written = 0
    for graph in order:
        lines = graph_lines(store, graph)
        if graph is None:
            out.write(b"\n".join(lines) + (b"\n" if lines else b""))
        else:
            tail = b" " + _term_bytes(graph) + b" .\n"
            out.write(b"".join(line[:-1].rstrip() + tail for line in lines))
        written += len(lines)
    return written


def _write_ntriples(out: IO[bytes], store: GraphStore, order: list[str | None]) -> int:
    written = 0
    for graph in order:
        lines = graph_lines(store, graph)
        if lines:
            out.write(b"\n".join(lines) + b"\n")
        written += len(lines)
    return written


def _sorted_triples(store: GraphStore, graph: str | None) -> Iterator[Triple]:
    lines = graph_lines(store, graph)
    if not lines:
        return
    data = b"\n".join(lines)
    del lines
    for quad in parse(data, RdfFormat.N_TRIPLES):
        yield quad.triple


def _write_with_oxigraph(out: IO[bytes], store: GraphStore, order: list[str | None],
                         fmt: ExportFormat) -> int:
    counter = [0]

    def statements() -> Iterator[Any]:
        for graph in order:
            name = DefaultGraph() if graph is None else NamedNode(graph)
            for triple in _sorted_triples(store, graph):
                counter[0] += 1
                if fmt.kind == "dataset":
                    yield Quad(triple.subject, triple.predicate, triple.object, name)
                else:
                    yield triple

    assert fmt.rdf_format is not None
    if fmt.rdf_format == RdfFormat.RDF_XML:
        # the RDF/XML writer declares rdf: itself (twice would be invalid XML)
        prefixes = {k: v for k, v in PREFIXES.items() if v != _RDF_NS}
        serialize(statements(), out, fmt.rdf_format, prefixes=prefixes)
    else:
        sorter = _PrefixSorter(out)
        serialize(statements(), cast(IO[bytes], sorter), fmt.rdf_format, prefixes=PREFIXES)
        sorter.close()
    return counter[0]


class _PrefixSorter(io.RawIOBase):
    """Passes Turtle/TriG through, with the leading ``@prefix`` lines sorted by name.

    The serialiser's own prefix order is an implementation detail; sorting it keeps
    the output identical across library versions and processes.
    """

    def __init__(self, out: IO[bytes]) -> None:
        super().__init__()
        self._out = out
        self._head: bytearray | None = bytearray()

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        chunk = bytes(data)
        if self._head is None:
            self._out.write(chunk)
            return len(chunk)
        self._head.extend(chunk)
        self._release(final=False)
        return len(chunk)

    def _release(self, *, final: bool) -> None:
        assert self._head is not None
        head = bytes(self._head)
        lines = head.split(b"\n")
        prefix_lines = []
        for i, line in enumerate(lines):
            if i == len(lines) - 1 and not final:
                return  # incomplete last line: wait for more
            if line.startswith(b"@prefix "):
                prefix_lines.append(line)
                continue
            rest = b"\n".join(lines[i:])
            break
        else:
            rest = b""
        prefix_lines.sort()
        self._out.write(b"".join(line + b"\n" for line in prefix_lines) + rest)
        self._head = None

    def close(self) -> None:
        if self._head is not None and not self.closed:
            self._release(final=True)
        super().close()


def jsonld_context() -> dict[str, Any]:
    """The published JSON-LD context: one prefix per namespace the project uses.

    It is the content of ``ontology/context.jsonld`` and is embedded in every JSON-LD
    export, so files parse without fetching anything.

    >>> jsonld_context()["@context"]["ckg"]
    'https://w3id.org/conflict-kg/ontology#'
    """
    return {"@context": dict(PREFIXES)}


def context_path() -> Path:
    """Path of the shipped ``context.jsonld`` file."""
    return Path(str(resources.files("ontology") / "context.jsonld"))


def write_context(path: str | Path | None = None) -> Path:
    """(Re)write ``ontology/context.jsonld`` from the prefix table; returns its path.

    Run it after adding a prefix to :data:`ontology.namespace.PREFIXES`.
    """
    target = Path(path) if path is not None else context_path()
    text = json.dumps(jsonld_context(), indent=2, ensure_ascii=False) + "\n"
    target.write_text(text, encoding="utf-8")
    return target


class _Compactor:
    """Shortens IRIs to ``prefix:local`` with the published context."""

    def __init__(self, prefixes: dict[str, str]) -> None:
        self._prefixes = sorted(prefixes.items(), key=lambda item: -len(item[1]))

    def iri(self, value: str) -> str:
        for name, namespace in self._prefixes:
            if value.startswith(namespace) and len(value) > len(namespace):
                local = value[len(namespace):]
                if not local.startswith("//"):
                    return f"{name}:{local}"
        return value

    def node(self, term: Any) -> str:
        if isinstance(term, BlankNode):
            return f"_:{term.value}"
        return self.iri(term.value)

    def value(self, term: Any) -> dict[str, str]:
        if isinstance(term, Literal):
            if term.language:
                return {"@value": term.value, "@language": term.language}
            if term.datatype.value == "http://www.w3.org/2001/XMLSchema#string":
                return {"@value": term.value}
            return {"@value": term.value, "@type": self.iri(term.datatype.value)}
        return {"@id": self.node(term)}


_RDF_NS = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_RDF_TYPE = _RDF_NS + "type"


def _node_objects(triples: Iterator[Triple], compact: _Compactor) -> Iterator[dict[str, Any]]:
    """Group sorted triples by subject into JSON-LD node objects."""
    current: Any = None
    node: dict[str, Any] = {}
    for t in triples:
        if current is None or t.subject != current:
            if current is not None:
                yield node
            current = t.subject
            node = {"@id": compact.node(t.subject)}
        if t.predicate.value == _RDF_TYPE and not isinstance(t.object, Literal):
            node.setdefault("@type", []).append(compact.node(t.object))
        else:
            node.setdefault(compact.iri(t.predicate.value), []).append(compact.value(t.object))
    if current is not None:
        yield node


def _write_jsonld(out: IO[bytes], store: GraphStore, order: list[str | None]) -> int:
    compact = _Compactor(PREFIXES)
    counter = [0]

    def counted(graph: str | None) -> Iterator[Triple]:
        for triple in _sorted_triples(store, graph):
            counter[0] += 1
            yield triple

    def dumps(value: Any) -> bytes:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")

    out.write(b'{"@context":' + dumps(jsonld_context()["@context"]) + b',\n"@graph":[')
    first = True
    for graph in order:
        if graph is None:
            for node in _node_objects(counted(None), compact):
                out.write((b"\n" if first else b",\n") + dumps(node))
                first = False
            continue
        out.write((b"\n" if first else b",\n") + b'{"@id":' + dumps(compact.iri(graph))
                  + b',"@graph":[')
        first = False
        inner_first = True
        for node in _node_objects(counted(graph), compact):
            out.write((b"\n" if inner_first else b",\n") + dumps(node))
            inner_first = False
        out.write(b"]}")
    out.write(b"\n]}\n")
    return counter[0]


_RdfWriter = Callable[[IO[bytes], GraphStore, list[str | None]], int]
_WRITERS: dict[str, _RdfWriter] = {
    "nq": _write_nquads,
    "nt": _write_ntriples,
    "jsonld": _write_jsonld,
}


def write_rdf(out: IO[bytes], store: GraphStore, fmt: ExportFormat,
              graphs: list[str] | None = None) -> int:
    """Write graphs of ``store`` to a binary stream in an RDF format.

    Args:
        out: where to write.
        store: the store.
        fmt: an RDF format from :data:`FORMATS`.
        graphs: named graph IRIs in the order to write; ``None`` writes the whole store
            (the default graph first, then every named graph in IRI order).

    Returns:
        The number of quads (or triples) written.
    """
    order = _graph_order(store, graphs)
    writer = _WRITERS.get(fmt.name)
    if writer is not None:
        return writer(out, store, order)
    return _write_with_oxigraph(out, store, order, fmt)


# --------------------------------------------------------------------------- entry point


def export(store: GraphStore, output: str | Path | None, *, fmt: str | None = None,
           selection: Selection | None = None, label_lang: str = "en") -> ExportResult:
    """Export the store (or the selected part of it) to a file or standard output.

    Args:
        store: the store to read.
        output: the file to write (``.gz`` compresses); ``None`` or ``-`` for stdout.
        fmt: a format name from :data:`FORMATS`; guessed from ``output`` when ``None``.
        selection: filters; ``None`` exports everything.
        label_lang: preferred language of names in tables (``en`` or ``ar``; the other
            is used when a name lacks it).

    Returns:
        What was written.

    Raises:
        ExportError: unknown format, unwritable path, malformed filter, or nothing
            matches the filters (no file is written then).
    """
    chosen = format_for(fmt, output)
    selection = selection or Selection()
    path = None if output is None or str(output) == "-" else Path(output)
    try:
        if chosen.kind == "table":
            from kg.exchange import tabular

            events = select_events(store, selection)
            if not events:
                raise ExportError(_nothing_message(store, selection))
            with atomic_output(path) as out:
                items = tabular.write_table(out, store, events, chosen.name, lang=label_lang)
            return ExportResult(chosen.name, path, items, sorted({e.graph for e in events}))
        graphs = select_graphs(store, selection)
    except SelectionError as exc:
        raise ExportError(str(exc)) from None
    if graphs is not None and not graphs:
        raise ExportError(_nothing_message(store, selection))
    if graphs is None and len(store) == 0:
        raise ExportError("the store is empty: nothing to export (ingest reports first)")
    with atomic_output(path) as out:
        items = write_rdf(out, store, chosen, graphs)
    return ExportResult(chosen.name, path, items, graphs if graphs is not None
                        else store.graphs())


def _nothing_message(store: GraphStore, selection: Selection) -> str:
    filters = []
    for name in ("graphs", "reports", "sources", "places", "types"):
        values = getattr(selection, name)
        if values:
            filters.append(f"{name}={', '.join(values)}")
    if selection.since:
        filters.append(f"since={selection.since}")
    if selection.until:
        filters.append(f"until={selection.until}")
    described = "; ".join(filters) or "no filter"
    return (f"nothing matches the filters ({described}) in a store of {len(store)} quads; "
            "no file was written")




# --------------------------------------------------------------------------- dataset packages


@dataclass(slots=True)
class PackageResult:
    """What :func:`export_dataset` wrote."""

    folder: Path
    #: file paths relative to ``folder``, sorted
    files: list[str] = field(default_factory=list)
    quads: int = 0
    events: int = 0


_README = """# {title}

{description}

Published by {publisher} on {issued} under {licence}.
Made with conflict-kg {version}; ontology version {ontology_version}.

## Files

| file | what | bytes |
|---|---|---|
{file_rows}

`SHA256SUMS` lists a checksum for every file (`sha256sum -c SHA256SUMS`).

## Contents

- {quads} quads in {graphs} named graphs: one per report
  (`https://w3id.org/conflict-kg/graph/report/…`), plus the knowledge base of places and
  actors (`…/graph/kb`) and, when present, the ontology and inferred graphs.
- Reports: {reports}; events: {events}, by type:
{event_rows}
- Links: {links}.

`void.ttl` describes the dataset in VoID and DCAT (counts per class, property and
graph, linksets, files with sizes and checksums); it is the machine-readable version
of this page.

## Using it

- Load into a conflict-kg store: `kg import {data_name} --store DIR`, then
  `kg serve --store DIR` for a SPARQL endpoint.
- Any RDF store loads `{data_name}` directly (e.g. Oxigraph:
  `oxigraph load --location DIR --file {data_name}`; Apache Jena:
  `riot --validate {data_name}`); rdflib: `rdflib.Dataset().parse("{data_name}")`.
- `ontology/conflict.ttl` defines the vocabulary (`ckg:`); `ontology/context.jsonld`
  is the JSON-LD context used by JSON-LD exports.
{table_notes}
## How the data was made

Events were extracted automatically from the text of each report; every fact links
to the sentence it was read from (`ckg:evidence`), so it can be checked. Automatic
extraction makes mistakes: check important facts against the sentence and the source.
Dates carry their precision (`ckg:timePrecision`), places theirs (`ckg:placePrecision`).
"""

_TABLE_NOTES = """
## Tables

- `{csv}`: one row per reported event (background events left out) in ACLED's
  column names: event type and sub-type mapped from the ontology's event classes,
  actors and associated actors, admin1–admin3, coordinates and precision codes,
  fatalities, and a note quoting the sentence. `event_iri` links a row to the graph.
- `{geojson}`: every event as a GeoJSON feature (point of the place, or of the
  smallest enclosing unit with coordinates) for map tools.
"""


def _write_checksums(folder: Path, files: list[str]) -> None:
    lines = []
    for name in files:
        digest = hashlib.sha256()
        with (folder / name).open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
        lines.append(f"{digest.hexdigest()}  {name}\n")
    (folder / "SHA256SUMS").write_text("".join(lines), encoding="utf-8")


def export_dataset(
    store: GraphStore,
    folder: str | Path,
    *,
    fmt: str = "nq",
    selection: Selection | None = None,
    title: str | None = None,
    licence: str | None = None,
    publisher: str | None = None,
    issued: str | None = None,
    base_url: str | None = None,
    tables: bool = True,
) -> PackageResult:
    """Write a publishable dataset package into the new folder ``folder``.

    The package holds the data (``data/conflict-kg.<ext>.gz``), the ACLED-style CSV and
    GeoJSON of the events (``tables``), ``void.ttl`` (VoID + DCAT, see
    :func:`kg.graph.describe.describe`), the ontology and JSON-LD context, a README for people
    and ``SHA256SUMS``. It is built in a temporary folder next to ``folder`` and renamed
    into place at the end, so a failure leaves nothing behind.

    Args:
        store: the store to read.
        folder: where to write; must not exist yet (or be empty).
        fmt: data format, one that keeps graph names: ``nq``, ``trig`` or ``jsonld``.
        selection: filters (default: everything).
        title: dataset title.
        licence: IRI of the data licence.
        publisher: name or IRI of the publisher.
        issued: issue date ``YYYY-MM-DD`` (default: today).
        base_url: URL the package will be published under (makes download URLs absolute).
        tables: also write the CSV and GeoJSON tables.

    Returns:
        What was written.

    Raises:
        ExportError: bad format, ``folder`` exists and is not empty, it cannot be
            written, or nothing matches the filters.
    """
    from kg import __version__
    from kg.exchange.importer import import_file
    from kg.graph.describe import (
        DEFAULT_DESCRIPTION,
        DEFAULT_LICENCE,
        DEFAULT_PUBLISHER,
        DEFAULT_TITLE,
        Distribution,
        describe,
        ontology_version,
    )
    from kg.graph.store import open_store

    chosen = format_for(fmt, None)
    if chosen.kind not in ("dataset", "jsonld"):
        raise ExportError(f"a dataset package needs a format that keeps graph names "
                          f"(nq, trig or jsonld), not {chosen.name}")
    target = Path(folder)
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise ExportError(f"{target} already exists and is not an empty folder; "
                          "choose a new folder for the package")
    parent = target.parent if str(target.parent) else Path(".")
    if not parent.is_dir():
        raise ExportError(f"cannot write {target}: folder {parent} does not exist")
    try:
        work = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".part", dir=parent))
    except OSError as exc:
        raise ExportError(f"cannot write {target}: {exc.strerror or exc}") from None
    selection = selection or Selection()
    issued = issued or _today()
    try:
        (work / "data").mkdir()
        data_name = f"data/conflict-kg{chosen.extension}.gz"
        written = export(store, work / data_name, fmt=chosen.name, selection=selection)
        result = PackageResult(target, [data_name], written.items)
        distributions = [Distribution.of_file(work / data_name, data_name, chosen.media_type,
                                              f"All quads ({chosen.name}, gzip)")]
        csv_name, geojson_name = "data/events.csv", "data/events.geojson"
        if tables:
            rows: ExportResult | None
            features: ExportResult | None
            try:
                rows = export(store, work / csv_name, fmt="acled", selection=selection)
                features = export(store, work / geojson_name, fmt="geojson",
                                  selection=selection)
            except ExportError:
                rows = features = None  # no events: the package has only RDF
            if rows is not None and features is not None:
                result.events = features.items
                result.files += [csv_name, geojson_name]
                distributions += [
                    Distribution.of_file(work / csv_name, csv_name, "text/csv",
                                         "Events, ACLED-style CSV", rdf=False),
                    Distribution.of_file(work / geojson_name, geojson_name,
                                         "application/geo+json", "Events, GeoJSON",
                                         rdf=False)]
        (work / "ontology").mkdir()
        shipped = resources.files("ontology").joinpath("conflict.ttl")
        if shipped.is_file():
            (work / "ontology" / "conflict.ttl").write_bytes(shipped.read_bytes())
            result.files.append("ontology/conflict.ttl")
            distributions.append(Distribution.of_file(
                work / "ontology/conflict.ttl", "ontology/conflict.ttl", "text/turtle",
                "The conflict-kg ontology", rdf=False))
        write_context(work / "ontology" / "context.jsonld")
        result.files.append("ontology/context.jsonld")

        info = {
            "title": title or DEFAULT_TITLE,
            "licence": licence or DEFAULT_LICENCE,
            "publisher": publisher or DEFAULT_PUBLISHER,
        }

        def description_of(described: GraphStore) -> Any:
            return describe(described, base_url=base_url, issued=issued,
                            distributions=distributions, title=info["title"],
                            licence=info["licence"], publisher=info["publisher"])

        if selection.is_everything:
            description = description_of(store)
            version = ontology_version(store)[0]
        else:
            # describe exactly what was exported: reload it into a scratch store on disk
            with tempfile.TemporaryDirectory(dir=work) as scratch:
                exported = open_store(Path(scratch) / "store")
                try:
                    import_file(exported, work / data_name)
                    description = description_of(exported)
                    version = ontology_version(exported)[0]
                finally:
                    exported.close()
        void_bytes = description.serialize(format="turtle", encoding="utf-8")
        (work / "void.ttl").write_bytes(void_bytes)
        result.files.append("void.ttl")
        (work / "README.md").write_text(_readme(
            description, info, issued=issued, version=__version__,
            ontology=version or "unknown", data_name=data_name, work=work,
            files=result.files, tables=result.events > 0, csv_name=csv_name,
            geojson_name=geojson_name, default_description=DEFAULT_DESCRIPTION),
            encoding="utf-8")
        result.files.append("README.md")
        result.files.sort()
        _write_checksums(work, result.files)
        result.files.append("SHA256SUMS")
        os.chmod(work, 0o777 & ~_umask())
        if target.exists():
            target.rmdir()
        os.replace(work, target)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return result


def _today() -> str:
    import datetime as dt

    return dt.datetime.now(dt.UTC).date().isoformat()


def _readme(description: Any, info: dict[str, str], *, issued: str, version: str,
            ontology: str, data_name: str, work: Path, files: list[str], tables: bool,
            csv_name: str, geojson_name: str, default_description: str) -> str:
    from rdflib.namespace import RDFS, VOID

    from kg.core.model import EVENT_TYPES
    from ontology.namespace import CKG

    what = {
        data_name: "all quads, one named graph per report (gzip)",
        csv_name: "events, ACLED-style CSV",
        geojson_name: "events, GeoJSON FeatureCollection",
        "ontology/conflict.ttl": "the ontology (Turtle)",
        "ontology/context.jsonld": "JSON-LD context",
        "void.ttl": "VoID + DCAT description",
    }
    file_rows = "\n".join(
        f"| `{name}` | {what.get(name, '')} | {(work / name).stat().st_size} |"
        for name in sorted(files))
    counts: dict[str, int] = {}
    for part in description.objects(None, VOID.classPartition):
        cls = description.value(part, VOID["class"])
        n = description.value(part, VOID.entities)
        if cls is not None and n is not None:
            counts[str(cls)] = int(n)
    event_counts = {name: counts.get(str(CKG[name]), 0) for name in EVENT_TYPES}
    event_rows = "\n".join(f"  - {name}: {n}" for name, n in event_counts.items() if n) \
        or "  - (none)"
    links = []
    for linkset in description.subjects(VOID.linkPredicate, None):
        label = description.value(linkset, RDFS.label)
        n = description.value(linkset, VOID.triples)
        links.append(f"{n} {label}")
    dataset = next(iter(description.subjects(VOID.classPartition, None)), None)
    quads = int(description.value(dataset, VOID.triples) or 0) if dataset is not None else 0
    graphs = len([s for s in description.objects(dataset, VOID.subset)
                  if description.value(s, VOID.linkPredicate) is None])
    reports = int(description.value(dataset, VOID.documents) or 0) if dataset is not None \
        else 0
    return _README.format(
        title=info["title"], description=default_description, publisher=info["publisher"],
        issued=issued, licence=info["licence"], version=version, ontology_version=ontology,
        file_rows=file_rows, quads=quads, graphs=graphs, reports=reports,
        events=sum(event_counts.values()), event_rows=event_rows,
        links=", ".join(sorted(links)) or "none", data_name=data_name,
        table_notes=_TABLE_NOTES.format(csv=csv_name, geojson=geojson_name) if tables else "")


__all__ = ["ExportError", "ExportFormat", "ExportResult", "FORMATS", "PackageResult",
           "atomic_output", "context_path", "export", "export_dataset", "format_for",
           "graph_lines", "jsonld_context", "write_context", "write_rdf"]
