"""Read report files, extract, link, build and store them, one named graph per report.

Bad input never stops a batch: every file (or JSONL line) that cannot be read or
processed becomes an :class:`IngestFailure` with its origin and a reason, and the
store keeps only whole reports (a report's graph is replaced in one transaction; new
reports' graphs are written several to a transaction, see :class:`_Writer`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, Protocol

from pyoxigraph import Literal, NamedNode, Quad, RdfFormat, parse

from kg.core import iris
from kg.core.model import Document, Report
from kg.graph.store import GraphStore, Statements, StoreError, has_blank_nodes
from kg.pipeline.ledger import Ledger, content_hash, report_key
from kg.pipeline.pool import (
    Extracted,
    Factory,
    Future,
    ProcessPool,
    Ready,
    inline,
    ordered,
    plan_jobs,
)

#: File extensions read as reports.
TEXT_SUFFIXES = {".txt", ".md", ".text"}
HTML_SUFFIXES = {".html", ".htm"}
JSON_SUFFIXES = {".json", ".jsonl", ".ndjson"}
REPORT_SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | JSON_SUFFIXES
#: Fields a JSON report may carry besides ``text``.
JSON_FIELDS = {"text", "url", "title", "published", "source", "lang", "id"}
#: Files a folder scan passes over (documentation kept beside reports).
SKIPPED_NAMES = {"readme", "license", "licence", "notice", "changelog"}
LANGS = ("auto", "ar", "en")


@dataclass(frozen=True, slots=True)
class IngestFailure:
    """A report that could not be ingested, and why."""

    origin: str
    reason: str

    def __str__(self) -> str:
        return f"{self.origin}: {self.reason}"


@dataclass(slots=True)
class IngestSummary:
    """What one ingestion batch did."""

    reports: int = 0
    events: int = 0
    entities: int = 0
    quads_written: int = 0
    quads_added: int = 0
    replaced: int = 0
    #: reports the ledger had as done (same content, same pipeline): not extracted again
    skipped: int = 0
    failures: list[IngestFailure] = field(default_factory=list)
    events_by_type: dict[str, int] = field(default_factory=dict)
    #: the entities the stored reports mention (``entities`` is their number)
    entity_iris: set[str] = field(default_factory=set)

    @property
    def handled(self) -> int:
        """Items dealt with so far: reports stored or skipped, and failures."""
        return self.reports + self.skipped + len(self.failures)

    @property
    def ok(self) -> bool:
        """True when no report failed."""
        return not self.failures

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready view."""
        return {
            "reports": self.reports,
            "events": self.events,
            "entities": self.entities,
            "quads_written": self.quads_written,
            "quads_added": self.quads_added,
            "replaced": self.replaced,
            "skipped": self.skipped,
            "events_by_type": dict(sorted(self.events_by_type.items())),
            "failures": [{"origin": f.origin, "reason": f.reason} for f in self.failures],
        }


# --------------------------------------------------------------------------- reading


class _TextFromHtml(HTMLParser):
    """Collects the visible text and the title of an HTML page."""

    _SKIP = {"script", "style", "noscript", "template", "svg", "head"}
    _BLOCK = {"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "article",
              "section", "blockquote"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.title: list[str] = []
        self._skip = 0
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "title":
            self._in_title = True
        elif tag in self._SKIP:
            self._skip += 1
        elif tag in self._BLOCK:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False
        elif tag in self._SKIP and self._skip:
            self._skip -= 1
        elif tag in self._BLOCK:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title.append(data)
        elif not self._skip:
            self.parts.append(data)


def html_to_text(markup: str) -> tuple[str, str | None]:
    """Visible text and title of an HTML document.

    >>> html_to_text("<html><title>T</title><body><p>a &amp; b</p><script>x</script></body>")
    ('a & b', 'T')
    """
    parser = _TextFromHtml()
    parser.feed(markup)
    parser.close()
    text = "".join(parser.parts)
    lines = [" ".join(line.split()) for line in text.splitlines()]
    body = "\n".join(line for line in lines if line)
    title = " ".join("".join(parser.title).split()) or None
    return html.unescape(body), title


def _looks_binary(data: bytes) -> bool:
    sample = data[:8192]
    if b"\x00" in sample:
        return True
    controls = sum(1 for b in sample if b < 32 and b not in (9, 10, 12, 13, 27))
    return controls > max(8, len(sample) // 100)


def decode_report(data: bytes, encoding: str = "utf-8") -> str:
    """Decode report bytes, with a reason when they are not text in ``encoding``.

    Raises:
        ValueError: binary data, or bytes that are not valid ``encoding``.
    """
    if _looks_binary(data):
        raise ValueError("binary file, not text")
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        hint = ""
        if encoding.replace("-", "").lower() == "utf8":
            try:
                guess = data.decode("cp1256")
            except UnicodeDecodeError:
                guess = ""
            if guess and sum("\u0600" <= c <= "\u06ff" for c in guess) > len(guess) // 4:
                hint = (" — it looks like Windows-1256 (Arabic) text; "
                        "ingest it with --encoding cp1256 or convert it to UTF-8")
        raise ValueError(f"not valid {encoding} text (byte {exc.start}){hint}") from None
    except LookupError:
        raise ValueError(f"unknown encoding {encoding!r}") from None
    if "\x00" in text:  # past the sampled start of the file too
        raise ValueError(f"binary file, not text (a NUL character at position "
                         f"{text.index(chr(0)):,})")
    return text.lstrip("\ufeff")


def parse_date(value: Any, *, what: str = "published") -> dt.date | None:
    """Parse an ISO date (``YYYY-MM-DD``, or a date-time whose date part is kept).

    Raises:
        ValueError: the value is not an ISO date.
    """
    if value is None or value == "":
        return None
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    try:
        return dt.date.fromisoformat(text[:10])
    except ValueError:
        raise ValueError(f"{what} date {text!r} is not an ISO date (YYYY-MM-DD)") from None


def _check_lang(value: Any) -> str:
    lang = str(value or "auto").lower()
    if lang not in LANGS:
        raise ValueError(f"lang {value!r} is not one of {', '.join(LANGS)}")
    return lang


def _check_text(text: str) -> str:
    if not text.strip():
        raise ValueError("empty report (no text)")
    return text


def _document_from_json(obj: Any, origin: str, published: dt.date | None, lang: str) -> Document:
    if not isinstance(obj, dict):
        raise ValueError(f"expected a JSON object with a 'text' field, got {type(obj).__name__}")
    text = obj.get("text")
    if not isinstance(text, str):
        raise ValueError("no 'text' field (a string) in the report object")
    unknown = set(obj) - JSON_FIELDS
    if unknown:
        raise ValueError(f"unknown field(s) {', '.join(sorted(unknown))}; "
                         f"allowed: {', '.join(sorted(JSON_FIELDS))}")
    for name in ("url", "title", "source"):
        if obj.get(name) is not None and not isinstance(obj[name], str):
            raise ValueError(f"field {name!r} must be a string")
    return Document(
        text=_check_text(text),
        url=obj.get("url") or None,
        title=obj.get("title") or None,
        published=parse_date(obj.get("published")) or published,
        source=obj.get("source") or None,
        lang=_check_lang(obj.get("lang") or lang),
        origin=origin,
    )


@dataclass(frozen=True, slots=True)
class ReadOptions:
    """How report files are read."""

    published: dt.date | None = None
    lang: str = "auto"
    max_bytes: int = 2_000_000
    encoding: str = "utf-8"


def _read_file(path: Path, options: ReadOptions) -> Iterator[Document | IngestFailure]:
    origin = str(path)
    try:
        size = path.stat().st_size
        if size > options.max_bytes:
            yield IngestFailure(origin, f"file is {size:,} bytes, over the limit of "
                                        f"{options.max_bytes:,} (setting max_report_bytes)")
            return
        data = path.read_bytes()
    except OSError as exc:
        yield IngestFailure(origin, f"cannot read: {exc.strerror or exc}")
        return
    try:
        text = decode_report(data, options.encoding)
    except ValueError as exc:
        yield IngestFailure(origin, str(exc))
        return
    suffix = path.suffix.lower()
    if suffix in (".jsonl", ".ndjson"):
        yield from _read_jsonl(text, origin, options)
        return
    try:
        if suffix == ".json":
            data_obj = load_json(text)
            items = data_obj if isinstance(data_obj, list) else [data_obj]
            for i, obj in enumerate(items, 1):
                where = origin if len(items) == 1 else f"{origin}[{i}]"
                try:
                    yield _document_from_json(obj, where, options.published, options.lang)
                except ValueError as exc:
                    yield IngestFailure(where, str(exc))
            return
        title = None
        if suffix in HTML_SUFFIXES:
            text, title = html_to_text(text)
        yield Document(text=_check_text(text), title=title, published=options.published,
                       lang=options.lang, origin=origin)
    except json.JSONDecodeError as exc:
        yield IngestFailure(origin, f"invalid JSON at line {exc.lineno} column {exc.colno}: "
                                    f"{exc.msg}")
    except ValueError as exc:
        yield IngestFailure(origin, str(exc))


def load_json(text: str) -> Any:
    """``json.loads`` that refuses nesting too deep to be a report with a ValueError
    (``json`` itself would raise RecursionError).

    >>> load_json('{"text": "…"}')
    {'text': '…'}
    >>> load_json("[" * 5000 + "]" * 5000)
    Traceback (most recent call last):
    ...
    ValueError: JSON nested too deeply to be a report (a report is one flat object)
    """
    try:
        return json.loads(text)
    except RecursionError:
        raise ValueError("JSON nested too deeply to be a report (a report is one flat "
                         "object)") from None


def _read_jsonl(text: str, origin: str, options: ReadOptions) -> Iterator[Document | IngestFailure]:
    if not text.strip():
        yield IngestFailure(origin, "the file holds no report (an empty JSON lines file)")
        return
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        where = f"{origin}:{number}"
        if len(line.encode("utf-8")) > options.max_bytes:
            yield IngestFailure(where, f"line is over the limit of {options.max_bytes:,} bytes "
                                       "(setting max_report_bytes)")
            continue
        try:
            obj = load_json(line)
        except json.JSONDecodeError as exc:
            yield IngestFailure(where, f"invalid JSON at column {exc.colno}: {exc.msg}")
            continue
        except ValueError as exc:
            yield IngestFailure(where, str(exc))
            continue
        try:
            yield _document_from_json(obj, where, options.published, options.lang)
        except ValueError as exc:
            yield IngestFailure(where, str(exc))


def read_documents(
    paths: Iterable[str | Path], options: ReadOptions | None = None
) -> Iterator[Document | IngestFailure]:
    """Documents from files and folders (recursively, in name order).

    Folders contribute their ``.txt``, ``.md``, ``.html``, ``.json`` and ``.jsonl``
    files, except README, LICENSE, NOTICE and CHANGELOG files; a file named
    explicitly is read whatever its extension (as text unless it is HTML or JSON).

    Yields:
        A :class:`~kg.core.model.Document` per report, or an :class:`IngestFailure`.
    """
    opts = options or ReadOptions()
    _check_lang(opts.lang)
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            try:
                files = report_files(path)
            except OSError as exc:
                yield IngestFailure(str(path), f"cannot list folder: {exc.strerror or exc}")
                continue
            if not files:
                yield IngestFailure(str(path), "folder holds no report files "
                                               f"({', '.join(sorted(REPORT_SUFFIXES))})")
            for file in files:
                yield from _read_file(file, opts)
        elif path.exists():
            yield from _read_file(path, opts)
        else:
            yield IngestFailure(str(path), "no such file or folder")


def report_files(path: Path) -> list[Path]:
    """The report files of a folder, in name order (what :func:`read_documents` reads).

    Raises:
        OSError: the folder cannot be listed.
    """
    return sorted(p for p in path.rglob("*")
                  if p.is_file() and p.suffix.lower() in REPORT_SUFFIXES
                  and p.stem.lower() not in SKIPPED_NAMES)


def count_reports(paths: Iterable[str | Path]) -> int:
    """About how many reports ``paths`` hold, quickly (for a progress bar's ETA).

    One per file, one per non-blank line of a JSON lines file; a JSON array counts as
    one. Unreadable paths count as one (they become one failure).
    """
    total = 0
    for raw in paths:
        path = Path(raw)
        try:
            files = report_files(path) if path.is_dir() else [path]
        except OSError:
            files = [path]
        for file in files:
            if file.suffix.lower() in (".jsonl", ".ndjson"):
                try:
                    with file.open("rb") as stream:
                        total += sum(1 for line in stream if line.strip())
                except OSError:
                    total += 1
            else:
                total += 1
    return total


# --------------------------------------------------------------------------- processing


class Extractor(Protocol):
    """Turns a document into a linked report."""

    def __call__(self, document: Document) -> Report: ...


class Processor:
    """Extract and link documents with pipelines made once per language.

    Args:
        nlp: a pipeline to use for every document instead of one per language.
    """

    def __init__(self, nlp: Any = None) -> None:
        self._nlp = nlp
        self._nlps: dict[str, Any] = {}
        self._kb: Any = None

    @property
    def kb(self) -> Any:
        """The knowledge base, loaded on first use."""
        if self._kb is None:
            from kg.linking.kb import load_kb

            self._kb = load_kb()
        return self._kb

    def __call__(self, document: Document) -> Report:
        from extractors import extract
        from kg.core.text import detect_language
        from kg.linking.link import link_report
        from kg.pipeline.nlp import build_nlp

        lang = document.lang if document.lang in ("ar", "en") else detect_language(document.text)
        if self._nlp is None and lang not in self._nlps:
            self._nlps[lang] = build_nlp(lang)
        document.lang = lang
        report = extract(document, nlp=self._nlp or self._nlps[lang])
        link_report(report, self.kb)
        return report


def _static_version(payload: bytes) -> str:
    return hashlib.sha256(payload).hexdigest()[:16]


def _version_quad(graph: str, version: str) -> Quad:
    node = NamedNode(graph)
    return Quad(node, NamedNode("https://schema.org/version"), Literal(version), node)


def _stored_version(store: GraphStore, graph: str) -> str | None:
    node = f"<{graph}>"
    query = ("SELECT ?v WHERE { GRAPH " + node + " { "
             + node + " <https://schema.org/version> ?v } }")
    for row in store.query(query):  # type: ignore[union-attr]
        return str(row["v"].value)
    return None


def _write_static(store: GraphStore, graph: str, quads: list[Quad]) -> None:
    """Replace a static graph; a new one (a fresh store) is loaded as N-Quads, which
    takes the engine a fraction of the time of parsing a 30,000-statement update."""
    statements = Statements.of(quads)
    if store.has_graph(graph) or has_blank_nodes(statements):
        store.replace_graph(graph, statements)
    else:
        store.add_graphs([(graph, statements)])


def ensure_static_graphs(store: GraphStore, processor: Processor | None = None) -> list[str]:
    """Load (or refresh) the ontology graph (with its code lists) and the KB graph.

    Each is replaced only when its content changed since it was stored.

    Returns:
        IRIs of the graphs that were (re)written.
    """
    from ontology import ontology_files

    written = []
    files = ontology_files()
    data = b"".join(path.read_bytes() for path in files)
    version = _static_version(data)
    if _stored_version(store, iris.ONTOLOGY_GRAPH) != version:
        graph = NamedNode(iris.ONTOLOGY_GRAPH)
        quads = [Quad(t.subject, t.predicate, t.object, graph)
                 for path in files for t in parse(path=str(path), format=RdfFormat.TURTLE)]
        quads.append(_version_quad(iris.ONTOLOGY_GRAPH, version))
        _write_static(store, iris.ONTOLOGY_GRAPH, quads)
        written.append(iris.ONTOLOGY_GRAPH)
    try:
        from kg.linking.kb import kb_version
        from kg.linking.kb.rdf import kb_quads
    except ImportError:
        return written
    kb = (processor or Processor()).kb
    version = kb_version(kb)
    if _stored_version(store, iris.KB_GRAPH) != version:
        quads = list(kb_quads(kb))
        quads.append(_version_quad(iris.KB_GRAPH, version))
        _write_static(store, iris.KB_GRAPH, quads)
        written.append(iris.KB_GRAPH)
    return written


class Workers(Protocol):
    """Where documents are extracted: a :class:`~kg.pipeline.pool.ProcessPool` or a cluster."""

    #: documents per task
    batch: int
    #: how many tasks may be in flight at once
    window: int

    def submit(self, documents: list[Document], ingested_at: list[dt.datetime]) -> Future: ...


def ingest(
    store: GraphStore,
    items: Iterable[Document | IngestFailure],
    *,
    processor: Extractor | None = None,
    progress: Callable[[IngestSummary], None] | None = None,
    validate: Callable[[list[Quad]], list[str]] | None = None,
    now: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC),
    ledger: Ledger | None = None,
    force: bool = False,
    workers: Workers | None = None,
) -> IngestSummary:
    """Ingest documents into ``store``, one named graph per report.

    Documents are extracted by ``workers`` (in parallel) or here, one by one; either
    way this process writes the graphs, in input order, each in one transaction, so
    the store ends the same however the work was spread.

    Args:
        store: the open, writable store.
        items: documents (and read failures, passed through into the summary).
        processor: extracts and links a document here (default: :class:`Processor`);
            with ``workers`` it only decides, being a :class:`Processor`, that the
            ontology and KB graphs are loaded too.
        progress: called after each item (done, skipped or failed) with the summary so far.
        validate: returns violation messages for a report's quads; a report with
            violations is rejected.
        now: the clock, for the ingestion time recorded with each report.
        ledger: skip reports it records as done (same content, same pipeline), and
            record each report written.
        force: with a ledger, extract and write every report even if it is recorded.
        workers: extract documents elsewhere (processes, a cluster).

    Returns:
        The summary; ``summary.failures`` lists what was rejected and why,
        ``summary.skipped`` counts reports the ledger had as done.
    """
    process = processor or Processor()
    start = inline(process) if workers is None else workers.submit
    window, batch = (1, 1) if workers is None else (workers.window, workers.batch)

    # the ontology and KB graphs are (re)loaded before the first report, not for a
    # batch in which nothing could be read
    static_pending = True

    def load_static_graphs() -> None:
        nonlocal static_pending
        if static_pending and isinstance(process, Processor):
            ensure_static_graphs(store, process)
        static_pending = False

    def submit(documents: list[Document]) -> Future:
        future = start(documents, [now() for _ in documents])
        if workers is not None:
            # while the workers load their pipelines for the first documents (a second
            # or two), not after: they would wait for the writer meanwhile
            load_static_graphs()
        return future

    summary = IngestSummary()
    seen: dict[str, str] = {}
    fingerprints: dict[int, tuple[str, str]] = {}
    present: set[str] | None = None

    def triage(item: Document | IngestFailure) -> Future | None:
        """Pass failures and reports the ledger has as done; ``None`` for the others."""
        nonlocal present
        if isinstance(item, IngestFailure):
            return Ready(item)
        key, digest = fingerprint(item)
        fingerprints[id(item)] = (key, digest)
        if ledger is not None and not force:
            graph = iris.report_graph(key)
            if graph in seen:
                return Ready(IngestFailure(item.origin, f"same report as {seen[graph]} (same "
                                                        "URL or text); kept the first"))
            if ledger.done(key, digest):
                if present is None:  # the store may have lost graphs the ledger remembers
                    present = set(store.graphs())
                if graph in present:
                    seen[graph] = item.origin
                    return Ready(SKIPPED)
        return None

    writer = _Writer(store, summary, seen, validate, ledger)
    for item, result in ordered(items, triage, submit, window=window, batch=batch):
        if isinstance(result, IngestFailure):
            summary.failures.append(result)
        elif result is SKIPPED:
            summary.skipped += 1
        else:
            load_static_graphs()
            writer.add(item, result, fingerprints.get(id(item)))
        fingerprints.pop(id(item), None)
        if progress is not None:
            progress(summary)
    writer.flush()
    if progress is not None:
        progress(summary)
    summary.entities = len(summary.entity_iris)
    store.flush()
    return summary


#: What :func:`ingest` gets for a report its ledger has as done.
SKIPPED = object()


def fingerprint(document: Document) -> tuple[str, str]:
    """The report key and content hash of a document (see :mod:`kg.pipeline.ledger`)."""
    return report_key(document), content_hash(document)


#: Reports whose graphs are new are written together, this many in one transaction …
GROUP_REPORTS = 16
#: … or fewer, once they hold this many statements.
GROUP_STATEMENTS = 4096


@dataclass(slots=True)
class _Pending:
    document: Document
    extracted: Extracted
    fingerprint: tuple[str, str] | None


class _Writer:
    """Stores extracted reports in input order (or records why not) and counts them.

    A report whose graph is in the store already is replaced on its own: ``DROP`` and
    ``INSERT DATA`` in one transaction. Reports whose graphs are new are held until
    :data:`GROUP_REPORTS` of them (or :data:`GROUP_STATEMENTS` statements) wait, then
    written in one transaction (:meth:`GraphStore.add_graphs`), which costs the
    writer about a fifth less per report than a transaction each
    (``bench/bench_writer.py``). Each report is still whole or absent; a group is
    too. Ledger rows are written after the commit, so a batch killed before it has
    the group's reports done again on the next run (and a group that fails is
    written again report by report, so that only the reports at fault fail).
    """

    def __init__(self, store: GraphStore, summary: IngestSummary, seen: dict[str, str],
                 validate: Callable[[list[Quad]], list[str]] | None,
                 ledger: Ledger | None) -> None:
        self.store = store
        self.summary = summary
        self.seen = seen
        self.validate = validate
        self.ledger = ledger
        self._pending: list[_Pending] = []
        self._statements = 0

    def add(self, document: Document, extracted: Extracted,
            fingerprint: tuple[str, str] | None) -> None:
        """Write one extracted report now, or hold it for the next group."""
        if extracted.error is not None:
            self.summary.failures.append(IngestFailure(document.origin, extracted.error))
            return
        if self.validate is not None:
            problems = self.validate(extracted.statements.quads(extracted.graph))
            if problems:
                reason = "graph does not conform to the shapes: " + "; ".join(problems[:5])
                self.summary.failures.append(IngestFailure(document.origin, reason))
                return
        graph = extracted.graph
        if graph in self.seen:
            self.summary.failures.append(IngestFailure(
                document.origin,
                f"same report as {self.seen[graph]} (same URL or text); kept the first"))
            return
        self.seen[graph] = document.origin
        pending = _Pending(document, extracted, fingerprint)
        if self.store.has_graph(graph) or has_blank_nodes(extracted.statements):
            self.flush()  # in input order
            self._replace(pending)
            return
        self._pending.append(pending)
        self._statements += len(extracted.statements.lines)
        if len(self._pending) >= GROUP_REPORTS or self._statements >= GROUP_STATEMENTS:
            self.flush()

    def flush(self) -> None:
        """Write the reports held for a group, in one transaction."""
        group, self._pending, self._statements = self._pending, [], 0
        if not group:
            return
        try:
            self.store.add_graphs([(p.extracted.graph, p.extracted.statements) for p in group])
        except StoreError:
            for pending in group:  # nothing was written: find the reports at fault
                self._replace(pending)
            return
        if self.ledger is not None:
            self.ledger.record_many((*p.fingerprint, p.extracted.graph, p.document.origin)
                                    for p in group if p.fingerprint is not None)
        for pending in group:
            self._count(pending.extracted, None, len(pending.extracted.statements.lines))

    def _replace(self, pending: _Pending) -> None:
        graph, document = pending.extracted.graph, pending.document
        before = self.store.count(graph) if self.store.has_graph(graph) else None
        try:
            written = self.store.replace_graph(graph, pending.extracted.statements)
        except StoreError as exc:
            self.summary.failures.append(IngestFailure(document.origin, str(exc)))
            return
        if self.ledger is not None and pending.fingerprint is not None:
            self.ledger.record(*pending.fingerprint, graph=graph, origin=document.origin)
        self._count(pending.extracted, before, written)

    def _count(self, extracted: Extracted, before: int | None, written: int) -> None:
        summary = self.summary
        summary.reports += 1
        summary.replaced += before is not None
        summary.quads_written += written
        summary.quads_added += written - (before or 0)
        summary.events += len(extracted.event_types)
        for kind in extracted.event_types:
            summary.events_by_type[kind] = summary.events_by_type.get(kind, 0) + 1
        summary.entity_iris.update(extracted.entities)


def ingest_paths(
    store: GraphStore,
    paths: Iterable[str | Path],
    options: ReadOptions | None = None,
    *,
    jobs: int = 1,
    expected: int | None = None,
    reports_per_job: int = 200,
    factory: Factory = Processor,
    cluster: str | None = None,
    **kwargs: Any,
) -> IngestSummary:
    """Read files and folders and ingest every report in them (see :func:`ingest`).

    Args:
        jobs: extraction processes (0: one per CPU); fewer are started when the batch
            is small (see :func:`kg.pipeline.pool.plan_jobs`).
        expected: about how many reports the paths hold (default: counted).
        reports_per_job: the fewest reports worth a process of their own.
        factory: makes each process's extractor (it must pickle).
        cluster: extract on this Dask cluster (a scheduler address, or ``local`` for
            one of ``jobs`` processes here) instead; see :mod:`kg.pipeline.cluster`.
        kwargs: passed to :func:`ingest`.

    Raises:
        kg.pipeline.cluster.ClusterError: the cluster cannot be used.
    """
    paths = list(paths)
    if jobs != 1 and not (cluster and cluster != "local"):
        count = count_reports(paths) if expected is None else expected
        jobs = plan_jobs(jobs, count, reports_per_job)
    items = read_documents(paths, options)
    # with workers, this one is not run: it says whether the static graphs belong in the
    # store (the real pipeline's) and loads the KB for them
    kwargs.setdefault("processor", factory())
    if cluster:
        from kg.pipeline.cluster import Cluster

        with Cluster(cluster, factory, local_workers=max(jobs, 1)) as workers:
            return ingest(store, items, workers=workers, **kwargs)
    if jobs == 1:
        return ingest(store, items, **kwargs)
    with ProcessPool(jobs, factory) as pool:
        return ingest(store, items, workers=pool, **kwargs)
